"""Crash safety: ``kill -9`` during a load of decisions; after restart every acknowledged
decision is in the audit log and the chain verifies."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from keyturn.audit.verify import verify_log
from keyturn.store.interface import Store
from keyturn.store.postgres import PostgresStore
from keyturn.store.sqlite import SqliteStore

from ._cli import PG_URL, pg_schema_url
from ._judging import brief_policy_text

LOOP = Path(__file__).parent / "assets" / "decide_loop.py"
pytestmark = pytest.mark.timeout(120)


def _kill_during_load(args: list[str], *, acks_before_kill: int) -> list[str]:
    """Start the loop, kill -9 it after ``acks_before_kill`` acknowledgements; the digests it
    acknowledged (every line it printed)."""
    child = subprocess.Popen(
        [sys.executable, str(LOOP), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    acked: list[str] = []
    assert child.stdout is not None
    deadline = time.monotonic() + 60
    while len(acked) < acks_before_kill and time.monotonic() < deadline:
        line = child.stdout.readline().decode()
        if not line:
            break
        acked.append(line.split()[2])
    child.send_signal(signal.SIGKILL)
    rest, err = child.communicate(timeout=30)
    acked.extend(line.split()[2] for line in rest.decode().splitlines() if line.startswith("ACK"))
    assert child.returncode == -signal.SIGKILL, err.decode()[-2000:]
    assert len(acked) >= acks_before_kill, err.decode()[-2000:]
    return acked


def _check_after_restart(store: Store, acked: list[str]) -> None:
    store.migrate()  # reopening after the crash works
    recorded = {
        r.parsed()["data"].get("digest")
        for r in store.audit_records()
        if r.parsed()["kind"] == "decision"
    }
    missing = [d for d in acked if d not in recorded]
    assert not missing, f"{len(missing)} acknowledged decisions missing from the audit log"
    report = verify_log(
        store.audit_records(), store.checkpoints(), public_key=None, head=store.audit_head()
    )
    assert report.ok, report.summary()


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(2))
def test_kill_9_sqlite(tmp_path: Path, round_: int) -> None:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text(), encoding="utf-8")
    db = tmp_path / "keyturn.db"
    acked = _kill_during_load([str(policy), "sqlite", str(db)], acks_before_kill=40 + 25 * round_)
    store = SqliteStore(db)
    try:
        _check_after_restart(store, acked)
    finally:
        store.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_kill_9_postgres(tmp_path: Path) -> None:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text(), encoding="utf-8")
    with pg_schema_url() as url:
        schema = url.rsplit("schema=", 1)[1]
        acked = _kill_during_load([str(policy), "postgres", PG_URL, schema], acks_before_kill=40)
        store = PostgresStore(PG_URL, schema=schema)
        try:
            _check_after_restart(store, acked)
        finally:
            store.close()
