"""SQL that hid what it does from keyturn, each case checked against a real engine first:
non-ASCII names next to ``$``, CTEs named after DML keywords, SQLite's ``[names]`` and
``$name(...)`` parameters, MySQL multi-table DELETE aliases, code stored to run later (rules,
triggers, events), CASCADE reaching what it does not name, and renames taking protection."""

from __future__ import annotations

import pytest

from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Target, Verdict
from keyturn.policy import load_policy
from keyturn.understand.sql import sql_effects

R, C, U, D, UNK = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)
_POLICY = load_policy(
    "version: 1\ndefault: allow\n"
    'protected: ["db:*/*/payments", "db:*/role:owner"]\n'
    "agents:\n  '*':\n    allow:\n      - effect: [read, create, update, delete, replace]\n"
)


def effects(sql: str, engine: str = "postgres") -> list[Effect]:
    return sql_effects(sql, engine=engine, database="app", target=Target())


def verdict(sql: str, engine: str = "postgres") -> Verdict:
    action = Action(kind=ActionKind.SHELL, summary=sql, effects=tuple(effects(sql, engine)))
    return _POLICY.judge(action, actor=Actor(agent="a", operator="o")).decision


def deletes(sql: str, engine: str = "postgres") -> list[tuple[str, ...]]:
    return [e.resource.names for e in effects(sql, engine) if e.effect is D]


# --- 1. names are read as the engines' lexers read them: any non-ASCII character is a name
# character, so it does not end a name before a "$" (PostgreSQL 15, MariaDB 10.11 checked).


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("SELECT 1 AS €$$; DROP TABLE payments; SELECT 1 AS x€$$", "postgres"),
        ("SELECT 1 AS a\u00a0$$; DROP TABLE payments; SELECT 1 AS b\u00a0$$", "postgres"),
        ("SELECT $€$ ' $€$; DROP TABLE payments; --'", "postgres"),
        ("SELECT $€$ ' $€$; DROP TABLE payments; --'", "sql"),  # engine not known
        ("SELECT $٣$ ' $٣$; DROP TABLE payments; --'", "postgres"),  # a non-ASCII digit
        # MySQL's "--" is a comment only before an ASCII space or control character
        ("SELECT 1 --\u00a0; DROP TABLE payments", "mysql"),
    ],
)
def test_a_non_ascii_character_by_a_dollar_hides_nothing(sql: str, engine: str) -> None:
    assert any(names[0].endswith("/payments") for names in deletes(sql, engine))
    assert verdict(sql, engine) is Verdict.DENY


# --- 2. a CTE may be named after a DML keyword: the main statement is found by the list's shape


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("WITH insert AS (SELECT 1) DELETE FROM payments", D),
        ("WITH update AS (SELECT 1) DELETE FROM payments", D),
        ("WITH merge AS (SELECT 1) UPDATE payments SET amount = 0", U),
        ("WITH delete(n) AS NOT MATERIALIZED (SELECT 1), insert AS (SELECT 2)"
         " DELETE FROM payments", D),
        (
            "WITH RECURSIVE insert(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM insert WHERE n < 3)"
            " SEARCH DEPTH FIRST BY n SET ord CYCLE n SET is_cycle TO true DEFAULT false USING p"
            " DELETE FROM payments",
            D,
        ),
    ],
)  # fmt: skip
def test_a_cte_named_insert_does_not_hide_the_statement(sql: str, kind: EffectKind) -> None:
    found = [(e.effect, e.resource.name) for e in effects(sql)]
    assert (kind, "db:postgres/app/payments") in found
    assert not any(name.endswith("/as") for _, name in found)


# --- 3. SQLite: [bracketed names] and $name(...) parameters run past quotes


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("SELECT 1 AS [it's]; DROP TABLE payments; SELECT 1 AS [x']", "sqlite"),
        ("SELECT $1(\\') ; DROP TABLE payments; SELECT $2(\\')", "sqlite"),
        ("SELECT @a(x'y) ; DROP TABLE payments; SELECT :b::c(')", "sqlite"),
        ("SELECT 1 AS [it's]; DROP TABLE payments; SELECT 1 AS [x']", "sql"),
        # SQL Server doubles "]" inside a bracketed name
        ("SELECT [a]]' ]; DROP TABLE payments; --'", "mssql"),
    ],
)
def test_sqlite_brackets_and_parameters_hide_nothing(sql: str, engine: str) -> None:
    assert any(names[0].endswith("/payments") for names in deletes(sql, engine))
    assert verdict(sql, engine) is Verdict.DENY


# --- 4. MySQL multi-table DELETE names its targets by aliases (MariaDB 10.11 checked)


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ("DELETE p FROM payments AS p WHERE p.id > 0", ["payments"]),
        ("DELETE p FROM payments p", ["payments"]),
        ("DELETE p.* FROM payments p JOIN users u ON u.id = p.uid", ["payments"]),
        ("DELETE p FROM (users u JOIN payments AS p ON u.id = p.uid)", ["payments"]),
        ("DELETE FROM a1 USING payments AS a1 WHERE a1.id = 1", ["payments"]),
        ("DELETE FROM a1, a2 USING t1 AS a1 JOIN payments AS a2 ON 1", ["t1", "payments"]),
        # a target that is neither an alias nor a table of the list: every table is named
        ("DELETE zz FROM payments p", ["zz", "payments"]),
    ],
)
def test_a_multi_table_delete_names_the_aliased_tables(sql: str, tables: list[str]) -> None:
    assert deletes(sql, "mysql") == [(f"db:mysql/app/{t}",) for t in tables]
    assert verdict(sql, "mysql") is Verdict.DENY


def test_sql_servers_delete_from_alias_from_table_names_the_table() -> None:
    assert deletes("DELETE FROM p FROM payments p JOIN u ON 1 = 1", "mssql") == [
        ("db:mssql/app/payments",)
    ]


# --- 5. code stored to run later is judged as what it runs (PostgreSQL 15 checked)


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("CREATE RULE r AS ON INSERT TO users DO ALSO DELETE FROM payments", "postgres"),
        ("CREATE RULE r AS ON DELETE TO v DO INSTEAD DELETE FROM payments", "postgres"),
        ("CREATE TRIGGER t AFTER INSERT ON users BEGIN DELETE FROM payments; END", "sqlite"),
        ("CREATE TRIGGER t BEFORE INSERT ON users FOR EACH ROW DELETE FROM payments", "mysql"),
        ("CREATE EVENT e ON SCHEDULE EVERY 1 HOUR DO DROP TABLE payments", "mysql"),
        ("ALTER EVENT e ON SCHEDULE EVERY 1 HOUR DO BEGIN DELETE FROM payments", "mysql"),
    ],
)
def test_stored_code_is_judged_as_what_it_runs(sql: str, engine: str) -> None:
    assert (f"db:{engine}/app/payments",) in deletes(sql, engine)
    assert verdict(sql, engine) is Verdict.DENY


def test_a_rule_updates_the_table_whose_statements_it_changes() -> None:
    found = effects("CREATE RULE r AS ON INSERT TO users DO INSTEAD NOTHING")
    assert (U, "db:postgres/app/users") in [(e.effect, e.resource.name) for e in found]


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TRIGGER t AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION f()",
        "CREATE CONSTRAINT TRIGGER t AFTER DELETE ON users FOR EACH ROW EXECUTE PROCEDURE f()",
        "CREATE EVENT TRIGGER t ON ddl_command_start EXECUTE FUNCTION f()",
    ],
)
def test_a_trigger_running_a_function_is_unknown(sql: str) -> None:
    found = effects(sql)
    assert any(e.effect is UNK and "f()" in e.detail for e in found)
    assert verdict(sql) is not Verdict.ALLOW


# --- 6. CASCADE and DROP OWNED reach objects they do not name (PostgreSQL 15 checked)


@pytest.mark.parametrize(
    "sql",
    [
        "TRUNCATE users CASCADE",
        "DROP TYPE mood CASCADE",
        "DROP DOMAIN d CASCADE",
        "DROP EXTENSION IF EXISTS foo CASCADE",
        "DROP FUNCTION dbl(int) CASCADE",
        "DROP COLLATION c1 CASCADE",
        "DROP OWNED BY bob",
    ],
)
def test_a_cascade_is_named_as_everything_in_the_database(sql: str) -> None:
    (names,) = deletes(sql)
    assert "db:postgres/app/*" in names
    assert verdict(sql) is Verdict.DENY


def test_a_cascade_with_a_host_names_it_there_too() -> None:
    (effect,) = sql_effects(
        "TRUNCATE users CASCADE", engine="postgres", database="app", target=Target(), host="h"
    )
    assert effect.resource.names == (
        "db:postgres/app/users",
        "db:postgres/app/users@h",
        "db:postgres/app/*",
        "db:postgres/app/*@h",
    )


# --- 11. a rename takes the old name's protection away


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("ALTER TABLE payments RENAME TO old_payments", "postgres"),
        ("ALTER TABLE IF EXISTS ONLY payments RENAME TO old_payments", "postgres"),
        ("ALTER TABLE payments SET SCHEMA archive", "postgres"),
        ("ALTER SCHEMA public RENAME TO old", "postgres"),
        ("ALTER DATABASE app RENAME TO old", "postgres"),
        ("ALTER ROLE owner RENAME TO someone", "postgres"),
        ("RENAME TABLE payments TO x", "mysql"),
        ("RENAME TABLE users TO u2, payments TO x", "mysql"),
        ("ALTER TABLE payments RENAME x", "mysql"),
        ("ALTER TABLE payments ADD c int, RENAME AS x", "mysql"),
        ("ALTER TABLE payments RENAME TO p2", "sqlite"),
    ],
)
def test_renaming_a_protected_object_is_denied(sql: str, engine: str) -> None:
    assert any(e.removes_protection for e in effects(sql, engine))
    assert verdict(sql, engine) is Verdict.DENY


def test_a_rename_removes_only_the_old_names_protection() -> None:
    (effect,) = effects("ALTER TABLE payments RENAME TO old_payments")
    assert (effect.effect, effect.resource.names) == (U, ("db:postgres/app/payments",))
    assert effect.removes_protection
    assert "old_payments" in effect.detail


def test_moving_a_table_into_another_database_creates_it_there() -> None:
    found = effects("ALTER TABLE users RENAME TO proddb.users", "mysql")
    assert [(e.effect, e.resource.name) for e in found] == [
        (U, "db:mysql/app/users"),
        (C, "db:mysql/proddb/users"),
    ]
