"""The reviewers' session cookie on the wire, and its end at sign-out.

- **Secure.** The cookie is marked ``Secure`` when the request arrived over https (directly,
  or as a proxy named with ``--trusted-proxy`` says: uvicorn then sets the request's scheme)
  *or* the configured ``--public-url`` is https. The second covers a TLS proxy keyturn was not
  told to believe: the browser speaks https to it, and a cookie without ``Secure`` would also
  go out over any plain-http link an attacker on the network makes the browser follow.
- **``__Host-``.** A Secure cookie is named ``__Host-keyturn_session`` (``Path=/``, no
  ``Domain``): browsers refuse to let a sibling domain or a plain-http answer set a cookie of
  that name, so none can plant its own session (login CSRF by cookie) in a reviewer's
  browser. Over https only that name is read.
- **HSTS.** The pages' answers over https carry ``Strict-Transport-Security`` (no
  ``includeSubDomains``: other services under the same domain are not keyturn's to decide).
- **Sign-out ends the session.** The cookie is signed, not stored; signing out records the
  session's id in the store (:meth:`~keyturn.store.interface.Store.end_session`), and every
  use of a session looks there, so a copy of the cookie stops working on every server that
  shares the database. The id is a domain-separated hash of the session's CSRF secret (random,
  one per sign-in, under the cookie's signature): the secret itself is never stored.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from keyturn.server.app import Backend, backend_of
from keyturn.server.auth import SESSION_COOKIE, SESSION_SECONDS, Session

HOST_SESSION_COOKIE = "__Host-" + SESSION_COOKIE
# One year; browsers honour it only on an answer that came over https.
HSTS = "max-age=31536000"

Endpoint = Callable[[Request], Awaitable[Response]]


def over_https(request: Request) -> bool:
    """Whether the browser reaches keyturn over https: the request came over https, or the
    configured public address is https (behind a TLS proxy keyturn was not told to trust)."""
    public_url = backend_of(request).public_url or ""
    return request.url.scheme == "https" or public_url.lower().startswith("https://")


def cookie_name(request: Request) -> str:
    """The session cookie's name for ``request``: ``__Host-`` prefixed when it is Secure."""
    return HOST_SESSION_COOKIE if over_https(request) else SESSION_COOKIE


def session_cookie(request: Request) -> str | None:
    """The session cookie the browser sent (over https, only the ``__Host-`` one counts)."""
    return request.cookies.get(cookie_name(request))


def set_cookie(response: Response, request: Request, cookie: str) -> None:
    """Set the signed session ``cookie``: HttpOnly, SameSite=Strict, Path=/, Secure (and
    ``__Host-``) when :func:`over_https`."""
    secure = over_https(request)
    response.set_cookie(
        HOST_SESSION_COOKIE if secure else SESSION_COOKIE,
        cookie,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/",
    )


def clear_cookies(response: Response, request: Request) -> None:
    """Tell the browser to drop the session cookie under either name (a ``__Host-`` cookie
    is only dropped by an answer that names it Secure)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    if over_https(request):
        response.delete_cookie(
            HOST_SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict"
        )


def session_id(session: Session) -> str:
    """What the store keeps of a signed-out session: a hash of its CSRF secret."""
    digest = hashlib.sha256(b"keyturn-session-id\x00" + session.csrf.encode()).hexdigest()
    return f"sha256:{digest}"


def session_live(backend: Backend, session: Session) -> bool:
    """Whether ``session`` still holds: its token live and naming its holder and role
    (:meth:`Backend.holds_session`), and not signed out. Runs under the store lock."""
    return backend.holds_session(session) and not backend.store.session_ended(session_id(session))


def end_session(backend: Backend, session: Session) -> None:
    """Record ``session`` as signed out, until its cookie would have expired anyway. Runs
    under the store lock."""
    backend.store.end_session(
        session_id=session_id(session), expires_at=session.expires, now=backend.clock()
    )


async def sign_out(request: Request, session: Session) -> None:
    """End ``session`` in the store (a failure to record it is the store's error, answered
    503: the reviewer is not told she signed out while a copy of her cookie still works)."""
    backend = backend_of(request)
    await backend.run(end_session, backend, session)


def with_https_headers(endpoint: Endpoint) -> Endpoint:
    """``endpoint``, its answers over https carrying ``Strict-Transport-Security``."""

    @functools.wraps(endpoint)
    async def answered(request: Request) -> Response:
        response = await endpoint(request)
        if over_https(request):
            response.headers.setdefault("strict-transport-security", HSTS)
        return response

    return answered


def secure_routes(routes: Sequence[Route]) -> list[Route]:
    """``routes``, each endpoint wrapped by :func:`with_https_headers`."""
    return [
        Route(r.path, with_https_headers(r.endpoint), methods=r.methods, name=r.name)
        for r in routes
    ]
