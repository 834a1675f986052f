"""Kiro CLI's ``preToolUse`` hook (formats.md §2.4 (a)).

Input: ``{"hook_event_name": "preToolUse", "cwd", "tool_name", "tool_input"}``. Kiro has no
JSON answer: exit 0 lets the call run, exit 2 blocks it and returns stderr to the model; any
other exit code is only a warning. So everything short of an allow is exit 2 with the reason.

Built-in tool names changed between Kiro versions (``execute_bash``/``shell``,
``fs_write``/``write``, ``fs_read``/``read``, ``use_aws``/``aws``): both spellings are read.
``use_aws`` is judged as the ``aws`` command line Kiro runs (its parameter names in kebab case,
:func:`.use_aws.aws_command_line`). MCP tools arrive as
``@server/tool`` (the matcher's form) or ``server___tool``. ``grep`` and ``glob`` read where
Claude Code's search tools do (:mod:`.search_tools`); ``knowledge`` ``add``/``update`` reads the
tree it indexes; ``use_subagent``/``delegate`` start agents under their own hooks
(:mod:`.kiro_agents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.errors import InputError
from keyturn.understand.paths import home_expanded

from .events import FOLLOWED, WORKDIR_LINKS, ToolCall, ToolCategory
from .kiro_agents import DELEGATING_TOOLS, started_agents, unhooked
from .mcp_names import Reading, kiro_readings, reading_extra
from .protocol import (
    Answer,
    Reply,
    Stance,
    first_text,
    held_reason,
    optional_text,
    text,
    tool_event,
)
from .search_tools import searched_places

NAME = "kiro"
PRE_TOOL_USE = "preToolUse"
_INTERNAL = frozenset(
    {
        "report_issue",
        "introspect",
        "thinking",
        "todo_list",
        "dummy",
    }
)


class Kiro:
    """Kiro CLI's hook protocol."""

    name = NAME

    def read(self, payload: Mapping[str, Any], *, home: str) -> ToolCall:
        where = "kiro event"
        head = tool_event(payload, where=where, events=(PRE_TOOL_USE,))
        event, tool, args, cwd, session = head.event, head.tool, head.args, head.cwd, head.session
        base: dict[str, Any] = {
            "agent": NAME,
            "tool": tool,
            "cwd": cwd,
            "home": home,
            "session": session,
            "event": event,
        }
        found = _mcp_names(tool)
        if found:
            return ToolCall(
                category=ToolCategory.MCP,
                arguments={"arguments": dict(args)},
                mcp_server=found[0][0],
                mcp_tool=found[0][1],
                extra=reading_extra(found),
                **base,
            )
        if tool in DELEGATING_TOOLS:
            agents = started_agents(tool, args)
            missing = unhooked(agents, cwd=cwd, home=home) if agents is not None else []
            if missing:
                reason = (
                    f"{tool} starts agent(s) {', '.join(missing)} whose configuration does not "
                    "run keyturn's hook on every tool: their tool calls would not be judged"
                )
                return ToolCall(**_not_understood(reason, args), **base)
            return ToolCall(category=ToolCategory.INTERNAL, arguments=dict(args), **base)
        category, normal = _builtin(tool, args, where=where)
        expanded = _paths_expanded(category, normal, home=home)
        if expanded is None:
            reason = (
                f"{tool}: a path names a variable of Kiro's own environment (Kiro expands "
                "$VAR in paths), which cannot be told here"
            )
            return ToolCall(**_not_understood(reason, args), **base)
        # Kiro canonicalises its working directory: links are followed before ``..``.
        extra = {WORKDIR_LINKS: FOLLOWED} if category is ToolCategory.SHELL else {}
        return ToolCall(category=category, arguments=expanded, extra=extra, **base)

    def render(self, answer: Answer, *, event: str) -> Reply:
        if answer.stance is Stance.ALLOW:
            return Reply()
        if answer.stance is Stance.HELD:
            reason = held_reason(answer)
        else:
            reason = f"keyturn: {answer.reason}"
        return Reply(stderr=reason + "\n", exit_code=2)

    def blocking(self, reason: str, *, event: str) -> Reply:
        return Reply(stderr=f"keyturn: refused ({reason})\n", exit_code=2)


def _mcp_names(tool: str) -> list[Reading]:
    """The readings of an MCP tool's name, ``@server/tool`` or ``server___tool``; every split
    is judged (:mod:`.mcp_names`). None for a built-in tool's name."""
    if tool.startswith("@") or "___" in tool:
        return kiro_readings(tool)
    return []


def _not_understood(reason: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a call keyturn holds as not understood, and why."""
    return {
        "category": ToolCategory.UNKNOWN,
        "arguments": dict(args),
        "extra": {"reason": reason},
    }


def _builtin(
    tool: str, args: Mapping[str, Any], *, where: str
) -> tuple[ToolCategory, dict[str, Any]]:
    match tool:
        case "execute_bash" | "execute_cmd" | "shell":
            return ToolCategory.SHELL, {
                "command": text(args, "command", where=where),
                "workdir": args.get("working_dir") or "",
            }
        case "fs_write" | "write":
            return _write(args, where=where)
        case "fs_read" | "read":
            return ToolCategory.READ, {"paths": _read_paths(args)}
        case "grep":  # a content search of the tree under its path, as Claude Code's Grep
            where_to = args.get("path")
            searched = {"path": where_to, "glob": args.get("include")}
            return ToolCategory.READ, {"paths": searched_places("Grep", searched)}
        case "glob":  # its pattern may leave the path, as Claude Code's Glob
            searched = {"path": args.get("path"), "pattern": args.get("pattern")}
            return ToolCategory.READ, {"paths": searched_places("Glob", searched)}
        case "use_aws" | "aws":
            return ToolCategory.AWS_CLI, {
                "service": text(args, "service_name", where=where),
                "operation": text(args, "operation_name", where=where),
                "parameters": args.get("parameters") or {},
                # Words Kiro puts on the line between the operation and the parameters.
                "positional": args.get("positional_args") or [],
                "region": args.get("region"),
                "profile": args.get("profile_name"),
            }
        case "knowledge":
            return _knowledge(args)
        case "web_fetch":
            return ToolCategory.FETCH, {"urls": [text(args, "url", where=where)]}
        case "web_search":
            return ToolCategory.WEB_SEARCH, {"query": args.get("query")}
    if tool in _INTERNAL:
        return ToolCategory.INTERNAL, dict(args)
    return ToolCategory.UNKNOWN, dict(args)


# The normalised arguments of each category that hold paths Kiro opens.
_PATH_KEYS = {
    ToolCategory.SHELL: "workdir",
    ToolCategory.WRITE: "path",
    ToolCategory.EDIT: "path",
    ToolCategory.READ: "paths",
}


def _paths_expanded(
    category: ToolCategory, normal: dict[str, Any], *, home: str
) -> dict[str, Any] | None:
    """``normal`` with its paths as Kiro opens them: Kiro passes each through
    ``shellexpand::full`` (``~``, ``$VAR``, ``${VAR}``) before it canonicalises it
    (``crates/agent/src/agent/util/path.rs``, ``canonicalize_path_sys``). ``~`` and ``$HOME`` are
    the home directory; ``None`` when a path names another variable."""
    key = _PATH_KEYS.get(category)
    value = normal.get(key) if key else None
    if key is None or not value:
        return normal
    paths = value if isinstance(value, list) else [value]
    done = [home_expanded(str(p), home=home) for p in paths]
    if any(p is None for p in done):
        return None
    return {**normal, key: done if isinstance(value, list) else done[0]}


def _write(args: Mapping[str, Any], *, where: str) -> tuple[ToolCategory, dict[str, Any]]:
    """``fs_write``: ``command`` is create | str_replace | insert | append."""
    path = first_text(args, ("path", "file_path"), where=where)
    command = args.get("command") or "create"
    if command == "create":
        # fs_write's text is "file_text"; the newer write tool's is "content". Anything but a
        # string is bad input: its ``str()`` is not what would be written.
        key = "file_text" if args.get("file_text") is not None else "content"
        return ToolCategory.WRITE, {"path": path, "content": optional_text(args, key, where=where)}
    if command == "str_replace":
        edit = {"old": args.get("old_str"), "new": args.get("new_str"), "all": False}
        return ToolCategory.EDIT, {"path": path, "edits": [edit]}
    if command in ("insert", "append"):
        return ToolCategory.EDIT, {
            "path": path,
            "edits": [{"old": "", "new": args.get("new_str"), "all": False}],
        }
    raise InputError(
        f"{where}: tool_input.command: '{command}' is not create, str_replace, insert or append"
    )


def _knowledge(args: Mapping[str, Any]) -> tuple[ToolCategory, dict[str, Any]]:
    """The knowledge tool indexes the file or directory ``add`` (its ``value``, unless it is
    text: one with a newline) or ``update`` (its ``path``) names, everything under it, and its
    ``search`` then gives the model what it read: a read of that tree. Its other commands act
    on the knowledge base alone."""
    command = args.get("command")
    place = args.get("value") if command == "add" else args.get("path")
    is_path = isinstance(place, str) and place.strip() and "\n" not in place
    if command in ("add", "update") and is_path:
        return ToolCategory.READ, {"paths": [place, str(place).rstrip("/") + "/*"]}
    return ToolCategory.INTERNAL, dict(args)


def _read_paths(args: Mapping[str, Any]) -> list[str]:
    operations = args.get("operations")
    items = operations if isinstance(operations, list) else [args]
    paths = []
    for item in items:
        if isinstance(item, dict):
            for key in ("path", "file_path", "image_paths"):
                value = item.get(key)
                if isinstance(value, str) and value:
                    paths.append(value)
                elif isinstance(value, list):
                    paths += [v for v in value if isinstance(v, str) and v]
    return paths


PROTOCOL = Kiro()
