"""Application database and migration tools: Prisma, Rails/rake ``db:*`` tasks, Django's
management commands, alembic, knex, sequelize, TypeORM, drizzle-kit, Supabase, Flyway,
Liquibase, dbmate, goose, golang-migrate and Atlas.

Each command becomes an effect on the database it lands on, named as the SQL clients name it
(``db:<engine>/<database>``, ``…@<host>``; ``db:<engine>/*`` or ``db:*/*`` when it cannot be
told) plus ``db:<tool>/<environment>`` for the tools that pick their database by an
environment (``db:rails/production``): see :mod:`._migration_names`. Which files are read to
find it (``schema.prisma``, ``config/database.yml``, ``alembic.ini``...) and why ``.env`` is not:
:mod:`._migration_configs`.

Kinds, across the tools: status, history and version verbs read; applying migrations updates;
rolling migrations back deletes what they made (``downgrade base``, ``migrate:rollback --all``:
every migration); dropping, flushing and truncating delete the data; resetting (``prisma
migrate reset``, ``rails db:reset``, ``supabase db reset``, loading a schema over the database)
replaces it; a push that drops what the schema lacks without asking (``prisma db push
--accept-data-loss``, ``typeorm schema:sync``) deletes; SQL run from the line, a file at hand
or stdin (``prisma db execute``, ``supabase db query``, ``liquibase execute-sql``, ``typeorm
query``, ``dbshell``/``dbconsole`` fed SQL) is judged as the SQL clients' is. Every detail says
when data is lost.

Unknown: code (``rails runner``, ``manage.py shell``, ``rake -e``, a project's own rake task),
interactive sessions (``dbshell``, ``dbconsole``, ``rails console``, ``studio``), SQL not at
hand; a verb not understood is ``None`` (reported unknown), never a read. The tools' own
modules list the details: :mod:`._migration_prisma`, :mod:`._migration_rails`,
:mod:`._migration_python`, :mod:`._migration_js`, :mod:`._migration_sql_tools`,
:mod:`._migration_go`. ``npx prisma …`` and the other package runners reach these handlers
through :mod:`._migration_runners`.
"""

from __future__ import annotations

from keyturn.model import Effect
from keyturn.understand.shell.commands import (
    _migration_go,
    _migration_js,
    _migration_prisma,
    _migration_python,
    _migration_rails,
    _migration_sql_tools,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command


@command("prisma")
def prisma(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``prisma …``: :mod:`._migration_prisma`."""
    return _migration_prisma.prisma(cmd, ctx)


@command("rails")
def rails(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rails db:…``, ``rails runner|console|dbconsole``: :mod:`._migration_rails`."""
    return _migration_rails.rails(cmd, ctx)


@command("rake")
def rake(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rake db:…``: :mod:`._migration_rails`."""
    return _migration_rails.rake(cmd, ctx)


@command("django-admin", "django-admin.py")
def django_admin(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``django-admin COMMAND``: :mod:`._migration_python`."""
    return _migration_python.django(cmd, ctx)


def manage_py(cmd: SimpleCommand, ctx: ShellContext, *, script: int) -> list[Effect] | None:
    """``python manage.py COMMAND`` (``script``: the index of manage.py in argv), for the
    interpreters' handler: Django's commands when manage.py may be taken for Django's, else
    ``None`` (the interpreter's own judgement stands)."""
    launcher = _migration_python.django_launcher(cmd.argv[script], ctx)
    if launcher is None:
        return None
    return _migration_python.django(cmd, ctx, start=script + 1, launcher=launcher)


@command("alembic")
def alembic(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``alembic …``: :mod:`._migration_python`."""
    return _migration_python.alembic(cmd, ctx)


@command("knex")
def knex(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``knex …``: :mod:`._migration_js`."""
    return _migration_js.knex(cmd, ctx)


@command("sequelize", "sequelize-cli")
def sequelize(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``sequelize …``: :mod:`._migration_js`."""
    return _migration_js.sequelize(cmd, ctx)


@command("typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm")
def typeorm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``typeorm …`` (and its ts-node launchers): :mod:`._migration_js`."""
    return _migration_js.typeorm(cmd, ctx)


@command("drizzle-kit")
def drizzle_kit(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``drizzle-kit …``: :mod:`._migration_js`."""
    return _migration_js.drizzle_kit(cmd, ctx)


@command("supabase")
def supabase(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``supabase db|migration …``: :mod:`._migration_sql_tools`."""
    return _migration_sql_tools.supabase(cmd, ctx)


@command("flyway")
def flyway(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``flyway …``: :mod:`._migration_sql_tools`."""
    return _migration_sql_tools.flyway(cmd, ctx)


@command("liquibase")
def liquibase(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``liquibase …``: :mod:`._migration_sql_tools`."""
    return _migration_sql_tools.liquibase(cmd, ctx)


@command("dbmate")
def dbmate(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``dbmate …``: :mod:`._migration_go`."""
    return _migration_go.dbmate(cmd, ctx)


@command("goose")
def goose(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``goose …``: :mod:`._migration_go`."""
    return _migration_go.goose(cmd, ctx)


@command("migrate")
def golang_migrate(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """golang-migrate's ``migrate …``: :mod:`._migration_go`."""
    return _migration_go.golang_migrate(cmd, ctx)


@command("atlas")
def atlas(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``atlas schema|migrate …``: :mod:`._migration_go`."""
    return _migration_go.atlas(cmd, ctx)
