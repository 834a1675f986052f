"""The SQLite store: the embedded default (``$KEYTURN_HOME/keyturn.db``).

Every write transaction starts with ``BEGIN IMMEDIATE``, which takes SQLite's single write lock
up front: two processes voting, using a grant or appending to the audit chain queue behind each
other instead of interleaving (a deferred transaction could read the same head and fork the
chain). WAL mode lets readers go on meanwhile; ``synchronous=FULL`` makes each commit durable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import ClassVar

from keyturn.audit.signing import Signer
from keyturn.errors import StoreError
from keyturn.store.sql import Cursor, SqlStore

# How long a writer waits for the lock before giving up (and the caller failing closed).
BUSY_TIMEOUT_SECONDS = 30.0


class SqliteStore(SqlStore):
    """State in one SQLite file."""

    ddl_words: ClassVar[dict[str, str]] = {
        "serial": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "real": "REAL",
        "bigint": "INTEGER",
    }

    def __init__(
        self, path: str | Path, *, signer: Signer | None = None, checkpoint_every: int = 100
    ) -> None:
        super().__init__(signer=signer, checkpoint_every=checkpoint_every)
        self.path = str(path)
        try:
            self._conn = sqlite3.connect(
                self.path,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_SECONDS,
                check_same_thread=False,
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the SQLite store {self.path}: {exc}") from exc

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self, begin: str) -> Iterator[Cursor]:
        cur = self._conn.cursor()
        try:
            cur.execute(begin)
        except sqlite3.Error as exc:
            raise StoreError(f"SQLite store {self.path}: {exc}") from exc
        try:
            yield cur
        except BaseException:
            self._conn.rollback()
            raise
        else:
            try:
                cur.execute("COMMIT")
            except sqlite3.Error as exc:
                self._conn.rollback()
                raise StoreError(f"SQLite store {self.path}: commit failed: {exc}") from exc
        finally:
            cur.close()

    def _write(self) -> AbstractContextManager[Cursor]:
        return self._tx("BEGIN IMMEDIATE")

    def _read(self) -> AbstractContextManager[Cursor]:
        return self._tx("BEGIN")

    def _migrating(self) -> AbstractContextManager[Cursor]:
        return self._tx("BEGIN IMMEDIATE")

    def _has_table(self, cur: Cursor, name: str) -> bool:
        row = cur.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None
