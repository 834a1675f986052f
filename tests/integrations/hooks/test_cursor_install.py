"""Cursor: every tool reaches keyturn's ``preToolUse`` hook, whichever way Cursor reads a matcher;
and a call delivered to two of Cursor's events is covered by one approved grant (.paired)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.hooks.test_other_agents import cursor

from keyturn.approval import approve
from keyturn.approval.model import Role
from keyturn.bootstrap import load_settings, open_state
from keyturn.integrations.hooks import cursor as cursor_protocol
from keyturn.integrations.hooks.deadlines import INSTALLED_TIMEOUT
from keyturn.integrations.hooks.install import hook_command, install
from keyturn.integrations.hooks.paired import DIRECTORY, PAIRED_EVENTS, _key
from keyturn.model import Actor

EXECUTABLE = "/opt/keyturn/bin/keyturn"
# Every tool Cursor names (formats.md §2.3) or Claude Code's names it borrows, one it may add
# later, and an MCP tool: each can write, run code, or read keyturn's state.
TOOLS = (
    "Write",
    "StrReplace",
    "Edit",
    "MultiEdit",
    "Delete",
    "Task",
    "Shell",
    "Read",
    "Grep",
    "Glob",
    "LS",
    "ApplyPatch",
    "EditNotebook",
    "mcp__files__write_file",
)
HELD = "kubectl delete deployment web -n shop --context prod-eu"


def _runs_for(entry: dict[str, Any], tool: str, *, reading: str) -> bool:
    """Whether Cursor runs ``entry`` for ``tool``, reading its matcher as an unanchored regular
    expression or as a list of exact names (formats.md leaves it open)."""
    matcher = entry.get("matcher")
    if not matcher:
        return True
    if reading == "regex":
        return re.search(matcher, tool) is not None
    return tool in matcher.split("|")


def _installed(tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / ".cursor" / "hooks.json"
    install("cursor", path=path, command=hook_command("cursor", policy=None, executable=EXECUTABLE))
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.mark.parametrize("reading", ["regex", "exact names"])
@pytest.mark.parametrize("tool", TOOLS)
def test_every_tool_reaches_the_pre_tool_use_hook(tmp_path: Path, tool: str, reading: str) -> None:
    (entry,) = _installed(tmp_path)["hooks"]["preToolUse"]
    assert _runs_for(entry, tool, reading=reading)


def test_every_entry_fails_closed_within_a_known_timeout(tmp_path: Path) -> None:
    hooks = _installed(tmp_path)["hooks"]
    assert set(hooks) == set(cursor_protocol.EVENTS)
    for (entry,) in hooks.values():
        assert entry["failClosed"] is True
        # at least the table's timeout whether Cursor counts milliseconds or seconds
        assert entry["timeout"] / 1000 >= INSTALLED_TIMEOUT["cursor"]


def test_an_earlier_entry_with_a_matcher_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / ".cursor" / "hooks.json"
    path.parent.mkdir()
    old = {"command": f"{EXECUTABLE} hook cursor", "matcher": "Write|StrReplace|Edit|Delete"}
    theirs = {"command": "./audit.sh", "matcher": "Shell"}
    path.write_text(json.dumps({"version": 1, "hooks": {"preToolUse": [theirs, old]}}))
    data = _installed(tmp_path)
    assert data["hooks"]["preToolUse"][0] == theirs
    ours = data["hooks"]["preToolUse"][1:]
    assert len(ours) == 1 and "matcher" not in ours[0]


def test_paired_events_are_cursor_s_events() -> None:
    assert PAIRED_EVENTS["cursor"] == set(cursor_protocol.EVENTS)


# -- reading tools reach keyturn and are judged for its state directory ------------------------


@pytest.mark.parametrize(
    ("tool", "tool_input"),
    [
        ("Read", {"target_file": "{state}/keyturn.db"}),
        ("Grep", {"pattern": "token", "path": "{state}"}),
        ("Glob", {"glob_pattern": "**/*", "target_directory": "{state}", "path": "{state}"}),
        ("LS", {"path": "{state}"}),
        ("MultiEdit", {"file_path": "{state}/policy.yaml", "edits": [{"old_string": "a"}]}),
    ],
)
def test_tools_on_the_state_directory_are_denied(
    run_hook: Any, hook_env: dict[str, str], tool: str, tool_input: dict[str, Any]
) -> None:
    state = hook_env["KEYTURN_HOME"]
    given = {
        k: v.replace("{state}", state) if isinstance(v, str) else v for k, v in tool_input.items()
    }
    run = run_hook("cursor", cursor("preToolUse", tool_name=tool, tool_input=given), hook_env)
    assert run.code == 0, run.stderr
    assert run.json["permission"] == "deny"


# -- one call, two deliveries, one grant --------------------------------------------------------


def _shell(event: str, command: str = HELD, conversation: str = "c-1") -> dict[str, Any]:
    if event == "preToolUse":
        fields: dict[str, Any] = {"tool_name": "Shell", "tool_input": {"command": command}}
    else:
        fields = {"command": command, "cwd": "/srv/infra"}
    return {**cursor(event, **fields), "conversation_id": conversation}


def _approve(env: dict[str, str], request: int) -> None:
    store = open_state(load_settings(environ=env))
    try:
        for reviewer in ("alice", "bob"):
            now = time.time()
            store.transition(
                request,
                lambda r, who=reviewer, t=now: approve(
                    r, reviewer=who, role=Role.REVIEWER, reason="ok", now=t
                ),
                now=now,
            )
    finally:
        store.close()


def _held_then_approved(run_hook: Any, env: dict[str, str]) -> None:
    held = run_hook("cursor", _shell("beforeShellExecution"), env)
    assert held.json["permission"] == "deny" and "request 1" in held.json["agent_message"]
    _approve(env, 1)


@pytest.mark.parametrize(
    "order", [("preToolUse", "beforeShellExecution"), ("beforeShellExecution", "preToolUse")]
)
def test_both_deliveries_of_an_approved_call_pass_on_one_grant(
    run_hook: Any, hook_env: dict[str, str], order: tuple[str, str]
) -> None:
    _held_then_approved(run_hook, hook_env)
    first = run_hook("cursor", _shell(order[0]), hook_env)
    assert first.json["permission"] == "allow", first.stdout
    assert "grant 1" in first.json["agent_message"]
    second = run_hook("cursor", _shell(order[1]), hook_env)
    assert second.json["permission"] == "allow", second.stdout
    assert f"used for this same call at Cursor's {order[0]}" in second.json["agent_message"]
    # A second run of the command comes through both events again: it needs a grant of its own.
    again = run_hook("cursor", _shell(order[0]), hook_env)
    assert again.json["permission"] == "deny" and "request 2" in again.json["agent_message"]


def test_the_same_event_twice_needs_two_grants(run_hook: Any, hook_env: dict[str, str]) -> None:
    _held_then_approved(run_hook, hook_env)
    assert run_hook("cursor", _shell("preToolUse"), hook_env).json["permission"] == "allow"
    twice = run_hook("cursor", _shell("preToolUse"), hook_env)
    assert twice.json["permission"] == "deny"


def test_another_conversation_does_not_take_the_voucher(
    run_hook: Any, hook_env: dict[str, str]
) -> None:
    _held_then_approved(run_hook, hook_env)
    assert run_hook("cursor", _shell("preToolUse"), hook_env).json["permission"] == "allow"
    other = run_hook("cursor", _shell("beforeShellExecution", conversation="c-2"), hook_env)
    assert other.json["permission"] == "deny"


def test_a_voucher_without_a_used_grant_lets_nothing_through(
    run_hook: Any, hook_env: dict[str, str]
) -> None:
    held = run_hook("cursor", _shell("beforeShellExecution"), hook_env)
    assert held.json["permission"] == "deny"
    store = open_state(load_settings(environ=hook_env))
    try:
        digest = store.get_request(1).draft.digest
    finally:
        store.close()
    key = _key(digest, Actor(agent="cursor", operator="olivia", session="c-1"))
    assert key is not None
    folder = Path(hook_env["KEYTURN_HOME"]) / DIRECTORY
    folder.mkdir(parents=True, exist_ok=True)
    forged = {"request": 1, "grant": 1, "event": "beforeShellExecution"}
    (folder / f"{key}.beforeShellExecution.1").write_text(json.dumps(forged))
    run = run_hook("cursor", _shell("preToolUse"), hook_env)
    assert run.json["permission"] == "deny" and "request 1" in run.json["agent_message"]


def test_a_policy_deny_is_not_undone_by_a_voucher(run_hook: Any, hook_env: dict[str, str]) -> None:
    deny = "git push --force origin main"
    for event in ("preToolUse", "beforeShellExecution"):
        run = run_hook("cursor", _shell(event, command=deny), hook_env)
        assert run.json["permission"] == "deny" and "denied" in run.json["agent_message"]
