"""Set-up around ``exec``: ``keyturn init``, settings, and the PostgreSQL store through the CLI."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import psycopg
import pytest

from keyturn.bootstrap import load_settings
from keyturn.cli import main
from keyturn.errors import InputError


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE", "KEYTURN_POLICY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


def test_init_writes_policy_state_and_a_private_key(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    assert (home / "keyturn.yaml").exists()
    key = home / "audit-signing.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (home / "keyturn.db").exists()
    first_key = key.read_bytes()
    (home / "keyturn.yaml").write_text("# mine\n")
    assert main(["init"]) == 0
    assert (home / "keyturn.yaml").read_text() == "# mine\n"
    assert main(["init", "--force"]) == 0
    assert (home / "keyturn.yaml").read_text() != "# mine\n"
    assert key.read_bytes() == first_key  # the signing key is never replaced
    capsys.readouterr()
    assert main(["init", "--print-public-key"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("-----BEGIN PUBLIC KEY-----")
    assert main(["audit", "public-key"]) == 0
    assert capsys.readouterr().out == printed == (home / "audit-signing.pub").read_text()


def test_init_with_an_unreachable_database_writes_nothing(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unreachable = "postgresql://keyturn@127.0.0.1:1/nowhere"  # nothing listens on port 1
    assert main(["init", "--database", unreachable]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("keyturn init: cannot reach PostgreSQL") and "\n" not in err, err
    assert not home.exists()  # no policy, no signing key, no half-made state directory
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "keyturn.yaml").write_text("# mine\n")
    assert main(["init", "--home", str(kept), "--force", "--database", unreachable]) == 1
    assert sorted(p.name for p in kept.iterdir()) == ["keyturn.yaml"]
    assert (kept / "keyturn.yaml").read_text() == "# mine\n"  # --force waits for the database


def test_settings_hide_the_database_password() -> None:
    s = load_settings(home="/tmp/x", database="postgresql://u:hunter2@db:5432/k", environ={})
    assert "hunter2" not in repr(s) and "***" in repr(s)
    assert s.database_url == "postgresql://u:hunter2@db:5432/k"
    with pytest.raises(InputError, match="postgresql://"):
        load_settings(home="/tmp/x", database="mysql://x", environ={})


@pytest.mark.postgres
def test_the_cli_runs_on_postgresql(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = "kt_cli_" + uuid.uuid4().hex[:10]
    url = "postgresql://postgres@127.0.0.1:5432/test"
    monkeypatch.setenv("KEYTURN_DATABASE", f"{url}?schema={schema}")
    try:
        assert main(["init"]) == 0
        assert main(["token", "create", "alice", "--role", "reviewer"]) == 0
        assert main(["audit", "checkpoint"]) == 0
        capsys.readouterr()
        assert main(["audit", "verify"]) == 0
        assert "1 record(s), 1 signed checkpoint(s)" in capsys.readouterr().out
        with psycopg.connect(url) as conn:
            row = conn.execute(f"SELECT count(*) FROM {schema}.tokens").fetchone()
        assert row == (1,)
        assert not (home / "keyturn.db").exists()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
