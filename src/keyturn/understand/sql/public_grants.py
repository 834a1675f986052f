"""Statements that open tables to everyone: an update that removes the tables' protection.

Opening a store to the world removes its protection (docs/security.md): whoever may read a
protected table may copy it away, and taking the privilege back does not bring the copy back.
So these are refused on a protected table and judged as the update they are elsewhere. The
tables are named as the other statements name them (:mod:`.names`); each case was run on
PostgreSQL 15 and MariaDB 10.11 (scratch objects, dropped after) or is the vendor's word.

Who counts as everyone:

- ``PUBLIC``: every role of a PostgreSQL server (``TO PUBLIC``, ``TO "public"``, ``TO GROUP
  public``; ``"PUBLIC"`` quoted is another role, PostgreSQL said it does not exist), every user
  of a MariaDB 10.11 server however quoted (```PUBLIC```, ``'PUBLIC'``; ``'PUBLIC'@'%'`` is a
  user), Snowflake's ``ROLE PUBLIC``. Another engine's ``public`` is taken alike.
- MySQL's anonymous account (``''@'%'``, ``''@'localhost'``): any user name that matches no
  other account logs in as it (MariaDB run: ``mysql -u whoever`` read the table).
- An account with no password: ``IDENTIFIED BY ''``, ``BY PASSWORD ''``, ``VIA|WITH
  mysql_native_password`` with no password, one this text created without a password
  (``CREATE USER 'x'@'%'``, then ``GRANT ... TO 'x'@'%'``) or emptied (``ALTER USER ...
  IDENTIFIED BY ''``, ``SET PASSWORD FOR ... = ''``). Anyone who can reach the server and knows
  the name logs in (MariaDB run, each). Emptying the password of an account that already
  exists opens whatever it was granted before, which the text does not say: every table of the
  server. A grant to a named account whose password the text does not show is not held: it
  is as any grant to a role.

What they open:

- ``GRANT <any privilege but USAGE alone> ON [TABLE|VIEW|SEQUENCE] t [(columns)]``: ``t``;
  ``ON ALL TABLES|SEQUENCES IN SCHEMA s`` (Snowflake's ``FUTURE``): every table of ``s``
  (``s`` and ``s.*``); MySQL's ``db.*`` / ``*`` / ``*.*``: the database / the current one /
  every database, with everything in them. A grant on a database, schema, function or other
  object gives no row of a table by itself (``CONNECT``, ``USAGE`` on a schema: PostgreSQL
  still refused the table without its own privilege): not held.
- A role given to everyone (``GRANT r TO PUBLIC``; MariaDB run: every user read what ``r``
  was granted, without ``SET ROLE``) and MySQL's ``GRANT PROXY``: what the role reaches is not
  in the text: every table of the server.
- ``ALTER DEFAULT PRIVILEGES [IN SCHEMA s] GRANT ... ON TABLES|SEQUENCES TO PUBLIC``: every
  table created later in ``s`` (the database without a schema) is open (PostgreSQL run); which
  names they will have is not known, and a protected table dropped and made again takes its
  old name: named as every table of ``s`` (of the database).
- ``CREATE|ALTER ROLE r ... BYPASSRLS|SUPERUSER``: ``r`` passes every row-level security
  policy of the server (PostgreSQL docs, "Row Security Policies"; PostgreSQL run: a role with
  ``BYPASSRLS`` read the rows a policy kept from it). Not everyone, but the guard itself taken
  off every table, as ``DISABLE ROW LEVEL SECURITY`` takes it off one (:mod:`.guards`): every
  table of the server. (``GRANT pg_read_all_data TO r`` does not pass row-level security,
  PostgreSQL run, and names a role, not everyone: the plain update of ``r`` it was.)

Row-level security on one table is in :mod:`.guards`: ``DISABLE`` / ``NO FORCE ROW LEVEL
SECURITY``, a permissive ``CREATE POLICY`` (``USING (true)`` let every row through, PostgreSQL
run) and any ``DROP POLICY``: dropping a restrictive policy opened rows, dropping the only
permissive one closed them (PostgreSQL run); which it is lives in the catalog, not the text,
so every ``DROP POLICY`` is held.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    is_punct,
    is_word,
    name_at,
    names_list,
    skip_if_exists,
    skip_words,
    top_index,
)
from keyturn.understand.sql.tokens import Token

# Engines where only the word ``public`` (or the identifier "public") is PUBLIC.
_PG_LIKE = frozenset({"postgres", "redshift"})
# Words before a grantee's name that are not part of it (PostgreSQL's GROUP, Snowflake's ROLE).
_GRANTEE_NOISE = frozenset({"group", "role", "user"})
# Words ending the grantee list (``WITH GRANT OPTION``, ``GRANTED BY``, MySQL's ``REQUIRE``
# and ``AS``, Snowflake's ``COPY CURRENT GRANTS``).
_GRANTEES_END = frozenset({"granted", "require", "as", "cascade", "restrict", "copy"})
# Authentication plugins that check a password: named with none, the account has none.
_PASSWORD_PLUGINS = frozenset(
    {"mysql_native_password", "caching_sha2_password", "sha256_password", "ed25519"}
    | {"mysql_old_password", "parsec"}
)
_TABLE_KINDS = frozenset({"table", "view", "sequence", "materialized", "external"})
_EVERY_KINDS = frozenset({"tables", "sequences", "views"})
_NAME_KINDS = frozenset({"word", "ident", "number", "string"})
_ROLE_OPENERS = frozenset({"bypassrls", "superuser"})


def _opened(s: Session, where: Resource, op: str, why: str) -> Effect:
    return s.effect(EffectKind.UPDATE, where, op, why, removes_protection=True)


def _server(s: Session) -> Resource:
    """Every table of every database of the server (``db:postgres/*``, ``db:postgres/*/*``)."""
    return s.database_resource("*", whole=True)


def _is_public(token: Token, s: Session) -> bool:
    if s.engine in _PG_LIKE:
        return token.kind in ("word", "ident") and token.text == "public"
    return token.kind in ("word", "ident", "string") and token.text.lower() == "public"


def _password_empty(item: Tokens) -> bool:
    """Whether an account's ``IDENTIFIED ...`` clause (from its ``IDENTIFIED`` on) leaves it
    with no password: an empty password or hash, or a password plugin given none."""
    strings = [t for t in item if t.kind == "string"]
    if strings:
        return any(t.text == "" for t in strings)
    plugin = skip_words(item, 1, {"via", "with"})
    return plugin > 1 and plugin < len(item) and item[plugin].text.lower() in _PASSWORD_PLUGINS


def _everyone(item: Tokens, s: Session) -> tuple[str, bool]:
    """Why the grantee ``item`` (one of the comma-separated list) is everyone ("" if it is
    not), and whether its password is emptied here (it may hold other grants)."""
    k = skip_words(item, 0, _GRANTEE_NOISE) if len(item) > 1 else 0
    if k >= len(item) or item[k].kind not in ("word", "ident", "string"):
        return "", False
    name, host = item[k], is_punct(item, k + 1, "@")
    identified = top_index(item, "identified")
    emptied = identified >= 0 and _password_empty(item[identified:])
    if _is_public(name, s) and not host:
        return "every role and user (PUBLIC)", False
    if name.kind != "word" and name.text == "" and s.engine not in _PG_LIKE:
        return "MySQL's anonymous account: any user name that matches no other", False
    if emptied:
        return "an account with no password: anyone who knows its name", True
    if name.text in s.passwordless and identified < 0:
        return "an account created here with no password", False
    return "", False


def _grantee_items(tokens: Tokens, start: int) -> list[Tokens]:
    """The comma-separated grantees from ``start`` (after ``TO``) to the end of the list."""
    base = tokens[0].depth
    items: list[Tokens] = []
    k = begin = start
    while k <= len(tokens):
        at_end = k == len(tokens)
        if not at_end and tokens[k].depth == base and tokens[k].kind == "word":
            word = tokens[k].text
            ends = word in _GRANTEES_END
            # WITH GRANT|ADMIN OPTION ends the list; MySQL's IDENTIFIED WITH plugin does not
            ends = ends or (word == "with" and not is_word(tokens, k - 1, "identified"))
            if ends:
                at_end = True
        if at_end or (tokens[k].depth == base and is_punct(tokens, k, ",")):
            if begin < k:
                items.append(tokens[begin:k])
            if at_end:
                break
            begin = k + 1
        k += 1
    return items


def _object_kinds(tokens: Tokens, on: int, to: int) -> tuple[set[str], int]:
    """The words naming the kind of the objects after ``ON`` (``TABLE``, ``ALL TABLES IN
    SCHEMA``, ``FOREIGN DATA WRAPPER``...: each followed by another word or name) and where the
    first object's name is."""
    k = on + 1
    while k + 1 < to and tokens[k].kind == "word" and tokens[k + 1].kind in _NAME_KINDS:
        k += 1
    return {t.text for t in tokens[on + 1 : k]}, k


def _on_objects(tokens: Tokens, on: int, to: int, s: Session) -> list[Resource]:
    """The tables a ``GRANT ... ON <objects> TO`` opens (see the module's text)."""
    base = tokens[0].depth
    privileges = {t.text for t in tokens[1:on] if t.kind == "word" and t.depth == base}
    kinds, first = _object_kinds(tokens, on, to)
    if privileges == {"usage"} and not kinds & {"sequence", "sequences"}:
        return []  # USAGE alone: MySQL's "no privilege"; on a table, PostgreSQL refuses it
    if is_punct(tokens, first, "*"):  # MySQL's * (the current database) and *.*
        every = is_punct(tokens, first + 1, ".") and is_punct(tokens, first + 2, "*")
        return [_server(s) if every else s.database_resource(whole=True)]
    names = names_list(tokens[:to], first, frozenset())[0]
    if kinds & _EVERY_KINDS:  # ALL|FUTURE TABLES IN SCHEMA s | IN DATABASE d
        if "database" in kinds or s.engine == "mysql":
            return [s.database_resource(p[-1], whole=True) for p in names]
        return [s.schema_resource(p) for p in names]
    if kinds - _TABLE_KINDS:  # a database, schema, function... : no row by itself
        return []
    out = []
    for parts in names:
        if parts[-1] == "*":  # MySQL's db.*
            out.append(s.database_resource(parts[-2] if len(parts) > 1 else None, whole=True))
        else:
            out.append(s.object_resource(parts, "table"))
    return out


def opened_by_grant(tokens: Tokens, s: Session) -> list[Effect]:
    """The tables a ``GRANT`` opens to everyone (see the module's text); empty otherwise."""
    to = top_index(tokens, "to")
    if not is_word(tokens, 0, "grant") or to < 0:
        return []
    op = "GRANT"
    out: list[Effect] = []
    on = top_index(tokens, "on", 0)
    on = on if 0 <= on < to else -1
    for item in _grantee_items(tokens, to + 1):
        why, emptied = _everyone(item, s)
        if not why:
            continue
        proxy = is_word(tokens, 1, "proxy")  # ON names the user proxied, not a table
        if emptied or on < 0 or proxy:
            # a role's privileges, a proxied user's or the account's earlier grants: not told
            out.append(_opened(s, _server(s), op, f"to {why}; what it reaches is not told"))
        if on >= 0 and not proxy:
            out += [_opened(s, r, op, f"to {why}") for r in _on_objects(tokens, on, to, s)]
    for item in _grantee_items(tokens, to + 1):
        _note_password(item, s, created=False)  # after: the grant is to the account as it was
    return out


def future_grants(tokens: Tokens, verb: int, schemas: list[list[str]], s: Session) -> list[Effect]:
    """``ALTER DEFAULT PRIVILEGES ... GRANT ... ON TABLES|SEQUENCES TO`` everyone (``verb``:
    where its GRANT is; ``schemas``: those of ``IN SCHEMA``)."""
    to = top_index(tokens, "to", verb)
    on = top_index(tokens, "on", verb)
    if not is_word(tokens, verb, "grant") or not 0 <= on < to:
        return []
    if not is_word(tokens, on + 1, "tables", "sequences"):
        return []
    whys = [_everyone(item, s)[0] for item in _grantee_items(tokens, to + 1)]
    why = next((w for w in whys if w), "")
    if not why:
        return []
    op, why = "ALTER DEFAULT PRIVILEGES", f"tables created later are open to {why}"
    where = [s.schema_resource(p) for p in schemas] or [s.database_resource(whole=True)]
    return [_opened(s, r, op, why) for r in where]


def opened_by_role(tokens: Tokens, kind: str, s: Session) -> list[Effect]:
    """``CREATE|ALTER ROLE|USER`` that passes every row guard (``BYPASSRLS``, ``SUPERUSER``)
    or empties an existing account's password; a MySQL account created here with no password
    is remembered for the grants that follow."""
    verb = tokens[0].text if tokens and tokens[0].kind == "word" else ""
    if kind not in ("role", "user", "group") or verb not in ("create", "alter"):
        return []
    op = f"{verb.upper()} {kind.upper()}"
    start = skip_if_exists(tokens, top_index(tokens, kind) + 1)
    out = _accounts(tokens, start, op, s) if kind == "user" and s.engine not in _PG_LIKE else []
    if s.engine == "mysql":
        return out
    # The role's options: up to ALTER ROLE's SET / RESET / RENAME / IN DATABASE
    ends = [k for k in (top_index(tokens, w) for w in ("set", "reset", "rename", "in")) if k > 0]
    options = tokens[start : min(ends, default=len(tokens))]
    opener = next((t.text for t in options if t.kind == "word" and t.text in _ROLE_OPENERS), "")
    if opener:
        why = f"{opener.upper()}: the role passes every row-level security policy of the server"
        out.append(_opened(s, _server(s), op, why))
    return out


_EMPTIED = "empties the account's password: anyone who knows its name reaches its grants"


def _accounts(tokens: Tokens, start: int, op: str, s: Session) -> list[Effect]:
    """MySQL's ``CREATE USER`` / ``ALTER USER`` accounts: remembered when left with no
    password; an existing one's password emptied opens what it was granted."""
    out: list[Effect] = []
    created = op.startswith("CREATE")
    for item in _grantee_items(tokens, start):
        identified = top_index(item, "identified")
        if not created and identified >= 0 and _password_empty(item[identified:]):
            out.append(_opened(s, _server(s), op, _EMPTIED))
        _note_password(item, s, created=created)
    return out


def password_emptied(tokens: Tokens, s: Session) -> list[Effect]:
    """MySQL's ``SET PASSWORD [FOR u] = ''|PASSWORD('')``: the account opens its grants."""
    eq = next((k for k in range(len(tokens)) if is_punct(tokens, k, "=")), -1)
    value = [t for t in tokens[eq + 1 :] if t.kind == "string"] if eq > 0 else []
    if not value:
        return []
    user, _ = name_at(tokens, 3, strings=True) if is_word(tokens, 2, "for") else ([], 0)
    if value[0].text != "":
        if user:
            s.passwordless.discard(user[-1])
        return []
    if user:
        s.passwordless.add(user[-1])
    return [_opened(s, _server(s), "SET PASSWORD", _EMPTIED)]


def _note_password(item: Tokens, s: Session, *, created: bool) -> None:
    """Remember the account ``item`` names as having no password when it is left with none
    (``created``: a new account, which has none unless ``IDENTIFIED``); forget it when it is
    given one."""
    parts, _ = name_at(item, skip_words(item, 0, _GRANTEE_NOISE), strings=True)
    if not parts:
        return
    identified = top_index(item, "identified")
    if identified >= 0 and not _password_empty(item[identified:]):
        s.passwordless.discard(parts[-1])
    elif identified >= 0 or created:
        s.passwordless.add(parts[-1])
