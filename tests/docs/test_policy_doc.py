"""docs/policy.md against the code: its examples load and lint clean, its error messages are the
real ones, and every key, rule id, lint code and name form is documented, and only those."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from keyturn.cli import main
from keyturn.errors import PolicyError
from keyturn.policy import Settings, load_policy
from keyturn.policy.lint import NAME_FORMS, Severity, lint
from keyturn.policy.scenarios import INPUT_KEYS, SCENARIO_KEYS, parse_scenarios, run_scenario
from keyturn.policy.sections import SETTINGS_KEYS
from keyturn.policy.validate import ENV_KEYS, RULE_KEYS, SECTION_KEYS, TOP_KEYS

REPO = Path(__file__).resolve().parents[2]
DOC = (REPO / "docs" / "policy.md").read_text(encoding="utf-8")
POLICY_SOURCES = sorted((REPO / "src" / "keyturn" / "policy").glob("*.py"))


def _blocks(marker: str, language: str = "yaml") -> list[str]:
    return re.findall(rf"<!-- {marker} -->\n```{language}\n(.*?)```", DOC, flags=re.S)


def _section(title: str) -> str:
    """The text of the ``## title`` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", DOC, flags=re.S | re.M)
    assert match, f"docs/policy.md has no section '{title}'"
    return match.group(1)


def _first_column(section: str) -> list[str]:
    """Backticked words in the first cell of each table row of ``section``."""
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [w for row in rows for w in re.findall(r"`([^`]+)`", row.split("|")[1])]


EXAMPLES = _blocks("policy-example")


def test_there_are_worked_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_example_loads_and_lints_without_errors(index: int, tmp_path: Path, capsys) -> None:
    text = EXAMPLES[index]
    policy = load_policy(text, source=f"example-{index}.yaml")
    errors = [f for f in lint(policy) if f.severity is Severity.ERROR]
    assert not errors, [str(f) for f in errors]
    file = tmp_path / "keyturn.yaml"
    file.write_text(text, encoding="utf-8")
    assert main(["policy", "lint", "--policy", str(file)]) == 0
    assert "0 error(s)" in capsys.readouterr().out


ERRORS = re.findall(
    r"<!-- policy-error -->\n```yaml\n(.*?)```\n\n```text\n(.*?)\n```", DOC, flags=re.S
)


def test_there_are_error_examples() -> None:
    assert len(ERRORS) >= 3


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_documented_error_is_the_real_message(index: int) -> None:
    text, message = ERRORS[index]
    with pytest.raises(PolicyError) as raised:
        load_policy(text, source="keyturn.yaml")
    assert str(raised.value) == message


def test_scenario_example_passes_against_the_first_example() -> None:
    (scenarios,) = _blocks("scenario-example")
    policy = load_policy(EXAMPLES[0])
    parsed = parse_scenarios(scenarios, source="scenarios.yaml")
    assert len(parsed.scenarios) >= 5

    def no_files(path: str) -> str:
        raise AssertionError(f"the documented scenarios read no file ({path})")

    results = [run_scenario(s, policy=policy, read_text=no_files) for s in parsed.scenarios]
    assert [str(r) for r in results if not r.passed] == []


def test_every_builtin_rule_id_is_documented_and_exists() -> None:
    in_code = {
        rule
        for source in POLICY_SOURCES
        for rule in re.findall(r'"(builtin:[a-z-]+)"', source.read_text(encoding="utf-8"))
    }
    table = set(_first_column(_section("Rule ids in decisions")))
    assert {r for r in table if r.startswith("builtin:")} == in_code
    assert {r for r in re.findall(r"builtin:[a-z]+(?:-[a-z]+)*", DOC)} == in_code
    # The rule ids that are not constants: the protected pattern and the default.
    engine = (REPO / "src" / "keyturn" / "policy" / "engine.py").read_text(encoding="utf-8")
    protection = (REPO / "src" / "keyturn" / "policy" / "protection.py").read_text("utf-8")
    assert 'f"protected[{i}]"' in protection and "protected[i]" in table
    assert '"default"' in engine and "default" in table


def _lint_codes_in_code() -> set[str]:
    text = (REPO / "src" / "keyturn" / "policy" / "lint.py").read_text(encoding="utf-8")
    # The first string literal of each _finding(...) call is its code.
    return {m for m in re.findall(r'_finding\(\s*policy,[^"]*?"([a-z]+(?:-[a-z]+)+)"', text)}


def test_every_lint_code_is_documented_and_exists() -> None:
    codes = _lint_codes_in_code()
    assert len(codes) >= 9
    documented = set(_first_column(_section("Lint findings")))
    assert documented == codes


def test_every_name_form_is_documented() -> None:
    documented = set(_first_column(_section("Resource names")))
    assert set(NAME_FORMS) - {"file:/"} | {"file:", "shell:"} <= documented
    for form in documented - {"file:"}:
        assert form in NAME_FORMS or form == "shell:", f"{form} is not a name keyturn produces"


def test_every_key_is_documented() -> None:
    keys = {
        *TOP_KEYS,
        *ENV_KEYS,
        *RULE_KEYS,
        *SECTION_KEYS,
        *SETTINGS_KEYS,
        *SCENARIO_KEYS,
        *(k for keys in INPUT_KEYS.values() for k in keys),
        "role_arn",
        "duration_seconds",
        "read_role_arn",
        "servers",
        "tools",
        "resources",
        "sql",
        "shell",
    }
    missing = sorted(k for k in keys if f"`{k}`" not in DOC and f"{k}:" not in DOC)
    assert not missing, f"keys missing from docs/policy.md: {missing}"


def test_key_tables_match_the_schema() -> None:
    assert _first_column(_section("Keys at a glance")) == list(
        (*TOP_KEYS[:7], "agents", "settings", "credentials", "mcp")
    )
    assert set(_first_column(_section("Keys at a glance"))) == set(TOP_KEYS)
    rule_table = re.search(r"### Rule keys\n(.*?)(?=\n## )", DOC, flags=re.S)
    assert rule_table
    assert _first_column(rule_table.group(1)) == list(RULE_KEYS)
    assert set(_first_column(_section("Environments"))) == set(ENV_KEYS)
    settings = [k for k in _first_column(_section("Settings")) if not k.endswith("_seconds")]
    assert set(settings) == {k for k in SETTINGS_KEYS if not k.endswith("_seconds")}


def test_documented_setting_defaults_are_the_real_ones() -> None:
    section = _section("Settings")
    defaults = Settings()
    for key, seconds in (
        ("request_ttl", defaults.request_ttl_seconds),
        ("grant_ttl", defaults.grant_ttl_seconds),
        ("mcp_wait", defaults.mcp_wait_seconds),
    ):
        row = next(line for line in section.splitlines() if line.startswith(f"| `{key}`"))
        assert f"({seconds} s)" in row, row
    assert defaults.unsafe_allow_self_modification is False


def test_explain_output_shown_is_the_real_one() -> None:
    from keyturn.policy.explain import explain

    section = _section("keyturn policy explain")
    shown = re.search(r"```text\n(.*?)\n```", section, flags=re.S)
    assert shown
    policy = load_policy(EXAMPLES[0])
    rendered = explain(policy, agent="kiro", environments=["production"]).render()
    # The page leaves out the closing reminder line that every explanation ends with.
    assert rendered.startswith(shown.group(1) + "\n")


@pytest.mark.parametrize(
    ("tool", "arguments", "verdict", "approvals"),
    [
        ("postgres query", {"sql": "DELETE FROM t", "database": "orders"}, "ask", 2),
        ("fs write_file", {"path": "/srv/app/a.py"}, "allow", 0),
        ("tickets close", {"id": 7}, "ask", 1),
    ],
)
def test_mcp_example_decides_as_the_page_says(
    tool: str, arguments: dict[str, object], verdict: str, approvals: int
) -> None:
    import json

    from keyturn.model import Actor
    from keyturn.understand.mcp import understand_mcp

    command = f"keyturn check mcp {tool} --args '{json.dumps(arguments)}'"
    assert command in DOC, command
    policy = load_policy(EXAMPLES[2])
    server, name = tool.split()
    action = understand_mcp(server, name, arguments, mappings=policy.mcp_mappings)
    decision = policy.judge(action, actor=Actor(agent="agent", operator="operator"))
    assert (decision.decision.value, decision.approvals_required) == (verdict, approvals)
