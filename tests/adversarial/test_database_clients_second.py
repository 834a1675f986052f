"""Database clients on the shell, second red-team pass. What each group rests on:

- redis-cli (real redis 7.0.15, scratch keys ``kt2:*``): ``RENAME a b`` left ``b`` a string
  where it had been a hash (its value lost); ``COPY a b`` did not touch an existing ``b`` and
  ``COPY a b REPLACE`` overwrote it; ``MOVE k 10`` did nothing where ``k`` was there already;
  ``EXPIRE k 0`` deleted ``k`` at once; ``CONFIG SET dir``/``dbfilename`` were refused as
  protected settings (``enable-protected-configs no``, Redis 7's default: older servers, or one
  set otherwise, take them, and ``SAVE`` then writes the file there). ``SWAPDB``, ``MIGRATE
  … [COPY] [REPLACE] [KEYS …]``, ``RESTORE … REPLACE`` and ``LMOVE src dst`` as the Redis
  command reference describes them. ``redis-cli < FILE`` runs the file's lines as stdin.
- mongosh (npm ``mongosh``, its ``@mongosh/arg-parser`` and ``cli-repl`` read and run under
  node 20): options such as ``--authenticationMechanism`` and ``--db`` take a value (``--db``
  is then ignored); the first operand not ending ``.js``/``.mongodb`` is the connection:
  ``host/db``, ``host:port/db``, a bare name with a dot is a host (database ``test``),
  without one a database; the other operands and ``--file`` are scripts, run after every
  ``--eval``; stdin is read (after ``~/.mongoshrc.js``, unless ``--norc``) only when no code
  is given on the line or ``--shell`` is. The legacy ``mongo`` shell reads ``~/.mongorc.js``
  after the line's code too (its documentation). ``db["dropDatabase"]()``,
  ``db.getMongo().getDB(x)``, ``db.runCommand({dropDatabase: 1})`` and
  ``db.adminCommand(...)`` (run on ``admin``) are plain JavaScript and mongosh API.
- mysqldump (MariaDB 10.11's ``mariadb-dump``, on the running server): ``--print-defaults``
  reads the groups ``mysqldump mariadb-dump client client-server client-mariadb`` from
  ``/etc/my.cnf /etc/mysql/my.cnf ~/.my.cnf``; ``result-file`` in ``[mysqldump]``,
  ``[mariadb-dump]`` or ``[client]`` of a ``--defaults-file`` wrote the dump there; a
  ``host`` there is where it connects. ``--delete-master-logs`` purges the binary logs and
  ``--tab=DIR`` writes files into ``DIR`` (its ``--help``).
- psql 15.20 (Debian): with ``~/.psqlrc-15.20 (Debian 15.20-0+deb12u1)`` present it ran that
  file, not ``~/.psqlrc-15`` (Debian's version string carries the package's); ``PSQLRC=FILE``
  ran ``FILE`` (``~`` expanded) instead of ``~/.psqlrc``, and ``-X`` ran none.
- libpq: ``PGSERVICE`` and a ``--maintenance-db`` connection string say where ``pg_restore``,
  ``pg_dump`` and ``dropdb`` connect, as for psql.

Judged as in :mod:`tests.adversarial.test_database_clients` (its policy: ``dev…`` databases in
dev; ``payments`` tables, Mongo ``proddb`` and Redis database 1 protected). Cases named
``control-…`` (and the plain forms among the parametrized ones: ``GETEX k PERSIST``, a plain
``CONFIG SET``, ``mongosh shop``, ``--nodb``, commands left unknown) held before the fixes and
must keep holding: the fixes make nothing looser or more alarming than it was.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.adversarial.test_database_clients import (
    ALLOW,
    ASK,
    DENY,
    MY_CNF,
    POLICY_TEXT,
    PSQLRC,
    Case,
)

from keyturn.model import Action, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

R, C, U, D, X = (
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.DELETE,
    EffectKind.UNKNOWN,
)
P = EffectKind.REPLACE
MONGOSHRC = f"{HOME}/.mongoshrc.js"
DROP_PROD = 'db.getSiblingDB("proddb").dropDatabase()\n'
SERVICES = {f"{HOME}/.pg_service.conf": "[prod]\nhost=prod-db\n"}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY_TEXT)


def _understood(command: str, files: Mapping[str, str] | None = None) -> Action:
    return understand_shell(
        command, cwd=CWD, home=HOME, target=Target(), files=MemoryFiles(dict(files or {}))
    )


def _effects(
    command: str, files: Mapping[str, str] | None = None
) -> list[tuple[EffectKind, tuple[str, ...]]]:
    return [(e.effect, e.resource.names) for e in _understood(command, files).effects]


DECISIONS = [
    # 1. Redis commands that write over, move or expire a key of the protected database 1.
    Case("redis-rename-over-protected", "redis-cli -n 1 RENAME tmp k", DENY),
    Case("redis-copy-replace-into-protected", "redis-cli COPY a k DB 1 REPLACE", DENY),
    Case("redis-move-out-of-protected", "redis-cli -n 1 MOVE k 2", DENY),
    Case("redis-restore-replace", "redis-cli -n 1 RESTORE k 0 payload REPLACE", DENY),
    Case("redis-swapdb", "redis-cli SWAPDB 0 1", DENY),
    Case("redis-expire-now", "redis-cli -n 1 EXPIRE k 0", DENY),
    Case("redis-set-with-ttl", "redis-cli -n 1 SET k v PX 1", DENY),
    Case("control-redis-set-plain-stays-update", "redis-cli -n 1 SET k v", ASK),
    Case("control-redis-copy-without-replace", "redis-cli COPY a k DB 1", ASK),
    Case(
        "redis-stdin-file-read", "redis-cli -n 1 < cmds.txt", ALLOW, {f"{CWD}/cmds.txt": "GET k\n"}
    ),
    Case(
        "control-redis-stdin-file-del",
        "redis-cli -n 1 < cmds.txt",
        DENY,
        {f"{CWD}/cmds.txt": "DEL k\n"},
    ),
    # 2. mongosh: where it connects, what else it runs.
    Case(
        "mongo-valued-option-before-db",
        "mongosh --authenticationMechanism SCRAM-SHA-256 proddb --eval 'db.dropDatabase()'",
        DENY,
    ),
    Case("mongo-db-option-ignored", "mongosh --db devdb proddb --eval 'db.dropDatabase()'", DENY),
    Case("mongo-host-slash-db", "mongosh mongo.internal/proddb --eval 'db.dropDatabase()'", DENY),
    Case("mongo-host-port-db", "mongosh m1:27017/proddb --eval 'db.dropDatabase()'", DENY),
    Case(
        "mongo-shell-then-stdin",
        f"mongosh devdb --eval 'db.users.find()' --shell <<'EOF'\n{DROP_PROD}EOF",
        DENY,
    ),
    Case("mongo-script-operand", "mongosh devdb x.js", DENY, {f"{CWD}/x.js": DROP_PROD}),
    Case("mongo-script-file-option", "mongosh devdb -f x.js", DENY, {f"{CWD}/x.js": DROP_PROD}),
    Case("mongo-script-plain", "mongosh devdb x.js", ALLOW, {f"{CWD}/x.js": "db.users.find()\n"}),
    Case("mongo-stdin-file", "mongosh devdb < x.js", ALLOW, {f"{CWD}/x.js": "db.users.find()\n"}),
    Case("mongo-stdin-file-drop", "mongosh devdb < x.js", DENY, {f"{CWD}/x.js": DROP_PROD}),
    Case(
        "mongo-get-mongo-get-db",
        "mongosh devdb --eval 'db.getMongo().getDB(\"proddb\").dropDatabase()'",
        DENY,
    ),
    Case(
        "mongo-run-command-drop", "mongosh devdb --eval 'db.runCommand({drop: \"payments\"})'", DENY
    ),
    Case("mongo-run-command-ping", "mongosh devdb --eval 'db.runCommand({ping: 1})'", ALLOW),
    Case(
        "mongo-rc-before-stdin",
        "mongosh devdb <<'EOF'\ndb.users.find()\nEOF",
        DENY,
        {MONGOSHRC: DROP_PROD},
    ),
    Case(
        "control-mongo-norc",
        "mongosh --norc devdb <<'EOF'\ndb.users.find()\nEOF",
        ALLOW,
        {MONGOSHRC: DROP_PROD},
    ),
    Case(
        "control-mongo-rc-not-run-with-eval",
        "mongosh devdb --eval 'db.users.find()'",
        ALLOW,
        {MONGOSHRC: DROP_PROD},
    ),
    Case(
        "legacy-mongo-rc-after-eval",
        "mongo devdb --eval 'db.users.find()'",
        DENY,
        {f"{HOME}/.mongorc.js": DROP_PROD},
    ),
    # 3. mysqldump's option files.
    Case(
        "mysqldump-result-file-from-my-cnf",
        "mysqldump devdb",
        DENY,
        {MY_CNF: "[mysqldump]\nresult-file=/home/kiro/.bashrc\n"},
    ),
    Case(
        "mysqldump-host-from-defaults-file",
        "mysqldump --defaults-file=/home/kiro/d.cnf devdb users",
        ASK,
        {f"{HOME}/d.cnf": "[client]\nhost=prod-db\n[mysqldump]\nresult-file=out.sql\n"},
    ),
    Case(
        "mysqldump-include",
        "mariadb-dump devdb",
        DENY,
        {
            MY_CNF: "!include /home/kiro/x.cnf\n",
            f"{HOME}/x.cnf": "[mariadb-dump]\nresult-file=/home/kiro/.bashrc\n",
        },
    ),
    Case(
        "mysqldump-unjudged-setting",
        "mysqldump devdb",
        ASK,
        {MY_CNF: "[mysqldump]\nplugin-dir=/tmp/p\n"},
    ),
    Case(
        "control-mysqldump-debian-defaults",
        "mysqldump devdb",
        ALLOW,
        {"/etc/mysql/my.cnf": "[mysqldump]\nquick\nquote-names\nmax_allowed_packet = 16M\n"},
    ),
    Case("mysqldump-delete-master-logs", "mysqldump --delete-master-logs devdb", ASK),
    # 4. psql's start-up files for a minor version, and PSQLRC.
    Case(
        "psqlrc-debian-minor",
        "psql -d devdb -c 'SELECT 1'",
        DENY,
        {f"{PSQLRC}-15.20 (Debian 15.20-0+deb12u1)": "DROP TABLE payments;\n"},
    ),
    Case(
        "psqlrc-minor",
        "psql -d devdb -c 'SELECT 1'",
        DENY,
        {f"{PSQLRC}-15.20": "DROP TABLE payments;\n"},
    ),
    Case(
        "psqlrc-variable-file",
        "PSQLRC=~/team.psqlrc psql -d devdb -c 'SELECT 1'",
        DENY,
        {f"{HOME}/team.psqlrc-15": "DROP TABLE payments;\n"},
    ),
    Case(
        "psqlrc-variable-plain-file",
        "PSQLRC=/home/kiro/team.psqlrc psql -d devdb -c 'DELETE FROM users'",
        ALLOW,
        {f"{HOME}/team.psqlrc": "\\set QUIET 1\n"},
    ),
    Case(
        "control-psqlrc-variable-skipped-by-x",
        "PSQLRC=/home/kiro/team.psqlrc psql -X -d devdb -c 'SELECT 1'",
        ALLOW,
        {f"{HOME}/team.psqlrc": "DROP TABLE payments;\n"},
    ),
    # 5. Where the PostgreSQL tools connect: a service, the maintenance database.
    Case("pg-restore-service-host", "PGSERVICE=prod pg_restore -d devapp x.dump", ASK, SERVICES),
    Case(
        "pg-dump-service-in-d", "pg_restore -d 'service=prod dbname=devapp' x.dump", ASK, SERVICES
    ),
    Case("dropdb-service-host", "PGSERVICE=prod dropdb devapp", ASK, SERVICES),
    Case(
        "dropdb-maintenance-conninfo",
        "dropdb --maintenance-db='host=prod-db dbname=postgres' devapp",
        ASK,
    ),
    Case("control-dropdb-plain-dev", "dropdb devapp", ALLOW),
]


@pytest.mark.parametrize("case", DECISIONS, ids=[c.id for c in DECISIONS])
def test_decision(policy: Policy, case: Case) -> None:
    action = _understood(case.command, case.files)
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision.value == case.expected, (decision.reasons, action.effects)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("RENAME a b", [(U, ("db:redis/0/a",)), (P, ("db:redis/0/b",))]),
        ("RENAMENX a b", [(U, ("db:redis/0/a",)), (C, ("db:redis/0/b",))]),
        ("COPY a b", [(R, ("db:redis/0/a",)), (C, ("db:redis/0/b",))]),
        ("COPY a b REPLACE DB 3", [(R, ("db:redis/0/a",)), (P, ("db:redis/3/b",))]),
        ("MOVE k 4", [(U, ("db:redis/0/k",)), (C, ("db:redis/4/k",))]),
        ("RESTORE k 0 x", [(C, ("db:redis/0/k",))]),
        ("SWAPDB 0 2", [(P, ("db:redis/0", "db:redis/0/*")), (P, ("db:redis/2", "db:redis/2/*"))]),
        ("LMOVE a b LEFT RIGHT", [(U, ("db:redis/0/a",)), (U, ("db:redis/0/b",))]),
        ("BLMOVE a b LEFT RIGHT 0", [(U, ("db:redis/0/a",)), (U, ("db:redis/0/b",))]),
        ("SMOVE a b m", [(U, ("db:redis/0/a",)), (U, ("db:redis/0/b",))]),
        ("RPOPLPUSH a b", [(U, ("db:redis/0/a",)), (U, ("db:redis/0/b",))]),
        (
            "MIGRATE h2 6379 k 1 5000 REPLACE",
            [(D, ("db:redis/0/k",)), (P, ("db:redis/1/k", "db:redis/1/k@h2"))],
        ),
        (
            'MIGRATE h2 6379 "" 0 5000 COPY AUTH2 u keys KEYS a b',
            [
                (R, ("db:redis/0/a",)),
                (C, ("db:redis/0/a", "db:redis/0/a@h2")),
                (R, ("db:redis/0/b",)),
                (C, ("db:redis/0/b", "db:redis/0/b@h2")),
            ],
        ),
        ("PEXPIRE k 10", [(D, ("db:redis/0/k",))]),
        ("GETEX k PERSIST", [(U, ("db:redis/0/k",))]),
        ("SETEX k 10 v", [(D, ("db:redis/0/k",))]),
    ],
)
def test_redis_names_what_is_written_over(
    command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]
) -> None:
    assert _effects(f"redis-cli {command}") == expected


def test_redis_rename_and_move_take_the_protection_away() -> None:
    for command in ("redis-cli RENAME a b", "redis-cli MOVE a 3"):
        first = _understood(command).effects[0]
        assert first.effect is U and first.removes_protection


@pytest.mark.parametrize(
    "command",
    [
        "redis-cli CONFIG SET dir /home/kiro/.ssh",
        "redis-cli CONFIG SET maxmemory 1gb DBFILENAME authorized_keys",
        "printf 'CONFIG SET dbfilename x\\nSAVE\\n' | redis-cli",
    ],
)
def test_redis_config_moving_its_files_is_unknown(command: str) -> None:
    """Where the server writes its database file: with ``SAVE``, any file it may write."""
    assert X in [kind for kind, _ in _effects(command)]


def test_redis_plain_config_set_stays_an_update() -> None:
    assert _effects("redis-cli CONFIG SET maxmemory-policy noeviction") == [(U, ("db:redis/*",))]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "mongosh cluster0.example.net --eval 'db.t.drop()'",
            ("db:mongodb/*/t", "db:mongodb/*/t@cluster0.example.net"),
        ),
        (
            "mongosh m1:27017/shop --eval 'db.t.drop()'",
            ("db:mongodb/shop/t", "db:mongodb/shop/t@m1"),
        ),
        ("mongosh shop --eval 'db.t.drop()'", ("db:mongodb/shop/t",)),
        ("mongosh --nodb x.js --eval 'db.t.drop()'", ("db:mongodb/*/t",)),
        ('mongosh shop --eval \'db["t"]["drop"]()\'', ("db:mongodb/shop/t",)),
        ("mongosh shop --eval 'db.runCommand({drop: \"t\"})'", ("db:mongodb/shop/t",)),
        (
            "mongosh shop --eval 'db.runCommand({delete: \"t\", deletes: []})'",
            ("db:mongodb/shop/t",),
        ),
    ],
)
def test_mongo_names_where_it_connects(command: str, expected: tuple[str, ...]) -> None:
    assert (D, expected) in _effects(command)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('db["dropDatabase"]()', ("db:mongodb/shop",)),
        ("db.runCommand({dropDatabase: 1})", ("db:mongodb/shop",)),
        ("db.runCommand({'dropDatabase': 1})", ("db:mongodb/shop",)),
        ("db.adminCommand({dropDatabase: 1})", ("db:mongodb/admin",)),
        ('db.getMongo().getDB("app").dropDatabase()', ("db:mongodb/app",)),
        ('db.getSiblingDB("app")["dropDatabase"]()', ("db:mongodb/app",)),
    ],
)
def test_mongo_drop_database_spellings(code: str, expected: tuple[str, ...]) -> None:
    found = _effects(f"mongosh shop --eval '{code}'")
    assert found == [(D, expected)]


def test_mongo_unread_command_stays_unknown() -> None:
    """A command object not written plainly, or a command not known, is not guessed."""
    for code in ("db.runCommand(cmd)", "db.runCommand({shutdown: 1})", "db.getMongo().foo()"):
        assert [kind for kind, _ in _effects(f"mongosh shop --eval '{code}'")][:1] == [X]


def test_mongo_scripts_run_after_every_eval_and_keep_the_database() -> None:
    """``--eval`` code first, then the scripts in order; a ``use`` in one holds for the next."""
    files = {f"{CWD}/a.js": "use app\n", f"{CWD}/b.js": "db.t.drop()\n"}
    found = _effects("mongosh shop a.js b.js --eval 'db.u.drop()'", files)
    assert found == [
        (D, ("db:mongodb/shop/u",)),
        (R, ("db:mongodb/app",)),
        (D, ("db:mongodb/app/t",)),
    ]
    assert [k for k, _ in _effects("mongosh shop missing.js", {})] == [X]


def test_mysqldump_option_files_name_host_and_file() -> None:
    files = {f"{HOME}/d.cnf": "[client]\nhost=prod-db\n[mysqldump]\nresult-file=out.sql\n"}
    found = _effects("mysqldump --defaults-file=/home/kiro/d.cnf devdb users", files)
    assert (R, ("db:mysql/devdb/users", "db:mysql/devdb/users@prod-db")) in found
    assert (C, (f"file:{CWD}/out.sql",)) in found
    # The line wins over the file, and --no-defaults reads none.
    found = _effects("mysqldump --defaults-file=/home/kiro/d.cnf -r /tmp/a.sql devdb", files)
    assert (C, ("file:/tmp/a.sql",)) in found and (C, (f"file:{CWD}/out.sql",)) not in found
    extra = {MY_CNF: "[client]\nhost=prod-db\n"}
    assert _effects("mysqldump --no-defaults devdb", extra) == [(R, ("db:mysql/devdb",))]


def test_mysqldump_writes_where_tab_and_log_error_say() -> None:
    found = _effects("mysqldump -T /srv/out --log-error=/srv/err.log devdb t")
    names = [n for _, names in found for n in names]
    assert "file:/srv/out" in names and "file:/srv/err.log" in names
    assert (R, ("db:mysql/devdb/t",)) in found


def test_psql_version_files_found_by_listing() -> None:
    """Every ``~/.psqlrc-*`` is a version's file: judged with the plain one, from the same
    start."""
    files = {f"{PSQLRC}-15.20 (Debian 15.20-0+deb12u1)": "DROP TABLE a;\n", PSQLRC: "\\set X 1\n"}
    found = _effects("psql -d devdb -c 'SELECT 1'", files)
    assert (D, ("db:postgres/devdb/a",)) in found


def test_createdb_template_is_read() -> None:
    found = _effects("createdb -T proddb -h pg1 devcopy")
    assert found == [
        (R, ("db:postgres/proddb", "db:postgres/proddb@pg1")),
        (C, ("db:postgres/devcopy", "db:postgres/devcopy@pg1")),
    ]


def test_pg_tools_name_the_service_host() -> None:
    found = _effects("PGSERVICE=prod pg_dump devapp", SERVICES)
    assert found == [(R, ("db:postgres/devapp", "db:postgres/devapp@prod-db"))]
    found = _effects("pg_dump -d service=nosuch", {})
    assert found == [(R, ("db:postgres/*", "db:postgres/*@service=nosuch"))]
