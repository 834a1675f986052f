"""Statements that switch a database's own guards off for tables they do not name.

:mod:`.guards` reads what takes the guard off one named table (``ALTER TABLE t DISABLE
TRIGGER``, ``DROP RULE r ON t``). These reach every table a guard may stand on, or a table
through another one, so they name what they may open with the forms used elsewhere: the
database with everything in it (``db:postgres/app`` and ``db:postgres/app/*``), every database
of the server for a server setting (``db:postgres/*`` and ``db:postgres/*/*``). Each was seen
on PostgreSQL 15 and MariaDB 10.11:

- ``SET session_replication_role = replica`` (``TO 'replica'``, ``set_config(...)``): the
  session's triggers and rules stop firing -- a ``BEFORE DELETE`` trigger raising an error no
  longer keeps a row, and neither do foreign keys' actions and checks. ``ALTER ROLE|DATABASE
  ... SET`` it for every session that opens later, ``ALTER SYSTEM SET`` for the server.
  ``ALTER SYSTEM SET fsync|full_page_writes = off`` takes every table's crash safety (as
  ``SET UNLOGGED`` does one table's, :mod:`.guards`). An update that removes the protection
  of what it names.
- ``DROP EVENT TRIGGER e`` and ``ALTER EVENT TRIGGER e DISABLE|ENABLE REPLICA``: an event
  trigger raising an error on ``sql_drop`` kept every table of the database from being
  dropped; once gone or disabled, ``DROP TABLE`` went through. The same update.
- ``CREATE OR REPLACE FUNCTION f() RETURNS trigger|event_trigger`` whose new body never
  raises an error: the triggers already bound to ``f`` (bound by the function, not its name:
  a rename keeps them) run the new body, so a guard that raised is gone; which tables they
  are on is not in the text. ``unknown`` on the database (a body that still raises somewhere
  is judged by what it does, :mod:`.stored_code`).
- Links that let another table's statements reach a table's rows (:mod:`.reach`): ``ALTER
  TABLE c ADD ... REFERENCES p ON DELETE CASCADE|SET NULL|SET DEFAULT`` (or ``ON UPDATE SET
  NULL|SET DEFAULT``), ``ALTER TABLE c INHERIT p``, ``ALTER TABLE p ATTACH PARTITION c``:
  after it, ``DELETE FROM p`` or ``TRUNCATE p`` -- in another command, whose text does not
  declare the link -- empties ``c`` (``psql -c "ALTER ..." && psql -c "DELETE FROM p"``). An
  update of ``c`` that removes its protection.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import Tokens, is_punct, is_word, name_at, top_index
from keyturn.understand.sql.reach import changing_key
from keyturn.understand.sql.tokens import dialect_for, scan

# Settings whose value switches guards off: name -> (values doing it, what it does).
_SETTINGS = {
    "session_replication_role": (
        frozenset({"replica"}),
        "triggers, rules and foreign keys' actions stop running",
    ),
    "fsync": (frozenset({"off", "false", "no", "0"}), "tables lose their crash safety"),
    "full_page_writes": (frozenset({"off", "false", "no", "0"}), "tables lose their crash safety"),
}


def _switches_off(assigned: tuple[str, Tokens] | None) -> str | None:
    """What setting ``name`` to ``value`` (its tokens) does (``name: what``), when it switches
    guards off; None otherwise."""
    if assigned is None:
        return None
    name, value = assigned
    found = _SETTINGS.get(name.lower())
    if found is None or not value:
        return None
    return f"{name}: {found[1]}" if value[0].text.lower() in found[0] else None


def _assigned(tokens: Tokens, at: int) -> tuple[str, Tokens] | None:
    """(name, value tokens) of ``name {=|TO} value`` starting at ``at``."""
    if at >= len(tokens) or tokens[at].kind not in ("word", "ident"):
        return None
    k = at + 1
    if is_punct(tokens, k, "=") or is_word(tokens, k, "to"):
        return tokens[at].text, tokens[k + 1 :]
    return None


def _opened(s: Session, where: Resource, op: str, why: str) -> Effect:
    return s.effect(EffectKind.UPDATE, where, op, why, removes_protection=True)


def set_switches(tokens: Tokens, s: Session) -> list[Effect]:
    """``SET [SESSION|LOCAL] name {=|TO} value`` (PostgreSQL): the session's database."""
    why = _switches_off(_assigned(tokens, 2 if is_word(tokens, 1, "session", "local") else 1))
    if why is None:
        return []
    return [_opened(s, s.database_resource(whole=True), "SET", why)]


def alter_switches(tokens: Tokens, s: Session) -> list[Effect]:
    """``ALTER SYSTEM|DATABASE d|ROLE r [IN DATABASE d] SET name ...`` (PostgreSQL)."""
    if s.engine == "mysql" or not is_word(tokens, 1, "system", "database", "role", "user"):
        return []
    at = top_index(tokens, "set")
    why = _switches_off(_assigned(tokens, at + 1)) if at > 0 else None
    if why is None:
        return []
    where = s.database_resource("*", whole=True)  # the server, or a role's every database
    if is_word(tokens, 1, "database"):
        where = s.database_resource((name_at(tokens, 2)[0] or ["*"])[-1], whole=True)
    inside = top_index(tokens, "in")
    if inside > 0 and is_word(tokens, inside + 1, "database"):
        where = s.database_resource((name_at(tokens, inside + 2)[0] or ["*"])[-1], whole=True)
    op = f"ALTER {tokens[1].text.upper()} SET"
    return [_opened(s, where, op, f"{why}, from the next session on")]


def config_switch(arguments: Tokens, s: Session) -> list[Effect]:
    """``set_config(name, value, is_local)``, ``arguments`` its tokens after the ``(``: a
    constant name and value as :func:`set_switches`; a name not constant may be any."""
    if not arguments or arguments[0].kind != "string":
        told = "set_config() of a setting not told: it may stop the triggers"
        return [_opened(s, s.database_resource(whole=True), "set_config()", told)]
    if not is_punct(arguments, 1, ","):
        return []
    name, value = arguments[0].text, arguments[2:3]
    why = _switches_off((name, value))
    if name.lower() not in _SETTINGS or (why is None and value and value[0].kind == "string"):
        return []
    told = why or f"{name}: set to a value not told"
    return [_opened(s, s.database_resource(whole=True), "set_config()", told)]


def event_trigger(tokens: Tokens, s: Session) -> list[Effect] | None:
    """``DROP EVENT TRIGGER`` / ``ALTER EVENT TRIGGER e DISABLE|ENABLE REPLICA``; None for any
    other statement (an empty list: an event trigger changed in a way that opens nothing)."""
    if not (is_word(tokens, 1, "event") and is_word(tokens, 2, "trigger")):
        return None
    verb = tokens[0].text
    after = name_at(tokens, 3)[1]
    switched = is_word(tokens, after, "disable") or (
        is_word(tokens, after, "enable") and is_word(tokens, after + 1, "replica")
    )
    if verb != "drop" and not (verb == "alter" and switched):
        return []
    why = "an event trigger may have kept the database's tables from being dropped or changed"
    op = f"{verb.upper()} EVENT TRIGGER"
    return [_opened(s, s.database_resource(whole=True), op, why)]


def replaced_trigger_function(name: str, language: str, body: str, s: Session) -> list[Effect]:
    """An unknown when a trigger function replaced by ``body`` never raises an error."""
    if language == "plpgsql" and _raises(body, s):
        return []
    why = (
        f"replaces the trigger function {name}(), whose new body raises no error: a trigger "
        "bound to it may have guarded a table not named here"
    )
    return [s.unknown(why, "CREATE FUNCTION")]


# RAISE levels that only report: every other RAISE (no level, EXCEPTION, a condition name,
# SQLSTATE, USING, a bare re-raise) ends the statement with an error (PostgreSQL 15 docs,
# plpgsql-errors-and-messages).
_REPORTS = frozenset({"debug", "log", "info", "notice", "warning"})


def _raises(body: str, s: Session) -> bool:
    for statement in scan(body, dialect_for(s.engine)):
        for k, token in enumerate(statement):
            raise_ = token.kind == "word" and token.text == "raise"
            if raise_ and not is_word(statement, k + 1, *_REPORTS):
                return True
    return False


def linked_rows(action: Tokens, table: Resource, s: Session) -> list[Effect]:
    """The effects of one ``ALTER TABLE`` action linking the table to another whose
    statements then reach its rows (see above); empty for any other action."""
    verb = action[0].text if action and action[0].kind == "word" else ""
    if verb == "add" and changing_key(action):
        why = "a foreign key's action changes its rows when the referenced rows go"
        return [_opened(s, table, "ALTER TABLE ADD FOREIGN KEY", why)]
    if verb == "inherit":
        why = "inherits from another table: its statements reach these rows"
        return [_opened(s, table, "ALTER TABLE INHERIT", why)]
    if verb == "attach" and is_word(action, 1, "partition"):
        child, _ = name_at(action, 2)
        if child:
            why = "becomes a partition: the partitioned table's statements reach its rows"
            op = "ALTER TABLE ATTACH PARTITION"
            child_res = s.object_resource(child, "table")
            return [s.effect(EffectKind.UPDATE, table, op), _opened(s, child_res, op, why)]
    return []
