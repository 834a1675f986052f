"""The server's audit writer: decisions in flight share commits, a lone one commits without a
hand-off, every caller returns only once its own records are durable, and a failed commit
fails every caller in it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from keyturn.audit.record import AuditEntry, AuditKind, StoredRecord
from keyturn.audit.verify import verify_log
from keyturn.errors import StoreError
from keyturn.server.durable import AuditWriter
from keyturn.store.sqlite import SqliteStore


class CountingStore:
    """A real SQLite store that counts its appends (each one is one durable commit) and the
    threads they ran in; it can be told to fail or to hold a commit until released."""

    def __init__(self, path: Path) -> None:
        self.inner = SqliteStore(path)
        self.inner.migrate()
        self.commits: list[int] = []  # entries per commit
        self.threads: list[str] = []
        self.fail: Exception | None = None
        self.hold = threading.Event()
        self.hold.set()

    def append_audit(self, entries: Sequence[AuditEntry]) -> list[StoredRecord]:
        self.hold.wait(10)
        self.threads.append(threading.current_thread().name)
        if self.fail is not None:
            raise self.fail
        self.commits.append(len(entries))
        return self.inner.append_audit(entries)


def _entry(i: int) -> AuditEntry:
    return AuditEntry(kind=AuditKind.EXECUTION, at=1.0e9 + i, data={"i": i})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[CountingStore]:
    s = CountingStore(tmp_path / "state.db")
    yield s
    s.inner.close()


def _writer(store: CountingStore) -> AuditWriter:
    return AuditWriter(store)  # type: ignore[arg-type]


def test_a_lone_decision_commits_in_the_loop_thread(store: CountingStore) -> None:
    writer = _writer(store)

    async def one() -> list[StoredRecord]:
        with writer.deciding():
            return await writer.append([_entry(1)])

    stored = asyncio.run(one())
    assert [r.seq for r in stored] == [1]
    assert store.threads == [threading.current_thread().name]
    assert not any(t.name == "keyturn-audit-writer" for t in threading.enumerate())
    writer.close()


def test_decisions_in_flight_share_commits_and_each_gets_its_own_records(
    store: CountingStore,
) -> None:
    writer = _writer(store)
    store.hold.clear()  # the first commit waits, so that the others queue behind it

    async def decide(i: int) -> list[StoredRecord]:
        with writer.deciding():
            return await writer.append([_entry(i), _entry(i + 1000)])

    async def many() -> list[list[StoredRecord]]:
        tasks = [asyncio.create_task(decide(i)) for i in range(40)]
        await asyncio.sleep(0.05)
        store.hold.set()
        return await asyncio.gather(*tasks)

    results = asyncio.run(many())
    writer.close()
    # 80 records in far fewer commits than decisions, all by the writer thread
    assert sum(store.commits) == 80
    assert len(store.commits) < 10
    assert set(store.threads) == {"keyturn-audit-writer"}
    # each caller got back exactly its own two records, in its order
    for i, stored in enumerate(results):
        assert [r.canonical for r in stored] == [
            _entry(i).canonical(stored[0].seq).decode(),
            _entry(i + 1000).canonical(stored[1].seq).decode(),
        ]
    seqs = sorted(r.seq for stored in results for r in stored)
    assert seqs == list(range(1, 81))
    assert verify_log(store.inner.audit_records(), [], public_key=None).ok


def test_a_failed_commit_fails_every_decision_in_it(store: CountingStore) -> None:
    writer = _writer(store)
    store.fail = StoreError("disk full")

    async def decide(i: int) -> BaseException | list[StoredRecord]:
        with writer.deciding():
            try:
                return await writer.append([_entry(i)])
            except StoreError as exc:
                return exc

    async def many() -> list[BaseException | list[StoredRecord]]:
        return await asyncio.gather(*(decide(i) for i in range(8)))

    results = asyncio.run(many())
    writer.close()
    assert all(isinstance(r, StoreError) and "disk full" in str(r) for r in results)
    assert list(store.inner.audit_records()) == []


def test_a_caller_that_went_away_does_not_stop_the_others(store: CountingStore) -> None:
    writer = _writer(store)
    store.hold.clear()

    async def decide(i: int) -> list[StoredRecord]:
        with writer.deciding():
            return await writer.append([_entry(i)])

    async def run() -> list[list[StoredRecord]]:
        tasks = [asyncio.create_task(decide(i)) for i in range(4)]
        await asyncio.sleep(0.05)
        tasks[1].cancel()
        store.hold.set()
        done = await asyncio.gather(*tasks, return_exceptions=True)
        return [d for d in done if isinstance(d, list)]

    results = asyncio.run(run())
    writer.close()
    assert len(results) == 3
    # the one that went away was still recorded: it was judged, so it is in the log
    assert sum(store.commits) == 4


def test_a_closed_writer_lets_its_thread_go_and_starts_another_when_needed(
    store: CountingStore,
) -> None:
    writer = _writer(store)

    async def burst(start: int) -> list[list[StoredRecord]]:
        async def decide(i: int) -> list[StoredRecord]:
            with writer.deciding():
                return await writer.append([_entry(i)])

        return await asyncio.gather(*(decide(start + i) for i in range(4)))

    asyncio.run(burst(0))
    writer.close()
    for _ in range(100):
        if not any(t.name == "keyturn-audit-writer" for t in threading.enumerate()):
            break
        threading.Event().wait(0.01)
    assert not any(t.name == "keyturn-audit-writer" for t in threading.enumerate())
    # the app started again: its decisions are written as before
    second = asyncio.run(burst(100))
    writer.close()
    assert sorted(r[0].seq for r in second) == [5, 6, 7, 8]
    assert sum(store.commits) == 8
