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
  user), Snowflake's ``ROLE PUBLIC`` (granted to every user), Spanner's ``ROLE public`` (every
  database role inherits it, Spanner docs "Fine-grained access control system roles"). Another
  engine's ``public`` is taken alike.
- IAM's ``allUsers`` and ``allAuthenticatedUsers`` (BigQuery's DCL, also as
  ``specialGroup:...``): anyone on the internet, anyone with a Google account
  (:mod:`.grant_objects`).
- MySQL's anonymous account (``''@'%'``, ``''@'localhost'``): any user name that matches no
  other account logs in as it (MariaDB run: ``mysql -u whoever`` read the table).
- An account with no password: ``IDENTIFIED BY ''``, ``BY PASSWORD ''``, ``VIA|WITH
  mysql_native_password`` with no password, one this text created without a password
  (``CREATE USER 'x'@'%'``, then ``GRANT ... TO 'x'@'%'``) or emptied (``ALTER USER ...
  IDENTIFIED BY ''``, ``SET PASSWORD FOR ... = ''``). Anyone who can reach the server and knows
  the name logs in (MariaDB run, each). ``""`` is a string there as ``''`` is (MariaDB run:
  ``IDENTIFIED BY ""`` and ``SET PASSWORD ... = ""`` left no password). An account is a user
  name, case-sensitive, and a host, not (MariaDB run: ``kt6a`` was refused where ``Kt6a`` had
  no password; ``'LOCALHOST'`` was stored as ``localhost``): a password given to ``x@localhost``
  leaves ``x@'%'`` without one, and since an unquoted name's case is not kept here, a grant
  to a user name that any account left without a password has, in any case, is held.
  Emptying the password of an account that already exists opens whatever it was granted
  before, which the text does not say: every table of the server. A grant to a named account
  whose password the text does not show is not held: it is as any grant to a role. (Renaming
  an account to ``''@'%'`` keeps its password: MariaDB run, no one got in without it.)
  MariaDB's ``IDENTIFIED VIA a OR b`` logs in by either (``VIA unix_socket OR
  mysql_native_password`` let a TCP client in with none: MariaDB run).
- A new MySQL account with no password that other machines reach (``CREATE [OR REPLACE]
  USER [IF NOT EXISTS] x``: no host is ``%``, MariaDB run; ``'%'``, ``'10.%'``, a host name;
  ``ACCOUNT LOCK`` too, one ``ALTER USER ... ACCOUNT UNLOCK`` from open), even with no grant
  in the text: whatever it is granted later (a grant in another command, to ``PUBLIC``, a
  role) is open to anyone who knows its name: every table of the server, as an emptied
  password. One only the server's own machine reaches (``localhost``, ``127.0.0.1``,
  ``::1``) is not held until the text grants it something (then the grant is, above). Held
  once the whole text has run: a password it gives the account later closes it.
- Not PostgreSQL's ``PASSWORD NULL`` or ``PASSWORD ''``: the role has no password, and
  password authentication always fails for it (PostgreSQL docs, "CREATE ROLE"; PostgreSQL 15
  run: ``''`` gave "empty string is not a valid password, clearing password"). Whether a role
  logs in without one is ``pg_hba.conf``'s ``trust``, not the text: the role's plain change.

What they open:

- ``GRANT <any privilege but USAGE alone> ON [<any> TABLE|VIEW|SEQUENCE] t [(columns)]``:
  ``t`` (Snowflake's ``DYNAMIC``/``ICEBERG``/``HYBRID``/``EXTERNAL TABLE``, ``MATERIALIZED
  VIEW``, PostgreSQL's ``FOREIGN TABLE``); ``ON ALL TABLES|SEQUENCES IN SCHEMA s`` (Snowflake's
  ``FUTURE``, ``ALL DYNAMIC TABLES``): every table of ``s`` (``s`` and ``s.*``), ``IN
  DATABASE d``: of ``d``; MySQL's ``db.*`` / ``*`` / ``*.*``: the database / the current one /
  every database, with everything in them. A stream (Snowflake's, Spanner's change stream)
  shows a table it does not name: every table of the server. A grant on a database, schema,
  function or other object gives no row of a table by itself (``CONNECT``, ``USAGE`` on a
  schema: PostgreSQL still refused the table without its own privilege): not held; but an
  IAM role on a BigQuery dataset or project, and Snowflake's ``IMPORTED PRIVILEGES`` on a
  shared database, give their tables (:mod:`.grant_objects`).
- A role given to everyone (``GRANT r TO PUBLIC``; MariaDB run: every user read what ``r``
  was granted, without ``SET ROLE``) and MySQL's ``GRANT PROXY``: what the role reaches is not
  in the text: every table of the server.
- ``ALTER DEFAULT PRIVILEGES [IN SCHEMA s] GRANT ... ON TABLES|SEQUENCES TO PUBLIC``: every
  table created later in ``s`` (the database without a schema) is open (PostgreSQL run); which
  names they will have is not known, and a protected table dropped and made again takes its
  old name: named as every table of ``s`` (of the database).
- ``CREATE|ALTER ROLE r ... BYPASSRLS|SUPERUSER`` (anywhere among the options, after ``IN
  ROLE``, ``ROLE``, ``ADMIN`` too): ``r`` passes every row-level security policy of the
  server (PostgreSQL docs, "Row Security Policies"; PostgreSQL run: a role with
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
from keyturn.understand.sql.grant_objects import (
    grantee_at,
    grantee_items,
    iam_everyone,
    opened_objects,
)
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import (
    Tokens,
    is_punct,
    is_word,
    skip_if_exists,
    skip_words,
    top_index,
)
from keyturn.understand.sql.tokens import Token

# Engines where only the word ``public`` (or the identifier "public") is PUBLIC.
_PG_LIKE = frozenset({"postgres", "redshift"})
# Authentication plugins that check a password: named with none, the account has none.
_PASSWORD_PLUGINS = frozenset(
    {"mysql_native_password", "caching_sha2_password", "sha256_password", "ed25519"}
    | {"mysql_old_password", "parsec"}
)
_ROLE_OPENERS = frozenset({"bypassrls", "superuser"})
_QUOTED = frozenset({"ident", "string"})


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
    with no password. MariaDB's ``VIA a OR b``: any one way logs in (MariaDB run: ``VIA
    unix_socket OR mysql_native_password`` let a TCP client in with no password), so any one
    left with none does."""
    alternatives: list[Tokens] = []
    begin = 1
    for k in range(1, len(item) + 1):
        if k == len(item) or (is_word(item, k, "or") and item[k].depth == item[0].depth):
            alternatives.append(item[begin:k])
            begin = k + 1
    return any(_no_password(way) for way in alternatives)


def _no_password(way: Tokens) -> bool:
    """Whether one way of logging in (``BY ...``, ``[VIA|WITH] plugin [USING|AS|BY ...]``)
    has no password: an empty password or hash, or a password plugin given none. A password
    in ``"..."`` is a string to MySQL (MariaDB run: ``IDENTIFIED BY ""`` left none), and a
    plugin may be quoted (``VIA 'mysql_native_password'`` alone left none). MySQL's ``BY
    RANDOM PASSWORD`` makes one."""
    if any(is_word(way, k, "by") and is_word(way, k + 1, "random") for k in range(len(way))):
        return False
    plugin = skip_words(way, 0, {"via", "with"})
    named = plugin < len(way) and way[plugin].text.lower() in _PASSWORD_PLUGINS
    quoted = [t for k, t in enumerate(way) if t.kind in _QUOTED and not (named and k == plugin)]
    if quoted:
        return any(t.text == "" for t in quoted)
    return named


def _account(item: Tokens) -> tuple[str, str] | None:
    """(user, host) of the MySQL account ``item`` names: the user as written (MySQL's user
    names are case-sensitive; an unquoted one is read lower-cased here), the host lower-cased
    (MariaDB run: ``'x'@'LOCALHOST'`` is ``x@localhost``; ``''`` and none are ``%``)."""
    k = grantee_at(item)
    if k >= len(item) or item[k].kind not in ("word", "ident", "string"):
        return None
    host = item[k + 2].text.lower() if is_punct(item, k + 1, "@") and k + 2 < len(item) else ""
    return item[k].text, host or "%"


def _passwordless(account: tuple[str, str] | None, s: Session) -> bool:
    """Whether the text left an account of this user name with no password: any host, and the
    name compared without case, since a word's case is not kept here (read closed)."""
    user = account[0].lower() if account else None
    return any(known.lower() == user for known, _ in s.passwordless)


def _everyone(item: Tokens, s: Session) -> tuple[str, bool]:
    """Why the grantee ``item`` (one of the comma-separated list) is everyone ("" if it is
    not), and whether its password is emptied here (it may hold other grants)."""
    k = grantee_at(item)
    if k >= len(item) or item[k].kind not in ("word", "ident", "string"):
        return "", False
    name, host = item[k], is_punct(item, k + 1, "@")
    identified = top_index(item, "identified")
    emptied = identified >= 0 and _password_empty(item[identified:])
    if _is_public(name, s) and not host:
        return "every role and user (PUBLIC)", False
    if iam_everyone(item, s):
        return f"IAM's {name.text}: anyone on the internet, or with a Google account", False
    if name.kind != "word" and name.text == "" and s.engine not in _PG_LIKE:
        return "MySQL's anonymous account: any user name that matches no other", False
    if emptied:
        return "an account with no password: anyone who knows its name", True
    if _passwordless(_account(item), s) and identified < 0:
        return "an account created here with no password", False
    return "", False


def opened_by_grant(tokens: Tokens, s: Session) -> list[Effect]:
    """The tables a ``GRANT`` opens to everyone (see the module's text); empty otherwise."""
    to = top_index(tokens, "to")
    if not is_word(tokens, 0, "grant") or to < 0:
        return []
    op = "GRANT"
    out: list[Effect] = []
    on = top_index(tokens, "on", 0)
    on = on if 0 <= on < to else -1
    for item in grantee_items(tokens, to + 1):
        why, emptied = _everyone(item, s)
        if not why:
            continue
        proxy = is_word(tokens, 1, "proxy")  # ON names the user proxied, not a table
        if emptied or on < 0 or proxy:
            # a role's privileges, a proxied user's or the account's earlier grants: not told
            out.append(_opened(s, _server(s), op, f"to {why}; what it reaches is not told"))
        if on >= 0 and not proxy:
            opened = opened_objects(tokens, on, to, s, iam=iam_everyone(item, s))
            out += [_opened(s, r, op, f"to {why}") for r in opened]
    for item in grantee_items(tokens, to + 1):
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
    whys = [_everyone(item, s)[0] for item in grantee_items(tokens, to + 1)]
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
    options = tokens[start : _options_end(tokens)]
    opener = next((t.text for t in options if t.kind == "word" and t.text in _ROLE_OPENERS), "")
    if opener:
        why = f"{opener.upper()}: the role passes every row-level security policy of the server"
        out.append(_opened(s, _server(s), op, why))
    return out


def _options_end(tokens: Tokens) -> int:
    """Where a role's options end: at ALTER ROLE's ``SET`` / ``RESET`` / ``RENAME`` / ``IN
    DATABASE``. CREATE ROLE's ``IN ROLE|GROUP r`` is an option among others: the options
    after it count (PostgreSQL 15 run: ``CREATE ROLE x IN ROLE r SUPERUSER`` made a superuser)."""
    ends = [top_index(tokens, w) for w in ("set", "reset", "rename")]
    ends += [
        k
        for k in range(len(tokens))
        if is_word(tokens, k, "in") and is_word(tokens, k + 1, "database")
    ]
    return min((k for k in ends if k > 0), default=len(tokens))


_EMPTIED = "empties the account's password: anyone who knows its name reaches its grants"
_CREATED_OPEN = (
    "an account other hosts reach, with no password: anyone who knows its name logs in,"
    " and what it is granted later is not told"
)
# The hosts that are the database server's own machine (MySQL's ``localhost`` is its socket).
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def _accounts(tokens: Tokens, start: int, op: str, s: Session) -> list[Effect]:
    """MySQL's ``CREATE USER`` / ``ALTER USER`` accounts: remembered when left with no
    password; an existing one's password emptied opens what it was granted, a new one other
    hosts reach with none opens what it will be."""
    out: list[Effect] = []
    created = op.startswith("CREATE")
    for item in grantee_items(tokens, start):
        identified = top_index(item, "identified")
        emptied = identified >= 0 and _password_empty(item[identified:])
        if emptied and not created:
            out.append(_opened(s, _server(s), op, _EMPTIED))
        elif created and (emptied or identified < 0) and _reached_from_elsewhere(item, s):
            account = _account(item)
            if account is None:  # not read: no later statement can be seen to close it
                out.append(_opened(s, _server(s), op, _CREATED_OPEN))
            else:
                s.created_open.add(account)
        _note_password(item, s, created=created)
    return out


def left_open(s: Session) -> list[Effect]:
    """At the end of a text: the accounts it created with no password for other hosts and did
    not give one later (``CREATE USER x@'%'; ALTER USER x@'%' IDENTIFIED BY 'pw'`` leaves
    none open)."""
    still = s.created_open & s.passwordless
    s.created_open.clear()
    return [_opened(s, _server(s), "CREATE USER", _CREATED_OPEN)] if still else []


def _reached_from_elsewhere(item: Tokens, s: Session) -> bool:
    """Whether ``item`` is a MySQL account (the engine's, or written ``user@host``) that a
    machine other than the server connects from: ``%`` (also when no host is written,
    MariaDB run), ``10.%``, a host name. Read closed: only the loopback names are the server's
    own; an account not read is taken as any host's."""
    k = grantee_at(item)
    if s.engine != "mysql" and not is_punct(item, k + 1, "@"):
        return False  # another engine's user (Snowflake's ``CREATE USER x PASSWORD = ...``)
    account = _account(item)
    return account is None or account[1] not in _LOOPBACK_HOSTS


def password_emptied(tokens: Tokens, s: Session) -> list[Effect]:
    """MySQL's ``SET PASSWORD [FOR u] = ''|""|PASSWORD('')``: the account opens its grants."""
    eq = next((k for k in range(len(tokens)) if is_punct(tokens, k, "=")), -1)
    value = [t for t in tokens[eq + 1 :] if t.kind in _QUOTED] if eq > 0 else []
    if not value:
        return []
    account = _account(tokens[3:eq]) if is_word(tokens, 2, "for") else None
    if value[0].text != "":
        if account:
            s.passwordless.discard(account)
        return []
    if account:
        s.passwordless.add(account)
    return [_opened(s, _server(s), "SET PASSWORD", _EMPTIED)]


def _note_password(item: Tokens, s: Session, *, created: bool) -> None:
    """Remember the account ``item`` names as having no password when it is left with none
    (``created``: a new account, which has none unless ``IDENTIFIED``); forget it when it is
    given one (that account only: ``x@localhost`` is not ``x@'%'``)."""
    account = _account(item)
    if account is None:
        return
    identified = top_index(item, "identified")
    if identified >= 0 and not _password_empty(item[identified:]):
        s.passwordless.discard(account)
    elif identified >= 0 or created:
        s.passwordless.add(account)
