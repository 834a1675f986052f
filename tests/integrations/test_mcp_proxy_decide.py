"""The proxy's decision plumbing: the gate adapter, the texts a model reads, server names."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from keyturn.cli.mcp_proxy import server_name
from keyturn.gate import Outcome
from keyturn.integrations.mcp_proxy import gate_decide, refusal, refusal_text
from keyturn.model import Action, Actor, Decision, Verdict
from keyturn.understand.mcp import understand_mcp

ACTOR = Actor(agent="claude", operator="olivia")
ACTION = understand_mcp("inventory", "drop_db", {"name": "billing"})


def decision(verdict: Verdict, *, approvals: int = 0, reasons: tuple[str, ...] = ()) -> Decision:
    return Decision(
        action=ACTION,
        actor=ACTOR,
        decision=verdict,
        approvals_required=approvals,
        reviewers=("sre",) if approvals else (),
        judgements=(),
        reasons=reasons,
        policy_digest="sha256:0",
    )


@dataclass
class FakeGate:
    """Answers submits in order and a wait with a set outcome; records what was asked."""

    submits: list[Outcome]
    waited: Outcome | None = None
    calls: list[str] = field(default_factory=list)

    def submit(self, action: Action, *, actor: Actor) -> Outcome:
        self.calls.append(f"submit {action.digest == ACTION.digest}")
        return self.submits.pop(0)

    def wait(self, request_id: str, *, timeout: float) -> Outcome:
        self.calls.append(f"wait {request_id} {timeout:g}")
        assert self.waited is not None
        return self.waited


HELD = Outcome(Verdict.ASK, decision(Verdict.ASK, approvals=2), "held", request_id="42")
APPROVED = Outcome(Verdict.ALLOW, decision(Verdict.ASK, approvals=2), "approved", "42")
GRANTED = Outcome(Verdict.ALLOW, decision(Verdict.ASK, approvals=2), "grant used", "42", "7")
REJECTED = Outcome(Verdict.DENY, decision(Verdict.ASK, approvals=2), "request 42 rejected", "42")


def test_without_waiting_a_held_call_is_answered_with_its_request() -> None:
    gate = FakeGate([HELD])
    outcome = gate_decide(gate)(ACTION, ACTOR)
    assert outcome is HELD
    assert gate.calls == ["submit True"]


class FakeClock:
    """A clock that only moves when slept on (the waiting loop's time, without waiting)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_waiting_for_approval_submits_again_to_use_the_grant_once() -> None:
    gate = FakeGate([HELD, GRANTED], waited=APPROVED)
    clock = FakeClock()
    decide = gate_decide(gate, wait_seconds=30, sleep=clock.sleep, clock=clock)
    outcome = decide(ACTION, ACTOR)
    assert outcome is GRANTED
    # The store is polled without blocking (timeout 0); the waiting happens between polls.
    assert gate.calls == ["submit True", "wait 42 0", "submit True"]


def test_waiting_ends_in_a_refusal_when_rejected_and_stays_held_on_timeout() -> None:
    clock = FakeClock()
    rejected = gate_decide(
        FakeGate([HELD], waited=REJECTED), wait_seconds=5, sleep=clock.sleep, clock=clock
    )(ACTION, ACTOR)
    held_gate = FakeGate([HELD], waited=HELD)
    timed_out = gate_decide(held_gate, wait_seconds=5, sleep=clock.sleep, clock=clock)(
        ACTION, ACTOR
    )
    assert rejected.verdict is Verdict.DENY
    assert timed_out is HELD
    assert sum(clock.slept) == 5  # waited the whole time, a second at a time
    assert held_gate.calls.count("wait 42 0") == 6


def test_refusal_texts_say_what_happened_and_what_next() -> None:
    held = refusal_text("mcp:inventory/drop_db", HELD)
    assert held.startswith("keyturn held mcp:inventory/drop_db: held for 2 approval(s): ")
    assert "request 42; retry after approval" in held
    denied = Outcome(Verdict.DENY, decision(Verdict.DENY), "denied: protected resource")
    assert refusal_text("mcp:fs/write_file", denied) == (
        "keyturn denied mcp:fs/write_file: denied: protected resource"
    )
    no_queue = Outcome(Verdict.ASK, decision(Verdict.ASK, approvals=1), "needs review")
    assert "no review queue" in refusal_text("mcp:x/y", no_queue)


def test_a_refusal_is_a_tool_error_result() -> None:
    result = refusal("keyturn denied mcp:x/y: no")
    dumped = result.model_dump(by_alias=True, exclude_none=True)
    assert dumped["isError"] is True
    assert dumped["content"] == [{"type": "text", "text": "keyturn denied mcp:x/y: no"}]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv"], "filesystem"),
        (
            ["node", "/x/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"],
            "filesystem",
        ),
        (["uvx", "mcp-server-git", "--repository", "."], "git"),
        (["/usr/bin/python3", "inventory.py"], "python3"),
    ],
)
def test_server_name_from_the_upstream_command(command: list[str], name: str) -> None:
    assert server_name(command) == name
