"""Built-in meanings of the Supabase server's tools.

Source: ``supabase-community/supabase-mcp`` ``packages/mcp-server-supabase/src/tools/*.ts``
(``account-``, ``branching-``, ``database-operation-``, ``debugging-``, ``development-``,
``docs-``, ``edge-function-`` and ``storage-tools.ts``; ``tool-schemas.ts`` joins them).

SQL (``execute_sql``, ``apply_migration``: ``query``) decides what happens to the data, judged
as PostgreSQL in the project's database, which is named as ``psql`` names it when connected to
that project: ``db:postgres/postgres/<table>`` with the second name
``db:postgres/postgres/<table>@db.<project_id>.supabase.co`` (:func:`_on_host`), so that one
``protected`` pattern covers both ways in. ``apply_migration`` also records a migration: an
update of ``supabase:project/<project_id>/migrations``.

Everything else is named under ``supabase:``: ``supabase:project/<project_id>`` (``*`` when the
server is scoped to one project with ``--project-ref`` and the call does not name it), with
``/function/<slug>``, ``/branch/<name>``, ``/storage``, ``/migrations`` under it;
``supabase:branch/<branch_id>`` for the tools that take a branch by id (``…/*`` for what a
reset wipes or a delete takes with it); ``supabase:organization/<id>``. Merging a branch applies
its migrations to its parent project, which the call does not name: an update of
``supabase:project/*``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_SERVICE = "supabase"
_DATABASE = "postgres"  # every Supabase project's database


def _project(call: McpCall, arg: str = "project_id") -> str:
    return f"supabase:project/{call.text_arg(arg) or '*'}"


def _on_host(effect: Effect, host: str) -> Effect:
    """``effect`` with each ``db:`` name also named on ``host``, as the SQL understanding names
    a database whose host is known (``<name>@<host>``)."""
    names = effect.resource.names
    own = tuple(n for n in names if not n.startswith("mcp:"))
    hosted = tuple(f"{n}@{host}" for n in own if n.startswith("db:"))
    tools = tuple(n for n in names if n.startswith("mcp:"))
    return replace(effect, resource=Resource((*own, *hosted, *tools), effect.resource.type))


def _host(call: McpCall) -> str | None:
    project = call.text_arg("project_id")
    return f"db.{project}.supabase.co" if project else None


def _sql(*, migration: bool) -> Handler:
    """The SQL in ``query`` decides; a migration is also recorded in the project's history."""

    def handle(call: McpCall) -> BuiltinEffects:
        text = call.text_arg("query")
        if text is None:
            return missing_argument(call, EffectKind.UNKNOWN, "query")
        derived = call.sql(text, engine="postgres", database=_DATABASE)
        host = _host(call)
        derived = [_on_host(e, host) for e in derived] if host else derived
        if not migration:
            return BuiltinEffects([], derived)
        detail = f"schema change: migration {call.text_arg('name') or '(unnamed)'} recorded"
        names = [f"{_project(call)}/migrations"]
        own = call.effect(U, names, type_="migrations", service=_SERVICE, detail=detail)
        return BuiltinEffects([own], derived)

    return handle


def _database(kind: EffectKind, detail: str = "", *, wide: bool = False) -> Handler:
    """The project's database as a whole (its catalogue; ``wide``: everything in it)."""

    def handle(call: McpCall) -> BuiltinEffects:
        name = f"db:{_DATABASE}/{_DATABASE}" + ("/*" if wide else "")
        host = _host(call)
        names = [name, f"{_project(call)}/migrations"] if wide else [name]
        effect = call.effect(kind, names, type_="database", service="db", detail=detail)
        return own_effects(_on_host(effect, host) if host else effect)

    return handle


def _in_project(kind: EffectKind, what: str = "", arg: str = "", detail: str = "") -> Handler:
    """The project (or ``what`` named by ``arg`` in it); ``arg`` is required when given."""

    def handle(call: McpCall) -> BuiltinEffects:
        name = _project(call)
        if arg:
            value = call.text_arg(arg)
            if value is None:
                return missing_argument(call, kind, arg)
            name = f"{name}/{what}/{value}"
        elif what:
            name = f"{name}/{what}"
        return own_effects(call.effect(kind, [name], service=_SERVICE, detail=detail))

    return handle


def _account(kind: EffectKind, detail: str = "") -> Handler:
    """A project named by its required ``project_id`` (the account tools: never injected)."""

    def handle(call: McpCall) -> BuiltinEffects:
        if call.text_arg("project_id") is None:
            return missing_argument(call, kind, "project_id")
        return _in_project(kind, detail=detail)(call)

    return handle


def _by_id(kind: str, *, effect: EffectKind, arg: str = "id") -> Handler:
    def handle(call: McpCall) -> BuiltinEffects:
        value = call.text_arg(arg)
        if value is None:
            return missing_argument(call, effect, arg)
        return own_effects(call.effect(effect, [f"supabase:{kind}/{value}"], service=_SERVICE))

    return handle


def _branch(kind: EffectKind, detail: str, *, wide: bool = False, parent: bool = False) -> Handler:
    """A branch by ``branch_id``: ``wide`` names what is in it (``…/*``), ``parent`` the
    project it merges into (not told: ``supabase:project/*``)."""

    def handle(call: McpCall) -> BuiltinEffects:
        branch = call.text_arg("branch_id")
        if branch is None:
            return missing_argument(call, kind, "branch_id")
        name = f"supabase:branch/{branch}"
        names = [name, f"{name}/*"] if wide else [name]
        names = ["supabase:project/*", *names] if parent else names
        return own_effects(
            call.effect(kind, names, type_="branch", service=_SERVICE, detail=detail)
        )

    return handle


def _create_project(call: McpCall) -> BuiltinEffects:
    org, name = call.text_arg("organization_id"), call.text_arg("name")
    if org is None or name is None:
        return missing_argument(call, C, "organization_id" if org is None else "name")
    names = [f"supabase:organization/{org}/project/{name}"]
    return own_effects(call.effect(C, names, type_="project", service=_SERVICE))


def _create_branch(call: McpCall) -> BuiltinEffects:
    name = call.text_arg("name") or "develop"  # the server's default
    names = [f"{_project(call)}/branch/{name}"]
    return own_effects(call.effect(C, names, type_="branch", service=_SERVICE))


SUPABASE = ServerFamily(
    "supabase",
    ("supabase*", "*supabase*"),
    {
        # database
        "execute_sql": _sql(migration=False),
        "apply_migration": _sql(migration=True),
        "rollback_migration": _database(D, "undoes migrations: what they made is lost", wide=True),
        "list_tables": _database(R),
        "list_extensions": _database(R),
        "list_migrations": _in_project(R, "migrations"),
        # debugging and development
        "get_logs": _in_project(R),
        "query_logs": _in_project(R, detail="a read-only query of the project's logs"),
        "get_advisors": _in_project(R),
        "get_project_url": _in_project(R),
        "get_anon_key": _in_project(R),
        "get_publishable_keys": _in_project(R),
        "generate_typescript_types": _in_project(R),
        "search_docs": on_tool(R, _SERVICE),
        # edge functions and storage
        "list_edge_functions": _in_project(R),
        "get_edge_function": _in_project(R, "function", "function_slug"),
        "deploy_edge_function": _in_project(U, "function", "name"),
        "list_storage_buckets": _in_project(R),
        "get_storage_config": _in_project(R),
        "update_storage_config": _in_project(U, "storage"),
        # branches
        "list_branches": _in_project(R),
        "create_branch": _create_branch,
        "delete_branch": _branch(D, "deletes the branch and its database", wide=True),
        "merge_branch": _branch(
            U, "applies the branch's migrations and functions to its parent", parent=True
        ),
        "reset_branch": _branch(D, "untracked data and schema changes are lost", wide=True),
        "rebase_branch": _branch(U, "runs the parent's newer migrations on the branch"),
        # account
        "list_organizations": on_tool(R, _SERVICE),
        "get_organization": _by_id("organization", effect=R),
        "list_projects": on_tool(R, _SERVICE),
        "get_project": _by_id("project", effect=R),
        "get_cost": on_tool(R, _SERVICE),
        "confirm_cost": on_tool(R, _SERVICE),
        "create_project": _create_project,
        "pause_project": _account(U, "disruptive: the project stops serving until restored"),
        "restore_project": _account(U),
    },
)
