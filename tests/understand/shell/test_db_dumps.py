"""Database dump and restore tools (pg_dump, pg_dumpall, pg_restore, mysqldump, mysqlimport,
mongodump, mongorestore, mongoexport, mongoimport) -> effects on the databases the SQL clients
name, and decisions."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind


def _effects(command: str) -> list[Effect]:
    files = MemoryFiles({"/w/dump.sql": "x", "/w/dump/shop/users.bson": "x"})
    return list(understand_shell(command, cwd="/w", home="/home/u", files=files).effects)


def _db_effects(command: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    """(kind, names) of the effects on databases, in order."""
    return [(e.effect, e.resource.names) for e in _effects(command) if e.service == "db"]


def _file_effects(command: str) -> list[tuple[EffectKind, str]]:
    return [(e.effect, e.resource.names[0]) for e in _effects(command) if e.service == "file"]


_SHOP = ("db:postgres/shop", "db:postgres/shop@prod-db")
_SHOP_ALL = ("db:postgres/shop", "db:postgres/shop/*")
_SHOP_ALL_AT = (*_SHOP_ALL, "db:postgres/shop@prod-db", "db:postgres/shop/*@prod-db")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        # Dumps read.
        ("pg_dump -h prod-db shop", [(_E.READ, _SHOP)]),
        ("pg_dump -d postgres://app:pw@prod-db:5432/shop", [(_E.READ, _SHOP)]),
        ("PGHOST=prod-db PGDATABASE=shop pg_dump -Fc", [(_E.READ, _SHOP)]),
        (
            "pg_dump -t users -t audit.log shop",
            [
                (_E.READ, ("db:postgres/shop/users",)),
                (_E.READ, ("db:postgres/shop/audit.log",)),
            ],
        ),
        (
            "pg_dump shop -n audit",
            [(_E.READ, ("db:postgres/shop/audit", "db:postgres/shop/audit.*"))],
        ),
        ("pg_dumpall -h prod-db", [(_E.READ, ("db:postgres/*", "db:postgres/*@prod-db"))]),
        (
            "mysqldump -h prod-db -psecret shop users",
            [(_E.READ, ("db:mysql/shop/users", "db:mysql/shop/users@prod-db"))],
        ),
        (
            "mysqldump --databases shop crm",
            [
                (_E.READ, ("db:mysql/shop",)),
                (_E.READ, ("db:mysql/crm",)),
            ],
        ),
        ("mariadb-dump -A", [(_E.READ, ("db:mysql/*",))]),
        (
            "mongodump --uri mongodb://u:pw@prod-db/shop",
            [
                (
                    _E.READ,
                    (
                        "db:mongodb/shop",
                        "db:mongodb/shop/*",
                        "db:mongodb/shop@prod-db",
                        "db:mongodb/shop/*@prod-db",
                    ),
                ),
            ],
        ),
        ("mongoexport -d shop -c users -o u.json", [(_E.READ, ("db:mongodb/shop/users",))]),
        # Restores without --clean/--drop add; with them, replace.
        ("pg_restore -h prod-db -d shop dump.sql", [(_E.UPDATE, _SHOP)]),
        (
            "pg_restore --clean --if-exists -h prod-db -d shop dump.sql",
            [(_E.REPLACE, _SHOP_ALL_AT)],
        ),
        ("pg_restore -c -t users -d shop dump.sql", [(_E.REPLACE, ("db:postgres/shop/users",))]),
        (
            "pg_restore -cC -d postgres dump.sql",
            [(_E.REPLACE, ("db:postgres/*", "db:postgres/*/*"))],
        ),
        ("pg_restore -C -d postgres dump.sql", [(_E.CREATE, ("db:postgres/*", "db:postgres/*/*"))]),
        ("mysqlimport --delete shop /tmp/users.csv", [(_E.REPLACE, ("db:mysql/shop/users",))]),
        ("mysqlimport shop users.txt", [(_E.UPDATE, ("db:mysql/shop/users",))]),
        (
            "mongorestore --drop --nsInclude 'shop.*' dump/",
            [(_E.REPLACE, ("db:mongodb/shop", "db:mongodb/shop/*"))],
        ),
        (
            "mongorestore --drop --nsFrom 'a.*' --nsTo 'shop.*' dump/",
            [(_E.REPLACE, ("db:mongodb/shop", "db:mongodb/shop/*"))],
        ),
        (
            "mongorestore --drop -d shop -c users dump/shop/users.bson",
            [(_E.REPLACE, ("db:mongodb/shop/users",))],
        ),
        (
            "mongorestore --uri mongodb://prod-db dump/",
            [
                (
                    _E.UPDATE,
                    (
                        "db:mongodb/*",
                        "db:mongodb/*/*",
                        "db:mongodb/*@prod-db",
                        "db:mongodb/*/*@prod-db",
                    ),
                ),
            ],
        ),
        ("mongorestore --dryRun --drop dump/", [(_E.READ, ("db:mongodb/*", "db:mongodb/*/*"))]),
        ("mongoimport -d shop --drop users.json", [(_E.REPLACE, ("db:mongodb/shop/users",))]),
        (
            "mongoimport -d shop -c people --mode=delete --file users.json",
            [(_E.DELETE, ("db:mongodb/shop/people",))],
        ),
        ("mongoimport -d shop --mode upsert users.json", [(_E.UPDATE, ("db:mongodb/shop/users",))]),
    ],
)
def test_meanings(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert _db_effects(command) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pg_restore -l dump.sql", [(_E.READ, "file:/w/dump.sql")]),
        (
            "pg_restore -f out.sql dump.sql",
            [(_E.READ, "file:/w/dump.sql"), (_E.CREATE, "file:/w/out.sql")],
        ),
        ("pg_dump -f dump.sql shop", [(_E.UPDATE, "file:/w/dump.sql")]),
        ("mysqldump -r /tmp/all.sql -A", [(_E.CREATE, "file:/tmp/all.sql")]),
        ("mongodump -d shop", [(_E.UPDATE, "file:/w/dump")]),
        ("mongodump -d shop --archive", []),  # to stdout
        ("mongodump -d shop --archive=/tmp/a.gz", [(_E.CREATE, "file:/tmp/a.gz")]),
    ],
)
def test_the_files_read_and_written(command: str, expected: list[tuple[EffectKind, str]]) -> None:
    assert _file_effects(command) == expected


def test_pg_restore_without_a_database_touches_none() -> None:
    assert _db_effects("pg_restore dump.sql") == []


@pytest.mark.parametrize(
    "command",
    [
        'pg_dump -d "$DB"',
        'pg_restore --clean -d "$DB" dump.sql',
        'mongorestore --drop --nsInclude "$NS" dump/',
    ],
)
def test_a_database_decided_at_run_time_names_every_database(command: str) -> None:
    names = {n for _, names in _db_effects(command) for n in names}
    assert any(n.split("/")[1] == "*" for n in names), names


@pytest.mark.parametrize(
    "command",
    [
        "pg_dump -d postgres://app:hunter2@prod-db/shop",
        "mysqldump -phunter2 shop",
        "mongodump --uri mongodb://app:hunter2@prod-db/shop",
        "mongorestore --drop --password hunter2 -d shop dump/",
    ],
)
def test_passwords_never_reach_a_name_or_a_detail(command: str) -> None:
    for effect in _effects(command):
        assert "hunter2" not in " ".join((*effect.resource.names, effect.detail or ""))


def test_a_clean_restore_into_production_needs_two_approvals(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("pg_restore --clean -h prod-db -d shop dump.sql")
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2


@pytest.mark.parametrize(
    ("command", "pattern"),
    [
        ("pg_restore --clean -h prod-db -d shop dump.sql", "db:postgres/shop"),
        ("pg_restore --clean -d shop dump.sql", "db:postgres/shop/users"),
        ("pg_restore -c -C -d postgres dump.sql", "db:postgres/shop"),
        ("mongorestore --drop dump/", "db:mongodb/shop/users"),
        ("mongoimport -d shop -c users --drop users.json", "db:*/shop/users"),
    ],
)
def test_a_protected_database_is_never_restored_over(
    judge_brief: JudgeBrief, command: str, pattern: str
) -> None:
    decision = judge_brief(command, env="dev", policy=protecting(pattern))
    assert decision.decision is Verdict.DENY, decision.describe()


def test_a_dump_of_production_is_a_read(judge_brief: JudgeBrief) -> None:
    assert judge_brief("pg_dump -h prod-db shop").decision is Verdict.ALLOW
