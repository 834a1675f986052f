"""SQLite's statements about database files: ``ATTACH`` and ``VACUUM [INTO 'file']``.

``ATTACH`` changes which file later names reach (the session keeps it, :mod:`.names`), so it
is read here with the file's path as SQLite resolves it (:mod:`.sqlite_files`).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql import clickhouse
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import Tokens, is_word, name_at, top_index
from keyturn.understand.sql.sqlite_files import MEMORY, database_file


def attach(tokens: Tokens, s: Session) -> list[Effect]:
    """SQLite ``ATTACH [DATABASE] 'file' AS name``: an update of the attached file (it may be
    created), whose tables later statements reach as ``name.t`` -- or unqualified, when main
    has no table of that name. (ClickHouse's ATTACH TABLE: :mod:`.clickhouse`.)"""
    found = clickhouse.attach(tokens, s)
    if found is not None:
        return found
    i = 2 if is_word(tokens, 1, "database") else 1
    at = top_index(tokens, "as", i)
    named = tokens[i : at if at >= 0 else len(tokens)]
    alias, _ = name_at(tokens, at + 1) if at >= 0 else ([], 0)
    path = None
    if len(named) == 1 and named[0].kind in ("string", "word", "ident"):
        path = database_file(named[0].text, directory=s.directory)
    if alias and path != MEMORY:
        s.attached[alias[-1]] = path or "*"
        s.search_path = ("main", *s.attached)
    if path is None:
        return [s.unknown("attaches a database file that cannot be told", "ATTACH")]
    if path == MEMORY:
        return []
    return [s.effect(EffectKind.UPDATE, s.database_resource(path), "ATTACH", "attaches the file")]


def vacuum(tokens: Tokens, s: Session) -> list[Effect]:
    """VACUUM: maintenance (an update); ``VACUUM INTO 'file'`` writes a file."""
    if top_index(tokens, "into") >= 0:
        return [s.unknown("writes a copy of the database to a file", "VACUUM INTO")]
    return [s.effect(EffectKind.UPDATE, s.database_resource(), "VACUUM", "maintenance")]
