"""What the shell commands an ``aws`` call runs on hosts or containers do, and where.

``aws ssm send-command --document-name AWS-RunShellScript --parameters commands=…`` (an
association of it, ``ssm start-session`` with a command document, ``ecs execute-command``...)
runs shell text elsewhere (:mod:`keyturn.understand.aws.remote_commands` finds it). The text is
judged as the command line it is, there: with none of this machine's files, working directory
or variables (a ``$DIR`` in it is the host's, not this shell's), in ``/`` as ``root`` (SSM runs
as root, in a folder of its own the call does not tell: a relative ``rm -rf *`` is judged at
its worst), and under the call's AWS account (an ``aws`` call there uses the host's role in it,
not this shell's profile).

Where it runs is named too (:func:`keyturn.understand.aws.remote_effects.remote_hosts`): the
instances by id, or every instance a ``--targets`` selector picks (``Key=tag:Env,Values=prod``,
``Key=resource-groups:Name,Values=web``), named by the selector. Each effect on a host's own
things (files, services, databases) is also named on those instances
(``arn:aws:ec2:*:*:instance/i-1/file:/etc``), as ``gcloud compute ssh``'s are on its VM, so
that a protection of an instance holds for what runs there. A session typed into, or a
document whose code is not in the call, is ``unknown`` on the instances it runs on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand import NoFiles
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_REMOTE_CWD = "/"
_REMOTE_HOME = "/root"


def remote_effects(
    service: str,
    operation: str,
    params: Mapping[str, Any],
    cmd: SimpleCommand,
    ctx: ShellContext,
    target: Target,
) -> list[Effect]:
    """The effects of the shell text the call ``service:operation`` (canonical names) runs
    elsewhere, and the ``update`` of the instances it runs on; ``[]`` for a call that runs
    none."""
    from keyturn.understand.aws.remote_commands import NOT_SPELT, remote_commands
    from keyturn.understand.aws.remote_effects import named_there, remote_hosts

    hosts = remote_hosts(service, operation, params, target=target)
    names = [n for e in hosts for n in e.resource.names]
    # The instances' ARNs (a selector's every instance among them) are where the text runs.
    places = [n for n in names if n.startswith("arn:")]
    out: list[Effect] = []
    for text in remote_commands(service, operation, params):
        if text == NOT_SPELT or ctx.understand_in is None:
            reason = f"runs shell commands on hosts that cannot be judged here: {text}"
            out.append(_unknown(cmd, target, reason, service, names))
            continue
        there = evolve(
            ctx,
            cwd=_REMOTE_CWD,
            home=_REMOTE_HOME,
            env={"HOME": _REMOTE_HOME},
            target=target,
            files=NoFiles(),
            written={},
            disk_stale=False,
            committed_earlier=False,
            runs_via=(*ctx.runs_via, f"ssh:{places[0] if places else operation}"),
        )
        note = f"runs remotely by {service}:{operation}"
        out += [named_there(e, places, note) for e in ctx.understand_in(text, there)]
    return [*dict.fromkeys(out), *hosts]


def _unknown(
    cmd: SimpleCommand, target: Target, reason: str, service: str, hosts: list[str]
) -> Effect:
    names = (*hosts, f"arn:aws:{service}:*:*:*")
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=tuple(dict.fromkeys(names))),
        target=target,
        service=service,
        command=cmd.text or None,
        detail=reason,
    )
