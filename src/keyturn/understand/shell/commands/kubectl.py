"""kubectl command lines -> effects on ``k8s:`` resources (helm: :mod:`.helm`).

Choices worth knowing:

- ``kubectl drain NODE`` is an update of ``k8s:node/NODE`` (cordoned) plus a delete of every
  pod on it, named ``k8s:node/NODE/pods`` and ``k8s:*/pod/*`` (evicted pods are deleted; their
  controllers may or may not recreate them). ``taint ... :NoExecute`` evicts the same way.
- ``-f``/``-k`` manifests are read through ``ctx.files`` (``-f -`` from known stdin); when they
  cannot be read (URL, directory, kustomization, missing) the effect is unknown.
- ``-l``/``--all`` name ``k8s:<ns>/<kind>/*``; ``-A`` names ``k8s:*/<kind>/...``. A delete of
  them (or of ``all``) empties (part of) the namespace: it is also named ``k8s:namespace/<ns>``,
  so a protected namespace refuses it as it refuses its own deletion; so is ``apply --prune``.
- ``--dry-run=client|server`` turns any verb into a read, when it is literal and no word among
  the flags is decided at run time (a later ``$X`` may be ``--dry-run=none``: the last flag
  wins; an earlier one ``--``).
- Namespace: ``-n``, else a switch on the line, else the kubeconfig's for the context, else
  ``default``. The context: ``--context``, else a switch on the line, else the kubeconfig's
  current context (:mod:`._kube_call`); with ``--cluster``/``--server``/``--user`` the
  context's name no longer tells the environment.
- kubectl's preferences (kuberc) add their defaults and aliases to the call before it is read
  (:mod:`._kuberc`); ``--kubeconfig`` names one file, ``KUBECONFIG`` a list.
- ``cluster-info dump --output-directory DIR`` writes files under ``DIR``.
- ``kubectl config`` writes other than picks (use-context, a context's namespace, deletes) are
  unknown: they may change what a context's name means.
"""

from __future__ import annotations

from dataclasses import replace

from keyturn.model import Effect, EffectKind
from keyturn.understand.k8s_kinds import (
    collection_delete_names,
    custom_resource_names,
    normalize_kind,
    object_names,
)
from keyturn.understand.shell.commands._http_kubernetes import kubernetes
from keyturn.understand.shell.commands._http_meaning import api_segments
from keyturn.understand.shell.commands._http_request import Request
from keyturn.understand.shell.commands._kube_args import parse_command
from keyturn.understand.shell.commands._kube_call import KubeCall, kube_call, typed_targets
from keyturn.understand.shell.commands._kube_cloud import cloud_deletes
from keyturn.understand.shell.commands._kube_credentials import written_kubeconfig_programs
from keyturn.understand.shell.commands._kube_files import copied_files, dump_files, kuberc_edit
from keyturn.understand.shell.commands._kube_flags import KUBECTL_GLOBAL, KUBECTL_VERBS
from keyturn.understand.shell.commands._kube_manifests import manifest_objects
from keyturn.understand.shell.commands._kube_patches import (
    manifest_marked,
    marked,
    write_unprotects,
)
from keyturn.understand.shell.commands._kube_programs import kustomize_program_effects
from keyturn.understand.shell.commands._kuberc import with_kuberc
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
# Verbs whose words after ``--`` are a command to run (``kubectl exec POD -- CMD``); for every
# other verb they are more of its words (``kubectl delete ns a -- b`` deletes b too).
_COMMAND_AFTER_DASHES = frozenset({"exec", "run", "debug", "create"})
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
# What only picks or forgets an entry of the settings, or sets a context's namespace.
_CONFIG_PICKS = frozenset({"use-context", "use", "delete-context", "delete-cluster", "delete-user"})
_CONFIG_NAMESPACE_ONLY = frozenset({"--current", "--namespace", "--kubeconfig", "--context"})


@command("kubectl", "oc")
def kubectl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """kubectl: read verbs read; delete/drain/scale/apply/... as the module docstring says."""
    words = cmd.args
    if words[-1:] in (("-f",), ("--filename",)):
        # kubectl refuses -f without a value; the shell grammar drops a lone ``-`` written just
        # before a heredoc (``kubectl delete -f - <<EOF``): read it as the stdin it names.
        words += ("-",)
    args = parse_command(words, root=KUBECTL_GLOBAL, verbs=KUBECTL_VERBS)
    # Before anything is read of the call: the kuberc's aliases and defaults may name its
    # verb, namespace, context or kubeconfig.
    args, unread = with_kuberc(words, args, cmd, ctx)
    if args.words[:1] and args.words[0] not in _COMMAND_AFTER_DASHES:
        args = replace(args, words=args.words + args.rest, rest=())
    call = kube_call("kubectl", args, cmd, ctx, context_flag="--context")
    if unread:
        return [call.effect(_E.UNKNOWN, ("k8s:*",), "", unread)]
    if not call.verb:
        return [call.effect(_E.READ, ("k8s:*",), "", "kubectl without a verb: prints help")]
    if args.unknown:
        flags = ", ".join(dict.fromkeys(args.unknown))
        detail = f"kubectl {call.verb}: {flags} may take a value or not: its words are not told"
        return [call.effect(_E.UNKNOWN, ("k8s:*",), "", detail)]
    dry = (args.value("--dry-run") or "none").lower() in ("client", "server", "true")
    dry = dry and call.dry_run_stands()
    effects = _kubectl_verb(call)
    if dry:
        effects = [_as_dry_run(call, e) for e in effects]
    if call.verb == "kustomize":
        effects += kustomize_program_effects(call)
    return effects + written_kubeconfig_programs(call)


# ``kubectl VERB --raw PATH``: the API request it sends.
_RAW_METHODS = {"get": "GET", "delete": "DELETE", "create": "POST", "replace": "PUT"}


def _raw_request(call: KubeCall, method: str, path: str) -> list[Effect]:
    """``kubectl delete --raw /api/v1/namespaces/payments``: named as the same request sent
    with curl (:mod:`._http_kubernetes`); the body of a create or replace (``-f``) is not read,
    so the object it creates is named by the path alone."""
    request = Request(method, path, body_unknown=method in ("POST", "PUT"))
    found = kubernetes(request, api_segments(path.partition("?")[0]), call.target)
    if found:
        return [
            replace(e, command=call.cmd.text or None, operation=f"{call.tool} {call.verb} --raw")
            for e in found
        ]
    kind = _E.READ if method == "GET" else _E.UNKNOWN
    return [call.effect(kind, ("k8s:*",), "", f"{call.verb} --raw {path[:80]}: not an API path")]


def _as_dry_run(call: KubeCall, effect: Effect) -> Effect:
    return call.effect(
        _E.READ,
        effect.resource.names,
        effect.resource.type,
        f"dry run of {effect.effect.value}: changes nothing",
    )


def _kubectl_verb(call: KubeCall) -> list[Effect]:
    verb, words = call.verb, call.args.words[1:]
    raw = call.args.value("--raw")
    if raw is not None and verb in _RAW_METHODS:
        return _raw_request(call, _RAW_METHODS[verb], raw)
    if verb == "alpha" and words[:1] == ("kuberc",) and words[1:2] != ("view",):
        return [kuberc_edit(call, words)]
    if verb in _READ_VERBS or (verb == "auth" and words[:1] != ("reconcile",)):
        read = call.effect(_E.READ, ("k8s:*",), "", f"kubectl {verb}: reads only")
        return [read, *dump_files(call, words)]
    if verb == "config":
        return _config(call, words)
    if verb == "delete":
        deleted = _objects_or_unknown(call, words, _E.DELETE, "delete")
        return deleted + cloud_deletes(call, words)
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
        updated = _objects_or_unknown(call, _without_assignments(targets), _E.UPDATE, verb)
        return marked(updated, write_unprotects(call))
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
        ran = call.effect(_E.UNKNOWN, names, "pod", f"kubectl {verb}: arbitrary execution")
        return [ran, *(copied_files(call, words) if verb == "cp" else ())]
    return [call.effect(_E.UNKNOWN, ("k8s:*",), "", f"kubectl {verb}: not understood")]


def _targets(call: KubeCall, words: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    """``TYPE NAME...``, ``TYPE/NAME...`` or ``TYPE[,TYPE]`` with ``-l``/``--all`` ->
    (kind, name) pairs; ``*`` for every object the selector picks."""
    return [(normalize_kind(t), n) for t, n in typed_targets(call, words)]


def _names(call: KubeCall, kind: str, name: str) -> tuple[str, ...]:
    return object_names(kind, name, call.namespace)


def _objects_or_unknown(
    call: KubeCall, words: tuple[str, ...] | list[str], kind: EffectKind, detail: str
) -> list[Effect]:
    manifest = manifest_objects(call)
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
    return [_object_effect(call, kind, k, n, ns or call.namespace, detail) for k, n, ns in pairs]


def _object_effect(
    call: KubeCall, kind: EffectKind, rtype: str, name: str, namespace: str, detail: str
) -> Effect:
    """One object's effect; a delete of every object of a kind (``--all``, a selector, ``delete
    all``) empties (part of) the namespace and is named as it too, so that a protected namespace
    refuses it (:func:`collection_delete_names`)."""
    if kind is _E.DELETE and name == "*":
        names = collection_delete_names(rtype, namespace)
        if f"k8s:namespace/{namespace}" in names and rtype != "namespace":
            what = "kubectl's 'all' kinds" if rtype == "all" else f"every {rtype} it picks"
            detail += f"; deletes the contents of namespace {namespace} ({what})"
        if rtype == "customresourcedefinition":
            # Every definition: every custom resource of every kind goes with them.
            names += ("k8s:*", "k8s:namespace/*")
        return call.effect(kind, names, rtype, detail)
    names = object_names(rtype, name, namespace)
    if kind is _E.DELETE and rtype == "customresourcedefinition":
        # A definition takes every object of its kind with it, in every namespace.
        names = tuple(dict.fromkeys(names + custom_resource_names(name)))
        detail += f"; deletes every object of the kind {name} defines"
    return call.effect(kind, names, rtype, detail)


def _apply_like(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
    verb = call.verb
    if verb == "create" and words and not call.args.value("--filename"):
        return _create_named(call, words)
    if verb == "apply" and words and words[0] in ("view-last-applied",):
        return [call.effect(_E.READ, ("k8s:*",), "", "apply view-last-applied")]
    kind = {"apply": _E.UPDATE, "create": _E.CREATE}.get(verb, _E.UPDATE)
    detail = {"apply": "apply (create or update)", "create": "create"}.get(verb, "replace")
    if verb in ("replace", "apply") and call.args.has("--force"):
        # apply --force deletes and recreates an object it cannot patch.
        kind, detail = _E.REPLACE, f"{verb} --force: deleted, then recreated"
    effects = manifest_marked(call, _objects_or_unknown(call, words, kind, detail))
    if verb == "apply" and call.args.has("--prune"):
        # Pruning deletes what the manifest leaves out of every namespace it applies to (each
        # object's own, else the call's): their contents.
        objects = manifest_objects(call) or []
        namespaces = dict.fromkeys(ns or call.namespace for _k, _n, ns in objects)
        for namespace in namespaces or (call.namespace,):
            effects.append(
                call.effect(
                    _E.DELETE,
                    (f"k8s:{namespace}/*", f"k8s:namespace/{namespace}"),
                    "",
                    "apply --prune: deletes objects missing from the manifest (the contents "
                    f"of namespace {namespace})",
                )
            )
    return effects


_SUBTYPED = frozenset({"secret", "service"})


def _create_named(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
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


def _node_verbs(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
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


def _run_expose(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
    if call.verb == "run":
        names = _names(call, "pod", words[0]) if words else ("k8s:*",)
        return [call.effect(_E.CREATE, names, "pod", "run: creates a pod")]
    pairs = _targets(call, words)
    name = call.args.value("--name") or (pairs[0][1] if pairs else "*")
    return [call.effect(_E.CREATE, _names(call, "service", name), "service", "expose")]


def _exec_names(call: KubeCall, words: tuple[str, ...]) -> tuple[str, ...]:
    if call.verb == "cp":
        # ``[NAMESPACE/]POD:PATH`` (``kubectl cp --help``): the namespace written there wins.
        namespace, _, pod = (
            next((w for w in words if ":" in w), "").partition(":")[0].rpartition("/")
        )
        return object_names("pod", pod or "*", namespace or call.namespace)
    first = words[0] if words else "*"
    kind, slash, name = first.partition("/")
    if call.verb == "debug" and slash and normalize_kind(kind) == "node":
        # ``debug node/N``: a pod with the node's host namespaces and its / mounted.
        return (f"k8s:node/{name or '*'}",)
    pod = name if slash else first
    return _names(call, "pod", pod or "*")


def _config(call: KubeCall, words: tuple[str, ...]) -> list[Effect]:
    sub = words[0] if words else "view"
    if sub in _CONFIG_READS:
        return [call.effect(_E.READ, ("k8s:*",), "", f"config {sub}")]
    path = call.args.value("--kubeconfig") or call.ctx.env.get("KUBECONFIG")
    path = path or f"{call.ctx.home.rstrip('/')}/.kube/config"
    picks = sub in _CONFIG_PICKS or (
        sub == "set-context" and _CONFIG_NAMESPACE_ONLY.issuperset(call.args.flags)
    )
    if picks:
        return [
            call.effect(_E.UPDATE, (f"file:{path}",), "file", f"config {sub}: edits kubeconfig")
        ]
    # Anything but a pick is a raw write of the settings (service ``file``), unknown: it may
    # name a program every call runs (set-credentials --exec-command) or change what a context
    # name means, and so which environment. Unknown here, not only through runs_later, which
    # knows ~/.kube/config but not a kubeconfig named by KUBECONFIG or --kubeconfig.
    edit = call.effect(
        _E.UNKNOWN,
        (f"file:{path}",),
        "file",
        f"config {sub}: rewrites kubeconfig (may change what a context name means)",
    )
    return [replace(edit, service="file")]


def _without_assignments(words: tuple[str, ...]) -> list[str]:
    """Drop ``key=value``/``key-`` words (label, annotate, set image) after the first."""
    return [w for i, w in enumerate(words) if i == 0 or ("=" not in w and not w.endswith("-"))]
