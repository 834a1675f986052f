"""terragrunt, pulumi, cdk, eksctl and sam command lines -> effects."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind


def _effects(command: str, **env: str):
    return understand_shell(command, cwd="/w/live", home="/home/u", env=env).effects


def _has(command: str, kind: EffectKind, name: str) -> bool:
    return any(e.effect is kind and name in e.resource.names for e in _effects(command))


@pytest.mark.parametrize(
    ("command", "kind", "name"),
    [
        ("terragrunt destroy", _E.DELETE, "terraform:workspace/default"),
        ("terragrunt plan", _E.READ, "terraform:workspace/default"),
        ("terragrunt apply", _E.UNKNOWN, "terraform:workspace/default"),
        ("terragrunt apply -replace=aws_db_instance.main", _E.REPLACE, "aws_db_instance.main"),
        ("terragrunt run-all destroy", _E.DELETE, "terraform:dir:/w/live/*"),
        ("terragrunt run --all -- destroy", _E.DELETE, "terraform:dir:/w/live/*"),
        ("terragrunt destroy --all --non-interactive", _E.DELETE, "terraform:dir:/w/live/*"),
        ("terragrunt destroy --working-dir prod", _E.DELETE, "terraform:dir:/w/live/prod"),
        ("terragrunt --terragrunt-working-dir=/x destroy", _E.DELETE, "terraform:dir:/x"),
        ("pulumi destroy --yes -s acme/prod", _E.DELETE, "pulumi:stack/acme/prod"),
        ("pulumi destroy", _E.DELETE, "pulumi:stack/current"),
        ("pulumi destroy --target urn:a", _E.DELETE, "urn:a"),
        ("pulumi up --yes", _E.UNKNOWN, "pulumi:stack/current"),
        ("pulumi up --replace urn:db", _E.REPLACE, "urn:db"),
        ("pulumi preview --cwd infra", _E.READ, "pulumi:dir:/w/live/infra"),
        ("pulumi stack ls", _E.READ, "pulumi:stack/current"),
        ("pulumi stack rm prod --force", _E.DELETE, "pulumi:stack/prod"),
        ("pulumi stack init dev", _E.CREATE, "pulumi:stack/dev"),
        ("pulumi state delete urn:x", _E.UPDATE, "urn:x"),
        ("pulumi config get x", _E.READ, "pulumi:stack/current"),
        ("pulumi config set x y", _E.UPDATE, "pulumi:stack/current"),
        ("cdk destroy --all --force", _E.DELETE, "arn:aws:cloudformation:*:*:stack/*/*"),
        ("cdk destroy Prod", _E.DELETE, "arn:aws:cloudformation:*:*:stack/Prod/*"),
        ("cdk deploy Prod", _E.UNKNOWN, "arn:aws:cloudformation:*:*:stack/Prod/*"),
        ("cdk diff Prod", _E.READ, "arn:aws:cloudformation:*:*:stack/Prod/*"),
        ("cdk bootstrap", _E.CREATE, "arn:aws:cloudformation:*:*:stack/CDKToolkit/*"),
        ("cdk gc", _E.DELETE, "arn:aws:s3:::cdk-*"),
        ("eksctl get clusters", _E.READ, "arn:aws:eks:*:*:cluster/*"),
        ("eksctl delete cluster --name prod-eks", _E.DELETE, "arn:aws:eks:*:*:cluster/prod-eks"),
        ("eksctl delete cluster prod-eks", _E.DELETE, "arn:aws:eks:*:*:cluster/prod-eks"),
        (
            "eksctl delete nodegroup --cluster prod-eks --name ng-1",
            _E.DELETE,
            "arn:aws:eks:*:*:nodegroup/prod-eks/ng-1/*",
        ),
        ("eksctl create cluster -f c.yaml", _E.UNKNOWN, "arn:aws:eks:*:*:cluster/*"),
        ("sam delete --stack-name api", _E.DELETE, "arn:aws:cloudformation:*:*:stack/api/*"),
        ("sam deploy", _E.UNKNOWN, "arn:aws:cloudformation:*:*:stack/*/*"),
        ("sam validate", _E.READ, "arn:aws:cloudformation:*:*:stack/*/*"),
    ],
)
def test_meanings(command: str, kind: EffectKind, name: str) -> None:
    assert _has(command, kind, name), [(e.effect, e.resource.names) for e in _effects(command)]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/w/live/terragrunt.hcl", 'terraform {\n  before_hook "x" { commands = ["plan"] }\n}'),
        ("/w/live/terragrunt.hcl", 'locals { v = run_cmd("sh", "-c", "rm -rf ~") }'),
        ("/w/root.hcl", 'terraform { after_hook "y" { execute = ["sh", "x.sh"] } }'),  # a parent
    ],
)
def test_terragrunt_configurations_that_run_commands_are_unknown(path: str, text: str) -> None:
    found = understand_shell(
        "terragrunt plan", cwd="/w/live", home="/home/u", files=MemoryFiles({path: text})
    ).effects
    assert any(e.effect is _E.UNKNOWN and path in e.detail for e in found), found


def test_a_plain_terragrunt_configuration_adds_nothing() -> None:
    files = MemoryFiles({"/w/live/terragrunt.hcl": 'include "root" { path = "../root.hcl" }'})
    found = understand_shell("terragrunt plan", cwd="/w/live", files=files).effects
    assert [e.effect for e in found] == [_E.READ]


def test_pulumi_unprotect_removes_protection() -> None:
    (effect,) = _effects("pulumi state unprotect urn:db")
    assert effect.removes_protection and "urn:db" in effect.resource.names


def test_pulumi_is_judged_also_without_aws_hints() -> None:
    found = _effects("pulumi destroy --yes", AWS_PROFILE="dev")
    # The twin names a profile no environment matches: a hint-less twin would take the
    # shell's AWS_PROFILE back from the action.
    assert sorted(str(e.target.aws_profile) for e in found) == [
        "(the provider's own profile: not read)",
        "dev",
    ]


def test_eksctl_iam_kinds_are_the_iam_service() -> None:
    found = _effects("eksctl delete iamserviceaccount --cluster c --name reader")
    assert [e.service for e in found] == ["iam"]


def test_profile_and_region_set_the_target() -> None:
    (effect,) = _effects("cdk destroy Prod --profile prod-admin --region eu-west-1")
    assert (effect.target.aws_profile, effect.target.aws_region) == ("prod-admin", "eu-west-1")
    (effect,) = _effects("eksctl delete cluster x", AWS_PROFILE="prod-admin")
    assert effect.target.aws_profile == "prod-admin"


@pytest.mark.parametrize(
    "command",
    ["terragrunt", "pulumi frobnicate", "cdk frobnicate", "eksctl frobnicate x", "sam build"],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    assert any(e.effect is _E.UNKNOWN for e in _effects(command)), command


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("terragrunt apply -replace=aws_db_instance.main -auto-approve", Verdict.DENY),
        # Every module's configuration may run hooks, and they are not read: unknown.
        ("terragrunt run-all destroy", Verdict.DENY),
        ("terragrunt destroy", Verdict.ASK),
        ("pulumi destroy --yes --stack prod", Verdict.ASK),
        ("cdk destroy --all --force --profile prod", Verdict.ASK),
        ("eksctl delete cluster --name prod-eks", Verdict.ASK),
        ("cdk diff", Verdict.ALLOW),
    ],
)
def test_under_the_brief_policy(command: str, expected: Verdict, judge_brief) -> None:
    decision = judge_brief(command)
    assert decision.decision is expected, (command, decision.describe())


def test_sam_takes_the_profile_botocore_takes() -> None:
    # botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE; cdk's JavaScript SDK does not
    (effect,) = _effects(
        "sam delete --stack-name api", AWS_DEFAULT_PROFILE="prod", AWS_PROFILE="dev"
    )
    assert effect.target.aws_profile == "prod"
    (effect,) = _effects("cdk destroy Api", AWS_DEFAULT_PROFILE="prod", AWS_PROFILE="dev")
    assert effect.target.aws_profile == "dev"
