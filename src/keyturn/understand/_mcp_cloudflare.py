"""Built-in meanings of Cloudflare's MCP server's tools (Workers bindings: accounts, Workers, KV,
R2, D1, Hyperdrive), named as the shell's ``wrangler`` names them
(:mod:`keyturn.understand.shell.commands._paas_wrangler`), so one policy covers both.

Source: ``cloudflare/mcp-server-cloudflare`` ``packages/mcp-common/src/tools/``
(``account.tools.ts``: ``accounts_list``, ``set_active_account``; ``worker.tools.ts``:
``workers_list``, ``workers_get_worker``, ``workers_get_worker_code``: ``scriptName``;
``kv_namespace.tools.ts``: ``kv_namespace_*``: ``namespace_id``, ``title``;
``r2_bucket.tools.ts``: ``r2_bucket_*``: ``name``; ``r2_object.tools.ts``: ``r2_object_get``/
``put``/``delete``: ``bucket``, ``key``; ``d1.tools.ts``: ``d1_database_*``: ``database_id``,
``name``, ``sql``; ``hyperdrive.tools.ts``: ``hyperdrive_config_*``: ``hyperdrive_id``).

Names: ``cloudflare:worker/<script>``, ``cloudflare:kv/<namespace>``, ``cloudflare:r2/<bucket>``
(``/<key>``), ``cloudflare:d1/<database>`` (with ``db:sqlite/<database>``, as ``wrangler d1``
names it), ``cloudflare:hyperdrive/<id>``, ``cloudflare:account/<id>``. The API takes ids where
``wrangler`` takes names (a D1 database, a KV namespace): a ``protected`` pattern for one of
them should name both. Deleting a namespace, bucket or database takes everything in it
(``…/*``). ``d1_database_query``'s SQL decides, judged as SQLite's in that database, as
``wrangler d1 execute --command`` is. ``set_active_account`` changes which account the
session's later calls act on: an update of that account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_SERVICE = "cloudflare"
_Names = Callable[["McpCall"], "list[str] | None"]


def _whole(name: str) -> list[str]:
    return [name, f"{name}/*"]


def _named(kind: str, arg: str, *, wide: bool = False, sqlite: bool = False) -> _Names:
    """``cloudflare:<kind>/<arg>`` (``None`` when the argument is missing)."""

    def names(call: McpCall) -> list[str] | None:
        value = call.text_arg(arg)
        if value is None:
            return None
        found = _whole(f"cloudflare:{kind}/{value}") if wide else [f"cloudflare:{kind}/{value}"]
        if sqlite:
            found += _whole(f"db:sqlite/{value}") if wide else [f"db:sqlite/{value}"]
        return found

    return names


def _all(kind: str) -> _Names:
    return lambda call: [f"cloudflare:{kind}/*"]


def _object(call: McpCall) -> list[str] | None:
    bucket, key = call.text_arg("bucket"), call.text_arg("key")
    return None if bucket is None or key is None else [f"cloudflare:r2/{bucket}/{key}"]


def _tool(kind: EffectKind, names: _Names, arg: str = "", detail: str = "") -> Handler:
    """An effect on what ``names`` gives; ``arg`` is the argument it needs (unknown without)."""

    def handle(call: McpCall) -> BuiltinEffects:
        found = names(call)
        if found is None:
            return missing_argument(call, kind, arg or "name")
        return own_effects(call.effect(kind, found, service=_SERVICE, detail=detail))

    return handle


def _query(call: McpCall) -> BuiltinEffects:
    """``d1_database_query``: the SQL decides, as SQLite's in the database."""
    database, text = call.text_arg("database_id"), call.text_arg("sql")
    if database is None or text is None:
        return missing_argument(
            call, EffectKind.UNKNOWN, "database_id" if database is None else "sql"
        )
    return BuiltinEffects([], call.sql(text, engine="sqlite", database=database))


_GONE = "deletes it and everything in it"

CLOUDFLARE = ServerFamily(
    "cloudflare",
    ("cloudflare*", "*cloudflare*"),
    {
        "accounts_list": _tool(R, _all("account")),
        "set_active_account": _tool(
            U,
            _named("account", "activeAccountIdParam"),
            "activeAccountIdParam",
            "later calls of this session act on this account",
        ),
        "workers_list": _tool(R, _all("worker")),
        "workers_get_worker": _tool(R, _named("worker", "scriptName"), "scriptName"),
        "workers_get_worker_code": _tool(R, _named("worker", "scriptName"), "scriptName"),
        "kv_namespaces_list": _tool(R, _all("kv")),
        "kv_namespace_get": _tool(R, _named("kv", "namespace_id"), "namespace_id"),
        "kv_namespace_create": _tool(C, _named("kv", "title"), "title"),
        "kv_namespace_update": _tool(
            U, _named("kv", "namespace_id"), "namespace_id", "renames the namespace"
        ),
        "kv_namespace_delete": _tool(
            D, _named("kv", "namespace_id", wide=True), "namespace_id", _GONE
        ),
        "r2_buckets_list": _tool(R, _all("r2")),
        "r2_bucket_get": _tool(R, _named("r2", "name")),
        "r2_bucket_create": _tool(C, _named("r2", "name")),
        "r2_bucket_delete": _tool(D, _named("r2", "name", wide=True), "name", _GONE),
        "r2_object_get": _tool(R, _object, "bucket"),
        "r2_object_put": _tool(U, _object, "bucket"),
        "r2_object_delete": _tool(D, _object, "bucket"),
        "d1_databases_list": _tool(R, _all("d1")),
        "d1_database_get": _tool(R, _named("d1", "database_id"), "database_id"),
        "d1_database_create": _tool(C, _named("d1", "name", sqlite=True)),
        "d1_database_delete": _tool(
            D, _named("d1", "database_id", wide=True, sqlite=True), "database_id", _GONE
        ),
        "d1_database_query": _query,
        "hyperdrive_configs_list": _tool(R, _all("hyperdrive")),
        "hyperdrive_config_get": _tool(R, _named("hyperdrive", "hyperdrive_id"), "hyperdrive_id"),
        "hyperdrive_config_edit": _tool(U, _named("hyperdrive", "hyperdrive_id"), "hyperdrive_id"),
        "hyperdrive_config_delete": _tool(
            D, _named("hyperdrive", "hyperdrive_id"), "hyperdrive_id"
        ),
    },
)
