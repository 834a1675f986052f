"""The JSON API under ``/v1``: decide, requests, grants, audit, policy, tokens, notifications.

Roles (the token's): agents ask (``POST /v1/decisions``, the agent being the token's name),
see, wait on, cancel, revoke and use the grants of their own requests only; reviewers see every
request and vote where the approval state machine lets them (its refusal, e.g. "bob is the
operator of this agent", is answered as 403 ``approval_refused``; a step the request's state
rules out, e.g. revoking a grant already used, as 409 ``conflict``); admins manage tokens and
see everything. Every error has the one shape of :mod:`keyturn.server.errors`.

This module holds the decisions and the route table; the other route groups are
:mod:`.api_requests` (requests, grants), :mod:`.api_audit` (audit, policy) and
:mod:`.api_tokens` (tokens, notifications, health).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from keyturn.approval.model import ApprovalRequest, Role
from keyturn.errors import InputError
from keyturn.gate import Judged, Outcome
from keyturn.model import Action, Actor, Verdict
from keyturn.server.api_audit import (
    audit_list,
    audit_page,
    audit_trace,
    audit_verify,
    policy_info,
    policy_lint,
    verify_report,
)
from keyturn.server.api_input import MAX_BODY_BYTES, body_json, link_of
from keyturn.server.api_requests import (
    act_on_request,
    list_requests,
    show_request,
    use_grant,
    voter,
    wait_request,
)
from keyturn.server.api_tokens import create_token, health, list_tokens, notifications, revoke_token
from keyturn.server.app import Backend, backend_of
from keyturn.server.auth import Principal
from keyturn.server.decide import action_of
from keyturn.server.details import body_view, bound_to_view, details_of, save_details
from keyturn.server.errors import ApiError
from keyturn.server.limits import check_claim
from keyturn.server.responses import JSONResponse

# Names the web UI and the admission webhook take from here.
__all__ = [
    "MAX_BODY_BYTES",
    "act_on_request",
    "audit_page",
    "link_of",
    "routes",
    "submit",
    "verify_report",
]


def actor_of(body: dict[str, Any], principal: Principal) -> Actor:
    """Who acts. An agent token names the agent; the operator and session are claimed."""
    raw = body.get("actor") or {}
    if not isinstance(raw, dict):
        raise InputError("actor: expected an object {agent, operator, session}")
    fields = {k: raw.get(k) for k in ("agent", "operator", "session")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"actor.{key}: expected a string")
        check_claim(value, f"actor.{key}")
    if principal.role is Role.AGENT:
        if fields["agent"] not in (None, "", principal.name):
            raise ApiError(
                403,
                "forbidden",
                f"the token is {principal.name}'s; it cannot act as {fields['agent']}",
            )
        agent = principal.name
    else:
        agent = fields["agent"] or "agent"
    return Actor(
        agent=agent, operator=fields["operator"] or "unknown", session=fields["session"] or None
    )


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "verdict": outcome.verdict.value,
        "message": outcome.message,
        "request_id": None if outcome.request_id is None else int(outcome.request_id),
        "grant_id": None if outcome.grant_id is None else int(outcome.grant_id),
        "decision": outcome.decision.to_json(),
    }


def submit(
    backend: Backend,
    action: Action,
    *,
    actor: Actor,
    requester: str,
    body: dict[str, Any],
) -> tuple[Outcome, ApprovalRequest | None]:
    """Through the gate; the request when the outcome opened one just now. The reviewer's
    extra view (``details_of``) is of the action as the gate recorded it: secrets redacted."""
    before = backend.clock()
    action, view = _bound(backend, action, body)
    outcome = backend.gate.submit(action, actor=actor, requester=requester)
    return outcome, _opened(backend, outcome, view, since=before)


def _bound(
    backend: Backend, action: Action, body: dict[str, Any]
) -> tuple[Action, dict[str, Any] | None]:
    """``action`` bound to what reviewers will be shown of it, and that view (redacted):
    a plan's diff and dependents from the raw ``body`` join the digest
    (:func:`~keyturn.server.details.bound_to_view`); a shell action's parsed commands come
    from its subject, which the digest already covers."""
    view = body_view(action, body)
    if view is not None:
        return bound_to_view(action, view, redactor=backend.gate.redactor)
    return action, None


def _opened(
    backend: Backend, outcome: Outcome, view: dict[str, Any] | None, *, since: float
) -> ApprovalRequest | None:
    """The request ``outcome`` holds for, when it was opened just now (``since``) -- saving
    the reviewer's extra view of it (``view``, bound to the digest; else what the recorded
    action's subject shows)."""
    opened = None
    if outcome.verdict is Verdict.ASK and outcome.request_id is not None:
        recorded = outcome.decision.action
        details = view if view is not None else details_of(recorded, {})
        if details is not None:
            # What the plan shows unmarked (a password in user_data) goes the same way.
            details = backend.gate.redactor.json(details, [])
            save_details(backend.store, digest=recorded.digest, details=details)
        request = backend.store.get_request(int(outcome.request_id))
        if request.created_at >= since and not request.votes:
            opened = request
    return opened


# Bodies up to this size are understood and judged on the event loop, in well under a
# millisecond; larger ones (plans, change sets) in a worker thread, so that the loop never
# waits on a long judgement.
INLINE_BODY_BYTES = 4096


def _judged(
    backend: Backend, body: dict[str, Any], *, actor: Actor, requester: str
) -> tuple[Judged, dict[str, Any] | None]:
    """The body understood (bound to the view reviewers will get) and judged; that view."""
    action, view = _bound(backend, action_of(body, mcp_mappings=backend.policy.mcp_mappings), body)
    return backend.gate.judged(action, actor=actor, requester=requester), view


def _hold(
    backend: Backend, judged: Judged, view: dict[str, Any] | None
) -> tuple[Outcome, ApprovalRequest | None]:
    """An ask, once recorded: consume a grant, or open (or find) the request."""
    outcome = backend.gate.recorded(judged)
    return outcome, _opened(backend, outcome, view, since=judged.now)


async def decide(request: Request) -> JSONResponse:
    """``POST /v1/decisions``: judge an action; ``ask`` opens (or finds) its request."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(Role.AGENT, Role.ADMIN)
    body = await body_json(request)
    actor = actor_of(body, principal)
    with backend.writer.deciding():
        if len(await request.body()) <= INLINE_BODY_BYTES:
            judged, view = _judged(backend, body, actor=actor, requester=principal.name)
        else:
            judged, view = await backend.offload(
                _judged, backend, body, actor=actor, requester=principal.name
            )
        opened = None
        try:
            if judged.failure is None:
                await backend.writer.append(judged.entries)
        except Exception as exc:  # any failure to record is a refusal, whatever its type
            outcome = judged.unrecorded(exc)
        else:
            if judged.holds:
                outcome, opened = await backend.offload(_hold, backend, judged, view)
            else:
                outcome = backend.gate.recorded(judged)
    if opened is not None:
        backend.notifier.publish("request.opened", opened, link=link_of(request, opened.id))
    return JSONResponse(outcome_json(outcome))


_EXECUTION_STATUSES = ("completed", "failed")


async def executions(request: Request) -> JSONResponse:
    """``POST /v1/executions``: record what came of an action an agent ran -- its hook's
    after-tool event, ``completed`` or ``failed`` and the exit status when known -- under the
    action's digest, as the local hook does (``keyturn hook install --outcomes``)."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(Role.AGENT, Role.ADMIN)
    body = await body_json(request)
    actor = actor_of(body, principal)
    status = body.get("status")
    if status not in _EXECUTION_STATUSES:
        raise InputError(f"status: expected one of {', '.join(_EXECUTION_STATUSES)}")
    code = body.get("exit_status")
    if code is not None and (type(code) is not int or abs(code) >= 2**31):
        raise InputError("exit_status: expected a 32-bit integer or null")
    # One worker-thread hop for understanding and recording, as for a decision.
    digest = await backend.offload(
        _understand_and_record, backend, body, actor=actor, status=status, exit_status=code
    )
    return JSONResponse({"recorded": True, "digest": digest})


def _understand_and_record(
    backend: Backend, body: dict[str, Any], *, actor: Actor, status: str, exit_status: int | None
) -> str:
    # Bound as the decision was, so the outcome is recorded under the decision's digest.
    action, _ = _bound(backend, action_of(body, mcp_mappings=backend.policy.mcp_mappings), body)
    return backend.gate.record_outcome(action, actor=actor, status=status, exit_status=exit_status)


def routes() -> list[Route]:
    """The API's routes."""
    return [
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/decisions", decide, methods=["POST"]),
        # The path the agent hooks' server seam posts to: the same decision.
        Route("/api/v1/submit", decide, methods=["POST"], include_in_schema=False),
        Route("/v1/executions", executions, methods=["POST"]),
        Route("/v1/requests", list_requests, methods=["GET"]),
        Route("/v1/requests/{request_id:int}", show_request, methods=["GET"]),
        Route("/v1/requests/{request_id:int}/approve", voter("approve"), methods=["POST"]),
        Route("/v1/requests/{request_id:int}/reject", voter("reject"), methods=["POST"]),
        Route("/v1/requests/{request_id:int}/cancel", voter("cancel"), methods=["POST"]),
        Route("/v1/requests/{request_id:int}/revoke", voter("revoke"), methods=["POST"]),
        Route("/v1/requests/{request_id:int}/wait", wait_request, methods=["GET"]),
        Route("/v1/grants/use", use_grant, methods=["POST"]),
        Route("/v1/audit", audit_list, methods=["GET"]),
        Route("/v1/audit/verify", audit_verify, methods=["GET"]),
        Route("/v1/audit/trace", audit_trace, methods=["GET"]),
        Route("/v1/policy", policy_info, methods=["GET"]),
        Route("/v1/policy/lint", policy_lint, methods=["GET"]),
        Route("/v1/tokens", list_tokens, methods=["GET"]),
        Route("/v1/tokens", create_token, methods=["POST"]),
        Route("/v1/tokens/{name}", revoke_token, methods=["DELETE"]),
        Route("/v1/notifications", notifications, methods=["GET"]),
    ]
