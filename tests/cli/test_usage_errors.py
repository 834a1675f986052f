"""A command line missing its verb or subcommand, or naming a state directory that cannot be
one: exit 2 and one line on stderr saying what is missing (BRIEF §4.3), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

KEYTURN = str(Path(sys.executable).with_name("keyturn"))


def _keyturn(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env["KEYTURN_HOME"] = str(home)
    return subprocess.run(
        [KEYTURN, *args], capture_output=True, text=True, timeout=60, env=env, check=False
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "keyturn: expected a command"),
        (("policy",), "keyturn policy: expected a subcommand"),
        (("hook",), "keyturn hook: expected an agent, install or daemon"),
        (("demo", "--home", "/etc/passwd"), "keyturn demo: --home /etc/passwd: cannot be"),
    ],
)
def test_one_line_and_exit_2(args: tuple[str, ...], says: str, tmp_path: Path) -> None:
    done = _keyturn(*args, home=tmp_path / "home")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(says), done.stderr
    assert "Traceback" not in done.stderr


def test_help_is_not_an_error(tmp_path: Path) -> None:
    for args in (("--help",), ("policy", "--help"), ("hook", "--help")):
        done = _keyturn(*args, home=tmp_path / "home")
        assert done.returncode == 0 and done.stdout.startswith("usage: keyturn"), args
    hook_help = _keyturn("hook", "--help", home=tmp_path / "home").stdout
    assert "--kiro-agent NAME" in hook_help and "--outcomes" in hook_help


def test_help_names_every_verb_and_subcommand_with_what_it_does(tmp_path: Path) -> None:
    """A new user's ``keyturn --help`` lists each verb with one line on what it does, and the
    exit codes; ``keyturn policy --help`` its subcommands. A verb added without a line (or a
    line left for a verb removed) fails here."""
    from keyturn.cli import SUMMARIES, VERBS

    assert set(SUMMARIES) == set(VERBS)
    shown = _keyturn("--help", home=tmp_path / "home").stdout.splitlines()
    for verb, what in SUMMARIES.items():
        assert any(line.split() == [verb, *what.split()] for line in shown), verb
    assert any(line.startswith("exit codes: 0 allow, 3 ask, 4 deny") for line in shown)
    policy_help = _keyturn("policy", "--help", home=tmp_path / "home").stdout
    for sub in ("lint", "explain", "test"):
        assert any(line.split()[:1] == [sub] for line in policy_help.splitlines()), sub


@pytest.mark.parametrize("verb", [("requests",), ("audit", "verify"), ("token", "list")])
@pytest.mark.parametrize("under", ["file", "below a file"])
def test_a_state_directory_that_is_a_file_is_bad_input(
    verb: tuple[str, ...], under: str, tmp_path: Path
) -> None:
    """``KEYTURN_HOME`` naming a file (or a path below one) is the user's mistake: exit 2 and
    one line naming the setting, not an internal failure about the signing key."""
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    home = a_file if under == "file" else a_file / "state"
    done = _keyturn(*verb, home=home)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "KEYTURN_HOME: the state directory" in done.stderr
    assert a_file.read_text() == "x"


@pytest.mark.parametrize(
    "verb",
    [("requests", "show"), ("approve", "--reason", "ok"), ("cancel",), ("revoke", "--reason", "x")],
)
def test_a_request_id_beyond_the_databases_is_not_found(
    verb: tuple[str, ...], tmp_path: Path
) -> None:
    done = _keyturn(*verb, "9" * 25, home=tmp_path / "home")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and f"no request {'9' * 25}" in done.stderr
