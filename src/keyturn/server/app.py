"""The ASGI application: ``create_app(settings)`` wires the store, the gate, notifications,
the JSON API, the admission webhook and the reviewers' pages.

The store is synchronous (SQLite or psycopg on one connection), so every use of it runs in a
worker thread under one lock per process: transactions on a shared connection never
interleave, and the event loop never blocks on a disk flush. Across processes the store's own
write lock (SQLite ``BEGIN IMMEDIATE``, the PostgreSQL audit-head row) serialises writers.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keyturn.approval.model import Role
from keyturn.bootstrap import (
    Settings,
    authenticate,
    build_gate,
    hash_token,
    install_secret,
    open_state,
)
from keyturn.errors import AuthError
from keyturn.gate import Gate
from keyturn.server.auth import FailureLimiter, Principal, Session, SessionSigner, bearer_of
from keyturn.server.durable import AuditWriter
from keyturn.server.errors import EXCEPTION_HANDLERS, ApiError, internal_error_response
from keyturn.server.limits import BodyLimit, bounded_ids
from keyturn.server.notify import Notifier
from keyturn.server.wait import Changes
from keyturn.store.interface import Store

log = logging.getLogger("keyturn.server")
T = TypeVar("T")
STATIC_DIR = Path(__file__).parent / "static"

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


AUTH_CACHE_SECONDS = 1.0
AUTH_CACHE_LIMIT = 4096
# Worker threads for the store and for understanding inputs. The store lock lets one of them
# in at a time; the others wait there, not in a queue the event loop would have to poll.
WORKER_THREADS = 32


class Backend:
    """What every route shares: the gate and store (used under one lock), the session signer,
    the failure limiter, in-process change signals and the notifier."""

    def __init__(
        self,
        *,
        settings: Settings,
        gate: Gate,
        session_secret: bytes,
        notifier: Notifier,
        poll_seconds: float,
        clock: Callable[[], float] = time.time,
        public_url: str | None = None,
    ) -> None:
        self.settings = settings
        # Where reviewers reach the pages, for the links in notifications: configured, never
        # taken from a request's Host header (an agent could point the link at its own page).
        self.public_url = public_url.rstrip("/") + "/" if public_url else None
        self.gate = gate
        self.store: Store = gate.store
        self.policy = gate.policy
        self.sessions = SessionSigner(session_secret)
        self.limiter = FailureLimiter()
        self.notifier = notifier
        self.changes = Changes(poll_seconds=poll_seconds)
        self.clock = clock
        self._lock = threading.Lock()
        # A plain executor rather than anyio's thread pool: the hop to a worker and back is on
        # every decision's path, and asyncio's own costs about two thirds of anyio's. Made on
        # first use and let go at shutdown (an app may be started again, as tests do).
        self._workers: ThreadPoolExecutor | None = None
        # token hash -> (principal, monotonic expiry): a burst of an agent's calls costs one
        # store read per AUTH_CACHE_SECONDS. Revoking on this server clears it at once; another
        # server sharing the database sees a revocation within AUTH_CACHE_SECONDS.
        self._principals: dict[str, tuple[Principal, float]] = {}
        # Decisions' audit records, committed together (see :mod:`.durable`).
        self.writer = AuditWriter(self.store)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` (which uses the store) in a worker thread, under the store lock."""
        return await self.offload(self._locked, fn, args, kwargs)

    async def offload(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` in a worker thread (CPU work, or store work that takes the lock itself)."""
        workers = self._workers
        if workers is None:
            workers = self._workers = ThreadPoolExecutor(
                WORKER_THREADS, thread_name_prefix="keyturn-worker"
            )
        call = functools.partial(fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(workers, call)

    def close(self) -> None:
        """Let the worker threads go once they are idle."""
        self.writer.close()
        workers, self._workers = self._workers, None
        if workers is not None:
            workers.shutdown(wait=False)

    def locked(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn`` (which uses the store) in the calling worker thread, under the store lock."""
        return self._locked(fn, args, kwargs)

    def _locked(self, fn: Callable[..., T], args: Sequence[Any], kwargs: dict[str, Any]) -> T:
        with self._lock:
            return fn(*args, **kwargs)

    async def authenticate(self, request: Request, *, cluster: bool = False) -> Principal:
        """The holder of the request's bearer token (401, or 429 after repeated failures).

        A cluster's token (role ``cluster``) answers only where the route says so
        (``cluster=True``: the admission webhook): everywhere else it is 403, whatever a
        route's own role checks would make of a role they do not name."""
        client = request.client.host if request.client else "?"
        self.limiter.check(client)
        token = bearer_of(request.headers.get("authorization"))
        if token is None:
            self.limiter.failed(client)
            raise ApiError(401, "unauthorized", "this needs 'Authorization: Bearer <token>'")
        principal = await self.principal_of_token(token, client=client)
        if principal.role is Role.CLUSTER and not cluster:
            raise ApiError(
                403,
                "forbidden",
                f"{principal.name} is a cluster token; it answers /k8s/admission only",
            )
        return principal

    async def principal_of_token(self, token: str, *, client: str) -> Principal:
        key = hash_token(token.strip())
        cached = self._principals.get(key)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        try:
            record = await self.run(authenticate, self.store, token)
        except AuthError:
            self.limiter.failed(client)
            raise ApiError(401, "unauthorized", "unknown or revoked token") from None
        principal = Principal(token_id=record.id, name=record.name, role=record.role)
        if len(self._principals) >= AUTH_CACHE_LIMIT:
            self._principals.clear()
        self._principals[key] = (principal, time.monotonic() + AUTH_CACHE_SECONDS)
        return principal

    def forget_principals(self) -> None:
        """Drop cached authentications (a token was revoked)."""
        self._principals.clear()

    def holds_session(self, session: Session) -> bool:
        """Whether the session's token is still live and names the session's holder and role.

        The store, not the cookie, says who holds a token: a cookie signed with a stolen
        install secret still cannot make its bearer someone else, or a reviewer (sessions also
        end when the token is revoked)."""
        return any(
            t.id == session.token_id
            and t.revoked_at is None
            and t.name == session.name
            and t.role is session.role
            for t in self.store.list_tokens()
        )


def backend_of(request: Request) -> Backend:
    backend: Backend = request.app.state.backend
    return backend


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette answers an error nothing handled outside every middleware, so its 500
            # would go without these headers: answered here, with them. The error goes on up
            # to be logged; the outer handler sees the answer started and sends nothing more.
            if not started:
                await internal_error_response()(scope, receive, send_with_headers)
            raise


def create_app(
    settings: Settings,
    *,
    gate: Gate | None = None,
    webhooks: Sequence[str] = (),
    secret: bytes | None = None,
    poll_seconds: float = 0.25,
    notify_backoff: float = 0.5,
    public_url: str | None = None,
) -> Starlette:
    """The keyturn server for ``settings`` (a gate may be passed in, e.g. by tests);
    ``public_url``: the pages' address in notification links (none: links are left out)."""
    from keyturn.server import admission, api, web
    from keyturn.server.openapi import openapi_route

    the_gate = gate or build_gate(settings, store=open_state(settings))
    notifier = Notifier(urls=tuple(webhooks), backoff=notify_backoff)
    backend = Backend(
        settings=settings,
        gate=the_gate,
        session_secret=secret or install_secret(settings.home),
        notifier=notifier,
        poll_seconds=poll_seconds,
        public_url=public_url,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        notifier.start()
        try:
            yield
        finally:
            await notifier.stop()
            backend.close()

    routes = bounded_ids(
        [
            *api.routes(),
            Route("/k8s/admission", admission.admission, methods=["POST"]),
            openapi_route(),
            *web.routes(),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ]
    )
    app = Starlette(routes=routes, exception_handlers=EXCEPTION_HANDLERS, lifespan=lifespan)
    app.state.backend = backend
    # Added first, so inside SecurityHeaders: its early 413 gets the headers too.
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    return app


__all__ = ["Backend", "Principal", "Role", "backend_of", "create_app"]
