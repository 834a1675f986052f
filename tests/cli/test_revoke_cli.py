"""``keyturn revoke ID --reason ...``: in-process on local state with real tokens, and the
exit codes it gives as a client of a server (a 409 conflict is 2, a 403 refusal is 4)."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from tests.cli.test_review import env  # noqa: F401  (the fixture: request 1, kiro for bob)

from keyturn.approval.codec import decision_from_json
from keyturn.bootstrap import load_settings, open_state
from keyturn.cli import main
from keyturn.gate import Gate, Outcome
from keyturn.model import Actor
from keyturn.policy import load_policy


def _as(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("KEYTURN_TOKEN", token)


def _approve(tokens: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for who in ("alice", "carol"):
        _as(monkeypatch, tokens[who])
        assert main(["approve", "1", "--reason", "ok"]) == 0


def _retry(policy_text: str) -> Outcome:
    """kiro submits request 1's action again, as its retry after approval does."""
    store = open_state(load_settings())
    try:
        action = decision_from_json(store.get_request(1).draft.decision).action
        gate = Gate(policy=load_policy(policy_text), store=store, clock=time.time, sleep=time.sleep)
        return gate.submit(action, actor=Actor(agent="kiro", operator="bob"), requester="kiro")
    finally:
        store.close()


def _show(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["requests", "show", "1", "--json"]) == 0
    shown: dict[str, Any] = json.loads(capsys.readouterr().out)
    return shown


def test_revoke_then_the_retry_is_held_again(
    env: dict[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    brief_policy_text: str,
) -> None:
    _approve(env, monkeypatch)
    _as(monkeypatch, env["alice"])
    capsys.readouterr()
    assert main(["revoke", "1", "--reason", "wrong cluster"]) == 0
    assert capsys.readouterr().out.strip() == (
        "request 1: revoked by alice; grant 1 can no longer be used"
    )
    shown = _show(capsys)
    assert shown["state"] == "revoked" and shown["close_reason"] == "wrong cluster"
    assert shown["grant"]["revoked_at"] is not None and shown["grant"]["used_at"] is None
    assert main(["requests", "show", "1"]) == 0
    text = capsys.readouterr().out
    assert "closed:    by alice: wrong cluster" in text and ", never usable)" in text
    retry = _retry(brief_policy_text)
    assert retry.verdict.value == "ask" and retry.request_id == "2"
    assert main(["revoke", "1", "--reason", "again"]) == 2
    assert "already revoked by alice" in capsys.readouterr().err


def test_a_used_grant_cannot_be_revoked(
    env: dict[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    brief_policy_text: str,
) -> None:
    _approve(env, monkeypatch)
    assert _retry(brief_policy_text).verdict.value == "allow"
    _as(monkeypatch, env["root"])
    capsys.readouterr()
    assert main(["revoke", "1", "--reason", "too late"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("keyturn revoke: grant 1 of request 1 was already used at ")
    assert err.rstrip().endswith("the action ran, it cannot be revoked")
    assert _show(capsys)["state"] == "approved"


def test_who_may_not_and_bad_input(
    env: dict[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _as(monkeypatch, env["alice"])
    assert main(["revoke", "1", "--reason", "x"]) == 2  # still pending: nothing to revoke
    assert "is pending, not approved" in capsys.readouterr().err
    _approve(env, monkeypatch)
    _as(monkeypatch, env["root"])
    capsys.readouterr()
    assert main(["token", "create", "dave", "--role", "reviewer"]) == 0
    dave = capsys.readouterr().out.strip()
    _as(monkeypatch, dave)  # a dba reviewer: not eligible for this sre request
    assert main(["revoke", "1", "--reason", "x"]) == 4
    assert "dave may not revoke request 1" in capsys.readouterr().err
    _as(monkeypatch, env["kiro"])
    assert main(["revoke", "1"]) == 2  # --reason is required
    assert main(["revoke", "1", "--reason", "  "]) == 2
    assert main(["revoke", "42", "--reason", "x"]) == 2
    assert main(["revoke", "abc", "--reason", "x"]) == 2
    assert _show(capsys)["state"] == "approved"
    token = "ghp_" + "A1b2C3d4E5" * 4
    assert main(["revoke", "1", "--reason", f"my run leaked {token}"]) == 0  # the agent itself
    shown = _show(capsys)
    assert shown["state"] == "revoked" and shown["closed_by"] == "kiro"
    assert token not in json.dumps(shown) and "<redacted:" in shown["close_reason"]


@pytest.mark.parametrize(
    ("status", "code", "exit_code"),
    [(409, "conflict", 2), (403, "approval_refused", 4), (422, "bad_input", 2)],
)
def test_as_a_client_of_a_server(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    status: int,
    code: str,
    exit_code: int,
) -> None:
    sent: list[tuple[str, str, Any]] = []

    def answer(method: str, url: str, **kw: Any) -> httpx.Response:
        sent.append((method, url, kw.get("json")))
        return httpx.Response(status, json={"error": {"code": code, "message": f"said {code}"}})

    monkeypatch.setattr(httpx, "request", answer)
    monkeypatch.setenv("KEYTURN_SERVER", "http://127.0.0.1:9")
    monkeypatch.setenv("KEYTURN_TOKEN", "kt_x")
    assert main(["revoke", "7", "--reason", " why "]) == exit_code
    assert capsys.readouterr().err == f"keyturn revoke: said {code}\n"
    assert sent == [("POST", "http://127.0.0.1:9/v1/requests/7/revoke", {"reason": "why"})]


def test_as_a_client_a_revocation_prints_who(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    body = {"id": 7, "state": "revoked", "closed_by": "alice", "grant": {"id": 3}}
    monkeypatch.setattr(httpx, "request", lambda *a, **kw: httpx.Response(200, json=body))
    monkeypatch.setenv("KEYTURN_SERVER", "http://127.0.0.1:9")
    assert main(["revoke", "7", "--reason", "x"]) == 0
    assert capsys.readouterr().out == "request 7: revoked by alice; grant 3 can no longer be used\n"
