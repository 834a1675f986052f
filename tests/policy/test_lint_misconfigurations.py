"""``keyturn policy lint`` on policies a platform team could write that leave the December 2025
door open: an operator's profile judged as dev, a protected ARN in the wrong partition, an MCP
mapping that calls a delete a read, production's deletes on one person's word. Each policy is
linted (code, severity, line), and where the lint claims a hole the engine is shown to have it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyturn.cli import main
from keyturn.model import Actor, Target, Verdict
from keyturn.policy import load_policy
from keyturn.policy.lint import Finding, Severity, lint
from keyturn.policy.starter import starter_policy_text
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_shell

ENVS = """\
version: 1
environments:
  production: {aws_accounts: ["111111111111"], aws_profiles: ["prod*"], kube_contexts: ["prod-*"]}
  staging: {aws_profiles: ["staging*"], kube_contexts: ["staging-*"]}
  dev: {aws_profiles: ["dev*"], kube_contexts: ["kind-*"]}
reviewers: {sre: [alice, bob, carol]}
"""
# Rules a careful team writes: reads open, dev open, production changes held for two.
RULES = """\
agents:
  "*":
    allow:
      - effect: read
      - environment: dev
    ask:
      - effect: [create, update, delete, replace]
        environment: production
        approvals: 2
        reviewers: [sre]
"""
ACTOR = Actor(agent="kiro", operator="bob")


def _found(text: str, code: str) -> list[Finding]:
    return [f for f in lint(load_policy(text)) if f.code == code]


def _shell(command: str) -> object:
    return understand_shell(
        command, cwd="/", home="/root", env={}, target=Target(), files=MemoryFiles({})
    )


def _decision(text: str, command: str) -> Verdict:
    return load_policy(text).judge(_shell(command), actor=ACTOR).decision  # type: ignore[arg-type]


# -- environments: production's actions placed in a looser environment ------------------------


@pytest.mark.parametrize(
    ("criterion", "line"),
    [
        ('aws_profiles: ["dev*", "*"]', 5),
        ('kube_contexts: ["*"]', 5),
        ('resources: ["*"]', 5),
        ('resources: ["arn:aws:*"]', 5),
        ('aws_accounts: ["????????????"]', 5),
    ],
)
def test_non_production_catch_all_is_an_error(criterion: str, line: int) -> None:
    text = ENVS.replace('dev: {aws_profiles: ["dev*"], kube_contexts: ["kind-*"]}', "dev: {%s}")
    text = (text % criterion) + RULES
    (finding,) = _found(text, "environment-catch-all")
    assert finding.severity is Severity.ERROR and finding.line == line
    assert finding.message.startswith("environments.dev.")
    assert "instead of unknown_environment's (production)" in finding.message


def test_catch_all_profile_lets_the_operators_admin_profile_delete_in_production() -> None:
    # The incident's shape: the operator's own broad profile is neither prod* nor dev*; with a
    # catch-all dev it is judged as dev, where deletes are allowed.
    command = "aws --profile ops-admin rds delete-db-instance --db-instance-identifier billing"
    open_ = ENVS.replace('aws_profiles: ["dev*"]', 'aws_profiles: ["*"]') + RULES
    assert _decision(open_, command) is Verdict.ALLOW
    assert _decision(ENVS + RULES, command) is Verdict.ASK
    assert _found(open_, "environment-catch-all")
    assert not _found(ENVS + RULES, "environment-catch-all")


def test_catch_all_in_production_and_listed_names_are_fine() -> None:
    """False-alarm guard: a catch-all that places everything in production is strict, and the
    BRIEF's ``["dev*", "default"]`` names what dev is."""
    strict = ENVS.replace('aws_profiles: ["prod*"]', 'aws_profiles: ["*"]') + RULES
    listed = ENVS.replace('["dev*"]', '["dev*", "default"]') + RULES
    for text in (strict, listed):
        assert not _found(text, "environment-catch-all")


def test_production_context_placed_in_staging_is_an_error() -> None:
    text = ENVS.replace('kube_contexts: ["staging-*"]', 'kube_contexts: ["eks-prod-*"]') + RULES
    (finding,) = _found(text, "production-placed-elsewhere")
    assert finding.severity is Severity.ERROR and finding.line == 4
    assert finding.message.startswith("environments.staging.kube_contexts[0] 'eks-prod-*'")


def test_preprod_and_covered_patterns_are_not_production_elsewhere() -> None:
    """False-alarm guard: ``preprod``/``non-prod`` are not production, and a pattern production
    covers too is placed in production (production wins the tie)."""
    for pattern in ("preprod-*", "non-prod-*", "prod-eu-1"):
        text = ENVS.replace('["staging-*"]', f'["staging-*", "{pattern}"]') + RULES
        assert not _found(text, "production-placed-elsewhere"), pattern


@pytest.mark.parametrize(
    ("spec", "severity", "why"),
    [
        ('production: {resources: ["prod-*"]}', Severity.ERROR, "matches no resource name form"),
        ('production: {aws_accounts: ["1111-1111-1111"]}', Severity.ERROR, "not an AWS account"),
        ('production: {aws_accounts: ["11111111111"]}', Severity.ERROR, "has 11 digits"),
        ('dev: {resources: ["dev-*"]}', Severity.WARNING, "matches no resource name form"),
    ],
)
def test_environment_criterion_that_places_nothing(spec: str, severity: Severity, why: str) -> None:
    text = f"version: 1\nenvironments:\n  {spec}\n  other: {{}}\nreviewers: {{sre: [a, b]}}\n"
    (finding,) = _found(text, "environment-matches-nothing")
    assert finding.severity is severity and finding.line == 3
    assert why in finding.message and "it places nothing in" in finding.message


def test_production_resource_pattern_of_no_form_places_nothing_there() -> None:
    # ``prod-*`` names no resource (names start arn:, k8s:...): a delete of prod-db under the
    # dev profile stays dev, where ``*prod*`` would have put it in production.
    base = (
        "version: 1\nenvironments:\n  production: {resources: ['%s']}\n"
        "  dev: {aws_profiles: ['dev*']}\nreviewers: {sre: [a, b]}\n" + RULES
    )
    command = "aws --profile dev rds delete-db-instance --db-instance-identifier prod-db"
    assert _decision(base % "prod-*", command) is Verdict.ALLOW
    assert _decision(base % "*prod*", command) is Verdict.ASK
    assert _found(base % "prod-*", "environment-matches-nothing")
    assert not _found(base % "*prod*", "environment-matches-nothing")


# -- protected and rule ARNs that miss what keyturn names ---------------------------------------


def test_protected_arn_in_the_china_partition_misses_the_cli() -> None:
    # The incident's region: keyturn names what the AWS CLI deletes arn:aws:…, in cn-north-1 too.
    command = "aws rds delete-db-instance --db-instance-identifier prod-db --region cn-north-1"
    for pattern, verdict in (
        ("arn:aws-cn:rds:*:*:db:prod-*", Verdict.ALLOW),
        ("arn:aws:rds:*:*:db:prod-*", Verdict.DENY),
    ):
        text = f"version: 1\nenvironments: {{dev: {{}}}}\nprotected: ['{pattern}']\n" + (
            "agents: {'*': {allow: [{effect: [read, delete]}]}}\n"
        )
        assert _decision(text, command) is verdict, pattern
    text = ENVS + "protected:\n  - 'arn:aws:rds:*:*:db:x'\n  - 'arn:aws-cn:rds:*:*:db:prod-*'\n"
    (finding,) = _found(text, "protected-matches-nothing")
    assert finding.severity is Severity.WARNING and finding.line == 9
    assert "has partition 'aws-cn'" in finding.message and "arn:aws:rds:" in finding.message


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("arn:aws:rds:::db:prod-*", "has no region"),
        ("arn:aws:iam:us-east-1:111111111111:role/admin", "has region 'us-east-1'"),
        ("arn:aws:rds:*:acme-prod:db:*", "has account 'acme-prod'"),
        ("arn:aws:s3:eu-west-1::acme-state", "has region 'eu-west-1'"),
    ],
)
def test_deny_rule_arn_with_fields_names_do_not_have_is_an_error(pattern: str, why: str) -> None:
    text = ENVS + f"agents:\n  '*':\n    deny:\n      - resource: '{pattern}'\n"
    (finding,) = _found(text, "rule-matches-nothing")
    assert finding.severity is Severity.ERROR and finding.line == 10
    assert why in finding.message


def test_region_left_empty_misses_a_call_that_names_its_region() -> None:
    # Copied from an S3 ARN's '::', the pattern matches only calls that do not tell the region.
    command = "aws rds delete-db-instance --db-instance-identifier prod-db --region us-east-1"
    texts = {}
    for pattern, verdict in (
        ("arn:aws:rds:::db:prod-*", Verdict.ALLOW),
        ("arn:aws:rds:*:*:db:prod-*", Verdict.DENY),
    ):
        texts[verdict] = f"version: 1\nenvironments: {{dev: {{}}}}\nprotected: ['{pattern}']\n" + (
            "agents: {'*': {allow: [{effect: [read, delete]}]}}\n"
        )
        assert _decision(texts[verdict], command) is verdict, pattern
    (finding,) = _found(texts[Verdict.ALLOW], "protected-matches-nothing")
    assert finding.line == 3 and "has no region" in finding.message
    assert not _found(texts[Verdict.DENY], "protected-matches-nothing")


def test_real_arn_layouts_are_not_flagged() -> None:
    """False-alarm guard: the layouts keyturn writes (global IAM and S3, AWS-managed policies,
    EC2 images with or without the account) stay clean."""
    from keyturn.policy.lint import protected_pattern_problem

    for pattern in (
        "arn:aws:rds:*:*:db:prod-*",
        "arn:aws:rds:cn-north-1:111111111111:db:prod-*",
        "arn:aws:iam::*:role/admin",
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:s3:::acme-terraform-state*",
        "arn:aws:ec2:*::image/ami-1",
        "arn:aws:ec2:*:*:image/ami-1",
        "arn:aws:route53:::hostedzone/Z1",
        "arn:*:rds:*:*:db:x",
        "arn:aws:sqs:*:*:jobs",
    ):
        assert protected_pattern_problem(pattern) is None, pattern


@pytest.mark.parametrize("pattern", ["*", "arn:*", "arn:aws:*", "k8s:*", "file:/*"])
def test_protected_pattern_naming_everything_is_a_warning(pattern: str) -> None:
    (finding,) = _found(ENVS + f"protected: ['{pattern}']\n", "protected-too-broad")
    assert finding.severity is Severity.WARNING and finding.line == 7
    assert finding.message.startswith(f"protected[0] '{pattern}' protects every")


def test_broad_but_meaningful_protection_is_fine() -> None:
    """False-alarm guard: ``*prod*`` and a bucket-family glob name something."""
    text = ENVS + "protected: ['*prod*', 'arn:aws:s3:::*terraform-state*', 'k8s:payments/*']\n"
    assert not _found(text, "protected-too-broad")


# -- review one person can give ------------------------------------------------------------------


def test_production_deletes_left_to_default_ask_get_one_approval() -> None:
    text = ENVS + "default: ask\nagents:\n  '*':\n    allow: [{effect: read}]\n"
    (finding,) = _found(text, "one-approval-for-destructive")
    assert finding.severity is Severity.WARNING and finding.line == 7
    assert "delete in production, replace in production" in finding.message
    decision = load_policy(text).judge(
        _shell("aws --profile prod rds delete-db-instance --db-instance-identifier db1"),  # type: ignore[arg-type]
        actor=ACTOR,
    )
    assert decision.decision is Verdict.ASK and decision.approvals_required == 1
    for closed in (ENVS + RULES, text.replace("default: ask", "default: deny")):
        assert not _found(closed, "one-approval-for-destructive")


def test_ask_for_unknown_in_production_on_one_approval_is_a_warning() -> None:
    text = ENVS + RULES + "      - {effect: unknown, environment: production}\n"
    (finding,) = _found(text, "one-approval-for-destructive")
    assert finding.severity is Severity.WARNING and finding.line == 17
    assert finding.message.startswith("agents.*.ask[1] lets 'unknown' effects in production")
    # Without the rule keyturn denies what it cannot read in production; with it, one person.
    command = "aws --profile prod frobnicate-everything --all"
    assert _decision(ENVS + RULES, command) is Verdict.DENY
    assert _decision(text, command) is Verdict.ASK


def test_scoped_or_two_person_unknown_asks_are_fine() -> None:
    """False-alarm guard: an ask for one tool's unknown calls, or for two approvals."""
    for rule in (
        "{effect: unknown, tool: 'mcp:tickets/*'}",
        "{effect: unknown, environment: production, approvals: 2}",
    ):
        assert not _found(ENVS + RULES + f"      - {rule}\n", "one-approval-for-destructive")


def test_allow_of_unknown_outside_production_is_a_warning() -> None:
    text = (ENVS + RULES).replace("- environment: dev", "- {environment: dev, effect: unknown}")
    (finding,) = _found(text, "unknown-allowed")
    assert finding.severity is Severity.WARNING and finding.line == 11
    # Under default: deny the rule turns what keyturn cannot read in dev from deny into ask.
    strict = text.replace("version: 1\n", "version: 1\ndefault: deny\n")
    command = "aws --profile dev frobnicate-everything --all"
    assert _decision(strict, command) is Verdict.ASK
    assert _decision(strict.replace(", effect: unknown", ""), command) is Verdict.DENY


@pytest.mark.parametrize(
    "reviewer",
    [
        "system:serviceaccount:ci:deployer",
        "arn:aws:iam::111111111111:role/PlatformAdmin",
        "arn:aws:sts::111111111111:assumed-role/PlatformAdmin/session",
        "deploy@acme-prod.iam.gserviceaccount.com",
        "renovate[bot]",
    ],
)
def test_machine_identity_as_reviewer_is_an_error(reviewer: str) -> None:
    text = ENVS.replace("[alice, bob, carol]", f"[alice, '{reviewer}']") + RULES
    (finding,) = _found(text, "reviewer-is-agent")
    assert finding.severity is Severity.ERROR and finding.line == 6
    assert finding.message.startswith(f"reviewers.sre[1] '{reviewer}' is a machine identity")


def test_people_in_account_spellings_are_reviewers() -> None:
    """False-alarm guard: an e-mail, a domain account and an OIDC subject are people."""
    text = ENVS.replace("[alice, bob, carol]", "[alice@acme.com, 'ACME\\\\bob', 'oidc:carol']")
    assert not _found(text + RULES, "reviewer-is-agent")


def test_allow_listed_before_an_ask_does_not_shadow_it() -> None:
    """False-alarm guard: order does not matter (ask beats allow wherever it is written)."""
    text = ENVS + (
        "agents:\n  '*':\n    allow: [{effect: [read, delete]}]\n"
        "    ask: [{effect: [delete, replace], environment: production, approvals: 2}]\n"
    )
    assert not _found(text, "destructive-without-review")
    command = "aws --profile prod rds delete-db-instance --db-instance-identifier db1"
    assert _decision(text, command) is Verdict.ASK


# -- MCP mappings that call a delete something else ----------------------------------------------

MCP = "mcp:\n  servers:\n    aws:\n      tools:\n"


def test_mapping_every_tool_as_a_read_is_an_error_and_really_allows_deletes() -> None:
    text = ENVS + RULES + MCP + "        '*': {effect: read}\n"
    (finding,) = _found(text, "mcp-mapping-weakens")
    assert finding.severity is Severity.ERROR and finding.line == 21
    assert finding.message.startswith("mcp.servers.aws.tools.* calls every tool of 'aws' a read")
    policy = load_policy(text)
    action = understand_mcp(
        "aws", "delete_stack", {"StackName": "ce"}, mappings=policy.mcp_mappings
    )
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ALLOW


@pytest.mark.parametrize(
    ("tool", "effect"),
    [("delete_stack", "update"), ("dropTable", "create"), ("write_file", "read")],
)
def test_mapping_a_changing_tool_as_less_is_an_error(tool: str, effect: str) -> None:
    text = ENVS + RULES + MCP + f"        {tool}: {{effect: {effect}}}\n"
    (finding,) = _found(text, "mcp-mapping-weakens")
    assert finding.severity is Severity.ERROR and finding.line == 21


def test_mappings_that_say_what_tools_do_are_fine() -> None:
    """False-alarm guard: reads mapped as reads, changes as what they are, SQL judged as SQL."""
    text = (
        ENVS
        + RULES
        + MCP
        + (
            "        'list_*': {effect: read}\n"
            "        describe_stacks: {effect: read}\n"
            "        delete_stack: {effect: delete}\n"
            "        run_query: {effect: read, sql: sql}\n"
            "        '*': {effect: unknown}\n"
        )
    )
    assert not _found(text, "mcp-mapping-weakens")
    assert not _found(text, "mcp-mapping-shadowed")


def test_broad_mapping_above_a_stricter_one_shadows_it() -> None:
    text = (
        ENVS
        + RULES
        + MCP
        + (
            "        '*_stack': {effect: update}\n        delete_stack: {effect: delete}\n"
            "        'get_*': {effect: read}\n        get_template: {effect: read}\n"
        )
    )
    found = _found(text, "mcp-mapping-shadowed")
    assert [(f.severity, f.line) for f in found] == [
        (Severity.ERROR, 22),
        (Severity.WARNING, 24),
    ]
    assert "so those calls are an update, not a delete" in found[0].message


# -- the command line, and the policies that must lint as they did ------------------------------


def test_lint_exits_1_on_a_catch_all_and_prints_the_key_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "keyturn.yaml"
    file.write_text(ENVS.replace('["dev*"]', '["*"]') + RULES, encoding="utf-8")
    assert main(["policy", "lint", "--json", "--policy", str(file)]) == 1
    report = json.loads(capsys.readouterr().out)
    (finding,) = [f for f in report["findings"] if f["code"] == "environment-catch-all"]
    assert finding["line"] == 5 and finding["severity"] == "error"
    assert "environments.dev.aws_profiles[0] '*'" in finding["message"]


def test_starter_and_brief_policies_lint_as_before(brief_policy_text: str) -> None:
    """False-alarm guard: none of the new checks fires on the starter or the BRIEF's policy."""
    assert lint(load_policy(starter_policy_text())) == []
    assert lint(load_policy(brief_policy_text)) == []
