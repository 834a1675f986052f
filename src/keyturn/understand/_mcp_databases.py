"""Built-in meanings of the database servers' tools: postgres and SQLite.

Their tools that run SQL mean what the SQL text does, whatever the tool's name says: the text is
understood as the SQL it is (:meth:`~keyturn.understand.mcp_call.McpCall.sql`), in the engine the
server's name tells, and gives only derived effects. Their other tools read the server's
catalogue. Kept apart from the other families so that each module holds one kind of server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall


# -- postgres / SQL --------------------------------------------------------------------------


def on_sql(*keys: str, engine: str | None = None) -> Handler:
    """A tool whose ``keys`` argument is SQL, run on the server's own database: in ``engine``,
    else the one the server's name tells (postgres when it tells none).

    None of these tools takes a ``database`` argument (``query``/``execute_sql``/``mysql_query``
    read ``sql`` or ``query`` only; the pydantic and zod models drop other keys), so one given
    renames nothing: the statement runs where the server is connected, named
    ``db:<engine>/*/<table>``."""

    def handle(call: McpCall) -> BuiltinEffects:
        from keyturn.understand.mcp import sql_engine

        text = call.text_arg(*keys)
        if text is None:
            return missing_argument(call, EffectKind.UNKNOWN, *keys)
        dialect = engine or sql_engine(call.server)
        if dialect == "sql":
            dialect = "postgres"
        return BuiltinEffects([], call.sql(text, engine=dialect))

    return handle


def on_sqlite(*keys: str) -> Handler:
    """A SQLite tool whose ``keys`` argument is SQL: as :func:`on_sql`, the files it
    ``ATTACH``es named ``file:<path>`` on the effects on them, so that a protected file holds
    (``ATTACH '/srv/prod/x.db' AS a; DROP TABLE a.t``)."""
    run = on_sql(*keys, engine="sqlite")

    def handle(call: McpCall) -> BuiltinEffects:
        from keyturn.understand.sql.sqlite_files import with_database_files

        found = run(call)
        return BuiltinEffects(found.own, with_database_files(found.derived, None))

    return handle


POSTGRES = ServerFamily(
    "postgres",
    ("postgres*", "*postgres*", "pg", "pg-*"),
    {
        "query": on_sql("sql"),
        "execute_sql": on_sql("sql"),
        "list_schemas": on_tool(R, "db"),
        "list_objects": on_tool(R, "db"),
        "get_object_details": on_tool(R, "db"),
        "explain_query": on_tool(R, "db"),
    },
)

SQLITE = ServerFamily(
    "sqlite",
    ("sqlite*", "*sqlite*"),
    {
        # The SQL decides, whatever the tool's name says (a write_query can DROP; the server's
        # own check that read_query starts with SELECT is not keyturn's to trust).
        "read_query": on_sqlite("query"),
        "write_query": on_sqlite("query"),
        "create_table": on_sqlite("query"),
        "list_tables": on_tool(R, "db"),
        "describe_table": on_tool(R, "db"),
        "describe-table": on_tool(R, "db"),
        "append_insight": on_tool(U),  # the server's own memo, not the database
    },
)
