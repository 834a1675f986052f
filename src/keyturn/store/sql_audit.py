"""The audit log in SQL: append (number, hash-chain, checkpoint under the write lock), read,
and signed checkpoints. Every other write appends its audit records in its own transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from keyturn.audit.chain import extend
from keyturn.audit.record import AuditEntry, AuditKind, StoredRecord, iso_time
from keyturn.audit.signing import Checkpoint
from keyturn.errors import AuditError
from keyturn.store.interface import AuditSnapshot
from keyturn.store.sql_base import Cursor, SqlBase


@dataclass(slots=True)
class _QueuedAppend:
    """One caller's entries waiting for a group commit, and what came of them."""

    entries: Sequence[AuditEntry]
    stored: list[StoredRecord] | None = None
    error: Exception | None = None


class SqlAudit(SqlBase):
    """The audit log and policy notes of the SQL store. Not for direct use."""

    def append_audit(self, entries: Sequence[AuditEntry]) -> list[StoredRecord]:
        """Append durably, committing together with the appends of other threads that wait.

        A group commit: every caller queues its entries, then takes the store's write lock.
        The first to get it writes everything queued so far in one transaction -- one durable
        commit, one fsync, for all of them -- and the others, getting the lock after it, find
        theirs written and return. Each caller still returns only once its own records are
        durable, and a failed commit fails every caller in it (who then refuses its action).
        With many decisions in flight the commit's cost is shared instead of queued.
        """
        if not entries:
            return []
        mine = _QueuedAppend(entries)
        with self._queue_lock:
            self._queued_appends.append(mine)
        with self._lock:
            if mine.stored is None and mine.error is None:
                self._commit_queued()
        if mine.error is not None:
            if isinstance(mine.error, AuditError):
                raise mine.error
            raise AuditError(f"could not append to the audit log: {mine.error}") from mine.error
        assert mine.stored is not None
        return mine.stored

    def _commit_queued(self) -> None:
        """Write every queued append in one transaction (the caller holds the write lock)."""
        with self._queue_lock:
            batch: list[_QueuedAppend] = self._queued_appends
            self._queued_appends = []
        try:
            with self._write() as cur:
                stored = self._append(cur, [e for queued in batch for e in queued.entries])
        except Exception as exc:
            for queued in batch:
                queued.error = exc
            return
        start = 0
        for queued in batch:
            queued.stored = stored[start : start + len(queued.entries)]
            start += len(queued.entries)

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
        if self._signer is not None and self._signature_due(cur, start, last.seq):
            self._sign(cur, last.seq, last.chain, entries[-1].at)
        return stored

    def _signature_due(self, cur: Cursor, start: int, end: int) -> bool:
        """Whether the append of records ``start+1..end`` signs a checkpoint at ``end``: when
        it crosses a multiple of ``checkpoint_every`` -- and the log is signed up to the last
        multiple before it. Where that signature is missing, it was deleted (or the key was
        made after those records), and the records since may have been rewritten: signing
        now would seal them. Then nothing is signed, ``keyturn audit verify`` says so, and a
        person decides (``keyturn audit checkpoint`` signs the head on demand)."""
        due = end // self._every * self._every
        if due <= start:
            return False
        previous = start // self._every * self._every
        if previous == 0:
            return True
        row = self._x(cur, "SELECT MAX(seq) FROM audit_checkpoints").fetchone()
        return row is not None and row[0] is not None and int(row[0]) >= previous

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

    def audit_snapshot(self) -> AuditSnapshot:
        with self._lock, self._snapshot() as cur:
            head = self._x(cur, "SELECT seq, chain FROM audit_head WHERE id = 1").fetchone()
            rows = self._x(cur, "SELECT seq, record, chain FROM audit_log ORDER BY seq").fetchall()
            marks = self._x(
                cur, "SELECT seq, chain, at, key_id, signature FROM audit_checkpoints ORDER BY seq"
            ).fetchall()
        return AuditSnapshot(
            records=tuple(StoredRecord(seq=int(r[0]), canonical=r[1], chain=r[2]) for r in rows),
            checkpoints=tuple(
                Checkpoint(seq=int(r[0]), chain=r[1], at=r[2], key_id=r[3], signature=r[4])
                for r in marks
            ),
            head=None if head is None else (int(head[0]), str(head[1])),
        )

    def checkpoint(self, *, now: float) -> Checkpoint | None:
        if self._signer is None:
            return None
        with self._lock, self._write() as cur:
            head = self._x(cur, "SELECT seq, chain FROM audit_head WHERE id = 1").fetchone()
            if head is None or int(head[0]) == 0:  # no head row: nothing to vouch for
                return None
            seq, chain = head
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
