"""Built-in meanings of common MCP servers' tools, by their real names.

Each family is keyed by server-name globs (the name the client or ``keyturn mcp-proxy --name``
gives the server) and maps tool globs to a handler; the first matching family decides, and
within it the first matching tool glob. A server that matches a family but calls a tool the
family does not know is ``unknown``: never guessed from the name.

Tool names and arguments come from the servers' own sources:

- filesystem: ``modelcontextprotocol/servers`` ``src/filesystem`` (npm
  ``@modelcontextprotocol/server-filesystem``);
- git: ``modelcontextprotocol/servers`` ``src/git`` (``tests/snapshots/list_tools.json``);
- GitHub: ``github/github-mcp-server`` ``pkg/github/__toolsnaps__/*.snap``;
- postgres: ``modelcontextprotocol/servers-archived`` ``src/postgres`` (``query``: ``sql``) and
  ``crystaldba/postgres-mcp`` (``execute_sql``: ``sql``);
- SQLite: ``modelcontextprotocol/servers-archived`` ``src/sqlite`` (``read_query``,
  ``write_query``, ``create_table``: ``query``);
- Kubernetes: ``containers/kubernetes-mcp-server`` ``pkg/toolsets/{core,helm}`` (``README.md``
  lists every tool's arguments);
- AWS: ``awslabs/mcp`` ``src/aws-api-mcp-server`` (``call_aws``: ``cli_command``, a string or a
  list of strings; ``suggest_aws_commands``: ``query``);
- fetch: ``modelcontextprotocol/servers`` ``src/fetch`` (``fetch``: ``url``).

The families live in private modules by kind of server: the file and repository servers in
:mod:`._mcp_files`, the database servers in :mod:`._mcp_databases`, the cluster and cloud
servers in :mod:`._mcp_cloud`, and what they share (:class:`BuiltinEffects`,
:class:`ServerFamily`, the handler helpers) in :mod:`._mcp_family`. This module keeps the order
they are tried in, the catch-all fetch family that comes last, and the look-ups the rest of
keyturn calls.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from keyturn.understand._mcp_cloud import AWS, KUBERNETES, k8s_names
from keyturn.understand._mcp_databases import POSTGRES, SQLITE
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    Handler,
    R,
    ServerFamily,
    missing_argument,
    own_effects,
)
from keyturn.understand._mcp_files import FILESYSTEM, GIT, GITHUB

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

__all__ = [
    "AWS",
    "FAMILIES",
    "FETCH",
    "FILESYSTEM",
    "GIT",
    "GITHUB",
    "KUBERNETES",
    "POSTGRES",
    "SQLITE",
    "BuiltinEffects",
    "Handler",
    "ServerFamily",
    "builtin_effects",
    "family_for",
    "k8s_names",
    "knows",
    "text_arguments",
]


def builtin_effects(call: McpCall) -> BuiltinEffects | None:
    """The built-in understanding of ``call``, or ``None`` when no built-in mapping knows it."""
    family = _family(call.server)
    if family is None:
        return None
    for glob, handler in family.tools.items():
        if fnmatchcase(call.tool, glob):
            return handler(call)
    return None


def knows(server: str, tool: str) -> bool:
    """Whether a built-in mapping gives ``tool`` of ``server`` a meaning."""
    family = _family(server)
    return family is not None and any(fnmatchcase(tool, glob) for glob in family.tools)


def _family(server: str) -> ServerFamily | None:
    server = server.lower()
    for family in FAMILIES:
        if any(fnmatchcase(server, pattern) for pattern in family.servers):
            return family
    return None


# Tools whose built-in meaning already reads a text argument as SQL or shell.
_TEXT_ARGUMENTS = {
    ("postgres", "query"): frozenset({"sql"}),
    ("postgres", "execute_sql"): frozenset({"sql"}),
    ("sqlite", "read_query"): frozenset({"query"}),
    ("sqlite", "write_query"): frozenset({"query"}),
    ("sqlite", "create_table"): frozenset({"query"}),
    ("kubernetes", "pods_exec"): frozenset({"command"}),
}


def text_arguments(server: str, tool: str) -> frozenset[str]:
    """The text arguments a built-in meaning of ``tool`` understands itself."""
    family = _family(server)
    return _TEXT_ARGUMENTS.get((family.name, tool), frozenset()) if family else frozenset()


def family_for(server: str) -> str | None:
    """The name of the built-in family a server name falls in, if any."""
    family = _family(server)
    return family.name if family else None


# -- fetch ---------------------------------------------------------------------------------


def _fetch(call: McpCall) -> BuiltinEffects:
    """``fetch``: a read of the URL, as the agents' own web-fetch tools are judged."""
    url = call.text_arg("url")
    if url is None:
        return missing_argument(call, R, "url")
    return own_effects(call.effect(R, [url], type_="web", service="web", detail=f"fetch {url}"))


# Last: a name like "github-fetch" belongs to the family it names first.
FETCH = ServerFamily("fetch", ("fetch", "*fetch*"), {"fetch": _fetch})

FAMILIES: tuple[ServerFamily, ...] = (
    FILESYSTEM,
    GITHUB,
    GIT,
    POSTGRES,
    SQLITE,
    KUBERNETES,
    AWS,
    FETCH,
)
