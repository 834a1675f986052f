"""The JSON API under ``/v1``: decide, requests, grants, audit, policy, tokens, notifications.

Roles (the token's): agents ask (``POST /v1/decisions``, the agent being the token's name),
see, wait on, cancel and use the grants of their own requests only; reviewers see every
request and vote where the approval state machine lets them (its refusal, e.g. "bob is the
operator of this agent", is answered as 403 ``approval_refused``); admins manage tokens and
see everything. Every error has the one shape of :mod:`keyturn.server.errors`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from keyturn.approval import approve, cancel, reject
from keyturn.approval.model import ApprovalRequest, RequestState, Role
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.bootstrap import hash_token, new_token
from keyturn.errors import InputError, NotFoundError
from keyturn.gate import Outcome
from keyturn.model import Action, Actor, Verdict
from keyturn.server.app import Backend, backend_of
from keyturn.server.auth import Principal
from keyturn.server.decide import action_of
from keyturn.server.details import details_of, load_details, save_details
from keyturn.server.errors import ApiError
from keyturn.server.wait import current, wait_decided

MAX_BODY_BYTES = 64 << 20
MAX_ID = 2**62  # ids beyond what the databases store are simply not found
_A, _R, _ADMIN = Role.AGENT, Role.REVIEWER, Role.ADMIN


async def body_json(request: Request) -> dict[str, Any]:
    """The request's JSON object body (400 when it is not one)."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        raise ApiError(400, "bad_request", "body: not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "bad_request", "body: expected a JSON object")
    return value


def _reason(body: dict[str, Any]) -> str:
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise InputError("reason: expected a string")
    return reason.strip()


def request_id_of(request: Request) -> int:
    value = request.path_params["request_id"]
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ApiError(404, "not_found", "no such request")
    return value


# -- decisions -------------------------------------------------------------------------------


def actor_of(body: dict[str, Any], principal: Principal) -> Actor:
    """Who acts. An agent token names the agent; the operator and session are claimed."""
    raw = body.get("actor") or {}
    if not isinstance(raw, dict):
        raise InputError("actor: expected an object {agent, operator, session}")
    fields = {k: raw.get(k) for k in ("agent", "operator", "session")}
    for key, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"actor.{key}: expected a string")
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
    details: dict[str, Any] | None,
) -> tuple[Outcome, ApprovalRequest | None]:
    """Through the gate; the request when the outcome opened one just now."""
    before = backend.clock()
    outcome = backend.gate.submit(action, actor=actor, requester=requester)
    opened = None
    if outcome.verdict is Verdict.ASK and outcome.request_id is not None:
        if details is not None:
            save_details(backend.store, digest=action.digest, details=details)
        request = backend.store.get_request(int(outcome.request_id))
        if request.created_at >= before and not request.votes:
            opened = request
    return outcome, opened


def _understand_and_submit(
    backend: Backend, body: dict[str, Any], *, actor: Actor, requester: str
) -> tuple[Outcome, ApprovalRequest | None]:
    action = action_of(body, mcp_mappings=backend.policy.mcp_mappings)
    details = details_of(action, body)
    return backend.locked(
        submit, backend, action, actor=actor, requester=requester, details=details
    )


async def decide(request: Request) -> JSONResponse:
    """``POST /v1/decisions``: judge an action; ``ask`` opens (or finds) its request."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(_A, _ADMIN)
    body = await body_json(request)
    actor = actor_of(body, principal)
    # One worker-thread hop for the whole decision (understand, judge, record): each hop costs
    # about as much as judging, and the store lock is taken only around the store work.
    outcome, opened = await run_in_threadpool(
        _understand_and_submit, backend, body, actor=actor, requester=principal.name
    )
    if opened is not None:
        backend.notifier.publish("request.opened", opened, link=link_of(request, opened.id))
    return JSONResponse(outcome_json(outcome))


def link_of(request: Request, request_id: int) -> str:
    return str(request.url_for("web_request", request_id=request_id))


# -- requests --------------------------------------------------------------------------------


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
    """``GET /v1/requests?state=pending|approved|rejected|expired|cancelled|all``."""
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
                "state: expected pending, approved, rejected, expired, cancelled or all, "
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


def vote_step(verb: str, principal: Principal, reason: str, now: float) -> Any:
    if verb == "approve":
        return lambda r: approve(
            r, reviewer=principal.name, role=principal.role, reason=reason, now=now
        )
    if verb == "reject":
        return lambda r: reject(
            r, reviewer=principal.name, role=principal.role, reason=reason, now=now
        )
    return lambda r: cancel(r, by=principal.name, role=principal.role, reason=reason, now=now)


async def act_on_request(
    backend: Backend, request: Request, principal: Principal, verb: str, reason: str
) -> ApprovalRequest:
    """Run ``verb`` on the request as ``principal``; signal waiters and notify on resolution."""
    request_id = request_id_of(request)
    if verb in ("approve", "reject") and principal.role is Role.AGENT:
        raise ApiError(
            403,
            "forbidden",
            f"{principal.name} holds an agent token; {verb} needs a reviewer token",
        )
    await own_request(backend, principal, request_id)
    now = backend.clock()
    try:
        result = await backend.run(
            backend.store.transition, request_id, vote_step(verb, principal, reason, now), now=now
        )
    finally:
        backend.changes.notify()
    if result.state is not RequestState.PENDING:
        backend.notifier.publish(
            f"request.{result.state.value}", result, link=link_of(request, result.id)
        )
    return result


def _voter(verb: str) -> Any:
    async def endpoint(request: Request) -> JSONResponse:
        backend = backend_of(request)
        principal = await backend.authenticate(request)
        body = await body_json(request)
        result = await act_on_request(backend, request, principal, verb, _reason(body))
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
    message = (
        f"request {req.id} approved by {', '.join(req.approvals)}; retry the same action once"
        if req.state is RequestState.APPROVED
        else f"request {req.id} is {req.state.value}"
        + (f": {req.close_reason}" if req.close_reason else f"; {req.describe_needed()}")
    )
    return JSONResponse({"verdict": verdict, "message": message, "request": req.to_json()})


# -- grants ----------------------------------------------------------------------------------


async def use_grant(request: Request) -> JSONResponse:
    """``POST /v1/grants/use {request_id}``: use the approved request's grant, once."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(_A, _ADMIN)
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


# -- audit, policy ---------------------------------------------------------------------------


def audit_page(backend: Backend, *, after: int, limit: int) -> dict[str, Any]:
    records = []
    for rec in backend.store.audit_records(after=after):
        records.append({"seq": rec.seq, "chain": rec.chain, "record": rec.parsed()})
        if len(records) >= limit:
            break
    seq, chain = backend.store.audit_head()
    return {"records": records, "head": {"seq": seq, "chain": chain}}


def _int_param(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"{name}: expected an integer") from None
    if not low <= value <= high:
        raise InputError(f"{name}: expected {low}..{high}")
    return value


async def audit_list(request: Request) -> JSONResponse:
    backend = backend_of(request)
    (await backend.authenticate(request)).require(_R, _ADMIN)
    after = _int_param(request, "after", 0, low=0, high=2**62)
    limit = _int_param(request, "limit", 100, low=1, high=1000)
    return JSONResponse(await backend.run(audit_page, backend, after=after, limit=limit))


def verify_report(backend: Backend) -> dict[str, Any]:
    from keyturn.audit.verify import verify_log
    from keyturn.bootstrap import load_public_key_file

    path = backend.settings.public_key_path
    key = load_public_key_file(path) if path.exists() else None
    store = backend.store
    report = verify_log(
        store.audit_records(), store.checkpoints(), public_key=key, head=store.audit_head()
    )
    return {
        "ok": report.ok,
        "records": report.records,
        "checkpoints": report.checkpoints,
        "head_chain": report.head_chain,
        "problem": report.problem,
        "summary": report.summary(),
    }


async def audit_verify(request: Request) -> JSONResponse:
    backend = backend_of(request)
    (await backend.authenticate(request)).require(_R, _ADMIN)
    return JSONResponse(await backend.run(verify_report, backend))


async def audit_trace(request: Request) -> JSONResponse:
    from keyturn.audit.trace import trace

    backend = backend_of(request)
    (await backend.authenticate(request)).require(_R, _ADMIN)
    pattern = request.query_params.get("resource", "")
    if not pattern:
        raise InputError("resource: expected a resource name or pattern")
    records = await backend.run(lambda: [r.parsed() for r in backend.store.audit_records()])
    stories = trace(records, pattern=pattern)
    return JSONResponse({"stories": [s.to_json() for s in stories]})


async def policy_info(request: Request) -> JSONResponse:
    backend = backend_of(request)
    await backend.authenticate(request)
    policy = backend.policy
    return JSONResponse(
        {
            "digest": policy.digest,
            "source": str(backend.settings.policy_path),
            "reviewers": {k: list(v) for k, v in policy.reviewers.items()},
        }
    )


async def policy_lint(request: Request) -> JSONResponse:
    from keyturn.policy.lint import lint

    backend = backend_of(request)
    (await backend.authenticate(request)).require(_R, _ADMIN)
    findings = await run_in_threadpool(lint, backend.policy)
    return JSONResponse(
        {"digest": backend.policy.digest, "findings": [f.to_json() for f in findings]}
    )


# -- tokens, notifications, health -----------------------------------------------------------


def token_json(t: Any) -> dict[str, Any]:
    return {
        "name": t.name,
        "role": t.role.value,
        "created_at": t.created_at,
        "revoked_at": t.revoked_at,
    }


async def list_tokens(request: Request) -> JSONResponse:
    backend = backend_of(request)
    (await backend.authenticate(request)).require(_ADMIN)
    tokens = await backend.run(backend.store.list_tokens)
    return JSONResponse({"tokens": [token_json(t) for t in tokens]})


async def create_token(request: Request) -> JSONResponse:
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(_ADMIN)
    body = await body_json(request)
    name, role = body.get("name"), body.get("role")
    if not isinstance(name, str) or not name or len(name) > 64 or any(c.isspace() for c in name):
        raise InputError("name: expected one word of at most 64 characters")
    try:
        the_role = Role(str(role))
    except ValueError:
        raise InputError("role: expected agent, reviewer or admin") from None
    token = new_token()
    entry = AuditEntry(
        kind=AuditKind.TOKEN_CREATED,
        at=backend.clock(),
        actor={"name": principal.name},
        data={"token": name, "role": the_role.value},
    )
    record = await backend.run(
        lambda: backend.store.create_token(
            name=name, role=the_role, token_hash=hash_token(token), entry=entry
        )
    )
    return JSONResponse({**token_json(record), "token": token}, status_code=201)


async def revoke_token(request: Request) -> JSONResponse:
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(_ADMIN)
    name = request.path_params["name"]
    entry = AuditEntry(
        kind=AuditKind.TOKEN_REVOKED,
        at=backend.clock(),
        actor={"name": principal.name},
        data={"token": name},
    )
    await backend.run(lambda: backend.store.revoke_token(name=name, entry=entry))
    backend.forget_principals()
    return JSONResponse({"name": name, "revoked": True})


async def notifications(request: Request) -> JSONResponse:
    backend = backend_of(request)
    (await backend.authenticate(request)).require(_ADMIN)
    return JSONResponse({"deliveries": [d.to_json() for d in backend.notifier.deliveries]})


async def health(request: Request) -> JSONResponse:
    """Liveness (no token needed, touches nothing): also the benchmark's trivial endpoint."""
    return JSONResponse({"status": "ok", "time": time.time()})


def routes() -> list[Route]:
    """The API's routes."""
    return [
        Route("/v1/health", health, methods=["GET"]),
        Route("/v1/decisions", decide, methods=["POST"]),
        # The path the agent hooks' server seam posts to: the same decision.
        Route("/api/v1/submit", decide, methods=["POST"], include_in_schema=False),
        Route("/v1/requests", list_requests, methods=["GET"]),
        Route("/v1/requests/{request_id:int}", show_request, methods=["GET"]),
        Route("/v1/requests/{request_id:int}/approve", _voter("approve"), methods=["POST"]),
        Route("/v1/requests/{request_id:int}/reject", _voter("reject"), methods=["POST"]),
        Route("/v1/requests/{request_id:int}/cancel", _voter("cancel"), methods=["POST"]),
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
