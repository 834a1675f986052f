"""An MCP server built on the SDK's MCPServer, run over stdio as the upstream of
``keyturn mcp-proxy`` in the end-to-end tests.

Tools: ``list_dbs`` (read-only), ``rename_db`` (an update), ``drop_db`` and ``wipe_all``
(destructive), ``slow`` (sleeps) and ``crash`` (the server dies). Every call that reaches the
server is appended to the file named by ``$INVENTORY_LOG``, so a test can tell whether the proxy
forwarded it.
"""

from __future__ import annotations

import os
import time

from mcp.server import MCPServer
from mcp.types import ToolAnnotations

server = MCPServer("inventory")


def _record(line: str) -> None:
    log = os.environ.get("INVENTORY_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")


@server.tool(annotations=ToolAnnotations(readOnlyHint=True))
def list_dbs() -> str:
    """List the databases."""
    _record("list_dbs")
    return "orders, billing"


@server.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=False))
def rename_db(name: str, new_name: str) -> str:
    """Rename a database."""
    _record(f"rename_db {name} {new_name}")
    return f"renamed {name} to {new_name}"


@server.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=True))
def drop_db(name: str) -> str:
    """Drop a database."""
    _record(f"drop_db {name}")
    return f"dropped {name}"


@server.tool(annotations=ToolAnnotations(readOnlyHint=False, destructiveHint=True))
def wipe_all() -> str:
    """Drop every database."""
    _record("wipe_all")
    return "wiped"


@server.tool()
def slow(seconds: float) -> str:
    """Sleep, then answer (for the proxy's timeout)."""
    _record("slow")
    time.sleep(seconds)
    return "done"


@server.tool()
def crash() -> str:
    """Exit the server process in the middle of the call."""
    _record("crash")
    os._exit(3)


if __name__ == "__main__":
    server.run()
