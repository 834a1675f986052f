"""MCP calls whose arguments point the real server somewhere other than where keyturn looked.

- F1: the reference filesystem server (npm ``@modelcontextprotocol/server-filesystem``) resolves
  a relative path against its *allowed directories* (``lib.ts``
  ``resolveRelativePathAgainstAllowedDirectories``: each in turn, the first whose result lies
  inside an allowed directory, else the first), never against the working directory while it
  has one. The proxy reads them from the server's command line (``index.ts``: every argument
  is one, ``~`` expanded, resolved against the server's working directory) and names a relative
  path under each; where it cannot read them, the path is ``unknown``. Confirmed with the real
  server behind the real proxy (:func:`test_real_proxy_refuses_a_relative_path_into_a_protected_
  directory`).
- F2: the postgres and MySQL servers keyturn knows take ``sql`` (or ``query``) only: a
  ``database`` key is dropped and the statement runs on the server's own database
  (``servers-archived`` ``src/postgres`` ``query``; ``crystaldba/postgres-mcp`` ``execute_sql``,
  a pydantic model; ``benborla/mcp-server-mysql`` ``mysql_query``). It must not rename the table.
- F3: other servers' ``fetch`` tools take ``method``, ``headers`` and ``body`` (npm
  ``mcp-fetch`` 0.1.6: ``method`` GET/POST/PUT/DELETE/PATCH/HEAD/OPTIONS); the reference
  ``mcp-server-fetch`` takes ``url``, ``max_length``, ``start_index``, ``raw``. A DELETE sent
  by such a tool reached a loopback HTTP server in the red-team run.
- F4: ``ckreiling/mcp-server-docker``'s ``run_container`` passes ``command`` and ``entrypoint``
  to ``docker.containers.run`` (``input_schemas.py`` ``CreateContainerInput``; the SDK splits a
  string with ``shlex``): judged as the ``docker run`` line with that command is.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Decision, EffectKind
from keyturn.policy import Policy, load_policy
from keyturn.understand import FileReader, MemoryFiles, NoFiles
from keyturn.understand.mcp import understand_mcp

pytest.importorskip("keyturn.understand.shell")

ACTOR = Actor(agent="kiro", operator="bob")
REPO = Path(__file__).resolve().parents[2]
NPM_FILESYSTEM = (
    REPO / "tests/.npm/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
)

# The red-team setup: a protected tree and a project where agents may change files freely.
FILES_POLICY = """\
version: 1
default: ask
unknown_environment: production
environments:
  production:
    resources: ["*prod*"]
  dev:
    resources: ["file:{app}/**", "file:{app}"]
reviewers:
  sre: [alice, bob, carol]
protected:
  - "file:{prod}/**"
  - "file:{prod}"
agents:
  "*":
    allow:
      - effect: read
      - effect: [create, update, delete]
        environment: dev
    ask:
      - effect: [create, update, delete, replace]
        environment: production
        approvals: 2
        reviewers: [sre]
"""
PROD, APP = "/srv/prod", "/work/app"
ROOTS = (PROD, APP)  # as `server-filesystem /srv/prod /work/app` is started


def _files_policy(prod: str = PROD, app: str = APP) -> Policy:
    return load_policy(FILES_POLICY.format(prod=prod, app=app))


def _judge(
    policy: Policy,
    server: str,
    tool: str,
    arguments: dict[str, Any],
    *,
    files: FileReader | None = None,
    **kwargs: Any,
) -> Decision:
    action = understand_mcp(
        server, tool, arguments, cwd=APP, home="/root", files=files or NoFiles(), **kwargs
    )
    return policy.judge(action, actor=ACTOR)


# -- F1: relative paths of the filesystem server ---------------------------------------------


def test_a_relative_path_is_named_under_every_allowed_directory() -> None:
    action = understand_mcp(
        "fs", "write_file", {"path": "config.yml", "content": "x"}, cwd=APP, roots=ROOTS
    )
    assert [e.resource.names[0] for e in action.effects] == [
        "file:/srv/prod/config.yml",
        "file:/work/app/config.yml",
    ]


def test_overwriting_a_protected_file_by_a_relative_path_is_not_allowed() -> None:
    """``write_file {"path": "config.yml"}`` to a server started on ``/srv/prod /work/app``
    writes /srv/prod/config.yml (the first allowed directory wins): before the fix it was named
    /work/app/config.yml, in dev, and allowed."""
    files = MemoryFiles({"/srv/prod/config.yml": "db: main\n"})
    decision = _judge(
        _files_policy(),
        "fs",
        "write_file",
        {"path": "config.yml", "content": "pwned"},
        files=files,
        roots=ROOTS,
    )
    assert decision.decision.value == "ask"
    assert decision.approvals_required == 2


def test_moving_a_protected_directory_by_a_relative_path_is_refused() -> None:
    """``move_file {"source": "data"}``: the real server moved /srv/prod/data away."""
    decision = _judge(
        _files_policy(),
        "fs",
        "move_file",
        {"source": "data", "destination": "/work/app/stolen"},
        roots=ROOTS,
    )
    assert decision.decision.value == "deny"
    assert any("protected" in r for r in decision.reasons), decision.reasons


def test_dot_dot_reaches_the_sibling_directory_under_either_root() -> None:
    action = understand_mcp(
        "filesystem", "read_text_file", {"path": "../prod/x"}, cwd="/tmp", roots=("/srv/app",)
    )
    assert [e.resource.names[0] for e in action.effects] == ["file:/srv/prod/x"]


def test_absolute_and_home_paths_do_not_depend_on_the_roots() -> None:
    for path, name in (
        ("/work/app/a.py", "file:/work/app/a.py"),
        ("~/.bashrc", "file:/root/.bashrc"),
    ):
        action = understand_mcp("fs", "read_text_file", {"path": path}, cwd=APP, roots=ROOTS)
        assert [e.resource.names[0] for e in action.effects] == [name]
    allowed = _judge(
        _files_policy(), "fs", "write_file", {"path": "/work/app/a.py", "content": ""}, roots=ROOTS
    )
    assert allowed.decision.value == "allow"


def test_a_relative_path_when_the_directories_are_not_known_is_unknown() -> None:
    """The proxy in front of a command it cannot read the directories from (``docker run …
    mcp/filesystem /projects``, a wrapper script) passes ``roots=()``."""
    action = understand_mcp(
        "fs", "move_file", {"source": "data", "destination": "/work/app/x"}, cwd=APP, roots=()
    )
    assert [e.effect for e in action.effects] == [EffectKind.UNKNOWN]
    assert "allowed directories" in action.effects[0].detail
    decision = _files_policy().judge(action, actor=ACTOR)
    assert decision.decision.value != "allow"


def test_a_policy_mapping_names_a_relative_file_under_the_roots_too() -> None:
    """The documented proxy setup maps ``fs`` tools with ``file:{path}`` templates: the mapping
    must not bring back the working directory the server never uses."""
    policy = load_policy(
        FILES_POLICY.format(prod=PROD, app=APP)
        + "mcp:\n  servers:\n    fs:\n      tools:\n"
        + '        write_file: {effect: update, resources: "file:{path}"}\n'
    )
    action = understand_mcp(
        "fs",
        "write_file",
        {"path": "config.yml", "content": ""},
        mappings=policy.mcp_mappings,
        cwd=APP,
        roots=ROOTS,
    )
    assert [e.resource.names[0] for e in action.effects] == [
        "file:/srv/prod/config.yml",
        "file:/work/app/config.yml",
    ]
    assert policy.judge(action, actor=ACTOR).decision.value == "ask"


def test_hooks_not_told_the_directories_name_relative_paths_from_the_session() -> None:
    """Claude Code answers the server's ``roots/list`` with the project directory only, and the
    server replaces its allowed directories with it (anthropics/claude-code#42643): a relative
    path of an agent's MCP call lands in the session's working directory."""
    action = understand_mcp("fs", "write_file", {"path": "config.yml", "content": ""}, cwd=APP)
    assert [e.resource.names[0] for e in action.effects] == ["file:/work/app/config.yml"]


@pytest.mark.parametrize(
    ("command", "roots"),
    [
        (["npx", "-y", "@modelcontextprotocol/server-filesystem", "/srv/prod", "app"],
         ("/srv/prod", "/work/app/app")),
        (["npx", "-y", "@modelcontextprotocol/server-filesystem@2026.8.31", "~/notes"],
         ("/root/notes",)),
        (["node", "/x/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js",
          "/a", "/b/../c"], ("/a", "/c")),
        (["mcp-server-filesystem", "/srv"], ("/srv",)),
        # no directory: the server falls back to its working directory (the proxy's)
        (["npx", "@modelcontextprotocol/server-filesystem"], ("/work/app",)),
        # not readable from the command line: unknown
        (["docker", "run", "-i", "--rm", "mcp/filesystem", "/projects"], ()),
        (["sh", "-c", "npx @modelcontextprotocol/server-filesystem /srv"], ()),
        (["python3", "my_files_server.py", "/srv"], ()),
    ],
)  # fmt: skip
def test_the_allowed_directories_are_read_from_the_servers_command_line(
    command: list[str], roots: tuple[str, ...]
) -> None:
    from keyturn.understand.mcp import filesystem_roots

    assert filesystem_roots(command, cwd=APP, home="/root") == roots


def test_the_proxy_judges_with_the_servers_directories() -> None:
    """``McpProxy`` hands its settings' roots to the understanding."""
    from mcp import StdioServerParameters
    from mcp import types as mcp_types

    from keyturn.integrations.mcp_proxy import McpProxy, ProxySettings, Upstream, policy_decide

    policy = _files_policy()
    settings = ProxySettings(
        name="fs",
        upstream=StdioServerParameters(command="/bin/false"),
        actor=ACTOR,
        cwd=APP,
        home="/root",
        roots=ROOTS,
    )
    proxy = McpProxy(settings=settings, policy=policy, decide=policy_decide(policy))
    upstream = Upstream(annotations={"move_file": {}})

    class Context:
        lifespan_context = upstream

    params = mcp_types.CallToolRequestParams(
        name="move_file", arguments={"source": "data", "destination": "/work/app/stolen"}
    )
    result = anyio.run(proxy._call_tool, Context(), params)
    assert result.is_error
    assert result.content[0].text.startswith("keyturn denied mcp:fs/move_file")  # type: ignore[union-attr]


@pytest.fixture()
def npm_filesystem() -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the published npm MCP server cannot run")
    if not NPM_FILESYSTEM.exists():
        pytest.skip("@modelcontextprotocol/server-filesystem is not installed under tests/.npm")
    return NPM_FILESYSTEM


def test_real_proxy_refuses_a_relative_path_into_a_protected_directory(
    npm_filesystem: Path, tmp_path: Path
) -> None:
    """The red-team run, end to end: ``keyturn mcp-proxy`` in the project directory in front of
    ``node server-filesystem PROD APP``; before the fix ``write_file config.yml`` overwrote
    PROD/config.yml and ``move_file data`` moved PROD/data into the project."""
    from mcp import Client, StdioServerParameters

    prod, app = tmp_path / "prod", tmp_path / "app"
    (prod / "data").mkdir(parents=True)
    app.mkdir()
    (prod / "config.yml").write_text("db: main\n")
    (prod / "data" / "db.bin").write_text("rows")
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(FILES_POLICY.format(prod=prod, app=app))
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "keyturn", "mcp-proxy", "--no-store", "--name", "fs", "--policy",
              str(policy), "--agent", "kiro", "--",
              "node", str(npm_filesystem), str(prod), str(app)],
        env={**os.environ, "KEYTURN_HOME": str(tmp_path / "home")},
        cwd=str(app),
    )  # fmt: skip

    async def scenario() -> None:
        async with Client(params) as client:
            write = await client.call_tool("write_file", {"path": "config.yml", "content": "x"})
            assert write.is_error, write.content
            move = await client.call_tool(
                "move_file", {"source": "data", "destination": str(app / "stolen")}
            )
            assert move.is_error, move.content
            # the project itself is still writable, by an absolute path
            ok = await client.call_tool("write_file", {"path": str(app / "n.txt"), "content": "y"})
            assert not ok.is_error, ok.content

    anyio.run(scenario)
    assert (prod / "config.yml").read_text() == "db: main\n"
    assert (prod / "data" / "db.bin").exists()
    assert not (app / "stolen").exists()
    assert (app / "n.txt").read_text() == "y"


# -- F2: a `database` the server does not take ------------------------------------------------

_LOADED: dict[str, Policy] = {}


def _brief(extra: str = "", protect: tuple[str, ...] = ()) -> Policy:
    key = extra + "|".join(protect)
    if key not in _LOADED:
        text = BRIEF_POLICY.replace(
            "protected:", "protected:" + "".join(f'\n  - "{p}"' for p in protect), 1
        )
        if extra:
            text = text.replace("  dev:\n", "  dev:\n" + extra, 1)
        _LOADED[key] = load_policy(text)
    return _LOADED[key]


PROTECT_ORDERS = ("db:postgres/main/orders", "db:mysql/main/orders")
SCRATCH_IS_DEV = '    resources: ["db:*/scratch*"]\n'


@pytest.mark.parametrize(
    ("server", "tool"),
    [("postgres", "query"), ("postgres", "execute_sql"), ("mysql", "mysql_query")],
)
def test_a_database_argument_the_server_drops_does_not_rename_a_protected_table(
    server: str, tool: str
) -> None:
    arguments = {"sql": "DROP TABLE orders", "database": "scratch"}
    action = understand_mcp(server, tool, arguments)
    decision = _brief(protect=PROTECT_ORDERS).judge(action, actor=ACTOR)
    assert decision.decision.value == "deny", [e.resource.names for e in action.effects]


def test_the_designcomputer_mysql_execute_sql_also_ignores_database() -> None:
    arguments = {"query": "DROP TABLE orders", "database": "scratch"}
    action = understand_mcp("mysql", "execute_sql", arguments)
    assert action.effects[0].resource.names[0] == "db:mysql/*/orders"


def test_a_dropped_database_argument_does_not_move_the_statement_to_dev() -> None:
    """With ``dev: resources: ["db:*/scratch*"]`` the drop was allowed outright."""
    arguments = {"sql": "DROP TABLE orders", "database": "scratch"}
    decision = _brief(SCRATCH_IS_DEV).judge(
        understand_mcp("postgres", "query", arguments), actor=ACTOR
    )
    assert decision.decision.value == "ask"
    assert decision.approvals_required == 2


def test_an_unknown_servers_sql_is_judged_in_both_databases() -> None:
    """A mapped server keyturn does not know may or may not take ``database``: the statement
    is named in the told database and where none is told, so a protected table holds."""
    policy = load_policy(
        BRIEF_POLICY.replace("protected:", 'protected:\n  - "db:postgres/main/orders"', 1)
        + "mcp:\n  servers:\n    warehouse-pg:\n      tools:\n        run: {sql: sql}\n"
    )
    action = understand_mcp(
        "warehouse-pg",
        "run",
        {"sql": "DROP TABLE orders", "database": "scratch"},
        mappings=policy.mcp_mappings,
    )
    (effect,) = action.effects
    assert effect.resource.names[:2] == ("db:postgres/scratch/orders", "db:postgres/*/orders")
    assert policy.judge(action, actor=ACTOR).decision.value == "deny"


# -- F3: fetch tools that send more than a GET ------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "verdict", "kind"),
    [
        # npm mcp-fetch: the DELETE reached the server in the red-team run
        ({"url": "https://api.prod.example.com/v1/orders/42", "method": "DELETE"}, "ask",
         EffectKind.DELETE),
        ({"url": "https://api.prod.example.com/v1/orders/42", "method": "delete"}, "ask",
         EffectKind.DELETE),
        ({"url": "https://api.prod.example.com/v1/users", "method": "POST",
          "body": "{\"role\": \"admin\"}"}, "ask", EffectKind.CREATE),
        ({"url": "https://api.prod.example.com/v1/users/1", "method": "PUT", "body": {"a": 1}},
         "ask", EffectKind.UPDATE),
        # a method override header makes a GET a DELETE on servers that honour it
        ({"url": "https://api.prod.example.com/v1/orders/42",
          "headers": {"X-HTTP-Method-Override": "DELETE"}}, "ask", EffectKind.DELETE),
        # arguments no fetch server keyturn knows takes: what they do is not known
        ({"url": "https://api.prod.example.com/v1/orders/42", "options": {"method": "DELETE"}},
         "deny", EffectKind.UNKNOWN),
        ({"url": "https://api.prod.example.com/v1/orders/42", "method": ["DELETE"]}, "deny",
         EffectKind.UNKNOWN),
        ({"url": "https://api.prod.example.com/v1/orders/42", "method": "DELETE",
          "headers": "X-Token: 1"}, "deny", EffectKind.UNKNOWN),
    ],
)  # fmt: skip
def test_a_fetch_that_sends_more_than_a_get_is_judged_as_the_request(
    arguments: dict[str, Any], verdict: str, kind: EffectKind
) -> None:
    action = understand_mcp("fetch", "fetch", arguments)
    decision = _brief().judge(action, actor=ACTOR)
    assert kind in {e.effect for e in action.effects}, [
        (e.effect, e.detail) for e in action.effects
    ]
    assert decision.decision.value == verdict
    assert all(e.tool == "mcp:fetch/fetch" for e in action.effects)


@pytest.mark.parametrize(
    "arguments",
    [
        {"url": "https://example.com/docs"},
        {"url": "https://example.com/docs", "max_length": 5000, "start_index": 0, "raw": True},
        {"url": "https://example.com/docs", "method": "GET"},
        {"url": "https://example.com/docs", "method": "head"},
    ],
)
def test_a_plain_fetch_still_reads(arguments: dict[str, Any]) -> None:
    action = understand_mcp("fetch", "fetch", arguments)
    assert [(e.effect, e.resource.names[0]) for e in action.effects] == [
        (EffectKind.READ, "https://example.com/docs")
    ]
    assert _brief().judge(action, actor=ACTOR).decision.value == "allow"


# -- F4: the container's command -------------------------------------------------------------

PROD_MOUNT = {"/srv/prod": {"bind": "/data", "mode": "rw"}}


@pytest.mark.parametrize(
    "arguments",
    [
        {"image": "alpine", "command": "rm -rf /data", "volumes": PROD_MOUNT},
        {"image": "alpine", "command": "rm -rf /data", "volumes": ["/srv/prod:/data"]},
        {"image": "alpine", "command": ["sh", "-c", "rm -rf /data"], "volumes": PROD_MOUNT},
        {"image": "alpine", "entrypoint": "rm", "command": "-rf /data", "volumes": PROD_MOUNT},
        {"image": "alpine", "entrypoint": "sh -c", "command": "'rm -rf /data'",
         "volumes": PROD_MOUNT},
    ],
)  # fmt: skip
@pytest.mark.parametrize("tool", ["run_container", "create_container", "recreate_container"])
def test_a_containers_command_is_judged_with_its_mounts(
    tool: str, arguments: dict[str, Any]
) -> None:
    """As ``docker run -v /srv/prod:/data alpine rm -rf /data`` is: the delete lands on the
    mount's source, which is protected."""
    if tool == "recreate_container":
        arguments = {**arguments, "container_id": "web"}
    action = understand_mcp("docker", tool, arguments)
    decision = _brief(protect=("file:/srv/prod/**", "file:/srv/prod")).judge(action, actor=ACTOR)
    assert decision.decision.value == "deny", [(e.effect, e.resource.names) for e in action.effects]
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv/prod" in e.resource.names
        for e in action.effects
    )


def test_the_typed_line_and_the_tool_agree() -> None:
    from keyturn.understand.shell import understand_shell

    typed = understand_shell("docker run -d -v /srv/prod:/data:rw alpine rm -rf /data", cwd="/")
    action = understand_mcp(
        "docker",
        "run_container",
        {"image": "alpine", "command": "rm -rf /data", "volumes": PROD_MOUNT},
    )
    assert [(e.effect, e.resource.names[0]) for e in action.effects] == [
        (e.effect, e.resource.names[0]) for e in typed.effects
    ]


@pytest.mark.parametrize(
    "arguments",
    [
        {"image": "alpine", "command": "rm -rf '/data"},  # unbalanced quote: not split
        {"image": "alpine", "command": {"rm": "/data"}},
        {"image": "alpine", "entrypoint": "-x", "command": "y"},  # would read as an option
    ],
)
def test_a_command_that_makes_no_line_is_unknown(arguments: dict[str, Any]) -> None:
    action = understand_mcp("docker", "run_container", arguments)
    assert [e.effect for e in action.effects] == [EffectKind.UNKNOWN]
