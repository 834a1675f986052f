"""What ``POST /v1/decisions`` accepts, turned into an understood :class:`Action`.

Either the raw payload of a kind ``keyturn check`` knows (``{"kind": "shell", "payload":
{"command": ..., "cwd": ...}}``) or an action an agent-side integration already understood
(``{"action": <Action.canonical()>, "summary": ...}``). The server has no view of the agent's
files, so shell and MCP inputs are understood without them (what depends on a file's content
becomes ``unknown`` and is held, never allowed).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from keyturn.approval.codec import decision_from_json
from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, McpToolMapping, Target
from keyturn.understand import NoFiles, understander

_DOCUMENT_KINDS = {ActionKind.TERRAFORM, ActionKind.K8S, ActionKind.CLOUDFORMATION}
_SOURCES = {
    ActionKind.TERRAFORM: "plan.json",
    ActionKind.K8S: "review.json",
    ActionKind.CLOUDFORMATION: "change-set.json",
}


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
    environment = _optional_str(body, "environment")
    return understand_payload(kind, payload, environment=environment, mcp_mappings=mcp_mappings)


def understand_payload(
    kind: ActionKind,
    payload: Mapping[str, Any],
    *,
    environment: str | None,
    mcp_mappings: Sequence[McpToolMapping],
) -> Action:
    """Understand one raw payload of ``kind``."""
    fn = understander(kind)
    if kind is ActionKind.SHELL:
        return fn(
            _required_str(payload, "command"),
            cwd=_optional_str(payload, "cwd") or "/",
            home=_optional_str(payload, "home") or "/root",
            env={},
            target=Target(environment=environment),
            files=NoFiles(),
        )
    if kind is ActionKind.AWS:
        target = Target(
            environment=environment,
            aws_region=_optional_str(payload, "region"),
            aws_profile=_optional_str(payload, "profile"),
            aws_account=_optional_str(payload, "account"),
        )
        params = payload.get("params") or {}
        if not isinstance(params, dict):
            raise InputError("payload.params: expected a JSON object")
        return fn(
            _required_str(payload, "service"),
            _required_str(payload, "operation"),
            params,
            target=target,
        )
    if kind is ActionKind.MCP:
        arguments = payload.get("arguments") or {}
        if not isinstance(arguments, dict):
            raise InputError("payload.arguments: expected a JSON object")
        return fn(
            _required_str(payload, "server"),
            _required_str(payload, "tool"),
            arguments,
            mappings=mcp_mappings,
            target=Target(environment=environment),
            cwd=_optional_str(payload, "cwd") or "/",
            files=NoFiles(),
        )
    return _document(kind, payload, environment=environment)


def _document(kind: ActionKind, payload: Mapping[str, Any], *, environment: str | None) -> Action:
    document = payload.get("document")
    if document is None:
        raise InputError("payload.document: missing (the JSON document to judge)")
    text = document if isinstance(document, str) else json.dumps(document)
    if kind is ActionKind.TERRAFORM:
        target = Target(
            environment=environment, terraform_workspace=_optional_str(payload, "workspace")
        )
    elif kind is ActionKind.K8S:
        target = Target(environment=environment, kube_context=_optional_str(payload, "context"))
    else:
        target = Target(
            environment=environment,
            aws_region=_optional_str(payload, "region"),
            aws_account=_optional_str(payload, "account"),
        )
    result: Action = understander(kind)(text, source=_SOURCES[kind], target=target)
    return result


def action_from_canonical(raw: Any, *, summary: Any = None) -> Action:
    """Rebuild an action an integration understood (``Action.canonical()``)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("effects"), list):
        raise InputError("action: expected a canonical action object with an effects list")
    if not raw["effects"]:
        raise InputError("action.effects: an action needs at least one effect")
    stored = {
        "action": raw,
        "summary": summary if isinstance(summary, str) else "",
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
    if not action.summary:
        action = _with_summary(action)
    return action


def _with_summary(action: Action) -> Action:
    from dataclasses import replace

    first = action.effects[0]
    more = f" (+{len(action.effects) - 1} more)" if len(action.effects) > 1 else ""
    return replace(
        action, summary=f"{action.kind.value}: {first.effect} {first.resource.name}{more}"
    )


def _required_str(payload: Mapping[str, Any], key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise InputError(f"payload.{key}: expected a non-empty string")
    return value


def _optional_str(payload: Mapping[str, Any], key: str) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{key}: expected a string")
    return value or None
