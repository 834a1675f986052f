"""Local Kubernetes clusters: ``kind``, ``minikube`` and ``k3d``.

Names: ``kind:cluster/<name>`` (default ``kind``, or ``KIND_CLUSTER_NAME``),
``minikube:profile/<profile>`` (default ``minikube``, or ``MINIKUBE_PROFILE``),
``k3d:cluster/<name>`` (default ``k3s-default``); ``*`` for ``--all``. Each effect carries the
kube context the tool gives the cluster (``kind-<name>``, ``<profile>``, ``k3d-<name>``), so
that the policy's ``kube_contexts`` (``kind-*`` in the brief's ``dev``) tell the environment
as they do for ``kubectl`` against that cluster.

Kinds: ``get``/``list``/``status``/``version``/``logs`` read; ``create``/``start`` create;
``stop``, loading images, addons and node changes update; ``delete`` deletes the cluster and
everything in it. Creating a cluster also writes the kubeconfig and makes its context the
current one (an update of that file, so that a later command on the line does not read it
as it was). ``minikube kubectl -- ARGS`` is judged as ``kubectl --context PROFILE ARGS``;
``minikube ssh -- CMD`` as ``CMD`` run on the cluster's node. Any other form is not understood.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kube_call import kubeconfig_write
from keyturn.understand.shell.effects import command_effect, file_effect, named_in, unknown_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_READS = frozenset({"get", "list", "ls", "status", "version", "logs", "ip", "profile", "help"})
_READS |= {"docker-env", "podman-env", "update-check", "completion", "service", "dashboard"}


@dataclass(frozen=True, slots=True)
class _Tool:
    """How one tool names its clusters."""

    scheme: str  # ``kind:cluster``
    context_prefix: str  # the kube context is prefix + name
    default_name: str
    name_variable: str | None


_KIND = _Tool("kind:cluster", "kind-", "kind", "KIND_CLUSTER_NAME")
_MINIKUBE = _Tool("minikube:profile", "", "minikube", "MINIKUBE_PROFILE")
_K3D = _Tool("k3d:cluster", "k3d-", "k3s-default", None)


def _effect(
    kind: EffectKind, tool: _Tool, name: str, cmd: SimpleCommand, ctx: ShellContext, detail: str
) -> Effect:
    resource = f"{tool.scheme}/{name}"
    names = (resource, f"{resource}/*") if kind is _E.DELETE else (resource,)
    context = f"{tool.context_prefix}{name}" if name != "*" or tool.context_prefix else None
    return Effect(
        effect=kind,
        resource=Resource(names, type=tool.scheme.split(":")[0]),
        target=Target(environment=ctx.target.environment, kube_context=context),
        service="k8s",
        command=cmd.text or None,
        operation=" ".join(a for a in cmd.argv[:3] if not a.startswith("-")),
        detail=detail,
    )


def _kubeconfig(cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """The kubeconfig a new cluster's context is written to."""
    return kubeconfig_write(cmd, ctx, "adds the cluster's context and makes it the current one")


def _verb_effects(
    tool: _Tool, verb: str, names: Sequence[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect] | None:
    if verb in _READS:
        return [_effect(_E.READ, tool, n, cmd, ctx, "changes nothing") for n in names]
    if verb in ("create", "start"):
        created = [_effect(_E.CREATE, tool, n, cmd, ctx, f"{verb}s the cluster") for n in names]
        return [*created, _kubeconfig(cmd, ctx)]
    if verb == "delete":
        detail = "deletes the cluster and everything in it"
        return [_effect(_E.DELETE, tool, n, cmd, ctx, detail) for n in names]
    if verb in ("stop", "pause", "unpause", "load", "import", "edit", "addons", "image", "cp"):
        return [_effect(_E.UPDATE, tool, n, cmd, ctx, verb) for n in names]
    return None


_KIND_SPEC = OptionSpec(
    long_valued=frozenset({"name", "image", "config", "kubeconfig", "wait", "retain", "nodes"}),
    abbreviations=False,
)


@command("kind")
def kind(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kind create|delete|get|load|export cluster(s)…`` (see the module docstring)."""
    opts = parse_options(cmd.args, _KIND_SPEC)
    words = list(opts.operands)
    verb, noun = ([*words, "", ""])[:2]
    if not verb or opts.has("help", "h", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if verb == "delete" and noun == "clusters":
        names = ["*"] if opts.has("all", "A") else words[2:]
        return _verb_effects(_KIND, "delete", names, cmd, ctx) if names else None
    name = opts.value("name") or setting(cmd, ctx.env, "KIND_CLUSTER_NAME") or _KIND.default_name
    if verb == "export" and noun == "kubeconfig":
        return [_kubeconfig(cmd, ctx)]
    if verb == "export" and noun == "logs":
        return [_effect(_E.READ, _KIND, name, cmd, ctx, "copies the cluster's logs here")]
    if verb == "build":
        return [command_effect(_E.CREATE, cmd, ctx, detail="builds a node image here")]
    if noun not in ("cluster", "clusters", "nodes", "kubeconfig", "docker-image", "image-archive"):
        return None
    return _verb_effects(_KIND, verb, [name], cmd, ctx)


_MINIKUBE_SPEC = OptionSpec(
    valued="pn",
    long={"profile": "p", "node": "n"},
    long_valued=frozenset({"p", "n", "driver", "cpus", "memory", "kubernetes-version", "nodes"})
    | {"container-runtime", "addons", "disk-size", "output", "o", "format", "f"},
    abbreviations=False,
)


@command("minikube")
def minikube(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``minikube start|stop|delete|status|kubectl|ssh|addons|image…`` (module docstring)."""
    opts = parse_options(list(_before_dashes(cmd.args)), _MINIKUBE_SPEC)
    verb = opts.operands[0] if opts.operands else ""
    profile = opts.value("p") or setting(cmd, ctx.env, "MINIKUBE_PROFILE") or "minikube"
    if not verb or opts.has("help", "h"):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if verb == "delete" and opts.has("all"):
        profile = "*"
    if verb == "delete" and opts.has("purge"):
        home = ctx.home.rstrip("/") + "/.minikube"
        purge = file_effect(_E.DELETE, [home, home + "/*"], cmd, ctx, detail="--purge")
        return [_effect(_E.DELETE, _MINIKUBE, profile, cmd, ctx, "deletes the cluster"), purge]
    if verb in ("kubectl", "ssh"):
        return _passed_on(verb, profile, cmd, ctx)
    if verb == "config":
        return [command_effect(_E.UPDATE, cmd, ctx, detail="minikube's own settings")]
    return _verb_effects(_MINIKUBE, verb, [profile], cmd, ctx)


def _before_dashes(args: Sequence[str]) -> Sequence[str]:
    return args[: args.index("--")] if "--" in args else args


def _passed_on(verb: str, profile: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``minikube kubectl -- ARGS`` and ``minikube ssh -- CMD``, judged as what they run."""
    rest = list(cmd.args[cmd.args.index("--") + 1 :]) if "--" in cmd.args else []
    if ctx.understand_nested is None or (verb == "ssh" and not rest):
        return [unknown_effect(cmd, f"minikube {verb}: what runs is not known", ctx)]
    if verb == "kubectl":
        return ctx.understand_nested(shlex.join(["kubectl", "--context", profile, *rest]))
    text = rest[0] if len(rest) == 1 else shlex.join(rest)
    return [named_in(e, [f"minikube:profile/{profile}/node"]) for e in ctx.understand_nested(text)]


_K3D_SPEC = OptionSpec(
    valued="c",
    long={"cluster": "c"},
    long_valued=frozenset({"c", "servers", "agents", "image", "config", "api-port", "port"})
    | {"volume", "registry-use", "registry-create", "k3s-arg", "network", "output", "o"},
    abbreviations=False,
)


@command("k3d")
def k3d(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``k3d cluster|node|image|kubeconfig VERB [NAME…]`` (see the module docstring)."""
    opts = parse_options(cmd.args, _K3D_SPEC)
    noun, verb, *names = [*opts.operands, "", ""][: max(2, len(opts.operands))]
    if not noun or opts.has("help", "h", "version") or noun == "version":
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    if noun == "cluster":
        clusters = ["*"] if opts.has("all", "a") else [n for n in names if n] or [_K3D.default_name]
        return _verb_effects(_K3D, verb, clusters, cmd, ctx)
    cluster = opts.value("c") or _K3D.default_name
    if noun == "kubeconfig":
        return [_kubeconfig(cmd, ctx)] if verb in ("merge", "write") else _reads(cmd, ctx, cluster)
    if noun in ("node", "image") and verb in ("list", "ls", "get"):
        return _reads(cmd, ctx, cluster)
    if noun in ("node", "image"):
        return [_effect(_E.UPDATE, _K3D, cluster, cmd, ctx, f"{noun} {verb}")]
    return None


def _reads(cmd: SimpleCommand, ctx: ShellContext, cluster: str) -> list[Effect]:
    return [_effect(_E.READ, _K3D, cluster, cmd, ctx, "changes nothing")]
