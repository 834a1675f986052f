"""``keyturn demo``: the incident replayed; every step decided as designed, nothing real runs,
and the log it leaves verifies with the ordinary ``keyturn audit`` verbs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from keyturn.cli import main


@pytest.fixture()
def trap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Executables named like the real tools, first on PATH, that leave a mark if ever run."""
    bin_dir, marks = tmp_path / "bin", tmp_path / "ran"
    bin_dir.mkdir()
    for tool in ("aws", "curl", "terraform", "tofu", "kubectl"):
        script = bin_dir / tool
        script.write_text(f'#!/bin/sh\necho "{tool} $*" >> {marks}\n')
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # The demo always uses SQLite in its own home, whatever the environment says.
    monkeypatch.setenv("KEYTURN_DATABASE", "postgresql://keyturn@127.0.0.1:1/not-used")
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "not-used"))
    return marks


def test_demo_replays_the_incident_as_designed(
    trap: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    # The operator's credentials are taken away.
    assert (
        "AWS_ACCESS_KEY_ID=AKIA" in out and "keyturn exec gives its commands: none of them" in out
    )
    # Terraform: the protected database is refused, the rest of the environment is held.
    assert "aws_db_instance.main   replace  -> DENY  protected resource" in out
    assert "aws_vpc.main           replace  -> ASK   needs 2 approval(s) from sre" in out
    assert "-> DENY  the whole plan is refused" in out
    # The AWS CLI: the database delete refused, the terminate held.
    assert "-> DENY  denied: delete arn:aws:rds:us-east-1:*:db:prod-main in production: " in out
    assert "-> HELD  held for 2 reviews from sre: request 1" in out
    # curl to the Kubernetes API: the protected namespace refused.
    assert "-> DENY  denied: delete k8s:namespace/payments in production: protected" in out
    # Review: the operator's approval refused, alice and carol approve, the grant is used once.
    assert "bob    approves -> REFUSED: bob is the operator of this agent" in out
    assert "carol  approves -> counted; approved: grant 1, usable once" in out
    assert "-> ALLOW allowed once by grant 1 of approved request 1" in out
    assert "-> HELD  held for 2 reviews from sre: request 2" in out
    # The trace attributes it; the log verifies.
    assert "refused:   bob: bob is the operator of this agent" in out
    assert "approvers: alice, carol" in out
    assert "audit log verifies:" in out
    assert out.rstrip().endswith("every step is on the record.")
    assert not trap.exists()  # no real aws, curl, terraform or kubectl ever ran
    assert not (tmp_path / "not-used").exists()


def test_demo_home_is_kept_and_verifies_with_the_audit_verbs(
    trap: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "demo-home"
    assert main(["demo", "--home", str(home)]) == 0
    assert f"$ keyturn audit verify --home {home}" in capsys.readouterr().out
    monkeypatch.delenv("KEYTURN_DATABASE")
    assert main(["audit", "verify", "--home", str(home), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["records"] >= 16
    assert main(["audit", "trace", "--home", str(home), "--resource", "i-0a1b2c3d4e5f60718"]) == 0
    traced = capsys.readouterr().out
    assert "approvers: alice, carol" in traced and "exit status 0" in traced
    assert not trap.exists()


def test_demo_rejects_unknown_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--nope"]) == 2
    assert "--nope" in capsys.readouterr().err
