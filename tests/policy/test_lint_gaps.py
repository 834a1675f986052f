"""``keyturn policy lint`` gaps a red team found: policies that let an agent change production
without review, or protect nothing, and linted with 0 findings. Each test is one such policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyturn.cli import main
from keyturn.integrations.hooks import AGENTS
from keyturn.model import Actor, Target, Verdict
from keyturn.policy import load_policy
from keyturn.policy.lint import Finding, Severity, lint, protected_pattern_problem
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ENVS = """\
version: 1
environments:
  production: {aws_accounts: ["111111111111"], aws_profiles: ["prod*"]}
  staging: {aws_accounts: ["333333333333"]}
  dev: {aws_accounts: ["444444444444"], aws_profiles: ["dev*"]}
reviewers: {sre: [alice, bob]}
"""


def _found(text: str, code: str) -> list[Finding]:
    return [f for f in lint(load_policy(text)) if f.code == code]


# -- unknown_environment -----------------------------------------------------------------------


def test_unknown_environment_that_is_not_production_is_an_error() -> None:
    text = ENVS.replace("version: 1\n", "version: 1\nunknown_environment: dev\n")
    (finding,) = _found(text, "unknown-environment-not-production")
    assert finding.severity is Severity.ERROR and finding.line == 2
    assert finding.message.startswith("unknown_environment 'dev' is not a production")
    assert "use 'production'" in finding.message
    for line in ("unknown_environment: production\n", ""):  # production, or left out
        clean = ENVS.replace("version: 1\n", f"version: 1\n{line}")
        assert not _found(clean, "unknown-environment-not-production")


# -- credentials -------------------------------------------------------------------------------


def _credentials(env: str, role: str, read_role: str | None = None) -> str:
    read = f', read_role_arn: "{read_role}"' if read_role else ""
    return ENVS + f'credentials:\n  aws:\n    {env}: {{role_arn: "{role}"{read}}}\n'


def test_dev_role_in_the_production_account_is_an_error() -> None:
    text = _credentials("dev", "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole")
    (finding,) = _found(text, "role-in-other-environment")
    assert finding.severity is Severity.ERROR and finding.line == 9
    assert finding.message.startswith("credentials.aws.dev.role_arn is in account 111111111111")
    assert "environments.production.aws_accounts" in finding.message


def test_dev_read_role_in_the_production_account_is_an_error() -> None:
    text = _credentials(
        "dev", "arn:aws:iam::444444444444:role/dev", "arn:aws:iam::111111111111:role/read"
    )
    (finding,) = _found(text, "role-in-other-environment")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("credentials.aws.dev.read_role_arn ")


def test_role_in_another_non_production_account_is_a_warning() -> None:
    (finding,) = _found(
        _credentials("dev", "arn:aws:iam::333333333333:role/x"), "role-in-other-environment"
    )
    assert finding.severity is Severity.WARNING and "environments.staging" in finding.message


def test_read_role_that_is_the_write_role_is_a_warning() -> None:
    role = "arn:aws:iam::111111111111:role/admin"
    (finding,) = _found(_credentials("production", role, role), "read-role-is-write-role")
    assert finding.severity is Severity.WARNING and finding.line == 9
    assert finding.message.startswith("credentials.aws.production.read_role_arn is the role_arn")
    # Both roles in the environment's own account: nothing crosses environments.
    assert not _found(_credentials("production", role, role), "role-in-other-environment")
    other = role.replace("admin", "read")
    assert not _found(_credentials("production", role, other), "read-role-is-write-role")


# -- an environment named like production, left out of production: -----------------------------


def test_second_production_environment_left_out_is_an_error() -> None:
    text = ENVS.replace("  dev:", "  prod-eu: {aws_accounts: ['222222222222']}\n  dev:")
    (finding,) = _found(text, "no-production")
    assert finding.severity is Severity.ERROR and finding.line == 5
    assert finding.message.startswith("environments.prod-eu is named like production")
    listed = text.replace("version: 1\n", "version: 1\nproduction: [production, prod-eu]\n")
    assert not _found(listed, "no-production")
    assert not _found(ENVS.replace("staging:", "preprod:"), "no-production")


# -- rule resource patterns that match nothing ------------------------------------------------


RULES = ENVS + "agents:\n  kiro:\n"


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("prod-db", "matches no resource name form"),
        ("arn:aws:dynamodb:*:*:table:orders", "'table:' where dynamodb ARNs have 'table/'"),
        ("arn:aws:rds:*:*:db/legacy-*", "'db/' where rds ARNs have 'db:'"),
    ],
)
def test_deny_rule_resource_that_matches_nothing_is_an_error(pattern: str, why: str) -> None:
    text = RULES + f"    deny:\n      - resource: '{pattern}'\n"
    (finding,) = _found(text, "rule-matches-nothing")
    assert finding.severity is Severity.ERROR and finding.line == 10
    assert finding.message.startswith(f"agents.kiro.deny[0].resource '{pattern}' ")
    assert why in finding.message


def test_ask_and_allow_rule_resources_that_match_nothing() -> None:
    text = RULES + (
        "    ask:\n      - {resource: ['db:postgres/*', 'prod-db'], reviewers: [sre]}\n"
        "    allow:\n      - {resource: 'tmp-db', effect: read}\n"
        "    deny:\n      - resource: ['arn:aws:rds:*:*:db:prod-*', 'arn:aws:iam::*:role/*',"
        " 'k8s:payments/deployment/*', '*prod*', 'aws_instance.web[0]']\n"
    )
    ask, allow = sorted(_found(text, "rule-matches-nothing"), key=lambda f: f.line)
    assert (
        ask.severity is Severity.ERROR and "agents.kiro.ask[0].resource[1] 'prod-db'" in ask.message
    )
    assert allow.severity is Severity.WARNING and allow.message.startswith(
        "agents.kiro.allow[0].resource 'tmp-db'"
    )


# -- protected patterns that look right and protect nothing ------------------------------------


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("arn:aws:rds:*:*:db/legacy-*", "has 'db/' where rds ARNs have 'db:'"),
        ("arn:aws:dynamodb:*:*:table:orders", "has 'table:' where dynamodb ARNs have 'table/'"),
        ("arn:aws:iam::*:role:admin", "has 'role:' where iam ARNs have 'role/'"),
        ("arn:aws:rds:*:*:DB:prod", "has 'DB:' where rds ARNs have 'db:'"),
        ("arn:aws:s3:::acme-state/", "ends with '/'"),
        ("s3://acme-state/", "ends with '/'"),
        ("s3://Acme-Logs", "has bucket 'Acme-Logs': S3 bucket names are lower-case"),
        ("arn:aws:s3:::Acme-Logs/*", "has bucket 'Acme-Logs'"),
        ("arn:aws:s3:::acme-[ab]*", "has '[ab]'"),
        ("file:/srv/data[0-9]", "has '[0-9]'"),
        ("*prod[12]*", "has '[12]'"),
    ],
)
def test_protected_pattern_that_protects_nothing(pattern: str, why: str) -> None:
    problem = protected_pattern_problem(pattern)
    assert problem is not None and why in problem, problem
    text = ENVS + f"protected: ['{pattern}']\n"
    (finding,) = _found(text, "protected-matches-nothing")
    assert finding.severity is Severity.WARNING and finding.line == 7


REAL_FORMS = (
    "arn:aws:rds:*:*:db:prod-*",
    "arn:aws:rds:*:*:cluster:prod-*",
    "arn:aws:dynamodb:*:*:table/orders",
    "arn:aws:iam::111111111111:role/admin",
    "arn:aws:ec2:*:*:instance/i-*",
    "arn:aws:lambda:*:*:function:prod-*",
    "arn:aws:s3:::acme-terraform-state*",
    "arn:aws:s3:::acme/dir/",
    "s3://bucket/*",
    "arn:aws:sqs:*:*:orders",
    "arn:aws:someservice:*:*:thing:x",
    "aws_instance.web[0]",
    'module.db["eu"].aws_db_instance.main',
    "https://[::1]:8443/admin/*",
)


def test_only_the_slip_among_real_forms_is_flagged() -> None:
    patterns = [*REAL_FORMS, "arn:aws:iam::*:role:admin"]
    text = ENVS + "protected:\n" + "".join(f"  - '{p}'\n" for p in patterns)
    (finding,) = _found(text, "protected-matches-nothing")
    assert finding.message.startswith(f"protected[{len(REAL_FORMS)}] 'arn:aws:iam::*:role:admin'")
    assert [p for p in REAL_FORMS if protected_pattern_problem(p) is not None] == []


@pytest.mark.parametrize(
    ("command", "wrong", "right"),
    [
        (
            "aws dynamodb delete-table --table-name orders",
            "arn:aws:dynamodb:*:*:table:orders",
            "arn:aws:dynamodb:*:*:table/orders",
        ),
        (
            "aws rds delete-db-instance --db-instance-identifier legacy-1",
            "arn:aws:rds:*:*:db/legacy-*",
            "arn:aws:rds:*:*:db:legacy-*",
        ),
        ("aws s3 rb s3://acme-state", "arn:aws:s3:::acme-state/", "arn:aws:s3:::acme-state"),
    ],
)
def test_the_flagged_pattern_really_misses_and_the_advised_one_holds(
    command: str, wrong: str, right: str
) -> None:
    # The lint is about what keyturn really names: the pattern it flags lets the delete
    # through, the spelling it advises denies it.
    action = understand_shell(
        command, cwd="/", home="/root", env={}, target=Target(), files=MemoryFiles({})
    )
    actor = Actor(agent="kiro", operator="bob")
    for pattern, verdict in ((wrong, Verdict.ALLOW), (right, Verdict.DENY)):
        text = f"version: 1\nenvironments: {{dev: {{}}}}\nprotected: ['{pattern}']\n" + (
            "agents: {'*': {allow: [{effect: [read, delete]}]}}\n"
        )
        assert load_policy(text).judge(action, actor=actor).decision is verdict, pattern
    assert protected_pattern_problem(wrong) is not None
    assert protected_pattern_problem(right) is None


@pytest.mark.parametrize(
    ("pattern", "meant"),
    [
        ("k8s:deployment/payments/api", "k8s:payments/deployment/api"),
        ("k8s:deploy/payments/*", "k8s:payments/deploy/*"),
        ("k8s:payments/namespace", "k8s:namespace/payments"),
    ],
)
def test_kind_in_the_wrong_place_gets_the_right_advice(pattern: str, meant: str) -> None:
    problem = protected_pattern_problem(pattern)
    assert problem is not None and f"did you mean '{meant}'?" in problem
    assert "'payment'" not in problem


# -- settings ----------------------------------------------------------------------------------


def test_unsafe_self_modification_is_an_error() -> None:
    text = ENVS + "settings:\n  unsafe_allow_self_modification: true\n"
    (finding,) = _found(text, "unsafe-self-modification")
    assert finding.severity is Severity.ERROR and finding.line == 8
    assert finding.message.startswith("settings.unsafe_allow_self_modification is true")


@pytest.mark.parametrize(
    "setting", ["grant_ttl: 365d", "grant_ttl: 1d1s", "grant_ttl_seconds: 90000"]
)
def test_grant_ttl_over_a_day_is_a_warning(setting: str) -> None:
    (finding,) = _found(ENVS + f"settings:\n  {setting}\n", "long-grant-ttl")
    assert finding.severity is Severity.WARNING and finding.line == 8
    assert finding.message.startswith(f"settings.{setting.split(':')[0]} is ")
    for within in ("grant_ttl: 1d", "grant_ttl: 15m"):
        assert not _found(ENVS + f"settings:\n  {within}\n", "long-grant-ttl")


def test_unsafe_policy_lints_with_an_error_in_json_and_warns_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    file = tmp_path / "keyturn.yaml"
    file.write_text(ENVS + "settings: {unsafe_allow_self_modification: true}\n", encoding="utf-8")
    assert main(["policy", "lint", "--json", "--policy", str(file)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == 1
    errors = [f["code"] for f in report["findings"] if f["severity"] == "error"]
    assert errors == ["unsafe-self-modification"]
    # CI reads the finding; the load's own warning (stderr) comes once, not once per reading.
    warned = [r for r in caplog.records if "unsafe_allow_self_modification is true" in r.message]
    assert len(warned) == 1


# -- reviewers that are keyturn's own agents ---------------------------------------------------


@pytest.mark.parametrize("agent", sorted(AGENTS))
def test_reviewer_named_as_a_hook_agent_is_an_error(agent: str) -> None:
    text = ENVS.replace("[alice, bob]", f"[alice, {agent.upper()}]")
    (finding,) = _found(text, "reviewer-is-agent")
    assert finding.severity is Severity.ERROR and finding.line == 6
    assert finding.message.startswith(f"reviewers.sre[1] '{agent.upper()}' ")


def test_hook_agent_reviewers_are_reported_once_each_and_humans_not() -> None:
    # codex has its own section (reported as such already); claude-code needs none to act.
    text = ENVS.replace("[alice, bob]", "[alice, codex, codex-fan, claude-code]")
    found = _found(text + "agents:\n  codex: {}\n", "reviewer-is-agent")
    assert sorted(f.message.split(" ")[0] for f in found) == ["'codex'", "reviewers.sre[3]"]
