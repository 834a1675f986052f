"""Classify one SQL statement (a token list from :mod:`keyturn.understand.sql.tokens`).

The statement's first word picks a reader; a statement no reader knows is ``unknown`` with the
word in the reason. Data-modifying statements in parentheses (PostgreSQL's
``WITH d AS (DELETE ...) SELECT ...``) are classified wherever they appear.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql import clickhouse, ddl, settings
from keyturn.understand.sql.ctes import main_statement
from keyturn.understand.sql.functions import call_effects
from keyturn.understand.sql.guard_switches import alter_switches
from keyturn.understand.sql.guards import schema_table_writes
from keyturn.understand.sql.meta import meta_command
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    closing,
    is_punct,
    is_word,
    name_at,
    names_list,
    skip_words,
    top_index,
)
from keyturn.understand.sql.procedural import do_block, forget
from keyturn.understand.sql.reach import reached, record
from keyturn.understand.sql.renames import rename
from keyturn.understand.sql.row_changes import delete, update
from keyturn.understand.sql.sqlite_statements import attach, vacuum
from keyturn.understand.sql.stored_code import stored_code

_DML = frozenset({"insert", "update", "delete", "merge", "replace"})
_STARTS = _DML | {"select", "values", "table", "with"}
_STRAY = frozenset({"drop", "truncate", "delete", "alter", "create", "grant", "revoke", "insert"})

# Statements that evaluate expressions: the functions they call run (:mod:`.functions`).
_EVALUATES = frozenset(
    {"select", "values", "with", "insert", "update", "delete", "merge", "replace", "upsert"}
    | {"copy", "set", "declare"}
)


def classify(tokens: Tokens, s: Session) -> list[Effect]:
    """The effects of one statement."""
    if any(t.kind == "bad" for t in tokens):
        return [s.unknown("unterminated quote or comment")]
    first = tokens[0]
    if first.kind == "meta":
        return meta_command(first.text, s, classify)
    if first.kind == "punct" and first.text == "(":
        out = select(tokens, s)
    elif first.kind != "word":
        return [s.unknown(f"statement not understood: starts with {first.text[:20]!r}")]
    else:
        reader = _READERS.get(first.text)
        if reader is None:
            return [s.unknown(f"statement not understood: {first.text.upper()}")]
        out = reader(tokens, s)
    out += _nested_dml(tokens, s) + call_effects(_evaluated(tokens), s)
    return schema_table_writes(out, s)


def _evaluated(tokens: Tokens) -> Tokens:
    """The part of a statement whose expressions run now: all of a query or DML statement, the
    query of ``CREATE TABLE|MATERIALIZED VIEW ... AS``, nothing of other statements (EXPLAIN
    without ANALYZE, a view's or function's definition)."""
    first = tokens[0]
    if first.kind == "punct" or first.text in _EVALUATES:
        return tokens
    if first.text == "create":
        kind, at, _ = ddl.object_kind(tokens)
        query = top_index(tokens, "as", at)
        materialized = any(is_word(tokens, k, "materialized") for k in range(1, at))
        if query >= 0 and (kind == "table" or (kind == "view" and materialized)):
            return tokens[query + 1 :]
    return ()


def _nested_dml(tokens: Tokens, s: Session) -> list[Effect]:
    out: list[Effect] = []
    i = 1
    while i < len(tokens):
        if is_punct(tokens, i, "(") and is_word(tokens, i + 1) and tokens[i + 1].text in _DML:
            end = closing(tokens, i)
            out += classify(tokens[i + 1 : end], s)
            i = end
        i += 1
    return out


def _read(tokens: Tokens, s: Session) -> list[Effect]:
    return [s.effect(EffectKind.READ, s.database_resource(), tokens[0].text.upper())]


def _nothing(tokens: Tokens, s: Session) -> list[Effect]:
    return []


def select(tokens: Tokens, s: Session) -> list[Effect]:
    """SELECT: read; ``INTO table`` creates it. ``FOR UPDATE`` stays a read: it changes no data,
    and its row locks last only as long as the transaction, as any query's locks do."""
    out = _read(tokens, s) if tokens[0].kind == "word" else []
    out = out or [s.effect(EffectKind.READ, s.database_resource(), "SELECT")]
    into = top_index(tokens, "into")
    if into >= 0:
        if is_word(tokens, into + 1, "outfile", "dumpfile"):
            out.append(s.unknown("writes a file on the database server", "SELECT INTO OUTFILE"))
        else:
            i = skip_words(tokens, into + 1, {"temporary", "temp", "unlogged", "table"})
            parts, _ = name_at(tokens, i)
            if parts:
                out.append(
                    s.effect(EffectKind.CREATE, s.object_resource(parts, "table"), "SELECT INTO")
                )
    base = tokens[0].depth
    stray = [
        t.text for t in tokens[1:] if t.depth == base and t.kind == "word" and t.text in _STRAY
    ]
    if stray:  # "SELECT 1 DROP TABLE t": a statement run on without its ';' is not a read
        out.append(s.unknown(f"statement keyword {stray[0].upper()} inside a SELECT"))
    return out  # the functions it calls: classify (call_effects)


def _with(tokens: Tokens, s: Session) -> list[Effect]:
    """WITH ... <main statement>: the main statement (the CTE bodies are nested DML). It is
    found by the CTE list's shape (:mod:`.ctes`): a CTE may be named ``insert``."""
    at = main_statement(tokens, expressions=s.engine == "clickhouse")
    if at is not None and (is_punct(tokens, at, "(") or is_word(tokens, at, *_STARTS)):
        return classify(tokens[at:], s)
    return [s.unknown("WITH whose statement is not understood")]


def _explain(tokens: Tokens, s: Session) -> list[Effect]:
    """EXPLAIN reads; EXPLAIN ANALYZE runs the statement (any: ``CREATE TABLE AS``, ``EXECUTE``,
    ``DECLARE``), so it has its effects."""
    for i in range(1, len(tokens)):
        t = tokens[i]
        if t.depth == tokens[0].depth and t.kind == "word" and t.text in _EXPLAINED:
            if any(is_word(tokens, k, "analyze", "analyse") for k in range(1, i)):
                return classify(tokens[i:], s)
            break
    else:
        if top_index(tokens, "analyze") >= 0 or top_index(tokens, "analyse") >= 0:
            return [s.unknown("EXPLAIN ANALYZE runs a statement not understood", "EXPLAIN")]
    return _read(tokens, s)


# Statements EXPLAIN can show: the words that end its options.
_EXPLAINED = _STARTS | {"create", "execute", "declare", "refresh", "copy", "table", "call"}


def _insert(tokens: Tokens, s: Session) -> list[Effect]:
    """INSERT INTO t: create of rows; upserts and INSERT OR REPLACE: update; OVERWRITE: replace."""
    mods = {"low_priority", "delayed", "high_priority", "ignore", "or", "replace", "rollback"}
    mods |= {"abort", "fail", "overwrite", "into", "table"}
    if is_word(tokens, 1, "or") and is_word(tokens, 2, "update"):
        mods |= {"update"}  # Spanner's INSERT OR UPDATE [INTO] t: an upsert
    i = skip_words(tokens, 1, mods)
    words = {tokens[k].text for k in range(1, i)}
    parts, _ = name_at(tokens, i)
    if not parts:
        return [s.unknown("INSERT without a table", "INSERT")]
    upsert = bool(words & {"replace", "update"}) or top_index(tokens, "duplicate") >= 0
    conflict = top_index(tokens, "conflict")
    upsert = upsert or (conflict >= 0 and top_index(tokens, "update", conflict) >= 0)
    kind = EffectKind.UPDATE if upsert else EffectKind.CREATE
    kind = EffectKind.REPLACE if "overwrite" in words else kind
    res = s.object_resource(parts, "table")
    # OR REPLACE deletes the old row first: its foreign keys' delete actions run
    event = "delete" if "replace" in words else "update"
    effect = s.effect(kind, res, "INSERT", "upsert" * upsert)
    return [effect, *(reached(s, res, event) if upsert else [])]


def _replace(tokens: Tokens, s: Session) -> list[Effect]:
    """MySQL/SQLite REPLACE INTO t: delete-then-insert of matching rows -> update."""
    parts, _ = name_at(tokens, skip_words(tokens, 1, {"low_priority", "delayed", "into"}))
    if not parts:
        return [s.unknown("REPLACE without a table", "REPLACE")]
    res = s.object_resource(parts, "table")
    # the old row is deleted first: its foreign keys' delete actions run (MariaDB checked)
    return [s.effect(EffectKind.UPDATE, res, "REPLACE"), *reached(s, res, "delete")]


def _merge(tokens: Tokens, s: Session) -> list[Effect]:
    """MERGE INTO t ...: update, or delete when a branch deletes."""
    parts, _ = name_at(tokens, skip_words(tokens, 1, {"into", "only"}))
    if not parts:
        return [s.unknown("MERGE without a table", "MERGE")]
    deletes = any(is_word(tokens, k, "delete") for k in range(2, len(tokens)))
    kind = EffectKind.DELETE if deletes else EffectKind.UPDATE
    res = s.object_resource(parts, "table")
    return [s.effect(kind, res, "MERGE"), *reached(s, res, "delete" if deletes else "update")]


def _copy(tokens: Tokens, s: Session) -> list[Effect]:
    """COPY t FROM: create of rows; COPY t/(query) TO: read; ... PROGRAM: unknown."""
    if top_index(tokens, "program") >= 0:
        return [s.unknown("COPY ... PROGRAM runs a program", "COPY PROGRAM")]
    if is_punct(tokens, 1, "("):
        return _read(tokens, s) + _copy_out(tokens[closing(tokens, 1) :], s)
    parts, _ = name_at(tokens, 1)
    if not parts:
        return [s.unknown("COPY without a table", "COPY")]
    if top_index(tokens, "from") >= 0:
        return [s.effect(EffectKind.CREATE, s.object_resource(parts, "table"), "COPY FROM")]
    read = s.effect(EffectKind.READ, s.object_resource(parts, "table"), "COPY TO")
    return [read, *_copy_out(tokens, s)]


def _copy_out(tokens: Tokens, s: Session) -> list[Effect]:
    """``COPY ... TO 'file'`` writes a file (on the server; ``\\copy``'s on this machine)."""
    to = top_index(tokens, "to")
    if to >= 0 and to + 1 < len(tokens) and tokens[to + 1].kind == "string":
        return [s.unknown(f"writes the file {tokens[to + 1].text[:200]!r}", "COPY TO")]
    return []


def _load(tokens: Tokens, s: Session) -> list[Effect]:
    """MySQL LOAD DATA ... INTO TABLE t: create of rows (update with REPLACE)."""
    into = top_index(tokens, "into")
    if into < 0:
        return [s.unknown("LOAD of something other than data", "LOAD")]
    parts, _ = name_at(tokens, skip_words(tokens, into + 1, {"table"}))
    if not parts:
        return [s.unknown("LOAD DATA without a table", "LOAD DATA")]
    replacing = top_index(tokens, "replace") >= 0
    res = s.object_resource(parts, "table")
    # REPLACE deletes the old row first: its foreign keys' delete actions run (MariaDB run)
    reach = reached(s, res, "delete") if replacing else []
    return [
        s.effect(EffectKind.UPDATE if replacing else EffectKind.CREATE, res, "LOAD DATA"),
        *reach,
    ]


def _use(tokens: Tokens, s: Session) -> list[Effect]:
    """USE db: later statements run on ``db``."""
    parts, _ = name_at(tokens, 1)
    if parts:
        s.database = parts[-1]
    return []


def _set(tokens: Tokens, s: Session) -> list[Effect]:
    """SET (:mod:`.settings`): MariaDB's ``SET STATEMENT ... FOR <statement>`` runs one."""
    return settings.set_statement(tokens, s, classify)


def _lock(tokens: Tokens, s: Session) -> list[Effect]:
    """LOCK [TABLE|TABLES] a [, b] ...: an update of each table: other sessions wait (for an
    ACCESS EXCLUSIVE lock, even to read) until the transaction ends or UNLOCK TABLES."""
    if is_word(tokens, 1, "instance"):
        return [s.effect(EffectKind.UPDATE, s.database_resource(), "LOCK INSTANCE", "blocks")]
    i = skip_words(tokens, 1, {"table", "tables", "only"})
    names, _ = names_list(tokens, i, frozenset({"in", "nowait"}))
    if not names:
        return [s.unknown("LOCK of something not understood", "LOCK")]
    why = "locks the table: other sessions wait"
    return [s.effect(EffectKind.UPDATE, s.object_resource(p, "table"), "LOCK", why) for p in names]


def _prepare(tokens: Tokens, s: Session) -> list[Effect]:
    """PREPARE p AS <statement>: judged as the statement; MySQL PREPARE p FROM 'text' too."""
    at = top_index(tokens, "as")
    if at >= 0 and at + 1 < len(tokens):
        return classify(tokens[at + 1 :], s)
    source = top_index(tokens, "from")
    if source >= 0 and source + 1 < len(tokens) and tokens[source + 1].kind == "string":
        from keyturn.understand.sql.tokens import dialect_for, scan

        out: list[Effect] = []
        for statement in scan(tokens[source + 1].text, dialect_for(s.engine)):
            out += classify(statement, s)
        return out
    return [s.unknown("PREPARE of a statement not at hand", "PREPARE")]


def _code(reason: str) -> Callable[[Tokens, Session], list[Effect]]:
    def read(tokens: Tokens, s: Session) -> list[Effect]:
        return [s.unknown(reason, tokens[0].text.upper())]

    return read


def _update_database(detail: str) -> Callable[[Tokens, Session], list[Effect]]:
    def read(tokens: Tokens, s: Session) -> list[Effect]:
        op = tokens[0].text.upper()
        return [s.effect(EffectKind.UPDATE, s.database_resource(), op, detail)]

    return read


def _install(tokens: Tokens, s: Session) -> list[Effect]:
    """MySQL ``INSTALL PLUGIN|SONAME``: loads a library into the server (code on its host)."""
    return [s.unknown("loads a library into the database server", "INSTALL")]


def _create(tokens: Tokens, s: Session) -> list[Effect]:
    """CREATE (:func:`.ddl.create`); of a rule, trigger or event, what its code does too."""
    found = stored_code(tokens, s, classify)
    record(tokens, s)
    return ddl.create(tokens, s) if found is None else found


def _do(tokens: Tokens, s: Session) -> list[Effect]:
    """DO: what its body does (:func:`.procedural.do_block`)."""
    return do_block(tokens, s, classify)


def _drop(tokens: Tokens, s: Session) -> list[Effect]:
    forget(tokens, s)
    return ddl.drop(tokens, s)


def _alter(tokens: Tokens, s: Session) -> list[Effect]:
    """ALTER (:func:`.ddl.alter`); of an event, what its code does too."""
    found = stored_code(tokens, s, classify)
    forget(tokens, s)
    record(tokens, s)
    return ddl.alter(tokens, s) + alter_switches(tokens, s) if found is None else found


_Reader = Callable[[Tokens, Session], list[Effect]]
_READERS: dict[str, _Reader] = {
    **dict.fromkeys(
        ["show", "describe", "desc", "values", "table", "fetch", "declare", "move"],
        _read,
    ),
    **dict.fromkeys(["help", "check", "checksum", "handler", "get"], _read),
    **dict.fromkeys(
        ["begin", "start", "commit", "end", "rollback", "savepoint", "release", "abort"],
        _nothing,
    ),
    **dict.fromkeys(["discard", "deallocate", "close", "listen", "unlisten", "xa"], _nothing),
    "reset": settings.reset,
    "select": select,
    "with": _with,
    "explain": _explain,
    "insert": _insert,
    "replace": _replace,
    "upsert": _replace,
    "merge": _merge,
    "update": update,
    "delete": delete,
    "copy": _copy,
    "load": _load,
    "use": _use,
    "set": _set,
    "prepare": _prepare,
    "pragma": settings.pragma,
    "lock": _lock,
    "drop": _drop,
    "truncate": ddl.truncate,
    "create": _create,
    "alter": _alter,
    "grant": ddl.grant,
    "revoke": ddl.grant,
    "rename": rename,
    "do": _do,
    "call": _code("runs a stored procedure"),
    "execute": _code("runs a prepared or dynamic statement"),
    "exec": _code("runs a prepared or dynamic statement"),
    "system": _code("runs a shell command from the SQL client"),
    "source": _code("runs SQL from a file"),
    "attach": attach,
    "vacuum": vacuum,
    "install": _install,
    **dict.fromkeys(
        ["analyze", "analyse", "reindex", "cluster", "optimize", "repair"],
        _update_database("maintenance"),
    ),
    **dict.fromkeys(
        ["refresh", "comment", "security", "reassign", "notify", "import", "flush", "kill"],
        _update_database(""),
    ),
    **dict.fromkeys(["uninstall", "checkpoint"], _update_database("")),
    "purge": settings.purge,
    "detach": clickhouse.detach,
}


def session_only(s: Session) -> Effect:
    """The effect of text with no effectful statement (only BEGIN/SET/...): a read."""
    return s.effect(EffectKind.READ, s.database_resource(), "session", "no effectful statement")
