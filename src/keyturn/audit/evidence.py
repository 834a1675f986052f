"""What the store's state tables say the audit log must hold, and the log checked against it.

The records after the last signed checkpoint are held by the chain and the store's head row
only, which anyone who can write the database can recompute: such a person can rewrite who
approved a request, rehash the chain and the head, and the chain alone verifies. But the store
keeps other evidence of what happened, written in the same transaction as each record: its
requests (who asked, how each ended and by whom), the votes (who voted what, with which
reason) and the grants (for which agent and operator, whether used). A rewritten record of any
of them then disagrees with a row, and :func:`check_state` names it. What it cannot catch: a
rewrite of the rows and the records together, and a record no row backs (decisions, refused
votes and grant uses, executions, tokens, policy loads).

The evidence is read *before* the log's snapshot: each row is written together with its
record, so a row read first has its record in a snapshot taken after. A record newer than the
evidence (a vote on a request still pending when the rows were read) is not a contradiction;
a vote or an ending recorded for a request the rows show closed is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from keyturn.audit.record import StoredRecord

if TYPE_CHECKING:
    from keyturn.approval.model import ApprovalRequest

# (request, digest, agent, operator, requester) / (request, reviewer, vote, reason) /
# (request, state, closed by) / (grant, request, digest, agent, operator)
Asker = tuple[int, str, str, str, str]
VoteRow = tuple[int, str, str, str]
Ending = tuple[int, str, str]
Holder = tuple[int, int, str, str, str]


@dataclass(frozen=True, slots=True)
class StateEvidence:
    """What the store's state tables say the log must hold: the ids of the requests (each
    has its ``request.opened`` record), of the grants issued (``grant.issued``) and of those
    used (``grant.used``); and, when read with :meth:`of_requests`, who asked for each request,
    every vote, how each closed request ended and by whom, and whom each grant was for. Read
    *before* the log's snapshot (see the module doc)."""

    requests: frozenset[int] = field(default_factory=frozenset)
    grants: frozenset[int] = field(default_factory=frozenset)
    used_grants: frozenset[int] = field(default_factory=frozenset)
    askers: frozenset[Asker] = field(default_factory=frozenset)
    votes: frozenset[VoteRow] = field(default_factory=frozenset)
    endings: frozenset[Ending] = field(default_factory=frozenset)
    holders: frozenset[Holder] = field(default_factory=frozenset)

    @classmethod
    def of_requests(cls, requests: Iterable[ApprovalRequest]) -> StateEvidence:
        """The evidence of the store's requests, as ``Store.list_requests`` gives them (with
        their votes and grants)."""
        requests = tuple(requests)
        grants = [r.grant for r in requests if r.grant is not None]
        return cls(
            requests=frozenset(r.id for r in requests),
            grants=frozenset(g.id for g in grants),
            used_grants=frozenset(g.id for g in grants if g.used_at is not None),
            askers=frozenset(
                (r.id, r.draft.digest, r.draft.agent, r.draft.operator, r.draft.requester)
                for r in requests
            ),
            votes=frozenset(
                (r.id, v.reviewer, v.vote.value, v.reason) for r in requests for v in r.votes
            ),
            endings=frozenset(
                (r.id, r.state.value, r.closed_by or "")
                for r in requests
                if r.state.value != "pending"
            ),
            holders=frozenset((g.id, g.request_id, g.digest, g.agent, g.operator) for g in grants),
        )


# The record kinds that name each id the state tables hold, and the data key naming it.
_EVIDENCE = (
    ("request.opened", "request", "requests", "request"),
    ("grant.issued", "grant", "grants", "grant"),
    ("grant.used", "grant", "used_grants", "used grant"),
)
# The record that ends a request in each state, and those that may follow it (a revocation
# of an approved request's grant, recorded after the rows were read).
_ENDED_BY: dict[str, tuple[str, frozenset[str]]] = {
    "approved": ("request.approved", frozenset({"request.revoked"})),
    "rejected": ("request.rejected", frozenset()),
    "expired": ("request.expired", frozenset()),
    "cancelled": ("request.cancelled", frozenset()),
    "revoked": ("request.revoked", frozenset({"request.approved"})),
}
_ENDINGS = frozenset(kind for kind, _ in _ENDED_BY.values())
REWRITTEN = "the record was rewritten or forged (the store's state tables say otherwise)"


# A field a record does not carry: not compared (the check is for contradictions; the store's
# own tests open requests with records naming the agent only).
_UNTOLD = object()


def _s(value: Any) -> str | None:
    """A string field as recorded; anything else never equals a row's value."""
    return value if isinstance(value, str) else None


@dataclass(slots=True)
class _Facts:
    """What the log records about requests and grants, with the record numbers."""

    ids: dict[str, set[int]] = field(default_factory=lambda: {k: set() for k, *_ in _EVIDENCE})
    askers: dict[int, list[tuple[tuple[Any, ...], int]]] = field(default_factory=dict)
    votes: dict[int, list[tuple[tuple[Any, ...], int]]] = field(default_factory=dict)
    endings: dict[int, list[tuple[tuple[Any, ...], int]]] = field(default_factory=dict)
    approvers: dict[int, list[tuple[tuple[Any, ...], int]]] = field(default_factory=dict)
    holders: dict[int, list[tuple[tuple[Any, ...], int]]] = field(default_factory=dict)
    users: dict[int, list[tuple[tuple[Any, ...], int]]] = field(default_factory=dict)

    def read(self, kind: str, data: dict[str, Any], actor: dict[str, Any], seq: int) -> None:
        request, grant = data.get("request"), data.get("grant")
        for wanted, key, *_ in _EVIDENCE:
            if kind == wanted and isinstance(data.get(key), int):
                self.ids[kind].add(data[key])
        agent, operator = _s(data.get("agent")), _s(data.get("operator"))
        # A grant's records are compared whatever request they name (or fail to).
        if kind == "grant.issued" and isinstance(grant, int):
            held = (request, _s(data.get("digest")), agent, operator)
            self._add(self.holders, grant, held, seq)
        elif kind == "grant.used" and isinstance(grant, int):
            self._add(self.users, grant, (agent, operator), seq)
        if not isinstance(request, int):
            return
        name = _s(actor.get("name"))
        if kind == "request.opened":
            told = {"digest": data, "agent": actor, "operator": actor, "requester": actor}
            asker = tuple(_s(src[k]) if k in src else _UNTOLD for k, src in told.items())
            self._add(self.askers, request, asker, seq)
        elif kind == "vote":
            vote = (name, _s(data.get("vote")), _s(data.get("reason")))
            self._add(self.votes, request, vote, seq)
        elif kind in _ENDINGS:
            self._add(self.endings, request, (kind, name), seq)
        if kind == "request.approved":
            self._add(self.approvers, request, _approvers(data.get("approvers")), seq)

    @staticmethod
    def _add(
        table: dict[int, list[tuple[tuple[Any, ...], int]]], key: int, fact: Any, seq: int
    ) -> None:
        table.setdefault(key, []).append((fact, seq))


def _approvers(value: Any) -> tuple[Any, ...]:
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        return (None,)
    return tuple(sorted(value))


def check_state(
    records: Sequence[StoredRecord], state: StateEvidence
) -> tuple[str, int | None] | None:
    """The first contradiction between the log and the store's state tables, as ``(problem,
    record number or None)``, or ``None``. One pass over the records."""
    facts = _Facts()
    for rec in records:
        try:
            value = json.loads(rec.canonical)
        except ValueError:
            continue  # the chain walk already vouched for the bytes; not evidence
        if isinstance(value, dict) and isinstance(value.get("kind"), str):
            data, actor = value.get("data"), value.get("actor")
            if isinstance(data, dict) and isinstance(actor, dict):
                facts.read(value["kind"], data, actor, rec.seq)
    for check in (_missing, _askers, _votes, _endings, _grants):
        found = check(facts, state)
        if found is not None:
            return found
    return None


def _missing(facts: _Facts, state: StateEvidence) -> tuple[str, int | None] | None:
    """A request or grant of the store with no record of its making (or use)."""
    for kind, _, attribute, what in _EVIDENCE:
        missing = sorted(getattr(state, attribute) - facts.ids[kind])
        if missing:
            shown = ", ".join(map(str, missing[:5])) + (", ..." if len(missing) > 5 else "")
            return (
                f"the store holds {what} {shown} but the log has no {kind} record of it: "
                "records were deleted (the log was emptied, cut or rewritten)",
                None,
            )
    return None


def _askers(facts: _Facts, state: StateEvidence) -> tuple[str, int | None] | None:
    """Each request's ``request.opened`` names who asked, as its row does."""
    for request, digest, agent, operator, requester in sorted(state.askers):
        found = facts.askers.get(request, [])
        row = (digest, agent, operator, requester)
        if len(found) > 1 or (found and not _agrees(found[0][0], row)):
            seq = found[-1][1]
            return (
                f"record {seq}: request {request} was asked by agent {agent} for operator "
                f"{operator} (requester {requester}), not as its request.opened record says: "
                + REWRITTEN,
                seq,
            )
    return None


def _agrees(told: tuple[Any, ...], row: tuple[str, ...]) -> bool:
    return all(t is _UNTOLD or t == r for t, r in zip(told, row, strict=True))


def _votes(facts: _Facts, state: StateEvidence) -> tuple[str, int | None] | None:
    """Every vote row has its record; a closed request has no vote record beyond its rows."""
    rows: dict[int, list[tuple[str, str, str]]] = {}
    for request, reviewer, vote, reason in state.votes:
        rows.setdefault(request, []).append((reviewer, vote, reason))
    closed = {e[0] for e in state.endings}
    for request in sorted(rows.keys() | closed):
        held = rows.get(request, [])
        recorded = facts.votes.get(request, [])
        stray = [seq for fact, seq in recorded if fact not in held]
        lost = [row for row in sorted(held) if all(fact != row for fact, _ in recorded)]
        if lost:
            seq = stray[0] if stray else None
            where = f"record {seq}: " if seq is not None else ""
            reviewer, vote, reason = lost[0]
            return (
                f"{where}the votes table holds {reviewer}'s {vote} on request {request} "
                f"({reason!r}) but no vote record says so: " + REWRITTEN,
                seq,
            )
        if request in closed and (stray or len(recorded) > len(held)):
            seq = stray[0] if stray else recorded[-1][1]
            return (
                f"record {seq}: a vote on closed request {request} that the votes table does "
                "not hold: " + REWRITTEN,
                seq,
            )
    return None


def _endings(facts: _Facts, state: StateEvidence) -> tuple[str, int | None] | None:
    """A closed request's ending record names who closed it, no other ending contradicts it,
    and an approval names the approvers its vote rows hold."""
    approvals: dict[int, list[str]] = {}
    for request, reviewer, vote, _ in state.votes:
        if vote == "approve":
            approvals.setdefault(request, []).append(reviewer)
    for request, ended, by in sorted(state.endings):
        kind, later = _ENDED_BY.get(ended, ("", frozenset()))
        recorded = facts.endings.get(request, [])
        mine = [(name, seq) for (k, name), seq in recorded if k == kind]
        others = [(k, seq) for (k, _), seq in recorded if k != kind and k not in later]
        if len(mine) != 1 or mine[0][0] != by or others:
            seq = others[0][1] if others else (mine[-1][1] if mine else None)
            where = f"record {seq}: " if seq is not None else ""
            return (
                f"{where}request {request} was {ended} by {by or '-'} (its row) but its "
                "records say otherwise: " + REWRITTEN,
                seq,
            )
        if ended in ("approved", "revoked"):
            found = facts.approvers.get(request, [])
            wanted = tuple(sorted(approvals.get(request, [])))
            if len(found) != 1 or found[0][0] != wanted:
                seq = found[-1][1] if found else None
                where = f"record {seq}: " if seq is not None else ""
                return (
                    f"{where}request {request} was approved by {', '.join(wanted) or '-'} "
                    "(the votes table) but its request.approved record names others: " + REWRITTEN,
                    seq,
                )
    return None


def _grants(facts: _Facts, state: StateEvidence) -> tuple[str, int | None] | None:
    """Each grant's ``grant.issued`` and ``grant.used`` name the request, agent and operator
    its row holds."""
    for grant, request, digest, agent, operator in sorted(state.holders):
        issued = facts.holders.get(grant, [])
        used = facts.users.get(grant, [])
        wrong = [s for f, s in issued if f != (request, digest, agent, operator)]
        wrong += [s for f, s in used if f != (agent, operator)]
        if len(issued) > 1 or len(used) > 1 or wrong:
            seq = wrong[0] if wrong else max(s for _, s in issued + used)
            return (
                f"record {seq}: grant {grant} of request {request} is for agent {agent} and "
                f"operator {operator} (its row), not as its records say: " + REWRITTEN,
                seq,
            )
    return None
