"""Revoking on the reviewers' page: the button only on an approved, unused grant, for someone
who may revoke; a reason required; a grant already used answered as a conflict (409)."""

from __future__ import annotations

import re

from tests.server.conftest import Server
from tests.server.test_revoke_api import _approved


def _signed_in(server: Server, who: str) -> str:
    r = server.client.post("/login", data={"token": server.tokens[who]})
    assert r.status_code == 200, r.text
    page = server.client.get("/").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the signed-in page carries the session's CSRF token"
    return found.group(1)


def test_the_page_revokes_an_approved_unused_grant(server: Server) -> None:
    rid = _approved(server, "./web-revoke")["id"]
    csrf = _signed_in(server, "alice")
    page = server.client.get(f"/requests/{rid}").text
    assert f'action="/requests/{rid}/revoke"' in page

    empty = server.client.post(f"/requests/{rid}/revoke", data={"csrf": csrf, "reason": " "})
    assert empty.status_code == 422 and "a revocation needs a reason" in empty.text

    done = server.client.post(
        f"/requests/{rid}/revoke", data={"csrf": csrf, "reason": "incident on the cluster"}
    )
    assert done.status_code == 200, done.text
    assert "you revoked request" in done.text and 'id="state">revoked<' in done.text
    assert "/revoke" not in done.text.split("</h1>", 1)[1], "no second button"
    assert server.get(f"/v1/requests/{rid}", "admin").json()["state"] == "revoked"


def test_no_button_for_who_may_not_and_a_used_grant_is_a_conflict(server: Server) -> None:
    rid = _approved(server, "./web-used")["id"]
    _signed_in(server, "dave")  # a dba: not among the request's reviewers
    assert "/revoke" not in server.client.get(f"/requests/{rid}").text

    used = server.post("/v1/grants/use", "kiro", {"request_id": rid})
    assert used.status_code == 200, used.text
    csrf = _signed_in(server, "alice")
    assert f"/requests/{rid}/revoke" not in server.client.get(f"/requests/{rid}").text
    late = server.client.post(f"/requests/{rid}/revoke", data={"csrf": csrf, "reason": "late"})
    assert late.status_code == 409 and "already used" in late.text


def test_a_request_id_beyond_the_databases_is_not_found(server: Server) -> None:
    """SQLite refuses an integer past 64 bits outright: such an id is answered as any id the
    store does not hold, never with a 500."""
    csrf = _signed_in(server, "alice")
    huge = "9" * 25
    page = server.client.get(f"/requests/{huge}")
    assert page.status_code == 404 and f"there is no request {huge}" in page.text
    vote = server.client.post(f"/requests/{huge}/approve", data={"csrf": csrf})
    assert vote.status_code in (403, 404) and "Traceback" not in vote.text
