"""The SQL both backends share. A backend supplies a connection, its placeholder style, its
DDL words and -- the one thing that differs in substance -- how a write transaction takes the
store-wide write lock (:meth:`SqlStore._write`).

The store is put together from one class per table group: :mod:`.sql_base` (hooks, schema),
:mod:`.sql_audit` (audit log, checkpoints), :mod:`.sql_tokens` and :mod:`.sql_requests`
(requests, votes, grants), :mod:`.sql_sessions` (the pages' ended sessions)."""

from __future__ import annotations

from keyturn.store.sql_base import Cursor
from keyturn.store.sql_requests import SqlRequests
from keyturn.store.sql_sessions import SqlSessions
from keyturn.store.sql_tokens import SqlTokens

__all__ = ["Cursor", "SqlStore"]


class SqlStore(SqlTokens, SqlRequests, SqlSessions):
    """Everything but connections and locking. Not for direct use."""
