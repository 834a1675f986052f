"""Database dump and restore tools: ``pg_dump``, ``pg_dumpall``, ``pg_restore``,
``mysqldump``/``mariadb-dump`` and ``mysqlimport``/``mariadb-import``. (MongoDB's are in
:mod:`.mongo_tools`; ``mysql < dump.sql`` and ``psql -f dump.sql`` run their SQL, judged by
:mod:`.sql_clients`.)

Names are those the SQL clients give (``db:postgres/shop``, ``db:postgres/shop@prod-db``), so
one policy pattern covers a database whichever tool reaches it.

- A dump reads the database, or the tables and schemas it is told (``-t``, ``-n``); the file
  it writes (``-f``, ``--result-file``) is written like any other file.
- ``pg_restore`` without ``-d`` only turns the archive into SQL (a read); with ``-d`` it loads
  the archive into that database: an update (objects and rows added), and with
  ``--clean`` a replace -- every object the archive holds is dropped first, with its data. With
  ``--create`` the archive's own database is created (``--clean --create``: dropped and
  recreated); its name is in the archive, which is not read, so every database is named.
- ``mysqlimport`` loads each file into the table of the same name: an update; ``--delete``
  (or ``delete`` in its option files, read as mysql's are) empties the table first (a
  replace); ``--replace`` only writes over rows with the same key (an update).
"""

from __future__ import annotations

from collections.abc import Sequence
from posixpath import basename

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import (
    Arg,
    Parsed,
    Spec,
    is_dynamic,
    parse,
    setting,
    with_command,
)
from keyturn.understand.shell.commands._db_admin import service_host
from keyturn.understand.shell.commands._mysql_options import mysql_options
from keyturn.understand.shell.commands.sql_clients import Connection, conninfo
from keyturn.understand.shell.effects import directory_tree, file_effect, write_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.sql.names import Session

_E = EffectKind
_PG_CONNECTION = {"dbname": "d", "host": "h", "port": "p", "username": "U"}
_PG_DUMP = Spec(
    short="fFjZeEnNStTdhpU",
    long={
        **_PG_CONNECTION,
        "file": "f",
        "format": "F",
        "jobs": "j",
        "compress": "Z",
        "extension": "e",
        "encoding": "E",
        "schema": "n",
        "exclude-schema": "N",
        "superuser": "S",
        "table": "t",
        "exclude-table": "T",
    },
    long_valued=frozenset("fFjZeEnNStTdhpU")
    | {"lock-wait-timeout", "role", "exclude-table-data", "section", "snapshot", "filter"}
    | {"rows-per-insert", "extra-float-digits", "exclude-extension", "table-and-children"}
    | {"exclude-table-and-children", "exclude-table-data-and-children", "include-foreign-data"},
)
_PG_DUMPALL = Spec(
    short="fdhlpSU",
    long={**_PG_CONNECTION, "file": "f", "database": "l", "superuser": "S"},
    long_valued=frozenset("fdhlpSU") | {"role", "exclude-database", "lock-wait-timeout"},
)
_PG_RESTORE = Spec(
    short="dfFIjLnNPStThpU",
    long={
        **_PG_CONNECTION,
        "file": "f",
        "format": "F",
        "index": "I",
        "jobs": "j",
        "use-list": "L",
        "schema": "n",
        "exclude-schema": "N",
        "function": "P",
        "superuser": "S",
        "table": "t",
        "trigger": "T",
        "clean": "c",
        "create": "C",
        "list": "l",
    },
    long_valued=frozenset("dfFIjLnNPStThpU") | {"role", "section", "filter"},
)
_MYSQL_CONNECTION = {"host": "h", "port": "P", "user": "u", "socket": "S", "password": "p"}
_MYSQLDUMP = Spec(
    short="hPuSrwT",
    attached="p",
    long={
        **_MYSQL_CONNECTION,
        "result-file": "r",
        "where": "w",
        "databases": "B",
        "all-databases": "A",
        "tab": "T",
        "flush-logs": "F",
    },
    long_valued=frozenset("hPuSrwT")
    | {"defaults-file", "defaults-extra-file", "ignore-table", "default-character-set"}
    | {"compatible", "set-gtid-purged", "protocol", "plugin-dir", "ssl-ca", "ssl-cert"}
    | {"log-error", "login-path", "defaults-group-suffix", "default-auth", "ssl-key"},
)
# mysqldump's options that load code or read settings keyturn does not follow.
_MYSQLDUMP_UNJUDGED = {
    "login-path": "reads its settings from the encrypted ~/.mylogin.cnf",
    "defaults-group-suffix": "reads other groups of its option files",
    "plugin-dir": "loads client plugins from a directory",
    "default-auth": "loads a client authentication plugin",
}
_MYSQLIMPORT = Spec(
    short="hPuSc",
    attached="p",
    long={**_MYSQL_CONNECTION, "columns": "c", "delete": "d", "replace": "r"},
    long_valued=frozenset("hPuSc")
    | {"defaults-file", "defaults-extra-file", "fields-terminated-by", "lines-terminated-by"}
    | {"fields-enclosed-by", "fields-escaped-by", "ignore-lines", "default-character-set"},
)


def _postgres(cmd: SimpleCommand, ctx: ShellContext, args: Parsed, *, operand: bool) -> Session:
    """Where a PostgreSQL tool connects: the database operand (when the tool takes one), ``-d``
    (a name or a connection string) and ``-h``, then its service (``service=``,
    ``PGSERVICE``), ``PGDATABASE`` and ``PGHOST``. A database decided at run time is ``*``."""
    conn = Connection("postgres")
    service = None
    chosen = [*(args.operands[:1] if operand else ()), *args.all("d", "h")]
    for arg in chosen:
        if is_dynamic(cmd, arg):
            conn.database = "*" if arg.key != "h" else conn.database
        elif arg.key == "h":
            conn.host = arg.value or conn.host
        else:
            service = conninfo(arg.value, conn) or service
    service_host(cmd, ctx, conn, service)
    return conn.session(ctx)


def _objects(
    s: Session, args: Parsed, tables: str, schemas: str, *, whole: bool = False
) -> list[Resource]:
    """The tables and schemas a tool is told to work on; the database when none (``whole``:
    with everything in it)."""
    found = [s.object_resource(a.value.split("."), "table") for a in args.all(tables)]
    found += [s.schema_resource([a.value]) for a in args.all(schemas)]
    return found or [s.database_resource(whole=whole)]


def _written(cmd: SimpleCommand, ctx: ShellContext, args: Parsed, key: str) -> list[Effect]:
    """The file the tool writes its output to (``-f FILE``; stdout is the line's business)."""
    out = args.last(key)
    if out is None or out.value in ("", "-"):
        return []
    return [write_effect(normalize_path(out.value, cwd=ctx.cwd), cmd, ctx, detail="the dump")]


@command("pg_dump")
def pg_dump(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``pg_dump [-t TABLE]… [-n SCHEMA]… [-f FILE] [DB]``: reads."""
    args = parse(cmd, _PG_DUMP)
    s = _postgres(cmd, ctx, args, operand=True)
    reads = [s.effect(_E.READ, r, "pg_dump", "dumps") for r in _objects(s, args, "t", "n")]
    return with_command(reads + _written(cmd, ctx, args, "f"), cmd)


@command("pg_dumpall")
def pg_dumpall(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``pg_dumpall [-f FILE]``: reads every database of the server, and its roles."""
    args = parse(cmd, _PG_DUMPALL)
    s = _postgres(cmd, ctx, args, operand=False)
    every = Session("postgres", "*", s.host, s.target).database_resource()
    read = s.effect(_E.READ, every, "pg_dumpall", "dumps every database and the roles")
    return with_command([read, *_written(cmd, ctx, args, "f")], cmd)


@command("pg_restore")
def pg_restore(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``pg_restore [-d DB [--clean] [--create]] [-t TABLE]… [ARCHIVE]``."""
    args = parse(cmd, _PG_RESTORE)
    archive = _archive_read(cmd, ctx, args.operands[:1])
    if args.has("l") or not args.has("d"):
        # Lists the archive, or writes it out as SQL: no database is touched.
        return with_command(archive + _written(cmd, ctx, args, "f"), cmd)
    s = _postgres(cmd, ctx, args, operand=False)
    clean, create = args.has("c"), args.has("C")
    if create:
        # The archive's own database is created (dropped first with --clean); -d only says
        # where to connect to do it. Its name is inside the archive, not read here.
        every = Session("postgres", "*", s.host, s.target).database_resource(whole=True)
        kind, detail = (
            (_E.REPLACE, "drops the archive's database and recreates it from the archive")
            if clean
            else (_E.CREATE, "creates the archive's database and loads it")
        )
        return with_command([*archive, s.effect(kind, every, "pg_restore", detail)], cmd)
    kind, detail = (
        (_E.REPLACE, "drops every object the archive holds, with its data, then recreates it")
        if clean
        else (_E.UPDATE, "loads the archive: objects and rows are added")
    )
    into = _objects(s, args, "t", "n", whole=clean)
    return with_command(archive + [s.effect(kind, r, "pg_restore", detail) for r in into], cmd)


def _archive_read(cmd: SimpleCommand, ctx: ShellContext, operands: Sequence[Arg]) -> list[Effect]:
    """Reading the archive file given as an operand (stdin when none)."""
    paths = [normalize_path(a.value, cwd=ctx.cwd) for a in operands]
    return [file_effect(_E.READ, paths, cmd, ctx, detail="the archive")] if paths else []


@command("mysqldump", "mariadb-dump")
def mysqldump(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mysqldump DB [TABLE…]``, ``--databases DB…``, ``--all-databases``: reads, on the host
    the line or its option files (:mod:`._mysql_options`) name; the files it writes (``-r``,
    ``--tab``, ``--log-error``, from the line or the option files) and what it changes on the
    server (``--delete-master-logs`` purges the binary logs, ``--flush-logs`` rotates them)."""
    args = parse(cmd, _MYSQLDUMP)
    options = mysql_options(cmd, ctx, args, program="mysqldump")
    conn = Connection("mysql", host=options.host or setting(cmd, ctx.env, "MYSQL_HOST"))
    for arg in args.all("h"):
        conn.host = arg.value or conn.host
    words = ["*" if is_dynamic(cmd, a) else a.value for a in args.operands]
    if args.has("A") or not words:
        conn.database = "*"
        resources = [conn.session(ctx).database_resource()]
    elif args.has("B"):
        resources = [conn.session(ctx).database_resource(w) for w in words]
    else:
        conn.database = words[0]
        s = conn.session(ctx)
        resources = [s.object_resource([t], "table") for t in words[1:]]
        resources = resources or [s.database_resource()]
    s = conn.session(ctx)
    problems = options.problems + [
        f"--{a.key} {_MYSQLDUMP_UNJUDGED[a.key]}" for a in args.all(*_MYSQLDUMP_UNJUDGED)
    ]
    effects = [s.unknown(problem) for problem in problems]
    effects += [e for text in options.init for e in conn.run(text, ctx)]
    effects += [s.effect(_E.READ, r, cmd.name, "dumps") for r in resources]
    return with_command(effects + _dump_changes(cmd, ctx, args, options.settings, s), cmd)


def _dump_changes(
    cmd: SimpleCommand, ctx: ShellContext, args: Parsed, settings: dict[str, str], s: Session
) -> list[Effect]:
    """What mysqldump writes or changes besides its output on stdout; the line's option wins
    over the option files'."""
    effects: list[Effect] = []

    def told(key: str, name: str) -> str | None:
        found = args.last(key)
        return found.value if found is not None else settings.get(name)

    result, tab, log = told("r", "result-file"), told("T", "tab"), told("log-error", "log-error")
    if result not in (None, "", "-"):
        path = normalize_path(result, cwd=ctx.cwd)
        effects.append(write_effect(path, cmd, ctx, detail="the dump"))
    if tab:
        tree = directory_tree(normalize_path(tab, cwd=ctx.cwd))
        effects.append(file_effect(_E.UPDATE, tree, cmd, ctx, detail="--tab: a file per table"))
    if log:
        path = normalize_path(log, cwd=ctx.cwd)
        effects.append(write_effect(path, cmd, ctx, detail="--log-error", appends=True))
    server = Session("mysql", "*", s.host, s.target).database_resource()
    if args.has("delete-master-logs") or "delete-master-logs" in settings:
        detail = "--delete-master-logs: purges the server's binary logs"
        effects.append(s.effect(_E.UPDATE, server, cmd.name, detail))
        # as PURGE BINARY LOGS is judged (:mod:`keyturn.understand.sql.settings`)
        binlogs = s.server_resource("binlogs")
        effects.append(s.effect(_E.DELETE, binlogs, cmd.name, detail))
    if args.has("F") or "flush-logs" in settings:
        effects.append(s.effect(_E.UPDATE, server, cmd.name, "--flush-logs: rotates the logs"))
    return effects


@command("mysqlimport", "mariadb-import")
def mysqlimport(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mysqlimport [--delete|--replace] DB FILE…``: each file into the table of its name, on
    the host the line or its option files (:mod:`._mysql_options`) name; ``delete`` there
    empties the tables as ``--delete`` does."""
    args = parse(cmd, _MYSQLIMPORT)
    options = mysql_options(cmd, ctx, args, program="mysqlimport")
    conn = Connection("mysql", host=options.host or setting(cmd, ctx.env, "MYSQL_HOST"))
    for arg in args.all("h"):
        conn.host = arg.value or conn.host
    if not args.operands or is_dynamic(cmd, args.operands[0]):
        return with_command(
            [conn.session(ctx).unknown("mysqlimport: the database is not known")], cmd
        )
    conn.database = args.operands[0].value
    s = conn.session(ctx)
    effects = [s.unknown(problem) for problem in options.problems]
    effects += [e for text in options.init for e in conn.run(text, ctx)]
    kind, detail = (
        (_E.REPLACE, "--delete: empties the table first, then loads the file")
        if args.has("d") or "delete" in options.settings
        else (_E.UPDATE, "loads the file into the table")
    )
    loads: list[Effect] = []
    for arg in args.operands[1:]:
        path = normalize_path(arg.value, cwd=ctx.cwd)
        table = "*" if is_dynamic(cmd, arg) else basename(path).split(".", 1)[0]
        loads.append(file_effect(_E.READ, [path], cmd, ctx))
        loads.append(s.effect(kind, s.object_resource([table], "table"), cmd.name, detail))
    return with_command(effects + (loads or [s.unknown("mysqlimport: no file given")]), cmd)
