"""Opening data to everyone, sixth pass: the gaps an earlier review found in the SQL
understanding's grants, accounts and roles, and in ``gcloud spanner databases ddl update``.

Each opening is an update that removes the protection of what it opens: refused on a protected
table (``db:*/*/payments``), the update it was elsewhere. Tests marked "false-alarm guard" (or
"pinned") pass on the code before this pass too; every other test failed there.

How the behaviour relied on was confirmed:
- Snowflake: ``ROLE PUBLIC`` is granted to every user; a dynamic, Iceberg, hybrid or event
  table holds rows as a table does; a stream's rows are its table's changed rows; ``IMPORTED
  PRIVILEGES`` on a shared database gives every object in it (Snowflake docs).
- BigQuery's DCL (docs "Data control language statements"): ``GRANT role ON SCHEMA|TABLE|VIEW|
  EXTERNAL TABLE|PROJECT x TO "specialGroup:allUsers"`` (or ``allAuthenticatedUsers``): anyone
  on the internet, anyone with a Google account; a schema is a dataset.
- Spanner (docs "Fine-grained access control system roles"): every database role inherits
  what ``public`` is granted, roles made later too. gcloud 528 (installed here):
  ``GetDDLsFromArgs`` takes ``--ddl-file`` only when it is not empty (``if args.ddl_file``),
  else every ``--ddl``; ``PreprocessDDLWithParser('')``, ``(';')`` and ``('-- x')`` gave no
  statement, and the request is sent all the same; each ``--ddl`` is split by itself.
- MariaDB 10.11 here (scratch accounts, dropped after): ``IDENTIFIED BY ""`` and ``SET PASSWORD
  FOR ... = ""`` left no password (``""`` is a string with the default ``sql_mode``); ``VIA
  'mysql_native_password'`` quoted and alone left none; ``Kt6a`` logged in with no password
  and ``kt6a`` was refused (user names are case-sensitive), ``CREATE USER Bob`` made ``Bob``;
  ``'LOCALHOST'`` was stored as ``localhost``; ``''@'%'`` written with ``""`` or backticks is
  the anonymous account; an account renamed to ``''@'%'`` kept its password (no one got in).
- PostgreSQL 15 here: ``CREATE ROLE r LOGIN IN ROLE x SUPERUSER``, ``WITH IN ROLE x, y
  SUPERUSER`` made superusers; ``IN GROUP x BYPASSRLS`` and ``ADMIN x ROLE y BYPASSRLS`` made
  roles passing row-level security (:func:`test_postgres_in_role_then_superuser_is_a_superuser`
  runs the first).
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Mapping

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


def _judge(action_effects: list[Effect] | tuple[Effect, ...], summary: str) -> Verdict:
    action = Action(kind=ActionKind.SHELL, summary=summary, effects=tuple(action_effects))
    return _POLICY.judge(action, actor=Actor(agent="a", operator="o")).decision


def verdict(sql: str, engine: str) -> Verdict:
    return _judge(effects(sql, engine), sql)


def opened(sql: str, engine: str) -> list[tuple[str, ...]]:
    """The names of the effects that remove protection (each an update)."""
    found = [e for e in effects(sql, engine) if e.removes_protection]
    assert all(e.effect is U for e in found)
    return [e.resource.names for e in found]


def _shell(command: str, files: Mapping[str, str] | None = None) -> Action:
    return understand_shell(
        command, cwd=CWD, home=HOME, env={}, target=Target(), files=MemoryFiles(dict(files or {}))
    )


# --- 1. Snowflake's object kinds, granted to ROLE PUBLIC ------------------------------------


@pytest.mark.parametrize(
    ("sql", "names"),
    [
        ("GRANT SELECT ON DYNAMIC TABLE payments TO ROLE PUBLIC", ("db:snowflake/app/payments",)),
        ("GRANT SELECT ON ICEBERG TABLE billing.payments TO ROLE PUBLIC",
         ("db:snowflake/app/billing.payments",)),
        ("grant select on hybrid table payments to role public", ("db:snowflake/app/payments",)),
        ("GRANT SELECT ON EVENT TABLE payments TO ROLE PUBLIC", ("db:snowflake/app/payments",)),
        ("GRANT SELECT ON STREAM payments_changes TO ROLE PUBLIC",
         ("db:snowflake/*", "db:snowflake/*/*")),
        ("GRANT IMPORTED PRIVILEGES ON DATABASE shared TO ROLE PUBLIC",
         ("db:snowflake/shared", "db:snowflake/shared/*")),
    ],
)  # fmt: skip
def test_snowflake_kinds_granted_to_public_open_their_rows(
    sql: str, names: tuple[str, ...]
) -> None:
    """Before: a kind word other than TABLE/VIEW/EXTERNAL/MATERIALIZED opened nothing (and the
    plain update named ``db:snowflake/app/dynamic``); a stream's table is not named: every
    table of the server; a shared database's imported privileges: every table of it."""
    assert names in opened(sql, "snowflake")
    assert verdict(sql, "snowflake") is Verdict.DENY


@pytest.mark.parametrize(
    "sql",
    [
        "GRANT SELECT ON EXTERNAL TABLE payments TO ROLE PUBLIC",
        "GRANT SELECT ON MATERIALIZED VIEW payments TO ROLE PUBLIC",
        "GRANT SELECT ON ALL TABLES IN SCHEMA billing TO ROLE PUBLIC",
        "GRANT SELECT ON FUTURE TABLES IN SCHEMA billing TO ROLE PUBLIC",
        "GRANT SELECT ON ALL DYNAMIC TABLES IN DATABASE app TO ROLE PUBLIC",
    ],
)
def test_snowflake_kinds_held_before(sql: str) -> None:
    """Pinned (passes before too): these kinds were held already."""
    assert opened(sql, "snowflake")
    assert verdict(sql, "snowflake") is Verdict.DENY


def test_snowflake_grant_names_the_table_and_the_role() -> None:
    """The plain update of a grant to a named role names the table itself and the role (before:
    ``db:snowflake/app/dynamic`` and ``db:snowflake/role:role``)."""
    names = [e.resource.names for e in effects(
        "GRANT SELECT ON DYNAMIC TABLE payments TO ROLE analyst", "snowflake")]  # fmt: skip
    assert names == [("db:snowflake/app/payments",), ("db:snowflake/role:analyst",)]
    assert opened("GRANT SELECT ON DYNAMIC TABLE payments TO ROLE analyst", "snowflake") == []


def test_snowflake_through_snowsql() -> None:
    action = _shell("snowsql -q 'GRANT SELECT ON DYNAMIC TABLE db.billing.payments TO ROLE PUBLIC'")
    assert ("db:snowflake/db/billing.payments",) in [
        e.resource.names for e in action.effects if e.removes_protection
    ]
    assert _judge(action.effects, "snowsql") is Verdict.DENY


@pytest.mark.parametrize(
    "sql",
    [
        "GRANT USAGE ON SCHEMA billing TO ROLE PUBLIC",
        "GRANT USAGE ON WAREHOUSE wh TO ROLE PUBLIC",
        "GRANT SELECT ON DYNAMIC TABLE payments TO ROLE analyst",
        "REVOKE SELECT ON DYNAMIC TABLE payments FROM ROLE PUBLIC",
    ],
)
def test_snowflake_no_rows_or_not_everyone(sql: str) -> None:
    """False-alarm guard (passes before too)."""
    assert opened(sql, "snowflake") == []
    assert verdict(sql, "snowflake") is Verdict.ALLOW


# --- 2. BigQuery's IAM grants to allUsers / allAuthenticatedUsers ---------------------------


@pytest.mark.parametrize(
    ("sql", "names"),
    [
        ('GRANT `roles/bigquery.dataViewer` ON TABLE ds.payments TO "allUsers"',
         ("db:bigquery/ds/payments",)),
        ('GRANT `roles/bigquery.dataViewer` ON VIEW `proj.ds.payments` TO "allAuthenticatedUsers"',
         ("db:bigquery/ds/payments", "db:bigquery/ds/payments@proj")),
        ('GRANT `roles/bigquery.dataViewer` ON EXTERNAL TABLE ds.payments'
         ' TO "user:a@example.com", "specialGroup:allUsers"', ("db:bigquery/ds/payments",)),
        ('GRANT `roles/bigquery.dataEditor` ON SCHEMA ds TO "specialGroup:allAuthenticatedUsers"',
         ("db:bigquery/ds", "db:bigquery/ds/*")),
        ('GRANT `roles/bigquery.dataViewer` ON PROJECT `my-proj` TO "allUsers"',
         ("db:bigquery/*", "db:bigquery/*/*")),
    ],
)  # fmt: skip
def test_bigquery_grant_to_all_users_opens(sql: str, names: tuple[str, ...]) -> None:
    """Through ``bq query`` (datasets are databases there). Before: a plain update of a role
    named ``allUsers``."""
    action = _shell(f"bq query --nouse_legacy_sql '{sql}'")
    found = [e.resource.names for e in action.effects if e.removes_protection]
    assert names in found
    assert _judge(action.effects, sql) is Verdict.DENY


def test_bigquery_engine_named_directly() -> None:
    """As an MCP tool's SQL for engine ``bigquery`` (or one not told) is read."""
    for engine in ("bigquery", "sql"):
        sql = 'GRANT `roles/bigquery.dataViewer` ON TABLE payments TO "allUsers"'
        assert (f"db:{engine}/app/payments",) in opened(sql, engine)
        assert verdict(sql, engine) is Verdict.DENY


@pytest.mark.parametrize(
    ("sql", "engine"),
    [
        ('GRANT `roles/bigquery.dataViewer` ON TABLE ds.payments TO "user:a@example.com"',
         "bigquery"),
        ('GRANT `roles/bigquery.dataViewer` ON SCHEMA ds TO "domain:example.com"', "bigquery"),
        ('REVOKE `roles/bigquery.dataViewer` ON TABLE ds.payments FROM "allUsers"', "bigquery"),
        ('GRANT SELECT ON payments TO "allUsers"', "postgres"),  # a role of that name
        ("GRANT SELECT ON shop.payments TO 'allUsers'@'%'", "mysql"),  # an account
    ],
)  # fmt: skip
def test_bigquery_named_members_open_nothing(sql: str, engine: str) -> None:
    """False-alarm guard (passes before too): named members, a domain, a revoke, and the
    name ``allUsers`` where it is a role or an account."""
    assert opened(sql, engine) == []
    assert verdict(sql, engine) is Verdict.ALLOW


# --- 3. MySQL/MariaDB accounts -------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "GRANT SELECT ON shop.payments TO 'x'@'%' IDENTIFIED BY \"\"",
        'CREATE USER x@"%" IDENTIFIED BY ""; GRANT SELECT ON shop.payments TO x@"%"',
        "CREATE USER x IDENTIFIED VIA 'mysql_native_password'; GRANT SELECT ON shop.payments TO x",
        "CREATE USER Bob@'%'; GRANT SELECT ON shop.payments TO 'Bob'@'%'",
        "CREATE USER 'Bob'@'%'; GRANT SELECT ON shop.payments TO Bob@'%'",
        "CREATE USER x@'%'; CREATE USER x@localhost IDENTIFIED BY 'pw';"
        " GRANT SELECT ON shop.payments TO x@'%'",
        "CREATE USER 'x'@'%' IDENTIFIED BY 'pw'; SET PASSWORD FOR 'x'@'%' = \"\";"
        " GRANT SELECT ON shop.payments TO 'x'@'%'",
    ],
)
def test_mysql_accounts_left_without_a_password(sql: str) -> None:
    """``""`` is a string password; a quoted plugin named alone sets none; an unquoted name's
    case is not kept, so any case matches (read closed); a password given to ``x@localhost``
    does not give one to ``x@'%'``. Before: each a grant to a named account."""
    named = [n for names in opened(sql, "mysql") for n in names]
    assert "db:mysql/shop/payments" in named
    assert verdict(sql, "mysql") is Verdict.DENY


def test_mysql_set_password_double_quoted_empty() -> None:
    """``SET PASSWORD FOR u = ""`` empties the password (before: only ``''`` did)."""
    sql = "SET PASSWORD FOR 'x'@'%' = \"\""
    assert tuple(n.format(e="mysql") for n in _SERVER) in opened(sql, "mysql")
    assert verdict(sql, "mysql") is Verdict.DENY


@pytest.mark.parametrize(
    "sql",
    [
        "GRANT SELECT ON shop.payments TO ''@'%'",
        'GRANT SELECT ON shop.payments TO ""@"%"',
        "GRANT SELECT ON shop.payments TO ``@`%`",
        "grant select on shop.payments to ''@'LOCALHOST'",
        "GRANT SELECT ON shop.payments TO ''",
        "CREATE USER ''@'%'; GRANT SELECT ON shop.payments TO ''@'%'",
        "CREATE USER 'x'@'%'; GRANT SELECT ON shop.payments TO 'x'@'LocalHost'",
        "Create User 'x'@'%' Identified By ''; Grant Select On shop.payments To `x`@`%`",
    ],
)
def test_mysql_anonymous_and_passwordless_however_quoted(sql: str) -> None:
    """Pinned (passes before too): the anonymous account in any quoting, any host case, and
    keywords in any case."""
    named = [n for names in opened(sql, "mysql") for n in names]
    assert "db:mysql/shop/payments" in named
    assert verdict(sql, "mysql") is Verdict.DENY


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE USER 'x'@'%' IDENTIFIED BY \"pw\"; GRANT SELECT ON shop.payments TO 'x'@'%'",
        "CREATE USER 'x'@'%'; ALTER USER 'x'@'%' IDENTIFIED BY 'pw';"
        " GRANT SELECT ON shop.payments TO 'x'@'%'",
        "GRANT SELECT ON shop.payments TO 'x'@'%' IDENTIFIED WITH 'mysql_native_password' BY 'pw'",
        "SET PASSWORD FOR 'x'@'%' = \"long secret\"",
    ],
)
def test_mysql_accounts_with_a_password_open_nothing(sql: str) -> None:
    """False-alarm guard (passes before too)."""
    assert opened(sql, "mysql") == []


def _mysql(sql: str, user: str = "root") -> subprocess.CompletedProcess[str]:
    command = ["mysql", "-h", "127.0.0.1", "-P", "3306", "-u", user, "-N", "-e", sql]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.skipif(shutil.which("mysql") is None, reason="no mysql client")
def test_mariadb_accounts_facts() -> None:
    """The engine's behaviour, on the local MariaDB (passes before the change too): ``""`` is
    an empty password, user names keep their case, host names do not."""
    if _mysql("SELECT 1").returncode != 0:
        pytest.skip("no MariaDB server on 127.0.0.1:3306")
    suffix = uuid.uuid4().hex[:6]
    database, user = f"kt_six_{suffix}", f"Kt6_{suffix}"
    try:
        _mysql(f"CREATE DATABASE {database}; CREATE TABLE {database}.t (id int);"
               f" INSERT INTO {database}.t VALUES (1), (2);"
               f' CREATE USER "{user}"@"%" IDENTIFIED BY "";'
               f" GRANT SELECT ON {database}.t TO `{user}`@`%`;"
               f" CREATE USER 'h{suffix}'@'LOCALHOST'")  # fmt: skip
        same = _mysql(f"SELECT count(*) FROM {database}.t", user=user)
        lower = _mysql(f"SELECT count(*) FROM {database}.t", user=user.lower())
        host = _mysql(f"SELECT host FROM mysql.user WHERE user = 'h{suffix}'")
    finally:
        _mysql(f"DROP USER IF EXISTS '{user}'@'%', 'h{suffix}'@'localhost';"
               f" DROP DATABASE IF EXISTS {database}")  # fmt: skip
    assert same.stdout.strip() == "2"
    assert lower.returncode != 0
    assert host.stdout.strip() == "localhost"


# --- 4. PostgreSQL roles and grants ----------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE ROLE r LOGIN IN ROLE x SUPERUSER",
        "CREATE ROLE r IN ROLE x, y BYPASSRLS",
        "CREATE ROLE r IN GROUP x BYPASSRLS",
        "CREATE USER r WITH IN ROLE x SUPERUSER",
        "CREATE GROUP g IN ROLE x SUPERUSER",
    ],
)
def test_postgres_role_options_after_in_role(sql: str) -> None:
    """Before: the options were cut at the first ``IN`` (meant for ALTER ROLE's ``IN
    DATABASE``), so what followed ``IN ROLE`` was not read."""
    assert tuple(n.format(e="postgres") for n in _SERVER) in opened(sql, "postgres")
    assert verdict(sql, "postgres") is Verdict.DENY


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE ROLE r ROLE y SUPERUSER",
        "CREATE ROLE r ADMIN z BYPASSRLS",
        "ALTER ROLE r WITH SUPERUSER",
        'ALTER USER "r" WITH BYPASSRLS',
        "ALTER ROLE CURRENT_USER SUPERUSER",
    ],
)
def test_postgres_role_openers_held_before(sql: str) -> None:
    """Pinned (passes before too)."""
    assert tuple(n.format(e="postgres") for n in _SERVER) in opened(sql, "postgres")


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER ROLE r IN DATABASE app SET search_path = superuser",
        "CREATE ROLE r LOGIN IN ROLE x NOSUPERUSER NOBYPASSRLS",
        "ALTER ROLE r NOSUPERUSER",
    ],
)
def test_postgres_role_options_that_open_nothing(sql: str) -> None:
    """False-alarm guard (passes before too)."""
    assert opened(sql, "postgres") == []


def test_postgres_foreign_table_to_public() -> None:
    """``FOREIGN TABLE`` holds rows (before: the kind word ``foreign`` made it no table)."""
    sql = "GRANT SELECT ON FOREIGN TABLE payments TO PUBLIC"
    assert ("db:postgres/app/payments",) in opened(sql, "postgres")
    assert verdict(sql, "postgres") is Verdict.DENY


def test_postgres_grant_on_a_table_named_like_a_kind() -> None:
    """A table named ``data`` (a kind word of ``FOREIGN DATA WRAPPER``) is still named: before,
    the GRANT's plain update named no table at all."""
    names = [e.resource.names for e in effects("GRANT SELECT ON data TO alice", "postgres")]
    assert ("db:postgres/app/data",) in names


@pytest.mark.parametrize(
    ("sql", "names"),
    [
        ("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC",
         ("db:postgres/app", "db:postgres/app/*")),
        ("ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA billing, audit"
         " GRANT SELECT ON TABLES TO alice, GROUP public",
         ("db:postgres/app/billing", "db:postgres/app/billing.*")),
        ("GRANT SELECT ON ALL TABLES IN SCHEMA billing, audit TO PUBLIC",
         ("db:postgres/app/billing", "db:postgres/app/billing.*")),
    ],
)  # fmt: skip
def test_postgres_tables_made_later_and_every_table_of_a_schema(
    sql: str, names: tuple[str, ...]
) -> None:
    """Pinned (passes before too; decided in :mod:`keyturn.understand.sql.public_grants`):
    tables created later are named as every table of the schema (or database), since their
    names are not known and a protected one dropped and made again takes its old name."""
    assert names in opened(sql, "postgres")
    assert verdict(sql, "postgres") is Verdict.DENY


def test_postgres_in_role_then_superuser_is_a_superuser() -> None:
    """The engine's behaviour, on the local PostgreSQL (passes before the change too)."""
    suffix = uuid.uuid4().hex[:8]
    group, role = f"kt_six_g_{suffix}", f"kt_six_r_{suffix}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        try:
            conn.execute(f"CREATE ROLE {group}")
            conn.execute(f"CREATE ROLE {role} LOGIN IN ROLE {group} SUPERUSER")
            row = conn.execute(
                "SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,)
            ).fetchone()
        finally:
            conn.execute(f"DROP ROLE IF EXISTS {role}")
            conn.execute(f"DROP ROLE IF EXISTS {group}")
    assert row == (True,)


# --- 5. gcloud spanner databases ddl update --------------------------------------------------

_DDL = "gcloud spanner databases ddl update db1 --instance=main "
_FILES = {f"{CWD}/empty.sql": "-- nothing yet\n", f"{CWD}/grant.sql": "SELECT 1;"}


@pytest.mark.parametrize(
    "flags",
    ["--ddl=", "--ddl ''", "--ddl=';'", "--ddl='-- later'", "--ddl-file=",
     "--ddl-file=empty.sql --ddl='DROP TABLE payments'"],
)  # fmt: skip
def test_spanner_ddl_with_no_statement_is_unknown(flags: str) -> None:
    """gcloud sends the request with no statement: not "nothing happens" (before: a read of the
    database), but unknown on the database and all it holds. (``--ddl-file=`` alone was
    unknown before too, as "decided at run time": pinned.)"""
    [effect] = _shell(_DDL + flags, _FILES).effects
    assert effect.effect is EffectKind.UNKNOWN
    assert "gcp:spanner/instances/main/databases/db1/*" in effect.resource.names


def test_spanner_empty_ddl_file_runs_the_ddl() -> None:
    """``--ddl-file=`` is no file to gcloud: the ``--ddl`` runs (before: unknown, "decided at
    run time"); its grant to ``ROLE public`` opens the table to every database role."""
    action = _shell(_DDL + "--ddl-file= --ddl='GRANT SELECT ON TABLE payments TO ROLE public'")
    found = [n for e in action.effects if e.removes_protection for n in e.resource.names]
    assert "gcp:spanner/instances/main/databases/db1/payments" in found
    assert _judge(action.effects, "spanner") is Verdict.DENY


def test_spanner_each_ddl_is_split_by_itself() -> None:
    """An open ``/*`` in one ``--ddl`` does not hide the next (before: the texts were joined
    and the DROP read as a comment)."""
    action = _shell(_DDL + "--ddl='CREATE TABLE a (x INT64) PRIMARY KEY (x) /*' "
                    "--ddl='DROP TABLE payments'")  # fmt: skip
    kinds = {e.effect for e in action.effects}
    assert EffectKind.DELETE in kinds
    assert _judge(action.effects, "spanner") is Verdict.DENY


def test_spanner_change_stream_to_public() -> None:
    """A change stream shows the rows of tables it does not name: every table of the database
    (before: nothing opened)."""
    action = _shell(_DDL + "--ddl='GRANT SELECT ON CHANGE STREAM payments_cs TO ROLE public'")
    found = [n for e in action.effects if e.removes_protection for n in e.resource.names]
    assert "gcp:spanner/instances/main/databases/db1/*" in found
    assert _judge(action.effects, "spanner") is Verdict.DENY


def test_spanner_ddl_judged_as_before() -> None:
    """False-alarm guard (passes before too): a ``--ddl-file`` wins over ``--ddl``; a DDL text
    decided at run time is unknown; a grant to a named role opens nothing."""
    read = _shell(_DDL + "--ddl-file=grant.sql --ddl='DROP TABLE payments'", _FILES).effects
    assert EffectKind.DELETE not in {e.effect for e in read}
    [unknown] = _shell(_DDL + '--ddl="$DDL"').effects
    assert unknown.effect is EffectKind.UNKNOWN
    named = _shell(_DDL + "--ddl='GRANT SELECT ON TABLE payments TO ROLE analyst'").effects
    assert not any(e.removes_protection for e in named)
