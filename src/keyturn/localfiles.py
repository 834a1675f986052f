"""The real, read-only :class:`keyturn.understand.FileReader`: files beside the action on disk.

Understanders are pure and see files only through a FileReader; this is the one that reads the
local disk. It never raises for a missing or unreadable file (it answers ``None``), never follows
more than ``limit`` bytes, and never writes.
"""

from __future__ import annotations

import os
import stat

from keyturn.understand import GitEntries


class LocalFiles:
    """Reads files on the local disk, bounded by ``limit`` characters per file."""

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        """The text of the regular file ``path``; ``None`` for anything else. A FIFO would
        block the judge until a writer came, ``/dev/stdin`` is keyturn's own input (a hook's
        event, not the command's), and devices never end: none of them is read."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except (OSError, ValueError):
            return None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            os.set_blocking(fd, True)
            with os.fdopen(fd, encoding="utf-8", errors="replace", closefd=False) as handle:
                return handle.read(limit)
        except (OSError, ValueError):
            return None
        finally:
            os.close(fd)

    def exists(self, path: str) -> bool:
        return os.path.lexists(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)

    def git_entries(self, root: str, relative: str, revision: str) -> GitEntries | None:
        from keyturn.localgit import git_entries  # dulwich, imported only when git is asked

        return git_entries(root, relative, revision)
