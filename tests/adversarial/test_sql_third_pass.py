"""SQL whose effects reach past what it names, third pass. Each group rests on the real engine's
behaviour, checked as said:

1. Foreign keys (PostgreSQL 15, MariaDB 10.11, sqlite3 3.40 with ``foreign_keys=ON``, all run):
   ``DELETE FROM parent`` deletes the rows of every table referencing it ``ON DELETE CASCADE``
   and nulls those ``ON DELETE SET NULL``; ``UPDATE parent`` of the key updates the tables
   referencing it ``ON UPDATE CASCADE``; MySQL's ``REPLACE`` and SQLite's ``INSERT OR REPLACE``
   delete the old row first, and the cascade fires (MariaDB's column-level ``REFERENCES`` too);
   an upsert (``ON DUPLICATE KEY UPDATE``, ``ON CONFLICT DO UPDATE``) does not delete.
   Decision: keyturn does not see the schema, so a bare ``DELETE FROM users WHERE id = 1``
   names only ``users`` -- naming every table of the database on every DELETE would make each
   one a delete of every protected table. Where the same SQL text (one ``psql -c``, a script,
   several ``-c`` of one client) declares the foreign key, with ``CREATE TABLE ... REFERENCES``
   or ``ALTER TABLE ... ADD FOREIGN KEY``, or an ``INHERITS``/``PARTITION OF`` child, the
   referencing table is named as what the statement reaches (transitively).
2. CASCADE reaching past the table (PostgreSQL 15 run): ``DROP TABLE t CASCADE`` drops the
   tables inheriting from ``t`` and any other table's column of ``t``'s row type; ``DROP VIEW
   v CASCADE`` a column of ``v``'s row type. So each is also named as everything in the
   database (``db:postgres/app/*``), as ``DROP TYPE ... CASCADE`` already was. MySQL parses
   ``CASCADE`` and ignores it; Snowflake's drops foreign keys only. (``DROP SCHEMA s CASCADE``
   already names ``s`` and ``s.*``; that it also drops columns and inheriting tables in other
   schemas, also checked, is left as it is: the existing tests pin its names.)
3. ClickHouse (its documentation, clickhouse.com/docs/sql-reference/statements: alter/delete,
   alter/update, alter/partition, truncate, detach): ``ALTER TABLE t [ON CLUSTER c] DELETE
   WHERE`` deletes rows; ``UPDATE ... WHERE`` updates them; ``DROP|DETACH PARTITION|PART`` and
   ``DROP DETACHED PARTITION|PART`` remove a partition's data from the table (a detached part
   is forgotten by the server until attached); ``CLEAR COLUMN`` resets a column's values;
   ``MODIFY TTL`` deletes the rows past it; ``MOVE PARTITION ... TO TABLE`` takes rows out;
   ``TRUNCATE DATABASE d`` and ``TRUNCATE [ALL] TABLES FROM d`` empty every table of ``d``;
   ``DETACH TABLE|DATABASE`` makes the server forget it; ``db.t`` is database ``db``. The
   HTTP interface (``curl ...:8123/?query=``) reaches the SQL understanding directly.
4. Trigger functions (PostgreSQL 15 run): ``CREATE TRIGGER ... EXECUTE FUNCTION f()`` runs
   ``f``'s body on others' statements; the trigger binds to the function, so a later ``CREATE
   OR REPLACE FUNCTION f`` changes what the trigger does. Decision: when the body of ``f`` is
   in the same text, it is judged (as if it ran now) and stands for the trigger's effect; a
   body statement not understood (``EXECUTE`` of built text, another language) stays
   unknown; a body not at hand stays unknown. A ``CREATE OR REPLACE FUNCTION ... RETURNS
   trigger`` is judged by its body too: triggers already bound to it run the new body. (A
   ``DO`` block's body is judged the same way: ``test_sql_fourth_pass``.) The body is used
   only where it is the one the trigger binds: a function without arguments (``f(int)`` is another
   function), not altered or dropped since, not named as one of pg_catalog's trigger
   functions (pg_catalog is searched first; the list is PostgreSQL 15's ``pg_proc``).
5. Partitions (PostgreSQL 15 and MariaDB 10.11 run): ``ALTER TABLE t DETACH PARTITION p``
   takes p's rows out of ``t``; MySQL's ``EXCHANGE PARTITION p WITH TABLE o`` swaps p's rows
   with all of o's; MariaDB's ``CONVERT PARTITION p TO TABLE o`` moves them into a new table,
   ``CONVERT TABLE o TO PARTITION p`` makes o a partition (the table o is gone).
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME

from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Target, Verdict
from keyturn.policy import load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
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
    'protected: ["db:*/*/payments"]\n'
    "agents:\n  '*':\n    allow:\n      - effect: [read, create, update, delete, replace]\n"
)


def effects(sql: str, engine: str = "postgres") -> list[Effect]:
    return sql_effects(sql, engine=engine, database="app", target=Target())


def found(sql: str, engine: str = "postgres") -> list[tuple[EffectKind, str]]:
    return [(e.effect, e.resource.name) for e in effects(sql, engine)]


def verdict(sql: str, engine: str = "postgres") -> Verdict:
    action = Action(kind=ActionKind.SHELL, summary=sql, effects=tuple(effects(sql, engine)))
    return _POLICY.judge(action, actor=Actor(agent="a", operator="o")).decision


def shell(command: str) -> list[Effect]:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({}))
    return list(action.effects)


# --- 1. foreign keys declared in the same text ---------------------------------------------

_FK = "ALTER TABLE payments ADD CONSTRAINT fk FOREIGN KEY (uid) REFERENCES users (id)"


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        (f"{_FK} ON DELETE CASCADE; DELETE FROM users WHERE id = 7", "postgres"),
        ("CREATE TABLE payments (id int, uid int REFERENCES users ON DELETE CASCADE);"
         " DELETE FROM users WHERE id = 7", "postgres"),
        ("CREATE TABLE payments (id int, uid int, CONSTRAINT f FOREIGN KEY (uid)"
         " REFERENCES public.users (id) MATCH SIMPLE ON UPDATE NO ACTION ON DELETE CASCADE"
         " DEFERRABLE); DELETE FROM users", "postgres"),
        (f"{_FK} ON DELETE CASCADE; REPLACE INTO users VALUES (7, 'x')", "mysql"),
        (f"{_FK} ON DELETE CASCADE; DELETE u FROM users u WHERE u.id = 7", "mysql"),
        ("CREATE TABLE payments (id, uid REFERENCES users(id) ON DELETE CASCADE);"
         " INSERT OR REPLACE INTO users VALUES (7, 'x')", "sqlite"),
        # transitively: users -> orders -> payments
        ("CREATE TABLE orders (id int, uid int REFERENCES users ON DELETE CASCADE);"
         " CREATE TABLE payments (oid int REFERENCES orders ON DELETE CASCADE);"
         " DELETE FROM users WHERE id = 7", "postgres"),
        # an inheritance child or a partition: a DELETE of the parent reaches its rows
        ("CREATE TABLE payments () INHERITS (users); DELETE FROM users WHERE id = 1",
         "postgres"),
        ("CREATE TABLE payments PARTITION OF users FOR VALUES IN (1); TRUNCATE users",
         "postgres"),
    ],
)  # fmt: skip
def test_a_delete_reaches_the_table_whose_foreign_key_cascades(sql: str, engine: str) -> None:
    assert (D, f"db:{engine}/app/payments") in found(sql, engine)
    assert verdict(sql, engine) is Verdict.DENY


def reaches(sql: str) -> list[tuple[EffectKind, str]]:
    """What the statements reach through declared links (not the ALTER TABLE's own update)."""
    return [(e.effect, e.resource.name) for e in effects(sql) if e.operation.endswith("reaches")]


def test_set_null_and_on_update_cascade_update_the_referencing_table() -> None:
    nulls = f"{_FK} ON DELETE SET NULL; DELETE FROM users WHERE id = 7"
    assert reaches(nulls) == [(U, "db:postgres/app/payments")]
    renumber = f"{_FK} ON UPDATE CASCADE; UPDATE users SET id = 8 WHERE id = 7"
    assert reaches(renumber) == [(U, "db:postgres/app/payments")]


def test_truncate_cascade_names_the_declared_referencing_table() -> None:
    names = [
        e.resource.names
        for e in effects(f"{_FK} ON DELETE CASCADE; TRUNCATE users CASCADE")
        if e.effect is D
    ]
    assert ("db:postgres/app/payments",) in names


def test_a_foreign_key_declared_by_one_dash_c_holds_for_the_next() -> None:
    line = f'psql -d app -c "{_FK} ON DELETE CASCADE" -c "DELETE FROM users WHERE id = 7"'
    assert any(e.effect is D and e.resource.name.endswith("/app/payments") for e in shell(line))


def test_only_a_cascading_key_declared_before_reaches_another_table() -> None:
    assert (D, "db:postgres/app/payments") in found(f"{_FK} ON DELETE CASCADE; DELETE FROM users")
    for sql in (
        "DELETE FROM users WHERE id = 7",  # the schema is not seen: only what is named
        f"{_FK} ON DELETE RESTRICT; DELETE FROM users WHERE id = 7",
        f"{_FK} ON DELETE NO ACTION ON UPDATE SET NULL; DELETE FROM users WHERE id = 7",
        f"{_FK} ON DELETE CASCADE; DELETE FROM accounts WHERE id = 7",
        f"{_FK} ON DELETE CASCADE; INSERT INTO users VALUES (7)",
    ):
        assert not reaches(sql), sql


# --- 2. CASCADE reaching past what it names ------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "DROP TABLE users CASCADE",
        "DROP TABLE IF EXISTS a, b CASCADE",
        "DROP VIEW v CASCADE",
        "DROP MATERIALIZED VIEW mv CASCADE",
        "DROP FOREIGN TABLE ft CASCADE",
    ],
)
def test_a_cascade_drop_is_named_as_everything_in_the_database(sql: str) -> None:
    deleted = [e.resource.names for e in effects(sql) if e.effect is D]
    assert deleted and all("db:postgres/app/*" in names for names in deleted)
    assert verdict(sql) is Verdict.DENY


def test_a_cascade_drop_of_a_table_is_wide_only_where_it_reaches_other_tables() -> None:
    (effect,) = effects("DROP TABLE users CASCADE")
    assert effect.resource.names == ("db:postgres/app/users", "db:postgres/app/*")
    for sql, engine in (
        ("DROP TABLE users", "postgres"),
        ("DROP VIEW v RESTRICT", "postgres"),
        ("DROP TABLE users CASCADE", "mysql"),  # MySQL parses CASCADE and ignores it
        ("DROP TABLE users CASCADE", "snowflake"),  # drops foreign keys only
    ):
        for e in effects(sql, engine):
            assert not any(n.endswith("/app/*") for n in e.resource.names), sql


# --- 3. ClickHouse through its HTTP interface (the SQL understanding itself) ----------------


@pytest.mark.parametrize(
    ("sql", "kind", "name"),
    [
        ("ALTER TABLE payments DELETE WHERE id = 1", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE db.payments ON CLUSTER c DELETE WHERE 1", D, "db:clickhouse/db/payments"),
        ("ALTER TABLE payments DELETE IN PARTITION 2024 WHERE x", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE payments DETACH PARTITION 2024", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE payments DETACH PART 'all_1_1_0'", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE payments DROP PART 'all_1_1_0'", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE payments DROP DETACHED PARTITION ALL", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE payments CLEAR COLUMN c IN PARTITION 1", D, "db:clickhouse/app/payments/c"),
        ("ALTER TABLE payments MODIFY TTL d + INTERVAL 1 DAY", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE payments MOVE PARTITION 1 TO TABLE old", D, "db:clickhouse/app/payments"),
        ("ALTER TABLE payments REPLACE PARTITION 1 FROM t2", EffectKind.REPLACE,
         "db:clickhouse/app/payments"),
        ("TRUNCATE TABLE IF EXISTS db.payments ON CLUSTER c SYNC", D, "db:clickhouse/db/payments"),
        ("TRUNCATE DATABASE IF EXISTS db", D, "db:clickhouse/db"),
        ("TRUNCATE ALL TABLES FROM db LIKE 'p%'", D, "db:clickhouse/db"),
        ("TRUNCATE TABLES FROM IF EXISTS db", D, "db:clickhouse/db"),
        ("DROP DICTIONARY db.payments", D, "db:clickhouse/db/payments"),
        ("DETACH TABLE db.payments PERMANENTLY", D, "db:clickhouse/db/payments"),
        ("DETACH DATABASE db ON CLUSTER c", D, "db:clickhouse/db"),
        ("DROP TABLE IF EMPTY db.payments SYNC", D, "db:clickhouse/db/payments"),
    ],
)  # fmt: skip
def test_clickhouse_statements_that_remove_data(sql: str, kind: EffectKind, name: str) -> None:
    assert (kind, name) in found(sql, "clickhouse")
    assert verdict(sql, "clickhouse") is Verdict.DENY


def test_clickhouse_alter_update_is_an_update_of_every_row_without_a_real_where() -> None:
    (effect,) = [e for e in effects("ALTER TABLE t UPDATE x = 1, y = 2 WHERE 1", "clickhouse")]
    assert (effect.effect, effect.resource.name) == (U, "db:clickhouse/app/t")
    assert "every row" in effect.detail


def test_clickhouse_whole_database_removals_name_what_it_holds() -> None:
    for sql in ("TRUNCATE DATABASE db", "DETACH DATABASE db", "TRUNCATE ALL TABLES FROM db"):
        names = [n for e in effects(sql, "clickhouse") for n in e.resource.names]
        assert "db:clickhouse/db/*" in names


def test_clickhouse_move_partition_to_another_table_updates_it() -> None:
    assert (U, "db:clickhouse/app/old") in found(
        "ALTER TABLE t MOVE PARTITION 1 TO TABLE old", "clickhouse"
    )


def test_clickhouse_http_alter_delete_is_a_delete_as_with_the_client() -> None:
    line = "curl 'http://ch.internal:8123/?query=ALTER+TABLE+t+DELETE+WHERE+1'"
    kinds = [(e.effect, e.resource.name) for e in shell(line) if e.service == "db"]
    assert (D, "db:clickhouse/*/t") in kinds
    assert (U, "db:clickhouse/*/t") not in kinds
    client = "clickhouse-client -q 'ALTER TABLE db.t DELETE WHERE 1'"
    assert [(e.effect, e.resource.name) for e in shell(client)] == [(D, "db:clickhouse/db/t")]


# --- 4. trigger functions whose code is in the text ----------------------------------------

_BODY = "$$ BEGIN {} RETURN NEW; END $$"
_TRIGGER = "CREATE TRIGGER tr AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION {}"


def _function(body: str, name: str = "f", *, replace: bool = False) -> str:
    head = "CREATE OR REPLACE FUNCTION" if replace else "CREATE FUNCTION"
    return f"{head} {name}() RETURNS trigger AS {_BODY.format(body)} LANGUAGE plpgsql"


@pytest.mark.parametrize(
    "sql",
    [
        f"{_function('DELETE FROM payments WHERE uid = NEW.id;')}; {_TRIGGER.format('f()')}",
        f"{_function('DELETE FROM payments;', 'audit.f')};"
        f" {_TRIGGER.replace('FUNCTION', 'PROCEDURE').format('audit.f()')}",
        f"{_function('IF NEW.x THEN DELETE FROM payments; END IF;')}; {_TRIGGER.format('f()')}",
        # replacing the function after the trigger is bound changes what the trigger does
        f"{_function('NULL;')}; {_TRIGGER.format('f()')};"
        f" {_function('DELETE FROM payments;', replace=True)}",
        # a trigger function replaced on its own: triggers already bound to it run the new body
        _function("PERFORM 1; DELETE FROM payments;", replace=True),
        _function("DECLARE n int := 0; BEGIN DELETE FROM payments; END; BEGIN", replace=True),
        _function(
            "FOR r IN SELECT * FROM users LOOP DELETE FROM payments; END LOOP;", replace=True
        ),
        _function("EXECUTE 'DELETE FROM payments';", replace=True),
    ],
)
def test_code_in_the_text_is_judged_as_what_it_runs(sql: str) -> None:
    assert (D, "db:postgres/app/payments") in found(sql)
    assert verdict(sql) is Verdict.DENY


_NOT_UNDERSTOOD = [
    f"{_function('EXECUTE $q$DROP TABLE $q$ || NEW.t;')}; {_TRIGGER.format('f()')}",
    "CREATE FUNCTION f() RETURNS trigger AS $$ import os $$ LANGUAGE plpython3u;"
    f" {_TRIGGER.format('f()')}",
    f"{_function('DELETE FROM t;', 'other')}; {_TRIGGER.format('f()')}",  # f not in the text
    f"{_function('PERFORM purge();')}; {_TRIGGER.format('f()')}",
    f"{_function('RETURN QUERY EXECUTE q;')}; {_TRIGGER.format('f()')}",
    _function("FOR r IN EXECUTE q LOOP NULL; END LOOP;", replace=True),
    # the body at hand is not the one the trigger binds to: another signature, a function
    # moved or dropped since, or a pg_catalog trigger function (searched first) of that name
    "CREATE FUNCTION f(a int) RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;"
    f" {_TRIGGER.format('f()')}",
    f"{_function('NULL;')}; ALTER FUNCTION f() SET SCHEMA x; {_TRIGGER.format('f()')}",
    f"{_function('NULL;')}; DROP FUNCTION IF EXISTS g(), f(); {_TRIGGER.format('f()')}",
    f"{_function('NULL;', 'suppress_redundant_updates_trigger')};"
    f" {_TRIGGER.format('suppress_redundant_updates_trigger()')}",
]


def test_a_trigger_function_is_unknown_only_where_its_body_is_not_understood() -> None:
    sql = f"{_function('NEW.updated_at := now(); RAISE NOTICE $m$x$m$;')}; {_TRIGGER.format('f()')}"
    kinds = found(sql)
    assert (U, "db:postgres/app/users") in kinds
    assert not any(kind is UNK for kind, _ in kinds)
    for text in _NOT_UNDERSTOOD:
        assert any(kind is UNK for kind, _ in found(text)), text
        assert verdict(text) is not Verdict.ALLOW


# --- 5. rows moved between a partitioned table and another (PostgreSQL 15, MariaDB 10.11 run)


@pytest.mark.parametrize(
    ("sql", "engine", "expected"),
    [
        ("ALTER TABLE payments DETACH PARTITION p2024 CONCURRENTLY", "postgres",
         [(D, "db:postgres/app/payments")]),
        ("ALTER TABLE t EXCHANGE PARTITION p0 WITH TABLE payments WITHOUT VALIDATION", "mysql",
         [(EffectKind.REPLACE, "db:mysql/app/t"), (EffectKind.REPLACE, "db:mysql/app/payments")]),
        ("ALTER TABLE payments CONVERT PARTITION p1 TO TABLE old", "mysql",
         [(D, "db:mysql/app/payments"), (C, "db:mysql/app/old")]),
        ("ALTER TABLE t CONVERT TABLE payments TO PARTITION p2 VALUES LESS THAN (200)", "mysql",
         [(D, "db:mysql/app/payments"), (U, "db:mysql/app/t")]),
    ],
)  # fmt: skip
def test_partition_moves_name_the_tables_whose_rows_go(
    sql: str, engine: str, expected: list[tuple[EffectKind, str]]
) -> None:
    assert found(sql, engine) == expected
    assert verdict(sql, engine) is Verdict.DENY
