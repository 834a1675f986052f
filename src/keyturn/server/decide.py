"""What ``POST /v1/decisions`` accepts, turned into an understood :class:`Action`.

Either the raw payload of a kind ``keyturn check`` knows (``{"kind": "shell", "payload":
{"command": ..., "cwd": ...}}``) or an action an agent-side integration already understood
(``{"action": <Action.canonical()>, "summary": ...}``). The server has no view of the agent's
files, so shell and MCP inputs are understood without them (what depends on a file's content
becomes ``unknown`` and is held, never allowed).

The ``summary`` sent with an understood action is the agent's own words: it is what reviewers
would read as the headline, so it never stands alone. The action's summary is keyturn's account
of its effects (worst first), and the agent's text follows it, labelled as its claim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from keyturn.approval.codec import decision_from_json
from keyturn.approval.display import headline, shorten
from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, McpToolMapping
from keyturn.understand.payload import optional_str, understand_payload


def action_of(body: Mapping[str, Any], *, mcp_mappings: Sequence[McpToolMapping]) -> Action:
    """The understood action of a decision request body (``InputError`` when malformed)."""
    if "action" in body:
        return action_from_canonical(body["action"], summary=body.get("summary"))
    kind_text = body.get("kind")
    try:
        kind = ActionKind(str(kind_text))
    except ValueError:
        known = ", ".join(k.value for k in ActionKind)
        raise InputError(f"kind: expected one of {known}, got {kind_text!r}") from None
    payload = body.get("payload")
    if not isinstance(payload, dict):
        raise InputError("payload: expected a JSON object")
    environment = optional_str(body, "environment")
    return understand_payload(kind, payload, environment=environment, mcp_mappings=mcp_mappings)


def action_from_canonical(raw: Any, *, summary: Any = None) -> Action:
    """Rebuild an action an integration understood (``Action.canonical()``)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("effects"), list):
        raise InputError("action: expected a canonical action object with an effects list")
    if not raw["effects"]:
        raise InputError("action.effects: an action needs at least one effect")
    stored = {
        "action": raw,
        "summary": "",
        "decision": {
            "agent": "-",
            "operator": "-",
            "decision": "ask",
            "approvals_required": 0,
            "policy_digest": "",
        },
    }
    try:
        action = decision_from_json(stored).action
    except InputError:
        raise InputError("action: not a canonical action (kind, effects, target)") from None
    return _with_summary(action, claim=summary if isinstance(summary, str) else "")


# How much of an agent's claim the summary keeps (cut in the middle, saying how much).
CLAIM_CHARS = 300


def _with_summary(action: Action, *, claim: str) -> Action:
    """``action`` with keyturn's summary of its effects; the agent's ``claim``, if any, after
    it and labelled (the digest does not cover the summary: nothing bound changes)."""
    from dataclasses import replace

    summary = headline({"action": action.canonical()})
    claim = claim.strip()
    if claim:
        summary += f' -- agent\'s description (unverified): "{shorten(claim, CLAIM_CHARS)}"'
    return replace(action, summary=summary)
