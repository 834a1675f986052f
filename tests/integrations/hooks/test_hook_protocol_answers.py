"""The hook protocols end to end (formats.md §1-§2): the real ``keyturn hook AGENT`` process on
events that must be read the way the agent runs them -- a Codex shell call in its own workdir,
an MCP name more than one server could give -- and on malformed events, which every agent must
get in the form that blocks in *that* agent (an answer it reads as "go ahead" would let the
call through)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import BRIEF_POLICY
from tests.integrations.hooks.conftest import MAPPINGS


def codex_bash(tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "session_id": "01a0",
        "turn_id": "01a1",
        "transcript_path": None,
        "cwd": "/srv/infra",
        "hook_event_name": "PreToolUse",
        "model": "gpt-x",
        "permission_mode": "default",
        "tool_name": "Bash",
        "tool_input": tool_input,
        "tool_use_id": "call_abc",
    }


@pytest.fixture()
def prod_data_env(hook_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The hook's environment with /srv/prod/data protected."""
    policy = tmp_path / "protected.yaml"
    policy.write_text(
        BRIEF_POLICY.replace(
            '  - "aws_db_instance.main"\n',
            '  - "aws_db_instance.main"\n  - "file:/srv/prod/data"\n',
        )
        + MAPPINGS
    )
    return {**hook_env, "KEYTURN_POLICY": str(policy)}


@pytest.mark.parametrize("workdir", ["/srv/prod", "../prod"])
def test_codex_shell_is_judged_in_its_workdir(run_hook, prod_data_env, workdir):
    run = run_hook(
        "codex", codex_bash({"command": "rm -rf data", "workdir": workdir}), prod_data_env
    )
    assert run.code == 0
    out = run.json["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert out["permissionDecisionReason"].startswith("keyturn: denied"), out
    assert "file:/srv/prod/data" in out["permissionDecisionReason"]


def test_codex_shell_without_workdir_runs_in_cwd(run_hook, prod_data_env):
    run = run_hook("codex", codex_bash({"command": "rm -rf data"}), prod_data_env)
    reason = run.json["hookSpecificOutput"]["permissionDecisionReason"]
    assert "held for 2 reviews" in reason and "denied" not in reason


def gemini_mcp(tool: str, **extra: Any) -> dict[str, Any]:
    return {
        "session_id": "g-1",
        "transcript_path": "/t",
        "cwd": "/srv/infra",
        "hook_event_name": "BeforeTool",
        "timestamp": "2026-11-02T10:00:00Z",
        "tool_name": tool,
        "tool_input": {"path": "/srv/infra/README.md"},
        **extra,
    }


def test_gemini_ambiguous_mcp_name_is_not_the_milder_tool(run_hook, hook_env):
    """``mcp_files_read_file`` could be server ``files_read``'s tool ``file``: without
    ``mcp_context`` it is not let through as the mapped ``files`` server's read."""
    run = run_hook("gemini", gemini_mcp("mcp_files_read_file"), hook_env)
    assert run.code == 0 and run.json["decision"] == "deny"
    assert "mcp:files_read/file" in run.json["reason"]
    context = {"server_name": "files", "tool_name": "read_file"}
    run = run_hook("gemini", gemini_mcp("mcp_files_read_file", mcp_context=context), hook_env)
    assert run.json["decision"] == "allow"


def test_claude_ambiguous_mcp_name_is_judged_as_every_reading(run_hook, hook_env):
    event = {
        "session_id": "s",
        "cwd": "/srv/infra",
        "hook_event_name": "PreToolUse",
        "tool_name": "mcp__files__read__all",
        "tool_input": {"path": "/srv/infra/README.md"},
        "tool_use_id": "t",
    }
    run = run_hook("claude-code", event, hook_env)
    out = run.json["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert "mcp:files__read/all" in out["permissionDecisionReason"]


# -- a malformed event gets each agent's blocking answer ---------------------------------------

RELATIVE_CWD = {
    "claude-code": {"hook_event_name": "PreToolUse", "cwd": "."},
    "codex": {"hook_event_name": "PreToolUse", "cwd": "."},
    "gemini": {"hook_event_name": "BeforeTool", "cwd": "."},
    "kiro": {"hook_event_name": "preToolUse", "cwd": "."},
    "cursor": {"hook_event_name": "preToolUse", "workspace_roots": ["."]},
}


@pytest.mark.parametrize("agent", sorted(RELATIVE_CWD))
def test_relative_cwd_gets_the_blocking_answer(run_hook, hook_env, agent):
    event = {
        **RELATIVE_CWD[agent],
        "tool_name": "Shell" if agent == "cursor" else "Bash",
        "tool_input": {"command": "rm -rf data"},
    }
    run = run_hook(agent, event, hook_env)
    # Exit 2 with the reason on stderr blocks in every one of these agents (Codex only with a
    # non-empty stderr); exit 1 or a silent exit would let the call run.
    assert run.code == 2, (run.code, run.stdout, run.stderr)
    assert "expected an absolute directory" in run.stderr
    if agent == "claude-code":
        assert run.json["hookSpecificOutput"]["permissionDecision"] == "deny"
    elif agent == "cursor":
        assert run.json["permission"] == "deny"
    else:
        assert run.stdout == ""


@pytest.mark.parametrize("agent", sorted(RELATIVE_CWD))
def test_hostile_nesting_gets_the_blocking_answer(run_hook, hook_env, agent):
    """JSON nested past the parser's recursion limit is refused, not a traceback (exit 1)."""
    depth = 100_000
    data = '{"hook_event_name":"x","tool_input":' + "[" * depth + "]" * depth + "}"
    run = run_hook(agent, data, hook_env)
    assert run.code == 2 and run.stderr.startswith("keyturn: refused"), run.stderr[:200]


def test_codex_permission_request_blocking_is_a_json_deny(run_hook, hook_env):
    """Codex's PermissionRequest: a JSON deny (exit 0) or exit 2 with stderr; the failure
    answer gives the JSON deny."""
    event = {**codex_bash({"command": "ls"}), "hook_event_name": "PermissionRequest", "cwd": "x"}
    del event["tool_use_id"]
    run = run_hook("codex", event, hook_env)
    decision = json.loads(run.stdout)["hookSpecificOutput"]["decision"]
    assert decision["behavior"] == "deny" and "absolute directory" in decision["message"]
