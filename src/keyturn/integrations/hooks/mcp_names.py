"""Which MCP server and tool an agent's qualified tool name names, and judging a name that
could name more than one.

Agents flatten ``(server, tool)`` into one tool name with a separator that server and tool
names may themselves contain (formats.md §1.1, §2.2, §2.4):

- Claude Code (and Codex, Cursor's ``preToolUse``): ``mcp__<server>__<tool>``; Claude Code
  itself reads the server up to the first ``__``, but a server named ``a__b`` with tool ``c``
  and a server ``a`` with tool ``b__c`` give the same name;
- Gemini CLI: ``mcp_<server>_<tool>`` with one underscore (``mcp_my_server_delete_item``);
  its ``mcp_context`` names both outright, and without it every underscore is a possible
  boundary (older releases' bare and ``<server>__<tool>`` names tell no server at all);
- Kiro: ``@<server>/<tool>`` or ``<server>___<tool>``.

Every split with a non-empty server and tool is a *reading*. A name with one reading is judged
as that call; a name with several is judged as all of them at once (:func:`ambiguous_action`):
the decision is the strictest of any reading (an unknown server's reading is ``unknown``), so
a server whose name borrows a trusted prefix (``files_read`` + ``file`` looks like ``files`` +
``read_file``) is never judged as the milder tool.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from keyturn.model import Action, ActionKind, Effect

Reading = tuple[str, str]

# Gemini CLI shortens a qualified name longer than 63 characters (``generateValidName``): to its
# first 28, "___" and its last 32 in older releases; to its first 30, "..." and its last 30 in
# current ones (0.6x, ``mcp-tool.js``). The tool's name is then partly gone.
_GEMINI_MAX = 63
_GEMINI_CUTS = ((28, "___"), (30, "..."))


def readings(rest: str, separator: str) -> list[Reading]:
    """Every ``(server, tool)`` with ``rest == server + separator + tool``, both non-empty;
    the first is the split at the first separator (the agents' own reading)."""
    found: list[Reading] = []
    start = rest.find(separator)
    while start != -1:
        server, tool = rest[:start], rest[start + len(separator) :]
        if server and tool:
            found.append((server, tool))
        start = rest.find(separator, start + 1)
    return found


def claude_readings(tool: str) -> list[Reading]:
    """The readings of Claude Code's ``mcp__<server>__<tool>`` (none when not one)."""
    return readings(tool[len("mcp__") :], "__") if tool.startswith("mcp__") else []


def gemini_readings(tool: str) -> list[Reading]:
    """The readings of Gemini CLI's ``mcp_<server>_<tool>`` (none when not one)."""
    return readings(tool[len("mcp_") :], "_") if tool.startswith("mcp_") else []


def gemini_truncated(tool: str) -> bool:
    """Whether Gemini CLI may have shortened this name (so no split gives the real tool)."""
    return len(tool) == _GEMINI_MAX and any(tool[at : at + 3] == cut for at, cut in _GEMINI_CUTS)


def kiro_readings(tool: str) -> list[Reading]:
    """The readings of Kiro's ``@<server>/<tool>`` or ``<server>___<tool>``."""
    if tool.startswith("@"):
        return readings(tool[1:], "/")
    return readings(tool, "___")


def reading_extra(found: Sequence[Reading]) -> dict[str, Any]:
    """The :class:`~.events.ToolCall` ``extra`` that carries a name's other readings."""
    return {"mcp_readings": tuple(found)} if len(found) > 1 else {}


def ambiguous_action(
    tool: str, found: Sequence[Reading], understand: Callable[[str, str], Action]
) -> Action:
    """One action holding every reading's effects (``understand(server, tool)`` gives one
    reading's action): the policy judges each effect, so the strictest reading decides."""
    actions = [understand(server, name) for server, name in found]
    effects: list[Effect] = []
    for action in actions:
        effects += [e for e in action.effects if e not in effects]
    names = ", ".join(f"mcp:{server}/{name}" for server, name in found)
    return Action(
        ActionKind.MCP,
        f"{tool} (one of {names}: judged as all of them)",
        tuple(effects),
        target=actions[0].target,
        subject={
            "tool": tool,
            "readings": [list(r) for r in found],
            "subjects": [a.subject for a in actions],
        },
    )
