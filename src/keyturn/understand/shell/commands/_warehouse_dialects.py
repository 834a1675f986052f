"""Statement forms of the warehouse dialects that keyturn's SQL understanding does not read by
itself: rewritten into forms it reads (:func:`statements`), or judged here
(:func:`judge_statement`); everything else goes to
:func:`keyturn.understand.sql.statements.classify`.

- CQL: ``KEYSPACE``/``SCHEMA`` are databases, ``COLUMNFAMILY`` a table; a ``BEGIN BATCH ...
  APPLY BATCH`` is the statements in it; ``DELETE col FROM t`` deletes in ``t``; cqlsh's own
  commands (``CONSISTENCY``, ``TRACING``...) do nothing, ``LIST ...`` reads, ``CAPTURE`` is
  unknown (it writes a local file).
- ClickHouse: ``DROP DICTIONARY``; ``ALTER TABLE t DELETE WHERE`` (a delete of rows),
  ``CLEAR COLUMN`` (a delete of the column's data), ``REPLACE PARTITION`` and ``EXCHANGE
  TABLES``/``REPLACE TABLE`` (replaces); ``SYSTEM ...`` and ``INSERT INTO FUNCTION`` unknown;
  ``OPTIMIZE ... DEDUPLICATE``, ``MODIFY TTL``, ``MOVE PARTITION ... TO TABLE``
  (:mod:`._warehouse_alters`).
- Snowflake: ``USE [DATABASE|SCHEMA]``; stages (``db:snowflake/<db>/stage:<name>``): ``LIST``
  reads, ``PUT`` updates, ``REMOVE`` and ``COPY ... PURGE = TRUE`` delete, ``GET`` reads (and
  is unknown for the local files it writes); ``COPY INTO``; ``UNDROP``; ``ALTER TABLE|DATABASE|
  SCHEMA a SWAP WITH b`` and ``CREATE OR REPLACE DATABASE|SCHEMA`` replace; ``CREATE OR ALTER
  TABLE`` deletes the columns it lacks (:mod:`._warehouse_alters`).
- Trino: ``USE catalog.schema``; a catalog is a database. BigQuery: a schema is a dataset.
- SQL Server: :mod:`._warehouse_tsql` (statements without semicolons, ``[names]``);
  ``RESTORE DATABASE`` replaces it.
- Every engine: ``TRUNCATE ... IF EXISTS``, ``TRUNCATE DATABASE``; a scripting ``BEGIN``
  block is the statements in it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._warehouse_alters import (
    clickhouse_alter,
    create_or_alter,
    optimize,
    snowflake_swap,
)
from keyturn.understand.shell.commands._warehouse_stages import STAGE_STATEMENTS
from keyturn.understand.shell.commands._warehouse_tsql import bracketed, tsql_statements
from keyturn.understand.sql.ddl import dropped_resource, object_kind
from keyturn.understand.sql.functions import call_effects
from keyturn.understand.sql.parsing import (
    Tokens,
    is_punct,
    is_word,
    name_at,
    names_list,
    skip_if_exists,
    skip_words,
    top_index,
    where_always_true,
)
from keyturn.understand.sql.statements import classify
from keyturn.understand.sql.tokens import Token

if TYPE_CHECKING:
    from keyturn.understand.shell.commands._warehouse_sql import WarehouseSession

_E = EffectKind
# Object kinds the SQL understanding does not know, read as the kind they are.
_KIND_WORDS: dict[str, dict[str, str]] = {
    "cassandra": {"keyspace": "database", "schema": "database", "columnfamily": "table"},
    "clickhouse": {"dictionary": "table"},
    "bigquery": {"schema": "database"},
    "trino": {"catalog": "database"},
    "presto": {"catalog": "database"},
}
_DDL = ("create", "drop", "alter", "undrop", "truncate")


def statements(tokens: Tokens, engine: str) -> list[list[Token]]:
    """The statements one scanned statement of ``engine`` holds, in forms the SQL
    understanding reads."""
    found = list(tokens)
    kinds = _KIND_WORDS.get(engine)
    if kinds and is_word(found, 0, *_DDL):
        found = [_as_kind(t, kinds) if i < 6 else t for i, t in enumerate(found)]
    if engine == "cassandra":
        return _cql_statements(found)
    if engine == "mssql":
        return tsql_statements(found)
    if engine == "bigquery":
        return [_dashed(bracketed(found))]
    return [found]


def _dashed(tokens: list[Token]) -> list[Token]:
    """BigQuery's unquoted dashed project names (``my-proj.ds.t``) as one name."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t, j, text = tokens[i], i, tokens[i].text
        while t.kind == "word" and is_punct(tokens, j + 1, "-") and is_word(tokens, j + 2):
            text, j = f"{text}-{tokens[j + 2].text}", j + 2
        if j > i and is_punct(tokens, j + 1, "."):
            out.append(Token("ident", text, t.depth))
            i = j + 1
        else:
            out.append(t)
            i += 1
    return out


def _as_kind(token: Token, kinds: dict[str, str]) -> Token:
    kind = kinds.get(token.text) if token.kind == "word" else None
    return Token("word", kind, token.depth) if kind else token


_CQL_DML = frozenset({"insert", "update", "delete"})


def _cql_statements(tokens: list[Token]) -> list[list[Token]]:
    """The statements of a CQL statement: a batch's, split where each begins (CQL needs no
    ``;`` between them), without ``BEGIN ... BATCH`` and ``APPLY BATCH``."""
    start = 0
    if is_word(tokens, 0, "begin"):
        j = skip_words(tokens, 1, {"unlogged", "counter"})
        if is_word(tokens, j, "batch"):
            start = j + 1 + (3 if is_word(tokens, j + 1, "using") else 0)
    body = tokens[start:]
    out: list[list[Token]] = []
    current: list[Token] = []
    base = body[0].depth if body else 0
    for k, t in enumerate(body):
        if is_word(body, k, "apply") and is_word(body, k + 1, "batch"):
            break
        if current and t.kind == "word" and t.depth == base and t.text in _CQL_DML:
            out.append(current)
            current = []
        current.append(t)
    out.append(current)
    return [_cql_delete(s) for s in out if s]


def _cql_delete(tokens: list[Token]) -> list[Token]:
    """``DELETE a, b FROM t ...`` deletes values in ``t``: read as ``DELETE FROM t ...``."""
    if is_word(tokens, 0, "delete") and not is_word(tokens, 1, "from"):
        at = top_index(tokens, "from")
        if at > 1:
            return [tokens[0], *tokens[at:]]
    return tokens


def judge_statement(tokens: list[Token], s: WarehouseSession) -> list[Effect]:
    """The effects of one statement of the session's engine."""
    word = tokens[0].text if tokens[0].kind == "word" else ""
    special = _SPECIAL.get((s.engine, word)) or _SPECIAL.get(("*", word))
    if special is not None:
        found = special(tokens, s)
        if found is not None:
            return found
    effects = classify(tokens, s)
    if word == "alter" and is_word(tokens, 1, "table"):
        effects = _alter_table(tokens, s, effects)
    elif word == "alter" and s.engine == "snowflake":
        effects = snowflake_swap(tokens, s) or effects
    elif word == "create":
        effects = _or_replace(tokens, s) or effects
    return effects


def _or_replace(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``CREATE OR REPLACE DATABASE|SCHEMA`` drops the one there first: a replace of it and
    of what it holds."""
    kind, i, or_replace = object_kind(tokens)
    if not or_replace or kind not in ("database", "schema"):
        return None
    parts, _ = name_at(tokens, skip_if_exists(tokens, i))
    if not parts:
        return None
    resource = dropped_resource(s, kind, parts)
    detail = "OR REPLACE: the one there is dropped"
    return [s.effect(_E.REPLACE, resource, f"CREATE {kind.upper()}", detail)]


_Special = Callable[[list[Token], "WarehouseSession"], "list[Effect] | None"]


def _nothing(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    return []


def _reads(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    return [s.effect(_E.READ, s.database_resource(), tokens[0].text.upper())]


def _unknown(reason: str) -> _Special:
    def judge(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
        return [s.unknown(reason, tokens[0].text.upper())]

    return judge


_TRANSACTION = frozenset({"transaction", "tran", "work", "distributed", "try", "catch"})


def _begin(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """A scripting block (``BEGIN DELETE FROM t; END``) runs what it holds."""
    if len(tokens) == 1 or is_word(tokens, 1, *_TRANSACTION):
        return None
    return judge_statement(tokens[1:], s)


def _control(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """T-SQL control flow (``IF cond``, ``PRINT``, ``RETURN``...): the functions it calls."""
    return call_effects(tokens, s)


def _truncate(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``TRUNCATE [TEMPORARY] [TABLE] [IF EXISTS] t``; ``TRUNCATE DATABASE d`` and
    ``TRUNCATE ALL TABLES FROM d`` (ClickHouse) empty every table of ``d``."""
    i = skip_words(tokens, 1, {"temporary"})
    if is_word(tokens, i, "database") or is_word(tokens, i, "all"):
        i = skip_if_exists(tokens, skip_words(tokens, i, {"database", "all", "tables", "from"}))
        parts, _ = name_at(tokens, i)
        if not parts:
            return [s.unknown("TRUNCATE of a database not named", "TRUNCATE DATABASE")]
        resource = dropped_resource(s, "database", parts)
        return [s.effect(_E.DELETE, resource, "TRUNCATE DATABASE", "every row of every table")]
    i = skip_if_exists(tokens, skip_words(tokens, i, {"table", "only"}))
    stop = frozenset({"on", "restart", "continue", "cascade", "restrict", "with", "settings"})
    names, _ = names_list(tokens, i, stop)
    if not names:
        return [s.unknown("TRUNCATE without a table", "TRUNCATE")]
    table = [s.object_resource(p, "table") for p in names]
    return [s.effect(_E.DELETE, r, "TRUNCATE", "TRUNCATE: every row") for r in table]


def _alter_table(tokens: list[Token], s: WarehouseSession, effects: list[Effect]) -> list[Effect]:
    """ClickHouse's ``ALTER TABLE t DELETE WHERE`` / ``CLEAR COLUMN c`` / ``REPLACE PARTITION``
    and Snowflake's ``ALTER TABLE a SWAP WITH b``, which the SQL understanding reads as
    updates."""
    table, i = name_at(tokens, skip_words(tokens, skip_if_exists(tokens, 2), {"only"}))
    if not table:
        return effects
    res = s.object_resource(table, "table")
    extra: list[Effect] = []
    base = tokens[0].depth
    for k in range(i, len(tokens)):
        if tokens[k].depth != base or not is_word(tokens, k) or is_punct(tokens, k + 1, "("):
            continue
        word = tokens[k].text
        if word == "delete" and s.engine == "clickhouse":
            where = top_index(tokens, "where", k)
            every = where < 0 or where_always_true(tokens, where)
            detail = "every row" if every else "rows matching WHERE"
            extra.append(s.effect(_E.DELETE, res, "ALTER TABLE DELETE", detail))
        elif word == "clear" and is_word(tokens, k + 1, "column") and s.engine == "clickhouse":
            column, _ = name_at(tokens, skip_if_exists(tokens, k + 2))
            if column:
                col = s.column_resource(table, column[-1])
                extra.append(s.effect(_E.DELETE, col, "ALTER TABLE CLEAR COLUMN", "its data"))
        elif word == "replace" and is_word(tokens, k + 1, "partition"):
            extra.append(s.effect(_E.REPLACE, res, "ALTER TABLE REPLACE PARTITION"))
        elif s.engine == "clickhouse" and word in ("modify", "materialize", "move"):
            extra += clickhouse_alter(tokens, k, s, res)
        elif word == "swap" and is_word(tokens, k + 1, "with") and s.engine == "snowflake":
            other, _ = name_at(tokens, k + 2)
            for r in (res, *([s.object_resource(other, "table")] if other else [])):
                extra.append(s.effect(_E.REPLACE, r, "ALTER TABLE SWAP WITH", "swaps contents"))
    if not extra:
        return effects
    replaced = {"sql:ALTER TABLE DELETE", "sql:ALTER TABLE CLEAR", "sql:ALTER TABLE REPLACE"}
    replaced |= {"sql:ALTER TABLE SWAP", "sql:ALTER TABLE MODIFY", "sql:ALTER TABLE MATERIALIZE"}
    replaced.add("sql:ALTER TABLE MOVE")
    return [e for e in effects if e.operation not in replaced] + extra


def _exchange(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """ClickHouse ``EXCHANGE TABLES a AND b``: each replaced by the other."""
    first, i = name_at(tokens, skip_words(tokens, 1, {"tables", "dictionaries"}))
    second, _ = name_at(tokens, i + 1) if is_word(tokens, i, "and") else ([], i)
    if not first or not second:
        return [s.unknown("EXCHANGE of tables not named", "EXCHANGE")]
    return [
        s.effect(_E.REPLACE, s.object_resource(p, "table"), "EXCHANGE", "swaps the two tables")
        for p in (first, second)
    ]


def _ch_replace(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """ClickHouse ``REPLACE [TEMPORARY] TABLE|DICTIONARY t ...`` (else MySQL's REPLACE INTO)."""
    i = skip_words(tokens, 1, {"temporary"})
    if not is_word(tokens, i, "table", "dictionary"):
        return None
    parts, _ = name_at(tokens, i + 1)
    if not parts:
        return [s.unknown("REPLACE TABLE without a name", "REPLACE TABLE")]
    return [s.effect(_E.REPLACE, s.object_resource(parts, "table"), "REPLACE TABLE")]


def _ch_insert(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    if any(is_word(tokens, k, "function") for k in (1, 2, 3)):
        reason = "writes through a table function (a file, a URL or another server)"
        return [s.unknown(reason, "INSERT INTO FUNCTION")]
    return None


def _undrop(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``UNDROP TABLE|SCHEMA|DATABASE x``: brings it back."""
    kind = tokens[1].text if is_word(tokens, 1) else "table"
    parts, _ = name_at(tokens, 2)
    if not parts:
        return [s.unknown("UNDROP without a name", "UNDROP")]
    if kind == "database":
        return [s.effect(_E.CREATE, s.database_resource(parts[-1]), "UNDROP DATABASE")]
    return [s.effect(_E.CREATE, s.object_resource(parts, kind), f"UNDROP {kind.upper()}")]


def _restore(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """SQL Server ``RESTORE DATABASE|LOG d FROM ...`` replaces ``d``; the other RESTOREs
    (``HEADERONLY``, ``VERIFYONLY``...) only read a backup."""
    if not is_word(tokens, 1, "database", "log"):
        return _reads(tokens, s)
    parts, _ = name_at(tokens, 2)
    if not parts:
        return [s.unknown("RESTORE of a database not named", "RESTORE")]
    detail = "replaces the database with the backup's"
    return [
        s.effect(_E.REPLACE, dropped_resource(s, "database", parts), "RESTORE DATABASE", detail)
    ]


def _snowflake_use(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``USE [DATABASE] d``, ``USE SCHEMA [d.]s``, ``USE d.s``; warehouses and roles change
    no data."""
    what = tokens[1].text if is_word(tokens, 1) else ""
    if what in ("warehouse", "role", "secondary"):
        return []
    parts, _ = name_at(tokens, 2 if what in ("database", "schema") else 1)
    if what == "schema" or len(parts) >= 2:
        s.database = parts[-2] if len(parts) >= 2 else s.database
        s.schema = parts[-1] if parts else s.schema
    elif parts:
        s.database, s.schema = parts[-1], ""
    return []


def _trino_use(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``USE catalog.schema`` or ``USE schema``."""
    parts, _ = name_at(tokens, 1)
    if len(parts) >= 2:
        s.database = parts[-2]
    if parts:
        s.schema = parts[-1]
    return []


_SPECIAL: dict[tuple[str, str], _Special] = {
    ("*", "truncate"): _truncate,
    ("*", "begin"): _begin,
    ("*", "undrop"): _undrop,
    **{("cassandra", w): _nothing for w in ("consistency", "serial", "tracing", "paging")},
    **{("cassandra", w): _nothing for w in ("expand", "clear", "cls", "exit", "quit", "login")},
    ("cassandra", "list"): _reads,
    ("cassandra", "capture"): _unknown("CAPTURE writes query output to a local file"),
    ("clickhouse", "exchange"): _exchange,
    ("clickhouse", "replace"): _ch_replace,
    ("clickhouse", "insert"): _ch_insert,
    ("clickhouse", "exists"): _reads,
    ("clickhouse", "watch"): _reads,
    ("clickhouse", "optimize"): optimize,
    ("snowflake", "create"): create_or_alter,
    ("clickhouse", "system"): _unknown(
        "SYSTEM statement: controls the server (caches, merges, replicas, shutdown)"
    ),
    ("snowflake", "use"): _snowflake_use,
    **{("snowflake", w): judge for w, judge in STAGE_STATEMENTS.items()},
    ("trino", "use"): _trino_use,
    ("presto", "use"): _trino_use,
    ("mssql", "restore"): _restore,
    **{
        ("mssql", w): _control
        for w in ("if", "while", "else", "begin", "end", "return", "print", "goto", "break")
    },
    **{("mssql", w): _control for w in ("continue", "waitfor", "raiserror", "throw")},
}
