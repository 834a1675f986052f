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
from keyturn.model import Action, ActionKind, McpToolMapping, Target
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
    _check_shape(raw)
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


# An effect's fields that are text when present (what rules match: a list or an object there
# would be read as something else, or fail where the effect is judged or hashed).
_TEXT_FIELDS = ("service", "command", "tool", "operation", "protected_by", "catastrophic")


def _check_shape(raw: dict[str, Any]) -> None:
    """Refuse a canonical action whose fields are not of their types (``InputError`` naming
    the field): a string where the list of names belongs would be read as one-letter names,
    ``"removes_protection": "false"`` as a truth, a list as a target hint fails when judged."""
    if not isinstance(raw.get("kind"), str):
        raise InputError("action.kind: expected a string")
    _check_target(raw.get("target"), "action.target")
    for i, effect in enumerate(raw["effects"]):
        where = f"action.effects[{i}]"
        if not isinstance(effect, dict):
            raise InputError(f"{where}: expected an object")
        if not isinstance(effect.get("effect"), str):
            raise InputError(f"{where}.effect: expected a string")
        resource = effect.get("resource")
        if not isinstance(resource, dict):
            raise InputError(f"{where}.resource: expected an object {{names, type}}")
        names = resource.get("names")
        if not isinstance(names, list) or not names:
            raise InputError(f"{where}.resource.names: expected a list of names")
        if not all(isinstance(n, str) and n for n in names):
            raise InputError(f"{where}.resource.names: expected non-empty strings")
        _optional_text(resource, "type", f"{where}.resource")
        _check_target(effect.get("target"), f"{where}.target")
        for key in _TEXT_FIELDS:
            _optional_text(effect, key, where)
        if not isinstance(effect.get("removes_protection", False), bool):
            raise InputError(f"{where}.removes_protection: expected true or false")


def _check_target(raw: Any, where: str) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected an object of hints")
    for key in Target.__slots__:
        _optional_text(raw, key, where)


def _optional_text(raw: dict[str, Any], key: str, where: str) -> None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"{where}.{key}: expected a string")


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
