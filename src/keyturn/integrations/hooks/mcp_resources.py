"""Claude Code's MCP resource tools as reads of the resources they name.

``ReadMcpResourceTool`` (``{server, uri}``) reads one resource of a connected MCP server,
``ReadMcpResourceDirTool`` (``{server, uri}``) lists a directory resource, and
``ListMcpResourcesTool`` (``{server?}``) lists the resources of one server or of every one
(``sdk-tools.d.ts`` of ``@anthropic-ai/claude-code`` 2.1.332). MCP's ``resources/read`` and
``resources/list`` only read, so each is a ``read`` of:

- ``mcp:<server>/resource/<uri>`` for one resource (a directory's listing names the directory);
- ``mcp:<server>/resource/*`` for a server's list, ``mcp:*/resource/*`` for every server's.

An MCP tool's name holds no ``/``, so these never name a tool (``mcp:<server>/<tool>``), and
a pattern on a server (``mcp:vault/*``) covers both. A call without its server or URI is
``unknown``.
"""

from __future__ import annotations

from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target

from .tool_calls import ToolCall, digestible, unknown_action

READ_TOOLS = frozenset({"ReadMcpResourceTool", "ReadMcpResourceDirTool"})
LIST_TOOLS = frozenset({"ListMcpResourcesTool"})


def resource_name(server: str, uri: str) -> str:
    """The resource name of an MCP resource (``*`` for every server or every resource)."""
    return f"mcp:{server}/resource/{uri}"


def resource_action(call: ToolCall, *, target: Target) -> Action:
    """A read of the MCP resource (or list of resources) the call names."""
    args = call.arguments
    server, uri = args.get("server"), args.get("uri")
    if call.tool in LIST_TOOLS:
        if server is not None and (not isinstance(server, str) or not server):
            return unknown_action(call, f"{call.tool}: server is not a name", target=target)
        name = resource_name(server or "*", "*")
    elif isinstance(server, str) and server and isinstance(uri, str) and uri:
        name = resource_name(server, uri)
    else:
        return unknown_action(call, f"{call.tool}: no server and resource URI", target=target)
    effect = Effect(
        EffectKind.READ,
        Resource((name,), type="mcp_resource"),
        target=target,
        service="mcp",
        operation=call.tool,
        detail=f"{call.tool} {name}",
    )
    subject = {"server": server, "tool": call.tool, "arguments": digestible(args)}
    return Action(ActionKind.MCP, f"{call.tool} {name}", (effect,), target=target, subject=subject)
