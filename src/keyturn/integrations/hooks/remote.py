"""The client seam to ``keyturn serve`` for hooks: submit an understood action, get the outcome.

``KEYTURN_SERVER`` is the server's base URL and ``KEYTURN_TOKEN`` its bearer token. The server
judges the action against its policy, opens the request for an ``ask`` (or consumes the grant
of an approved one) and answers ``{"verdict", "message", "request_id"}``. Any failure here
(refused connection, timeout, a non-2xx status, a body that is not that object) raises
:class:`keyturn.errors.KeyturnError`, and the hook answers with its blocking form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from keyturn.errors import KeyturnError
from keyturn.model import Action, Actor

SUBMIT_PATH = "/api/v1/submit"


class ServerUnreachable(KeyturnError):
    """The keyturn server could not be asked (so nothing may proceed)."""

    code = "server_unreachable"


def submit_remote(
    server: str, action: Action, *, actor: Actor, env: Mapping[str, str], timeout: float = 10.0
) -> dict[str, Any]:
    """POST the action to the server; its outcome as ``{"verdict", "message", "request_id"}``."""
    import urllib.error
    import urllib.request

    body = json.dumps(
        {
            "action": action.canonical(),
            "summary": action.summary,
            "actor": {"agent": actor.agent, "operator": actor.operator, "session": actor.session},
        }
    ).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 - the operator's configured server URL
        server.rstrip("/") + SUBMIT_PATH,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **_auth(env)},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read(1 << 20))
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise ServerUnreachable(f"keyturn server {server} unreachable: {exc}") from None
    if not isinstance(answer, dict) or answer.get("verdict") not in ("allow", "ask", "deny"):
        raise ServerUnreachable(f"keyturn server {server}: unexpected answer")
    return answer


def _auth(env: Mapping[str, str]) -> dict[str, str]:
    token = env.get("KEYTURN_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}
