"""Which hints of the action an effect takes, and the red-team cases around Terraform,
CloudFormation and kubectl that turn on them (the BRIEF policy: ``dev`` by AWS profile or kube
context, production by name, workspace or as the unknown environment)."""

from __future__ import annotations

import json

import pytest

from keyturn.model import Actor, Decision, Effect, EffectKind, Resource, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.shell import understand_shell
from keyturn.understand.terraform import understand_terraform

ACTOR = Actor(agent="kiro", operator="bob")
EKS = "arn:aws:eks:us-east-1:111111111111:cluster/main"


@pytest.fixture()
def policy(brief_policy_text: str) -> Policy:
    return load_policy(brief_policy_text)


def _on(target: Target) -> Effect:
    return Effect(EffectKind.DELETE, Resource(("res:x",)), target)


@pytest.mark.parametrize(
    ("own", "action", "expected"),
    [
        # No hints of its own: the action's, whole (a local file under AWS_PROFILE=dev).
        (Target(), Target(aws_profile="dev"), "dev"),
        # AWS hints of its own: the action's fill what it leaves unset.
        (Target(aws_region="eu-west-1"), Target(aws_profile="dev"), "dev"),
        # Placed by a kube context or a workspace, AWS hints dropped: the action's stay out.
        (Target(kube_context=EKS), Target(aws_profile="dev"), "production"),
        (Target(terraform_workspace="default"), Target(aws_profile="dev"), "production"),
        (Target(kube_context="kind-x"), Target(aws_profile="dev"), "dev"),
        # ... but where they would make it production, production it stays (fail closed).
        (Target(kube_context="kind-x"), Target(aws_profile="prod-admin"), "production"),
        # Other hints of the action still fill in.
        (Target(kube_namespace="x"), Target(aws_profile="dev", kube_context="kind-1"), "dev"),
    ],
)
def test_an_effect_placed_without_aws_hints_takes_none_from_the_action(
    policy: Policy, own: Target, action: Target, expected: str
) -> None:
    assert policy.environment_of(_on(own), action_target=action) == expected


def _shell(
    policy: Policy,
    line: str,
    *,
    variables: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    home: str = "/home/kiro",
) -> Decision:
    action = understand_shell(
        line, cwd="/w", home=home, env=variables or {}, files=MemoryFiles(files or {})
    )
    return policy.judge(action, actor=ACTOR)


def test_kubectl_on_an_eks_context_is_not_dev_for_an_aws_profile(policy: Policy) -> None:
    kubeconfig = f"current-context: {EKS}\ncontexts:\n- name: {EKS}\n  context: {{cluster: m}}\n"
    files = {"/home/kiro/.kube/config": kubeconfig}
    decision = _shell(
        policy, "kubectl delete all --all -n orders", variables={"AWS_PROFILE": "dev"}, files=files
    )
    assert decision.decision is Verdict.ASK
    assert {j.environment for j in decision.judgements} == {"production"}


def test_terraform_destroy_is_judged_also_without_the_aws_profile(policy: Policy) -> None:
    decision = _shell(policy, "terraform destroy -auto-approve", variables={"AWS_PROFILE": "dev"})
    assert decision.decision is Verdict.ASK
    assert {j.environment for j in decision.judgements} == {"dev", "production"}


STATE = json.dumps(
    {
        "version": 4,
        "resources": [
            {
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "main",
                "instances": [{"attributes": {"identifier": "db1"}}],
            }
        ],
    }
)


def test_the_selected_workspace_and_its_state_are_judged(policy: Policy) -> None:
    files = {
        "/w/.terraform/environment": "prod\n",
        "/w/terraform.tfstate.d/prod/terraform.tfstate": STATE,
    }
    decision = _shell(
        policy, "terraform destroy -auto-approve", variables={"AWS_PROFILE": "dev"}, files=files
    )
    assert decision.decision is Verdict.DENY
    assert any(j.rule.startswith("protected[") for j in decision.judgements)
    assert {j.environment for j in decision.judgements} == {"production"}


@pytest.mark.parametrize(
    "line",
    [
        "terraform destroy -target aws_db_instance.main -auto-approve",
        "terraform apply -auto-approve -replace aws_db_instance.main",
        "terraform destroy -target 'aws_db_instance.main[0]'",
    ],
)
def test_a_protected_address_is_denied_however_the_option_is_written(
    policy: Policy, line: str
) -> None:
    assert _shell(policy, line).decision is Verdict.DENY


@pytest.mark.parametrize("tier", ["dev", None])
def test_a_forged_json_beside_a_plan_does_not_make_the_apply_harmless(
    policy: Policy, tier: str | None
) -> None:
    files = {"/w/tfplan": "PK\x03\x04", "/w/tfplan.json": '{"format_version": "1.2"}'}
    action = understand_shell(
        "terraform apply -auto-approve tfplan",
        cwd="/w",
        target=Target(environment=tier),
        files=MemoryFiles(files),
    )
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is (Verdict.ASK if tier == "dev" else Verdict.DENY)


def _plan(address: str, rtype: str, actions: list[str], before: object, after: object) -> str:
    change = {"actions": actions, "before": before, "after": after}
    entry = {"address": address, "type": rtype, "change": change}
    return json.dumps({"format_version": "1.2", "resource_changes": [entry]})


BUCKET = "acme-terraform-state-prod"
ENABLED = {"bucket": BUCKET, "versioning_configuration": [{"status": "Enabled"}]}
SUSPENDED = {"bucket": BUCKET, "versioning_configuration": [{"status": "Suspended"}]}


@pytest.mark.parametrize(
    "text",
    [
        _plan("aws_db_instance.main[0]", "aws_db_instance", ["delete", "create"], {}, {}),
        _plan('aws_db_instance.main["a"]', "aws_db_instance", ["delete"], {}, None),
        _plan("aws_s3_bucket_versioning.s", "aws_s3_bucket_versioning", ["update"], ENABLED,
              SUSPENDED),
        _plan("aws_s3_bucket_versioning.s", "aws_s3_bucket_versioning", ["delete"], ENABLED,
              None),
        _plan("aws_s3_object.st", "aws_s3_object", ["delete"], {"bucket": BUCKET, "key": "k"},
              None),
        _plan("aws_db_instance.x", "aws_db_instance", ["update"],
              {"identifier": "prod-main", "deletion_protection": True},
              {"identifier": "prod-main", "deletion_protection": False}),
    ],
)  # fmt: skip
def test_plans_that_reach_a_protected_resource_are_denied(policy: Policy, text: str) -> None:
    decision = policy.judge(understand_terraform(text), actor=ACTOR)
    assert decision.decision is Verdict.DENY
    assert any(j.rule.startswith("protected[") for j in decision.judgements)


def test_a_change_set_suspending_the_state_buckets_versioning_is_denied(policy: Policy) -> None:
    target = {
        "Attribute": "Properties",
        "Name": "VersioningConfiguration",
        "BeforeValue": '{"Status":"Enabled"}',
        "AfterValue": '{"Status":"Suspended"}',
    }
    change = {
        "Action": "Modify",
        "LogicalResourceId": "State",
        "ResourceType": "AWS::S3::Bucket",
        "PhysicalResourceId": BUCKET,
        "Details": [{"Target": target}],
    }
    text = json.dumps({"StackName": "app", "Changes": [{"ResourceChange": change}]})
    decision = policy.judge(understand_change_set(text), actor=ACTOR)
    assert decision.decision is Verdict.DENY
