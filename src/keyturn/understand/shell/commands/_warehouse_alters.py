"""Statements of the warehouse dialects that lose data while reading like maintenance or a
change of settings, for :mod:`._warehouse_dialects`:

- ClickHouse ``OPTIMIZE TABLE t ... DEDUPLICATE`` deletes the duplicate rows (without it,
  ``OPTIMIZE`` merges parts: an update of the table);
- ClickHouse ``ALTER TABLE t MODIFY TTL ...`` and ``MATERIALIZE TTL`` delete the rows past the
  TTL; ``MOVE PARTITION p TO TABLE other`` takes the partition's rows out of ``t`` (a delete
  there) into ``other`` (an update);
- Snowflake ``ALTER DATABASE|SCHEMA a SWAP WITH b`` replaces each with the other, as ``ALTER
  TABLE ... SWAP WITH`` does;
- Snowflake ``CREATE OR ALTER TABLE t (...)`` drops the columns the definition lacks, with
  their data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.ddl import dropped_resource
from keyturn.understand.sql.parsing import is_word, name_at, skip_if_exists, skip_words
from keyturn.understand.sql.tokens import Token

if TYPE_CHECKING:
    from keyturn.understand.shell.commands._warehouse_sql import WarehouseSession

_E = EffectKind


def optimize(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """ClickHouse ``OPTIMIZE TABLE t [ON CLUSTER c] [PARTITION p] [FINAL] [DEDUPLICATE]``."""
    if not is_word(tokens, 1, "table"):
        return None
    parts, _ = name_at(tokens, 2)
    if not parts:
        return [s.unknown("OPTIMIZE of a table not named", "OPTIMIZE")]
    table = s.object_resource(parts, "table")
    if any(t.kind == "word" and t.text == "deduplicate" for t in tokens):
        detail = "DEDUPLICATE: the duplicate rows are deleted"
        return [s.effect(_E.DELETE, table, "OPTIMIZE DEDUPLICATE", detail)]
    return [s.effect(_E.UPDATE, table, "OPTIMIZE", "merges the table's parts")]


def clickhouse_alter(
    tokens: list[Token], k: int, s: WarehouseSession, table: Resource
) -> list[Effect]:
    """The effects of the ClickHouse ``ALTER TABLE`` action whose word is at ``k``: ``MODIFY
    TTL``/``MATERIALIZE TTL`` delete rows, ``MOVE PARTITION ... TO TABLE t`` moves them."""
    word = tokens[k].text
    if word in ("modify", "materialize") and is_word(tokens, k + 1, "ttl"):
        detail = "the rows past the TTL are deleted"
        return [s.effect(_E.DELETE, table, f"ALTER TABLE {word.upper()} TTL", detail)]
    if word != "move" or not is_word(tokens, k + 1, "partition", "part"):
        return []
    j = k + 2
    while j < len(tokens) and not (is_word(tokens, j, "to") and is_word(tokens, j + 1, "table")):
        j += 1
    other, _ = name_at(tokens, j + 2) if j < len(tokens) else ([], j)
    if not other:
        return []  # TO DISK / TO VOLUME: the data stays in the table
    detail = "the partition's rows leave the table"
    moved = s.effect(_E.DELETE, table, "ALTER TABLE MOVE PARTITION", detail)
    into = s.object_resource(other, "table")
    return [moved, s.effect(_E.UPDATE, into, "ALTER TABLE MOVE PARTITION", "receives the rows")]


def snowflake_swap(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """Snowflake ``ALTER DATABASE|SCHEMA [IF EXISTS] a SWAP WITH b``: both replaced."""
    kind = tokens[1].text if is_word(tokens, 1, "database", "schema") else ""
    if not kind:
        return None
    first, i = name_at(tokens, skip_if_exists(tokens, 2))
    if not first or not (is_word(tokens, i, "swap") and is_word(tokens, i + 1, "with")):
        return None
    second, _ = name_at(tokens, i + 2)
    operation, detail = f"ALTER {kind.upper()} SWAP WITH", "swaps contents"
    return [
        s.effect(_E.REPLACE, dropped_resource(s, kind, parts), operation, detail)
        for parts in (first, second)
        if parts
    ]


def create_or_alter(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """Snowflake ``CREATE OR ALTER [TRANSIENT] TABLE t (...)``: the columns its definition
    lacks are dropped with their data."""
    if not (is_word(tokens, 1, "or") and is_word(tokens, 2, "alter")):
        return None
    i = skip_words(tokens, 3, {"transient", "temporary", "temp", "local", "global"})
    if not is_word(tokens, i, "table"):
        return None
    parts, _ = name_at(tokens, skip_if_exists(tokens, i + 1))
    if not parts:
        return [s.unknown("CREATE OR ALTER TABLE without a name", "CREATE OR ALTER TABLE")]
    detail = "the columns the definition lacks are dropped with their data"
    table = s.object_resource(parts, "table")
    return [s.effect(_E.DELETE, table, "CREATE OR ALTER TABLE", detail)]
