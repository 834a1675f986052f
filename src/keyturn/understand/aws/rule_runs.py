"""Changing or enabling an EventBridge rule: its existing targets run when it next fires.

``events put-rule`` creates or replaces a rule (its schedule, its event pattern, its state) and
``events enable-rule`` turns one on. Neither names the rule's targets: those were set by
``put-targets`` calls keyturn may never have seen, and run with no call keyturn sees when the
rule fires. So either call may set off anything (a Lambda function, a runbook, an ECS task...)
on a schedule or on events of the caller's choosing: ``unknown``, naming the rule.

Read from EventBridge's API reference (botocore's ``events`` model): ``PutRule`` "creates or
updates the specified rule. Rules are enabled by default, or based on value of the state", and
an update replaces every field, an omitted ``State`` included. Only ``State: DISABLED`` keeps
the rule from matching anything (``DisableRule`` is a plain update too).

A ``put-targets`` on the same command line does not make the rule's targets known: it adds or
replaces the targets it lists and leaves the others in place, and whether the rule is new (no
others) is not in the call. ``put-rule --name old-rule … && put-targets --rule old-rule
--targets <harmless queue>`` would otherwise fire ``old-rule``'s existing targets unseen. The
targets a ``put-targets`` lists are judged with that call (:mod:`.scheduled_targets`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, Target
from keyturn.understand.aws.call_hints import where_of
from keyturn.understand.aws.naming import Where
from keyturn.understand.aws.unknown_calls import unknown_call

__all__ = ["rule_arn", "rule_names", "rule_run_effects"]

_RULE_CHANGES = frozenset({"events:PutRule", "events:EnableRule"})


def rule_run_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """``unknown`` on the rule ``qualified`` (canonical names) changes or enables, as its
    existing targets run when it fires; ``[]`` for another call, a rule left disabled, or a
    call the API refuses (no ``Name``)."""
    if qualified not in _RULE_CHANGES or "Name" not in params:
        return []
    state = params.get("State")
    if qualified == "events:PutRule" and state == "DISABLED":
        return []  # a disabled rule matches nothing: its targets do not run
    doing = "changes" if qualified == "events:PutRule" else "enables"
    reason = (
        f"{doing} the rule: its existing targets (not in the call: functions, runbooks, "
        "tasks...) run whenever it fires (its schedule, matching events), and what they do "
        "is not known here"
    )
    return [unknown_call(qualified, target, rule_names(params, where_of(target)), reason)]


def rule_names(params: Mapping[str, Any], where: Where) -> tuple[str, ...]:
    """The names of the rule ``Name`` names: its ARN (:func:`rule_arn`), and ``rule/NAME``
    too on another bus than the default, as it was named before the bus was read, so that no
    pattern written for that name stops matching."""
    name = params.get("Name")
    names = [rule_arn(params, where)]
    if isinstance(name, str) and name:
        names.append(f"arn:aws:events:{where.region}:{where.account}:rule/{name}")
    return tuple(dict.fromkeys(names))


def rule_arn(params: Mapping[str, Any], where: Where) -> str:
    """The rule ``Name`` names: ``rule/NAME`` on the default event bus, ``rule/BUS/NAME`` on
    another (``EventBusName``, a name or the bus's ARN, whose region and account it takes)."""
    name = params.get("Name")
    name = name if isinstance(name, str) and name else "*"
    region, account = where.region, where.account
    bus = params.get("EventBusName")
    if isinstance(bus, str) and bus.startswith("arn:"):
        parts = bus.split(":", 5)
        if len(parts) == 6:
            region, account = parts[3] or region, parts[4] or account
            bus = parts[5].removeprefix("event-bus/")
    if bus is None or bus == "default":
        return f"arn:aws:events:{region}:{account}:rule/{name}"
    shown = bus if isinstance(bus, str) and bus else "*"
    return f"arn:aws:events:{region}:{account}:rule/{shown}/{name}"
