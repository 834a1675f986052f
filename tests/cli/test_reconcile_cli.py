"""``keyturn audit reconcile cloudtrail`` through the real CLI: UNGATED changes exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

KEYTURN = str(Path(sys.executable).with_name("keyturn"))


def reconcile(home: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env["KEYTURN_HOME"] = str(home)
    return subprocess.run(
        [KEYTURN, "audit", "reconcile", "cloudtrail", *map(str, files)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_destructive_call_keyturn_never_granted_is_ungated(
    tmp_path: Path, fixtures: Path
) -> None:
    result = reconcile(tmp_path / "home", fixtures / "cloudtrail/derived/ct-001.json")
    assert result.returncode == 1, result.stderr
    assert "UNGATED" in result.stdout
    assert "DeleteDBInstance" in result.stdout


def test_failed_attempts_alone_are_not_flagged(tmp_path: Path, fixtures: Path) -> None:
    # ct-003: an AccessDenied DeleteDBInstance is an attempt, not a change.
    result = reconcile(tmp_path / "home", fixtures / "cloudtrail/derived/ct-003.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "attempt" in result.stdout.lower()
    assert "0 UNGATED" in result.stdout


def test_unreadable_cloudtrail_file_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "trail.json"
    bad.write_text("{not json")
    result = reconcile(tmp_path / "home", bad)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
