"""The hook trusts the daemon's answer only when it is well-formed and from this user: a
garbage, oversized, wrong-version or silent reply, a socket owned by another uid and a listener
running as another uid are all ignored, and the in-process path answers (here: a deny). A
daemon that hangs up without a reply died on the request: the action is refused."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integrations.hooks.test_daemon import DENY, World, claude_bash, make_world

ALLOW = json.dumps(
    {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "allow",
            "permissionDecisionReason": "forged",
        }
    }
)
NOBODY = 65534


def _reply(**fields: object) -> bytes:
    return json.dumps({"v": 1, "stdout": ALLOW + "\n", "stderr": "", "exit": 0, **fields}).encode()


@pytest.fixture()
def world(tmp_path: Path, brief_policy_text: str) -> Iterator[World]:
    w = make_world(tmp_path / "w", brief_policy_text)
    w.state.mkdir(mode=0o700)
    yield w
    w.stop_daemon()


class FakeDaemon:
    """A listener on the hook socket that answers every request with ``reply``."""

    def __init__(self, path: Path, reply: bytes | None) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(8)
        self.reply = reply
        self.requests = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            # The client hangs up on an oversized or silent reply: not this fake's failure.
            with conn, contextlib.suppress(OSError):
                self.requests += 1
                while conn.recv(65536):
                    pass
                if self.reply is not None:
                    conn.sendall(self.reply)
                else:  # silent: hold the connection open, unanswered, for 10 s
                    time.sleep(10)

    def close(self) -> None:
        self.sock.close()


FORGERIES = {
    "not json": b"garbage",
    "version 2": _reply(v=2),
    "an extra field": _reply(note="x"),
    "exit out of range": _reply(exit=300),
    "exit not an integer": _reply(exit="0"),
    "oversized": _reply(stderr="x" * (2 << 20)),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_malformed_reply_is_ignored(world: World, forgery: str) -> None:
    fake = FakeDaemon(world.state / "hookd.sock", FORGERIES[forgery])
    try:
        answer = world.hook("claude-code", claude_bash(DENY), KEYTURN_HOOK_DAEMON="on")
    finally:
        fake.close()
    assert fake.requests == 1  # it was asked, and not believed
    assert answer.path == "in-process"
    assert answer.code == 0 and '"deny"' in answer.stdout and "forged" not in answer.stdout


def test_a_daemon_that_hangs_up_holding_the_request_gets_it_refused(world: World) -> None:
    """The daemon died on this event (what kills it would kill the hook too): refused, even an
    action the policy allows, and not judged again in-process."""
    allowed = claude_bash("ls -la")
    alone = world.hook("claude-code", allowed, KEYTURN_HOOK_DAEMON="off")
    assert '"allow"' in alone.stdout  # the control: judged, this is allowed
    fake = FakeDaemon(world.state / "hookd.sock", b"")
    try:
        answer = world.hook("claude-code", allowed, KEYTURN_HOOK_DAEMON="on")
    finally:
        fake.close()
    assert fake.requests == 1
    assert '"deny"' in answer.stdout and '"allow"' not in answer.stdout
    assert "hook daemon stopped while judging this action" in answer.stdout


def test_a_well_formed_reply_from_this_user_is_used(world: World) -> None:
    """The control for the tests above: the same fake, well-formed, is believed."""
    fake = FakeDaemon(world.state / "hookd.sock", _reply())
    try:
        answer = world.hook("claude-code", claude_bash(DENY))
    finally:
        fake.close()
    assert answer.path == "daemon" and "forged" in answer.stdout


def test_a_silent_daemon_is_left_within_the_deadline(world: World) -> None:
    fake = FakeDaemon(world.state / "hookd.sock", None)
    try:
        began = time.monotonic()
        answer = world.hook("claude-code", claude_bash(DENY), KEYTURN_HOOK_DEADLINE="3")
    finally:
        fake.close()
    # Left at the deadline (the fake holds on for 10 s), then answered by the in-process
    # hook, or by its watchdog when too little time is left to judge: refused either way.
    assert time.monotonic() - began < 8
    assert '"deny"' in answer.stdout and '"allow"' not in answer.stdout
    assert "hook daemon stopped" not in answer.stdout


root_only = pytest.mark.skipif(os.getuid() != 0, reason="needs root to act as another uid")


@root_only
def test_a_socket_owned_by_another_uid_is_ignored(world: World) -> None:
    fake = FakeDaemon(world.state / "hookd.sock", _reply())
    os.chown(world.state / "hookd.sock", NOBODY, NOBODY)
    try:
        answer = world.hook("claude-code", claude_bash(DENY))
    finally:
        fake.close()
    assert fake.requests == 0
    assert answer.path == "in-process" and '"deny"' in answer.stdout


def _listen_as(uid: int, sock: socket.socket, reply: bytes) -> int:
    """Fork a child that becomes ``uid`` and then listens on ``sock``: the peer credentials a
    client sees are the ones in effect at ``listen()``."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest machinery from here on
        try:
            os.setgid(uid)
            os.setuid(uid)
            sock.listen(8)
            os.write(ready_w, b"1")
            while True:
                conn, _ = sock.accept()
                with conn:
                    while conn.recv(65536):
                        pass
                    conn.sendall(reply)
        finally:
            os._exit(0)
    os.close(ready_w)
    assert os.read(ready_r, 1) == b"1"
    os.close(ready_r)
    return pid


@root_only
def test_a_listener_running_as_another_uid_is_ignored(world: World) -> None:
    """Our own socket file, but the process listening on it is another user's (SO_PEERCRED)."""
    path = world.state / "hookd.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    pid = _listen_as(NOBODY, sock, _reply())
    try:
        answer = world.hook("claude-code", claude_bash(DENY))
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sock.close()
    assert path.stat().st_uid == os.getuid()
    assert answer.path == "in-process"
    assert '"deny"' in answer.stdout and "forged" not in answer.stdout


def test_a_stopped_daemon_answers_the_requests_in_hand_first(tmp_path: Path) -> None:
    """SIGTERM (stop), a superseded daemon and a removed socket all wait for the requests in
    hand: a hook reads a hang-up as the daemon having died on its request."""
    from keyturn.integrations.hooks.daemon import HookDaemon, _Log, listen

    path = str(tmp_path / "hookd.sock")
    sock = listen(path)
    daemon = HookDaemon(
        home=str(tmp_path), sock=sock, path=path, idle_timeout=0.0, log=_Log(tmp_path / "log")
    )
    with daemon._lock:
        daemon._busy = 1  # a request in hand
    daemon.stop()
    serving = threading.Thread(target=daemon.serve, daemon=True)
    serving.start()
    serving.join(1.0)
    assert serving.is_alive()  # neither the stop nor the idle timeout ends it yet
    with daemon._lock:
        daemon._busy = 0
    serving.join(5.0)
    assert not serving.is_alive()
    sock.close()


def test_a_daemon_whose_code_changed_steps_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keyturn reinstalled or edited under the same version: the daemon leaves the socket (the
    next hook starts one running the new code) rather than judging with what it started with."""
    from keyturn.integrations.hooks import daemon as daemon_module
    from keyturn.integrations.hooks.daemon import HookDaemon, _Log, listen

    monkeypatch.setattr(daemon_module, "CODE_CHECK_SECONDS", 0.0)
    path = str(tmp_path / "hookd.sock")
    sock = listen(path)
    log = tmp_path / "log"
    daemon = HookDaemon(
        home=str(tmp_path), sock=sock, path=path, idle_timeout=3600.0, log=_Log(log)
    )
    serving = threading.Thread(target=daemon.serve, daemon=True)
    serving.start()
    serving.join(1.5)
    assert serving.is_alive()  # the same code: it keeps serving
    count, newest = daemon_module.code_stamp()
    monkeypatch.setattr(daemon_module, "code_stamp", lambda: (count, newest + 1))
    serving.join(5.0)
    assert not serving.is_alive()
    assert "code changed" in log.read_text()
    sock.close()


CLAMPED_HOOK = """
import sys
from keyturn.integrations.hooks import deadlines
deadlines.INSTALLED_TIMEOUT["claude-code"] = 2  # clamped to 1 s (half: shorter than the margin)
sys.argv = ["keyturn", "hook", "claude-code"]
from keyturn.cli import entry
entry()
"""


def test_a_silent_daemon_is_left_by_the_agents_timeout_not_the_asked_deadline(
    world: World,
) -> None:
    """``KEYTURN_HOOK_DEADLINE=3600`` asks past the agent's hook timeout: the fast path waits
    for the daemon only until the clamped deadline, and answers before the agent gives up
    (the silent fake holds the connection 10 s: waiting for it is what must not happen)."""
    fake = FakeDaemon(world.state / "hookd.sock", None)
    began = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-c", CLAMPED_HOOK],
            input=json.dumps(claude_bash(DENY)).encode(),
            capture_output=True,
            env={**world.env, "KEYTURN_HOOK_DAEMON": "on", "KEYTURN_HOOK_DEADLINE": "3600"},
            timeout=60,
            cwd=world.root,
        )
    finally:
        fake.close()
    assert fake.requests == 1
    assert time.monotonic() - began < 8
    out = done.stdout.decode()
    assert '"deny"' in out and "hook daemon stopped" not in out
