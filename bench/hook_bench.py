"""Whole-process time of ``keyturn hook claude-code`` for an allowed command with a local policy,
against ``python -c pass`` from the same environment in the same run. Target: at most 3x.

Each figure is the median of alternating runs (so that machine noise hits both alike); the
hook's answer is checked to be an allow, so a failing hook cannot look fast.

Both run with a bytecode cache, as an installed keyturn has (pip compiles ``.pyc`` files at
install): ``PYTHONDONTWRITEBYTECODE`` is dropped and the cache goes to a temporary
``PYTHONPYCACHEPREFIX`` that the untimed warm-up run fills (nothing is written in the tree).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15
TARGET = 3.0
EVENT = {
    "session_id": "bench",
    "cwd": "/srv/app",
    "hook_event_name": "PreToolUse",
    "tool_name": "Bash",
    "tool_input": {"command": "ls -la /srv/app"},
    "tool_use_id": "toolu_bench",
}


def _timed(argv: list[str], *, data: bytes, env: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run(argv, input=data, capture_output=True, env=env, check=False)
    return time.perf_counter() - start, done.stdout


def run() -> list[str]:
    from tests.conftest import BRIEF_POLICY

    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "keyturn.yaml"
        policy.write_text(BRIEF_POLICY)
        env = {**os.environ, "KEYTURN_POLICY": str(policy), "KEYTURN_HOME": tmp}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        hook = [str(bin_dir / "keyturn"), "hook", "claude-code"]
        bare = [str(bin_dir / "python"), "-c", "pass"]
        data = json.dumps(EVENT).encode()
        _, out = _timed(hook, data=data, env=env)  # warm the file and bytecode caches once
        _timed(bare, data=b"", env=env)
        answer = json.loads(out or b"{}").get("hookSpecificOutput", {})
        if answer.get("permissionDecision") != "allow":
            return [f"hook did not allow the command: {out.decode(errors='replace')[:200]}"]
        hook_s, bare_s = [], []
        for _ in range(RUNS):
            hook_s.append(_timed(hook, data=data, env=env)[0])
            bare_s.append(_timed(bare, data=b"", env=env)[0])
    h, b = statistics.median(hook_s), statistics.median(bare_s)
    ratio = h / b
    verdict = "ok" if ratio <= TARGET else "over target"
    return [
        f"python -c pass: {b * 1000:.1f} ms (median of {RUNS})",
        f"keyturn hook claude-code (allowed 'ls -la', local policy): {h * 1000:.1f} ms",
        f"ratio {ratio:.2f}x (target <= {TARGET:g}x): {verdict}",
    ]


if __name__ == "__main__":
    print("\n".join(run()))
