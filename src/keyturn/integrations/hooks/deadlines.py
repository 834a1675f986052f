"""How long a hook may take: ``KEYTURN_HOOK_DEADLINE``, never past what the agent waits for.

keyturn installs each agent's hook with a timeout (:data:`INSTALLED_TIMEOUT`, written by
:mod:`.install`). An agent whose hook overruns it does not wait for keyturn's answer, and most
then let the call run (:data:`ON_TIMEOUT`, from formats.md §1.4 and §2). So the hook's own
deadline -- after which it answers with the agent's blocking form, "no decision yet, retry" --
must come first: :func:`hook_deadline` clamps ``KEYTURN_HOOK_DEADLINE`` to the installed
timeout less :data:`SAFETY_MARGIN` (the interpreter's start before the clock starts, and the
writing of the reply), with a one-line warning when the variable asked for more.

Standard library only and no ``typing``: the hook's fast path may import it (``fastpath``).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs a hook ~10 ms
if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_DEADLINE = 20.0
MAX_DEADLINE = 3600.0
# Kept back from the agent's timeout: the agent's clock starts when it spawns the hook, the
# hook's only once Python and keyturn are imported (up to a second or two on a loaded machine).
SAFETY_MARGIN = 5.0

AGENT_TIMEOUT_SECONDS = 30
# The timeout, in seconds, keyturn writes into each agent's settings (install.py converts to the
# agent's unit). One row per agent, so that an agent given a shorter one is clamped by its own.
INSTALLED_TIMEOUT: dict[str, int] = {
    "claude-code": AGENT_TIMEOUT_SECONDS,
    "codex": AGENT_TIMEOUT_SECONDS,
    "gemini": AGENT_TIMEOUT_SECONDS,
    # Cursor's unit is unsettled (formats.md §2.3: ms or s); install.py writes 30000, which is
    # at least 30 seconds in either.
    "cursor": AGENT_TIMEOUT_SECONDS,
    "kiro": AGENT_TIMEOUT_SECONDS,
}
# What the agent does with a tool call when its hook overruns the timeout (docs/integrations.md).
ON_TIMEOUT: dict[str, str] = {
    "claude-code": "runs it (through its own permission rules): fail open",
    "codex": "runs it (a failed hook does not block): fail open",
    "gemini": "runs it (a failed hook is a warning): fail open",
    "cursor": "blocks it (failClosed), without keyturn's reason",
    "kiro": "runs it (a failed hook is a warning): fail open",
}


def asked_deadline(env: Mapping[str, str]) -> float:
    """``KEYTURN_HOOK_DEADLINE`` as asked: a value that is not a number in (0, 3600] is the
    default, never none."""
    try:
        value = float(_raw(env) or DEFAULT_DEADLINE)
    except ValueError:
        return DEFAULT_DEADLINE
    return value if 0 < value <= MAX_DEADLINE else DEFAULT_DEADLINE


def ceiling(agent: str) -> float:
    """The longest the hook may take for ``agent``: its installed timeout less the margin (half
    of it when the timeout is too short for the margin). An agent not in the table gets the
    shortest timeout of those that are."""
    timeout = INSTALLED_TIMEOUT.get(agent, min(INSTALLED_TIMEOUT.values()))
    return max(timeout - SAFETY_MARGIN, timeout / 2)


def hook_deadline(env: Mapping[str, str], agent: str) -> tuple[float, str | None]:
    """(seconds the hook may take for ``agent``, the one-line warning when
    ``KEYTURN_HOOK_DEADLINE`` asked for more than that, else ``None``)."""
    asked, most = asked_deadline(env), ceiling(agent)
    if asked <= most:
        return asked, None
    timeout = INSTALLED_TIMEOUT.get(agent, min(INSTALLED_TIMEOUT.values()))
    warning = (
        f"keyturn: KEYTURN_HOOK_DEADLINE={_raw(env)} is past {agent}'s hook timeout "
        f"({timeout:g}s, as installed); answering within {most:g}s\n"
    )
    return most, warning


def _raw(env: Mapping[str, str]) -> str:
    return env.get("KEYTURN_HOOK_DEADLINE") or ""
