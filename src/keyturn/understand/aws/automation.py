"""What an SSM Automation runbook a call starts does: the API calls AWS's own runbooks make.

``ssm start-automation-execution --document-name AWS-TerminateEC2Instance --parameters
InstanceId=i-1`` terminates ``i-1``: it is judged as ``ec2:TerminateInstances`` on it (with the
call itself, an ``update`` of the document). The runbooks AWS owns and documents (the
*Systems Manager Automation runbook reference*) are mapped here to the calls they make and the
runbook parameters those calls take; a call the runbook makes on resources it finds itself
(``AWS-DeleteImage`` deletes the image's snapshots) names them ``*``.

Which resources: the runbook's ``Parameters``, or, for a rate-controlled run, each target
(``Targets`` ``Key=ParameterValues``, ``TargetMaps``) passed as ``TargetParameterName``; a
target picked by tag or resource group is ``*``, every resource of the kind, named with the
selector (``tag:Env=prod``). A value decided when the runbook runs (``{{ssm:…}}``) is ``*`` too.

Any other document -- one of the account's own (any name not reserved to AWS), one shared by
another account (an ARN), an AWS runbook this table lacks -- may call any API: ``unknown`` on
its targets and the parameters' values. So are runs in other accounts and regions
(``TargetLocations``), judged nowhere else.

The same runbooks reach resources through an association (``ssm create-association --name
AWS-TerminateEC2Instance``, run as soon as it is made, and on its schedule, with
``AutomationTargetParameterName``) and through a change request (``ssm
start-change-request-execution --runbooks``, run once approved, which its template may do
itself); an approval signal (``ssm send-automation-signal --signal-type Approve``) lets a
waiting execution go on with steps the call does not show: ``unknown`` on the execution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from keyturn.model import Effect, Resource, Target
from keyturn.understand.aws.unknown_calls import unknown_call

__all__ = ["runbook_effects", "runbook_run"]


@dataclass(frozen=True, slots=True)
class _Step:
    """One call a runbook makes: its ``service:operation`` and, per input member, the runbook
    parameter that gives its value (``None``: a value the runbook finds itself, ``*``); a
    member ending ``[]`` takes the whole list, another is one call per value."""

    call: str
    members: tuple[tuple[str, str | None], ...]


def _steps(*specs: tuple[str, Mapping[str, str | None]]) -> tuple[_Step, ...]:
    return tuple(_Step(call, tuple(members.items())) for call, members in specs)


_INSTANCES = {"InstanceIds[]": "InstanceId"}
_STACK = {"StackName": "StackNameOrId"}
# AWS-owned runbooks (as the runbook reference documents their parameters) -> their calls.
_RUNBOOKS: dict[str, tuple[_Step, ...]] = {
    "AWS-TerminateEC2Instance": _steps(("ec2:TerminateInstances", _INSTANCES)),
    "AWS-StopEC2Instance": _steps(("ec2:StopInstances", _INSTANCES)),
    "AWS-StopEC2InstanceWithApproval": _steps(("ec2:StopInstances", _INSTANCES)),
    "AWS-StartEC2Instance": _steps(("ec2:StartInstances", _INSTANCES)),
    "AWS-RestartEC2Instance": _steps(
        ("ec2:StopInstances", _INSTANCES), ("ec2:StartInstances", _INSTANCES)
    ),
    "AWS-RestartEC2InstanceWithApproval": _steps(
        ("ec2:StopInstances", _INSTANCES), ("ec2:StartInstances", _INSTANCES)
    ),
    "AWS-DeleteSnapshot": _steps(("ec2:DeleteSnapshot", {"SnapshotId": "SnapshotId"})),
    "AWS-DeleteImage": _steps(
        ("ec2:DeregisterImage", {"ImageId": "ImageId"}),
        ("ec2:DeleteSnapshot", {"SnapshotId": None}),  # the image's snapshots
    ),
    "AWSConfigRemediation-DeleteUnusedEBSVolume": _steps(
        ("ec2:DeleteVolume", {"VolumeId": "VolumeId"})
    ),
    "AWS-DeleteCloudFormationStack": _steps(("cloudformation:DeleteStack", _STACK)),
    "AWS-DeleteCloudFormationStackWithApproval": _steps(("cloudformation:DeleteStack", _STACK)),
    "AWS-UpdateCloudFormationStack": _steps(
        ("cloudformation:UpdateStack", {**_STACK, "TemplateURL": "TemplateUrl"})
    ),
    "AWS-DeleteDynamoDbBackup": _steps(("dynamodb:DeleteBackup", {"BackupArn": "BackupArn"})),
    "AWS-DeleteEKSCluster": _steps(
        ("eks:DeleteCluster", {"name": "EKSClusterName"}),
        ("cloudformation:DeleteStack", {"StackName": "VPCCloudFormationStack"}),
        ("cloudformation:DeleteStack", {"StackName": "SelfManagedNodeStacks"}),
    ),
    # The runbook reference's pages give each parameter and the calls its role must allow. A
    # runbook given a resource id (DbiResourceId, IAMUserId) finds the name itself: ``*``.
    "AWSConfigRemediation-DeleteDynamoDbTable": _steps(
        ("dynamodb:DeleteTable", {"TableName": "TableName"})
    ),
    "AWSConfigRemediation-DeleteLambdaFunction": _steps(
        ("lambda:DeleteFunction", {"FunctionName": "LambdaFunctionName"})
    ),
    "AWSConfigRemediation-DeleteRDSInstance": _steps(
        ("rds:DeleteDBInstance", {"DBInstanceIdentifier": None})
    ),
    "AWSConfigRemediation-DeleteRDSCluster": _steps(
        ("rds:DeleteDBCluster", {"DBClusterIdentifier": None}),
        ("rds:DeleteDBInstance", {"DBInstanceIdentifier": None}),  # the cluster's instances
    ),
    "AWSConfigRemediation-DeleteRDSInstanceSnapshot": _steps(
        ("rds:DeleteDBSnapshot", {"DBSnapshotIdentifier": "DbSnapshotId"})
    ),
    "AWSConfigRemediation-DeleteRDSClusterSnapshot": _steps(
        ("rds:DeleteDBClusterSnapshot", {"DBClusterSnapshotIdentifier": "DBClusterSnapshotId"})
    ),
    "AWSConfigRemediation-DeleteRedshiftCluster": _steps(
        ("redshift:DeleteCluster", {"ClusterIdentifier": "ClusterIdentifier"})
    ),
    "AWSConfigRemediation-DeleteSecret": _steps(
        ("secretsmanager:DeleteSecret", {"SecretId": "SecretId"})
    ),
    "AWSConfigRemediation-DeleteIAMRole": _steps(("iam:DeleteRole", {"RoleName": None})),
    "AWSConfigRemediation-DeleteIAMUser": _steps(("iam:DeleteUser", {"UserName": None})),
    "AWSConfigRemediation-DeleteUnusedIAMGroup": _steps(
        ("iam:DeleteGroup", {"GroupName": "GroupName"})
    ),
    "AWSConfigRemediation-DeleteUnusedIAMPolicy": _steps(("iam:DeletePolicy", {"PolicyArn": None})),
    "AWSConfigRemediation-DeleteUnusedSecurityGroup": _steps(
        ("ec2:DeleteSecurityGroup", {"GroupId": "GroupId"})
    ),
    "AWS-StopRdsInstance": _steps(("rds:StopDBInstance", {"DBInstanceIdentifier": "InstanceId"})),
    "AWS-RebootRdsInstance": _steps(
        ("rds:RebootDBInstance", {"DBInstanceIdentifier": "InstanceId"})
    ),
    "AWS-DetachEBSVolume": _steps(("ec2:DetachVolume", {"VolumeId": "VolumeId"})),
    "AWS-ReleaseElasticIP": _steps(("ec2:ReleaseAddress", {"AllocationId": "AllocationId"})),
}
# Runbook parameters that are optional: a call on one not given is not made.
_OPTIONAL = frozenset({"VPCCloudFormationStack", "SelfManagedNodeStacks"})
# The calls that start a runbook, and their parameters: the document, its parameters, the one
# each target is passed as.
_STARTS = {
    "ssm:StartAutomationExecution": ("DocumentName", "TargetParameterName"),
    "ssm:CreateAssociation": ("Name", "AutomationTargetParameterName"),
    "ssm:UpdateAssociation": ("Name", "AutomationTargetParameterName"),
}
_GOING_ON = frozenset({"Approve", "Resume", "StartStep"})
# The calls read here, and the parameter without which the API refuses each.
# (An association updated without ``Name`` keeps its document, which the call does not tell:
# judged as the update it is.)
_REQUIRED = {
    **{call: keys[0] for call, keys in _STARTS.items()},
    "ssm:StartChangeRequestExecution": "Runbooks",
    "ssm:SendAutomationSignal": "SignalType",
}


def runbook_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """The effects of the runbooks the call ``qualified`` (``ssm:StartAutomationExecution``)
    runs, under ``target``; ``[]`` for a call that runs none."""
    required = _REQUIRED.get(qualified)
    if required is None or required not in params:
        return []  # another call; or the API refuses it, judged by its name alone
    if qualified == "ssm:SendAutomationSignal":
        return _signal(params, target)
    if qualified == "ssm:StartChangeRequestExecution":
        runbooks = params.get("Runbooks")
        if not isinstance(runbooks, list):
            return [_unknown(qualified, target, [], "its runbooks could not be read")]
        found: list[Effect] = []
        for runbook in runbooks:
            if not isinstance(runbook, Mapping):
                return [_unknown(qualified, target, [], "its runbooks could not be read")]
            found += _run(qualified, runbook, "DocumentName", "TargetParameterName", target)
        return found
    keys = _STARTS[qualified]
    if qualified != "ssm:StartAutomationExecution" and _document(params.get(keys[0])) is None:
        # An association of a command document (judged as the commands it runs) or of a
        # document of the account's own, which :mod:`.remote_commands` holds as unknown.
        return []
    return _run(qualified, params, *keys, target)


def runbook_run(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """The effects of the runbook ``DocumentName`` run with ``Parameters`` (and ``Targets``
    picking its resources, ``TargetParameterName`` passing them) on behalf of the call
    ``qualified``: what a maintenance window or a Config remediation runs later
    (:mod:`.scheduled_runs`) is judged as this run."""
    return _run(qualified, params, "DocumentName", "TargetParameterName", target)


def _document(value: Any) -> str | None:
    """The AWS-owned runbook ``value`` names (by name, or an ARN in no account), if mapped."""
    if not isinstance(value, str):
        return None
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) < 6 or parts[4] or not parts[5].startswith("document/"):
            return None  # a document shared by an account: its own, whatever its name
        value = parts[5].removeprefix("document/")
    return value if value in _RUNBOOKS else None


def _run(
    qualified: str, params: Mapping[str, Any], doc_key: str, target_key: str, target: Target
) -> list[Effect]:
    """The effects of one runbook run: its calls, or ``unknown`` on what it is given."""
    given = params.get("Parameters")
    parameters = given if isinstance(given, Mapping) else {}
    by_target = params.get(target_key)
    selectors, targeted = _targets(params)
    if isinstance(by_target, str) and by_target:
        parameters = {**parameters, by_target: targeted}
    raw = params.get(doc_key)
    shown = raw if isinstance(raw, str) and raw else "*"
    document = _document(raw)
    found: list[Effect] = []
    if params.get("TargetLocations") or params.get("TargetLocationsURL"):
        reason = f"runs {shown} in other accounts or regions (TargetLocations)"
        found.append(_unknown(qualified, target, [_doc_arn(shown)], reason))
    if document is None:
        values = [v for vs in parameters.values() for v in _values(vs) if v != "*"]
        names = [*selectors, *values, *(_ec2_arn(v) for v in values if _ec2_arn(v))]
        reason = f"runs the automation document {shown}, whose steps are not known here"
        return [*found, _unknown(qualified, target, [*names, _doc_arn(shown)], reason)]
    note = f"run by the runbook {document} ({qualified})"
    if selectors:
        note += f"; on the resources {', '.join(selectors)} picks"
    for step in _RUNBOOKS[document]:
        for call in _calls(step, parameters):
            found += [_noted(e, note, selectors) for e in _inner(step.call, call, target)]
    return found


def _targets(params: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """``(selectors, values)``: the ``Targets`` picked by tag or group (named ``Key=Value``,
    their resources ``*``), and every value a target passes (``ParameterValues``,
    ``TargetMaps``)."""
    selectors: list[str] = []
    values: list[str] = []
    given = params.get("Targets")
    for item in given if isinstance(given, list) else ([] if given is None else [None]):
        key = item.get("Key") if isinstance(item, Mapping) else None
        found = _values(item.get("Values")) if isinstance(item, Mapping) else ["*"]
        if key == "ParameterValues":
            values += found
        else:
            selectors += [f"{key if isinstance(key, str) else '*'}={v}" for v in found]
            values.append("*")
    maps = params.get("TargetMaps")
    for item in maps if isinstance(maps, list) else ([] if maps is None else [None]):
        if not isinstance(item, Mapping):
            values.append("*")
            continue
        values += [v for vs in item.values() for v in _values(vs)]
    return selectors, values


def _values(value: Any) -> list[str]:
    """A parameter's values (the API takes a list of strings); ``*`` for one decided when the
    runbook runs or that cannot be read."""
    items = value if isinstance(value, list) else [value]
    out = [v if isinstance(v, str) and v and "{{" not in v else "*" for v in items]
    # SelfManagedNodeStacks and the like: one string, comma-separated.
    return [part.strip() or "*" for v in out for part in v.split(",")] or ["*"]


def _calls(step: _Step, parameters: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The parameters of each call ``step`` makes."""
    calls: list[dict[str, Any]] = [{}]
    for member, source in step.members:
        if source in _OPTIONAL and source not in parameters:
            return []
        values = _values(parameters.get(source)) if source is not None else ["*"]
        if member.endswith("[]"):
            calls = [{**c, member[:-2]: values} for c in calls]
        else:
            calls = [{**c, member: v} for c in calls for v in values]
    return calls


def _inner(call: str, params: dict[str, Any], target: Target) -> list[Effect]:
    from keyturn.errors import InputError
    from keyturn.understand.aws.calls import effects_of, resolve_call

    service, operation = call.split(":", 1)
    try:
        return effects_of(resolve_call(service, operation, params), target)
    except InputError as exc:  # a botocore without the operation: not judged, so held
        return [_unknown(call, target, [], str(exc))]


def _noted(effect: Effect, note: str, selectors: list[str]) -> Effect:
    """``effect`` with ``note``, also named by the selectors that pick its resources (a tag's
    value, which a policy's ``resources`` patterns see, as for Run Command's targets)."""
    from dataclasses import replace

    names = effect.resource.names
    if selectors and any("*" in n for n in names):
        names = tuple(dict.fromkeys([*names, *selectors]))
    detail = f"{effect.detail}; {note}" if effect.detail else note
    return replace(effect, resource=Resource(names, effect.resource.type), detail=detail)


def _ec2_arn(value: str) -> str:
    from keyturn.understand.aws.naming import Where, arn_for

    if "-" not in value or value.split("-", 1)[0] not in ("i", "vol", "snap", "ami"):
        return ""
    return arn_for("ec2", "ec2", "ResourceId", value, noun="", where=Where())[0]


def _signal(params: Mapping[str, Any], target: Target) -> list[Effect]:
    """``SendAutomationSignal``: an approval (or a resume, a step started) lets the execution
    go on with steps the call does not show."""
    signal = params.get("SignalType")
    if isinstance(signal, str) and signal not in _GOING_ON:
        return []  # Reject, StopStep, Revoke: the execution stops (the call's own update)
    execution = params.get("AutomationExecutionId")
    shown = execution if isinstance(execution, str) else "*"
    name = f"arn:aws:ssm:*:*:automation-execution/{shown}"
    reason = f"{signal or 'a signal'}: lets the automation go on with steps not in the call"
    return [_unknown("ssm:SendAutomationSignal", target, [name], reason)]


def _doc_arn(document: str) -> str:
    """A document's name as an ARN (as the call's own effect names it)."""
    return document if document.startswith("arn:") else f"arn:aws:ssm:*:*:document/{document}"


def _unknown(qualified: str, target: Target, names: list[str], reason: str) -> Effect:
    # A runbook's calls are made under SSM's name too: the SSM resources are named as well.
    return unknown_call(qualified, target, [*names, "arn:aws:ssm:*:*:*"], reason)
