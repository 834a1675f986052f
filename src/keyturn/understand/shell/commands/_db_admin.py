"""Database administration tools on the command line, for the SQL clients'
(:mod:`.sql_clients`) names: ``dropdb``/``createdb``/``dropuser``/``createuser`` and
``mysqladmin``/``mariadb-admin``.

- Where the PostgreSQL tools connect is read as libpq does: ``-h``, the ``--maintenance-db``
  connection string, its service or ``PGSERVICE`` (:func:`service_host`), then ``PGHOST``;
  the database dropped or created is the operand (or ``PGDATABASE``). ``createdb -T DB``
  copies the template: a read of it.
- ``mysqladmin`` connects where the line or its option files (:mod:`._mysql_options`) say.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import Spec, is_dynamic, parse, setting, with_command
from keyturn.understand.shell.commands._mysql_options import mysql_options
from keyturn.understand.shell.commands.sql_clients import Connection, conninfo, service_settings
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command
from keyturn.understand.sql.names import Session

_PG_ADMIN = Spec(
    short="hpUdTEOlDcS",
    long={
        "host": "h",
        "port": "p",
        "username": "U",
        "maintenance-db": "maintenance-db",
        "template": "T",
    },
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
    """``dropdb``/``createdb DB``, ``dropuser``/``createuser ROLE``, on the server ``-h``,
    the ``--maintenance-db`` connection string, its service or ``PGSERVICE``, or ``PGHOST``
    names (libpq's order); ``createdb -T DB`` also reads the template it copies."""
    kind, role = _PG_ADMIN_MEANINGS[cmd.name]
    args = parse(cmd, _PG_ADMIN)
    conn = Connection("postgres")
    host = args.last("h")
    conn.host = host.value if host else None
    maintenance = args.last("maintenance-db")
    if maintenance is not None and not is_dynamic(cmd, maintenance):
        where = Connection("postgres")
        service = conninfo(maintenance.value, where)
        conn.host = conn.host or where.host
    else:
        service = None
    service_host(cmd, ctx, conn, service)
    names = [a.value for a in args.operands[:1]]
    if not names and not role:
        names = [v for v in [setting(cmd, ctx.env, "PGDATABASE")] if v]
    session = conn.session(ctx)
    if not names or (args.operands and is_dynamic(cmd, args.operands[0])):
        return with_command([session.unknown(f"{cmd.name}: which one is not known")], cmd)
    resource = session.role_resource(names[0]) if role else session.database_resource(names[0])
    effects = [session.effect(kind, resource, cmd.name)]
    template = args.last("T") if cmd.name == "createdb" else None
    if template is not None:
        copied = session.database_resource("*" if is_dynamic(cmd, template) else template.value)
        effects.insert(0, session.effect(EffectKind.READ, copied, cmd.name, "the template"))
    return with_command(effects, cmd)


def service_host(
    cmd: SimpleCommand, ctx: ShellContext, conn: Connection, service: str | None
) -> None:
    """Fill in what the line left unsaid from its libpq service (``service=``, else
    ``PGSERVICE``: the service file's database and host; the service named instead of the
    host when the file cannot be read), then ``PGDATABASE`` and ``PGHOST``."""
    service = service or setting(cmd, ctx.env, "PGSERVICE")
    if service:
        found = service_settings(service, cmd, ctx)
        conn.database = conn.database or (found.database if found else None)
        conn.host = conn.host or (found.host if found else f"service={service}")
    conn.database = conn.database or setting(cmd, ctx.env, "PGDATABASE")
    conn.host = conn.host or setting(cmd, ctx.env, "PGHOST")


_MYSQLADMIN = Spec(
    short="hPuS",
    attached="p",
    long={"host": "h", "port": "P", "user": "u"},
    long_valued=frozenset({"defaults-file", "defaults-extra-file", "defaults-group-suffix"}),
)
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
    """``mysqladmin [opts] drop DB | create DB | flush-* | shutdown | status ...``, on the host
    the line or its option files (:mod:`._mysql_options`) name."""
    args = parse(cmd, _MYSQLADMIN)
    options = mysql_options(cmd, ctx, args, program="mysqladmin")
    host = args.last("h")
    found = (host.value if host else None) or options.host or setting(cmd, ctx.env, "MYSQL_HOST")
    conn = Connection("mysql", host=found)
    session = conn.session(ctx)
    effects = [session.unknown(problem) for problem in options.problems]
    effects += [e for text in options.init for e in conn.run(text, ctx)]
    if args.has("defaults-group-suffix"):
        effects.append(session.unknown("--defaults-group-suffix reads other option groups"))
    words = [a.value for a in args.operands]
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
