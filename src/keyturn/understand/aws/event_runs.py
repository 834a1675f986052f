"""Sending events to an EventBridge bus, or replaying archived ones: the targets of every rule
they match run, with no call keyturn sees.

``events put-events`` puts each entry on its ``EventBusName`` (the default bus when none is
given); every rule on that bus whose pattern the event matches then invokes its targets
(functions, runbooks, tasks...), which were set by ``put-targets`` calls the call does not name.
An entry's ``Source``, ``DetailType`` and ``Detail`` are the caller's to choose, so it may match
any rule: ``unknown`` on the rules of each bus the entries reach (all of them when the entries
cannot be read). ``events start-replay`` sends an archive's events again to its
``Destination.Arn`` bus, to the rules its ``FilterArns`` lists or, with none, to every rule of
the bus: ``unknown`` on those rules alike. (Read from EventBridge's API reference, botocore's
``events`` model: ``PutEvents`` "sends custom events to Amazon EventBridge so that they can be
matched to rules"; ``ReplayDestination.FilterArns`` "a list of ARNs for rules to replay events
to".) As :mod:`.rule_runs` does for a rule changed or enabled, failing closed: what the targets
do is not in the call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, Target
from keyturn.understand.aws.call_hints import where_of
from keyturn.understand.aws.naming import Where
from keyturn.understand.aws.rule_runs import rule_arn
from keyturn.understand.aws.unknown_calls import unknown_call

__all__ = ["event_run_effects"]

_WHY = (
    "the targets of every rule the events match run (functions, runbooks, tasks... not in "
    "the call), and what they do is not known here"
)


def event_run_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """``unknown`` on the rules whose targets the events ``qualified`` sends may run; ``[]`` for
    another call, or one the API refuses (no ``Entries``, no ``Destination``: both required)."""
    where = where_of(target)
    if "Entries" not in params and "Destination" not in params:
        return []
    if qualified == "events:PutEvents":
        names = _put_rules(params, where)
        doing = "sends events"
    elif qualified == "events:StartReplay":
        names = _replay_rules(params, where)
        doing = "replays archived events"
    else:
        return []
    return [unknown_call(qualified, target, names, f"{doing}: {_WHY}")]


def _put_rules(params: Mapping[str, Any], where: Where) -> list[str]:
    """The rules of each bus the entries go to (every rule of every bus when the entries
    cannot be read, or go through a global endpoint, whose region is chosen at run time)."""
    entries = params.get("Entries")
    if "EndpointId" in params or not isinstance(entries, list) or not entries:
        return [f"arn:aws:events:*:{where.account}:rule/*"]
    names: list[str] = []
    for entry in entries:
        bus = entry.get("EventBusName") if isinstance(entry, Mapping) else None
        if bus is not None and not isinstance(bus, str):
            return [f"arn:aws:events:{where.region}:{where.account}:rule/*"]
        names.append(rule_arn({"Name": "*", "EventBusName": bus or None}, where))
    return list(dict.fromkeys(names))


def _replay_rules(params: Mapping[str, Any], where: Where) -> list[str]:
    """The rules ``Destination.FilterArns`` lists, or every rule of the destination bus."""
    destination = params.get("Destination")
    destination = destination if isinstance(destination, Mapping) else {}
    rules = destination.get("FilterArns")
    if isinstance(rules, list) and rules and all(isinstance(r, str) and r for r in rules):
        return list(dict.fromkeys(rules))
    bus = destination.get("Arn")
    if not isinstance(bus, str) or not bus:
        return [f"arn:aws:events:{where.region}:{where.account}:rule/*"]
    return [rule_arn({"Name": "*", "EventBusName": bus}, where)]
