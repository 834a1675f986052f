"""State: tokens, approval requests, votes, grants and the audit log.

One interface (:class:`keyturn.store.interface.Store`), two real implementations: SQLite (the
embedded default) and PostgreSQL (several servers on one database). Both share their SQL
(:mod:`keyturn.store.sql`) and differ only in how a write transaction takes its lock. Only
``keyturn.bootstrap`` chooses which one is in use.
"""

from __future__ import annotations

from keyturn.store.interface import Store, TokenRecord

__all__ = ["Store", "TokenRecord"]
