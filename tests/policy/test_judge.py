"""Judging: BRIEF §4.1 semantics, clause by clause, on hand-built actions."""

from __future__ import annotations

import pytest

from keyturn.model import ActionKind, Target, Verdict
from keyturn.policy import Policy, load_policy

from .helpers import action, actor, effect


@pytest.fixture()
def policy(brief_policy_text: str) -> Policy:
    return load_policy(brief_policy_text)


def judge(policy: Policy, *effects, agent: str = "claude-code", **kw):  # type: ignore[no-untyped-def]
    return policy.judge(action(*effects, **kw), actor=actor(agent))


def test_read_is_allowed_everywhere(policy: Policy) -> None:
    d = judge(policy, effect("read", "arn:aws:s3:::logs", env="production"))
    assert d.decision is Verdict.ALLOW
    assert d.judgements[0].rule == "agents.*.allow[0]"
    assert d.reasons == () and d.approvals_required == 0


def test_delete_in_production_asks_two_from_sre(policy: Policy) -> None:
    d = judge(policy, effect("delete", "aws_instance.web", env="production"))
    assert d.decision is Verdict.ASK
    assert d.approvals_required == 2 and d.reviewers == ("sre",)
    assert d.reasons == (
        "delete aws_instance.web in production: needs 2 approval(s) from sre (agents.*.ask[1])",
    )


def test_deny_beats_ask_beats_allow(policy: Policy) -> None:
    d = judge(
        policy,
        effect(
            "update", "k8s:default/deployment/web", env="dev", command="git push --force origin"
        ),
    )
    assert d.decision is Verdict.DENY and d.judgements[0].rule == "agents.*.deny[0]"


def test_agent_section_and_star_both_apply(policy: Policy) -> None:
    iam = effect("read", "arn:aws:iam::*:user/bob", env="dev", service="iam")
    assert judge(policy, iam, agent="kiro").decision is Verdict.DENY
    assert judge(policy, iam, agent="kiro").judgements[0].rule == "agents.kiro.deny[0]"
    assert judge(policy, iam, agent="claude-code").decision is Verdict.ALLOW


def test_glob_agent_keys_apply() -> None:
    policy = load_policy(
        "version: 1\nenvironments: {production: {}, dev: {}}\nreviewers: {sre: [a]}\n"
        "agents:\n  'claude-*':\n    deny: [{service: iam}]\n  '*':\n    allow: [{effect: read}]\n"
    )
    iam = effect("read", "arn:aws:iam::*:user/bob", env="dev", service="iam")
    assert judge(policy, iam, agent="claude-code").decision is Verdict.DENY
    assert judge(policy, iam, agent="kiro").decision is Verdict.ALLOW


def test_default_when_no_rule_matches() -> None:
    policy = load_policy(
        "version: 1\ndefault: ask\nenvironments: {production: {}, dev: {}}\n"
        "reviewers: {sre: [a, b], dba: [c]}\n"
    )
    d = judge(policy, effect("create", "res:x", env="dev"))
    assert d.decision is Verdict.ASK and d.approvals_required == 1
    assert d.reviewers == ("sre", "dba") and d.judgements[0].rule == "default"
    deny_default = load_policy("version: 1\ndefault: deny\nenvironments: {dev: {}}\n")
    assert judge(deny_default, effect("create", "res:x", env="dev")).decision is Verdict.DENY


def test_strictest_effect_wins_and_approvals_are_the_largest(policy: Policy) -> None:
    d = judge(
        policy,
        effect("read", "res:a", env="production"),
        effect("update", "res:b", env="production"),
        effect("replace", "res:c", env="staging"),
    )
    assert d.decision is Verdict.ASK and d.approvals_required == 2
    assert len(d.reasons) == 2
    d = judge(
        policy,
        effect("update", "res:b", env="production"),
        effect("delete", "res:/x", env="dev", command="git push --force"),
    )
    assert d.decision is Verdict.DENY


def test_reviewers_are_the_union_of_asked_groups() -> None:
    policy = load_policy(
        "version: 1\nenvironments: {production: {}}\nreviewers: {sre: [a, b], dba: [c, d]}\n"
        "agents:\n  '*':\n    ask:\n      - {service: rds, reviewers: [dba], approvals: 2}\n"
        "      - {service: ec2, reviewers: [sre]}\n"
    )
    d = judge(
        policy,
        effect("update", "arn:aws:rds:*:*:db:x", env="production", service="rds"),
        effect("update", "arn:aws:ec2:*:*:instance/i-1", env="production", service="ec2"),
    )
    assert d.decision is Verdict.ASK and d.approvals_required == 2
    assert set(d.reviewers) == {"dba", "sre"}


def test_largest_matching_ask_decides() -> None:
    policy = load_policy(
        "version: 1\nenvironments: {production: {}}\nreviewers: {sre: [a, b, c]}\n"
        "agents:\n  '*':\n    ask:\n      - {effect: delete}\n"
        "      - {effect: delete, approvals: 3, name: three}\n"
    )
    j = judge(policy, effect("delete", "res:x", env="production")).judgements[0]
    assert (j.rule, j.approvals) == ("three", 3)


def test_rule_criteria(policy: Policy) -> None:
    p = load_policy(
        "version: 1\nenvironments: {production: {}, dev: {}}\nreviewers: {sre: [a]}\n"
        "agents:\n  '*':\n    deny:\n"
        "      - {resource: ['arn:aws:s3:::secret*', 'db:*/billing*'], name: no-secrets}\n"
        "      - {tool: 'mcp:github/delete_*'}\n"
        "      - {kind: k8s, effect: delete}\n"
        "    allow:\n      - {environment: dev}\n"
    )
    dev = Target(environment="dev")
    cases = [
        (
            effect("read", "s3://secret-bucket/k", "arn:aws:s3:::secret-bucket/k", target=dev),
            "no-secrets",
        ),
        (effect("update", "db:postgres/billing/invoices", target=dev), "no-secrets"),
        (
            effect("delete", "mcp:github/delete_repo", target=dev, tool="mcp:github/delete_repo"),
            "agents.*.deny[1]",
        ),
    ]
    for e, rule in cases:
        d = judge(p, e)
        assert d.decision is Verdict.DENY and d.judgements[0].rule == rule
    d = judge(p, effect("delete", "k8s:default/pod/x", target=dev), kind=ActionKind.K8S)
    assert d.decision is Verdict.DENY
    d = judge(p, effect("delete", "k8s:default/pod/x", target=dev), kind=ActionKind.SHELL)
    assert d.decision is Verdict.ALLOW
    assert judge(p, effect("read", "db:postgres/app/users", target=dev)).decision is Verdict.ALLOW


def test_allow_without_effect_does_not_cover_unknown() -> None:
    p = load_policy(
        "version: 1\ndefault: deny\nenvironments: {production: {}, dev: {}}\n"
        "reviewers: {sre: [a]}\n"
        "agents:\n  '*':\n    allow: [{environment: dev}]\n"
    )
    d = judge(p, effect("unknown", "res:x", env="dev"))
    assert d.decision is Verdict.DENY and d.judgements[0].rule == "default"


def test_unknown_is_at_least_ask_outside_production() -> None:
    p = load_policy(
        "version: 1\ndefault: allow\nenvironments: {production: {}, dev: {}}\n"
        "reviewers: {sre: [a]}\n"
        "agents:\n  '*':\n    allow: [{effect: [read, unknown], environment: dev}]\n"
    )
    d = judge(p, effect("unknown", "res:x", env="dev", detail="curl POST to an unknown API"))
    assert d.decision is Verdict.ASK
    assert d.judgements[0].rule == "builtin:unknown-needs-review"
    assert "curl POST to an unknown API" in d.judgements[0].reason


def test_unknown_in_production_is_denied_unless_an_ask_names_it(policy: Policy) -> None:
    d = judge(policy, effect("unknown", "res:x", env="production"))
    assert d.decision is Verdict.DENY and d.judgements[0].rule == "builtin:unknown-in-production"
    # An environment that cannot be told is production here.
    assert judge(policy, effect("unknown", "res:x")).decision is Verdict.DENY
    p = load_policy(
        "version: 1\nenvironments: {production: {}}\nreviewers: {sre: [a, b]}\n"
        "agents:\n  '*':\n    ask:\n      - {effect: [update, delete]}\n"
        "      - {effect: unknown, approvals: 2, name: unknown-prod}\n"
    )
    d = judge(p, effect("unknown", "res:x", env="production"))
    assert d.decision is Verdict.ASK and d.judgements[0].rule == "unknown-prod"
    assert d.approvals_required == 2


def test_generic_ask_does_not_release_unknown_in_production() -> None:
    p = load_policy(
        "version: 1\nenvironments: {production: {}}\nreviewers: {sre: [a]}\n"
        "agents:\n  '*':\n    ask: [{environment: production}]\n"
    )
    assert judge(p, effect("unknown", "res:x", env="production")).decision is Verdict.DENY


def test_production_list_makes_environments_production() -> None:
    p = load_policy(
        "version: 1\nproduction: [live]\nunknown_environment: live\n"
        "environments: {live: {}, dev: {}}\nreviewers: {sre: [a]}\n"
    )
    assert judge(p, effect("unknown", "res:x", env="live")).decision is Verdict.DENY
    assert judge(p, effect("unknown", "res:x", env="dev")).decision is Verdict.ASK


@pytest.mark.parametrize(
    "name",
    [
        "file:/",
        "file:/root",
        "file:/root/",
        "file:/home/alice",
        "file:/Users/bob/",
        "file:/etc",
        "file:/usr",
        "file:C:/",
        "file:c:/",
        "file:D:/",
        "file:C:/Users/bob",
        "file:C:/Windows",
        "file:/home/alice/../bob",
        "file://",
    ],
)
def test_deleting_roots_and_homes_is_catastrophic(policy: Policy, name: str) -> None:
    for kind in ("delete", "replace"):
        d = judge(policy, effect(kind, name, env="dev"))
        assert d.decision is Verdict.DENY, name
        assert d.judgements[0].rule == "builtin:catastrophic"


@pytest.mark.parametrize(
    "name",
    ["file:/home/alice/project", "file:/tmp/x", "file:C:/Users/bob/project", "file:/etcetera"],
)
def test_ordinary_paths_are_not_catastrophic(policy: Policy, name: str) -> None:
    assert judge(policy, effect("delete", name, env="dev")).decision is Verdict.ALLOW


def test_catastrophic_flag_denies_everywhere(policy: Policy) -> None:
    e = effect("update", "file:/dev/sda", env="dev", catastrophic="dd onto a block device")
    d = judge(policy, e)
    assert d.decision is Verdict.DENY
    assert d.reasons == (
        "update file:/dev/sda in dev: catastrophic: dd onto a block device (builtin:catastrophic)",
    )


def test_reading_home_is_fine(policy: Policy) -> None:
    assert judge(policy, effect("read", "file:/root", env="dev")).decision is Verdict.ALLOW


def test_protected_resources_are_never_deleted(policy: Policy) -> None:
    d = judge(policy, effect("delete", "aws_db_instance.main", env="dev"), agent="kiro")
    assert d.decision is Verdict.DENY
    assert d.judgements[0].rule == "protected[1]" and d.judgements[0].protected
    assert d.reasons == ("delete aws_db_instance.main in dev: protected resource (protected[1])",)
    d = judge(
        policy,
        effect(
            "replace",
            "module.db.aws_db_instance.x",
            "arn:aws:rds:us-east-1:111111111111:db:prod-main",
            env="dev",
        ),
    )
    assert d.decision is Verdict.DENY and d.judgements[0].rule == "protected[0]"
    assert (
        judge(policy, effect("update", "aws_db_instance.main", env="dev")).decision is Verdict.ALLOW
    )


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("k8s:namespace/pay*", "protected[2]"),  # kubectl delete ns by a pattern
        ("arn:aws:rds:*:*:db:*", "protected[0]"),  # every database
        ("arn:aws:s3:::*", "protected[3]"),  # every bucket
    ],
)
def test_a_wide_delete_reaches_what_it_covers(policy: Policy, name: str, rule: str) -> None:
    d = judge(policy, effect("delete", name, env="dev"), agent="kiro")
    assert d.decision is Verdict.DENY and d.judgements[0].rule == rule
    assert "takes in the protected" in d.judgements[0].reason and d.judgements[0].protected
    unprotect = effect("update", name, env="dev", removes_protection=True)
    assert judge(policy, unprotect).decision is Verdict.DENY


@pytest.mark.parametrize(
    "name",
    [
        "arn:aws:rds:*:*:db:dev-db",  # unknown account and region: single fields
        "arn:aws:rds:*:*:db:dev-*",
        "k8s:payments/pod/*",  # what is in the namespace, not the namespace
        "arn:aws:s3:::logs/*",
        "file:/w/build/*",
    ],
)
def test_a_wide_delete_elsewhere_is_judged_by_the_rules(policy: Policy, name: str) -> None:
    assert judge(policy, effect("delete", name, env="dev")).decision is Verdict.ALLOW


def test_patterns_without_a_literal_start_match_names_only() -> None:
    p = load_policy(
        "version: 1\nenvironments: {dev: {}}\nprotected: ['*prod*']\n"
        "agents:\n  '*':\n    allow: [{}]\n"
    )
    assert judge(p, effect("delete", "file:/w/build/*", env="dev")).decision is Verdict.ALLOW
    assert judge(p, effect("delete", "file:/w/prod/*", env="dev")).decision is Verdict.DENY


def test_removing_protection_is_denied(policy: Policy) -> None:
    e = effect("update", "k8s:namespace/payments", env="dev", removes_protection=True)
    d = judge(policy, e)
    assert d.decision is Verdict.DENY and d.judgements[0].rule == "protected[2]"
    assert "protection" in d.judgements[0].reason
    # Removing protection of an unprotected resource is judged by the rules.
    e = effect("update", "k8s:namespace/sandbox", env="dev", removes_protection=True)
    assert judge(policy, e).decision is Verdict.ALLOW


def test_protection_removed_earlier_is_denied(policy: Policy) -> None:
    e = effect(
        "delete",
        "arn:aws:rds:*:*:db:qa-db",
        env="dev",
        protected_by="modify-db-instance --no-deletion-protection",
    )
    d = judge(policy, e)
    assert d.decision is Verdict.DENY
    assert d.judgements[0].rule == "builtin:protection-removed-earlier"


def test_allow_rules_cannot_override_protection() -> None:
    p = load_policy(
        "version: 1\nenvironments: {dev: {}}\nprotected: ['aws_s3_bucket.state']\n"
        "agents:\n  '*':\n    allow: [{}]\n"
    )
    assert judge(p, effect("delete", "aws_s3_bucket.state", env="dev")).decision is Verdict.DENY


def test_environment_resolution(policy: Policy) -> None:
    def env_of(e, target=None):  # type: ignore[no-untyped-def]
        return policy.judge(action(e, target=target), actor=actor()).judgements[0].environment

    assert env_of(effect("read", "res:x", target=Target(aws_profile="prod-admin"))) == "production"
    assert env_of(effect("read", "res:x", target=Target(aws_profile="staging"))) == "staging"
    assert (
        env_of(effect("read", "res:x", target=Target(aws_account="111111111111"))) == "production"
    )
    assert env_of(effect("read", "res:x", target=Target(kube_context="kind-local"))) == "dev"
    assert (
        env_of(effect("read", "res:x", target=Target(terraform_workspace="prod"))) == "production"
    )
    assert env_of(effect("read", "res:x", "arn:aws:rds:*:*:db:prod-db")) == "production"
    assert env_of(effect("read", "res:x")) == "production"  # unknown_environment
    # The effect's own hints win over the action's; the action's fill the gaps.
    assert (
        env_of(
            effect("read", "res:x", target=Target(aws_profile="dev")), Target(aws_profile="prod")
        )
        == "dev"
    )
    assert env_of(effect("read", "res:x"), Target(kube_context="staging-eu")) == "staging"
    # An explicit environment wins; one the policy does not define is treated as unknown.
    assert (
        env_of(
            effect("read", "res:x", env="dev", target=Target(environment="dev", aws_profile="prod"))
        )
        == "dev"
    )
    assert env_of(effect("read", "res:x", target=Target(environment="qa"))) == "production"


def test_first_matching_environment_wins() -> None:
    p = load_policy(
        "version: 1\nenvironments:\n  production: {aws_profiles: ['*']}\n"
        "  dev: {aws_profiles: [dev]}\n"
    )
    j = p.judge(
        action(effect("read", "x:y", target=Target(aws_profile="dev"))), actor=actor()
    ).judgements[0]
    assert j.environment == "production"


def test_no_effects_is_denied(policy: Policy) -> None:
    d = judge(policy)
    assert d.decision is Verdict.DENY and d.reasons


def test_judgement_json_and_digest(policy: Policy) -> None:
    d = judge(policy, effect("delete", "aws_instance.web", env="production", service="ec2"))
    data = d.to_json()
    assert data["policy_digest"] == policy.digest
    assert data["effects"][0]["rule"] == "agents.*.ask[1]"
    assert data["effects"][0]["environment"] == "production"


def test_judging_again_gives_equal_judgements(policy: Policy) -> None:
    e = effect("delete", "aws_instance.web", env="production")
    first = judge(policy, e).judgements[0]
    second = judge(policy, effect("delete", "aws_instance.web", env="production")).judgements[0]
    assert first == second
    other_agent = policy.judge(action(e), actor=actor("kiro")).judgements[0]
    assert other_agent.rule == first.rule
