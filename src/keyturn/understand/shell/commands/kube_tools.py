"""Tools around a Kubernetes cluster: ``kubectx`` and ``kubens`` (switch the kubeconfig's
current context and namespace), ``velero`` (backups and restores) and ``helmfile`` (many helm
releases at once). Their cluster is told as kubectl's is (:mod:`._kube_call`): a context flag,
``KUBECONFIG``, a switch earlier on the line, else the kubeconfig's current context.

Names are those kubectl and helm give: ``k8s:<namespace>/backup/<name>`` (Velero's objects
live in its namespace, ``velero`` unless ``-n``), ``k8s:<namespace>/*`` (what a restore puts
back), ``helm:<namespace>/<release>``. A switch of context or namespace is an update of the
kubeconfig file, as ``kubectl config use-context`` is, with the new context as its target.

Kinds: ``velero backup delete`` deletes the backup and its data in object storage;
``velero restore create`` creates the backup's objects again in the namespaces it includes
(every namespace when not told; with ``--existing-resource-policy=update`` it updates those
there); ``velero uninstall`` deletes Velero and its objects. ``helmfile destroy``/``delete``
uninstalls every release the helmfile selects (all of them without ``-l``); ``apply``/
``sync`` install and upgrade them, and uninstall those marked ``installed: false``.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand.shell.commands._kube_args import ParsedArgs, parse_args
from keyturn.understand.shell.commands._kube_call import KubeCall, kube_call, kubeconfig_write
from keyturn.understand.shell.effects import command_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_KUBE_FLAGS = frozenset({"--context", "--kube-context", "--kubeconfig", "--namespace"})
_ALIASES = {"-n": "--namespace"}


@command("kubectx", "kubectl-ctx")
def kubectx(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kubectx`` (lists), ``kubectx NAME`` (switches), ``kubectx -`` (the previous one),
    ``kubectx NEW=OLD`` (renames), ``kubectx -d NAME`` (deletes a context), ``-c`` (prints)."""
    args = list(cmd.args)
    if not args or args[0] in ("-c", "--current", "-h", "--help"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if args[0] == "-d":
        names = args[1:]
        detail = f"deletes the context{'s' if len(names) > 1 else ''} {', '.join(names)}"
        return [kubeconfig_write(cmd, ctx, detail, Target(environment=ctx.target.environment))]
    if args[0] == "-" or any(i > 0 for i in cmd.dynamic_words):
        detail = "switches to a context not known here"
        return [unknown_effect(cmd, detail, ctx)]
    if "=" in args[0]:
        new, _, old = args[0].partition("=")
        return [kubeconfig_write(cmd, ctx, f"renames the context {old} to {new}", _to(ctx, old))]
    detail = f"makes {args[0]} the current context"
    return [kubeconfig_write(cmd, ctx, detail, _to(ctx, args[0]))]


def _to(ctx: ShellContext, context: str) -> Target:
    return Target(environment=ctx.target.environment, kube_context=context)


@command("kubens", "kubectl-ns")
def kubens(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kubens`` (lists), ``kubens NS`` (the current context's namespace), ``kubens -``."""
    args = list(cmd.args)
    if not args or args[0] in ("-c", "--current", "-h", "--help"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if args[0] == "-" or any(i > 0 for i in cmd.dynamic_words):
        return [unknown_effect(cmd, "switches to a namespace not known here", ctx)]
    call = kube_call("kubens", ParsedArgs(()), cmd, ctx, context_flag="--context")
    target = Target(
        environment=call.target.environment,
        kube_context=call.target.kube_context,
        kube_namespace=args[0],
    )
    detail = f"makes {args[0]} the namespace of the current context"
    return [kubeconfig_write(cmd, ctx, detail, target)]


_VELERO_VALUED = _KUBE_FLAGS | {"--from-backup", "--from-schedule", "--include-namespaces"}
_VELERO_VALUED |= {"--exclude-namespaces", "--existing-resource-policy", "--selector", "-l"}
_VELERO_VALUED |= {"--include-resources", "--exclude-resources", "--namespace-mappings"}
_VELERO_VALUED |= {"--ttl", "--storage-location", "--schedule", "-o", "--output"}


@command("velero")
def velero(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``velero backup|restore|schedule VERB NAME…``, ``velero uninstall``."""
    args = parse_args(cmd.args, value_flags=frozenset(_VELERO_VALUED), aliases=_ALIASES)
    call = kube_call("velero", args, cmd, ctx, context_flag="--kubecontext")
    ns = args.value("--namespace") or "velero"
    noun, verb, *names = [*args.words, "", ""][: max(2, len(args.words))]
    if noun in ("", "version", "help", "completion") or args.has("--help"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if verb in ("get", "describe", "logs") or noun in ("get", "describe"):
        return [call.effect(_E.READ, (f"k8s:{ns}/*",), "velero", "reads only")]
    if noun == "uninstall":
        detail = "deletes Velero, its namespace and its objects"
        return [call.effect(_E.DELETE, ("k8s:namespace/" + ns, f"k8s:{ns}/*"), "velero", detail)]
    if noun in ("backup", "schedule") and verb == "delete":
        chosen = ["*"] if args.has("--all") else [n for n in names if n] or ["*"]
        detail = "deletes the backup and its data in object storage" if noun == "backup" else ""
        found = tuple(f"k8s:{ns}/{noun}/{n}" for n in chosen)
        return [call.effect(_E.DELETE, found, noun, detail)]
    if noun in ("backup", "schedule") and verb == "create":
        created = call.effect(
            _E.CREATE, (f"k8s:{ns}/{noun}/{names[0] if names else '*'}",), noun, ""
        )
        return [created, call.effect(_E.READ, _namespaces(args), "velero", "backs up")]
    if noun == "restore" and verb == "create":
        policy = args.value("--existing-resource-policy")
        kind = _E.UPDATE if policy == "update" else _E.CREATE
        detail = "puts the backup's objects back" + (
            " over those there" if kind is _E.UPDATE else ""
        )
        return [call.effect(kind, _namespaces(args), "restore", detail)]
    return None


def _namespaces(args: ParsedArgs) -> tuple[str, ...]:
    included = [n for v in args.flags.get("--include-namespaces", []) for n in v.split(",") if n]
    if not included or "*" in included:
        return ("k8s:*",)
    return tuple(f"k8s:{n}/*" for n in included)


_HELMFILE_VALUED = _KUBE_FLAGS | {"-e", "--environment", "-f", "--file", "-l", "--selector"}
_HELMFILE_VALUED |= {"--state-values-set", "--state-values-file", "--args", "--concurrency"}
_HELMFILE_READS = frozenset({"diff", "template", "lint", "list", "build", "status", "version"})
_HELMFILE_READS |= {"deps", "repos", "fetch", "write-values", "show-dag", "init", "cache", "help"}


@command("helmfile")
def helmfile(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``helmfile [-e ENV] [-l SELECTOR] destroy|delete|apply|sync|diff…``."""
    aliases = {**_ALIASES, "-e": "--environment", "-l": "--selector", "-f": "--file"}
    args = parse_args(cmd.args, value_flags=frozenset(_HELMFILE_VALUED), aliases=aliases)
    call = kube_call("helmfile", args, cmd, ctx, context_flag="--kube-context")
    verb = args.words[0] if args.words else ""
    if not verb or verb in _HELMFILE_READS or args.has("--help"):
        return [command_effect(_E.READ, cmd, ctx, detail="changes nothing")]
    releases = _releases(call, args.flags.get("--selector", []))
    environment = args.value("--environment")
    note = f"environment {environment}" if environment else ""
    if verb in ("destroy", "delete"):
        detail = "uninstalls every release it selects: deletes their objects"
        return [_release_effect(call, _E.DELETE, releases, detail, note)]
    if verb in ("apply", "sync"):
        detail = "installs and upgrades the releases; uninstalls those marked installed: false"
        return [_release_effect(call, _E.UPDATE, releases, detail, note)]
    return None


def _releases(call: KubeCall, selectors: Sequence[str]) -> tuple[str, ...]:
    """``helm:<namespace>/<release>`` for ``-l name=X`` selectors, else every release."""
    named = [
        s.split("=", 1)[1] for sel in selectors for s in sel.split(",") if s.startswith("name=")
    ]
    namespace = call.args.value("--namespace") or "*"
    return tuple(f"helm:{namespace}/{n}" for n in named) or (f"helm:{namespace}/*",)


def _release_effect(
    call: KubeCall, kind: EffectKind, releases: tuple[str, ...], detail: str, note: str
) -> Effect:
    return call.effect(kind, releases, "helm_release", "; ".join(d for d in (detail, note) if d))
