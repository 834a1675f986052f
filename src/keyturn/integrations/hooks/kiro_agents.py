"""Which Kiro agents run keyturn's hook: a sub-agent runs under its own agent configuration.

Kiro's ``use_subagent`` (and ``delegate``) start another agent -- ``agent_name``, else the
built-in ``kiro_default`` -- whose tool calls go through *that* agent's hooks, not the calling
agent's. keyturn's hook is installed in one agent file (``keyturn hook install kiro
--kiro-agent NAME``), so a sub-agent started under any other configuration would run its shell
commands, writes and AWS calls unjudged. Such a delegation is let through (as the agent's own
bookkeeping) only when every agent it starts has keyturn's ``preToolUse`` hook on every tool
in its file, looked up as Kiro looks it up (the workspace's ``.kiro/agents/NAME.json``, else the
user's); anything else is ``unknown``: keyturn cannot judge what that agent will do.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_AGENT = "kiro_default"  # Kiro's DEFAULT_AGENT_NAME: built in, with no hooks
DELEGATING_TOOLS = frozenset({"use_subagent", "subagent", "delegate"})
_OUR_HOOK = re.compile(r"(?:^|[\s/\\])keyturn(?:\.exe)?['\"]?\s+hook\s+kiro(?:\s|$)")
_MAX_AGENT_FILE = 1 << 20


def started_agents(tool: str, args: Mapping[str, Any]) -> list[str] | None:
    """The agents a delegating call starts (``kiro_default`` where none is named); ``None``
    when it starts none (``ListAgents``, a status query)."""
    if tool in ("use_subagent", "subagent"):
        if args.get("command") != "InvokeSubagents":
            return None if args.get("command") == "ListAgents" else [DEFAULT_AGENT]
        content = args.get("content")
        subagents = content.get("subagents") if isinstance(content, Mapping) else None
        if not isinstance(subagents, list) or not subagents:
            return [DEFAULT_AGENT]
        return [_name(s.get("agent_name") if isinstance(s, Mapping) else None) for s in subagents]
    return [_name(args.get("agent_name") or args.get("agent"))]


def unhooked(agents: Sequence[str], *, cwd: str, home: str) -> list[str]:
    """Those of ``agents`` whose configuration does not run keyturn's hook on every tool."""
    return [a for a in dict.fromkeys(agents) if not _hooked(a, cwd=cwd, home=home)]


def _name(value: Any) -> str:
    return value if isinstance(value, str) and value.strip() else DEFAULT_AGENT


def _hooked(agent: str, *, cwd: str, home: str) -> bool:
    if "/" in agent or "\\" in agent or agent.startswith("."):
        return False  # not a name Kiro looks up as a file here
    for directory in (os.path.join(cwd, ".kiro", "agents"), os.path.join(home, ".kiro", "agents")):
        path = os.path.join(directory, f"{agent}.json")
        if os.path.isfile(path):
            return _has_our_hook(path)
    return False


def _has_our_hook(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            config = json.loads(handle.read(_MAX_AGENT_FILE))
    except (OSError, ValueError):
        return False
    hooks = config.get("hooks") if isinstance(config, dict) else None
    entries = hooks.get("preToolUse") if isinstance(hooks, dict) else None
    return any(
        isinstance(e, dict)
        and e.get("matcher", "*") == "*"
        and isinstance(e.get("command"), str)
        and _OUR_HOOK.search(e["command"]) is not None
        for e in (entries if isinstance(entries, list) else ())
    )
