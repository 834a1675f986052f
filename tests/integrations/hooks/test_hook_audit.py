"""Every decision a hook makes is in the audit log, allow and deny as much as ask, in-process and
through the daemon alike; a decision that cannot be recorded is refused; a policy the daemon
reloads is noted in the log as a policy loaded by any other verb."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.hooks.test_daemon import (
    COMMANDS,
    World,
    claude_bash,
    kiro,
    make_world,
)

from keyturn.store.sqlite import SqliteStore


@pytest.fixture()
def world(tmp_path: Path, brief_policy_text: str) -> Iterator[World]:
    w = make_world(tmp_path / "w", brief_policy_text)
    yield w
    w.stop_daemon()


def _records(world: World) -> list[dict[str, Any]]:
    store = SqliteStore(world.state / "keyturn.db")
    try:
        return [r.parsed() for r in store.audit_records()]
    finally:
        store.close()


def _decisions(world: World) -> list[tuple[str, str, str | None, str]]:
    return [
        (
            r["data"]["decision"],
            r["actor"]["agent"],
            r["actor"].get("session"),
            r["data"]["summary"],
        )
        for r in _records(world)
        if r["kind"] == "decision"
    ]


@pytest.mark.parametrize("path", ["in-process", "daemon"])
def test_every_decision_is_recorded(world: World, path: str) -> None:
    if path == "daemon":
        world.start_daemon()
    call = world.in_process if path == "in-process" else world.hook
    answers = {stance: call("claude-code", claude_bash(cmd)) for stance, cmd in COMMANDS.items()}
    assert {a.path for a in answers.values()} == {path}
    stances = {
        s: json.loads(a.stdout)["hookSpecificOutput"]["permissionDecision"]
        for s, a in answers.items()
    }
    assert stances == {"allow": "allow", "deny": "deny", "held": "deny"}
    assert _decisions(world) == [
        ("allow", "claude-code", "s-1", COMMANDS["allow"]),
        ("deny", "claude-code", "s-1", COMMANDS["deny"]),
        ("ask", "claude-code", "s-1", COMMANDS["held"]),
    ]
    # Attributed to the operator the hook ran for.
    assert {r["actor"]["operator"] for r in _records(world) if r["kind"] == "decision"} == {
        "olivia"
    }


def test_the_daemon_keeps_one_store_and_notes_a_reloaded_policy(world: World) -> None:
    world.start_daemon()
    event = kiro("ls -la /srv/infra")
    for _ in range(3):
        assert world.hook("kiro", event).code == 0
    text = world.policy.read_text()
    rule = '      - command: "git push --force*"\n'
    assert rule in text
    world.policy.write_text(text.replace(rule, rule + '      - command: "rm -rf /tmp/x*"\n'))
    assert world.hook("kiro", event).path == "daemon"
    kinds = Counter(r["kind"] for r in _records(world))
    assert kinds["decision"] == 4
    # Loaded once when the daemon opened the store, once more after the edit.
    assert kinds["policy.loaded"] == 2


def test_a_decision_that_cannot_be_recorded_is_refused(world: World) -> None:
    """A state directory that cannot be made (a file stands in its way): an allowed command
    is refused, not let through unrecorded."""
    blocker = world.root / "not-a-directory"
    blocker.write_text("")
    answer = world.hook("kiro", kiro("ls -la /srv/infra"), KEYTURN_HOME=str(blocker / "state"))
    assert answer.code == 2, answer
    assert "keyturn" in answer.stderr


def _after(event: dict[str, Any], name: str, **extra: Any) -> dict[str, Any]:
    return {**event, "hook_event_name": name, **extra}


def _executions(world: World) -> list[tuple[str, str, Any]]:
    records = _records(world)
    return [(r["data"]["digest"], r["data"]["detail"], r["data"]["exit_status"])
            for r in records if r["kind"] == "execution"]  # fmt: skip


@pytest.mark.parametrize("path", ["in-process", "daemon"])
def test_outcomes_are_recorded_under_the_decisions_digest(world: World, path: str) -> None:
    if path == "daemon":
        world.start_daemon()
    call = world.in_process if path == "in-process" else world.hook
    event = claude_bash(COMMANDS["allow"])
    assert call("claude-code", event).code == 0
    done = call("claude-code", _after(event, "PostToolUse", tool_response={"exit_code": 0}))
    failed = call("claude-code", _after(event, "PostToolUseFailure", error="boom"))
    nonzero = call("claude-code", _after(event, "PostToolUse", tool_response={"exitCode": 3}))
    for answer in (done, failed, nonzero):
        assert (answer.code, answer.stdout, answer.path) == (0, "", path), answer
    (decision,) = [r for r in _records(world) if r["kind"] == "decision"]
    digest = decision["data"]["digest"]
    assert _executions(world) == [
        (digest, "completed", 0),
        (digest, "failed", None),
        (digest, "failed", 3),
    ]


@pytest.mark.parametrize(
    ("agent", "event"),
    [
        ("codex", {**claude_bash("ls -la /srv/infra"), "hook_event_name": "PostToolUse"}),
        ("gemini", {"session_id": "g-1", "cwd": "/srv/infra", "hook_event_name": "AfterTool",
                    "tool_name": "run_shell_command", "tool_input": {"command": "ls"}}),
        ("kiro", {**kiro("ls -la /srv/infra"), "hook_event_name": "postToolUse",
                  "tool_response": {"success": True}}),
    ],
)  # fmt: skip
def test_each_agents_after_tool_event_is_recorded(
    world: World, agent: str, event: dict[str, Any]
) -> None:
    answer = world.in_process(agent, event)
    assert (answer.code, answer.stdout) == (0, ""), answer
    assert [(detail, code) for _, detail, code in _executions(world)] == [("completed", None)]


def test_an_outcome_that_cannot_be_recorded_is_a_warning_not_a_block(world: World) -> None:
    """The tool has run: exit 1 (shown, never blocking) where a pre-tool failure exits 2."""
    blocker = world.root / "not-a-directory"
    blocker.write_text("")
    event = _after(claude_bash("ls"), "PostToolUse")
    answer = world.hook("claude-code", event, KEYTURN_HOME=str(blocker / "state"))
    assert answer.code == 1 and answer.stdout == "", answer
    assert "the outcome was not recorded" in answer.stderr
    served = world.in_process("claude-code", event)  # sanity: the same event records here
    assert served.code == 0
    remote = world.hook("claude-code", event, KEYTURN_SERVER="http://127.0.0.1:9")
    assert remote.code == 1 and "unreachable" in remote.stderr, remote


def test_parallel_in_process_hooks_on_a_fresh_state_all_record(world: World) -> None:
    """An agent's parallel tool calls, each its own hook process, on a state not yet made: the
    store is made once, every call is answered and recorded."""
    from concurrent.futures import ThreadPoolExecutor

    event = claude_bash(COMMANDS["allow"])
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: world.in_process("claude-code", event), range(8)))
    assert all(a.code == 0 and '"allow"' in a.stdout for a in answers), answers
    assert [d[0] for d in _decisions(world)] == ["allow"] * 8
