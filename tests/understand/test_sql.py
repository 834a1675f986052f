"""SQL text -> effects: a table of statements, quoting that must not hide anything, totality."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.model import Action, ActionKind, Actor, EffectKind, Target, Verdict
from keyturn.policy import load_policy
from keyturn.understand.sql import sql_effects

R, C, U, D, X, UNK = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.REPLACE,
    EffectKind.UNKNOWN,
)
PG = "db:postgres/app"

# (id, sql, engine, expected [(effect, primary name)], detail substring of the first effect)
CASES = [
    ("select", "SELECT * FROM users", "postgres", [(R, PG)], ""),
    ("select-lower", "select id from users where id = 1", "postgres", [(R, PG)], ""),
    ("show", "SHOW TABLES", "mysql", [(R, "db:mysql/app")], ""),
    ("explain", "EXPLAIN SELECT 1", "postgres", [(R, PG)], ""),
    ("explain-analyze-runs", "EXPLAIN ANALYZE DELETE FROM t", "postgres", [(D, f"{PG}/t")], ""),
    ("describe", "DESCRIBE users", "mysql", [(R, "db:mysql/app")], ""),
    ("insert", "INSERT INTO users (id) VALUES (1)", "postgres", [(C, f"{PG}/users")], ""),
    (
        "upsert",
        "INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET a = 1",
        "postgres",
        [(U, f"{PG}/t")],
        "upsert",
    ),
    ("update-where", "UPDATE users SET a = 1 WHERE id = 2", "postgres", [(U, f"{PG}/users")], ""),
    (
        "update-no-where",
        "UPDATE users SET admin = true",
        "postgres",
        [(U, f"{PG}/users")],
        "every row",
    ),
    ("delete-where", "DELETE FROM users WHERE id = 2", "postgres", [(D, f"{PG}/users")], "WHERE"),
    ("delete-no-where", "DELETE FROM users", "postgres", [(D, f"{PG}/users")], "every row"),
    ("delete-1eq1", "delete from users where 1=1", "postgres", [(D, f"{PG}/users")], "every row"),
    (
        "delete-or-true",
        "DELETE FROM users WHERE id = 3 OR 'a' = 'a'",
        "postgres",
        [(D, f"{PG}/users")],
        "every row",
    ),
    (
        "drop-tables-cascade",
        "DROP TABLE IF EXISTS a, public.b CASCADE",
        "postgres",
        [(D, f"{PG}/a"), (D, f"{PG}/b")],
        "CASCADE",
    ),
    ("drop-database", "DROP DATABASE prod", "postgres", [(D, "db:postgres/prod")], ""),
    ("drop-schema-pg", "DROP SCHEMA billing CASCADE", "postgres", [(D, f"{PG}/billing")], ""),
    ("drop-schema-mysql", "DROP SCHEMA shop", "mysql", [(D, "db:mysql/shop")], ""),
    ("drop-index", "DROP INDEX CONCURRENTLY idx_a", "postgres", [(D, f"{PG}/idx_a")], ""),
    ("drop-view", "DROP MATERIALIZED VIEW v", "postgres", [(D, f"{PG}/v")], ""),
    (
        "drop-function",
        "DROP FUNCTION f(int, text), g()",
        "postgres",
        [(D, f"{PG}/f"), (D, f"{PG}/g")],
        "",
    ),
    (
        "truncate",
        "TRUNCATE TABLE orders, items",
        "postgres",
        [(D, f"{PG}/orders"), (D, f"{PG}/items")],
        "every row",
    ),
    (
        "alter-drop-column",
        "ALTER TABLE users DROP COLUMN email",
        "postgres",
        [(D, f"{PG}/users/email")],
        "column",
    ),
    (
        "alter-drop-constraint",
        "ALTER TABLE users DROP CONSTRAINT users_pkey",
        "postgres",
        [(U, f"{PG}/users")],
        "CONSTRAINT",
    ),
    ("alter-rename", "ALTER TABLE a RENAME TO b", "postgres", [(U, f"{PG}/a")], "renames"),
    ("create-table", "CREATE TABLE t (id int)", "postgres", [(C, f"{PG}/t")], ""),
    (
        "create-or-replace-table",
        "CREATE OR REPLACE TABLE t AS SELECT 1",
        "snowflake",
        [(X, "db:snowflake/app/t")],
        "",
    ),
    (
        "create-or-replace-view",
        "CREATE OR REPLACE VIEW v AS SELECT 1",
        "postgres",
        [(U, f"{PG}/v")],
        "",
    ),
    ("create-index-unnamed", "CREATE INDEX ON users (email)", "postgres", [(C, f"{PG}/users")], ""),
    (
        "grant",
        "GRANT SELECT ON TABLE users TO analyst",
        "postgres",
        [(U, f"{PG}/users"), (U, "db:postgres/role:analyst")],
        "",
    ),
    (
        "revoke-db",
        "REVOKE ALL ON DATABASE app FROM bob",
        "postgres",
        [(U, PG), (U, "db:postgres/role:bob")],
        "",
    ),
    ("copy-from", "COPY users FROM '/tmp/u.csv' CSV", "postgres", [(C, f"{PG}/users")], ""),
    ("copy-to", "COPY users TO STDOUT", "postgres", [(R, f"{PG}/users")], ""),
    ("copy-program", "COPY t FROM PROGRAM 'rm -rf /'", "postgres", [(UNK, PG)], "PROGRAM"),
    ("psql-copy-meta", "\\copy users from 'u.csv'", "postgres", [(C, f"{PG}/users")], ""),
    ("psql-shell-escape", "\\! rm -rf /", "postgres", [(UNK, PG)], "shell"),
    ("psql-list", "\\dt", "postgres", [(R, PG)], ""),
    (
        "cte-delete",
        "WITH gone AS (DELETE FROM logs RETURNING *) SELECT count(*) FROM gone",
        "postgres",
        [(R, PG), (D, f"{PG}/logs")],
        "",
    ),
    ("cte-select", "WITH x AS (SELECT 1) SELECT * FROM x", "postgres", [(R, PG)], ""),
    (
        "multi-statement",
        "BEGIN; DELETE FROM a WHERE id = 1; DROP TABLE b; COMMIT;",
        "postgres",
        [(D, f"{PG}/a"), (D, f"{PG}/b")],
        "",
    ),
    (
        "comment-hides-nothing",
        "-- DROP TABLE x\nSELECT 1 /* DROP TABLE y */",
        "postgres",
        [(R, PG)],
        "",
    ),
    ("string-hides-nothing", "SELECT 'DROP TABLE x; --'", "postgres", [(R, PG)], ""),
    ("dollar-quote", "SELECT $tag$ ; DROP TABLE x; $tag$", "postgres", [(R, PG)], ""),
    (
        "do-block-not-understood",
        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || t; END $$",
        "postgres",
        [(UNK, PG)],
        "procedural",
    ),
    ("do-block", "DO $$ BEGIN DROP TABLE x; END $$", "postgres", [(D, f"{PG}/x")], ""),
    ("mysql-exec-comment", "/*!50000 DROP TABLE t */", "mysql", [(D, "db:mysql/app/t")], ""),
    ("mysql-other-db", "DROP TABLE shop.orders", "mysql", [(D, "db:mysql/shop/orders")], ""),
    ("use-switches", "USE prod; TRUNCATE t", "mysql", [(D, "db:mysql/prod/t")], ""),
    ("mysql-hash-comment", "# DROP TABLE x\nSELECT 1", "mysql", [(R, "db:mysql/app")], ""),
    ("quoted-ident", 'DROP TABLE "Users"', "postgres", [(D, f"{PG}/Users")], ""),
    ("backtick-ident", "DROP TABLE `order`", "mysql", [(D, "db:mysql/app/order")], ""),
    (
        "mysql-multi-delete",
        "DELETE t1, t2 FROM t1 JOIN t2 ON t1.id = t2.id",
        "mysql",
        [(D, "db:mysql/app/t1"), (D, "db:mysql/app/t2")],
        "every row",
    ),
    (
        "merge-delete",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "postgres",
        [(D, f"{PG}/t")],
        "",
    ),
    (
        "side-effect-select",
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
        "postgres",
        [(R, PG), (U, PG)],
        "",
    ),
    ("call", "CALL purge_everything()", "postgres", [(UNK, PG)], "procedure"),
    ("garbage", "frobnicate the database", "postgres", [(UNK, PG)], "FROBNICATE"),
    ("unterminated", "DELETE FROM t WHERE name = 'x", "postgres", [(UNK, PG)], "unterminated"),
    ("session-only", "BEGIN; SET search_path = x; COMMIT", "postgres", [(R, PG)], ""),
    ("sqlite-pragma-read", "PRAGMA table_info(t)", "sqlite", [(R, "db:sqlite/app")], ""),
    ("sqlite-pragma-set", "PRAGMA writable_schema = 1", "sqlite", [(U, "db:sqlite/app")], ""),
]


@pytest.mark.parametrize(
    ("sql", "engine", "expected", "detail"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_statement_table(
    sql: str, engine: str, expected: list[tuple[EffectKind, str]], detail: str
) -> None:
    effects = sql_effects(sql, engine=engine, database="app", target=Target())
    assert [(e.effect, e.resource.name) for e in effects] == expected
    assert detail in (effects[0].detail + effects[0].operation if effects else "")
    assert all(e.service == "db" for e in effects)


def test_the_table_has_at_least_thirty_statements() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(
    ("sql", "engine", "names"),
    [
        ("DROP DATABASE shop", "postgres", ("db:postgres/shop", "db:postgres/shop/*")),
        ("DROP DATABASE IF EXISTS shop", "mysql", ("db:mysql/shop", "db:mysql/shop/*")),
        ("DROP SCHEMA shop", "mysql", ("db:mysql/shop", "db:mysql/shop/*")),
        # CASCADE also drops columns and inheriting tables in other schemas (PostgreSQL 15)
        ("DROP SCHEMA audit CASCADE", "postgres", (f"{PG}/audit", f"{PG}/audit.*", f"{PG}/*")),
        ("DROP SCHEMA audit", "postgres", (f"{PG}/audit", f"{PG}/audit.*")),
        # The default schema holds what is named without one.
        ("DROP SCHEMA public CASCADE", "postgres", (f"{PG}/public", f"{PG}/*")),
        (
            "DROP SCHEMA other.audit",
            "postgres",
            ("db:postgres/other/audit", "db:postgres/other/audit.*"),
        ),
    ],
)
def test_a_dropped_database_or_schema_names_what_it_holds(
    sql: str, engine: str, names: tuple[str, ...]
) -> None:
    (effect,) = sql_effects(sql, engine=engine, database="app", target=Target())
    assert (effect.effect, effect.resource.names) == (D, names)


def test_a_protected_table_holds_against_dropping_its_database() -> None:
    policy = load_policy('version: 1\ndefault: allow\nprotected: ["db:postgres/shop/users"]\n')
    for sql in ("DROP DATABASE shop", "DROP SCHEMA public CASCADE"):
        effects = sql_effects(sql, engine="postgres", database="shop", target=Target())
        action = Action(kind=ActionKind.SHELL, summary=sql, effects=tuple(effects))
        assert (
            policy.judge(action, actor=Actor(agent="a", operator="o")).decision is Verdict.DENY
        ), sql


def test_truncate_if_exists_names_the_table_not_the_keyword() -> None:
    effects = sql_effects(
        "TRUNCATE TABLE IF EXISTS users", engine="postgres", database="app", target=Target()
    )
    assert [e.resource.names for e in effects] == [(f"{PG}/users",)]


def test_unknown_database_is_a_star() -> None:
    effects = sql_effects("DROP TABLE t", engine="postgres", database=None, target=Target())
    assert effects[0].resource.names == ("db:postgres/*/t",)


def test_host_is_a_second_name_and_target_is_kept() -> None:
    target = Target(environment="staging")
    effects = sql_effects(
        "TRUNCATE t", engine="postgresql", database="app", target=target, host="db.prod.internal"
    )
    assert effects[0].resource.names == ("db:postgres/app/t", "db:postgres/app/t@db.prod.internal")
    assert effects[0].target == target


def test_column_drop_is_named_by_its_table_too() -> None:
    (effect,) = sql_effects(
        "ALTER TABLE users DROP email", engine="postgres", database="app", target=Target()
    )
    assert effect.resource.names == (f"{PG}/users/email", f"{PG}/users")


def test_equal_meaning_equal_effects() -> None:
    a = sql_effects("DROP TABLE public.Users", engine="postgres", database="app", target=Target())
    b = sql_effects("drop   table users ;", engine="postgres", database="app", target=Target())
    assert [e.canonical() for e in a] == [e.canonical() for e in b]


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        # MySQL with NO_BACKSLASH_ESCAPES ends the string at \' : both readings are judged
        ("SELECT 'a\\'; DROP TABLE y; -- '", "mysql"),
        # PostgreSQL standard strings: the backslash is literal and the string ends there
        ("SELECT 'C:\\'; DROP TABLE y; --'", "postgres"),
        ("SELECT 1; /* a */ DROP TABLE y", "sql"),
        ("DELIMITER //\nSELECT 1 //\nDROP TABLE y //", "mysql"),
    ],
)
def test_quoting_cannot_hide_a_drop(sql: str, engine: str) -> None:
    effects = sql_effects(sql, engine=engine, database="app", target=Target())
    assert any(e.effect is D and e.resource.name.endswith("/y") for e in effects)


def test_duplicates_are_folded() -> None:
    sql = "INSERT INTO t VALUES (1);\n" * 500
    assert len(sql_effects(sql, engine="postgres", database="app", target=Target())) == 1


@pytest.mark.parametrize(
    ("sql", "names"),
    [
        # The schema a later unqualified name is in, as PostgreSQL resolves it.
        ("SET search_path TO audit; DELETE FROM log", ["app/audit.log"]),
        ("set search_path = audit, public; drop table t", ["app/audit.t", "app/t"]),
        ("SET search_path TO 'audit, \"Ops\"'; TRUNCATE t", ["app/audit.t", "app/Ops.t"]),
        ("SET SESSION search_path TO \"$user\", public; DELETE FROM t", ["app/*.t", "app/t"]),
        ("SET LOCAL search_path TO billing; DROP TABLE invoices", ["app/billing.invoices"]),
        ("SET SCHEMA 'billing'; DROP TABLE invoices", ["app/billing.invoices"]),
        ("SET search_path TO b; SET search_path TO DEFAULT; DROP TABLE t", ["app/t"]),
        ("SET search_path TO billing; DROP TABLE other.t", ["app/other.t"]),
        ("SET search_path TO a; ALTER TABLE t DROP COLUMN c", ["app/a.t/c", "app/a.t"]),
    ],
)  # fmt: skip
def test_search_path_names_the_schema_of_unqualified_names(sql: str, names: list[str]) -> None:
    effects = sql_effects(sql, engine="postgres", database="app", target=Target())
    changed = [list(e.resource.names) for e in effects if e.effect is not EffectKind.READ]
    assert changed == [[f"db:postgres/{n}" for n in names]]


def test_a_protected_schema_holds_against_a_search_path() -> None:
    policy = load_policy('version: 1\ndefault: allow\nprotected: ["db:postgres/*/billing.*"]\n')
    sql = "SET search_path TO billing; DROP TABLE invoices"
    effects = sql_effects(sql, engine="postgres", database="app", target=Target())
    action = Action(kind=ActionKind.SHELL, summary=sql, effects=tuple(effects))
    assert policy.judge(action, actor=Actor(agent="a", operator="o")).decision is Verdict.DENY


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["postgres", "mysql", "sqlite", "other"]))
def test_never_raises_never_empty(sql: str, engine: str) -> None:
    effects = sql_effects(sql, engine=engine, database=None, target=Target())
    assert effects
    assert all(e.resource.names for e in effects)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["DROP TABLE t", "DELETE FROM t", "TRUNCATE t"]), min_size=1, max_size=3
    ),
    st.text(alphabet="'\"`$/*-#\\ ;\n", max_size=12),
)
def test_a_drop_followed_by_noise_is_never_read_only(statements: list[str], noise: str) -> None:
    sql = ";\n".join(statements) + ";\n" + noise
    effects = sql_effects(sql, engine="postgres", database="app", target=Target())
    assert any(e.effect in (D, UNK) for e in effects)
