"""``keyturn policy explain``: the effective permissions table."""

from __future__ import annotations

from keyturn.model import EffectKind, Verdict
from keyturn.policy import load_policy
from keyturn.policy.explain import explain


def test_explain_table_for_kiro(brief_policy_text: str) -> None:
    policy = load_policy(brief_policy_text)
    result = explain(policy, agent="kiro")
    assert len(result.rows) == 3 * len(EffectKind)
    cells = {(r.effect.value, r.environment): r for r in result.rows}
    delete_prod = cells[("delete", "production")]
    assert (delete_prod.decision, delete_prod.approvals, delete_prod.reviewers) == (
        Verdict.ASK,
        2,
        ("sre",),
    )
    assert delete_prod.rule == "agents.*.ask[1]"
    assert cells[("delete", "dev")].decision is Verdict.ALLOW
    assert cells[("unknown", "production")].decision is Verdict.DENY
    assert cells[("create", "staging")].decision is Verdict.ALLOW
    assert [r.rule_id for r in result.narrower] == ["agents.kiro.deny[0]", "agents.*.deny[0]"]
    text = result.render()
    assert "delete   production   ask       2          sre" in text
    assert "service ~ iam  (agents.kiro.deny[0])" in text


def test_explain_one_environment_and_json(brief_policy_text: str) -> None:
    policy = load_policy(brief_policy_text)
    result = explain(policy, agent="claude-code", environments=["staging"])
    data = result.to_json()
    assert {p["environment"] for p in data["permissions"]} == {"staging"}
    assert data["policy_digest"] == policy.digest
    assert [n["rule"] for n in data["narrower_rules"]] == ["agents.*.deny[0]"]
