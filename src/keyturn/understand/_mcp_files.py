"""Built-in meanings of the filesystem server's tools (``modelcontextprotocol/servers``
``src/filesystem/server.ts``), and the Terraform-aware file reading the agents' own file tools
share.

What these tools act on is named by their arguments: a path, or a list of them (``file:``). A
relative path is resolved by the server against its *allowed directories* (``lib.ts``
``resolveRelativePathAgainstAllowedDirectories``: each in turn, the first whose result lies in
an allowed directory winning, else the first), not against any working directory: it is named
under each of the directories the caller tells (``McpCall.roots``: the proxy reads them from
the server's command line, :func:`filesystem_roots`), every candidate judged; ``unknown`` when
the caller knows it cannot tell them.

The repository servers live apart: git in :mod:`._mcp_git`, GitHub in :mod:`._mcp_github`; the
servers whose arguments carry SQL, shell or manifests in :mod:`._mcp_databases` and
:mod:`._mcp_cloud`. They are tried in the order :data:`.mcp_servers.FAMILIES` gives.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind
from keyturn.understand._hcl_protection import (
    TERRAFORM_READ_LIMIT,
    dropped_elsewhere,
    dropped_protection,
    is_terraform_file,
    protection_detail,
)
from keyturn.understand._hcl_protection import (  # shared with the agents' own file tools
    protected_addresses as protected_addresses,
)
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
from keyturn.understand.mcp_call import normalise_path

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


def file_text(files: FileReader, path: str) -> str | None:
    """The text of the file at the absolute ``path`` as it is now, ``None`` when absent; a
    Terraform file read whole."""
    if not files.exists(path):
        return None
    if is_terraform_file(path):
        return files.read_text(path, limit=TERRAFORM_READ_LIMIT)
    return files.read_text(path)


def _read(call: McpCall, path: str) -> str | None:
    return file_text(call.files, call.file(path)[len("file:") :])


def _file_change(
    call: McpCall,
    path: str,
    kind: EffectKind,
    before: str | None,
    after: str | None,
    detail: str,
    *,
    fragments: bool = False,
    elsewhere: set[str] | None = None,
) -> Effect:
    """``kind`` on the file at ``path``; a Terraform file whose ``before`` text protected
    resources (``prevent_destroy = true``) that ``after`` no longer does (as Terraform reads
    them: :mod:`._hcl_protection`) names them too, and switches their protection off -- as the
    agents' own Write and Edit tools are judged. ``fragments``: the texts are the edits' own;
    ``elsewhere``: what the change takes away from the module's other files."""
    name = call.file(path)
    dropped = dropped_protection(name, before, after, fragments=fragments) | (elsewhere or set())
    effect = call.effect(
        kind, [name, *sorted(a for a in dropped if a)], type_="file", service="file", detail=detail
    )
    if not dropped:
        return effect
    why = "; ".join(x for x in (detail, protection_detail(dropped, known=True)) if x)
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
    elsewhere = _elsewhere(call, path, after)
    return own_effects(_file_change(call, path, kind, before or "", after, "", elsewhere=elsewhere))


def _edit_file(call: McpCall) -> BuiltinEffects:
    """``edits: [{oldText, newText}]``, each replacing the first occurrence in turn, or else
    the first run of lines equal to it but for the whitespace around each line, as the server
    does (:func:`server_edited`); when neither matches the file as it is, the edits' own texts
    are judged."""
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
    after = server_edited(before, pairs) if before is not None else None
    if before is None or after is None:  # judge the edits' own texts
        before, after = "\n".join(o for o, _ in pairs), "\n".join(n for _, n in pairs)
        elsewhere = _elsewhere(call, path, None)
        return own_effects(
            _file_change(call, path, U, before, after, "", fragments=True, elsewhere=elsewhere)
        )
    elsewhere = _elsewhere(call, path, after)
    return own_effects(_file_change(call, path, U, before, after, "", elsewhere=elsewhere))


def _elsewhere(call: McpCall, path: str, after: str | None) -> set[str]:
    """What the file at ``path`` coming to hold ``after`` (``None``: not known whole) takes
    away from the module's other files: an override file's ``prevent_destroy``, a ``.tofu``
    file hiding its ``.tf`` (:func:`dropped_elsewhere`), as the agents' Write tool is judged."""
    return dropped_elsewhere(call.file(path)[len("file:") :], after, call.files)


# What JavaScript's ``trim()`` and ``\s`` take for white space (ECMA-262: WhiteSpace and
# LineTerminator): not quite Python's (``\x1c``-``\x1f``, ``\x85`` are not; ``\ufeff`` is).
_JS_SPACE = "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_JS_SPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def server_edited(text: str, edits: list[tuple[str, str]]) -> str | None:
    """``text`` after the filesystem server's ``applyFileEdits`` (``src/filesystem/lib.ts``):
    line endings made ``\n``; each ``(old, new)`` in turn replaces the first occurrence of
    ``old``, or else the first run of lines that equal ``old``'s once each line is trimmed
    (``new`` then re-indented as the server does). ``None`` when an edit matches nowhere (the
    server then fails and writes nothing)."""
    edited = _lf(text)
    for old, new in edits:
        old, new = _lf(old), _lf(new)
        if old in edited:
            edited = edited.replace(old, new, 1)
            continue
        flexible = _edited_by_lines(edited, old, new)
        if flexible is None:
            return None
        edited = flexible
    return edited


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(_JS_SPACE))]


def _edited_by_lines(text: str, old: str, new: str) -> str | None:
    """The server's whitespace-flexible match of ``old`` in ``text``, replaced by ``new``."""
    old_lines, lines = old.split("\n"), text.split("\n")
    wanted = [o.strip(_JS_SPACE) for o in old_lines]
    for i in range(len(lines) - len(old_lines) + 1):
        if [c.strip(_JS_SPACE) for c in lines[i : i + len(old_lines)]] != wanted:
            continue
        first = _indent(lines[i])
        placed = []
        for j, line in enumerate(new.split("\n")):
            old_indent = _indent(old_lines[j]) if j < len(old_lines) else ""
            new_indent = _indent(line)
            if j == 0:
                placed.append(first + line.lstrip(_JS_SPACE))
            elif old_indent and new_indent:
                shift = max(0, len(new_indent) - len(old_indent))
                placed.append(first + " " * shift + line.lstrip(_JS_SPACE))
            else:
                placed.append(line)
        return "\n".join([*lines[:i], *placed, *lines[i + len(old_lines) :]])
    return None


def _move_file(call: McpCall) -> BuiltinEffects:
    """``fs.rename(source, destination)``: a directory goes with everything it holds, so the
    source is named with ``<source>/*`` as the shell's ``mv`` names it."""
    source, destination = call.text_arg("source"), call.text_arg("destination")
    if source is None or destination is None:
        return missing_argument(call, D, "source", "destination")
    # What the file protected stays protected only if it is still a Terraform file.
    moved = _read(call, source)
    kept = moved if is_terraform_file(call.file(destination)) else ""
    away = _file_change(call, source, D, moved, kept, "moved away")
    held = call.file(source).rstrip("/") + "/*"
    if held not in away.resource.names:
        names = away.resource.names
        # After the path itself (the name shown), before the addresses and the tool's own name.
        resource = replace(away.resource, names=(names[0], held, *names[1:]))
        away = replace(away, resource=resource)
    # Moved onto an override or ``.tofu`` name, it may unprotect what other files protect.
    there = _file_change(
        call,
        destination,
        _write_kind(call, destination),
        None,
        None,
        "",
        elsewhere=_elsewhere(call, destination, moved),
    )
    return own_effects(away, there)


# The arguments of the server's tools that hold paths.
_PATH_ARGUMENTS = ("path", "paths", "source", "destination")


def _from_roots(handler: Handler) -> Handler:
    """``handler``, with the relative paths of the call resolved as the server resolves them:
    under each allowed directory the caller tells (the handler run once per directory, every
    candidate judged); ``unknown`` when the caller knows it cannot tell them; against ``cwd``
    when it says nothing (the agents' hooks: Claude Code gives the server the project as its
    only root, which replaces the directories on its command line)."""

    def handle(call: McpCall) -> BuiltinEffects:
        relative = [p for key in _PATH_ARGUMENTS for p in _paths(call, key) if call.relative(p)]
        if not relative or call.roots is None:
            return handler(call)
        if not call.roots:
            why = f"relative path {relative[0]!r}: the server resolves it against its allowed "
            why += "directories, which are not known here"
            return own_effects(call.unknown(why))
        found = [handler(replace(call, cwd=root)) for root in call.roots]
        return BuiltinEffects(
            [e for f in found for e in f.own], [e for f in found for e in f.derived]
        )

    return handle


def filesystem_roots(command: Sequence[str], *, cwd: str, home: str) -> tuple[str, ...]:
    """The allowed directories of the filesystem server the command line ``command`` starts:
    every word after the server's own (``npx -y @modelcontextprotocol/server-filesystem /a b``,
    ``node …/server-filesystem/dist/index.js /a``, ``mcp-server-filesystem /a``), ``~``
    expanded and made absolute against ``cwd`` as ``index.ts`` does; ``(cwd,)`` without any,
    where the server then resolves relative paths. ``()`` when the command is not recognisably
    that server's (a container image, a wrapper script): its directories cannot be told."""
    for at, word in enumerate(command):
        if _SERVER_WORD.match(word):
            dirs = command[at + 1 :] or [cwd]
            return tuple(dict.fromkeys(normalise_path(d, cwd=cwd, home=home) for d in dirs))
        if not word.startswith("-") and posixpath.basename(word) not in _LAUNCHERS:
            return ()  # another program runs first: what it passes on is not known
    return ()


# The package or its script, with a version or a path into it (no shell text: no blanks).
_SERVER_WORD = re.compile(
    r"^(?:[^\s]*/)?(?:@modelcontextprotocol/)?(?:mcp-)?server-filesystem(?:@[^\s/]*)?"
    r"(?:/[^\s]*)?$"
)
# What may start the server and pass the words after it on as they are.
_LAUNCHERS = frozenset({"npx", "node", "nodejs", "bunx", "bun", "pnpx", "pnpm", "yarn", "dlx"})


_TOOLS: dict[str, Handler] = {
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
}

FILESYSTEM = ServerFamily(
    "filesystem",
    ("filesystem", "*filesystem*", "fs", "files"),
    {tool: _from_roots(handler) for tool, handler in _TOOLS.items()},
)
