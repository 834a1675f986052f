"""SQL clients on the command line: ``psql``, ``mysql``/``mariadb``, ``sqlite3``. (``dropdb`` and
friends and ``mysqladmin`` are in :mod:`._db_admin`; ``redis-cli`` and ``mongosh`` in
:mod:`._datastores`.)

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

A local database file (``sqlite3 FILE``, ``.open FILE``, ``ATTACH 'FILE'``, a ``file:`` URI) is
also named ``file:<path>`` on every effect on it, so that what guards the file (keyturn's own
state directory) guards it through SQL too.

Where the database is decided: psql reads a connection string as libpq does (``dbname = x``,
a URI's ``?dbname=``, percent escapes: :mod:`keyturn.understand.sql.conninfo`); a ``service``
(or ``PGSERVICE``) is looked up in the service file, and when that cannot be read the database
is not told (``*``) and the service is named instead of the host (``...@service=prod``), so that
``*prod*`` still tells the environment. psql's several ``-c``/``-f`` share one session (a
``\\c`` in one holds for the next); two client commands do not, but the links between tables
one declared (a foreign key ``ON DELETE CASCADE``, ``INHERITS``) hold for the next on the same
server (:mod:`._sql_line`). What a client reads before the line's SQL is judged too:
psql's start-up files (:mod:`._psql_startup`), mysql's option files (:mod:`._mysql_options`:
their host and database count, their ``init-command`` is judged); what cannot be read or
judged there (a start-up file the line moved with ``PSQLRC`` or another ``HOME``, an option
keyturn does not know, ``--login-path``) is unknown.

``duckdb`` and ``sqlite-utils`` are not understood (their SQL reads and writes any file and
loads extensions): unknown, with the database file named.
"""

from __future__ import annotations

from collections.abc import Iterable

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands import _datastores  # noqa: F401  (registers handlers)
from keyturn.understand.shell.commands._argv import (
    Arg,
    Parsed,
    Spec,
    is_dynamic,
    parse,
    setting,
)
from keyturn.understand.shell.commands._home import home_moved
from keyturn.understand.shell.commands._mysql_options import mysql_options
from keyturn.understand.shell.commands._psql_startup import psql_start_up, user_file
from keyturn.understand.shell.commands._sql_line import Connection as Connection  # re-exported
from keyturn.understand.shell.effects import file_path, unknown_effect, write_effect
from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve
from keyturn.understand.sql.conninfo import (
    Conninfo,
    parse_conninfo,
    parse_service_file,
    recognized_conninfo,
)
from keyturn.understand.sql.sqlite_files import with_database_files


def conninfo(text: str, conn: Connection) -> str | None:
    """Apply a connection string (``postgresql://u:p@host/db?dbname=x``, ``host=x dbname = y``,
    or a plain database name) to ``conn``, as libpq reads it; the service it names, if any.
    A string libpq would refuse leaves the database not told. The password is never kept."""
    if not recognized_conninfo(text):
        conn.database = text or conn.database
        return None
    info = parse_conninfo(text)
    if info is None:
        conn.database = None
        return None
    conn.database = info.database or conn.database
    conn.host = info.host or conn.host
    return info.service


def service_settings(name: str, cmd: SimpleCommand, ctx: ShellContext) -> Conninfo | None:
    """The settings of the libpq service ``name`` from the user's service file (or
    ``PGSERVICEFILE``), else the system's (``PGSYSCONFDIR``); ``None`` when not readable."""
    user_file = setting(cmd, ctx.env, "PGSERVICEFILE") or f"{ctx.home}/.pg_service.conf"
    system_dir = setting(cmd, ctx.env, "PGSYSCONFDIR") or "/etc/postgresql-common"
    for path in (user_file, f"{system_dir}/pg_service.conf"):
        text = one_text_on_line(normalize_path(path, cwd=ctx.cwd), ctx)
        found = parse_service_file(text, name) if text is not None else None
        if found is not None:
            return found
    return None


def _stdin_sql(cmd: SimpleCommand, ctx: ShellContext, conn: Connection) -> list[Effect]:
    """The effects of SQL fed on stdin, or unknown when it is not at hand."""
    for redirect in cmd.redirects:
        if redirect.op in ("<", "<>"):
            if redirect.dynamic:
                return [conn.session(ctx).unknown("reads SQL from a file decided at run time")]
            return _file_sql(redirect.target, ctx, conn)
    if cmd.stdin_text is not None:
        return conn.run(cmd.stdin_text, ctx, psql_variables=conn.engine == "postgres")
    if cmd.stdin_dynamic:
        return [conn.session(ctx).unknown(f"{cmd.name} runs SQL piped in, not known now")]
    return [conn.session(ctx).unknown(f"interactive {cmd.name}: the statements are not known")]


def _file_sql(path: str, ctx: ShellContext, conn: Connection) -> list[Effect]:
    absolute = normalize_path(path, cwd=ctx.cwd)
    text = one_text_on_line(absolute, ctx)
    if text is None:
        return [conn.session(ctx).unknown(f"runs SQL from {absolute}, which could not be read")]
    return conn.run(text, ctx, psql_variables=conn.engine == "postgres")


def _text_sql(cmd: SimpleCommand, ctx: ShellContext, conn: Connection, *texts: Arg) -> list[Effect]:
    """The SQL ``texts`` give, run as one text joined with a space (mysql's several ``-e``)."""
    if any(is_dynamic(cmd, arg) for arg in texts):
        return [conn.session(ctx).unknown("runs SQL text decided at run time")]
    return conn.run(" ".join(arg.value for arg in texts), ctx)


def _abbreviated(args: Parsed, names: Iterable[str]) -> str | None:
    """A long option given by a prefix of one of ``names`` (getopt takes any unambiguous
    prefix: ``--comm``, ``--init-com``), which this handler would not otherwise see."""
    known = set(names)
    for arg in args.options:
        long = len(arg.key) > 1 and arg.key not in known
        if long and any(name.startswith(arg.key) for name in known):
            return arg.key
    return None


def _start_up_chosen(cmd: SimpleCommand, ctx: ShellContext, *variables: str) -> str | None:
    """A variable naming the client's start-up file, or a ``HOME`` other than the user's (the
    client then runs ``$HOME/.psqlrc``, ``$HOME/.my.cnf``...): what it runs is not judged."""
    for name in variables:
        if setting(cmd, ctx.env, name):
            return name
    if home_moved(cmd, ctx):
        return "HOME"
    return None


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


_PSQL_LONG = frozenset(
    {*_PSQL.long, "no-psqlrc", "single-transaction", "echo-all", "echo-queries", "quiet"}
    | {"no-align", "tuples-only", "expanded", "no-readline", "csv", "html", "version"}
)


@command("psql")
def psql(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``psql [-h HOST] [-d DB|CONNINFO] [-c SQL]... [-f FILE]... [DB [USER]]``.

    All its ``-c``/``-f`` texts run in one session (``\\c`` in one holds for the next), after
    its start-up files unless ``-X``. The database of a ``service`` is read from the service
    file, or is not told."""
    args = parse(cmd, _PSQL)
    conn = Connection("postgres")
    for arg in args.all("h"):
        conn.host = arg.value or conn.host
    dbname = args.last("d") or (args.operands[0] if args.operands else None)
    service = conninfo(dbname.value, conn) if dbname is not None else None
    service = service or setting(cmd, ctx.env, "PGSERVICE")
    if service:
        found = service_settings(service, cmd, ctx)
        # the service's settings, under those the line gives (libpq's order)
        conn.database = conn.database or (found.database if found else None)
        conn.host = conn.host or (found.host if found else f"service={service}")
    elif not conn.database:
        conn.database = setting(cmd, ctx.env, "PGDATABASE")
    conn.host = conn.host or setting(cmd, ctx.env, "PGHOST")
    conn.port = _value(args.last("p")) or setting(cmd, ctx.env, "PGPORT")
    session = conn.session(ctx)
    effects: list[Effect] = []
    abbreviated = _abbreviated(args, _PSQL_LONG)
    if abbreviated is not None:
        effects.append(session.unknown(f"psql option --{abbreviated} is a prefix: not judged"))
    if dbname is not None and is_dynamic(cmd, dbname):
        session.database = "*"
    if not args.has("X", "no-psqlrc"):
        effects += _start_up_sql(cmd, ctx, conn)
    effects += _psql_output_files(args, cmd, ctx)
    for arg in args.all("c", "f"):
        if arg.key == "c":
            effects += _text_sql(cmd, ctx, conn, arg)
        elif arg.value == "-":
            effects += _stdin_sql(cmd, ctx, conn)
        else:
            effects += _file_sql(arg.value, ctx, conn)
    if not args.has("c", "f") and args.has("l"):
        effects.append(session.effect(EffectKind.READ, session.database_resource(), "list"))
    if not args.has("c", "f", "l"):
        effects += _stdin_sql(cmd, ctx, conn)
    return conn.finish(effects, cmd, ctx)


def _value(arg: Arg | None) -> str | None:
    return arg.value if arg is not None else None


def _start_up_sql(cmd: SimpleCommand, ctx: ShellContext, conn: Connection) -> list[Effect]:
    """What psql runs before the line's SQL, in the same session: its start-up files
    (:mod:`._psql_startup`, ``PSQLRC``'s included); the user's one, when the line moved it
    where it cannot be followed (another ``HOME``, a ``PSQLRC`` decided at run time) or to a
    file not there now, is unknown."""
    session = conn.session(ctx)
    user = user_file(cmd, ctx)
    chosen = None if setting(cmd, ctx.env, "PSQLRC") else _start_up_chosen(cmd, ctx)
    found = psql_start_up(cmd, ctx, user=user if chosen is None else None)
    if chosen is not None or user is None:
        found.problems.append(f"psql runs the start-up file {chosen or 'PSQLRC'} points to")
    elif setting(cmd, ctx.env, "PSQLRC") and not found.user_found:
        # PSQLRC names a file not there now: the line or another process may yet put one there
        found.problems.append(f"psql runs the start-up file PSQLRC points to ({user})")
    return found.judge(session, lambda text: conn.run(text, ctx, psql_variables=True))


def _psql_output_files(args: Parsed, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What psql's ``-o FILE`` (query output) and ``-L FILE`` (a session log, appended) write on
    this machine; ``-o |command`` pipes the output to a shell command, which is not judged."""
    effects = []
    for arg in args.all("o", "L"):
        if arg.key == "o" and arg.value.startswith("|"):
            reason = f"psql -o {arg.value[:60]}: pipes its output to a shell command"
            effects.append(unknown_effect(cmd, reason, ctx))
        elif arg.value:
            path = file_path(arg.value, ctx)
            effects.append(
                write_effect(path, cmd, ctx, detail=f"psql -{arg.key}", appends=arg.key == "L")
            )
    return effects


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
    long_valued=frozenset(
        {"init-command", "defaults-file", "defaults-extra-file", "protocol", "login-path"}
        | {"defaults-group-suffix", "tee", "pager", "plugin-dir", "default-auth", "prompt"}
        | {"default-character-set", "character-sets-dir", "connect-timeout", "ssl-ca"}
        | {"ssl-cert", "ssl-key", "max-allowed-packet", "load-data-local-dir"}
    ),
)
# Options that run code or write a file: a pager or tee, an authentication plugin's library.
_MYSQL_UNJUDGED = {
    "tee": "writes the session's output to a file",
    "pager": "pipes query output to a shell command",
    "plugin-dir": "loads client plugins from a directory",
    "default-auth": "loads a client authentication plugin",
    "login-path": "reads its settings from the encrypted ~/.mylogin.cnf",
    "defaults-group-suffix": "reads other groups of its option files",
}
_MYSQL_LONG = frozenset({*_MYSQL.long, *_MYSQL.long_valued, "no-defaults", "no-login-paths"})


@command("mysql", "mariadb")
def mysql(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mysql [-h HOST] [-D DB] [-e SQL] [DB]`` (MariaDB alike: engine ``mysql``).

    Its option files are read first (:mod:`._mysql_options`): their ``database``/``host``
    count unless the line gives its own, and their ``init-command`` is judged; what in them
    cannot be judged, ``--login-path`` and a prefix of an option are unknown. Its several
    ``-e`` are one SQL text (``-e "DROP TABLE" -e t`` drops ``t``); psql's several ``-c`` are
    several commands."""
    args = parse(cmd, _MYSQL)
    options = mysql_options(cmd, ctx, args, program="mysql")
    host = options.host or setting(cmd, ctx.env, "MYSQL_HOST")
    port = _value(args.last("P")) or setting(cmd, ctx.env, "MYSQL_TCP_PORT")
    conn = Connection("mysql", database=options.database, host=host, port=port)
    if args.operands:
        conn.database = args.operands[0].value
    for arg in args.all("D", "h"):
        if arg.key == "D":
            conn.database = arg.value or conn.database
        else:
            conn.host = arg.value or conn.host
    problems = options.problems
    problems += [f"--{a.key} {_MYSQL_UNJUDGED[a.key]}" for a in args.all(*_MYSQL_UNJUDGED)]
    abbreviated = _abbreviated(args, _MYSQL_LONG)
    if abbreviated is not None:
        problems.append(f"mysql option --{abbreviated} is a prefix: not judged")
    session = conn.session(ctx)
    effects = [session.unknown(problem) for problem in problems]
    for text in options.init:
        effects += conn.run(text, ctx)
    for arg in args.all("init-command"):  # run on connecting, before any -e
        effects += _text_sql(cmd, ctx, conn, arg)
    if args.has("e"):  # one text, joined with a space (MariaDB 10.11 tried; MySQL's readline.cc)
        return conn.finish(effects + _text_sql(cmd, ctx, conn, *args.all("e")), cmd, ctx)
    return conn.finish(effects + _stdin_sql(cmd, ctx, conn), cmd, ctx)


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
    """``sqlite3 [OPTIONS] [FILE|URI] [SQL]...``: database = the file's absolute path.

    Its start-up file (unless ``-init`` names the file to run instead) is the password
    file's home's, whatever ``HOME`` says; one ``XDG_CONFIG_HOME`` points to is unknown
    (:meth:`Connection.sqlite_start_up`)."""
    from keyturn.understand.shell.commands._sqlite_dot import sqlite_script
    from keyturn.understand.sql.sqlite_files import MEMORY, database_file

    args = parse(cmd, _SQLITE)
    conn = Connection("sqlite", MEMORY)
    operands = list(args.operands)
    if operands:
        found = database_file(operands[0].value, directory=ctx.cwd)
        dynamic = is_dynamic(cmd, operands[0])
        conn.database = "*" if found is None or dynamic else found
        if conn.database.startswith("/"):
            conn.database = normalize_path(conn.database, cwd="/")
    effects: list[Effect] = []
    session = conn.session(ctx)  # one for the whole line: ``.open`` in one argument holds on
    session.directory = ctx.cwd
    if not args.has("init"):
        effects += conn.sqlite_start_up(cmd, ctx)
    for arg in [*args.all("init"), *args.all("cmd"), *operands[1:]]:
        if arg.key == "init":
            text = one_text_on_line(normalize_path(arg.value, cwd=ctx.cwd), ctx)
            effects += sqlite_script(text, ctx, session, origin=arg.value)
        elif is_dynamic(cmd, arg):
            effects.append(session.unknown("runs SQL text decided at run time"))
        else:
            effects += sqlite_script(arg.value, ctx, session, origin="")
    if operands[1:]:
        return conn.finish(with_database_files(effects, conn.database), cmd, ctx)
    if cmd.stdin_text is not None:
        effects += sqlite_script(cmd.stdin_text, ctx, session, origin="")
        return conn.finish(with_database_files(effects, conn.database), cmd, ctx)
    effects += _stdin_sql(cmd, ctx, conn)
    return conn.finish(with_database_files(effects, conn.database), cmd, ctx)


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
