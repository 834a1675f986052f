"""Effects that land on another machine or in a running container, as far as the policy's
environments are concerned.

This session's cloud hints (``AWS_PROFILE=dev``) tell where its AWS calls land, not where
another machine is: the judge gives an effect without hints of its own the action's hints, so
an effect on a container daemon or host reached over the network (``docker -H ssh://db``,
``DOCKER_HOST``, ``podman --remote``, ``ssh db …``) gets a target of its own, as a server
not on AWS does (:func:`._server_target.server_target`): the environment given outright, else
-- with hints about that say nothing of it -- not told, the policy's ``unknown_environment``;
without any hint, its names alone tell (``docker:ssh://prod-db/…`` is production under ``*prod*``).

A command run in a container that is already running (``docker exec db rm -rf /data``) changes
files that are usually its volumes or this host's bind mounts -- a database's data directory
always is -- and the line does not tell which, nor do this session's cloud hints tell where
they are: the changes it makes get the target of another machine too
(:func:`placed_elsewhere`), so that only an environment given outright, or the names
(``docker:container/prod-db/…``), tell it; what is not understood in it stays judged as this
machine's (the container is here). Over ssh, the machine itself is the remote host:
``host:local`` is named ``host:<remote>``. Cloud and cluster resources are the same from
anywhere: their effects are left as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.effects import MACHINE_LOCAL
from keyturn.understand.shell.registry import ShellContext, evolve

# The wrappers (as :mod:`..wrappers` notes them, ``kind:where``) that run a command in a
# running container, and the one that runs it on another machine.
_CONTAINER_EXECS = frozenset({"docker-exec", "podman-exec", "nerdctl-exec"})
_SSH = "ssh"


def local_daemon(daemon: str | None) -> bool:
    """Whether a container daemon, as the line names it (:func:`._container_call.daemon_of`),
    is this machine's: none named, the ``default`` context, or a local socket (``unix://``,
    a path, a Windows pipe). A TCP address is another machine's, ``localhost`` too: it may be
    a tunnel to one."""
    if daemon is None or daemon == "default":
        return True
    return daemon.startswith(("unix://", "/", "npipe://", "fd://"))


def placed_elsewhere(effect: Effect, notes: Sequence[str], ctx: ShellContext) -> Effect:
    """``effect`` of a command run through the wrappers ``notes`` (``ssh:db``,
    ``docker-exec:web``; outermost first), judged where it runs (the module's docstring)."""
    if not any(name.startswith(MACHINE_LOCAL) for name in effect.resource.names):
        return effect  # a cloud's or a cluster's: the same from anywhere
    places = [note.partition(":") for note in notes]
    containers = [where for kind, _, where in places if kind in _CONTAINER_EXECS]
    hosts = [where.rpartition("@")[2] for kind, _, where in places if kind == _SSH]
    if not containers and not hosts:
        return effect
    changes = effect.effect not in (EffectKind.READ, EffectKind.UNKNOWN)
    if containers and changes:
        why = (
            f"in running container {containers[-1]}: its files may be its volumes or this "
            "host's bind mounts, which the line does not tell"
        )
        effect = evolve(effect, detail=f"{effect.detail}; {why}" if effect.detail else why)
    if hosts and hosts[-1] and "host:local" in effect.resource.names:
        names = (f"host:{hosts[-1]}" if n == "host:local" else n for n in effect.resource.names)
        effect = evolve(effect, resource=Resource(tuple(names), type=effect.resource.type))
    # A running container is this machine's: what is not understood in it stays judged here.
    if not (hosts or changes) or _own_hints(effect.target, ctx):
        return effect
    return evolve(effect, target=server_target(ctx))


def _own_hints(target: Target, ctx: ShellContext) -> bool:
    """Whether ``target`` holds hints of the command's own (an AWS profile or a kube context
    it named): they decide, not the machine it runs on. The session's hints, which handlers
    often copy onto their effects, are not its own."""
    hints = evolve(target, environment=None)
    return hints not in (Target(), evolve(ctx.target, environment=None))
