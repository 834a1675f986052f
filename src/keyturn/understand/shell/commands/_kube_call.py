"""One kubectl or helm invocation being understood: its verb, flags, target and notes.

Both tools name the cluster the same way (``--namespace``, a context flag, ``--kubeconfig`` /
``KUBECONFIG``; helm also its ``HELM_*`` variables), so the handlers share how a call's target
and effects are built. Only what the tool itself reads names the cluster: a context flag or
variable, a switch earlier on the line, else the kubeconfig's current context. Where none does,
or ``--cluster``/``--server``/``--user`` point elsewhere, the environment is not told
(:data:`UNTOLD_ENVIRONMENT`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._kube_args import ParsedArgs
from keyturn.understand.shell.effects import file_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.shell.words import normalize_path


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
KUBE_TOOL_VARIABLES = ("KUBECONFIG", "HELM_KUBECONTEXT", "HELM_NAMESPACE", "HELM_KUBEAPISERVER")

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
    ``default``) and notes on what it read."""

    def variable(name: str | None) -> str | None:
        return (cmd.assignments.get(name) or ctx.env.get(name)) if name else None

    kubeconfig = args.value("--kubeconfig") or variable("KUBECONFIG")
    files = _Kubeconfig(kubeconfig, ctx)
    context = args.value(context_flag) or variable(_CONTEXT_VARIABLE.get(tool))
    context = context or ctx.target.kube_context or files.current_context()
    # The namespace: the flag or the tool's variable, a switch on the line (``kubens``,
    # ``set-context --current --namespace``), else the one the kubeconfig gives the context --
    # where a call without ``-n`` really lands, not ``default``.
    namespace_given = args.value("--namespace") or variable(_NAMESPACE_VARIABLE.get(tool))
    namespace_given = namespace_given or ctx.target.kube_namespace
    if namespace_given is None and context is not None and not args.has("--all-namespaces"):
        namespace_given = files.namespace_of(context)
    notes = [f"kubeconfig {kubeconfig}"] if kubeconfig else []
    elsewhere = [f for f in _ELSEWHERE_FLAGS.get(tool, ()) if args.value(f)]
    elsewhere += [v for v in _ELSEWHERE_VARIABLES.get(tool, ()) if variable(v)]
    target = Target(
        environment=ctx.target.environment, kube_context=context, kube_namespace=namespace_given
    )
    if elsewhere:
        notes.append(f"{', '.join(elsewhere)}: the context's name does not tell the cluster")
    elif context is None:
        notes.append("no kube context known: the cluster is not told")
    if elsewhere or context is None:
        target = replace(target, environment=untold(ctx.target).environment)
    verb = args.words[0] if args.words else ""
    namespace = "*" if args.has("--all-namespaces") else namespace_given or "default"
    return KubeCall(tool, verb, args, cmd, ctx, target, namespace, "; ".join(notes))


_CURRENT_CONTEXT = re.compile(r"""^current-context:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)


class _Kubeconfig:
    """The kubeconfig files kubectl would read (``--kubeconfig``/``KUBECONFIG``, a list, else
    ``~/.kube/config``), each read once, when first asked."""

    def __init__(self, kubeconfig: str | None, ctx: ShellContext) -> None:
        paths = [p for p in kubeconfig.split(":") if p] if kubeconfig else None
        self._paths = paths or [ctx.home.rstrip("/") + "/.kube/config"]
        self._ctx = ctx
        self._texts: list[str] | None = None

    def texts(self) -> list[str]:
        if self._texts is None:
            ctx = self._ctx
            self._texts = [
                ctx.files.read_text(normalize_path(p, cwd=ctx.cwd), limit=1_000_000) or ""
                for p in self._paths
            ]
        return self._texts

    def current_context(self) -> str | None:
        """The current context (the first file of the list that sets one), or None."""
        for text in self.texts():
            found = _CURRENT_CONTEXT.search(text)
            if found is not None:
                return found.group(1)
        return None

    def namespace_of(self, context: str) -> str | None:
        """The namespace the kubeconfig sets for ``context`` (the first file that defines the
        context), or None."""
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for text in self.texts():
            if context not in text:
                continue
            try:
                document = yaml.load(text, Loader=loader)  # noqa: S506 -- a safe loader
            except yaml.YAMLError:
                continue
            contexts = document.get("contexts") if isinstance(document, dict) else None
            for entry in contexts if isinstance(contexts, list) else ():
                if isinstance(entry, dict) and entry.get("name") == context:
                    body = entry.get("context")
                    namespace = body.get("namespace") if isinstance(body, dict) else None
                    return namespace if isinstance(namespace, str) and namespace else None
        return None


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
