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
EXECUTIONS_PATH = "/v1/executions"


class ServerUnreachable(KeyturnError):
    """The keyturn server could not be asked (so nothing may proceed)."""

    code = "server_unreachable"


def submit_remote(
    server: str, action: Action, *, actor: Actor, env: Mapping[str, str], timeout: float = 10.0
) -> dict[str, Any]:
    """POST the action to the server; its outcome as ``{"verdict", "message", "request_id"}``."""
    answer = _post(server, SUBMIT_PATH, _action_body(action, actor), env=env, timeout=timeout)
    if answer.get("verdict") not in ("allow", "ask", "deny"):
        raise ServerUnreachable(f"keyturn server {server}: unexpected answer")
    return answer


def record_remote(
    server: str,
    action: Action,
    *,
    actor: Actor,
    status: str,
    exit_status: int | None,
    env: Mapping[str, str],
    timeout: float = 10.0,
) -> None:
    """POST what came of an action the agent ran (:mod:`.outcomes`) to the server."""
    body = {**_action_body(action, actor), "status": status, "exit_status": exit_status}
    answer = _post(server, EXECUTIONS_PATH, body, env=env, timeout=timeout)
    if answer.get("recorded") is not True:
        raise ServerUnreachable(f"keyturn server {server}: unexpected answer")


def _action_body(action: Action, actor: Actor) -> dict[str, Any]:
    return {
        "action": action.canonical(),
        "summary": action.summary,
        "actor": {"agent": actor.agent, "operator": actor.operator, "session": actor.session},
    }


def _post(
    server: str, path: str, body: Mapping[str, Any], *, env: Mapping[str, str], timeout: float
) -> dict[str, Any]:
    """POST ``body`` to ``path``; the JSON object answered (``ServerUnreachable`` otherwise)."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(  # noqa: S310 - the operator's configured server URL
        server.rstrip("/") + path,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json", **_auth(env)},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read(1 << 20))
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise ServerUnreachable(f"keyturn server {server} unreachable: {exc}") from None
    if not isinstance(answer, dict):
        raise ServerUnreachable(f"keyturn server {server}: unexpected answer")
    return answer


def _auth(env: Mapping[str, str]) -> dict[str, str]:
    token = env.get("KEYTURN_TOKEN")
    return {"Authorization": f"Bearer {token}"} if token else {}
