"""Database clients and SQL made to do more than they seem to (checked on
psql 15, MariaDB 10.11's mysql client and sqlite3 3.40): shell commands in psql's meta-command
arguments and a second meta-command on a line, psql variables, comments that end earlier than
they seem, mysql's short delimiter and option files, a database file reached through ATTACH,
``.cd``, a URI or an abbreviated dot-command, library loading, mongosh code that is not a plain
call, start-up files, and a database named where it is not looked for.

Decisions are judged under the BRIEF policy for agent ``kiro`` (``env="dev"``: a plain change is
allowed, so only an ``unknown`` asks); keyturn's own state directory stands for a protected
database file. Where the bypass named the wrong database, the effects' names are checked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import EffectKind, Target
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_shell
from keyturn.understand.sql import sql_effects

ALLOW, ASK, DENY = "allow", "ask", "deny"
STATE_DB = f"{HOME}/.keyturn/keyturn.db"
D, U, C, X = EffectKind.DELETE, EffectKind.UPDATE, EffectKind.CREATE, EffectKind.UNKNOWN


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    env: str | None = "dev"
    files: Mapping[str, str] = {}


DECISIONS = [
    # 1. psql runs a backquoted shell command in any meta-command's argument.
    Case("psql-backtick-echo", "psql -d app -c '\\echo `rm -rf /srv`'", ASK),
    Case("psql-backtick-set", "psql -d app -c '\\set x `rm -rf /srv`'", ASK),
    Case("psql-backtick-if", "psql -d app <<'EOF'\n\\if `rm -rf /srv; echo 1`\n\\endif\nEOF", ASK),
    Case("psql-backtick-setenv", "psql -d app <<'EOF'\n\\setenv FOO `rm -rf /srv`\nEOF", ASK),
    # 2. A second meta-command on the same line.
    Case("psql-second-meta-echo", "psql -d app <<'EOF'\n\\echo hi \\! rm -rf /srv\nEOF", ASK),
    Case("psql-second-meta-x", "psql -d app <<'EOF'\n\\x \\! rm -rf /srv\nEOF", ASK),
    # 3. psql variables substituted into SQL.
    Case(
        "psql-variable-from-v",
        "psql -d app -v q='1; DROP TABLE users' <<'EOF'\nSELECT :q;\nEOF",
        ASK,
    ),
    Case(
        "psql-variable-from-set",
        "psql -d app <<'EOF'\n\\set q '1; DROP TABLE users'\nSELECT :q;\nEOF",
        ASK,
    ),
    Case(
        "psql-variable-in-file",
        "psql -d app -f q.sql -v 'q=; DROP TABLE victim'",
        ASK,
        files={f"{CWD}/q.sql": "SELECT 1 :q;\n"},
    ),
    # 9. sqlite3 running commands.
    Case("sqlite-import-pipe", "sqlite3 a.db \".import '|rm -rf /srv' t\"", ASK),
    Case("sqlite-read-pipe-still-unknown", "sqlite3 a.db \".read '|rm -rf /srv'\"", ASK),
    Case("sqlite-sh-abbreviation", "sqlite3 a.db '.sh rm -rf /'", DENY),
    Case("sqlite-sys-abbreviation", "sqlite3 a.db '.sys rm -rf /'", DENY),
    Case(
        "sqlite-shell-after-comment",
        "sqlite3 a.db <<'EOF'\nCREATE TABLE u(a); -- x\n.shell rm -rf /\nEOF",
        DENY,
    ),
    # 7./8. sqlite3 reaching a protected database file.
    Case("sqlite-attach", f"sqlite3 a.db \"ATTACH '{STATE_DB}' AS a; DROP TABLE a.t\"", DENY),
    Case(
        "sqlite-attach-uri",
        f"sqlite3 a.db \"ATTACH 'file:{STATE_DB}?mode=rwc' AS a; DELETE FROM a.t\"",
        DENY,
    ),
    Case(
        "sqlite-attach-unqualified",
        f"sqlite3 a.db \"ATTACH '{STATE_DB}' AS a\" 'DROP TABLE t'",
        DENY,
    ),
    Case(
        "sqlite-cd-then-open",
        f"sqlite3 a.db '.cd {HOME}/.keyturn' '.open keyturn.db' 'DROP TABLE t'",
        DENY,
    ),
    Case(
        "sqlite-open-escaped",
        f"sqlite3 a.db '.open {HOME}/.keyt\\165rn/keyturn.db' 'DROP TABLE t'",
        DENY,
    ),
    Case("sqlite-open-abbreviated", f"sqlite3 a.db '.op {STATE_DB}' 'DROP TABLE t'", DENY),
    # 10. mysql option files.
    Case("mysql-defaults-unreadable", "mysql --defaults-extra-file=/tmp/x.cnf -e 'SELECT 1'", ASK),
    Case("mysql-defaults-file-unreadable", "mysql --defaults-file=/tmp/x.cnf -e 'SELECT 1'", ASK),
    Case("mysql-login-path", "mysql --login-path=dev -e 'SELECT 1'", ASK),
    Case(
        "mysql-defaults-unjudged-setting",
        "mysql --defaults-extra-file=x.cnf -e 'SELECT 1'",
        ASK,
        files={f"{CWD}/x.cnf": "[client]\nplugin-dir=/tmp/p\ndefault-auth=evil\n"},
    ),
    Case(
        "mysql-defaults-include",
        "mysql --defaults-extra-file=x.cnf -e 'SELECT 1'",
        ASK,
        files={f"{CWD}/x.cnf": "!include /tmp/other.cnf\n"},
    ),
    Case(
        "control-mysql-defaults-harmless",
        "mysql --defaults-extra-file=x.cnf -e 'SELECT 1'",
        ALLOW,
        files={f"{CWD}/x.cnf": "[client]\nuser=app\npassword=secret\n"},
    ),
    Case("mysql-init-command-abbreviated", "mysql --init-com='DROP TABLE t' -e 'SELECT 1'", ASK),
    Case("mysql-tee", "mysql --tee=/tmp/out -e 'SELECT 1'", ASK),
    # 11. Start-up files.
    Case("psql-psqlrc-variable", "PSQLRC=/tmp/evil.rc psql -d app -c 'SELECT 1'", ASK),
    Case("psql-other-home", "HOME=/tmp/evil psql -d app -c 'SELECT 1'", ASK),
    Case(
        "control-psql-psqlrc-skipped-by-X",
        "PSQLRC=/tmp/evil.rc psql -X -d app -c 'SELECT 1'",
        ALLOW,
    ),
    Case("write-psqlrc", "echo '\\! rm -rf /srv' > ~/.psqlrc", ASK),
    Case("write-psqlrc-versioned", "echo '\\! rm -rf /srv' > ~/.psqlrc-15", ASK),
    Case("write-my-cnf", "printf '[mysql]\\ninit-command=DROP TABLE t\\n' > ~/.my.cnf", ASK),
    Case("write-sqliterc", "echo '.shell rm -rf /srv' > ~/.sqliterc", ASK),
    Case("write-mongoshrc", "echo 'db.dropDatabase()' > ~/.mongoshrc.js", ASK),
    # sqlite3 reads the password file's home's .sqliterc, not $HOME's (sqlite3 3.40.1 run).
    Case("sqlite-other-home", "HOME=/tmp/evil sqlite3 a.db 'SELECT 1'", ALLOW),
    # psql writes its output (-o) and its session log (-L) on this machine.
    Case("psql-output-settings", "psql -d app -o ~/.claude/settings.json -c 'SELECT 1'", DENY),
    Case(
        "psql-log-file-settings", "psql -d app --log-file=.claude/settings.json -c 'SELECT 1'", DENY
    ),
    Case("psql-output-pipe", "psql -d app -o '|rm -rf /srv' -c 'SELECT 1'", ASK),
    # 12. mongosh code that is not a plain call (production: an unknown is denied).
    Case(
        "mongo-foreach-computed",
        "mongosh prod --eval 'db.getCollectionNames().forEach(n => db[n].drop())'",
        DENY,
        None,
    ),
    Case(
        "mongo-foreach-getcollection",
        "mongosh prod --eval 'db.getCollectionNames().forEach(n => db.getCollection(n).drop())'",
        DENY,
        None,
    ),
    Case("mongo-variable", "mongosh prod --eval 'const c = db.users; c.drop()'", DENY, None),
    Case("mongo-db-alias", "mongosh prod --eval 'let d = db; d.dropDatabase()'", DENY, None),
    Case("mongo-optional-chain", "mongosh prod --eval 'db.users?.drop()'", DENY, None),
    Case("mongo-optional-db", "mongosh prod --eval 'db?.dropDatabase()'", DENY, None),
    Case("mongo-with", "mongosh prod --eval 'with (db) { users.drop() }'", DENY, None),
    Case(
        "control-mongo-plain-read",
        "mongosh prod --eval 'db.users.find({a: 1}).limit(5).toArray()'",
        ALLOW,
        None,
    ),
    # 14. Loading a library into the database server.
    Case(
        "pg-create-function-language-c",
        "psql -d app -c \"CREATE FUNCTION f() RETURNS void AS '/tmp/evil.so','f' LANGUAGE c\"",
        ASK,
    ),
    Case("mysql-install-soname", "mysql -e \"INSTALL SONAME 'evil'\"", ASK),
    Case("mysql-install-plugin", "mysql -e \"INSTALL PLUGIN x SONAME 'evil.so'\"", ASK),
    Case(
        "mysql-udf-soname",
        "mysql -e \"CREATE FUNCTION sys_exec RETURNS int SONAME 'lib_mysqludf_sys.so'\"",
        ASK,
    ),
    # 15. Output to a file from psql.
    Case("psql-g-to-file", "psql -d app -c 'SELECT 1 \\g /srv/out'", ASK),
    Case("psql-copy-unquoted-file", "psql -d app -c '\\copy users to /srv/out'", ASK),
    Case("control-psql-copy-to-stdout", "psql -d app -c '\\copy users to stdout'", ALLOW),
]


@pytest.mark.parametrize("case", DECISIONS, ids=[c.id for c in DECISIONS])
def test_decision(judge_shell: JudgeShell, case: Case) -> None:
    decision = judge_shell(case.command, env=case.env, files=dict(case.files))
    assert decision.decision.value == case.expected, decision.reasons


def _effects(
    command: str, files: Mapping[str, str] | None = None
) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(
        command,
        cwd=CWD,
        home=HOME,
        target=Target(environment="dev"),
        files=MemoryFiles(dict(files or {})),
    )
    return [(e.effect, e.resource.names) for e in action.effects]


def _has(found: list[tuple[EffectKind, tuple[str, ...]]], kind: EffectKind, name: str) -> bool:
    return any(k is kind and name in names for k, names in found)


class Seen(NamedTuple):
    id: str
    command: str
    kind: EffectKind
    name: str
    files: Mapping[str, str] = {}


SEEN = [
    # 2. After psql's "\\" separator, and after mysql's argument-less commands, comes SQL.
    Seen(
        "psql-separator-then-sql",
        "psql -d app <<'EOF'\n\\echo hi \\\\ DROP TABLE users;\nEOF",
        D,
        "db:postgres/app/users",
    ),
    Seen(
        "mysql-ego-then-sql",
        "mysql -D app -e 'SELECT 1\\G DROP TABLE users'",
        D,
        "db:mysql/app/users",
    ),
    Seen(
        "mysql-clear-then-sql",
        "mysql -D app <<'EOF'\n\\c DROP TABLE users;\nEOF",
        D,
        "db:mysql/app/users",
    ),
    Seen(
        "mysql-use-ends-at-delimiter",
        "mysql -D app <<'EOF'\n\\u app ; DROP TABLE users;\nEOF",
        D,
        "db:mysql/app/users",
    ),
    # 4. PostgreSQL's "--" comment ends at a carriage return.
    Seen(
        "pg-comment-ends-at-cr",
        "psql -d app -c $'SELECT 1; -- c \\r DROP TABLE users'",
        D,
        "db:postgres/app/users",
    ),
    Seen(
        "pg-comment-ends-at-cr-stdin",
        "printf 'SELECT 2; -- c \\r DROP TABLE users;\\n' | psql -d app",
        D,
        "db:postgres/app/users",
    ),
    # 5. MySQL's "--" needs a space after it.
    Seen(
        "mysql-double-minus",
        "mysql -D app -e 'SELECT 1--1; DROP TABLE users'",
        D,
        "db:mysql/app/users",
    ),
    Seen(
        "mysql-double-minus-dump",
        "mysql app < dump.sql",
        D,
        "db:mysql/app/users",
        {f"{CWD}/dump.sql": "SELECT 1--1; DROP TABLE users;\n"},
    ),
    # 6. mysql's short DELIMITER.
    Seen(
        "mysql-short-delimiter",
        "mysql -D app -e '\\d #\nSELECT 1#DROP TABLE users#'",
        D,
        "db:mysql/app/users",
    ),
    # 10. An option file's init-command and database.
    Seen(
        "mysql-defaults-init-command",
        "mysql --defaults-extra-file=x.cnf -e 'SELECT 1'",
        D,
        "db:mysql/prod/users",
        {f"{CWD}/x.cnf": '[client]\ndatabase=prod\n[mysql]\ninit-command="DROP TABLE users"\n'},
    ),
    # 8. The database file named as SQLite reads the name (quotes, URIs, --new empties it).
    Seen(
        "sqlite-open-quoted",
        f"sqlite3 a.db '.open \"{STATE_DB}\"' 'DROP TABLE t'",
        D,
        f"file:{STATE_DB}",
    ),
    Seen(
        "sqlite-open-uri",
        f"sqlite3 a.db \".open 'file:{STATE_DB}'\" 'DROP TABLE t'",
        D,
        f"file:{STATE_DB}",
    ),
    Seen(
        "sqlite-uri-operand",
        f"sqlite3 'file:{STATE_DB}?mode=rw' 'DROP TABLE t'",
        D,
        f"file:{STATE_DB}",
    ),
    Seen(
        "sqlite-uri-authority", f"sqlite3 'file://{STATE_DB}' 'DROP TABLE t'", D, f"file:{STATE_DB}"
    ),
    Seen(
        "sqlite-open-new-empties",
        f"sqlite3 a.db '.open --new {STATE_DB}'",
        EffectKind.REPLACE,
        f"file:{STATE_DB}",
    ),
    # 13. The database named where it is not looked for.
    Seen(
        "pg-service-unread",
        "psql service=prod -c 'DROP TABLE users'",
        D,
        "db:postgres/*/users@service=prod",
    ),
    Seen(
        "pg-service-variable",
        "PGSERVICE=prod psql -c 'DROP TABLE users'",
        D,
        "db:postgres/*/users@service=prod",
    ),
    Seen(
        "pg-service-file",
        "psql service=main -c 'DROP TABLE users'",
        D,
        "db:postgres/proddb/users",
        {f"{HOME}/.pg_service.conf": "[main]\ndbname = proddb\nhost=db.prod\n"},
    ),
    Seen(
        "pg-conninfo-spaces",
        "psql 'dbname = prod' -c 'DROP TABLE users'",
        D,
        "db:postgres/prod/users",
    ),
    Seen(
        "pg-uri-query-dbname",
        "psql 'postgresql://h/dev?dbname=prod' -c 'DROP TABLE users'",
        D,
        "db:postgres/prod/users",
    ),
    Seen(
        "pg-uri-percent",
        "psql 'postgresql://h/pr%6fd' -c 'DROP TABLE users'",
        D,
        "db:postgres/prod/users",
    ),
    Seen(
        "pg-connect-between-c",
        "psql -d dev -c '\\c prod' -c 'DROP TABLE users'",
        D,
        "db:postgres/prod/users",
    ),
    Seen(
        "pg-connect-variable",
        "psql -d dev <<'EOF'\n\\set d prod\n\\c :d\nDROP TABLE users;\nEOF",
        D,
        "db:postgres/*/users",
    ),
    Seen(
        "pg-connect-conninfo",
        "psql -d dev -c \"\\c 'dbname = prod'\" -c 'DROP TABLE users'",
        D,
        "db:postgres/prod/users",
    ),
    Seen(
        "mysql-reconnect", "mysql -D dev -e '\\r prod\nDROP TABLE users'", D, "db:mysql/prod/users"
    ),
    # 15. Looser than the effect.
    Seen(
        "mysql-blackhole",
        "mysql -D app -e 'ALTER TABLE users ENGINE=BLACKHOLE'",
        D,
        "db:mysql/app/users",
    ),
    Seen(
        "mysql-discard-tablespace",
        "mysql -D app -e 'ALTER TABLE users DISCARD TABLESPACE'",
        D,
        "db:mysql/app/users",
    ),
    Seen(
        "pg-alter-column-using",
        "psql -d app -c 'ALTER TABLE users ALTER COLUMN c TYPE text USING NULL'",
        D,
        "db:postgres/app/users",
    ),
    Seen(
        "pg-explain-analyze-create",
        "psql -d app -c 'EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1'",
        C,
        "db:postgres/app/x",
    ),
    Seen("redis-client-kill-upper", "redis-cli -h cache client KILL TYPE normal", U, "db:redis/*"),
    Seen("redis-client-pause", "redis-cli -h cache CLIENT PAUSE 999999999", U, "db:redis/*"),
    # 12. A sibling database named.
    Seen(
        "mongo-sibling-db",
        "mongosh dev --eval 'db.getSiblingDB(\"prod\").users.drop()'",
        D,
        "db:mongodb/prod/users",
    ),
    Seen(
        "mongo-reassigned-db",
        "mongosh dev --eval 'db = db.getSiblingDB(\"prod\"); db.users.drop()'",
        X,
        "db:mongodb/dev",
    ),
]


@pytest.mark.parametrize("case", SEEN, ids=[c.id for c in SEEN])
def test_effect_seen(case: Seen) -> None:
    found = _effects(case.command, case.files)
    assert _has(found, case.kind, case.name), found


def test_unknown_engine_reads_double_minus_as_mysql_too() -> None:
    """SQL for an engine not told may be MySQL's, where ``1--1`` is no comment."""
    found = sql_effects(
        "SELECT 1--1; DROP TABLE users", engine="sql", database="app", target=Target()
    )
    assert any(e.effect is D and "db:sql/app/users" in e.resource.names for e in found), found


def test_mysql_comment_with_a_space_stays_a_comment() -> None:
    """The strict reading of "--" is MySQL's own: followed by a space it is a comment."""
    found = _effects("mysql -D app -e 'SELECT 1 -- 1; DROP TABLE users'")
    assert not _has(found, D, "db:mysql/app/users"), found


MCP = [
    (
        "postgres-comment-cr",
        "postgres",
        "query",
        {"sql": "SELECT 1; -- c \r DROP TABLE users"},
        D,
        "db:postgres/*/users",
    ),
    (
        "mysql-double-minus",
        "mysql",
        "mysql_query",
        {"sql": "SELECT 1--1; DROP TABLE users"},
        D,
        "db:mysql/*/users",
    ),
    (
        "sqlite-attach-file",
        "sqlite",
        "write_query",
        {"query": f"ATTACH '{STATE_DB}' AS a; DROP TABLE a.t"},
        D,
        f"file:{STATE_DB}",
    ),
    (
        "postgres-language-c",
        "postgres",
        "query",
        {"sql": "CREATE FUNCTION f() RETURNS void AS '/tmp/evil.so','f' LANGUAGE c"},
        X,
        "db:postgres/*",
    ),
]


@pytest.mark.parametrize(
    ("server", "tool", "arguments", "kind", "name"), [m[1:] for m in MCP], ids=[m[0] for m in MCP]
)
def test_mcp_sql_seen(
    server: str, tool: str, arguments: dict[str, str], kind: EffectKind, name: str
) -> None:
    action = understand_mcp(
        server, tool, arguments, target=Target(environment="production"), cwd=CWD, home=HOME
    )
    found = [(e.effect, e.resource.names) for e in action.effects]
    assert _has(found, kind, name), found
