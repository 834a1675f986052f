"""Whole-process time of ``keyturn hook claude-code`` for an allowed command, against
``python -c pass`` from the same environment in the same run.

- local policy, in-process (``KEYTURN_HOOK_DAEMON=off``): the cold path every hook falls back
  to; shown for reference;
- local policy, via the hook daemon (``keyturn hook daemon`` running; docs/hooks-daemon.md):
  the headline, target at most 3x;
- through the server via the hook daemon (``KEYTURN_SERVER``: a ``keyturn serve --demo`` on
  loopback judges it, no local policy): target at most 5x; and the same in-process, for
  reference.

Each figure is the median of alternating runs (so that machine noise hits both alike); the
hook's answer is checked to be an allow, so a failing hook cannot look fast.

All run with a bytecode cache, as an installed keyturn has (pip compiles ``.pyc`` files at
install): ``PYTHONDONTWRITEBYTECODE`` is dropped and the cache goes to a temporary
``PYTHONPYCACHEPREFIX`` that the untimed warm-up run fills (nothing is written in the tree).
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RUNS = 15
TARGET = 3.0
SERVER_TARGET = 5.0
EVENT = {
    "session_id": "bench",
    "cwd": "/srv/app",
    "hook_event_name": "PreToolUse",
    "tool_name": "Bash",
    "tool_input": {"command": "ls -la /srv/app"},
    "tool_use_id": "toolu_bench",
}


def _timed(argv: list[str], *, data: bytes, env: dict[str, str], cwd: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run(argv, input=data, capture_output=True, env=env, cwd=cwd, check=False)
    return time.perf_counter() - start, done.stdout


def _allowed(out: bytes) -> bool:
    answer = json.loads(out or b"{}").get("hookSpecificOutput", {})
    return bool(answer.get("permissionDecision") == "allow")


def _compare(
    label: str, env: dict[str, str], cwd: str, target: float | None, *, agent: str | None = None
) -> list[str]:
    bin_dir = Path(sys.executable).parent
    hook = [str(bin_dir / "keyturn"), "hook", "claude-code"]
    if agent is not None:
        hook += ["--agent", agent]
    bare = [str(bin_dir / "python"), "-c", "pass"]
    data = json.dumps(EVENT).encode()
    _, out = _timed(hook, data=data, env=env, cwd=cwd)  # warm the file and bytecode caches
    _timed(bare, data=b"", env=env, cwd=cwd)
    if not _allowed(out):
        return [f"{label}: hook did not allow the command: {out.decode(errors='replace')[:200]}"]
    hook_s, bare_s = [], []
    for _ in range(RUNS):
        hook_s.append(_timed(hook, data=data, env=env, cwd=cwd)[0])
        bare_s.append(_timed(bare, data=b"", env=env, cwd=cwd)[0])
    h, b = statistics.median(hook_s), statistics.median(bare_s)
    if target is None:
        verdict = "(reference, no target)"
    else:
        verdict = f"(target <= {target:g}x): " + ("ok" if h / b <= target else "over target")
    return [
        f"{label}: python -c pass {b * 1000:.1f} ms, keyturn hook {h * 1000:.1f} ms "
        f"(medians of {RUNS}): ratio {h / b:.2f}x {verdict}"
    ]


@contextmanager
def _daemon(env: dict[str, str], cwd: str) -> Iterator[bool]:
    """A ``keyturn hook daemon`` for ``env``'s state directory; yields whether it listens."""
    home = Path(env["KEYTURN_HOME"])
    argv = [str(Path(sys.executable).parent / "keyturn"), "hook", "daemon", "--idle-timeout", "300"]
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if (home / "hookd.sock").exists():
                break
            time.sleep(0.05)
        yield proc.poll() is None and (home / "hookd.sock").exists()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(home: Path, env: dict[str, str]) -> Iterator[tuple[str, dict[str, str]] | None]:
    """A ``keyturn serve --demo`` on loopback: (url, demo tokens), or None if it did not start."""
    port = _free_port()
    home.mkdir(exist_ok=True)
    argv = [sys.executable, "-m", "keyturn", "serve", "--demo", "--port", str(port)]
    proc = subprocess.Popen(
        [*argv, "--log-level", "warning"],
        cwd=home,
        env={**env, "KEYTURN_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url + "/v1/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            yield None
            return
        yield url, json.loads((home / "demo-tokens.json").read_text())
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def run() -> list[str]:
    from tests.conftest import BRIEF_POLICY

    with tempfile.TemporaryDirectory() as tmp:
        base = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        base["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        policy = Path(tmp) / "keyturn.yaml"
        policy.write_text(BRIEF_POLICY)
        local = {**base, "KEYTURN_POLICY": str(policy), "KEYTURN_HOME": str(Path(tmp) / "state")}
        cold = {**local, "KEYTURN_HOOK_DAEMON": "off"}
        lines = _compare("local policy, in-process (no daemon)", cold, tmp, None)
        with _daemon(local, tmp) as up:
            if not up:
                return [*lines, "local policy via the hook daemon: the daemon did not start"]
            lines += _compare("local policy via the hook daemon", local, tmp, TARGET)
        empty = Path(tmp) / "client"  # no keyturn.yaml here: the server alone judges
        empty.mkdir()
        with _server(Path(tmp) / "server", base) as found:
            if found is None:
                return [*lines, "server: keyturn serve --demo did not start"]
            url, tokens = found
            remote = {**base, "KEYTURN_SERVER": url, "KEYTURN_TOKEN": tokens["kiro"]}
            remote["KEYTURN_HOME"] = str(empty / "state")
            # The server holds the agent to its token's name.
            cold = {**remote, "KEYTURN_HOOK_DAEMON": "off"}
            label = "through the server"
            lines += _compare(
                f"{label}, in-process (no daemon)", cold, str(empty), None, agent="kiro"
            )
            with _daemon(remote, str(empty)) as up:
                if not up:
                    return [*lines, f"{label} via the hook daemon: the daemon did not start"]
                lines += _compare(
                    f"{label} via the hook daemon", remote, str(empty), SERVER_TARGET, agent="kiro"
                )
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
