"""The Serverless Framework (serverless, sls) -> effects on the service's CloudFormation stack
and Lambda functions, and decisions."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_YML = """service: shop
provider:
  name: aws
  stage: ${opt:stage, 'dev'}
  region: eu-west-1
  profile: prod-deploy
resources:
  Resources:
    Bucket:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: !Ref Name
"""
_FILES = {"/w/serverless.yml": _YML, "/w/plain/serverless.yml": "service:\n  name: api\n"}


def _meaning(command: str, cwd: str = "/w") -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd=cwd, home="/home/u", files=MemoryFiles(_FILES))
    return [(e.effect, e.resource.names) for e in action.effects]


def _stack(name: str) -> tuple[str, ...]:
    return (f"arn:aws:cloudformation:*:*:stack/{name}/*",)


@pytest.mark.parametrize(
    ("command", "cwd", "expected"),
    [
        ("sls remove --stage prod", "/w", [(_E.DELETE, _stack("shop-prod"))]),
        # The stage the framework computes is not known: every stage of the service.
        ("serverless remove", "/w", [(_E.DELETE, _stack("shop-*"))]),
        # Serverless's own default stage.
        ("serverless remove", "/w/plain", [(_E.DELETE, _stack("api-dev"))]),
        # No configuration at hand: every service of that stage.
        ("sls remove -s prod", "/tmp", [(_E.DELETE, _stack("*-prod"))]),
        ("sls deploy -s prod", "/w", [(_E.UNKNOWN, _stack("shop-prod"))]),
        (
            "sls deploy function -f api -s prod",
            "/w",
            [(_E.UPDATE, ("arn:aws:lambda:*:*:function:shop-prod-api",))],
        ),
        ("sls rollback -t 1700000000 -s prod", "/w", [(_E.UPDATE, _stack("shop-prod"))]),
        (
            "sls invoke -f api -s prod",
            "/w",
            [(_E.UNKNOWN, ("arn:aws:lambda:*:*:function:shop-prod-api",))],
        ),
        ("sls info -s prod", "/w", [(_E.READ, ("shell:sls",))]),
    ],
)
def test_meanings(
    command: str, cwd: str, expected: list[tuple[EffectKind, tuple[str, ...]]]
) -> None:
    assert _meaning(command, cwd) == expected


def test_the_provider_gives_the_aws_hints() -> None:
    action = understand_shell(
        "sls remove -s prod", cwd="/w", home="/home/u", files=MemoryFiles(_FILES)
    )
    target = action.effects[0].target
    assert (target.aws_profile, target.aws_region) == ("prod-deploy", "eu-west-1")


@pytest.mark.parametrize("command", ["sls invoke local -f api", "sls offline", "sls dev"])
def test_running_the_services_code_here_is_unknown(command: str) -> None:
    assert [kind for kind, _ in _meaning(command)] == [_E.UNKNOWN]


def test_removing_a_production_service_needs_two_approvals(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("sls remove --stage prod", env=None, files=MemoryFiles(_FILES))
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2


def test_a_protected_stack_is_never_removed(judge_brief: JudgeBrief) -> None:
    decision = judge_brief(
        "sls remove",
        env="dev",
        files=MemoryFiles(_FILES),
        policy=protecting("arn:aws:cloudformation:*:*:stack/shop-prod/*"),
    )
    assert decision.decision is Verdict.DENY, decision.describe()
