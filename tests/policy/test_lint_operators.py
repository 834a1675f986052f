"""An agent section may name its operators; lint flags review groups that contain them."""

from __future__ import annotations

import pytest

from keyturn.errors import PolicyError
from keyturn.policy import load_policy
from keyturn.policy.lint import Severity, lint

BASE = """\
version: 1
reviewers:
  sre: [alice, bob, carol]
agents:
  "*":
    allow:
      - effect: read
    ask:
      - effect: [delete, replace]
        approvals: {approvals}
        reviewers: [sre]
  kiro:
    operators: [{operator}]
"""


def _findings(approvals: int, operator: str) -> list[object]:
    policy = load_policy(BASE.format(approvals=approvals, operator=operator))
    return [f for f in lint(policy) if f.code == "reviewer-is-operator"]


def test_operator_in_the_group_leaving_too_few_is_an_error() -> None:
    (finding,) = _findings(3, "bob")
    assert finding.severity is Severity.ERROR
    assert "bob" in finding.message and "only alice, carol" in finding.message
    assert "never be approved" in finding.message


def test_operator_in_the_group_with_enough_others_is_a_warning() -> None:
    (finding,) = _findings(2, "bob")
    assert finding.severity is Severity.WARNING


def test_operator_outside_the_groups_is_fine() -> None:
    assert _findings(2, "zoe") == []


def test_brief_policy_without_operators_is_unchanged(brief_policy_text: str) -> None:
    policy = load_policy(brief_policy_text)
    assert not [f for f in lint(policy) if f.code == "reviewer-is-operator"]
    with_operators = load_policy(
        brief_policy_text.replace("  kiro:\n", "  kiro:\n    operators: [bob]\n")
    )
    assert with_operators.digest != policy.digest


def test_operators_must_be_a_list_of_names() -> None:
    with pytest.raises(PolicyError, match=r"agents.kiro.operators: expected a list"):
        load_policy(BASE.format(approvals=1, operator="bob").replace("[bob]", "bob"))
