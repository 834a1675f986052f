"""Data-warehouse and analytics SQL clients: ``clickhouse-client`` (and ``clickhouse client``),
``cqlsh``, ``snowsql``, ``sqlcmd``, ``trino``/``presto``; ``bq`` is in :mod:`._warehouse_bq`.

The SQL they run (``-q``/``-e``/``--execute``/``-Q`` text, ``-f``/``-i``/``--queries-file``
files read through ``ctx.files``, or stdin: a heredoc or ``< file``) is judged by keyturn's SQL
understanding with each engine's dialect and name rules (:mod:`._warehouse_sql`), exactly as
``psql -c`` is: a DROP or TRUNCATE is a delete of what it names, a SELECT a read.

Names: ``db:<engine>/<database>[/<table>]`` -- engines ``clickhouse``, ``cassandra`` (the
keyspace is the database), ``snowflake`` (``<schema>.<table>`` inside the database), ``mssql``,
``trino`` (the catalog is the database, ``<schema>.<table>`` in it), ``bigquery`` (the dataset;
the project is the ``@`` name). When the server is known (``-h``/``--host``, a connection string,
``-S``, ``--server``, ``-a`` account, ``CLICKHOUSE_HOST``, ``CQLSH_HOST``, ``SQLCMDSERVER``...)
every resource has a second name ``<name>@<host>`` (``db:clickhouse/prod/events@ch.prod.internal``)
so that ``resources: ["*prod*"]`` tells the environment by host or by database name.

Unknown, with the reason: SQL decided at run time (``-q "$Q"``), a file that cannot be read, an
interactive session, text piped from a command, a ``$(var)`` or ``&var`` without a value,
statements keyturn does not read (``SYSTEM ...``, ``BACKUP``, ``EXECUTE``), functions it does
not know, sqlcmd's ``:connect``/``:out``/``:ed``; ``clickhouse local``/``clickhouse-local``
(SQL over any local file).
"""

from __future__ import annotations

import contextlib
import re
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands import _warehouse_bq  # noqa: F401  (registers bq)
from keyturn.understand.shell.commands._argv import Arg, Spec, parse, setting
from keyturn.understand.shell.commands._kv_store import server_hosts
from keyturn.understand.shell.commands._warehouse_scripts import snowsql, sqlcmd
from keyturn.understand.shell.commands._warehouse_sql import Client
from keyturn.understand.shell.effects import command_effect, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

__all__ = ["clickhouse", "cqlsh", "snowsql", "sqlcmd", "trino"]

_PRINTS = "only prints help or the version"

_CH_LONG = {
    "host": "h",
    "query": "q",
    "database": "d",
    "user": "u",
    "format": "f",
    "config-file": "C",
    "config": "C",
    "multiquery": "n",
    "multiline": "m",
    "help": "help",
    "version": "V",
}
_CH_VALUED = frozenset("hqdufCc") | {"port", "queries-file", "query_id", "history_file", "stage"}
_CH_VALUED_LONG = {"connection", "log-level", "send_logs_level", "server_logs_file", "jwt"}
_CH_FLAGS = frozenset(
    {"n", "m", "t", "E", "s", "A", "V", "help", "time", "vertical", "secure", "stacktrace"}
    | {"progress", "echo", "disable_suggestion", "verbose", "ignore-error", "no-warnings"}
    | {"print-profile-events", "highlight", "hardware-utilization", "ask-password"}
)
_PARAM = re.compile(r"\{\s*([A-Za-z_]\w*)\s*:\s*([^{}]+?)\s*\}")


@command("clickhouse-client", "clickhouse")
def clickhouse(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``clickhouse-client [-h HOST] [-d DB] [-q SQL]... [--queries-file F...] [--param_x=v]
    [clickhouse://...]`` and ``clickhouse client ...``; ``clickhouse local`` is unknown."""
    if cmd.name == "clickhouse":
        sub = cmd.argv[1] if len(cmd.argv) > 1 else ""
        if sub == "local":
            return [_local(cmd, ctx)]
        if sub != "client":
            return None
    start = 2 if cmd.name == "clickhouse" else 1
    client = Client("clickhouse", cmd, ctx, host=setting(cmd, ctx.env, "CLICKHOUSE_HOST"))
    queries, files, params, printing = _clickhouse_args(cmd, start, client)
    if printing and not queries and not files:
        return [command_effect(EffectKind.READ, cmd, ctx, detail=_PRINTS)]
    for arg in queries:
        client.text(Arg(arg.key, _with_params(arg.value, params), arg.index))
    for path in files:
        client.file(path)
    if not queries and not files:
        client.stdin()  # without a query, stdin holds the SQL (with one, it holds data)
    return client.done()


def _clickhouse_args(
    cmd: SimpleCommand, start: int, client: Client
) -> tuple[list[Arg], list[str], dict[str, str], bool]:
    """The query texts, query files, ``--param_*`` values (those known now) and whether it
    only prints help or the version; the host and database go to ``client``."""
    argv, queries, files, params = cmd.argv, [], [], {}
    printing, i, in_files = False, start, False
    while i < len(argv):
        word, taken = argv[i], ""
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            key = _CH_LONG.get(name, name)
            valued = key in _CH_VALUED or key in _CH_VALUED_LONG or key.startswith("param_")
            settable = key not in _CH_FLAGS and not valued  # --max_threads 8: a setting
            if not eq and i + 1 < len(argv) and (valued or (settable and argv[i + 1][:1] != "-")):
                value, i = argv[i + 1], i + 1
            taken = key
        elif word.startswith("-") and len(word) > 1:
            key, value = word[1], word[2:]
            if key in _CH_VALUED and not value and i + 1 < len(argv):
                value, i = argv[i + 1], i + 1
            taken = key
        else:
            key, value = "", word
        in_files = (in_files and not taken) or key == "queries-file"
        printing = printing or key in ("V", "help")
        if key == "q" or (not taken and not in_files and not value.startswith("clickhouse:")):
            queries.append(Arg("q", value, i))
        elif key == "queries-file" or (not taken and in_files):
            files.append(value)
        elif key.startswith("param_"):
            if i not in cmd.dynamic_words:
                params[key[6:]] = value
        elif key == "h":
            client.host = value or client.host
        elif key == "d":
            client.database = value or client.database
        elif not taken and value.startswith("clickhouse:"):
            _connection_string(value, client)
        i += 1
    return queries, files, params, printing


def _connection_string(text: str, client: Client) -> None:
    """``clickhouse://[user[:password]@]host[:port][/database][?...]`` (the password is not
    kept)."""
    parts = urlsplit(text if "//" in text else text.replace(":", "://", 1))
    with contextlib.suppress(ValueError):
        client.host = parts.hostname or client.host
    client.database = parts.path.strip("/") or client.database


def _with_params(sql: str, params: dict[str, str]) -> str:
    """``{name:Type}`` placeholders with the values ``--param_name`` gives: an identifier as a
    quoted name, anything else as a string (a placeholder without a value stays, and a name
    that is one is then not known)."""

    def value(m: re.Match[str]) -> str:
        found = params.get(m.group(1))
        if found is None:
            return m.group(0)
        if m.group(2).lower() == "identifier":
            return "`" + found.replace("`", "``") + "`"
        return "'" + found.replace("\\", "\\\\").replace("'", "\\'") + "'"

    return _PARAM.sub(value, sql)


@command("clickhouse-local")
def clickhouse_local(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``clickhouse-local``: SQL over local files (and it can write them): unknown."""
    return [_local(cmd, ctx)]


def _local(cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    why = "clickhouse local runs SQL over any local file and can write files: not judged"
    return unknown_effect(cmd, why, ctx)


_CQLSH = Spec(
    short="efkupb",
    long={
        "execute": "e",
        "file": "f",
        "keyspace": "k",
        "username": "u",
        "password": "p",
        "secure-connect-bundle": "b",
    },
    long_valued=frozenset({"cqlshrc", "encoding", "credentials", "cqlversion", "browser"})
    | {"protocol-version", "connect-timeout", "request-timeout"},
)


@command("cqlsh")
def cqlsh(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cqlsh [-k KEYSPACE] [-e CQL | -f FILE] [HOST [PORT]]`` (CQL on stdin otherwise)."""
    args = parse(cmd, _CQLSH)
    if args.has("help", "h", "version"):
        return [command_effect(EffectKind.READ, cmd, ctx, detail=_PRINTS)]
    host = args.operands[0].value if args.operands else setting(cmd, ctx.env, "CQLSH_HOST")
    client = Client("cassandra", cmd, ctx, host=_host_only(host))
    keyspace = args.last("k")
    client.database = keyspace.value if keyspace else None
    client.given(args.all("e", "f"), text_key="e")
    return client.done()


def _host_only(address: str | None) -> str | None:
    hosts = server_hosts(address)
    return hosts[0] if hosts else None


_TRINO = Spec(
    short="f",
    long={"file": "f"},
    long_valued=frozenset({"server", "catalog", "schema", "execute", "user", "session"})
    | {"output-format", "source", "client-tags", "client-info", "access-token", "timezone"}
    | {"extra-credential", "resource-estimate", "krb5-principal", "krb5-config-path"}
    | {"krb5-keytab-path", "krb5-credential-cache-path", "keystore-path", "truststore-path"}
    | {"keystore-password", "truststore-password", "http-proxy", "socks-proxy", "trace-token"}
    | {"client-request-timeout", "path", "network-logging", "editing-mode", "config"},
)


@command("trino", "presto", "trino-cli", "presto-cli")
def trino(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``trino [--server URL] [--catalog C] [--schema S] [--execute SQL | -f FILE] [URL]``."""
    args = parse(cmd, _TRINO)
    if args.has("help", "version", "h"):
        return [command_effect(EffectKind.READ, cmd, ctx, detail=_PRINTS)]
    engine = "presto" if cmd.name.startswith("presto") else "trino"
    client = Client(engine, cmd, ctx)
    for url in [a.value for a in args.operands[:1]] + [a.value for a in args.all("server")]:
        client.host = _host_only(url) or client.host
        path = [p for p in urlsplit(url).path.split("/") if p] if "://" in url else []
        client.database = path[0] if path else client.database
        client.schema = path[1] if len(path) > 1 else client.schema
    catalog, schema = args.last("catalog"), args.last("schema")
    client.database = catalog.value if catalog else client.database
    client.schema = schema.value if schema else client.schema
    client.given(args.all("execute", "f"), text_key="execute")
    return client.done()
