"""Approval requests, their votes and grants in SQL: open (or find) a request, run the state
machine's transitions and expiry, and use a grant exactly once -- or revoke it, never both."""

# ruff: noqa: S608  -- SQL text is built only from the constant column lists below; values
# always go through placeholders.
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from keyturn.approval.machine import Transition, check_grant
from keyturn.approval.model import (
    ApprovalRequest,
    ConflictError,
    Grant,
    RequestDraft,
    RequestState,
    Vote,
    VoteKind,
)
from keyturn.audit.record import AuditEntry, AuditKind, iso_time
from keyturn.errors import ApprovalError, NotFoundError
from keyturn.store.interface import Step
from keyturn.store.sql_audit import SqlAudit
from keyturn.store.sql_base import Cursor

_REQUEST_COLUMNS = (
    "id, digest, policy_digest, agent, operator, requester, session, environment, summary, "
    "approvals_required, reviewer_groups, eligible, decision, ttl_seconds, grant_ttl_seconds, "
    "state, created_at, expires_at, closed_at, closed_by, close_reason"
)
_GRANT_COLUMNS = (
    "id, request_id, digest, agent, operator, created_at, expires_at, used_at, revoked_at"
)


class SqlRequests(SqlAudit):
    """The request, vote and grant tables of the SQL store. Not for direct use."""

    def open_request(
        self, draft: RequestDraft, *, now: float, entry: AuditEntry
    ) -> tuple[ApprovalRequest, bool]:
        with self._lock, self._write() as cur:
            self._expire(cur, now=now, digest=draft.digest)
            row = self._x(
                cur,
                f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE digest = ? AND agent = ? "
                "AND operator = ? AND state = ? ORDER BY id LIMIT 1",
                (draft.digest, draft.agent, draft.operator, RequestState.PENDING.value),
            ).fetchone()
            if row is not None:
                return self._load(cur, row), False
            row = self._x(
                cur,
                f"INSERT INTO requests ({_REQUEST_COLUMNS.removeprefix('id, ')}) VALUES "
                f"({', '.join('?' * 20)}) RETURNING id",
                _draft_params(draft, now=now),
            ).fetchone()
            request_id = int(row[0])
            self._append(cur, [replace(entry, data={**entry.data, "request": request_id})])
            return self._get(cur, request_id), True

    def get_request(self, request_id: int) -> ApprovalRequest:
        with self._lock, self._read() as cur:
            return self._get(cur, request_id)

    def list_requests(
        self, *, states: Iterable[RequestState] | None = None
    ) -> list[ApprovalRequest]:
        with self._lock, self._read() as cur:
            rows = self._x(cur, f"SELECT {_REQUEST_COLUMNS} FROM requests ORDER BY id").fetchall()
            wanted = None if states is None else {s.value for s in states}
            return [self._load(cur, r) for r in rows if wanted is None or r[15] in wanted]

    def transition(self, request_id: int, step: Step, *, now: float) -> ApprovalRequest:
        with self._lock, self._write() as cur:
            result = step(self._get(cur, request_id))
            self._apply(cur, result, now=now)
            after = self._get(cur, request_id)
        if result.refusal is not None:
            raise (ConflictError if result.conflict else ApprovalError)(result.refusal)
        return after

    def expire_due(self, *, now: float) -> int:
        with self._lock, self._write() as cur:
            return self._expire(cur, now=now, digest=None)

    def _expire(self, cur: Cursor, *, now: float, digest: str | None) -> int:
        from keyturn.approval.machine import expire_if_due

        text = f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE state = ? AND expires_at <= ?"
        params: list[Any] = [RequestState.PENDING.value, now]
        if digest is not None:
            text += " AND digest = ?"
            params.append(digest)
        count = 0
        for row in self._x(cur, text, params).fetchall():
            result = expire_if_due(self._load(cur, row), now=now)
            if result is not None:
                self._apply(cur, result, now=now)
                count += 1
        return count

    def _apply(self, cur: Cursor, result: Transition, *, now: float) -> None:
        req = result.request
        self._x(
            cur,
            "UPDATE requests SET state = ?, closed_at = ?, closed_by = ?, close_reason = ? "
            "WHERE id = ?",
            (req.state.value, req.closed_at, req.closed_by, req.close_reason, req.id),
        )
        if result.vote is not None:
            v = result.vote
            self._x(
                cur,
                "INSERT INTO votes (request_id, reviewer, vote, reason, at) VALUES (?, ?, ?, ?, ?)",
                (req.id, v.reviewer, v.vote.value, v.reason, v.at),
            )
        if result.revoked_grant is not None:
            self._revoke_grant(cur, result.revoked_grant)
        audit = list(result.audit)
        if result.grant_expires_at is not None:
            d = req.draft
            row = self._x(
                cur,
                "INSERT INTO grants (request_id, digest, agent, operator, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (req.id, d.digest, d.agent, d.operator, now, result.grant_expires_at),
            ).fetchone()
            audit.append(
                AuditEntry(
                    kind=AuditKind.GRANT_ISSUED,
                    at=now,
                    actor={"name": "keyturn", "role": "system"},
                    data={
                        "request": req.id,
                        "grant": int(row[0]),
                        "digest": d.digest,
                        "agent": d.agent,
                        "operator": d.operator,
                        "expires_at": iso_time(result.grant_expires_at),
                    },
                )
            )
        self._append(cur, audit)

    def _revoke_grant(self, cur: Cursor, grant: Grant) -> None:
        """Mark ``grant`` revoked, only if it is still unused and unrevoked. Like the use's
        ``used_at IS NULL``, the condition makes a revocation and a use racing end with one
        winner even without the write lock; the loser raises, which rolls the whole transaction
        back (the request's state included)."""
        n = self._x(
            cur,
            "UPDATE grants SET revoked_at = ?, expires_at = ? "
            "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
            (grant.revoked_at, grant.expires_at, grant.id),
        ).rowcount
        if n != 1:
            raise ConflictError(f"grant {grant.id} was used or revoked meanwhile: not revoked")

    def _get(self, cur: Cursor, request_id: int) -> ApprovalRequest:
        row = self._x(
            cur, f"SELECT {_REQUEST_COLUMNS} FROM requests WHERE id = ?", (request_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no request {request_id}")
        return self._load(cur, row)

    def _load(self, cur: Cursor, row: Sequence[Any]) -> ApprovalRequest:
        request_id = int(row[0])
        votes = tuple(
            Vote(reviewer=r[0], vote=VoteKind(r[1]), reason=r[2], at=float(r[3]))
            for r in self._x(
                cur,
                "SELECT reviewer, vote, reason, at FROM votes WHERE request_id = ? ORDER BY at",
                (request_id,),
            ).fetchall()
        )
        grow = self._x(
            cur, f"SELECT {_GRANT_COLUMNS} FROM grants WHERE request_id = ?", (request_id,)
        ).fetchone()
        return _request(row, votes=votes, grant=None if grow is None else _grant(grow))

    # -- grants -----------------------------------------------------------------------------------

    def consume_grant(
        self,
        *,
        digest: str,
        agent: str,
        operator: str,
        now: float,
        actor: dict[str, str | None],
        grant_id: int | None = None,
    ) -> Grant | None:
        with self._lock, self._write() as cur:
            if grant_id is None:
                row = self._x(
                    cur,
                    f"SELECT {_GRANT_COLUMNS} FROM grants WHERE digest = ? AND agent = ? AND "
                    "operator = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? "
                    "ORDER BY id LIMIT 1",
                    (digest, agent, operator, now),
                ).fetchone()
            else:
                row = self._x(
                    cur, f"SELECT {_GRANT_COLUMNS} FROM grants WHERE id = ?", (grant_id,)
                ).fetchone()
                if row is None:
                    raise NotFoundError(f"no grant {grant_id}")
            if row is None:
                return None
            grant = _grant(row)
            refusal = check_grant(grant, digest=digest, agent=agent, operator=operator, now=now)
            kind = AuditKind.GRANT_USED if refusal is None else AuditKind.GRANT_REFUSED
            data = {
                "grant": grant.id,
                "request": grant.request_id,
                "digest": digest,
                "agent": agent,
                "operator": operator,
            }
            if refusal is None:
                # The conditional update is the "exactly once": of two racing users (or a user
                # and a revocation) only one sees the grant still unused and unrevoked (and the
                # write lock serialises them anyway).
                n = self._x(
                    cur,
                    "UPDATE grants SET used_at = ? "
                    "WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL",
                    (now, grant.id),
                ).rowcount
                if n != 1:
                    refusal = f"grant {grant.id} was already used or revoked"
            if refusal is not None:
                data["reason"] = refusal
                kind = AuditKind.GRANT_REFUSED
            self._append(cur, [AuditEntry(kind=kind, at=now, actor=dict(actor), data=data)])
        if refusal is not None:
            raise ApprovalError(refusal)
        return replace(grant, used_at=now)


def _grant(row: Sequence[Any]) -> Grant:
    return Grant(
        id=int(row[0]),
        request_id=int(row[1]),
        digest=row[2],
        agent=row[3],
        operator=row[4],
        created_at=float(row[5]),
        expires_at=float(row[6]),
        used_at=None if row[7] is None else float(row[7]),
        revoked_at=None if row[8] is None else float(row[8]),
    )


def _draft_params(d: RequestDraft, *, now: float) -> tuple[Any, ...]:
    return (
        d.digest,
        d.policy_digest,
        d.agent,
        d.operator,
        d.requester,
        d.session,
        d.environment,
        d.summary,
        d.approvals_required,
        json.dumps(list(d.reviewer_groups)),
        json.dumps(list(d.eligible)),
        json.dumps(d.decision, sort_keys=True),
        d.ttl_seconds,
        d.grant_ttl_seconds,
        RequestState.PENDING.value,
        now,
        now + d.ttl_seconds,
        None,
        None,
        "",
    )


def _request(
    row: Sequence[Any], *, votes: tuple[Vote, ...], grant: Grant | None
) -> ApprovalRequest:
    draft = RequestDraft(
        digest=row[1],
        policy_digest=row[2],
        agent=row[3],
        operator=row[4],
        requester=row[5],
        session=row[6],
        environment=row[7],
        summary=row[8],
        approvals_required=int(row[9]),
        reviewer_groups=tuple(json.loads(row[10])),
        eligible=tuple(json.loads(row[11])),
        decision=json.loads(row[12]),
        ttl_seconds=float(row[13]),
        grant_ttl_seconds=float(row[14]),
    )
    return ApprovalRequest(
        id=int(row[0]),
        draft=draft,
        state=RequestState(row[15]),
        created_at=float(row[16]),
        expires_at=float(row[17]),
        closed_at=None if row[18] is None else float(row[18]),
        closed_by=row[19],
        close_reason=row[20] or "",
        votes=votes,
        grant=grant,
    )
