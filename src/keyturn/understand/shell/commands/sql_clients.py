"""SQL clients on the command line: ``psql``, ``mysql``/``mariadb``, ``sqlite3``, ``dropdb`` and
friends, ``mysqladmin``. (``redis-cli`` and ``mongosh`` are in :mod:`._datastores`.)

The SQL a client runs comes from its options (``psql -c``/``-f``, ``mysql -e``, ``sqlite3 DB
SQL``), from a file (read through ``ctx.files``), or from stdin (a heredoc, ``<`` file, or
constant text piped in). It is judged by :func:`keyturn.understand.sql.sql_effects`. SQL that is
not at hand (an interactive session, a file that cannot be read, text piped from a command whose
output is not known, a ``-c "$Q"`` decided at run time) is ``unknown`` with the reason.

Names: ``db:<engine>/<database>[/<table>]`` with ``*`` for a database not given (psql's default
is the user's name, which is not known). When the server's host is known (``-h``, a URI,
``PGHOST``) every resource gets a second name ``<name>@<host>`` -- ``db:postgres/app/users@
db.prod.internal`` -- so that a policy's ``resources: ["*prod*"]`` tells the environment by host
as well as by database name. Passwords in URIs or ``-p`` never reach a name or a detail.

A local database file (``sqlite3 FILE``, ``.open FILE``) is also named ``file:<path>`` on every
effect on it, so that what guards the file (keyturn's own state directory) guards it through SQL
too. ``duckdb`` and ``sqlite-utils`` are not understood (their SQL reads and writes any file and
loads extensions): unknown, with the database file named.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands import _datastores  # noqa: F401  (registers handlers)
from keyturn.understand.shell.commands._argv import (
    Arg,
    Spec,
    is_dynamic,
    parse,
    setting,
    with_command,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve
from keyturn.understand.shell.words import normalize_path
from keyturn.understand.sql import sql_effects
from keyturn.understand.sql.names import Session


@dataclass(slots=True)
class Connection:
    """Where a client connects."""

    engine: str
    database: str | None = None
    host: str | None = None

    def session(self, ctx: ShellContext) -> Session:
        return Session(self.engine, self.database or "*", self.host, ctx.target)

    def run(self, sql: str, ctx: ShellContext) -> list[Effect]:
        return sql_effects(
            sql, engine=self.engine, database=self.database, target=ctx.target, host=self.host
        )


def conninfo(text: str, conn: Connection) -> None:
    """Apply a connection string (``postgresql://u:p@host/db``, ``host=x dbname=y``, or a
    plain database name) to ``conn``. The password is never kept."""
    if "://" in text:
        parts = urlsplit(text)
        with contextlib.suppress(ValueError):  # a malformed port; the host is still known
            conn.host = parts.hostname or conn.host
        conn.database = parts.path.lstrip("/").split("/", 1)[0] or conn.database
    elif "=" in text:
        for pair in text.split():
            key, _, value = pair.partition("=")
            value = value.strip("'")
            if key == "host" and value:
                conn.host = value
            elif key == "dbname" and value:
                conn.database = value
    elif text:
        conn.database = text


def _stdin_sql(cmd: SimpleCommand, ctx: ShellContext, conn: Connection) -> list[Effect]:
    """The effects of SQL fed on stdin, or unknown when it is not at hand."""
    for redirect in cmd.redirects:
        if redirect.op in ("<", "<>"):
            if redirect.dynamic:
                return [conn.session(ctx).unknown("reads SQL from a file decided at run time")]
            return _file_sql(redirect.target, ctx, conn)
    if cmd.stdin_text is not None:
        return conn.run(cmd.stdin_text, ctx)
    if cmd.stdin_dynamic:
        return [conn.session(ctx).unknown(f"{cmd.name} runs SQL piped in, not known now")]
    return [conn.session(ctx).unknown(f"interactive {cmd.name}: the statements are not known")]


def _file_sql(path: str, ctx: ShellContext, conn: Connection) -> list[Effect]:
    absolute = normalize_path(path, cwd=ctx.cwd)
    text = ctx.files.read_text(absolute)
    if text is None:
        return [conn.session(ctx).unknown(f"runs SQL from {absolute}, which could not be read")]
    return conn.run(text, ctx)


def _text_sql(cmd: SimpleCommand, arg: Arg, ctx: ShellContext, conn: Connection) -> list[Effect]:
    if is_dynamic(cmd, arg):
        return [conn.session(ctx).unknown("runs SQL text decided at run time")]
    return conn.run(arg.value, ctx)


_PSQL = Spec(
    short="cdfhpUvoLPFRT",
    long={
        "command": "c",
        "dbname": "d",
        "file": "f",
        "host": "h",
        "port": "p",
        "username": "U",
        "set": "v",
        "variable": "v",
        "output": "o",
        "log-file": "L",
        "pset": "P",
        "field-separator": "F",
        "record-separator": "R",
        "table-attr": "T",
        "list": "l",
    },
)


@command("psql")
def psql(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``psql [-h HOST] [-d DB|URI] [-c SQL]... [-f FILE]... [DB [USER]]``."""
    args = parse(cmd, _PSQL)
    conn = Connection(
        "postgres", setting(cmd, ctx.env, "PGDATABASE"), setting(cmd, ctx.env, "PGHOST")
    )
    if args.operands:
        conninfo(args.operands[0].value, conn)
    for arg in args.all("d", "h"):
        if arg.key == "d":
            conninfo(arg.value, conn)
        else:
            conn.host = arg.value or conn.host
    effects: list[Effect] = []
    for arg in args.all("c", "f"):
        if arg.key == "c":
            effects += _text_sql(cmd, arg, ctx, conn)
        elif arg.value == "-":
            effects += _stdin_sql(cmd, ctx, conn)
        else:
            effects += _file_sql(arg.value, ctx, conn)
    if not effects and args.has("l"):
        session = conn.session(ctx)
        effects = [session.effect(EffectKind.READ, session.database_resource(), "list")]
    return with_command(effects or _stdin_sql(cmd, ctx, conn), cmd)


_MYSQL = Spec(
    short="eDhuPSO",
    attached="p",
    long={
        "execute": "e",
        "database": "D",
        "host": "h",
        "user": "u",
        "port": "P",
        "socket": "S",
        "password": "p",
    },
    long_valued=frozenset({"init-command", "defaults-file", "defaults-extra-file", "protocol"}),
)


@command("mysql", "mariadb")
def mysql(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mysql [-h HOST] [-D DB] [-e SQL] [DB]`` (MariaDB alike: engine ``mysql``)."""
    args = parse(cmd, _MYSQL)
    conn = Connection("mysql", host=setting(cmd, ctx.env, "MYSQL_HOST"))
    if args.operands:
        conn.database = args.operands[0].value
    for arg in args.all("D", "h"):
        if arg.key == "D":
            conn.database = arg.value or conn.database
        else:
            conn.host = arg.value or conn.host
    effects: list[Effect] = []
    for arg in args.all("init-command", "e"):
        effects += _text_sql(cmd, arg, ctx, conn)
    if args.has("e"):
        return with_command(effects, cmd)
    return with_command(effects + _stdin_sql(cmd, ctx, conn), cmd)


_SQLITE_VALUED = frozenset({"cmd", "init", "separator", "newline", "nullvalue", "A"})
_SQLITE = Spec(
    long_valued=_SQLITE_VALUED | {"maxsize", "mmap", "pagecache", "heap", "vfs", "lookaside"},
    single_dash_long=_SQLITE_VALUED
    | {"maxsize", "mmap", "pagecache", "heap", "vfs", "lookaside", "readonly", "bail", "batch"}
    | {"csv", "json", "line", "list", "html", "header", "noheader", "box", "column", "echo"}
    | {"interactive", "memtrace", "markdown", "quote", "table", "safe", "nofollow", "append"}
    | {"deserialize", "zip", "stats", "version", "help", "ascii", "tabs", "readonly"},
)


@command("sqlite3", "sqlite")
def sqlite(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``sqlite3 [OPTIONS] [FILE] [SQL]...``: database = the file's absolute path."""
    args = parse(cmd, _SQLITE)
    conn = Connection("sqlite", ":memory:")
    operands = list(args.operands)
    if operands and operands[0].value not in ("", ":memory:"):
        conn.database = normalize_path(operands[0].value, cwd=ctx.cwd)
    from keyturn.understand.shell.commands._sqlite_dot import sqlite_script

    effects: list[Effect] = []
    session = conn.session(ctx)  # one for the whole line: ``.open`` in one argument holds on
    for arg in [*args.all("init"), *args.all("cmd"), *operands[1:]]:
        if arg.key == "init":
            text = ctx.files.read_text(normalize_path(arg.value, cwd=ctx.cwd))
            effects += sqlite_script(text, ctx, session, origin=arg.value)
        elif is_dynamic(cmd, arg):
            effects.append(session.unknown("runs SQL text decided at run time"))
        else:
            effects += sqlite_script(arg.value, ctx, session, origin="")
    if operands[1:]:
        return with_command(_with_files(effects, conn.database), cmd)
    if cmd.stdin_text is not None:
        effects += sqlite_script(cmd.stdin_text, ctx, session, origin="")
        return with_command(_with_files(effects, conn.database), cmd)
    if session.database != conn.database:
        conn.database = session.database
    return with_command(_with_files(effects + _stdin_sql(cmd, ctx, conn), conn.database), cmd)


_SQLITE_NAME = "db:sqlite/"


def _with_files(effects: list[Effect], database: str | None) -> list[Effect]:
    """``effects`` with the database file they touch named ``file:<path>`` as well: the one
    given, and those the script ``.open``s."""
    files = {database} if database and database.startswith("/") else set()
    files |= {
        name.removeprefix(_SQLITE_NAME)
        for e in effects
        if e.operation == "sql:.open"
        for name in e.resource.names
        if name.startswith(_SQLITE_NAME + "/")
    }
    out: list[Effect] = []
    for effect in effects:
        names = effect.resource.names
        found = [
            f"file:{path}"
            for path in sorted(files)
            if any(
                n == _SQLITE_NAME + path or n.startswith(f"{_SQLITE_NAME}{path}/") for n in names
            )
        ]
        if found:
            resource = Resource(tuple(dict.fromkeys((*names, *found))), type=effect.resource.type)
            effect = evolve(effect, resource=resource)
        out.append(effect)
    return out


@command("duckdb", "sqlite-utils")
def database_file_tool(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``duckdb [OPTIONS] [FILE] [SQL]`` and ``sqlite-utils COMMAND FILE ...``: not understood
    (unknown), the database file named (``file:<path>``) so that what guards it holds."""
    words = [a for a in cmd.args if not a.startswith("-")]
    if cmd.name == "sqlite-utils":
        words = words[1:] if words[:1] != ["memory"] else []
    reason = f"keyturn does not judge what {cmd.name} runs (SQL reaching any file, extensions)"
    effect = unknown_effect(cmd, reason, ctx)
    if words and words[0] not in ("", ":memory:"):
        names = (*effect.resource.names, "file:" + normalize_path(words[0], cwd=ctx.cwd))
        effect = evolve(effect, resource=Resource(names, type=effect.resource.type))
    return [effect]


_PG_ADMIN = Spec(
    short="hpUdTEOlDcS",
    long={"host": "h", "port": "p", "username": "U", "maintenance-db": "maintenance-db"},
    long_valued=frozenset({"maintenance-db", "template", "encoding", "locale", "owner"}),
)
_PG_ADMIN_MEANINGS: dict[str, tuple[EffectKind, bool]] = {
    # program -> (effect, names a role rather than a database)
    "dropdb": (EffectKind.DELETE, False),
    "createdb": (EffectKind.CREATE, False),
    "dropuser": (EffectKind.DELETE, True),
    "createuser": (EffectKind.CREATE, True),
}


@command(*_PG_ADMIN_MEANINGS)
def pg_admin(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``dropdb``/``createdb DB``, ``dropuser``/``createuser ROLE``."""
    kind, role = _PG_ADMIN_MEANINGS[cmd.name]
    args = parse(cmd, _PG_ADMIN)
    conn = Connection("postgres", host=setting(cmd, ctx.env, "PGHOST"))
    host = args.last("h")
    conn.host = host.value if host else conn.host
    names = [a.value for a in args.operands[:1]]
    if not names and not role:
        names = [v for v in [setting(cmd, ctx.env, "PGDATABASE")] if v]
    session = conn.session(ctx)
    if not names or (args.operands and is_dynamic(cmd, args.operands[0])):
        return with_command([session.unknown(f"{cmd.name}: which one is not known")], cmd)
    resource = session.role_resource(names[0]) if role else session.database_resource(names[0])
    return with_command([session.effect(kind, resource, cmd.name)], cmd)


_MYSQLADMIN = Spec(short="hPuS", attached="p", long={"host": "h", "port": "P", "user": "u"})
_Admin = Callable[[Session, list[str]], list[Effect]]


def _admin_database(kind: EffectKind) -> _Admin:
    def meaning(s: Session, rest: list[str]) -> list[Effect]:
        if not rest:
            return [s.unknown("mysqladmin: which database is not given")]
        return [s.effect(kind, s.database_resource(rest[0]), f"mysqladmin {kind.value}")]

    return meaning


def _admin_server(kind: EffectKind, detail: str) -> _Admin:
    def meaning(s: Session, rest: list[str]) -> list[Effect]:
        return [s.effect(kind, s.database_resource(), "mysqladmin", detail)]

    return meaning


_MYSQLADMIN_COMMANDS: dict[str, tuple[_Admin, int]] = {
    # sub-command -> (meaning, how many arguments it takes)
    "drop": (_admin_database(EffectKind.DELETE), 1),
    "create": (_admin_database(EffectKind.CREATE), 1),
    "password": (_admin_server(EffectKind.UPDATE, "changes a password"), 1),
    "old-password": (_admin_server(EffectKind.UPDATE, "changes a password"), 1),
    "kill": (_admin_server(EffectKind.UPDATE, "kills sessions"), 1),
    "shutdown": (_admin_server(EffectKind.UNKNOWN, "stops the server"), 0),
    **{
        name: (_admin_server(EffectKind.READ, ""), 0)
        for name in ("status", "ping", "processlist", "variables", "version", "extended-status")
    },
}


@command("mysqladmin", "mariadb-admin")
def mysqladmin(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mysqladmin [opts] drop DB | create DB | flush-* | shutdown | status ...``."""
    args = parse(cmd, _MYSQLADMIN)
    host = args.last("h")
    session = Connection("mysql", host=host.value if host else None).session(ctx)
    words = [a.value for a in args.operands]
    effects: list[Effect] = []
    while words:
        name = words.pop(0).lower()
        if name.startswith(("flush-", "refresh", "reload", "start-", "stop-")):
            effects += _admin_server(EffectKind.UPDATE, name)(session, [])
            continue
        meaning = _MYSQLADMIN_COMMANDS.get(name)
        if meaning is None:
            effects.append(session.unknown(f"mysqladmin {name} not understood"))
            continue
        effects += meaning[0](session, words[: meaning[1]])
        words = words[meaning[1] :]
    return with_command(effects or [session.unknown("mysqladmin without a command")], cmd)
