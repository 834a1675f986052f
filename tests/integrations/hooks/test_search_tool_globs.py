"""Agents' search tools (Claude Code's, Gemini CLI's, Cursor's) name where their glob reads,
not only their ``path``: through the real hook process, a glob that leaves the working
directory for keyturn's state directory (absolute, ``~``, ``..``) meets the self-protection
read guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from keyturn.integrations.hooks.search_tools import searched_places


def claude(tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "session_id": "s-globs",
        "cwd": "/srv/infra",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
    }


def _decision(run: Any) -> tuple[str, str]:
    out = run.json["hookSpecificOutput"]
    return out["permissionDecision"], out["permissionDecisionReason"]


def test_globs_into_the_state_directory_are_denied(run_hook, hook_env):
    state = hook_env["KEYTURN_HOME"]
    Path(state).mkdir(parents=True, exist_ok=True)
    for tool, tool_input in (
        ("Glob", {"pattern": f"{state}/*"}),  # absolute, no path: once only the cwd was named
        ("Glob", {"pattern": f"{state}/*", "path": "/srv/infra"}),
        ("Glob", {"pattern": f"{state[:-2]}*/*"}),  # a glob part that matches the state's
        ("Glob", {"pattern": "~/.keyturn/*"}),  # the default-named state directory
        ("Glob", {"pattern": "/root/.k*/*"}),  # under a home, a glob part matching .keyturn
        ("Glob", {"pattern": f"../..{state}/**"}),  # up from the working directory
        ("Grep", {"pattern": ".", "path": "/", "glob": f"{state.lstrip('/')}/*"}),
    ):
        run = run_hook("claude-code", claude(tool, tool_input), hook_env)
        decision, reason = _decision(run)
        assert run.code == 0 and decision == "deny", (tool, tool_input, run.stdout)
        assert "builtin:self-protection" in reason, (tool, tool_input, reason)


def test_a_content_search_of_a_tree_holding_the_state_directory_is_denied(run_hook, hook_env):
    """``Grep`` over a home or ``/`` reads ``~/.keyturn/session-secret`` with the rest."""
    state = hook_env["KEYTURN_HOME"]
    Path(state).mkdir(parents=True, exist_ok=True)
    parent = str(Path(state).parent)
    for tool_input in (
        {"pattern": "BEGIN", "path": parent},
        {"pattern": "BEGIN", "path": "/"},
        {"pattern": "BEGIN", "path": parent, "glob": "session-*"},  # ripgrep: at any depth
    ):
        run = run_hook("claude-code", claude("Grep", tool_input), hook_env)
        decision, reason = _decision(run)
        assert run.code == 0 and decision == "deny", (tool_input, run.stdout)
        assert "builtin:self-protection" in reason, (tool_input, reason)
    run = run_hook("claude-code", claude("Grep", {"pattern": "x", "path": "/srv/infra"}), hook_env)
    assert "builtin:self-protection" not in _decision(run)[1], run.stdout


def test_an_ordinary_glob_is_not_refused(run_hook, hook_env):
    for tool_input in ({"pattern": "**/*.py"}, {"pattern": "src/*.tf", "path": "/srv/infra"}):
        run = run_hook("claude-code", claude("Glob", tool_input), hook_env)
        assert run.code == 0, run.stderr
        assert "builtin:self-protection" not in _decision(run)[1], (tool_input, run.stdout)


@pytest.mark.parametrize(
    ("tool", "tool_input", "places"),
    [
        ("Glob", {"pattern": "**/*.py"}, []),  # the working directory, as before
        ("Glob", {"pattern": "*", "path": "/x"}, ["/x"]),
        ("Glob", {"pattern": "/root/.keyturn/*"}, [".", "/root/.keyturn", "/root/.keyturn/*"]),
        ("Glob", {"pattern": "/etc/shadow"}, [".", "/etc/shadow"]),
        ("Glob", {"pattern": "src/**/*.py"}, [".", "./src"]),
        # Grep reads the content of the whole tree under its path, whatever its glob
        ("Grep", {"pattern": "x", "glob": "!*.key", "path": "/a"}, ["/a", "/a/*"]),
        ("Grep", {"pattern": "x", "glob": "/etc/*", "path": "/a"}, ["/a", "/a/*"]),
        ("Grep", {"pattern": "x"}, [".", "./*"]),
        ("Grep", {"pattern": "x", "path": "/"}, ["/", "/*"]),
    ],
)
def test_searched_places(tool: str, tool_input: dict[str, Any], places: list[str]) -> None:
    assert searched_places(tool, tool_input) == places


def test_gemini_and_cursor_globs_into_the_state_directory_are_denied(run_hook, hook_env):
    state = hook_env["KEYTURN_HOME"]
    Path(state).mkdir(parents=True, exist_ok=True)
    gemini = {
        "session_id": "g-globs",
        "cwd": "/srv/infra",
        "hook_event_name": "BeforeTool",
    }
    for tool, tool_input in (
        ("glob", {"pattern": f"{state}/*"}),
        ("search_file_content", {"pattern": ".", "dir_path": "/", "include": f"{state[1:]}/*"}),
    ):
        payload = {**gemini, "tool_name": tool, "tool_input": tool_input}
        run = run_hook("gemini", payload, hook_env)
        assert run.json["decision"] == "deny", (tool, run.stdout)
        assert "builtin:self-protection" in run.json["reason"], (tool, run.stdout)
    cursor = {
        "conversation_id": "c-globs",
        "generation_id": "g-1",
        "hook_event_name": "preToolUse",
        "workspace_roots": ["/srv/infra"],
        "tool_name": "Glob",
        "tool_input": {"glob_pattern": f"{state}/*"},
    }
    run = run_hook("cursor", cursor, hook_env)
    assert run.json["permission"] == "deny", run.stdout
    assert "self-protection" in run.json["agent_message"], run.stdout


def test_gemini_and_cursor_reads_of_a_tree_holding_the_state_directory_are_denied(
    run_hook, hook_env
):
    state = hook_env["KEYTURN_HOME"]
    Path(state).mkdir(parents=True, exist_ok=True)
    parent = str(Path(state).parent)
    gemini = {"session_id": "g-trees", "cwd": "/srv/infra", "hook_event_name": "BeforeTool"}
    for tool, tool_input in (
        ("read_many_files", {"paths": [parent]}),
        ("search_file_content", {"pattern": "BEGIN", "dir_path": parent}),
    ):
        run = run_hook("gemini", {**gemini, "tool_name": tool, "tool_input": tool_input}, hook_env)
        assert run.json["decision"] == "deny", (tool, run.stdout)
        assert "builtin:self-protection" in run.json["reason"], (tool, run.stdout)
    cursor = {
        "conversation_id": "c-trees",
        "generation_id": "g-1",
        "hook_event_name": "preToolUse",
        "workspace_roots": ["/srv/infra"],
        "tool_name": "Grep",
        "tool_input": {"pattern": "BEGIN", "path": parent},
    }
    run = run_hook("cursor", cursor, hook_env)
    assert run.json["permission"] == "deny", run.stdout
    assert "self-protection" in run.json["agent_message"], run.stdout
