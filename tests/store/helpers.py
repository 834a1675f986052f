"""Builders shared by the store tests."""

from __future__ import annotations

from typing import Any

import psycopg

from keyturn.approval.model import RequestDraft
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.audit.signing import Signer
from keyturn.store.interface import Store
from keyturn.store.postgres import PostgresStore
from keyturn.store.sqlite import SqliteStore

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"

NOW = 1_800_000_000.0


def draft(digest: str = "sha256:" + "a" * 64, **overrides: Any) -> RequestDraft:
    values: dict[str, Any] = {
        "digest": digest,
        "policy_digest": "sha256:" + "p" * 64,
        "agent": "kiro",
        "operator": "bob",
        "requester": "bob",
        "session": "s-1",
        "environment": "production",
        "summary": "rm -rf ./scratch",
        "approvals_required": 2,
        "reviewer_groups": ("sre",),
        "eligible": ("alice", "bob", "carol"),
        "decision": {"decision": {"effects": []}},
        "ttl_seconds": 3600.0,
        "grant_ttl_seconds": 900.0,
    }
    values.update(overrides)
    return RequestDraft(**values)


def opened(at: float = NOW) -> AuditEntry:
    return AuditEntry(kind=AuditKind.REQUEST_OPENED, at=at, actor={"agent": "kiro"}, data={})


def note(i: int, at: float = NOW) -> AuditEntry:
    return AuditEntry(kind=AuditKind.EXECUTION, at=at, actor={"agent": "kiro"}, data={"n": i})


def open_backend(spec: dict[str, str], *, signer: Signer | None = None, every: int = 100) -> Store:
    """Open (and migrate) the store ``spec`` describes; usable in child processes."""
    store: Store
    if spec["kind"] == "sqlite":
        store = SqliteStore(spec["path"], signer=signer, checkpoint_every=every)
    else:
        store = PostgresStore(
            spec["url"], schema=spec["schema"], signer=signer, checkpoint_every=every
        )
    store.migrate()
    return store


def raw_sql(spec: dict[str, str], statement: str, params: tuple[object, ...] = ()) -> None:
    """Run SQL behind keyturn's back (tampering tests)."""
    if spec["kind"] == "sqlite":
        import sqlite3

        local = sqlite3.connect(spec["path"])
        local.execute(statement, params)
        local.commit()
        local.close()
        return
    with psycopg.connect(spec["url"], autocommit=True) as conn:
        conn.execute(f"SET search_path TO {spec['schema']}")
        conn.execute(statement.replace("?", "%s"), params)
