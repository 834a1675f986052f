"""A column's type changed in place loses its values without a word, so it is the delete of the
column's data, not a plain update of the table.

Checked on the real engines (scratch tables dropped after): on PostgreSQL 15, ``ALTER TABLE t
ALTER COLUMN a TYPE integer`` turned ``numeric(10,2)`` 1.75 into 2, ``TYPE date`` dropped a
timestamp's time and ``float8`` 2.5 became 2; only a string too long for ``varchar(1)`` was
refused. MariaDB 10.11 in its default strict mode (``STRICT_TRANS_TABLES``) did the same with
``MODIFY a INT``, ``MODIFY b DATE`` and ``MODIFY d INT``, and refused only the cut string.

Decision: ``ALTER [COLUMN] c [SET DATA] TYPE t`` and MySQL's ``MODIFY``/``CHANGE`` with a type
are a delete of the column (named as itself and as its table, as ``DROP COLUMN`` is), as
``ALTER COLUMN … USING`` already was: the column's present type is not in the statement, so
whether the change loses anything is not known. Not held: a change to a type that holds every
value (PostgreSQL ``text``, MySQL ``LONGTEXT``), the warehouses that refuse anything but a
widening (Snowflake, BigQuery, Redshift), and the ``ALTER COLUMN`` actions that convert nothing
(``SET DEFAULT``, ``SET NOT NULL``).
"""

from __future__ import annotations

import psycopg
import pytest
from tests.store.helpers import PG_URL

from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Target, Verdict
from keyturn.policy import load_policy
from keyturn.understand.sql import sql_effects

D, U = EffectKind.DELETE, EffectKind.UPDATE
_POLICY = load_policy(
    "version: 1\ndefault: allow\n"
    'protected: ["db:*/*/payments"]\n'
    "agents:\n  '*':\n    allow:\n      - effect: [read, create, update, delete, replace]\n"
)


def effects(sql: str, engine: str) -> list[Effect]:
    return sql_effects(sql, engine=engine, database="app", target=Target())


def kinds_and_names(sql: str, engine: str) -> list[tuple[EffectKind, str]]:
    return [(e.effect, e.resource.names[0]) for e in effects(sql, engine)]


def verdict(sql: str, engine: str) -> Verdict:
    action = Action(kind=ActionKind.SHELL, summary=sql, effects=tuple(effects(sql, engine)))
    return _POLICY.judge(action, actor=Actor(agent="a", operator="o")).decision


@pytest.mark.parametrize(
    ("sql", "engine", "column"),
    [
        ("ALTER TABLE payments ALTER COLUMN amount TYPE integer", "postgres", "amount"),
        ("alter table payments alter amount type int", "postgres", "amount"),
        ("ALTER TABLE payments ALTER COLUMN paid_at SET DATA TYPE date", "postgres", "paid_at"),
        ('ALTER TABLE "payments" ALTER "Amount" TYPE numeric(4,0)', "postgres", "Amount"),
        ("ALTER TABLE payments ALTER COLUMN type TYPE varchar(3)", "postgres", "type"),
        ("ALTER TABLE payments MODIFY amount INT", "mysql", "amount"),
        ("ALTER TABLE payments MODIFY COLUMN paid_at DATE NOT NULL", "mysql", "paid_at"),
        ("ALTER TABLE payments CHANGE amount amount DECIMAL(4,1)", "mysql", "amount"),
        ("ALTER TABLE payments CHANGE COLUMN amount total INT", "mysql", "amount"),
        ("ALTER TABLE payments MODIFY note TEXT", "mysql", "note"),
    ],
)
def test_a_type_change_deletes_the_column_data(sql: str, engine: str, column: str) -> None:
    assert (D, f"db:{engine}/app/payments/{column}") in kinds_and_names(sql, engine)
    assert verdict(sql, engine) is Verdict.DENY  # the protected table's data


def test_a_type_change_among_other_actions_is_still_found() -> None:
    sql = "ALTER TABLE payments ADD COLUMN x int, ALTER COLUMN amount TYPE bigint"
    found = kinds_and_names(sql, "postgres")
    assert (U, "db:postgres/app/payments") in found
    assert (D, "db:postgres/app/payments/amount") in found


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("ALTER TABLE payments ALTER COLUMN note TYPE text", "postgres"),
        ("ALTER TABLE payments MODIFY note LONGTEXT", "mysql"),
        ("ALTER TABLE payments ALTER COLUMN amount SET DEFAULT 0", "postgres"),
        ("ALTER TABLE payments ALTER COLUMN type SET NOT NULL", "postgres"),
        ("ALTER TABLE payments ALTER COLUMN amount SET DATA TYPE NUMBER(38,2)", "snowflake"),
        ("ALTER TABLE payments ALTER COLUMN note TYPE varchar(512)", "redshift"),
    ],
)
def test_changes_that_convert_nothing_away_stay_updates(sql: str, engine: str) -> None:
    """False-alarm guard (passes before the change too): these convert no value to a type that
    holds less, so they are the table's update they were."""
    assert [k for k, _ in kinds_and_names(sql, engine)] == [U]


def test_postgres_rounds_and_cuts_on_a_type_change() -> None:
    """The engine behaviour the decision rests on, on the local PostgreSQL."""
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS kt_retyped")
        try:
            conn.execute("CREATE TABLE kt_retyped (a numeric(10,2), b timestamp, d float8)")
            conn.execute("INSERT INTO kt_retyped VALUES (1.75, '2024-01-01 10:30', 2.5)")
            for column, new_type in (("a", "integer"), ("b", "date"), ("d", "integer")):
                conn.execute(f"ALTER TABLE kt_retyped ALTER COLUMN {column} TYPE {new_type}")
            row = conn.execute("SELECT a, b::text, d FROM kt_retyped").fetchone()
        finally:
            conn.execute("DROP TABLE IF EXISTS kt_retyped")
    assert row == (2, "2024-01-01", 2)


def test_mariadb_if_exists_is_not_read_as_the_column() -> None:
    """MariaDB's ``MODIFY COLUMN IF EXISTS c`` names the column ``c``, not one called ``if``."""
    found = kinds_and_names("ALTER TABLE payments MODIFY COLUMN IF EXISTS amount INT", "mysql")
    assert found == [(D, "db:mysql/app/payments/amount")]
