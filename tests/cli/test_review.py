"""``keyturn approve|reject|cancel`` and ``keyturn requests``, in-process, with real tokens."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from keyturn.approval.model import RequestState
from keyturn.bootstrap import load_settings, open_state
from keyturn.cli import main
from keyturn.gate import Gate
from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Resource, Target
from keyturn.policy import load_policy


@pytest.fixture()
def env(
    tmp_path: Path,
    brief_policy_text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> dict[str, str]:
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    (tmp_path / "keyturn.yaml").write_text(brief_policy_text)
    monkeypatch.setenv("KEYTURN_POLICY", str(tmp_path / "keyturn.yaml"))
    assert main(["init"]) == 0
    tokens = {}
    for name, role in [
        ("alice", "reviewer"),
        ("bob", "reviewer"),
        ("carol", "reviewer"),
        ("kiro", "agent"),
        ("root", "admin"),
    ]:
        capsys.readouterr()
        assert main(["token", "create", name, "--role", role]) == 0
        tokens[name] = capsys.readouterr().out.strip()
    store = open_state(load_settings())
    gate = Gate(
        policy=load_policy(brief_policy_text), store=store, clock=time.time, sleep=time.sleep
    )
    action = Action(
        kind=ActionKind.SHELL,
        summary="rm -rf ./scratch",
        effects=(
            Effect(
                effect=EffectKind.DELETE,
                resource=Resource(names=("file:/w/scratch",)),
                target=Target(environment="production"),
                service="file",
            ),
        ),
        target=Target(environment="production"),
        subject=["rm", "-rf", "/w/scratch"],
    )
    outcome = gate.submit(action, actor=Actor(agent="kiro", operator="bob"), requester="kiro")
    assert outcome.request_id == "1"
    store.close()
    capsys.readouterr()
    return tokens


def _as(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("KEYTURN_TOKEN", token)


def test_operator_refused_then_two_reviewers_approve(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, env["bob"])
    assert main(["approve", "1", "--reason", "mine"]) == 4
    assert "bob is the operator of this agent and cannot approve its requests" in (
        capsys.readouterr().err
    )
    _as(monkeypatch, env["alice"])
    assert main(["approve", "1", "--reason", "fine"]) == 0
    assert "still pending: 1 more approval from sre (approved by alice)" in capsys.readouterr().out
    assert main(["requests"]) == 0
    listing = capsys.readouterr().out
    assert "kiro" in listing and "bob" in listing and "production" in listing
    assert "1 more approval from sre" in listing
    _as(monkeypatch, env["carol"])
    assert main(["approve", "1", "--reason", "fine"]) == 0
    assert "approved by alice, carol" in capsys.readouterr().out
    assert main(["requests", "show", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == RequestState.APPROVED and shown["grant"]["used_at"] is None


def test_agent_token_cannot_approve(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, env["kiro"])
    assert main(["approve", "1", "--reason", "me"]) == 4
    assert "agent token" in capsys.readouterr().err


def test_reject_needs_a_reason_and_rejects(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, env["carol"])
    assert main(["reject", "1"]) == 2
    assert main(["reject", "1", "--reason", "no"]) == 0
    assert "rejected" in capsys.readouterr().out
    assert main(["requests"]) == 0
    assert "no pending requests" in capsys.readouterr().out


def test_cancel_by_the_agent(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, env["alice"])
    assert main(["cancel", "1"]) == 4
    _as(monkeypatch, env["kiro"])
    assert main(["cancel", "1"]) == 0
    assert "cancelled" in capsys.readouterr().out


def test_unknown_request_and_missing_token_exit_2(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["approve", "1", "--reason", "x"]) == 2
    assert "KEYTURN_TOKEN" in capsys.readouterr().err
    _as(monkeypatch, env["alice"])
    assert main(["approve", "42", "--reason", "x"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "keyturn approve: no request 42"
    assert main(["approve", "abc", "--reason", "x"]) == 2
    _as(monkeypatch, "kt_forged")
    assert main(["approve", "1", "--reason", "x"]) == 2


def test_token_management_needs_admin_once_one_exists(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _as(monkeypatch, env["alice"])
    assert main(["token", "create", "mallory", "--role", "admin"]) == 2
    assert "not an admin" in capsys.readouterr().err
    _as(monkeypatch, env["root"])
    assert main(["token", "create", "dave", "--role", "reviewer"]) == 0
    assert main(["token", "revoke", "dave"]) == 0
    capsys.readouterr()
    assert main(["token", "list", "--json"]) == 0
    tokens = {t["name"]: t for t in json.loads(capsys.readouterr().out)}
    assert tokens["dave"]["revoked_at"] is not None
    assert tokens["alice"]["revoked_at"] is None and tokens["alice"]["role"] == "reviewer"


def test_a_secret_pasted_into_a_reason_is_recorded_redacted(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "ghp_" + "A1b2C3d4E5" * 4
    _as(monkeypatch, env["carol"])
    assert main(["reject", "1", "--reason", f"rotate {token} first"]) == 0
    assert main(["requests", "show", "1", "--json"]) == 0
    shown = capsys.readouterr().out
    assert token not in shown and "<redacted:" in shown
