"""Claude Code's ``PreToolUse`` (and ``PermissionRequest``) hook (formats.md §1).

Input: ``session_id``, ``cwd``, ``hook_event_name``, ``tool_name``, ``tool_input``. Output: JSON
``hookSpecificOutput.permissionDecision`` (``allow``/``deny``/``ask``) with
``permissionDecisionReason`` and exit 0; the reason of a ``deny`` is shown to the model.
Failures exit 2 with the reason on stderr (exit 1 does *not* block in Claude Code) and a deny
on stdout too, since Claude Code reads JSON even on exit 2.

A call held for review is answered ``deny`` with the request id, not ``ask``: Claude Code's own
prompt would let the operator approve it alone, which the two-person rule forbids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.errors import InputError

from .events import ToolCall, ToolCategory
from .mcp_names import claude_readings, reading_extra
from .protocol import (
    Answer,
    Reply,
    Stance,
    dumps,
    held_reason,
    optional_text,
    text,
    tool_event,
)
from .remote_agents import claude_elsewhere
from .search_tools import searched_places

NAME = "claude-code"
PRE_TOOL_USE = "PreToolUse"
PERMISSION_REQUEST = "PermissionRequest"

# Tools that only touch the agent's own state (their sub-agents' tool calls are hooked too).
INTERNAL_TOOLS = frozenset(
    {
        "Agent",
        "Task",
        "TodoWrite",
        "TodoRead",
        "AskUserQuestion",
        "ExitPlanMode",
        "EnterPlanMode",
        "BashOutput",
        "KillShell",
        "KillBash",
        # The task list that replaced TodoWrite, and background tasks' output and stop (the
        # successors of BashOutput and KillShell): tools-reference.md, sdk-tools.d.ts.
        "TaskCreate",
        "TaskGet",
        "TaskList",
        "TaskUpdate",
        "TaskOutput",
        "TaskStop",
        "ToolSearch",
    }
)


def read_claude_style(
    payload: Mapping[str, Any], *, agent: str, home: str, events: tuple[str, ...]
) -> ToolCall:
    """The tool call of a Claude-style event (shared with Codex, which copied the format)."""
    where = f"{agent} event"
    head = tool_event(payload, where=where, events=events)
    event, tool, args, cwd, session = head.event, head.tool, head.args, head.cwd, head.session
    category, normal, server, name = claude_tool(tool, args, where=where)
    extra = reading_extra(claude_readings(tool)) if category is ToolCategory.MCP else {}
    elsewhere = claude_elsewhere(tool, args) if category is ToolCategory.INTERNAL else None
    if elsewhere:  # a sub-agent whose tool calls this hook never sees (.remote_agents)
        category, extra = ToolCategory.UNKNOWN, {"reason": elsewhere}
    return ToolCall(
        agent=agent,
        tool=tool,
        category=category,
        arguments=normal,
        cwd=cwd,
        home=home,
        session=session,
        mcp_server=server,
        mcp_tool=name,
        event=event,
        extra=extra,
    )


def claude_tool(
    tool: str, args: Mapping[str, Any], *, where: str
) -> tuple[ToolCategory, dict[str, Any], str | None, str | None]:
    """Category and normalised arguments of a Claude Code tool (and MCP server/tool)."""
    if tool.startswith("mcp__"):
        # Claude Code's own reading is the first split; the others are judged too (.mcp_names)
        found = claude_readings(tool)
        if not found:
            raise InputError(f"{where}: tool_name '{tool}': expected mcp__<server>__<tool>")
        server, name = found[0]
        return ToolCategory.MCP, {"arguments": dict(args)}, server, name
    match tool:
        case "Bash":
            return ToolCategory.SHELL, {"command": _command(args, where=where)}, None, None
        case "PowerShell":
            return (
                ToolCategory.POWERSHELL,
                {"command": text(args, "command", where=where)},
                None,
                None,
            )
        case "Write":
            path = text(args, "file_path", where=where)
            return (
                ToolCategory.WRITE,
                {"path": path, "content": optional_text(args, "content", where=where)},
                None,
                None,
            )
        case "Edit":
            edit = _edit(args, where=where, at="tool_input")
            return (
                ToolCategory.EDIT,
                {"path": text(args, "file_path", where=where), "edits": [edit]},
                None,
                None,
            )
        case "MultiEdit":
            edits = [
                _edit(e, where=where, at=f"tool_input.edits[{i}]")
                for i, e in enumerate(_edit_list(args, where=where))
            ]
            return (
                ToolCategory.EDIT,
                {"path": text(args, "file_path", where=where), "edits": edits},
                None,
                None,
            )
        case "NotebookEdit":
            path = text(args, "notebook_path", where=where)
            return (
                ToolCategory.EDIT,
                {"path": path, "edits": [{"old": "", "new": args.get("new_source")}]},
                None,
                None,
            )
        case "Read":
            return ToolCategory.READ, {"paths": [text(args, "file_path", where=where)]}, None, None
        case "Glob" | "Grep" | "LS":
            return ToolCategory.READ, {"paths": searched_places(tool, args)}, None, None
        case "WebFetch":
            return ToolCategory.FETCH, {"urls": [text(args, "url", where=where)]}, None, None
        case "Monitor":
            return _monitor(args, where=where)
        case "WebSearch":
            return ToolCategory.WEB_SEARCH, {"query": args.get("query")}, None, None
        case "Skill":  # judged by the commands its file runs (.skill_tool)
            return (
                ToolCategory.SKILL,
                {"skill": args.get("skill"), "args": args.get("args")},
                None,
                None,
            )
        case "SlashCommand":  # "/name arguments…": the older tool for the same files
            return ToolCategory.SKILL, _slash_command(args), None, None
        case "ReadMcpResourceTool" | "ReadMcpResourceDirTool" | "ListMcpResourcesTool":
            return ToolCategory.MCP_RESOURCE, dict(args), None, None
    if tool in INTERNAL_TOOLS:
        return ToolCategory.INTERNAL, dict(args), None, None
    return ToolCategory.UNKNOWN, dict(args), None, None


def _monitor(
    args: Mapping[str, Any], *, where: str
) -> tuple[ToolCategory, dict[str, Any], str | None, str | None]:
    """``Monitor`` runs its ``command`` in the background under the Bash tool's permission
    rules (tools-reference.md "Monitor tool"), so it is judged as that shell line; or it opens
    the WebSocket ``ws.url`` and reads what arrives. Both, or neither: not understood."""
    command, socket = args.get("command"), args.get("ws")
    if command is not None and socket is None:
        return ToolCategory.SHELL, {"command": text(args, "command", where=where)}, None, None
    if command is None and isinstance(socket, dict):
        return ToolCategory.FETCH, {"urls": [text(socket, "url", where=where)]}, None, None
    return ToolCategory.UNKNOWN, dict(args), None, None


def _slash_command(args: Mapping[str, Any]) -> dict[str, Any]:
    """``SlashCommand``'s ``command`` (``/deploy staging``) as a skill name and its arguments;
    a command that is not text names no skill (then not understood)."""
    command = args.get("command")
    if not isinstance(command, str):
        return {"skill": None, "args": None}
    name, _, rest = command.strip().partition(" ")
    return {"skill": name, "args": rest.strip() or None}


def _edit(args: Mapping[str, Any], *, where: str, at: str) -> dict[str, Any]:
    """One string replacement (Edit's, or one of MultiEdit's): its texts must be strings."""
    return {
        "old": optional_text(args, "old_string", where=where, at=at),
        "new": optional_text(args, "new_string", where=where, at=at),
        "all": bool(args.get("replace_all")),
    }


def _edit_list(args: Mapping[str, Any], *, where: str) -> list[Mapping[str, Any]]:
    """MultiEdit's ``edits``: a list of objects (none when left out)."""
    edits = args.get("edits")
    if edits is None:
        return []
    if not isinstance(edits, list) or not all(isinstance(e, dict) for e in edits):
        raise InputError(f"{where}: tool_input.edits: expected a list of objects")
    return edits


def _command(args: Mapping[str, Any], *, where: str) -> str:
    """``tool_input.command``; an argv list (Codex's exec form) is joined as the shell would."""
    value = args.get("command")
    if isinstance(value, list) and value and all(isinstance(w, str) for w in value):
        import shlex

        return shlex.join(value)
    return text(args, "command", where=where)


class ClaudeCode:
    """Claude Code's hook protocol."""

    name = NAME

    def read(self, payload: Mapping[str, Any], *, home: str) -> ToolCall:
        return read_claude_style(
            payload, agent=NAME, home=home, events=(PRE_TOOL_USE, PERMISSION_REQUEST)
        )

    def render(self, answer: Answer, *, event: str) -> Reply:
        if event == PERMISSION_REQUEST:
            return _render_permission_request(answer)
        decision, reason = {
            Stance.ALLOW: ("allow", f"keyturn: {answer.reason}"),
            Stance.HELD: ("deny", held_reason(answer)),
            Stance.DENY: ("deny", f"keyturn: {answer.reason}"),
        }[answer.stance]
        return Reply(stdout=dumps(_pre_tool_use(decision, reason)))

    def blocking(self, reason: str, *, event: str) -> Reply:
        message = f"keyturn: refused ({reason})"
        if event == PERMISSION_REQUEST:
            body = _render_permission_request(Answer(Stance.DENY, f"refused ({reason})")).stdout
            return Reply(stdout=body, stderr=message + "\n", exit_code=2)
        return Reply(
            stdout=dumps(_pre_tool_use("deny", message)), stderr=message + "\n", exit_code=2
        )


def _pre_tool_use(decision: str, reason: str) -> dict[str, Any]:
    return {
        "hookSpecificOutput": {
            "hookEventName": PRE_TOOL_USE,
            "permissionDecision": decision,
            "permissionDecisionReason": reason,
        }
    }


def _render_permission_request(answer: Answer) -> Reply:
    """``PermissionRequest`` knows only allow and deny."""
    if answer.stance is Stance.ALLOW:
        decision: dict[str, Any] = {"behavior": "allow"}
    else:
        message = (
            held_reason(answer) if answer.stance is Stance.HELD else f"keyturn: {answer.reason}"
        )
        decision = {"behavior": "deny", "message": message}
    return Reply(
        stdout=dumps(
            {"hookSpecificOutput": {"hookEventName": PERMISSION_REQUEST, "decision": decision}}
        )
    )


PROTOCOL = ClaudeCode()
