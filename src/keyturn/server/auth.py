"""Who is asking: bearer tokens for the API, signed session cookies for the web pages.

- A token is looked up by its SHA-256 (``bootstrap.authenticate``); the token itself is never
  logged, put in a page, a URL or a cookie. Signatures and CSRF tokens are compared in
  constant time (``hmac.compare_digest``).
- Failed token attempts are rate-limited per client address: after ``max_failures`` within
  ``window`` seconds that address gets 429 until the window passes, so guessing is hopeless
  even for short tokens someone pasted by hand. Only addresses that failed within the window
  are kept, at most ``max_clients`` of them (the longest quiet dropped first): a client
  spraying made-up addresses cannot grow the server's memory without bound.
- The session cookie carries the holder's token id, name, role, a CSRF secret and an expiry,
  signed with HMAC-SHA256 under the install's session secret. Each use re-checks that the token
  is still live, so revoking a token ends its sessions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from keyturn.approval.model import Role
from keyturn.server.errors import ApiError

SESSION_COOKIE = "keyturn_session"
SESSION_SECONDS = 8 * 3600


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated holder of a token."""

    token_id: int
    name: str
    role: Role

    def require(self, *roles: Role) -> None:
        """403 unless this holder has one of ``roles``."""
        if self.role not in roles:
            allowed = " or ".join(r.value for r in roles)
            raise ApiError(
                403, "forbidden", f"{self.name} is {self.role.value}; this needs {allowed}"
            )


class FailureLimiter:
    """Counts failed authentications per client; refuses a client over the limit. Keeps only
    clients that failed within the window, at most ``max_clients``, ordered by last failure."""

    def __init__(
        self,
        *,
        max_failures: int = 20,
        window: float = 60.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max = max_failures
        self._window = window
        self._max_clients = max_clients
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """429 when ``client`` failed too often lately."""
        with self._lock:
            recent = self._recent(client)
            if len(recent) >= self._max:
                raise ApiError(
                    429, "rate_limited", "too many failed sign-in attempts; wait a minute"
                )

    def failed(self, client: str) -> None:
        with self._lock:
            now = self._clock()
            q = self._recent(client)
            q.append(now)
            self._failures[client] = q
            self._failures.move_to_end(client)
            # Entries are in order of last failure: drop from the front those whose window
            # has passed, and beyond max_clients the longest quiet (an address that fails on
            # stays at the back; evicting it takes max_clients other addresses failing since).
            cutoff = now - self._window
            while self._failures:
                first, times = next(iter(self._failures.items()))
                if times[-1] >= cutoff and len(self._failures) <= self._max_clients:
                    break
                del self._failures[first]

    def _recent(self, client: str) -> deque[float]:
        """``client``'s failures within the window (a fresh, unkept queue when none): a check
        alone never adds an entry, so clients that never fail cost nothing."""
        q = self._failures.get(client)
        if q is None:
            return deque(maxlen=self._max)
        cutoff = self._clock() - self._window
        while q and q[0] < cutoff:
            q.popleft()
        if not q:
            del self._failures[client]
        return q


def bearer_of(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in reviewer's session (what the cookie carries)."""

    token_id: int
    name: str
    role: Role
    csrf: str
    expires: float


class SessionSigner:
    """Signs and checks session cookies with the install's secret."""

    def __init__(self, secret: bytes) -> None:
        self._key = hashlib.sha256(b"keyturn-session\x00" + secret).digest()

    def issue(self, principal: Principal, *, now: float) -> tuple[str, Session]:
        session = Session(
            token_id=principal.token_id,
            name=principal.name,
            role=principal.role,
            csrf=secrets.token_urlsafe(24),
            expires=now + SESSION_SECONDS,
        )
        body = json.dumps(
            [session.token_id, session.name, session.role.value, session.csrf, session.expires]
        ).encode()
        payload = base64.urlsafe_b64encode(body).decode().rstrip("=")
        return f"{payload}.{self._mac(payload)}", session

    def read(self, cookie: str | None, *, now: float) -> Session | None:
        """The session in ``cookie`` when its signature holds and it has not expired."""
        if not cookie or "." not in cookie:
            return None
        payload, _, mac = cookie.rpartition(".")
        if not _same(mac, self._mac(payload)):
            return None
        try:
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            token_id, name, role, csrf, expires = json.loads(raw)
            session = Session(int(token_id), str(name), Role(role), str(csrf), float(expires))
        except (ValueError, TypeError):
            return None
        return session if session.expires > now else None

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode(), hashlib.sha256).hexdigest()


def csrf_ok(session: Session, submitted: str | None) -> bool:
    """Whether a form's CSRF field matches the session's (constant time)."""
    return bool(submitted) and _same(session.csrf, submitted or "")


def _same(mine: str, theirs: str) -> bool:
    """``hmac.compare_digest`` of two texts as UTF-8: given two ``str``, it raises on any
    character beyond ASCII, and a cookie or form field holding one was a server error."""
    return hmac.compare_digest(mine.encode(), theirs.encode(errors="surrogatepass"))
