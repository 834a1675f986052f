"""Red-team reproducers through the real ``keyturn hook AGENT`` process: a file tool's path
spelled to slip past self-protection (``//``), a Codex patch header hidden behind indentation,
and the search tools on keyturn's state directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def claude(tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "session_id": "s-paths",
        "cwd": "/srv/infra",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
    }


def codex_patch(patch: str) -> dict[str, Any]:
    return {
        "session_id": "c-paths",
        "turn_id": "t",
        "transcript_path": None,
        "cwd": "/srv/infra",
        "hook_event_name": "PreToolUse",
        "model": "gpt-x",
        "permission_mode": "default",
        "tool_name": "apply_patch",
        "tool_input": {"command": patch},
        "tool_use_id": "call_p",
    }


def _denied_by_self_protection(run: Any) -> bool:
    out = run.json["hookSpecificOutput"]
    return (
        out["permissionDecision"] == "deny"
        and "builtin:self-protection" in (out["permissionDecisionReason"])
    )


def test_claude_write_with_a_double_slash_is_denied(run_hook, hook_env):
    # ``//root/.claude`` once read as the UNC share \\root\.claude, hiding the folder's name
    for path in ("//root/.claude/settings.json", "//etc/claude-code/managed-settings.json"):
        write = claude("Write", {"file_path": path, "content": '{"disableAllHooks": true}'})
        run = run_hook("claude-code", write, hook_env)
        assert run.code == 0 and _denied_by_self_protection(run), (path, run.stdout)


def test_codex_header_after_a_hunk_is_read_as_codex_reads_it(run_hook, hook_env):
    # Codex trims each line before it looks for a header: the tab hides nothing.
    patch = (
        "*** Begin Patch\n*** Add File: notes.txt\n+x\n"
        "\t*** Add File: /tmp/p/keyturn.yaml\n+default: allow\n*** End Patch"
    )
    run = run_hook("codex", codex_patch(patch), hook_env)
    assert run.code == 0 and run.stdout, "an indented header must not pass silently"
    assert _denied_by_self_protection(run), run.stdout
    assert "/tmp/p/keyturn.yaml" in run.json["hookSpecificOutput"]["permissionDecisionReason"]


def test_search_tools_on_the_state_directory_are_denied(run_hook, hook_env):
    state = hook_env["KEYTURN_HOME"]
    Path(state).mkdir(parents=True, exist_ok=True)
    for tool, tool_input in (
        ("Grep", {"pattern": ".", "path": state}),
        ("Glob", {"pattern": "*", "path": state}),
        ("Grep", {"pattern": ".", "path": f"{hook_env['HOME']}/.keyturn"}),
        ("Read", {"file_path": f"/proc/self/root{state}/audit-signing.key"}),
    ):
        run = run_hook("claude-code", claude(tool, tool_input), hook_env)
        assert run.code == 0 and _denied_by_self_protection(run), (tool, tool_input, run.stdout)
