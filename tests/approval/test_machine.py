"""The pure two-person-rule state machine, and the stored decision's round trip."""

from __future__ import annotations

from dataclasses import replace

import pytest

from keyturn.approval import (
    ApprovalRequest,
    Grant,
    RequestDraft,
    RequestState,
    Role,
    approve,
    cancel,
    check_grant,
    expire_if_due,
    reject,
)
from keyturn.approval.codec import decision_from_json, decision_to_json
from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Resource, Target
from keyturn.policy import load_policy

NOW = 1_000.0


def _request(**over: object) -> ApprovalRequest:
    draft = RequestDraft(
        digest="sha256:d",
        policy_digest="sha256:p",
        agent="kiro",
        operator="bob",
        requester="kiro",
        session=None,
        environment="production",
        summary="rm",
        approvals_required=2,
        reviewer_groups=("sre",),
        eligible=("alice", "bob", "carol"),
        decision={},
        ttl_seconds=3600,
        grant_ttl_seconds=900,
    )
    return replace(
        ApprovalRequest(
            id=4, draft=draft, state=RequestState.PENDING, created_at=NOW, expires_at=NOW + 3600
        ),
        **over,
    )


def test_two_distinct_approvals_approve_and_issue_a_grant() -> None:
    one = approve(_request(), reviewer="alice", role=Role.REVIEWER, reason="", now=NOW)
    assert one.refusal is None and one.request.state is RequestState.PENDING
    assert one.grant_expires_at is None
    two = approve(one.request, reviewer="carol", role=Role.ADMIN, reason="", now=NOW + 1)
    assert two.request.state is RequestState.APPROVED and two.grant_expires_at == NOW + 901
    assert [e.kind.value for e in two.audit] == ["vote", "request.approved"]
    assert two.audit[1].data["approvers"] == ["alice", "carol"]


@pytest.mark.parametrize(
    ("who", "role", "why"),
    [
        ("bob", Role.REVIEWER, "bob is the operator of this agent and cannot approve its requests"),
        ("kiro", Role.REVIEWER, "kiro is the agent of this request"),
        ("alice", Role.AGENT, "holds an agent token"),
        ("erin", Role.ADMIN, "erin is not in the reviewer group(s) of this request: sre"),
    ],
)
def test_refusals_say_why(who: str, role: Role, why: str) -> None:
    t = approve(_request(), reviewer=who, role=role, reason="", now=NOW)
    assert t.refusal is not None and why in t.refusal
    assert t.request.votes == () and t.audit[0].kind.value == "vote.refused"


def test_requester_never_counts() -> None:
    req = _request(draft=replace(_request().draft, requester="carol"))
    assert "carol made this request" in (
        approve(req, reviewer="carol", role=Role.REVIEWER, reason="", now=NOW).refusal or ""
    )


def test_expiry_is_found_on_the_way() -> None:
    late = NOW + 3600
    assert expire_if_due(_request(), now=late - 1) is None
    t = approve(_request(), reviewer="alice", role=Role.REVIEWER, reason="", now=late)
    assert t.request.state is RequestState.EXPIRED and "expired" in (t.refusal or "")


def test_rejection_and_cancel() -> None:
    r = reject(_request(), reviewer="bob", role=Role.REVIEWER, reason="no", now=NOW)
    assert r.request.state is RequestState.REJECTED  # the operator may always say no
    stranger = reject(_request(), reviewer="zed", role=Role.REVIEWER, reason="no", now=NOW)
    assert stranger.refusal is not None
    c = cancel(_request(), by="kiro", role=Role.AGENT, reason="", now=NOW)
    assert c.request.state is RequestState.CANCELLED
    assert "not pending" in (
        approve(c.request, reviewer="alice", role=Role.REVIEWER, reason="", now=NOW).refusal or ""
    )


def test_grant_checks() -> None:
    g = Grant(
        id=1,
        request_id=4,
        digest="sha256:d",
        agent="kiro",
        operator="bob",
        created_at=NOW,
        expires_at=NOW + 900,
    )
    assert check_grant(g, digest="sha256:d", agent="kiro", operator="bob", now=NOW) is None
    assert "another action" in (
        check_grant(g, digest="sha256:x", agent="kiro", operator="bob", now=NOW) or ""
    )
    assert "expired" in (
        check_grant(g, digest="sha256:d", agent="kiro", operator="bob", now=NOW + 900) or ""
    )
    assert "already used" in (
        check_grant(
            replace(g, used_at=NOW), digest="sha256:d", agent="kiro", operator="bob", now=NOW
        )
        or ""
    )
    assert "agent kiro" in (
        check_grant(g, digest="sha256:d", agent="claude", operator="bob", now=NOW) or ""
    )


def test_stored_decision_round_trip_keeps_the_digest(brief_policy_text: str) -> None:
    action = Action(
        kind=ActionKind.SHELL,
        summary="rm -rf ./scratch",
        effects=(
            Effect(
                effect=EffectKind.DELETE,
                resource=Resource(names=("file:/w/s",), type="dir"),
                target=Target(environment="production"),
                service="file",
                command="rm -rf /w/s",
                detail="deletes a tree",
            ),
        ),
        target=Target(environment="production"),
        subject={"commands": [["rm", "-rf", "/w/s"]]},
    )
    decision = load_policy(brief_policy_text).judge(action, actor=Actor("kiro", "bob", "s1"))
    back = decision_from_json(decision_to_json(decision))
    assert back.digest == decision.digest
    assert back.to_json() == decision.to_json()
    assert back.actor == decision.actor
