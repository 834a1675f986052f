"""One kubectl or helm invocation being understood: its verb, flags, target and notes.

Both tools name the cluster the same way (``--namespace``, a context flag, ``--kubeconfig`` /
``KUBECONFIG``), so the handlers share how a call's target and effects are built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._kube_args import ParsedArgs
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
    kubeconfig = args.value("--kubeconfig") or cmd.assignments.get("KUBECONFIG")
    kubeconfig = kubeconfig or ctx.env.get("KUBECONFIG")
    # Only what names the cluster tells where a call lands: the context flag, a context the
    # line switched to or the caller named, else the kubeconfig's current context. The other
    # hints of the shell (an AWS profile) say nothing of the cluster: an AWS_PROFILE=dev must
    # not make a delete on the production cluster a dev one.
    files = _Kubeconfig(kubeconfig, ctx)
    context = args.value(context_flag) or ctx.target.kube_context
    context = context or files.current_context()
    # The namespace: the flag, a switch on the line (``kubens``, ``set-context --current
    # --namespace``), else the one the kubeconfig gives the context -- where a call without
    # ``-n`` really lands, not ``default``.
    namespace_given = namespace_flag or ctx.target.kube_namespace
    if namespace_given is None and context is not None and not args.has("--all-namespaces"):
        namespace_given = files.namespace_of(context)
    target = Target(
        environment=ctx.target.environment,
        kube_context=context,
        kube_namespace=namespace_given,
    )
    notes = []
    if kubeconfig:
        notes.append(f"kubeconfig {kubeconfig}")
    env_context = cmd.assignments.get("KUBE_CONTEXT") or ctx.env.get("KUBE_CONTEXT")
    if env_context and not target.kube_context:
        notes.append(f"KUBE_CONTEXT={env_context} (not read by {tool})")
    verb = args.words[0] if args.words else ""
    namespace = "*" if args.has("--all-namespaces") else target.kube_namespace or "default"
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
