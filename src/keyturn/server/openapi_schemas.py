"""The component schemas of the OpenAPI document (:mod:`keyturn.server.openapi`): what a
request, a decision, an outcome and a token look like on the wire."""

from __future__ import annotations

from typing import Any

STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
NUM = {"type": "number"}
INT = {"type": "integer"}
NNUM = {"type": ["number", "null"]}

# Every state a request can be in (``keyturn.approval.model.RequestState``).
STATES = ["pending", "approved", "rejected", "expired", "cancelled", "revoked"]


def obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


# An action as decisions and executions take it: a kind's raw payload, or a canonical action.
ACTION_INPUT: dict[str, Any] = {
    "kind": {"enum": ["shell", "aws", "terraform", "k8s", "cloudformation", "mcp"]},
    "payload": {"type": "object"},
    "action": {"type": "object"},
    "summary": STR,
    "environment": STR,
    "actor": obj([], agent=STR, operator=STR, session=STR),
}


def schemas() -> dict[str, Any]:
    """The document's ``components.schemas``."""
    request_props = {
        "id": INT,
        "state": {"enum": STATES},
        "digest": STR,
        "agent": STR,
        "operator": STR,
        "requester": STR,
        "session": NSTR,
        "environment": STR,
        "summary": STR,
        "approvals_required": INT,
        "reviewer_groups": {"type": "array", "items": STR},
        "eligible": {"type": "array", "items": STR},
        "approvals": {"type": "array", "items": STR},
        "still_needed": INT,
        "needs": STR,
        "votes": {
            "type": "array",
            "items": obj(
                ["reviewer", "vote", "reason", "at"],
                reviewer=STR,
                vote={"enum": ["approve", "reject"]},
                reason=STR,
                at=NUM,
            ),
        },
        "created_at": NUM,
        "expires_at": NUM,
        "closed_at": NNUM,
        "closed_by": NSTR,
        "close_reason": STR,
        "grant": {
            "oneOf": [
                {"type": "null"},
                obj(
                    ["id", "expires_at", "used_at", "revoked_at"],
                    id=INT,
                    expires_at=NUM,
                    used_at=NNUM,
                    revoked_at=NNUM,
                ),
            ]
        },
        "decision": {"type": "object"},
    }
    return {
        "Error": obj(["error"], error=obj(["code", "message"], code=STR, message=STR)),
        "Request": obj(list(request_props), **request_props),
        "RequestWithDetails": {
            "allOf": [
                {"$ref": "#/components/schemas/Request"},
                obj(["details"], details={"type": ["object", "null"]}),
            ]
        },
        "Decision": obj(
            ["decision", "approvals_required", "digest", "effects", "reasons"],
            decision={"enum": ["allow", "ask", "deny"]},
            approvals_required=INT,
            digest=STR,
            effects={"type": "array", "items": {"type": "object"}},
            reasons={"type": "array", "items": STR},
        ),
        "Outcome": obj(
            ["verdict", "message", "request_id", "grant_id", "decision"],
            verdict={"enum": ["allow", "ask", "deny"]},
            message=STR,
            request_id={"type": ["integer", "null"]},
            grant_id={"type": ["integer", "null"]},
            decision={"$ref": "#/components/schemas/Decision"},
        ),
        "DecisionInput": {
            "type": "object",
            "description": (
                "Either {kind, payload} with the raw payload of a kind keyturn check knows, "
                "or {action} with a canonical action."
            ),
            "properties": ACTION_INPUT,
        },
        "ExecutionInput": {
            "type": "object",
            "description": (
                "What came of an action an agent ran: the action as for a decision, and "
                "its status (and exit status when known)."
            ),
            "required": ["status"],
            "properties": {
                **ACTION_INPUT,
                "status": {"enum": ["completed", "failed"]},
                "exit_status": {"type": ["integer", "null"]},
            },
        },
        "Token": obj(
            ["name", "role", "created_at", "revoked_at"],
            name=STR,
            role={"enum": ["agent", "reviewer", "admin", "cluster"]},
            created_at=NUM,
            revoked_at={"type": ["number", "null"]},
        ),
    }
