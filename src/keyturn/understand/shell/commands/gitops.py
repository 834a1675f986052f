"""GitOps controllers' command lines: Argo CD (``argocd``) and Flux (``flux``).

Flux's objects are Kubernetes objects, named as kubectl names them
(``k8s:flux-system/kustomization/apps``; ``-n`` else ``flux-system``), the cluster told as
kubectl's is (:mod:`._kube_call`). Argo CD is reached through its API server: names are
``argocd:app/<name>`` (an app in another namespace: ``argocd:app/<ns>/<name>``),
``argocd:appset/<name>``, ``argocd:project/<name>``, ``argocd:cluster/<server>``,
``argocd:repo/<url>``, with a twin per server (``--server``/``ARGOCD_SERVER``:
``argocd:<host>/app/<name>``) so that ``*prod*`` tells the environment by server too.

What such a controller deploys is its objects' children: deleting an Argo CD app (cascading,
the default), an ApplicationSet, or a Flux Kustomization or HelmRelease deletes what it
applied, named under it (``argocd:app/shop/*``, ``k8s:flux-system/kustomization/apps/*``);
which objects those are is in the cluster, not on the line. A sync with ``--prune`` deletes
the objects no longer in git (the same names); ``--force``/``--replace`` recreate them.

Those children of an Argo CD app are Kubernetes objects, in the namespaces of its destination
(``spec.destination``, on the server, not on the line): besides their ``argocd:`` names, such a
delete, prune or replace is an ``unknown`` effect on ``k8s:*`` -- what it reaches in the
cluster is not told, so it is held (refused in production) whatever its ``argocd:`` names say.
``app delete-resource`` names the object its flags give, as kubectl would
(``--namespace payments --kind Namespace --resource-name payments``:
``k8s:namespace/payments``), so a ``protected`` Kubernetes pattern holds for it. Argo CD's
effects land as a server's (:mod:`._server_target`): by ``--server`` names or an environment
given outright, never by the shell's AWS profile or kube context.

Kinds: get, list, diff, history, logs, tree, check read; create and bootstrap create; sync,
reconcile, suspend, resume, rollback, set and patch update; delete and uninstall delete.
Unknown on purpose: ``argocd admin``, ``argocd app actions run`` and anything not listed
(named ``argocd:*``, and by server).
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._kube_args import parse_args
from keyturn.understand.shell.commands._kube_call import kube_call
from keyturn.understand.shell.commands._kv_store import StoreCall, server_hosts
from keyturn.understand.shell.commands._server_target import not_understood, server_target
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_READS = frozenset({"get", "list", "diff", "history", "manifests", "logs", "resources", "wait"})
_READS |= {"tree", "stats", "check", "events", "trace", "export", "version", "build", "help"}
_READS |= {"completion", "context", "login", "logout", "account", "ls"}

_ARGOCD = OptionSpec(
    long_valued=frozenset({"server", "auth-token", "config", "context", "grpc-web-root-path"})
    | {"kube-context", "port-forward-namespace", "revision", "resource", "kind", "group"}
    | {"resource-name", "namespace", "N", "app-namespace", "project", "output", "o", "label", "l"}
    | {"selector", "timeout", "retry-limit", "source-position", "source-name", "local"}
    | {"propagation-policy", "p", "argocd-context"},
    valued="Nlop",
    aliases={"o": "output", "l": "selector", "N": "app-namespace", "p": "propagation-policy"},
    abbreviations=False,
)


@command("argocd")
def argocd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Argo CD's commands, as the module docstring says."""
    opts = parse_options(cmd.args, _ARGOCD)
    words = list(opts.operands)
    noun, verb = ([*words, "", ""])[:2]
    names = words[2:]
    server = opts.value("server") or setting(cmd, ctx.env, "ARGOCD_SERVER")
    call = StoreCall(
        cmd, ctx, "argocd", hosts=server_hosts(server), operation=f"argocd {noun} {verb}"
    )
    if noun == "admin":
        return not_understood(call)  # the server's own maintenance
    if noun in ("", *_READS) or verb in _READS or opts.has("help", "h"):
        return [command_effect(_E.READ, cmd, ctx, detail="changes nothing")]
    if noun == "app":
        # ``app delete`` takes several apps; the other verbs one, then their own operands.
        apps = _apps(opts, names if verb == "delete" else names[:1])
        found = _app(call, opts, verb, apps)
        return found if found is not None else not_understood(call)
    folder = {"appset": "appset", "proj": "project", "cluster": "cluster", "repo": "repo"}
    if noun not in folder:
        return not_understood(call)
    paths = [f"{folder[noun]}/{n}" for n in names] or [f"{folder[noun]}/*"]
    if verb in ("delete", "rm", "remove"):
        children = [f"{p}/*" for p in paths] if noun == "appset" else []
        if not children:
            return [call.effect(_E.DELETE, paths)]
        detail = "deletes it with every application it generated"
        return [call.effect(_E.DELETE, [*paths, *children], detail), _deployed(call, detail)]
    if verb in ("create", "add"):
        return [call.effect(_E.CREATE, paths)]
    if verb in ("set", "edit", "patch", "update", "rotate-auth", "add-source", "remove-source"):
        return [call.effect(_E.UPDATE, paths)]
    return not_understood(call)


def _apps(opts: Options, names: Sequence[str]) -> list[str]:
    """``app/<name>`` of each app named (``--app-namespace`` or a ``ns/name`` spelling)."""
    namespace = opts.value("app-namespace")
    chosen = [f"{namespace}/{n}" if namespace and "/" not in n else n for n in names]
    if opts.value("selector") or not chosen:
        chosen = ["*"]  # every app, or those whose labels match
    return [f"app/{n}" for n in chosen]


def _app(call: StoreCall, opts: Options, verb: str, apps: list[str]) -> list[Effect] | None:
    children = [f"{a}/*" for a in apps]
    if verb == "delete":
        cascade = opts.value("cascade") in (None, "", "true")
        if cascade:
            detail = "deletes every object it deployed"
            return [call.effect(_E.DELETE, [*apps, *children], detail), _deployed(call, detail)]
        return [call.effect(_E.DELETE, apps, "--cascade=false: its objects stay")]
    if verb == "delete-resource":
        detail = "deletes one object the app deployed"
        return [call.effect(_E.DELETE, children, detail), _resource(call, opts, detail)]
    if verb == "sync":
        if opts.has("dry-run"):
            return [call.effect(_E.READ, apps, "--dry-run: changes nothing")]
        effects = [call.effect(_E.UPDATE, apps, "applies what git holds")]
        if opts.has("prune"):
            detail = "--prune: objects not in git go"
            effects += [call.effect(_E.DELETE, children, detail), _deployed(call, detail)]
        if opts.has("force") or opts.has("replace"):
            detail = "objects are deleted and recreated"
            effects += [call.effect(_E.REPLACE, children, detail), _deployed(call, detail)]
        return effects
    if verb == "create":
        return [call.effect(_E.CREATE, apps)]
    if verb in ("set", "unset", "patch", "edit", "rollback", "terminate-op", "add-source"):
        return [call.effect(_E.UPDATE, apps, verb)]
    return None


def _k8s_effect(call: StoreCall, kind: EffectKind, names: tuple[str, ...], detail: str) -> Effect:
    """An effect of an Argo CD call on the Kubernetes objects of its apps' destination."""
    return Effect(
        effect=kind,
        resource=Resource(names, type="application objects"),
        target=server_target(call.ctx),
        service="k8s",
        command=call.cmd.text or None,
        operation=call.operation or call.cmd.name,
        detail=detail,
    )


def _deployed(call: StoreCall, detail: str) -> Effect:
    """The Kubernetes objects an app deployed, gone or remade: which ones, in which namespaces
    of which cluster, is the app's destination and its manifests, on the server and not on the
    line -- unknown, on ``k8s:*`` (the ``payments`` namespace a protection holds may be one)."""
    told = f"{detail}: which Kubernetes objects is the app's, not told by the line"
    return _k8s_effect(call, _E.UNKNOWN, ("k8s:*",), told)


def _resource(call: StoreCall, opts: Options, detail: str) -> Effect:
    """``app delete-resource --kind K --resource-name N [--namespace NS] [--all]``: the object
    named as kubectl names it (``k8s:NS/deployment/web``; a namespace, ``k8s:namespace/NS``
    and what is in it); a part not given (``--all``, no name) is ``*``, and without
    ``--namespace`` the object is named cluster-wide and in any namespace."""
    kind = (opts.value("kind") or "*").lower()
    name = "*" if opts.has("all") else opts.value("resource-name") or "*"
    namespace = opts.value("namespace")
    if kind == "namespace":
        names: tuple[str, ...] = (f"k8s:namespace/{name}", f"k8s:{name}/*")
    elif namespace:
        names = (f"k8s:{namespace}/{kind}/{name}",)
    else:
        names = (f"k8s:{kind}/{name}", f"k8s:*/{kind}/{name}")
    return _k8s_effect(call, _E.DELETE, names, detail)


# ``flux <verb> <kind words> NAME``: the kind's words -> its object kind.
_FLUX_KINDS = {
    "kustomization": "kustomization",
    "ks": "kustomization",
    "helmrelease": "helmrelease",
    "hr": "helmrelease",
    "source git": "gitrepository",
    "source helm": "helmrepository",
    "source bucket": "bucket",
    "source oci": "ocirepository",
    "source chart": "helmchart",
    "alert": "alert",
    "alert-provider": "provider",
    "receiver": "receiver",
    "image repository": "imagerepository",
    "image policy": "imagepolicy",
    "image update": "imageupdateautomation",
    "tenant": "tenant",
}
_DEPLOYERS = frozenset({"kustomization", "helmrelease"})  # their children are what they applied
_FLUX_VERBS = {
    "delete": _E.DELETE,
    "suspend": _E.UPDATE,
    "resume": _E.UPDATE,
    "reconcile": _E.UPDATE,
    "create": _E.CREATE,
}
_FLUX_VALUED = frozenset({"--context", "--kubeconfig", "--namespace", "--timeout", "--path"})
_FLUX_VALUED |= {"--source", "--interval", "--url", "--branch", "--owner", "--repository"}


@command("flux")
def flux(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Flux's commands, as the module docstring says."""
    args = parse_args(cmd.args, value_flags=_FLUX_VALUED, aliases={"-n": "--namespace"})
    call = kube_call("flux", args, cmd, ctx, context_flag="--context")
    words = list(args.words)
    verb = words[0] if words else ""
    namespace = args.value("--namespace") or "flux-system"
    if not verb or verb in _READS or args.has("--help") or args.has("--export"):
        return [command_effect(_E.READ, cmd, ctx, detail="changes nothing")]
    if verb == "uninstall":
        detail = "deletes Flux and its objects" + (
            "" if args.has("--keep-namespace") else ", and its namespace"
        )
        flux_system = (f"k8s:namespace/{namespace}", f"k8s:{namespace}/*")
        return [call.effect(_E.DELETE, flux_system, "namespace", detail)]
    if verb == "bootstrap":
        flux_system = (f"k8s:namespace/{namespace}", f"k8s:{namespace}/*")
        return [
            call.effect(_E.CREATE, flux_system, "namespace", "installs Flux and commits to git")
        ]
    kind = _FLUX_VERBS.get(verb)
    two = " ".join(words[1:3])
    object_kind = _FLUX_KINDS.get(two) or _FLUX_KINDS.get(" ".join(words[1:2]))
    rest = words[3:] if two in _FLUX_KINDS else words[2:]
    if kind is None or object_kind is None:
        return None
    chosen = ["*"] if args.has("--all") or not rest else rest
    names = tuple(f"k8s:{namespace}/{object_kind}/{n}" for n in chosen)
    detail = verb
    if kind is _E.DELETE and object_kind in _DEPLOYERS:
        names += tuple(f"{n}/*" for n in names)
        detail = "with pruning on, every object it applied is deleted too"
    return [call.effect(kind, names, object_kind, detail)]
