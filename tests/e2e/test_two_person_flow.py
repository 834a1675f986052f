"""The two-person rule end to end, through the real ``keyturn`` command line in subprocesses:
production ``rm -rf ./scratch`` by agent kiro for operator bob."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


class Cli:
    def __init__(self, home: Path, work: Path, policy: Path) -> None:
        self.home, self.work, self.policy = home, work, policy
        self.tokens: dict[str, str] = {}

    def __call__(self, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
        env.update(KEYTURN_HOME=str(self.home), KEYTURN_POLICY=str(self.policy), USER="bob")
        if token:
            env["KEYTURN_TOKEN"] = self.tokens[token]
        return subprocess.run(
            [sys.executable, "-m", "keyturn", *args],
            cwd=self.work,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def rm_scratch(self) -> subprocess.CompletedProcess[str]:
        return self(
            "exec",
            "--no-wait",
            "--env",
            "production",
            "--agent",
            "kiro",
            "--operator",
            "bob",
            "--",
            "rm",
            "-rf",
            "./scratch",
        )


@pytest.fixture()
def cli(tmp_path: Path, brief_policy_text: str) -> Cli:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    c = Cli(home, work, policy)
    assert c("init").returncode == 0
    for name in ("alice", "bob", "carol"):
        made = c("token", "create", name, "--role", "reviewer")
        assert made.returncode == 0, made.stderr
        c.tokens[name] = made.stdout.strip()
    return c


def test_production_delete_needs_two_other_humans_and_runs_once(cli: Cli) -> None:
    scratch = cli.work / "scratch"
    (scratch / "sub").mkdir(parents=True)
    (scratch / "sub" / "f.txt").write_text("x")

    held = cli.rm_scratch()
    assert held.returncode == 3, held.stderr
    request_id = held.stdout.strip()
    assert request_id.isdigit()
    assert f"request {request_id}" in held.stderr and "2 reviews from sre" in held.stderr
    assert scratch.exists()

    again = cli.rm_scratch()
    assert again.returncode == 3 and again.stdout.strip() == request_id  # same open request

    by_bob = cli("approve", request_id, "--reason", "mine", token="bob")
    assert by_bob.returncode == 4
    assert "bob is the operator of this agent and cannot approve its requests" in by_bob.stderr

    by_alice = cli("approve", request_id, "--reason", "scratch only", token="alice")
    assert by_alice.returncode == 0 and "still pending" in by_alice.stdout
    listed = cli("requests", "--json")
    assert [r["still_needed"] for r in json.loads(listed.stdout)] == [1]

    by_carol = cli("approve", request_id, "--reason", "ok", token="carol")
    assert by_carol.returncode == 0 and "approved by alice, carol" in by_carol.stdout

    ran = cli.rm_scratch()
    assert ran.returncode == 0, ran.stderr
    assert not scratch.exists()

    scratch.mkdir()
    once_more = cli.rm_scratch()
    assert once_more.returncode == 3
    assert once_more.stdout.strip() != request_id
    assert scratch.exists()

    verified = cli("audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "verifies" in verified.stdout

    exported = cli("audit", "export", "-o", str(cli.work / "audit.jsonl"))
    assert exported.returncode == 0
    kinds = [
        json.loads(json.loads(line)["record"])["kind"]
        for line in (cli.work / "audit.jsonl").read_text().splitlines()
        if json.loads(line)["type"] == "record"
    ]
    for kind in (
        "policy.loaded",
        "token.created",
        "decision",
        "request.opened",
        "vote.refused",
        "vote",
        "request.approved",
        "grant.issued",
        "grant.used",
        "execution",
    ):
        assert kind in kinds, kind
    offline = cli(
        "audit",
        "verify",
        "--export",
        str(cli.work / "audit.jsonl"),
        "--public-key",
        str(cli.home / "audit-signing.pub"),
    )
    assert offline.returncode == 0, offline.stderr

    traced = cli("audit", "trace", "--resource", "*scratch*", "--json")
    stories = json.loads(traced.stdout)
    assert stories[0]["agent"] == "kiro" and stories[0]["operator"] == "bob"
    assert stories[0]["approvers"] == ["alice", "carol"]
    assert any("exit status 0" in o for o in stories[0]["outcomes"])

    conn = sqlite3.connect(cli.home / "keyturn.db")
    seq = conn.execute(
        'SELECT seq FROM audit_log WHERE record LIKE \'%"kind":"vote"%\' ORDER BY seq LIMIT 1'
    ).fetchone()[0]
    conn.execute(
        "UPDATE audit_log SET record = replace(record, 'alice', 'mallory') WHERE seq = ?", (seq,)
    )
    conn.commit()
    conn.close()
    broken = cli("audit", "verify")
    assert broken.returncode == 1
    assert f"record {seq}" in broken.stderr

    # A record that is not even JSON: the trace goes on without it, names it, and exits 1.
    conn = sqlite3.connect(cli.home / "keyturn.db")
    conn.execute("UPDATE audit_log SET record = 'garbage' WHERE seq = ?", (seq,))
    conn.commit()
    conn.close()
    damaged = cli("audit", "trace", "--resource", "*scratch*", "--json")
    assert damaged.returncode == 1
    assert f"record(s) {seq} " in damaged.stderr and "Traceback" not in damaged.stderr
    assert json.loads(damaged.stdout)[0]["approvers"] == ["carol"]


def test_a_broken_policy_runs_nothing(cli: Cli) -> None:
    cli.policy.write_text("version: 1\ndefault: maybe\n")
    target = cli.work / "keep"
    target.mkdir()
    result = cli("exec", "--env", "dev", "--", "rm", "-rf", "./keep")
    assert result.returncode == 2
    assert "keyturn.yaml" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert target.exists()
