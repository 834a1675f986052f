"""Built-in meanings of the cluster and cloud servers' tools: Kubernetes (with helm) and AWS.

Kubernetes objects are named as kubectl's are (:func:`k8s_names`), in the context and namespace
the arguments tell; a manifest is read for every object it holds, and ``pods_exec``'s command is
judged as the shell command it is, inside the pod. AWS's ``call_aws`` is the ``aws`` CLI command
it carries. Both mean what a shell command on the same cluster or account would, which is why
they live together here, apart from the file and database servers.
"""

from __future__ import annotations

import shlex
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import yaml

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand import NoFiles
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
    own_effects,
)
from keyturn.understand.k8s_kinds import is_cluster_scoped, normalize_kind, object_names
from keyturn.yaml_limits import RefusedYaml, load_all

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall


# -- Kubernetes ------------------------------------------------------------------------------
# containers/kubernetes-mcp-server: ``kind``/``name``/``namespace`` name one object; with several
# clusters every tool also takes ``context`` (judged also as untold: _context_also_untold).
# ``resources_scale`` takes ``scale`` (setting it is what changes anything),
# ``resources_create_or_update`` a manifest in ``resource`` and a ``namespace`` that overrides
# the manifest's, ``pods_exec`` a ``command`` array.


def k8s_names(kind_word: str, name: str, namespace: str | None) -> tuple[str, ...]:
    """The names of one object, as kubectl's are (:func:`~keyturn.understand.k8s_kinds.
    object_names`); a namespaced object in a namespace not told is ``k8s:*/<kind>/<name>``
    (like an unknown AWS account): the server falls back to its kubeconfig's namespace."""
    kind = normalize_kind(kind_word)
    if namespace or is_cluster_scoped(kind):
        return object_names(kind, name, namespace)
    return (f"k8s:*/{kind}/{name}",)


def _somewhere(kind: EffectKind, names: tuple[str, ...], detail: str) -> tuple[EffectKind, str]:
    """A create or update of an object in a namespace not told is ``unknown``: a policy's
    ``resource: k8s:kube-system/*`` rule cannot match ``k8s:*/…``, so only asking stays as strict
    as the namespace it may land in. (A delete stays a delete: ``protected`` patterns are matched
    against the ``*``, and a delete of what they may cover is refused.)"""
    if kind in (C, U) and names[0].startswith("k8s:*/"):
        why = "namespace not told: the server's kubeconfig decides where it lands"
        return EffectKind.UNKNOWN, "; ".join(x for x in (detail, why) if x)
    return kind, detail


def _k8s_target(call: McpCall, namespace: str | None = None) -> Target:
    return Target(
        kube_context=call.text_arg("context"),
        kube_namespace=namespace or call.text_arg("namespace"),
    )


def _on_k8s(kind: EffectKind, fixed_kind: str | None = None, detail: str = "") -> Handler:
    """A tool on one object: ``kind`` (or ``fixed_kind``), ``name``, optional ``namespace``."""

    def handle(call: McpCall) -> BuiltinEffects:
        word, name = fixed_kind or call.text_arg("kind"), call.text_arg("name")
        target = _k8s_target(call)
        if name is None and word is not None and not call.probe:
            name = "*"  # pods_run names the pod at random: any pod, in the namespace it names
        if word is None or name is None:
            return own_effects(
                call.effect(kind, service="k8s", target=target, detail="object not named")
            )
        namespace = call.text_arg("namespace") or call.target.kube_namespace
        names = k8s_names(word, name, namespace)
        judged, why = _somewhere(kind, names, detail)
        return own_effects(
            call.effect(
                judged, names, type_=normalize_kind(word), service="k8s", target=target, detail=why
            )
        )

    return handle


def _create_or_update(call: McpCall) -> BuiltinEffects:
    """``resources_create_or_update``: an update of every object in the YAML/JSON text, in the
    ``namespace`` argument when given (the server applies it over the manifest's own)."""
    text = call.text_arg("resource", "manifest")
    if text is None:
        return missing_argument(call, U, "resource")
    try:
        docs = [d for d in load_all(text) if d is not None]
    except RefusedYaml as refused:
        return own_effects(call.unknown(f"resource text refused: {refused}"))
    except yaml.YAMLError:
        return own_effects(call.unknown("resource text is neither YAML nor JSON"))
    override = call.text_arg("namespace")
    effects = []
    for doc in docs:
        meta = doc.get("metadata") if isinstance(doc, dict) else None
        kind, name = (doc.get("kind"), meta.get("name")) if isinstance(meta, dict) else (None, None)
        if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
            effects.append(call.unknown("resource without kind or metadata.name"))
            continue
        own = meta.get("namespace") if isinstance(meta, dict) else None
        namespace = override or (own if isinstance(own, str) and own else None)
        namespace = namespace or call.target.kube_namespace
        names = k8s_names(kind, name, namespace)
        judged, why = _somewhere(U, names, "")
        target = _k8s_target(call, namespace)
        effects.append(
            call.effect(
                judged, names, type_=normalize_kind(kind), service="k8s", target=target, detail=why
            )
        )
    return (
        own_effects(*effects)
        if effects
        else own_effects(call.unknown("resource text has no object"))
    )


def _count(value: Any) -> int | None:
    """An integer argument as the server parses it (a JSON number or its text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    return None


def _scale(call: McpCall) -> BuiltinEffects:
    """``resources_scale``: without ``scale`` it only reads the current scale; with one it sets
    it. Scaling to 0 (or to what is not a count) takes the workload away: a delete, stricter
    than ``kubectl scale --replicas=0``'s disruptive update. (``replicas``, which the server does
    not take, is still read: it only ever makes the judgement stricter.)"""
    value = call.arg("scale")
    if value is None:
        value = call.arg("replicas")
    if value is None:
        return _on_k8s(R)(call)
    count = _count(value)
    if count is None or count <= 0:
        what = "scaled to 0" if count is not None else f"scale {value!r} is not a count"
        return _on_k8s(D, detail=f"{what} (disruptive: stops every replica)")(call)
    return _on_k8s(U, detail=f"scaled to {count}")(call)


def _pods_exec(call: McpCall) -> BuiltinEffects:
    """``pods_exec``: a write into the pod, and what the command does there, judged as
    ``kubectl exec -n NS POD -- CMD`` is: each effect also named in the pod
    (``k8s:NS/pod/POD/file:/data``, :func:`~keyturn.understand.shell.effects.named_in`) and
    landing in the pod's cluster. No file of this machine tells what the pod's files hold."""
    own = _on_k8s(U, "pod")(call).own
    command = call.arg("command")
    if isinstance(command, list) and command and all(isinstance(c, str) for c in command):
        text = shlex.join(command)
    elif isinstance(command, str) and command.strip():
        text = command
    else:
        return BuiltinEffects(own, [call.unknown("pods_exec: command missing")])
    try:
        from keyturn.understand.shell.effects import named_in
    except ImportError:  # a build without shell understanding: call.shell says so
        return BuiltinEffects(own, call.shell(text))
    namespace = call.text_arg("namespace") or call.target.kube_namespace or "*"
    pod = f"{namespace}/pod/{call.text_arg('name') or '*'}"
    target = _k8s_target(call)
    derived = [
        replace(
            named_in(e, [f"k8s:{pod}"]),
            target=target.merged_over(e.target),
            detail="; ".join(x for x in (e.detail, f"in pod {pod}") if x),
        )
        for e in replace(call, files=NoFiles()).shell(text)
    ]
    return BuiltinEffects(own, derived)


def _helm(kind: EffectKind) -> Handler:
    def handle(call: McpCall) -> BuiltinEffects:
        name = call.text_arg("name")
        namespace = call.text_arg("namespace") or call.target.kube_namespace or "*"
        names = [f"helm:{namespace}/{name}"] if name else []
        target = _k8s_target(call)
        return own_effects(
            call.effect(kind, names, type_="helm_release", service="helm", target=target)
        )

    return handle


def _context_also_untold(handler: Handler) -> Handler:
    """``handler``, with each effect the ``context`` argument placed also judged where the
    cluster is not told: the server reads that argument only when started on a kubeconfig with
    several contexts; on one cluster (in-cluster, one context, its auth-header or ACM
    providers) it ignores the key and acts on the cluster it runs against, which may be
    production. The stricter of the two judgements holds."""

    def handle(call: McpCall) -> BuiltinEffects:
        found = handler(call)
        context = call.text_arg("context")
        if context is None:
            return found

        def untold(effects: list[Effect]) -> list[Effect]:
            return [
                replace(e, target=replace(e.target, kube_context=None))
                for e in effects
                if e.target.kube_context == context
            ]

        return BuiltinEffects(
            [*found.own, *untold(found.own)], [*found.derived, *untold(found.derived)]
        )

    return handle


KUBERNETES = ServerFamily(
    "kubernetes",
    ("kubernetes*", "*kubernetes*", "k8s*", "kube*", "openshift*"),
    {
        "resources_delete": _on_k8s(D),
        "resources_create_or_update": _create_or_update,
        "resources_get": _on_k8s(R),
        "resources_list": on_tool(R, "k8s"),
        "resources_scale": _scale,
        "pods_delete": _on_k8s(D, "pod"),
        "pods_get": _on_k8s(R, "pod"),
        "pods_log": _on_k8s(R, "pod"),
        "pods_top": on_tool(R, "k8s"),
        "pods_list": on_tool(R, "k8s"),
        "pods_list_in_namespace": on_tool(R, "k8s"),
        "pods_run": _on_k8s(C, "pod"),
        "pods_exec": _pods_exec,
        "namespaces_list": on_tool(R, "k8s"),
        "projects_list": on_tool(R, "k8s"),
        "events_list": on_tool(R, "k8s"),
        "nodes_top": on_tool(R, "k8s"),
        "nodes_log": _on_k8s(R, "node"),
        "nodes_stats_summary": _on_k8s(R, "node"),
        "configuration_view": on_tool(R, "k8s"),
        "helm_list": on_tool(R, "helm"),
        "helm_install": _helm(C),
        "helm_uninstall": _helm(D),
    },
)
KUBERNETES = replace(
    KUBERNETES, tools={tool: _context_also_untold(h) for tool, h in KUBERNETES.tools.items()}
)

# -- AWS ---------------------------------------------------------------------------------------


def _call_aws(call: McpCall) -> BuiltinEffects:
    """``call_aws``: each CLI command understood as the shell ``aws`` command it is."""
    value = call.arg("cli_command")
    commands = value if isinstance(value, list) else [value]
    if not commands or not all(isinstance(c, str) and c.strip() for c in commands):
        return missing_argument(call, EffectKind.UNKNOWN, "cli_command")
    derived: list[Effect] = []
    for command in commands:
        derived += call.shell(command)
    return BuiltinEffects([], derived)


AWS = ServerFamily(
    "aws",
    ("aws*", "*aws-api*", "awslabs*"),
    {
        "call_aws": _call_aws,
        "suggest_aws_commands": on_tool(R, "aws"),
    },
)
