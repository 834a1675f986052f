"""Scenario files and the ``keyturn policy`` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import keyturn.understand
from keyturn.cli import main
from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Target
from keyturn.policy import load_policy
from keyturn.policy.scenarios import parse_scenarios, run_scenario

from .helpers import effect


def fake_shell(
    command: str, *, cwd: str = "/", home: str = "/root", target: Target | None = None, **_: Any
) -> Action:
    """A stand-in shell understander: ``rm -rf PATH`` deletes ``file:PATH``, else unknown."""
    target = target or Target()
    words = command.split()
    if words[:2] == ["rm", "-rf"]:
        path = words[2].replace("~", home)
        path = path if path.startswith("/") else f"{cwd.rstrip('/')}/{path}"
        effects = (
            effect("delete", f"file:{path.rstrip('/') or '/'}", service="file", target=target),
        )
    else:
        effects = (effect("unknown", "shell:command", command=command, target=target),)
    return Action(kind=ActionKind.SHELL, summary=command, effects=effects, target=target)


@pytest.fixture()
def shell(monkeypatch: pytest.MonkeyPatch) -> None:
    real = keyturn.understand.understander

    def pick(kind: ActionKind):  # type: ignore[no-untyped-def]
        return fake_shell if kind is ActionKind.SHELL else real(kind)

    monkeypatch.setattr(keyturn.understand, "understander", pick)


SCENARIOS = """\
policy: keyturn.yaml
scenarios:
  - name: home wipe
    agent: claude-code
    operator: dev
    kind: shell
    input: {command: "rm -rf ~/", cwd: /home/dev/app, home: /home/dev}
    expect: deny
    rule: builtin:catastrophic
  - name: project delete in dev
    agent: claude-code
    env: dev
    kind: shell
    input: {command: "rm -rf build", cwd: /home/dev/app}
    expect: allow
  - name: not understood in production
    kind: shell
    input: {command: "frobnicate --all"}
    expect: ask
"""


def write(tmp_path: Path, policy_text: str, scenarios: str = SCENARIOS) -> Path:
    (tmp_path / "keyturn.yaml").write_text(policy_text)
    file = tmp_path / "scenarios.yaml"
    file.write_text(scenarios)
    return file


def test_parse_and_run(shell: None, brief_policy_text: str) -> None:
    parsed = parse_scenarios(SCENARIOS, source="s.yaml")
    assert parsed.policy == "keyturn.yaml" and len(parsed.scenarios) == 3
    policy = load_policy(brief_policy_text)
    results = [run_scenario(s, policy=policy, read_text=lambda p: "") for s in parsed.scenarios]
    assert [r.passed for r in results] == [True, True, False]
    assert str(results[0]) == "PASS home wipe"
    assert str(results[2]).startswith(
        "FAIL not understood in production: expected ask, got deny (rule "
        "builtin:unknown-in-production"
    )


def test_approvals_and_rule_expectations(shell: None, brief_policy_text: str) -> None:
    text = (
        "scenarios:\n  - {name: a, env: production, kind: shell, input: {command: 'rm -rf /srv/x'},"
        " expect: ask, approvals: 1}\n"
        "  - {name: b, env: production, kind: shell, input: {command: 'rm -rf /srv/x'},"
        " expect: ask, rule: 'agents.*.ask[0]'}\n"
    )
    policy = load_policy(brief_policy_text)
    a, b = (
        run_scenario(s, policy=policy, read_text=str)
        for s in parse_scenarios(text, source="s").scenarios
    )
    assert a.message == "expected 1 approval(s), got 2 (rule agents.*.ask[1])"
    assert b.message == "expected rule agents.*.ask[0], got agents.*.ask[1]"


def test_document_kinds_read_files_beside(brief_policy_text: str) -> None:
    plan = {"format_version": "1.2", "resource_changes": []}
    text = (
        "scenarios:\n  - {name: p, kind: terraform, input: {file: plan.json}, expect: allow}\n"
        "  - {name: q, kind: terraform, input: {file: plan.json, json: {}}, expect: allow}\n"
    )
    policy = load_policy(brief_policy_text)
    seen: list[str] = []

    def read(path: str) -> str:
        seen.append(path)
        return json.dumps(plan)

    p, q = parse_scenarios(text, source="s").scenarios
    run_scenario(p, policy=policy, read_text=read)
    assert seen == ["plan.json"]
    assert "exactly one of 'file', 'json'" in run_scenario(q, policy=policy, read_text=read).message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("scenarios: []\n", "non-empty list"),
        (
            "scenarios:\n  - {name: a, kind: shel, input: {}, expect: deny}\n",
            "did you mean 'shell'",
        ),
        (
            "scenarios:\n  - {name: a, kind: shell, input: {cmd: x}, expect: deny}\n",
            "unknown key 'cmd'",
        ),
        (
            "scenarios:\n  - {name: a, kind: shell, input: {command: x}, expect: maybe}\n",
            "not one of",
        ),
        ("scenarios:\n  - {name: a, kind: shell, expect: deny}\n", "missing 'input'"),
        ("scenarioz: []\n", "did you mean 'scenarios'"),
    ],
)
def test_bad_scenario_files(text: str, problem: str) -> None:
    with pytest.raises(InputError) as info:
        parse_scenarios(text, source="s.yaml")
    assert problem in str(info.value) and str(info.value).startswith("s.yaml:")


def test_cli_test_passes_and_fails(
    shell: None, tmp_path: Path, brief_policy_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(tmp_path, brief_policy_text)
    assert main(["policy", "test", str(file)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "PASS home wipe" and out[1] == "PASS project delete in dev"
    assert out[2].startswith("FAIL not understood in production: expected ask, got deny")
    assert out[-1] == "2 passed, 1 failed"
    fixed = SCENARIOS.replace("    expect: ask\n", "    expect: deny\n")
    file.write_text(fixed)
    assert main(["policy", "test", str(file)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "3 passed, 0 failed"


def test_cli_test_bad_file_exits_2(
    tmp_path: Path, brief_policy_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write(tmp_path, brief_policy_text, "scenarios: 3\n")
    assert main(["policy", "test", str(file)]) == 2
    assert "scenarios: expected a non-empty list" in capsys.readouterr().err
    assert main(["policy", "test", str(tmp_path / "nope.yaml")]) == 2


def test_cli_lint(
    tmp_path: Path, brief_policy_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    assert main(["policy", "lint", "--policy", str(policy)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"0 error(s), 0 warning(s) in {policy}")
    policy.write_text(brief_policy_text.replace("default: ask", "default: allow"))
    assert main(["policy", "lint", "--policy", str(policy), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"] == 1 and data["findings"][0]["code"] == "default-allow"
    assert data["findings"][0]["line"] == 2
    policy.write_text("version: 7\n")
    assert main(["policy", "lint", "--policy", str(policy)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"keyturn policy: {policy}:1: version: unsupported version 7 (expected 1)"
    )


def test_cli_explain(
    tmp_path: Path, brief_policy_text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    assert main(["policy", "explain", "--agent", "kiro", "--policy", str(policy)]) == 0
    out = capsys.readouterr().out
    assert "EFFECT" in out and "agents.kiro.deny[0]" in out
    assert (
        main(
            [
                "policy",
                "explain",
                "--agent",
                "kiro",
                "--env",
                "dev",
                "--json",
                "--policy",
                str(policy),
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert {p["environment"] for p in data["permissions"]} == {"dev"}
    assert (
        main(["policy", "explain", "--agent", "kiro", "--env", "prod", "--policy", str(policy)])
        == 2
    )
    assert "did you mean 'production'?" in capsys.readouterr().err
    assert main(["policy", "explian"]) == 2
    assert "did you mean 'explain'?" in capsys.readouterr().err


def test_shipped_scenarios_parse() -> None:
    root = Path(__file__).resolve().parents[2] / "scenarios"
    parsed = parse_scenarios((root / "incidents.yaml").read_text(), source="incidents.yaml")
    assert len(parsed.scenarios) >= 12
    policy = load_policy((root / parsed.policy).read_text())  # type: ignore[operator]
    assert policy.environment_names == ("production", "staging", "dev")
