"""``keyturn hook daemon``: a resident process that answers hook events over a Unix socket.

A hook process pays ~100 ms of imports before it judges anything; the daemon pays them once.
The hook's fast path (:mod:`.fastpath`) sends it one JSON request per connection::

    {"v": 1, "agent": "claude-code", "args": [...], "stdin": "<event>", "env": {...}, "cwd": "/x"}

and it answers ``{"v": 1, "stdout": "...", "stderr": "...", "exit": N}`` by running exactly the
function the in-process hook runs (:func:`.runner.answer_event`) with the request's
environment and working directory, never its own. A request it will not answer (malformed, for
another state directory) gets ``{"v": 1, "error": "..."}`` and the hook answers in-process.

- Files in ``$KEYTURN_HOME``: ``hookd.sock`` (0600), ``hookd.lock`` (``flock``ed for the
  daemon's life, holding its pid: one daemon per directory), ``hookd.log``. The directory must
  be this user's and not writable by others, or the daemon refuses to start.
- The policy file is re-checked on every request (:class:`PolicyCache`).
- A thread per connection; requests bounded in size and answered within the hook's deadline
  (the agent's blocking answer when the judging overruns it); exits after ``--idle-timeout``.

Design and threat notes: docs/hooks-daemon.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from keyturn.errors import InputError, KeyturnError

from .daemon_caches import GateCache as GateCache
from .daemon_caches import PolicyCache as PolicyCache
from .daemon_requests import _receive, _request
from .deadlines import hook_deadline
from .fastpath import OFF, SOCKET_NAME, VERSION, same_user
from .runner import answer_event, expired, state_home

LOCK_NAME = "hookd.lock"
LOG_NAME = "hookd.log"
DEFAULT_IDLE_TIMEOUT = 900.0
READ_TIMEOUT = 5.0  # to receive a whole request once connected
# The daemon answers (blocking) this long before the hook's deadline, so that its answer,
# not the hook's own watchdog or the fast path's timeout, is what the agent gets.
DEADLINE_MARGIN = 0.5
ACCEPT_POLL = 0.5
# How often the daemon looks whether keyturn's own code changed under it (see code_stamp).
CODE_CHECK_SECONDS = 2.0


class DaemonError(KeyturnError):
    """The hook daemon cannot start safely (state directory not private, socket in use)."""

    code = "hook_daemon"


class _Log:
    """``hookd.log``: start, stop and refused requests, one line each (never event contents)."""

    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._file: TextIO = os.fdopen(fd, "a", encoding="utf-8", buffering=1)
        self._lock = threading.Lock()

    def write(self, message: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        with self._lock:
            self._file.write(f"{stamp} pid {os.getpid()}: {message}\n")


def code_stamp() -> tuple[int, int]:
    """(how many, the newest modification) of keyturn's own modules. A reinstall or an edit
    that keeps the version (an editable install, a rebuilt wheel of the same number) changes
    it, where the version handshake cannot tell: a daemon still judging with the code it
    started with would answer for a fix that is already installed."""
    count, newest = 0, 0
    pending = [str(Path(__file__).resolve().parents[2])]
    while pending:
        with contextlib.suppress(OSError), os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        pending.append(entry.path)
                elif entry.name.endswith(".py"):
                    count += 1
                    newest = max(newest, entry.stat(follow_symlinks=False).st_mtime_ns)
    return count, newest


class HookDaemon:
    """Serves hook requests on ``sock`` for the state directory ``home`` until idle, or until
    keyturn's code changes under it (:func:`code_stamp`): the next hook starts a new one."""

    def __init__(
        self, *, home: str, sock: socket.socket, path: str, idle_timeout: float, log: _Log
    ) -> None:
        self.home, self._sock, self._path = home, sock, path
        self._idle, self._log = idle_timeout, log
        self._policies = PolicyCache()
        self._gates = GateCache()
        self._busy = 0
        self._last = time.monotonic()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._code = code_stamp()
        self._code_checked = time.monotonic()

    def stop(self) -> None:
        """Stop accepting, and end once the requests in hand are answered."""
        self._stopping.set()

    def serve(self) -> None:
        """Accept connections until nothing happened for the idle timeout."""
        try:
            self._accept()
        finally:
            self._gates.close()

    def _accept(self) -> None:
        self._sock.settimeout(ACCEPT_POLL)
        while True:
            self._check_code()
            if self._stopping.is_set() or not os.path.exists(self._path):
                self._drain()  # superseded, stopped, or removed: no hook should reach it
                return
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                with self._lock:
                    if not self._busy and time.monotonic() - self._last >= self._idle:
                        return
                continue
            with self._lock:
                self._busy += 1
                self._last = time.monotonic()
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _check_code(self) -> None:
        """Step aside (as for another version) once keyturn's code changed since the start."""
        now = time.monotonic()
        if now - self._code_checked < CODE_CHECK_SECONDS:
            return
        self._code_checked = now
        if code_stamp() != self._code:
            self._log.write("keyturn's code changed since this daemon started: stepping aside")
            self._stopping.set()

    def _drain(self) -> None:
        """Wait until the requests in hand are answered: never exit holding one (a hook reads
        a hang-up as the daemon having died on its request, and refuses the action)."""
        while True:
            with self._lock:
                if not self._busy:
                    return
            time.sleep(0.01)

    def _connection(self, conn: socket.socket) -> None:
        try:
            with conn:
                if not same_user(conn):
                    self._log.write("refused a connection from another user")
                    return
                conn.settimeout(READ_TIMEOUT)
                reply = self._reply(_receive(conn))
                conn.sendall(json.dumps(reply).encode("utf-8"))
        except (OSError, ValueError) as exc:
            self._log.write(f"connection failed: {type(exc).__name__}: {exc}")
        finally:
            with self._lock:
                self._busy -= 1
                self._last = time.monotonic()

    def _reply(self, data: bytes) -> dict[str, Any]:
        from keyturn import __version__

        try:
            request = _request(data)
            if request.get("keyturn") != __version__:
                # Another keyturn was installed since this daemon started: leave the socket
                # to a daemon of the hook's own version (the next hook starts it).
                self._stopping.set()
                raise InputError(f"keyturn {request.get('keyturn')} asked daemon {__version__}")
            return self.answer(request)
        except KeyturnError as exc:  # the hook then answers in-process, with its own errors
            self._log.write(f"request not answered: {exc.message}")
            return {"v": VERSION, "error": exc.message}

    def answer(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """The reply to a checked request, within its deadline."""
        from keyturn.cli.hook import hook_setup

        env: dict[str, str] = request["env"]
        cwd: str = request["cwd"]
        if state_home(env, cwd=cwd) != self.home:
            raise InputError(f"request for another state directory than {self.home}")
        protocol, options = hook_setup(request["agent"], request["args"], env=env)
        options = replace(options, load_policy=self._policies, gates=self._gates)
        seen: dict[str, str] = {"event": ""}
        result: list[Any] = []

        def work() -> None:
            data = request["stdin"].encode("utf-8")
            result.append(answer_event(protocol, options, data=data, env=env, cwd=cwd, seen=seen))

        # Clamped to the agent's timeout as in-process; the hook writes the warning with stderr.
        limit, too_long = hook_deadline(env, protocol.name)
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(max(limit - DEADLINE_MARGIN, limit / 2))
        reply = result[0] if result else expired(protocol, limit, event=seen["event"])
        stderr = (too_long or "") + reply.stderr
        return {"v": VERSION, "stdout": reply.stdout, "stderr": stderr, "exit": reply.exit_code}


def private_home(home: str) -> None:
    """Create ``home`` (0700) if missing; refuse one that is not a directory of this user's
    or that others can write to (they could swap the socket)."""
    os.makedirs(home, mode=0o700, exist_ok=True)
    info = os.lstat(home)
    if not stat.S_ISDIR(info.st_mode):
        raise DaemonError(f"{home}: not a directory")
    if info.st_uid != os.getuid():
        raise DaemonError(f"{home}: owned by uid {info.st_uid}, not this user")
    if info.st_mode & 0o022:
        raise DaemonError(f"{home}: writable by group or others (chmod 700 it)")


def listen(path: str) -> socket.socket:
    """A Unix socket at ``path`` (0600 from the start); a stale file there is replaced.
    The caller holds the lock, so no other daemon is listening on it."""
    if os.path.lexists(path):
        if not stat.S_ISSOCK(os.lstat(path).st_mode):
            raise DaemonError(f"{path}: exists and is not a socket")
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)  # no window in which the socket is open to others
    try:
        sock.bind(path)
    finally:
        os.umask(old)
    os.chmod(path, 0o600)
    sock.listen(128)
    return sock


def run_daemon(argv: list[str]) -> int:
    """``keyturn hook daemon``: serve until idle; exit 0 at once when one already runs."""
    from keyturn.cli._args import parser

    p = parser("hook daemon", "Answer agent hooks from a resident process (a Unix socket).")
    p.add_argument(
        "--idle-timeout",
        type=float,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"exit after this long without a call (default {DEFAULT_IDLE_TIMEOUT:.0f})",
    )
    p.add_argument("--socket", metavar="PATH", help="default: $KEYTURN_HOME/hookd.sock")
    args = p.parse_args(argv)
    if not 0 < args.idle_timeout <= 7 * 86400:
        raise InputError("--idle-timeout: expected seconds between 0 and 604800")
    home = state_home(os.environ, cwd=os.getcwd())
    private_home(home)
    lock_fd = os.open(os.path.join(home, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock_fd)
        print("keyturn hook daemon: already running", file=sys.stderr)
        return 0
    os.ftruncate(lock_fd, 0)
    os.write(lock_fd, f"{os.getpid()}\n".encode())
    path = os.path.abspath(args.socket or os.path.join(home, SOCKET_NAME))
    log = _Log(Path(home) / LOG_NAME)
    sock = listen(path)
    log.write(f"listening on {path} (idle timeout {args.idle_timeout:g}s)")
    try:
        daemon = HookDaemon(
            home=home, sock=sock, path=path, idle_timeout=args.idle_timeout, log=log
        )
        # SIGTERM ends it like the idle timeout, once the requests in hand are answered (a
        # hook reads a hang-up as the daemon dying on its request); the socket goes with it.
        signal.signal(signal.SIGTERM, lambda *_: daemon.stop())
        daemon.serve()
    finally:
        with contextlib.suppress(OSError):  # before the lock goes: a successor may be starting
            os.unlink(path)
        sock.close()
        log.write("stopped")
        os.close(lock_fd)
    return 0


def start_in_background(env: Mapping[str, str]) -> None:
    """Start ``keyturn hook daemon`` detached (its own session, stdio on /dev/null), unless
    ``KEYTURN_HOOK_DAEMON=off``. Never raises: the hook has already answered."""
    if env.get("KEYTURN_HOOK_DAEMON", "").lower() in OFF:
        return
    try:
        home = state_home(env, cwd=os.getcwd())
        subprocess.Popen(
            [sys.executable, "-m", "keyturn", "hook", "daemon"],
            cwd=home if os.path.isdir(home) else "/",
            env={**env, "KEYTURN_HOME": home},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        pass
