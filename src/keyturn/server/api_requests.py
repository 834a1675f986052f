"""``/v1/requests`` and ``/v1/grants``: list, show, vote on, cancel, revoke and wait on approval
requests; use an approved request's grant. Agents see and act on their own requests only."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from keyturn.approval import vote_step
from keyturn.approval.model import ApprovalRequest, ConflictError, RequestState, Role
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.errors import InputError, NotFoundError
from keyturn.server.api_input import MAX_ID, body_json, link_of, reason_of, request_id_of
from keyturn.server.app import Backend, backend_of
from keyturn.server.auth import Principal
from keyturn.server.details import load_details
from keyturn.server.errors import ApiError
from keyturn.server.limits import check_reason
from keyturn.server.responses import JSONResponse
from keyturn.server.wait import current, wait_decided


def visible(principal: Principal, req: ApprovalRequest) -> bool:
    """Agents see their own requests only; reviewers and admins see all."""
    return principal.role is not Role.AGENT or req.draft.agent == principal.name


async def own_request(backend: Backend, principal: Principal, request_id: int) -> ApprovalRequest:
    req = await backend.run(current, backend.store, request_id, now=backend.clock())
    if not visible(principal, req):
        raise NotFoundError(f"no request {request_id}")  # not 403: do not confirm it exists
    return req


def request_json(req: ApprovalRequest, *, details: dict[str, Any] | None = None) -> dict[str, Any]:
    out = req.to_json()
    out["details"] = details
    return out


async def list_requests(request: Request) -> JSONResponse:
    """``GET /v1/requests?state=pending|approved|rejected|expired|cancelled|revoked|all``."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    state = request.query_params.get("state", "pending")
    if state == "all":
        states = None
    else:
        try:
            states = [RequestState(state)]
        except ValueError:
            raise InputError(
                "state: expected pending, approved, rejected, expired, cancelled, revoked or all, "
                f"got {state!r}"
            ) from None

    def load() -> list[ApprovalRequest]:
        backend.store.expire_due(now=backend.clock())
        return backend.store.list_requests(states=states)

    found = await backend.run(load)
    return JSONResponse({"requests": [r.to_json() for r in found if visible(principal, r)]})


async def show_request(request: Request) -> JSONResponse:
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    req = await own_request(backend, principal, request_id_of(request))
    details = await backend.run(load_details, backend.store, digest=req.draft.digest)
    return JSONResponse(request_json(req, details=details))


async def act_on_request(
    backend: Backend, request: Request, principal: Principal, verb: str, reason: str
) -> ApprovalRequest:
    """Run ``verb`` on the request as ``principal``; signal waiters and notify on resolution.

    A step the request's state rules out (revoking a grant already used) is 409 ``conflict``;
    one the person may not take is 403 ``approval_refused``."""
    request_id = request_id_of(request)
    if verb in ("approve", "reject") and principal.role is Role.AGENT:
        raise ApiError(
            403,
            "forbidden",
            f"{principal.name} holds an agent token; {verb} needs a reviewer token",
        )
    if verb == "revoke" and not reason.strip():
        raise InputError("reason: a revocation needs a reason")
    check_reason(reason)
    await own_request(backend, principal, request_id)
    # A reason is typed by a person, who may paste a token into it: kept as the audit keeps
    # any other text, its secrets replaced.
    reason = backend.gate.redactor.text(reason, [])
    now = backend.clock()
    try:
        result = await backend.run(
            backend.store.transition,
            request_id,
            vote_step(verb, by=principal.name, role=principal.role, reason=reason, now=now),
            now=now,
        )
    except ConflictError as exc:
        raise ApiError(409, "conflict", exc.message) from None
    finally:
        # Waiters re-read the request: released by a decision, and a revocation's "deny" is
        # what the next look at the request says.
        backend.changes.notify()
    if result.state is not RequestState.PENDING:
        backend.notifier.publish(
            f"request.{result.state.value}", result, link=link_of(request, result.id)
        )
    return result


def voter(verb: str) -> Any:
    async def endpoint(request: Request) -> JSONResponse:
        backend = backend_of(request)
        principal = await backend.authenticate(request)
        body = await body_json(request)
        result = await act_on_request(backend, request, principal, verb, reason_of(body))
        return JSONResponse(result.to_json())

    endpoint.__name__ = f"{verb}_request"
    return endpoint


async def wait_request(request: Request) -> JSONResponse:
    """``GET /v1/requests/{id}/wait?timeout=S``: answers once the request is decided."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    request_id = request_id_of(request)
    await own_request(backend, principal, request_id)
    try:
        timeout = float(request.query_params.get("timeout", "30"))
    except ValueError:
        raise InputError("timeout: expected a number of seconds") from None
    if not timeout >= 0:
        raise InputError("timeout: expected a number of seconds")
    req = await wait_decided(backend, request_id, timeout=timeout)
    verdict = {RequestState.APPROVED: "allow", RequestState.PENDING: "ask"}.get(req.state, "deny")
    return JSONResponse({"verdict": verdict, "message": _stands(req), "request": req.to_json()})


def _stands(req: ApprovalRequest) -> str:
    """Where ``req`` stands, for the agent waiting on it."""
    if req.state is RequestState.APPROVED:
        return (
            f"request {req.id} approved by {', '.join(req.approvals)}; retry the same action once"
        )
    if req.state is RequestState.REVOKED:
        return (
            f"request {req.id} was revoked by {req.closed_by}: {req.close_reason}; "
            "its grant can no longer be used"
        )
    return f"request {req.id} is {req.state.value}" + (
        f": {req.close_reason}" if req.close_reason else f"; {req.describe_needed()}"
    )


# -- grants ----------------------------------------------------------------------------------


async def use_grant(request: Request) -> JSONResponse:
    """``POST /v1/grants/use {request_id}``: use the approved request's grant, once."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(Role.AGENT, Role.ADMIN)
    body = await body_json(request)
    request_id = body.get("request_id")
    if (
        not isinstance(request_id, int)
        or isinstance(request_id, bool)
        or not 0 < request_id <= MAX_ID
    ):
        raise InputError("request_id: expected a positive integer")
    req = await own_request(backend, principal, request_id)
    if req.grant is None:
        raise ApiError(
            409, "no_grant", f"request {req.id} is {req.state.value}: it has no grant to use"
        )
    grant_id = req.grant.id
    d = req.draft
    actor = {
        "agent": d.agent,
        "operator": d.operator,
        "session": d.session,
        "requester": principal.name,
    }
    # The action is judged again under the policy as it is now: a resource protected since
    # the approval, a deny rule added, or a policy asking more or other reviewers leaves the
    # grant unused, as the same action sent to /v1/decisions would.
    refusal = await backend.offload(backend.gate.grant_refusal, req, requester=principal.name)
    if refusal is not None:
        entry = AuditEntry(
            kind=AuditKind.GRANT_REFUSED,
            at=backend.clock(),
            actor=actor,
            data={"grant": grant_id, "request": req.id, "digest": d.digest, "reason": refusal},
        )
        await backend.run(backend.store.append_audit, [entry])
        raise ApiError(403, "approval_refused", refusal)
    grant = await backend.run(
        lambda: backend.store.consume_grant(
            digest=d.digest,
            agent=d.agent,
            operator=d.operator,
            now=backend.clock(),
            actor=actor,
            grant_id=grant_id,
        )
    )
    assert grant is not None
    return JSONResponse(
        {"verdict": "allow", "grant_id": grant.id, "request_id": req.id, "digest": d.digest}
    )
