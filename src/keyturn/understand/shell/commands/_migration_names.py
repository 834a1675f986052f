"""What the migration tools (:mod:`.migrations`) share: the database a command lands on, read
from a connection URL, and the effects named after it.

Names, the same forms the SQL clients use (:mod:`.sql_clients`, :mod:`keyturn.understand.sql.
names`), so that one ``protected`` pattern holds whichever tool touches the database:
- ``db:<engine>/<database>``, and ``db:<engine>/<database>@<host>`` when the host is known;
  a SQLite database is named by its file's absolute path and also ``file:<path>``. A delete or
  replace (a drop, a clean, a reset, migrations reverted) also names everything in it,
  ``db:<engine>/<database>/*``, as the SQL clients name ``DROP DATABASE``: its protected tables
  are taken in, as they are when the database is not told. Engines as
  the SQL clients spell them: ``postgres`` (PostgreSQL, CockroachDB, Redshift), ``mysql``
  (MySQL, MariaDB), ``sqlite``, ``mssql``, ``mongodb``, else the URL's scheme.
- ``db:<engine>/*`` (``db:*/*`` when the engine is not known either) where the line and the
  files at hand do not tell the database: a wide name, so a delete of it reaches every
  ``protected`` database pattern it may be, and no ``*prod*`` pattern takes it for a laxer
  environment than the policy's ``unknown_environment``.
- ``db:<tool>/<environment>`` for the tools that pick their database by an environment or a
  configuration (``db:rails/production``, ``db:knex/staging``, ``db:django/app.settings.prod/
  default``), ``db:<tool>/*`` when none is written: a policy's ``resources: ["*prod*"]`` then
  tells production from what is written, and ``protected: ["db:rails/production"]`` protects
  that database whatever it is called.
Passwords in URLs never reach a name or a detail.

The target of every effect is the environment given outright only: cloud hints
(``AWS_PROFILE=dev``) say nothing about which database a URL names.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.effects import local_target
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_ENGINES = {
    **dict.fromkeys(
        ("postgres", "postgresql", "pgsql", "pg", "postgis", "cockroachdb", "cockroach"),
        "postgres",
    ),
    **dict.fromkeys(("redshift", "redshift-data"), "postgres"),
    **dict.fromkeys(("mysql", "mysql2", "mariadb", "maria", "trilogy", "tidb"), "mysql"),
    **dict.fromkeys(("sqlite", "sqlite3", "file", "spatialite"), "sqlite"),
    **dict.fromkeys(("sqlserver", "mssql", "azuresql"), "mssql"),
    **dict.fromkeys(("mongodb", "mongodb+srv", "mongo"), "mongodb"),
}
_SQLITE_SCHEMES = frozenset({"sqlite", "sqlite3", "file", "spatialite"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.DOTALL)
_GO_MYSQL = re.compile(r"@(?:tcp|unix)?\(([^)]*)\)/([^?]*)|@/([^?]*)")
_ORACLE = re.compile(r"@/{0,2}([^:/]+)(?::\d+)?[:/]([\w.$-]+)")
_RUN_TIME = ("$", "`")


def engine_of(name: str | None) -> str:
    """The engine a scheme, adapter, provider or driver name means (``*`` when none)."""
    if not name:
        return "*"
    key = name.strip().lower().split("+", 1)[0]
    return _ENGINES.get(key) or (re.sub(r"[^a-z0-9_-]", "", key) or "*")


@dataclass(frozen=True, slots=True)
class Database:
    """One database: its engine, its name (an absolute path for SQLite) and its host, each
    ``*``/``None`` when not known."""

    engine: str = "*"
    name: str = "*"
    host: str | None = None

    def names(self, *, whole: bool = False) -> tuple[str, ...]:
        """``db:<engine>/<name>`` (and ``@<host>``, ``file:<path>``); ``whole``: with everything
        in it too (``db:postgres/shop/*``), for what drops, empties or reverts the database, as
        ``DROP DATABASE`` is named, so that its protected tables are taken in: knowing which
        database it is must not judge it more loosely than not knowing (``db:*/*``)."""
        primary = f"db:{self.engine}/{self.name}"
        bases = [primary]
        if whole and self.name != "*":  # ``db:<engine>/*`` already stands for every table
            bases.append(f"{primary}/*")
        out = []
        for base in bases:  # the database's own names first, then those of what is in it
            out += [base, f"{base}@{self.host}"] if self.host else [base]
        if self.engine == "sqlite" and self.name.startswith("/"):
            out.append(f"file:{self.name}")
        return tuple(out)


def parse_url(
    text: str | None, *, cwd: str, engine: str | None = None, sqlalchemy: bool = False
) -> Database | None:
    """The database a connection string names: a URL (``postgres://u:p@host:5432/db``,
    ``mysql2://``, ``postgresql+psycopg://``, ``jdbc:postgresql://host/db``, ``sqlserver://h;
    databaseName=d``, ``jdbc:oracle:thin:@h:1521/svc``), a SQLite file URL (``file:./dev.db``,
    ``sqlite:db/x.sqlite3``; SQLAlchemy's ``sqlite:///rel.db``/``sqlite:////abs.db`` when
    ``sqlalchemy``), a libpq keyword string (``host=h dbname=d``), Go's MySQL DSN
    (``u:p@tcp(h:3306)/d``), or, with ``engine`` given, a bare SQLite path. ``None`` when there
    is nothing to read or the text is decided at run time (``$DB``)."""
    text = (text or "").strip().strip("'\"")
    if not text or any(mark in text for mark in _RUN_TIME):
        return None
    if text[:5].lower() == "jdbc:":
        text = text[5:]
    found = _SCHEME.fullmatch(text)
    scheme, rest = (found.group(1).lower(), found.group(2)) if found else ("", text)
    base = scheme.split("+", 1)[0]
    if base in _SQLITE_SCHEMES:
        return _sqlite(rest, cwd=cwd, sqlalchemy=sqlalchemy)
    if base == "oracle":
        matched = _ORACLE.search(rest)
        if matched is None:
            return Database("oracle")
        return Database("oracle", matched.group(2), matched.group(1))
    if found is not None and (rest.startswith("//") or base in _ENGINES):
        return _url(scheme, rest)
    return _schemeless(text, cwd=cwd, engine=engine)


def _schemeless(text: str, *, cwd: str, engine: str | None) -> Database | None:
    kind = engine_of(engine)
    if ("=" in text and " " in text) or text.startswith(("host=", "dbname=", "user=")):
        pairs = dict(p.partition("=")[::2] for p in text.split())
        host = pairs.get("host") or None
        return Database(kind, pairs.get("dbname") or "*", host)
    go = _GO_MYSQL.search(text)
    if go is not None:
        host = (go.group(1) or "").rsplit(":", 1)[0] or None
        return Database(kind if kind != "*" else "mysql", go.group(2) or go.group(3) or "*", host)
    if kind == "sqlite":
        return _sqlite(text, cwd=cwd, sqlalchemy=False)
    return None


def _sqlite(rest: str, *, cwd: str, sqlalchemy: bool) -> Database:
    path = rest.split("?", 1)[0]
    if path.startswith("//"):
        path = path[2:]  # an empty authority: sqlite:///x, sqlite3://x
        if sqlalchemy and path.startswith("/"):
            path = path[1:]  # SQLAlchemy: three slashes relative, four absolute
    if path in ("", ":memory:", "memory"):
        return Database("sqlite", ":memory:")
    return Database("sqlite", normalize_path(path, cwd=cwd))


def _url(scheme: str, rest: str) -> Database:
    params: dict[str, str] = {}
    if ";" in rest:  # SQL Server: sqlserver://host:1433;databaseName=app;user=x
        rest, _, tail = rest.partition(";")
        for pair in tail.split(";"):
            key, _, value = pair.partition("=")
            params[key.strip().lower()] = value.strip()
    parts = urlsplit(f"{scheme}:{rest}")
    host: str | None = None
    with contextlib.suppress(ValueError):  # a malformed port; the host may still be read
        host = parts.hostname
    if host is None and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1].split(":", 1)[0] or None
    name = parts.path.lstrip("/").split("/", 1)[0]
    name = params.get("databasename") or params.get("database") or name
    return Database(engine_of(scheme), name or "*", host)


def setting(
    cmd: SimpleCommand, ctx: ShellContext, name: str, *, in_words: bool = False
) -> str | None:
    """A variable set on the line (``DATABASE_URL=… prisma``) or in the environment keyturn
    was given; ``in_words``: also as a word of the command, which rake and rails read as one
    (``rails db:drop RAILS_ENV=production``)."""
    for word in reversed(cmd.args if in_words else ()):
        key, eq, found = word.partition("=")
        if eq and key == name:
            return found
    value = cmd.assignments.get(name)
    return value if value is not None else ctx.env.get(name)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a command of a migration tool lands: the databases it acts on (none known: the
    wide name), the ``scope`` written (``production``; ``*`` when the tool has one and none is
    written; ``None`` when the tool has none), the engine when only that is known, and notes
    every detail carries."""

    tool: str
    databases: tuple[Database, ...] = ()
    scope: str | None = None
    engine: str = "*"
    notes: tuple[str, ...] = ()

    def names(self, *, whole: bool = False) -> tuple[str, ...]:
        """The names of the place's databases (``whole``: each with everything in it, see
        :meth:`Database.names`), then its scope."""
        found: list[str] = []
        for database in self.databases or (Database(self.engine),):
            found += database.names(whole=whole)
        if self.scope is not None:
            found.append(f"db:{self.tool}/{self.scope or '*'}")
        return tuple(dict.fromkeys(found))

    def resource(self, *, whole: bool = False) -> Resource:
        """The place as one resource (``whole``: its databases with everything in them)."""
        return Resource(self.names(whole=whole), type="database")


# Effects on a migration tool's database that may remove any table in it.
_WIDE_KINDS = frozenset({EffectKind.DELETE, EffectKind.REPLACE})


@dataclass(frozen=True, slots=True)
class Call:
    """One command of a migration tool: builds its effects on :attr:`place`."""

    cmd: SimpleCommand
    ctx: ShellContext
    place: Place
    opts: Options = field(default_factory=lambda: Options(frozenset(), {}, ()))
    # Where files the tool writes are (the project directory), for ``file:`` effects.
    directory: str = ""

    def effect(self, kind: EffectKind, verb: str, detail: str = "") -> Effect:
        """An effect of the command on its database(s). A delete or replace (a drop, a clean, a
        reset, migrations reverted) may take any table with it: the databases are named with
        everything in them."""
        return Effect(
            effect=kind,
            resource=self.place.resource(whole=kind in _WIDE_KINDS),
            target=local_target(self.ctx),
            service="db",
            command=self.cmd.text or None,
            operation=f"{self.place.tool} {verb}".strip(),
            detail="; ".join(d for d in (detail, *self.place.notes) if d),
        )

    def unknown(self, verb: str, reason: str) -> Effect:
        """What the command does to its database cannot be told, for ``reason``."""
        return self.effect(EffectKind.UNKNOWN, verb, reason)

    def on_files(self, kind: EffectKind, paths: Iterable[str], verb: str, detail: str) -> Effect:
        """An effect on project files the tool writes (migration files, a schema dump)."""
        base = self.directory or self.ctx.cwd
        names = tuple(dict.fromkeys("file:" + normalize_path(p, cwd=base) for p in paths))
        return Effect(
            effect=kind,
            resource=Resource(names or (f"file:{base}",), type="file"),
            target=local_target(self.ctx),
            service="file",
            command=self.cmd.text or None,
            operation=f"{self.place.tool} {verb}".strip(),
            detail=detail,
        )

    def sql(self, text: str, verb: str) -> list[Effect]:
        """The effects of the SQL ``text`` run on the database (when one is known), named as
        :func:`keyturn.understand.sql.sql_effects` names them for the SQL clients, plus the
        place's scope."""
        from keyturn.understand.sql import sql_effects

        databases = self.place.databases
        db = databases[0] if len(databases) == 1 else Database(self.place.engine)
        engine = db.engine if db.engine != "*" else "sql"
        found = sql_effects(
            text,
            engine=engine,
            database=None if db.name == "*" else db.name,
            target=local_target(self.ctx),
            host=db.host,
        )
        # The SQL clients' names, plus the tool's scope (``db:rails/production``: what tells
        # the environment, and what a protection of it holds).
        extra = [n for n in self.place.names() if n.startswith(f"db:{self.place.tool}/")]
        if db.engine == "sqlite" and db.name.startswith("/"):
            extra.append(f"file:{db.name}")
        out = []
        for effect in found:
            names = effect.resource.names
            if engine == "sql":  # an engine not known: the wide form the other names use
                names = tuple("db:*/" + n[7:] if n.startswith("db:sql/") else n for n in names)
            names = tuple(dict.fromkeys((*names, *extra)))
            detail = "; ".join(d for d in (effect.detail, f"run by {self.place.tool} {verb}") if d)
            out.append(
                evolve(
                    effect,
                    resource=Resource(names, type=effect.resource.type),
                    command=self.cmd.text or None,
                    detail=detail,
                )
            )
        return out

    def sql_file(self, path: str, verb: str) -> list[Effect]:
        """The effects of the SQL in the file ``path``, or unknown when it cannot be read."""
        absolute = normalize_path(path, cwd=self.ctx.cwd)
        text = self.ctx.files.read_text(absolute)
        if text is None:
            return [self.unknown(verb, f"runs the SQL in {absolute}, which could not be read")]
        return self.sql(text, verb)

    def sql_stdin(self, verb: str) -> list[Effect]:
        """The effects of SQL fed on stdin (a heredoc, ``<`` a file, a constant piped in)."""
        for redirect in self.cmd.redirects:
            if redirect.op in ("<", "<>"):
                if redirect.dynamic:
                    return [self.unknown(verb, "runs SQL from a file decided at run time")]
                return self.sql_file(redirect.target, verb)
        if self.cmd.stdin_text is not None:
            return self.sql(self.cmd.stdin_text, verb)
        return [self.unknown(verb, "runs SQL read from its input, not known now")]


Meaning = Callable[[Call, str, Sequence[str]], "list[Effect] | None"]
"""``(call, verb, words after the verb)`` -> effects, or ``None`` for a form not understood."""

# What the effects say of data (the kinds say what is judged).
DROPS = "drops the database: all its data is lost"
RECREATES = "drops and recreates the database (or every table in it): all its data is lost"
EMPTIES = "deletes every row of every table: all its data is lost (the tables stay)"
REVERTS = "reverts migrations: what they created (tables, columns) is dropped with its data"
REVERTS_ALL = "reverts every migration: every table they created is dropped with its data"
MAY_DROP = (
    "makes the schema match the project's without asking: tables and columns it lacks are "
    "dropped with their data"
)
ASKS_FIRST = "makes the schema match the project's; it refuses or asks before losing data"
MIGRATES = "applies the pending migrations (the project's migration files, not read here)"
HISTORY = "rewrites the migration history kept in the database, not the schema"
SEEDS = "runs the project's seed code (not read here): it writes rows"
CREATES = "creates the database"
READS = "reads the schema or the migration history"


def fixed(kind: EffectKind, detail: str = "") -> Meaning:
    """A verb whose meaning does not depend on its operands."""

    def meaning(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, verb, detail)]

    return meaning


def unknown_verb(reason: str) -> Meaning:
    """A verb whose effect cannot be told (an interactive session, code on the line)."""

    def meaning(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
        return [call.unknown(verb, reason)]

    return meaning


def meaning_of(
    call: Call, words: Sequence[str], table: Mapping[str, Meaning], *, depth: int = 2
) -> list[Effect] | None:
    """The meaning of the longest verb (up to ``depth`` words) of ``words`` in ``table``,
    given the words after it; ``None`` for a verb not in it."""
    for size in range(min(depth, len(words)), 0, -1):
        verb = " ".join(words[:size])
        found = table.get(verb)
        if found is not None:
            return found(call, verb, words[size:])
    return None
