"""Application database and migration tools (prisma, rails/rake, Django, alembic, knex,
sequelize, typeorm, drizzle-kit, supabase, flyway, liquibase, dbmate, goose, migrate, atlas)
and the package runners that reach them -> effects on named databases, and decisions."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands._migration_names import Database, parse_url

_E = EffectKind

_SCHEMA = """\
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
}
"""
_DATABASE_YML = """\
default: &default
  adapter: postgresql
  pool: 5
development:
  <<: *default
  database: app_development
test:
  <<: *default
  database: app_test
production:
  <<: *default
  database: app_production
  host: db.internal
"""
_ALEMBIC_INI = """\
[alembic]
script_location = alembic
sqlalchemy.url = postgresql+psycopg2://u:secret@pg.prod.internal/shop
"""
_ENV_PY = "connectable = engine_from_config(config.get_section(config.config_ini_section))\n"
_SEQUELIZE_JSON = (
    '{"development": {"database": "shop_dev", "host": "127.0.0.1", "dialect": "postgres"},'
    ' "production": {"use_env_variable": "DATABASE_URL", "dialect": "postgres"}}'
)
# What ``django-admin startproject shop`` writes.
MANAGE_PY = """#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError("Couldn't import Django.") from exc
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
"""
FILES = {
    "/w/manage.py": MANAGE_PY,
    "/w/prisma/schema.prisma": _SCHEMA,
    "/w/config/database.yml": _DATABASE_YML,
    "/w/alembic.ini": _ALEMBIC_INI,
    "/w/alembic/env.py": _ENV_PY,
    "/w/config/config.json": _SEQUELIZE_JSON,
    "/w/flyway.conf": "flyway.url=jdbc:postgresql://pg.prod:5432/billing\nflyway.user=x\n",
    "/w/liquibase.properties": "url: jdbc:mysql://my.staging:3306/crm\n",
    "/w/supabase/.temp/project-ref": "abcdefghijklmnopqrst\n",
    "/w/drop.sql": "DROP TABLE users;",
    "/w/read.sql": "SELECT 1;",
    "/w/package.json": '{"scripts": {"build": "tsc"}, "prisma": {"seed": "rm -rf /tmp/seed"}}',
}
PROD_URL = "postgres://app:secret@prod-db:5432/app"


def _effects(command: str, files: dict[str, str] | None = None) -> list[Effect]:
    chosen = MemoryFiles(FILES if files is None else files)
    action = understand_shell(command, cwd="/w", home="/home/u", files=chosen)
    return list(action.effects)


def _first(command: str) -> tuple[EffectKind, tuple[str, ...]]:
    effect = _effects(command)[0]
    return effect.effect, effect.resource.names


_ANY = ("db:*/*",)
_RAILS_PROD = ("db:postgres/app_production", "db:postgres/app_production@db.internal")
_SHOP = ("db:postgres/shop", "db:postgres/shop@pg.prod.internal")
_LOCAL_SB = ("db:postgres/postgres", "db:postgres/postgres@127.0.0.1", "db:supabase/local")
_LINKED_SB = (
    "db:postgres/postgres",
    "db:postgres/postgres@db.abcdefghijklmnopqrst.supabase.co",
    "db:supabase/abcdefghijklmnopqrst",
)


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        # prisma: the schema's datasource reads DATABASE_URL (not set here: the engine only)
        ("prisma migrate status", _E.READ, ("db:postgres/*",)),
        ("prisma migrate deploy", _E.UPDATE, ("db:postgres/*",)),
        ("prisma migrate dev --name init", _E.UPDATE, ("db:postgres/*",)),
        ("prisma migrate resolve --applied 2024_init", _E.UPDATE, ("db:postgres/*",)),
        ("prisma migrate reset --force", _E.REPLACE, ("db:postgres/*",)),
        ("prisma db push", _E.UPDATE, ("db:postgres/*",)),
        ("prisma db push --accept-data-loss", _E.DELETE, ("db:postgres/*",)),
        ("prisma db push --force-reset", _E.REPLACE, ("db:postgres/*",)),
        ("prisma db pull --print", _E.READ, ("db:postgres/*",)),
        (
            f"DATABASE_URL={PROD_URL} prisma migrate reset -f",
            _E.REPLACE,
            ("db:postgres/app", "db:postgres/app@prod-db"),
        ),
        ("prisma migrate deploy --schema other/schema.prisma", _E.UPDATE, ("db:*/*",)),
        ("prisma generate", _E.UPDATE, ("file:/w/node_modules/.prisma",)),
        ("prisma --version", _E.READ, ("shell:prisma",)),
        ("prisma studio", _E.UNKNOWN, ("db:postgres/*",)),
        # rails and rake: RAILS_ENV as a word, before the command, or -e
        ("RAILS_ENV=production rails db:drop", _E.DELETE, (*_RAILS_PROD, "db:rails/production")),
        ("rails db:drop RAILS_ENV=production", _E.DELETE, (*_RAILS_PROD, "db:rails/production")),
        (
            "bundle exec rails db:reset -e production",
            _E.REPLACE,
            (*_RAILS_PROD, "db:rails/production"),
        ),
        (
            "bundle exec rake db:schema:load RAILS_ENV=production",
            _E.REPLACE,
            (*_RAILS_PROD, "db:rails/production"),
        ),
        ("rake db:migrate RAILS_ENV=production", _E.UPDATE, (*_RAILS_PROD, "db:rails/production")),
        (
            "rails db:rollback STEP=2 RAILS_ENV=test",
            _E.DELETE,
            ("db:postgres/app_test", "db:rails/test"),
        ),
        (
            "rails db:migrate VERSION=0 RAILS_ENV=test",
            _E.DELETE,
            ("db:postgres/app_test", "db:rails/test"),
        ),
        (
            "rails db:migrate:status RAILS_ENV=test",
            _E.READ,
            ("db:postgres/app_test", "db:rails/test"),
        ),
        ("rails db:version RAILS_ENV=test", _E.READ, ("db:postgres/app_test", "db:rails/test")),
        ("rails db:create RAILS_ENV=test", _E.CREATE, ("db:postgres/app_test", "db:rails/test")),
        (
            "rails db:seed:replant RAILS_ENV=test",
            _E.DELETE,
            ("db:postgres/app_test", "db:rails/test"),
        ),
        ("rails db:test:prepare", _E.REPLACE, ("db:postgres/app_test", "db:rails/test")),
        ("rails db:drop:primary -e production", _E.DELETE, (*_RAILS_PROD, "db:rails/production")),
        (
            "rails db:drop",  # the environment not told: every environment's database, and wide
            _E.DELETE,
            (
                "db:postgres/app_development",
                "db:postgres/app_test",
                *_RAILS_PROD,
                "db:postgres/*",
                "db:rails/*",
            ),
        ),
        (
            "rails runner 'User.delete_all' -e test",
            _E.UNKNOWN,
            ("db:postgres/app_test", "db:rails/test"),
        ),
        # Django
        ("python manage.py flush --noinput", _E.DELETE, (*_ANY, "db:django/shop.settings/default")),
        ("python3 manage.py migrate", _E.UPDATE, (*_ANY, "db:django/shop.settings/default")),
        (
            "python3 ./manage.py migrate shop zero",
            _E.DELETE,
            (*_ANY, "db:django/shop.settings/default"),
        ),
        (
            "python manage.py migrate shop 0003",
            _E.DELETE,
            (*_ANY, "db:django/shop.settings/default"),
        ),
        ("python manage.py migrate --plan", _E.READ, (*_ANY, "db:django/shop.settings/default")),
        (
            "python manage.py migrate --fake shop 0003",
            _E.UPDATE,
            (*_ANY, "db:django/shop.settings/default"),
        ),
        ("python manage.py showmigrations", _E.READ, (*_ANY, "db:django/shop.settings/default")),
        ("python manage.py sqlflush", _E.READ, (*_ANY, "db:django/shop.settings/default")),
        (
            "python manage.py loaddata users.json",
            _E.UPDATE,
            (*_ANY, "db:django/shop.settings/default"),
        ),
        (
            "python manage.py reset_db --noinput",
            _E.REPLACE,
            (*_ANY, "db:django/shop.settings/default"),
        ),
        ("python manage.py dbshell", _E.UNKNOWN, (*_ANY, "db:django/shop.settings/default")),
        (
            "python manage.py shell -c 'User.objects.all().delete()'",
            _E.UNKNOWN,
            (*_ANY, "db:django/shop.settings/default"),
        ),
        (
            "django-admin flush --settings=shop.settings.production --database legacy",
            _E.DELETE,
            (*_ANY, "db:django/shop.settings.production/legacy"),
        ),
        (
            "DJANGO_SETTINGS_MODULE=shop.settings.prod uv run python manage.py migrate",
            _E.UPDATE,
            (*_ANY, "db:django/shop.settings.prod/default"),
        ),
        # alembic: alembic.ini's URL, env.py taking it as it is
        ("alembic upgrade head", _E.UPDATE, _SHOP),
        ("alembic downgrade base", _E.DELETE, _SHOP),
        ("alembic downgrade -1", _E.DELETE, _SHOP),
        (
            "alembic -x env=production downgrade -1",
            _E.DELETE,
            (*_SHOP, "db:alembic/env=production"),
        ),
        ("alembic current", _E.READ, _SHOP),
        ("alembic history --verbose", _E.READ, _SHOP),
        ("alembic stamp head", _E.UPDATE, _SHOP),
        ("alembic upgrade head --sql", _E.READ, _SHOP),
        # knex, sequelize, typeorm, drizzle-kit
        ("knex migrate:latest --env production", _E.UPDATE, (*_ANY, "db:knex/production")),
        ("knex migrate:rollback --all", _E.DELETE, (*_ANY, "db:knex/*")),
        ("NODE_ENV=staging knex migrate:down", _E.DELETE, (*_ANY, "db:knex/staging")),
        ("knex migrate:status", _E.READ, (*_ANY, "db:knex/*")),
        ("knex seed:run", _E.DELETE, (*_ANY, "db:knex/*")),
        (
            "knex --client pg --connection postgres://h/d migrate:up",
            _E.UPDATE,
            ("db:postgres/d", "db:postgres/d@h", "db:knex/*"),
        ),
        (
            "sequelize db:migrate --env development",
            _E.UPDATE,
            ("db:postgres/shop_dev", "db:postgres/shop_dev@127.0.0.1", "db:sequelize/development"),
        ),
        (
            f"DATABASE_URL={PROD_URL} sequelize db:drop --env production",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@prod-db", "db:sequelize/production"),
        ),
        ("sequelize-cli db:migrate:undo:all", _E.DELETE, (*_ANY, "db:sequelize/*")),
        ("sequelize db:seed:all", _E.UPDATE, (*_ANY, "db:sequelize/*")),
        ("sequelize db:migrate:status", _E.READ, (*_ANY, "db:sequelize/*")),
        (
            "typeorm migration:run -d src/data-source.ts",
            _E.UPDATE,
            (*_ANY, "db:typeorm/src/data-source.ts"),
        ),
        ("typeorm migration:revert -d ds.ts", _E.DELETE, (*_ANY, "db:typeorm/ds.ts")),
        (
            "typeorm schema:drop -d src/prod-data-source.ts",
            _E.DELETE,
            (*_ANY, "db:typeorm/src/prod-data-source.ts"),
        ),
        ("typeorm schema:sync -d ds.ts", _E.DELETE, (*_ANY, "db:typeorm/ds.ts")),
        ("typeorm migration:show -d ds.ts", _E.READ, (*_ANY, "db:typeorm/ds.ts")),
        ("drizzle-kit push --force", _E.DELETE, _ANY),
        ("drizzle-kit push", _E.UPDATE, _ANY),
        ("drizzle-kit push <<< y", _E.DELETE, _ANY),
        (
            "drizzle-kit migrate --dialect postgresql --url postgres://h/d",
            _E.UPDATE,
            ("db:postgres/d", "db:postgres/d@h"),
        ),
        ("drizzle-kit generate", _E.CREATE, ("file:/w/drizzle",)),
        ("drizzle-kit drop --out migrations", _E.DELETE, ("file:/w/migrations",)),
        # supabase: local and linked, as each command defaults
        ("supabase db reset", _E.REPLACE, _LOCAL_SB),
        ("supabase db reset --linked", _E.REPLACE, _LINKED_SB),
        ("supabase db push", _E.UPDATE, _LINKED_SB),
        ("supabase db push --dry-run", _E.READ, _LINKED_SB),
        ("supabase migration up --local", _E.UPDATE, _LOCAL_SB),
        ("supabase migration down --last 1", _E.DELETE, _LOCAL_SB),
        ("supabase migration repair --status reverted 20240101", _E.UPDATE, _LINKED_SB),
        ("supabase migration list", _E.READ, _LINKED_SB),
        (
            "supabase db reset --db-url postgres://u:p@db.prod.example/postgres",
            _E.REPLACE,
            ("db:postgres/postgres", "db:postgres/postgres@db.prod.example"),
        ),
        # flyway, liquibase
        ("flyway clean", _E.DELETE, ("db:postgres/billing", "db:postgres/billing@pg.prod")),
        (
            "flyway -url=jdbc:mysql://db.prod:3306/x migrate",
            _E.UPDATE,
            ("db:mysql/x", "db:mysql/x@db.prod"),
        ),
        ("flyway info", _E.READ, ("db:postgres/billing", "db:postgres/billing@pg.prod")),
        ("flyway undo", _E.DELETE, ("db:postgres/billing", "db:postgres/billing@pg.prod")),
        ("flyway repair", _E.UPDATE, ("db:postgres/billing", "db:postgres/billing@pg.prod")),
        (
            "flyway -environment=production validate",
            _E.READ,
            ("db:postgres/billing", "db:postgres/billing@pg.prod", "db:flyway/production"),
        ),
        ("liquibase dropAll", _E.DELETE, ("db:mysql/crm", "db:mysql/crm@my.staging")),
        (
            "liquibase drop-all --url=jdbc:postgresql://h/app",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "liquibase rollback-count --count=2",
            _E.DELETE,
            ("db:mysql/crm", "db:mysql/crm@my.staging"),
        ),
        ("liquibase update", _E.UPDATE, ("db:mysql/crm", "db:mysql/crm@my.staging")),
        ("liquibase updateSQL", _E.READ, ("db:mysql/crm", "db:mysql/crm@my.staging")),
        ("liquibase status --verbose", _E.READ, ("db:mysql/crm", "db:mysql/crm@my.staging")),
        # dbmate, goose, golang-migrate, atlas
        (
            f"DATABASE_URL={PROD_URL} dbmate drop",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@prod-db"),
        ),
        ("dbmate --url postgres://h/app up", _E.UPDATE, ("db:postgres/app", "db:postgres/app@h")),
        (
            f"TEST_DATABASE_URL={PROD_URL} dbmate -e TEST_DATABASE_URL rollback",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@prod-db"),
        ),
        ("dbmate status", _E.READ, _ANY),
        (
            "dbmate -u sqlite:db/x.sqlite3 drop",
            _E.DELETE,
            ("db:sqlite//w/db/x.sqlite3", "file:/w/db/x.sqlite3"),
        ),
        (
            "goose postgres 'host=h dbname=app' reset",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "goose -dir db sqlite3 ./foo.db down",
            _E.DELETE,
            ("db:sqlite//w/foo.db", "file:/w/foo.db"),
        ),
        (
            "GOOSE_DRIVER=mysql GOOSE_DBSTRING='u:p@tcp(my.prod:3306)/shop' goose status",
            _E.READ,
            ("db:mysql/shop", "db:mysql/shop@my.prod"),
        ),
        ("goose postgres postgres://h/d redo", _E.REPLACE, ("db:postgres/d", "db:postgres/d@h")),
        (
            "migrate -path db/migrations -database postgres://h:5432/app?sslmode=disable down",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "migrate -database=postgres://h/app drop -f",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "migrate -database postgres://h/app up 2",
            _E.UPDATE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "migrate -database postgres://h/app force 3",
            _E.UPDATE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "migrate -database postgres://h/app version",
            _E.READ,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "atlas schema apply -u postgres://h/app --to file://s.hcl --auto-approve",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "atlas schema apply -u postgres://h/app --to file://s.hcl",
            _E.UPDATE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "atlas schema apply -u postgres://h/app --to file://s.hcl --dry-run",
            _E.READ,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "atlas schema clean -u mysql://h/app --auto-approve",
            _E.DELETE,
            ("db:mysql/app", "db:mysql/app@h"),
        ),
        ("atlas migrate apply --env prod", _E.UPDATE, (*_ANY, "db:atlas/prod")),
        (
            "atlas migrate down --url postgres://h/app",
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
        (
            "atlas migrate status --url postgres://h/app",
            _E.READ,
            ("db:postgres/app", "db:postgres/app@h"),
        ),
    ],
)
def test_meanings(command: str, kind: EffectKind, names: tuple[str, ...]) -> None:
    wide = kind in (_E.DELETE, _E.REPLACE)
    assert _first(command) == (kind, _with_contents(names) if wide else names)


_ENGINES = ("db:postgres/", "db:mysql/", "db:sqlite/")


def _with_contents(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names a drop, clean, reset or revert gives each database it knows: its own
    (``db:postgres/app``, ``…@host``), then the same with everything in it (``…/app/*``,
    ``…/app/*@host``); a database not told (``db:postgres/*``) already stands for that, and a
    ``file:`` name or the tool's scope (``db:rails/…``) are not a database's."""
    out: list[str] = []
    for name in names:
        out.append(name)
        base, _, host = name.partition("@")
        own = name.startswith(_ENGINES) and not base.endswith("/*")
        if own and (host or f"{name}@" not in "|".join(names)):  # after its last own name
            out += [f"{base}/*"] + [f"{base}/*@{host}"] * bool(host)
    return tuple(out)


@pytest.mark.parametrize(
    "command",
    [
        "prisma migrate reset --force",
        "prisma db push --accept-data-loss",
        "rails db:drop RAILS_ENV=production",
        "rake db:reset",
        "rails db:schema:load",
        "python manage.py flush --noinput",
        "alembic downgrade base",
        "knex migrate:rollback --all",
        "sequelize db:migrate:undo:all",
        "typeorm schema:drop -d ds.ts",
        "supabase db reset --linked",
        "flyway clean",
        "liquibase drop-all",
        "dbmate drop",
        "goose postgres postgres://h/d reset",
        "migrate -database postgres://h/d drop -f",
        "atlas schema clean -u postgres://h/d --auto-approve",
    ],
)
def test_destructive_commands_say_data_is_lost(command: str) -> None:
    effect = _effects(command)[0]
    assert effect.effect in (_E.DELETE, _E.REPLACE), command
    assert any(word in effect.detail for word in ("lost", "dropped", "data")), effect.detail


@pytest.mark.parametrize(
    "command",
    [
        "prisma frobnicate",
        "prisma migrate explode",
        "rails frobnicate",
        "rake custom:task",
        "python manage.py runserver",
        "django-admin frobnicate",
        "alembic frobnicate",
        "knex migrate:frobnicate",
        "sequelize db:frobnicate",
        "typeorm frobnicate",
        "drizzle-kit frobnicate",
        "supabase db frobnicate",
        "flyway frobnicate",
        "liquibase frobnicate",
        "dbmate frobnicate",
        "goose postgres postgres://h/d frobnicate",
        "migrate -database postgres://h/d frobnicate",
        "atlas schema frobnicate",
    ],
)
def test_a_verb_not_understood_is_unknown_never_a_read(command: str) -> None:
    kinds = {e.effect for e in _effects(command)}
    assert kinds == {_E.UNKNOWN}, command


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("prisma db execute --file drop.sql", {"db:postgres/*/users"}),
        (
            "prisma db execute --file drop.sql --url postgres://h/app",
            {"db:postgres/app/users", "db:postgres/app/users@h"},
        ),
        ("echo 'DELETE FROM orders' | prisma db execute --stdin", {"db:postgres/*/orders"}),
        (
            "supabase db query 'DROP TABLE invoices' --linked",
            {
                "db:postgres/postgres/invoices",
                "db:postgres/postgres/invoices@db.abcdefghijklmnopqrst.supabase.co",
                "db:supabase/abcdefghijklmnopqrst",
            },
        ),
        (
            "liquibase execute-sql --sql='TRUNCATE accounts'",
            {"db:mysql/crm/accounts", "db:mysql/crm/accounts@my.staging"},
        ),
        ("typeorm query 'DROP TABLE users' -d ds.ts", {"db:*/*/users", "db:typeorm/ds.ts"}),
        (
            "python manage.py dbshell <<< 'DROP TABLE auth_user'",
            {"db:*/*/auth_user", "db:django/shop.settings/default"},
        ),
        ("rails dbconsole -e test < drop.sql", {"db:postgres/app_test/users", "db:rails/test"}),
    ],
)
def test_sql_run_by_a_tool_is_judged_as_sql(command: str, names: set[str]) -> None:
    """Named as the SQL clients name the same SQL, with the tool's scope beside."""
    destructive = [e for e in _effects(command) if e.effect is _E.DELETE]
    assert destructive, command
    assert set(destructive[0].resource.names) == names
    assert destructive[0].operation is not None and destructive[0].operation.startswith("sql:")


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("prisma db execute --stdin", "not known"),
        ("prisma db execute --file missing.sql", "could not be read"),
        ('prisma db execute --file "$F"', "decided at run time"),
        ("supabase db query --linked", "not known"),
        ('typeorm query "$Q" -d ds.ts', "decided at run time"),
        ("rails dbconsole", "interactive"),
    ],
)
def test_sql_not_at_hand_is_unknown_with_the_reason(command: str, reason: str) -> None:
    effects = _effects(command)
    assert {e.effect for e in effects} == {_E.UNKNOWN}
    assert any(reason in e.detail for e in effects), [e.detail for e in effects]


def test_a_read_only_sql_file_reads() -> None:
    assert {e.effect for e in _effects("prisma db execute --file read.sql")} == {_E.READ}


def test_prisma_seed_is_judged_as_the_shell_text_it_is() -> None:
    effects = _effects("prisma migrate reset --force")
    assert [e.effect for e in effects] == [_E.REPLACE, _E.DELETE]
    assert "file:/tmp/seed" in effects[1].resource.names
    assert [e.effect for e in _effects("prisma migrate reset --force --skip-seed")] == [_E.REPLACE]
    assert {e.effect for e in _effects("prisma db seed")} == {_E.DELETE}


def test_rails_notes_the_environment_check_switched_off() -> None:
    effect = _effects("DISABLE_DATABASE_ENVIRONMENT_CHECK=1 rails db:drop RAILS_ENV=production")[0]
    assert "DISABLE_DATABASE_ENVIRONMENT_CHECK" in effect.detail
    plain = _effects("rails db:drop RAILS_ENV=production")[0]
    assert "DISABLE_DATABASE_ENVIRONMENT_CHECK" not in plain.detail


def test_rails_environment_set_removes_protection() -> None:
    effect = _effects("rails db:environment:set RAILS_ENV=development")[0]
    assert effect.effect is _E.UPDATE and effect.removes_protection


def test_rails_runs_several_tasks_and_names_a_projects_own_task_unknown() -> None:
    effects = _effects("rake db:drop db:create custom:seed RAILS_ENV=test")
    assert [e.effect for e in effects] == [_E.DELETE, _E.CREATE, _E.UNKNOWN]


@pytest.mark.parametrize(
    "command",
    [
        "rake -e 'ActiveRecord::Base.connection.drop_table(:users)' db:version",
        "rake -r ./evil.rb db:version",
        "rails console -e production",
        # rails hands a task's words to rake: -e CODE is rake's --execute there
        "rails db:version -e 'system(\"rm -rf ~\")'",
        "rails db:version --execute='File.delete(\"db/production.sqlite3\")'",
        "rails db:version --require=./evil",
        "rails db:migrate:status -p 'exit!'",
    ],
)
def test_ruby_code_on_the_line_is_unknown(command: str) -> None:
    assert {e.effect for e in _effects(command)} == {_E.UNKNOWN}


def test_passwords_never_reach_a_name_or_a_detail() -> None:
    for command in (
        f"DATABASE_URL={PROD_URL} prisma migrate reset --force",
        "alembic downgrade base",
        f"dbmate --url {PROD_URL} drop",
        "liquibase execute-sql --url=jdbc:postgresql://u:secret@h/app --sql='DROP TABLE t'",
    ):
        for effect in _effects(command):
            assert "secret" not in " ".join(effect.resource.names) + effect.detail, command


def test_one_name_whichever_tool_touches_the_database() -> None:
    by_psql = set(_effects("dropdb -h prod-db app")[0].resource.names)
    for command in (
        f"DATABASE_URL={PROD_URL} dbmate drop",
        f"DATABASE_URL={PROD_URL} prisma migrate reset --force",
        f"migrate -database {PROD_URL} drop -f",
        f"goose postgres {PROD_URL} reset",
    ):
        assert by_psql <= set(_effects(command)[0].resource.names), command


def test_a_url_decided_at_run_time_names_every_database() -> None:
    assert _first('dbmate --url "$DB" drop') == (_E.DELETE, _ANY)
    assert _first("DATABASE_URL=$PROD dbmate drop") == (_E.DELETE, _ANY)


def test_alembic_ini_is_not_trusted_when_env_py_computes_the_url() -> None:
    computed = {**FILES, "/w/alembic/env.py": "url = os.environ['DATABASE_URL']\n" + _ENV_PY}
    effect = _effects("alembic downgrade base", files=computed)[0]
    assert effect.resource.names == ("db:postgres/*",)
    missing = {k: v for k, v in FILES.items() if k != "/w/alembic/env.py"}
    assert _effects("alembic downgrade base", files=missing)[0].resource.names == ("db:postgres/*",)


def test_dot_env_is_not_read() -> None:
    files = {".env": "", "/w/.env": f"DATABASE_URL={PROD_URL}\n"}
    assert _effects("dbmate drop", files=files)[0].resource.names == _ANY


@pytest.mark.parametrize(
    ("manage_py", "expected"),
    [
        (None, _E.UNKNOWN),  # not at hand: a Python program like any other
        (MANAGE_PY, _E.DELETE),
        # Django's words, and code of its own after them.
        (MANAGE_PY + "\nimport shutil\nshutil.rmtree('/srv')\n", _E.UNKNOWN),
        ("import shutil\nshutil.rmtree('/srv')\n", _E.UNKNOWN),  # not Django's
    ],
)
def test_manage_py_is_django_unless_it_reads_otherwise(
    manage_py: str | None, expected: EffectKind
) -> None:
    files = {} if manage_py is None else {"/w/manage.py": manage_py}
    assert _effects("python manage.py flush --noinput", files=files)[0].effect is expected


def test_manage_py_names_its_default_settings() -> None:
    files = {
        "/w/manage.py": "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings.prod')\n"
        "execute_from_command_line(sys.argv)\n"
    }
    names = _effects("python manage.py flush", files=files)[0].resource.names
    assert "db:django/shop.settings.prod/default" in names


def test_a_manage_py_the_line_writes_is_not_trusted() -> None:
    effects = _effects("echo 'import os' > manage.py && python manage.py flush --noinput")
    assert _E.DELETE not in {e.effect for e in effects}
    assert _E.UNKNOWN in {e.effect for e in effects}


@pytest.mark.parametrize(
    "command",
    ["python -c 'print(1)' manage.py flush", "python -i manage.py flush", "python -m manage flush"],
)
def test_python_running_other_code_is_not_taken_for_manage_py(command: str) -> None:
    assert {e.effect for e in _effects(command)} == {_E.UNKNOWN}


# -- package runners ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ("npx prisma migrate reset --force", _E.REPLACE),
        ("npx -y prisma@5.22.0 migrate status", _E.READ),
        ("npx --yes prisma@latest migrate deploy", _E.UPDATE),
        ("bunx prisma migrate deploy", _E.UPDATE),
        ("bunx --bun prisma db push --force-reset", _E.REPLACE),
        ("pnpm exec prisma migrate status", _E.READ),
        ("pnpm dlx prisma migrate status", _E.READ),
        ("npm exec -- prisma migrate reset --force", _E.REPLACE),
        ("npm exec prisma migrate status", _E.READ),
        ("yarn prisma migrate status", _E.READ),
        ("yarn dlx drizzle-kit push --force", _E.DELETE),
        ("yarn exec knex migrate:latest", _E.UPDATE),
        ("npx sequelize-cli db:drop", _E.DELETE),
        ("npx supabase db reset --linked", _E.REPLACE),
        ("npx dbmate drop", _E.DELETE),
        ("npx typeorm schema:drop -d ds.ts", _E.DELETE),
    ],
)
def test_runners_judge_a_well_known_cli_as_its_own_command(command: str, kind: EffectKind) -> None:
    effects = _effects(command)
    assert effects[0].effect is kind, command
    assert effects[0].service == "db" or effects[0].operation != "npx"


@pytest.mark.parametrize(
    "command",
    [
        "npx -p evil prisma migrate reset --force",
        "npx --package=evil prisma migrate status",
        "npx --package evil prisma migrate status",
        "npx prisma@npm:evil migrate status",
        "npx prisma@github:evil/prisma migrate status",
        "npx prisma@file:../evil migrate status",
        "npx --registry=https://evil.example prisma migrate status",
        "npx -c 'prisma migrate status'",
        "bunx -p evil prisma migrate status",
        "pnpm -C elsewhere exec prisma migrate status",
        "pnpm exec -c 'prisma migrate status'",
        "pnpm dlx --package=evil prisma migrate status",
        "yarn dlx -p evil prisma migrate status",
        "npm exec --package=evil -- prisma migrate status",
        "npm exec prisma migrate reset --force",  # npm would take --force for itself
        "npx some-tool migrate status",
        "npx @evil/prisma migrate status",
        'npx "$TOOL" migrate status',
        "npx prisma frobnicate",  # routed, not understood: the runner's own judgement
        # the same swaps, as npm settings set on the line
        "npm_config_package=evil npx prisma migrate status",
        "NPM_CONFIG_REGISTRY=https://evil.example npx prisma migrate status",
        "npm_config_call='rm -rf ~' pnpm exec prisma migrate status",
        "YARN_NPM_REGISTRY_SERVER=https://evil.example yarn dlx prisma migrate status",
    ],
)
def test_runners_stay_unknown_when_the_package_may_be_another(command: str) -> None:
    kinds = {e.effect for e in _effects(command)}
    assert kinds == {_E.UNKNOWN}, command


def test_yarn_runs_the_script_when_package_json_has_one_of_that_name() -> None:
    files = {"/w/package.json": '{"scripts": {"prisma": "rm -rf /srv/data"}}'}
    effects = _effects("yarn prisma migrate status", files=files)
    assert effects[0].effect is _E.DELETE and "file:/srv/data" in effects[0].resource.names


def test_yarn_with_package_json_not_at_hand_stays_unknown() -> None:
    assert {e.effect for e in _effects("yarn prisma migrate status", files={})} == {_E.UNKNOWN}


def test_a_runner_keeps_the_projects_npmrc_code_settings() -> None:
    files = {**FILES, "/w/.npmrc": "node-options=--require ./evil.js\n"}
    kinds = [e.effect for e in _effects("npx prisma migrate status", files=files)]
    assert kinds[0] is _E.READ and _E.UNKNOWN in kinds


# -- decisions under the BRIEF policy -------------------------------------------------------


def test_production_rails_drop_needs_two_approvals(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("RAILS_ENV=production rails db:drop", env=None, files=MemoryFiles(FILES))
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2


@pytest.mark.parametrize(
    "pattern",
    ["db:rails/production", "db:postgres/app_production", "db:*/app_production@db.internal"],
)
def test_a_protected_rails_database_is_never_dropped(judge_brief: JudgeBrief, pattern: str) -> None:
    decision = judge_brief(
        "RAILS_ENV=production rails db:drop",
        env=None,
        files=MemoryFiles(FILES),
        policy=protecting(pattern),
    )
    assert decision.decision is Verdict.DENY, decision.describe()


def test_prisma_migrate_status_is_allowed(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("npx prisma migrate status", env=None, files=MemoryFiles(FILES))
    assert decision.decision is Verdict.ALLOW, decision.describe()


def test_npx_with_another_package_stays_unknown_and_denied_in_production(
    judge_brief: JudgeBrief,
) -> None:
    decision = judge_brief("npx -p evil prisma migrate reset", env=None, files=MemoryFiles(FILES))
    assert decision.decision is Verdict.DENY
    assert all(j.effect.effect is _E.UNKNOWN for j in decision.judgements)


@pytest.mark.parametrize("files", [FILES, {}])
def test_resetting_a_protected_database_through_npx_is_denied(
    judge_brief: JudgeBrief, files: dict[str, str]
) -> None:
    command = f"DATABASE_URL={PROD_URL} npx prisma migrate reset --force --skip-seed"
    decision = judge_brief(
        command, env="dev", files=MemoryFiles(files), policy=protecting("db:postgres/app")
    )
    assert decision.decision is Verdict.DENY, decision.describe()


def test_the_same_reset_of_an_unprotected_dev_database_is_allowed(judge_brief: JudgeBrief) -> None:
    command = (
        "DATABASE_URL=postgres://localhost/scratch npx prisma migrate reset --force --skip-seed"
    )
    decision = judge_brief(
        command, env="dev", files=MemoryFiles(FILES), policy=protecting("db:postgres/app")
    )
    assert decision.decision is Verdict.ALLOW, decision.describe()


@pytest.mark.parametrize(
    ("command", "approvals"),
    [
        ("alembic downgrade base", 2),  # pg.prod.internal: production by name
        ("flyway clean", 2),
        ("knex migrate:latest --env production", 1),
        ("supabase db reset", 2),  # the environment is not told: production's rules
    ],
)
def test_production_is_told_from_the_names(
    judge_brief: JudgeBrief, command: str, approvals: int
) -> None:
    decision = judge_brief(command, env=None, files=MemoryFiles(FILES))
    assert decision.decision is Verdict.ASK and decision.approvals_required == approvals


def test_a_django_flush_on_protected_production_settings_is_denied(judge_brief: JudgeBrief) -> None:
    command = "python manage.py flush --noinput --settings=shop.settings.production"
    files = MemoryFiles({"/w/manage.py": MANAGE_PY})
    decision = judge_brief(command, env="dev", files=files, policy=protecting("db:django/*prod*"))
    assert decision.decision is Verdict.DENY
    allowed = judge_brief("python manage.py flush --noinput", env="dev", files=files)
    assert allowed.decision is Verdict.ALLOW


# -- connection strings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgres://u:p@h:5432/app?sslmode=disable", Database("postgres", "app", "h")),
        ("postgresql+psycopg2://u:p@h/app", Database("postgres", "app", "h")),
        ("mysql2://root@db.example/shop", Database("mysql", "shop", "db.example")),
        ("jdbc:postgresql://pg:5432/billing", Database("postgres", "billing", "pg")),
        (
            "jdbc:sqlserver://sql.prod:1433;databaseName=erp;user=x",
            Database("mssql", "erp", "sql.prod"),
        ),
        ("jdbc:oracle:thin:@//ora.prod:1521/ORCL", Database("oracle", "ORCL", "ora.prod")),
        (
            "mongodb+srv://u:p@cluster0.example.net/shop",
            Database("mongodb", "shop", "cluster0.example.net"),
        ),
        ("file:./dev.db", Database("sqlite", "/w/dev.db")),
        ("sqlite:db/x.sqlite3", Database("sqlite", "/w/db/x.sqlite3")),
        ("host=pg.internal dbname=app sslmode=disable", Database("*", "app", "pg.internal")),
        ("u:p@tcp(my.prod:3306)/shop?parseTime=true", Database("mysql", "shop", "my.prod")),
        ("postgres://h", Database("postgres", "*", "h")),
    ],
)
def test_parse_url(text: str, expected: Database) -> None:
    assert parse_url(text, cwd="/w") == expected


def test_sqlalchemy_sqlite_slashes() -> None:
    assert parse_url("sqlite:///rel.db", cwd="/w", sqlalchemy=True) == Database(
        "sqlite", "/w/rel.db"
    )
    assert parse_url("sqlite:////abs/x.db", cwd="/w", sqlalchemy=True) == Database(
        "sqlite", "/abs/x.db"
    )


@pytest.mark.parametrize("text", ["", None, "$DATABASE_URL", "postgres://`cat x`/db"])
def test_parse_url_refuses_what_is_not_known(text: str | None) -> None:
    assert parse_url(text, cwd="/w") is None


def test_rake_reads_the_configuration_where_it_runs() -> None:
    files = {"/srv/shop/config/database.yml": "production:\n  adapter: mysql2\n  database: shop\n"}
    effect = _effects("rake -C /srv/shop db:drop RAILS_ENV=production", files=files)[0]
    assert effect.resource.names == ("db:mysql/shop", "db:mysql/shop/*", "db:rails/production")
    assert _effects("rake db:drop RAILS_ENV=production", files=files)[0].resource.names == (
        "db:*/*",
        "db:rails/production",
    )


def test_prisma_follows_the_schema_its_config_names() -> None:
    files = {
        "/w/prisma.config.ts": 'export default defineConfig({ schema: "db/main.prisma" })\n',
        "/w/db/main.prisma": _SCHEMA.replace("DATABASE_URL", "MAIN_URL"),
        "/w/prisma/schema.prisma": _SCHEMA,
    }
    command = f"MAIN_URL={PROD_URL} DATABASE_URL=postgres://localhost/x prisma migrate reset -f"
    assert _effects(command, files=files)[0].resource.names == (
        "db:postgres/app",
        "db:postgres/app@prod-db",
        "db:postgres/app/*",
        "db:postgres/app/*@prod-db",
    )


def test_prisma_config_url_of_code_is_not_guessed() -> None:
    files = {
        "/w/prisma.config.ts": "datasource: { url: buildUrl(process.env.A, process.env.B) }\n",
        "/w/prisma/schema.prisma": _SCHEMA,
    }
    command = f"DATABASE_URL={PROD_URL} prisma migrate reset -f --skip-seed"
    assert _effects(command, files=files)[0].resource.names == ("db:postgres/*",)


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("typeorm-ts-node-commonjs schema:drop -d ds.ts", (*_ANY, "db:typeorm/ds.ts")),
        (
            "drizzle-kit push --force --config=drizzle-prod.config.ts",
            (*_ANY, "db:drizzle-kit/drizzle-prod.config.ts"),
        ),
    ],
)
def test_more_spellings(command: str, names: tuple[str, ...]) -> None:
    assert _first(command) == (_E.DELETE, names)


def test_a_package_named_in_the_environment_is_not_routed() -> None:
    found = understand_shell(
        "npx prisma migrate status",
        cwd="/w",
        home="/home/u",
        env={"npm_config_package": "evil"},
        files=MemoryFiles(FILES),
    ).effects
    assert {e.effect for e in found} == {_E.UNKNOWN}


def test_django_dumpdata_to_a_file_writes_it() -> None:
    found = _effects("python manage.py dumpdata shop --output /w/dump.json")
    assert [(e.effect, e.resource.names) for e in found] == [
        (_E.READ, (*_ANY, "db:django/shop.settings/default")),
        (_E.UPDATE, ("file:/w/dump.json",)),
    ]


@pytest.mark.parametrize(
    ("command", "files", "kind", "names"),
    [
        (
            "flyway -url=jdbc:postgresql://db/app -cleanOnValidationError=true migrate",
            {},
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@db", "db:postgres/app/*", "db:postgres/app/*@db"),
        ),
        (
            "FLYWAY_CLEAN_ON_VALIDATION_ERROR=true flyway -url=jdbc:postgresql://db/app validate",
            {},
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@db", "db:postgres/app/*", "db:postgres/app/*@db"),
        ),
        (
            "flyway -cleanOnValidationError=false -url=jdbc:postgresql://db/app migrate",
            {},
            _E.UPDATE,
            ("db:postgres/app", "db:postgres/app@db"),
        ),
        (
            "flyway migrate",
            {
                "/w/flyway.toml": "[flyway]\ncleanOnValidationError = true\n"
                '[environments.default]\nurl = "jdbc:postgresql://db/app"\n'
            },
            _E.DELETE,
            ("db:postgres/app", "db:postgres/app@db", "db:postgres/app/*", "db:postgres/app/*@db"),
        ),
        (
            "FLYWAY_CONFIG_FILES=conf/prod.conf flyway info",
            {"/w/conf/prod.conf": "flyway.url=jdbc:postgresql://prod-db/app\n"},
            _E.READ,
            ("db:postgres/app", "db:postgres/app@prod-db"),
        ),
        (
            "LIQUIBASE_DEFAULTS_FILE=prod.properties liquibase status",
            {"/w/prod.properties": "url=jdbc:postgresql://prod-db/app\n"},
            _E.READ,
            ("db:postgres/app", "db:postgres/app@prod-db"),
        ),
        (
            "SUPABASE_PROJECT_ID=abcdefgh12 supabase db push --linked",
            {},
            _E.UPDATE,
            (
                "db:postgres/postgres",
                "db:postgres/postgres@db.abcdefgh12.supabase.co",
                "db:supabase/abcdefgh12",
            ),
        ),
        (
            "supabase db push --dry-run=false --local",
            {},
            _E.UPDATE,
            _LOCAL_SB,
        ),
        (
            "NODE_ENV=development sequelize db:migrate",
            {"/w/.sequelizerc": "module.exports = { env: process.env.APP_ENV }\n"},
            _E.UPDATE,
            ("db:*/*", "db:sequelize/*"),
        ),
        (
            "alembic -n=production upgrade head",
            {},
            _E.UPDATE,
            ("db:*/*", "db:alembic/name=production"),
        ),
    ],
)
def test_settings_the_tools_read_from_the_environment_and_their_files(
    command: str, files: dict[str, str], kind: EffectKind, names: tuple[str, ...]
) -> None:
    found = understand_shell(command, cwd="/w", home="/home/u", files=MemoryFiles(files)).effects
    assert [(e.effect, e.resource.names) for e in found] == [(kind, names)]
