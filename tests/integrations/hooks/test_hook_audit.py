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
