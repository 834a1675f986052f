"""The pages' side tables (reviewers' details, ended sessions) on a store that has never served a
page: several processes reach them for the first time at the same moment, on SQLite and
PostgreSQL, and none of them fails.

The tables are made on first use; two servers making one at once would collide in PostgreSQL's
catalog (``CREATE TABLE IF NOT EXISTS`` does not serialise them), so the store makes them under
the migrations' lock, once.
"""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

import pytest

from .helpers import open_backend

pytestmark = pytest.mark.slow
_ctx = mp.get_context("fork")
_CHILDREN = 6


def _first_use_child(spec: dict[str, str], n: int, barrier: Any, out: Any) -> None:
    store = open_backend(spec)
    barrier.wait(timeout=30)
    try:
        # Half of them sign out first, half open a page first: both roads create tables.
        if n % 2:
            store.end_session(session_id=f"sha256:{n}", expires_at=2e9, now=1e9)
            store.keep_details(digest=f"sha256:d{n}", text=f'{{"n": {n}}}')
        else:
            store.keep_details(digest=f"sha256:d{n}", text=f'{{"n": {n}}}')
            store.end_session(session_id=f"sha256:{n}", expires_at=2e9, now=1e9)
        out.put(("ok", n, store.session_ended(f"sha256:{n}"), store.details(f"sha256:d{n}")))
    except Exception as exc:  # the failure is the finding: reported to the parent
        out.put(("failed", n, type(exc).__name__, str(exc)))
    finally:
        store.close()


def test_many_servers_reaching_the_side_tables_first_all_succeed(
    backend: dict[str, str],
) -> None:
    open_backend(backend).close()  # migrated: the approval schema exists, the side tables not
    barrier = _ctx.Barrier(_CHILDREN)
    out = _ctx.Queue()
    children = [
        _ctx.Process(target=_first_use_child, args=(backend, n, barrier, out))
        for n in range(_CHILDREN)
    ]
    for child in children:
        child.start()
    results = [out.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=30)
    failures = [r for r in results if r[0] != "ok"]
    assert failures == []
    assert sorted(r[1] for r in results) == list(range(_CHILDREN))
    for _, n, ended, details in results:
        assert ended is True
        assert details == f'{{"n": {n}}}'


def test_a_page_read_before_any_sign_out_sees_no_ended_session(
    backend: dict[str, str],
) -> None:
    store = open_backend(backend)
    try:
        assert store.session_ended("sha256:never") is False
        assert store.details("sha256:unknown") is None
        store.end_session(session_id="sha256:gone", expires_at=2e9, now=1e9)
        assert store.session_ended("sha256:gone") is True
    finally:
        store.close()


def _holding_the_write_lock(backend: dict[str, str]) -> Any:
    """A connection behind keyturn's back inside a transaction that holds the store-wide write
    lock, as a long write of another server would."""
    if backend["kind"] == "sqlite":
        import sqlite3

        local = sqlite3.connect(backend["path"], isolation_level=None)
        local.execute("BEGIN IMMEDIATE")
        return local
    import psycopg

    remote = psycopg.connect(backend["url"], autocommit=True)
    remote.execute(f"SET search_path TO {backend['schema']}")
    remote.execute("BEGIN")
    remote.execute("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
    return remote


def test_reading_a_pages_details_does_not_wait_for_writers(backend: dict[str, str]) -> None:
    """A review page reads what it shows without the write lock: a long write elsewhere does
    not hold up every reviewer's page."""
    import threading

    store = open_backend(backend)
    store.keep_details(digest="sha256:d", text='{"n": 1}')
    holder = _holding_the_write_lock(backend)
    seen: list[Any] = []
    reader = threading.Thread(
        target=lambda: seen.append((store.details("sha256:d"), store.session_ended("sha256:x")))
    )
    try:
        reader.start()
        reader.join(timeout=20)
        finished = not reader.is_alive()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        reader.join(timeout=60)
        store.close()
    assert finished, "the page's read waited for the write lock"
    assert seen == [('{"n": 1}', False)]
