"""Database clients and SQL, small leftovers. What each group of tests rests on:

- mysqlimport (MariaDB 10.11's ``mariadb-import --help`` here): it reads option files like the
  other clients (``/etc/my.cnf /etc/mysql/my.cnf ~/.my.cnf``, ``--defaults-file``,
  ``--no-defaults``) and the groups ``mysqlimport mariadb-import client client-server
  client-mariadb``; ``host`` there is where it connects. ``-d``/``--delete`` first deletes all
  rows of each table (named by the files' base names), ``-r``/``--replace`` writes over rows
  with the same unique key; ``delete`` in an option file does the same as on the line.
- redis-cli 7.0.15 (run against the real server): ``--scan``, ``--bigkeys``, ``--memkeys``,
  ``--hotkeys``, ``--stat``, ``--latency*`` only read (SCAN, INFO, MEMORY USAGE, PING); with
  one of them the command words on the line are not run (``--scan SET k 1`` left ``k``
  absent); ``--rdb FILE`` and ``--functions-rdb FILE`` had the server send its whole RDB
  (``SYNC``) and wrote ``FILE`` locally; ``--pipe`` sends raw protocol from stdin (unknown
  when there is none at hand).
- Redis ACL (command reference): ``ACL DELUSER u`` deletes user ``u``; ``ACL SETUSER u
  off|nopass|+@all`` changes it. Named as SQL roles are (``db:redis/role:u``).
- MySQL/MariaDB (reference manual; the running MariaDB 10.11 took ``PURGE BINARY LOGS BEFORE
  NOW()``): ``RESET MASTER``, ``RESET BINARY LOGS AND GTIDS`` (MySQL 8.2+) and ``PURGE BINARY
  LOGS TO|BEFORE`` delete the server's binary logs, which point-in-time recovery and replicas
  need: a delete of ``db:mysql/server:binlogs``. ``RESET REPLICA``/``RESET SLAVE`` stay an
  update of the server.
- PostgreSQL 15 (run here: ``relpersistence`` became ``u``): ``ALTER TABLE t SET UNLOGGED``
  makes the table unlogged: it is emptied after a crash and not replicated to standbys. For a
  protected table that is the loss of its crash safety and its replicas' copy, so it is an
  update that removes protection (judged as a delete when the table is protected);
  ``SET LOGGED`` puts it back (a plain update).

Tests named ``test_control_…`` held before the fixes and must keep holding (``-d``/``-r`` on
the line, ``--pipe`` unknown, ``ACL LOAD``, ``RESET REPLICA``, ``SET LOGGED``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from tests.adversarial.conftest import CWD, HOME

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
MY_CNF = f"{HOME}/.my.cnf"


def effects(line: str, files: Mapping[str, str] | None = None) -> list[Effect]:
    action = understand_shell(
        line,
        cwd=CWD,
        home=HOME,
        env={},
        target=Target(environment=None),
        files=MemoryFiles(dict(files or {})),
    )
    return list(action.effects)


def kinds_on(found: list[Effect], name: str) -> set[EffectKind]:
    return {e.effect for e in found if name in e.resource.names}


# 1. mysqlimport's option files, --delete, --replace.


def test_mysqlimport_host_from_my_cnf() -> None:
    found = effects("mysqlimport shop users.txt", {MY_CNF: "[client]\nhost=prod-db\n"})
    assert kinds_on(found, "db:mysql/shop/users@prod-db") == {_E.UPDATE}


def test_mysqlimport_own_group_and_defaults_file() -> None:
    found = effects(
        "mariadb-import --defaults-file=/home/kiro/d.cnf shop users.txt",
        {f"{HOME}/d.cnf": "[mariadb-import]\nhost=prod-db\n"},
    )
    assert kinds_on(found, "db:mysql/shop/users@prod-db") == {_E.UPDATE}
    found = effects("mysqlimport shop users.txt", {MY_CNF: "[mysqlimport]\nhost=prod-db\n"})
    assert kinds_on(found, "db:mysql/shop/users@prod-db") == {_E.UPDATE}


def test_mysqlimport_defaults_file_unreadable_is_unknown() -> None:
    found = effects("mysqlimport --defaults-file=/home/kiro/gone.cnf shop users.txt")
    assert _E.UNKNOWN in {e.effect for e in found}


def test_mysqlimport_delete_from_option_file() -> None:
    found = effects("mysqlimport shop users.txt", {MY_CNF: "[mysqlimport]\ndelete\n"})
    assert kinds_on(found, "db:mysql/shop/users") == {_E.REPLACE}


def test_mysqlimport_unjudged_setting_is_unknown() -> None:
    found = effects("mysqlimport shop users.txt", {MY_CNF: "[mysqlimport]\nplugin-dir=/tmp/p\n"})
    assert _E.UNKNOWN in {e.effect for e in found}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("mysqlimport -d shop /tmp/users.csv", _E.REPLACE),
        ("mysqlimport --delete shop /tmp/users.csv", _E.REPLACE),
        ("mysqlimport -Ld shop /tmp/users.csv", _E.REPLACE),
        ("mysqlimport -r shop /tmp/users.csv", _E.UPDATE),
        ("mysqlimport --replace shop /tmp/users.csv", _E.UPDATE),
    ],
)
def test_control_mysqlimport_delete_and_replace(line: str, kind: EffectKind) -> None:
    assert kinds_on(effects(line), "db:mysql/shop/users") == {kind}


def test_control_mysqlimport_harmless_option_file() -> None:
    found = effects("mysqlimport shop users.txt", {MY_CNF: "[client]\nuser=kiro\nport=3306\n"})
    assert kinds_on(found, "db:mysql/shop/users") == {_E.UPDATE}
    assert _E.UNKNOWN not in {e.effect for e in found}


# 2. redis-cli's read-only modes and --rdb.


@pytest.mark.parametrize(
    "line",
    [
        "redis-cli --scan",
        "redis-cli --scan --pattern 'user:*'",
        "redis-cli --bigkeys",
        "redis-cli -n 1 --memkeys",
        "redis-cli --memkeys-samples 10",
        "redis-cli --hotkeys",
        "redis-cli --stat",
        "redis-cli --latency",
        "redis-cli --latency-history",
        "redis-cli --latency-dist",
        "redis-cli --intrinsic-latency 5",
    ],
)
def test_redis_cli_read_modes(line: str) -> None:
    found = effects(line)
    assert found
    assert {e.effect for e in found} == {_E.READ}


def test_control_redis_cli_mode_with_command_words_judged() -> None:
    found = effects("redis-cli --scan FLUSHALL")
    assert _E.DELETE in {e.effect for e in found}


@pytest.mark.parametrize("option", ["--rdb", "--functions-rdb"])
def test_redis_cli_rdb_writes_local_file(option: str) -> None:
    found = effects(f"redis-cli {option} dump.rdb")
    assert kinds_on(found, "db:redis/*") == {_E.READ}
    assert kinds_on(found, f"file:{CWD}/dump.rdb") == {_E.CREATE}
    # Onto a shell start-up file: judged as such a write is (unknown), not a read.
    found = effects(f"redis-cli {option}=/home/kiro/.bashrc")
    assert kinds_on(found, "file:/home/kiro/.bashrc") == {_E.UNKNOWN}


def test_control_redis_cli_pipe_unknown_without_input() -> None:
    assert {e.effect for e in effects("redis-cli --pipe")} == {_E.UNKNOWN}


# 3. Redis ACL users.


def test_redis_acl_deluser_deletes_users() -> None:
    found = effects("redis-cli -h prod ACL DELUSER bob alice")
    assert kinds_on(found, "db:redis/role:bob") == {_E.DELETE}
    assert kinds_on(found, "db:redis/role:alice@prod") == {_E.DELETE}


def test_redis_acl_setuser_updates_user() -> None:
    found = effects("redis-cli ACL SETUSER bob on nopass '+@all'")
    assert kinds_on(found, "db:redis/role:bob") == {_E.UPDATE}


def test_redis_acl_listing_reads() -> None:
    assert {e.effect for e in effects("redis-cli ACL LIST")} == {_E.READ}
    assert {e.effect for e in effects("redis-cli ACL WHOAMI")} == {_E.READ}


def test_control_redis_acl_load_still_server_update() -> None:
    assert kinds_on(effects("redis-cli ACL LOAD"), "db:redis/*") == {_E.UPDATE}


# 4. MySQL binary logs; PostgreSQL SET UNLOGGED.

BINLOGS = "db:mysql/server:binlogs"


@pytest.mark.parametrize(
    "sql",
    [
        "RESET MASTER",
        "reset master to 100",
        "RESET BINARY LOGS AND GTIDS",
        "PURGE BINARY LOGS TO 'mysql-bin.010'",
        "PURGE MASTER LOGS BEFORE '2026-01-01 00:00:00'",
    ],
)
def test_mysql_binlog_deletes(sql: str) -> None:
    found = effects(f'mysql -h prod-db shop -e "{sql}"')
    assert kinds_on(found, BINLOGS) == {_E.DELETE}
    assert kinds_on(found, f"{BINLOGS}@prod-db") == {_E.DELETE}


def test_mysqldump_delete_master_logs_deletes_binlogs() -> None:
    found = effects("mysqldump --delete-master-logs shop")
    assert kinds_on(found, BINLOGS) == {_E.DELETE}
    assert kinds_on(found, "db:mysql/*") == {_E.UPDATE}


def test_control_mysql_reset_replica_update() -> None:
    found = effects("mysql shop -e 'RESET REPLICA'")
    assert kinds_on(found, "db:mysql/shop") == {_E.UPDATE}
    assert not kinds_on(found, BINLOGS)


def test_postgres_set_unlogged_removes_protection() -> None:
    found = effects("psql -d shop -c 'ALTER TABLE payments SET UNLOGGED'")
    hits = [e for e in found if "db:postgres/shop/payments" in e.resource.names]
    assert hits
    assert all(e.effect == _E.UPDATE and e.removes_protection for e in hits)


def test_control_postgres_set_logged_plain_update() -> None:
    found = effects("psql -d shop -c 'ALTER TABLE payments SET LOGGED'")
    hits = [e for e in found if "db:postgres/shop/payments" in e.resource.names]
    assert hits
    assert not any(e.removes_protection for e in hits)
