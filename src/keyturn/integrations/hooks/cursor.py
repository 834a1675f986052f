"""Cursor's permission hooks (formats.md §2.3): ``beforeShellExecution``,
``beforeMCPExecution``, ``beforeReadFile`` and ``preToolUse``.

Input: ``conversation_id``, ``hook_event_name``, ``workspace_roots`` plus the event's own
fields (``command``/``cwd``; ``tool_name``/``tool_input`` (a JSON *string* in the official
copy) and ``url`` or ``command`` naming the MCP server; ``file_path``). Output:
``{"permission": "allow"|"deny"|"ask", "user_message", "agent_message"}`` on stdout (both
spellings of the message fields, as copies disagree); ``beforeReadFile`` honours only
``permission``. Exit 2 blocks.

Cursor's native ``ask`` asks the user at the keyboard; a call held for two-person review is a
``deny`` with the request id instead, because the operator alone may not approve it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from keyturn.errors import InputError

from .events import ToolCall, ToolCategory
from .mcp_names import claude_readings, reading_extra
from .protocol import (
    Answer,
    Reply,
    Stance,
    absolute_directory,
    dumps,
    field,
    first_text,
    held_reason,
    optional,
    optional_text,
    text,
)
from .search_tools import searched_places

NAME = "cursor"
SHELL, MCP, READ_FILE, PRE_TOOL_USE = (
    "beforeShellExecution",
    "beforeMCPExecution",
    "beforeReadFile",
    "preToolUse",
)
EVENTS = (SHELL, MCP, READ_FILE, PRE_TOOL_USE)


class Cursor:
    """Cursor's hook protocol."""

    name = NAME

    def read(self, payload: Mapping[str, Any], *, home: str) -> ToolCall:
        where = "cursor event"
        event = field(payload, "hook_event_name", str, where=where)
        if event not in EVENTS:
            raise InputError(
                f"{where}: hook_event_name '{event}' is not one of {', '.join(EVENTS)}"
            )
        cwd = _cwd(payload, where=where)
        session = optional(payload, "conversation_id", str, where=where)
        base = {"agent": NAME, "cwd": cwd, "home": home, "session": session, "event": event}
        if event == SHELL:
            command = field(payload, "command", str, where=where)
            return ToolCall(
                tool="Shell", category=ToolCategory.SHELL, arguments={"command": command}, **base
            )
        if event == READ_FILE:
            paths = [field(payload, "file_path", str, where=where), *_attached(payload)]
            return ToolCall(
                tool="Read", category=ToolCategory.READ, arguments={"paths": paths}, **base
            )
        tool = field(payload, "tool_name", str, where=where)
        args = _tool_input(payload, where=where)
        if event == MCP:
            return ToolCall(
                tool=tool,
                category=ToolCategory.MCP,
                arguments={"arguments": args},
                mcp_server=_server_name(payload),
                mcp_tool=tool,
                **base,
            )
        category, normal, server, name = _pre_tool(tool, args, where=where)
        extra = reading_extra(claude_readings(tool)) if category is ToolCategory.MCP else {}
        return ToolCall(
            tool=tool,
            category=category,
            arguments=normal,
            mcp_server=server,
            mcp_tool=name,
            extra=extra,
            **base,
        )

    def render(self, answer: Answer, *, event: str) -> Reply:
        permission, message = {
            Stance.ALLOW: ("allow", f"keyturn: {answer.reason}"),
            Stance.HELD: ("deny", held_reason(answer)),
            Stance.DENY: ("deny", f"keyturn: {answer.reason}"),
        }[answer.stance]
        if event == READ_FILE:
            # beforeReadFile has no ask, and honours only "permission".
            return Reply(stdout=dumps({"permission": "allow" if permission == "allow" else "deny"}))
        return Reply(stdout=dumps(_output(permission, message)))

    def blocking(self, reason: str, *, event: str) -> Reply:
        message = f"keyturn: refused ({reason})"
        body = {"permission": "deny"} if event == READ_FILE else _output("deny", message)
        return Reply(stdout=dumps(body), stderr=message + "\n", exit_code=2)


def _output(permission: str, message: str) -> dict[str, Any]:
    return {
        "permission": permission,
        "user_message": message,
        "agent_message": message,
        "userMessage": message,
        "agentMessage": message,
    }


def _attached(payload: Mapping[str, Any]) -> list[str]:
    """The files ``beforeReadFile``'s ``attachments`` name: their content goes to the model
    with the file's, so each is read as much as ``file_path`` is."""
    attachments = payload.get("attachments")
    paths: list[str] = []
    for item in attachments if isinstance(attachments, list) else ():
        if isinstance(item, str) and item:
            paths.append(item)
        elif isinstance(item, dict):
            paths += [
                v
                for k in ("file_path", "filePath", "path")
                if isinstance(v := item.get(k), str) and v
            ]
    return paths


def _cwd(payload: Mapping[str, Any], *, where: str) -> str:
    cwd = payload.get("cwd")
    if isinstance(cwd, str) and cwd:
        return absolute_directory(cwd, where=where)
    roots = payload.get("workspace_roots")
    if isinstance(roots, list) and roots and isinstance(roots[0], str) and roots[0]:
        return absolute_directory(roots[0], where=where)
    raise InputError(f"{where}: missing field 'cwd' (and no workspace_roots)")


def _tool_input(payload: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """``tool_input``: an object, or (in the official copy) a JSON string of one."""
    value = payload.get("tool_input")
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError as exc:
            raise InputError(f"{where}: tool_input: not valid JSON ({exc})") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where}: tool_input: expected an object")
    return value


def _server_name(payload: Mapping[str, Any]) -> str:
    """The MCP server's name: Cursor sends the server's ``url`` or launch ``command``."""
    for key in ("server_name", "server"):
        if isinstance(payload.get(key), str) and payload[key]:
            return str(payload[key])
    url = payload.get("url")
    if isinstance(url, str) and url:
        from urllib.parse import urlsplit

        return urlsplit(url).hostname or url
    command = payload.get("command")
    if isinstance(command, str) and command.strip():
        return _launched(command.split())
    return "unknown"


# Package runners: the server is the package they run (``npx -y @scope/server-x /srv/data`` is
# ``server-x``), not their last argument (a directory, a URL: ``/srv/github`` must not make the
# filesystem server the GitHub one).
_RUNNERS = {
    ("npx",): 1,
    ("pnpx",): 1,
    ("bunx",): 1,
    ("uvx",): 1,
    ("pnpm", "dlx"): 2,
    ("yarn", "dlx"): 2,
    ("bun", "x"): 2,
    ("pipx", "run"): 2,
    ("uv", "tool", "run"): 3,
}
# The runners' options that take a value, which is not the package (``--from`` and
# ``--package``/``-p`` name the package itself, so their value is as good a name).
_VALUED = frozenset(
    {"--cache", "--registry", "--prefix", "--userconfig", "--workspace", "-w", "--call", "-c"}
    | {"--python", "--index", "--index-url", "--extra-index-url", "--directory", "--with"}
    | {"--with-requirements", "--with-editable", "--config-file", "--cache-dir", "--spec"}
)


def _launched(words: list[str]) -> str:
    """The name of the server a launch command starts: the package a runner runs, else the
    program's own name (``/opt/bin/mcp-server-git`` is ``mcp-server-git``)."""
    if words and _base(words[0]) in ("cmd", "cmd.exe") and words[1:2] in (["/c"], ["/C"]):
        words = words[2:]  # Windows: cmd /c npx ...
    if not words or words[0].startswith("-"):
        return "unknown"
    program = _base(words[0])
    for runner, size in _RUNNERS.items():
        if (program, *words[1:size]) == runner:
            return _package(words[size:]) or program
    return program


def _package(words: list[str]) -> str | None:
    """The first word that is neither an option nor an option's value, as a package name."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in _VALUED
        else:
            name = word.rsplit("/", 1)[-1]
            # "@scope/pkg@1.2" -> "pkg"; "pkg==1.2" -> "pkg"
            name = name.split("@", 1)[0] if "@" in name[1:] else name
            return name.split("==", 1)[0].lstrip("@") or None
    return None


def _base(word: str) -> str:
    return word.replace("\\", "/").rsplit("/", 1)[-1]


def _edits_at(
    many: list[dict[str, Any]], args: Mapping[str, Any]
) -> list[tuple[Mapping[str, Any], str]]:
    """Each edit a Cursor edit call makes, and where it stands in ``tool_input``: the listed
    ones and the call's own (MultiEdit), or the call's own alone."""
    listed = [(e, f"tool_input.edits[{i}]") for i, e in enumerate(many)]
    return [*listed, (args, "tool_input")]


def _pre_tool(
    tool: str, args: Mapping[str, Any], *, where: str
) -> tuple[ToolCategory, dict[str, Any], str | None, str | None]:
    if tool.startswith("mcp__"):
        found = claude_readings(tool)  # Claude Code's naming; every reading is judged
        server, name = found[0] if found else ("unknown", tool)
        return ToolCategory.MCP, {"arguments": dict(args)}, server, name
    match tool:
        case "Shell":
            return ToolCategory.SHELL, {"command": text(args, "command", where=where)}, None, None
        case "Write":
            path = first_text(args, ("file_path", "path", "target_file"), where=where)
            key = "contents" if "contents" in args else "content"
            content = optional_text(args, key, where=where)
            return ToolCategory.WRITE, {"path": path, "content": content}, None, None
        case "StrReplace" | "Edit" | "MultiEdit":
            path = first_text(args, ("file_path", "path", "target_file"), where=where)
            # a list of edits (MultiEdit's, as Claude Code's) is every edit made, not one
            given = args.get("edits")
            many = [e for e in given if isinstance(e, dict)] if isinstance(given, list) else []
            edits = [
                {
                    "old": optional_text(e, "old_string", where=where, at=at),
                    "new": optional_text(e, "new_string", where=where, at=at),
                    "all": bool(e.get("replace_all")),
                }
                for e, at in _edits_at(many, args)
            ]
            return ToolCategory.EDIT, {"path": path, "edits": edits}, None, None
        case "Delete":
            path = first_text(args, ("file_path", "path", "target_file"), where=where)
            return ToolCategory.DELETE, {"path": path}, None, None
        case "Read" | "Grep" | "Glob" | "LS":
            read = args.get("file_path") or args.get("path") or args.get("target_file")
            if tool == "Glob":  # its pattern may leave the path, as Claude Code's Glob
                pattern = args.get("glob_pattern") or args.get("pattern")
                paths = searched_places("Glob", {"path": read, "pattern": pattern})
                return ToolCategory.READ, {"paths": paths}, None, None
            if tool == "Grep":  # a content search of the whole tree, as Claude Code's
                return (
                    ToolCategory.READ,
                    {"paths": searched_places("Grep", {"path": read})},
                    None,
                    None,
                )
            return (
                ToolCategory.READ,
                {"paths": [read] if isinstance(read, str) and read else []},
                None,
                None,
            )
        case "Task" | "TodoWrite":
            return ToolCategory.INTERNAL, dict(args), None, None
    return ToolCategory.UNKNOWN, dict(args), None, None


PROTOCOL = Cursor()
