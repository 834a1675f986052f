"""A big action (thousands of effects) is judged on a path without memos; it must decide
exactly what judging its effects one by one decides."""

from __future__ import annotations

import random

from keyturn.model import ActionKind, Target
from keyturn.policy import load_policy
from keyturn.policy.engine import _BULK_EFFECTS

from .helpers import action, actor, effect

NAMES = [
    "arn:aws:rds:*:*:db:prod-{n}",
    "aws_db_instance.main",
    "k8s:namespace/payments",
    "arn:aws:s3:::acme-terraform-state-{n}",
    "arn:aws:ec2:*:*:instance/i-{n}",
    "file:/srv/app/build/{n}",
    "file:/",
]
KINDS = ["read", "create", "update", "delete", "replace", "unknown"]
TARGETS = [Target(), Target(environment="production"), Target(aws_profile="prod")]


def _effects(count: int, seed: int = 3) -> list:  # type: ignore[type-arg]
    rng = random.Random(seed)
    return [
        effect(
            rng.choice(KINDS),
            rng.choice(NAMES).format(n=n),
            target=rng.choice(TARGETS),
            removes_protection=rng.random() < 0.1,
        )
        for n in range(count)
    ]


def test_a_big_action_decides_as_its_effects_one_by_one(brief_policy_text: str) -> None:
    effects = _effects(_BULK_EFFECTS + 500)
    big = action(*effects, kind=ActionKind.TERRAFORM, target=Target(aws_profile="dev"))
    bulk = load_policy(brief_policy_text).judge(big, actor=actor("kiro"))
    single = load_policy(brief_policy_text)
    one_by_one = [
        single.judge_effect(e, agent="kiro", kind=big.kind, action_target=big.target)
        for e in effects
    ]
    assert list(bulk.judgements) == one_by_one
    verdicts = {j.decision.value for j in bulk.judgements}
    assert verdicts == {"allow", "ask", "deny"}  # the sample exercises every outcome
    small = action(*effects[:10], kind=ActionKind.TERRAFORM, target=big.target)
    assert single.judge(small, actor=actor("kiro")).judgements == bulk.judgements[:10]
