"""Opening a table to everyone in SQL removes its protection, as opening a bucket to the world
does (docs/security.md): refused on a protected table, the update it was elsewhere.

Seen on the real engines (scratch schema, tables, roles and accounts, dropped after):
PostgreSQL 15: a role with no privilege read a table once ``GRANT SELECT ON t TO PUBLIC`` (also
``TO "public"``, ``TO GROUP public``, a column's ``SELECT (id)``, ``ON ALL TABLES IN SCHEMA s``)
ran; ``"PUBLIC"`` quoted is another role (PostgreSQL: it does not exist); ``ALTER DEFAULT
PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO PUBLIC`` opened the table created after it;
``BYPASSRLS`` let the role read the rows a policy kept from it; ``pg_read_all_data`` did not
pass row-level security; ``GRANT <role> TO PUBLIC`` was refused. MariaDB 10.11: a user with no
grant read the table after ``GRANT SELECT ON db.t TO PUBLIC`` (```PUBLIC``` and ``'PUBLIC'``
alike; ``'PUBLIC'@'%'`` is a user); ``mysql -u whoever`` read it as the anonymous ``''@'%'``;
accounts with no password (``IDENTIFIED BY ''``, ``BY PASSWORD ''``, ``VIA
mysql_native_password`` alone, ``CREATE USER`` without a password, ``ALTER USER ...
IDENTIFIED BY ''``, ``SET PASSWORD FOR ... = ''``) logged in with none; a role granted to
``PUBLIC`` gave its privileges to every user without ``SET ROLE``.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid

import psycopg
import pytest
from tests.adversarial.conftest import CWD, HOME
from tests.store.helpers import PG_URL

from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Target, Verdict
from keyturn.policy import load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.sql import sql_effects

U = EffectKind.UPDATE
_POLICY = load_policy(
    "version: 1\ndefault: allow\n"
    'protected: ["db:*/*/payments", "db:*/*/billing.payments"]\n'
    "agents:\n  '*':\n    allow:\n      - effect: [read, create, update, delete, replace]\n"
)
_SERVER = ("db:{e}/*", "db:{e}/*/*")


def effects(sql: str, engine: str) -> list[Effect]:
    return sql_effects(sql, engine=engine, database="app", target=Target())


def _judge(action_effects: list[Effect], summary: str) -> Verdict:
    action = Action(kind=ActionKind.SHELL, summary=summary, effects=tuple(action_effects))
    return _POLICY.judge(action, actor=Actor(agent="a", operator="o")).decision


def verdict(sql: str, engine: str) -> Verdict:
    return _judge(effects(sql, engine), sql)


def opened(sql: str, engine: str) -> list[tuple[str, ...]]:
    """The names of the effects that remove protection (each an update)."""
    found = [e for e in effects(sql, engine) if e.removes_protection]
    assert all(e.effect is U for e in found)
    return [e.resource.names for e in found]


# --- 1. a table granted to everyone -------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "engine", "names"),
    [
        ("GRANT SELECT ON payments TO PUBLIC", "postgres", ("db:postgres/app/payments",)),
        ("grant all privileges on table public.payments to public", "postgres",
         ("db:postgres/app/payments",)),
        ('GRANT INSERT ON payments TO "public"', "postgres", ("db:postgres/app/payments",)),
        ("GRANT SELECT (id, amount) ON payments TO GROUP public", "postgres",
         ("db:postgres/app/payments",)),
        ("GRANT SELECT ON billing.payments TO alice, PUBLIC", "postgres",
         ("db:postgres/app/billing.payments",)),
        ("GRANT SELECT ON ALL TABLES IN SCHEMA billing TO PUBLIC", "postgres",
         ("db:postgres/app/billing", "db:postgres/app/billing.*")),
        ("GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC", "postgres",
         ("db:postgres/app/public", "db:postgres/app/*")),
        ("GRANT SELECT ON shop.payments TO PUBLIC", "mysql", ("db:mysql/shop/payments",)),
        ("GRANT SELECT ON shop.payments TO `PUBLIC`", "mysql", ("db:mysql/shop/payments",)),
        ("GRANT SELECT ON payments TO 'public'", "mysql", ("db:mysql/app/payments",)),
        ("GRANT SELECT ON shop.payments TO ''@'%'", "mysql", ("db:mysql/shop/payments",)),
        ("GRANT ALL ON shop.* TO ``@localhost", "mysql", ("db:mysql/shop", "db:mysql/shop/*")),
        ("GRANT SELECT ON * TO PUBLIC", "mysql", ("db:mysql/app", "db:mysql/app/*")),
        ("GRANT SELECT ON *.* TO ''@'%'", "mysql", ("db:mysql/*", "db:mysql/*/*")),
        ("GRANT SELECT ON TABLE payments TO ROLE PUBLIC", "snowflake",
         ("db:snowflake/app/payments",)),
    ],
)  # fmt: skip
def test_a_grant_to_everyone_opens_the_table(sql: str, engine: str, names: tuple[str, ...]) -> None:
    assert names in opened(sql, engine)
    assert verdict(sql, engine) is Verdict.DENY


def test_a_grant_to_everyone_elsewhere_is_the_update_it_was() -> None:
    """Not protected: the update (allowed by the rules), only flagged."""
    sql = "GRANT SELECT ON orders TO PUBLIC"
    assert opened(sql, "postgres") == [("db:postgres/app/orders",)]
    assert verdict(sql, "postgres") is Verdict.ALLOW


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("GRANT SELECT ON payments TO alice", "postgres"),
        ("GRANT SELECT ON payments TO alice WITH GRANT OPTION", "postgres"),
        ('GRANT SELECT ON payments TO "PUBLIC"', "postgres"),  # another role
        ("GRANT SELECT ON payments TO CURRENT_USER", "postgres"),
        ("REVOKE SELECT ON payments FROM PUBLIC", "postgres"),
        ("GRANT USAGE ON SCHEMA billing TO PUBLIC", "postgres"),
        ("GRANT CONNECT ON DATABASE app TO PUBLIC", "postgres"),
        ("GRANT EXECUTE ON FUNCTION payments(int) TO PUBLIC", "postgres"),
        ("GRANT pg_read_all_data TO alice", "postgres"),
        ("GRANT SELECT ON shop.payments TO 'PUBLIC'@'%'", "mysql"),  # a user
        ("GRANT SELECT ON shop.payments TO 'x'@'%'", "mysql"),
        ("GRANT SELECT ON shop.payments TO 'x'@'%' IDENTIFIED BY 'secret'", "mysql"),
        ("GRANT SELECT ON shop.payments TO 'x'@'%' IDENTIFIED VIA unix_socket", "mysql"),
        ("CREATE ROLE reader; GRANT SELECT ON shop.payments TO reader", "mysql"),
        ("CREATE USER 'x'@'%' IDENTIFIED BY 'pw'; GRANT SELECT ON shop.payments TO 'x'@'%'",
         "mysql"),
        ("GRANT USAGE ON *.* TO PUBLIC", "mysql"),  # MySQL's "no privilege"
        ("GRANT EXECUTE ON PROCEDURE shop.payments TO PUBLIC", "mysql"),
        ("REVOKE ALL ON shop.* FROM ''@'%'", "mysql"),
        ("GRANT reader TO alice", "mysql"),
    ],
)  # fmt: skip
def test_grants_to_someone_or_of_no_rows_open_nothing(sql: str, engine: str) -> None:
    """False-alarm guard (passes before the change too): a named role or an account with a
    password, taking a privilege back, and privileges that give no row by themselves."""
    assert opened(sql, engine) == []
    assert verdict(sql, engine) is Verdict.ALLOW


# --- 2. what the grant does not name ------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "engine", "names"),
    [
        ("ALTER DEFAULT PRIVILEGES IN SCHEMA billing GRANT SELECT ON TABLES TO PUBLIC",
         "postgres", ("db:postgres/app/billing", "db:postgres/app/billing.*")),
        ("ALTER DEFAULT PRIVILEGES FOR ROLE owner GRANT ALL ON TABLES TO public", "postgres",
         ("db:postgres/app", "db:postgres/app/*")),
        ("ALTER ROLE alice BYPASSRLS", "postgres", _SERVER),
        ("ALTER USER alice WITH LOGIN SUPERUSER", "postgres", _SERVER),
        ("CREATE ROLE auditor WITH LOGIN BYPASSRLS", "postgres", _SERVER),
        ("GRANT reader TO PUBLIC", "mysql", _SERVER),
        ("GRANT PROXY ON 'root'@'localhost' TO ''@'%'", "mysql", _SERVER),
        ("GRANT SELECT ON shop.orders TO 'x'@'%' IDENTIFIED BY ''", "mysql", _SERVER),
        ("GRANT SELECT ON shop.orders TO 'x'@'%' IDENTIFIED BY PASSWORD ''", "mysql", _SERVER),
        ("GRANT SELECT ON shop.orders TO x@'%' IDENTIFIED VIA mysql_native_password", "mysql",
         _SERVER),
        ("ALTER USER 'x'@'%' IDENTIFIED BY ''", "mysql", _SERVER),
        ("SET PASSWORD FOR 'x'@'%' = ''", "mysql", _SERVER),
    ],
)  # fmt: skip
def test_what_opens_tables_it_does_not_name(sql: str, engine: str, names: tuple[str, ...]) -> None:
    """Tables created later, every table under row-level security, a role's or an account's
    earlier grants: named as what they may be (every table of the schema, database, server)."""
    names = tuple(n.format(e=engine) for n in names)
    assert names in opened(sql, engine)
    assert verdict(sql, engine) is Verdict.DENY


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ("ALTER DEFAULT PRIVILEGES IN SCHEMA billing GRANT SELECT ON TABLES TO alice",
         "postgres"),
        ("ALTER DEFAULT PRIVILEGES IN SCHEMA billing REVOKE SELECT ON TABLES FROM PUBLIC",
         "postgres"),
        ("ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO PUBLIC", "postgres"),
        ("ALTER ROLE alice NOBYPASSRLS NOSUPERUSER", "postgres"),
        ("ALTER ROLE alice SET search_path = superuser", "postgres"),
        ("CREATE ROLE auditor LOGIN", "postgres"),
        ("ALTER USER 'x'@'%' IDENTIFIED BY 'long secret'", "mysql"),
    ],
)  # fmt: skip
def test_what_opens_no_table(sql: str, engine: str) -> None:
    """False-alarm guard (passes before the change too)."""
    assert opened(sql, engine) == []
    assert verdict(sql, engine) is Verdict.ALLOW


# --- 3. an account left with no password earlier in the text ------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE USER 'x'@'%'; GRANT SELECT ON shop.payments TO 'x'@'%'",
        "CREATE USER x@localhost IDENTIFIED BY ''; GRANT ALL ON shop.* TO x@localhost",
        "CREATE USER 'x'@'%' IDENTIFIED BY 'pw'; SET PASSWORD FOR 'x'@'%' = '';"
        " GRANT SELECT ON shop.payments TO 'x'@'%'",
    ],
)
def test_a_grant_to_an_account_left_without_a_password(sql: str) -> None:
    named = [n for names in opened(sql, "mysql") for n in names]
    assert "db:mysql/shop/payments" in named or "db:mysql/shop/*" in named
    assert verdict(sql, "mysql") is Verdict.DENY


def test_through_the_database_clients() -> None:
    """``psql -c`` and ``mysql -e`` read the statements as the SQL understanding does."""
    assert _judge_shell('psql -d app -c "GRANT SELECT ON payments TO PUBLIC"') is Verdict.DENY
    grant = "GRANT SELECT ON shop.payments TO ''@'%'"
    assert _judge_shell(f'mysql -e "{grant}"') is Verdict.DENY
    assert _judge_shell('psql -d app -c "GRANT SELECT ON orders TO alice"') is Verdict.ALLOW


def _judge_shell(command: str) -> Verdict:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({}))
    return _judge(list(action.effects), command)


# --- 4. row-level security on one table (already held; pinned here) -----------------------


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE payments DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE payments NO FORCE ROW LEVEL SECURITY",
        "CREATE POLICY everyone ON payments TO PUBLIC USING (true)",
        "CREATE POLICY mine ON payments FOR SELECT USING (owner = current_user)",
        "DROP POLICY narrow ON payments",
        "DROP POLICY IF EXISTS narrow ON billing.payments",
    ],
)
def test_row_level_security_taken_off_one_table(sql: str) -> None:
    """False-alarm guard (passes before and after: :mod:`keyturn.understand.sql.guards` held
    these already). A permissive policy may let every row through (``USING (true)`` did);
    dropping a restrictive policy opened rows and dropping the only permissive one closed
    them, and which it is lives in the catalog: every ``DROP POLICY`` is held (fail closed)."""
    assert verdict(sql, "postgres") is Verdict.DENY


def test_a_restrictive_policy_only_narrows() -> None:
    """False-alarm guard (passes before and after)."""
    sql = "CREATE POLICY narrow ON payments AS RESTRICTIVE USING (amount < 100)"
    assert verdict(sql, "postgres") is Verdict.ALLOW


# --- 5. the engine behaviour the decisions rest on ------------------------------------------


def _reads_as(conn: psycopg.Connection[tuple[object, ...]], role: str, table: str) -> int:
    """The rows ``role`` reads of ``table`` (-1 when refused)."""
    conn.execute(f"SET ROLE {role}")
    try:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else -1  # type: ignore[call-overload]
    except psycopg.errors.InsufficientPrivilege:
        return -1
    finally:
        conn.execute("RESET ROLE")


def test_postgres_opens_a_table_to_public_and_bypassrls_passes_its_policy() -> None:
    """The engine's behaviour, on the local PostgreSQL (passes before the change too)."""
    suffix = uuid.uuid4().hex[:8]
    schema, role = f"kt_pub_{suffix}", f"kt_pub_r_{suffix}"
    table = f"{schema}.t"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        try:
            conn.execute(f"CREATE SCHEMA {schema}")
            conn.execute(f"CREATE TABLE {table} (id int, owner text)")
            conn.execute(f"INSERT INTO {table} VALUES (1, 'a'), (2, 'b')")
            conn.execute(f"CREATE ROLE {role}")
            conn.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
            before = _reads_as(conn, role, table)
            conn.execute(f"GRANT SELECT ON {table} TO PUBLIC")
            after = _reads_as(conn, role, table)
            conn.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            guarded = _reads_as(conn, role, table)  # no policy: no row
            conn.execute(f"ALTER ROLE {role} BYPASSRLS")
            bypassed = _reads_as(conn, role, table)
        finally:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"DROP ROLE IF EXISTS {role}")
    assert (before, after, guarded, bypassed) == (-1, 2, 0, 2)


def _mysql(sql: str, user: str = "root") -> subprocess.CompletedProcess[str]:
    command = ["mysql", "-h", "127.0.0.1", "-P", "3306", "-u", user, "-N", "-e", sql]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.skipif(shutil.which("mysql") is None, reason="no mysql client")
def test_mariadb_lets_anyone_in_as_the_anonymous_account() -> None:
    """The engine's behaviour, on the local MariaDB (passes before the change too)."""
    if _mysql("SELECT 1").returncode != 0:
        pytest.skip("no MariaDB server on 127.0.0.1:3306")
    database = f"kt_pub_{uuid.uuid4().hex[:8]}"
    try:
        _mysql(f"CREATE DATABASE {database}; CREATE TABLE {database}.t (id int);"
               f" INSERT INTO {database}.t VALUES (1), (2);"
               f" CREATE USER ''@'%'; GRANT SELECT ON {database}.t TO ''@'%'")  # fmt: skip
        read = _mysql(f"SELECT count(*) FROM {database}.t", user=f"nobody_{database}")
    finally:
        _mysql(f"DROP USER IF EXISTS ''@'%'; DROP DATABASE IF EXISTS {database}")
    assert read.stdout.strip() == "2"
