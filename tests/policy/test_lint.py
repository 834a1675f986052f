"""``keyturn policy lint`` findings, one by one."""

from __future__ import annotations

from keyturn.policy import load_policy
from keyturn.policy.lint import Severity, lint, protected_pattern_problem
from keyturn.policy.starter import starter_policy_text

BASE = "version: 1\nenvironments: {production: {}, staging: {}, dev: {}}\n"


def codes(text: str) -> dict[str, list]:  # type: ignore[type-arg]
    found: dict[str, list] = {}  # type: ignore[type-arg]
    for f in lint(load_policy(text)):
        found.setdefault(f.code, []).append(f)
    return found


def test_brief_and_starter_policies_have_no_errors(brief_policy_text: str) -> None:
    assert not [f for f in lint(load_policy(brief_policy_text)) if f.severity is Severity.ERROR]
    assert lint(load_policy(starter_policy_text())) == []


def test_delete_in_production_without_review() -> None:
    text = (
        BASE + "reviewers: {sre: [a, b]}\nagents:\n  kiro:\n    allow:\n      - {effect: delete}\n"
    )
    (finding,) = codes(text)["destructive-without-review"][:1]
    assert finding.severity is Severity.ERROR and finding.line == 7
    assert "agent 'kiro' can delete in production" in finding.message
    assert str(finding).startswith("keyturn.yaml:7: error destructive-without-review: ")
    # An unconditional ask in the same sections closes the hole.
    text += "    ask:\n      - {effect: [delete, replace], environment: production}\n"
    assert "destructive-without-review" not in codes(text)


def test_star_allow_is_reported_once_for_every_agent() -> None:
    text = (
        BASE + "reviewers: {sre: [a]}\nagents:\n  '*':\n    allow: [{resource: 'tmp-*'}]\n  x: {}\n"
    )
    found = codes(text)["destructive-without-review"]
    assert {f.message.split(" can ")[0] for f in found} == {"every agent"}


def test_default_allow() -> None:
    (finding,) = codes(BASE + "default: allow\nreviewers: {sre: [a]}\n")["default-allow"]
    assert finding.severity is Severity.ERROR and finding.line == 3


def test_reviewer_group_smaller_than_approvals() -> None:
    text = BASE + (
        "reviewers: {dba: [dave]}\nagents:\n  '*':\n    ask:\n"
        "      - {effect: delete, approvals: 2, reviewers: [dba]}\n"
    )
    (finding,) = codes(text)["too-few-reviewers"]
    assert finding.severity is Severity.ERROR and "dba, which has 1 people" in finding.message


def test_reviewer_who_is_also_an_agent() -> None:
    text = BASE + "reviewers: {sre: [alice, kiro]}\nagents:\n  kiro: {}\n  'claude-*': {}\n"
    (finding,) = codes(text)["reviewer-is-agent"]
    assert finding.severity is Severity.ERROR and finding.line == 3
    text = BASE + "reviewers: {sre: [alice, claude-bot]}\nagents:\n  'claude-*': {}\n"
    assert codes(text)["reviewer-is-agent"]


def test_protected_pattern_matching_nothing() -> None:
    text = BASE + "reviewers: {sre: [a]}\nprotected:\n  - prod-db\n  - aws_db_instance.main\n"
    (finding,) = codes(text)["protected-matches-nothing"]
    assert finding.severity is Severity.WARNING and finding.line == 5
    for good in (
        "arn:aws:rds:*:*:db:prod-*",
        "s3://bucket/*",
        "k8s:namespace/payments",
        "file:/etc/*",
        "file:C:/data",
        "db:postgres/app",
        "mcp:github/*",
        "module.net.aws_vpc.main",
        "aws_instance.web[0]",
        "*prod*",
        "aws_db_*.main",
    ):
        assert protected_pattern_problem(good) is None, good
    for bad in ("prod-db", "file:relative/path", "k8s:Namespace/payments", "payments"):
        assert protected_pattern_problem(bad) is not None, bad


def test_shadowed_rule() -> None:
    text = BASE + (
        "reviewers: {sre: [a]}\nagents:\n  '*':\n    deny:\n      - {command: 'git push*'}\n"
        "  kiro:\n    ask:\n      - {command: 'git push --force*'}\n"
        "      - {command: 'git pull*'}\n"
    )
    (finding,) = codes(text)["shadowed-rule"]
    assert finding.severity is Severity.WARNING and finding.line == 10
    assert "agents.kiro.ask[0] never applies: agents.*.deny[0]" in finding.message


def test_narrow_deny_shadows_nothing_broader() -> None:
    text = BASE + (
        "reviewers: {sre: [a]}\nagents:\n  kiro:\n    deny: [{service: iam, effect: delete}]\n"
        "  '*':\n    ask: [{service: iam}]\n"
    )
    assert "shadowed-rule" not in codes(text)


def test_unknown_allowed_in_production() -> None:
    text = BASE + "reviewers: {sre: [a]}\nagents:\n  '*':\n    allow: [{effect: unknown}]\n"
    (finding,) = codes(text)["unknown-allowed-in-production"]
    assert finding.severity is Severity.ERROR
    text = BASE + (
        "reviewers: {sre: [a]}\nagents:\n  '*':\n    allow: [{effect: unknown, environment: dev}]\n"
    )
    assert "unknown-allowed-in-production" not in codes(text)


def test_findings_are_sorted_errors_first() -> None:
    text = BASE + "default: allow\nreviewers: {sre: [a]}\nprotected: [nothing-here]\n"
    severities = [f.severity for f in lint(load_policy(text))]
    assert severities == sorted(severities, key=lambda s: s is not Severity.ERROR)
    assert Severity.ERROR in severities and Severity.WARNING in severities
