"""Waiting for a request to be decided: the long-poll behind ``GET /v1/requests/{id}/wait``.

A vote, cancel or revocation through this process wakes its waiters at once (an in-process
signal); one through another server on the same PostgreSQL is seen by polling the store every
``poll_seconds`` (a short indexed read), so a waiting agent is released within that delay
whichever server took the step. Expiry is applied on each look, so a request that runs out of
time releases its waiter too. A waiter is released by any state but ``pending``: a request
revoked before its waiter looked answers ``deny`` with the revocation's reason, never
``allow``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from keyturn.approval.model import ApprovalRequest, RequestState
from keyturn.store.interface import Store

if TYPE_CHECKING:
    from keyturn.server.app import Backend

MAX_WAIT_SECONDS = 300.0


class Changes:
    """An in-process "something changed" signal that waiters sleep on between polls."""

    def __init__(self, *, poll_seconds: float) -> None:
        self.poll_seconds = poll_seconds
        self._event: asyncio.Event | None = None

    def notify(self) -> None:
        """Wake every current waiter (they re-read the store)."""
        if self._event is not None:
            self._event.set()
            self._event = None

    async def sleep(self, seconds: float) -> None:
        """Sleep up to ``seconds``, less when something changes."""
        if self._event is None:
            self._event = asyncio.Event()
        event = self._event
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=max(0.0, seconds))


def current(store: Store, request_id: int, *, now: float) -> ApprovalRequest:
    """The request as it stands now (expiring it first if its time is up)."""
    request = store.get_request(request_id)
    if request.state is RequestState.PENDING and now >= request.expires_at:
        store.expire_due(now=now)
        request = store.get_request(request_id)
    return request


async def wait_decided(backend: Backend, request_id: int, *, timeout: float) -> ApprovalRequest:
    """The request once it is no longer pending, or as it stands when ``timeout`` runs out."""
    deadline = time.monotonic() + min(max(timeout, 0.0), MAX_WAIT_SECONDS)
    while True:
        request = await backend.run(current, backend.store, request_id, now=backend.clock())
        left = deadline - time.monotonic()
        if request.state is not RequestState.PENDING or left <= 0:
            return request
        await backend.changes.sleep(min(backend.changes.poll_seconds, left))
