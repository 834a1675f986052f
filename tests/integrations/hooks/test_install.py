"""``keyturn hook install AGENT``: the agent's settings entry, merged into an existing file
without losing anything, idempotent."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

KEYTURN = str(Path(sys.executable).with_name("keyturn"))


def install(agent: str, home: Path, *args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [KEYTURN, "hook", "install", agent, *args],
        capture_output=True,
        text=True,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        cwd=cwd,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_claude_code_user_scope_merges_and_is_idempotent(tmp_path: Path):
    settings = tmp_path / ".claude" / "settings.json"
    settings.parent.mkdir()
    existing = {
        "permissions": {"allow": ["Bash(git status)"]},
        "model": "opus",
        "hooks": {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "other-guard"}]}
            ],
            "Stop": [{"hooks": [{"type": "command", "command": "notify"}]}],
        },
    }
    settings.write_text(json.dumps(existing))
    out = install("claude-code", tmp_path, "--policy", str(tmp_path / "p.yaml"))
    assert out.startswith("keyturn hook installed for claude-code")
    data = json.loads(settings.read_text())
    assert data["permissions"] == existing["permissions"] and data["model"] == "opus"
    assert data["hooks"]["Stop"] == existing["hooks"]["Stop"]
    groups = data["hooks"]["PreToolUse"]
    assert groups[0] == existing["hooks"]["PreToolUse"][0]
    assert groups[1]["matcher"] == "*"
    handler = groups[1]["hooks"][0]
    assert handler["type"] == "command" and handler["timeout"] == 30
    assert handler["command"] == f"{KEYTURN} hook claude-code --policy {tmp_path / 'p.yaml'}"
    again = install("claude-code", tmp_path, "--policy", str(tmp_path / "p.yaml"))
    assert again.startswith("keyturn hook already installed")
    assert json.loads(settings.read_text()) == data


def test_project_scope_paths(tmp_path: Path):
    project = tmp_path / "proj"
    project.mkdir()
    expected = {
        "claude-code": ".claude/settings.json",
        "codex": ".codex/hooks.json",
        "gemini": ".gemini/settings.json",
        "cursor": ".cursor/hooks.json",
        "kiro": ".kiro/agents/keyturn.json",
    }
    for agent, rel in expected.items():
        install(agent, tmp_path / "home", "--scope", "project", "--project", str(project))
        assert (project / rel).is_file(), agent
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize(
    ("agent", "rel", "check"),
    [
        (
            "codex",
            ".codex/hooks.json",
            lambda d: d["hooks"]["PreToolUse"][-1]["hooks"][0]["command"].endswith("hook codex"),
        ),
        (
            "gemini",
            ".gemini/settings.json",
            lambda d: (
                d["hooksConfig"]["enabled"] is True
                and d["hooks"]["BeforeTool"][-1]["hooks"][0]["timeout"] == 30000
            ),
        ),
        (
            "cursor",
            ".cursor/hooks.json",
            lambda d: (
                d["version"] == 1
                and all(
                    d["hooks"][e][-1]["failClosed"] is True
                    for e in (
                        "beforeShellExecution",
                        "beforeMCPExecution",
                        "beforeReadFile",
                        "preToolUse",
                    )
                )
            ),
        ),
        (
            "kiro",
            ".kiro/agents/keyturn.json",
            lambda d: (
                d["hooks"]["preToolUse"][-1]["timeout_ms"] == 30000
                and d["hooks"]["preToolUse"][-1]["cache_ttl_seconds"] == 0
            ),
        ),
    ],
)
def test_each_agent_merges_into_existing_settings(tmp_path: Path, agent, rel, check):
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    event = {
        "codex": "PreToolUse",
        "gemini": "BeforeTool",
        "cursor": "beforeShellExecution",
        "kiro": "preToolUse",
    }[agent]
    theirs = (
        {"command": "theirs"}
        if agent in ("cursor", "kiro")
        else {"matcher": "x", "hooks": [{"type": "command", "command": "theirs"}]}
    )
    path.write_text(json.dumps({"keep": {"me": [1, 2]}, "hooks": {event: [theirs]}}))
    install(agent, tmp_path)
    data = json.loads(path.read_text())
    assert data["keep"] == {"me": [1, 2]}
    assert data["hooks"][event][0] == theirs
    assert check(data)
    install(agent, tmp_path)
    assert json.loads(path.read_text()) == data


def test_invalid_settings_file_is_refused_not_overwritten(tmp_path: Path):
    settings = tmp_path / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text("{ not json")
    done = subprocess.run(
        [KEYTURN, "hook", "install", "claude-code"],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path)},
        timeout=60,
    )
    assert done.returncode == 2
    assert "not valid JSON" in done.stderr and str(settings) in done.stderr
    assert settings.read_text() == "{ not json"


@pytest.mark.parametrize(
    ("agent", "rel", "before", "events"),
    [
        (
            "claude-code",
            ".claude/settings.json",
            "PreToolUse",
            ["PostToolUse", "PostToolUseFailure"],
        ),
        ("codex", ".codex/hooks.json", "PreToolUse", ["PostToolUse"]),
        ("gemini", ".gemini/settings.json", "BeforeTool", ["AfterTool"]),
        ("kiro", ".kiro/agents/keyturn.json", "preToolUse", ["postToolUse"]),
    ],
)
def test_outcomes_add_the_after_tool_entries(tmp_path: Path, agent, rel, before, events):
    install(agent, tmp_path, "--outcomes")
    data = json.loads((tmp_path / rel).read_text())
    hooks = data["hooks"]
    assert set(hooks) == {before, *events}
    for event in events:
        (group,) = hooks[event]
        handler = group if agent == "kiro" else group["hooks"][0]
        assert handler["command"] == f"{KEYTURN} hook {agent}"
        if agent in ("claude-code", "codex"):
            assert handler["async"] is True  # the tool has run: nothing waits for the record
    again = install(agent, tmp_path, "--outcomes")
    assert again.startswith("keyturn hook already installed")
    assert json.loads((tmp_path / rel).read_text()) == data


def test_outcomes_are_refused_for_an_agent_without_after_tool_events(tmp_path: Path):
    done = subprocess.run(
        [KEYTURN, "hook", "install", "cursor", "--outcomes"],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 2
    assert "--outcomes: cursor" in done.stderr
    assert not (tmp_path / ".cursor").exists()  # nothing half-written
