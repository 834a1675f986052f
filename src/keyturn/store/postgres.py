"""The PostgreSQL store: several keyturn servers on one database.

Every write transaction first locks the single audit-head row (``SELECT ... FOR UPDATE``).
That one row lock serialises all writers across processes and servers: the chain never forks,
two votes on one request never both see "one approval so far", and a grant is used once.
Migrations take a transaction-scoped advisory lock so two servers starting together do not
both create the schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar

import psycopg

from keyturn.audit.signing import Signer
from keyturn.errors import StoreError
from keyturn.store.sql import Cursor, SqlStore
from keyturn.store.urls import redact_url

_MIGRATION_LOCK = 0x6B65_7974  # "keyt": any constant shared by every keyturn process
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PostgresStore(SqlStore):
    """State in a PostgreSQL database (optionally in its own ``schema``)."""

    ddl_words: ClassVar[dict[str, str]] = {
        "serial": "BIGSERIAL PRIMARY KEY",
        "real": "DOUBLE PRECISION",
        "bigint": "BIGINT",
    }

    def __init__(
        self,
        url: str,
        *,
        schema: str | None = None,
        signer: Signer | None = None,
        checkpoint_every: int = 100,
    ) -> None:
        super().__init__(signer=signer, checkpoint_every=checkpoint_every)
        self._where = redact_url(url)
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise StoreError(f"invalid PostgreSQL schema name {schema!r}")
        self.schema = schema
        self._url = url
        self._closed = False
        self._conn: psycopg.Connection[Any] = self._connect()

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self._url, autocommit=True)
            if self.schema is not None:
                # The name is checked against _SCHEMA_NAME: safe to interpolate.
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
                conn.execute(f"SET search_path TO {self.schema}")
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot reach PostgreSQL at {self._where}: {_first_line(exc)}"
            ) from exc
        return conn

    def __repr__(self) -> str:
        return f"PostgresStore({self._where!r}, schema={self.schema!r})"

    def close(self) -> None:
        self._closed = True
        self._conn.close()

    def _sql(self, text: str) -> str:
        return text.replace("?", "%s")

    @contextmanager
    def _tx(self, lock: str | None) -> Iterator[Cursor]:
        # A connection the server dropped (a restart, a failover, an idle timeout) is opened
        # again here, under the store's lock: the transaction that found it dead failed (and
        # its caller refused its action), the next one runs. Nothing is retried, so nothing is
        # ever done twice.
        if self._conn.closed:
            if self._closed:
                raise StoreError(f"PostgreSQL at {self._where}: the store was closed")
            self._conn = self._connect()
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                if lock is not None:
                    cur.execute(lock)
                yield cur
        except psycopg.Error as exc:
            raise StoreError(f"PostgreSQL at {self._where}: {_first_line(exc)}") from exc

    def _write(self) -> AbstractContextManager[Cursor]:
        return self._tx("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")

    def _read(self) -> AbstractContextManager[Cursor]:
        return self._tx(None)

    def _snapshot(self) -> AbstractContextManager[Cursor]:
        # READ COMMITTED gives each statement its own snapshot; one snapshot for the whole
        # transaction needs REPEATABLE READ, set as its first statement.
        return self._tx("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _migrating(self) -> AbstractContextManager[Cursor]:
        return self._tx(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")

    def _has_table(self, cur: Cursor, name: str) -> bool:
        row = cur.execute("SELECT to_regclass(%s)", (name,)).fetchone()
        return row is not None and row[0] is not None


def _first_line(exc: BaseException) -> str:
    """libpq's messages run over several lines (hints); errors are one line (STYLE §5)."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
