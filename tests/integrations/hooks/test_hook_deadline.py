"""``KEYTURN_HOOK_DEADLINE`` never past the agent's installed timeout (less the margin): the hook
answers blocking, "retry", before the agent gives up on it (and, mostly, lets the call run)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from keyturn.integrations.hooks import AGENTS, deadlines
from keyturn.integrations.hooks.daemon import HookDaemon, _Log
from keyturn.integrations.hooks.deadlines import (
    DEFAULT_DEADLINE,
    INSTALLED_TIMEOUT,
    SAFETY_MARGIN,
    ceiling,
    hook_deadline,
)
from keyturn.integrations.hooks.install import hook_command, install, settings_path

REPO = Path(__file__).resolve().parents[3]
EVENT = {
    "session_id": "s",
    "cwd": "/srv/infra",
    "hook_event_name": "PreToolUse",
    "tool_name": "Read",
    "tool_input": {"file_path": "/srv/infra/README.md"},
}


def test_the_default_is_kept_for_every_agent() -> None:
    for agent in AGENTS:
        assert hook_deadline({}, agent) == (DEFAULT_DEADLINE, None)
        assert DEFAULT_DEADLINE <= ceiling(agent) <= INSTALLED_TIMEOUT[agent] - SAFETY_MARGIN


@pytest.mark.parametrize("agent", sorted(AGENTS))
def test_a_deadline_past_the_installed_timeout_is_clamped_with_a_warning(agent: str) -> None:
    limit, warning = hook_deadline({"KEYTURN_HOOK_DEADLINE": "3600"}, agent)
    assert limit == INSTALLED_TIMEOUT[agent] - SAFETY_MARGIN
    assert warning is not None and warning.count("\n") == 1 and warning.endswith("\n")
    assert "KEYTURN_HOOK_DEADLINE=3600" in warning and agent in warning
    assert f"{limit:g}s" in warning


def test_only_what_asks_for_more_is_clamped() -> None:
    most = ceiling("claude-code")
    assert hook_deadline({"KEYTURN_HOOK_DEADLINE": str(most)}, "claude-code") == (most, None)
    assert hook_deadline({"KEYTURN_HOOK_DEADLINE": "2.5"}, "claude-code") == (2.5, None)
    assert hook_deadline({"KEYTURN_HOOK_DEADLINE": "nonsense"}, "claude-code") == (20.0, None)
    clamped, warning = hook_deadline({"KEYTURN_HOOK_DEADLINE": str(most + 1)}, "claude-code")
    assert clamped == most and warning


def test_an_agent_s_own_shorter_timeout_clamps_by_its_own(monkeypatch: Any, tmp_path: Path) -> None:
    """The table is the one source: what install writes is what the clamp keeps under."""
    monkeypatch.setitem(INSTALLED_TIMEOUT, "gemini", 12)
    assert hook_deadline({"KEYTURN_HOOK_DEADLINE": "20"}, "gemini")[0] == 7
    assert hook_deadline({"KEYTURN_HOOK_DEADLINE": "20"}, "kiro") == (20, None)
    monkeypatch.setitem(INSTALLED_TIMEOUT, "gemini", 4)  # too short for the margin: half of it
    assert ceiling("gemini") == 2
    path = tmp_path / "settings.json"
    install("gemini", path=path, command=hook_command("gemini", policy=None, executable="/k"))
    assert json.loads(path.read_text())["hooks"]["BeforeTool"][0]["hooks"][0]["timeout"] == 4000


def _installed_seconds(agent: str, tmp_path: Path) -> float:
    path = settings_path(agent, scope="project", home=tmp_path, project=tmp_path, kiro_agent="k")
    install(agent, path=path, command=hook_command(agent, policy=None, executable="/k"))
    data = json.loads(path.read_text())
    if agent == "kiro":
        return float(data["hooks"]["preToolUse"][0]["timeout_ms"]) / 1000
    if agent == "cursor":  # the unit is unsettled: the smaller reading
        return float(data["hooks"]["preToolUse"][0]["timeout"]) / 1000
    event = "BeforeTool" if agent == "gemini" else "PreToolUse"
    timeout = float(data["hooks"][event][0]["hooks"][0]["timeout"])
    return timeout / 1000 if agent == "gemini" else timeout


@pytest.mark.parametrize("agent", sorted(AGENTS))
def test_the_table_is_what_install_writes(agent: str, tmp_path: Path) -> None:
    assert _installed_seconds(agent, tmp_path) == INSTALLED_TIMEOUT[agent]


def test_the_guide_s_table_is_the_code_s() -> None:
    doc = (REPO / "docs" / "integrations.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \| `[^|]*\| (\d+) s \| [^|]+\|$", doc, re.M)
    assert sorted(agent for agent, _ in rows) == sorted(AGENTS)
    for agent, within in rows:
        assert float(within) == ceiling(agent)
    assert f"less a {SAFETY_MARGIN:g}-second margin" in doc


# -- the hook keeps to the clamped deadline: small values, no long sleeps ------------------------

DRIVER = """
import sys
from keyturn.integrations.hooks import deadlines
deadlines.INSTALLED_TIMEOUT["claude-code"] = 1  # clamped to 0.5 s (half: shorter than the margin)
sys.argv = ["keyturn", "hook", "claude-code"]
from keyturn.cli import entry
entry()
"""


def test_the_in_process_hook_answers_by_the_clamped_deadline(
    hook_env: dict[str, str], tmp_path: Path
) -> None:
    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)  # opening it for reading blocks until a writer comes: none does
    env = {**hook_env, "KEYTURN_POLICY": str(fifo), "KEYTURN_HOOK_DEADLINE": "3600"}
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", DRIVER],
        input=json.dumps(EVENT).encode(),
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert time.monotonic() - began < 30
    err = done.stderr.decode()
    assert done.returncode == 2
    assert "KEYTURN_HOOK_DEADLINE=3600 is past claude-code's hook timeout (1s" in err
    assert "no decision within 0.5s; not decided yet, retry the same call" in err
    assert json.loads(done.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"


def test_the_daemon_answers_by_the_clamped_deadline(
    hook_env: dict[str, str], tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setitem(deadlines.INSTALLED_TIMEOUT, "claude-code", 1)
    home = str(tmp_path / "state")
    os.makedirs(home, mode=0o700)
    fifo = tmp_path / "policy.fifo"
    os.mkfifo(fifo)
    env = {**hook_env, "KEYTURN_HOME": home, "KEYTURN_POLICY": str(fifo)}
    env["KEYTURN_HOOK_DEADLINE"] = "3600"
    with socket.socket(socket.AF_UNIX) as sock:
        daemon = HookDaemon(
            home=home,
            sock=sock,
            path=str(tmp_path / "unused.sock"),
            idle_timeout=1,
            log=_Log(tmp_path / "hookd.log"),
        )
        request = {"agent": "claude-code", "args": [], "stdin": json.dumps(EVENT)}
        began = time.monotonic()
        try:
            reply = daemon.answer({**request, "env": env, "cwd": str(tmp_path)})
        finally:  # let the judging thread go: its policy ends, empty (no reader: nothing)
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert time.monotonic() - began < 10
    assert reply["exit"] == 2
    assert reply["stderr"].startswith("keyturn: KEYTURN_HOOK_DEADLINE=3600 is past")
    assert "no decision within 0.5s" in reply["stderr"]
