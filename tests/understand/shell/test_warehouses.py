"""Warehouse and analytics SQL clients -> effects: clickhouse-client, cqlsh, snowsql, sqlcmd,
trino/presto and bq."""

from __future__ import annotations

import shlex

import pytest
from tests.conftest import BRIEF_POLICY
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_FILES = MemoryFiles(
    {
        "/w/drop.cql": "DROP TABLE ks.t;",
        "/w/batch.sql": "USE shop\nGO\nDELETE FROM orders\nGO\n:setvar T users\nDROP TABLE $(T)\n",
        "/w/shell.sql": "SELECT 1\nGO\n!!rm -rf /srv/data\n",
        "/w/inner.sql": "TRUNCATE TABLE audit",
        "/w/outer.sql": ":r /w/inner.sql\n",
        "/w/snow.sql": "!system rm -rf /srv/x\nDROP TABLE t;\n!source /w/drop.cql\n",
        "/w/select.sql": "SELECT 1;",
    }
)


def _effects(command: str, **env: str) -> tuple[Effect, ...]:
    return understand_shell(command, cwd="/w", home="/home/u", env=env, files=_FILES).effects


def _meaning(command: str, **env: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    return [(e.effect, e.resource.names) for e in _effects(command, **env)]


@pytest.mark.parametrize(
    ("command", "kind", "names"),
    [
        # ClickHouse
        ("clickhouse-client -q 'DROP TABLE t'", _E.DELETE, ("db:clickhouse/*/t",)),
        (
            "clickhouse-client -q 'DROP DATABASE prod'",
            _E.DELETE,
            ("db:clickhouse/prod", "db:clickhouse/prod/*"),
        ),
        ("clickhouse client --query 'DROP TABLE db.t'", _E.DELETE, ("db:clickhouse/db/t",)),
        (
            "clickhouse-client -d shop -q 'TRUNCATE TABLE orders'",
            _E.DELETE,
            ("db:clickhouse/shop/orders",),
        ),
        (
            "clickhouse-client -q 'TRUNCATE TABLE IF EXISTS db.t'",
            _E.DELETE,
            ("db:clickhouse/db/t",),
        ),
        (
            "clickhouse-client -q 'TRUNCATE DATABASE prod'",
            _E.DELETE,
            ("db:clickhouse/prod", "db:clickhouse/prod/*"),
        ),
        (
            "clickhouse-client -q 'ALTER TABLE db.events DELETE WHERE ts < now()'",
            _E.DELETE,
            ("db:clickhouse/db/events",),
        ),
        (
            "clickhouse-client -q 'ALTER TABLE t CLEAR COLUMN c IN PARTITION 2024'",
            _E.DELETE,
            ("db:clickhouse/*/t/c", "db:clickhouse/*/t"),
        ),
        ("clickhouse-client -q 'DROP DICTIONARY db.d'", _E.DELETE, ("db:clickhouse/db/d",)),
        ("clickhouse-client -q 'REPLACE TABLE t AS SELECT 1'", _E.REPLACE, ("db:clickhouse/*/t",)),
        ("clickhouse-client -q 'SELECT count() FROM events'", _E.READ, ("db:clickhouse/*",)),
        (
            "clickhouse-client -q 'SELECT toDate(ts), uniq(u), quantile(0.9)(d) FROM e'",
            _E.READ,
            ("db:clickhouse/*",),
        ),
        ("clickhouse-client -q 'SHOW TABLES'", _E.READ, ("db:clickhouse/*",)),
        ("clickhouse-client -q 'EXISTS TABLE t'", _E.READ, ("db:clickhouse/*",)),
        (
            "clickhouse-client --param_t=users -q 'DROP TABLE {t:Identifier}'",
            _E.DELETE,
            ("db:clickhouse/*/users",),
        ),
        ("clickhouse-client --queries-file /w/drop.cql", _E.DELETE, ("db:clickhouse/ks/t",)),
        ("clickhouse-client -n 'DROP TABLE a'", _E.DELETE, ("db:clickhouse/*/a",)),
        ("clickhouse-client --max_threads 8 -q 'SELECT 1'", _E.READ, ("db:clickhouse/*",)),
        (
            "clickhouse-client -u default --password s3cret -q 'SELECT 1'",
            _E.READ,
            ("db:clickhouse/*",),
        ),
        # Cassandra
        ("cqlsh -e 'DROP KEYSPACE prod'", _E.DELETE, ("db:cassandra/prod", "db:cassandra/prod/*")),
        ("cqlsh -e 'DROP SCHEMA prod'", _E.DELETE, ("db:cassandra/prod", "db:cassandra/prod/*")),
        ("cqlsh -e 'CREATE KEYSPACE k WITH durable_writes = true'", _E.CREATE, ("db:cassandra/k",)),
        ("cqlsh -k shop -e 'TRUNCATE orders'", _E.DELETE, ("db:cassandra/shop/orders",)),
        ("cqlsh -e 'DROP COLUMNFAMILY ks.t'", _E.DELETE, ("db:cassandra/ks/t",)),
        ("cqlsh -e 'DELETE FROM ks.t WHERE id = 1'", _E.DELETE, ("db:cassandra/ks/t",)),
        (
            "cqlsh -e 'DELETE email, phone FROM ks.users WHERE id = 1'",
            _E.DELETE,
            ("db:cassandra/ks/users",),
        ),
        (
            "cqlsh -e 'ALTER TABLE ks.t DROP email'",
            _E.DELETE,
            ("db:cassandra/ks/t/email", "db:cassandra/ks/t"),
        ),
        ("cqlsh -e 'UPDATE ks.t SET a = 1 WHERE id = 2'", _E.UPDATE, ("db:cassandra/ks/t",)),
        ("cqlsh -e 'SELECT now(), toTimestamp(now()) FROM ks.t'", _E.READ, ("db:cassandra/*",)),
        ("cqlsh -e 'LIST ROLES'", _E.READ, ("db:cassandra/*",)),
        ("cqlsh -e 'DESCRIBE KEYSPACES'", _E.READ, ("db:cassandra/*",)),
        ("cqlsh -e 'CONSISTENCY QUORUM; SELECT * FROM ks.t'", _E.READ, ("db:cassandra/*",)),
        ("cqlsh -f /w/drop.cql", _E.DELETE, ("db:cassandra/ks/t",)),
        # Snowflake
        ("snowsql -q 'DROP TABLE t'", _E.DELETE, ("db:snowflake/*/t",)),
        (
            "snowsql -d analytics -q 'DROP TABLE raw.events'",
            _E.DELETE,
            ("db:snowflake/analytics/raw.events",),
        ),
        ("snowsql -q 'DROP TABLE prod.public.events'", _E.DELETE, ("db:snowflake/prod/events",)),
        (
            "snowsql -d analytics -q 'DROP SCHEMA raw'",
            _E.DELETE,
            ("db:snowflake/analytics/raw", "db:snowflake/analytics/raw.*"),
        ),
        ("snowsql -d a -s raw -q 'TRUNCATE TABLE t'", _E.DELETE, ("db:snowflake/a/raw.t",)),
        ("snowsql -q 'USE DATABASE prod; DROP TABLE t'", _E.DELETE, ("db:snowflake/prod/t",)),
        ("snowsql -q 'USE SCHEMA prod.raw; DROP TABLE t'", _E.DELETE, ("db:snowflake/prod/raw.t",)),
        (
            "snowsql -q 'CREATE OR REPLACE DATABASE prod'",
            _E.REPLACE,
            ("db:snowflake/prod", "db:snowflake/prod/*"),
        ),
        ("snowsql -q 'REMOVE @mystage/2024'", _E.DELETE, ("db:snowflake/*/stage:mystage",)),
        ("snowsql -q 'LIST @~'", _E.READ, ("db:snowflake/*/stage:~",)),
        ("snowsql -q 'LS @%orders'", _E.READ, ("db:snowflake/*/stage:%orders",)),
        ("snowsql -q 'PUT file:///tmp/a.csv @raw.s'", _E.UPDATE, ("db:snowflake/*/stage:raw.s",)),
        ("snowsql -q 'DROP STAGE IF EXISTS s'", _E.DELETE, ("db:snowflake/*/stage:s",)),
        ("snowsql -q 'UNDROP TABLE t'", _E.CREATE, ("db:snowflake/*/t",)),
        ("snowsql -q 'BEGIN DELETE FROM t; END'", _E.DELETE, ("db:snowflake/*/t",)),
        (
            "snowsql -q 'SELECT IFF(a, 1, 2), DATEADD(day, 1, d) FROM t'",
            _E.READ,
            ("db:snowflake/*",),
        ),
        # SQL Server
        ("sqlcmd -Q 'DROP TABLE users'", _E.DELETE, ("db:mssql/*/users",)),
        ("sqlcmd -d shop -Q 'DROP TABLE [dbo].[users]'", _E.DELETE, ("db:mssql/shop/users",)),
        ("sqlcmd -Q 'DROP TABLE shop..orders'", _E.DELETE, ("db:mssql/shop/orders",)),
        ("sqlcmd -Q 'DROP TABLE shop.sales.orders'", _E.DELETE, ("db:mssql/shop/sales.orders",)),
        ("sqlcmd -Q 'DROP TABLE #tmp'", _E.DELETE, ("db:mssql/*/#tmp",)),
        ("sqlcmd -Q 'DROP DATABASE shop'", _E.DELETE, ("db:mssql/shop", "db:mssql/shop/*")),
        (
            "sqlcmd -Q \"RESTORE DATABASE shop FROM DISK = N'/b.bak'\"",
            _E.REPLACE,
            ("db:mssql/shop", "db:mssql/shop/*"),
        ),
        ("sqlcmd -Q \"SELECT GETDATE(), LEN('x'), ISNULL(a, 0) FROM t\"", _E.READ, ("db:mssql/*",)),
        (
            "sqlcmd -Q \"SELECT CASE WHEN a = 1 THEN 'x' ELSE 'y' END FROM t\"",
            _E.READ,
            ("db:mssql/*",),
        ),
        (
            "sqlcmd -Q 'CREATE TABLE t (id INT REFERENCES u(id) ON DELETE CASCADE)'",
            _E.CREATE,
            ("db:mssql/*/t",),
        ),
        (
            "sqlcmd -Q 'WITH x AS (SELECT 1 a) DELETE FROM t WHERE id IN (SELECT a FROM x)'",
            _E.DELETE,
            ("db:mssql/*/t",),
        ),
        ("sqlcmd -Q 'DROP TABLE $(T)' -v T=users", _E.DELETE, ("db:mssql/*/users",)),
        ("sqlcmd query 'DROP DATABASE shop'", _E.DELETE, ("db:mssql/shop", "db:mssql/shop/*")),
        ("sqlcmd -i /w/outer.sql", _E.DELETE, ("db:mssql/*/audit",)),
        # Trino / Presto
        (
            "trino --catalog hive --schema web --execute 'DROP TABLE clicks'",
            _E.DELETE,
            ("db:trino/hive/web.clicks",),
        ),
        ("trino --execute 'DROP TABLE hive.web.clicks'", _E.DELETE, ("db:trino/hive/web.clicks",)),
        (
            "trino --execute 'USE hive.web; DROP TABLE clicks'",
            _E.DELETE,
            ("db:trino/hive/web.clicks",),
        ),
        (
            "trino --execute 'DROP SCHEMA hive.web CASCADE'",
            _E.DELETE,
            ("db:trino/hive/web", "db:trino/hive/web.*"),
        ),
        ("trino --execute 'DROP CATALOG hive'", _E.DELETE, ("db:trino/hive", "db:trino/hive/*")),
        (
            "presto --execute 'DELETE FROM hive.web.t WHERE d < 1'",
            _E.DELETE,
            ("db:presto/hive/web.t",),
        ),
        (
            "trino --execute 'SELECT approx_distinct(u) FROM hive.web.clicks'",
            _E.READ,
            ("db:trino/*",),
        ),
        ("trino -f /w/select.sql", _E.READ, ("db:trino/*",)),
        # BigQuery
        ("bq ls", _E.READ, ("db:bigquery/*",)),
        ("bq ls analytics", _E.READ, ("db:bigquery/analytics",)),
        (
            "bq show --format=prettyjson analytics.events",
            _E.READ,
            ("db:bigquery/analytics/events",),
        ),
        ("bq head -n 10 analytics.events", _E.READ, ("db:bigquery/analytics/events",)),
        ("bq rm -f -t analytics.events", _E.DELETE, ("db:bigquery/analytics/events",)),
        ("bq rm -f 'analytics.events$20240101'", _E.DELETE, ("db:bigquery/analytics/events",)),
        ("bq rm -d analytics", _E.DELETE, ("db:bigquery/analytics",)),
        (
            "bq rm -r -f -d acme-prod:analytics",
            _E.DELETE,
            (
                "db:bigquery/analytics",
                "db:bigquery/analytics@acme-prod",
                "db:bigquery/analytics/*",
                "db:bigquery/analytics/*@acme-prod",
            ),
        ),
        ("bq rm -f p3:ds.t", _E.DELETE, ("db:bigquery/ds/t", "db:bigquery/ds/t@p3")),
        (
            "bq --project_id=p2 rm -f -t ds.t",
            _E.DELETE,
            ("db:bigquery/ds/t", "db:bigquery/ds/t@p2"),
        ),
        ("bq --dataset_id=ds rm -f t", _E.DELETE, ("db:bigquery/ds/t",)),
        ("bq rm -m ds.churn", _E.DELETE, ("db:bigquery/ds/model:churn",)),
        ("bq mk -d newds", _E.CREATE, ("db:bigquery/newds",)),
        ("bq mk -t ds.t schema.json", _E.CREATE, ("db:bigquery/ds/t",)),
        ("bq update --description x ds.t", _E.UPDATE, ("db:bigquery/ds/t",)),
        ("bq load --replace ds.t gs://b/f.csv", _E.REPLACE, ("db:bigquery/ds/t",)),
        ("bq load ds.t gs://b/f.csv", _E.CREATE, ("db:bigquery/ds/t",)),
        ("bq insert ds.t rows.json", _E.CREATE, ("db:bigquery/ds/t",)),
        (
            "bq --project_id=acme-prod query --use_legacy_sql=false 'DROP TABLE analytics.events'",
            _E.DELETE,
            ("db:bigquery/analytics/events", "db:bigquery/analytics/events@acme-prod"),
        ),
        (
            "bq query --nouse_legacy_sql 'DROP TABLE `other-proj.analytics.events`'",
            _E.DELETE,
            ("db:bigquery/analytics/events", "db:bigquery/analytics/events@other-proj"),
        ),
        (
            "bq query 'DELETE FROM my-proj.ds.t WHERE x'",
            _E.DELETE,
            ("db:bigquery/ds/t", "db:bigquery/ds/t@my-proj"),
        ),
        ("bq query 'DROP SCHEMA ds CASCADE'", _E.DELETE, ("db:bigquery/ds", "db:bigquery/ds/*")),
        (
            "bq query 'SELECT FORMAT_DATE(\"%Y\", d), COUNTIF(x) FROM ds.t'",
            _E.READ,
            ("db:bigquery/*",),
        ),
        ("bq query '#standardSQL\nDELETE FROM ds.t WHERE true'", _E.DELETE, ("db:bigquery/ds/t",)),
        ("bq query --dry_run 'DROP TABLE ds.t'", _E.READ, ("db:bigquery/*",)),
    ],
)
def test_meanings(command: str, kind: EffectKind, names: tuple[str, ...]) -> None:
    assert _meaning(command) == [(kind, names)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "cqlsh -e 'BEGIN BATCH INSERT INTO t (a) VALUES (1) DELETE FROM u WHERE k=1 "
            "APPLY BATCH'",
            [(_E.CREATE, ("db:cassandra/*/t",)), (_E.DELETE, ("db:cassandra/*/u",))],
        ),
        (
            # T-SQL needs no ';' between statements: the DROP after USE is seen, on prod.
            "sqlcmd -Q 'USE prod DROP TABLE users'",
            [(_E.DELETE, ("db:mssql/prod/users",))],
        ),
        (
            "sqlcmd -Q \"IF OBJECT_ID(N't') IS NOT NULL DROP TABLE t\"",
            [(_E.DELETE, ("db:mssql/*/t",))],
        ),
        (
            "sqlcmd -Q 'GRANT SELECT ON t TO u DELETE FROM t'",
            [
                (_E.UPDATE, ("db:mssql/*/t",)),
                (_E.UPDATE, ("db:mssql/role:u",)),
                (_E.DELETE, ("db:mssql/*/t",)),
            ],
        ),
        (
            "sqlcmd -Q 'ALTER TABLE t DROP COLUMN c ALTER TABLE u ADD d INT'",
            [(_E.DELETE, ("db:mssql/*/t/c", "db:mssql/*/t")), (_E.UPDATE, ("db:mssql/*/u",))],
        ),
        (
            "sqlcmd -S db.prod -i /w/batch.sql",
            [
                (_E.DELETE, ("db:mssql/shop/orders", "db:mssql/shop/orders@db.prod")),
                (_E.DELETE, ("db:mssql/*/users", "db:mssql/*/users@db.prod")),
            ],
        ),
        (
            "sqlcmd -i /w/shell.sql",
            [(_E.READ, ("db:mssql/*",)), (_E.DELETE, ("file:/srv/data", "file:/srv/data/*"))],
        ),
        (
            "snowsql -f /w/snow.sql",
            [
                (_E.DELETE, ("file:/srv/x", "file:/srv/x/*")),
                (_E.DELETE, ("db:snowflake/*/t",)),
                (_E.DELETE, ("db:snowflake/*/ks.t",)),
            ],
        ),
        (
            "snowsql -q 'COPY INTO t FROM @s PURGE = TRUE'",
            [
                (_E.CREATE, ("db:snowflake/*/t",)),
                (_E.READ, ("db:snowflake/*/stage:s",)),
                (_E.DELETE, ("db:snowflake/*/stage:s",)),
            ],
        ),
        (
            "snowsql -q 'COPY INTO @out FROM orders'",
            [(_E.UPDATE, ("db:snowflake/*/stage:out",)), (_E.READ, ("db:snowflake/*/orders",))],
        ),
        (
            "snowsql -q 'ALTER TABLE a SWAP WITH b'",
            [(_E.REPLACE, ("db:snowflake/*/a",)), (_E.REPLACE, ("db:snowflake/*/b",))],
        ),
        (
            "clickhouse-client -q 'EXCHANGE TABLES a AND b'",
            [(_E.REPLACE, ("db:clickhouse/*/a",)), (_E.REPLACE, ("db:clickhouse/*/b",))],
        ),
        (
            "clickhouse-client < /w/drop.cql",
            [(_E.DELETE, ("db:clickhouse/ks/t",)), (_E.READ, ("file:/w/drop.cql",))],
        ),
        (
            "bq cp -f a.t b.t",
            [(_E.READ, ("db:bigquery/a/t",)), (_E.REPLACE, ("db:bigquery/b/t",))],
        ),
        ("bq cp -a a.t b.t", [(_E.READ, ("db:bigquery/a/t",)), (_E.UPDATE, ("db:bigquery/b/t",))]),
        ("bq cp -n a.t b.t", [(_E.READ, ("db:bigquery/a/t",)), (_E.CREATE, ("db:bigquery/b/t",))]),
        (
            "bq extract ds.t gs://b/out/*.csv",
            [(_E.READ, ("db:bigquery/ds/t",)), (_E.UPDATE, ("gs://b/out/*.csv",))],
        ),
        (
            "bq query --destination_table=ds.out --replace 'SELECT 1'",
            [(_E.READ, ("db:bigquery/*",)), (_E.REPLACE, ("db:bigquery/ds/out",))],
        ),
        (
            "bq query --use_legacy_sql=false <<'EOF'\nDELETE FROM ds.t WHERE true\nEOF",
            [(_E.DELETE, ("db:bigquery/ds/t",))],
        ),
    ],
)
def test_several_effects(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert _meaning(command) == expected


@pytest.mark.parametrize(
    ("command", "env", "names"),
    [
        (
            "clickhouse-client -h ch.prod.internal -d analytics -q 'DROP TABLE events'",
            {},
            ("db:clickhouse/analytics/events", "db:clickhouse/analytics/events@ch.prod.internal"),
        ),
        (
            "clickhouse-client -q 'DROP TABLE events'",
            {"CLICKHOUSE_HOST": "ch.prod"},
            ("db:clickhouse/*/events", "db:clickhouse/*/events@ch.prod"),
        ),
        (
            "clickhouse-client clickhouse://u:pw@ch.prod:9000/sales -q 'DROP TABLE t'",
            {},
            ("db:clickhouse/sales/t", "db:clickhouse/sales/t@ch.prod"),
        ),
        (
            "cqlsh cass.prod 9042 -e 'DROP TABLE ks.t'",
            {},
            ("db:cassandra/ks/t", "db:cassandra/ks/t@cass.prod"),
        ),
        (
            "cqlsh -e 'DROP TABLE ks.t'",
            {"CQLSH_HOST": "10.1.2.3"},
            ("db:cassandra/ks/t", "db:cassandra/ks/t@10.1.2.3"),
        ),
        (
            "snowsql -a acme-prod -d a -q 'DROP TABLE t'",
            {},
            ("db:snowflake/a/t", "db:snowflake/a/t@acme-prod"),
        ),
        (
            "snowsql -c prod -q 'DROP TABLE t'",
            {},
            ("db:snowflake/*/t", "db:snowflake/*/t@prod"),
        ),
        (
            "sqlcmd -S tcp:db.prod,1433 -d shop -Q 'DROP TABLE t'",
            {},
            ("db:mssql/shop/t", "db:mssql/shop/t@db.prod"),
        ),
        (
            "sqlcmd -Q 'DROP TABLE t'",
            {"SQLCMDSERVER": "sql01\\PROD", "SQLCMDDBNAME": "erp"},
            ("db:mssql/erp/t", "db:mssql/erp/t@sql01"),
        ),
        (
            "trino http://trino.prod:8080/hive/web --execute 'DROP TABLE clicks'",
            {},
            ("db:trino/hive/web.clicks", "db:trino/hive/web.clicks@trino.prod"),
        ),
        (
            "bq rm -f -t ds.t",
            {"CLOUDSDK_CORE_PROJECT": "acme-prod"},
            ("db:bigquery/ds/t", "db:bigquery/ds/t@acme-prod"),
        ),
    ],
)
def test_the_server_adds_a_name_with_its_host(
    command: str, env: dict[str, str], names: tuple[str, ...]
) -> None:
    effects = _effects(command, **env)
    assert [e.resource.names for e in effects] == [names]


def test_the_password_never_reaches_a_name() -> None:
    for command in (
        "clickhouse-client clickhouse://u:hunter2@ch:9000/db -q 'DROP TABLE t'",
        "clickhouse-client --password hunter2 -q 'DROP TABLE t'",
    ):
        names = [n for e in _effects(command) for n in e.resource.names]
        assert names and not [n for n in names if "hunter2" in n], command


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("cqlsh -e 'DELETE FROM ks.t WHERE id = 1'", "rows matching WHERE"),
        ("clickhouse-client -q 'ALTER TABLE t DELETE WHERE 1 = 1'", "every row"),
        ("bq rm -r -f -d analytics", "-r: and every table in it; -f: without asking"),
        ("bq cp -f a.t b.t", "overwrites the destination"),
        ("snowsql -q 'CREATE OR REPLACE SCHEMA s'", "OR REPLACE"),
        ("sqlcmd -Q 'RESTORE DATABASE shop FROM DISK = 1'", "replaces the database"),
    ],
)
def test_details_say_what_is_at_stake(command: str, words: str) -> None:
    assert any(words in e.detail for e in _effects(command)), [e.detail for e in _effects(command)]


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ('clickhouse-client -q "$Q"', "decided at run time"),
        ("clickhouse-client", "interactive"),
        ("clickhouse-client -q 'DROP TABLE {t:Identifier}'", "without a name"),
        ("clickhouse-client -q 'SYSTEM SHUTDOWN'", "SYSTEM statement"),
        ("clickhouse-client -q \"INSERT INTO FUNCTION file('x.csv') SELECT 1\"", "table function"),
        ("clickhouse-client -q \"SELECT * FROM url('http://x', CSV)\"", "does not know"),
        ("clickhouse local -q 'SELECT 1'", "local file"),
        ("clickhouse-local --query 'SELECT 1'", "local file"),
        ("cqlsh", "interactive"),
        ("cqlsh -f /w/missing.cql", "could not be read"),
        ("cqlsh -e \"CAPTURE '/tmp/out'\"", "local file"),
        ("some | cqlsh", "piped in"),
        ("snowsql -q 'GET @s file:///tmp/out'", "local directory"),
        ("snowsql -o variable_substitution=true -q 'DROP TABLE &t'", "no value"),
        ("snowsql -q 'CALL purge()'", "stored procedure"),
        ("sqlcmd -Q 'DROP TABLE $(T)'", "no value"),
        ("sqlcmd -Q 'EXEC sp_who'", "prepared or dynamic"),
        ("sqlcmd -Q 'BACKUP DATABASE x TO DISK = 1'", "BACKUP"),
        ("sqlcmd -Q 'SELECT 1' -q x", "statement not understood"),
        ('trino --execute "$Q"', "decided at run time"),
        ('bq query "$Q"', "decided at run time"),
        ('bq rm "$T"', "decided at run time"),
    ],
)
def test_what_cannot_be_known_is_unknown_with_the_reason(command: str, reason: str) -> None:
    effects = _effects(command)
    unknown = [e for e in effects if e.effect is _E.UNKNOWN]
    assert unknown, command
    assert any(reason in e.detail for e in unknown), [e.detail for e in unknown]


@pytest.mark.parametrize(
    "command",
    [
        "clickhouse server",
        "clickhouse",
        "sqlcmd create mssql",
        "sqlcmd delete",
        "bq",
        "bq cancel job1",
        "bq shell",
        "bq rm ds.t extra",
        "bq mk --transfer_config --data_source=x",
        "bq rm --reservation r1",
    ],
)
def test_forms_not_understood_are_unknown(command: str) -> None:
    assert [e.effect for e in _effects(command)] == [_E.UNKNOWN], command


@pytest.mark.parametrize(
    "command",
    [
        "clickhouse-client --help",
        "clickhouse-client --version",
        "cqlsh --help",
        "snowsql --version",
        "sqlcmd -?",
        "trino --version",
        "bq help",
        "bq version",
    ],
)
def test_help_and_version_only_print(command: str) -> None:
    assert [e.effect for e in _effects(command)] == [_E.READ], command


PROTECTING = protecting(
    "db:clickhouse/prod/*",
    "db:cassandra/*/orders",
    "db:bigquery/analytics/*",
    "db:mssql/*/users",
    "db:snowflake/a/users",
)


@pytest.mark.parametrize(
    ("command", "env", "expected"),
    [
        ("clickhouse-client -q 'DROP DATABASE prod'", "dev", Verdict.DENY),
        ("clickhouse-client -q 'TRUNCATE TABLE prod.events'", "dev", Verdict.DENY),
        ("clickhouse-client -q 'DROP TABLE staging.events'", "dev", Verdict.ALLOW),
        ("clickhouse-client -q 'SELECT * FROM prod.events'", "production", Verdict.ALLOW),
        ("cqlsh -e 'DROP KEYSPACE shop'", "dev", Verdict.DENY),  # holds shop.orders
        ("cqlsh -e 'TRUNCATE shop.orders'", "dev", Verdict.DENY),
        ("cqlsh -e 'TRUNCATE shop.carts'", "dev", Verdict.ALLOW),
        ("bq rm -r -f -d analytics", "dev", Verdict.DENY),
        ("bq query --nouse_legacy_sql 'DROP TABLE `p.analytics.t`'", "dev", Verdict.DENY),
        ("bq ls analytics", "production", Verdict.ALLOW),
        ("sqlcmd -Q 'USE shop DROP TABLE [dbo].[users]'", "dev", Verdict.DENY),
        ("sqlcmd -Q 'SELECT * FROM users'", "dev", Verdict.ALLOW),
        # dbo, the default schema, holds users: swapped or replaced, it goes with it.
        ("sqlcmd -d shop -Q 'DROP SCHEMA dbo'", "dev", Verdict.DENY),
        ("snowsql -d a -q 'ALTER SCHEMA public SWAP WITH staging'", "dev", Verdict.DENY),
        ("snowsql -d a -q 'CREATE OR REPLACE SCHEMA public'", "dev", Verdict.DENY),
        ("snowsql -d a -q 'CREATE OR REPLACE SCHEMA raw'", "dev", Verdict.ALLOW),
    ],
)
def test_under_a_policy_protecting_tables(
    command: str, env: str, expected: Verdict, judge_brief: JudgeBrief
) -> None:
    decision = judge_brief(command, env=env, policy=PROTECTING)
    assert decision.decision is expected, (command, decision.describe())


@pytest.mark.parametrize(
    ("command", "env", "expected", "approvals"),
    [
        ("bq ls", None, Verdict.ALLOW, 0),
        ("clickhouse-client -q 'SELECT count() FROM events'", None, Verdict.ALLOW, 0),
        ("clickhouse-client -q 'DROP TABLE t'", "dev", Verdict.ALLOW, 0),
        # the host names the environment: *prod*
        ("clickhouse-client -h ch.prod.internal -q 'DROP TABLE t'", None, Verdict.ASK, 2),
        ("snowsql -a acme-prod -q 'DROP TABLE t'", None, Verdict.ASK, 2),
        ("cqlsh -e 'DROP KEYSPACE prod'", None, Verdict.ASK, 2),
        ("sqlcmd -S db.staging -Q 'INSERT INTO t VALUES (1)'", "staging", Verdict.ALLOW, 0),
        ("trino --execute 'DROP TABLE hive.web.t'", "staging", Verdict.ASK, 2),
        ('clickhouse-client -q "$Q"', "production", Verdict.DENY, 0),
        ('clickhouse-client -q "$Q"', "dev", Verdict.ASK, 1),
    ],
)
def test_under_the_brief_policy(
    command: str, env: str | None, expected: Verdict, approvals: int, judge_brief: JudgeBrief
) -> None:
    decision = judge_brief(command, env=env)
    assert decision.decision is expected, (command, decision.describe())
    assert decision.approvals_required == approvals, (command, decision.describe())
    assert PROTECTING != BRIEF_POLICY


_WORDS = (
    "-q", "-e", "-f", "-d", "-h", "-Q", "-i", "-S", "-v", "-c", "-n", "-r", "-t", "--query",
    "--execute", "--catalog", "--server", "--queries-file", "--param_x=1", "query", "rm", "cp",
    "ls", "mk", "load", "client", "local", "x", "a=b", "$X", "DROP TABLE t", "'{x:Identifier}'",
    "$(V)", "&v", ":r", "GO", "@s", "clickhouse://h/d", "http://h:1/c/s", "--replace",
)  # fmt: skip


@pytest.mark.parametrize(
    "program",
    ["clickhouse-client", "clickhouse", "cqlsh", "snowsql", "sqlcmd", "trino", "presto", "bq"],
)
def test_any_arguments_give_effects_and_no_handler_failure(program: str) -> None:
    for size in range(5):
        for start in range(len(_WORDS)):
            words = [_WORDS[(start + k * 7) % len(_WORDS)] for k in range(size)]
            command = " ".join([program, *(shlex.quote(w) for w in words)])
            effects = _effects(command)
            assert effects, command
            assert not [e for e in effects if "could not understand" in e.detail], command


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "clickhouse-client -q 'OPTIMIZE TABLE db.events FINAL DEDUPLICATE BY id'",
            [(_E.DELETE, ("db:clickhouse/db/events",))],
        ),
        (
            "clickhouse-client -q 'OPTIMIZE TABLE db.events FINAL'",
            [(_E.UPDATE, ("db:clickhouse/db/events",))],
        ),
        (
            "clickhouse-client -q 'ALTER TABLE db.events MODIFY TTL d + INTERVAL 1 DAY'",
            [(_E.DELETE, ("db:clickhouse/db/events",))],
        ),
        (
            "clickhouse-client -q 'ALTER TABLE db.events MATERIALIZE TTL'",
            [(_E.DELETE, ("db:clickhouse/db/events",))],
        ),
        (
            "clickhouse-client -q 'ALTER TABLE db.events MOVE PARTITION 2024 TO TABLE db.old'",
            [(_E.DELETE, ("db:clickhouse/db/events",)), (_E.UPDATE, ("db:clickhouse/db/old",))],
        ),
        (
            "clickhouse-client -q \"ALTER TABLE db.events MOVE PARTITION 2024 TO DISK 'cold'\"",
            [(_E.UPDATE, ("db:clickhouse/db/events",))],
        ),
        (
            "snowsql -q 'ALTER DATABASE prod SWAP WITH staging'",
            [
                (_E.REPLACE, ("db:snowflake/prod", "db:snowflake/prod/*")),
                (_E.REPLACE, ("db:snowflake/staging", "db:snowflake/staging/*")),
            ],
        ),
        (
            "snowsql -q 'ALTER SCHEMA IF EXISTS prod.app SWAP WITH prod.app_next'",
            [
                (_E.REPLACE, ("db:snowflake/prod/app", "db:snowflake/prod/app.*")),
                (_E.REPLACE, ("db:snowflake/prod/app_next", "db:snowflake/prod/app_next.*")),
            ],
        ),
        (
            "snowsql -q 'CREATE OR ALTER TABLE prod.public.users (id int)'",
            [(_E.DELETE, ("db:snowflake/prod/users",))],
        ),
        (
            "bq update --expiration 3600 ds.t",
            [(_E.DELETE, ("db:bigquery/ds/t",))],
        ),
        (
            "bq update --time_partitioning_expiration=86400 ds.t",
            [(_E.DELETE, ("db:bigquery/ds/t",))],
        ),
        (
            "bq update --expiration 0 --description x ds.t",
            [(_E.UPDATE, ("db:bigquery/ds/t",))],
        ),
    ],
)
def test_statements_that_lose_data_while_reading_as_maintenance(
    command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]
) -> None:
    assert _meaning(command) == expected


def test_a_ttl_set_on_a_cluster_deletes_too() -> None:
    found = _meaning("clickhouse-client -q 'ALTER TABLE db.e ON CLUSTER c MODIFY TTL d'")
    assert (_E.DELETE, ("db:clickhouse/db/e",)) in found


@pytest.mark.parametrize(
    ("command", "files", "expected"),
    [
        (
            "bq rm -f -t ds.t",
            {"/home/u/.bigqueryrc": "--project_id=acme-prod\n[query]\n--nouse_legacy_sql\n"},
            [(_E.DELETE, ("db:bigquery/ds/t", "db:bigquery/ds/t@acme-prod"))],
        ),
        (
            "BIGQUERYRC=/w/rc bq rm -f -t t",
            {"/w/rc": "project_id = p1\ndataset_id = ds\n"},
            [(_E.DELETE, ("db:bigquery/ds/t", "db:bigquery/ds/t@p1"))],
        ),
        (
            "snowsql -q 'TRUNCATE TABLE t'",
            {"/home/u/.snowsql/config": "[connections]\naccountname = acct\ndbname = db1\n"},
            [(_E.DELETE, ("db:snowflake/db1/t", "db:snowflake/db1/t@acct"))],
        ),
        (
            "snowsql -c other -q 'TRUNCATE TABLE t'",
            {
                "/home/u/.snowsql/config": "[connections]\ndbname = db1\n"
                "[connections.other]\ndbname = db2\n"
            },
            [(_E.DELETE, ("db:snowflake/db2/t", "db:snowflake/db2/t@other"))],
        ),
        (
            "snowsql -D n=t -q 'TRUNCATE TABLE x_&n'",
            {"/etc/snowsql.cnf": "[options]\nvariable_substitution = true\n"},
            [(_E.DELETE, ("db:snowflake/*/x_t",))],
        ),
    ],
)
def test_the_clients_config_files_name_the_target(
    command: str, files: dict[str, str], expected: list[tuple[EffectKind, tuple[str, ...]]]
) -> None:
    found = understand_shell(command, cwd="/w", home="/home/u", files=MemoryFiles(files))
    assert [(e.effect, e.resource.names) for e in found.effects] == expected
