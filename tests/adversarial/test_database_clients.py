"""Database clients and migration tools reaching more than the line shows (red team "sql",
findings 7-12, checked on PostgreSQL 15, MariaDB 10.11, redis 7.0):

- a migration tool that wipes a database it knows by name (``dbmate drop``, ``flyway clean``,
  ``goose down-to 0``...) takes the database's protected tables with it, as it does when the
  database is not told;
- mysql reads its default option files (``/etc/mysql/my.cnf``, ``~/.my.cnf``...) for the host,
  the database and an ``init-command``; psql runs its start-up files (``~/.psqlrc``) first;
- a libpq URI with several hosts may land on any of them;
- ``redis-cli`` follows a ``SELECT n`` read from stdin, and ``… STORE key`` writes over a key;
- mongosh's ``renameCollection(to, true)`` drops ``to``, a rename takes the old name's
  protection away, and code after ``db = db.getSiblingDB(x)`` or a statement not read does
  not run where the line started.

Judged for agent ``kiro`` under the BRIEF policy, plus: databases named ``dev…`` are in dev, and
``payments`` tables, the Mongo database ``proddb`` and Redis database 1 are protected.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Decision, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.sql.conninfo import parse_conninfo

ALLOW, ASK, DENY = "allow", "ask", "deny"
_EXTRA_PROTECTED = (
    '  - "db:*/*/payments"\n  - "db:mongodb/proddb"\n  - "db:redis/1"\n  - "db:redis/1/*"\n'
)
POLICY_TEXT = BRIEF_POLICY.replace(
    '    kube_contexts: ["kind-*", "dev-*"]\n',
    '    kube_contexts: ["kind-*", "dev-*"]\n    resources: ["db:*/dev*", "db:*/dev*/*"]\n',
).replace(
    '  - "arn:aws:s3:::acme-terraform-state*"\n',
    '  - "arn:aws:s3:::acme-terraform-state*"\n' + _EXTRA_PROTECTED,
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    assert "db:redis/1/*" in POLICY_TEXT and "db:*/dev*/*" in POLICY_TEXT
    return load_policy(POLICY_TEXT)


def _action_effects(
    command: str, files: Mapping[str, str]
) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(
        command, cwd=CWD, home=HOME, target=Target(), files=MemoryFiles(dict(files))
    )
    return [(e.effect, e.resource.names) for e in action.effects]


def _judge(policy: Policy, command: str, files: Mapping[str, str] | None = None) -> Decision:
    action = understand_shell(
        command, cwd=CWD, home=HOME, target=Target(), files=MemoryFiles(dict(files or {}))
    )
    return policy.judge(action, actor=ACTOR)


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    files: Mapping[str, str] = {}


MY_CNF = f"{HOME}/.my.cnf"
PSQLRC = f"{HOME}/.psqlrc"
PROD_CLIENT = "[client]\nhost=prod-mysql.internal\n"

DECISIONS = [
    # 7. Wiping a database named on the line takes in its protected tables.
    Case("dbmate-drop-known", "dbmate -u postgres://devhost/devdb drop", DENY),
    Case("migrate-drop-known", "migrate -path m -database postgres://devhost/devdb drop -f", DENY),
    Case("flyway-clean-known", "flyway -url=jdbc:postgresql://devhost/devdb clean", DENY),
    Case("goose-down-to-zero-known", "goose -dir m postgres 'dbname=devdb' down-to 0", DENY),
    Case("goose-reset-known", "goose -dir m postgres postgres://devhost/devdb reset", DENY),
    Case(
        "atlas-apply-known",
        "atlas schema apply --auto-approve -u postgres://devhost/devdb --to file://s.hcl",
        DENY,
    ),
    Case("atlas-clean-known", "atlas schema clean -u mysql://devhost/devdb --auto-approve", DENY),
    # 8. mysql's default option files and psql's start-up files.
    Case(
        "mysql-my-cnf-init-command",
        "mysql -D devdb -e 'SELECT 1'",
        DENY,
        {MY_CNF: '[mysql]\ninit-command="DROP TABLE payments"\n'},
    ),
    Case(
        "mysql-my-cnf-init-command-underscore",
        "mysql -D devdb -e 'SELECT 1'",
        DENY,
        {MY_CNF: "[client]\ninit_command = DELETE FROM payments\n"},
    ),
    Case(
        "mysql-my-cnf-host",
        "mysql -D devdb -e 'DELETE FROM users'",
        ASK,
        {MY_CNF: PROD_CLIENT},
    ),
    Case(
        "mysql-etc-host",
        "mysql -D devdb -e 'DELETE FROM users'",
        ASK,
        {"/etc/mysql/my.cnf": "[mysqld]\ndatadir=/var/lib/mysql\n[CLIENT]\nhost=prod-db\n"},
    ),
    Case(
        "mysql-my-cnf-include",
        "mysql -D devdb -e 'DELETE FROM users'",
        ASK,
        {MY_CNF: "!include /home/kiro/.mysql/extra.cnf\n", f"{HOME}/.mysql/extra.cnf": PROD_CLIENT},
    ),
    # Debian's my.cnf includes its conf.d folders: their .cnf files are read, in name order.
    Case(
        "mysql-etc-includedir-plain",
        "mysql -D devdb -e 'SELECT 1'",
        ALLOW,
        {
            "/etc/mysql/my.cnf": "!includedir /etc/mysql/conf.d/\n",
            "/etc/mysql/conf.d/x.cnf": "[mysqld]\nport=3306\n",
            "/etc/mysql/conf.d/notes.txt": PROD_CLIENT,
        },
    ),
    Case(
        "mysql-etc-includedir-host",
        "mysql -D devdb -e 'DELETE FROM users'",
        ASK,
        {
            "/etc/mysql/my.cnf": "!includedir /etc/mysql/mariadb.conf.d/\n",
            "/etc/mysql/mariadb.conf.d/50-client.cnf": PROD_CLIENT,
        },
    ),
    Case(
        "mysql-etc-includedir-init-command",
        "mysql -D devdb -e 'SELECT 1'",
        DENY,
        {
            "/etc/mysql/my.cnf": "!includedir /etc/mysql/conf.d/\n",
            "/etc/mysql/conf.d/z.cnf": "[client]\ninit-command=DROP TABLE payments\n",
        },
    ),
    Case(
        "mysql-my-cnf-unjudged-setting",
        "mysql -D devdb -e 'SELECT 1'",
        ASK,
        {MY_CNF: "[mariadb-client]\npager=rm -rf /srv\n"},
    ),
    Case(
        "mysql-mylogin-host-not-told",
        "mysql -D devdb -e 'SELECT 1'",
        ASK,
        {f"{HOME}/.mylogin.cnf": "\x00encrypted"},
    ),
    Case(
        "mysqladmin-my-cnf-host",
        "mysqladmin drop devdb",
        ASK,
        {MY_CNF: PROD_CLIENT},
    ),
    Case(
        "psql-psqlrc-sql",
        "psql -d devdb -c 'SELECT 1'",
        DENY,
        {PSQLRC: "DROP TABLE payments;\n"},
    ),
    Case(
        "psql-psqlrc-versioned",
        "psql -d devdb -c 'SELECT 1'",
        DENY,
        {f"{PSQLRC}-15": "TRUNCATE payments;\n"},
    ),
    Case(
        "psql-system-psqlrc",
        "psql -d devdb -c 'SELECT 1'",
        DENY,
        {"/etc/postgresql-common/psqlrc": "DELETE FROM payments;\n"},
    ),
    Case(
        "psql-psqlrc-moves-database",
        "psql -d devdb -c 'DELETE FROM users'",
        ASK,
        {PSQLRC: "\\c proddb\n"},
    ),
    Case(
        "psql-psqlrc-shell",
        "psql -d devdb -c 'SELECT 1'",
        ASK,
        {PSQLRC: "\\! rm -rf /srv\n"},
    ),
    # 9. A libpq URI with several hosts.
    Case("psql-uri-second-host", "psql postgresql://devhost,prodhost/devdb -c 'DROP TABLE t'", ASK),
    Case(
        "psql-uri-second-host-ipv6",
        "psql 'postgresql://u@[::1]:5432,prod-db:5433/devdb' -c 'DROP TABLE t'",
        ASK,
    ),
    # 10. Redis: SELECT on stdin; commands that store their result over a key.
    Case("redis-select-on-stdin", "printf 'SELECT 1\\nFLUSHDB\\n' | redis-cli -h devhost", DENY),
    Case("redis-select-heredoc", "redis-cli <<'EOF'\nSELECT 1\nDEL k\nEOF", DENY),
    Case("redis-georadius-store", "redis-cli -n 1 GEORADIUS Sicily 15 37 200 km STORE k", DENY),
    # 11. mongosh renames.
    Case(
        "mongo-rename-drop-target",
        "mongosh mongodb://devhost/devdb --eval \"db.users.renameCollection('payments', true)\"",
        DENY,
    ),
    Case(
        "mongo-rename-protected-away",
        "mongosh mongodb://devhost/devdb --eval \"db.payments.renameCollection('old')\"",
        DENY,
    ),
    # 12. mongosh: where code runs after the database variable moves.
    Case(
        "mongo-db-reassigned",
        "mongosh devdb --eval \"db = db.getSiblingDB('proddb'); db.dropDatabase()\"",
        DENY,
    ),
    Case(
        "mongo-after-unread-statement",
        "mongosh mongodb://devhost/devdb --eval \"let d = 'proddb'; db.dropDatabase()\"",
        DENY,
    ),
    Case(
        "mongo-unread-in-earlier-eval",
        "mongosh devdb --eval \"db = connect('h/proddb')\" --eval 'db.dropDatabase()'",
        DENY,
    ),
]


@pytest.mark.parametrize("case", DECISIONS, ids=[c.id for c in DECISIONS])
def test_decision(policy: Policy, case: Case) -> None:
    decision = _judge(policy, case.command, case.files)
    assert decision.decision.value == case.expected, decision.reasons


@pytest.mark.parametrize(
    ("known", "unknown"),
    [
        ("dbmate -u postgres://devhost/devdb drop", "dbmate drop"),
        ("flyway -url=jdbc:postgresql://devhost/devdb clean", "flyway clean"),
        ("migrate -path m -database postgres://devhost/devdb drop -f", "migrate -path m drop -f"),
    ],
)
def test_knowing_the_database_is_never_looser(policy: Policy, known: str, unknown: str) -> None:
    """The same wipe, with the database named and not: both take in the protected tables, and
    a plain migration on the named database is still allowed."""
    assert _judge(policy, unknown).decision.value == DENY
    assert _judge(policy, known).decision.value == DENY
    up = known.replace(" drop -f", " up").replace(" drop", " up").replace(" clean", " migrate")
    assert _judge(policy, up).decision.value == ALLOW


def test_wipe_names_every_table_of_the_database() -> None:
    found = _action_effects("dbmate -u postgres://devhost/devdb drop", {})
    assert found == [
        (
            EffectKind.DELETE,
            (
                "db:postgres/devdb",
                "db:postgres/devdb@devhost",
                "db:postgres/devdb/*",
                "db:postgres/devdb/*@devhost",
            ),
        )
    ]


def test_mysql_host_and_database_from_option_files_line_wins() -> None:
    """``~/.my.cnf`` names the host and database; the line's ``-h``/``-D`` win over it, and
    ``--no-defaults`` reads no file."""
    files = {MY_CNF: "[client]\nhost=prod-mysql.internal\n[mysql]\ndatabase=shop\n"}
    found = _action_effects("mysql -e 'DROP TABLE t'", files)
    assert found == [
        (EffectKind.DELETE, ("db:mysql/shop/t", "db:mysql/shop/t@prod-mysql.internal"))
    ]
    found = _action_effects("mysql -h devhost -D devdb -e 'DROP TABLE t'", files)
    assert found == [(EffectKind.DELETE, ("db:mysql/devdb/t", "db:mysql/devdb/t@devhost"))]
    found = _action_effects("mysql --no-defaults -D devdb -e 'DROP TABLE t'", files)
    assert found == [(EffectKind.DELETE, ("db:mysql/devdb/t",))]


def test_mysql_reads_only_the_client_groups(policy: Policy) -> None:
    """A server's settings (``[mysqld]``) and a group spelled ``[ mysql]`` (the client keeps
    the leading blank) are not the client's; ``[client]`` host is, and so is ``~/.mylogin.cnf``
    unless the line names the host."""
    server = "[mysqld]\ndatadir=/var/lib/mysql\nplugin-load=x.so\n[ mysql]\nhost=prod\n"
    files = {"/etc/mysql/my.cnf": server}
    assert _judge(policy, "mysql -D devdb -e 'DELETE FROM t'", files).decision.value == ALLOW
    files = {"/etc/my.cnf": "[client]\nhost=prod-db\n"}
    assert _judge(policy, "mysql -D devdb -e 'DELETE FROM t'", files).decision.value == ASK
    login = {f"{HOME}/.mylogin.cnf": "\x00"}
    assert _judge(policy, "mysql -D devdb -e 'SELECT 1'", login).decision.value == ASK
    command = "mysql -h devhost -D devdb -e 'SELECT 1'"
    assert _judge(policy, command, login).decision.value == ALLOW


def test_psql_start_up_skipped_by_no_psqlrc(policy: Policy) -> None:
    """``-X`` skips the start-up files; without it their SQL is judged in the line's session;
    an ordinary one (settings and meta-commands only) changes nothing."""
    files = {PSQLRC: "DROP TABLE payments;\n"}
    assert _judge(policy, "psql -X -d devdb -c 'SELECT 1'", files).decision.value == ALLOW
    found = _action_effects("psql -d devdb -c 'SELECT 1'", files)
    assert (EffectKind.DELETE, ("db:postgres/devdb/payments",)) in found
    plain = "\\set QUIET 1\n\\pset null '(null)'\n\\timing\n\\x auto\n\\unset QUIET\n"
    command = "psql -d devdb -c 'DELETE FROM users'"
    assert _judge(policy, command, {PSQLRC: plain}).decision.value == ALLOW
    assert _judge(policy, command, {PSQLRC: plain + "\\c proddb\n"}).decision.value == ASK


def test_psql_start_up_versions_end_in_different_databases() -> None:
    """Which start-up file runs depends on psql's version: where they end in different
    databases, the line's SQL lands on a database not told."""
    files = {f"{PSQLRC}-16": "\\c other\n", PSQLRC: "SELECT 1;\n"}
    found = _action_effects("psql -d devdb -c 'DROP TABLE t'", files)
    assert (EffectKind.DELETE, ("db:postgres/*/t",)) in found


def test_conninfo_names_every_host() -> None:
    assert parse_conninfo("postgresql://a:1,b:2/db") == parse_conninfo("host=a,b dbname=db")
    found = parse_conninfo("postgresql://u:p@[::1]:5432,prod%2Ddb/x")
    assert found is not None and found.host == "::1,prod-db"
    found = parse_conninfo("host=devhost hostaddr=10.9.8.7 dbname=devdb")
    assert found is not None and found.host == "devhost,10.9.8.7"


def test_redis_select_applies_to_the_lines_after_it() -> None:
    found = _action_effects(
        "printf 'DEL a\\nSELECT 3\\nDEL b\\nSELECT x\\nDEL c\\n' | redis-cli", {}
    )
    deletes = [names[0] for kind, names in found if kind is EffectKind.DELETE]
    assert deletes == ["db:redis/0/a", "db:redis/3/b", "db:redis/*/c"]


@pytest.mark.parametrize(
    "command",
    [
        "GEORADIUS Sicily 15 37 200 km STORE k",
        "GEORADIUSBYMEMBER Sicily Palermo 200 km STOREDIST k",
        "SORT list BY w_* STORE k",
        "ZUNIONSTORE k 2 a b",
        "SINTERSTORE k a b",
        "GEOSEARCHSTORE k src FROMMEMBER m BYRADIUS 1 km",
    ],
)
def test_redis_store_writes_over_the_key(policy: Policy, command: str) -> None:
    """The destination's value is replaced (a protected key's value lost): denied."""
    line = f"redis-cli -n 1 {command}"
    assert _action_effects(line, {}) == [(EffectKind.REPLACE, ("db:redis/1/k",))]
    assert _judge(policy, line).decision.value == DENY


def test_redis_store_replaces_the_destination_and_plain_reads_stay_reads(policy: Policy) -> None:
    found = _action_effects("redis-cli -n 2 GEORADIUS g 15 37 200 km STORE a STOREDIST b", {})
    assert found == [
        (EffectKind.REPLACE, ("db:redis/2/a",)),
        (EffectKind.REPLACE, ("db:redis/2/b",)),
    ]
    assert _judge(policy, "redis-cli -n 1 GEORADIUS g 15 37 200 km").decision.value == ALLOW
    assert _judge(policy, "redis-cli -n 1 SORT list ALPHA").decision.value == ALLOW


def test_mongo_rename_keeps_a_rename_an_update() -> None:
    """A rename is an update of the old name that removes its protection; ``dropTarget``
    (any value but a falsy literal) also deletes the target."""
    command = "mongosh devdb --eval \"db.users.renameCollection('archive', {x})\""
    understood = understand_shell(
        command.format(x="false"), cwd=CWD, home=HOME, target=Target(), files=MemoryFiles({})
    )
    assert [(e.effect, e.resource.names, e.removes_protection) for e in understood.effects] == [
        (EffectKind.UPDATE, ("db:mongodb/devdb/users",), True)
    ]
    found = _action_effects(command.format(x="1"), {})
    assert found == [
        (EffectKind.UPDATE, ("db:mongodb/devdb/users",)),
        (EffectKind.DELETE, ("db:mongodb/devdb/archive",)),
    ]


def test_mongo_database_after_switches(policy: Policy) -> None:
    """``use`` and ``db = db.getSiblingDB(..)`` move later code; a statement not read leaves
    it not told (``*``), also for a later ``--eval``; a plain switch to a dev database stays
    allowed."""
    found = _action_effects("mongosh devdb --eval 'print(x); db.users.drop()'", {})
    assert (EffectKind.DELETE, ("db:mongodb/*/users",)) in found
    found = _action_effects("mongosh devdb --eval 'x = 1' --eval 'db.users.drop()'", {})
    assert (EffectKind.DELETE, ("db:mongodb/*/users",)) in found
    found = _action_effects("mongosh devdb --eval \"db = db.getSiblingDB('app'); db.t.drop()\"", {})
    assert (EffectKind.DELETE, ("db:mongodb/app/t",)) in found
    command = "mongosh devdb --eval 'use devdb2' --eval 'db.users.drop()'"
    assert _judge(policy, command).decision.value == ALLOW


def test_an_included_folder_the_line_wrote_into_is_not_listed() -> None:
    """What the disk lists is not what the client finds once the line wrote into the folder."""
    files = {"/etc/mysql/my.cnf": "!includedir /etc/mysql/conf.d/\n", "/etc/mysql/conf.d/x.cnf": ""}
    action = understand_shell(
        "echo '[client]' > /etc/mysql/conf.d/new.cnf; mysql -D devdb -e 'SELECT 1'",
        cwd=CWD,
        home=HOME,
        target=Target(),
        files=MemoryFiles(files),
    )
    details = [e.detail or "" for e in action.effects if e.effect is EffectKind.UNKNOWN]
    assert any("cannot list: !includedir /etc/mysql/conf.d/" in d for d in details), details
