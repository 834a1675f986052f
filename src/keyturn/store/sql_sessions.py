"""Ended sessions in SQL: the reviewers' sign-outs, so that a copy of a signed-out session's
cookie is refused by every server sharing the database, not only the one that signed it out.

A session cookie is signed, not stored: without a record of its end, a copy taken before
sign-out (from a shared machine, a proxy's log, a stolen backup of the browser profile) would
work until the cookie expired. Only ended sessions are kept, each until the cookie itself would
have expired; every sign-out drops the rows whose time has passed, so the table holds at most
the sign-outs of one session lifetime.
"""

from __future__ import annotations

from keyturn.store.sql_base import SqlBase

_TABLE = "keyturn_ended_sessions"


class SqlSessions(SqlBase):
    """The ended-session table of the SQL store. Not for direct use."""

    # A side table, created on first use as the reviewers' details are (SqlBase._side_tables).
    _ENDED_TABLE = (
        f"CREATE TABLE IF NOT EXISTS {_TABLE} "
        "(session_id TEXT PRIMARY KEY, expires_at {real} NOT NULL)"
    )

    def _side_tables(self) -> tuple[str, ...]:
        return (*super()._side_tables(), self._ENDED_TABLE)

    def end_session(self, *, session_id: str, expires_at: float, now: float) -> None:
        self._ensure_side_tables()
        with self._lock, self._write() as cur:
            self._x(cur, f"DELETE FROM {_TABLE} WHERE expires_at <= ?", (now,))  # noqa: S608
            found = self._x(
                cur,
                f"SELECT 1 FROM {_TABLE} WHERE session_id = ?",  # noqa: S608
                (session_id,),
            ).fetchone()
            if found is None:
                self._x(
                    cur,
                    f"INSERT INTO {_TABLE} (session_id, expires_at) VALUES (?, ?)",  # noqa: S608
                    (session_id, expires_at),
                )

    def session_ended(self, session_id: str) -> bool:
        self._ensure_side_tables()
        with self._lock, self._read() as cur:
            row = self._x(
                cur,
                f"SELECT 1 FROM {_TABLE} WHERE session_id = ?",  # noqa: S608
                (session_id,),
            ).fetchone()
        return row is not None
