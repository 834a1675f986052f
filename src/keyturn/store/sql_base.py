"""The base of the SQL store: a backend's hooks (connection, placeholders, DDL words, how a write
transaction takes the store-wide write lock) and the schema migrations run through them."""

from __future__ import annotations

import threading
from abc import abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar

from keyturn.audit.signing import Signer
from keyturn.store.interface import Store
from keyturn.store.migrations import MIGRATIONS

Cursor = Any


class SqlBase(Store):
    """Connections, locking and schema. Not for direct use."""

    ddl_words: ClassVar[dict[str, str]] = {}

    def __init__(self, *, signer: Signer | None, checkpoint_every: int) -> None:
        self._signer = signer
        self._every = max(1, checkpoint_every)
        # One connection per store; the lock keeps threads of one process from sharing a
        # transaction (the database lock does the same between processes).
        self._lock = threading.RLock()
        # Audit appends waiting for the next group commit (sql_audit.append_audit), and the
        # lock of that queue alone (taken briefly, never while writing).
        self._queued_appends: list[Any] = []
        self._queue_lock = threading.Lock()
        # Whether this store has made sure its side tables exist (_ensure_side_tables).
        self._side_tables_ready = False

    # -- backend hooks ---------------------------------------------------------------------------

    @abstractmethod
    def _write(self) -> AbstractContextManager[Cursor]:
        """A transaction holding the store-wide write lock; commits on success."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Cursor]:
        """A consistent read-only snapshot."""

    def _snapshot(self) -> AbstractContextManager[Cursor]:
        """A read-only transaction in which every statement sees the same moment."""
        return self._read()

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

    # -- details --------------------------------------------------------------------------------

    # The side tables -- the reviewers' details here, the ended sessions in sql_sessions -- are
    # created on first use rather than by a migration: they are the pages' state, not the
    # approval state, a store that never served a page never needs them, and the schema version
    # stays what the approval state needs.
    _DETAILS_TABLE = (
        "CREATE TABLE IF NOT EXISTS keyturn_request_details "
        "(digest TEXT PRIMARY KEY, body TEXT NOT NULL)"
    )

    def _side_tables(self) -> tuple[str, ...]:
        """The statements creating the side tables (each ``CREATE TABLE IF NOT EXISTS``)."""
        return (self._DETAILS_TABLE,)

    def _ensure_side_tables(self) -> None:
        """Creates the side tables once per store, under the migrations' lock: two servers
        creating one table at the same moment would otherwise collide in PostgreSQL's catalog
        (``IF NOT EXISTS`` does not serialise them), failing one request; and after the first
        time, reads and writes no longer pay for the statement or take a write lock for it."""
        with self._lock:
            if self._side_tables_ready:
                return
            with self._migrating() as cur:
                for statement in self._side_tables():
                    self._x(cur, statement.format(**self.ddl_words))
            self._side_tables_ready = True

    def keep_details(self, *, digest: str, text: str) -> None:
        self._ensure_side_tables()
        with self._lock, self._write() as cur:
            found = self._x(
                cur, "SELECT 1 FROM keyturn_request_details WHERE digest = ?", (digest,)
            ).fetchone()
            if found is None:
                self._x(
                    cur,
                    "INSERT INTO keyturn_request_details (digest, body) VALUES (?, ?)",
                    (digest, text),
                )

    def details(self, digest: str) -> str | None:
        self._ensure_side_tables()
        with self._lock, self._read() as cur:
            row = self._x(
                cur, "SELECT body FROM keyturn_request_details WHERE digest = ?", (digest,)
            ).fetchone()
        return None if row is None else str(row[0])
