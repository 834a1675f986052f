"""``keyturn exec`` in-process: allow runs, deny refuses, ask holds, waits and runs once.

The command's understanding is replaced by a fixed action here so that these tests pin the
exec/gate behaviour alone; the end-to-end test uses the real shell understanding.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from keyturn.approval import Role, approve, reject
from keyturn.bootstrap import load_settings, open_state
from keyturn.cli import exec as exec_cli
from keyturn.cli import main
from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target


def _fake_understand(command: list[str], *, env: str | None) -> Action:
    kind = {"rm": EffectKind.DELETE, "iamctl": EffectKind.UPDATE}.get(command[0], EffectKind.READ)
    return Action(
        kind=ActionKind.SHELL,
        summary=" ".join(command),
        effects=(
            Effect(
                effect=kind,
                resource=Resource(names=(f"file:/work/{command[-1]}",)),
                target=Target(environment=env),
                service="iam" if command[0] == "iamctl" else "file",
                command=" ".join(command),
            ),
        ),
        target=Target(environment=env),
        subject=command,
    )


@pytest.fixture()
def home(tmp_path: Path, brief_policy_text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE", "KEYTURN_AGENT", "KEYTURN_SESSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KEYTURN_POLICY", str(policy))
    monkeypatch.setenv("USER", "bob")
    monkeypatch.setattr(exec_cli, "_understand", _fake_understand)
    assert main(["init"]) == 0
    return tmp_path


def _store():
    return open_state(load_settings())


def _records() -> list[dict]:
    store = _store()
    try:
        return [r.parsed() for r in store.audit_records()]
    finally:
        store.close()


def test_allowed_command_runs_and_its_exit_status_passes_through(home: Path) -> None:
    assert main(["exec", "--env", "dev", "--", "sh", "-c", "exit 7"]) == 7
    execution = [r for r in _records() if r["kind"] == "execution"]
    assert execution[-1]["data"]["exit_status"] == 7


def test_denied_command_does_not_run(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["exec", "--env", "dev", "--agent", "kiro", "--", "iamctl", "x"])
    assert code == 4
    assert "denied" in capsys.readouterr().err
    assert not [r for r in _records() if r["kind"] == "execution"]
    assert [r["data"]["decision"] for r in _records() if r["kind"] == "decision"] == ["deny"]


def test_no_wait_prints_the_request_and_exits_3(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = home / "scratch"
    target.mkdir()
    code = main(
        [
            "exec",
            "--no-wait",
            "--env",
            "production",
            "--agent",
            "kiro",
            "--",
            "rm",
            "-rf",
            str(target),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 3
    assert out.strip() == "1"
    assert "held for 2 reviews from sre: request 1; retry the same command after approval" in err
    assert target.exists()


def test_waits_for_approval_then_runs_once(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = home / "scratch"
    target.mkdir()
    argv = [
        "exec",
        "--poll",
        "0.05",
        "--env",
        "production",
        "--agent",
        "kiro",
        "--",
        "rm",
        "-rf",
        str(target),
    ]
    result: list[int] = []
    waiter = threading.Thread(target=lambda: result.append(main(argv)))
    waiter.start()
    store = _store()
    try:
        for _ in range(400):
            if store.list_requests():
                break
            time.sleep(0.05)
        rid = store.list_requests()[0].id
        now = time.time()
        for who in ("alice", "carol"):
            store.transition(
                rid,
                lambda r, w=who: approve(r, reviewer=w, role=Role.REVIEWER, reason="ok", now=now),
                now=now,
            )
    finally:
        store.close()
    waiter.join(timeout=30)
    assert result == [0]
    assert not target.exists()
    err = capsys.readouterr().err
    assert "1 more approval from sre (approved by alice)" in err or "approved by alice" in err
    target.mkdir()
    assert main([*argv[:1], "--no-wait", *argv[3:]]) == 3  # the grant was used up
    assert target.exists()


def test_rejection_while_waiting_denies(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = home / "scratch"
    target.mkdir()
    argv = [
        "exec",
        "--poll",
        "0.05",
        "--env",
        "production",
        "--agent",
        "kiro",
        "--",
        "rm",
        "-rf",
        str(target),
    ]
    result: list[int] = []
    waiter = threading.Thread(target=lambda: result.append(main(argv)))
    waiter.start()
    store = _store()
    try:
        for _ in range(400):
            if store.list_requests():
                break
            time.sleep(0.05)
        rid = store.list_requests()[0].id
        store.transition(
            rid,
            lambda r: reject(
                r, reviewer="carol", role=Role.REVIEWER, reason="not today", now=time.time()
            ),
            now=time.time(),
        )
    finally:
        store.close()
    waiter.join(timeout=30)
    assert result == [4]
    assert target.exists()
    assert "rejected: not today" in capsys.readouterr().err


def test_wait_times_out_with_exit_3(home: Path) -> None:
    assert (
        main(
            [
                "exec",
                "--timeout",
                "0.2",
                "--poll",
                "0.05",
                "--env",
                "production",
                "--agent",
                "kiro",
                "--",
                "rm",
                "-rf",
                "/work/x",
            ]
        )
        == 3
    )


def test_broken_policy_refuses_with_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (home / "keyturn.yaml").write_text("version: 1\ndefault: maybe\n")
    assert main(["exec", "--env", "dev", "--", "sh", "-c", "exit 0"]) == 2
    err = capsys.readouterr().err.strip()
    assert "keyturn.yaml" in err and len(err.splitlines()) == 1


def test_unreachable_audit_denies(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyturn.errors import AuditError
    from keyturn.store.sql import SqlStore

    def broken(self: object, entries: object) -> None:
        raise AuditError("disk full")

    monkeypatch.setattr(SqlStore, "append_audit", broken)
    assert main(["exec", "--env", "dev", "--", "sh", "-c", "exit 0"]) == 4


def test_nothing_to_run_is_a_usage_error(home: Path) -> None:
    assert main(["exec", "--env", "dev"]) == 2
