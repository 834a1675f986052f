"""Which file a SQLite database name opens: a path, or a ``file:`` URI (the sqlite3 shell and
``ATTACH`` accept both), read as SQLite reads it; and the file named on the effects on it.

A local database file is also named ``file:<path>`` on every effect on it, so that what guards
the file (keyturn's own state directory, a protected path) guards it through SQL too: the file
opened, and those ``.open``ed or ``ATTACH``ed."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import replace

from keyturn.model import Effect, Resource

__all__ = ["MEMORY", "database_file", "with_database_files"]

MEMORY = ":memory:"
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")


def database_file(name: str, *, directory: str | None) -> str | None:
    """The absolute path of the file SQLite opens for ``name``, :data:`MEMORY` for an in-memory
    or temporary database, ``None`` when it cannot be told (a relative name where the working
    directory is not known, a URI SQLite refuses).

    ``file:`` URIs: ``file:/a/b.db?mode=rw``, ``file:///a/b.db``, ``file://localhost/a``,
    ``file:rel.db``; ``%HH`` decoded; ``mode=memory`` is in memory."""
    if name in ("", MEMORY):
        return MEMORY
    path = name
    if name[:5].lower() == "file:":
        rest = name[5:]
        rest, _, query = rest.partition("#")[0].partition("?")
        if rest.startswith("//"):
            authority, slash, tail = rest[2:].partition("/")
            if authority not in ("", "localhost"):
                return None
            rest = slash + tail
        if "mode=memory" in query.split("&"):
            return MEMORY
        path = _PERCENT.sub(lambda m: chr(int(m.group(1), 16)), rest)
        if not path or path == MEMORY:
            return MEMORY
    if not path.startswith("/"):
        if directory is None:
            return None
        path = posixpath.join(directory, path)
    normal = posixpath.normpath(path)
    return "/" + normal.lstrip("/")  # normpath keeps a leading "//"


_SQLITE_NAME = "db:sqlite/"
# Operations naming another database file: the effects on it name the file too.
_OPENS_FILE = frozenset({"sql:.open", "sql:ATTACH"})


def with_database_files(effects: Sequence[Effect], database: str | None) -> list[Effect]:
    """``effects`` with the database file they touch named ``file:<path>`` as well: the one
    given, and those the script ``.open``s or ``ATTACH``es."""
    files = {database} if database and database.startswith("/") else set()
    files |= {
        name.removeprefix(_SQLITE_NAME)
        for e in effects
        if e.operation in _OPENS_FILE
        for name in e.resource.names
        if name.startswith(_SQLITE_NAME + "/")
    }
    out: list[Effect] = []
    for effect in effects:
        names = effect.resource.names
        found = [
            f"file:{path}"
            for path in sorted(files)
            if any(
                n == _SQLITE_NAME + path or n.startswith(f"{_SQLITE_NAME}{path}/") for n in names
            )
        ]
        if found:
            resource = Resource(tuple(dict.fromkeys((*names, *found))), type=effect.resource.type)
            effect = replace(effect, resource=resource)
        out.append(effect)
    return out
