"""Gemini CLI's ``BeforeTool`` hook (formats.md §2.2).

Input: ``session_id``, ``cwd``, ``hook_event_name``, ``tool_name``, ``tool_input`` and, for MCP
tools, ``mcp_context``. MCP tools are named ``mcp_<server>_<tool>`` (one underscore). Output:
``{"decision": "allow"|"deny", "reason"}`` on stdout, exit 0; exit 2 blocks with stderr as the
reason. ``ask`` is accepted by Gemini's code but not documented, so anything short of an
allow is answered ``deny`` with a reason saying what to do next.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.errors import InputError

from .events import ToolCall, ToolCategory
from .mcp_names import Reading, gemini_readings, gemini_truncated, reading_extra
from .protocol import (
    Answer,
    Reply,
    Stance,
    dumps,
    first_text,
    held_reason,
    optional,
    optional_text,
    tool_event,
)
from .remote_agents import gemini_elsewhere
from .search_tools import searched_places
from .shell_env import GEMINI, SHELL_ENV

NAME = "gemini"
BEFORE_TOOL = "BeforeTool"
_INTERNAL = frozenset(
    {
        "write_todos",
        "activate_skill",
        "ask_user",
        "exit_plan_mode",
        "enter_plan_mode",
    }
)

# Key of the normalised arguments of an UNKNOWN call that carries why (taken out by ``read``).
_REASON = "\0reason"


class Gemini:
    """Gemini CLI's hook protocol."""

    name = NAME

    def read(self, payload: Mapping[str, Any], *, home: str) -> ToolCall:
        where = "gemini event"
        head = tool_event(payload, where=where, events=(BEFORE_TOOL,))
        event, tool, args, cwd, session = head.event, head.tool, head.args, head.cwd, head.session
        context = optional(payload, "mcp_context", dict, where=where)
        # Older releases named an MCP tool by its bare name, or <server>__<tool> when that was
        # taken: without mcp_context such a name tells no server (a bare tool may be named
        # "files__read_file" too), so it stays unknown; mcp_<server>_<tool> is read below.
        if context is not None or tool.startswith("mcp_"):
            base: dict[str, Any] = {
                "agent": NAME,
                "tool": tool,
                "cwd": cwd,
                "home": home,
                "session": session,
            }
            found = _mcp_names(tool, context or {}, where=where)
            if found is None:
                reason = (
                    f"gemini tool '{tool}' may be a shortened MCP tool name and names no tool "
                    "(its hook event has no mcp_context)"
                )
                return ToolCall(
                    category=ToolCategory.UNKNOWN,
                    arguments=dict(args),
                    event=event,
                    extra={"reason": reason},
                    **base,
                )
            return ToolCall(
                category=ToolCategory.MCP,
                arguments={"arguments": dict(args)},
                mcp_server=found[0][0],
                mcp_tool=found[0][1],
                event=event,
                extra=reading_extra(found),
                **base,
            )
        category, normal = _builtin(tool, args, home=home, where=where)
        reason = str(normal.pop(_REASON, "")) if category is ToolCategory.UNKNOWN else ""
        reason = gemini_elsewhere(tool, args) or reason  # a delegation (.remote_agents)
        extra: dict[str, Any] = {"reason": reason} if reason else {}
        if category is ToolCategory.SHELL:  # its shell runs in another environment (.shell_env)
            extra[SHELL_ENV] = GEMINI
        return ToolCall(
            agent=NAME,
            tool=tool,
            category=category,
            arguments=normal,
            cwd=cwd,
            home=home,
            session=session,
            event=event,
            extra=extra,
        )

    def render(self, answer: Answer, *, event: str) -> Reply:
        if answer.stance is Stance.ALLOW:
            return Reply(stdout=dumps({"decision": "allow", "reason": f"keyturn: {answer.reason}"}))
        if answer.stance is Stance.HELD:
            reason = held_reason(answer)
        else:
            reason = f"keyturn: {answer.reason}"
        return Reply(stdout=dumps({"decision": "deny", "reason": reason}))

    def blocking(self, reason: str, *, event: str) -> Reply:
        return Reply(stderr=f"keyturn: refused ({reason})\n", exit_code=2)


def _mcp_names(tool: str, context: Mapping[str, Any], *, where: str) -> list[Reading] | None:
    """The readings of an MCP call's name: ``mcp_context``'s server and tool when it names
    them (server names may contain underscores), else every split of ``mcp_<server>_<tool>``
    at an underscore (:mod:`.mcp_names`); ``None`` when the name may have been shortened, so
    that no split of it names the tool."""
    server = context.get("server_name") or context.get("serverName")
    name = context.get("tool_name") or context.get("toolName")
    if isinstance(server, str) and server:
        if not (isinstance(name, str) and name):
            prefix = f"mcp_{server}_"
            name = tool[len(prefix) :] if tool.startswith(prefix) else tool
        return [(server, name)]
    if gemini_truncated(tool):
        return None
    found = gemini_readings(tool)
    if not found:
        raise InputError(f"{where}: tool_name '{tool}': expected mcp_<server>_<tool>")
    return found


def _builtin(
    tool: str, args: Mapping[str, Any], *, home: str, where: str
) -> tuple[ToolCategory, dict[str, Any]]:
    match tool:
        case "run_shell_command":
            command = first_text(args, ("command",), where=where)
            # ``dir_path`` in current releases, ``directory`` in older ones: each reads only its
            # own and ignores the other (no additionalProperties: false), so two different
            # places cannot be told apart.
            places = {str(args[k]) for k in ("dir_path", "directory") if args.get(k)}
            if len(places) > 1:
                why = "run_shell_command: 'dir_path' and 'directory' name different directories"
                return ToolCategory.UNKNOWN, {**args, _REASON: why}
            workdir = places.pop() if places else ""
            return ToolCategory.SHELL, {"command": command, "workdir": workdir}
        case "write_file":
            path = first_text(args, ("file_path", "absolute_path"), where=where)
            content = optional_text(args, "content", where=where)
            return ToolCategory.WRITE, {"path": path, "content": content}
        case "replace" | "edit":
            path = first_text(args, ("file_path", "absolute_path"), where=where)
            count = _expected_count(args, where=where)
            edit: dict[str, Any] = {
                "old": optional_text(args, "old_string", where=where),
                "new": optional_text(args, "new_string", where=where),
                # every occurrence: newer releases' allow_multiple, older ones' count above 1
                "all": bool(args.get("allow_multiple")) or (count or 1) > 1,
            }
            if count is not None and not args.get("allow_multiple"):
                edit["count"] = count  # a different number of occurrences: not this edit
            return ToolCategory.EDIT, {"path": path, "edits": [edit]}
        case "read_file":
            return ToolCategory.READ, {
                "paths": [first_text(args, ("file_path", "absolute_path"), where=where)]
            }
        case "read_many_files":
            # Each path may be a directory, read with everything under it. Current releases
            # take the places as ``include``; older ones as ``paths``, with ``include`` merged
            # in as more places: both are read. One string is one place, not its letters.
            given = [p for key in ("paths", "include") for p in _places(args.get(key))]
            paths = [n for p in given for n in (p, p.rstrip("/") + "/*")]
            return ToolCategory.READ, {"paths": paths}
        case "list_directory" | "glob" | "search_file_content" | "grep" | "grep_search" | "ls":
            where_to = args.get("dir_path") or args.get("path")
            if tool == "glob":  # pattern: a glob of paths, as Claude Code's Glob
                searched = {"path": where_to, "pattern": args.get("pattern")}
                return ToolCategory.READ, {"paths": searched_places("Glob", searched)}
            if tool not in ("list_directory", "ls"):  # a content search; include: a glob
                searched = {"path": where_to, "glob": args.get("include")}
                return ToolCategory.READ, {"paths": searched_places("Grep", searched)}
            return ToolCategory.READ, {"paths": [where_to] if isinstance(where_to, str) else []}
        case "web_fetch":
            return ToolCategory.FETCH, {
                "urls": _urls(str(args.get("prompt") or args.get("url") or ""))
            }
        case "google_web_search":
            return ToolCategory.WEB_SEARCH, {"query": args.get("query")}
        case "save_memory":
            return ToolCategory.EDIT, {
                "path": f"{home}/.gemini/GEMINI.md",
                "edits": [{"old": "", "new": str(args.get("fact") or "")}],
            }
    if tool in _INTERNAL:
        return ToolCategory.INTERNAL, dict(args)
    return ToolCategory.UNKNOWN, dict(args)


def _places(value: Any) -> list[str]:
    """The places a ``read_many_files`` argument names: a list's strings, or one string."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [p for p in items if isinstance(p, str) and p]


def _urls(prompt: str) -> list[str]:
    """web_fetch takes a prompt with the URLs in it."""
    import re

    return list(dict.fromkeys(re.findall(r"https?://[^\s\"'<>)]+", prompt)))


PROTOCOL = Gemini()


def _expected_count(args: Mapping[str, Any], *, where: str) -> int | None:
    """``expected_replacements``: a positive whole number, or absent (None)."""
    value = args.get("expected_replacements")
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise InputError(f"{where}.expected_replacements: expected a positive whole number")
    return value
