"""Settings: ``SET``, ``RESET``, SQLite's ``PRAGMA``.

A session setting has no effect of its own (what the session runs next is judged itself);
a setting of the server is an update of it. The spellings each engine reads (MariaDB run):

- MySQL's ``SET`` is a comma-separated list, and each item has its own scope: ``GLOBAL x = v``,
  ``PERSIST x = v``, ``@@global.x = v`` (``@@GLOBAL . x`` too) set the server's value, so
  ``SET sql_mode = DEFAULT, GLOBAL read_only = 0`` changes the server; ``@@session.x``,
  ``@@x`` and ``@x`` are the session's.
- MariaDB's ``SET STATEMENT x = v [, ...] FOR <statement>`` runs the statement (with the
  settings for its length): it has the statement's effects.
- PostgreSQL's ``SET [SESSION|LOCAL] search_path TO a, b`` (or ``SET SCHEMA 'a'``) decides
  which schema later unqualified names are in.
- SQLite's ``PRAGMA name = v`` and ``PRAGMA name(v)`` set (sqlite3 3.40 run: ``PRAGMA
  journal_mode(OFF)`` does), except for the pragmas whose argument names what they read
  (``PRAGMA table_info(t)``). ``PRAGMA foreign_keys = on`` also lets the foreign keys another
  connection declared act in this one (:attr:`.names.Session.dormant`).
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.guard_switches import set_switches
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import Tokens, is_punct, is_word, name_at, top_index
from keyturn.understand.sql.public_grants import password_emptied

Classify = Callable[[Tokens, Session], list[Effect]]

# MySQL settings naming a file the server writes (a log where a web server would run it).
_FILE_SETTINGS = frozenset({"general_log_file", "slow_query_log_file"})
_SERVER_SCOPES = frozenset({"global", "persist", "persist_only"})
# Engines whose SET may be MySQL's: MySQL/MariaDB, and an engine not told ("sql").
_MYSQL_LIKE = frozenset({"mysql", "sql"})


def set_statement(tokens: Tokens, s: Session, classify: Classify) -> list[Effect]:
    """SET: see the module's text."""
    if is_word(tokens, 1, "statement"):
        at = top_index(tokens, "for", 2)
        if at < 0 or at + 1 >= len(tokens):
            return [s.unknown("SET STATEMENT without its statement", "SET STATEMENT")]
        return classify(tokens[at + 1 :], s)
    switched = [] if s.engine == "mysql" else set_switches(tokens, s)
    if s.engine != "mysql":
        _search_path(tokens, s)
    if s.engine not in _MYSQL_LIKE:
        return switched
    if is_word(tokens, 1, "password"):
        why = "server setting: a password"
        plain = s.effect(EffectKind.UPDATE, s.database_resource(), "SET PASSWORD", why)
        return [plain, *password_emptied(tokens, s)]
    out: list[Effect] = switched
    for item in _items(tokens[1:]):
        scope, name = _scope(item)
        if scope is None:
            continue
        op = f"SET {scope.upper()}"
        if name in _FILE_SETTINGS:
            out.append(s.unknown("the server writes its log to the file the setting names", op))
        else:
            out.append(s.effect(EffectKind.UPDATE, s.database_resource(), op, "server setting"))
    return out


def _items(tokens: Tokens) -> list[Tokens]:
    """The comma-separated items of a SET list (commas inside parentheses are not cuts)."""
    out: list[Tokens] = []
    start = 0
    base = tokens[0].depth if tokens else 0
    for k, token in enumerate(tokens):
        if token.depth == base and token.kind == "punct" and token.text == ",":
            out.append(tokens[start:k])
            start = k + 1
    return [*out, tokens[start:]]


def _scope(item: Tokens) -> tuple[str | None, str]:
    """(the server scope an item sets -- global, persist, persist_only -- or None for the
    session's, the variable's name) of one item of a MySQL SET list."""
    if is_word(item, 0, *_SERVER_SCOPES):
        following = item[1].text.lower() if len(item) > 1 else ""
        return item[0].text, following
    at_at = is_punct(item, 0, "@") and is_punct(item, 1, "@")
    if at_at and is_word(item, 2, *_SERVER_SCOPES) and is_punct(item, 3, "."):
        return item[2].text, item[4].text.lower() if len(item) > 4 else ""
    return None, ""


def _search_path(tokens: Tokens, s: Session) -> None:
    at = 2 if is_word(tokens, 1, "session", "local") else 1
    if is_word(tokens, at, "schema"):
        at += 1
    elif is_word(tokens, at, "search_path") and (
        is_word(tokens, at + 1, "to") or is_punct(tokens, at + 1, "=")
    ):
        at += 2
    else:
        return
    schemas: list[str] = []
    for token in tokens[at:]:
        if token.kind in ("word", "ident"):  # words come lower-cased, quoted ones as written
            schemas.append(token.text)
        elif token.kind == "string":  # one string may hold the list: 'audit, "Ops"'
            for part in (p.strip() for p in token.text.split(",")):
                quoted = len(part) > 1 and part[0] == part[-1] == '"'
                schemas += [part[1:-1] if quoted else part.lower()] if part else []
    if schemas == ["default"]:
        s.search_path = ()
    elif schemas:
        # "$user" is the schema named as the role, which is not known here: any schema.
        s.search_path = tuple("*" if name == "$user" else name for name in schemas)


def reset(tokens: Tokens, s: Session) -> list[Effect]:
    """RESET of a session variable has no effect; MySQL's ``RESET MASTER`` and ``RESET BINARY
    LOGS AND GTIDS`` delete the binary logs, its other RESETs (``REPLICA``, ``PERSIST``,
    ``QUERY CACHE``) change the server's state."""
    if s.engine != "mysql":
        return []
    if is_word(tokens, 1, "master") or is_word(tokens, 1, "binary"):
        return [_binlogs_deleted(s, "RESET " + tokens[1].text.upper())]
    return [s.effect(EffectKind.UPDATE, s.database_resource(), "RESET", "server state")]


def purge(tokens: Tokens, s: Session) -> list[Effect]:
    """MySQL's ``PURGE BINARY|MASTER LOGS TO 'f' | BEFORE t`` deletes binary logs; other
    PURGEs update the database, as before."""
    if s.engine == "mysql" and (is_word(tokens, 1, "binary") or is_word(tokens, 1, "master")):
        return [_binlogs_deleted(s, "PURGE BINARY LOGS")]
    return [s.effect(EffectKind.UPDATE, s.database_resource(), tokens[0].text.upper())]


def _binlogs_deleted(s: Session, op: str) -> Effect:
    """The server's binary logs deleted: point-in-time recovery and replicas that have not
    read them yet need them."""
    why = "deletes the server's binary logs (point-in-time recovery, replication)"
    return s.effect(EffectKind.DELETE, s.server_resource("binlogs"), op, why)


# Pragmas whose argument in parentheses names what they read, not a value they set.
_READ_WITH_ARGUMENT = frozenset(
    {"table_info", "table_xinfo", "table_list", "index_info", "index_xinfo", "index_list"}
    | {"foreign_key_list", "foreign_key_check", "integrity_check", "quick_check"}
)


def pragma(tokens: Tokens, s: Session) -> list[Effect]:
    """SQLite ``PRAGMA [schema.]name`` reads; ``= v`` or ``(v)`` sets (see above)."""
    parts, after = name_at(tokens, 1)
    sets = is_punct(tokens, after, "=")
    sets = sets or (
        is_punct(tokens, after, "(") and bool(parts) and parts[-1] not in _READ_WITH_ARGUMENT
    )
    if sets and s.dormant and parts and parts[-1].lower() == "foreign_keys":
        _foreign_keys(tokens[after + 1 : after + 2], s)
    if sets:
        return [s.effect(EffectKind.UPDATE, s.database_resource(), "PRAGMA", "sets a pragma")]
    return [s.effect(EffectKind.READ, s.database_resource(), "PRAGMA")]


_OFF = frozenset({"0", "off", "false", "no"})


def _foreign_keys(value: Tokens, s: Session) -> None:
    """``PRAGMA foreign_keys = value``: unless it is off, the keys other connections declared
    act from here on in this one (sqlite3 3.40 run: a cascade declared by one ``sqlite3`` ran
    in another only after ``PRAGMA foreign_keys=ON|1|yes|'on'``)."""
    if not value or value[0].text.lower() not in _OFF:
        s.wake_foreign_keys()
