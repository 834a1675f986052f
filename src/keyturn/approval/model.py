"""Values of the approval state machine: requests, votes, grants, roles."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from keyturn.errors import InputError

# The stored decision's key for the agent's operators named by the policy.
AGENT_OPERATORS_KEY = "agent_operators"
# ... and for the reviews its effects ask, when they ask different groups (:class:`Requirement`).
REQUIREMENTS_KEY = "review_requirements"


class RequestState(StrEnum):
    """Where a request stands. ``pending`` changes to any other state; ``approved`` only to
    ``revoked`` (its grant withdrawn before it was used); the others never change."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REVOKED = "revoked"


class ConflictError(InputError):
    """A step the request's state rules out, whoever asks: revoking a grant that was already
    used (the action ran), or a request that was never approved. Not a refusal of a person
    (``ApprovalError``): the API answers 409 ``conflict``, the CLI exits 2."""

    code = "conflict"


# Request ids beyond what the databases store (a signed 64-bit column, with room): such an id
# is simply not found, never sent to the database (SQLite refuses the integer outright).
MAX_REQUEST_ID = 2**62


class Role(StrEnum):
    """What a token may do. Reviewers approve; agents ask; admins manage (and may cancel or
    revoke); a cluster -- the Kubernetes API server, presenting its token to the admission
    webhook -- has its reviews judged and its grants used, and nothing else."""

    AGENT = "agent"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    CLUSTER = "cluster"


class VoteKind(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class Vote:
    """One reviewer's vote on a request."""

    reviewer: str
    vote: VoteKind
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class Grant:
    """The permission an approved request yields: one use of ``digest`` by ``agent`` for
    ``operator`` before ``expires_at``, unless it is revoked first (``revoked_at``)."""

    id: int
    request_id: int
    digest: str
    agent: str
    operator: str
    created_at: float
    expires_at: float
    used_at: float | None = None
    revoked_at: float | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One review a request waits for: ``approvals`` distinct people among ``eligible`` (the
    members of ``groups`` who may approve). An action whose effects ask different groups --
    two from ``sre`` for a delete, one from ``dba`` for a schema change -- waits for each: two
    DBAs approving do not stand in for the SREs."""

    groups: tuple[str, ...]
    approvals: int
    eligible: tuple[str, ...]

    def remaining(self, approvers: tuple[str, ...]) -> int:
        """How many more approvals from this requirement's people it needs."""
        return max(0, self.approvals - sum(1 for a in approvers if a in self.eligible))

    def to_json(self) -> dict[str, Any]:
        return {
            "groups": list(self.groups),
            "approvals": self.approvals,
            "eligible": list(self.eligible),
        }


@dataclass(frozen=True, slots=True)
class RequestDraft:
    """What opening a request binds: the exact action, the policy, who asks, who may approve.

    ``eligible`` is the set of humans in the policy's named reviewer groups when the request
    was opened: approval is judged against the policy the request was made under.
    ``decision`` is the stored decision (``keyturn.approval.codec``), effects included.
    """

    digest: str
    policy_digest: str
    agent: str
    operator: str
    requester: str
    session: str | None
    environment: str
    summary: str
    approvals_required: int
    reviewer_groups: tuple[str, ...]
    eligible: tuple[str, ...]
    decision: dict[str, Any]
    ttl_seconds: float
    grant_ttl_seconds: float

    @property
    def agent_operators(self) -> tuple[str, ...]:
        """The people the policy names as running this agent (its sections' ``operators``)
        when the request was opened. Kept in the stored decision (``AGENT_OPERATORS_KEY``), so
        that the stored request carries them without a column of its own."""
        raw = self.decision.get(AGENT_OPERATORS_KEY)
        if not isinstance(raw, list | tuple):
            return ()
        return tuple(p for p in raw if isinstance(p, str))

    @property
    def requirements(self) -> tuple[Requirement, ...]:
        """The reviews the request waits for: those kept in the stored decision when its
        effects ask different groups, else one (``approvals_required`` from ``eligible``)."""
        raw = self.decision.get(REQUIREMENTS_KEY)
        found = tuple(r for r in (_requirement(x) for x in raw or ()) if r is not None)
        if isinstance(raw, list) and found:
            return found
        return (Requirement(self.reviewer_groups, self.approvals_required, self.eligible),)


def _requirement(raw: Any) -> Requirement | None:
    if not isinstance(raw, dict):
        return None
    groups, approvals, eligible = raw.get("groups"), raw.get("approvals"), raw.get("eligible")
    if not (isinstance(groups, list) and isinstance(eligible, list) and isinstance(approvals, int)):
        return None
    return Requirement(tuple(str(g) for g in groups), approvals, tuple(str(p) for p in eligible))


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """A request as stored, with its votes and (once approved) its grant."""

    id: int
    draft: RequestDraft
    state: RequestState
    created_at: float
    expires_at: float
    closed_at: float | None = None
    closed_by: str | None = None
    close_reason: str = ""
    votes: tuple[Vote, ...] = field(default=())
    grant: Grant | None = None

    @property
    def approvals(self) -> tuple[str, ...]:
        """The reviewers who approved, in order."""
        return tuple(v.reviewer for v in self.votes if v.vote is VoteKind.APPROVE)

    @property
    def still_needed(self) -> int:
        """How many more approvals the request waits for (each requirement's count; one person
        in several of the groups may settle more than one)."""
        approvers = self.approvals
        return sum(r.remaining(approvers) for r in self.draft.requirements)

    def describe_needed(self) -> str:
        """ "1 more approval from sre (approved by alice)" -- what the request still waits for."""
        approvers, requirements = self.approvals, self.draft.requirements
        parts = []
        for r in requirements:
            n = r.remaining(approvers)
            if n or len(requirements) == 1:
                groups = ", ".join(r.groups) or "any reviewer group"
                parts.append(f"{n} more approval{'s' if n != 1 else ''} from {groups}")
        done = f" (approved by {', '.join(approvers)})" if approvers else ""
        return "; ".join(parts) + done

    def to_json(self) -> dict[str, Any]:
        d = self.draft
        return {
            "id": self.id,
            "state": self.state.value,
            "digest": d.digest,
            "policy_digest": d.policy_digest,
            "agent": d.agent,
            "operator": d.operator,
            "requester": d.requester,
            "session": d.session,
            "environment": d.environment,
            "summary": d.summary,
            "approvals_required": d.approvals_required,
            "reviewer_groups": list(d.reviewer_groups),
            "eligible": list(d.eligible),
            "approvals": list(self.approvals),
            "still_needed": self.still_needed,
            "needs": self.describe_needed(),
            "votes": [
                {"reviewer": v.reviewer, "vote": v.vote.value, "reason": v.reason, "at": v.at}
                for v in self.votes
            ],
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "closed_at": self.closed_at,
            "closed_by": self.closed_by,
            "close_reason": self.close_reason,
            "grant": None
            if self.grant is None
            else {
                "id": self.grant.id,
                "expires_at": self.grant.expires_at,
                "used_at": self.grant.used_at,
                "revoked_at": self.grant.revoked_at,
            },
            "decision": d.decision,
        }
