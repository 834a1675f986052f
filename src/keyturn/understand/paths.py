"""Where a path lands: the one normaliser behind every ``file:`` name (shell words, MCP
arguments, agents' file tools), so that the same path gets the same name whichever tool sent it.

POSIX semantics unless the path is clearly Windows. A backslash is an ordinary character in a
POSIX name and a leading ``//`` is ``/`` on Linux, so ``//root/.bashrc`` is ``/root/.bashrc`` and
``/root/.claude/x\\y/../settings.json`` is ``/root/.claude/settings.json``. Only a drive
(``C:\\``, ``C:/``) or a UNC prefix (``\\\\server\\share``, ``\\\\?\\C:\\``) makes a path
Windows: it is named ``C:/Users/...`` (drive upper-cased, forward slashes), with what Win32 drops
dropped too -- trailing dots and spaces of each part, and stream suffixes (``settings.json::$DATA``
is ``settings.json``).

``/proc`` holds links the kernel follows, which a lexical normaliser would not: ``/proc/self/root``
(also ``/proc/<pid>/root``, ``/proc/thread-self/root`` and their ``task/<tid>`` forms) is ``/``, so
``/proc/self/root/usr`` is ``/usr``; ``/proc/self/cwd`` is the working directory. Another
process's working directory (``/proc/<pid>/cwd``) and a directory opened as a descriptor
(``/proc/self/fd/3/x``, ``/dev/fd/3/x``) lead to a place that cannot be told: such a name is kept
as written and :func:`unknown_place` says so, which makes a write or a delete through it
``unknown`` (:mod:`keyturn.understand.runs_later`). Another process's root is taken to be ``/``:
the stricter reading, since the guards are written for the names under ``/``.
"""

from __future__ import annotations

import re

__all__ = [
    "agent_path",
    "home_expanded",
    "is_windows_path",
    "posix_path",
    "tilde_expanded",
    "unknown_place",
]

_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
# \\?\C:\x and \\.\C:\x are C:\x; \\?\UNC\server\share is \\server\share; a local admin share
# (\\localhost\C$\x) is the drive itself.
_DEVICE_PREFIX = re.compile(r"\A[\\/]{2}[?.][\\/](?:UNC[\\/])?", re.IGNORECASE)
_ADMIN_SHARE = re.compile(r"\A//(?:localhost|127\.0\.0\.1)/([A-Za-z])\$(?=/|\Z)", re.IGNORECASE)
# Which process a /proc/<which>/... path speaks of: this one.
_SELF = frozenset({"self", "thread-self"})
# Through this process's directory descriptors and mapped files, or another process's working
# directory and files (the working directory and root of this one are followed instead).
_UNKNOWN_PLACE = re.compile(
    r"/proc/(?:self|thread-self|\d+)/(?:task/[^/]+/)?(?:fd/[^/]+/.+|map_files/.+)"
    r"|/proc/(?!self/|thread-self/)[^/]+/(?:task/[^/]+/)?(?:cwd|fd/[^/]+)(?:/.*)?"
    r"|/dev/(?:fd/[^/]+|std(?:in|out|err))/.+"
)


def is_windows_path(path: str) -> bool:
    """Whether ``path`` is clearly a Windows path: a drive (``C:\\``, ``C:/``) or a UNC prefix
    (``\\\\server\\share``). A ``//`` start alone is POSIX (``/`` on Linux)."""
    return bool(_DRIVE.match(path)) or path.startswith("\\\\")


def posix_path(path: str, *, cwd: str) -> str:
    """An absolute POSIX path: relative paths against ``cwd``, ``.``/``..``/``//`` resolved, the
    ``/proc`` links to the root and the working directory followed (see the module docstring).

    The trailing ``/*`` of a glob is kept (``/*`` stays ``/*``) so that callers can tell
    "everything under" from the directory itself.
    """
    if not path.startswith("/"):
        path = cwd.rstrip("/") + "/" + path
    # Only a path naming ``proc`` may go through its links: the rest is resolved as text.
    return "/" + "/".join(_walk(path, cwd=cwd if "proc" in path else None))


def _walk(path: str, *, cwd: str | None) -> list[str]:
    """The parts of the absolute ``path``, each in turn as the kernel walks it: ``.``, ``..``
    and empty parts resolved, and -- given the working directory ``cwd`` -- the ``/proc``
    links followed, so that ``/proc/self/root/../etc`` is ``/etc`` and ``/proc/self/cwd/..``
    the working directory's parent."""
    parts: list[str] = []
    for piece in path.split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
            continue
        parts.append(piece)
        if cwd is not None and piece in ("root", "cwd") and len(parts) in (3, 5):
            link = _proc_link(parts) if parts[0] == "proc" else None
            if link == "root":
                parts = []
            elif link == "cwd":
                parts = _walk(cwd, cwd=None)
    return parts


def _proc_link(parts: list[str]) -> str | None:
    """``root`` or ``cwd`` when ``parts`` (``proc``, process, [``task``, thread,] link) is a link
    whose place is known: any process's root (taken to be ``/``) and this process's working
    directory; ``None`` otherwise."""
    which, link = parts[1], parts[-1]
    if len(parts) == 5 and parts[2] != "task":
        return None
    if which not in _SELF and not which.isdigit():
        return None
    if link == "root":
        return "root"
    return "cwd" if which in _SELF else None


def unknown_place(path: str) -> bool:
    """Whether the absolute, normalised ``path`` goes through a link whose place cannot be told:
    another process's working directory or open files, a directory opened as a descriptor."""
    return path.startswith(("/proc/", "/dev/")) and _UNKNOWN_PLACE.fullmatch(path) is not None


def agent_path(path: str, *, cwd: str, home: str) -> str:
    """The absolute path an agent's tool or an MCP argument means: ``~`` for ``home``, relative
    paths against ``cwd``; Windows when ``path`` (or, for a relative one, ``cwd``) clearly is,
    spelled ``C:/Users/x``; otherwise :func:`posix_path`."""
    if path == "~" or path.startswith("~/") or (path.startswith("~\\") and is_windows_path(home)):
        path = home.rstrip("/\\") + "/" + path[2:] if len(path) > 1 else home
    if is_windows_path(path):
        return _windows(path)
    if is_windows_path(cwd):
        base = _windows(cwd)
        if path.startswith(("/", "\\")):  # the root of the working directory's drive or share
            return _windows(_windows_root(base) + "/" + path)
        return _windows(base + "/" + path)
    return posix_path(path, cwd=cwd)


def _windows_root(normal: str) -> str:
    """``C:`` or ``//server/share`` of a path :func:`_windows` spelled."""
    if normal.startswith("//"):
        return "/".join(normal.split("/", 4)[:4])
    return normal[:2]


def _windows(path: str) -> str:
    """``C:/a/b`` (or ``//server/share/a/b``) for a Windows path, ``.``/``..`` resolved; each
    part without the trailing dots and spaces and the stream suffix (``:name:$DATA``,
    ``::$INDEX_ALLOCATION``) Win32 drops or opens the same file through."""
    spelled = _DEVICE_PREFIX.sub("//", path, count=1).replace("\\", "/")
    if spelled.startswith("//") and _DRIVE.match(spelled[2:]):
        spelled = spelled[2:]  # \\?\C:\x
    spelled = _ADMIN_SHARE.sub(lambda m: m.group(1) + ":", spelled, count=1)
    if _DRIVE.match(spelled):
        head, rest = spelled[:2].upper(), spelled[2:]
    else:  # //server/share/rest
        server, _, rest = spelled.lstrip("/").partition("/")
        share, _, rest = rest.partition("/")
        head = f"//{_part(server)}/{_part(share)}"
    parts: list[str] = []
    for piece in rest.split("/"):
        piece = _part(piece)
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
            continue
        parts.append(piece)
    return head + "/" + "/".join(parts)


def _part(piece: str) -> str:
    """One part of a Windows path as Win32 opens it: no stream suffix, no trailing dots or
    spaces (``.`` and ``..`` kept; a part of dots alone is the same directory)."""
    if piece in ("", ".", ".."):
        return piece
    piece = piece.partition(":")[0].rstrip(". ")
    return piece or "."


def tilde_expanded(path: str, *, home: str) -> str:
    """``path`` with a leading ``~`` (alone or before ``/``) for ``home``, as agents that expand
    it themselves do (Codex's ``workdir``); other paths as they are (``~user`` included)."""
    if path == "~" or path.startswith("~/"):
        return home.rstrip("/") + path[1:] if path != "~" else home
    return path


_HOME_VARIABLE = re.compile(r"\$(?:HOME(?![A-Za-z0-9_])|\{HOME\})")


def home_expanded(path: str, *, home: str) -> str | None:
    """``path`` as an agent that expands it like a shell word (Kiro's ``shellexpand::full``)
    opens it: a leading ``~`` and each ``$HOME``/``${HOME}`` for ``home``. ``None`` when another
    ``$`` is left: a variable of the agent's own environment, which cannot be told here."""
    expanded = _HOME_VARIABLE.sub(
        lambda _: home.rstrip("/") or "/", tilde_expanded(path, home=home)
    )
    return None if "$" in expanded else expanded
