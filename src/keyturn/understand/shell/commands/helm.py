"""helm command lines -> effects on ``helm:<namespace>/<release>`` resources.

uninstall deletes a release's objects, rollback/upgrade update them (``--force``: replaced),
install creates them (``--replace``: replaced); list/status/get/template... read. A literal
``--dry-run`` with no word decided at run time after it turns any of them into a read. The
namespace and context are read as kubectl reads them, with helm's own ``HELM_KUBECONTEXT``,
``HELM_NAMESPACE`` and ``HELM_KUBEAPISERVER``.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._kube_args import parse_args
from keyturn.understand.shell.commands._kube_call import KubeCall, kube_call
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
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
    call = kube_call("helm", args, cmd, ctx, context_flag="--kube-context")
    verb, words = call.verb, args.words[1:]
    kind, detail = _helm_meaning(call, words)
    dry = args.value("--dry-run") not in (None, "false", "none") and call.dry_run_stands()
    if kind is not _E.READ and dry:
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


def _helm_meaning(call: KubeCall, words: tuple[str, ...]) -> tuple[EffectKind, str]:
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
