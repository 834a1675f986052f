"""Audit log speed against its peers, measured in the same run.

- Durable appends per second (one record per committed transaction) on SQLite and PostgreSQL,
  against a plain durable INSERT of the same rows into a bare table on the same database.
- ``audit verify`` records per second against bare SHA-256 chaining of the same bytes
  (target: at least 0.5x).
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from keyturn.audit.chain import GENESIS, extend
from keyturn.audit.record import AuditEntry, AuditKind, StoredRecord
from keyturn.audit.signing import Signer
from keyturn.audit.verify import verify_log
from keyturn.store.postgres import PostgresStore
from keyturn.store.sqlite import SqliteStore

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
APPENDS = 300
VERIFY_RECORDS = 50_000


def _entry(i: int) -> AuditEntry:
    return AuditEntry(
        kind=AuditKind.DECISION,
        at=1_800_000_000.0 + i,
        actor={"agent": "kiro", "operator": "bob", "session": "s-1", "requester": "bob"},
        data={
            "digest": "sha256:" + f"{i:064x}",
            "decision": "ask",
            "summary": "rm -rf ./x",
            "effects": [
                {
                    "effect": "delete",
                    "resource": [f"file:/srv/x/{i}"],
                    "environment": "production",
                    "decision": "ask",
                    "rule": "agents.*.ask[1]",
                    "reason": "needs 2 approvals",
                }
            ],
        },
    )


def _rate(n: int, fn: Callable[[int], object]) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return n / (time.perf_counter() - start)


def _sqlite_lines(tmp: Path, signer: Signer) -> list[str]:
    store = SqliteStore(tmp / "audit.db", signer=signer)
    store.migrate()
    ours = _rate(APPENDS, lambda i: store.append_audit([_entry(i)]))
    store.close()
    rows = [(i, _entry(i).canonical(i).decode(), "0" * 64) for i in range(APPENDS)]
    conn = sqlite3.connect(tmp / "plain.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, record TEXT, chain TEXT)")

    def plain(i: int) -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t VALUES (?, ?, ?)", rows[i])
        conn.execute("COMMIT")

    peer = _rate(APPENDS, plain)
    conn.close()
    return [
        f"sqlite durable appends: {ours:,.0f}/s; plain durable insert {peer:,.0f}/s "
        f"(ratio {ours / peer:.2f}x)"
    ]


def _postgres_lines(signer: Signer) -> list[str]:
    import psycopg

    schema = "bench_" + uuid.uuid4().hex[:10]
    try:
        store = PostgresStore(PG_URL, schema=schema, signer=signer)
    except Exception as exc:
        return [f"postgres: not reachable ({exc})"]
    try:
        store.migrate()
        ours = _rate(APPENDS, lambda i: store.append_audit([_entry(i)]))
        rows = [(i, _entry(i).canonical(i).decode(), "0" * 64) for i in range(APPENDS)]
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            conn.execute("CREATE TABLE plain (seq BIGINT PRIMARY KEY, record TEXT, chain TEXT)")

            def plain(i: int) -> None:
                with conn.transaction():
                    conn.execute("INSERT INTO plain VALUES (%s, %s, %s)", rows[i])

            peer = _rate(APPENDS, plain)
    finally:
        store.close()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return [
        f"postgres durable appends: {ours:,.0f}/s; plain durable insert {peer:,.0f}/s "
        f"(ratio {ours / peer:.2f}x)"
    ]


def _verify_lines(signer: Signer) -> list[str]:
    records, prev, checkpoints = [], GENESIS, []
    for i in range(1, VERIFY_RECORDS + 1):
        canonical = _entry(i).canonical(i)
        _, prev = extend(prev, canonical)
        records.append(StoredRecord(seq=i, canonical=canonical.decode(), chain=prev.hex()))
        if i % 1000 == 0:
            checkpoints.append(signer.sign(seq=i, chain=prev.hex(), at="t"))
    head = (len(records), prev.hex())

    def ours_once() -> float:
        start = time.perf_counter()
        report = verify_log(records, checkpoints, public_key=signer.public, head=head)
        assert report.ok, report.problem
        return len(records) / (time.perf_counter() - start)

    def peer_once() -> float:
        sha256 = hashlib.sha256
        start = time.perf_counter()
        chain = bytes(32)
        for rec in records:
            chain = sha256(chain + sha256(rec.canonical.encode()).digest()).digest()
        return len(records) / (time.perf_counter() - start)

    # Alternate and keep the best of three of each, so that warm-up and a busy neighbour
    # do not favour either side.
    ours = peer = 0.0
    for _ in range(3):
        peer = max(peer, peer_once())
        ours = max(ours, ours_once())
    ratio = ours / peer
    verdict = "meets" if ratio >= 0.5 else "BELOW"
    return [
        f"audit verify: {ours:,.0f} records/s; bare SHA-256 chaining {peer:,.0f} records/s "
        f"(ratio {ratio:.2f}x, {verdict} the 0.5x target)"
    ]


def run() -> list[str]:
    signer = Signer.generate()
    with tempfile.TemporaryDirectory() as tmp:
        lines = _sqlite_lines(Path(tmp), signer)
    return lines + _postgres_lines(signer) + _verify_lines(signer)


if __name__ == "__main__":
    for line in run():
        print(line)
