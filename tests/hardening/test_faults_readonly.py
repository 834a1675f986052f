"""A read-only SQLite state: keyturn refuses with one line and never allows.

Tests run as root, for whom ``chmod`` restricts nothing. So the state directory is made
read-only for real: a read-only bind mount when this machine allows mounting, else the CLI
runs as the unprivileged ``nobody`` (``setpriv``) over a copy of the state it may read but
not write. Both ways are tried where they work.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ._cli import KEYTURN, Run, keyturn, keyturn_env
from ._judging import brief_policy_text

pytestmark = pytest.mark.timeout(120)
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@contextmanager
def read_only_view(state: Path, view: Path, *, how: str) -> Iterator[list[str]]:
    """``view`` shows ``state`` read-only; yields the command prefix to run keyturn under."""
    if how == "mount":
        view.mkdir()
        mounted = subprocess.run(
            ["mount", "-o", "bind,ro", str(state), str(view)], capture_output=True, check=False
        )
        if mounted.returncode != 0:
            pytest.skip(f"no read-only bind mount here: {mounted.stderr.decode().strip()}")
        try:
            yield []
        finally:
            subprocess.run(["umount", str(view)], check=True)
        return
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is not installed")
    # A copy owned by root that nobody may read but not write (the key too: the point is the
    # database, not a key nobody cannot read).
    shutil.copytree(state, view)
    for path in (view.parent, view, *view.iterdir()):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    yield NOBODY


def _run(prefix: list[str], env: dict[str, str], *args: str) -> Run:
    done = subprocess.run(
        [*prefix, KEYTURN, *args], capture_output=True, env=env, timeout=60, check=False
    )
    return Run(done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.mark.parametrize("how", ["mount", "setpriv"])
@pytest.mark.parametrize("command", ["touch", "rm"])
def test_read_only_sqlite_refuses_with_one_line(tmp_path: Path, command: str, how: str) -> None:
    env = keyturn_env(tmp_path, brief_policy_text())
    assert keyturn(env, "init").code == 0
    assert keyturn(env, "exec", "--env", "dev", "--", "true").code == 0
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o777)
    os.chmod(outside, 0o777)  # the unprivileged variant writes its marker here
    marker = outside / "ran"
    if command == "rm":
        marker.write_text("still here")
    with read_only_view(tmp_path / "state", tmp_path / "ro", how=how) as prefix:
        ro_env = dict(env, KEYTURN_HOME=str(tmp_path / "ro"))
        run = _run(prefix, ro_env, "exec", "--env", "dev", "--", command, str(marker))
        assert run.code not in (0, 3), run
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, run.stderr
        assert "keyturn exec" in lines[0] and "Traceback" not in run.stderr
        assert "read" in lines[0] or "open" in lines[0], lines[0]
    assert marker.exists() == (command == "rm"), "the command ran on a read-only state"
    verified = keyturn(env, "audit", "verify")
    assert verified.code == 0, verified
