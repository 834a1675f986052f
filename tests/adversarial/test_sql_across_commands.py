"""SQL run by several client commands on one shell line: what one declares, the next reaches.

Each case rests on the real client and server, checked as said (PostgreSQL 15.20 and MariaDB
10.11.19 on 127.0.0.1, scratch objects dropped after; sqlite3 3.40.1 on a scratch file):

1. The schema outlives the session (PostgreSQL 15 run, one ``psql -c`` per step): ``CREATE
   TABLE child (pid int REFERENCES parent ON DELETE CASCADE)``, rows in both, then ``DELETE
   FROM parent`` emptied ``child``; so did ``CREATE TABLE k2 () INHERITS (p2)`` then ``DELETE
   FROM p2``, and ``CREATE TABLE pk PARTITION OF pp ...`` then ``TRUNCATE pp``. MariaDB 10.11
   alike (one ``mysql -e`` per step: the ``ON DELETE CASCADE`` child was emptied). Decision:
   the later command names the tables it reaches as the same text would have
   (``declared by an earlier command on the line``).
2. Session settings do not outlive the process (same runs): ``psql -c "SET
   session_replication_role = replica" && psql -c "SHOW session_replication_role"`` showed
   ``origin``, ``SET search_path`` likewise was gone; within one ``psql`` with two ``-c`` (or
   two ``-f``, or ``-c`` then ``-f``) they held. ``mysql -e "SET foreign_key_checks=0" && mysql
   -e "SELECT @@foreign_key_checks"`` showed 1, ``USE mysql`` was gone. Decision: nothing of
   the session is carried (these are guards).
3. SQLite keeps foreign keys off in each new connection (sqlite3 3.40 run; ``PRAGMA
   foreign_keys`` is 0 in this build): ``sqlite3 db "DELETE FROM parent"`` after another
   ``sqlite3 db`` declared the cascade kept the child's rows; ``PRAGMA foreign_keys=ON``
   (``=1``, ``=yes``, ``main.foreign_keys = 'on'``, ``foreign_keys(1)``, ``-cmd "PRAGMA
   foreign_keys=ON"``, a second SQL operand) in the deleting connection let the cascade run.
   The start-up file sqlite3 read was the password file's home's ``.sqliterc`` (a ``.print``
   in ``/root/.sqliterc`` printed; one under another ``HOME`` did not). Decision: the links
   another command declared act only once the connection turns foreign keys on (its text, or
   a ``.sqliterc`` mentioning them); an in-memory database's links go with its process.
4. The server is told by engine, host (local spellings alike), port (default alike) and where
   the client runs (``ssh``); the database by the tables' names. Another server or database is
   not reached (guards), and a judgement made again where the line switches to starts afresh.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME

from keyturn.model import Action, ActionKind, Actor, EffectKind, Verdict
from keyturn.policy import load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

D = EffectKind.DELETE
_POLICY = load_policy(
    "version: 1\ndefault: allow\n"
    'protected: ["db:*/*/payments"]\n'
    "agents:\n  '*':\n    allow:\n      - effect: [read, create, update, delete, replace]\n"
)
_FK = "CREATE TABLE payments (uid int REFERENCES users ON DELETE CASCADE)"
_MY_FK = (
    "CREATE TABLE payments (uid int, FOREIGN KEY (uid) REFERENCES users (id) ON DELETE CASCADE)"
)


def verdict(command: str, files: dict[str, str] | None = None) -> Verdict:
    understood = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(files or {}))
    action = Action(kind=ActionKind.SHELL, summary=command, effects=understood.effects)
    return _POLICY.judge(action, actor=Actor(agent="a", operator="o")).decision


def reached(command: str, files: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(effect, primary name) of what the line's statements reach through links."""
    understood = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(files or {}))
    return [
        (e.effect.value, e.resource.name)
        for e in understood.effects
        if (e.operation or "").endswith("reaches")
    ]


# --- 1. links declared by one client command, reached by the next --------------------------


@pytest.mark.parametrize(
    "line",
    [
        f'psql -d app -c "{_FK}" && psql -d app -c "DELETE FROM users"',
        f'psql -d app -c "{_FK}"; psql -d app -c "DELETE FROM users WHERE id = 1"',
        f'psql -d app -c "{_FK}"\npsql app -c "DELETE FROM users"',
        f"bash -c 'psql -d app -c \"{_FK}\"' && psql -d app -c 'DELETE FROM users'",
        f"psql -d app <<'EOF'\n{_FK};\nEOF\npsql -d app -c 'DELETE FROM users'",
        'psql -d app -c "CREATE TABLE payments () INHERITS (users)"'
        ' && psql -d app -c "DELETE FROM users"',
        'psql -d app -c "CREATE TABLE payments PARTITION OF users FOR VALUES IN (1)"'
        ' && psql -d app -c "TRUNCATE users"',
        f'psql -h localhost -d app -c "{_FK}" && psql -d app -c "DELETE FROM users"',
        f'psql -p 5432 -d app -c "{_FK}" && PGPORT=5432 psql -h ::1 app -c "DELETE FROM users"',
        f'psql -d app -c "{_FK}" && psql -d app -c "SELECT 1" -c "DELETE FROM users"',
        f"ssh db1 'psql -d app -c \"{_FK}\"' && ssh db1 'psql -d app -c \"DELETE FROM users\"'",
    ],
)
def test_postgres_link_declared_by_an_earlier_command_is_reached(line: str) -> None:
    """Case 1 (PostgreSQL 15 runs): the second command empties ``payments`` too."""
    assert (D.value, "db:postgres/app/payments") in reached(line)
    assert verdict(line) is Verdict.DENY


def test_the_reason_says_where_the_link_was_declared() -> None:
    line = f'psql -d app -c "{_FK}" && psql -d app -c "DELETE FROM users"'
    understood = understand_shell(line, cwd=CWD, home=HOME)
    details = [e.detail for e in understood.effects if e.operation == "sql:DELETE reaches"]
    assert details == [
        "a foreign key's action reaches it from users, declared by an earlier command on the line"
    ]


def test_a_link_declared_after_a_database_switch_is_kept_for_that_database() -> None:
    """``\\c shop`` moves the first session to ``shop``: the key is ``shop``'s, and a later
    command on ``shop`` reaches it (PostgreSQL 15 run, case 1)."""
    line = f'psql -d app -c "\\c shop" -c "{_FK}" && psql -d shop -c "DELETE FROM users"'
    assert (D.value, "db:postgres/shop/payments") in reached(line)


def test_grandchildren_are_followed_across_commands() -> None:
    line = (
        f'psql -d app -c "CREATE TABLE orders (id int)" -c "{_FK.replace("users", "orders")}"'
        ' && psql -d app -c "CREATE TABLE orders () INHERITS (users)"'
        ' && psql -d app -c "DELETE FROM users"'
    )
    assert ("delete", "db:postgres/app/payments") in reached(line)


@pytest.mark.parametrize(
    "line",
    [
        f'mysql app -e "{_MY_FK}" && mysql -D app -e "DELETE FROM users"',
        f'mysql -h 127.0.0.1 -P 3306 app -e "{_MY_FK}"; mysql app -e "REPLACE INTO users SET id=1"',
        f'mysql -e "USE app; {_MY_FK}" && mysql -e "DELETE FROM app.users"',
    ],
)
def test_mysql_link_declared_by_an_earlier_command_is_reached(line: str) -> None:
    """Case 1 (MariaDB 10.11 run)."""
    assert (D.value, "db:mysql/app/payments") in reached(line)
    assert verdict(line) is Verdict.DENY


# --- 2. session settings stay in their process ----------------------------------------------


def test_search_path_set_in_one_psql_does_not_hold_in_the_next() -> None:
    """False-alarm guard (passes before and after; case 2): the second ``psql`` drops the
    default schema's table, the first's ``SET search_path`` is gone with its session."""
    line = 'psql -d app -c "SET search_path = audit" && psql -d app -c "DROP TABLE payments"'
    names = [e.resource.names for e in understand_shell(line, cwd=CWD, home=HOME).effects]
    assert ("db:postgres/app/payments",) in names
    assert ("db:postgres/app/audit.payments",) not in names


def test_search_path_set_by_one_c_holds_for_the_next_c_of_the_same_psql() -> None:
    """False-alarm guard (passes before and after; case 2): one psql, one session."""
    line = 'psql -d app -c "SET search_path = audit" -c "DROP TABLE payments"'
    names = [e.resource.names for e in understand_shell(line, cwd=CWD, home=HOME).effects]
    assert ("db:postgres/app/audit.payments",) in names


def test_use_in_one_mysql_does_not_hold_in_the_next() -> None:
    """False-alarm guard (passes before and after; case 2)."""
    line = 'mysql app -e "USE other" && mysql app -e "DROP TABLE payments"'
    names = [e.resource.name for e in understand_shell(line, cwd=CWD, home=HOME).effects]
    assert "db:mysql/app/payments" in names
    assert "db:mysql/other/payments" not in names


# --- 3. SQLite: foreign keys per connection -----------------------------------------------

_SQ_FK = _FK.replace("REFERENCES users", "REFERENCES users (id)")
_SQ_CHILD = f"db:sqlite/{CWD}/app.db/payments"


@pytest.mark.parametrize(
    "second",
    [
        'sqlite3 app.db "PRAGMA foreign_keys=ON; DELETE FROM users"',
        "sqlite3 app.db \"PRAGMA main.foreign_keys = 'on'; DELETE FROM users\"",
        'sqlite3 app.db "PRAGMA foreign_keys(1)" "DELETE FROM users"',
        'sqlite3 -cmd "PRAGMA foreign_keys=yes" app.db "DELETE FROM users"',
        "sqlite3 app.db <<'EOF'\nPRAGMA foreign_keys = 1;\nDELETE FROM users;\nEOF",
    ],
)
def test_sqlite_link_acts_once_the_connection_turns_foreign_keys_on(second: str) -> None:
    """Case 3 (sqlite3 3.40 run)."""
    line = f'sqlite3 app.db "{_SQ_FK}" && {second}'
    assert (D.value, _SQ_CHILD) in reached(line)
    assert verdict(line) is Verdict.DENY


def test_sqlite_link_acts_when_the_users_sqliterc_turns_foreign_keys_on() -> None:
    """Case 3: ``~/.sqliterc`` runs first in every connection (not with ``-init``)."""
    line = f'sqlite3 app.db "{_SQ_FK}" && sqlite3 app.db "DELETE FROM users"'
    rc = {f"{HOME}/.sqliterc": "PRAGMA foreign_keys=ON;\n"}
    assert (D.value, _SQ_CHILD) in reached(line, rc)
    init = line.replace('&& sqlite3 app.db "DELETE', '&& sqlite3 -init /dev/null app.db "DELETE')
    assert reached(init, rc) == []


@pytest.mark.parametrize(
    "second",
    [
        'sqlite3 app.db "DELETE FROM users"',
        'sqlite3 app.db "PRAGMA foreign_keys=OFF; DELETE FROM users"',
        'sqlite3 app.db "DELETE FROM users; PRAGMA foreign_keys=ON"',
    ],
)
def test_sqlite_link_stays_dormant_with_foreign_keys_off(second: str) -> None:
    """False-alarm guard (passes before and after; case 3): the real sqlite3 kept the child's
    rows (a later PRAGMA does not reach back)."""
    line = f'sqlite3 app.db "{_SQ_FK}" && {second}'
    assert reached(line) == []


def test_sqlite_in_memory_links_go_with_the_process() -> None:
    """False-alarm guard (passes before and after; case 3)."""
    second = 'sqlite3 :memory: "PRAGMA foreign_keys=ON; DELETE FROM users"'
    line = f'sqlite3 :memory: "{_SQ_FK}" && {second}'
    assert reached(line) == []


# --- 4. another server, another database, another order -----------------------------------


@pytest.mark.parametrize(
    "line",
    [
        f'psql -d app -c "{_FK}" && psql -d shop -c "DELETE FROM users"',
        f'psql -h db.prod -d app -c "{_FK}" && psql -h db.stage -d app -c "DELETE FROM users"',
        f'psql -p 5433 -d app -c "{_FK}" && psql -d app -c "DELETE FROM users"',
        f"ssh db1 'psql -d app -c \"{_FK}\"' && psql -d app -c 'DELETE FROM users'",
        f'mysql app -e "{_MY_FK}" && psql -d app -c "DELETE FROM users"',
        f'psql -d app -c "DELETE FROM users" && psql -d app -c "{_FK}"',
        f'export AWS_PROFILE=dev; psql -d app -c "DELETE FROM users"; psql -d app -c "{_FK}"',
    ],
)
def test_what_another_server_or_a_later_command_declared_is_not_reached(line: str) -> None:
    """False-alarm guard (passes before and after; case 4): another database, host, port or
    machine, another engine, and a link declared only after the delete (the line judged again
    where ``export`` switches to starts afresh)."""
    assert reached(line) == []
    assert verdict(line) is Verdict.ALLOW
