"""``keyturn hook claude-code``: Claude Code's PreToolUse events (formats.md §1.2) through the real
process; exact stdout JSON and exit codes, including the fail-closed paths."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

from keyturn.approval import approve
from keyturn.approval.model import Role
from keyturn.bootstrap import load_settings, open_state


def event(tool: str, tool_input: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "session_id": "0b5c-session",
        "prompt_id": "550e8400-e29b-41d4-a716-446655440000",
        "transcript_path": "/home/dev/.claude/projects/-srv-infra/0b5c.jsonl",
        "cwd": "/srv/infra",
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": "toolu_01H",
        **extra,
    }


def decision(out: Any) -> tuple[str, str]:
    spec = out["hookSpecificOutput"]
    assert spec["hookEventName"] == "PreToolUse"
    return spec["permissionDecision"], spec["permissionDecisionReason"]


def test_allowed_read_command(run_hook, hook_env):
    run = run_hook(
        "claude-code", event("Bash", {"command": "ls -la /srv", "timeout": 600}), hook_env
    )
    assert run.code == 0, run.stderr
    verdict, reason = decision(run.json)
    assert verdict == "allow"
    assert reason.startswith("keyturn: allowed")


def test_denied_command_names_the_rule(run_hook, hook_env):
    run = run_hook(
        "claude-code", event("Bash", {"command": "git push --force origin main"}), hook_env
    )
    assert run.code == 0
    verdict, reason = decision(run.json)
    assert verdict == "deny"
    assert reason.startswith("keyturn: denied:") and "agents.*.deny[0]" in reason


def test_protected_delete_is_denied(run_hook, hook_env):
    command = "aws rds delete-db-instance --db-instance-identifier prod-db --skip-final-snapshot"
    run = run_hook("claude-code", event("Bash", {"command": command}), hook_env)
    assert run.code == 0
    verdict, reason = decision(run.json)
    assert verdict == "deny"
    assert "prod-db" in reason


def test_held_then_approved_then_let_through_once(run_hook, hook_env):
    command = "kubectl delete deployment web -n shop --context prod-eu"
    held = run_hook("claude-code", event("Bash", {"command": command}), hook_env)
    assert held.code == 0
    verdict, reason = decision(held.json)
    assert verdict == "deny"  # not "ask": the operator alone may not approve a held call
    assert "held for 2 reviews from sre: request 1" in reason
    assert "retry the same command after approval" in reason
    again = run_hook("claude-code", event("Bash", {"command": command}), hook_env)
    assert "request 1" in decision(again.json)[1]  # the same request, not a second one
    store = open_state(load_settings(environ=hook_env))
    for reviewer in ("alice", "bob"):
        now = time.time()
        store.transition(
            1,
            lambda r, who=reviewer, t=now: approve(
                r, reviewer=who, role=Role.REVIEWER, reason="ok", now=t
            ),
            now=now,
        )
    store.close()
    through = run_hook("claude-code", event("Bash", {"command": command}), hook_env)
    assert decision(through.json)[0] == "allow"
    assert "grant" in decision(through.json)[1]
    after = run_hook("claude-code", event("Bash", {"command": command}), hook_env)
    assert decision(after.json)[0] == "deny"  # the grant was used once


def test_write_is_a_file_effect(run_hook, hook_env):
    run = run_hook(
        "claude-code",
        event("Write", {"file_path": "/srv/infra/main.tf", "content": "resource x {}\n"}),
        hook_env,
    )
    verdict, reason = decision(run.json)
    assert verdict == "deny" and "held for 1 review from sre" in reason  # a production write
    assert "main.tf" in reason


def test_edit_dropping_prevent_destroy_of_protected_resource_is_denied(
    run_hook, hook_env, tmp_path: Path
):
    tf = tmp_path / "db.tf"
    tf.write_text(
        'resource "aws_db_instance" "main" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n'
    )
    edit = {
        "file_path": str(tf),
        "old_string": "prevent_destroy = true",
        "new_string": "prevent_destroy = false",
        "replace_all": False,
    }
    run = run_hook("claude-code", event("Edit", edit), hook_env)
    verdict, reason = decision(run.json)
    assert verdict == "deny"
    assert "held" not in reason
    assert "switches off the protection of a protected resource" in reason


def test_edit_of_agent_settings_is_denied(run_hook, hook_env):
    edit = {
        "file_path": "/srv/infra/.claude/settings.json",
        "old_string": "keyturn",
        "new_string": "true",
    }
    run = run_hook("claude-code", event("Edit", edit), hook_env)
    verdict, reason = decision(run.json)
    assert verdict == "deny"  # never allowed: held for review at least
    assert "settings.json" in reason


def test_read_and_mcp_read_are_allowed(run_hook, hook_env):
    read = run_hook("claude-code", event("Read", {"file_path": "/srv/infra/README.md"}), hook_env)
    assert decision(read.json)[0] == "allow"
    mcp = run_hook("claude-code", event("mcp__files__read_file", {"path": "/srv/a.txt"}), hook_env)
    assert decision(mcp.json)[0] == "allow"


def test_unmapped_mcp_tool_and_unknown_tool_are_not_allowed(run_hook, hook_env):
    mcp = run_hook(
        "claude-code",
        event("mcp__k8s__delete_namespace", {"name": "payments", "cluster": "prod-eu"}),
        hook_env,
    )
    verdict, reason = decision(mcp.json)
    assert verdict == "deny" and "mcp:k8s/delete_namespace" in reason
    unknown = run_hook("claude-code", event("Frobnicate", {"x": 1}), hook_env)
    verdict, reason = decision(unknown.json)
    assert verdict == "deny" and "Frobnicate" in reason


def test_permission_request_event(run_hook, hook_env):
    payload = event("Bash", {"command": "git push --force origin main"})
    payload["hook_event_name"] = "PermissionRequest"
    del payload["tool_use_id"]
    run = run_hook("claude-code", payload, hook_env)
    out = run.json["hookSpecificOutput"]
    assert out["hookEventName"] == "PermissionRequest"
    assert out["decision"]["behavior"] == "deny"


def blocked(run: Any) -> str:
    assert run.code == 2
    assert run.stderr.startswith("keyturn: refused (")
    verdict, reason = decision(run.json)
    assert verdict == "deny"
    return reason


def test_malformed_json_blocks(run_hook, hook_env):
    assert "not valid JSON" in blocked(run_hook("claude-code", "{not json", hook_env))


def test_missing_fields_block(run_hook, hook_env):
    payload = event("Bash", {"command": "ls"})
    del payload["tool_input"]
    assert "missing field 'tool_input'" in blocked(run_hook("claude-code", payload, hook_env))
    empty = run_hook("claude-code", event("Bash", {}), hook_env)
    assert "tool_input.command" in blocked(empty)


def test_broken_policy_blocks(run_hook, hook_env, tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndefault: maybe\n")
    run = run_hook(
        "claude-code", event("Read", {"file_path": "/x"}), hook_env, "--policy", str(bad)
    )
    assert "bad.yaml" in blocked(run)


def test_missing_policy_blocks(run_hook, hook_env, tmp_path: Path):
    hook_env["KEYTURN_POLICY"] = str(tmp_path / "absent.yaml")
    run = run_hook("claude-code", event("Read", {"file_path": "/x"}), hook_env)
    assert "absent.yaml" in blocked(run)


def test_unreachable_server_blocks(run_hook, hook_env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    hook_env["KEYTURN_SERVER"] = f"http://127.0.0.1:{port}"
    run = run_hook("claude-code", event("Read", {"file_path": "/srv/a"}), hook_env)
    assert "unreachable" in blocked(run)


def test_slow_server_hits_the_deadline(run_hook, hook_env):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        hook_env["KEYTURN_SERVER"] = f"http://127.0.0.1:{silent.getsockname()[1]}"
        hook_env["KEYTURN_HOOK_DEADLINE"] = "0.5"
        run = run_hook("claude-code", event("Read", {"file_path": "/x"}), hook_env)
    assert "no decision within 0.5s" in blocked(run)


def test_policy_that_never_arrives_hits_the_deadline(run_hook, hook_env, tmp_path: Path):
    import os

    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)  # opening it for reading blocks until a writer comes: none does
    hook_env["KEYTURN_POLICY"] = str(fifo)
    hook_env["KEYTURN_HOOK_DEADLINE"] = "0.5"
    run = run_hook("claude-code", event("Read", {"file_path": "/x"}), hook_env)
    assert "no decision within 0.5s" in blocked(run)


def test_unknown_option_blocks(run_hook, hook_env):
    run = run_hook("claude-code", event("Read", {"file_path": "/x"}), hook_env, "--frob")
    assert run.code == 2 and "unknown option" in run.stderr
