"""Where a kubectl or helm call runs, as far as the settings it reads are concerned.

kubectl reads ``$HOME/.kube/config`` (or ``KUBECONFIG``) of the place it runs. Run over ssh, in
a container (``docker exec``) or in a pod (``kubectl exec``) that is another machine's or the
pod's, which this one cannot read: the context and namespace are then told only by the call's
own flags -- and in a pod, where kubectl uses the in-cluster settings, by the context
``kubectl exec`` named (its cluster) and the pod's namespace. Run as another user (``sudo``,
``su``, ``doas``, ``runuser``, ``pkexec``, ``systemd-run``) it reads that user's home, and the
variables of this line may not reach it: which home is not told. ``direnv exec`` loads a
directory's settings (``KUBECONFIG`` among them) that are not read here.

On this machine, the ``HOME`` the line gives the command decides the kubeconfig's place
(``HOME=/x kubectl …``, ``export HOME=/x; kubectl …``), not the session's.

A wrapper that hands its command to a shell (``ssh host 'kubectl …'``, ``su -c``, ``docker exec
c sh -c …``) has it understood as a line of its own, whose commands carry no wrapper: so
:func:`placed` notes the wrappers in the context that line is understood in
(``ShellContext.runs_via``).
"""

from __future__ import annotations

from dataclasses import dataclass

from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

# Wrappers (as :mod:`..wrappers` notes them, ``kind:where``) that run the command on another
# machine, in a container or in a pod, or in another root.
_ELSEWHERE = frozenset(
    {"ssh", "docker-exec", "podman-exec", "nerdctl-exec", "kubectl-exec", "chroot"}
)
# Wrappers that run the command as another user (with that user's home) or load settings.
_OTHER_HOME = frozenset({"sudo", "su", "doas", "runuser", "pkexec", "systemd-run", "direnv-exec"})
# The note kubectl exec adds with the context it names (:mod:`.._remote_wrappers`): a kube tool
# in the pod reaches that cluster.
POD_CONTEXT_LABEL = "kube-context"


@dataclass(frozen=True, slots=True)
class Place:
    """Where a call runs: ``elsewhere`` says why this machine's settings do not apply (None:
    they do); ``context``/``namespace``: the cluster and namespace of the pod it runs in;
    ``home_untold``: it runs as another user, whose home is not told."""

    elsewhere: str | None = None
    context: str | None = None
    namespace: str | None = None
    home_untold: bool = False


def placed(cmd: SimpleCommand, ctx: ShellContext) -> ShellContext:
    """``ctx`` for ``cmd`` and every line it runs (a shell's text), with the wrappers of ``cmd``
    that decide where a kube tool runs noted after those noted before."""
    kinds = _ELSEWHERE | _OTHER_HOME | {POD_CONTEXT_LABEL}
    labels = [w for w in cmd.wrappers if w.partition(":")[0] in kinds]
    if not labels:
        return ctx
    inner = evolve(ctx, runs_via=(*ctx.runs_via, *labels))
    understand_in = ctx.understand_in
    if understand_in is None:
        return inner
    # A shell's text is understood in the line's context unless told otherwise.
    return evolve(inner, understand_nested=lambda text: understand_in(text, inner))


def place_of(cmd: SimpleCommand, ctx: ShellContext) -> Place:
    """Where ``cmd`` runs, from its wrappers and those of the commands whose text it is part of
    (outermost first: the innermost place decides)."""
    place = Place()
    for label in (*ctx.runs_via, *cmd.wrappers):
        kind, _, where = label.partition(":")
        if kind in _ELSEWHERE:
            place = Place(elsewhere=f"runs via {label}: that place's kube settings are not read")
            if kind == "kubectl-exec":
                namespace, _, _pod = where.rpartition("/")
                place = Place(place.elsewhere, namespace=namespace or None)
        elif kind == POD_CONTEXT_LABEL and place.elsewhere and where:
            place = Place(place.elsewhere, context=where, namespace=place.namespace)
        elif kind in _OTHER_HOME:
            place = Place(place.elsewhere, place.context, place.namespace, home_untold=True)
    if place.namespace == "*":
        place = Place(place.elsewhere, place.context, None, place.home_untold)
    return place
