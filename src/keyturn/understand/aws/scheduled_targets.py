"""What an EventBridge rule's or schedule's target does when it fires, and where a maintenance
window's tasks run: judged as those runs, on the call that sets them up.

Reads the call's own parameters (no call keyturn sees is made when the target fires):

- ``scheduler create-schedule`` / ``update-schedule`` (EventBridge Scheduler): a *universal
  target* ``arn:aws:scheduler:::aws-sdk:<service>:<apiAction>`` names the exact API call it
  makes, with ``Input`` as its request parameters (the Scheduler guide's "Using universal
  targets"): ``aws-sdk:ec2:terminateInstances`` with ``{"InstanceIds": ["i-1"]}`` is judged as
  ``ec2:TerminateInstances`` on ``i-1``, later. A service or action not known, or an ``Input``
  that is not a JSON object, is ``unknown`` on what the call names;
- ``events put-targets`` (and Scheduler's templated targets): an SSM Automation target
  (``…:automation-definition/<runbook>:<version>``) is that runbook run with ``Input`` as its
  parameters (:func:`keyturn.understand.aws.automation.runbook_run`); a Run Command target
  (``…:document/<name>``, ``RunCommandParameters``) is ``SendCommand`` of that document with
  ``Input`` as its parameters on those instances (:func:`later_commands`, judged as the command
  lines they are by :mod:`.remote_commands`); a Lambda function or state machine is invoked, as
  ``lambda invoke`` / ``stepfunctions start-execution`` are judged; a queue, topic, stream, log
  group or event bus gets a message (an ``update`` of it); any other target (ECS tasks, builds,
  pipelines, Batch jobs, Redshift statements, HTTP endpoints...) runs what the call does not
  show: ``unknown`` on it. Parameters taken from the event (``InputPath``,
  ``InputTransformer``, no ``Input``) are not in the call: runbook parameters ``*``, commands
  not spelt;
- ``ssm register-target-with-maintenance-window`` / ``update-maintenance-window-target`` with
  ``Targets``: the window's existing tasks (not in the call) run on the new targets at its next
  run: ``unknown`` on those instances, named as ``send-command --targets`` names them (by id, or
  every instance with the selector), and on the window.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.unknown_calls import unknown_call

__all__ = ["later_commands", "target_effects"]

_SCHEDULES = frozenset({"scheduler:CreateSchedule", "scheduler:UpdateSchedule"})
_WINDOW_TARGETS = frozenset(
    {"ssm:RegisterTargetWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTarget"}
)
# Targets that only receive the event (a message, a record, a log line): an update of them.
_RECEIVERS = frozenset({"sqs", "sns", "kinesis", "firehose", "logs", "events"})
# Targets invoked as these calls (the member that names them): judged as those calls are.
_INVOKED = {
    "lambda": ("lambda", "Invoke", "FunctionName"),
    "states": ("stepfunctions", "StartExecution", "stateMachineArn"),
}


def target_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """The effects of what the call ``qualified`` (canonical names) sets up to run when a rule
    or schedule fires, or where a window's tasks run (see the module's docstring); ``[]`` for
    another call, or one the API refuses."""
    if qualified in _SCHEDULES and isinstance(params.get("Target"), Mapping):
        return _fired(qualified, params["Target"], target, "on the schedule")
    if qualified in _SCHEDULES and "Target" in params:
        return [unknown_call(qualified, target, ["arn:aws:scheduler:*:*:*"], _UNREAD)]
    if qualified == "events:PutTargets" and "Targets" in params:
        given = params["Targets"]
        if not isinstance(given, list):
            return [unknown_call(qualified, target, ["arn:aws:events:*:*:*"], _UNREAD)]
        found: list[Effect] = []
        for item in given:
            if not isinstance(item, Mapping):
                found.append(unknown_call(qualified, target, ["arn:aws:events:*:*:*"], _UNREAD))
                continue
            found += _fired(qualified, item, target, "when the rule matches")
        return found
    if qualified in _WINDOW_TARGETS and "Targets" in params and "WindowId" in params:
        return _window_targets(qualified, params, target)
    return []


_UNREAD = "its targets could not be read: they may run anything when it fires"


def later_commands(qualified: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``SendCommand`` parameters of each Run Command the call sets up to run when a rule
    or schedule fires (an EventBridge Run Command target, a universal ``ssm:sendCommand``
    target): judged as those commands by :mod:`.remote_commands`; ``[]`` for another call."""
    items: list[Any] = []
    if qualified in _SCHEDULES:
        items = [params.get("Target")]
    elif qualified == "events:PutTargets" and isinstance(params.get("Targets"), list):
        items = params["Targets"]
    runs: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("Arn"), str):
            continue
        arn = item["Arn"]
        universal = _universal(arn)
        if universal is not None and universal[0].lower() == "ssm":
            if universal[1].lower() == "sendcommand":
                runs.append(_input(item) or {"Parameters": None})
            continue
        document = _ssm_resource(arn, "document/")
        if document is None:
            continue
        run: dict[str, Any] = {"DocumentName": document, "Parameters": _input(item)}
        given = item.get("RunCommandParameters")
        targets = given.get("RunCommandTargets") if isinstance(given, Mapping) else None
        run["Targets"] = targets if targets is not None else [{"Key": "*", "Values": ["*"]}]
        runs.append(run)
    return runs


def _fired(qualified: str, item: Mapping[str, Any], target: Target, when: str) -> list[Effect]:
    """The effects of one target firing (``item``: a Scheduler ``Target`` or an EventBridge
    target)."""
    arn = item.get("Arn")
    if not isinstance(arn, str) or not arn:
        reason = "a target whose ARN could not be read: it may run anything when it fires"
        return [unknown_call(qualified, target, ["*"], reason)]
    note = f"runs later, {when} ({qualified})"
    universal = _universal(arn)
    if universal is not None:
        return _universal_call(qualified, arn, universal, item, target, note)
    runbook = _ssm_resource(arn, "automation-definition/")
    if runbook is not None:
        from keyturn.understand.aws.automation import runbook_run

        name = runbook.split(":", 1)[0]  # AWS-StopEC2Instance:$DEFAULT
        run = {"DocumentName": name, "Parameters": _input(item) or {}}
        return _noted(runbook_run(qualified, run, target), note)
    if _ssm_resource(arn, "document/") is not None:
        return []  # Run Command: judged as the commands it runs (:func:`later_commands`)
    service = arn.split(":")[2] if arn.count(":") >= 5 else ""
    if service in _INVOKED:
        api_service, operation, member = _INVOKED[service]
        return _noted(_inner(qualified, api_service, operation, {member: arn}, target), note)
    if service in _RECEIVERS:
        detail = f"receives a message or event from the target; {note}"
        return [_effect(qualified, EffectKind.UPDATE, target, [arn], detail)]
    reason = f"invokes {arn}, whose run is not judged here; {note}"
    return [unknown_call(qualified, target, [arn], reason)]


def _universal(arn: str) -> tuple[str, str] | None:
    """``(service, apiAction)`` of a Scheduler universal target ARN, else None."""
    parts = arn.split(":")
    if len(parts) == 8 and parts[2] == "scheduler" and parts[5] == "aws-sdk":
        return parts[6], parts[7]
    return None


def _universal_call(
    qualified: str,
    arn: str,
    universal: tuple[str, str],
    item: Mapping[str, Any],
    target: Target,
    note: str,
) -> list[Effect]:
    """A universal target as the API call it names, with ``Input`` as its parameters."""
    service, action = universal
    params = _input(item)
    if params is None and item.get("Input") is not None:
        reason = f"calls {service}:{action} with an Input that is not a JSON object; {note}"
        return [unknown_call(qualified, target, [arn, f"arn:aws:{service}:*:*:*"], reason)]
    name = _sdk_service(service)
    if name is None or not action:
        reason = f"calls {service}:{action}, an API not known here; {note}"
        return [unknown_call(qualified, target, [arn, f"arn:aws:{service}:*:*:*"], reason)]
    operation = action[:1].upper() + action[1:]
    return _noted(_inner(qualified, name, operation, params or {}, target), note)


def _sdk_service(service: str) -> str | None:
    """The botocore name of an SDK service identifier (``cognitoidentityprovider`` is the
    service id ``cognito-identity-provider`` run together); None when none has it."""
    from keyturn.errors import InputError
    from keyturn.understand.aws import catalog

    try:
        return catalog.resolve_service(service)
    except InputError:
        by_id, _ = catalog._metadata_index()
        joined = {sid.replace("-", ""): name for sid, name in by_id.items()}
        return joined.get(service.lower().replace("-", ""))


def _inner(
    qualified: str, service: str, operation: str, params: Mapping[str, Any], target: Target
) -> list[Effect]:
    """The effects of the call a target makes, as the call itself would be judged (with what
    it runs on hosts, for an ``ssm:SendCommand``: :func:`later_commands`)."""
    from keyturn.errors import InputError
    from keyturn.understand.aws.calls import effects_of, resolve_call

    try:
        return effects_of(resolve_call(service, operation, params), target)
    except InputError as exc:  # an operation botocore does not know: not judged, so held
        names = [f"arn:aws:{service}:*:*:*"]
        return [unknown_call(qualified, target, names, f"{service}:{operation}: {exc}")]


def _input(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """The constant ``Input`` a target is given, as a JSON object; None when there is none,
    it is taken from the event, or it is not a JSON object."""
    if item.get("InputPath") or item.get("InputTransformer"):
        return None
    given = item.get("Input")
    if isinstance(given, Mapping):
        return dict(given)
    if not isinstance(given, str):
        return None
    try:
        found = json.loads(given)
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def _ssm_resource(arn: str, kind: str) -> str | None:
    """The name after ``kind`` in an SSM ARN (``document/``, ``automation-definition/``)."""
    parts = arn.split(":", 5)
    if len(parts) == 6 and parts[2] == "ssm" and parts[5].startswith(kind):
        return parts[5][len(kind) :] or "*"
    return None


def _window_targets(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """New targets of a window: its tasks, not in the call, run on them at its next run."""
    from keyturn.understand.aws.remote_effects import remote_hosts

    hosts = remote_hosts("ssm", "SendCommand", {"Targets": params["Targets"]}, target=target)
    names = [n for e in hosts for n in e.resource.names] or ["arn:aws:ec2:*:*:instance/*"]
    window = params.get("WindowId")
    names.append(f"arn:aws:ssm:*:*:window/{window if isinstance(window, str) else '*'}")
    reason = (
        "the maintenance window's tasks (not in the call: their commands, runbooks or code) "
        "run on these targets at its next run"
    )
    return [unknown_call(qualified, target, names, reason)]


def _noted(effects: list[Effect], note: str) -> list[Effect]:
    return [replace(e, detail=f"{e.detail}; {note}" if e.detail else note) for e in effects]


def _effect(
    qualified: str, kind: EffectKind, target: Target, names: list[str], detail: str
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(names=tuple(dict.fromkeys(names))),
        target=target,
        service=qualified.split(":", 1)[0],
        operation=qualified,
        detail=detail,
    )
