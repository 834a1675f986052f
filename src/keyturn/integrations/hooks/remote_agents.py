"""Agent tools that start a sub-agent where keyturn's hook does not run.

Starting a sub-agent is the agent's own bookkeeping only because the sub-agent's tool calls go
through the same hooks, here. Two ways of starting one send it elsewhere:

- Claude Code's ``Agent`` (``Task`` before) with ``isolation: "remote"`` "launches the agent in a
  remote cloud environment" (``sdk-tools.d.ts``, ``AgentInput.isolation``, 2.1.3xx): its tool
  calls run on another machine, under that environment's settings, never through this hook.
  Only the local forms (no isolation, or ``"worktree"``) stay bookkeeping; any other value,
  today's ``remote`` or one a later release adds, is not understood.
- Gemini CLI's ``delegate_to_agent`` hands the task to the agent ``agent_name`` names, and that
  may be a remote (A2A) agent (``kind: remote`` in an agent file of the user's, the project's
  or an extension's): ``SubagentToolWrapper`` runs it as a ``RemoteAgentInvocation``, whose work
  never reaches the ``BeforeTool`` hook. Which kind a name is cannot be told from the event, so
  the delegation is not understood (as ``invoke_agent``, its successor, already is).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Claude Code's sub-agent tools and the isolation values that keep the sub-agent on this machine.
_CLAUDE_AGENT_TOOLS = frozenset({"Agent", "Task"})
_LOCAL_ISOLATION = frozenset({"worktree"})

GEMINI_DELEGATION = "delegate_to_agent"


def claude_elsewhere(tool: str, args: Mapping[str, Any]) -> str | None:
    """Why a Claude Code sub-agent call is not the agent's own bookkeeping (it runs the sub-agent
    where this hook does not judge its tool calls); ``None`` for a local one."""
    if tool not in _CLAUDE_AGENT_TOOLS:
        return None
    isolation = args.get("isolation")
    if isolation is None or (isinstance(isolation, str) and isolation in _LOCAL_ISOLATION):
        return None
    return (
        f"{tool} with isolation {isolation!r} runs the sub-agent outside this machine's hooks: "
        "keyturn would not judge any of its tool calls"
    )


def gemini_elsewhere(tool: str, args: Mapping[str, Any]) -> str | None:
    """Why a Gemini CLI delegation is not understood; ``None`` for any other tool."""
    if tool != GEMINI_DELEGATION:
        return None
    name = args.get("agent_name")
    who = f"agent {name!r}" if isinstance(name, str) and name else "an agent"
    return (
        f"{tool} hands the task to {who}, which may be a remote (A2A) agent whose tool calls "
        "never reach this hook"
    )
