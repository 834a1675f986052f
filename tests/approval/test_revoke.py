"""Revoking the unused grant of an approved request: who may, when it is a conflict, what is
recorded, and that a revoked grant is never usable."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from keyturn.approval import (
    ApprovalRequest,
    Grant,
    RequestDraft,
    RequestState,
    Role,
    Vote,
    VoteKind,
    check_grant,
    revoke,
    vote_step,
)

NOW = 1_000.0


def _approved(**over: Any) -> ApprovalRequest:
    """Request 4 of agent kiro for operator bob, approved by alice and carol (sre), its grant 7
    unused."""
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
        eligible=("alice", "bob", "carol", "erin"),
        decision={},
        ttl_seconds=3600,
        grant_ttl_seconds=900,
    )
    grant = Grant(
        id=7,
        request_id=4,
        digest="sha256:d",
        agent="kiro",
        operator="bob",
        created_at=NOW,
        expires_at=NOW + 900,
    )
    votes = tuple(Vote(r, VoteKind.APPROVE, "ok", NOW - 1) for r in ("alice", "carol"))
    req = ApprovalRequest(
        id=4,
        draft=draft,
        state=RequestState.APPROVED,
        created_at=NOW - 10,
        expires_at=NOW + 3590,
        closed_at=NOW,
        closed_by="carol",
        close_reason="approved",
        votes=votes,
        grant=grant,
    )
    return replace(req, **over)


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("root", Role.ADMIN),  # any admin
        ("alice", Role.REVIEWER),  # an approver
        ("erin", Role.REVIEWER),  # an eligible reviewer who did not vote (could have rejected)
        ("bob", Role.REVIEWER),  # the operator (may cancel; saying no is always safe)
        ("kiro", Role.AGENT),  # the agent itself, as it may cancel
    ],
)
def test_who_may_revoke(who: str, role: Role) -> None:
    t = revoke(_approved(), by=who, role=role, reason="wrong cluster", now=NOW + 5)
    assert t.refusal is None and not t.conflict
    r = t.request
    assert r.state is RequestState.REVOKED
    assert (r.closed_by, r.close_reason, r.closed_at) == (who, "wrong cluster", NOW + 5)
    assert r.grant is not None and r.grant.revoked_at == NOW + 5
    assert t.revoked_grant == r.grant and r.grant.expires_at == NOW + 5
    assert r.approvals == ("alice", "carol")  # the votes stay: who approved what is history
    [entry] = t.audit
    assert entry.kind.value == "request.revoked"
    assert entry.actor == {"name": who, "role": role.value}
    assert entry.data["reason"] == "wrong cluster" and entry.data["grant"] == 7
    assert entry.data["request"] == 4 and entry.data["approvers"] == ["alice", "carol"]


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("dave", Role.REVIEWER),  # not in the request's reviewer groups
        ("other", Role.AGENT),  # another agent
        ("alice", Role.AGENT),  # an eligible name on an agent token
    ],
)
def test_others_are_refused_not_conflicted(who: str, role: Role) -> None:
    t = revoke(_approved(), by=who, role=role, reason="x", now=NOW)
    assert t.refusal is not None and f"{who} may not revoke request 4" in t.refusal
    assert not t.conflict and t.audit == () and t.revoked_grant is None
    assert t.request.state is RequestState.APPROVED


def test_a_used_grant_cannot_be_revoked() -> None:
    req = _approved()
    assert req.grant is not None
    used = replace(req, grant=replace(req.grant, used_at=NOW + 1))
    t = revoke(used, by="root", role=Role.ADMIN, reason="too late", now=NOW + 2)
    assert t.conflict and t.revoked_grant is None and t.audit == ()
    assert t.refusal == (
        "grant 7 of request 4 was already used at 1970-01-01T00:16:41.000000Z: "
        "the action ran, it cannot be revoked"
    )


@pytest.mark.parametrize(
    "state", [RequestState.PENDING, RequestState.REJECTED, RequestState.CANCELLED]
)
def test_a_request_never_approved_has_nothing_to_revoke(state: RequestState) -> None:
    t = revoke(_approved(state=state, grant=None), by="root", role=Role.ADMIN, reason="x", now=NOW)
    assert t.conflict and f"is {state.value}, not approved" in (t.refusal or "")


def test_revoking_twice_is_a_conflict() -> None:
    once = revoke(_approved(), by="alice", role=Role.REVIEWER, reason="oops", now=NOW)
    twice = revoke(once.request, by="root", role=Role.ADMIN, reason="again", now=NOW + 1)
    assert twice.conflict and twice.refusal == "request 4 was already revoked by alice: oops"


def test_a_pending_request_found_expired_is_kept_expired() -> None:
    due = _approved(state=RequestState.PENDING, grant=None, closed_at=None, votes=())
    t = revoke(due, by="root", role=Role.ADMIN, reason="x", now=due.expires_at)
    assert t.conflict and t.request.state is RequestState.EXPIRED
    assert [e.kind.value for e in t.audit] == ["request.expired"]


def test_a_revocation_needs_a_reason() -> None:
    t = revoke(_approved(), by="root", role=Role.ADMIN, reason="  ", now=NOW)
    assert t.refusal is not None and "needs a reason" in t.refusal
    assert t.request.state is RequestState.APPROVED and t.revoked_grant is None


def test_an_expired_unused_grant_may_still_be_revoked_for_the_record() -> None:
    t = revoke(_approved(), by="root", role=Role.ADMIN, reason="x", now=NOW + 5000)
    assert t.refusal is None and t.request.grant is not None
    assert t.request.grant.expires_at == NOW + 900  # the earlier expiry is kept


def test_a_revoked_grant_is_refused_before_anything_else() -> None:
    req = revoke(_approved(), by="root", role=Role.ADMIN, reason="x", now=NOW).request
    assert req.grant is not None
    why = check_grant(req.grant, digest="sha256:d", agent="kiro", operator="bob", now=NOW)
    assert why == "grant 7 was revoked at 1970-01-01T00:16:40.000000Z"


def test_vote_step_knows_revoke_and_nothing_unknown() -> None:
    step = vote_step("revoke", by="root", role=Role.ADMIN, reason="x", now=NOW)
    assert step(_approved()).request.state is RequestState.REVOKED
    with pytest.raises(ValueError, match="unknown step"):
        vote_step("approve-all", by="root", role=Role.ADMIN, reason="x", now=NOW)
