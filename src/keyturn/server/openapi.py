"""The OpenAPI 3.1 document served at ``/openapi.json``, written by hand to match the
responses the API really gives (a schemathesis run in the tests holds it to that)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from keyturn import __version__
from keyturn.server.openapi_schemas import INT, NUM, STATES, STR, obj, schemas
from keyturn.server.responses import JSONResponse

_ERROR = {"$ref": "#/components/schemas/Error"}


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


def document() -> dict[str, Any]:
    """The OpenAPI document."""
    req = {"$ref": "#/components/schemas/Request"}
    reason_body = obj([], reason=STR)
    vote_errors = (*_AUTH, 400, 404, 422)
    paths = {
        "/v1/health": {
            "get": _op(
                "Liveness",
                _json(obj(["status", "time"], status=STR, time=NUM), "Alive"),
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
                _json(obj(["recorded", "digest"], recorded={"const": True}, digest=STR), "Kept"),
                errors=(*_AUTH, 400, 413, 422),
                body={"$ref": "#/components/schemas/ExecutionInput"},
            )
        },
        "/v1/requests": {
            "get": _op(
                "List requests (agents: their own)",
                _json(obj(["requests"], requests={"type": "array", "items": req}), "Requests"),
                errors=(*_AUTH, 422),
                params=[
                    {
                        "name": "state",
                        "in": "query",
                        "schema": {"enum": [*STATES, "all"]},
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
        "/v1/requests/{request_id}/revoke": {
            "post": _op(
                "Revoke the unused grant of an approved request (a reason is required): an "
                "admin, an eligible reviewer, or the request's requester, agent or operator; "
                "409 when the grant was already used or the request is not approved",
                _json(req, "The request, now revoked"),
                errors=(*vote_errors, 409),
                body=obj(["reason"], reason={"type": "string", "minLength": 1}),
                params=[_REQ_ID],
            )
        },
        "/v1/requests/{request_id}/wait": {
            "get": _op(
                "Long-poll until the request is decided or the timeout passes",
                _json(
                    obj(
                        ["verdict", "message", "request"],
                        verdict={"enum": ["allow", "ask", "deny"]},
                        message=STR,
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
                    obj(
                        ["verdict", "grant_id", "request_id", "digest"],
                        verdict={"const": "allow"},
                        grant_id=INT,
                        request_id=INT,
                        digest=STR,
                    ),
                    "Used",
                ),
                errors=(*_AUTH, 400, 404, 409, 422),
                body=obj(
                    ["request_id"], request_id={"type": "integer", "minimum": 1, "maximum": 2**62}
                ),
            )
        },
        "/v1/audit": {
            "get": _op(
                "Audit records",
                _json(
                    obj(
                        ["records", "head"],
                        records={
                            "type": "array",
                            "items": obj(
                                ["seq", "chain", "record"],
                                seq=INT,
                                chain=STR,
                                record={"type": "object"},
                            ),
                        },
                        head=obj(["seq", "chain"], seq=INT, chain=STR),
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
                    obj(
                        ["ok", "records", "checkpoints", "head_chain", "problem", "summary"],
                        ok={"type": "boolean"},
                        records=INT,
                        checkpoints=INT,
                        head_chain=STR,
                        signed_to=INT,
                        problem=STR,
                        summary=STR,
                    ),
                    "The report",
                ),
            )
        },
        "/v1/audit/trace": {
            "get": _op(
                "Everything recorded about actions on matching resources",
                _json(
                    obj(["stories"], stories={"type": "array", "items": {"type": "object"}}),
                    "Stories",
                ),
                errors=(*_AUTH, 422),
                params=[{"name": "resource", "in": "query", "required": True, "schema": STR}],
            )
        },
        "/v1/policy": {
            "get": _op(
                "The policy in force (its source and reviewers: reviewers and admins)",
                _json(
                    obj(
                        ["digest"],
                        digest=STR,
                        source=STR,
                        reviewers={"type": "object"},
                    ),
                    "The policy: its digest; for reviewers and admins its source and reviewers",
                ),
            )
        },
        "/v1/policy/lint": {
            "get": _op(
                "Lint findings on the policy in force",
                _json(
                    obj(
                        ["digest", "findings"],
                        digest=STR,
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
                    obj(
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
                            obj(["token"], token=STR),
                        ]
                    },
                    "Created",
                ),
                errors=(*_AUTH, 400, 422),
                body=obj(
                    ["name", "role"],
                    name=STR,
                    role={"enum": ["agent", "reviewer", "admin", "cluster"]},
                ),
                status="201",
            ),
        },
        "/v1/tokens/{name}": {
            "delete": _op(
                "Revoke a token (admins)",
                _json(obj(["name", "revoked"], name=STR, revoked={"type": "boolean"}), "Revoked"),
                errors=(*_AUTH, 404),
                params=[{"name": "name", "in": "path", "required": True, "schema": STR}],
            )
        },
        "/v1/notifications": {
            "get": _op(
                "Webhook deliveries and their failures (admins)",
                _json(
                    obj(["deliveries"], deliveries={"type": "array", "items": {"type": "object"}}),
                    "Deliveries",
                ),
            )
        },
        "/k8s/admission": {
            "post": _op(
                "Kubernetes validating admission webhook (AdmissionReview v1)",
                _json(
                    obj(
                        ["apiVersion", "kind", "response"],
                        apiVersion=STR,
                        kind={"const": "AdmissionReview"},
                        response=obj(
                            ["uid", "allowed"],
                            uid=STR,
                            allowed={"type": "boolean"},
                            status={"type": "object"},
                            warnings={"type": "array", "items": STR},
                        ),
                    ),
                    "The review's answer",
                ),
                errors=(*_AUTH, 400, 413, 422, 503),
                body=obj(
                    ["apiVersion", "kind", "request"],
                    apiVersion=STR,
                    kind=STR,
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
            "schemas": schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document())


def openapi_route() -> Route:
    return Route("/openapi.json", openapi, methods=["GET"], include_in_schema=False)
