"""Where the policy's own words point at production, keyturn judges as production: the
fallback environment an author leaves out, environments whose criteria overlap, a ``service``
pattern written in IAM's capitals, a protected IAM name in another case."""

from __future__ import annotations

import pytest

from keyturn.model import Actor, Target, Verdict
from keyturn.policy import load_policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.shell import understand_shell

ACTOR = Actor(agent="kiro", operator="bob")

_RULES = """
reviewers: {sre: [alice, bob]}
agents:
  "*":
    allow: [{effect: read}, {effect: [create, update, delete, replace], environment: dev}]
    ask:
      - {effect: [create, update, delete, replace], environment: prod, approvals: 2,
         reviewers: [sre]}
"""


def test_an_omitted_fallback_is_the_first_production_environment() -> None:
    policy = load_policy(
        "version: 1\nproduction: [prod]\nenvironments:\n"
        "  dev: {kube_contexts: ['kind-*']}\n  prod: {kube_contexts: ['prod-*']}\n" + _RULES
    )
    assert policy.unknown_environment == "prod"
    action = understand_shell("kubectl scale deployment api --replicas=0 -n payments")
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2
    assert {j.environment for j in decision.judgements} == {"prod"}


def test_without_a_production_list_the_fallback_is_as_before() -> None:
    policy = load_policy(
        "version: 1\nenvironments:\n  dev: {}\n  production: {}\n"
        "agents: {'*': {allow: [{effect: read}]}}\n"
    )
    assert policy.unknown_environment == "production"
    policy = load_policy(
        "version: 1\nproduction: [prod]\nunknown_environment: dev\n"
        "environments:\n  dev: {}\n  prod: {}\nagents: {'*': {allow: [{effect: read}]}}\n"
    )
    assert policy.unknown_environment == "dev"  # said outright: lint's business, not ours


@pytest.mark.parametrize(
    ("environments", "call", "target"),
    [
        (
            "  dev: {aws_profiles: ['dev*', default]}\n  prod: {aws_accounts: ['111111111111']}\n",
            ("rds", "DeleteDBInstance", {"DBInstanceIdentifier": "orders"}),
            Target(aws_profile="default", aws_account="111111111111"),
        ),
        (
            "  dev: {resources: ['*']}\n  prod: {resources: ['*prod*']}\n",
            ("rds", "DeleteDBCluster", {"DBClusterIdentifier": "prod-orders"}),
            Target(),
        ),
    ],
)
def test_a_production_environment_matching_too_wins_over_one_listed_before_it(
    environments: str, call: tuple[str, str, dict[str, str]], target: Target
) -> None:
    policy = load_policy("version: 1\nproduction: [prod]\nenvironments:\n" + environments + _RULES)
    decision = policy.judge(understand_aws(*call, target=target), actor=ACTOR)
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2
    assert {j.environment for j in decision.judgements} == {"prod"}


def test_the_first_match_still_wins_among_environments_that_are_not_production() -> None:
    policy = load_policy(
        "version: 1\nproduction: [prod]\nenvironments:\n"
        "  dev: {aws_profiles: ['x*']}\n  staging: {aws_profiles: ['*']}\n  prod: {}\n" + _RULES
    )
    action = understand_aws("s3", "DeleteBucket", {"Bucket": "b"}, target=Target(aws_profile="xy"))
    assert {j.environment for j in policy.judge(action, actor=ACTOR).judgements} == {"dev"}
    given = Target(environment="dev", aws_account="111111111111")
    action = understand_aws("s3", "DeleteBucket", {"Bucket": "b"}, target=given)
    assert {j.environment for j in policy.judge(action, actor=ACTOR).judgements} == {"dev"}


def test_a_service_pattern_in_capitals_still_holds_its_service() -> None:
    policy = load_policy(
        "version: 1\nenvironments: {dev: {}}\nproduction: [dev]\n"
        "agents:\n  '*': {allow: [{effect: [read, create, update, delete]}]}\n"
        "  kiro: {deny: [{service: IAM}, {service: [S3*]}]}\n"
    )
    for call in (
        ("iam", "CreateAccessKey", {"UserName": "x"}),
        ("s3", "DeleteBucket", {"Bucket": "b"}),
    ):
        assert policy.judge(understand_aws(*call), actor=ACTOR).decision is Verdict.DENY, call


@pytest.mark.parametrize("name", ["admin", "ADMIN", "Admin"])
def test_a_protected_iam_name_is_protected_in_any_case(name: str) -> None:
    policy = load_policy(
        "version: 1\nenvironments: {dev: {}}\nproduction: [dev]\n"
        "protected: ['arn:aws:iam::111111111111:role/Admin']\n"
        "agents: {'*': {allow: [{effect: [read, create, update, delete]}]}}\n"
    )
    action = understand_aws(
        "iam", "DeleteRole", {"RoleName": name}, target=Target(aws_account="111111111111")
    )
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.DENY and decision.judgements[0].rule == "protected[0]"
