"""Properties of judging that must hold for every policy (hypothesis)."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keyturn.model import Effect, EffectKind, Resource, Target, Verdict
from keyturn.policy import Policy, load_policy

from .helpers import action, actor

ENVS = ("production", "staging", "dev")
AGENTS = ("kiro", "claude-code")
NAMES = (
    "aws_db_instance.main",
    "arn:aws:rds:*:*:db:prod-db",
    "arn:aws:s3:::logs",
    "k8s:namespace/payments",
    "k8s:default/deployment/web",
    "file:/srv/app/data",
    "db:postgres/app/users",
)
PROTECTED = ["aws_db_instance.main", "k8s:namespace/payments", "arn:aws:rds:*:*:db:prod-*"]
SERVICES = ("iam", "rds", "s3", "k8s", "file")
KINDS = [k.value for k in EffectKind]


def _rule(verdict: str) -> st.SearchStrategy[dict[str, Any]]:
    keys: dict[str, st.SearchStrategy[Any]] = {
        "effect": st.lists(st.sampled_from(KINDS), min_size=1, max_size=3, unique=True),
        "environment": st.lists(st.sampled_from(ENVS), min_size=1, max_size=2, unique=True),
        "resource": st.sampled_from(["*prod*", "k8s:*", "arn:aws:*", "file:/srv/*", "*"]),
        "service": st.sampled_from(SERVICES),
        "kind": st.sampled_from(["shell", "aws", "terraform"]),
    }
    if verdict == "ask":
        keys["approvals"] = st.integers(min_value=1, max_value=3)
    return st.fixed_dictionaries({}, optional=keys)


def _section() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {},
        optional={v: st.lists(_rule(v), max_size=3) for v in ("allow", "ask", "deny")},
    )


policies = st.fixed_dictionaries(
    {
        "default": st.sampled_from(["allow", "ask", "deny"]),
        "agents": st.dictionaries(
            st.sampled_from(["*", *AGENTS, "claude-*"]), _section(), max_size=3
        ),
    }
)

effects = st.builds(
    Effect,
    effect=st.sampled_from(list(EffectKind)),
    resource=st.lists(st.sampled_from(NAMES), min_size=1, max_size=2, unique=True).map(
        lambda names: Resource(names=tuple(names))
    ),
    target=st.sampled_from([*ENVS, None]).map(lambda env: Target(environment=env)),
    service=st.sampled_from([*SERVICES, None]),
    removes_protection=st.booleans(),
)


def build(spec: dict[str, Any]) -> Policy:
    document = {
        "version": 1,
        "default": spec["default"],
        "unknown_environment": "production",
        "environments": {env: {} for env in ENVS},
        "reviewers": {"sre": ["alice", "bob", "carol"]},
        "protected": PROTECTED,
        "agents": spec["agents"],
    }
    return load_policy(yaml.safe_dump(document))


def with_rule(
    spec: dict[str, Any], agent: str, verdict: str, rule: dict[str, Any]
) -> dict[str, Any]:
    agents = {k: {v: list(rules) for v, rules in s.items()} for k, s in spec["agents"].items()}
    agents.setdefault(agent, {}).setdefault(verdict, []).append(rule)
    return {**spec, "agents": agents}


def verdict(policy: Policy, e: Effect, agent: str) -> Verdict:
    return policy.judge(action(e), actor=actor(agent)).decision


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(
    spec=policies,
    rule=_rule("deny"),
    where=st.sampled_from(["*", *AGENTS]),
    agent=st.sampled_from(AGENTS),
    e=effects,
)
def test_adding_a_deny_rule_never_loosens(
    spec: dict[str, Any], rule: dict[str, Any], where: str, agent: str, e: Effect
) -> None:
    before = verdict(build(spec), e, agent)
    after = verdict(build(with_rule(spec, where, "deny", rule)), e, agent)
    assert after.strictness >= before.strictness
    if before is Verdict.DENY:
        assert after is Verdict.DENY


@SETTINGS
@given(
    spec=policies,
    rule=_rule("allow"),
    where=st.sampled_from(["*", *AGENTS]),
    agent=st.sampled_from(AGENTS),
    e=effects,
)
def test_adding_an_allow_rule_never_loosens_a_protected_resource(
    spec: dict[str, Any], rule: dict[str, Any], where: str, agent: str, e: Effect
) -> None:
    protected = any(
        n in ("aws_db_instance.main", "k8s:namespace/payments") or ":db:prod-" in n
        for n in e.resource.names
    )
    destructive = e.effect in (EffectKind.DELETE, EffectKind.REPLACE) or e.removes_protection
    before = verdict(build(spec), e, agent)
    after = verdict(build(with_rule(spec, where, "allow", rule)), e, agent)
    if protected and destructive:
        assert before is Verdict.DENY and after is Verdict.DENY
    if e.effect is EffectKind.UNKNOWN:
        assert after is not Verdict.ALLOW


@SETTINGS
@given(spec=policies, agent=st.sampled_from(AGENTS), e=effects)
def test_judging_is_deterministic(spec: dict[str, Any], agent: str, e: Effect) -> None:
    first, second = build(spec), build(spec)
    assert first.digest == second.digest
    a = first.judge(action(e), actor=actor(agent))
    assert a == first.judge(action(e), actor=actor(agent))
    assert a == second.judge(action(e), actor=actor(agent))
    assert a.decision is not Verdict.ALLOW or e.effect is not EffectKind.UNKNOWN
