"""Built-in meanings of ``Flux159/mcp-server-kubernetes``'s tools, which run ``kubectl`` and
``helm``: each is understood as the command lines it runs, through the shell understanding, so it
is named (``k8s:<namespace>/<kind>/<name>``, ``helm:<namespace>/<release>``) and judged as those
lines typed in a terminal would be.

Source: ``Flux159/mcp-server-kubernetes`` ``src/tools/kubectl-delete.ts`` (``resourceType``,
``name``, ``namespace``, ``labelSelector``, ``manifest``, ``filename``, ``allNamespaces``,
``force``, ``gracePeriodSeconds``, ``context``), ``kubectl-apply.ts`` (``manifest``, ``filename``,
``namespace``, ``dryRun``, ``force``, ``context``), ``kubectl-scale.ts`` (``name``, ``replicas``,
``resourceType``), ``exec_in_pod.ts`` (``name``, ``command``: an array run without a shell,
``container``), ``helm-operations.ts`` (``install_helm_chart``/``upgrade_helm_chart``: ``name``,
``chart``, ``namespace``, ``repo``, ``valuesFile``, ``createNamespace``, ``useTemplate``;
``uninstall_helm_chart``), ``kubectl-patch.ts`` (``resourceType``, ``name``, ``patchType``,
``patchData``: written to a file passed with ``--patch-file``, here given inline with ``-p`` so the
shell understanding reads it; ``patchFile``; ``dryRun``), ``kubectl-rollout.ts`` (``subCommand``,
``resourceType``/``name``, ``revision``), ``node-management.ts`` (``operation``
``cordon``/``uncordon``/``drain``, ``nodeName``, the drain switches). The namespace is ``default``
when not given, as the server makes it. The server passes what it is given without checking types
and tests switches for JavaScript truth: ``allNamespaces: "true"`` deletes in every namespace here
too, and a text argument given as another truthy value (``namespace: ["prod"]``, which it would
pass stringified) is unknown, never read as absent. A ``manifest`` is what the server writes to a
temporary file and passes with ``-f``: here it is the line's standard input (``-f -``), read for
every object it holds.
``values`` (an object) only sets the chart's values: not judged. Template mode
(``useTemplate``) applies objects rendered at run time: unknown.

The reads (``kubectl_get``, ``kubectl_describe``, ``kubectl_logs``, ``explain_resource``,
``list_api_resources``, ``ping``) read, unless a text argument is an option (starts with
``-``). ``kubectl_create``, ``kubectl_context``, ``kubectl_generic``, ``port_forward``,
``cleanup`` and the rest are unknown.

Its tool names do not overlap the ``containers/kubernetes-mcp-server`` tools of
:mod:`._mcp_cloud`, so both servers' tools live in the one ``kubernetes`` family
(:mod:`.mcp_servers` joins them): a server called ``kubernetes`` keeps its meaning.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    U,
    on_tool,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_END = "KEYTURN_MANIFEST_END"
# kubectl-delete.ts: resource types the server passes no namespace for.
_CLUSTER_WIDE = frozenset(
    {"nodes", "node", "no", "namespaces", "namespace", "ns", "persistentvolumes", "pv"}
    | {"storageclasses", "sc", "clusterroles", "clusterrolebindings"}
    | {"customresourcedefinitions", "crd", "crds"}
)


class _NotALine(ValueError):
    """The arguments do not make the line the server runs (the reason)."""


def _truthy(value: object) -> bool:
    """JavaScript's truth of a JSON value: the server tests its arguments with ``if (x)``."""
    return value not in (None, False, 0, "") and value == value  # NaN is false too


def _opt(call: McpCall, arg: str) -> str | None:
    """An optional text argument: ``None`` when falsy (the server skips it); any other value
    that is not text the server would still pass, stringified: not a line told here."""
    value = call.arg(arg)
    if isinstance(value, str) and value:
        return value
    if _truthy(value):
        raise _NotALine(f"argument {arg!r} is not text")
    return None


def _text(call: McpCall, arg: str) -> str:
    value = _opt(call, arg)
    if value is None:
        raise _NotALine(f"argument {arg!r} missing or not text")
    return value


def _namespace(call: McpCall) -> str:
    return _opt(call, "namespace") or "default"


def _context(call: McpCall) -> list[str]:
    context = _opt(call, "context")
    return ["--context", context] if context else []


def _line(words: list[str], manifest: str | None = None) -> str:
    """The line, with ``manifest`` as its standard input."""
    text = shlex.join(words)
    if manifest is None:
        return text
    if any(line.strip() == _END for line in manifest.splitlines()):
        raise _NotALine("the manifest holds the end-of-input marker")
    return f"{text} <<'{_END}'\n{manifest}\n{_END}"


def _source(call: McpCall) -> tuple[list[str], str | None]:
    """``-f -`` with the ``manifest`` text, or ``-f <filename>``."""
    manifest = _opt(call, "manifest")
    if manifest is not None:
        return ["-f", "-"], manifest
    return ["-f", _text(call, "filename")], None


def _delete(call: McpCall) -> list[str]:
    if _opt(call, "manifest") or _opt(call, "filename"):
        words, manifest = _source(call)
        args = ["delete", *words]
    else:
        kind, manifest = _text(call, "resourceType"), None
        name, selector = _opt(call, "name"), _opt(call, "labelSelector")
        if name is None and selector is None:
            raise _NotALine("argument 'name' or 'labelSelector' missing")
        args = ["delete", kind, *([name] if name else []), *(["-l", selector] if selector else [])]
    # The server tests its switches for truth (``if (allNamespaces)``): "true" or 1 count.
    if _truthy(call.arg("allNamespaces")):
        args.append("--all-namespaces")
    elif _opt(call, "resourceType") and _text(call, "resourceType").lower() not in _CLUSTER_WIDE:
        args += ["-n", _namespace(call)]
    args += ["--force"] if _truthy(call.arg("force")) else []
    grace = call.arg("gracePeriodSeconds")
    if isinstance(grace, int) and not isinstance(grace, bool):
        args.append(f"--grace-period={grace}")
    return [_line(["kubectl", *args, *_context(call)], manifest)]


def _apply(call: McpCall) -> list[str]:
    words, manifest = _source(call)
    args = ["apply", *words, "-n", _namespace(call)]
    # Only a real true is a dry run (anything else may well run); but any truthy ``force`` is
    # passed as --force, as the server tests it with ``if (force)``.
    args += ["--dry-run=client"] if call.arg("dryRun") is True else []
    args += ["--force"] if _truthy(call.arg("force")) else []
    return [_line(["kubectl", *args, *_context(call)], manifest)]


def _scale(call: McpCall) -> list[str]:
    replicas = call.arg("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise _NotALine("argument 'replicas' missing or not a number")
    kind = _opt(call, "resourceType") or "deployment"
    args = ["scale", kind, _text(call, "name"), f"--replicas={replicas}"]
    args.append(f"--namespace={_namespace(call)}")
    return [_line(["kubectl", *args, *_context(call)])]


def _exec(call: McpCall) -> list[str]:
    command = call.arg("command")
    if not isinstance(command, list) or not command or not all(isinstance(c, str) for c in command):
        raise _NotALine("argument 'command' is not a list of strings")
    args = ["exec", _text(call, "name"), "-n", _namespace(call)]
    container = _opt(call, "container")
    args += ["-c", container] if container else []
    return [_line(["kubectl", *args, *_context(call), "--", *command])]


def _patch(call: McpCall) -> list[str]:
    """``kubectl patch TYPE NAME -n NS --type T`` with the patch: ``patchData`` (an object,
    which the server writes to a file) inline, else ``--patch-file``."""
    kind, name = _text(call, "resourceType"), _text(call, "name")
    patch_type = call.arg("patchType")
    patch_type = patch_type if patch_type in ("strategic", "merge", "json") else "strategic"
    args = ["patch", kind, name, "-n", _namespace(call), "--type", patch_type]
    data = call.arg("patchData")
    if _truthy(data):
        if not isinstance(data, dict | list):
            raise _NotALine("argument 'patchData' is not a JSON object")
        args += ["-p", json.dumps(data)]
    else:
        args += ["--patch-file", _text(call, "patchFile")]
    args += ["--dry-run=client"] if call.arg("dryRun") is True else []
    return [_line(["kubectl", *args, *_context(call)])]


def _rollout(call: McpCall) -> list[str]:
    sub, kind, name = _text(call, "subCommand"), _text(call, "resourceType"), _text(call, "name")
    args = ["rollout", sub, f"{kind}/{name}", "-n", _namespace(call)]
    revision = call.arg("revision")
    if sub == "undo" and revision is not None:
        args.append(f"--to-revision={revision}")
    return [_line(["kubectl", *args, *_context(call)])]


def _node(call: McpCall) -> list[str]:
    """``kubectl cordon|uncordon|drain NODE``: a drain evicts every pod on the node (the server
    runs it when ``confirmDrain`` or ``dryRun`` is given; judged as run either way)."""
    operation, node = _text(call, "operation"), _text(call, "nodeName")
    if operation not in ("cordon", "uncordon", "drain"):
        raise _NotALine(f"operation {operation!r} not known")
    args = [operation, node]
    if operation == "drain":
        args += ["--force"] if _truthy(call.arg("force")) else []
        args += ["--delete-local-data"] if _truthy(call.arg("deleteLocalData")) else []
        args += ["--ignore-daemonsets"] if _truthy(call.arg("ignoreDaemonsets")) else []
    return [_line(["kubectl", *args])]


def _helm(verb: str) -> Callable[[McpCall], list[str]]:
    def lines(call: McpCall) -> list[str]:
        if verb == "install" and _truthy(call.arg("useTemplate")):  # ``if (useTemplate)``
            raise _NotALine("template mode applies objects rendered at run time")
        name, namespace = _text(call, "name"), _text(call, "namespace")
        if verb == "uninstall":
            return [_line(["helm", "uninstall", name, "--namespace", namespace])]
        chart = _text(call, "chart")
        repo = _opt(call, "repo")
        first = [_line(["helm", "repo", "add", chart.split("/")[0], repo])] if repo else []
        first += [_line(["helm", "repo", "update"])] if repo else []
        args = [verb, name, chart, "--namespace", namespace]
        if verb == "install" and call.arg("createNamespace") is not False:
            args.append("--create-namespace")
        values = _opt(call, "valuesFile")
        args += ["-f", values] if values else []
        return [*first, _line(["helm", *args])]

    return lines


def _run(kind: EffectKind, lines: Callable[[McpCall], list[str]]) -> Handler:
    """The tool as the lines it runs; ``kind`` is its nominal effect (a probe)."""

    def handle(call: McpCall) -> BuiltinEffects:
        if call.probe:
            return own_effects(call.effect(kind, service="k8s", detail="any arguments"))
        try:
            texts = lines(call)
        except _NotALine as exc:
            return own_effects(call.unknown(f"not the line the server runs: {exc}"))
        return own_effects(*(e for text in texts for e in call.shell(text)))

    return handle


def _read() -> Handler:
    """A read tool, whose text arguments the server puts on kubectl's line as words of their
    own: one starting with ``-`` is an option there (``name: "--server=https://…"`` sends the
    kubeconfig's token elsewhere; ``src/security/kubectl-flags.ts`` refuses only the flags it
    lists, and nothing when ``ALLOW_KUBECTL_UNSAFE_FLAGS`` is set), so it is unknown."""
    read = on_tool(R, "k8s")

    def handle(call: McpCall) -> BuiltinEffects:
        for key, value in call.arguments.items():
            if isinstance(value, str) and value.startswith("-"):
                return own_effects(call.unknown(f"argument {key!r} is a kubectl option: {value!r}"))
        return read(call)

    return handle


KUBECTL_TOOLS: dict[str, Handler] = {
    **dict.fromkeys(
        (
            "kubectl_get",
            "kubectl_describe",
            "kubectl_logs",
            "explain_resource",
            "list_api_resources",
            "ping",
        ),
        _read(),
    ),
    "kubectl_delete": _run(D, _delete),
    "kubectl_apply": _run(U, _apply),
    "kubectl_scale": _run(U, _scale),
    "kubectl_patch": _run(U, _patch),
    "kubectl_rollout": _run(U, _rollout),
    "node_management": _run(U, _node),
    "exec_in_pod": _run(U, _exec),
    "install_helm_chart": _run(C, _helm("install")),
    "upgrade_helm_chart": _run(U, _helm("upgrade")),
    "uninstall_helm_chart": _run(D, _helm("uninstall")),
}
"""``Flux159/mcp-server-kubernetes``'s tools, joined to the ``kubernetes`` family."""
