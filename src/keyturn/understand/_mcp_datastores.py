"""Built-in meanings of the MySQL and Redis servers' tools.

MySQL servers run SQL and nothing else: the text decides, judged as MySQL whatever the tool's
name says (:meth:`~keyturn.understand.mcp_call.McpCall.sql`), and gives only derived effects.
Sources: ``benborla/mcp-server-mysql`` ``index.ts`` (``mysql_query``: ``sql``) and
``designcomputer/mysql_mcp_server`` ``src/mysql_mcp_server/server.py`` (``execute_sql``:
``query``).

Redis (``redis/mcp-redis`` ``src/tools/*.py``: one tool per command, keys in ``key`` or
``name``) is named as the shell's ``redis-cli`` names it (:mod:`keyturn.understand.shell.
commands._datastores`), so one policy covers both: ``db:redis/<n>/<key>`` for a key,
``db:redis/<n>`` for the database. The logical database is the server's configuration
(``REDIS_DB``), not in the call: it is ``*`` (``db:redis/*/session:1``), which a
``protected: ["db:redis/0/session:*"]`` pattern still covers. Writes to a key are updates, as
``redis-cli`` judges them; ``delete``, a ``json_del`` of the whole document and an ``expire``
to 0 seconds delete it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyturn.model import EffectKind
from keyturn.understand._mcp_databases import on_sql
from keyturn.understand._mcp_family import (
    BuiltinEffects,
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


# -- MySQL -------------------------------------------------------------------------------------


MYSQL = ServerFamily(
    "mysql",
    ("mysql*", "*mysql*", "mariadb*", "*mariadb*"),
    {
        "mysql_query": on_sql("sql", engine="mysql"),
        "execute_sql": on_sql("query", engine="mysql"),
    },
)

# -- Redis -------------------------------------------------------------------------------------

_DATABASE = "db:redis/*"


def _key_name(key: str) -> str:
    return f"{_DATABASE}/{key}"


def _on_key(kind: EffectKind, arg: str, detail: str = "") -> Handler:
    """The tool acts on the key its ``arg`` argument names."""

    def handle(call: McpCall) -> BuiltinEffects:
        key = call.text_arg(arg)
        if key is None:
            return missing_argument(call, kind, arg)
        return own_effects(
            call.effect(kind, [_key_name(key)], type_="key", service="db", detail=detail)
        )

    return handle


def _on_database(kind: EffectKind, detail: str = "") -> Handler:
    """The tool reads or changes the database as a whole (scans, indexes, server state)."""
    return lambda call: own_effects(
        call.effect(kind, [_DATABASE], type_="database", service="db", detail=detail)
    )


def _expire(call: McpCall) -> BuiltinEffects:
    """``expire``: a time to live is an update; one of 0 seconds or less deletes the key now (as
    Redis does), and one that is not a number may be that."""
    value = call.arg("expire_seconds")
    seconds = value if isinstance(value, int) and not isinstance(value, bool) else None
    if seconds is None and isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        seconds = int(value)
    if seconds is not None and seconds > 0:
        return _on_key(U, "name", f"expires in {seconds}s")(call)
    return _on_key(D, "name", f"expire_seconds {value!r}: the key is deleted now")(call)


def _json_del(call: McpCall) -> BuiltinEffects:
    """``json_del``: the root path (``$``, the default, or ``.``; blanks around it aside)
    deletes the whole key, any other path a part of the document."""
    path = call.arg("path")
    if path is None or (isinstance(path, str) and path.strip() in ("", "$", ".")):
        return _on_key(D, "name", "the whole JSON document")(call)
    return _on_key(U, "name", f"deletes {path!r} in the document")(call)


def _rename(call: McpCall) -> BuiltinEffects:
    """``rename``: both keys change (the new one is overwritten if it is there)."""
    old, new = call.text_arg("old_key"), call.text_arg("new_key")
    if old is None or new is None:
        return missing_argument(call, U, "old_key" if old is None else "new_key")
    return own_effects(
        call.effect(U, [_key_name(old)], type_="key", service="db", detail=f"renamed to {new}"),
        call.effect(U, [_key_name(new)], type_="key", service="db", detail="overwritten"),
    )


def _publish(call: McpCall) -> BuiltinEffects:
    channel = call.text_arg("channel")
    if channel is None:
        return missing_argument(call, U, "channel")
    return _on_database(U, f"publishes to channel {channel}")(call)


REDIS = ServerFamily(
    "redis",
    ("redis*", "*redis*", "valkey*", "*valkey*"),
    {
        # strings and keys
        "get": _on_key(R, "key"),
        "type": _on_key(R, "key"),
        "set": _on_key(U, "key"),
        "delete": _on_key(D, "key"),
        "expire": _expire,
        "rename": _rename,
        # hashes
        "hget": _on_key(R, "name"),
        "hgetall": _on_key(R, "name"),
        "hexists": _on_key(R, "name"),
        "get_vector_from_hash": _on_key(R, "name"),
        "hset": _on_key(U, "name"),
        "hdel": _on_key(U, "name"),
        "set_vector_in_hash": _on_key(U, "name"),
        # lists, sets, sorted sets
        "lrange": _on_key(R, "name"),
        "llen": _on_key(R, "name"),
        "lpush": _on_key(U, "name"),
        "rpush": _on_key(U, "name"),
        "lpop": _on_key(U, "name"),
        "rpop": _on_key(U, "name"),
        "lrem": _on_key(U, "name"),
        "smembers": _on_key(R, "name"),
        "sadd": _on_key(U, "name"),
        "srem": _on_key(U, "name"),
        "zrange": _on_key(R, "key"),
        "zadd": _on_key(U, "key"),
        "zrem": _on_key(U, "key"),
        # streams (reading through a group moves the group's position: an update)
        "xrange": _on_key(R, "key"),
        "xadd": _on_key(U, "key"),
        "xdel": _on_key(U, "key"),
        "xgroup_create": _on_key(U, "key"),
        "xgroup_destroy": _on_key(U, "key", "destroys a consumer group"),
        "xreadgroup": _on_key(U, "key", "moves the group's read position"),
        "xack": _on_key(U, "key"),
        # JSON
        "json_get": _on_key(R, "name"),
        "json_set": _on_key(U, "name"),
        "json_del": _json_del,
        # the database, the server and search indexes
        "scan_keys": _on_database(R),
        "scan_all_keys": _on_database(R),
        "dbsize": _on_database(R),
        "info": _on_database(R),
        "client_list": _on_database(R),
        "get_indexes": _on_database(R),
        "get_index_info": _on_database(R),
        "get_indexed_keys_number": _on_database(R),
        "vector_search_hash": _on_database(R),
        "hybrid_search": _on_database(R),
        "create_vector_index_hash": _on_database(U, "creates a search index"),
        # pub/sub
        "publish": _publish,
        "subscribe": on_tool(R, "db"),
        "psubscribe": on_tool(R, "db"),
        "read_messages": on_tool(R, "db"),
        "unsubscribe": on_tool(R, "db"),
        # the server's own connections and the documentation search
        "connect": on_tool(R, "db"),
        "list_connections": on_tool(R, "db"),
        "get_connection": on_tool(R, "db"),
        "disconnect": on_tool(R, "db"),
        "switch_default_connection": on_tool(R, "db"),
        "search_redis_documents": on_tool(R, "web"),
    },
)
