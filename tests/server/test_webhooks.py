"""Webhook notifications: delivered on request creation and resolution, retried with backoff,
and a failing or hanging endpoint never blocks or loses a request; failures are visible."""

from __future__ import annotations

from typing import Any

from tests.server.conftest import Receiver, Server, until


def test_opened_and_resolved_requests_are_posted(
    notifying_server: Server, receiver: Receiver
) -> None:
    held = notifying_server.ask_rm()
    request_id = int(held["request_id"])
    assert until(lambda: any(b["event"] == "request.opened" for b in receiver.bodies))
    opened = next(b for b in receiver.bodies if b["event"] == "request.opened")
    assert opened["request"]["id"] == request_id
    assert opened["request"]["agent"] == "kiro"
    assert "needs 2 approval(s)" in opened["text"]  # Slack-compatible text and blocks
    assert opened["blocks"][0]["type"] == "section"

    for reviewer in ("alice", "carol"):
        r = notifying_server.post(f"/v1/requests/{request_id}/approve", reviewer, {"reason": "ok"})
        assert r.status_code == 200, r.text
    assert until(lambda: any(b["event"] == "request.approved" for b in receiver.bodies))


def test_the_link_is_the_configured_address_whatever_host_the_agent_sends(
    notifying_server: Server, receiver: Receiver
) -> None:
    # An agent choosing the Host header must not choose where reviewers are sent to sign in.
    r = notifying_server.client.post(
        "/v1/decisions",
        headers={**notifying_server.h("kiro"), "Host": "evil.example"},
        json={
            "kind": "shell",
            "payload": {"command": "rm -rf ./scratch", "cwd": "/srv/app"},
            "environment": "production",
            "actor": {"operator": "bob"},
        },
    )
    assert r.status_code == 200, r.text
    request_id = int(r.json()["request_id"])
    assert until(lambda: any(b["event"] == "request.opened" for b in receiver.bodies))
    opened = next(b for b in receiver.bodies if b["event"] == "request.opened")
    assert opened["request"]["url"] == f"https://keyturn.example/requests/{request_id}"
    assert "evil.example" not in str(opened)


def test_failing_webhook_is_retried_then_visible_and_never_blocks(
    notifying_server: Server, receiver: Receiver
) -> None:
    held = notifying_server.ask_rm()
    assert held["verdict"] == "ask"
    # The request exists whatever the webhooks do.
    listed = notifying_server.get("/v1/requests", "admin").json()
    assert any(str(r["id"]) == str(held["request_id"]) for r in listed["requests"])

    def failed() -> list[dict[str, Any]]:
        deliveries = notifying_server.get("/v1/notifications", "admin").json()["deliveries"]
        return [d for d in deliveries if d["status"] == "failed"]

    assert until(lambda: bool(failed()))
    (delivery,) = failed()
    assert delivery["attempts"] == 5  # retried with backoff before giving up
    assert delivery["last_error"] == "HTTP 500"
    assert receiver.failures == 5
    # Agents and reviewers cannot read the delivery log.
    assert notifying_server.get("/v1/notifications", "kiro").status_code == 403


def test_a_hanging_webhook_does_not_hold_up_decisions(notifying_server: Server) -> None:
    for n in range(3):
        held = notifying_server.ask_rm(path=f"./scratch{n}")
        assert held["verdict"] == "ask"
    # Every decision came back while the hanging endpoint had not answered the first one yet.
    deliveries = notifying_server.get("/v1/notifications", "admin").json()["deliveries"]
    assert len(deliveries) == 9  # 3 requests x 3 webhooks, none lost
    # URLs are shown without their path (a Slack path is a secret), so count states: the three
    # deliveries to the hanging endpoint are still waiting for it.
    assert sum(d["status"] == "pending" for d in deliveries) >= 3
    assert all(d["url"].startswith("http://127.0.0.1:") for d in deliveries)
