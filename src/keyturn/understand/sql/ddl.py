"""Schema statements: DROP, TRUNCATE, CREATE, ALTER, GRANT/REVOKE (RENAME: :mod:`.renames`)."""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql import clickhouse
from keyturn.understand.sql.column_types import retyped_column
from keyturn.understand.sql.grant_objects import granted_names, grantee_roles
from keyturn.understand.sql.guard_switches import linked_rows
from keyturn.understand.sql.guards import default_privileges, guarded_table, switched_off
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    closing,
    is_punct,
    is_word,
    name_at,
    names_list,
    skip_if_exists,
    skip_words,
    top_index,
)
from keyturn.understand.sql.public_grants import opened_by_grant, opened_by_role
from keyturn.understand.sql.reach import reached
from keyturn.understand.sql.renames import new_name, renamed

_ROLE_KINDS = frozenset({"role", "user", "group"})
# The object kinds CREATE/DROP/ALTER name (the first of them in the statement is its kind).
OBJECT_KINDS = frozenset(
    {"table", "view", "index", "database", "schema", "sequence", "function", "procedure"}
    | {"trigger", "type", "extension", "policy", "rule", "domain", "server", "tablespace"}
    | {"publication", "subscription", "collation", "aggregate", "operator", "cast"}
    | {"statistics", "conversion", "language", "routine", "owned", "system", "mapping"}
    | {"dictionary"}  # ClickHouse's (a table of keys), PostgreSQL's text search ones
    | _ROLE_KINDS
)
_DROP_STOP = frozenset({"cascade", "restrict", "on", "force", "from", "in", "for"})


def object_kind(tokens: Tokens) -> tuple[str | None, int, bool]:
    """(kind, index after it, OR REPLACE given) of ``CREATE/DROP/ALTER [modifiers] KIND``.

    MySQL's ``DEFINER = `u`@`h``` and ``ALGORITHM = x`` clauses are skipped."""
    i, or_replace = 1, False
    while i < len(tokens) and i < 24:
        t = tokens[i]
        if t.kind == "word" and t.text in OBJECT_KINDS:
            return t.text, i + 1, or_replace
        or_replace = or_replace or (t.kind == "word" and t.text == "replace")
        i += 1
    return None, i, or_replace


def _resource(s: Session, kind: str, parts: list[str]) -> Resource:
    if kind == "database" or (kind == "schema" and s.engine == "mysql"):
        return s.database_resource(parts[-1])
    if kind in _ROLE_KINDS:
        return s.role_resource(parts[-1])
    return s.object_resource(parts, kind)


def dropped_resource(s: Session, kind: str, parts: list[str]) -> Resource:
    """What a DROP removes: a database or schema is named with everything in it, so that a
    protected table inside holds against the DROP of what holds it."""
    if kind == "database" or (kind == "schema" and s.engine == "mysql"):
        return s.database_resource(parts[-1], whole=True)
    if kind == "schema":
        return s.schema_resource(parts)
    return _resource(s, kind, parts)


def drop(tokens: Tokens, s: Session) -> list[Effect]:
    """DROP <kind> [IF EXISTS] a, b [CASCADE]: delete of each object. CASCADE (not MySQL's,
    which does nothing) drops what depends on it, unnamed: for a kind other tables' columns
    or tables depend on (a column of a dropped type goes with it, with its data), each object
    is also named as everything in its database."""
    kind, i, _ = object_kind(tokens)
    if kind is None:
        return [s.unknown("DROP of an object kind not understood", "DROP")]
    op = f"DROP {kind.upper()}"
    if kind == "owned":  # DROP OWNED BY role: every object the role owns in this database
        every = s.database_resource(whole=True)
        return [s.effect(EffectKind.DELETE, every, op, "every object the role owns")]
    i = _skip_if_empty(tokens, skip_words(tokens, i, {"concurrently"}))
    i = _skip_if_empty(tokens, skip_if_exists(tokens, i))
    names, _ = names_list(tokens, i, _DROP_STOP)
    if not names:
        return [s.unknown(f"{op} without a name", op)]
    cascade = top_index(tokens, "cascade") >= 0
    detail = "CASCADE: dependent objects too" if cascade else ""
    wide = cascade and s.engine != "mysql" and kind in _DATA_DEPENDS_ON
    wide = wide or (cascade and kind in _ROW_TYPE_KINDS and s.engine in _ROW_TYPE_ENGINES)
    out = []
    for parts in names:
        res = dropped_resource(s, kind, parts)
        # a schema's objects are "s.*": its database is the one of s.* (other.audit.*)
        held = [*parts, "*"] if kind == "schema" else parts
        out.append(
            s.effect(EffectKind.DELETE, s.with_dependents(res, held) if wide else res, op, detail)
        )
        out += reached(s, res, "drop", cascade=cascade) if kind == "table" else []
    return out + guarded_table(tokens, kind, s)


def _skip_if_empty(tokens: Tokens, i: int) -> int:
    """ClickHouse's ``DROP TABLE [IF EXISTS] IF EMPTY t``."""
    return i + 2 if is_word(tokens, i, "if") and is_word(tokens, i + 1, "empty") else i


# Kinds whose DROP ... CASCADE can drop columns or tables it does not name (PostgreSQL): a
# column of the type, domain or collation; a generated column using the function, operator
# or cast; what an extension or language brings; a server's foreign tables.
_DATA_DEPENDS_ON = frozenset(
    {"type", "domain", "extension", "function", "routine", "operator", "cast", "collation"}
    | {"server", "language"}
)
# PostgreSQL only: a table's or view's row type may be another table's column type, and a
# table may be inherited from (PostgreSQL 15: DROP ... CASCADE drops those columns and tables);
# a schema's types and tables too, for tables in other schemas (PostgreSQL 15 run).
_ROW_TYPE_KINDS = frozenset({"table", "view", "schema"})
_ROW_TYPE_ENGINES = frozenset({"postgres", "sql"})


def truncate(tokens: Tokens, s: Session) -> list[Effect]:
    """TRUNCATE [TABLE] [IF EXISTS] [ONLY] a, b: delete of every row of each table
    (ClickHouse and others accept IF EXISTS; it must not be taken for the table's name).
    CASCADE also empties every table referencing them, unnamed: each table is also named as
    everything in its database. ClickHouse's ``TRUNCATE DATABASE d`` and ``TRUNCATE [ALL]
    TABLES FROM d`` empty every table of ``d``."""
    whole = _truncated_database(tokens)
    if whole is not None:
        parts, _ = name_at(tokens, skip_if_exists(tokens, whole))
        if not parts:
            return [s.unknown("TRUNCATE of a database not named", "TRUNCATE DATABASE")]
        every = s.database_resource(parts[-1], whole=True)
        return [s.effect(EffectKind.DELETE, every, "TRUNCATE DATABASE", "every row of every table")]
    i = skip_words(tokens, skip_if_exists(tokens, skip_words(tokens, 1, {"table"})), {"only"})
    stop = frozenset({"restart", "continue", "cascade", "restrict", "on", "settings", "sync"})
    names, _ = names_list(tokens, i, stop)
    if not names:
        return [s.unknown("TRUNCATE without a table", "TRUNCATE")]
    detail = "TRUNCATE: every row"
    cascade = top_index(tokens, "cascade") >= 0
    if cascade:
        detail += "; CASCADE: referencing tables too"
    out = []
    for parts in names:
        res = s.object_resource(parts, "table")
        wide = s.with_dependents(res, parts) if cascade and s.engine != "mysql" else res
        out.append(s.effect(EffectKind.DELETE, wide, "TRUNCATE", detail))
        out += reached(s, res, "truncate", cascade=cascade)
    return out


def _truncated_database(tokens: Tokens) -> int | None:
    """Where the database's name (or IF EXISTS) is in ``TRUNCATE DATABASE`` / ``TRUNCATE [ALL]
    TABLES FROM``; None for a TRUNCATE of tables."""
    if is_word(tokens, 1, "database"):
        return 2
    at = 2 if is_word(tokens, 1, "all") else 1
    if is_word(tokens, at, "tables") and is_word(tokens, at + 1, "from"):
        return at + 2
    return None


def create(tokens: Tokens, s: Session) -> list[Effect]:
    """CREATE [OR REPLACE] <kind> name: create (replace of a table; update of a definition)."""
    kind, i, or_replace = object_kind(tokens)
    if kind is None:
        return [s.unknown("CREATE of an object kind not understood", "CREATE")]
    op = f"CREATE {kind.upper()}"
    if kind in _ROUTINE_KINDS and _loads_library(tokens):
        return [s.unknown("loads a library into the database server (code on its host)", op)]
    i = skip_if_exists(tokens, skip_words(tokens, i, {"concurrently"}))
    if kind == "index" and is_word(tokens, i, "on"):  # an unnamed index: name its table
        i = skip_words(tokens, i + 1, {"only"})
    parts, _ = name_at(tokens, i, strings=kind in _ROLE_KINDS)
    if not parts:
        return [s.unknown(f"{op} without a name", op)]
    effect = EffectKind.CREATE
    if or_replace:
        effect = EffectKind.REPLACE if kind == "table" else EffectKind.UPDATE
    guards = guarded_table(tokens, kind, s) if kind == "policy" else []
    guards += opened_by_role(tokens, kind, s)
    return [s.effect(effect, _resource(s, kind, parts), op), *guards]


_ROUTINE_KINDS = frozenset({"function", "procedure", "aggregate", "routine"})


def _loads_library(tokens: Tokens) -> bool:
    """Whether a CREATE FUNCTION binds to a library: PostgreSQL ``LANGUAGE c`` (or
    ``internal``), MySQL ``SONAME 'lib.so'``. PostgreSQL opens the library (and runs its
    ``_PG_init``) at CREATE time."""
    if top_index(tokens, "soname") >= 0:
        return True
    at = top_index(tokens, "language")
    while at >= 0:
        if at + 1 < len(tokens) and tokens[at + 1].text.lower() in ("c", "internal"):
            return True
        at = top_index(tokens, "language", at + 1)
    return False


def alter(tokens: Tokens, s: Session) -> list[Effect]:
    """ALTER <kind> name ...: update; ALTER TABLE ... DROP COLUMN / DROP PARTITION: delete."""
    privileges = default_privileges(tokens, s)
    if privileges is not None:
        return privileges
    kind, i, _ = object_kind(tokens)
    if kind is None:
        return [s.unknown("ALTER of an object kind not understood", "ALTER")]
    op = f"ALTER {kind.upper()}"
    runs = _runs_code(tokens, i)
    if runs is not None:
        return [s.unknown(f"sets {runs}, which names a program or library the server runs", op)]
    if kind == "system":
        return [s.effect(EffectKind.UPDATE, s.database_resource(), op, "server configuration")]
    i = skip_words(tokens, skip_if_exists(tokens, i), {"only"})
    parts, i = name_at(tokens, i, strings=kind in _ROLE_KINDS)
    if not parts:
        return [s.unknown(f"{op} without a name", op)]
    if is_punct(tokens, i, "*"):  # ALTER TABLE t * ...: t and its descendants (PostgreSQL)
        i += 1
    if kind == "table":
        return _alter_table_actions(tokens, i, parts, s)
    if is_punct(tokens, i, "("):  # ALTER FUNCTION f(int) ...: its arguments
        i = closing(tokens, i) + 1
    moved = new_name(tokens[i:])
    if moved is not None:  # a database or schema is renamed with everything in it
        old = dropped_resource(s, kind, parts)
        return renamed(s, old, how=moved[0], old_parts=parts, new_parts=moved[1])
    guards = guarded_table(tokens, kind, s) if kind in ("policy", "trigger") else []
    guards += opened_by_role(tokens, kind, s)
    return [s.effect(EffectKind.UPDATE, _resource(s, kind, parts), op), *guards]


# PostgreSQL settings naming a program the server runs or a library it loads: setting one
# (ALTER SYSTEM, or ALTER DATABASE/ROLE ... SET for the sessions that open) runs code on the
# database host.
_CODE_SETTINGS = frozenset(
    {"archive_command", "archive_library", "restore_command", "archive_cleanup_command"}
    | {"recovery_end_command", "ssl_passphrase_command", "shared_preload_libraries"}
    | {"session_preload_libraries", "local_preload_libraries", "dynamic_library_path"}
    | {"jit_provider"}
)


def _runs_code(tokens: Tokens, start: int) -> str | None:
    """The setting of :data:`_CODE_SETTINGS` an ALTER sets (``SET name TO|= ...``), if any."""
    for k in range(start, len(tokens) - 1):
        if is_word(tokens, k, "set") and tokens[k + 1].kind in ("word", "ident"):
            name = tokens[k + 1].text.lower()
            if name in _CODE_SETTINGS:
                return name
    return None


def _alter_table_actions(tokens: Tokens, i: int, table: list[str], s: Session) -> list[Effect]:
    if s.engine == "clickhouse":
        return clickhouse.alter_table(tokens, i, table, s, _alter_table_action)
    out: list[Effect] = []
    base = tokens[0].depth
    while i < len(tokens):
        end = i
        while end < len(tokens) and not (tokens[end].depth == base and is_punct(tokens, end, ",")):
            end += 1
        out += _alter_table_action(tokens[i:end], table, s)
        i = end + 1
    return out or [s.effect(EffectKind.UPDATE, s.object_resource(table, "table"), "ALTER TABLE")]


def _loses_rows(action: Tokens) -> bool:
    """MySQL ``ENGINE=BLACKHOLE`` (rows are thrown away) and ``DISCARD TABLESPACE`` (the data
    file is removed)."""
    verb = action[0].text if action and action[0].kind == "word" else ""
    if verb == "discard":
        return True
    return verb == "engine" and any(t.text.lower() == "blackhole" for t in action[1:])


_DROP_NON_DATA = frozenset(
    {"constraint", "index", "key", "primary", "foreign", "check", "default", "not", "identity"}
    | {"expression", "trigger", "system"}
)


def _alter_table_action(action: Tokens, table: list[str], s: Session) -> list[Effect]:
    table_res = s.object_resource(table, "table")
    moved = new_name(action)
    if moved is not None:
        return renamed(s, table_res, how=moved[0], old_parts=table, new_parts=moved[1])
    guard = switched_off(action, table_res, s)
    if guard is not None:
        return [guard]
    return (
        linked_rows(action, table_res, s)
        or _partition_moves(action, table_res, s)
        or [_alter_table_change(action, table, table_res, s)]
    )


def _partition_moves(action: Tokens, table_res: Resource, s: Session) -> list[Effect]:
    """Rows moved between a table and another (PostgreSQL 15 and MariaDB 10.11 run):
    ``DETACH PARTITION p`` takes p's rows out of the table (p keeps them); MySQL's
    ``EXCHANGE PARTITION p WITH TABLE o`` swaps p's rows with all of o's (both replaced);
    MariaDB's ``CONVERT PARTITION p TO TABLE o`` moves p's rows out into a new table o."""
    verb = action[0].text if action and action[0].kind == "word" else ""
    if verb == "detach" and is_word(action, 1, "partition"):
        why = "the partition's rows leave the table"
        return [s.effect(EffectKind.DELETE, table_res, "ALTER TABLE DETACH PARTITION", why)]
    if verb == "convert" and is_word(action, 1, "table"):  # CONVERT TABLE o TO PARTITION p
        other, _ = name_at(action, 2)
        if other:
            op, why = "ALTER TABLE CONVERT TABLE", "the table becomes a partition of another"
            gone = s.effect(EffectKind.DELETE, s.object_resource(other, "table"), op, why)
            return [gone, s.effect(EffectKind.UPDATE, table_res, op, "receives its rows")]
    at = top_index(action, "table")
    other, _ = name_at(action, at + 1) if at >= 0 else ([], 0)
    if not other or not is_word(action, 1, "partition"):
        return []
    other_res = s.object_resource(other, "table")
    if verb == "exchange":
        why = "swaps the partition's rows with the other table's"
        op = "ALTER TABLE EXCHANGE PARTITION"
        return [s.effect(EffectKind.REPLACE, r, op, why) for r in (table_res, other_res)]
    if verb == "convert":
        op = "ALTER TABLE CONVERT PARTITION"
        out = s.effect(EffectKind.DELETE, table_res, op, "the partition's rows leave the table")
        return [out, s.effect(EffectKind.CREATE, other_res, op, "made of the partition's rows")]
    return []


def _alter_table_change(
    action: Tokens, table: list[str], table_res: Resource, s: Session
) -> Effect:
    verb = action[0].text if action and action[0].kind == "word" else ""
    if verb == "truncate" or (verb == "drop" and is_word(action, 1, "partition")):
        op = f"ALTER TABLE {verb.upper()} PARTITION"
        return s.effect(EffectKind.DELETE, table_res, op, "every row of the partition")
    if _loses_rows(action):
        return s.effect(EffectKind.DELETE, table_res, f"ALTER TABLE {verb.upper()}", "every row")
    if verb == "alter" and top_index(action, "using") >= 0:
        # ALTER COLUMN c TYPE t USING <expr>: every value of the column rewritten (USING NULL)
        column, _ = name_at(action, skip_words(action, 1, {"column"}))
        if column:
            res = s.column_resource(table, column[-1])
            return s.effect(EffectKind.DELETE, res, "ALTER COLUMN USING", "rewrites every value")
    retyped = retyped_column(action, table, s)
    if retyped is not None:
        return retyped
    if verb != "drop":
        detail = "renames a column, constraint or index" if verb == "rename" else ""
        return s.effect(EffectKind.UPDATE, table_res, f"ALTER TABLE {verb.upper()}", detail)
    if is_word(action, 1) and action[1].text in _DROP_NON_DATA:
        what = action[1].text.upper()
        return s.effect(EffectKind.UPDATE, table_res, "ALTER TABLE DROP", f"drops a {what}")
    j = skip_if_exists(action, skip_words(action, 1, {"column"}))
    column, _ = name_at(action, j)
    if not column:
        return s.unknown("ALTER TABLE DROP of something not understood", "ALTER TABLE DROP")
    res = s.column_resource(table, column[-1])
    return s.effect(EffectKind.DELETE, res, "ALTER TABLE DROP COLUMN", "the column's data")


def grant(tokens: Tokens, s: Session) -> list[Effect]:
    """GRANT/REVOKE: update of the objects and of the roles whose rights change (what the
    objects and grantees are: :mod:`.grant_objects`)."""
    op = tokens[0].text.upper()
    on = top_index(tokens, "on")
    to = max(top_index(tokens, "to"), top_index(tokens, "from"))
    out: list[Effect] = []
    if on >= 0:
        kind, names = granted_names(tokens, on, to if to > on else len(tokens), s.engine)
        out += [s.effect(EffectKind.UPDATE, _resource(s, kind, parts), op) for parts in names]
    if to >= 0:
        out += [s.effect(EffectKind.UPDATE, r, op) for r in grantee_roles(tokens, to + 1, s)]
    out = out or [s.effect(EffectKind.UPDATE, s.database_resource(), op)]
    return out + opened_by_grant(tokens, s)
