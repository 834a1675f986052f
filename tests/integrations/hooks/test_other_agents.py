"""Codex, Gemini CLI, Cursor and Kiro hooks (formats.md §2): each agent's own event shapes
through the real ``keyturn hook AGENT`` process, answered in the form that agent honours."""

from __future__ import annotations

import json
from typing import Any

DELETE_NS = "kubectl delete ns payments --context prod-eu"


# -- Codex: no "ask", no plain "allow"; exit 2 needs stderr ------------------------------------


def codex(tool: str, tool_input: dict[str, Any], event: str = "PreToolUse") -> dict[str, Any]:
    return {
        "session_id": "01a0",
        "turn_id": "01a1",
        "transcript_path": None,
        "cwd": "/srv/infra",
        "hook_event_name": event,
        "model": "gpt-x",
        "permission_mode": "default",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": "call_abc",
    }


def test_codex_allow_is_silent(run_hook, hook_env):
    run = run_hook("codex", codex("mcp__files__read_file", {"path": "/srv/a"}), hook_env)
    assert (run.code, run.stdout, run.stderr) == (0, "", "")


def test_codex_deny_has_a_reason(run_hook, hook_env):
    run = run_hook("codex", codex("mcp__k8s__delete_namespace", {"name": "payments"}), hook_env)
    assert run.code == 0
    out = run.json["hookSpecificOutput"]
    assert out["hookEventName"] == "PreToolUse" and out["permissionDecision"] == "deny"
    assert out["permissionDecisionReason"].startswith("keyturn: denied")


def test_codex_held_is_a_deny_with_the_request(run_hook, hook_env):
    patch = "*** Begin Patch\n*** Update File: app/main.py\n@@\n-a\n+b\n*** End Patch\n"
    run = run_hook("codex", codex("apply_patch", {"command": patch}), hook_env)
    out = run.json["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny"
    assert "request 1" in out["permissionDecisionReason"]
    assert "/srv/infra/app/main.py" in out["permissionDecisionReason"]


def test_codex_permission_request(run_hook, hook_env):
    payload = codex("mcp__files__read_file", {"path": "/srv/a"}, event="PermissionRequest")
    run = run_hook("codex", payload, hook_env)
    assert run.json == {
        "hookSpecificOutput": {
            "hookEventName": "PermissionRequest",
            "decision": {"behavior": "allow"},
        }
    }


def test_codex_failures_exit_2_with_stderr(run_hook, hook_env):
    run = run_hook("codex", "[1, 2]", hook_env)
    assert (run.code, run.stdout) == (2, "")
    assert run.stderr == "keyturn: refused (codex event: expected a JSON object)\n"
    missing = codex("Bash", {"command": "ls"})
    del missing["cwd"]
    run = run_hook("codex", missing, hook_env)
    assert run.code == 2 and "missing field 'cwd'" in run.stderr


# -- Gemini CLI: {"decision", "reason"}; MCP tools mcp_<server>_<tool> ----------------------------


def gemini(tool: str, tool_input: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "session_id": "g-1",
        "transcript_path": "/t",
        "cwd": "/srv/infra",
        "hook_event_name": "BeforeTool",
        "timestamp": "2026-11-02T10:00:00Z",
        "tool_name": tool,
        "tool_input": tool_input,
        **extra,
    }


def test_gemini_allow_and_deny(run_hook, hook_env):
    run = run_hook("gemini", gemini("read_file", {"file_path": "/srv/infra/main.tf"}), hook_env)
    assert run.code == 0 and run.json["decision"] == "allow"
    run = run_hook("gemini", gemini("mcp_k8s_delete_namespace", {"name": "payments"}), hook_env)
    assert run.code == 0 and run.json["decision"] == "deny"
    assert "mcp:k8s/delete_namespace" in run.json["reason"]


def test_gemini_mcp_context_names_a_server_with_underscores(run_hook, hook_env):
    payload = gemini(
        "mcp_my_files_read_text",
        {"path": "/srv/a"},
        mcp_context={"server_name": "my_files", "tool_name": "read_text"},
    )
    run = run_hook("gemini", payload, hook_env)
    assert "mcp:my_files/read_text" in run.json["reason"]


def test_gemini_held_write(run_hook, hook_env):
    run = run_hook(
        "gemini", gemini("write_file", {"file_path": "x.txt", "content": "hi"}), hook_env
    )
    assert run.json["decision"] == "deny"
    assert "request 1" in run.json["reason"] and "/srv/infra/x.txt" in run.json["reason"]


def test_gemini_failure_blocks_with_exit_2(run_hook, hook_env):
    run = run_hook("gemini", gemini("read_file", {"file_path": 3}), hook_env)
    assert (run.code, run.stdout) == (2, "")
    assert "tool_input.file_path" in run.stderr


# -- Cursor: {"permission", "user_message", "agent_message"} ----------------------------------


def cursor(event: str, **fields: Any) -> dict[str, Any]:
    return {
        "conversation_id": "c-1",
        "generation_id": "g-1",
        "model": "m",
        "hook_event_name": event,
        "cursor_version": "1.7",
        "workspace_roots": ["/srv/infra"],
        "user_email": None,
        **fields,
    }


def test_cursor_mcp_with_tool_input_as_json_string(run_hook, hook_env):
    payload = cursor(
        "beforeMCPExecution",
        tool_name="read_file",
        tool_input=json.dumps({"path": "/srv/a"}),
        command="npx -y @acme/files",
    )
    run = run_hook("cursor", payload, hook_env)
    assert run.code == 0
    assert run.json["permission"] == "allow"  # "npx -y @acme/files" is server "files": mapped read
    assert run.json["agent_message"] == run.json["user_message"] == run.json["agentMessage"]


def test_cursor_read_file_answers_permission_only(run_hook, hook_env):
    run = run_hook(
        "cursor",
        cursor("beforeReadFile", file_path="/srv/infra/README.md", content="x", attachments=[]),
        hook_env,
    )
    assert run.json == {"permission": "allow"}


def test_cursor_delete_tool_is_held(run_hook, hook_env):
    payload = cursor("preToolUse", tool_name="Delete", tool_input={"file_path": "/srv/infra/a.tf"})
    run = run_hook("cursor", payload, hook_env)
    assert run.json["permission"] == "deny" and "request 1" in run.json["agent_message"]


def test_cursor_bad_tool_input_blocks(run_hook, hook_env):
    payload = cursor("beforeMCPExecution", tool_name="x", tool_input="{oops", url="http://h/mcp")
    run = run_hook("cursor", payload, hook_env)
    assert run.code == 2 and run.json["permission"] == "deny"
    assert "tool_input: not valid JSON" in run.json["agent_message"]


# -- Kiro CLI: exit 0 lets it run, exit 2 blocks with stderr ----------------------------------


def kiro(tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "hook_event_name": "preToolUse",
        "cwd": "/srv/infra",
        "tool_name": tool,
        "tool_input": tool_input,
    }


def test_kiro_allow_is_exit_0(run_hook, hook_env):
    run = run_hook(
        "kiro", kiro("fs_read", {"operations": [{"mode": "Line", "path": "/srv/a"}]}), hook_env
    )
    assert (run.code, run.stdout, run.stderr) == (0, "", "")


def test_kiro_mcp_deny_is_exit_2_with_reason(run_hook, hook_env):
    run = run_hook("kiro", kiro("@k8s/delete_namespace", {"name": "payments"}), hook_env)
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.startswith("keyturn: denied") and "mcp:k8s/delete_namespace" in run.stderr


def test_kiro_write_is_held(run_hook, hook_env):
    run = run_hook(
        "kiro",
        kiro("fs_write", {"command": "create", "path": "/srv/infra/n.tf", "file_text": "x"}),
        hook_env,
    )
    assert run.code == 2 and "request 1" in run.stderr


def test_kiro_wrong_event_blocks(run_hook, hook_env):
    run = run_hook("kiro", {**kiro("fs_read", {}), "hook_event_name": "agentSpawn"}, hook_env)
    assert run.code == 2 and "agentSpawn" in run.stderr
