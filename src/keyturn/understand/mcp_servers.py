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
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

import yaml

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand import NoFiles
from keyturn.understand.k8s_kinds import is_cluster_scoped, normalize_kind, object_names

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

R, C, U, D = EffectKind.READ, EffectKind.CREATE, EffectKind.UPDATE, EffectKind.DELETE


@dataclass(frozen=True, slots=True)
class BuiltinEffects:
    """What a built-in mapping understood: ``own`` (the tool's own effects, which declared
    annotations may make stricter) and ``derived`` (effects of SQL or shell text in the
    arguments, which they do not touch)."""

    own: list[Effect]
    derived: list[Effect]


Handler = Callable[["McpCall"], BuiltinEffects]


@dataclass(frozen=True, slots=True)
class ServerFamily:
    """The built-in meanings of one kind of server."""

    name: str
    servers: tuple[str, ...]
    tools: Mapping[str, Handler]


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


def _own(*effects: Effect) -> BuiltinEffects:
    return BuiltinEffects(list(effects), [])


def _missing(call: McpCall, kind: EffectKind, *args: str) -> BuiltinEffects:
    """An argument the meaning needs is absent: unknown, or when probing the tool without
    arguments, its nominal effect on itself."""
    what = f"argument {' or '.join(repr(a) for a in args)} missing or not text"
    return _own(call.effect(kind, detail=what) if call.probe else call.unknown(what))


def _on_tool(kind: EffectKind, service: str = "mcp") -> Handler:
    """The tool acts on nothing its arguments name (listing, searching the server itself)."""
    return lambda call: _own(call.effect(kind, service=service))


# -- filesystem ----------------------------------------------------------------------------


def _paths(call: McpCall, key: str) -> list[str]:
    value = call.arg(key)
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str) and v]


def _on_paths(kind: EffectKind, *keys: str) -> Handler:
    """The tool acts on the file(s) named by the first of ``keys`` present."""

    def handle(call: McpCall) -> BuiltinEffects:
        for key in keys:
            paths = _paths(call, key)
            if paths:
                return _own(
                    *(
                        call.effect(kind, [call.file(p)], type_="file", service="file")
                        for p in paths
                    )
                )
        return _missing(call, kind, *keys)

    return handle


def _write_kind(call: McpCall, path: str) -> EffectKind:
    """Writing a file that is there is an update, else a create (as far as files tell)."""
    name = call.file(path)[len("file:") :]
    return U if call.files.exists(name) else C


def _write_file(call: McpCall) -> BuiltinEffects:
    path = call.text_arg("path")
    if path is None:
        return _missing(call, C, "path")
    kind = _write_kind(call, path)
    return _own(call.effect(kind, [call.file(path)], type_="file", service="file"))


def _edit_file(call: McpCall) -> BuiltinEffects:
    path = call.text_arg("path")
    if path is None:
        return _missing(call, U, "path")
    kind = R if call.arg("dryRun") is True else U
    return _own(call.effect(kind, [call.file(path)], type_="file", service="file"))


def _move_file(call: McpCall) -> BuiltinEffects:
    source, destination = call.text_arg("source"), call.text_arg("destination")
    if source is None or destination is None:
        return _missing(call, D, "source", "destination")
    return _own(
        call.effect(D, [call.file(source)], type_="file", service="file", detail="moved away"),
        call.effect(
            _write_kind(call, destination), [call.file(destination)], type_="file", service="file"
        ),
    )


FILESYSTEM = ServerFamily(
    "filesystem",
    ("filesystem", "*filesystem*", "fs", "files"),
    {
        "read_file": _on_paths(R, "path"),
        "read_text_file": _on_paths(R, "path"),
        "read_media_file": _on_paths(R, "path"),
        "read_multiple_files": _on_paths(R, "paths"),
        "write_file": _write_file,
        "edit_file": _edit_file,
        "create_directory": _on_paths(C, "path"),
        "list_directory": _on_paths(R, "path"),
        "list_directory_with_sizes": _on_paths(R, "path"),
        "directory_tree": _on_paths(R, "path"),
        "search_files": _on_paths(R, "path"),
        "get_file_info": _on_paths(R, "path"),
        "move_file": _move_file,
        "list_allowed_directories": _on_tool(R, "file"),
    },
)

# -- git -------------------------------------------------------------------------------------


def _on_repo(kind: EffectKind, detail: str = "") -> Handler:
    """A git tool acting on the repository at ``repo_path`` (named as its directory)."""

    def handle(call: McpCall) -> BuiltinEffects:
        repo = call.text_arg("repo_path")
        if repo is None:
            return _missing(call, kind, "repo_path")
        return _own(
            call.effect(
                kind, [call.file(repo)], type_="git_repository", service="git", detail=detail
            )
        )

    return handle


GIT = ServerFamily(
    "git",
    ("git", "mcp-server-git", "git-*", "git_*"),
    {
        "git_status": _on_repo(R),
        "git_diff_unstaged": _on_repo(R),
        "git_diff_staged": _on_repo(R),
        "git_diff": _on_repo(R),
        "git_log": _on_repo(R),
        "git_show": _on_repo(R),
        "git_branch": _on_repo(R),
        "git_commit": _on_repo(U),
        "git_add": _on_repo(U),
        # mcp-server-git's git_reset unstages everything (a mixed reset, the working tree kept).
        "git_reset": _on_repo(U, "unstages all staged changes"),
        "git_checkout": _on_repo(U),
        "git_create_branch": _on_repo(C),
        "git_init": _on_repo(C),
    },
)

# -- GitHub ----------------------------------------------------------------------------------


def _on_github(kind: EffectKind, *suffix: str) -> Handler:
    """A GitHub tool on ``github:<owner>/<repo>[/<suffix>]``; ``suffix`` parts are literal text
    or ``{argument}``."""

    def handle(call: McpCall) -> BuiltinEffects:
        owner, repo = call.arg("owner"), call.text_arg("repo", "name")
        if not isinstance(owner, str) or not owner:
            owner = call.text_arg("organization") or "*"
        if repo is None:
            return _own(call.effect(kind, service="github", detail="repository not named"))
        names = [f"github:{owner}/{repo}"]
        parts = [_github_part(call, p) for p in suffix]
        if suffix and all(parts):
            names.insert(0, f"github:{owner}/{repo}/" + "/".join(p for p in parts if p))
        return _own(call.effect(kind, names, type_="github", service="github"))

    return handle


def _github_part(call: McpCall, part: str) -> str | None:
    if not part.startswith("{"):
        return part
    value = call.arg(part.strip("{}"))
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value).strip("/")


def _push_files(call: McpCall) -> BuiltinEffects:
    owner, repo = call.text_arg("owner") or "*", call.text_arg("repo")
    files = call.arg("files")
    if repo is None or not isinstance(files, list) or not files:
        return _missing(call, U, "repo", "files")
    effects = []
    for entry in files:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path:
            effects.append(call.unknown("push_files: a file entry has no path"))
            continue
        names = [f"github:{owner}/{repo}/{path.strip('/')}", f"github:{owner}/{repo}"]
        effects.append(call.effect(U, names, type_="github", service="github"))
    return _own(*effects)


GITHUB = ServerFamily(
    "github",
    ("github", "*github*"),
    {
        "delete_file": _on_github(D, "{path}"),
        "create_or_update_file": _on_github(U, "{path}"),
        "push_files": _push_files,
        "delete_repository": _on_github(D),
        "create_repository": _on_github(C),
        "fork_repository": _on_github(C),
        "merge_pull_request": _on_github(U, "pull", "{pullNumber}"),
        "create_pull_request": _on_github(C, "pull"),
        "update_pull_request": _on_github(U, "pull", "{pullNumber}"),
        "create_branch": _on_github(C, "branch", "{branch}"),
        "delete_branch": _on_github(D, "branch", "{branch}"),
        "create_issue": _on_github(C, "issues"),
        "update_issue": _on_github(U, "issues", "{issue_number}"),
        "add_issue_comment": _on_github(C, "issues", "{issue_number}"),
        "delete_release": _on_github(D, "releases"),
        "delete_*": _on_github(D),
        "create_*": _on_github(C),
        "update_*": _on_github(U),
        "get_*": _on_github(R),
        "list_*": _on_github(R),
        "search_*": _on_tool(R, "github"),
    },
)

# -- postgres / SQL --------------------------------------------------------------------------


def _on_sql(*keys: str) -> Handler:
    def handle(call: McpCall) -> BuiltinEffects:
        from keyturn.understand.mcp import sql_engine

        text = call.text_arg(*keys)
        if text is None:
            return _missing(call, EffectKind.UNKNOWN, *keys)
        engine = sql_engine(call.server)
        if engine == "sql":
            engine = "postgres"
        return BuiltinEffects([], call.sql(text, engine=engine, database=call.text_arg("database")))

    return handle


POSTGRES = ServerFamily(
    "postgres",
    ("postgres*", "*postgres*", "pg", "pg-*"),
    {
        "query": _on_sql("sql"),
        "execute_sql": _on_sql("sql"),
        "list_schemas": _on_tool(R, "db"),
        "list_objects": _on_tool(R, "db"),
        "get_object_details": _on_tool(R, "db"),
        "explain_query": _on_tool(R, "db"),
    },
)

SQLITE = ServerFamily(
    "sqlite",
    ("sqlite*", "*sqlite*"),
    {
        # The SQL decides, whatever the tool's name says (a write_query can DROP; the server's
        # own check that read_query starts with SELECT is not keyturn's to trust).
        "read_query": _on_sql("query"),
        "write_query": _on_sql("query"),
        "create_table": _on_sql("query"),
        "list_tables": _on_tool(R, "db"),
        "describe_table": _on_tool(R, "db"),
        "describe-table": _on_tool(R, "db"),
        "append_insight": _on_tool(U),  # the server's own memo, not the database
    },
)

# -- Kubernetes ------------------------------------------------------------------------------
# containers/kubernetes-mcp-server: ``kind``/``name``/``namespace`` name one object; with several
# clusters every tool also takes ``context``. ``resources_scale`` takes ``scale`` (setting it is
# what changes anything), ``resources_create_or_update`` a manifest in ``resource`` and a
# ``namespace`` that overrides the manifest's, ``pods_exec`` a ``command`` array.


def k8s_names(kind_word: str, name: str, namespace: str | None) -> tuple[str, ...]:
    """The names of one object, as kubectl's are (:func:`~keyturn.understand.k8s_kinds.
    object_names`); a namespaced object in a namespace not told is ``k8s:*/<kind>/<name>``
    (like an unknown AWS account): the server falls back to its kubeconfig's namespace."""
    kind = normalize_kind(kind_word)
    if namespace or is_cluster_scoped(kind):
        return object_names(kind, name, namespace)
    return (f"k8s:*/{kind}/{name}",)


def _somewhere(kind: EffectKind, names: tuple[str, ...], detail: str) -> tuple[EffectKind, str]:
    """A create or update of an object in a namespace not told is ``unknown``: a policy's
    ``resource: k8s:kube-system/*`` rule cannot match ``k8s:*/…``, so only asking stays as strict
    as the namespace it may land in. (A delete stays a delete: ``protected`` patterns are matched
    against the ``*``, and a delete of what they may cover is refused.)"""
    if kind in (C, U) and names[0].startswith("k8s:*/"):
        why = "namespace not told: the server's kubeconfig decides where it lands"
        return EffectKind.UNKNOWN, "; ".join(x for x in (detail, why) if x)
    return kind, detail


def _k8s_target(call: McpCall, namespace: str | None = None) -> Target:
    return Target(
        kube_context=call.text_arg("context"),
        kube_namespace=namespace or call.text_arg("namespace"),
    )


def _on_k8s(kind: EffectKind, fixed_kind: str | None = None, detail: str = "") -> Handler:
    """A tool on one object: ``kind`` (or ``fixed_kind``), ``name``, optional ``namespace``."""

    def handle(call: McpCall) -> BuiltinEffects:
        word, name = fixed_kind or call.text_arg("kind"), call.text_arg("name")
        target = _k8s_target(call)
        if name is None and word is not None and not call.probe:
            name = "*"  # pods_run names the pod at random: any pod, in the namespace it names
        if word is None or name is None:
            return _own(call.effect(kind, service="k8s", target=target, detail="object not named"))
        namespace = call.text_arg("namespace") or call.target.kube_namespace
        names = k8s_names(word, name, namespace)
        judged, why = _somewhere(kind, names, detail)
        return _own(
            call.effect(
                judged, names, type_=normalize_kind(word), service="k8s", target=target, detail=why
            )
        )

    return handle


def _create_or_update(call: McpCall) -> BuiltinEffects:
    """``resources_create_or_update``: an update of every object in the YAML/JSON text, in the
    ``namespace`` argument when given (the server applies it over the manifest's own)."""
    text = call.text_arg("resource", "manifest")
    if text is None:
        return _missing(call, U, "resource")
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        return _own(call.unknown("resource text is neither YAML nor JSON"))
    override = call.text_arg("namespace")
    effects = []
    for doc in docs:
        meta = doc.get("metadata") if isinstance(doc, dict) else None
        kind, name = (doc.get("kind"), meta.get("name")) if isinstance(meta, dict) else (None, None)
        if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
            effects.append(call.unknown("resource without kind or metadata.name"))
            continue
        own = meta.get("namespace") if isinstance(meta, dict) else None
        namespace = override or (own if isinstance(own, str) and own else None)
        namespace = namespace or call.target.kube_namespace
        names = k8s_names(kind, name, namespace)
        judged, why = _somewhere(U, names, "")
        target = _k8s_target(call, namespace)
        effects.append(
            call.effect(
                judged, names, type_=normalize_kind(kind), service="k8s", target=target, detail=why
            )
        )
    return _own(*effects) if effects else _own(call.unknown("resource text has no object"))


def _count(value: Any) -> int | None:
    """An integer argument as the server parses it (a JSON number or its text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    return None


def _scale(call: McpCall) -> BuiltinEffects:
    """``resources_scale``: without ``scale`` it only reads the current scale; with one it sets
    it. Scaling to 0 (or to what is not a count) takes the workload away: a delete, stricter
    than ``kubectl scale --replicas=0``'s disruptive update. (``replicas``, which the server does
    not take, is still read: it only ever makes the judgement stricter.)"""
    value = call.arg("scale")
    if value is None:
        value = call.arg("replicas")
    if value is None:
        return _on_k8s(R)(call)
    count = _count(value)
    if count is None or count <= 0:
        what = "scaled to 0" if count is not None else f"scale {value!r} is not a count"
        return _on_k8s(D, detail=f"{what} (disruptive: stops every replica)")(call)
    return _on_k8s(U, detail=f"scaled to {count}")(call)


def _pods_exec(call: McpCall) -> BuiltinEffects:
    """``pods_exec``: a write into the pod, and what the command does there, judged as
    ``kubectl exec -n NS POD -- CMD`` is: each effect also named in the pod
    (``k8s:NS/pod/POD/file:/data``, :func:`~keyturn.understand.shell.effects.named_in`) and
    landing in the pod's cluster. No file of this machine tells what the pod's files hold."""
    own = _on_k8s(U, "pod")(call).own
    command = call.arg("command")
    if isinstance(command, list) and command and all(isinstance(c, str) for c in command):
        text = shlex.join(command)
    elif isinstance(command, str) and command.strip():
        text = command
    else:
        return BuiltinEffects(own, [call.unknown("pods_exec: command missing")])
    try:
        from keyturn.understand.shell.effects import named_in
    except ImportError:  # a build without shell understanding: call.shell says so
        return BuiltinEffects(own, call.shell(text))
    namespace = call.text_arg("namespace") or call.target.kube_namespace or "*"
    pod = f"{namespace}/pod/{call.text_arg('name') or '*'}"
    target = _k8s_target(call)
    derived = [
        replace(
            named_in(e, [f"k8s:{pod}"]),
            target=target.merged_over(e.target),
            detail="; ".join(x for x in (e.detail, f"in pod {pod}") if x),
        )
        for e in replace(call, files=NoFiles()).shell(text)
    ]
    return BuiltinEffects(own, derived)


def _helm(kind: EffectKind) -> Handler:
    def handle(call: McpCall) -> BuiltinEffects:
        name = call.text_arg("name")
        namespace = call.text_arg("namespace") or call.target.kube_namespace or "*"
        names = [f"helm:{namespace}/{name}"] if name else []
        target = _k8s_target(call)
        return _own(call.effect(kind, names, type_="helm_release", service="helm", target=target))

    return handle


KUBERNETES = ServerFamily(
    "kubernetes",
    ("kubernetes*", "*kubernetes*", "k8s*", "kube*", "openshift*"),
    {
        "resources_delete": _on_k8s(D),
        "resources_create_or_update": _create_or_update,
        "resources_get": _on_k8s(R),
        "resources_list": _on_tool(R, "k8s"),
        "resources_scale": _scale,
        "pods_delete": _on_k8s(D, "pod"),
        "pods_get": _on_k8s(R, "pod"),
        "pods_log": _on_k8s(R, "pod"),
        "pods_top": _on_tool(R, "k8s"),
        "pods_list": _on_tool(R, "k8s"),
        "pods_list_in_namespace": _on_tool(R, "k8s"),
        "pods_run": _on_k8s(C, "pod"),
        "pods_exec": _pods_exec,
        "namespaces_list": _on_tool(R, "k8s"),
        "projects_list": _on_tool(R, "k8s"),
        "events_list": _on_tool(R, "k8s"),
        "nodes_top": _on_tool(R, "k8s"),
        "nodes_log": _on_k8s(R, "node"),
        "nodes_stats_summary": _on_k8s(R, "node"),
        "configuration_view": _on_tool(R, "k8s"),
        "helm_list": _on_tool(R, "helm"),
        "helm_install": _helm(C),
        "helm_uninstall": _helm(D),
    },
)

# -- AWS ---------------------------------------------------------------------------------------


def _call_aws(call: McpCall) -> BuiltinEffects:
    """``call_aws``: each CLI command understood as the shell ``aws`` command it is."""
    value = call.arg("cli_command")
    commands = value if isinstance(value, list) else [value]
    if not commands or not all(isinstance(c, str) and c.strip() for c in commands):
        return _missing(call, EffectKind.UNKNOWN, "cli_command")
    derived: list[Effect] = []
    for command in commands:
        derived += call.shell(command)
    return BuiltinEffects([], derived)


AWS = ServerFamily(
    "aws",
    ("aws*", "*aws-api*", "awslabs*"),
    {
        "call_aws": _call_aws,
        "suggest_aws_commands": _on_tool(R, "aws"),
    },
)

# -- fetch ---------------------------------------------------------------------------------


def _fetch(call: McpCall) -> BuiltinEffects:
    """``fetch``: a read of the URL, as the agents' own web-fetch tools are judged."""
    url = call.text_arg("url")
    if url is None:
        return _missing(call, R, "url")
    return _own(call.effect(R, [url], type_="web", service="web", detail=f"fetch {url}"))


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
