"""SQL statements whose effects reach past what keyturn read, fourth pass. Each group rests on
the real engine's behaviour, checked as said (PostgreSQL 15.20, MariaDB 10.11,
sqlite3 3.40.1, all run on scratch objects that were dropped after):

1. ``DROP SCHEMA s CASCADE`` (PostgreSQL 15 run): besides ``s`` and what it holds, it drops
   the columns of tables in *other* schemas whose type lives in ``s`` and the tables elsewhere
   inheriting from a table of ``s`` ("drop cascades to column m of table o.payments", "...to
   table o.child"). So it is also named as everything in the database (``db:postgres/app/*``),
   as ``DROP TABLE ... CASCADE`` is. MySQL's ``DROP SCHEMA`` is ``DROP DATABASE`` (already
   everything in it); other engines' (Trino) are left as they were.
2. ``DO`` blocks (PostgreSQL 15 run): ``DO [LANGUAGE l] 'body' [LANGUAGE l]`` runs the body
   now (``DO $$ BEGIN DROP TABLE t; END $$`` drops ``t``); the language defaults to plpgsql
   and may be written before or after the body; string constants separated by a newline are
   one string (``DO 'BEGIN ' <newline> 'NULL; END'`` runs); ``DO LANGUAGE sql`` is refused
   ("does not support inline code execution"). Decision: the body is judged as a trigger
   function's is (:mod:`keyturn.understand.sql.procedural`): its effects are named, and where
   any part of it is not understood (``EXECUTE`` of built text, another language) the block
   stays unknown; a body understood in full is judged by what it does, as a trigger
   function's body already is (its ``SELECT ... INTO v`` stores into variables, PostgreSQL
   docs plpgsql-statements: no table). MySQL's ``DO expr, ...`` (MariaDB run: ``DO SLEEP(0)``) only
   evaluates expressions: it is judged by the functions it calls.
3. MariaDB ``SET STATEMENT var = v [, ...] FOR <statement>`` (MariaDB run) runs the statement:
   ``SET STATEMENT max_statement_time=60 FOR DELETE FROM t`` emptied ``t``; ``... FOR DROP
   TABLE t`` dropped it. It was read as a session ``SET`` (a read).
4. MySQL server settings in their other spellings (MariaDB run, each seen in
   ``@@global.wait_timeout`` and put back): ``SET @@global.x = v`` and ``SET @@GLOBAL . x = v``
   set the global value; so does a ``GLOBAL x = v`` after a comma of a ``SET`` list (``SET
   sql_mode = DEFAULT, GLOBAL wait_timeout = 28801``). They were read as session settings.
   ``@@session.x``/``@@x``/``@x`` stay the session's. An engine not told may be MySQL: the
   same reading.
5. SQLite (sqlite3 3.40.1 run): ``PRAGMA name(value)`` sets like ``PRAGMA name = value``
   (``PRAGMA journal_mode(OFF)``, ``PRAGMA main.user_version(9)`` did); ``PRAGMA
   table_info(t)`` and the like only read. With ``PRAGMA writable_schema`` on, ``DELETE FROM
   sqlite_master WHERE name = 'payments'`` made the table ``payments`` disappear, and ``UPDATE
   sqlite_schema SET rootpage = ...`` left its rows unreachable and the file corrupt (without
   it, "table sqlite_master may not be modified"): a write of the schema table is a delete,
   named as everything in the database.
6. A table's own guards (PostgreSQL 15 run): a ``BEFORE DELETE`` trigger raising an error, or
   a rule ``ON DELETE DO INSTEAD NOTHING``, keeps rows from being deleted; ``ALTER TABLE t
   DISABLE TRIGGER``, ``DROP TRIGGER tr ON t``, ``DROP RULE r ON t`` took that away (the next
   DELETE emptied the table). Row-level security policies decide which rows a role reaches:
   ``DISABLE``/``NO FORCE ROW LEVEL SECURITY``, ``DROP POLICY``, ``ALTER POLICY`` and a
   permissive ``CREATE POLICY`` (policies are OR-ed) can open rows (PostgreSQL 15 docs,
   sql-createpolicy). Decision: these are updates of the *table* (they named only the
   trigger, rule or policy, or nothing) that remove its protection, as a rename does: denied
   on a protected table, the update they were elsewhere (``ENABLE REPLICA TRIGGER`` too: the
   trigger then fires only in replication sessions). ``ENABLE TRIGGER`` and a
   ``RESTRICTIVE`` policy only tighten: plain updates of the table.
7. ``ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT ... TO g`` (PostgreSQL 15
   docs, sql-alterdefaultprivileges) changes the privileges of the tables created later: an
   update of the schema (or database) and of the roles; it was read as ``ALTER SCHEMA``.
8. ``ALTER TABLE t * ...`` (PostgreSQL 15 run: ``ALTER TABLE t * RENAME TO u`` renamed ``t``;
   ``* DROP COLUMN`` dropped the column): the ``*`` (t and the tables inheriting from it) was
   read as the action, so any action was a plain update of ``t``.
"""

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


# --- 1. DROP SCHEMA ... CASCADE reaches other schemas --------------------------------------


def test_a_cascade_drop_of_a_schema_is_named_as_everything_in_the_database() -> None:
    (effect,) = effects("DROP SCHEMA IF EXISTS audit CASCADE")
    assert effect.resource.names == (
        "db:postgres/app/audit",
        "db:postgres/app/audit.*",
        "db:postgres/app/*",
    )
    assert verdict("DROP SCHEMA audit CASCADE") is Verdict.DENY
    (other,) = effects("DROP SCHEMA other.audit CASCADE")
    assert other.resource.names[-1] == "db:postgres/other/*"


def test_a_schema_drop_is_wide_only_where_it_cascades_in_postgresql() -> None:
    for sql, engine in (
        ("DROP SCHEMA audit", "postgres"),
        ("DROP SCHEMA audit RESTRICT", "postgres"),
        ("DROP SCHEMA audit CASCADE", "trino"),
    ):
        (effect,) = effects(sql, engine)
        assert not any(n.endswith("/app/*") for n in effect.resource.names), sql


# --- 2. DO blocks: the body's effects ------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "DO $$ BEGIN DROP TABLE payments; END $$",
        "DO LANGUAGE plpgsql $$ BEGIN DELETE FROM payments WHERE id > 0; END $$",
        "DO $x$ DECLARE n int; BEGIN TRUNCATE payments; END $x$ LANGUAGE plpgsql",
        "DO 'BEGIN EXECUTE ''DROP TABLE payments''; END'",
        "DO 'BEGIN '\n'DROP TABLE payments; END'",  # constants a newline apart are one
        "DO $$ BEGIN IF now() > '2020-01-01' THEN DELETE FROM payments; END IF; END $$",
    ],
)
def test_a_do_block_names_what_its_body_does(sql: str) -> None:
    assert (D, "db:postgres/app/payments") in found(sql)
    assert verdict(sql) is Verdict.DENY


def test_a_do_block_understood_in_full_is_judged_by_its_body() -> None:
    assert found("DO $$ BEGIN DELETE FROM sessions WHERE age > 7; END $$") == [
        (D, "db:postgres/app/sessions")
    ]
    assert found("DO $$ BEGIN RAISE NOTICE 'hi'; END $$") == [(R, "db:postgres/app")]
    # PL/pgSQL's SELECT ... INTO stores into variables: no table is created
    counted = "DO $$ DECLARE n int; BEGIN SELECT count(*) INTO STRICT n FROM t; END $$"
    assert found(counted) == [(R, "db:postgres/app")]


@pytest.mark.parametrize(
    "sql",
    [
        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || quote_ident('x'); DELETE FROM payments; END $$",
        "DO $$ BEGIN DELETE FROM payments; PERFORM purge(); END $$",
        "DO LANGUAGE plpython3u $$ import os $$",
        "DO $$ BEGIN DELETE FROM payments; END $$ LANGUAGE plperlu",
        "DO LANGUAGE sql 'DELETE FROM payments'",  # refused by PostgreSQL: still not read
        "DO $$ BEGIN DELETE FROM payments; END $$ frobnicate",
    ],
)
def test_a_do_block_not_understood_stays_unknown(sql: str) -> None:
    kinds = found(sql)
    assert any(kind is UNK for kind, _ in kinds), sql
    assert verdict(sql) is not Verdict.ALLOW


def test_a_do_block_partly_understood_is_unknown_and_names_what_it_deletes() -> None:
    sql = "DO $$ BEGIN EXECUTE format('DROP TABLE %I', 'x'); DELETE FROM payments; END $$"
    kinds = found(sql)
    assert (UNK, "db:postgres/app") in kinds
    assert (D, "db:postgres/app/payments") in kinds
    assert verdict(sql) is Verdict.DENY


def test_mysql_do_evaluates_its_expressions() -> None:
    assert found("DO SLEEP(0)", "mysql") == [(R, "db:mysql/app")]
    assert UNK in [kind for kind, _ in found("DO purge_orders()", "mysql")]


# --- 3. MariaDB SET STATEMENT ... FOR <statement> ------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SET STATEMENT max_statement_time=60 FOR DELETE FROM payments",
        "SET STATEMENT max_statement_time=60, sql_mode='' FOR DROP TABLE payments",
        "set statement foreign_key_checks=0 for truncate table payments",
    ],
)
def test_set_statement_runs_the_statement_after_for(sql: str) -> None:
    for engine in ("mysql", "sql"):
        assert (D, f"db:{engine}/app/payments") in found(sql, engine), engine
        assert verdict(sql, engine) is Verdict.DENY


# --- 4. MySQL global settings in their other spellings -------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "SET @@global.read_only = 0",
        "SET @@GLOBAL . read_only = 0",
        "SET @@persist.read_only = 0",
        "SET @@persist_only.max_connections = 1",
        "SET sql_mode = DEFAULT, GLOBAL read_only = 0",
        "SET @x := 1, @@global.read_only = 0",
    ],
)
def test_a_global_setting_in_any_spelling_updates_the_server(sql: str) -> None:
    assert found(sql, "mysql") == [(U, "db:mysql/app")]
    assert "server setting" in effects(sql, "mysql")[0].detail
    assert found(sql, "sql") == [(U, "db:sql/app")]  # an engine not told may be MySQL


def test_a_log_file_setting_in_any_spelling_is_unknown() -> None:
    for sql in (
        "SET @@global.general_log_file = '/var/www/x.php'",
        "SET sql_mode = '', GLOBAL slow_query_log_file = '/var/www/x.php'",
    ):
        assert found(sql, "mysql") == [(UNK, "db:mysql/app")], sql


def test_session_settings_stay_without_effect() -> None:
    for sql in ("SET @@session.sql_mode = ''", "SET @@sql_mode = ''", "SET @x = 1, @y = 2"):
        assert found(sql, "mysql") == [(R, "db:mysql/app")], sql


# --- 5. SQLite pragmas set with parentheses; the schema table -------------------------------


@pytest.mark.parametrize(
    "sql",
    ["PRAGMA journal_mode(OFF)", "PRAGMA main.user_version(9)", "PRAGMA writable_schema(1)"],
)
def test_a_pragma_with_a_value_in_parentheses_sets_it(sql: str) -> None:
    assert found(sql, "sqlite") == [(U, "db:sqlite/app")]


def test_pragmas_that_read_a_table_stay_reads() -> None:
    for sql in ("PRAGMA table_info(t)", "PRAGMA main.index_list('t')", "PRAGMA quick_check(5)"):
        assert found(sql, "sqlite") == [(R, "db:sqlite/app")], sql


@pytest.mark.parametrize(
    "sql",
    [
        "PRAGMA writable_schema=ON; DELETE FROM sqlite_master WHERE name = 'orders'",
        "PRAGMA writable_schema(1); UPDATE sqlite_schema SET sql = 'x' WHERE name = 'orders'",
        "PRAGMA writable_schema=1; DELETE FROM main.sqlite_master WHERE type = 'table'",
    ],
)
def test_a_change_of_sqlites_schema_table_reaches_every_table(sql: str) -> None:
    names = [n for e in effects(sql, "sqlite") if e.effect in (U, D) for n in e.resource.names]
    assert "db:sqlite/app/*" in names
    assert verdict(sql, "sqlite") is Verdict.DENY


# --- 6. a table's own guards: triggers, rules, row-level security ---------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE payments DISABLE TRIGGER ALL",
        "ALTER TABLE public.payments DISABLE TRIGGER guard",
        "ALTER TABLE IF EXISTS payments DISABLE RULE keep",
        "ALTER TABLE payments DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE payments NO FORCE ROW LEVEL SECURITY",
        "ALTER TABLE payments ADD COLUMN x int, DISABLE TRIGGER USER",
        "ALTER TABLE payments ENABLE REPLICA TRIGGER guard",  # fires in replication only
        "DROP TRIGGER IF EXISTS guard ON payments CASCADE",
        "DROP RULE keep ON public.payments",
        "DROP POLICY IF EXISTS p ON payments",
        "ALTER POLICY p ON payments USING (true)",
        "CREATE POLICY p ON payments FOR DELETE USING (true)",
        "CREATE POLICY p ON payments AS PERMISSIVE USING (true)",
        "CREATE OR REPLACE RULE keep AS ON DELETE TO payments DO ALSO NOTHING",
        "CREATE OR REPLACE TRIGGER guard BEFORE DELETE ON payments FOR EACH ROW"
        " EXECUTE FUNCTION suppress_redundant_updates_trigger()",
    ],
)
def test_switching_off_a_tables_guard_removes_its_protection(sql: str) -> None:
    guarded = [e for e in effects(sql) if e.resource.name == "db:postgres/app/payments"]
    assert any(e.effect is U and e.removes_protection for e in guarded), sql
    assert verdict(sql) is Verdict.DENY


def test_guards_of_other_tables_and_tightening_stay_updates() -> None:
    for sql in (
        "ALTER TABLE orders DISABLE TRIGGER ALL",
        "DROP TRIGGER guard ON orders",
        "DROP POLICY p ON orders",
    ):
        assert (U, "db:postgres/app/orders") in found(sql), sql
        assert verdict(sql) is Verdict.ALLOW
    for sql in (
        "ALTER TABLE payments ENABLE TRIGGER ALL",
        "ALTER TABLE payments ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE payments FORCE ROW LEVEL SECURITY",
        "CREATE POLICY p ON payments AS RESTRICTIVE USING (false)",
    ):
        named = [e for e in effects(sql) if e.resource.name == "db:postgres/app/payments"]
        assert named and not any(e.removes_protection for e in named), sql
        assert verdict(sql) is Verdict.ALLOW


# --- 7. ALTER DEFAULT PRIVILEGES -------------------------------------------------------------


def test_default_privileges_update_the_schema_and_the_roles() -> None:
    sql = "ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA audit GRANT ALL ON TABLES TO bob"
    assert sorted(found(sql)) == sorted(
        [
            (U, "db:postgres/app/audit"),
            (U, "db:postgres/role:app"),
            (U, "db:postgres/role:bob"),
        ]
    )
    everywhere = "ALTER DEFAULT PRIVILEGES REVOKE ALL ON FUNCTIONS FROM PUBLIC"
    assert sorted(found(everywhere)) == sorted(
        [(U, "db:postgres/app"), (U, "db:postgres/role:public")]
    )


# --- 8. ALTER TABLE t * ----------------------------------------------------------------------


def test_a_table_written_with_its_descendants_star_is_altered_as_itself() -> None:
    """``ALTER TABLE t * ...`` (t and the tables inheriting from it; PostgreSQL 15 run:
    ``ALTER TABLE t * RENAME TO u`` renamed t) was an update of ``t`` whatever the action."""
    renamed = effects("ALTER TABLE payments * RENAME TO old")
    assert any(e.removes_protection for e in renamed)
    assert verdict("ALTER TABLE ONLY payments * RENAME TO old") is Verdict.DENY
    assert found("ALTER TABLE payments * DROP COLUMN x") == [(D, "db:postgres/app/payments/x")]
