"""Built-in meanings of the MongoDB server's tools.

Source: ``mongodb-js/mongodb-mcp-server`` ``src/tools/mongodb/**`` (``database``, ``collection``,
``filter``, ``pipeline``, ``exportTarget``, ``newName``, ``dropTarget``, ``indexName``...);
``README.md`` lists the tools.

Data is named as the shell's ``mongosh`` names it (:mod:`keyturn.understand.shell.commands.
_datastores`), so one policy covers both: ``db:mongodb/<database>`` and
``db:mongodb/<database>/<collection>``. What a tool removes in bulk is named wide as well:
``drop-database`` also deletes ``db:mongodb/<database>/*`` (a protected collection in it is
covered), a ``delete-many`` with no filter, an empty one or one of top-level operators only
(``{"$where": "true"}``) ``…/<collection>/*`` (every document). An index is
``…/<collection>/index/<name>``. An ``aggregate`` (or ``export``) whose pipeline holds
``$out`` replaces the collection it names and ``$merge`` updates it: those stages are judged,
not the tool's "read" (in an ``explain``'s ``method`` too; a pipeline given as JSON text is
read as the list it holds, one that is neither is unknown).

The same server's Atlas tools (``atlas-*``) are :mod:`._mcp_atlas`'s, joined to this family.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from keyturn.model import Effect, EffectKind
from keyturn.understand._mcp_atlas import ATLAS_TOOLS
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
    structured,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_MAX_DEPTH = 32


def _database(name: str) -> str:
    return f"db:mongodb/{name}"


def _names(call: McpCall, *, collection: bool) -> tuple[str, ...] | str:
    """The database (and collection) names, or the argument that is missing."""
    database = call.text_arg("database")
    if database is None:
        return "database"
    if not collection:
        return (_database(database),)
    name = call.text_arg("collection")
    return (f"{_database(database)}/{name}",) if name is not None else "collection"


def _on_data(kind: EffectKind, *, collection: bool = True, wide: bool = False) -> Handler:
    """The tool acts on the collection (or database) its arguments name; ``wide`` adds
    ``…/*``: everything in it."""

    def handle(call: McpCall) -> BuiltinEffects:
        names = _names(call, collection=collection)
        if isinstance(names, str):
            return missing_argument(call, kind, names)
        names += (f"{names[0]}/*",) if wide else ()
        type_ = "collection" if collection else "database"
        return own_effects(call.effect(kind, names, type_=type_, service="db"))

    return handle


def _empty(value: Any) -> bool:
    """A filter that may match every document: absent, ``{}``, anything not an object (it
    cannot be told to be narrower), or one of top-level operators only (``$where``, ``$expr``,
    ``$comment``, ``$or``...), whose reach only evaluating it could tell."""
    if not isinstance(value, Mapping):
        return True
    return not any(isinstance(k, str) and not k.startswith("$") for k in value)


def _delete_many(call: McpCall) -> BuiltinEffects:
    names = _names(call, collection=True)
    if isinstance(names, str):
        return missing_argument(call, D, names)
    if _empty(call.arg("filter")):
        return own_effects(
            call.effect(
                D,
                (*names, f"{names[0]}/*"),
                type_="collection",
                service="db",
                detail="no filter: every document",
            )
        )
    return own_effects(
        call.effect(
            D, names, type_="collection", service="db", detail="the documents the filter matches"
        )
    )


def _update_many(call: McpCall) -> BuiltinEffects:
    names = _names(call, collection=True)
    if isinstance(names, str):
        return missing_argument(call, U, names)
    detail = "no filter: every document" if _empty(call.arg("filter")) else ""
    return own_effects(call.effect(U, names, type_="collection", service="db", detail=detail))


def _rename(call: McpCall) -> BuiltinEffects:
    """``rename-collection``: the collection changes name; the target is created, or with
    ``dropTarget`` the collection there is dropped first."""
    names, new = _names(call, collection=True), call.text_arg("newName")
    if isinstance(names, str) or new is None:
        return missing_argument(call, U, names if isinstance(names, str) else "newName")
    target = f"{_database(str(call.text_arg('database')))}/{new}"
    drop = call.arg("dropTarget") is True
    return own_effects(
        call.effect(U, names, type_="collection", service="db", detail=f"renamed to {new}"),
        call.effect(
            D if drop else C,
            [target],
            type_="collection",
            service="db",
            detail="dropTarget: the collection there is dropped" if drop else "",
        ),
    )


def _drop_index(call: McpCall) -> BuiltinEffects:
    names, index = _names(call, collection=True), call.text_arg("indexName")
    if isinstance(names, str) or index is None:
        return missing_argument(call, D, names if isinstance(names, str) else "indexName")
    return own_effects(call.effect(D, [f"{names[0]}/index/{index}"], type_="index", service="db"))


def _write_stages(call: McpCall, database: str, value: Any, depth: int = 0) -> list[Effect]:
    """Effects of the ``$out`` / ``$merge`` stages anywhere in a pipeline (MongoDB refuses them
    nested, so finding one there only ever makes the judgement stricter)."""
    if depth > _MAX_DEPTH:
        return [call.unknown("pipeline nested too deeply to read")]
    found: list[Effect] = []
    items: list[tuple[Any, Any]] = (
        list(value.items())
        if isinstance(value, Mapping)
        else list(enumerate(value))
        if isinstance(value, list)
        else []
    )
    for key, inner in items:
        if key in ("$out", "$merge"):
            found.append(_stage(call, database, key, inner))
        else:
            found += _write_stages(call, database, inner, depth + 1)
    return found


def _stage(call: McpCall, database: str, stage: str, spec: Any) -> Effect:
    target = spec.get("into") if stage == "$merge" and isinstance(spec, Mapping) else spec
    if isinstance(target, Mapping):
        other = target.get("db")
        database = other if isinstance(other, str) and other else database
        target = target.get("coll")
    if not isinstance(target, str) or not target:
        return call.unknown(f"{stage} stage whose target is not told")
    kind, detail = (
        (EffectKind.REPLACE, "$out: replaces the collection")
        if stage == "$out"
        else (U, "$merge: writes into the collection")
    )
    name = f"{_database(database)}/{target}"
    return call.effect(kind, [name], type_="collection", service="db", detail=detail)


def _aggregate(*, collection: bool, pipelines: tuple[str, ...] = ("pipeline",)) -> Handler:
    """A read of the collection (or database), and what the pipeline's write stages do."""

    def handle(call: McpCall) -> BuiltinEffects:
        names = _names(call, collection=collection)
        if isinstance(names, str):
            return missing_argument(call, R, names)
        database = str(call.text_arg("database"))
        type_ = "collection" if collection else "database"
        effects = [call.effect(R, names, type_=type_, service="db")]
        for path in pipelines:
            value = structured(call.arg(path))
            if not isinstance(value, list | Mapping | None):
                effects.append(call.unknown(f"{path}: neither a list nor an object"))
            effects += _write_stages(call, database, value)
        return own_effects(*effects)

    return handle


MONGODB = ServerFamily(
    "mongodb",
    ("mongo*", "*mongo*"),
    {
        "find": _on_data(R),
        "count": _on_data(R),
        "aggregate": _aggregate(collection=True),
        "aggregate-db": _aggregate(collection=False),
        "export": _aggregate(collection=True, pipelines=("exportTarget",)),
        "explain": _aggregate(collection=True, pipelines=("method",)),
        "collection-indexes": _on_data(R),
        "collection-schema": _on_data(R),
        "collection-storage-size": _on_data(R),
        "list-collections": _on_data(R, collection=False),
        "db-stats": _on_data(R, collection=False),
        "list-databases": on_tool(R, "db"),
        "mongodb-logs": on_tool(R, "db"),
        "connect": on_tool(R, "db"),
        "switch-connection": on_tool(R, "db"),
        "insert-many": _on_data(C),
        "create-collection": _on_data(C),
        "create-index": _on_data(U),
        "update-many": _update_many,
        "rename-collection": _rename,
        "delete-many": _delete_many,
        "drop-index": _drop_index,
        "drop-collection": _on_data(D),
        "drop-database": _on_data(D, collection=False, wide=True),
        **ATLAS_TOOLS,
    },
)
