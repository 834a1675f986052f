"""The real, read-only :class:`keyturn.understand.FileReader`: files beside the action on disk.

Understanders are pure and see files only through a FileReader; this is the one that reads the
local disk. It never raises for a missing or unreadable file (it answers ``None``), never follows
more than ``limit`` bytes, and never writes.

On Windows the understanding names a drive's files as Git Bash spells them (``/c/Users/me``, see
``understand/shell/_drive_mounts.py``); those are opened as ``C:/Users/me`` there.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence

from keyturn.understand import MAX_LISTED, GitEntries

_MOUNTED_DRIVE = re.compile(r"/(?:cygdrive/)?([A-Za-z])(?=/|\Z)")


def native_path(path: str, *, windows: bool = os.name == "nt") -> str:
    """``path`` as this system opens it: on Windows, ``/c/x`` and ``/cygdrive/c/x`` are
    ``C:/x``; elsewhere every path is itself."""
    if not windows:
        return path
    found = _MOUNTED_DRIVE.match(path)
    if found is None:
        return path
    return f"{found.group(1).upper()}:{path[found.end() :] or '/'}"


class LocalFiles:
    """Reads files on the local disk, bounded by ``limit`` characters per file."""

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        """The text of the regular file ``path``; ``None`` for anything else. A FIFO would
        block the judge until a writer came, ``/dev/stdin`` is keyturn's own input (a hook's
        event, not the command's), and devices never end: none of them is read."""
        path = native_path(path)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except (OSError, ValueError):
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            if hasattr(os, "set_blocking"):  # (Windows has no O_NONBLOCK to undo)
                os.set_blocking(fd, True)
            with os.fdopen(fd, encoding="utf-8", errors="replace", closefd=False) as handle:
                return handle.read(limit)
        except (OSError, ValueError):
            return None
        finally:
            os.close(fd)

    def exists(self, path: str) -> bool:
        return os.path.lexists(native_path(path))

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(native_path(path))

    def list_dir(self, path: str) -> tuple[str, ...] | None:
        names: list[str] = []
        try:
            with os.scandir(native_path(path)) as entries:
                for entry in entries:
                    if len(names) >= MAX_LISTED:
                        return None
                    names.append(entry.name)
        except (OSError, ValueError):
            return None
        return tuple(sorted(names))

    def git_entries(self, root: str, relative: str, revisions: Sequence[str]) -> GitEntries | None:
        from keyturn.localgit import git_entries  # dulwich, imported only when git is asked

        return git_entries(native_path(root), relative, revisions)

    def links_followed(self, path: str) -> str | None:
        """``os.path.realpath`` of ``path`` when it differs (a link on it). Not on Windows,
        whose links and junctions keyturn's names do not follow yet."""
        if os.name == "nt" or not path.startswith("/"):
            return None
        try:
            landed = os.path.realpath(path)
        except (OSError, ValueError):
            return None
        return None if landed == os.path.normpath(path) else landed
