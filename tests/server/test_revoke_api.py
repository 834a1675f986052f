"""``POST /v1/requests/{id}/revoke``, role by role, and what a revoked grant does to the agent:
its use refused, its retry held again, its wait answered ``deny``, the revocation audited (the
reason redacted) and notified."""

from __future__ import annotations

import threading
import time

import pytest
from tests.server.conftest import Receiver, Server, until
from tests.server.test_api import assert_error

from keyturn.server.openapi import document


def _approved(server: Server, path: str) -> dict:  # type: ignore[type-arg]
    """kiro's production delete of ``path`` (operator bob), approved by alice and carol."""
    rid = server.ask_rm(path=path)["request_id"]
    server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "ok"})
    done: dict = server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"}).json()  # type: ignore[type-arg]
    assert done["state"] == "approved", done
    return done


# Each role on an approved, unused grant: admins, eligible reviewers (the approvers, and bob,
# in sre and the operator), and the request's own agent may; a reviewer outside the request's
# groups is refused (403); another agent does not see the request at all (404).
@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("admin", 200, None),
        ("alice", 200, None),
        ("carol", 200, None),
        ("bob", 200, None),
        ("kiro", 200, None),
        ("dave", 403, "approval_refused"),
        ("other", 404, "not_found"),
    ],
)
def test_revoke_by_role(server: Server, who: str, status: int, code: str | None) -> None:
    rid = _approved(server, f"./{who}")["id"]
    r = server.post(f"/v1/requests/{rid}/revoke", who, {"reason": "wrong cluster"})
    if code is not None:
        assert_error(r, status, code)
        assert server.get(f"/v1/requests/{rid}", "admin").json()["state"] == "approved"
        return
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "revoked" and body["closed_by"] == who
    assert body["close_reason"] == "wrong cluster" and body["grant"]["revoked_at"] is not None
    assert body["grant"]["used_at"] is None


def test_conflicts_and_bad_input(server: Server) -> None:
    assert_error(server.client.post("/v1/requests/1/revoke", json={"reason": "x"}), 401)
    assert_error(server.post("/v1/requests/999/revoke", "admin", {"reason": "x"}), 404)
    pending = server.ask_rm(path="./pending")["request_id"]
    r = server.post(f"/v1/requests/{pending}/revoke", "admin", {"reason": "x"})
    assert_error(r, 409, "conflict")
    assert "is pending, not approved" in r.json()["error"]["message"]
    rid = _approved(server, "./used")["id"]
    for body in ({}, {"reason": "   "}):
        assert_error(server.post(f"/v1/requests/{rid}/revoke", "admin", body), 422, "bad_input")
    assert_error(server.post(f"/v1/requests/{rid}/revoke", "admin", {"reason": 3}), 422)
    assert server.post("/v1/grants/use", "kiro", {"request_id": rid}).status_code == 200
    r = server.post(f"/v1/requests/{rid}/revoke", "admin", {"reason": "too late"})
    assert_error(r, 409, "conflict")
    message = r.json()["error"]["message"]
    assert "already used" in message and "cannot be revoked" in message and "\n" not in message
    twice = _approved(server, "./twice")["id"]
    assert server.post(f"/v1/requests/{twice}/revoke", "alice", {"reason": "a"}).status_code == 200
    r = server.post(f"/v1/requests/{twice}/revoke", "admin", {"reason": "b"})
    assert_error(r, 409, "conflict")


def test_a_revoked_grant_is_refused_and_the_retry_held_again(server: Server) -> None:
    approved = _approved(server, "./scratch")
    rid = approved["id"]
    revoked = server.post(f"/v1/requests/{rid}/revoke", "carol", {"reason": "incident 42"})
    assert revoked.status_code == 200, revoked.text
    r = server.post("/v1/grants/use", "kiro", {"request_id": rid})
    assert_error(r, 403, "approval_refused")
    assert "was revoked" in r.json()["error"]["message"]
    retry = server.ask_rm(path="./scratch")
    assert retry["verdict"] == "ask" and retry["request_id"] != rid
    waited = server.get(f"/v1/requests/{rid}/wait?timeout=5", "kiro").json()
    assert waited["verdict"] == "deny"
    assert waited["message"] == (
        f"request {rid} was revoked by carol: incident 42; its grant can no longer be used"
    )
    listed = server.get("/v1/requests?state=revoked", "alice").json()["requests"]
    assert [x["id"] for x in listed] == [rid]
    records = server.get("/v1/audit", "alice").json()["records"]
    revocations = [x["record"] for x in records if x["record"]["kind"] == "request.revoked"]
    assert len(revocations) == 1
    assert revocations[0]["actor"] == {"name": "carol", "role": "reviewer"}
    assert revocations[0]["data"]["reason"] == "incident 42"
    assert server.get("/v1/audit/verify", "alice").json()["ok"] is True


def test_a_waiter_is_released_with_deny_once_revoked(server: Server) -> None:
    """An agent that starts waiting on a request just approved, then revoked, is answered
    ``deny`` with the reason -- never ``allow``."""
    rid = server.ask_rm(path="./waited")["request_id"]
    server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "ok"})

    def approve_then_revoke() -> None:
        time.sleep(0.2)
        server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"})
        server.post(f"/v1/requests/{rid}/revoke", "carol", {"reason": "mistake"})

    worker = threading.Thread(target=approve_then_revoke)
    worker.start()
    first = server.get(f"/v1/requests/{rid}/wait?timeout=20", "kiro").json()
    worker.join()
    assert first["verdict"] in ("allow", "deny")  # released by the approval (or the revocation)
    later = server.get(f"/v1/requests/{rid}/wait?timeout=20", "kiro").json()
    assert later["verdict"] == "deny" and "mistake" in later["message"]


def test_a_secret_in_the_reason_is_recorded_redacted(server: Server) -> None:
    token = "ghp_" + "A1b2C3d4E5" * 4
    rid = _approved(server, "./secret")["id"]
    r = server.post(f"/v1/requests/{rid}/revoke", "admin", {"reason": f"leaked {token}"})
    assert r.status_code == 200, r.text
    assert token not in r.text and "<redacted:" in r.json()["close_reason"]
    assert token not in server.get("/v1/audit", "admin").text


def test_revocation_is_notified(notifying_server: Server, receiver: Receiver) -> None:
    rid = _approved(notifying_server, "./notified")["id"]
    notifying_server.post(f"/v1/requests/{rid}/revoke", "alice", {"reason": "no"})
    assert until(lambda: any(b.get("event") == "request.revoked" for b in receiver.bodies))
    body = next(b for b in receiver.bodies if b.get("event") == "request.revoked")
    assert body["request"]["id"] == rid and body["request"]["state"] == "revoked"


def test_the_openapi_document_describes_revoke() -> None:
    doc = document()
    op = doc["paths"]["/v1/requests/{request_id}/revoke"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(op["responses"])
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["reason"]
    request = doc["components"]["schemas"]["Request"]["properties"]
    assert "revoked" in request["state"]["enum"]
    grant = request["grant"]["oneOf"][1]
    assert "revoked_at" in grant["required"]
    listing = doc["paths"]["/v1/requests"]["get"]["parameters"][0]["schema"]["enum"]
    assert "revoked" in listing
