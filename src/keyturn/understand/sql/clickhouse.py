"""ClickHouse statements whose words other engines read otherwise (engine ``clickhouse``: its
HTTP interface and MCP tools reach :func:`keyturn.understand.sql.sql_effects` directly; the
``clickhouse-client`` handler wraps the same understanding).

From ClickHouse's documentation (clickhouse.com/docs/sql-reference/statements):

- ``ALTER TABLE t [ON CLUSTER c] action, ...``: ``DELETE [IN PARTITION p] WHERE`` deletes the
  matching rows, ``UPDATE c = e, ... WHERE`` updates them (a mutation; its assignments hold
  commas, so an action ends only at a comma before another action's word); ``DROP
  PARTITION|PART`` and ``DROP DETACHED PARTITION|PART`` delete data; ``DETACH PARTITION|PART``
  takes it out of the table (the server forgets it until ``ATTACH``); ``CLEAR COLUMN c``
  resets a column's values; ``MODIFY|MATERIALIZE TTL`` deletes the rows past the TTL (a column
  TTL, ``MODIFY COLUMN c ... TTL``, resets its values); ``MOVE PARTITION ... TO TABLE o`` takes
  rows out into ``o``; ``REPLACE PARTITION ... FROM o`` replaces them.
- ``DETACH TABLE|VIEW|DICTIONARY|DATABASE x [PERMANENTLY]``: the server forgets ``x`` (its data
  stays on disk until attached again): a delete for whoever relies on it. ``ATTACH`` of one:
  a create. (SQLite's ``DETACH [DATABASE] name`` only ends an ATTACH.)
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    is_punct,
    is_word,
    name_at,
    skip_if_exists,
    top_index,
)
from keyturn.understand.sql.row_changes import row_scope

_E = EffectKind
# The words that begin an ALTER TABLE action (a comma before another word continues one).
_ACTION_WORDS = frozenset(
    {"add", "drop", "modify", "alter", "rename", "comment", "clear", "materialize", "delete"}
    | {"update", "detach", "attach", "replace", "move", "freeze", "unfreeze", "fetch"}
    | {"forget", "remove", "reset", "apply", "order", "sample", "settings"}
)

Fallback = Callable[[Tokens, list[str], Session], list[Effect]]


def skip_on_cluster(tokens: Tokens, i: int) -> int:
    """The index after ``ON CLUSTER name`` at ``i`` (``i`` when there is none)."""
    if is_word(tokens, i, "on") and is_word(tokens, i + 1, "cluster"):
        return name_at(tokens, i + 2, strings=True)[1]
    return i


def alter_table(
    tokens: Tokens, i: int, table: list[str], s: Session, other: Fallback
) -> list[Effect]:
    """The effects of the actions of ``ALTER TABLE table`` from ``i`` on; an action this does
    not read is judged by ``other`` (the engines' common reading)."""
    i = skip_on_cluster(tokens, i)
    out: list[Effect] = []
    base = tokens[0].depth
    start = i
    for end in range(i, len(tokens) + 1):
        at_end = end == len(tokens)
        if not at_end and not (tokens[end].depth == base and is_punct(tokens, end, ",")):
            continue
        if not at_end and not is_word(tokens, end + 1, *_ACTION_WORDS):
            continue
        action = tokens[start:end]
        found = _action(action, tokens, start, table, s)
        out += other(action, table, s) if found is None else found
        start = end + 1
    return out or [s.effect(_E.UPDATE, s.object_resource(table, "table"), "ALTER TABLE")]


def _action(
    action: Tokens, tokens: Tokens, at: int, table: list[str], s: Session
) -> list[Effect] | None:
    res = s.object_resource(table, "table")
    verb = action[0].text if action and action[0].kind == "word" else ""
    second = action[1].text if is_word(action, 1) else ""
    if verb in ("delete", "update"):
        detail = row_scope(tokens, verb.upper(), at)
        kind = _E.DELETE if verb == "delete" else _E.UPDATE
        return [s.effect(kind, res, f"ALTER TABLE {verb.upper()}", detail or "rows matching WHERE")]
    if verb == "drop" and second == "detached":
        return [s.effect(_E.DELETE, res, "ALTER TABLE DROP DETACHED", "detached data")]
    if verb in ("drop", "detach") and second in ("partition", "part"):
        why = "its data" if verb == "drop" else "its rows leave the table (kept aside)"
        return [s.effect(_E.DELETE, res, f"ALTER TABLE {verb.upper()} {second.upper()}", why)]
    if verb == "clear" and second == "column":
        column, _ = name_at(action, skip_if_exists(action, 2))
        if column:
            col = s.column_resource(table, column[-1])
            return [s.effect(_E.DELETE, col, "ALTER TABLE CLEAR", "the column's values")]
    if verb in ("modify", "materialize") and second == "ttl":
        why = "the rows past the TTL are deleted"
        return [s.effect(_E.DELETE, res, f"ALTER TABLE {verb.upper()}", why)]
    if verb == "modify" and second == "column" and top_index(action, "ttl") >= 0:
        column, _ = name_at(action, skip_if_exists(action, 2))
        col = s.column_resource(table, column[-1]) if column else res
        return [s.effect(_E.DELETE, col, "ALTER TABLE MODIFY COLUMN TTL", "values past the TTL")]
    if verb == "replace" and second in ("partition", "part"):
        return [s.effect(_E.REPLACE, res, "ALTER TABLE REPLACE", "the partition's rows")]
    if verb == "move" and second in ("partition", "part"):
        return _move(action, res, s)
    return None


def _move(action: Tokens, res: Resource, s: Session) -> list[Effect] | None:
    to = top_index(action, "to")
    if to < 0 or not is_word(action, to + 1, "table"):
        return None  # TO DISK / TO VOLUME: the rows stay in the table
    other, _ = name_at(action, to + 2)
    out = [s.effect(_E.DELETE, res, "ALTER TABLE MOVE", "the partition's rows leave the table")]
    if other:
        into = s.object_resource(other, "table")
        out.append(s.effect(_E.UPDATE, into, "ALTER TABLE MOVE", "receives the rows"))
    return out


_DETACHABLE = frozenset({"table", "view", "dictionary", "database"})


def detach(tokens: Tokens, s: Session) -> list[Effect]:
    """``DETACH TABLE|VIEW|DICTIONARY|DATABASE x``: a delete of ``x`` (of a database with what
    it holds). SQLite's ``DETACH [DATABASE] name`` ends an ATTACH: an update."""
    if s.engine == "sqlite" or not is_word(tokens, 1, *_DETACHABLE):
        return [s.effect(_E.UPDATE, s.database_resource(), "DETACH")]
    kind = tokens[1].text
    parts, _ = name_at(tokens, skip_if_exists(tokens, 2))
    if not parts:
        return [s.unknown(f"DETACH {kind.upper()} without a name", "DETACH")]
    if kind == "database":
        res = s.database_resource(parts[-1], whole=True)
    else:
        res = s.object_resource(parts, "table" if kind == "dictionary" else kind)
    why = "the server forgets it until attached again"
    return [s.effect(_E.DELETE, res, f"DETACH {kind.upper()}", why)]


def attach(tokens: Tokens, s: Session) -> list[Effect] | None:
    """``ATTACH TABLE|VIEW|DICTIONARY|DATABASE x ...``: a create; None for SQLite's ATTACH."""
    if s.engine == "sqlite" or not is_word(tokens, 1, *_DETACHABLE):
        return None
    kind = tokens[1].text
    parts, _ = name_at(tokens, skip_if_exists(tokens, 2))
    if not parts:
        return [s.unknown(f"ATTACH {kind.upper()} without a name", "ATTACH")]
    if kind == "database":
        return [s.effect(_E.CREATE, s.database_resource(parts[-1]), "ATTACH DATABASE")]
    return [s.effect(_E.CREATE, s.object_resource(parts, kind), f"ATTACH {kind.upper()}")]
