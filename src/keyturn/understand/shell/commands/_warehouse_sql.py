"""Judging the SQL a warehouse client runs: ClickHouse, Cassandra's CQL, Snowflake, SQL Server
(T-SQL), Trino/Presto and BigQuery, through keyturn's SQL understanding
(:mod:`keyturn.understand.sql`), as :mod:`.sql_clients` does for ``psql``/``mysql``.

What differs from :func:`keyturn.understand.sql.sql_effects`, and why it is wrapped here:
- Names resolve the way each engine does (:class:`WarehouseSession`): ``db.table`` is a database
  and a table in ClickHouse and CQL (a keyspace is the database); ``db.schema.table`` in
  Snowflake and SQL Server (default schemas ``public``/``dbo`` dropped); ``catalog.schema.table``
  in Trino (the catalog is the database); ``project.dataset.table`` in BigQuery (the dataset is
  the database, the project the second name's ``@<project>``, as a host is for the SQL clients).
- Statement forms of the dialects (``DROP KEYSPACE``, CQL batches, ``ALTER TABLE ... DELETE``,
  Snowflake stages, T-SQL without semicolons) are rewritten or judged in
  :mod:`._warehouse_dialects`.
- Well-known pure functions of each engine (``toDate``, ``uniq``, ``DATEADD``...) are not
  reported as unknown functions; any other function still is.
- Deleting or replacing a whole database or schema is also named by what it holds
  (``db:clickhouse/prod/*``), so a protected table inside it is reached.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._argv import Arg, is_dynamic, with_command
from keyturn.understand.shell.commands._warehouse_dialects import judge_statement, statements
from keyturn.understand.shell.commands._warehouse_functions import is_pure
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve
from keyturn.understand.sql import unique_effects
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.statements import session_only
from keyturn.understand.sql.tokens import Dialect, readings, scan

# Engines whose names are database.table; the others are database.schema.table.
_TWO_LEVEL = frozenset({"clickhouse", "cassandra"})
_DEFAULT_SCHEMA = {"snowflake": "public", "mssql": "dbo"}
# MySQL's reading: backslash escapes in strings, '#' comments (ClickHouse and BigQuery too).
_HASH_READING = Dialect(backslash=True, postgres=False, hash_comments=True)


@dataclass(slots=True)
class WarehouseSession(Session):
    """A :class:`Session` that resolves names as its engine does; ``schema`` is the current
    schema when the client names one (``snowsql -s``, ``trino --schema``)."""

    schema: str = ""

    def resolve(self, parts: Sequence[str]) -> tuple[str, str]:
        """(database, object name) of a qualified name, as the engine resolves it."""
        found = [p for part in parts for p in _split(part, self.engine)]
        found = [p for p in found if p] or ["*"]
        if self.engine in _TWO_LEVEL:
            return (self.database, found[0]) if len(found) == 1 else (found[-2], found[-1])
        if self.engine == "bigquery":
            return (self.database, found[0]) if len(found) == 1 else (found[-2], found[-1])
        if len(found) == 1:
            return self.database, self._in_schema(self.schema, found[0])
        if len(found) == 2:
            return self.database, self._in_schema(found[0], found[1])
        return found[-3], self._in_schema(found[-2], found[-1])

    def _in_schema(self, schema: str, name: str) -> str:
        if not schema or schema == _DEFAULT_SCHEMA.get(self.engine):
            return name
        return f"{schema}.{name}"

    def object_resource(self, parts: Sequence[str], type_: str) -> Resource:
        """A table-like object; a schema is named in its database (``DROP SCHEMA
        hive.web``: ``db:trino/hive/web``); a BigQuery name with its project names that
        project."""
        found = [p for part in parts for p in _split(part, self.engine) if p]
        if type_ == "schema" and found:
            database = found[-2] if len(found) >= 2 else self.database
            return self.named(f"db:{self.engine}/{database}/{found[-1]}", type_)
        resource = Session.object_resource(self, parts, type_)
        if self.engine == "bigquery" and len(found) >= 3 and found[-3] != self.host:
            primary = resource.names[0]
            return Resource((primary, f"{primary}@{found[-3]}"), type=type_)
        return resource

    def stage_resource(self, parts: Sequence[str]) -> Resource:
        """A Snowflake stage (``@name``, ``@db.schema.name``, ``@%table``, ``@~``)."""
        database, name = self.resolve(parts)
        return self.named(f"db:{self.engine}/{database}/stage:{name}", "stage")

    def named(self, primary: str, type_: str) -> Resource:
        """A resource named ``primary``, and ``primary@host`` when the host is known."""
        return self._resource(primary, type_)


def _split(part: str, engine: str) -> list[str]:
    """BigQuery quotes a whole path in one pair of backticks (```p.d.t```, legacy ``p:d.t``)."""
    if engine != "bigquery":
        return [part]
    return part.replace(":", ".").split(".")


def judge_sql(
    sql: str,
    *,
    engine: str,
    database: str | None,
    ctx: ShellContext,
    host: str | None = None,
    schema: str = "",
) -> list[Effect]:
    """The effects of running ``sql`` on ``database`` (``*`` when not known) of ``engine``
    (``clickhouse``, ``cassandra``, ``snowflake``, ``mssql``, ``trino``, ``bigquery``). Never
    raises; never returns nothing."""
    session = WarehouseSession(engine, database or "*", host, ctx.target, schema=schema)
    effects: list[Effect] = []
    try:
        for dialect in _readings(sql, engine):
            session.database, session.schema = database or "*", schema
            for found in scan(sql, dialect):
                for statement in statements(found, engine):
                    if statement:
                        effects += judge_statement(statement, session)
    except RecursionError:
        return [session.unknown("SQL nested too deeply to read")]
    effects = [e for e in effects if not _pure_call(e, engine)]
    return _widened(unique_effects(effects), host) or [session_only(session)]


def _readings(sql: str, engine: str) -> list[Dialect]:
    """The quoting readings to judge (the effects of all are kept): the SQL understanding's
    own, plus MySQL's for ClickHouse, which also takes ``#`` comments and backslash escapes;
    BigQuery's own (``#`` always starts a comment), and without escapes when backslashes
    occur."""
    if engine == "bigquery":
        plain = Dialect(backslash=False, postgres=False, hash_comments=True)
        return [_HASH_READING, *([plain] if "\\" in sql else [])]
    found = readings(sql, engine=engine)
    if engine == "clickhouse" and _HASH_READING not in found:
        found.append(_HASH_READING)
    return found


def _pure_call(effect: Effect, engine: str) -> bool:
    """Whether ``effect`` is the SQL understanding's "unknown function" for a call of one of
    ``engine``'s well-known pure functions (an unqualified name: ``sql:todate()``)."""
    if effect.effect is not EffectKind.UNKNOWN or not effect.operation:
        return False
    operation = effect.operation
    if not (operation.startswith("sql:") and operation.endswith("()")):
        return False
    return is_pure(operation[4:-2], engine)


_WIDE_KINDS = frozenset({EffectKind.DELETE, EffectKind.REPLACE})
_WIDE_SUFFIX = {"database": "/*", "schema": ".*"}
_WIDE_ENDS = ("/*", ".*")


def _widened(effects: list[Effect], host: str | None) -> list[Effect]:
    """Deletes and replacements of a database or schema also named by everything in it. The
    drops, swaps, truncations, restores and ``OR REPLACE`` name it already, through the SQL
    understanding's :func:`~keyturn.understand.sql.ddl.dropped_resource` (which knows that
    the default schema holds the names without one); this covers the rest of its statements
    that act on a whole database (``DROP OWNED``)."""
    out: list[Effect] = []
    tail = f"@{host}" if host else ""
    for effect in effects:
        suffix = _WIDE_SUFFIX.get(effect.resource.type)
        wide = any(n.removesuffix(tail).endswith(_WIDE_ENDS) for n in effect.resource.names)
        if effect.effect in _WIDE_KINDS and suffix and not wide:
            names = list(effect.resource.names)
            for name in effect.resource.names:
                served = bool(tail) and name.endswith(tail)
                base = name[: -len(tail)] if served else name
                names.append(f"{base}{suffix}{tail if served else ''}")
            resource = Resource(tuple(dict.fromkeys(names)), type=effect.resource.type)
            effect = evolve(effect, resource=resource)
        out.append(effect)
    return out


@dataclass(slots=True)
class Client:
    """Where a warehouse client connects, and the SQL it is given (text, files, stdin)."""

    engine: str
    cmd: SimpleCommand
    ctx: ShellContext
    database: str | None = None
    host: str | None = None
    schema: str = ""
    effects: list[Effect] = field(default_factory=list)

    def session(self) -> WarehouseSession:
        return WarehouseSession(
            self.engine, self.database or "*", self.host, self.ctx.target, schema=self.schema
        )

    def unknown(self, reason: str) -> None:
        self.effects.append(self.session().unknown(reason))

    def run(self, sql: str) -> None:
        """Judge ``sql``."""
        self.effects += judge_sql(
            sql,
            engine=self.engine,
            database=self.database,
            ctx=self.ctx,
            host=self.host,
            schema=self.schema,
        )

    def text(self, arg: Arg) -> None:
        """Judge the SQL text of an option (``-q SQL``), unknown when decided at run time."""
        if is_dynamic(self.cmd, arg):
            self.unknown("runs SQL text decided at run time")
        else:
            self.run(arg.value)

    def file(self, path: str, run: Callable[[str], None] | None = None) -> None:
        """Judge the SQL in the file ``path`` (unknown when it cannot be read), by ``run``
        when given (a client's script reader), else as SQL."""
        absolute = normalize_path(path, cwd=self.ctx.cwd)
        text = self.ctx.files.read_text(absolute)
        if text is None:
            self.unknown(f"runs SQL from {absolute}, which could not be read")
        else:
            (run or self.run)(text)

    def stdin(self, run: Callable[[str], None] | None = None) -> None:
        """Judge the SQL fed on stdin (a heredoc, ``< file``), or say why it is not known."""
        for redirect in self.cmd.redirects:
            if redirect.op in ("<", "<>"):
                if redirect.dynamic:
                    self.unknown("reads SQL from a file decided at run time")
                else:
                    self.file(redirect.target, run)
                return
        if self.cmd.stdin_text is not None:
            (run or self.run)(self.cmd.stdin_text)
        elif self.cmd.stdin_dynamic:
            self.unknown(f"{self.cmd.name} runs SQL piped in, not known now")
        else:
            self.unknown(f"interactive {self.cmd.name}: the statements are not known")

    def given(self, args: Sequence[Arg], *, text_key: str) -> None:
        """Judge the SQL of each option in order -- its text for ``text_key`` (``-e SQL``),
        else a file's path (``-f FILE``) -- or that of stdin when none is given."""
        for arg in args:
            if arg.key == text_key:
                self.text(arg)
            else:
                self.file(arg.value)
        if not args:
            self.stdin()

    def done(self) -> list[Effect]:
        """The effects found, with the command text filled in."""
        return with_command(self.effects or [self.session().unknown("no SQL given")], self.cmd)
