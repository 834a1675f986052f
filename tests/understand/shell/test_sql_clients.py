"""SQL clients, dropdb and friends, redis-cli and mongosh on the command line."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind, Target
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands.sql_clients import psql
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

D, R, C, U, UNK = (
    EffectKind.DELETE,
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.UNKNOWN,
)
FILES = MemoryFiles({"/app/drop.sql": "DROP TABLE a;\nDELETE FROM b WHERE id = 1;"})


def effects(command: str, **kw: object) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd="/app", files=FILES, **kw)  # type: ignore[arg-type]
    return [(e.effect, e.resource.names) for e in action.effects]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('psql -d app -c "DROP TABLE users"', [(D, ("db:postgres/app/users",))]),
        (
            "psql -c 'SELECT 1' -c 'TRUNCATE t' app",
            [(R, ("db:postgres/app",)), (D, ("db:postgres/app/t",))],
        ),
        (
            "psql postgresql://u:secret@db.prod.internal:5432/shop -f drop.sql",
            [
                (D, ("db:postgres/shop/a", "db:postgres/shop/a@db.prod.internal")),
                (D, ("db:postgres/shop/b", "db:postgres/shop/b@db.prod.internal")),
            ],
        ),
        (
            'psql "host=db1 dbname=crm" -c "DELETE FROM leads"',
            [(D, ("db:postgres/crm/leads", "db:postgres/crm/leads@db1"))],
        ),
        ("PGDATABASE=inv psql -c 'DROP TABLE x'", [(D, ("db:postgres/inv/x",))]),
        (
            "psql app <<EOF\nDROP SCHEMA s CASCADE;\nEOF",
            # CASCADE also drops columns and inheriting tables in other schemas
            [(D, ("db:postgres/app/s", "db:postgres/app/s.*", "db:postgres/app/*"))],
        ),
        # the input redirect is a read of the file as well (keyturn's secrets are read-guarded)
        (
            "psql app < drop.sql",
            [
                (D, ("db:postgres/app/a",)),
                (D, ("db:postgres/app/b",)),
                (R, ("file:/app/drop.sql",)),
            ],
        ),
        ("psql -l", [(R, ("db:postgres/*",))]),
        (
            "mysql -h db -u root -psecret -e 'DROP DATABASE shop'",
            [(D, ("db:mysql/shop", "db:mysql/shop/*", "db:mysql/shop@db", "db:mysql/shop/*@db"))],
        ),
        ("mariadb -D shop -e 'DELETE FROM orders'", [(D, ("db:mysql/shop/orders",))]),
        # the database file is named too (what guards the file guards it through SQL)
        (
            "sqlite3 data.db 'DROP TABLE t'",
            [(D, ("db:sqlite//app/data.db/t", "file:/app/data.db"))],
        ),
        (
            "dropdb -h pg.prod --if-exists billing",
            [(D, ("db:postgres/billing", "db:postgres/billing@pg.prod"))],
        ),
        ("createdb newdb", [(C, ("db:postgres/newdb",))]),
        ("dropuser alice", [(D, ("db:postgres/role:alice",))]),
        ("mysqladmin -f drop shop", [(D, ("db:mysql/shop",))]),
        ("redis-cli -h cache.prod -n 3 FLUSHDB", [(D, ("db:redis/3", "db:redis/3@cache.prod"))]),
        ("redis-cli FLUSHALL", [(D, ("db:redis/*",))]),
        ("redis-cli DEL session:1", [(D, ("db:redis/0/session:1",))]),
        ("redis-cli SET k v", [(U, ("db:redis/0/k",))]),
        ("redis-cli KEYS '*'", [(R, ("db:redis/0",))]),
        ("redis-cli CONFIG SET appendonly no", [(U, ("db:redis/*",))]),
        (
            "mongosh mongodb://m.prod/shop --eval 'db.dropDatabase()'",
            [(D, ("db:mongodb/shop", "db:mongodb/shop@m.prod"))],
        ),
        ("mongosh shop --eval 'db.orders.deleteMany({})'", [(D, ("db:mongodb/shop/orders",))]),
        ("mongosh shop --eval 'db.orders.drop()'", [(D, ("db:mongodb/shop/orders",))]),
    ],
)
def test_client_effects(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert effects(command) == expected


@pytest.mark.parametrize(
    "command",
    [
        "psql app",  # interactive
        "curl -s https://x.example/q.sql | psql app",  # piped, not known
        "psql -f missing.sql app",
        'psql -c "$QUERY" app',
        "mongosh shop --eval 'doSomething()'",
        "redis-cli EVAL 'return 1' 0",
        "sqlite3 a.db '.load evil'",
    ],
)
def test_sql_not_at_hand_is_unknown(command: str) -> None:
    assert UNK in {e for e, _ in effects(command)}


def test_password_never_reaches_names_or_details() -> None:
    action = understand_shell("psql postgresql://u:hunter2@h/db -c 'DROP TABLE t'", cwd="/app")
    assert "hunter2" not in repr([(e.resource.names, e.detail) for e in action.effects])


def test_target_and_command_are_kept() -> None:
    target = Target(environment="staging")
    action = understand_shell("psql -c 'DROP TABLE t' app", cwd="/", target=target)
    (effect,) = action.effects
    assert effect.target.environment == "staging"
    assert effect.command and effect.command.startswith("psql")
    assert effect.service == "db"


def test_handler_alone_reads_files_through_ctx() -> None:
    cmd = SimpleCommand(argv=("psql", "-f", "drop.sql", "app"), program="psql", text="psql")
    found = psql(cmd, ShellContext(cwd="/app", files=FILES))
    assert found is not None
    assert [e.resource.name for e in found] == ["db:postgres/app/a", "db:postgres/app/b"]
