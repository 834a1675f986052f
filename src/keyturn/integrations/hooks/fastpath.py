"""The hook's fast path: ask the resident hook daemon (:mod:`.daemon`) over its Unix socket.

Imported by ``keyturn.cli.entry`` before anything else of keyturn, so it uses the standard
library's cheapest modules only (``os``, ``sys``, ``socket``, ``json``, ``struct``, ``time``):
the point is to skip the ~100 ms of imports a judging hook process otherwise pays.

The daemon's answer is trusted only when everything checks out: the state directory and the
socket are owned by this user and not writable by others, the listening process runs as this
user (``SO_PEERCRED``), and the reply is a well-formed version-1 object. Anything else (no
socket, refused, slow, malformed, oversized, another uid) returns ``None`` and the caller
answers in-process, which is correct and fail-closed on its own. The event already read from
stdin is kept in :data:`EVENT` for that; :data:`START_DAEMON` says whether to start a daemon
after answering (none was listening).

One failure is not handed to the in-process path: a daemon that took the request and hung up
without a word died on it (it never exits with a request in hand). Whatever killed it -- a
crash in a parser's native code -- would kill the hook's own process the same way, and a hook
that dies is, to most agents, a hook that did not object. :data:`DAEMON_DIED` tells the caller
to refuse the action instead.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time

VERSION = 1
SOCKET_NAME = "hookd.sock"
CONNECT_TIMEOUT = 0.05
# Kept back from the hook's deadline: the reply still has to be written, or, if the daemon
# failed, a blocking answer given in-process.
MARGIN = 0.25
MAX_REQUEST_BYTES = 1 << 20
MAX_REPLY_BYTES = 1 << 20
MAX_EVENT_BYTES = 16 << 20  # as the in-process runner reads

OFF = ("off", "0", "no", "false")  # KEYTURN_HOOK_DAEMON values that disable it

TYPE_CHECKING = False  # not typing's: importing typing costs a hook ~10 ms
if TYPE_CHECKING:
    from .runner import ByteSource

EVENT: bytes | None = None
START_DAEMON = False
STARTED: float | None = None
DAEMON_DIED = False


def answer(args: list[str]) -> int | None:
    """Answer ``keyturn hook AGENT [options]`` (``args`` after ``hook``) through the daemon:
    the exit code after writing its reply, or ``None`` to answer in-process."""
    global EVENT, START_DAEMON, STARTED
    env = os.environ
    if os.name != "posix" or env.get("KEYTURN_HOOK_DAEMON", "").lower() in OFF:
        return None
    STARTED = time.monotonic()
    home = state_home(env)
    if home is not None and not os.path.lexists(home):
        START_DAEMON = True  # it creates the directory, private
        return None
    path = socket_path(env)
    if path is None:
        return None
    from .deadlines import hook_deadline  # standard library only, like this module

    # Never past the agent's own hook timeout (most agents run the call once it passes).
    deadline = STARTED + hook_deadline(env, args[0])[0] - MARGIN
    EVENT, complete = _read_stdin(deadline)
    if not complete:  # the in-process hook reads the rest, under its watchdog
        return None
    try:
        text = EVENT.decode("utf-8")
        cwd = os.getcwd()
    except (UnicodeDecodeError, OSError):
        return None
    from keyturn import __version__  # the package itself is already imported: free

    request = {"v": VERSION, "keyturn": __version__, "agent": args[0], "args": args[1:]}
    request.update(stdin=text, env=dict(env), cwd=cwd)
    body = json.dumps(request).encode("utf-8")
    if len(body) > MAX_REQUEST_BYTES:
        return None
    reply = _ask(path, body, deadline=deadline)
    if reply is None:
        return None
    stdout, stderr, code = reply
    sys.stdout.write(stdout)
    sys.stderr.write(stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _read_stdin(deadline: float) -> tuple[bytes, bool]:
    """Stdin until end of file, (bytes, True); what arrived by ``deadline`` (or the first
    ``MAX_EVENT_BYTES + 1`` bytes), (bytes, False). Never blocks past the deadline: an agent
    that does not close stdin must still get the watchdog's blocking answer."""
    import select

    chunks: list[bytes] = []
    total = 0
    try:
        fd = sys.stdin.fileno()
        while total <= MAX_EVENT_BYTES:
            ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
            if not ready:
                break
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)
            total += len(chunk)
    except (OSError, ValueError, AttributeError):
        pass
    return b"".join(chunks), False


class Prefixed:
    """Stdin with the bytes the fast path already read put back in front."""

    def __init__(self, head: bytes, rest: ByteSource) -> None:
        self._head, self._rest = head, rest

    def read(self, size: int = -1) -> bytes:
        """Like ``BufferedReader.read``: ``size`` bytes, fewer only at end of file."""
        head, self._head = self._head, b""
        if size < 0:
            return head + self._rest.read()
        if len(head) >= size:
            self._head = head[size:]
            return head[:size]
        return head + self._rest.read(size - len(head))


def stdin_rest(stdin: ByteSource) -> ByteSource:
    """The hook's stdin as the in-process path must read it: ``stdin`` itself, or with what
    :func:`answer` read of it in front."""
    return stdin if EVENT is None else Prefixed(EVENT, stdin)


def state_home(env: os._Environ[str] | dict[str, str]) -> str | None:
    """``$KEYTURN_HOME`` or ``~/.keyturn``; ``None`` unless absolute (a relative one is left
    to the in-process path, which resolves it against the working directory)."""
    home = env.get("KEYTURN_HOME") or (
        os.path.join(env["HOME"], ".keyturn") if env.get("HOME") else ""
    )
    return os.path.normpath(home) if os.path.isabs(home) else None


def socket_path(env: os._Environ[str] | dict[str, str]) -> str | None:
    """The daemon's socket for this environment, if its directory is safe to trust."""
    home = state_home(env)
    if home is None or not _private(home, directory=True):
        return None
    return os.path.join(home, SOCKET_NAME)


def _private(path: str, *, directory: bool) -> bool:
    """Owned by this user, of the expected type, not writable by group or others."""
    import stat

    try:
        info = os.lstat(path)
    except OSError:
        return False
    kind = stat.S_ISDIR if directory else stat.S_ISSOCK
    return kind(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _ask(path: str, body: bytes, *, deadline: float) -> tuple[str, str, int] | None:
    """Send ``body``, read the reply; ``None`` on any failure. No listener at all (no socket
    file, or nobody accepting) sets :data:`START_DAEMON`; a listener that hangs up without
    replying sets :data:`DAEMON_DIED`."""
    global START_DAEMON, DAEMON_DIED
    if not os.path.exists(path):
        START_DAEMON = True
        return None
    if not _private(path, directory=False):
        return None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.settimeout(CONNECT_TIMEOUT)
            sock.connect(path)
        except (ConnectionRefusedError, FileNotFoundError):
            START_DAEMON = True
            return None
        except OSError:
            return None
        try:
            if not same_user(sock):
                return None
            sock.settimeout(max(deadline - time.monotonic(), 0.01))
            sock.sendall(body)
            sock.shutdown(socket.SHUT_WR)
            data = _read_all(sock, deadline=deadline)
        except (OSError, ValueError):
            return None
        if not data:  # end of file, not a timeout: the daemon went away holding the request
            DAEMON_DIED = True
            return None
        try:
            return _reply(data)
        except ValueError:
            return None


def same_user(sock: socket.socket) -> bool:
    """The process at the other end runs as this user (Linux ``SO_PEERCRED``; elsewhere the
    socket file's owner, checked before connecting, has to do)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    import struct

    size = struct.calcsize("3i")
    _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, option, size))
    return bool(uid == os.getuid())


def _read_all(sock: socket.socket, *, deadline: float) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > MAX_REPLY_BYTES:
            raise ValueError("reply too large")
        chunks.append(chunk)


def _reply(data: bytes) -> tuple[str, str, int] | None:
    """(stdout, stderr, exit) if the reply is exactly ``{"v": 1, "stdout": str, "stderr": str,
    "exit": int}``."""
    reply = json.loads(data)
    if not isinstance(reply, dict) or set(reply) != {"v", "stdout", "stderr", "exit"}:
        return None
    stdout, stderr, code = reply["stdout"], reply["stderr"], reply["exit"]
    ok = (
        reply["v"] == VERSION
        and isinstance(stdout, str)
        and isinstance(stderr, str)
        and type(code) is int
        and 0 <= code <= 255
    )
    return (stdout, stderr, code) if ok else None
