"""kubectl and helm command lines -> effects on ``k8s:`` / ``helm:`` resources.

Choices worth knowing:

- ``kubectl drain NODE`` is an update of ``k8s:node/NODE`` (cordoned) plus a delete of every
  pod on it, named ``k8s:node/NODE/pods`` and ``k8s:*/pod/*`` (evicted pods are deleted; their
  controllers may or may not recreate them). ``taint ... :NoExecute`` evicts the same way.
- ``-f``/``-k`` manifests are read through ``ctx.files`` (``-f -`` from known stdin); when they
  cannot be read (URL, directory, kustomization, missing) the effect is unknown.
- ``-l``/``--all`` name ``k8s:<ns>/<kind>/*``; ``-A`` names ``k8s:*/<kind>/...``.
- ``--dry-run=client|server`` turns any verb into a read. Namespace: ``-n``, else the target's,
  else ``default``. ``--context`` sets ``target.kube_context``; ``--kubeconfig``/``KUBECONFIG``
  are noted in the detail (the context they select is not known here).
- helm releases are ``helm:<namespace>/<release>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.k8s_kinds import normalize_kind, object_names
from keyturn.understand.shell.commands._kube_args import ParsedArgs, parse_args
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_KUBECTL_VALUE_FLAGS = frozenset(
    [
        "-n",
        "--namespace",
        "--context",
        "--cluster",
        "--user",
        "--kubeconfig",
        "-l",
        "--selector",
        "-f",
        "--filename",
        "-k",
        "--kustomize",
        "-o",
        "--output",
        "-c",
        "--container",
        "--field-selector",
        "--grace-period",
        "--timeout",
        "--replicas",
        "-p",
        "--patch",
        "--type",
        "--server",
        "-s",
        "--token",
        "--as",
        "--as-group",
        "--request-timeout",
        "--for",
        "--to-revision",
        "--prune-allowlist",
        "--template",
        "--sort-by",
        "--revision",
        "--current-replicas",
        "--resource-version",
        "--max",
        "--min",
        "--cpu-percent",
        "--port",
        "--target-port",
        "--name",
        "--image",
        "--since",
        "--tail",
        "--overrides",
        "-L",
        "--label-columns",
        "--from",
        "--from-file",
        "--from-literal",
        "--restart",
        "--schedule",
        "--field-manager",
        "--subresource",
        "--raw",
        "--protocol",
        "--service-account",
        "--env",
        "--chunk-size",
        "--profile",
        "--selector",
        "--certificate-authority",
        "--password",
        "--username",
    ]
)
_KUBECTL_ALIASES = {
    "-n": "--namespace",
    "-l": "--selector",
    "-f": "--filename",
    "-k": "--kustomize",
    "-o": "--output",
    "-p": "--patch",
    "-A": "--all-namespaces",
    "-c": "--container",
    "-s": "--server",
    "-R": "--recursive",
}
_READ_VERBS = frozenset(
    [
        "get",
        "describe",
        "logs",
        "top",
        "explain",
        "version",
        "api-resources",
        "api-versions",
        "cluster-info",
        "diff",
        "wait",
        "events",
        "completion",
        "kustomize",
        "options",
        "plugin",
        "alpha",
    ]
)
_UPDATE_VERBS = frozenset({"patch", "edit", "label", "annotate", "autoscale"})
_EXEC_VERBS = frozenset({"exec", "attach", "cp", "debug", "port-forward", "proxy"})
_CONFIG_READS = frozenset(
    {"view", "get-contexts", "current-context", "get-clusters", "get-users", "get"}
)


@dataclass(frozen=True, slots=True)
class _Call:
    """One kubectl/helm invocation being understood."""

    tool: str
    verb: str
    args: ParsedArgs
    cmd: SimpleCommand
    ctx: ShellContext
    target: Target
    namespace: str
    note: str

    def effect(self, kind: EffectKind, names: tuple[str, ...], rtype: str, detail: str) -> Effect:
        """An effect of this call, with its target, command text and notes."""
        return Effect(
            kind,
            Resource(names, rtype),
            self.target,
            "k8s",
            command=self.cmd.text or None,
            operation=f"{self.tool} {self.verb}".strip(),
            detail="; ".join(p for p in (detail, self.note) if p),
        )


@command("kubectl", "oc")
def kubectl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """kubectl: read verbs read; delete/drain/scale/apply/... as the module docstring says."""
    args = parse_args(cmd.args, value_flags=_KUBECTL_VALUE_FLAGS, aliases=_KUBECTL_ALIASES)
    call = _call("kubectl", args, cmd, ctx, context_flag="--context")
    if not call.verb:
        return [call.effect(_E.READ, ("k8s:*",), "", "kubectl without a verb: prints help")]
    dry = (args.value("--dry-run") or "none").lower() in ("client", "server", "true")
    effects = _kubectl_verb(call)
    if dry:
        return [_as_dry_run(call, e) for e in effects]
    return effects


def _call(
    tool: str, args: ParsedArgs, cmd: SimpleCommand, ctx: ShellContext, *, context_flag: str
) -> _Call:
    namespace_flag = args.value("--namespace")
    target = Target(kube_context=args.value(context_flag), kube_namespace=namespace_flag)
    target = target.merged_over(ctx.target)
    notes = []
    kubeconfig = args.value("--kubeconfig") or cmd.assignments.get("KUBECONFIG")
    kubeconfig = kubeconfig or ctx.env.get("KUBECONFIG")
    if kubeconfig:
        notes.append(f"kubeconfig {kubeconfig}")
    env_context = cmd.assignments.get("KUBE_CONTEXT") or ctx.env.get("KUBE_CONTEXT")
    if env_context and not target.kube_context:
        notes.append(f"KUBE_CONTEXT={env_context} (not read by {tool})")
    verb = args.words[0] if args.words else ""
    namespace = "*" if args.has("--all-namespaces") else target.kube_namespace or "default"
    return _Call(tool, verb, args, cmd, ctx, target, namespace, "; ".join(notes))


def _as_dry_run(call: _Call, effect: Effect) -> Effect:
    return call.effect(
        _E.READ,
        effect.resource.names,
        effect.resource.type,
        f"dry run of {effect.effect.value}: changes nothing",
    )


def _kubectl_verb(call: _Call) -> list[Effect]:
    verb, words = call.verb, call.args.words[1:]
    if verb in _READ_VERBS or (verb == "auth" and words[:1] != ("reconcile",)):
        return [call.effect(_E.READ, ("k8s:*",), "", f"kubectl {verb}: reads only")]
    if verb == "config":
        return _config(call, words)
    if verb == "delete":
        return _objects_or_unknown(call, words, _E.DELETE, "delete")
    if verb in ("apply", "create", "replace"):
        return _apply_like(call, words)
    if verb in ("drain", "cordon", "uncordon", "taint"):
        return _node_verbs(call, words)
    if verb == "scale":
        replicas = call.args.value("--replicas")
        detail = "scaled to 0 (disruptive: stops every replica)" if replicas == "0" else "scale"
        return _objects_or_unknown(call, words, _E.UPDATE, detail)
    if verb in _UPDATE_VERBS or verb == "set":
        targets = words[1:] if verb == "set" else words
        return _objects_or_unknown(call, _without_assignments(targets), _E.UPDATE, verb)
    if verb == "rollout":
        sub = words[0] if words else ""
        kind = _E.READ if sub in ("status", "history") else _E.UPDATE
        return _objects_or_unknown(call, words[1:], kind, f"rollout {sub}")
    if verb == "certificate":
        names = tuple(f"k8s:certificatesigningrequest/{n}" for n in words[1:]) or ("k8s:*",)
        return [
            call.effect(_E.UPDATE, names, "certificatesigningrequest", f"certificate {words[:1]}")
        ]
    if verb in ("run", "expose"):
        return _run_expose(call, words)
    if verb in _EXEC_VERBS:
        names = _exec_names(call, words)
        return [call.effect(_E.UNKNOWN, names, "pod", f"kubectl {verb}: arbitrary execution")]
    return [call.effect(_E.UNKNOWN, ("k8s:*",), "", f"kubectl {verb}: not understood")]


def _targets(call: _Call, words: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """``TYPE NAME...``, ``TYPE/NAME...`` or ``TYPE[,TYPE]`` with ``-l``/``--all`` ->
    (kind, name) pairs; ``*`` for every object the selector picks."""
    pairs: list[tuple[str, str]] = []
    every = call.args.has("--all") or call.args.value("--selector") is not None
    every = every or call.args.value("--field-selector") is not None
    if words and "/" not in words[0]:
        kinds = [normalize_kind(k) for k in words[0].split(",") if k]
        names = list(words[1:]) or (["*"] if every else [])
        pairs = [(k, n) for k in kinds for n in names]
    else:
        for word in words:
            kind, _, name = word.partition("/")
            if kind and name:
                pairs.append((normalize_kind(kind), name))
    return pairs


def _names(call: _Call, kind: str, name: str) -> tuple[str, ...]:
    return object_names(kind, name, call.namespace)


def _objects_or_unknown(
    call: _Call, words: tuple[str, ...] | list[str], kind: EffectKind, detail: str
) -> list[Effect]:
    manifest = _manifest_objects(call)
    if manifest is not None:
        pairs = manifest
    elif call.args.value("--filename") or call.args.value("--kustomize"):
        source = call.args.value("--filename") or call.args.value("--kustomize")
        return [
            call.effect(
                _E.UNKNOWN,
                (f"k8s:{call.namespace}/*",),
                "",
                f"{detail}: manifest {source} not readable here",
            )
        ]
    else:
        pairs = [(k, n, None) for k, n in _targets(call, words)]
    if not pairs:
        return [call.effect(_E.UNKNOWN, ("k8s:*",), "", f"{detail}: no object named")]
    if call.args.has("--force") and kind is _E.DELETE:
        detail += " (--force: no graceful termination)"
    cascade = call.args.value("--cascade")
    if cascade:
        detail += f" (cascade {cascade})"
    return [
        call.effect(kind, object_names(k, n, ns or call.namespace), k, detail) for k, n, ns in pairs
    ]


def _manifest_objects(call: _Call) -> list[tuple[str, str, str | None]] | None:
    """(kind, name, namespace) of each object in the ``-f`` manifests, or ``None``."""
    sources = call.args.flags.get("--filename")
    if not sources or call.args.value("--kustomize"):
        return None
    objects: list[tuple[str, str, str | None]] = []
    for source in sources:
        text = _read_manifest(call, source)
        if text is None:
            return None
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            return None
        for doc in docs:
            if not _collect(doc, objects):
                return None
    return objects


def _read_manifest(call: _Call, source: str) -> str | None:
    if source == "-":
        return None if call.cmd.stdin_dynamic else call.cmd.stdin_text
    if "://" in source:
        return None
    path = source.replace("~", call.ctx.home, 1) if source.startswith("~") else source
    path = path if path.startswith("/") else f"{call.ctx.cwd.rstrip('/')}/{path}"
    if call.ctx.files.is_dir(path):
        return None
    return call.ctx.files.read_text(path)


def _collect(doc: Any, out: list[tuple[str, str, str | None]]) -> bool:
    if doc is None:
        return True
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str):
        return False
    if doc["kind"] == "List" or (doc["kind"].endswith("List") and "items" in doc):
        return all(_collect(item, out) for item in doc.get("items") or ())
    metadata = doc.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str):
        generate = metadata.get("generateName") if isinstance(metadata, dict) else None
        name = f"{generate}*" if isinstance(generate, str) else None
    if not name:
        return False
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    out.append(
        (normalize_kind(doc["kind"]), name, namespace if isinstance(namespace, str) else None)
    )
    return True


def _apply_like(call: _Call, words: tuple[str, ...]) -> list[Effect]:
    verb = call.verb
    if verb == "create" and words and not call.args.value("--filename"):
        return _create_named(call, words)
    if verb == "apply" and words and words[0] in ("view-last-applied",):
        return [call.effect(_E.READ, ("k8s:*",), "", "apply view-last-applied")]
    kind = {"apply": _E.UPDATE, "create": _E.CREATE}.get(verb, _E.UPDATE)
    detail = {"apply": "apply (create or update)", "create": "create"}.get(verb, "replace")
    if verb == "replace" and call.args.has("--force"):
        kind, detail = _E.REPLACE, "replace --force: deleted, then recreated"
    effects = _objects_or_unknown(call, words, kind, detail)
    if verb == "apply" and call.args.has("--prune"):
        effects.append(
            call.effect(
                _E.DELETE,
                (f"k8s:{call.namespace}/*",),
                "",
                "apply --prune: deletes objects missing from the manifest",
            )
        )
    return effects


_SUBTYPED = frozenset({"secret", "service"})


def _create_named(call: _Call, words: tuple[str, ...]) -> list[Effect]:
    """``kubectl create KIND [SUBTYPE] NAME``."""
    kind = normalize_kind(words[0])
    rest = [w for w in words[1:] if "=" not in w]
    if kind in _SUBTYPED and len(rest) >= 2:
        rest = rest[1:]
    if kind == "token":
        names = _names(call, "serviceaccount", rest[0]) if rest else ("k8s:*",)
        return [call.effect(_E.CREATE, names, "serviceaccount", "create token (a credential)")]
    if not rest:
        return [call.effect(_E.UNKNOWN, ("k8s:*",), kind, "create: no object named")]
    return [call.effect(_E.CREATE, _names(call, kind, rest[0]), kind, f"create {kind}")]


def _node_verbs(call: _Call, words: tuple[str, ...]) -> list[Effect]:
    verb = call.verb
    nodes = [w for w in words if w not in ("node", "nodes", "no")]
    if verb == "taint":
        nodes = [w.partition("/")[2] or w for w in nodes[:1]]
    elif any("/" in w for w in nodes):
        nodes = [w.partition("/")[2] for w in nodes]
    if not nodes:
        nodes = ["*"]
    evicts = verb == "drain" or any(w.endswith(":NoExecute") for w in words)
    effects: list[Effect] = []
    for node in nodes:
        effects.append(call.effect(_E.UPDATE, (f"k8s:node/{node}",), "node", f"{verb} node"))
        if evicts:
            effects.append(
                call.effect(
                    _E.DELETE,
                    (f"k8s:node/{node}/pods", "k8s:*/pod/*"),
                    "pod",
                    f"{verb}: evicts (deletes) every pod on node {node}",
                )
            )
    return effects


def _run_expose(call: _Call, words: tuple[str, ...]) -> list[Effect]:
    if call.verb == "run":
        names = _names(call, "pod", words[0]) if words else ("k8s:*",)
        return [call.effect(_E.CREATE, names, "pod", "run: creates a pod")]
    pairs = _targets(call, words)
    name = call.args.value("--name") or (pairs[0][1] if pairs else "*")
    return [call.effect(_E.CREATE, _names(call, "service", name), "service", "expose")]


def _exec_names(call: _Call, words: tuple[str, ...]) -> tuple[str, ...]:
    if call.verb == "cp":
        remote = next((w for w in words if ":" in w), "")
        pod = remote.partition(":")[0].rpartition("/")[2]
    else:
        first = words[0] if words else "*"
        pod = first.partition("/")[2] if "/" in first else first
    return _names(call, "pod", pod or "*")


def _config(call: _Call, words: tuple[str, ...]) -> list[Effect]:
    sub = words[0] if words else "view"
    if sub in _CONFIG_READS:
        return [call.effect(_E.READ, ("k8s:*",), "", f"config {sub}")]
    path = call.args.value("--kubeconfig") or call.ctx.env.get("KUBECONFIG")
    path = path or f"{call.ctx.home.rstrip('/')}/.kube/config"
    return [call.effect(_E.UPDATE, (f"file:{path}",), "file", f"config {sub}: edits kubeconfig")]


def _without_assignments(words: tuple[str, ...]) -> list[str]:
    """Drop ``key=value``/``key-`` words (label, annotate, set image) after the first."""
    return [w for i, w in enumerate(words) if i == 0 or ("=" not in w and not w.endswith("-"))]


# helm ---------------------------------------------------------------------------------------

_HELM_VALUE_FLAGS = frozenset(
    [
        "-n",
        "--namespace",
        "--kube-context",
        "--kubeconfig",
        "-f",
        "--values",
        "--set",
        "--set-string",
        "--set-file",
        "--set-json",
        "--version",
        "--repo",
        "-o",
        "--output",
        "--timeout",
        "--description",
        "--post-renderer",
        "--username",
        "--password",
        "--ca-file",
        "--cert-file",
        "--key-file",
        "--kube-apiserver",
        "--kube-token",
        "--kube-as-user",
        "--kube-as-group",
        "--registry-config",
        "--repository-config",
        "--repository-cache",
        "--max",
        "--revision",
        "--history-max",
        "--name-template",
        "--cascade",
        "--wait-for",
    ]
)
_HELM_ALIASES = {"-n": "--namespace", "-f": "--values", "-o": "--output", "-A": "--all-namespaces"}
_HELM_READS = frozenset(
    [
        "list",
        "ls",
        "status",
        "get",
        "template",
        "show",
        "inspect",
        "search",
        "repo",
        "version",
        "history",
        "hist",
        "env",
        "lint",
        "package",
        "pull",
        "fetch",
        "dependency",
        "dep",
        "verify",
        "completion",
        "help",
        "create",
    ]
)


@command("helm")
def helm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """helm: uninstall -> delete, rollback/upgrade -> update (``--force`` -> replace),
    install -> create (``--replace`` -> replace), list/status/get/template -> read."""
    args = parse_args(cmd.args, value_flags=_HELM_VALUE_FLAGS, aliases=_HELM_ALIASES)
    call = _call("helm", args, cmd, ctx, context_flag="--kube-context")
    verb, words = call.verb, args.words[1:]
    kind, detail = _helm_meaning(call, words)
    if kind is not _E.READ and args.value("--dry-run") not in (None, "false", "none"):
        kind, detail = _E.READ, f"dry run of {detail}: changes nothing"
    if verb in ("install",) and (args.has("--generate-name") or len(words) < 2):
        releases = ["*"]
    elif verb in ("uninstall", "del", "delete", "un"):
        releases = list(words) or ["*"]
    else:
        releases = list(words[:1]) or ["*"]
    if kind is _E.READ and verb in _HELM_READS:
        return [call.effect(kind, (f"helm:{call.namespace}/*",), "helm_release", detail)]
    return [
        call.effect(kind, (f"helm:{call.namespace}/{r}",), "helm_release", detail) for r in releases
    ]


def _helm_meaning(call: _Call, words: tuple[str, ...]) -> tuple[EffectKind, str]:
    verb, args = call.verb, call.args
    if verb in ("uninstall", "del", "delete", "un"):
        keep = " (--keep-history)" if args.has("--keep-history") else ""
        return _E.DELETE, f"uninstall release: deletes its objects{keep}"
    if verb == "rollback":
        return _E.UPDATE, "rollback"
    if verb == "upgrade":
        if args.has("--force"):
            return _E.REPLACE, "upgrade --force: objects deleted and recreated"
        return _E.UPDATE, "upgrade" + (" --install" if args.has("--install") else "")
    if verb == "install":
        if args.has("--replace"):
            return _E.REPLACE, "install --replace"
        return _E.CREATE, "install"
    if verb in _HELM_READS or not verb:
        return _E.READ, f"helm {verb}: reads only"
    return _E.UNKNOWN, f"helm {verb}: not understood"
