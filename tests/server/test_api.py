"""The JSON API, endpoint by endpoint and role by role: what each role must and must not do."""

from __future__ import annotations

import threading
import time

import pytest
from tests.server.conftest import Server

ERROR_KEYS = {"error"}


def assert_error(r, status: int, code: str | None = None) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == ERROR_KEYS and set(body["error"]) == {"code", "message"}
    if code is not None:
        assert body["error"]["code"] == code


# -- one error shape ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("get", "/v1/nope", 404), ("put", "/v1/decisions", 405), ("get", "/v1/requests", 401)],
)
def test_every_error_has_the_one_shape(server: Server, method: str, path: str, status: int) -> None:
    assert_error(getattr(server.client, method)(path), status)


def test_malformed_body_and_bad_input_are_one_line_errors(server: Server) -> None:
    r = server.client.post("/v1/decisions", headers=server.h("kiro"), content=b"{not json")
    assert_error(r, 400, "bad_request")
    r = server.post("/v1/decisions", "kiro", {"kind": "nope", "payload": {}})
    assert_error(r, 422, "bad_input")
    assert "kind" in r.json()["error"]["message"]
    r = server.post(
        "/v1/decisions", "kiro", {"kind": "terraform", "payload": {"document": {"x": 1}}}
    )
    assert_error(r, 422, "bad_input")
    assert "\n" not in r.json()["error"]["message"]


def test_a_500_leaks_nothing(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyturn.server import api

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("SELECT secret FROM /etc/passwd")

    monkeypatch.setattr(api, "action_of", boom)
    r = server.post("/v1/decisions", "kiro", {"kind": "shell", "payload": {"command": "ls"}})
    assert_error(r, 500, "internal_error")
    assert "secret" not in r.text and "passwd" not in r.text and "Traceback" not in r.text


def test_a_decision_that_cannot_be_recorded_is_denied(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    from keyturn.errors import StoreError
    from keyturn.store.sql_audit import SqlAudit

    def full(self, entries):  # type: ignore[no-untyped-def]
        raise StoreError("database or disk is full")

    monkeypatch.setattr(SqlAudit, "append_audit", full)
    r = server.post(
        "/v1/decisions", "kiro", {"kind": "shell", "payload": {"command": "ls", "cwd": "/srv"}}
    )
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == "deny"
    assert "could not be recorded" in r.json()["message"]


def test_a_large_body_is_judged_as_a_small_one(server: Server) -> None:
    """Small bodies are judged on the event loop, large ones in a worker: the same answer."""
    from keyturn.server.api import INLINE_BODY_BYTES

    command = "rm -rf ./scratch"
    small = {"kind": "shell", "payload": {"command": command, "cwd": "/srv/app"}}
    large = {**small, "padding": "x" * (INLINE_BODY_BYTES * 2)}
    answers = [server.post("/v1/decisions", "kiro", body).json() for body in (small, large)]
    assert answers[0]["decision"]["digest"] == answers[1]["decision"]["digest"]
    assert answers[0]["verdict"] == answers[1]["verdict"] == "ask"
    assert answers[0]["request_id"] == answers[1]["request_id"] is not None


def test_security_headers_on_every_response(server: Server) -> None:
    for r in (
        server.client.get("/v1/health"),
        server.client.get("/login"),
        server.client.get("/x"),
    ):
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["referrer-policy"] == "no-referrer"


# -- authentication -----------------------------------------------------------------------------


def test_unknown_token_is_401_and_repeated_failures_are_rate_limited(server: Server) -> None:
    bad = {"Authorization": "Bearer kt_wrong"}
    codes = [server.client.get("/v1/policy", headers=bad).status_code for _ in range(25)]
    assert codes[0] == 401
    assert codes[-1] == 429
    # Even a valid token is refused from that address until the window passes.
    assert_error(server.get("/v1/policy", "alice"), 429, "rate_limited")


def test_revoked_token_no_longer_works(server: Server) -> None:
    assert server.get("/v1/policy", "dave").status_code == 200
    assert server.client.delete("/v1/tokens/dave", headers=server.h("admin")).json() == {
        "name": "dave",
        "revoked": True,
    }
    assert_error(server.get("/v1/policy", "dave"), 401)


# -- decisions ----------------------------------------------------------------------------------


def test_agent_allow_deny_ask(server: Server) -> None:
    allow = server.post(
        "/v1/decisions", "kiro", {"kind": "shell", "payload": {"command": "ls -la", "cwd": "/srv"}}
    ).json()
    assert allow["verdict"] == "allow" and allow["request_id"] is None
    deny = server.post(
        "/v1/decisions",
        "kiro",
        {"kind": "shell", "payload": {"command": "git push --force origin main"}},
    ).json()
    assert deny["verdict"] == "deny"
    ask = server.ask_rm()
    assert ask["verdict"] == "ask" and isinstance(ask["request_id"], int)
    assert ask["decision"]["approvals_required"] == 2
    # Asking again finds the same request instead of opening another.
    assert server.ask_rm()["request_id"] == ask["request_id"]


def test_every_kind_of_payload(server: Server, fixtures) -> None:  # type: ignore[no-untyped-def]
    import json

    aws = server.post(
        "/v1/decisions",
        "kiro",
        {
            "kind": "aws",
            "payload": {
                "service": "rds",
                "operation": "DeleteDBInstance",
                "params": {"DBInstanceIdentifier": "prod-db"},
                "account": "111111111111",
            },
        },
    ).json()
    assert aws["verdict"] == "deny"  # protected
    mcp = server.post(
        "/v1/decisions",
        "kiro",
        {
            "kind": "mcp",
            "payload": {
                "server": "filesystem",
                "tool": "read_file",
                "arguments": {"path": "/tmp/x"},
            },
        },
    ).json()
    assert mcp["verdict"] in ("allow", "ask")
    review = next((fixtures / "k8s" / "derived").glob("*.json"))
    k8s = server.post(
        "/v1/decisions",
        "kiro",
        {"kind": "k8s", "payload": {"document": json.loads(review.read_text())}},
    )
    assert k8s.status_code == 200 and k8s.json()["verdict"] in ("allow", "ask", "deny")
    plan = next((fixtures / "terraform").rglob("*.json"))
    tf = server.post(
        "/v1/decisions",
        "kiro",
        {"kind": "terraform", "payload": {"document": plan.read_text(), "workspace": "prod"}},
    )
    assert tf.status_code in (200, 422)


def test_normalised_action_and_the_hook_path(server: Server) -> None:
    from keyturn.model import Target
    from keyturn.understand.shell import understand_shell

    action = understand_shell(
        "rm -rf ./scratch", cwd="/srv/app", target=Target(environment="production")
    )
    body = {
        "action": action.canonical(),
        "summary": action.summary,
        "actor": {"agent": "kiro", "operator": "bob"},
    }
    a = server.post("/v1/decisions", "kiro", body).json()
    b = server.post("/api/v1/submit", "kiro", body).json()
    assert a["verdict"] == b["verdict"] == "ask"
    assert a["request_id"] == b["request_id"]
    assert a["decision"]["digest"] == action.digest


def test_agent_cannot_act_as_another_agent_and_reviewers_cannot_decide(server: Server) -> None:
    r = server.post(
        "/v1/decisions",
        "kiro",
        {"kind": "shell", "payload": {"command": "ls"}, "actor": {"agent": "claude"}},
    )
    assert_error(r, 403, "forbidden")
    assert_error(
        server.post("/v1/decisions", "alice", {"kind": "shell", "payload": {"command": "ls"}}),
        403,
        "forbidden",
    )
    assert (
        server.post(
            "/v1/decisions", "admin", {"kind": "shell", "payload": {"command": "ls"}}
        ).json()["verdict"]
        == "allow"
    )


# -- requests: the two-person rule through the API ------------------------------------------------


def test_two_person_rule_and_grant_used_once(server: Server) -> None:
    rid = server.ask_rm()["request_id"]
    # The operator, the agent and a reviewer outside sre are refused, with the machine's reason.
    r = server.post(f"/v1/requests/{rid}/approve", "bob", {"reason": "mine"})
    assert_error(r, 403, "approval_refused")
    assert "operator" in r.json()["error"]["message"]
    assert_error(
        server.post(f"/v1/requests/{rid}/approve", "kiro", {"reason": "x"}), 403, "forbidden"
    )
    r = server.post(f"/v1/requests/{rid}/approve", "dave", {"reason": "x"})
    assert_error(r, 403, "approval_refused")
    assert "not in the reviewer group" in r.json()["error"]["message"]
    one = server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "ok"}).json()
    assert one["state"] == "pending" and one["approvals"] == ["alice"]
    r = server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "again"})
    assert_error(r, 403, "approval_refused")
    two = server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"}).json()
    assert two["state"] == "approved" and two["grant"]["used_at"] is None
    # The agent's retry consumes the grant once; the next retry opens a new request.
    retry = server.ask_rm()
    assert retry["verdict"] == "allow" and retry["grant_id"] == two["grant"]["id"]
    again = server.ask_rm()
    assert again["verdict"] == "ask" and again["request_id"] != rid


def test_grant_use_endpoint(server: Server) -> None:
    rid = server.ask_rm()["request_id"]
    assert_error(server.post("/v1/grants/use", "kiro", {"request_id": rid}), 409, "no_grant")
    server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "ok"})
    server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"})
    assert_error(server.post("/v1/grants/use", "alice", {"request_id": rid}), 403, "forbidden")
    assert_error(server.post("/v1/grants/use", "other", {"request_id": rid}), 404, "not_found")
    used = server.post("/v1/grants/use", "kiro", {"request_id": rid}).json()
    assert used["verdict"] == "allow" and used["request_id"] == rid
    assert_error(
        server.post("/v1/grants/use", "kiro", {"request_id": rid}), 403, "approval_refused"
    )
    assert_error(server.post("/v1/grants/use", "kiro", {"request_id": "x"}), 422, "bad_input")


def test_visibility_of_requests_by_role(server: Server) -> None:
    rid = server.ask_rm()["request_id"]
    assert [r["id"] for r in server.get("/v1/requests", "kiro").json()["requests"]] == [rid]
    assert server.get("/v1/requests", "other").json()["requests"] == []
    assert_error(server.get(f"/v1/requests/{rid}", "other"), 404, "not_found")
    for who in ("kiro", "alice", "admin"):
        shown = server.get(f"/v1/requests/{rid}", who).json()
        assert shown["id"] == rid and shown["details"]["commands"][0]["argv"][0] == "rm"
        assert shown["details"]["cwd"] == "/srv/app"  # where it runs is part of what is shown
    assert_error(server.get("/v1/requests/999", "alice"), 404)
    assert_error(server.get("/v1/requests?state=weird", "alice"), 422)
    assert server.get("/v1/requests?state=all", "alice").json()["requests"][0]["id"] == rid


def test_reject_and_cancel_by_role(server: Server) -> None:
    rid = server.ask_rm()["request_id"]
    assert_error(server.post(f"/v1/requests/{rid}/reject", "kiro", {"reason": "x"}), 403)
    assert_error(server.post(f"/v1/requests/{rid}/cancel", "other", {"reason": "x"}), 404)
    assert_error(
        server.post(f"/v1/requests/{rid}/cancel", "alice", {"reason": "x"}), 403, "approval_refused"
    )
    rejected = server.post(f"/v1/requests/{rid}/reject", "bob", {"reason": "no: wrong env"}).json()
    assert rejected["state"] == "rejected"  # saying no is always safe, the operator included
    rid2 = server.ask_rm(path="./other")["request_id"]
    assert (
        server.post(f"/v1/requests/{rid2}/cancel", "kiro", {"reason": "changed my mind"}).json()[
            "state"
        ]
        == "cancelled"
    )
    rid3 = server.ask_rm(path="./third")["request_id"]
    assert server.post(f"/v1/requests/{rid3}/cancel", "admin", {}).json()["state"] == "cancelled"


def test_wait_is_released_by_a_vote(server: Server) -> None:
    rid = server.ask_rm()["request_id"]
    timed_out = server.get(f"/v1/requests/{rid}/wait?timeout=0.1", "kiro").json()
    assert timed_out["verdict"] == "ask" and timed_out["request"]["state"] == "pending"
    server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "ok"})

    def vote() -> None:
        time.sleep(0.3)
        server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"})

    threading.Thread(target=vote).start()
    started = time.monotonic()
    waited = server.get(f"/v1/requests/{rid}/wait?timeout=20", "kiro").json()
    assert waited["verdict"] == "allow" and waited["request"]["state"] == "approved"
    assert time.monotonic() - started < 15  # released by the vote, not by the timeout
    assert_error(server.get(f"/v1/requests/{rid}/wait?timeout=abc", "kiro"), 422)
    assert_error(server.get(f"/v1/requests/{rid}/wait", "other"), 404)


# -- audit, policy, tokens, notifications ----------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/v1/audit", "/v1/audit/verify", "/v1/audit/trace?resource=scratch", "/v1/policy/lint"]
)
def test_reviewer_and_admin_views_are_closed_to_agents(server: Server, path: str) -> None:
    server.ask_rm()
    assert_error(server.get(path, "kiro"), 403, "forbidden")
    for who in ("alice", "admin"):
        assert server.get(path, who).status_code == 200


def test_audit_views(server: Server) -> None:
    server.ask_rm()
    page = server.get("/v1/audit?limit=2", "alice").json()
    assert len(page["records"]) == 2 and page["head"]["seq"] >= 2
    assert server.get("/v1/audit/verify", "alice").json()["ok"] is True
    stories = server.get("/v1/audit/trace?resource=scratch", "alice").json()["stories"]
    assert stories and stories[0]["agent"] == "kiro"
    assert_error(server.get("/v1/audit/trace", "alice"), 422)
    assert_error(server.get("/v1/audit?limit=0", "alice"), 422)


def test_a_record_forged_in_the_database_is_named_not_a_500(server: Server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    server.ask_rm()
    with sqlite3.connect(tmp_path / "home" / "keyturn.db") as conn:
        conn.execute("UPDATE audit_log SET record = '<garbage>' WHERE seq = 1")
    page = server.get("/v1/audit", "alice").json()
    assert page["records"][0]["record"] == {"unreadable": "<garbage>"}
    traced = server.get("/v1/audit/trace?resource=scratch", "alice").json()
    assert traced["unreadable"] == [1]
    assert server.get("/v1/audit/verify", "alice").json()["ok"] is False
    assert server.client.post("/login", data={"token": server.tokens["alice"]}).status_code == 200
    audit_page = server.client.get("/audit")
    assert audit_page.status_code == 200 and "&lt;garbage&gt;" in audit_page.text
    assert 'class="unreadable"' in audit_page.text


def test_policy_for_everyone(server: Server) -> None:
    """Everyone gets the digest; only reviewers and admins the source path and reviewers."""
    assert set(server.get("/v1/policy", "kiro").json()) == {"digest"}
    for who in ("alice", "admin"):
        body = server.get("/v1/policy", who).json()
        assert body["digest"].startswith("sha256:") and body["reviewers"]["sre"] == [
            "alice",
            "bob",
            "carol",
        ]


def test_tokens_only_for_admins(server: Server) -> None:
    for who in ("kiro", "alice"):
        assert_error(server.get("/v1/tokens", who), 403)
        assert_error(server.post("/v1/tokens", who, {"name": "x", "role": "admin"}), 403)
        assert_error(server.client.delete("/v1/tokens/bob", headers=server.h(who)), 403)
        assert_error(server.get("/v1/notifications", who), 403)
    made = server.post("/v1/tokens", "admin", {"name": "erin", "role": "reviewer"})
    assert made.status_code == 201 and made.json()["token"].startswith("kt_")
    names = {t["name"] for t in server.get("/v1/tokens", "admin").json()["tokens"]}
    assert "erin" in names and all(
        "token" not in t for t in server.get("/v1/tokens", "admin").json()["tokens"]
    )
    assert (
        server.client.get(
            "/v1/policy", headers={"Authorization": f"Bearer {made.json()['token']}"}
        ).status_code
        == 200
    )
    assert_error(server.post("/v1/tokens", "admin", {"name": "erin", "role": "reviewer"}), 422)
    assert_error(server.post("/v1/tokens", "admin", {"name": "x y", "role": "reviewer"}), 422)
    assert_error(server.post("/v1/tokens", "admin", {"name": "z", "role": "god"}), 422)
    assert_error(server.client.delete("/v1/tokens/nobody", headers=server.h("admin")), 404)
    assert server.get("/v1/notifications", "admin").json() == {"deliveries": []}


def test_executions_record_what_came_of_an_action_under_its_decisions_digest(
    server: Server,
) -> None:
    body = {
        "kind": "shell",
        "payload": {"command": "ls -la /srv/app", "cwd": "/srv"},
        "actor": {"operator": "bob", "session": "s9"},
    }
    decided = server.post("/v1/decisions", "kiro", body).json()
    kept = server.post("/v1/executions", "kiro", {**body, "status": "failed", "exit_status": 2})
    assert kept.status_code == 200, kept.text
    assert kept.json() == {"recorded": True, "digest": decided["decision"]["digest"]}
    records = [r["record"] for r in server.get("/v1/audit", "admin").json()["records"]]
    execution = next(r for r in records if r["kind"] == "execution")
    assert execution["data"]["digest"] == decided["decision"]["digest"]
    assert (execution["data"]["detail"], execution["data"]["exit_status"]) == ("failed", 2)
    assert execution["actor"]["agent"] == "kiro" and execution["actor"]["session"] == "s9"
    assert_error(
        server.post(
            "/v1/executions", "kiro", {**body, "actor": {"agent": "claude"}, "status": "completed"}
        ),
        403,
        "forbidden",
    )
    for bad in ({"status": "ran"}, {"status": "completed", "exit_status": "0"},
                {"status": "completed", "exit_status": 2**40}):  # fmt: skip
        assert_error(server.post("/v1/executions", "kiro", {**body, **bad}), 422, "bad_input")


def test_a_secret_pasted_into_a_reason_is_recorded_redacted(server: Server) -> None:
    token = "ghp_" + "A1b2C3d4E5" * 4
    rid = server.ask_rm()["request_id"]
    voted = server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": f"ok, used {token}"})
    assert voted.status_code == 200, voted.text
    shown = server.get(f"/v1/requests/{rid}", "alice").text
    records = server.get("/v1/audit", "alice").text
    assert token not in shown and token not in records
    assert "<redacted:" in shown


def test_text_that_is_not_unicode_is_bad_input(server: Server) -> None:
    body = '{"kind": "mcp", "payload": {"server": "x", "tool": "y", "arguments": {"a": "\\ud800"}}}'
    r = server.client.post(
        "/v1/decisions",
        content=body,
        headers={
            "Authorization": f"Bearer {server.tokens['kiro']}",
            "Content-Type": "application/json",
        },
    )
    assert_error(r, 422, "bad_input")
