"""AWS calls that run things later or elsewhere: maintenance window tasks, AWS Config
remediations, CloudFormation custom resources, macros and stack sets, and ``aws cloudformation
package``.

What each group rests on:

1. SSM maintenance windows (the ``RegisterTaskWithMaintenanceWindow`` and
   ``UpdateMaintenanceWindowTask`` API references, botocore's ``ssm`` model): a task of
   ``TaskType`` ``RUN_COMMAND`` runs the document ``TaskArn`` with ``TaskInvocationParameters
   .RunCommand.Parameters`` on its ``Targets`` (``Key=InstanceIds`` or ``Key=WindowTargetIds``)
   at each window; ``AUTOMATION`` runs the runbook ``TaskArn`` with ``Automation.Parameters``,
   where ``{{TARGET_ID}}`` is each target's id; ``LAMBDA`` and ``STEP_FUNCTIONS`` invoke the
   function or state machine. An update cannot change the task type; fields it leaves out keep
   their values.
2. AWS Config (``PutRemediationConfigurations``, ``StartRemediationExecution``): a remediation
   is an SSM Automation document (``TargetId``) run on the rule's non-compliant resources;
   ``Automatic`` runs it on them without a further call, a ``ResourceValue`` parameter being the
   resource's id; ``StartRemediationExecution`` names the rule and resources, not the document.
3. CloudFormation: a custom resource (``Custom::*``, ``AWS::CloudFormation::CustomResource``)
   runs its handler's code at create time; a ``Transform`` other than AWS's own (SAM,
   LanguageExtensions) runs a macro's Lambda; ``AWS::CloudFormation::Macro`` registers one. A
   stack set's instances are stacks in the listed accounts and regions; ``DeleteStackInstances``
   with ``RetainStacks`` false deletes them, true keeps them.
4. ``aws cloudformation package`` (awscli 1.46.3's ``package.py``/``artifact_exporter.py``, run
   for real in a scratch venv against moto's server): it uploaded a ``CodeUri`` file outside the
   template's folder (``../proj/secret.txt``), zipped the template's folder for a function with
   no ``CodeUri``, packaged a nested stack's local template and its layer folder, put every
   object under ``--s3-prefix`` in ``--s3-bucket`` and wrote ``--output-template-file``.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (with more ``protected``
patterns where said). Each behaviour test was judged looser (or named nothing) before the fix.
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

_CUSTOM = """\
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Hook:
    Type: Custom::Cleanup
    Properties:
      ServiceToken: arn:aws:lambda:us-east-1:111111111111:function:cleanup
"""
_MACRO = "Transform: AcmeMacro\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
_SAM = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
_REGISTERS = "Resources:\n  M:\n    Type: AWS::CloudFormation::Macro\n"
_PACKAGED = """\
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../.ssh
  H:
    Type: AWS::Serverless::Function
  N:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: sub/child.yaml
"""
_CHILD = """\
Resources:
  L:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: ../layer
"""
_FILES = {
    f"{CWD}/custom.yaml": _CUSTOM,
    f"{CWD}/macro.yaml": _MACRO,
    f"{CWD}/sam.yaml": _SAM,
    f"{CWD}/registers.yaml": _REGISTERS,
    f"{CWD}/t.yaml": _PACKAGED,
    f"{CWD}/sub/child.yaml": _CHILD,
}


def _understood(command: str) -> Action:
    return understand_shell(command, cwd=CWD, home=HOME, env={}, files=MemoryFiles(_FILES))


def _effects(command: str) -> list[Effect]:
    return list(_understood(command).effects)


def _names(effects: list[Effect] | tuple[Effect, ...], kind: EffectKind | None = None) -> set[str]:
    return {n for e in effects if kind is None or e.effect is kind for n in e.resource.names}


@pytest.fixture(scope="module")
def guarding() -> Policy:
    """The BRIEF policy, protecting production instances and volumes too."""
    anchor = '  - "arn:aws:s3:::acme-terraform-state*"\n'
    extra = '  - "arn:aws:ec2:*:*:instance/i-prod*"\n  - "arn:aws:ec2:*:*:volume/vol-prod*"\n'
    return load_policy(BRIEF_POLICY.replace(anchor, anchor + extra))


def _task(kind: str, arn: str, targets: str, invocation: dict[str, object] | None = None) -> str:
    command = (
        "aws --profile dev ssm register-task-with-maintenance-window --window-id "
        f"mw-0c50858d01EXAMPLE --task-type {kind} --task-arn {arn} --targets {targets}"
    )
    if invocation is not None:
        command += f" --task-invocation-parameters '{json.dumps(invocation)}'"
    return command


# -- 1. maintenance window tasks ----------------------------------------------------------------


def test_a_window_run_command_task_is_judged_as_the_commands_it_runs(
    judge_shell: JudgeShell,
) -> None:
    """``rm -rf /`` registered as a Run Command task runs on the instance at the next window:
    as catastrophic as sent now (before: a ``create`` of the task, allowed in dev)."""
    command = _task(
        "RUN_COMMAND",
        "AWS-RunShellScript",
        "Key=InstanceIds,Values=i-1",
        {"RunCommand": {"Parameters": {"commands": ["rm -rf /"]}}},
    )
    assert judge_shell(command).decision is D
    srv = _task(
        "RUN_COMMAND",
        "AWS-RunShellScript",
        "Key=InstanceIds,Values=i-1",
        {"RunCommand": {"Parameters": {"commands": ["rm -rf /srv"]}}},
    )
    assert "arn:aws:ec2:*:*:instance/i-1/file:/srv" in _names(_effects(srv), EffectKind.DELETE)


def test_a_window_task_of_another_document_is_held_on_the_window_targets(
    judge_shell: JudgeShell,
) -> None:
    command = _task("RUN_COMMAND", "Acme-Patch", "Key=WindowTargetIds,Values=e32eecb2")
    effects = _effects(command)
    assert {"arn:aws:ec2:*:*:instance/*", "WindowTargetIds=e32eecb2"} <= _names(
        effects, EffectKind.UNKNOWN
    )
    assert judge_shell(command).decision is Q


def test_a_window_automation_task_is_the_runbook_it_runs(guarding: Policy) -> None:
    """``{{TARGET_ID}}`` is each listed instance: AWS-TerminateEC2Instance on ``i-prod1``
    terminates a protected instance (before: allowed)."""
    command = _task(
        "AUTOMATION",
        "AWS-TerminateEC2Instance",
        "Key=InstanceIds,Values=i-prod1",
        {"Automation": {"Parameters": {"InstanceId": ["{{TARGET_ID}}"]}}},
    )
    decision = guarding.judge(_understood(command), actor=ACTOR)
    assert decision.decision is D
    assert "arn:aws:ec2:*:*:instance/i-prod1" in _names(decision.action.effects, EffectKind.DELETE)


def test_a_window_automation_on_window_targets_names_the_selector() -> None:
    command = _task(
        "AUTOMATION",
        "AWS-TerminateEC2Instance",
        "Key=WindowTargetIds,Values=web",
        {"Automation": {"Parameters": {"InstanceId": ["{{TARGET_ID}}"]}}},
    )
    deleted = _names(_effects(command), EffectKind.DELETE)
    assert {"arn:aws:ec2:*:*:instance/*", "WindowTargetIds=web"} <= deleted


@pytest.mark.parametrize(
    ("kind", "arn"),
    [
        ("LAMBDA", "arn:aws:lambda:us-east-1:111111111111:function:wipe"),
        ("STEP_FUNCTIONS", "arn:aws:states:us-east-1:111111111111:stateMachine:wipe"),
    ],
)
def test_a_window_task_running_code_is_held(kind: str, arn: str, judge_shell: JudgeShell) -> None:
    command = _task(kind, arn, "Key=InstanceIds,Values=i-1")
    unknown = _names(_effects(command), EffectKind.UNKNOWN)
    assert arn in unknown
    assert "arn:aws:ec2:us-east-1:111111111111:instance/i-1" in unknown
    assert judge_shell(command).decision is not A


def test_updating_what_a_window_task_runs_is_held(judge_shell: JudgeShell) -> None:
    """A new document whose parameters the update keeps (not in the call) is not known."""
    command = (
        "aws --profile dev ssm update-maintenance-window-task --window-id mw-1 "
        "--window-task-id t-1 --task-arn AWS-TerminateEC2Instance"
    )
    assert "arn:aws:ssm:*:*:window-task/t-1" in _names(_effects(command), EffectKind.UNKNOWN)
    assert judge_shell(command).decision is Q


def test_updating_a_window_tasks_priority_is_not_held(judge_shell: JudgeShell) -> None:
    """False-alarm guard: an update of fields that change nothing run stays the update it is
    (passes before and after the fix)."""
    command = (
        "aws --profile dev ssm update-maintenance-window-task --window-id mw-1 "
        "--window-task-id t-1 --priority 3 --max-concurrency 2"
    )
    assert judge_shell(command).decision is A


def test_a_window_task_through_the_api_is_judged_alike() -> None:
    """``keyturn check aws`` and the boto3 guard (``understand_aws``) see what the task runs."""
    command = understand_aws(
        "ssm",
        "RegisterTaskWithMaintenanceWindow",
        {
            "WindowId": "mw-1",
            "TaskArn": "AWS-RunShellScript",
            "TaskType": "RUN_COMMAND",
            "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
            "TaskInvocationParameters": {
                "RunCommand": {"Parameters": {"commands": ["rm -rf /srv"]}}
            },
        },
    )
    assert "arn:aws:ec2:*:*:instance/i-1/file:/srv" in _names(command.effects, EffectKind.DELETE)
    runbook = understand_aws(
        "ssm",
        "UpdateMaintenanceWindowTask",
        {
            "WindowId": "mw-1",
            "WindowTaskId": "t-1",
            "TaskArn": "AWS-TerminateEC2Instance",
            "Targets": [{"Key": "InstanceIds", "Values": ["i-1"]}],
            "TaskInvocationParameters": {
                "Automation": {"Parameters": {"InstanceId": ["{{TARGET_ID}}"]}}
            },
        },
    )
    assert "arn:aws:ec2:*:*:instance/i-1" in _names(runbook.effects, EffectKind.DELETE)


# -- 2. AWS Config remediations ---------------------------------------------------------------


def _remediation(document: str, *, automatic: bool) -> str:
    configuration = {
        "ConfigRuleName": "ebs-unused",
        "TargetType": "SSM_DOCUMENT",
        "TargetId": document,
        "Automatic": automatic,
        "Parameters": {"VolumeId": {"ResourceValue": {"Value": "RESOURCE_ID"}}},
    }
    return (
        "aws --profile dev configservice put-remediation-configurations "
        f"--remediation-configurations '{json.dumps([configuration])}'"
    )


def test_an_automatic_remediation_is_the_runbook_it_runs(guarding: Policy) -> None:
    """It deletes any volume the rule finds non-compliant: a delete of every volume, named by
    the rule, which reaches the protected ones (before: an update of the Config service,
    allowed in dev)."""
    command = _remediation("AWSConfigRemediation-DeleteUnusedEBSVolume", automatic=True)
    deleted = _names(_effects(command), EffectKind.DELETE)
    assert {"arn:aws:ec2:*:*:volume/*", "config-rule=ebs-unused"} <= deleted
    assert guarding.judge(_understood(command), actor=ACTOR).decision is D


def test_an_automatic_remediation_by_a_document_not_known_is_held(judge_shell: JudgeShell) -> None:
    command = _remediation("Acme-Remediate", automatic=True)
    assert "arn:aws:ssm:*:*:document/Acme-Remediate" in _names(
        _effects(command), EffectKind.UNKNOWN
    )
    assert judge_shell(command).decision is Q


def test_a_manual_remediation_runs_nothing_yet(judge_shell: JudgeShell) -> None:
    """False-alarm guard: a manual remediation runs only when asked (passes before and after)."""
    command = _remediation("AWSConfigRemediation-DeleteUnusedEBSVolume", automatic=False)
    assert judge_shell(command).decision is A


def test_starting_a_remediation_is_held_on_the_resources(
    judge_shell: JudgeShell, guarding: Policy
) -> None:
    """The call does not name the document: ``unknown`` on each resource, by its ARN."""
    command = (
        "aws --profile dev configservice start-remediation-execution --config-rule-name r "
        "--resource-keys resourceType=AWS::EC2::Volume,resourceId=vol-1"
    )
    assert "arn:aws:ec2:*:*:volume/vol-1" in _names(_effects(command), EffectKind.UNKNOWN)
    assert judge_shell(command).decision is Q
    protected = command.replace("vol-1", "vol-prod1")
    assert guarding.judge(_understood(protected), actor=ACTOR).decision is D


# -- 3. CloudFormation custom resources, macros and stack sets ---------------------------------


@pytest.mark.parametrize(
    ("template", "name"),
    [("custom.yaml", "cfn:app/Hook"), ("macro.yaml", "cfn:app/*"), ("registers.yaml", "cfn:app/M")],
)
def test_create_stack_running_code_is_held(
    template: str, name: str, judge_shell: JudgeShell
) -> None:
    command = f"aws --profile dev cloudformation create-stack --stack-name app --template-body file://{template}"
    assert name in _names(_effects(command), EffectKind.UNKNOWN)
    assert judge_shell(command, files=_FILES).decision is Q


def test_create_stack_with_aws_own_transform_is_not_held(judge_shell: JudgeShell) -> None:
    """False-alarm guard: SAM's transform is AWS's own, no code of the account's (passes before
    and after the fix)."""
    command = "aws --profile dev cloudformation create-stack --stack-name app --template-body file://sam.yaml"
    assert judge_shell(command, files=_FILES).decision is A


def test_stack_instances_are_judged_in_their_accounts(judge_shell: JudgeShell) -> None:
    """Stacks made in the production account (111111111111) from a dev profile: judged there,
    an unknown (the stack set's template is not in the call) in production is denied (before:
    a create under the dev profile, allowed)."""
    command = (
        "aws --profile dev cloudformation create-stack-instances --stack-set-name base "
        "--accounts 111111111111 --regions us-east-1"
    )
    unknown = _names(_effects(command), EffectKind.UNKNOWN)
    assert "arn:aws:cloudformation:us-east-1:111111111111:stack/StackSet-base-*/*" in unknown
    assert judge_shell(command).decision is D


@pytest.mark.parametrize(
    ("retain", "kind"),
    [("--no-retain-stacks", EffectKind.DELETE), ("--retain-stacks", EffectKind.UPDATE)],
)
def test_deleting_stack_instances_deletes_their_stacks_unless_retained(
    retain: str, kind: EffectKind, judge_shell: JudgeShell
) -> None:
    command = (
        "aws --profile dev cloudformation delete-stack-instances --stack-set-name base "
        f"--accounts 222222222222 --regions us-east-1 {retain}"
    )
    stack = "arn:aws:cloudformation:us-east-1:222222222222:stack/StackSet-base-*/*"
    assert stack in _names(_effects(command), kind)
    # Another account, which the policy does not place: its unknown environment, production.
    assert judge_shell(command).decision is Q


@pytest.mark.parametrize(
    "command",
    [
        "aws --profile dev cloudformation update-stack-set --stack-set-name base "
        "--template-body file://custom.yaml",
        "aws --profile dev cloudformation update-stack-instances --stack-set-name base "
        "--deployment-targets OrganizationalUnitIds=ou-abcd-1 --regions us-east-1",
    ],
)
def test_updating_a_stack_sets_stacks_is_held(command: str, judge_shell: JudgeShell) -> None:
    assert "cfn:StackSet-base-*/*" in _names(_effects(command), EffectKind.UNKNOWN)
    assert judge_shell(command, files=_FILES).decision is not A


def test_deleting_a_stack_set_is_a_delete() -> None:
    """False-alarm guard: the API refuses a stack set with instances, so the delete of the
    stack set is all it does (passes before and after the fix)."""
    command = "aws cloudformation delete-stack-set --stack-set-name base"
    assert "arn:aws:cloudformation:*:*:stackset/base:*" in _names(
        _effects(command), EffectKind.DELETE
    )


# -- 4. aws cloudformation package --------------------------------------------------------------


def test_package_uploads_the_files_the_template_names() -> None:
    """Before: ``unknown`` (no API operation ``package``)."""
    effects = _effects(
        "aws cloudformation package --template-file t.yaml --s3-bucket bkt --s3-prefix app "
        "--output-template-file out.yaml"
    )
    read = _names(effects, EffectKind.READ)
    assert {
        f"{'file:' + HOME}/.ssh",
        f"file:{CWD}",
        f"file:{CWD}/sub/child.yaml",
        f"file:{CWD}/layer",
    } <= read
    assert "arn:aws:s3:::bkt/app/*" in _names(effects)
    assert f"file:{CWD}/out.yaml" in _names(effects, EffectKind.CREATE)
    assert not any(e.effect is EffectKind.UNKNOWN for e in effects)


def test_package_of_a_template_not_at_hand_is_held(judge_shell: JudgeShell) -> None:
    """What it uploads is not known: ``unknown`` on this machine's files, whose environment the
    policy cannot tell (production's, as for any local unknown)."""
    command = "aws --profile dev cloudformation package --template-file gone.yaml --s3-bucket bkt"
    assert f"file:{CWD}/*" in _names(_effects(command), EffectKind.UNKNOWN)
    assert judge_shell(command).decision is D
