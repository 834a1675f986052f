"""What keeps a table's rows from being changed, and statements that take it away.

A policy's ``protected`` says a table is never deleted nor unprotected by an agent. Besides
keyturn, the database itself may guard a table (PostgreSQL 15 run): a ``BEFORE DELETE``
trigger raising an error or a rule ``ON DELETE DO INSTEAD NOTHING`` keeps its rows, and
row-level security policies decide which rows each role reaches. So a statement that switches
such a guard off is an update of the *table* that removes its protection, as a rename is
(:mod:`.renames`): denied on a protected table, the update it always was elsewhere:

- ``ALTER TABLE t DISABLE TRIGGER|RULE ...`` and ``ENABLE REPLICA TRIGGER|RULE`` (it then
  fires only in replication sessions), ``DISABLE`` / ``NO FORCE ROW LEVEL SECURITY``, and
  PostgreSQL's ``SET UNLOGGED`` (the table is emptied after a crash and not replicated: its
  rows lose their crash safety and their standbys' copy; ``SET LOGGED`` is a plain update);
- ``DROP TRIGGER|RULE|POLICY name ON t``; ``CREATE OR REPLACE TRIGGER|RULE`` on ``t`` (the old
  one is gone: :mod:`.stored_code`);
- ``ALTER POLICY p ON t`` (its expression may now let every row through; a RENAME is a plain
  update) and a permissive ``CREATE POLICY`` (permissive policies are OR-ed: one ``USING
  (true)`` opens every row). A ``RESTRICTIVE`` policy only narrows: a plain update.

``ENABLE TRIGGER`` / ``ENABLE ROW LEVEL SECURITY`` only add a guard: plain updates.

SQLite's schema table: with ``PRAGMA writable_schema`` on, ``DELETE FROM sqlite_master WHERE
name = 't'`` removes the table ``t``, and ``UPDATE sqlite_schema SET rootpage = ...`` left a
table's rows unreachable and the file corrupt (sqlite3 3.40 run): any write of
``sqlite_master``/``sqlite_schema`` is a delete, also named as everything in its database.

``ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT|REVOKE ...``: the privileges of the
tables created later change: an update of the schema (the database without one) and of the
roles.
"""

from __future__ import annotations

from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.guard_switches import event_trigger
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    is_word,
    name_at,
    names_list,
    skip_if_exists,
    skip_words,
    top_index,
)
from keyturn.understand.sql.public_grants import future_grants

_GUARDS = frozenset({"trigger", "rule", "policy"})


def switched_off(action: Tokens, table: Resource, s: Session) -> Effect | None:
    """The effect of one ``ALTER TABLE`` action that switches a guard off; None otherwise."""
    words = [t.text for t in action[:5] if t.kind == "word"]
    what = ""
    if words[:1] == ["disable"] and words[1:2] and words[1] in ("trigger", "rule"):
        what = f"switches off the table's {words[1]}s"
    elif words[:2] == ["enable", "replica"]:
        what = "its triggers or rules then run only in replication sessions"
    elif words[:4] in (["disable", "row", "level", "security"], ["no", "force", "row", "level"]):
        what = "switches off the table's row-level security"
    elif words[:2] == ["set", "unlogged"] and s.engine == "postgres":
        # Emptied after a crash and not replicated: the table loses its crash safety and
        # its standbys' copy, as a protected table's data should not.
        what = "made unlogged: emptied after a crash, not replicated to standbys"
    elif words[:1] == ["engine"] and s.engine in ("mysql", "sql") and _in_memory(action):
        what = "moved to the MEMORY engine: its rows are lost when the server restarts"
    if not what:
        return None
    op = f"ALTER TABLE {' '.join(words[:2]).upper()}"
    return s.effect(EffectKind.UPDATE, table, op, what, removes_protection=True)


def _in_memory(action: Tokens) -> bool:
    """``ENGINE [=] MEMORY|HEAP`` (any quoting; MariaDB 10.11 run: the rows are kept in memory
    only, and the MariaDB docs say a MEMORY table's rows are lost on restart)."""
    return any(t.text.lower() in ("memory", "heap") for t in action[1:3] if t.kind != "punct")


def guarded_table(tokens: Tokens, kind: str, s: Session) -> list[Effect]:
    """The update of the table whose trigger, rule or policy a DROP, CREATE or ALTER of
    ``kind`` changes (``... ON t``), removing its protection where it may open the table."""
    if kind not in _GUARDS:
        return []
    database_wide = event_trigger(tokens, s)
    if database_wide is not None:
        return database_wide
    verb = tokens[0].text
    on = top_index(tokens, "to" if kind == "rule" and verb == "create" else "on")
    if on < 0:  # MySQL's and SQLite's DROP TRIGGER name no table
        return []
    parts, _ = name_at(tokens, skip_words(tokens, on + 1, {"only"}))
    if not parts:
        return []
    removes = verb == "drop"
    if kind == "policy" and verb == "create":
        removes = top_index(tokens, "restrictive") < 0
    elif kind == "policy" and verb == "alter":
        removes = top_index(tokens, "rename") < 0
    op = f"{verb.upper()} {kind.upper()}"
    why = f"changes a {kind} guarding the table"
    table = s.object_resource(parts, "table")
    return [s.effect(EffectKind.UPDATE, table, op, why, removes_protection=removes)]


_SCHEMA_TABLES = frozenset({"sqlite_master", "sqlite_schema"})
_WRITES = frozenset({EffectKind.CREATE, EffectKind.UPDATE, EffectKind.DELETE, EffectKind.REPLACE})


def schema_table_writes(effects: list[Effect], s: Session) -> list[Effect]:
    """SQLite: ``effects`` with a write of the schema table also named as everything in its
    database (see the module's text)."""
    if s.engine != "sqlite":
        return effects
    return [_widened(e) if e.effect in _WRITES else e for e in effects]


def _widened(effect: Effect) -> Effect:
    names = list(effect.resource.names)
    for name in effect.resource.names:
        bare, at, host = name.partition("@")
        base, _, last = bare.rpartition("/")
        if last in _SCHEMA_TABLES and base:
            names.append(f"{base}/*{at}{host}")
    if len(names) == len(effect.resource.names):
        return effect
    wide = Resource(names=tuple(dict.fromkeys(names)), type=effect.resource.type)
    why = "rewrites the schema: any table may be lost"
    detail = "; ".join(x for x in (effect.detail, why) if x)
    return replace(effect, effect=EffectKind.DELETE, resource=wide, detail=detail)


def default_privileges(tokens: Tokens, s: Session) -> list[Effect] | None:
    """``ALTER DEFAULT PRIVILEGES ...`` (see above); None for any other statement."""
    if not (is_word(tokens, 1, "default") and is_word(tokens, 2, "privileges")):
        return None
    op = "ALTER DEFAULT PRIVILEGES"
    out: list[Effect] = []
    verb = max(top_index(tokens, "grant"), top_index(tokens, "revoke"))
    end = verb if verb >= 0 else len(tokens)
    head = tokens[:end]
    schema = top_index(head, "schema")
    schemas = names_list(head, schema + 1, frozenset({"for"}))[0] if schema >= 0 else []
    for parts in schemas:
        out.append(s.effect(EffectKind.UPDATE, s.schema_resource(parts), op))
    if schema < 0:
        out.append(s.effect(EffectKind.UPDATE, s.database_resource(), op))
    owner = max(top_index(head, "role"), top_index(head, "user"))
    if owner >= 0:
        for parts in names_list(head, skip_if_exists(head, owner + 1), frozenset({"in"}))[0]:
            out.append(s.effect(EffectKind.UPDATE, s.role_resource(parts[-1]), op))
    grantees = max(top_index(tokens, "to", end), top_index(tokens, "from", end))
    if grantees >= 0:
        stop = frozenset({"with", "granted", "cascade", "restrict"})
        for parts in names_list(tokens, grantees + 1, stop)[0]:
            out.append(s.effect(EffectKind.UPDATE, s.role_resource(parts[-1]), op))
    elif verb < 0:
        out.append(s.unknown("ALTER DEFAULT PRIVILEGES not understood", op))
    return out + (future_grants(tokens, verb, schemas, s) if verb >= 0 else [])
