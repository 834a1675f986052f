"""The real, read-only :class:`keyturn.understand.FileReader`: files beside the action on disk.

Understanders are pure and see files only through a FileReader; this is the one that reads the
local disk. It never raises for a missing or unreadable file (it answers ``None``), never follows
more than ``limit`` bytes, and never writes.
"""

from __future__ import annotations

import os


class LocalFiles:
    """Reads files on the local disk, bounded by ``limit`` characters per file."""

    def read_text(self, path: str, *, limit: int = 1_000_000) -> str | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read(limit)
        except (OSError, ValueError):
            return None

    def exists(self, path: str) -> bool:
        return os.path.lexists(path)

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)
