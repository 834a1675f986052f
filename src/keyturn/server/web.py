"""The reviewers' pages, rendered on the server (Jinja2, no front-end build, no scripts).

Sign in posts a token once; the answer is a session cookie (HttpOnly, SameSite=Strict, Secure
over https, signed with the install's secret) that carries no token. Every state-changing
form carries the session's CSRF token. Pages: the queue of pending requests, one request
(effects per resource with protected flags and deciding rules, the Terraform diff and
dependents, the parsed shell commands, votes, approve/reject), history, the audit log with its
verification status, and for admins the webhook deliveries.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from keyturn.approval.model import ApprovalRequest, RequestState, Role
from keyturn.errors import ApprovalError, InputError, NotFoundError
from keyturn.server.api import act_on_request, audit_page, verify_report
from keyturn.server.app import Backend, backend_of
from keyturn.server.auth import SESSION_COOKIE, SESSION_SECONDS, Principal, Session, csrf_ok
from keyturn.server.details import load_details
from keyturn.server.errors import ApiError
from keyturn.server.notify import redact
from keyturn.server.wait import current

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def _age(seconds: float) -> str:
    s = max(0, int(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{s // size}{unit}"
    return f"{s}s"


def _when(epoch: float | None) -> str:
    from datetime import UTC, datetime

    if epoch is None:
        return "-"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


templates.env.filters["age"] = _age
templates.env.filters["when"] = _when


async def session_of(request: Request) -> Session | None:
    """The signed-in holder, when the cookie is valid and its token still live."""
    backend = backend_of(request)
    session = backend.sessions.read(request.cookies.get(SESSION_COOKIE), now=backend.clock())
    if session is None:
        return None
    held = await backend.run(backend.holds_session, session)
    return session if held else None


def page(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def to_login() -> Response:
    return RedirectResponse("/login", status_code=303)


async def login_form(request: Request) -> Response:
    return page(request, "login.html", {"session": None, "error": None})


async def login(request: Request) -> Response:
    """Exchange a token for a session cookie (the token is not kept anywhere)."""
    backend = backend_of(request)
    form = await request.form()
    token = str(form.get("token") or "").strip()
    client = request.client.host if request.client else "?"
    try:
        backend.limiter.check(client)
        if not token:
            backend.limiter.failed(client)
            raise ApiError(401, "unauthorized", "enter your keyturn token")
        principal = await backend.principal_of_token(token, client=client)
    except ApiError as exc:
        return page(
            request, "login.html", {"session": None, "error": exc.message}, status=exc.status
        )
    cookie, _ = backend.sessions.issue(principal, now=backend.clock())
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    session = await session_of(request)
    form = await request.form()
    if session is not None and not csrf_ok(session, str(form.get("csrf") or "")):
        return page(
            request,
            "error.html",
            {"session": session, "error": "the form has expired; reload and try again"},
            status=403,
        )
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _list(
    backend: Backend, states: list[RequestState] | None, session: Session
) -> list[ApprovalRequest]:
    """The requests ``session`` may see: an agent only its own, as in the API."""
    backend.store.expire_due(now=backend.clock())
    found = backend.store.list_requests(states=states)
    if session.role is Role.AGENT:
        return [r for r in found if r.draft.agent == session.name]
    return found


async def queue(request: Request) -> Response:
    session = await session_of(request)
    if session is None:
        return to_login()
    backend = backend_of(request)
    pending = await backend.run(_list, backend, [RequestState.PENDING], session)
    return page(
        request, "queue.html", {"session": session, "requests": pending, "now": backend.clock()}
    )


async def history(request: Request) -> Response:
    session = await session_of(request)
    if session is None:
        return to_login()
    backend = backend_of(request)
    closed = [
        r
        for r in await backend.run(_list, backend, None, session)
        if r.state is not RequestState.PENDING
    ]
    closed.sort(key=lambda r: r.closed_at or 0, reverse=True)
    return page(
        request, "history.html", {"session": session, "requests": closed, "now": backend.clock()}
    )


def _effects(req: ApprovalRequest) -> list[dict[str, Any]]:
    decision = req.draft.decision.get("decision", {})
    return [e for e in decision.get("effects", []) if isinstance(e, dict)]


async def request_page(
    request: Request,
    *,
    session: Session | None = None,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    session = session or await session_of(request)
    if session is None:
        return to_login()
    backend = backend_of(request)
    request_id = int(request.path_params["request_id"])
    try:
        req = await backend.run(current, backend.store, request_id, now=backend.clock())
    except NotFoundError:
        return page(
            request,
            "error.html",
            {"session": session, "error": f"there is no request {request_id}"},
            status=404,
        )
    if session.role is Role.AGENT and req.draft.agent != session.name:
        return page(
            request,
            "error.html",
            {"session": session, "error": f"there is no request {request_id}"},
            status=404,
        )
    details = await backend.run(load_details, backend.store, digest=req.draft.digest)
    decision = req.draft.decision.get("decision", {})
    context = {
        "session": session,
        "r": req,
        "effects": _effects(req),
        "reasons": decision.get("reasons", []),
        "details": details or {},
        "kind": req.draft.decision.get("action", {}).get("kind", ""),
        "now": backend.clock(),
        "error": error,
        "notice": notice,
        "can_vote": req.state is RequestState.PENDING and session.role is not Role.AGENT,
    }
    return page(request, "request.html", context, status=status)


async def show(request: Request) -> Response:
    return await request_page(request)


def _voter(verb: str) -> Any:
    async def endpoint(request: Request) -> Response:
        session = await session_of(request)
        if session is None:
            return to_login()
        form = await request.form()
        if not csrf_ok(session, str(form.get("csrf") or "")):
            return await request_page(
                request,
                session=session,
                error="the form has expired; reload the page and try again",
                status=403,
            )
        backend = backend_of(request)
        principal = Principal(token_id=session.token_id, name=session.name, role=session.role)
        reason = str(form.get("reason") or "").strip()
        if verb == "reject" and not reason:
            return await request_page(
                request, session=session, error="a rejection needs a reason", status=422
            )
        try:
            result = await act_on_request(backend, request, principal, verb, reason)
        except (ApprovalError, ApiError, InputError) as exc:
            message = exc.message
            return await request_page(
                request, session=session, error=f"{verb} refused: {message}", status=403
            )
        notice = f"you {verb}d request {result.id}; it is now {result.state.value}"
        return await request_page(request, session=session, notice=notice)

    endpoint.__name__ = f"web_{verb}"
    return endpoint


async def audit_view(request: Request) -> Response:
    session = await session_of(request)
    if session is None:
        return to_login()
    if session.role is Role.AGENT:
        return page(
            request,
            "error.html",
            {"session": session, "error": "the audit log is for reviewers and admins"},
            status=403,
        )
    backend = backend_of(request)

    def load() -> tuple[dict[str, Any], dict[str, Any]]:
        seq, _ = backend.store.audit_head()
        return verify_report(backend), audit_page(backend, after=max(0, seq - 100), limit=100)

    report, recent = await backend.run(load)
    records = list(reversed(recent["records"]))
    return page(request, "audit.html", {"session": session, "report": report, "records": records})


async def notifications_view(request: Request) -> Response:
    session = await session_of(request)
    if session is None:
        return to_login()
    if session.role is not Role.ADMIN:
        return page(
            request,
            "error.html",
            {"session": session, "error": "webhook deliveries are shown to admins"},
            status=403,
        )
    backend = backend_of(request)
    return page(
        request,
        "notifications.html",
        {
            "session": session,
            "deliveries": list(reversed(backend.notifier.deliveries)),
            "urls": [redact(u) for u in backend.notifier.urls],
        },
    )


def routes() -> list[Route]:
    """The pages' routes."""
    return [
        Route("/", queue, methods=["GET"], name="web_queue"),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/history", history, methods=["GET"]),
        Route("/audit", audit_view, methods=["GET"]),
        Route("/admin/notifications", notifications_view, methods=["GET"]),
        Route("/requests/{request_id:int}", show, methods=["GET"], name="web_request"),
        Route("/requests/{request_id:int}/approve", _voter("approve"), methods=["POST"]),
        Route("/requests/{request_id:int}/reject", _voter("reject"), methods=["POST"]),
    ]
