"""``keyturn hook daemon``: real hook processes answered through the resident daemon, compared
byte for byte with the in-process answer; policy reloads, fallbacks and the daemon's lifetime."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.hooks.conftest import KEYTURN, MAPPINGS

# Runs the console script's entry exactly, then records whether the in-process judging path
# was imported: it never is when the daemon answered.
PROBE = """
import atexit, sys
def _record(marker=sys.argv[1]):
    used = "keyturn.integrations.hooks.runner" in sys.modules
    open(marker, "w").write("in-process" if used else "daemon")
atexit.register(_record)
sys.argv = ["keyturn", *sys.argv[2:]]
from keyturn.cli import entry
entry()
"""

DENY = "git push --force origin main"
HELD = "kubectl delete deployment web -n shop --context prod-eu"


@dataclass(frozen=True)
class Answer:
    stdout: str
    stderr: str
    code: int
    path: str  # "daemon" or "in-process"


@dataclass(frozen=True)
class World:
    """A policy, a state directory and a home: one user's hook set-up."""

    root: Path
    env: dict[str, str]

    @property
    def state(self) -> Path:
        return self.root / "state"

    @property
    def policy(self) -> Path:
        return self.root / "keyturn.yaml"

    def hook(self, agent: str, event: Any, *args: str, **env: str) -> Answer:
        data = event if isinstance(event, str) else json.dumps(event)
        marker = self.root / f"probe-{time.monotonic_ns()}"
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(marker), "hook", agent, *args],
            input=data.encode(),
            capture_output=True,
            env={**self.env, **env},
            timeout=60,
            cwd=self.root,
        )
        path = marker.read_text() if marker.exists() else "none"
        return Answer(done.stdout.decode(), done.stderr.decode(), done.returncode, path)

    def in_process(self, agent: str, event: Any, *args: str) -> Answer:
        return self.hook(agent, event, *args, KEYTURN_HOOK_DAEMON="off")

    def start_daemon(self, *args: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [KEYTURN, "hook", "daemon", *args], env=self.env, stderr=subprocess.PIPE
        )
        _wait(lambda: (self.state / "hookd.sock").exists() or proc.poll() is not None)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        return proc

    def daemon_pid(self) -> int | None:
        try:
            return int((self.state / "hookd.lock").read_text())
        except (OSError, ValueError):
            return None

    def stop_daemon(self) -> None:
        """End the daemons this test started for this state directory (found by their
        environment: one a hook started a moment ago may not have written its lock yet)."""
        time.sleep(0.3)
        for pid in _daemons(str(self.state)):
            os.kill(pid, signal.SIGKILL)


def _daemons(state: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and _is_daemon(int(entry.name)):
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
            except OSError:
                continue
            if f"KEYTURN_HOME={state}".encode() in environ:
                found.append(int(entry.name))
    return found


def _is_daemon(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"hook\0daemon" in cmdline


def _wait(condition: Any, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def make_world(root: Path, policy_text: str) -> World:
    root.mkdir(parents=True, exist_ok=True)
    (root / "home").mkdir()
    (root / "keyturn.yaml").write_text(policy_text + MAPPINGS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYTURN_", "AWS_"))}
    env.update(
        KEYTURN_POLICY=str(root / "keyturn.yaml"),
        KEYTURN_HOME=str(root / "state"),
        HOME=str(root / "home"),
        USER="olivia",
    )
    return World(root, env)


@pytest.fixture()
def world(tmp_path: Path, brief_policy_text: str) -> Iterator[World]:
    w = make_world(tmp_path / "w", brief_policy_text)
    yield w
    w.stop_daemon()


@pytest.fixture()
def twin(tmp_path: Path, brief_policy_text: str) -> Iterator[World]:
    """A second, identical world: held calls open requests, so each path gets its own store."""
    w = make_world(tmp_path / "t", brief_policy_text)
    yield w
    w.stop_daemon()


# -- the events: allow, deny and held for every agent ------------------------------------------


def claude(tool: str, tool_input: dict[str, Any]) -> dict[str, Any]:
    return {
        "session_id": "s-1",
        "cwd": "/srv/infra",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
    }


def codex(command: str) -> dict[str, Any]:
    return {**claude("Bash", {"command": command}), "turn_id": "t-1", "model": "gpt-x"}


def gemini(command: str) -> dict[str, Any]:
    return {
        "session_id": "g-1",
        "cwd": "/srv/infra",
        "hook_event_name": "BeforeTool",
        "tool_name": "run_shell_command",
        "tool_input": {"command": command},
    }


def cursor(command: str) -> dict[str, Any]:
    return {
        "conversation_id": "c-1",
        "generation_id": "g-1",
        "hook_event_name": "beforeShellExecution",
        "workspace_roots": ["/srv/infra"],
        "command": command,
        "cwd": "/srv/infra",
    }


def kiro(command: str) -> dict[str, Any]:
    return {
        "hook_event_name": "preToolUse",
        "cwd": "/srv/infra",
        "tool_name": "execute_bash",
        "tool_input": {"command": command},
    }


def claude_bash(command: str) -> dict[str, Any]:
    return claude("Bash", {"command": command})


BUILDERS = {
    "claude-code": claude_bash,
    "codex": codex,
    "gemini": gemini,
    "cursor": cursor,
    "kiro": kiro,
}
COMMANDS = {"allow": "ls -la /srv/infra", "deny": DENY, "held": HELD}


def _events() -> list[tuple[str, str, Any]]:
    return [
        (agent, stance, build(command))
        for agent, build in BUILDERS.items()
        for stance, command in COMMANDS.items()
    ]


def test_daemon_answers_byte_for_byte_as_in_process(world: World, twin: World) -> None:
    world.start_daemon()
    stances: dict[tuple[str, str], Answer] = {}
    for agent, stance, event in _events():
        via = world.hook(agent, event)
        alone = twin.in_process(agent, event)
        assert via.path == "daemon", (agent, stance, via)
        assert alone.path == "in-process"
        assert (via.stdout, via.stderr, via.code) == (alone.stdout, alone.stderr, alone.code), (
            agent,
            stance,
        )
        stances[(agent, stance)] = via
    # And the answers really are the three stances (the comparison is not of two failures).
    claude_out = {s: json.loads(stances[("claude-code", s)].stdout) for s in COMMANDS}
    decisions = {s: o["hookSpecificOutput"]["permissionDecision"] for s, o in claude_out.items()}
    assert decisions == {"allow": "allow", "deny": "deny", "held": "deny"}
    assert "held for 2 reviews from sre: request 1" in stances[("claude-code", "held")].stdout
    assert stances[("kiro", "deny")].code == 2 and stances[("kiro", "allow")].code == 0


def test_failures_answer_the_same_through_the_daemon(world: World, tmp_path: Path) -> None:
    world.start_daemon()
    read = claude("Read", {"file_path": "/x"})
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ndefault: maybe\n")
    cases: list[tuple[Any, tuple[str, ...]]] = [
        ("[1, 2]", ()),
        ("not json", ()),
        ({**read, "hook_event_name": "PostToolUse"}, ()),
        (read, ("--policy", str(bad))),
        (read, ("--agent", "kiro")),
    ]
    for event, args in cases:
        via, alone = (
            world.hook("claude-code", event, *args),
            world.in_process("claude-code", event, *args),
        )
        assert via.path == "daemon"
        assert (via.stdout, via.stderr, via.code) == (alone.stdout, alone.stderr, alone.code)
    assert "bad.yaml" in world.hook("claude-code", read, "--policy", str(bad)).stderr


def test_usage_errors_fall_back_to_the_in_process_answer(world: World) -> None:
    world.start_daemon()
    via = world.hook("claude-code", claude_bash("ls"), "--frob")
    alone = world.in_process("claude-code", claude_bash("ls"), "--frob")
    assert via.path == "in-process" and via.code == 2 and "unknown option" in via.stderr
    assert (via.stdout, via.stderr, via.code) == (alone.stdout, alone.stderr, alone.code)


def test_a_policy_edit_is_seen_on_the_next_call(world: World) -> None:
    world.start_daemon()
    event = claude_bash("ls -la /srv/infra")
    assert '"allow"' in world.hook("claude-code", event).stdout
    text = world.policy.read_text()
    rule = '      - command: "git push --force*"\n'
    assert rule in text
    world.policy.write_text(text.replace(rule, rule + '      - command: "ls *"\n'))
    edited, alone = world.hook("claude-code", event), world.in_process("claude-code", event)
    assert edited.path == "daemon" and '"deny"' in edited.stdout
    assert (edited.stdout, edited.code) == (alone.stdout, alone.code)
    world.policy.write_text("version: 1\ndefault: maybe\n")
    broken, alone = world.hook("claude-code", event), world.in_process("claude-code", event)
    assert broken.path == "daemon"
    assert broken.code == 2 and "keyturn: refused" in broken.stderr
    assert "keyturn.yaml" in broken.stderr and '"deny"' in broken.stdout
    assert (broken.stdout, broken.stderr, broken.code) == (alone.stdout, alone.stderr, alone.code)
    world.policy.unlink()
    missing = world.hook("claude-code", event)
    assert missing.path == "daemon" and "policy file not found" in missing.stderr
    world.policy.write_text(text)
    assert '"allow"' in world.hook("claude-code", event).stdout


def test_a_killed_daemon_falls_back_and_is_restarted(world: World) -> None:
    world.start_daemon()
    first = world.daemon_pid()
    assert first is not None
    os.kill(first, signal.SIGKILL)
    _wait(lambda: not _is_daemon(first))
    assert (world.state / "hookd.sock").exists()  # stale: nobody listens
    deny = world.hook("claude-code", claude_bash(DENY))
    assert deny.path == "in-process" and '"deny"' in deny.stdout
    assert _wait(lambda: world.daemon_pid() not in (None, first) and _is_daemon(world.daemon_pid()))
    assert _wait(lambda: world.hook("claude-code", claude_bash(DENY)).path == "daemon")
    assert '"deny"' in world.hook("claude-code", claude_bash(DENY)).stdout


def test_first_hook_starts_the_daemon_in_a_private_directory(world: World) -> None:
    assert not world.state.exists()
    first = world.hook("claude-code", claude_bash("ls"))
    assert first.path == "in-process" and '"allow"' in first.stdout
    assert _wait(lambda: world.hook("claude-code", claude_bash("ls")).path == "daemon")
    assert world.state.stat().st_mode & 0o777 == 0o700
    assert (world.state / "hookd.sock").stat().st_mode & 0o777 == 0o600
    assert "listening on" in (world.state / "hookd.log").read_text()


def test_off_never_starts_a_daemon(world: World) -> None:
    for _ in range(2):
        run = world.hook("claude-code", claude_bash("ls"), KEYTURN_HOOK_DAEMON="off")
        assert run.path == "in-process" and '"allow"' in run.stdout
    time.sleep(1.0)  # a daemon, had one been started, would have made its socket by now
    assert not (world.state / "hookd.sock").exists()
    assert world.daemon_pid() is None


def test_concurrent_hooks_are_all_answered(world: World) -> None:
    world.start_daemon()
    commands = [("ls -la /srv", '"allow"'), (DENY, '"deny"')] * 10
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda c: world.hook("claude-code", claude_bash(c[0])), commands))
    for (_, expected), answer in zip(commands, answers, strict=True):
        assert answer.code == 0 and expected in answer.stdout
    assert sum(a.path == "daemon" for a in answers) == len(answers)


def test_the_idle_timeout_ends_it(world: World) -> None:
    proc = world.start_daemon("--idle-timeout", "1")
    assert world.hook("claude-code", claude_bash("ls")).path == "daemon"
    assert proc.wait(timeout=30) == 0
    assert not (world.state / "hookd.sock").exists()
    assert "stopped" in (world.state / "hookd.log").read_text()


def test_a_second_daemon_leaves_the_first(world: World) -> None:
    proc = world.start_daemon()
    second = subprocess.run(
        [KEYTURN, "hook", "daemon"], env=world.env, capture_output=True, timeout=30
    )
    assert second.returncode == 0 and b"already running" in second.stderr
    assert proc.poll() is None and world.daemon_pid() == proc.pid


def test_refuses_a_directory_others_can_write(world: World) -> None:
    world.state.mkdir(mode=0o700)
    world.state.chmod(0o777)
    run = subprocess.run(
        [KEYTURN, "hook", "daemon"], env=world.env, capture_output=True, timeout=30
    )
    assert run.returncode != 0 and b"writable by group or others" in run.stderr
    assert not (world.state / "hookd.sock").exists()
    # And a hook never trusts a socket there.
    answer = world.hook("claude-code", claude_bash(DENY))
    assert answer.path == "in-process" and '"deny"' in answer.stdout


def test_the_daemon_files_are_guarded(world: World) -> None:
    """A custom ``$KEYTURN_HOME`` is guarded too: an agent cannot swap the daemon's socket."""
    world.start_daemon()
    for command in (
        f"rm -f {world.state}/hookd.sock",
        f"mv /tmp/evil.sock {world.state}/hookd.sock",
        f"echo x > {world.state}/hookd.lock",
    ):
        via = world.hook("claude-code", claude_bash(command))
        alone = world.in_process("claude-code", claude_bash(command))
        assert via.path == "daemon" and via.stdout == alone.stdout
        reason = json.loads(via.stdout)["hookSpecificOutput"]
        assert reason["permissionDecision"] == "deny", command
        assert "keyturn's own file" in reason["permissionDecisionReason"], command


def test_a_daemon_of_another_keyturn_version_steps_aside(world: World) -> None:
    proc = world.start_daemon()
    request = {"v": 1, "keyturn": "0.0.0-other", "agent": "claude-code", "args": []}
    request.update(stdin=json.dumps(claude_bash("ls")), env=world.env, cwd=str(world.root))
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(world.state / "hookd.sock"))
        sock.sendall(json.dumps(request).encode())
        sock.shutdown(socket.SHUT_WR)
        reply = json.loads(sock.makefile("rb").read())
    assert set(reply) == {"v", "error"} and "0.0.0-other" in reply["error"]
    assert proc.wait(timeout=30) == 0  # it left: the next hook starts one of its own version
    first = world.hook("claude-code", claude_bash("ls"))
    assert first.path == "in-process" and '"allow"' in first.stdout
    assert _wait(lambda: world.hook("claude-code", claude_bash("ls")).path == "daemon")


def test_stdin_never_closed_still_gets_the_blocking_answer(world: World) -> None:
    """The fast path reads stdin under the deadline too: an agent that never closes it gets
    the watchdog's blocking answer, as in-process, not a hook that hangs (read as "allow")."""
    world.start_daemon()
    child = subprocess.Popen(
        [KEYTURN, "hook", "claude-code"],
        env={**world.env, "KEYTURN_HOOK_DEADLINE": "1"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    pipe, child.stdin = child.stdin, None  # so that communicate() leaves it open
    assert pipe is not None
    pipe.write(json.dumps(claude_bash("ls"))[:20].encode())
    pipe.flush()
    try:
        out, err = child.communicate(timeout=30)
    finally:
        pipe.close()
    assert child.returncode == 2
    assert "no decision within 1s" in err.decode() and '"deny"' in out.decode()


def test_a_split_event_is_read_whole(world: World) -> None:
    """An event that arrives in pieces is put together before the daemon judges it."""
    world.start_daemon()
    data = json.dumps(claude_bash(DENY)).encode()
    child = subprocess.Popen(
        [KEYTURN, "hook", "claude-code"],
        env=world.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None
    child.stdin.write(data[:10])
    child.stdin.flush()
    time.sleep(0.2)
    child.stdin.write(data[10:])
    child.stdin.close()
    child.stdin = None
    out, _ = child.communicate(timeout=30)
    assert child.returncode == 0 and '"deny"' in out.decode()
