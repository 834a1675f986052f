"""What an AWS call sets up to run later (or runs by a name it does not spell), as that run.

A maintenance window task (``ssm register-task-with-maintenance-window``, ``ssm
update-maintenance-window-task``) runs on the window's schedule, with no call keyturn sees then:

- a ``RUN_COMMAND`` task is Run Command with ``TaskArn`` as its document and the task's
  ``RunCommand`` parameters, on the task's ``Targets`` (``Key=InstanceIds``, or
  ``Key=WindowTargetIds``: the window's registered targets, named by that selector). It is
  judged as that ``SendCommand`` (:func:`window_command`, used by :mod:`.remote_commands` and
  :mod:`.remote_effects`): ``AWS-RunShellScript``'s commands as the command lines they are;
- an ``AUTOMATION`` task is the runbook ``TaskArn`` run with its ``Automation`` parameters
  (:func:`keyturn.understand.aws.automation.runbook_run`): an AWS runbook keyturn knows is the
  calls it makes; the pseudo parameter ``{{TARGET_ID}}`` is each target's id (the instances a
  ``Key=InstanceIds`` target lists; any, named by the selector, otherwise);
- a ``LAMBDA`` or ``STEP_FUNCTIONS`` task runs code the call does not show: ``unknown`` on the
  function or state machine and the targets;
- an update that changes what runs or where without telling what (no ``TaskType`` in the
  update; ``TaskArn`` alone, whose parameters the update keeps; ``Targets`` alone) is
  ``unknown`` on the window task, its document and its targets. An update of other fields
  (priority, name, concurrency) changes nothing run: the call's own update.

An AWS Config remediation is an SSM Automation document (``TargetId``) run on a rule's
non-compliant resources: ``put-remediation-configurations`` with ``Automatic`` runs it on each,
now and whenever one turns non-compliant (a ``ResourceValue`` parameter is the resource's id:
any resource, named ``config-rule=<rule>``); a manual one runs only when
``start-remediation-execution`` asks, which names the rule and the resources but not the
document: ``unknown`` on those resources (named as the service names them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, Target
from keyturn.understand.aws.unknown_calls import unknown_call

__all__ = ["scheduled_effects", "window_command"]

_WINDOW_TASKS = frozenset(
    {"ssm:RegisterTaskWithMaintenanceWindow", "ssm:UpdateMaintenanceWindowTask"}
)
# TaskInvocationParameters' member -> the task type it is for.
_INVOCATION_KINDS = {
    "RunCommand": "RUN_COMMAND",
    "Automation": "AUTOMATION",
    "Lambda": "LAMBDA",
    "StepFunctions": "STEP_FUNCTIONS",
}
# An update that names no task type: what changes in what runs, though not what it becomes.
_DOCUMENT, _UNCHANGED = "DOCUMENT", "UNCHANGED"
# The parameters without which the API refuses each call read here.
_REQUIRED = {
    "ssm:RegisterTaskWithMaintenanceWindow": frozenset({"WindowId", "TaskArn", "TaskType"}),
    "ssm:UpdateMaintenanceWindowTask": frozenset({"WindowId", "WindowTaskId"}),
    "config:PutRemediationConfigurations": frozenset({"RemediationConfigurations"}),
    "config:StartRemediationExecution": frozenset({"ConfigRuleName", "ResourceKeys"}),
}
# The pseudo parameter a window gives each target's id as (SSM's maintenance window docs).
_TARGET_ID = "{{TARGET_ID}}"


def window_command(qualified: str, params: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``SendCommand`` parameters a Run Command maintenance window task runs with later;
    None for another call or task."""
    if qualified not in _WINDOW_TASKS or _task_kind(params) != "RUN_COMMAND":
        return None
    run: dict[str, Any] = {"DocumentName": params.get("TaskArn")}
    parameters = _task_parameters(params, "RunCommand")
    if parameters is not None:
        run["Parameters"] = parameters
    if "Targets" in params:
        run["Targets"] = params["Targets"]
    return run


def scheduled_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """The effects of what the call ``qualified`` (canonical names) runs later, as far as known
    (see the module's docstring); ``[]`` for a call that schedules none, or a Run Command task
    (judged with the remote commands)."""
    if not _REQUIRED.get(qualified, frozenset()) <= params.keys():
        return []  # the API refuses the call: judged by its name alone
    if qualified in _WINDOW_TASKS:
        return _window_task(qualified, params, target)
    if qualified == "config:PutRemediationConfigurations":
        return _remediations(qualified, params, target)
    if qualified == "config:StartRemediationExecution":
        return _remediation_now(qualified, params, target)
    return []


def _task_kind(params: Mapping[str, Any]) -> str | None:
    """The task type: given (registering), else told by the parameters an update sends; None
    when the update changes nothing run."""
    given = params.get("TaskType")
    if isinstance(given, str) and given:
        return given
    invocation = params.get("TaskInvocationParameters")
    if isinstance(invocation, Mapping):
        kinds = {_INVOCATION_KINDS.get(k, _UNCHANGED) for k in invocation}
        if len(kinds) == 1:
            return kinds.pop()
        if kinds:
            return _UNCHANGED
    elif invocation is not None:
        return _UNCHANGED
    task = params.get("TaskArn")
    if isinstance(task, str) and task.startswith("arn:") and ":lambda:" in task:
        return "LAMBDA"
    if isinstance(task, str) and task.startswith("arn:") and ":states:" in task:
        return "STEP_FUNCTIONS"
    if task is not None:
        return _DOCUMENT
    if params.keys() & {"Targets", "TaskParameters", "Replace"}:
        return _UNCHANGED
    return None


def _task_parameters(params: Mapping[str, Any], member: str) -> dict[str, Any] | None:
    """The document parameters the task passes: its ``TaskInvocationParameters`` member's, over
    the older ``TaskParameters`` (``{name: {Values: [...]}}``); None when neither is given."""
    found: dict[str, Any] = {}
    given = False
    older = params.get("TaskParameters")
    if isinstance(older, Mapping):
        given = True
        for name, value in older.items():
            found[name] = value.get("Values") if isinstance(value, Mapping) else value
    invocation = params.get("TaskInvocationParameters")
    inner = invocation.get(member) if isinstance(invocation, Mapping) else None
    if isinstance(inner, Mapping) and isinstance(inner.get("Parameters"), Mapping):
        given = True
        found.update(inner["Parameters"])
    return found if given else None


def _window_task(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    kind = _task_kind(params)
    if kind is None or kind == "RUN_COMMAND":
        return []
    task = params.get("TaskArn")
    shown = task if isinstance(task, str) and task else "*"
    places = _target_names(params, target)
    window = params.get("WindowId")
    task_id = params.get("WindowTaskId")
    own = [f"arn:aws:ssm:*:*:window/{window if isinstance(window, str) else '*'}"]
    if isinstance(task_id, str) and task_id:
        own.append(f"arn:aws:ssm:*:*:window-task/{task_id}")
    if kind == "AUTOMATION":
        return _window_runbook(qualified, params, shown, target)
    if kind == "LAMBDA":
        reason = f"invokes the Lambda function {shown} on the window's schedule: its code is "
        reason += "not judged here"
    elif kind == "STEP_FUNCTIONS":
        reason = f"starts the state machine {shown} on the window's schedule: its steps are "
        reason += "not judged here"
    else:
        what = f"the document {shown}" if kind == _DOCUMENT else "its document"
        reason = (
            f"changes what a maintenance window task runs, or where ({what}, with parameters "
            "the call does not all show): what it runs then is not known here"
        )
    return [unknown_call(qualified, target, [*places, *_task_names(shown), *own], reason)]


def _window_runbook(
    qualified: str, params: Mapping[str, Any], document: str, target: Target
) -> list[Effect]:
    """An Automation task as the runbook run it makes, ``{{TARGET_ID}}`` standing for each of
    the listed instances (any, picked by a selector, when the targets are not all listed)."""
    from keyturn.understand.aws.automation import runbook_run

    targets = params.get("Targets")
    listed = _listed_instances(targets)
    parameters = _task_parameters(params, "Automation")
    values: dict[str, Any] = {}
    for name, value in (parameters or {}).items():
        items = value if isinstance(value, list) else [value]
        if listed is not None and _TARGET_ID in items:
            items = [v for v in items if v != _TARGET_ID] + listed
        values[name] = items
    run: dict[str, Any] = {"DocumentName": None if document == "*" else document}
    run["Parameters"] = values
    if listed is None and targets is not None:
        run["Targets"] = targets
    found = runbook_run(qualified, run, target)
    if parameters is None and qualified == "ssm:UpdateMaintenanceWindowTask":
        # The update keeps the task's parameters, which the call does not show.
        reason = f"runs the runbook {document} later with parameters not in the call"
        names = [*_target_names(params, target), *_task_names(document)]
        found.append(unknown_call(qualified, target, names, reason))
    return found


def _listed_instances(targets: Any) -> list[str] | None:
    """The instance ids ``Targets`` lists when every target is ``Key=InstanceIds``; else
    None (window targets or tags: which resources, is decided when the window runs)."""
    if not isinstance(targets, list) or not targets:
        return None
    ids: list[str] = []
    for item in targets:
        key = item.get("Key") if isinstance(item, Mapping) else None
        values = item.get("Values") if isinstance(item, Mapping) else None
        if not isinstance(key, str) or key.lower() != "instanceids":
            return None
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return None
        ids += values
    return ids


def _target_names(params: Mapping[str, Any], target: Target) -> list[str]:
    """The instances the task's ``Targets`` name (by id, or ``instance/*`` and the selector)."""
    from keyturn.understand.aws.remote_effects import remote_hosts

    if "Targets" not in params:
        return []
    hosts = remote_hosts("ssm", "SendCommand", {"Targets": params["Targets"]}, target=target)
    return [n for e in hosts for n in e.resource.names]


def _task_names(task: str) -> list[str]:
    if task.startswith("arn:"):
        return [task]
    return [f"arn:aws:ssm:*:*:document/{task}"]


def _remediations(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """Each automatic remediation as the runbook run it makes on the rule's resources."""
    from keyturn.understand.aws.automation import runbook_run

    given = params.get("RemediationConfigurations")
    if not isinstance(given, list):
        reason = "its remediations could not be read: they may run any automation document"
        return [unknown_call(qualified, target, ["arn:aws:config:*:*:config-rule/*"], reason)]
    found: list[Effect] = []
    for item in given:
        if not isinstance(item, Mapping):
            reason = "a remediation that could not be read: it may run any automation document"
            found.append(
                unknown_call(qualified, target, ["arn:aws:config:*:*:config-rule/*"], reason)
            )
            continue
        if item.get("Automatic") is not True:
            continue  # manual: runs only when start-remediation-execution asks
        rule = item.get("ConfigRuleName")
        rule = rule if isinstance(rule, str) and rule else "*"
        document = item.get("TargetId")
        run = {
            "DocumentName": document,
            "Parameters": _remediation_parameters(item.get("Parameters")),
            # The resources the rule finds non-compliant: any, named by the rule.
            "Targets": [{"Key": "config-rule", "Values": [rule]}],
        }
        found += runbook_run(qualified, run, target)
    return found


def _remediation_parameters(given: Any) -> dict[str, Any]:
    """The document's parameters: a ``StaticValue``'s values; a ``ResourceValue`` (the
    non-compliant resource's id) is any resource, ``*``."""
    out: dict[str, Any] = {}
    for name, value in given.items() if isinstance(given, Mapping) else ():
        static = value.get("StaticValue") if isinstance(value, Mapping) else None
        values = static.get("Values") if isinstance(static, Mapping) else None
        out[name] = values if isinstance(values, list) else ["*"]
    return out


def _remediation_now(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """``StartRemediationExecution`` runs the rule's remediation document, which the call does
    not name, on each resource it lists."""
    from keyturn.understand.aws_names import cloudformation_names

    rule = params.get("ConfigRuleName")
    rule = rule if isinstance(rule, str) and rule else "*"
    names: list[str] = []
    keys = params.get("ResourceKeys")
    for key in keys if isinstance(keys, list) else [None]:
        kind = key.get("resourceType") if isinstance(key, Mapping) else None
        ident = key.get("resourceId") if isinstance(key, Mapping) else None
        if not isinstance(kind, str) or not isinstance(ident, str) or not ident:
            names.append("*")
            continue
        names += [*cloudformation_names(kind, ident), ident]
    reason = (
        f"runs the remediation of the Config rule {rule} (an automation document the call does "
        "not name) on these resources: what it does is not known here"
    )
    names.append(f"arn:aws:config:*:*:config-rule/{rule}")
    return [unknown_call(qualified, target, names, reason)]
