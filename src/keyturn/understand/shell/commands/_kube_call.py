"""One kubectl or helm invocation being understood: its verb, flags, target and notes.

Both tools name the cluster the same way (``--namespace``, a context flag, ``--kubeconfig`` /
``KUBECONFIG``), so the handlers share how a call's target and effects are built.
"""

from __future__ import annotations

from dataclasses import dataclass

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._kube_args import ParsedArgs
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


def kube_call(
    tool: str, args: ParsedArgs, cmd: SimpleCommand, ctx: ShellContext, *, context_flag: str
) -> KubeCall:
    """The call ``tool args`` with its target (context flag, ``-n``, the shell's target), its
    namespace (``*`` for ``-A``, else ``default``) and notes on kubeconfig/KUBE_CONTEXT."""
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
    return KubeCall(tool, verb, args, cmd, ctx, target, namespace, "; ".join(notes))
