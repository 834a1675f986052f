"""Every verb finds the policy the same way: --policy, $KEYTURN_POLICY, ./keyturn.yaml, then
the one in $KEYTURN_HOME (where `keyturn init` writes it when there is no local one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from keyturn.paths import policy_path

KEYTURN = str(Path(sys.executable).with_name("keyturn"))


def _run(cwd: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env["KEYTURN_HOME"] = str(home)
    return subprocess.run(
        [KEYTURN, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_init_then_lint_and_check_find_the_same_policy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(tmp_path, home, "init").returncode == 0
    assert (home / "keyturn.yaml").is_file()
    assert _run(tmp_path, home, "policy", "lint").returncode == 0
    assert _run(tmp_path, home, "check", "shell", "ls").returncode == 0
    assert _run(tmp_path, home, "check", "--env", "production", "shell", "rm -rf x").returncode == 3


def test_the_chain(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"KEYTURN_HOME": str(home)}
    assert policy_path(None, env, cwd=str(tmp_path)) == home / "keyturn.yaml"
    (tmp_path / "keyturn.yaml").write_text("version: 1\n")
    assert policy_path(None, env, cwd=str(tmp_path)) == tmp_path / "keyturn.yaml"
    env["KEYTURN_POLICY"] = "p.yaml"
    assert policy_path(None, env, cwd=str(tmp_path)) == tmp_path / "p.yaml"
    assert policy_path("/x/q.yaml", env, cwd=str(tmp_path)) == Path("/x/q.yaml")


def test_the_hook_finds_the_policy_init_wrote(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _run(tmp_path, home, "init").returncode == 0
    event = json.dumps(
        {
            "session_id": "s",
            "cwd": str(tmp_path),
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": "ls -la"},
            "tool_use_id": "t",
        }
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env.update(KEYTURN_HOME=str(home), KEYTURN_HOOK_DAEMON="off")
    answered = subprocess.run(
        [KEYTURN, "hook", "claude-code"],
        cwd=tmp_path,
        env=env,
        input=event,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert answered.returncode == 0, answered.stderr
    assert '"permissionDecision":"allow"' in answered.stdout.replace(" ", "")


def test_the_home_comes_from_the_given_environment(tmp_path: Path) -> None:
    from keyturn.paths import keyturn_home

    # HOME and KEYTURN_HOME are the caller's (a hook's), never the resolving process's own.
    assert keyturn_home({"HOME": "/u/olivia"}, cwd="/w") == Path("/u/olivia/.keyturn")
    assert keyturn_home({"HOME": "/u/olivia", "KEYTURN_HOME": "~/kt"}, cwd="/w") == Path(
        "/u/olivia/kt"
    )
    assert keyturn_home({"KEYTURN_HOME": "state/../kt"}, cwd="/w") == Path("/w/kt")
    assert keyturn_home({"HOME": "/u/o"}, explicit=str(tmp_path), cwd="/w") == tmp_path
