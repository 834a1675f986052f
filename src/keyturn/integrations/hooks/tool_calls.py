"""The tool call every agent protocol reads its events into, and the two actions any call can
fall back to: the agent's own harmless bookkeeping, and ``unknown``.

Each agent protocol module (``claude_code``, ``codex``...) reads its own event shape into a
:class:`ToolCall`: the tool's :class:`ToolCategory` plus its arguments under the normalised keys
that category expects (listed on the enum). :mod:`.events` understands it into an Action.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from keyturn.model import (
    Action,
    ActionKind,
    Effect,
    EffectKind,
    Resource,
    Target,
    canonical_json,
)


class ToolCategory(StrEnum):
    """What a tool does, with the normalised argument keys a :class:`ToolCall` carries."""

    SHELL = "shell"  # command (str); optional workdir
    POWERSHELL = "powershell"  # command (str)
    AWS_CLI = "aws_cli"  # service, operation, positional, parameters (CLI names), region, profile
    WRITE = "write"  # path, content
    EDIT = "edit"  # path, edits: [{old, new, all}]
    PATCH = "patch"  # patch (apply_patch text)
    DELETE = "delete"  # path
    READ = "read"  # paths (list)
    FETCH = "fetch"  # urls (list)
    WEB_SEARCH = "web_search"  # query
    MCP = "mcp"  # arguments; ToolCall.mcp_server / mcp_tool set
    MCP_RESOURCE = "mcp_resource"  # server, uri (.mcp_resources)
    SKILL = "skill"  # skill, args: a skill whose file may run commands (.skill_tool)
    INTERNAL = "internal"  # the agent's own bookkeeping (todo lists, sub-agents, questions)
    UNKNOWN = "unknown"  # arguments as sent


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool call, read from an agent's event.

    - ``agent``: the protocol that sent it (``claude-code``...), ``tool``: the name as sent.
    - ``cwd``/``home``: absolute directories that relative paths and ``~`` resolve against.
    - ``session``: the agent's session id, when the event carries one.
    """

    agent: str
    tool: str
    category: ToolCategory
    arguments: Mapping[str, Any]
    cwd: str
    home: str
    session: str | None = None
    mcp_server: str | None = None
    mcp_tool: str | None = None
    event: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)


# ``ToolCall.extra`` key: how the agent takes a shell call's ``..`` after a link in its working
# directory -- FOLLOWED: the kernel's way (the link's target's parent, as Kiro canonicalises it);
# EITHER: depending on its version, that or lexically (Codex), so a workdir the two readings
# put in different places is unknown. Absent: lexically (Node's ``path.resolve``: Gemini).
WORKDIR_LINKS = "workdir_links"
FOLLOWED = "followed"
EITHER = "either"


def harmless_action(call: ToolCall, *, target: Target) -> Action:
    """Web fetches and searches read from the web; the agent's own bookkeeping tools (todo
    lists, questions to the user, sub-agents whose own tool calls are hooked) act on nothing
    outside it. Both are reads of a resource naming the tool."""
    args = call.arguments
    if call.category is ToolCategory.FETCH:
        names = [str(u) for u in args.get("urls") or ()] or [f"web:{call.tool}"]
        service = "web"
    elif call.category is ToolCategory.WEB_SEARCH:
        names, service = ["web:search"], "web"
    else:
        names, service = [f"agent:{call.agent}/{call.tool}"], "agent"
    effects = tuple(
        Effect(
            EffectKind.READ,
            Resource((name,), type=service),
            target=target,
            service=service,
            operation=call.tool,
            detail=f"{call.tool} {name}",
        )
        for name in dict.fromkeys(names)
    )
    return Action(
        ActionKind.SHELL,
        f"{call.tool} {' '.join(dict.fromkeys(names))}",
        effects,
        target=target,
        subject={"tool": call.tool, "arguments": digestible(args)},
    )


def unknown_action(call: ToolCall, reason: str, *, target: Target = Target()) -> Action:  # noqa: B008
    """An action keyturn cannot interpret: one ``unknown`` effect on the tool, with why."""
    name = f"tool:{call.agent}/{call.tool}"
    effect = Effect(
        EffectKind.UNKNOWN,
        Resource((name,), type="tool"),
        target=target,
        service="tool",
        operation=call.tool,
        detail=reason,
    )
    return Action(
        ActionKind.SHELL,
        f"{call.tool} (not understood)",
        (effect,),
        target=target,
        subject={"tool": call.tool, "arguments": digestible(call.arguments)},
    )


def digestible(args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments as the digest binds them: long values by their SHA-256, so that the
    approval is bound to the exact content without carrying it."""
    out: dict[str, Any] = {}
    for key, value in args.items():
        text = canonical_json(value).decode() if not isinstance(value, str) else value
        out[str(key)] = value if len(text) <= 256 else "sha256:" + _sha(text)
    return out


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
