"""One kubectl or helm invocation being understood: its verb, flags, target and notes.

Both tools name the cluster the same way (``--namespace``, a context flag, ``--kubeconfig`` /
``KUBECONFIG``; helm also its ``HELM_*`` variables), so the handlers share how a call's target
and effects are built. Only what the tool itself reads names the cluster: a context flag or
variable, a switch earlier on the line, else the kubeconfig's current context. Where none does,
or ``--cluster``/``--server``/``--user`` point elsewhere, the environment is not told
(:data:`UNTOLD_ENVIRONMENT`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._home import command_home
from keyturn.understand.shell.commands._kube_args import ParsedArgs
from keyturn.understand.shell.commands._kube_place import place_of
from keyturn.understand.shell.commands._kubeconfig import Kubeconfig, NotTold, kubeconfig_paths
from keyturn.understand.shell.effects import file_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


@dataclass(frozen=True, slots=True)
class KubeCall:
    """One kubectl/helm invocation being understood."""

    tool: str
    verb: str
    args: ParsedArgs
    cmd: SimpleCommand
    ctx: ShellContext
    target: Target
    namespace: str
    note: str

    def dry_run_stands(self) -> bool:
        """Whether a ``--dry-run`` flag stands: literal, and no word decided at run time among
        the flags -- the last flag wins, so a later ``$X`` may be ``--dry-run=none``, and an
        earlier one ``--``, after which ``--dry-run`` is no flag at all."""
        argv, dynamic = self.cmd.argv, self.cmd.dynamic_words
        end = argv.index("--") if "--" in argv else len(argv)
        given = any(argv[i].partition("=")[0] == "--dry-run" for i in range(1, end))
        return given and not any(0 < i < end for i in dynamic)

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


# What each tool reads to pick its cluster besides its flags: kubectl reads KUBECONFIG only;
# helm also HELM_KUBECONTEXT, HELM_NAMESPACE and HELM_KUBEAPISERVER. Nothing else in the shell's
# environment (KUBE_CONTEXT, an AWS profile) says which cluster a call reaches.
_CONTEXT_VARIABLE = {"helm": "HELM_KUBECONTEXT"}
_NAMESPACE_VARIABLE = {"helm": "HELM_NAMESPACE"}
# Flags (and helm's variable) that point a call at another cluster or identity than the
# context's: the context's name then says nothing of where the call lands.
_ELSEWHERE_FLAGS = {
    "kubectl": ("--cluster", "--server", "--user"),
    "helm": ("--kube-apiserver",),
}
_ELSEWHERE_VARIABLES = {"helm": ("HELM_KUBEAPISERVER",)}
KUBE_TOOL_VARIABLES = (
    *("KUBECONFIG", "KUBERC", "HELM_KUBECONTEXT", "HELM_NAMESPACE", "HELM_KUBEAPISERVER"),
    # Where helm keeps its repositories (``helm repo add`` writes there).
    *("HELM_REPOSITORY_CONFIG", "HELM_REPOSITORY_CACHE"),
)

# The environment of a call whose cluster no hint names (no context known, or flags that point
# elsewhere): a name no policy defines, so judged as the policy's unknown_environment. Leaving
# the hints empty would not do: the judge fills an effect's missing hints from the whole
# line's (an AWS_PROFILE=dev of the shell), which say nothing of the cluster.
UNTOLD_ENVIRONMENT = "(not told by the command)"


def untold(target: Target) -> Target:
    """``target``'s given environment, else :data:`UNTOLD_ENVIRONMENT`; no other hints."""
    return Target(environment=target.environment or UNTOLD_ENVIRONMENT)


def kube_call(
    tool: str, args: ParsedArgs, cmd: SimpleCommand, ctx: ShellContext, *, context_flag: str
) -> KubeCall:
    """The call ``tool args`` with its target (context flag, the tool's variables, a switch on
    the line, the kubeconfig's current context), its namespace (``*`` for ``-A``, else
    ``default``) and notes on what it read.

    A call run in a pod, a container or over ssh (:func:`~._kube_place.place_of`) reads no
    setting of this machine: only its own flags, and in a pod the context ``kubectl exec``
    named and the pod's namespace; one run as another user reads that user's home, not told."""
    place = place_of(cmd, ctx)

    def variable(name: str | None) -> str | None:
        if name is None or place.elsewhere is not None or place.home_untold:
            # The variables there are not those of this line (``sudo`` drops them, ``su -``
            # starts afresh; on either side of the wrapper, which is not told).
            return None
        return cmd.assignments.get(name) or ctx.env.get(name)

    kubeconfig = args.value("--kubeconfig") or variable("KUBECONFIG")
    home = None if place.elsewhere or place.home_untold else command_home(cmd, ctx)
    paths = kubeconfig_paths(args.value("--kubeconfig"), variable("KUBECONFIG"))
    files = Kubeconfig(None if place.elsewhere else paths, ctx, home=home)
    # A switch on the line changed this user's kubeconfig, not the one read there.
    here = place.elsewhere is None and not place.home_untold
    switched = ctx.target if here else Target()
    context = args.value(context_flag) or variable(_CONTEXT_VARIABLE.get(tool)) or place.context
    context = context or switched.kube_context or files.current_context()
    # The namespace: the flag or the tool's variable, a switch on the line (``kubens``,
    # ``set-context --current --namespace``), else the one the kubeconfig gives the context --
    # where a call without ``-n`` really lands, not ``default``.
    namespace_given = args.value("--namespace") or variable(_NAMESPACE_VARIABLE.get(tool))
    namespace_given = namespace_given or place.namespace or switched.kube_namespace
    namespace_told = True
    if namespace_given is None and not args.has("--all-namespaces"):
        try:
            if place.elsewhere is not None:
                raise NotTold  # the kubeconfig (or the pod) there says
            files.check()
            namespace_given = files.namespace_of(context) if context is not None else None
        except NotTold:
            namespace_told = False
    notes = [f"kubeconfig {kubeconfig}"] if kubeconfig else []
    if place.elsewhere is not None:
        notes.append(place.elsewhere)
    elsewhere = [f for f in _ELSEWHERE_FLAGS.get(tool, ()) if args.value(f)]
    elsewhere += [v for v in _ELSEWHERE_VARIABLES.get(tool, ()) if variable(v)]
    target = Target(
        environment=ctx.target.environment, kube_context=context, kube_namespace=namespace_given
    )
    if elsewhere:
        notes.append(f"{', '.join(elsewhere)}: the context's name does not tell the cluster")
    elif context is None:
        notes.append("no kube context known: the cluster is not told")
    if not namespace_told and place.elsewhere is None:
        notes.append("the kubeconfig is not known here: the namespace is not told")
    if elsewhere or context is None:
        target = replace(target, environment=untold(ctx.target).environment)
    verb = args.words[0] if args.words else ""
    namespace = "*" if args.has("--all-namespaces") or not namespace_told else None
    namespace = namespace or namespace_given or "default"
    return KubeCall(tool, verb, args, cmd, ctx, target, namespace, "; ".join(notes))


def kubeconfig_write(
    cmd: SimpleCommand, ctx: ShellContext, detail: str, target: Target | None = None
) -> Effect:
    """A write of the kubeconfig a tool changes (the first file of ``KUBECONFIG``, else
    ``~/.kube/config``) by a tool around kubectl (``kubectx``, ``kind create cluster``), with
    ``target`` (the context switched to), else the place given outright.

    Service ``k8s``: a setting of the tool's own making, read key by key as ``kubectl config``'s
    are, not text of the agent's (which :mod:`keyturn.understand.runs_later` would ask about)."""
    listed = cmd.assignments.get("KUBECONFIG") or ctx.env.get("KUBECONFIG")
    path = (listed.split(":")[0] if listed else "") or ctx.home.rstrip("/") + "/.kube/config"
    path = normalize_path(path, cwd=ctx.cwd)
    effect = file_effect(EffectKind.UPDATE, [path], cmd, ctx, detail=detail, service="k8s")
    return effect if target is None else replace(effect, target=target)


def typed_targets(call: KubeCall, words: Sequence[str]) -> list[tuple[str, str]]:
    """``TYPE NAME...``, ``TYPE/NAME...`` or ``TYPE[,TYPE]`` with ``-l``/``--all`` -> (type as
    written, with its group if any, name) pairs; ``*`` for every object the selector picks."""
    every = call.args.has("--all") or call.args.value("--selector") is not None
    every = every or call.args.value("--field-selector") is not None
    if words and "/" not in words[0]:
        names = list(words[1:]) or (["*"] if every else [])
        return [(t, n) for t in words[0].split(",") if t for n in names]
    return [(t, n) for t, _, n in (w.partition("/") for w in words) if t and n]
