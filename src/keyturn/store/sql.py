"""The SQL both backends share. A backend supplies a connection, its placeholder style, its
DDL words and -- the one thing that differs in substance -- how a write transaction takes the
store-wide write lock (:meth:`SqlStore._write`)."""

# ruff: noqa: S608  -- SQL text is built only from the constant column lists below; values
# always go through placeholders.
from __future__ import annotations

import json
import threading
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any, ClassVar

from keyturn.approval.machine import Transition, check_grant
from keyturn.approval.model import (
    ApprovalRequest,
    Grant,
    RequestDraft,
    RequestState,
    Role,
    Vote,
    VoteKind,
)
from keyturn.audit.chain import extend
from keyturn.audit.record import AuditEntry, AuditKind, StoredRecord, iso_time
from keyturn.audit.signing import Checkpoint, Signer
from keyturn.errors import ApprovalError, AuditError, InputError, NotFoundError
from keyturn.store.interface import Step, Store, TokenRecord
from keyturn.store.migrations import MIGRATIONS

Cursor = Any

_REQUEST_COLUMNS = (
    "id, digest, policy_digest, agent, operator, requester, session, environment, summary, "
    "approvals_required, reviewer_groups, eligible, decision, ttl_seconds, grant_ttl_seconds, "
    "state, created_at, expires_at, closed_at, closed_by, close_reason"
)
_GRANT_COLUMNS = "id, request_id, digest, agent, operator, created_at, expires_at, used_at"


class SqlStore(Store):
    """Everything but connections and locking. Not for direct use."""

    ddl_words: ClassVar[dict[str, str]] = {}

    def __init__(self, *, signer: Signer | None, checkpoint_every: int) -> None:
        self._signer = signer
        self._every = max(1, checkpoint_every)
        # One connection per store; the lock keeps threads of one process from sharing a
        # transaction (the database lock does the same between processes).
        self._lock = threading.RLock()

    # -- backend hooks ---------------------------------------------------------------------------

    @abstractmethod
    def _write(self) -> AbstractContextManager[Cursor]:
        """A transaction holding the store-wide write lock; commits on success."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Cursor]:
        """A consistent read-only snapshot."""

    @abstractmethod
    def _migrating(self) -> AbstractContextManager[Cursor]:
        """A transaction that serialises concurrent migrations."""

    def _sql(self, text: str) -> str:
        return text

    def _x(self, cur: Cursor, text: str, params: Sequence[Any] = ()) -> Cursor:
        cur.execute(self._sql(text), tuple(params))
        return cur

    # -- schema -----------------------------------------------------------------------------------

    def migrate(self) -> int:
        with self._lock, self._migrating() as cur:
            self._x(
                cur,
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, description TEXT NOT NULL)",
            )
            done = {row[0] for row in self._x(cur, "SELECT version FROM schema_migrations")}
            for version, description, statements in MIGRATIONS:
                if version in done:
                    continue
                for statement in statements:
                    self._x(cur, statement.format(**self.ddl_words))
                self._x(
                    cur,
                    "INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                    (version, description),
                )
        return self.schema_version()

    def schema_version(self) -> int:
        with self._lock, self._read() as cur:
            if not self._has_table(cur, "schema_migrations"):
                return 0
            row = self._x(cur, "SELECT MAX(version) FROM schema_migrations").fetchone()
            return int(row[0] or 0)

    @abstractmethod
    def _has_table(self, cur: Cursor, name: str) -> bool: ...

    # -- tokens -----------------------------------------------------------------------------------

    def create_token(
        self, *, name: str, role: Role, token_hash: str, entry: AuditEntry
    ) -> TokenRecord:
        with self._lock, self._write() as cur:
            taken = self._x(
                cur, "SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL", (name,)
            ).fetchone()
            if taken:
                raise InputError(f"a token named {name!r} exists; revoke it first")
            row = self._x(
                cur,
                "INSERT INTO tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?) "
                "RETURNING id",
                (name, role.value, token_hash, entry.at),
            ).fetchone()
            self._append(cur, [entry])
        return TokenRecord(id=int(row[0]), name=name, role=role, created_at=entry.at)

    def revoke_token(self, *, name: str, entry: AuditEntry) -> None:
        with self._lock, self._write() as cur:
            n = self._x(
                cur,
                "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (entry.at, name),
            ).rowcount
            if n != 1:
                raise NotFoundError(f"no live token named {name!r}")
            self._append(cur, [entry])

    def find_token(self, token_hash: str) -> TokenRecord | None:
        with self._lock, self._read() as cur:
            row = self._x(
                cur,
                "SELECT id, name, role, created_at, revoked_at FROM tokens "
                "WHERE token_hash = ? AND revoked_at IS NULL",
                (token_hash,),
            ).fetchone()
        return None if row is None else _token(row)

    def list_tokens(self) -> list[TokenRecord]:
        with self._lock, self._read() as cur:
            rows = self._x(
                cur, "SELECT id, name, role, created_at, revoked_at FROM tokens ORDER BY id"
            ).fetchall()
        return [_token(r) for r in rows]

    # -- requests ---------------------------------------------------------------------------------

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
            raise ApprovalError(result.refusal)
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
                    "operator = ? AND used_at IS NULL AND expires_at > ? ORDER BY id LIMIT 1",
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
                # The conditional update is the "exactly once": of two racing users only one
                # sees used_at still NULL (and the write lock serialises them anyway).
                n = self._x(
                    cur,
                    "UPDATE grants SET used_at = ? WHERE id = ? AND used_at IS NULL",
                    (now, grant.id),
                ).rowcount
                if n != 1:
                    refusal = f"grant {grant.id} was already used"
            if refusal is not None:
                data["reason"] = refusal
                kind = AuditKind.GRANT_REFUSED
            self._append(cur, [AuditEntry(kind=kind, at=now, actor=dict(actor), data=data)])
        if refusal is not None:
            raise ApprovalError(refusal)
        return replace(grant, used_at=now)

    # -- audit ------------------------------------------------------------------------------------

    def append_audit(self, entries: Sequence[AuditEntry]) -> list[StoredRecord]:
        try:
            with self._lock, self._write() as cur:
                return self._append(cur, entries)
        except AuditError:
            raise
        except Exception as exc:
            raise AuditError(f"could not append to the audit log: {exc}") from exc

    def _append(self, cur: Cursor, entries: Sequence[AuditEntry]) -> list[StoredRecord]:
        """Append under the write lock the caller holds: number, hash, checkpoint."""
        if not entries:
            return []
        seq, chain_hex = self._x(cur, "SELECT seq, chain FROM audit_head WHERE id = 1").fetchone()
        start, prev = int(seq), bytes.fromhex(chain_hex)
        stored: list[StoredRecord] = []
        for i, entry in enumerate(entries, start=start + 1):
            canonical = entry.canonical(i)
            _, prev = extend(prev, canonical)
            stored.append(
                StoredRecord(seq=i, canonical=canonical.decode("utf-8"), chain=prev.hex())
            )
        self._insert_records(cur, stored)
        last = stored[-1]
        self._x(
            cur, "UPDATE audit_head SET seq = ?, chain = ? WHERE id = 1", (last.seq, last.chain)
        )
        if self._signer is not None and last.seq // self._every > start // self._every:
            self._sign(cur, last.seq, last.chain, entries[-1].at)
        return stored

    def _insert_records(self, cur: Cursor, stored: Sequence[StoredRecord]) -> None:
        cur.executemany(
            self._sql("INSERT INTO audit_log (seq, record, chain) VALUES (?, ?, ?)"),
            [(r.seq, r.canonical, r.chain) for r in stored],
        )

    def _sign(self, cur: Cursor, seq: int, chain: str, at: float) -> Checkpoint:
        assert self._signer is not None
        cp = self._signer.sign(seq=seq, chain=chain, at=iso_time(at))
        self._x(
            cur,
            "INSERT INTO audit_checkpoints (seq, chain, at, key_id, signature) "
            "VALUES (?, ?, ?, ?, ?)",
            (cp.seq, cp.chain, cp.at, cp.key_id, cp.signature),
        )
        return cp

    def note_policy(self, *, digest: str, source: str, now: float) -> bool:
        with self._lock, self._write() as cur:
            row = self._x(cur, "SELECT value FROM meta WHERE key = 'policy_digest'").fetchone()
            if row is not None and row[0] == digest:
                return False
            self._x(cur, "DELETE FROM meta WHERE key = 'policy_digest'")
            self._x(cur, "INSERT INTO meta (key, value) VALUES ('policy_digest', ?)", (digest,))
            entry = AuditEntry(
                kind=AuditKind.POLICY_LOADED,
                at=now,
                actor={"name": "keyturn", "role": "system"},
                data={
                    "policy_digest": digest,
                    "source": source,
                    "previous": None if row is None else row[0],
                },
            )
            self._append(cur, [entry])
            return True

    def audit_records(self, *, after: int = 0) -> Iterator[StoredRecord]:
        with self._lock, self._read() as cur:
            rows = self._x(
                cur, "SELECT seq, record, chain FROM audit_log WHERE seq > ? ORDER BY seq", (after,)
            ).fetchall()
        return iter([StoredRecord(seq=int(r[0]), canonical=r[1], chain=r[2]) for r in rows])

    def audit_head(self) -> tuple[int, str]:
        with self._lock, self._read() as cur:
            seq, chain = self._x(cur, "SELECT seq, chain FROM audit_head WHERE id = 1").fetchone()
        return int(seq), str(chain)

    def checkpoints(self) -> list[Checkpoint]:
        with self._lock, self._read() as cur:
            rows = self._x(
                cur, "SELECT seq, chain, at, key_id, signature FROM audit_checkpoints ORDER BY seq"
            ).fetchall()
        return [
            Checkpoint(seq=int(r[0]), chain=r[1], at=r[2], key_id=r[3], signature=r[4])
            for r in rows
        ]

    def checkpoint(self, *, now: float) -> Checkpoint | None:
        if self._signer is None:
            return None
        with self._lock, self._write() as cur:
            seq, chain = self._x(cur, "SELECT seq, chain FROM audit_head WHERE id = 1").fetchone()
            if int(seq) == 0:
                return None
            have = self._x(
                cur,
                "SELECT seq, chain, at, key_id, signature FROM audit_checkpoints WHERE seq = ?",
                (seq,),
            ).fetchone()
            if have is not None:
                return Checkpoint(
                    seq=int(have[0]), chain=have[1], at=have[2], key_id=have[3], signature=have[4]
                )
            return self._sign(cur, int(seq), str(chain), now)


def _token(row: Sequence[Any]) -> TokenRecord:
    return TokenRecord(
        id=int(row[0]),
        name=row[1],
        role=Role(row[2]),
        created_at=float(row[3]),
        revoked_at=None if row[4] is None else float(row[4]),
    )


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
