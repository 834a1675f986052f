"""The OpenAPI 3.1 document served at ``/openapi.json``, written by hand to match the
responses the API really gives (a schemathesis run in the tests holds it to that)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from keyturn import __version__
from keyturn.server.responses import JSONResponse

_ERROR = {"$ref": "#/components/schemas/Error"}
_STR = {"type": "string"}
_NSTR = {"type": ["string", "null"]}
_NUM = {"type": "number"}
_INT = {"type": "integer"}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    words = {
        400: "Malformed body",
        401: "No valid token",
        403: "Not allowed for this role",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        422: "Bad input",
        429: "Too many failed token attempts",
        503: "State unavailable",
    }
    return {str(c): _json(_ERROR, words[c]) for c in codes}


_AUTH = (401, 403, 429, 503)
_REQ_ID = {
    "name": "request_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def _op(
    summary: str,
    ok: dict[str, Any],
    *,
    errors: tuple[int, ...] = _AUTH,
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    status: str = "200",
    secure: bool = True,
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {status: ok, **_errors(*errors)}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = params
    if not secure:
        op["security"] = []
    return op


# An action as decisions and executions take it: a kind's raw payload, or a canonical action.
_ACTION_INPUT: dict[str, Any] = {
    "kind": {"enum": ["shell", "aws", "terraform", "k8s", "cloudformation", "mcp"]},
    "payload": {"type": "object"},
    "action": {"type": "object"},
    "summary": _STR,
    "environment": _STR,
    "actor": _obj([], agent=_STR, operator=_STR, session=_STR),
}


def _schemas() -> dict[str, Any]:
    request_props = {
        "id": _INT,
        "state": {"enum": ["pending", "approved", "rejected", "expired", "cancelled"]},
        "digest": _STR,
        "agent": _STR,
        "operator": _STR,
        "requester": _STR,
        "session": _NSTR,
        "environment": _STR,
        "summary": _STR,
        "approvals_required": _INT,
        "reviewer_groups": {"type": "array", "items": _STR},
        "eligible": {"type": "array", "items": _STR},
        "approvals": {"type": "array", "items": _STR},
        "still_needed": _INT,
        "votes": {
            "type": "array",
            "items": _obj(
                ["reviewer", "vote", "reason", "at"],
                reviewer=_STR,
                vote={"enum": ["approve", "reject"]},
                reason=_STR,
                at=_NUM,
            ),
        },
        "created_at": _NUM,
        "expires_at": _NUM,
        "closed_at": {"type": ["number", "null"]},
        "closed_by": _NSTR,
        "close_reason": _STR,
        "grant": {
            "oneOf": [
                {"type": "null"},
                _obj(
                    ["id", "expires_at"],
                    id=_INT,
                    expires_at=_NUM,
                    used_at={"type": ["number", "null"]},
                ),
            ]
        },
        "decision": {"type": "object"},
    }
    return {
        "Error": _obj(["error"], error=_obj(["code", "message"], code=_STR, message=_STR)),
        "Request": _obj(list(request_props), **request_props),
        "RequestWithDetails": {
            "allOf": [
                {"$ref": "#/components/schemas/Request"},
                _obj(["details"], details={"type": ["object", "null"]}),
            ]
        },
        "Decision": _obj(
            ["decision", "approvals_required", "digest", "effects", "reasons"],
            decision={"enum": ["allow", "ask", "deny"]},
            approvals_required=_INT,
            digest=_STR,
            effects={"type": "array", "items": {"type": "object"}},
            reasons={"type": "array", "items": _STR},
        ),
        "Outcome": _obj(
            ["verdict", "message", "request_id", "grant_id", "decision"],
            verdict={"enum": ["allow", "ask", "deny"]},
            message=_STR,
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
            "properties": _ACTION_INPUT,
        },
        "ExecutionInput": {
            "type": "object",
            "description": (
                "What came of an action an agent ran: the action as for a decision, and "
                "its status (and exit status when known)."
            ),
            "required": ["status"],
            "properties": {
                **_ACTION_INPUT,
                "status": {"enum": ["completed", "failed"]},
                "exit_status": {"type": ["integer", "null"]},
            },
        },
        "Token": _obj(
            ["name", "role", "created_at", "revoked_at"],
            name=_STR,
            role={"enum": ["agent", "reviewer", "admin"]},
            created_at=_NUM,
            revoked_at={"type": ["number", "null"]},
        ),
    }


def document() -> dict[str, Any]:
    """The OpenAPI document."""
    req = {"$ref": "#/components/schemas/Request"}
    reason_body = _obj([], reason=_STR)
    vote_errors = (*_AUTH, 400, 404, 422)
    paths = {
        "/v1/health": {
            "get": _op(
                "Liveness",
                _json(_obj(["status", "time"], status=_STR, time=_NUM), "Alive"),
                errors=(),
                secure=False,
            )
        },
        "/v1/decisions": {
            "post": _op(
                "Judge an action; an ask opens or finds its request; "
                "an approved grant is used once",
                _json({"$ref": "#/components/schemas/Outcome"}, "The outcome"),
                errors=(*_AUTH, 400, 413, 422),
                body={"$ref": "#/components/schemas/DecisionInput"},
            )
        },
        "/v1/executions": {
            "post": _op(
                "Record what came of an action an agent ran (its hook's after-tool event)",
                _json(_obj(["recorded", "digest"], recorded={"const": True}, digest=_STR), "Kept"),
                errors=(*_AUTH, 400, 413, 422),
                body={"$ref": "#/components/schemas/ExecutionInput"},
            )
        },
        "/v1/requests": {
            "get": _op(
                "List requests (agents: their own)",
                _json(_obj(["requests"], requests={"type": "array", "items": req}), "Requests"),
                errors=(*_AUTH, 422),
                params=[
                    {
                        "name": "state",
                        "in": "query",
                        "schema": {
                            "enum": [
                                "pending",
                                "approved",
                                "rejected",
                                "expired",
                                "cancelled",
                                "all",
                            ]
                        },
                    }
                ],
            )
        },
        "/v1/requests/{request_id}": {
            "get": _op(
                "One request, with the reviewer's details",
                _json({"$ref": "#/components/schemas/RequestWithDetails"}, "The request"),
                errors=(*_AUTH, 404),
                params=[_REQ_ID],
            )
        },
        "/v1/requests/{request_id}/approve": {
            "post": _op(
                "Approve (reviewers the policy names; never the agent, operator or requester)",
                _json(req, "The request after the vote"),
                errors=vote_errors,
                body=reason_body,
                params=[_REQ_ID],
            )
        },
        "/v1/requests/{request_id}/reject": {
            "post": _op(
                "Reject (one rejection rejects)",
                _json(req, "The request after the vote"),
                errors=vote_errors,
                body=reason_body,
                params=[_REQ_ID],
            )
        },
        "/v1/requests/{request_id}/cancel": {
            "post": _op(
                "Withdraw a pending request",
                _json(req, "The request"),
                errors=vote_errors,
                body=reason_body,
                params=[_REQ_ID],
            )
        },
        "/v1/requests/{request_id}/wait": {
            "get": _op(
                "Long-poll until the request is decided or the timeout passes",
                _json(
                    _obj(
                        ["verdict", "message", "request"],
                        verdict={"enum": ["allow", "ask", "deny"]},
                        message=_STR,
                        request=req,
                    ),
                    "Where the request stands",
                ),
                errors=(*_AUTH, 404, 422),
                params=[
                    _REQ_ID,
                    {
                        "name": "timeout",
                        "in": "query",
                        "schema": {"type": "number", "minimum": 0, "maximum": 300},
                    },
                ],
            )
        },
        "/v1/grants/use": {
            "post": _op(
                "Use the grant of an approved request, once",
                _json(
                    _obj(
                        ["verdict", "grant_id", "request_id", "digest"],
                        verdict={"const": "allow"},
                        grant_id=_INT,
                        request_id=_INT,
                        digest=_STR,
                    ),
                    "Used",
                ),
                errors=(*_AUTH, 400, 404, 409, 422),
                body=_obj(
                    ["request_id"], request_id={"type": "integer", "minimum": 1, "maximum": 2**62}
                ),
            )
        },
        "/v1/audit": {
            "get": _op(
                "Audit records",
                _json(
                    _obj(
                        ["records", "head"],
                        records={
                            "type": "array",
                            "items": _obj(
                                ["seq", "chain", "record"],
                                seq=_INT,
                                chain=_STR,
                                record={"type": "object"},
                            ),
                        },
                        head=_obj(["seq", "chain"], seq=_INT, chain=_STR),
                    ),
                    "Records",
                ),
                errors=(*_AUTH, 422),
                params=[
                    {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                    },
                ],
            )
        },
        "/v1/audit/verify": {
            "get": _op(
                "Verify the audit chain and its signed checkpoints",
                _json(
                    _obj(
                        ["ok", "records", "checkpoints", "head_chain", "problem", "summary"],
                        ok={"type": "boolean"},
                        records=_INT,
                        checkpoints=_INT,
                        head_chain=_STR,
                        signed_to=_INT,
                        problem=_STR,
                        summary=_STR,
                    ),
                    "The report",
                ),
            )
        },
        "/v1/audit/trace": {
            "get": _op(
                "Everything recorded about actions on matching resources",
                _json(
                    _obj(["stories"], stories={"type": "array", "items": {"type": "object"}}),
                    "Stories",
                ),
                errors=(*_AUTH, 422),
                params=[{"name": "resource", "in": "query", "required": True, "schema": _STR}],
            )
        },
        "/v1/policy": {
            "get": _op(
                "The policy in force",
                _json(
                    _obj(
                        ["digest", "source", "reviewers"],
                        digest=_STR,
                        source=_STR,
                        reviewers={"type": "object"},
                    ),
                    "The policy",
                ),
            )
        },
        "/v1/policy/lint": {
            "get": _op(
                "Lint findings on the policy in force",
                _json(
                    _obj(
                        ["digest", "findings"],
                        digest=_STR,
                        findings={"type": "array", "items": {"type": "object"}},
                    ),
                    "Findings",
                ),
            )
        },
        "/v1/tokens": {
            "get": _op(
                "List tokens (admins)",
                _json(
                    _obj(
                        ["tokens"],
                        tokens={"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
                    ),
                    "Tokens",
                ),
            ),
            "post": _op(
                "Create a token (admins); the token is shown once",
                _json(
                    {
                        "allOf": [
                            {"$ref": "#/components/schemas/Token"},
                            _obj(["token"], token=_STR),
                        ]
                    },
                    "Created",
                ),
                errors=(*_AUTH, 400, 422),
                body=_obj(
                    ["name", "role"], name=_STR, role={"enum": ["agent", "reviewer", "admin"]}
                ),
                status="201",
            ),
        },
        "/v1/tokens/{name}": {
            "delete": _op(
                "Revoke a token (admins)",
                _json(_obj(["name", "revoked"], name=_STR, revoked={"type": "boolean"}), "Revoked"),
                errors=(*_AUTH, 404),
                params=[{"name": "name", "in": "path", "required": True, "schema": _STR}],
            )
        },
        "/v1/notifications": {
            "get": _op(
                "Webhook deliveries and their failures (admins)",
                _json(
                    _obj(["deliveries"], deliveries={"type": "array", "items": {"type": "object"}}),
                    "Deliveries",
                ),
            )
        },
        "/k8s/admission": {
            "post": _op(
                "Kubernetes validating admission webhook (AdmissionReview v1)",
                _json(
                    _obj(
                        ["apiVersion", "kind", "response"],
                        apiVersion=_STR,
                        kind={"const": "AdmissionReview"},
                        response=_obj(
                            ["uid", "allowed"],
                            uid=_STR,
                            allowed={"type": "boolean"},
                            status={"type": "object"},
                            warnings={"type": "array", "items": _STR},
                        ),
                    ),
                    "The review's answer",
                ),
                errors=(*_AUTH, 400, 413, 422, 503),
                body=_obj(
                    ["apiVersion", "kind", "request"],
                    apiVersion=_STR,
                    kind=_STR,
                    request={"type": "object"},
                ),
                secure=False,
            )
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "keyturn",
            "version": __version__,
            "description": (
                "Judge, hold and record what AI agents do to infrastructure. "
                'Every error is {"error": {"code", "message"}}.'
            ),
        },
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document())


def openapi_route() -> Route:
    return Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False)
