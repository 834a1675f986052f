"""Transitions of the two-person rule. Each function takes a request as it stands and returns
a :class:`Transition`: the request after the step, what to write, what to audit, and, when the
step is refused, why (a refusal still carries audit entries: refused votes are recorded).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from keyturn.approval.model import (
    ApprovalRequest,
    Grant,
    RequestDraft,
    RequestState,
    Role,
    Vote,
    VoteKind,
)
from keyturn.audit.record import AuditEntry, AuditKind, iso_time
from keyturn.model import person_key


@dataclass(frozen=True, slots=True)
class Transition:
    """The outcome of one step on a request.

    ``grant_expires_at`` is set when the step approved the request (the store creates the grant
    in the same transaction); ``revoked_grant`` when it revoked one (the store marks it, only if
    still unused). ``refusal`` is the one-line reason when the step was refused; the store
    still writes ``request`` (an expiry found on the way is kept) and ``audit``. ``conflict``
    says the refusal is the request's state, not the person (``ConflictError``).
    """

    request: ApprovalRequest
    audit: tuple[AuditEntry, ...] = ()
    vote: Vote | None = None
    grant_expires_at: float | None = None
    refusal: str | None = None
    revoked_grant: Grant | None = None
    conflict: bool = False

    @property
    def changed(self) -> bool:
        return self.vote is not None or self.request.closed_at is not None


def _entry(
    kind: AuditKind, req: ApprovalRequest, *, who: str, role: str, now: float, **data: object
) -> AuditEntry:
    d = req.draft
    return AuditEntry(
        kind=kind,
        at=now,
        actor={"name": who, "role": role},
        data={
            "request": req.id,
            "digest": d.digest,
            "agent": d.agent,
            "operator": d.operator,
            **data,
        },
    )


def expire_if_due(req: ApprovalRequest, *, now: float) -> Transition | None:
    """The expiry of a pending request whose time is up, or ``None``."""
    if req.state is not RequestState.PENDING or now < req.expires_at:
        return None
    expired = replace(
        req,
        state=RequestState.EXPIRED,
        closed_at=now,
        closed_by="keyturn",
        close_reason=f"expired at {iso_time(req.expires_at)}",
    )
    return Transition(
        request=expired,
        audit=(_entry(AuditKind.REQUEST_EXPIRED, expired, who="keyturn", role="system", now=now),),
    )


def _not_open(req: ApprovalRequest, *, now: float) -> Transition | None:
    """A refusal when the request no longer takes votes (expiring it if due)."""
    expiry = expire_if_due(req, now=now)
    if expiry is not None:
        return replace(expiry, refusal=f"request {req.id} {expiry.request.close_reason}")
    if req.state is not RequestState.PENDING:
        return Transition(request=req, refusal=f"request {req.id} is {req.state}, not pending")
    return None


# Tokens whose holders never vote: agents ask, a cluster has its reviews judged.
_NEVER_VOTE = frozenset({Role.AGENT, Role.CLUSTER})


def _identity_refusal(req: ApprovalRequest, reviewer: str, role: Role) -> str | None:
    """Why ``reviewer`` may not approve ``req``, or ``None``. Checked on names, whatever
    token they hold: the agent, its operator (claimed by the agent, or named by the policy's
    ``operators`` for the agent) and the requester never count."""
    d = req.draft
    me = person_key(reviewer)
    if role in _NEVER_VOTE:
        held = "an agent" if role is Role.AGENT else f"a {role.value}"
        return f"{reviewer} holds {held} token; approvals need a reviewer token"
    if me == person_key(d.agent):
        return f"{reviewer} is the agent of this request and cannot approve it"
    if me == person_key(d.operator):
        return f"{reviewer} is the operator of this agent and cannot approve its requests"
    if me in {person_key(p) for p in d.agent_operators}:
        return (
            f"{reviewer} operates agent {d.agent} (the policy's operators for it) "
            "and cannot approve its requests"
        )
    if me == person_key(d.requester):
        return f"{reviewer} made this request and cannot approve it"
    if reviewer not in d.eligible:
        groups = ", ".join(d.reviewer_groups) or "(none named)"
        return f"{reviewer} is not in the reviewer group(s) of this request: {groups}"
    if any(person_key(v.reviewer) == me for v in req.votes):
        return f"{reviewer} has already voted on request {req.id}; approvals must be distinct"
    return None


def _refused(
    req: ApprovalRequest, *, reviewer: str, role: Role, vote: str, refusal: str, now: float
) -> Transition:
    """The request unchanged, the refused vote recorded with the reason it was refused."""
    entry = _entry(
        AuditKind.VOTE_REFUSED,
        req,
        who=reviewer,
        role=role.value,
        now=now,
        vote=vote,
        reason=refusal,
    )
    return Transition(request=req, audit=(entry,), refusal=refusal)


def approve(
    req: ApprovalRequest, *, reviewer: str, role: Role, reason: str, now: float
) -> Transition:
    """``reviewer`` approves. With enough distinct approvals the request is approved and a
    grant, valid for the request's grant TTL, is issued."""
    closed = _not_open(req, now=now)
    if closed is not None:
        return closed
    refusal = _identity_refusal(req, reviewer, role)
    if refusal is not None:
        return _refused(req, reviewer=reviewer, role=role, vote="approve", refusal=refusal, now=now)
    vote = Vote(reviewer=reviewer, vote=VoteKind.APPROVE, reason=reason, at=now)
    voted = replace(req, votes=(*req.votes, vote))
    audit = [
        _entry(
            AuditKind.VOTE,
            voted,
            who=reviewer,
            role=role.value,
            now=now,
            vote="approve",
            reason=reason,
        )
    ]
    if voted.still_needed > 0:
        return Transition(request=voted, audit=tuple(audit), vote=vote)
    approved = replace(
        voted,
        state=RequestState.APPROVED,
        closed_at=now,
        closed_by=reviewer,
        close_reason="approved",
    )
    grant_expires = now + req.draft.grant_ttl_seconds
    audit.append(
        _entry(
            AuditKind.REQUEST_APPROVED,
            approved,
            who=reviewer,
            role=role.value,
            now=now,
            approvers=list(approved.approvals),
            grant_expires_at=iso_time(grant_expires),
        )
    )
    return Transition(
        request=approved, audit=tuple(audit), vote=vote, grant_expires_at=grant_expires
    )


def reject(
    req: ApprovalRequest, *, reviewer: str, role: Role, reason: str, now: float
) -> Transition:
    """One rejection rejects. Any eligible reviewer (the operator included: saying no is always
    safe) or an admin may reject; the agent cancels instead."""
    closed = _not_open(req, now=now)
    if closed is not None:
        return closed
    eligible = reviewer in req.draft.eligible or role is Role.ADMIN
    if role in _NEVER_VOTE or not eligible or person_key(reviewer) == person_key(req.draft.agent):
        refusal = f"{reviewer} is not a reviewer of this request and cannot reject it"
        return _refused(req, reviewer=reviewer, role=role, vote="reject", refusal=refusal, now=now)
    vote = Vote(reviewer=reviewer, vote=VoteKind.REJECT, reason=reason, at=now)
    rejected = replace(
        req,
        votes=(*req.votes, vote),
        state=RequestState.REJECTED,
        closed_at=now,
        closed_by=reviewer,
        close_reason=reason or "rejected",
    )
    return Transition(
        request=rejected,
        vote=vote,
        audit=(
            _entry(
                AuditKind.VOTE,
                rejected,
                who=reviewer,
                role=role.value,
                now=now,
                vote="reject",
                reason=reason,
            ),
            _entry(
                AuditKind.REQUEST_REJECTED,
                rejected,
                who=reviewer,
                role=role.value,
                now=now,
                reason=reason,
            ),
        ),
    )


def cancel(req: ApprovalRequest, *, by: str, role: Role, reason: str, now: float) -> Transition:
    """The requester, the agent, its operator or an admin withdraws a pending request."""
    closed = _not_open(req, now=now)
    if closed is not None:
        return closed
    d = req.draft
    if by not in (d.requester, d.agent, d.operator) and role is not Role.ADMIN:
        refusal = f"{by} did not make request {req.id} and is not an admin: cannot cancel it"
        return Transition(request=req, refusal=refusal)
    cancelled = replace(
        req,
        state=RequestState.CANCELLED,
        closed_at=now,
        closed_by=by,
        close_reason=reason or "cancelled",
    )
    entry = _entry(
        AuditKind.REQUEST_CANCELLED, cancelled, who=by, role=role.value, now=now, reason=reason
    )
    return Transition(request=cancelled, audit=(entry,))


def may_revoke(req: ApprovalRequest, *, by: str, role: Role) -> bool:
    """Whether ``by`` may revoke the grant of ``req``: whoever could have stopped the action
    before it was approved may stop it after. Those who may cancel (the requester, the agent,
    its operator -- by name, as :func:`cancel` -- and admins) and those who may reject (any
    eligible reviewer holding a non-agent token, the approvers among them). Revoking only ever
    keeps an action from running, so it is not limited to the approvers."""
    d = req.draft
    if role is Role.ADMIN or by in (d.requester, d.agent, d.operator):
        return True
    if role in _NEVER_VOTE:
        return False
    return by in d.eligible and person_key(by) != person_key(d.agent)


def revoke(req: ApprovalRequest, *, by: str, role: Role, reason: str, now: float) -> Transition:
    """``by`` withdraws the grant of an approved request before it is used: the request becomes
    ``revoked`` and its grant can no longer be used. A used grant cannot be revoked (the action
    ran); a request that was never approved has no grant to revoke (both ``conflict``)."""
    expiry = expire_if_due(req, now=now)
    if expiry is not None:
        why = f"request {req.id} {expiry.request.close_reason} without approval: nothing to revoke"
        return replace(expiry, refusal=why, conflict=True)
    if not may_revoke(req, by=by, role=role):
        refusal = (
            f"{by} may not revoke request {req.id}: only an admin, an eligible reviewer, "
            "or its requester, agent or operator may"
        )
        return Transition(request=req, refusal=refusal)
    grant = req.grant
    if req.state is RequestState.REVOKED:
        why = f"request {req.id} was already revoked by {req.closed_by}: {req.close_reason}"
        return Transition(request=req, refusal=why, conflict=True)
    if req.state is not RequestState.APPROVED or grant is None:
        why = f"request {req.id} is {req.state}, not approved: it has no grant to revoke"
        return Transition(request=req, refusal=why, conflict=True)
    if grant.used_at is not None:
        why = (
            f"grant {grant.id} of request {req.id} was already used at "
            f"{iso_time(grant.used_at)}: the action ran, it cannot be revoked"
        )
        return Transition(request=req, refusal=why, conflict=True)
    if not reason.strip():
        return Transition(request=req, refusal="a revocation needs a reason")
    # The expiry is pulled in too: a server of a version that knows no revocation sharing the
    # database then finds the grant expired rather than usable.
    revoked_grant = replace(grant, revoked_at=now, expires_at=min(grant.expires_at, now))
    revoked = replace(
        req,
        state=RequestState.REVOKED,
        closed_at=now,
        closed_by=by,
        close_reason=reason,
        grant=revoked_grant,
    )
    entry = _entry(
        AuditKind.REQUEST_REVOKED,
        revoked,
        who=by,
        role=role.value,
        now=now,
        grant=grant.id,
        reason=reason,
        approvers=list(req.approvals),
        grant_expires_at=iso_time(grant.expires_at),
    )
    return Transition(request=revoked, audit=(entry,), revoked_grant=revoked_grant)


def check_grant(grant: Grant, *, digest: str, agent: str, operator: str, now: float) -> str | None:
    """Why ``grant`` cannot be used for this action, or ``None`` when it can."""
    if grant.revoked_at is not None:
        return f"grant {grant.id} was revoked at {iso_time(grant.revoked_at)}"
    if grant.used_at is not None:
        return f"grant {grant.id} was already used at {iso_time(grant.used_at)}"
    if now >= grant.expires_at:
        return f"grant {grant.id} expired at {iso_time(grant.expires_at)}"
    if grant.digest != digest:
        return f"grant {grant.id} is for another action ({grant.digest}), not {digest}"
    if grant.agent != agent or grant.operator != operator:
        return f"grant {grant.id} is for agent {grant.agent} acting for {grant.operator}"
    return None


def approval_covers(req: ApprovalRequest, current: RequestDraft) -> str | None:
    """Why the approvals of approved ``req`` do not cover its action as the policy now asks
    (``current``: the draft a request opened now would bind), or ``None`` when they do.

    A grant outlives the policy it was approved under by up to its TTL: a policy that since
    asks more approvals, or other reviewers (one of them removed from the group, a group
    swapped for another), or names the approver as the agent's operator, is not satisfied by
    the earlier approvals."""
    barred = {person_key(p) for p in (current.agent, current.operator, *current.agent_operators)}
    counted = tuple(a for a in req.approvals if person_key(a) not in barred)
    if all(r.remaining(counted) == 0 for r in current.requirements):
        return None
    groups = ", ".join(current.reviewer_groups) or "any reviewer group"
    by = ", ".join(req.approvals) or "nobody"
    return (
        f"request {req.id} was approved by {by} under another policy; the policy now asks "
        f"{current.approvals_required} approval(s) from {groups}: a new review is needed"
    )


def vote_step(
    verb: str, *, by: str, role: Role, reason: str, now: float
) -> Callable[[ApprovalRequest], Transition]:
    """The step ``by`` takes on a request: ``approve``, ``reject``, ``cancel`` or ``revoke``
    (what the store runs inside its transaction). ``ValueError`` for any other verb."""
    if verb == "approve":
        return lambda r: approve(r, reviewer=by, role=role, reason=reason, now=now)
    if verb == "reject":
        return lambda r: reject(r, reviewer=by, role=role, reason=reason, now=now)
    if verb == "cancel":
        return lambda r: cancel(r, by=by, role=role, reason=reason, now=now)
    if verb == "revoke":
        return lambda r: revoke(r, by=by, role=role, reason=reason, now=now)
    raise ValueError(f"unknown step {verb!r}")
