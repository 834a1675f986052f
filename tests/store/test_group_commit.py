"""Audit appends from threads of one process share a durable commit, on SQLite and PostgreSQL.

Appends that queue while another is being written go out together in the next transaction;
each caller still gets exactly its own records, the chain verifies, and a commit that fails
fails every caller in it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from keyturn.audit.record import AuditEntry
from keyturn.audit.signing import Signer
from keyturn.audit.verify import verify_log
from keyturn.errors import AuditError
from keyturn.store.interface import Store

from .helpers import note

CALLERS = 8


def _queued(store: Any) -> int:
    with store._queue_lock:
        return len(store._queued_appends)


def _callers_blocked_behind_the_lock(
    store: Any, entries_of: Callable[[int], list[AuditEntry]]
) -> tuple[list[Any], list[threading.Thread]]:
    """Start CALLERS appends while the test holds the store's write lock; return once all
    of them are queued (their results land in the returned list, by caller)."""
    results: list[Any] = [None] * CALLERS

    def append(i: int) -> None:
        try:
            results[i] = store.append_audit(entries_of(i))
        except AuditError as exc:
            results[i] = exc

    threads = [threading.Thread(target=append, args=(i,)) for i in range(CALLERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while _queued(store) < CALLERS:
        assert time.monotonic() < deadline, "the appends never queued"
        time.sleep(0.005)
    return results, threads


def _count_transactions(store: Any) -> list[int]:
    """Count the store's write transactions from now on."""
    count = [0]
    write = store._write

    def counting() -> Any:
        count[0] += 1
        return write()

    store._write = counting
    return count


def test_queued_appends_share_one_commit_and_each_gets_its_own(
    store: Store, signer: Signer
) -> None:
    writes = _count_transactions(store)

    def entries_of(i: int) -> list[AuditEntry]:
        return [note(i * 10 + k) for k in range(1 + i % 3)]  # 1 to 3 entries per caller

    with store._lock:  # type: ignore[attr-defined]
        results, threads = _callers_blocked_behind_the_lock(store, entries_of)
    for t in threads:
        t.join(timeout=30)

    assert writes[0] == 1  # everything queued went out in one transaction
    seqs = []
    for i, stored in enumerate(results):
        assert [json.loads(r.canonical)["data"]["n"] for r in stored] == [
            e.data["n"] for e in entries_of(i)
        ]
        seqs.extend(r.seq for r in stored)
        assert [r.seq for r in stored] == list(range(stored[0].seq, stored[0].seq + len(stored)))
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    report = verify_log(
        store.audit_records(),
        store.checkpoints(),
        public_key=signer.public,
        head=store.audit_head(),
    )
    assert report.ok and report.records == len(seqs)


def test_a_failed_group_commit_fails_every_caller_in_it(store: Store) -> None:
    append = store._append  # type: ignore[attr-defined]
    fail = [True]

    def failing(cur: Any, entries: Any) -> Any:
        if fail[0]:
            raise RuntimeError("disk on fire")
        return append(cur, entries)

    store._append = failing  # type: ignore[attr-defined]
    with store._lock:  # type: ignore[attr-defined]
        results, threads = _callers_blocked_behind_the_lock(store, lambda i: [note(i)])
    for t in threads:
        t.join(timeout=30)

    assert all(isinstance(r, AuditError) and "disk on fire" in str(r) for r in results)
    assert store.audit_head()[0] == 0  # nothing half-written
    fail[0] = False
    assert [r.seq for r in store.append_audit([note(99)])] == [1]  # the next append goes on


@pytest.mark.slow
def test_many_threads_appending_at_once_keep_one_chain(store: Store, signer: Signer) -> None:
    per_thread = 25
    writes = _count_transactions(store)
    barrier = threading.Barrier(CALLERS)
    got: list[list[int]] = [[] for _ in range(CALLERS)]

    def run(i: int) -> None:
        barrier.wait(timeout=30)
        for k in range(per_thread):
            (record,) = store.append_audit([note(i * 1000 + k)])
            got[i].append(json.loads(record.canonical)["data"]["n"])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert got == [[i * 1000 + k for k in range(per_thread)] for i in range(CALLERS)]
    assert writes[0] <= CALLERS * per_thread
    report = verify_log(
        store.audit_records(),
        store.checkpoints(),
        public_key=signer.public,
        head=store.audit_head(),
    )
    assert report.ok and report.records == CALLERS * per_thread
