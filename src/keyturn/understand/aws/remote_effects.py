"""What an AWS call that runs commands on hosts or containers does there, as an API call.

:mod:`.remote_commands` finds the shell text a call runs (``ssm send-command`` with
``AWS-RunShellScript``, ``ssm start-session`` with a command document, ``ecs execute-command``,
``ecs run-task``'s container overrides). Here that text is judged as the command line it is
(:func:`keyturn.understand.shell.understand_shell`), so that ``rm -rf /`` sent through the boto3
guard, ``keyturn check aws`` or the server is what it is through the ``aws`` CLI: the shell's own
``aws`` reader judges the same text the same way. The text runs on another machine, so nothing
of this one is read (no files, no variables); it runs in a directory the call does not tell
(SSM's per-command folder, the image's ``WORKDIR``), judged as ``/`` so that a relative ``rm -rf
*`` is the worst it may be, as ``root``.

Where it runs is named too: SSM's instances, and the fleet a ``Targets`` selector picks (a tag's
value, a resource group) which no call lists, so that a policy's ``resources: ["*prod*"]`` sees
``Key=tag:Name,Values=prod-web``. Each effect on a host's own things (files, services) is also
named on those instances (``arn:aws:ec2:*:*:instance/i-1/file:/srv``, :func:`named_there`), and
text that cannot be judged is ``unknown`` on them: the shell's ``aws`` reader names them alike,
with this same function, so that a protection of an instance holds whichever road reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.remote_commands import NOT_SPELT, remote_commands
from keyturn.understand.aws.scheduled_runs import window_command
from keyturn.understand.aws.scheduled_targets import later_commands
from keyturn.understand.aws.unknown_calls import unknown_call

__all__ = ["named_there", "remote_effects", "remote_hosts"]

# The calls that run commands on EC2 instances (or managed nodes) picked by their parameters.
_ON_INSTANCES = frozenset(
    {"ssm:SendCommand", "ssm:CreateAssociation", "ssm:UpdateAssociation", "ssm:StartSession"}
)
_REMOTE_CWD = "/"
_REMOTE_HOME = "/root"


def remote_effects(
    service: str, operation: str, params: Mapping[str, Any], *, target: Target
) -> list[Effect]:
    """The effects of the commands ``service:operation`` (canonical names) runs on hosts or
    containers, and of running them where it does; ``[]`` for a call that runs none."""
    qualified = f"{service}:{operation}"
    hosts = remote_hosts(service, operation, params, target=target)
    names = [n for e in hosts for n in e.resource.names]
    found: list[Effect] = []
    for text in remote_commands(service, operation, params):
        found += _judged_text(text, qualified, target, names)
    return [*dict.fromkeys(found), *hosts]


def _judged_text(text: str, qualified: str, target: Target, hosts: list[str]) -> list[Effect]:
    service = qualified.split(":", 1)[0]
    everywhere = [*hosts, f"arn:aws:{service}:*:*:*"]
    if text == NOT_SPELT:
        reason = f"runs shell commands on hosts that cannot be judged here: {text}"
        return [_unknown(qualified, target, reason, names=everywhere)]
    try:
        from keyturn.understand.shell import understand_shell
    except ImportError:  # the shell understanding is not installed: not judged, so held
        reason = "runs shell commands on hosts, and shell text cannot be understood here"
        return [_unknown(qualified, target, reason, names=everywhere)]
    action = understand_shell(text, cwd=_REMOTE_CWD, home=_REMOTE_HOME, env={}, target=target)
    places = [n for n in hosts if n.startswith("arn:")]
    note = f"run remotely by {qualified}"
    return [named_there(e, places, note) for e in action.effects]


def named_there(effect: Effect, places: list[str], note: str) -> Effect:
    """``effect`` also named on each of ``places`` (the instances' ARNs the text runs on) where
    it acts on a host's own things, with a note of where it runs."""
    from keyturn.understand.shell.effects import MACHINE_LOCAL

    names = effect.resource.names
    extra = tuple(f"{place}/{n}" for place in places for n in names if n.startswith(MACHINE_LOCAL))
    resource = Resource(tuple(dict.fromkeys(names + extra)), effect.resource.type)
    detail = f"{effect.detail}; {note}" if effect.detail else note
    return replace(effect, resource=resource, detail=detail)


def remote_hosts(
    service: str, operation: str, params: Mapping[str, Any], *, target: Target
) -> list[Effect]:
    """An ``update`` of the instances an SSM call runs commands or a session on (``[]`` for
    another call): by id, or every instance a ``Targets`` selector picks (named by the
    selector, which a policy's patterns can see). Named whether or not the commands are spelt
    out: a session typed into, or a document of the account's own, runs on them all the same."""
    qualified = f"{service}:{operation}"
    fired = later_commands(qualified, params)
    if fired:  # a rule's or a schedule's Run Command targets: on their instances, when it fires
        detail = f"runs commands on these instances later, when it fires ({qualified})"
        return [
            replace(e, operation=qualified, detail=detail)
            for run in fired
            for e in remote_hosts("ssm", "SendCommand", run, target=target)
        ]
    scheduled = window_command(qualified, params)
    if scheduled is not None:  # a maintenance window's Run Command task runs on its targets
        params, later = scheduled, " later, on the maintenance window's schedule"
    elif qualified not in _ON_INSTANCES:
        return []
    else:
        later = ""
    region = target.aws_region or "*"
    account = target.aws_account if (target.aws_account or "").isdigit() else "*"
    every = f"arn:aws:ec2:{region}:{account}:instance/*"
    names: list[str] = []
    for instance in _instance_ids(params):
        names.append(f"arn:aws:ec2:{region}:{account}:instance/{instance}")
    for selector in _selectors(params):
        names += [every, selector]
    if not names:
        return []
    detail = f"runs commands on these instances{later} ({qualified})"
    return [
        Effect(
            effect=EffectKind.UPDATE,
            resource=Resource(names=tuple(dict.fromkeys(names)), type="ec2-instance"),
            target=target,
            service="ssm",
            operation=qualified,
            detail=detail,
        )
    ]


def _instance_ids(params: Mapping[str, Any]) -> list[str]:
    ids = params.get("InstanceIds")
    single = params.get("Target")  # StartSession
    found = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
    if isinstance(single, str) and single:
        found.append(single)
    for key, values in _target_pairs(params):
        if key.lower() in ("instanceids", "instanceid"):
            found += values
    return found


def _selectors(params: Mapping[str, Any]) -> list[str]:
    """``tag:Name=prod-web``, ``tag-key=Name``, ``resource-groups:Name=web``: a fleet picked when
    the command runs, named by how it is picked (``*`` when a value cannot be read)."""
    out: list[str] = []
    for key, values in _target_pairs(params):
        if key.lower() in ("instanceids", "instanceid"):
            continue
        out += [f"{key}={v}" for v in values] or [f"{key}=*"]
    return out


def _target_pairs(params: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """The ``Targets`` selectors, ``[(Key, [Values…])]``; one that cannot be read picks any
    instance (``*``)."""
    given = params.get("Targets")
    if given is None:
        return []
    if not isinstance(given, list):
        return [("*", ["*"])]
    pairs: list[tuple[str, list[str]]] = []
    for item in given:
        key = item.get("Key") if isinstance(item, Mapping) else None
        values = item.get("Values") if isinstance(item, Mapping) else None
        if not isinstance(key, str) or not isinstance(values, list):
            pairs.append(("*", ["*"]))
            continue
        pairs.append((key, [v if isinstance(v, str) else "*" for v in values]))
    return pairs


def _unknown(qualified: str, target: Target, reason: str, *, names: list[str]) -> Effect:
    return unknown_call(qualified, target, names, reason)
