"""The HTTP client of ``keyturn serve``, used by the CLI when ``KEYTURN_SERVER`` is set.

``KEYTURN_SERVER`` is the server's base URL and ``KEYTURN_TOKEN`` the bearer token. Every
failure (unreachable server, timeout, an error answer) raises a :class:`KeyturnError` carrying
the server's one-line message, so the CLI exits non-zero and nothing runs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from keyturn.approval.model import ConflictError
from keyturn.errors import ApprovalError, AuthError, InputError, KeyturnError, NotFoundError


class ServerError(KeyturnError):
    """The keyturn server could not be reached or failed (so nothing may proceed)."""

    code = "server_unreachable"


# What each refusal of the server is on this side, so that the CLI exits as it does in local
# mode: a step the server refuses (a role that may not do it, a grant that is not there) is a
# refusal (4), bad input or an unknown request is 2; only an unreachable or failing server is
# keyturn's own failure (1).
_BY_STATUS: dict[int, type[KeyturnError]] = {
    400: InputError,
    401: AuthError,
    403: ApprovalError,
    404: NotFoundError,
    409: ApprovalError,
    413: InputError,
    422: InputError,
    429: AuthError,
}

# A 409 whose code says the request's state ruled the step out (revoking a grant already used)
# is a conflict (2), as it is in local mode; any other 409 (no grant to use) is a refusal.
_BY_CODE: dict[tuple[int, str], type[KeyturnError]] = {(409, "conflict"): ConflictError}


@dataclass(frozen=True, slots=True)
class Client:
    """A keyturn server at ``base`` acting as the holder of ``token``."""

    base: str
    token: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Client:
        e = os.environ if env is None else env
        base = e.get("KEYTURN_SERVER", "")
        if not base.startswith(("http://", "https://")):
            raise InputError(f"KEYTURN_SERVER: expected an http(s):// URL, got {base!r}")
        return cls(base=base.rstrip("/"), token=e.get("KEYTURN_TOKEN"))

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float | None = None,
    ) -> Any:
        """One API call; the JSON answer, or the server's error raised as a KeyturnError."""
        import httpx

        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            r = httpx.request(
                method,
                self.base + path,
                json=body,
                params=params,
                headers=headers,
                timeout=timeout or self.timeout,
            )
        except httpx.HTTPError as exc:
            raise ServerError(
                f"keyturn server {self.base} unreachable: {type(exc).__name__}"
            ) from None
        try:
            data = r.json()
        except ValueError:
            raise ServerError(
                f"keyturn server {self.base}: answered HTTP {r.status_code} without JSON"
            ) from None
        if r.status_code >= 400:
            err = data.get("error", {}) if isinstance(data, dict) else {}
            message = str(err.get("message") or f"HTTP {r.status_code}")
            kind = _BY_CODE.get((r.status_code, str(err.get("code"))))
            raise (kind or _BY_STATUS.get(r.status_code, ServerError))(message)
        return data

    def decide(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return dict(self.call("POST", "/v1/decisions", body=dict(body)))

    def requests(self, *, state: str = "pending") -> list[dict[str, Any]]:
        return list(self.call("GET", "/v1/requests", params={"state": state})["requests"])

    def request(self, request_id: int) -> dict[str, Any]:
        return dict(self.call("GET", f"/v1/requests/{request_id}"))

    def vote(self, verb: str, request_id: int, *, reason: str) -> dict[str, Any]:
        """``approve``, ``reject``, ``cancel`` or ``revoke`` the request."""
        return dict(self.call("POST", f"/v1/requests/{request_id}/{verb}", body={"reason": reason}))

    def wait(self, request_id: int, *, timeout: float) -> dict[str, Any]:
        """Long-poll until decided or ``timeout`` seconds pass (in slices the server allows)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, min(deadline - time.monotonic(), 60.0))
            answer = dict(
                self.call(
                    "GET",
                    f"/v1/requests/{request_id}/wait",
                    params={"timeout": left},
                    timeout=left + 30,
                )
            )
            if answer["verdict"] != "ask" or time.monotonic() >= deadline:
                return answer
