"""Built-in meanings of the file and repository servers' tools: filesystem, git and GitHub.

What these tools act on is named by their arguments: a path (``file:``), a repository's
directory (its ``git_repository``), or a GitHub ``owner``/``repo`` with the path, pull request,
branch or issue under it (``github:<owner>/<repo>/…``). They are kept together, apart from the
servers whose arguments carry SQL, shell or manifests (:mod:`._mcp_databases`,
:mod:`._mcp_cloud`), and are tried in the order :data:`.mcp_servers.FAMILIES` gives.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
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
    from keyturn.understand import FileReader
    from keyturn.understand.mcp import McpCall


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
                return own_effects(
                    *(
                        call.effect(kind, [call.file(p)], type_="file", service="file")
                        for p in paths
                    )
                )
        return missing_argument(call, kind, *keys)

    return handle


_RESOURCE_HEADER = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"', re.MULTILINE)
_PREVENT_DESTROY = re.compile(r"prevent_destroy\s*=\s*true")


def protected_addresses(text: str) -> set[str]:
    """Terraform addresses whose block in ``text`` sets ``prevent_destroy = true``; ``""`` for
    a fragment that sets it without its ``resource`` header (an unnamed block's protection).
    Shared with the agents' own file tools (:mod:`keyturn.integrations.hooks.file_tools`)."""
    found: set[str] = set()
    headers = list(_RESOURCE_HEADER.finditer(text))
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        if _PREVENT_DESTROY.search(text, header.end(), end):
            found.add(f"{header.group(1)}.{header.group(2)}")
    if not headers and _PREVENT_DESTROY.search(text):
        found.add("")
    return found


# A Terraform file is read whole (up to the largest event a hook takes): a protected block
# past the usual 1 MB read limit must not drop out of sight.
TERRAFORM_READ_LIMIT = 16 << 20


def file_text(files: FileReader, path: str) -> str | None:
    """The text of the file at the absolute ``path`` as it is now, ``None`` when absent; a
    Terraform file read whole."""
    if not files.exists(path):
        return None
    if path.endswith(".tf"):
        return files.read_text(path, limit=TERRAFORM_READ_LIMIT)
    return files.read_text(path)


def _read(call: McpCall, path: str) -> str | None:
    return file_text(call.files, call.file(path)[len("file:") :])


def _file_change(
    call: McpCall, path: str, kind: EffectKind, before: str | None, after: str | None, detail: str
) -> Effect:
    """``kind`` on the file at ``path``; a Terraform file whose ``before`` text protected
    resources (``prevent_destroy = true``) that ``after`` no longer does names them too, and
    switches their protection off -- as the agents' own Write and Edit tools are judged."""
    name = call.file(path)
    dropped: set[str] = set()
    if name.endswith(".tf") and before is not None and after is not None:
        dropped = protected_addresses(before) - protected_addresses(after)
    effect = call.effect(
        kind, [name, *sorted(a for a in dropped if a)], type_="file", service="file", detail=detail
    )
    if not dropped:
        return effect
    what = ", ".join(sorted(a or "a resource" for a in dropped))
    why = "; ".join(x for x in (detail, f"removes prevent_destroy from {what}") if x)
    return replace(effect, removes_protection=True, detail=why)


def _write_kind(call: McpCall, path: str) -> EffectKind:
    """Writing a file that is there is an update, else a create (as far as files tell)."""
    name = call.file(path)[len("file:") :]
    return U if call.files.exists(name) else C


def _write_file(call: McpCall) -> BuiltinEffects:
    path = call.text_arg("path")
    if path is None:
        return missing_argument(call, C, "path")
    kind, before = _write_kind(call, path), _read(call, path)
    content = call.arg("content")
    after = content if isinstance(content, str) else ""
    return own_effects(_file_change(call, path, kind, before or "", after, ""))


def _edit_file(call: McpCall) -> BuiltinEffects:
    """``edits: [{oldText, newText}]``, each replacing the first occurrence in turn (the
    server also matches ignoring indentation: then the edits' own texts are judged)."""
    path = call.text_arg("path")
    if path is None:
        return missing_argument(call, U, "path")
    if call.arg("dryRun") is True:
        return own_effects(call.effect(R, [call.file(path)], type_="file", service="file"))
    edits = call.arg("edits")
    pairs = [
        (str(e.get("oldText") or ""), str(e.get("newText") or ""))
        for e in (edits if isinstance(edits, list) else [])
        if isinstance(e, dict)
    ]
    before = _read(call, path)
    after = before
    for old, new in pairs:
        if after is None or old not in after:
            after = None
            break
        after = after.replace(old, new, 1)
    if before is None or after is None:  # judge the edits' own texts
        before, after = "\n".join(o for o, _ in pairs), "\n".join(n for _, n in pairs)
    return own_effects(_file_change(call, path, U, before, after, ""))


def _move_file(call: McpCall) -> BuiltinEffects:
    source, destination = call.text_arg("source"), call.text_arg("destination")
    if source is None or destination is None:
        return missing_argument(call, D, "source", "destination")
    # What the file protected stays protected only if it is still a Terraform file.
    moved = _read(call, source)
    kept = moved if call.file(destination).endswith(".tf") else ""
    return own_effects(
        _file_change(call, source, D, moved, kept, "moved away"),
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
        "list_allowed_directories": on_tool(R, "file"),
    },
)

# -- git -------------------------------------------------------------------------------------


def _on_repo(kind: EffectKind, detail: str = "") -> Handler:
    """A git tool acting on the repository at ``repo_path`` (named as its directory)."""

    def handle(call: McpCall) -> BuiltinEffects:
        repo = call.text_arg("repo_path")
        if repo is None:
            return missing_argument(call, kind, "repo_path")
        return own_effects(
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
            return own_effects(call.effect(kind, service="github", detail="repository not named"))
        names = [f"github:{owner}/{repo}"]
        parts = [_github_part(call, p) for p in suffix]
        if suffix and all(parts):
            names.insert(0, f"github:{owner}/{repo}/" + "/".join(p for p in parts if p))
        return own_effects(call.effect(kind, names, type_="github", service="github"))

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
        return missing_argument(call, U, "repo", "files")
    effects = []
    for entry in files:
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path:
            effects.append(call.unknown("push_files: a file entry has no path"))
            continue
        names = [f"github:{owner}/{repo}/{path.strip('/')}", f"github:{owner}/{repo}"]
        effects.append(call.effect(U, names, type_="github", service="github"))
    return own_effects(*effects)


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
        "search_*": on_tool(R, "github"),
    },
)
