"""The reviewers' pages, rendered on the server (Jinja2, no front-end build, no scripts).

Sign in posts a token once; the answer is a session cookie (HttpOnly, SameSite=Strict, Secure
and ``__Host-`` over https, signed with the install's secret) that carries no token; signing
out ends the session in the store (:mod:`.sessions`). Every state-changing
form carries the session's CSRF token; sign-in, before there is a session, refuses a post the
browser says came from another site (:func:`cross_site`). Pages: the queue of pending
requests, one request (effects per resource with protected flags and deciding rules, the
Terraform diff and dependents, the parsed shell commands, votes, approve/reject), history,
the audit log with its verification status, and for admins the webhook deliveries.

Every value a page shows goes through :func:`keyturn.approval.display.visible_html` (the
environment's ``finalize``): escaped for HTML, and with the characters that would hide or
rewrite text (bidi overrides, zero-width characters, controls, line breaks) spelled out and
marked. A request's headline is keyturn's account of its effects, never the agent's words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from keyturn.approval.display import ranked_effects, request_headline, shorten
from keyturn.approval.machine import may_revoke
from keyturn.approval.model import MAX_REQUEST_ID, ApprovalRequest, RequestState, Role
from keyturn.errors import ApprovalError, InputError, NotFoundError
from keyturn.server import sessions
from keyturn.server.api import act_on_request, audit_page, verify_report
from keyturn.server.app import Backend, backend_of
from keyturn.server.auth import Principal, Session, csrf_ok
from keyturn.server.details import load_details
from keyturn.server.errors import ApiError
from keyturn.server.notify import redact
from keyturn.server.wait import current
from keyturn.server.web_filters import _age, _argv, _brief, _css, _join, _quoted, _shown, _when

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

templates.env.finalize = _shown
templates.env.filters["age"] = _age
templates.env.filters["when"] = _when
templates.env.filters["join"] = _join
templates.env.filters["css"] = _css
templates.env.filters["brief"] = _brief
templates.env.filters["headline"] = request_headline
templates.env.filters["argv"] = _argv
templates.env.filters["sh"] = _quoted


async def session_of(request: Request) -> Session | None:
    """The signed-in holder: a valid cookie, its token still live, not signed out."""
    backend = backend_of(request)
    session = backend.sessions.read(sessions.session_cookie(request), now=backend.clock())
    if session is None:
        return None
    held = await backend.run(sessions.session_live, backend, session)
    return session if held else None


def page(request: Request, name: str, context: dict[str, Any], *, status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def to_login() -> Response:
    return RedirectResponse("/login", status_code=303)


async def login_form(request: Request) -> Response:
    return page(request, "login.html", {"session": None, "error": None})


def cross_site(request: Request, *, public_url: str | None) -> str | None:
    """Why a form post comes from another site than keyturn's own pages, or ``None``.

    Sign-in has no session yet, so no session CSRF token (login CSRF: a page elsewhere posting
    the attacker's token would sign a reviewer in as someone else). A browser says where a
    post comes from: ``Sec-Fetch-Site`` (only ``same-origin`` passes), else ``Origin``, else
    ``Referer``, whose host must be this request's ``Host`` or the configured public address.
    A client that sends none of them is no browser a page elsewhere could drive."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return None if site.strip().lower() == "same-origin" else f"Sec-Fetch-Site: {site}"
    for header in ("origin", "referer"):
        value = request.headers.get(header)
        if value is None:
            continue
        hosts = {request.headers.get("host", "").lower()}
        if public_url:
            hosts.add(urlsplit(public_url).netloc.lower())
        netloc = urlsplit(value).netloc.lower() if value.strip() != "null" else ""
        return None if netloc and netloc in hosts else f"{header.title()}: {value}"
    return None


async def login(request: Request) -> Response:
    """Exchange a token for a session cookie (the token is not kept anywhere). A post from
    another site is refused (:func:`cross_site`), and so is a cluster's token: it answers the
    admission webhook only."""
    backend = backend_of(request)
    form = await request.form()
    token = str(form.get("token") or "").strip()
    client = request.client.host if request.client else "?"
    try:
        elsewhere = cross_site(request, public_url=backend.public_url)
        if elsewhere is not None:
            raise ApiError(
                403,
                "forbidden",
                "sign-in refused: the form was posted from another site "
                f"({shorten(elsewhere, 80)}); open this server's /login and sign in there",
            )
        backend.limiter.check(client)
        if not token:
            backend.limiter.failed(client)
            raise ApiError(401, "unauthorized", "enter your keyturn token")
        principal = await backend.principal_of_token(token, client=client)
        if principal.role is Role.CLUSTER:
            raise ApiError(
                403, "forbidden", "a cluster token answers /k8s/admission; it does not sign in"
            )
    except ApiError as exc:
        return page(
            request, "login.html", {"session": None, "error": exc.message}, status=exc.status
        )
    cookie, _ = backend.sessions.issue(principal, now=backend.clock())
    response = RedirectResponse("/", status_code=303)
    sessions.set_cookie(response, request, cookie)
    return response


async def logout(request: Request) -> Response:
    """Sign out: the session ends in the store (a copy of the cookie stops working), then in
    the browser."""
    session = await session_of(request)
    form = await request.form()
    if session is not None and not csrf_ok(session, str(form.get("csrf") or "")):
        return page(
            request,
            "error.html",
            {"session": session, "error": "the form has expired; reload and try again"},
            status=403,
        )
    if session is not None:
        await sessions.sign_out(request, session)
    response = RedirectResponse("/login", status_code=303)
    sessions.clear_cookies(response, request)
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
    """The judged effects, worst first: a long list cannot bury the one that matters."""
    return ranked_effects(req.draft.decision)


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
        if not 0 < request_id <= MAX_REQUEST_ID:
            raise NotFoundError(f"no request {request_id}")
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
        "can_revoke": req.state is RequestState.APPROVED
        and req.grant is not None
        and req.grant.used_at is None
        and may_revoke(req, by=session.name, role=session.role),
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
        if verb in ("reject", "revoke") and not reason:
            needs = "a rejection" if verb == "reject" else "a revocation"
            return await request_page(
                request, session=session, error=f"{needs} needs a reason", status=422
            )
        try:
            result = await act_on_request(backend, request, principal, verb, reason)
        except (ApprovalError, ApiError, InputError) as exc:
            # The request's state (a grant already used) is a conflict, not a refusal of you.
            status = 409 if isinstance(exc, ApiError) and exc.status == 409 else 403
            return await request_page(
                request, session=session, error=f"{verb} refused: {exc.message}", status=status
            )
        done = {"approve": "approved", "reject": "rejected", "revoke": "revoked"}[verb]
        notice = f"you {done} request {result.id}; it is now {result.state.value}"
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
    """The pages' routes (their answers over https carry HSTS)."""
    return sessions.secure_routes(
        [
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
            Route("/requests/{request_id:int}/revoke", _voter("revoke"), methods=["POST"]),
        ]
    )
