"""After-tool events: what came of a call the hook let through, recorded in the audit log.

With ``keyturn hook install AGENT --outcomes`` the agent runs the hook after each tool call too
(Claude Code's ``PostToolUse`` and ``PostToolUseFailure``, Codex's ``PostToolUse``, Gemini CLI's
``AfterTool``, Kiro's ``postToolUse``). That event carries the same tool and input as the one
before the call, so the call is understood the same way and names the same action digest as its
decision (unless the call changed a file keyturn reads to understand it, such as a Makefile).
The hook appends an ``execution`` record: that digest, ``completed`` or ``failed``, and the exit
status when the agent reports one -- so ``keyturn audit trace`` tells what happened, not only
what was let through.

The tool has already run: nothing is blocked. A failure to record is a warning (exit 1, which
each of these agents shows and carries on from), never the blocking answer of a pre-tool event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .protocol import Reply

# agent -> after-tool event -> (the event before the call, the status it reports)
AFTER_TOOL: dict[str, dict[str, tuple[str, str]]] = {
    "claude-code": {
        "PostToolUse": ("PreToolUse", "completed"),
        "PostToolUseFailure": ("PreToolUse", "failed"),
    },
    "codex": {"PostToolUse": ("PreToolUse", "completed")},
    "gemini": {"AfterTool": ("BeforeTool", "completed")},
    "kiro": {"postToolUse": ("preToolUse", "completed")},
}
# Where agents put a shell command's exit status in the tool's response.
_EXIT_KEYS = ("exit_code", "exitCode", "returncode", "return_code", "exit_status", "exitStatus")


def after_tool(agent: str, event: str) -> tuple[str, str] | None:
    """``(event before the call, status)`` when ``event`` is ``agent``'s after-tool event."""
    return AFTER_TOOL.get(agent, {}).get(event)


def exit_status(payload: Mapping[str, Any]) -> int | None:
    """The tool's exit status, when the event reports one (``tool_response.exit_code``...)."""
    response = payload.get("tool_response")
    for source in (response, payload):
        if isinstance(source, Mapping):
            for key in _EXIT_KEYS:
                value = source.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
    return None


def status_of(reported: str, code: int | None) -> str:
    """``failed`` when the event says so or the exit status is not 0, else ``completed``."""
    return "failed" if reported == "failed" or (code is not None and code != 0) else "completed"


def warning(reason: str) -> Reply:
    """The reply when the outcome could not be recorded: shown, never blocking."""
    return Reply(stderr=f"keyturn: the outcome was not recorded ({reason})\n", exit_code=1)
