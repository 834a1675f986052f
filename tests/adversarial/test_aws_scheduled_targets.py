"""AWS calls that set up runs for later, or whose template or change set is not at hand:
maintenance window targets, EventBridge rule targets, EventBridge Scheduler schedules,
CloudFormation stacks and change sets from templates not at hand, and AWS-owned SSM runbooks.

What each group rests on (no real AWS account is reachable here, so each is read from AWS's
own references through the ``search`` tool):

1. SSM maintenance windows (``RegisterTargetWithMaintenanceWindow``,
   ``UpdateMaintenanceWindowTarget``, botocore's ``ssm`` model): a window's tasks run on its
   registered targets (``Key=WindowTargetIds``); new or changed targets change where the tasks,
   not in the call, run.
2. CloudFormation (the *Transform section* and *macros* pages of the CloudFormation guide):
   custom resources run their handler's code as the stack is made; macros run "when you create
   a change set"; a change set's changes are made by ``ExecuteChangeSet``, which names none.
3. EventBridge ``PutTargets`` (API reference and EventBridge guide): a Run Command target is
   an SSM document ARN with ``RunCommandParameters.RunCommandTargets`` and the document's
   parameters as the constant ``Input`` (``{"commands": [...]}``); an Automation target is an
   ``automation-definition/<runbook>:<version>`` ARN with the runbook's parameters as ``Input``.
4. EventBridge Scheduler (*Using universal targets*): ``arn:aws:scheduler:::aws-sdk:<service>:
   <apiAction>`` calls that API with ``Input`` as its request parameters; ``<service>`` is the
   SDK's service identifier (``cognitoidentityprovider``).
5. The *Systems Manager Automation runbook reference* (its index, and each runbook's page in
   ``awsdocs/aws-systems-manager-user-guide``): parameters and the calls their role must allow
   (``AWSConfigRemediation-DeleteRDSInstance`` takes ``DbiResourceId`` and finds the instance's
   name itself; ``AWS-StopRdsInstance`` takes ``InstanceId``...).

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (with more ``protected``
patterns where said); ARNs name the account 222222222222, which the policy does not list
(111111111111 is production's). Each behaviour test was judged looser (or named nothing)
before the fix; the ones labelled false-alarm guards pass either way.
"""

from __future__ import annotations

import json

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME, JudgeShell
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Effect, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.aws import understand_aws
from keyturn.understand.shell import understand_shell

A, Q, D = Verdict.ALLOW, Verdict.ASK, Verdict.DENY
U = EffectKind.UNKNOWN

_PLAIN = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
_MACRO = "Transform: AcmeMacro\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
_SAM = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
_FILES = {f"{CWD}/plain.yaml": _PLAIN, f"{CWD}/macro.yaml": _MACRO, f"{CWD}/sam.yaml": _SAM}
_ROLE = "arn:aws:iam::222222222222:role/r"
_SSM = "arn:aws:ssm:us-east-1:222222222222"


def _understood(command: str, env: str | None = None) -> Action:
    return understand_shell(
        command, cwd=CWD, home=HOME, env={}, files=MemoryFiles(_FILES), target=Target(env)
    )


def _effects(command: str) -> list[Effect]:
    return list(_understood(command).effects)


def _names(effects: list[Effect] | tuple[Effect, ...], kind: EffectKind | None = None) -> set[str]:
    return {n for e in effects if kind is None or e.effect is kind for n in e.resource.names}


@pytest.fixture(scope="module")
def guarding() -> Policy:
    """The BRIEF policy, protecting production instances too."""
    anchor = '  - "arn:aws:s3:::acme-terraform-state*"\n'
    extra = '  - "arn:aws:ec2:*:*:instance/i-prod*"\n'
    return load_policy(BRIEF_POLICY.replace(anchor, anchor + extra))


def _quoted(value: object) -> str:
    return "'" + json.dumps(value) + "'"


# -- 1. maintenance window targets -----------------------------------------------------------------


def test_registering_window_targets_holds_the_tasks_on_them(judge_shell: JudgeShell) -> None:
    """The window's tasks (not in the call) run on the new targets: ``unknown`` on them, named
    as ``send-command --targets`` names them (before: a ``create`` of the window, allowed)."""
    command = (
        "aws --profile dev ssm register-target-with-maintenance-window --window-id mw-1 "
        "--resource-type INSTANCE --targets Key=tag:Env,Values=prod"
    )
    unknown = _names(_effects(command), U)
    assert {"arn:aws:ec2:*:*:instance/*", "tag:Env=prod", "arn:aws:ssm:*:*:window/mw-1"} <= unknown
    # The selector names production (the policy's ``resources: ["*prod*"]``): denied there.
    assert judge_shell(command).decision is D
    assert judge_shell(command.replace("prod", "web")).decision is Q


def test_changing_a_window_target_holds_the_instances_it_names(judge_shell: JudgeShell) -> None:
    command = (
        "aws --profile dev ssm update-maintenance-window-target --window-id mw-1 "
        "--window-target-id t-1 --targets Key=InstanceIds,Values=i-prod1"
    )
    assert "arn:aws:ec2:*:*:instance/i-prod1" in _names(_effects(command), U)
    assert judge_shell(command).decision is D
    assert judge_shell(command.replace("i-prod1", "i-web1")).decision is Q


def test_renaming_a_window_target_is_its_own_update(judge_shell: JudgeShell) -> None:
    """False-alarm guard: a name or description changes nothing run."""
    command = (
        "aws --profile dev ssm update-maintenance-window-target --window-id mw-1 "
        "--window-target-id t-1 --name nightly"
    )
    assert not _names(_effects(command), U)
    assert judge_shell(command).decision is A


# -- 2. CloudFormation templates and change sets not at hand ---------------------------------------


def test_create_stack_from_a_template_url_is_held(judge_shell: JudgeShell) -> None:
    """The template may hold custom resources and macros that run code as the stack is made
    (before: a plain ``create``, allowed in dev)."""
    command = (
        "aws --profile dev cloudformation create-stack --stack-name web "
        "--template-url https://acme.s3.amazonaws.com/t.yaml"
    )
    assert "cfn:web/*" in _names(_effects(command), U)
    assert judge_shell(command).decision is Q


def test_create_stack_through_the_api_from_a_template_url_is_held() -> None:
    """``keyturn check aws cloudformation CreateStack`` (and the boto3 guard) alike."""
    params = {"StackName": "web", "TemplateURL": "https://acme.s3.amazonaws.com/t.yaml"}
    action = understand_aws("cloudformation", "CreateStack", params)
    assert "cfn:web/*" in _names(action.effects, U)


def test_create_stack_with_a_plain_template_at_hand_is_a_create(judge_shell: JudgeShell) -> None:
    """False-alarm guard: a template read from the line holding no code is the create it is."""
    command = (
        "aws --profile dev cloudformation create-stack --stack-name web "
        "--template-body file://plain.yaml"
    )
    assert not _names(_effects(command), U)
    assert judge_shell(command, files=_FILES).decision is A


@pytest.mark.parametrize(
    "template", ["--template-url https://acme.s3.amazonaws.com/t.yaml", "--use-previous-template"]
)
def test_a_change_set_from_a_template_not_at_hand_is_held(template: str) -> None:
    """Macros run as the change set is made: one the template may name is not known (before:
    a ``create`` of the change set only)."""
    command = (
        "aws --profile dev cloudformation create-change-set --stack-name web "
        f"--change-set-name c1 {template}"
    )
    assert "cfn:web/*" in _names(_effects(command), U)


def test_a_change_set_runs_the_macros_of_its_template() -> None:
    command = (
        "aws --profile dev cloudformation create-change-set --stack-name web "
        "--change-set-name c1 --template-body file://macro.yaml"
    )
    held = [e for e in _effects(command) if e.effect is U]
    assert held and "AcmeMacro" in held[0].detail


@pytest.mark.parametrize("template", ["plain.yaml", "sam.yaml"])
def test_a_change_set_of_a_template_without_macros_is_a_create(
    template: str, judge_shell: JudgeShell
) -> None:
    """False-alarm guard: the reviewed road stays open (AWS's own SAM transform runs no code of
    the account's)."""
    command = (
        "aws --profile dev cloudformation create-change-set --stack-name web "
        f"--change-set-name c1 --template-body file://{template}"
    )
    assert not _names(_effects(command), U)
    assert judge_shell(command, files=_FILES).decision is A


def test_executing_a_change_set_is_never_looser_than_its_changes(judge_shell: JudgeShell) -> None:
    """The change set may delete a protected database; the call names none of its changes:
    ``unknown`` on the stack's resources, asked in dev and denied in production (before: an
    ``update`` of the stack, allowed in dev)."""
    command = (
        "aws --profile dev cloudformation execute-change-set --stack-name web --change-set-name c1"
    )
    assert "cfn:web/*" in _names(_effects(command), U)
    assert judge_shell(command).decision is Q
    prod = "aws cloudformation execute-change-set --stack-name web --change-set-name c1"
    assert judge_shell(prod).decision is D


def test_executing_a_change_set_by_its_arn_is_held_in_its_account() -> None:
    arn = "arn:aws:cloudformation:us-east-1:222222222222:changeSet/c1/0a1b"
    action = understand_aws("cloudformation", "ExecuteChangeSet", {"ChangeSetName": arn})
    held = [e for e in action.effects if e.effect is U]
    assert held and arn in held[0].resource.names and "cfn:*/*" in held[0].resource.names
    assert held[0].target.aws_account == "222222222222"


# -- 3. EventBridge rule targets -------------------------------------------------------------------


def _put_targets(*targets: dict[str, object]) -> str:
    return f"aws --profile dev events put-targets --rule nightly --targets {_quoted(list(targets))}"


def test_a_rule_s_run_command_target_is_the_commands_it_runs(judge_shell: JudgeShell) -> None:
    """``rm -rf /`` sent by a rule to the instances is as catastrophic as sent now (before: an
    ``update`` of EventBridge, allowed in dev)."""
    command = _put_targets(
        {
            "Id": "1",
            "Arn": "arn:aws:ssm:us-east-1:222222222222:document/AWS-RunShellScript",
            "RoleArn": _ROLE,
            "Input": json.dumps({"commands": ["rm -rf /"]}),
            "RunCommandParameters": {"RunCommandTargets": [{"Key": "tag:Env", "Values": ["prod"]}]},
        }
    )
    assert judge_shell(command).decision is D
    assert "tag:Env=prod" in _names(_effects(command), EffectKind.UPDATE)


def test_a_rule_s_run_command_target_with_event_input_is_held(judge_shell: JudgeShell) -> None:
    command = _put_targets(
        {
            "Id": "1",
            "Arn": "arn:aws:ssm:us-east-1:222222222222:document/AWS-RunShellScript",
            "RoleArn": _ROLE,
            "InputPath": "$.detail",
            "RunCommandParameters": {
                "RunCommandTargets": [{"Key": "InstanceIds", "Values": ["i-1"]}]
            },
        }
    )
    assert "arn:aws:ec2:*:*:instance/i-1" in _names(_effects(command), U)
    assert judge_shell(command).decision is Q


def test_a_rule_s_automation_target_is_the_runbook_it_runs(guarding: Policy) -> None:
    """AWS-TerminateEC2Instance on ``i-prod1`` when the rule matches (before: allowed)."""
    command = _put_targets(
        {
            "Id": "1",
            "Arn": f"{_SSM}:automation-definition/AWS-TerminateEC2Instance:$DEFAULT",
            "RoleArn": _ROLE,
            "Input": json.dumps({"InstanceId": ["i-prod1"]}),
        }
    )
    decision = guarding.judge(_understood(command), actor=ACTOR)
    assert decision.decision is D
    assert any(
        n.endswith("instance/i-prod1") for n in _names(decision.action.effects, EffectKind.DELETE)
    )


def test_a_rule_s_other_targets_are_judged(judge_shell: JudgeShell) -> None:
    """A function is invoked (as ``lambda invoke`` is judged); an ECS task runs what the call
    does not show: ``unknown`` (before: neither named)."""
    fn = "arn:aws:lambda:us-east-1:222222222222:function:wipe"
    cluster = "arn:aws:ecs:us-east-1:222222222222:cluster/c"
    command = _put_targets({"Id": "1", "Arn": fn}, {"Id": "2", "Arn": cluster, "RoleArn": _ROLE})
    effects = _effects(command)
    assert fn in _names(effects, EffectKind.UPDATE)
    assert cluster in _names(effects, U)
    assert judge_shell(command).decision is Q


# -- 4. EventBridge Scheduler ----------------------------------------------------------------------


def _schedule(target: dict[str, object]) -> str:
    return (
        "aws --profile dev scheduler create-schedule --name nightly "
        "--schedule-expression 'rate(1 day)' --flexible-time-window Mode=OFF "
        f"--target {_quoted(target)}"
    )


def test_a_universal_target_is_the_call_it_names(guarding: Policy) -> None:
    """``aws-sdk:ec2:terminateInstances`` terminates the instances of its ``Input`` on the
    schedule (before: a ``create`` of the schedule, allowed in dev)."""
    command = _schedule(
        {
            "Arn": "arn:aws:scheduler:::aws-sdk:ec2:terminateInstances",
            "RoleArn": _ROLE,
            "Input": json.dumps({"InstanceIds": ["i-prod1"]}),
        }
    )
    decision = guarding.judge(_understood(command), actor=ACTOR)
    assert decision.decision is D
    deleted = _names(decision.action.effects, EffectKind.DELETE)
    assert any(n.endswith("instance/i-prod1") for n in deleted)
    api = understand_aws(
        "scheduler",
        "CreateSchedule",
        {
            "Name": "nightly",
            "ScheduleExpression": "rate(1 day)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": "arn:aws:scheduler:::aws-sdk:ec2:terminateInstances",
                "RoleArn": _ROLE,
                "Input": json.dumps({"InstanceIds": ["i-prod1"]}),
            },
        },
    )
    assert any(n.endswith("instance/i-prod1") for n in _names(api.effects, EffectKind.DELETE))


def test_a_universal_send_command_target_is_the_commands_it_runs(judge_shell: JudgeShell) -> None:
    command = _schedule(
        {
            "Arn": "arn:aws:scheduler:::aws-sdk:ssm:sendCommand",
            "RoleArn": _ROLE,
            "Input": json.dumps(
                {
                    "DocumentName": "AWS-RunShellScript",
                    "InstanceIds": ["i-1"],
                    "Parameters": {"commands": ["rm -rf /"]},
                }
            ),
        }
    )
    assert judge_shell(command).decision is D


def test_a_universal_target_named_by_its_sdk_identifier_is_judged() -> None:
    """``cognitoidentityprovider`` is the service id ``cognito-identity-provider``."""
    command = _schedule(
        {
            "Arn": "arn:aws:scheduler:::aws-sdk:cognitoidentityprovider:adminDeleteUser",
            "RoleArn": _ROLE,
            "Input": json.dumps({"UserPoolId": "p", "Username": "alice"}),
        }
    )
    assert any(n.endswith("user/alice") for n in _names(_effects(command), EffectKind.DELETE))


@pytest.mark.parametrize(
    ("arn", "given"),
    [
        ("arn:aws:scheduler:::aws-sdk:acmewidgets:deleteEverything", "{}"),
        ("arn:aws:scheduler:::aws-sdk:ec2:terminateInstances", "not json"),
    ],
)
def test_a_universal_target_not_understood_is_held(
    arn: str, given: str, judge_shell: JudgeShell
) -> None:
    command = _schedule({"Arn": arn, "RoleArn": _ROLE, "Input": given})
    assert arn in _names(_effects(command), U)
    assert judge_shell(command).decision is Q


# -- 5. AWS-owned runbooks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("runbook", "parameters", "kind", "name"),
    [
        ("AWSConfigRemediation-DeleteDynamoDbTable", "TableName=orders", "delete", "table/orders"),
        (
            "AWSConfigRemediation-DeleteLambdaFunction",
            "LambdaFunctionName=f",
            "delete",
            "function:f",
        ),
        ("AWSConfigRemediation-DeleteRDSInstance", "DbiResourceId=db-ABC", "delete", "db:*"),
        ("AWSConfigRemediation-DeleteRDSCluster", "DBClusterId=cluster-ABC", "delete", "cluster:*"),
        (
            "AWSConfigRemediation-DeleteRDSInstanceSnapshot",
            "DbSnapshotId=s1",
            "delete",
            "snapshot:s1",
        ),
        (
            "AWSConfigRemediation-DeleteRDSClusterSnapshot",
            "DBClusterSnapshotId=s1",
            "delete",
            "cluster-snapshot:s1",
        ),
        (
            "AWSConfigRemediation-DeleteRedshiftCluster",
            "ClusterIdentifier=w",
            "delete",
            "cluster:w",
        ),
        ("AWSConfigRemediation-DeleteSecret", "SecretId=db-pass", "delete", "secret:db-pass"),
        ("AWSConfigRemediation-DeleteIAMRole", "IAMRoleID=AROAEXAMPLE", "delete", "role/*"),
        ("AWSConfigRemediation-DeleteIAMUser", "IAMUserId=AIDAEXAMPLE", "delete", "user/*"),
        ("AWSConfigRemediation-DeleteUnusedIAMGroup", "GroupName=ops", "delete", "group/ops"),
        ("AWSConfigRemediation-DeleteUnusedIAMPolicy", "IAMResourceId=ANPAX", "delete", "policy/*"),
        ("AWSConfigRemediation-DeleteUnusedSecurityGroup", "GroupId=sg-1", "delete", "sg-1"),
        ("AWS-StopRdsInstance", "InstanceId=db1", "update", "db:db1"),
        ("AWS-RebootRdsInstance", "InstanceId=db1", "update", "db:db1"),
        ("AWS-DetachEBSVolume", "VolumeId=vol-1", "delete", "volume/vol-1"),
        ("AWS-ReleaseElasticIP", "AllocationId=eipalloc-1", "delete", "eipalloc-1"),
    ],
)
def test_aws_runbooks_are_the_calls_they_make(
    runbook: str, parameters: str, kind: str, name: str
) -> None:
    """Before: ``unknown`` on the document and the values only, which named no resource the
    policy protects by its ARN (``prod-db`` among the values, not
    ``arn:aws:rds:*:*:db:prod-db``)."""
    command = (
        f"aws --profile dev ssm start-automation-execution --document-name {runbook} "
        f"--parameters {parameters}"
    )
    effects = _effects(command)
    assert any(n.endswith(name) for n in _names(effects, EffectKind(kind))), effects
    assert not _names(effects, U)


def test_a_runbook_given_a_resource_id_reaches_any_protected_database(
    judge_shell: JudgeShell,
) -> None:
    """``DbiResourceId`` is not the name: the runbook deletes ``db:*``, which the protected
    ``prod-*`` pattern's reach sees."""
    command = (
        "aws --profile dev ssm start-automation-execution --document-name "
        "AWSConfigRemediation-DeleteRDSInstance --parameters DbiResourceId=db-ABCDEFG"
    )
    assert judge_shell(command).decision is D


def test_stop_rds_runbook_on_a_protected_database_is_asked_in_production(
    judge_shell: JudgeShell,
) -> None:
    """``AWS-StopRdsInstance`` on ``prod-db``: the stop of the production database (before:
    ``unknown``, also not allowed: a false-alarm guard of the decision, not of the name)."""
    command = (
        "aws ssm start-automation-execution --document-name AWS-StopRdsInstance "
        "--parameters InstanceId=prod-db"
    )
    effects = _effects(command)
    assert "arn:aws:rds:*:*:db:prod-db" in _names(effects, EffectKind.UPDATE)
    assert judge_shell(command).decision is not A


def test_starting_a_state_machine_says_it_runs_code() -> None:
    """A state machine's steps may call any API: the reviewer is told so, as for ``lambda
    invoke`` (before: the bare operation name). The effect stays the ``update`` it was."""
    arn = "arn:aws:states:us-east-1:222222222222:stateMachine:wipe"
    action = understand_aws("stepfunctions", "StartExecution", {"stateMachineArn": arn})
    (effect,) = action.effects
    assert effect.effect is EffectKind.UPDATE and "runs arbitrary code" in effect.detail
