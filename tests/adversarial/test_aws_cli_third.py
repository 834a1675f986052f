"""The AWS CLI and AWS API calls, third pass: stack updates with a new template, the CLI's own
``aws cloudformation deploy``, SSM Automation runbooks, what Run Command's text does on its
instances through the API, and names of IAM policy versions and EKS node groups.

What each group rests on:

1. CloudFormation (its ``UpdateStack`` API reference and the change-set documentation): a stack
   update with a new template deletes the resources the template leaves out and replaces those
   whose replacement-causing properties change, decided against the current template, which
   the call does not show; ``UsePreviousTemplate`` with other parameters may do either through
   conditions and properties. awscli 1.46.3's ``customizations/cloudformation/deploy.py``
   (read in a scratch venv): ``deploy`` reads ``--template-file`` as a plain path, makes a
   change set with each ``--parameter-overrides`` value and ``UsePreviousValue`` for every
   other parameter the template declares (``merge_parameters``), uploads the template to
   ``--s3-bucket`` when given, and runs the change set unless ``--no-execute-changeset``.
2. The *Systems Manager Automation runbook reference* (docs.aws.amazon.com): ``AWS-Terminate
   EC2Instance``, ``AWS-StopEC2Instance``, ``AWS-RestartEC2Instance`` take ``InstanceId``
   (StringList); ``AWS-DeleteSnapshot`` ``SnapshotId``; ``AWS-DeleteImage`` ``ImageId`` and
   deletes the image's snapshots; ``AWS-DeleteCloudFormationStack`` ``StackNameOrId``;
   ``AWS-DeleteDynamoDbBackup`` ``BackupArn``. ``TargetParameterName`` passes each target
   (``Key=ParameterValues``) to the runbook; an association of a runbook runs it with
   ``AutomationTargetParameterName``; a change request runs its ``Runbooks`` once approved;
   ``SendAutomationSignal`` ``Approve`` lets a waiting execution go on. Names with ``AWS-``
   are reserved to AWS; a document shared by ARN is another account's.
3. SSM runs ``AWS-RunShellScript``'s commands on each instance (as in the second pass): the
   API path (``understand_aws``, the boto3 guard) names what they do on those instances as
   the shell's ``aws`` reader does.
4. IAM's ``SetDefaultPolicyVersion`` makes a version of the policy (``PolicyArn``) the one in
   force; EKS names a node group ``arn:aws:eks:R:A:nodegroup/CLUSTER/NAME/UUID`` (its
   ``nodegroupName`` is no cluster).

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (with more ``protected``
patterns where said). Each case was judged looser (or named wrongly) before the fix.
"""

from __future__ import annotations

import json

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME, JudgeShell
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Effect, EffectKind, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.aws import understand_aws
from keyturn.understand.shell import understand_shell

A, Q, D = Verdict.ALLOW, Verdict.ASK, Verdict.DENY

_TEMPLATE = """\
Parameters:
  Env:
    Type: String
    Default: prod
Resources:
  State:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "acme-terraform-state-${Env}"
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: prod-main
  Topic:
    Type: AWS::SNS::Topic
  Hook:
    Type: Custom::Cleanup
    Properties:
      ServiceToken: !GetAtt Fn.Arn
"""
_SMALL = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
_FILES = {f"{CWD}/t.yaml": _TEMPLATE, f"{CWD}/small.yaml": _SMALL}


def _understood(command: str) -> Action:
    return understand_shell(command, cwd=CWD, home=HOME, env={}, files=MemoryFiles(_FILES))


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


# -- 1. a stack updated with a new template -----------------------------------------------------


def test_update_stack_names_what_the_template_holds() -> None:
    effects = _effects(
        "aws cloudformation update-stack --stack-name app --template-body file://t.yaml"
    )
    replaced = _names(effects, EffectKind.REPLACE)
    assert {"arn:aws:rds:*:*:db:prod-main", "cfn:app/Topic"} <= replaced
    # ``!Sub`` with the parameter's default: UpdateStack takes it for a parameter not given.
    assert "arn:aws:s3:::acme-terraform-state-prod" in replaced
    left_out = [
        e for e in effects if e.effect is EffectKind.UNKNOWN and "cfn:app/*" in e.resource.names
    ]
    assert left_out and "create-change-set" in left_out[0].detail
    # The custom resource runs code the template does not show.
    assert "cfn:app/Hook" in _names(effects, EffectKind.UNKNOWN)


def test_update_stack_that_may_replace_a_protected_database_is_denied(
    judge_shell: JudgeShell,
) -> None:
    command = (
        "aws --profile dev cloudformation update-stack --stack-name app "
        "--template-body file://small.yaml"
    )
    # Even a small template: what it leaves out is deleted, which keyturn cannot see.
    assert judge_shell(command, files=_FILES).decision is Q
    assert judge_shell(command.replace("small", "t"), files=_FILES).decision is D


@pytest.mark.parametrize(
    "how", ["--use-previous-template", "--template-url https://b.s3.amazonaws.com/t.yaml"]
)
def test_update_stack_without_the_template_at_hand_is_held(
    how: str, judge_shell: JudgeShell
) -> None:
    command = f"aws --profile dev cloudformation update-stack --stack-name app {how}"
    assert judge_shell(command).decision is Q
    assert "cfn:app/*" in _names(_effects(command), EffectKind.UNKNOWN)


def test_update_stack_with_a_previous_value_leaves_its_name_open() -> None:
    effects = _effects(
        "aws cloudformation update-stack --stack-name app --template-body file://t.yaml "
        "--parameters ParameterKey=Env,UsePreviousValue=true"
    )
    assert "arn:aws:s3:::acme-terraform-state-*" in _names(effects, EffectKind.REPLACE)


def test_update_stack_through_the_api_names_the_template_resources() -> None:
    db = {"Type": "AWS::RDS::DBInstance", "Properties": {"DBInstanceIdentifier": "prod-main"}}
    template = {"Resources": {"Db": db}}
    action = understand_aws(
        "cloudformation",
        "UpdateStack",
        {"StackName": "arn:aws:cloudformation:us-east-1:111111111111:stack/app/x",
         "TemplateBody": json.dumps(template)},
    )  # fmt: skip
    assert "arn:aws:rds:*:*:db:prod-main" in _names(action.effects, EffectKind.REPLACE)
    assert "cfn:app/*" in _names(action.effects, EffectKind.UNKNOWN)


def test_deploy_is_the_stack_update_it_runs(judge_shell: JudgeShell) -> None:
    command = "aws --profile dev cloudformation deploy --stack-name app --template-file t.yaml"
    effects = _effects(command)
    assert f"file:{CWD}/t.yaml" in _names(effects, EffectKind.READ)
    assert "arn:aws:cloudformation:*:*:stack/app/*" in _names(effects, EffectKind.UPDATE)
    assert "arn:aws:rds:*:*:db:prod-main" in _names(effects, EffectKind.REPLACE)
    assert judge_shell(command, files=_FILES).decision is D


def test_deploy_keeps_the_previous_value_of_a_parameter_not_overridden() -> None:
    command = "aws cloudformation deploy --stack-name app --template-file t.yaml"
    assert "arn:aws:s3:::acme-terraform-state-*" in _names(_effects(command), EffectKind.REPLACE)
    overridden = _effects(f"{command} --parameter-overrides Env=dev --s3-bucket art --s3-prefix p")
    assert "arn:aws:s3:::acme-terraform-state-dev" in _names(overridden, EffectKind.REPLACE)
    assert "arn:aws:s3:::art/p/*" in _names(overridden, EffectKind.UPDATE)


def test_deploy_without_executing_only_makes_a_change_set(judge_shell: JudgeShell) -> None:
    command = (
        "aws --profile dev cloudformation deploy --stack-name app --template-file t.yaml "
        "--no-execute-changeset"
    )
    effects = _effects(command)
    operations = {e.operation for e in effects if e.service != "file"}
    assert operations == {"cloudformation:CreateChangeSet"}
    assert judge_shell(command, files=_FILES).decision is A


# -- 2. SSM Automation runbooks -----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "aws --profile dev ssm start-automation-execution --document-name "
        "AWS-TerminateEC2Instance --parameters InstanceId=i-prod1",
        "aws --profile dev ssm start-automation-execution --document-name "
        "AWS-TerminateEC2Instance --targets Key=ParameterValues,Values=i-prod1 "
        "--target-parameter-name InstanceId",
        "aws --profile dev ssm create-association --name AWS-TerminateEC2Instance "
        "--parameters InstanceId=i-prod1",
        "aws --profile dev ssm start-change-request-execution --document-name Req "
        "--runbooks 'DocumentName=AWS-TerminateEC2Instance,Parameters={InstanceId=i-prod1}'",
    ],
)
def test_an_aws_runbook_is_the_calls_it_makes(command: str, guarding: Policy) -> None:
    decision = guarding.judge(_understood(command), actor=ACTOR)
    assert decision.decision is D
    terminated = _names(list(decision.action.effects), EffectKind.DELETE)
    assert "arn:aws:ec2:*:*:instance/i-prod1" in terminated


def test_a_restart_runbook_stops_and_starts_the_instance(judge_shell: JudgeShell) -> None:
    command = (
        "aws --profile dev ssm start-automation-execution --document-name "
        "arn:aws:ssm:us-east-1::document/AWS-RestartEC2Instance --parameters InstanceId=i-prod1"
    )
    effects = _effects(command)
    operations = {e.operation for e in effects if "instance/i-prod1" in str(e.resource.names)}
    assert operations == {"ec2:StopInstances", "ec2:StartInstances"}
    # A production instance by its name: held, where the document alone was allowed.
    assert judge_shell(command).decision is Q


@pytest.mark.parametrize(
    ("document", "parameters", "name"),
    [
        ("AWS-DeleteSnapshot", "SnapshotId=snap-1", "arn:aws:ec2:*:*:snapshot/snap-1"),
        ("AWS-DeleteImage", "ImageId=ami-1", "arn:aws:ec2:*::image/ami-1"),
        ("AWS-DeleteCloudFormationStack", "StackNameOrId=app",
         "arn:aws:cloudformation:*:*:stack/app/*"),
        ("AWS-DeleteDynamoDbBackup",
         "BackupArn=arn:aws:dynamodb:us-east-1:111111111111:table/t/backup/b",
         "arn:aws:dynamodb:us-east-1:111111111111:table/t/backup/b"),
    ],
)  # fmt: skip
def test_a_deleting_runbook_deletes(document: str, parameters: str, name: str) -> None:
    effects = _effects(
        f"aws ssm start-automation-execution --document-name {document} --parameters {parameters}"
    )
    assert name in _names(effects, EffectKind.DELETE)


def test_a_runbook_on_a_tagged_fleet_names_the_tag(judge_shell: JudgeShell) -> None:
    command = (
        "aws --profile dev ssm start-automation-execution --document-name "
        "AWS-TerminateEC2Instance --targets Key=tag:Env,Values=prod --target-parameter-name "
        "InstanceId"
    )
    assert {"arn:aws:ec2:*:*:instance/*", "tag:Env=prod"} <= _names(
        _effects(command), EffectKind.DELETE
    )
    assert judge_shell(command).decision is Q


@pytest.mark.parametrize(
    "command",
    [
        "aws --profile dev ssm start-automation-execution --document-name Cleanup "
        "--targets Key=tag:Team,Values=web --target-parameter-name InstanceId",
        # A document shared by another account: its own, whatever its name says.
        "aws --profile dev ssm start-automation-execution --document-name "
        "arn:aws:ssm:us-east-1:222222222222:document/AWS-StartEC2Instance "
        "--parameters InstanceId=i-1",
        "aws --profile dev ssm start-automation-execution --document-name AWS-StartEC2Instance "
        "--parameters InstanceId=i-1 --target-locations Accounts=222222222222,Regions=us-east-1",
    ],
)
def test_an_automation_not_known_is_held(command: str, judge_shell: JudgeShell) -> None:
    assert judge_shell(command).decision is Q
    assert any(e.effect is EffectKind.UNKNOWN for e in _effects(command))


def test_a_runbook_through_the_api_is_the_calls_it_makes() -> None:
    action = understand_aws(
        "ssm",
        "StartAutomationExecution",
        {"DocumentName": "AWS-TerminateEC2Instance", "Parameters": {"InstanceId": ["i-1"]}},
    )
    assert "arn:aws:ec2:*:*:instance/i-1" in _names(action.effects, EffectKind.DELETE)


def test_approving_an_automation_is_held_and_rejecting_it_is_not(
    judge_shell: JudgeShell,
) -> None:
    command = (
        "aws --profile dev ssm send-automation-signal --automation-execution-id e-1 "
        "--signal-type Approve"
    )
    assert judge_shell(command).decision is Q
    assert judge_shell(command.replace("Approve", "Reject")).decision is A


# -- 3. Run Command through the API -------------------------------------------------------------


def test_run_command_through_the_api_names_its_effects_on_the_instance() -> None:
    params = {
        "DocumentName": "AWS-RunShellScript",
        "InstanceIds": ["i-1"],
        "Parameters": {"commands": ["rm -rf /srv"]},
    }
    action = understand_aws("ssm", "SendCommand", params)
    assert "arn:aws:ec2:*:*:instance/i-1/file:/srv" in _names(action.effects, EffectKind.DELETE)
    opaque = understand_aws(
        "ssm", "SendCommand", {"DocumentName": "Custom", "InstanceIds": ["i-prod1"]}
    )
    assert "arn:aws:ec2:*:*:instance/i-prod1" in _names(opaque.effects, EffectKind.UNKNOWN)


# -- 4. names -------------------------------------------------------------------------------------


def test_a_default_policy_version_names_its_policy() -> None:
    effects = _effects(
        "aws iam set-default-policy-version --policy-arn "
        "arn:aws:iam::111111111111:policy/prod-admin --version-id v2"
    )
    assert "arn:aws:iam::111111111111:policy/prod-admin" in _names(effects, EffectKind.UPDATE)


def test_a_node_group_is_no_cluster() -> None:
    effects = _effects("aws eks delete-nodegroup --cluster-name web --nodegroup-name prod")
    assert _names(effects, EffectKind.DELETE) == {"arn:aws:eks:*:*:nodegroup/web/prod/*"}
    scaled = _effects(
        "aws eks update-nodegroup-config --cluster-name web --nodegroup-name ng "
        "--scaling-config minSize=0,maxSize=0,desiredSize=0"
    )
    assert any("scales to zero" in e.detail for e in scaled)
