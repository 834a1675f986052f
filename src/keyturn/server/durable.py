"""The server's durable audit appends: one writer thread, one commit for every decision in
flight.

A decision is answered only once its audit record is durable. Handing each decision to a
worker thread of its own made the decisions in flight queue on the store's lock and on the
interpreter lock, one thread at a time, each wake-up an operating-system round trip. Here the
event loop queues the records and one thread writes them: everything queued while the last
commit was being made goes into the next one (one transaction, one ``fsync``), and each
waiting decision's future is settled from the loop, in one call per commit.

A decision that is alone -- no other one in flight on this server, nothing being written --
commits in the calling thread instead: it then waits only for its own commit, not also for two
thread hand-offs (each about as costly as judging). Before it does, it lets the loop take in
what has arrived meanwhile (two turns of the loop: read, then start the requests), so that
under load the decisions find each other and go to the writer together. The loop is held for
that one commit, a few hundred microseconds on a local disk, and only while no other decision
is being answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from keyturn.audit.record import AuditEntry, StoredRecord
from keyturn.store.interface import Store

# Loop turns a lone decision lets pass before it commits by itself (see the docstring).
_TURNS_BEFORE_ALONE = 2


@dataclass(slots=True)
class _Queued:
    entries: Sequence[AuditEntry]
    done: asyncio.Future[list[StoredRecord]]
    loop: asyncio.AbstractEventLoop = field(repr=False)


class AuditWriter:
    """Appends audit records durably for the event loop (see the module's docstring)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._deciding = 0  # decisions in flight on this server (only the loop counts them)
        self._cond = threading.Condition()
        self._queue: list[_Queued] = []
        self._busy = False  # a commit is being made (by the thread or inline)
        self._thread: threading.Thread | None = None
        self._stopping = False  # the thread leaves once the queue is empty

    @contextlib.contextmanager
    def deciding(self) -> Iterator[None]:
        """Counts a decision in flight while the caller answers it (on the event loop)."""
        self._deciding += 1
        try:
            yield
        finally:
            self._deciding -= 1

    async def append(self, entries: Sequence[AuditEntry]) -> list[StoredRecord]:
        """Append ``entries`` and return once they are durable (the store's error otherwise)."""
        if self._deciding <= 1:
            for _ in range(_TURNS_BEFORE_ALONE):
                await asyncio.sleep(0)
        with self._cond:
            inline = self._deciding <= 1 and not self._busy and not self._queue
            if inline:
                self._busy = True
        if inline:
            try:
                return self._store.append_audit(entries)
            finally:
                with self._cond:
                    self._busy = False
                    if self._queue:
                        self._cond.notify()
        loop = asyncio.get_running_loop()
        queued = _Queued(entries, loop.create_future(), loop)
        with self._cond:
            self._queue.append(queued)
            self._start()
            self._cond.notify()
        return await queued.done

    def close(self) -> None:
        """Let the writer thread go once it has written what is queued (an app started again
        starts another on its first queued append)."""
        with self._cond:
            self._stopping = True
            self._cond.notify()

    def _start(self) -> None:
        if self._thread is None:
            self._stopping = False
            self._thread = threading.Thread(
                target=self._run, name="keyturn-audit-writer", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while (self._busy or not self._queue) and not self._stopping:
                    self._cond.wait()
                if not self._queue:
                    self._thread = None
                    return
                batch, self._queue = self._queue, []
                self._busy = True
            try:
                self._write(batch)
            finally:
                with self._cond:
                    self._busy = False

    def _write(self, batch: list[_Queued]) -> None:
        stored: list[StoredRecord] = []
        error: Exception | None = None
        try:
            stored = self._store.append_audit([e for q in batch for e in q.entries])
        except Exception as exc:  # every decision in the commit is refused
            error = exc
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Queued, list[StoredRecord]]]] = {}
        start = 0
        for queued in batch:
            mine = stored[start : start + len(queued.entries)]
            start += len(queued.entries)
            by_loop.setdefault(queued.loop, []).append((queued, mine))
        for loop, settled in by_loop.items():
            # RuntimeError: that loop is closed, so nobody waits any more.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, settled, error)


def _settle(settled: list[tuple[_Queued, list[StoredRecord]]], error: Exception | None) -> None:
    for queued, stored in settled:
        if queued.done.done():  # the request went away (its client hung up)
            continue
        if error is not None:
            queued.done.set_exception(error)
        else:
            queued.done.set_result(stored)
