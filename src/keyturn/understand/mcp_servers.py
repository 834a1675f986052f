"""Built-in meanings of common MCP servers' tools, by their real names.

Each family is keyed by server-name globs (the name the client or ``keyturn mcp-proxy --name``
gives the server) and maps tool globs to a handler; the first matching family decides, and
within it the first matching tool glob. A server that matches a family but calls a tool the
family does not know is ``unknown``: never guessed from the name.

Tool names and arguments come from the servers' own sources:

- filesystem: ``modelcontextprotocol/servers`` ``src/filesystem`` (npm
  ``@modelcontextprotocol/server-filesystem``);
- git: ``modelcontextprotocol/servers`` ``src/git`` (``tests/snapshots/list_tools.json``),
  only with the arguments its tools take (``cyanheads/git-mcp-server`` reuses the names);
- GitHub: ``github/github-mcp-server`` ``pkg/github/__toolsnaps__/*.snap`` and its deprecated
  aliases (``pkg/github/deprecated_tool_aliases.go``);
- postgres: ``modelcontextprotocol/servers-archived`` ``src/postgres`` (``query``: ``sql``) and
  ``crystaldba/postgres-mcp`` (``execute_sql``: ``sql``);
- SQLite: ``modelcontextprotocol/servers-archived`` ``src/sqlite`` (``read_query``,
  ``write_query``, ``create_table``: ``query``);
- Kubernetes: ``containers/kubernetes-mcp-server`` ``pkg/toolsets/{core,helm}`` (``README.md``
  lists every tool's arguments);
- AWS: ``awslabs/mcp`` ``src/aws-api-mcp-server`` (``call_aws``: ``cli_command``, a string or a
  list of strings; ``suggest_aws_commands``: ``query``) and ``src/ccapi-mcp-server``
  (``update_resource``: ``resource_type``, ``identifier``, ``patch_document``; in
  :mod:`._mcp_cloud_control`);
- Supabase: ``supabase-community/supabase-mcp`` ``packages/mcp-server-supabase/src/tools/*.ts``
  (``execute_sql``, ``apply_migration``: ``query``; ``project_id``, ``branch_id``...);
- MongoDB and Atlas: ``mongodb-js/mongodb-mcp-server`` ``src/tools/{mongodb,atlas,atlasLocal}``
  (``database``, ``collection``, ``filter``, ``pipeline``; ``projectId``, ``clusterName``...);
- MySQL: ``benborla/mcp-server-mysql`` ``index.ts`` (``mysql_query``: ``sql``) and
  ``designcomputer/mysql_mcp_server`` ``src/mysql_mcp_server/server.py`` (``execute_sql``:
  ``query``);
- Redis: ``redis/mcp-redis`` ``src/tools/*.py`` (``key``/``name`` per command);
- Terraform: ``hashicorp/terraform-mcp-server`` ``pkg/toolsets/mapping.go``, ``pkg/tools/tfe``
  (``terraform_org_name``, ``workspace_name``, ``run_type``, ``run_id``, ``run_action``...);
- Google Cloud: ``googleapis/gcloud-mcp`` ``packages/gcloud-mcp/src/tools/
  run_gcloud_command.ts`` (``run_gcloud_command``: ``args``, the words after ``gcloud``);
- Docker: ``ckreiling/mcp-server-docker`` ``src/mcp_server_docker/{server,input_schemas}.py``;
- Kubernetes with kubectl and helm: ``Flux159/mcp-server-kubernetes`` ``src/tools/*.ts``
  (``kubectl_delete``, ``kubectl_apply``, ``exec_in_pod``, ``install_helm_chart``...: the lines
  they run), joined to the Kubernetes family;
- Railway: ``railwayapp/railway-mcp-server`` ``src/tools/*.ts`` and ``src/cli/*.ts`` (the
  ``railway`` lines each tool runs in ``workspacePath``) and the server bundled in the Railway
  CLI, ``railwayapp/cli`` ``src/commands/mcp/{handler,params}.rs``;
- Vercel: ``vercel.com/docs/agent-resources/vercel-mcp/tools`` (no public source: a subset);
- Netlify: ``netlify/netlify-mcp`` ``src/tools/index.ts`` and ``src/tools/*-tools/*.ts``
  (routers taking ``selectSchema: {operation, params}``);
- Cloudflare: ``cloudflare/mcp-server-cloudflare`` ``packages/mcp-common/src/tools/*.tools.ts``
  (Workers, KV, R2, D1: ``d1_database_query``'s ``sql`` as SQLite's, Hyperdrive);
- Azure: ``microsoft/mcp`` ``servers/Azure.Mcp.Server/docs/azmcp-commands.md`` and the
  namespace tool loader (``command``, ``parameters``, ``learn``, ``intent``): a subset;
- Grafana: ``grafana/mcp-grafana`` ``README.md`` (the tool table), ``tools/dashboard.go``,
  ``tools/alerting_manage_rules_types.go``;
- Sentry: ``getsentry/sentry-mcp`` ``packages/mcp-core/src/tools/catalog/*.ts`` (and
  ``execute_sentry_tool``, which calls a catalog tool by name);
- fetch: ``modelcontextprotocol/servers`` ``src/fetch`` (``fetch``: ``url``, ``max_length``,
  ``start_index``, ``raw``), and the tools of that name that also take ``method``, ``headers``
  and ``body`` (npm ``mcp-fetch``).

The families live in private modules by kind of server: the file and repository servers in
:mod:`._mcp_files`, :mod:`._mcp_git` and :mod:`._mcp_github`, the database servers in
:mod:`._mcp_databases` (postgres, SQLite), :mod:`._mcp_datastores` (MySQL, Redis),
:mod:`._mcp_mongodb` and :mod:`._mcp_atlas`, the platforms in :mod:`._mcp_supabase` and
:mod:`._mcp_terraform`, the cluster and cloud servers in :mod:`._mcp_cloud`, the servers whose
tools are a command line (gcloud, Docker) in :mod:`._mcp_cli` (and Flux159's kubectl tools in
:mod:`._mcp_kubectl`), the hosting platforms in :mod:`._mcp_railway` (with
:mod:`._mcp_railway_api`), :mod:`._mcp_paas` (Vercel, Netlify), :mod:`._mcp_cloudflare` and
:mod:`._mcp_azure`, the observability servers in :mod:`._mcp_grafana` and :mod:`._mcp_sentry`,
and what they share (:class:`BuiltinEffects`, :class:`ServerFamily`, the handler helpers) in
:mod:`._mcp_family`, and what opens a store to the world in :mod:`._mcp_exposure`. This module
keeps the order they are tried in, the catch-all fetch family that comes last, and the look-ups
the rest of keyturn calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from keyturn.model import Effect
from keyturn.understand._mcp_azure import AZURE, NAMESPACE_TOOLS
from keyturn.understand._mcp_cli import DOCKER, GCLOUD
from keyturn.understand._mcp_cloud import AWS, k8s_names
from keyturn.understand._mcp_cloud import KUBERNETES as _KUBERNETES_API
from keyturn.understand._mcp_cloud_control import CFN_MCP, CLOUD_CONTROL
from keyturn.understand._mcp_cloudflare import CLOUDFLARE
from keyturn.understand._mcp_databases import POSTGRES, SQLITE
from keyturn.understand._mcp_datastores import MYSQL, REDIS
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    Handler,
    R,
    ServerFamily,
    missing_argument,
    own_effects,
)
from keyturn.understand._mcp_files import FILESYSTEM
from keyturn.understand._mcp_git import GIT
from keyturn.understand._mcp_github import GITHUB
from keyturn.understand._mcp_grafana import GRAFANA
from keyturn.understand._mcp_kubectl import KUBECTL_TOOLS
from keyturn.understand._mcp_mongodb import MONGODB
from keyturn.understand._mcp_paas import NETLIFY, VERCEL
from keyturn.understand._mcp_railway import RAILWAY
from keyturn.understand._mcp_sentry import SENTRY
from keyturn.understand._mcp_supabase import SUPABASE
from keyturn.understand._mcp_terraform import TERRAFORM

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

__all__ = [
    "AWS",
    "AZURE",
    "CFN_MCP",
    "CLOUDFLARE",
    "CLOUD_CONTROL",
    "DOCKER",
    "FAMILIES",
    "FETCH",
    "FILESYSTEM",
    "GCLOUD",
    "GIT",
    "GITHUB",
    "GRAFANA",
    "KUBERNETES",
    "MONGODB",
    "MYSQL",
    "NETLIFY",
    "POSTGRES",
    "RAILWAY",
    "REDIS",
    "SENTRY",
    "SQLITE",
    "SUPABASE",
    "TERRAFORM",
    "VERCEL",
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
    ("supabase", "execute_sql"): frozenset({"query"}),
    ("supabase", "apply_migration"): frozenset({"query"}),
    # ClickHouse SQL over the project's log stream, read-only: not the project's database.
    ("supabase", "query_logs"): frozenset({"sql"}),
    ("mysql", "mysql_query"): frozenset({"sql"}),
    ("mysql", "execute_sql"): frozenset({"query"}),
    ("gcloud", "run_gcloud_command"): frozenset({"args"}),
    # The container's command runs inside it: judged in the `docker run` line (its mounts),
    # not as a line run here.
    ("docker", "create_container"): frozenset({"command"}),
    ("docker", "run_container"): frozenset({"command"}),
    ("docker", "recreate_container"): frozenset({"command"}),
    # Flux159's exec_in_pod: the command (an array) runs in the pod, as `kubectl exec` judges it.
    ("kubernetes", "exec_in_pod"): frozenset({"command"}),
    ("cloudflare", "d1_database_query"): frozenset({"sql"}),
    # Azure's namespace tools: `command` names one of the server's commands, not a shell line.
    **{("azure", tool): frozenset({"command"}) for tool in NAMESPACE_TOOLS},
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


# What mcp-server-fetch's ``Fetch`` model takes (src/fetch/src/mcp_server_fetch/server.py).
_FETCH_ARGUMENTS = frozenset({"url", "max_length", "start_index", "raw"})
# What other servers' ``fetch`` tools add (npm mcp-fetch: method GET/POST/PUT/DELETE/PATCH/HEAD/
# OPTIONS, headers, body): the HTTP request they send.
_REQUEST_ARGUMENTS = frozenset({"method", "headers", "body"})


def _fetch(call: McpCall) -> BuiltinEffects:
    """``fetch``: a read of the URL, as the agents' own web-fetch tools are judged -- unless it
    sends more than a GET: a ``method`` other than GET or HEAD, ``headers`` or a ``body`` make
    it the HTTP request it is, judged as ``curl`` sending it would be (a DELETE deletes, a
    method override header counts). An argument neither kind of server takes (``options``...)
    may mean anything: ``unknown``."""
    url = call.text_arg("url")
    if url is None:
        return missing_argument(call, R, "url")
    foreign = sorted(set(call.arguments) - _FETCH_ARGUMENTS - _REQUEST_ARGUMENTS)
    if foreign:
        return own_effects(
            call.unknown(f"argument {foreign[0]!r} is not one a fetch tool keyturn knows takes")
        )
    method = call.arg("method")
    if method is not None and not isinstance(method, str):
        return own_effects(call.unknown("argument 'method' is not text"))
    method = (method or "GET").strip().upper()
    if method in ("GET", "HEAD") and call.arg("headers") is None and call.arg("body") is None:
        return own_effects(call.effect(R, [url], type_="web", service="web", detail=f"fetch {url}"))
    return own_effects(*_http_request(call, method, url))


def _http_request(call: McpCall, method: str, url: str) -> list[Effect]:
    """The effects of the request a ``fetch`` tool sends, as the shell's HTTP clients' are."""
    headers, body = call.arg("headers"), call.arg("body")
    if headers is not None and not (
        isinstance(headers, Mapping) and all(isinstance(v, str | int) for v in headers.values())
    ):
        return [call.unknown("argument 'headers' is not an object of header values")]
    if body is not None and not isinstance(body, str):
        if not isinstance(body, Mapping | list):
            return [call.unknown("argument 'body' is neither text nor JSON data")]
        body = json.dumps(body)
    try:
        from keyturn.understand.shell.commands._http_meaning import Request, request_effects
    except ImportError:
        return [call.unknown(f"HTTP {method}: HTTP understanding is not in this build")]
    pairs = tuple((str(k), str(v)) for k, v in (headers or {}).items())
    request = Request(method=method, url=url, body=body, headers=pairs)
    return call.adopt(request_effects(request, target=call.target))


# Last: a name like "github-fetch" belongs to the family it names first.
FETCH = ServerFamily("fetch", ("fetch", "*fetch*"), {"fetch": _fetch})

# Both Kubernetes servers' tools (containers/kubernetes-mcp-server's and Flux159's kubectl ones):
# their names do not overlap, and a server called "kubernetes" may be either.
KUBERNETES = ServerFamily(
    _KUBERNETES_API.name,
    _KUBERNETES_API.servers,
    {**_KUBERNETES_API.tools, **KUBECTL_TOOLS},
)

# The more specific names first: "supabase-postgres" is Supabase's, "mongodb-docker" MongoDB's,
# "terraform-aws" Terraform's, "awslabs.ccapi-mcp-server" Cloud Control's (not the AWS API
# server's); the command-line families (gcloud, Docker) after the data ones, then the hosting
# platforms and the observability servers ("railway-postgres" is a database's).
FAMILIES: tuple[ServerFamily, ...] = (
    FILESYSTEM,
    GITHUB,
    GIT,
    SUPABASE,
    POSTGRES,
    SQLITE,
    MYSQL,
    MONGODB,
    REDIS,
    KUBERNETES,
    TERRAFORM,
    CFN_MCP,
    CLOUD_CONTROL,
    AWS,
    GCLOUD,
    DOCKER,
    RAILWAY,
    VERCEL,
    NETLIFY,
    CLOUDFLARE,
    AZURE,
    GRAFANA,
    SENTRY,
    FETCH,
)
