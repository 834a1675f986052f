"""A PostgreSQL store whose connection the server dropped (a restart, a failover, an idle
timeout) opens a new one: the transaction that found it dead fails -- and the gate refuses that
one action -- the next one runs, and the audit chain stays whole. A server process does not
need restarting after the database came back."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.audit.verify import verify_log
from keyturn.errors import AuditError, StoreError
from keyturn.store.postgres import PostgresStore

from .helpers import PG_URL

pytestmark = pytest.mark.postgres


@pytest.fixture()
def pg() -> Iterator[PostgresStore]:
    schema = "kt_" + uuid.uuid4().hex[:12]
    store = PostgresStore(PG_URL, schema=schema)
    store.migrate()
    yield store
    store.close()
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _entry(n: int) -> AuditEntry:
    return AuditEntry(kind=AuditKind.TOKEN_CREATED, at=time.time(), data={"token": f"t{n}"})


def _drop_connection(store: PostgresStore) -> None:
    pid = store._conn.info.backend_pid  # the test stands in for the server dropping it
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_dropped_connection_is_opened_again(pg: PostgresStore) -> None:
    pg.append_audit([_entry(1)])
    _drop_connection(pg)
    with pytest.raises(AuditError):  # this one found the connection dead: refused
        pg.append_audit([_entry(2)])
    pg.append_audit([_entry(3)])  # the next one runs on a new connection
    assert pg.audit_head()[0] == 2
    report = verify_log(pg.audit_records(), (), public_key=None, head=pg.audit_head())
    assert report.ok, report.problem
    assert [r.parsed()["data"]["token"] for r in pg.audit_records()] == ["t1", "t3"]


def test_a_closed_store_stays_closed(pg: PostgresStore) -> None:
    pg.close()
    with pytest.raises(StoreError, match="closed"):
        pg.audit_head()
