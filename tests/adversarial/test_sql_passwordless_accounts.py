"""An account with no password that other machines reach opens the database, even before
anything is granted to it: judged as the other openings are (an update of every table of the
server that removes its protection, as ``ALTER USER ... IDENTIFIED BY ''`` is), through every
road the SQL reader serves: ``mysql -e``/``mariadb -e``, ``psql -c``, a ``.sql`` file fed to
the client, an MCP SQL tool.

The policy: the BRIEF policy with ``db:*/*/payments`` protected, in ``dev``, where a plain
create or update of an account is allowed, so an opening shows as ``deny`` and anything else
as ``allow``.

What was decided, and why:
- MySQL/MariaDB ``CREATE USER`` with no password (none given, ``''``, a password plugin given
  none, or one of MariaDB's ``VIA a OR b`` ways left without one) for a host other than the
  server's own (``%``, no host, which MySQL reads as ``%``, ``10.%``): deny. The text need not
  grant it anything: a grant in the next command, to ``PUBLIC`` or to a role reaches anyone
  who knows the name, and that later grant would look like any grant to a named account.
  Judged once the whole text has run: a password the text gives that account later (not
  another host's account of the same name) closes it.
- Negatives (allow): a real password, ``BY RANDOM PASSWORD``, socket authentication; a
  passwordless account only the server's own machine reaches (``localhost``): local processes
  are not "anyone", and a grant to it in the same text is still held (pinned elsewhere).
- PostgreSQL's ``PASSWORD NULL`` / ``PASSWORD ''``: allow (the plain change of a role). The
  role has no password and password authentication always fails for it (docs "CREATE ROLE";
  PostgreSQL 15 here: "empty string is not a valid password, clearing password"); logging in
  without one is ``pg_hba.conf``'s ``trust``, which no SQL text shows.

Seen on MariaDB 10.11 here (scratch accounts, dropped after; :func:`test_mariadb_facts`): a
``CREATE USER`` with no host is ``x@'%'``, logs in over TCP with no password and no grant;
``VIA unix_socket OR mysql_native_password`` logs a TCP client in with none.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from tests.adversarial._judging import (
    ALLOW,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
    understood_call,
    understood_line,
)
from tests.store.helpers import PG_URL

from keyturn.model import Action
from keyturn.policy import Policy

policy = policy_protecting("db:*/*/payments")

_SERVER = {"db:mysql/*", "db:mysql/*/*"}
_FILES = {
    "/home/kiro/project/init.sql": "CREATE USER IF NOT EXISTS 'app'@'%';\n",
    "/home/kiro/project/roles.sql": "CREATE USER app WITH PASSWORD '';\n",
}


@dataclass(frozen=True)
class Case:
    id: str
    decision: str
    line: str = ""  # a shell line; else an MCP call
    mcp: tuple[str, str, dict[str, str]] = ("", "", {})


def _mysql_query(sql: str) -> tuple[str, str, dict[str, str]]:
    return ("mysql", "mysql_query", {"sql": sql})


CASES = [
    # --- openings: a passwordless account other machines reach ---------------------------
    Case("create-any-host", DENY, line="""mysql -e "CREATE USER 'x'@'%'" """),
    Case("create-anonymous-any-host", DENY, line="""mysql -e "CREATE USER ''@'%'" """),
    Case("create-host-omitted", DENY, line='mariadb -e "CREATE USER x"'),
    Case("create-if-not-exists", DENY, line="""mysql -e "CREATE USER IF NOT EXISTS 'x'@'%'" """),
    Case("create-or-replace", DENY, line="""mysql -e "CREATE OR REPLACE USER x@'%'" """),
    Case("create-identified-by-empty", DENY,
         line="""mysql -e "CREATE USER x@'%' IDENTIFIED BY ''" """),
    Case("create-native-plugin-by-empty", DENY,
         line="""mysql -e "CREATE USER 'x'@'%' IDENTIFIED WITH mysql_native_password BY ''" """),
    Case("create-subnet-wildcard", DENY, line="""mysql -e "CREATE USER 'x'@'10.%'" """),
    Case("create-socket-or-no-password", DENY,
         line="mysql -e \"CREATE USER 'x'@'%' IDENTIFIED VIA unix_socket OR"
              " mysql_native_password\""),
    Case("create-second-account-bare", DENY,
         line="""mysql -e "CREATE USER a@'%' IDENTIFIED BY 'pw', b@'%'" """),
    Case("create-then-grant-unprotected", DENY,
         line="""mysql -e "CREATE USER 'x'@'%'; GRANT SELECT ON shop.orders TO 'x'@'%'" """),
    Case("password-given-to-another-host", DENY,
         line="mysql -e \"CREATE USER x@'%'; ALTER USER x@localhost IDENTIFIED BY 'pw'\""),
    Case("sql-file-on-stdin", DENY, line="mysql shop < init.sql"),
    Case("mcp-create", DENY, mcp=_mysql_query("CREATE USER 'x'@'%'")),
    Case("alter-user-emptied", DENY, line="""mysql -e "ALTER USER 'x'@'%' IDENTIFIED BY ''" """),
    Case("mcp-set-password-emptied", DENY, mcp=_mysql_query("SET PASSWORD FOR 'x'@'%' = ''")),
    # --- not openings ---------------------------------------------------------------------
    Case("real-password", ALLOW,
         line="""mysql -e "CREATE USER 'x'@'%' IDENTIFIED BY 's3cret'" """),
    Case("random-password", ALLOW,
         line="mysql -e \"CREATE USER 'x'@'%' IDENTIFIED WITH caching_sha2_password"
              " BY RANDOM PASSWORD\""),
    Case("socket-auth-only", ALLOW,
         line="""mysql -e "CREATE USER 'x'@'%' IDENTIFIED VIA unix_socket" """),
    Case("localhost-only", ALLOW, line="""mysql -e "CREATE USER 'x'@'localhost'" """),
    Case("password-given-later", ALLOW,
         line="mysql -e \"CREATE USER x@'%'; SET PASSWORD FOR x@'%' = 'pw'\""),
    Case("pg-password-null", ALLOW, line='psql -d app -c "CREATE ROLE x LOGIN PASSWORD NULL"'),
    Case("pg-alter-password-empty", ALLOW, line="""psql -d app -c "ALTER ROLE x PASSWORD ''" """),
    Case("pg-sql-file", ALLOW, line="psql -d app -f roles.sql"),
    Case("pg-mcp-empty-password", ALLOW,
         mcp=("postgres", "query", {"sql": "CREATE USER x WITH PASSWORD ''"})),
]  # fmt: skip


def _understood(case: Case) -> Action:
    if case.line:
        return understood_line(case.line.strip(), "dev", _FILES)
    server, tool, arguments = case.mcp
    return understood_call(server, tool, arguments, "dev")


@each_case(CASES)
def test_passwordless_accounts(case: Case, policy: Policy) -> None:
    action = _understood(case)
    effects = shown(action)
    assert decision_of(action, policy) == case.decision, (case.id, effects)
    opened = [e for e in effects if e[2]]
    if case.decision == DENY:  # as an emptied password: an update of every table of the server
        assert any(e[0] == "update" and set(e[1]) >= _SERVER for e in opened), (case.id, effects)
    else:
        assert not opened, (case.id, effects)


def _mysql(sql: str, user: str = "root") -> subprocess.CompletedProcess[str]:
    command = ["mysql", "-h", "127.0.0.1", "-P", "3306", "-u", user, "-N", "-e", sql]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.skipif(shutil.which("mysql") is None, reason="no mysql client")
def test_mariadb_facts() -> None:
    """The engine's behaviour the decisions rest on (passes before the change too)."""
    if _mysql("SELECT 1").returncode != 0:
        pytest.skip("no MariaDB server on 127.0.0.1:3306")
    bare, either = f"ktpw_{uuid.uuid4().hex[:6]}", f"ktor_{uuid.uuid4().hex[:6]}"
    try:
        made = _mysql(
            f"CREATE USER {bare}; CREATE USER {either}@'%' IDENTIFIED VIA unix_socket"
            f" OR mysql_native_password; SELECT host FROM mysql.user WHERE user='{bare}'"
        )
        assert made.stdout.split() == ["%"], made.stderr
        for user in (bare, either):
            logged = _mysql("SELECT CURRENT_USER()", user=user)
            assert logged.stdout.strip() == f"{user}@%", logged.stderr
    finally:
        _mysql(f"DROP USER IF EXISTS {bare}@'%'; DROP USER IF EXISTS {either}@'%'")


def test_postgres_empty_password_is_no_password() -> None:
    """``PASSWORD ''`` leaves the role with none (passes before the change too)."""
    role = f"ktpw_{uuid.uuid4().hex[:6]}"
    try:
        conn = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server")
    with conn:
        try:
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD ''")
            row = conn.execute(
                "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = %s", (role,)
            ).fetchone()
            assert row == (True,)
        finally:
            conn.execute(f"DROP ROLE IF EXISTS {role}")
