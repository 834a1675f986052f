"""Run the real ``keyturn hook AGENT`` process on an event, with a policy and a state home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

KEYTURN = str(Path(sys.executable).with_name("keyturn"))

# The BRIEF policy plus an MCP mapping, judged by every hook test.
MAPPINGS = """
mcp:
  servers:
    files:
      tools:
        "read_*": {effect: read, resources: ["file:{path}"]}
"""


@dataclass(frozen=True)
class HookRun:
    stdout: str
    stderr: str
    code: int

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture()
def hook_env(tmp_path: Path, brief_policy_text: str) -> dict[str, str]:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text + MAPPINGS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYTURN_", "AWS_"))}
    env.update(
        KEYTURN_POLICY=str(policy),
        KEYTURN_HOME=str(tmp_path / "state"),
        HOME=str(tmp_path / "home"),
        USER="olivia",
        # Each test judges in-process; tests/integrations/hooks/test_daemon*.py cover the daemon.
        KEYTURN_HOOK_DAEMON="off",
    )
    (tmp_path / "home").mkdir()
    return env


@pytest.fixture()
def run_hook() -> Any:
    """``run_hook(agent, event, env, *args)``: the hook process's stdout, stderr and exit code."""
    return _run_hook


def _run_hook(agent: str, event: Any, env: dict[str, str], *args: str) -> HookRun:
    data = event if isinstance(event, (str, bytes)) else json.dumps(event)
    done = subprocess.run(
        [KEYTURN, "hook", agent, *args],
        input=data.encode() if isinstance(data, str) else data,
        capture_output=True,
        env=env,
        timeout=60,
    )
    return HookRun(done.stdout.decode(), done.stderr.decode(), done.returncode)
