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
    """A tool whose ``keys`` argument is SQL, run on the ``database`` argument's database (or
    the server's own): in ``engine``, else the one the server's name tells (postgres when it
    tells none)."""

    def handle(call: McpCall) -> BuiltinEffects:
        from keyturn.understand.mcp import sql_engine

        text = call.text_arg(*keys)
        if text is None:
            return missing_argument(call, EffectKind.UNKNOWN, *keys)
        dialect = engine or sql_engine(call.server)
        if dialect == "sql":
            dialect = "postgres"
        database = call.text_arg("database")
        return BuiltinEffects([], call.sql(text, engine=dialect, database=database))

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
        "read_query": on_sql("query"),
        "write_query": on_sql("query"),
        "create_table": on_sql("query"),
        "list_tables": on_tool(R, "db"),
        "describe_table": on_tool(R, "db"),
        "describe-table": on_tool(R, "db"),
        "append_insight": on_tool(U),  # the server's own memo, not the database
    },
)
