"""Loading and validating the policy file."""

from __future__ import annotations

from pathlib import Path

import pytest

from keyturn.errors import InputError, PolicyError
from keyturn.model import EffectKind, Verdict
from keyturn.policy import load_policy, load_policy_file
from keyturn.policy.starter import starter_policy_text


def test_brief_policy_loads(brief_policy_text: str) -> None:
    policy = load_policy(brief_policy_text)
    assert policy.environment_names == ("production", "staging", "dev")
    assert dict(policy.reviewers) == {"sre": ("alice", "bob", "carol"), "dba": ("dave", "erin")}
    assert policy.default is Verdict.ASK
    assert policy.unknown_environment == "production"
    assert policy.protected[1] == "aws_db_instance.main"
    assert policy.digest.startswith("sha256:") and len(policy.digest) == 71
    assert policy.settings.request_ttl_seconds == 3600
    assert policy.settings.grant_ttl_seconds == 900
    assert policy.settings.mcp_wait_seconds == 300
    assert dict(policy.credentials.aws) == {}
    assert policy.mcp_mappings == ()


def test_digest_ignores_comments_whitespace_order_and_spelling(brief_policy_text: str) -> None:
    base = load_policy(brief_policy_text).digest
    reordered = brief_policy_text.replace(
        "version: 1\ndefault: ask", "default: ask   # moved\nversion: 1"
    ).replace("      - effect: read\n", "      - effect: [read]   # same meaning\n")
    assert reordered != brief_policy_text
    assert load_policy(reordered).digest == base
    assert load_policy(brief_policy_text + "\n\n# trailing comment\n").digest == base


def test_digest_changes_with_meaning(brief_policy_text: str) -> None:
    changed = brief_policy_text.replace("approvals: 2", "approvals: 3")
    assert load_policy(changed).digest != load_policy(brief_policy_text).digest


def test_optional_sections(brief_policy_text: str) -> None:
    text = brief_policy_text + (
        "settings:\n  request_ttl: 2h\n  grant_ttl: 90s\n  mcp_wait: 1h30m\n"
        "credentials:\n  aws:\n    production:\n"
        "      role_arn: arn:aws:iam::111111111111:role/agent\n      duration_seconds: 3600\n"
        "    dev: {role_arn: 'arn:aws:iam::222222222222:role/agent'}\n"
        "mcp:\n  servers:\n    fs:\n      tools:\n"
        "        'write_*': {effect: update, resources: ['file:{path}']}\n"
        "        query: {sql: sql}\n"
    )
    policy = load_policy(text)
    assert policy.settings.request_ttl_seconds == 7200
    assert policy.settings.grant_ttl_seconds == 90
    assert policy.settings.mcp_wait_seconds == 5400
    assert policy.credentials.aws["production"].duration_seconds == 3600
    assert policy.credentials.aws["dev"].duration_seconds == 900
    fs_write, query = policy.mcp_mappings
    assert (fs_write.server, fs_write.tool, fs_write.effect) == ("fs", "write_*", EffectKind.UPDATE)
    assert fs_write.resources == ("file:{path}",)
    assert query.sql_argument == "sql" and query.effect is EffectKind.UNKNOWN


def test_production_list_and_glob_agent_keys() -> None:
    policy = load_policy(
        "version: 1\nproduction: [live, prod-eu]\nunknown_environment: live\n"
        "environments:\n  live: {}\n  prod-eu: {}\n  dev: {}\n"
        "reviewers: {sre: [alice]}\n"
        "agents:\n  'claude-*':\n    deny: [{service: iam}]\n"
    )
    assert policy.production_environments == frozenset({"live", "prod-eu"})


def test_starter_policy_loads() -> None:
    policy = load_policy(starter_policy_text(), source="starter.yaml")
    assert "production" in policy.environment_names
    assert policy.settings.grant_ttl_seconds == 900


def test_load_policy_file(tmp_path: Path, brief_policy_text: str) -> None:
    file = tmp_path / "keyturn.yaml"
    file.write_text(brief_policy_text)
    assert load_policy_file(file).digest == load_policy(brief_policy_text).digest
    with pytest.raises(PolicyError, match="not found"):
        load_policy_file(tmp_path / "missing.yaml")
    with pytest.raises(PolicyError, match="is a directory"):
        load_policy_file(tmp_path)


def _error(text: str) -> str:
    with pytest.raises(PolicyError) as info:
        load_policy(text)
    message = str(info.value)
    assert "\n" not in message
    assert isinstance(info.value, InputError)
    return message


def test_unknown_key_names_line_and_suggests(brief_policy_text: str) -> None:
    text = brief_policy_text.replace("        approvals: 1\n", "        aprovals: 1\n")
    assert _error(text) == (
        "keyturn.yaml:40: agents.*.ask[0]: unknown key 'aprovals' (did you mean 'approvals'?)"
    )


def test_unknown_top_level_key(brief_policy_text: str) -> None:
    message = _error(brief_policy_text.replace("default: ask", "defualt: ask"))
    assert message == "keyturn.yaml:2: unknown key 'defualt' (did you mean 'default'?)"


def test_wrong_types(brief_policy_text: str) -> None:
    assert _error(brief_policy_text.replace("approvals: 2", "approvals: two")) == (
        "keyturn.yaml:44: agents.*.ask[1].approvals: expected an integer, got a string"
    )
    assert "expected a mapping" in _error("version: 1\nagents: [a, b]\n")
    assert "must be at least 1" in _error(brief_policy_text.replace("approvals: 2", "approvals: 0"))
    assert "applies to ask rules only" in _error(
        brief_policy_text.replace(
            "      - effect: read\n", "      - effect: read\n        approvals: 2\n"
        )
    )


def test_bad_effect_value_suggests(brief_policy_text: str) -> None:
    message = _error(brief_policy_text.replace("effect: read", "effect: reed"))
    assert message.startswith("keyturn.yaml:32: agents.*.allow[0].effect: 'reed' is not one of")
    assert message.endswith("(did you mean 'read'?)")


def test_undefined_reviewer_group(brief_policy_text: str) -> None:
    text = brief_policy_text.replace(
        "reviewers: [sre]\n      - effect: [delete", "reviewers: [sres]\n      - effect: [delete"
    )
    assert _error(text) == (
        "keyturn.yaml:41: agents.*.ask[0].reviewers[0]: undefined reviewer group 'sres' "
        "(did you mean 'sre'?)"
    )


def test_undefined_environment(brief_policy_text: str) -> None:
    text = brief_policy_text.replace("environment: dev", "environment: devel")
    assert _error(text) == (
        "keyturn.yaml:34: agents.*.allow[1].environment: undefined environment 'devel' "
        "(did you mean 'dev'?)"
    )
    text = brief_policy_text.replace("unknown_environment: production", "unknown_environment: prod")
    assert "undefined environment 'prod'" in _error(text)


def test_duplicate_key(brief_policy_text: str) -> None:
    text = brief_policy_text.replace("  kiro:\n", "  kiro:\n    allow: []\n    allow: []\n")
    assert _error(text) == "keyturn.yaml:50: agents.kiro: duplicate key 'allow'"
    assert "duplicate key 'sre'" in _error(
        brief_policy_text.replace("  dba: [dave, erin]", "  sre: [dave, erin]")
    )


def test_alias_bomb_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"b{i}: &b{i} [*a, *a, *a]\n" for i in range(10)
    )
    assert "YAML aliases" in _error(bomb)


def test_huge_file_is_refused() -> None:
    message = _error("version: 1\n" + "# padding\n" * 120_000)
    assert "larger than 1 MiB" in message


def test_version_must_be_one(brief_policy_text: str) -> None:
    assert _error(brief_policy_text.replace("version: 1", "version: 2")) == (
        "keyturn.yaml:1: version: unsupported version 2 (expected 1)"
    )
    assert "missing 'version: 1'" in _error("default: ask\n")
    assert "empty" in _error("")


def test_invalid_yaml_names_line() -> None:
    assert _error("version: 1\nagents: [\n").startswith("keyturn.yaml:3: invalid YAML")


def test_source_names_the_file() -> None:
    with pytest.raises(PolicyError, match=r"^team.yaml:1: "):
        load_policy("version: 3\n", source="team.yaml")


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ("settings:\n  request_ttl: 1x\n", "not a duration"),
        ("settings:\n  grant_tll: 1m\n", "did you mean 'grant_ttl'?"),
        ("credentials:\n  aws:\n    production: {role_arn: nope}\n", "not an IAM role ARN"),
        (
            "credentials:\n  aws:\n    production:\n"
            "      role_arn: arn:aws:iam::111111111111:role/a\n      duration_seconds: 60\n",
            "between 900 and 3600",
        ),
        (
            "credentials:\n  aws:\n    prod: {role_arn: 'arn:aws:iam::111111111111:role/a'}\n",
            "undefined environment 'prod'",
        ),
        ("mcp:\n  servers:\n    fs:\n      tools:\n        x: {effect: wipe}\n", "not one of"),
        (
            "mcp:\n  servers:\n    fs:\n      tools:\n        x: {resources: ['file:{path']}\n",
            "unbalanced braces",
        ),
        ("mcp:\n  servers:\n    fs:\n      tols: {}\n", "did you mean 'tools'?"),
    ],
)
def test_optional_section_errors(brief_policy_text: str, section: str, problem: str) -> None:
    assert problem in _error(brief_policy_text + section)


def test_duplicate_rule_names() -> None:
    text = (
        "version: 1\nagents:\n  '*':\n    deny:\n      - {service: iam, name: no-iam}\n"
        "      - {service: sts, name: no-iam}\n"
    )
    assert "rule name 'no-iam' is already used by agents.*.deny[0]" in _error(text)
