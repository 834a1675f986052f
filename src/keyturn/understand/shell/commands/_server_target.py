"""Where a call to a server that is not on AWS lands: a platform's API (Heroku, Fly, Vercel,
Supabase, Neon, PlanetScale...), a Vault, Consul, etcd or Nomad server, an Argo CD instance, a
message broker.

The shell's AWS hints (``AWS_PROFILE=dev``), its kube context and its Terraform workspace say
nothing of which app, project or server such a call reaches. Yet an effect without hints of its
own takes them from the line (the judge fills in what an effect leaves unset from the action's
target), so ``AWS_PROFILE=dev`` would make ``heroku apps:destroy`` or ``etcdctl del --prefix ""``
a dev one, allowed. As ``gcloud``/``az`` (:func:`~.cloud_cli.cloud_target`) and ``kubectl``
(:func:`~._kube_call.untold`) do, such a call lands only by an environment given outright, or --
with no hints about at all -- by its resources' names (the server's host, the app's name, which
``resources: ["*prod*"]`` matches); with hints about, the environment is not told and the
policy's ``unknown_environment`` decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand.shell.commands._kube_call import untold
from keyturn.understand.shell.registry import ShellContext, evolve

if TYPE_CHECKING:  # _kv_store places its effects here: imported for the type only
    from keyturn.understand.shell.commands._kv_store import StoreCall

_NO_HINTS = Target()


def server_target(ctx: ShellContext) -> Target:
    """The target of an effect on a server that is not on AWS: the environment given outright;
    else none at all when the line has no hints (its names then tell, as the policy's
    ``resources`` patterns say); else not told (the policy's unknown_environment)."""
    hints = ctx.target
    if hints.environment or hints == _NO_HINTS:
        return Target(environment=hints.environment)
    return untold(hints)


def on_server(ctx: ShellContext) -> ShellContext:
    """``ctx`` placed as :func:`server_target` says, for a handler whose every effect is on the
    server (its generic effects, such as an unknown one, included)."""
    return evolve(ctx, target=server_target(ctx))


def run_there(effects: Iterable[Effect], ctx: ShellContext) -> list[Effect]:
    """The effects of a command line run on the server's machines (``fly ssh console -C``,
    ``heroku run``, ``nomad alloc exec``), placed as the server is: that line was understood
    with this machine's hints (its AWS profile, its kube context), which say nothing of the
    machine it runs on. Only an environment given outright is kept."""
    where = server_target(ctx)
    return [e if e.target.environment else evolve(e, target=where) for e in effects]


def not_understood(call: StoreCall) -> list[Effect]:
    """A form of a server's tool that is not understood (``vault operator unseal``, ``argocd
    admin``): unknown, on everything the server holds (``vault:*``, and by namespace and
    server), placed as the server is -- not by the shell's hints, as the unknown the
    dispatcher makes of a handler's ``None`` would be (``AWS_PROFILE=dev``: asked, where in
    production it is refused), and with names a ``protected`` pattern (``vault:*``) holds."""
    detail = f"this form of {call.cmd.name!r} is not understood"
    return [call.effect(EffectKind.UNKNOWN, ["*"], detail)]
