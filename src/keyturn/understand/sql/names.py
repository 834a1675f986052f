"""Resource names of SQL objects, and the session a run of statements shares.

``db:<engine>/<database>`` for a database, ``db:<engine>/<database>/<object>`` for a table,
view, index, schema or other object, ``db:<engine>/<database>/<table>/<column>`` for a column,
``db:<engine>/role:<name>`` for roles and users (they belong to the server, not a database),
``db:<engine>/server:<part>`` for other parts of the server (MySQL's binary logs).
The database is ``*`` when not known.

Object names are normalised the way the engine resolves them: unquoted identifiers lower-cased,
PostgreSQL's default ``public`` schema and SQLite's ``main`` dropped, and a MySQL or
ClickHouse ``db.table`` naming another database, so that ``DROP TABLE public.Users`` and
``drop table users`` name the same resource.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from keyturn.model import Effect, EffectKind, Resource, Target

_DEFAULT_SCHEMAS = {"postgres": "public", "redshift": "public", "sqlite": "main"}
# Engines whose names match without regard to case, quoted or not (Spanner's GoogleSQL:
# "table names are case-insensitive", its lexical structure reference).
_CASELESS = frozenset({"spanner"})
# Engines whose qualified names are database.table (no schemas).
_TWO_LEVEL = frozenset({"mysql", "clickhouse"})


@dataclass(frozen=True, slots=True)
class Dependent:
    """A table the text declared to depend on another's rows (:mod:`.reach`): ``how`` is
    ``fk`` (a foreign key, with its ``ON DELETE``/``ON UPDATE`` actions: ``cascade``, ``set
    null``, ``set default``, or empty), ``inherits`` or ``partition``; ``where`` it was
    declared, for the reason."""

    table: Resource
    how: str
    on_delete: str = ""
    on_update: str = ""
    where: str = "in this text"


@dataclass(slots=True)
class Session:
    """What a run of statements shares: the engine, the current database (``USE``/``\\c``
    change it), the server's host when known, and the target hints."""

    engine: str
    database: str
    host: str | None
    target: Target
    # PostgreSQL's search_path once a statement set it (``SET search_path TO audit, public``):
    # an unqualified name may then be in any of these schemas. Empty: the default one.
    # (SQLite: the attached databases, ``main`` first.)
    search_path: tuple[str, ...] = ()
    # SQLite's ATTACHed databases: schema name -> the file's absolute path ("*": not known).
    attached: dict[str, str] = field(default_factory=dict)
    # Where a relative database file name is (the client's working directory); None: not known.
    directory: str | None = None
    # Tables the text declared as depending on a table's rows (foreign keys, inheritance,
    # partitions), by the table's primary name (:mod:`.reach`).
    dependents: dict[str, list[Dependent]] = field(default_factory=dict)
    # SQLite: foreign keys another connection declared, which act only once this connection
    # turns ``PRAGMA foreign_keys`` on (:func:`.settings.pragma` moves them to ``dependents``).
    dormant: dict[str, list[Dependent]] = field(default_factory=dict)
    # Routines the text defined: primary name -> (language, body) (:mod:`.procedural`).
    routines: dict[str, tuple[str, str]] = field(default_factory=dict)
    # MySQL accounts the text left with no password, as (user, host): a grant to one is open
    # to anyone who knows the name (:mod:`.public_grants`).
    passwordless: set[tuple[str, str]] = field(default_factory=set)
    # Of those, the ones the text created for other hosts: open if still so at its end.
    created_open: set[tuple[str, str]] = field(default_factory=set)

    def wake_foreign_keys(self) -> None:
        """SQLite's ``PRAGMA foreign_keys`` turned on: the dormant links act from here on."""
        for name, links in self.dormant.items():
            known = self.dependents.setdefault(name, [])
            known += [link for link in links if link not in known]
        self.dormant.clear()

    def position(self) -> tuple[str, tuple[str, ...], str | None]:
        """Where later statements run: (database, search_path, host)."""
        return self.database, self.search_path, self.host

    def move_to(self, position: tuple[str, tuple[str, ...], str | None]) -> None:
        """Run later statements where :meth:`position` said."""
        self.database, self.search_path, self.host = position

    def _resource(self, primary: str, type_: str, *extra: str) -> Resource:
        names = [primary, *extra]
        if self.host:
            names += [f"{n}@{self.host}" for n in (primary, *extra)]
        return Resource(names=tuple(names), type=type_)

    def database_resource(self, name: str | None = None, *, whole: bool = False) -> Resource:
        """The database ``name`` (the current one by default); ``whole``: with everything in
        it (``db:postgres/shop/*``), for what removes the database."""
        primary = f"db:{self.engine}/{name or self.database}"
        return self._resource(primary, "database", *((f"{primary}/*",) if whole else ()))

    def schema_resource(self, parts: Sequence[str]) -> Resource:
        """A schema with everything in it: ``db:postgres/shop/audit`` and ``…/audit.*``; the
        engine's default schema (``public``) holds the objects named without one (``…/*``)."""
        database, inside = self.resolve([*parts, "*"])  # "audit.*"; "*" for the default one
        primary = f"db:{self.engine}/{database}/{parts[-1]}"
        return self._resource(primary, "schema", f"db:{self.engine}/{database}/{inside}")

    def object_resource(self, parts: Sequence[str], type_: str) -> Resource:
        """A table-like object named by its (possibly qualified) name parts."""
        first, *others = self._names(parts)
        return self._resource(first, type_, *others)

    def column_resource(self, table: Sequence[str], column: str) -> Resource:
        """A column: named as itself and as its table (dropping it loses the table's data)."""
        bases = self._names(table)
        return self._resource(f"{bases[0]}/{column}", "column", *bases)

    def _names(self, parts: Sequence[str]) -> list[str]:
        """The names an object may have: one, or with a search_path set and no schema given,
        one per schema on it (which holds the object is only known at run time)."""
        if self.search_path and len([p for p in parts if p]) == 1:
            resolved = (self.resolve([schema, *parts]) for schema in self.search_path)
            return [f"db:{self.engine}/{database}/{name}" for database, name in resolved]
        database, name = self.resolve(parts)
        return [f"db:{self.engine}/{database}/{name}"]

    def with_dependents(self, resource: Resource, parts: Sequence[str]) -> Resource:
        """``resource`` (the object named by ``parts``) also named as every object of its
        database (``db:postgres/shop/*``): what a CASCADE reaches, unnamed, beyond it."""
        database, _ = self.resolve(parts)
        wide = f"db:{self.engine}/{database}/*"
        extra = (wide, f"{wide}@{self.host}") if self.host else (wide,)
        return Resource(names=tuple(dict.fromkeys(resource.names + extra)), type=resource.type)

    def role_resource(self, name: str) -> Resource:
        """A role or user of the server."""
        return self._resource(f"db:{self.engine}/role:{name}", "role")

    def server_resource(self, part: str) -> Resource:
        """A part of the server that is in no database, prefixed as roles are so that no
        database name can be it: ``db:mysql/server:binlogs`` (MySQL's binary logs)."""
        return self._resource(f"db:{self.engine}/server:{part}", "server")

    def resolve(self, parts: Sequence[str]) -> tuple[str, str]:
        """(database, object name) of a qualified name, as the engine resolves it."""
        parts = [p for p in parts if p] or ["*"]
        if self.engine in _CASELESS:  # quoted or not, one name: written lower-cased
            parts = [p.lower() for p in parts]
        if len(parts) == 1:
            return self.database, parts[0]
        if self.engine in _TWO_LEVEL:
            return parts[-2], parts[-1]
        if self.engine == "sqlite" and parts[0] in self.attached:  # a.t: in the attached file
            return self.attached[parts[0]], ".".join(parts[1:])
        database = self.database
        if len(parts) >= 3 and self.engine != "sqlite":
            database, parts = parts[0], parts[1:]
        if parts[0] == _DEFAULT_SCHEMAS.get(self.engine):
            parts = parts[1:]
        return database, ".".join(parts)

    def effect(
        self,
        kind: EffectKind,
        resource: Resource,
        operation: str,
        detail: str = "",
        *,
        removes_protection: bool = False,
    ) -> Effect:
        """An effect of one statement. ``removes_protection``: the statement takes the
        resource's protection away (a rename: its name no longer names it)."""
        return Effect(
            effect=kind,
            resource=resource,
            target=self.target,
            service="db",
            # SQL statements read "sql:DROP TABLE"; other stores name themselves ("redis:DEL")
            operation=operation if ":" in operation else f"sql:{operation}",
            removes_protection=removes_protection,
            detail=detail,
        )

    def unknown(self, reason: str, operation: str = "unknown") -> Effect:
        """An effect on the current database that could not be understood, with why."""
        return self.effect(EffectKind.UNKNOWN, self.database_resource(), operation, reason)
