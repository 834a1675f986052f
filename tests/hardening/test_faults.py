"""Faults: the database gone or read-only, the disk full, clocks apart. keyturn refuses or
holds (never allows), says why in one line, and leaves nothing half-written.
"""

from __future__ import annotations

import resource
import signal
import socket
from pathlib import Path

import pytest

from keyturn.approval import Role, approve
from keyturn.errors import ApprovalError
from keyturn.store.sqlite import SqliteStore

from ._cli import keyturn, keyturn_env, pg_schema_url
from ._judging import brief_policy_text

pytestmark = pytest.mark.timeout(120)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_unreachable_database_refuses_an_allowed_command(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/keyturn"
    env = keyturn_env(tmp_path, brief_policy_text(), database=url)
    marker = tmp_path / "ran"
    run = keyturn(env, "exec", "--env", "dev", "--", "touch", str(marker))
    assert run.code not in (0, 3), run
    assert not marker.exists()
    line = _one_line(run.stderr)
    assert "keyturn exec" in line and ("connect" in line or "reach" in line or "database" in line)


@pytest.mark.postgres
def test_read_only_database_refuses_and_keeps_the_chain(tmp_path: Path) -> None:
    with pg_schema_url() as url:
        env = keyturn_env(tmp_path, brief_policy_text(), database=url)
        assert keyturn(env, "init").code == 0
        assert keyturn(env, "exec", "--env", "dev", "--", "true").code == 0
        read_only = dict(
            env, KEYTURN_DATABASE=url + "&options=-c%20default_transaction_read_only%3Don"
        )
        marker = tmp_path / "ran"
        run = keyturn(read_only, "exec", "--env", "dev", "--", "touch", str(marker))
        assert run.code not in (0, 3), run
        assert not marker.exists()
        _one_line(run.stderr)
        verified = keyturn(env, "audit", "verify")
        assert verified.code == 0, verified


def _fsize_limit(limit: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_disk_full_refuses_and_leaves_the_log_verifiable(tmp_path: Path) -> None:
    env = keyturn_env(tmp_path, brief_policy_text())
    assert keyturn(env, "init").code == 0
    assert keyturn(env, "exec", "--env", "dev", "--", "true").code == 0
    # Every file the child writes is capped at 4 KiB: a WAL frame (one page plus headers)
    # cannot be written, so the next decision cannot be recorded.
    size = 4096
    marker = tmp_path / "ran"
    refused = 0
    for _ in range(5):
        run = keyturn(
            env, "exec", "--env", "dev", "--", "touch", str(marker), preexec=_fsize_limit(size)
        )
        if run.code != 0:
            refused += 1
            assert run.code != 3
            _one_line(run.stderr)
    assert refused >= 1
    if refused == 5:
        assert not marker.exists()
    verified = keyturn(env, "audit", "verify")
    assert verified.code == 0, verified
    assert keyturn(env, "exec", "--env", "dev", "--", "true").code == 0  # space back: works


NOW = 1_800_000_000.0
SKEW = 7200.0  # one instance's clock two hours ahead of the other's


def _open(store: SqliteStore, *, now: float) -> int:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
    from helpers import draft, opened  # type: ignore[import-not-found]

    request, created = store.open_request(
        draft(ttl_seconds=3600.0, grant_ttl_seconds=900.0), now=now, entry=opened(now)
    )
    assert created
    return request.id


def test_clock_skew_expires_requests_and_grants_for_the_instance_ahead(tmp_path: Path) -> None:
    behind = SqliteStore(tmp_path / "keyturn.db")
    behind.migrate()
    ahead = SqliteStore(tmp_path / "keyturn.db")  # a second instance on the same state
    try:
        rid = _open(behind, now=NOW)
        # The instance whose clock is ahead sees the request expired: the vote is refused.
        with pytest.raises(ApprovalError):
            ahead.transition(
                rid,
                lambda r: approve(
                    r, reviewer="alice", role=Role.REVIEWER, reason="ok", now=NOW + SKEW
                ),
                now=NOW + SKEW,
            )
        assert ahead.get_request(rid).state.value in ("pending", "expired")
        # A fresh request approved on the instance behind; the grant, used from the instance
        # ahead past its lifetime, is refused -- never used late.
        rid2 = _open(behind, now=NOW + 1)
        for who in ("alice", "carol"):
            behind.transition(
                rid2,
                lambda r, w=who: approve(
                    r, reviewer=w, role=Role.REVIEWER, reason="ok", now=NOW + 2
                ),
                now=NOW + 2,
            )
        request = behind.get_request(rid2)
        assert request.state.value == "approved"
        used = ahead.consume_grant(
            digest=request.draft.digest, agent=request.draft.agent, operator=request.draft.operator,
            now=NOW + 2 + 900 + SKEW, actor={"agent": "kiro"},
        )  # fmt: skip
        assert used is None
        # The instance behind may still use it, once.
        first = behind.consume_grant(
            digest=request.draft.digest, agent=request.draft.agent, operator=request.draft.operator,
            now=NOW + 3, actor={"agent": "kiro"},
        )  # fmt: skip
        second = ahead.consume_grant(
            digest=request.draft.digest, agent=request.draft.agent, operator=request.draft.operator,
            now=NOW + 3, actor={"agent": "kiro"},
        )  # fmt: skip
        assert first is not None and second is None
    finally:
        behind.close()
        ahead.close()
