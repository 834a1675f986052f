"""Judging fuzzed actions under strict and lenient policies: a parse problem never allows."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from keyturn.model import Action, Actor, EffectKind, Verdict
from keyturn.policy import Policy, load_policy


def brief_policy_text() -> str:
    """The BRIEF §4.1 policy kept in the root conftest (loaded by path: tests is no package)."""
    spec = importlib.util.spec_from_file_location(
        "keyturn_root_conftest", Path(__file__).resolve().parents[1] / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text: str = module.BRIEF_POLICY
    return text


# The most lenient policy a careless operator could write that still has a rule: every read is
# allowed, everything else falls to the default.
READ_ONLY_ALLOW = """\
version: 1
agents:
  "*":
    allow:
      - effect: read
"""

# Lenient on purpose: default allow and a non-production environment for everything. Even here
# an effect keyturn did not understand must not be allowed.
DEFAULT_ALLOW = """\
version: 1
default: allow
unknown_environment: dev
environments:
  dev:
    resources: ["*"]
agents:
  "*":
    allow:
      - effect: [read, create, update, delete, replace]
"""

ACTOR = Actor(agent="fuzz-agent", operator="fuzz")


@cache
def policies() -> tuple[Policy, ...]:
    """The BRIEF policy, the read-only-allow policy and the default-allow policy."""
    return tuple(
        load_policy(text, source=name)
        for name, text in (
            ("brief.yaml", brief_policy_text()),
            ("read-only.yaml", READ_ONLY_ALLOW),
            ("default-allow.yaml", DEFAULT_ALLOW),
        )
    )


def assert_fails_closed(action: Action) -> None:
    """A non-empty action; whatever was not understood is never allowed, under any policy."""
    assert action.effects, "a non-empty input gave no effects"
    action.canonical_bytes()  # the digest must be computable for any understood action
    unknown = any(e.effect is EffectKind.UNKNOWN for e in action.effects)
    for policy in policies():
        decision = policy.judge(action, actor=ACTOR)
        for judgement in decision.judgements:
            if judgement.effect.effect is EffectKind.UNKNOWN:
                assert judgement.decision is not Verdict.ALLOW, (policy.source, judgement)
        if unknown:
            assert decision.decision is not Verdict.ALLOW, (policy.source, action.summary)
