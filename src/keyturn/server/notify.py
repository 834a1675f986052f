"""Webhook notifications when a request is opened and when it is resolved.

Deliveries run in a background task: a slow or failing webhook never blocks a decision and
never loses a request (the request is in the store before anything is sent). Each delivery is
retried with exponential backoff; every attempt's outcome is kept (the last
``MAX_DELIVERIES``) for ``GET /v1/notifications`` and the admin page, and failures are logged.

Slack's incoming webhooks (``hooks.slack.com``) get a Slack body (``text`` + ``blocks``); every
other URL gets the generic JSON body, which carries the same ``text``/``blocks`` (so
Slack-compatible chat tools render it) plus ``event`` and ``request``.

What the message says a request does is keyturn's account of its effects
(:func:`keyturn.approval.display.headline`), worst first; the text that came with the request
follows, labelled. Every value the agent could choose is shown with its hidden characters
spelled out (:func:`~keyturn.approval.display.visible`), cut to a bounded length (a section
longer than Slack's 3000 characters would lose the whole message), in a code span with ``&``,
``<`` and ``>`` escaped: no ``<!channel>``, no ``<url|text>`` link, no formatting. The link to
the request is shown as its own address, never behind a text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from keyturn.approval.display import ranked_effects, request_headline, shorten, visible
from keyturn.approval.model import ApprovalRequest

log = logging.getLogger("keyturn.server.notify")

MAX_ATTEMPTS = 5
MAX_DELIVERIES = 200
TIMEOUT_SECONDS = 10.0


@dataclass(slots=True)
class Delivery:
    """One notification to one URL and how its attempts went."""

    id: int
    event: str
    request_id: int
    url: str
    attempts: int = 0
    status: str = "pending"  # pending | delivered | failed
    last_error: str = ""
    created_at: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "event": self.event,
            "request_id": self.request_id,
            "url": redact(self.url),
            "attempts": self.attempts,
            "status": self.status,
            "last_error": self.last_error,
            "created_at": self.created_at,
        }


def redact(url: str) -> str:
    """A webhook URL as it may be shown or logged: its scheme and host, never its user,
    password, path, query or fragment -- Slack's path is the secret; other services carry a
    token in the query or the URL's user part."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None:
        host += f":{port}"
    hidden = parts.path not in ("", "/") or any(
        (parts.query, parts.fragment, parts.username, parts.password)
    )
    return f"{parts.scheme}://{host}/" + ("…" if hidden else "")


class HideUrls(logging.Filter):
    """Shows the URLs httpx logs ("HTTP Request: POST <url> ...", at INFO, which ``keyturn
    serve`` logs) as :func:`redact` does: in the server httpx only ever calls the webhooks, and
    their URLs are secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(a)) if str(a).startswith(("http://", "https://")) else a
                for a in record.args
            )
        return True


def hide_webhook_urls_from_httpx_log() -> None:
    """Install :class:`HideUrls` on httpx's logger (once)."""
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, HideUrls) for f in httpx_log.filters):
        httpx_log.addFilter(HideUrls())


# How much of one value a message shows, and how many effects it lists (the page lists all).
FIELD_CHARS = 160
SUBMITTED_CHARS = 300
LISTED_EFFECTS = 5


def mrkdwn(value: object, limit: int = FIELD_CHARS) -> str:
    """``value`` as inert Slack mrkdwn: hidden characters spelled out, cut in the middle to
    ``limit``, ``&<>`` escaped (Slack's own escapes), in a code span (no bold, strike or
    auto-link; a backtick, which would end the span, spelled out too)."""
    text = visible(value).replace("`", "\\x60")
    cut = limit
    shown = _entities(shorten(text, cut))
    # Slack's escapes lengthen the text (``&`` is five characters): cut more until it fits.
    while len(shown) > limit and cut > 20:
        cut = max(20, cut * limit // len(shown) - 1)
        shown = _entities(shorten(text, cut))
    return f"`{shown}`" if shown else "`-`"


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _effect_lines(request: ApprovalRequest) -> list[str]:
    effects = ranked_effects(request.draft.decision)
    lines = []
    for e in effects[:LISTED_EFFECTS]:
        names = e.get("resource") if isinstance(e.get("resource"), list) else []
        protected = " *protected*" if e.get("protected") else ""
        lines.append(
            f"• {mrkdwn(e.get('effect'))} {mrkdwn(names[0] if names else '?')}{protected} "
            f"→ {mrkdwn(e.get('decision'))}"
        )
    if len(effects) > LISTED_EFFECTS:
        lines.append(f"• … and {len(effects) - LISTED_EFFECTS} more effect(s): see the request")
    return lines


def bodies(
    event: str, request: ApprovalRequest, *, link: str | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Slack body and the generic body for ``event`` on ``request``."""
    d = request.draft
    verb = {
        "request.opened": "needs review",
        "request.approved": "approved",
        "request.rejected": "rejected",
        "request.cancelled": "cancelled",
        "request.expired": "expired",
        "request.revoked": "revoked (its grant can no longer be used)",
    }.get(event, event)
    headline = request_headline(request)
    text = (
        f"keyturn request {request.id} {verb}: {mrkdwn(headline, 2 * FIELD_CHARS)} — "
        f"agent {mrkdwn(d.agent)} for {mrkdwn(d.operator)}, environment {mrkdwn(d.environment)}"
    )
    if event in ("request.rejected", "request.cancelled", "request.revoked") and request.closed_by:
        text += f"; by {mrkdwn(request.closed_by)}: {mrkdwn(request.close_reason or '-')}"
    if event == "request.opened":
        groups = ", ".join(mrkdwn(g) for g in d.reviewer_groups)
        text += f"; needs {d.approvals_required} approval(s) from {groups}"
    details = [*_effect_lines(request), f"As submitted: {mrkdwn(d.summary, SUBMITTED_CHARS)}"]
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(details)}},
    ]
    if link:
        # The address itself, not a text over it: a reviewer sees where the link goes.
        shown = _entities(link)
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"Open request {request.id}: <{shown}>"},
            }
        )
    slack = {"text": text, "blocks": blocks}
    generic = {
        **slack,
        "event": event,
        "request": {
            "id": request.id,
            "state": request.state.value,
            "summary": d.summary,
            "headline": headline,
            "agent": d.agent,
            "operator": d.operator,
            "environment": d.environment,
            "digest": d.digest,
            "approvals_required": d.approvals_required,
            "approvals": list(request.approvals),
            "url": link,
        },
    }
    return slack, generic


class Notifier:
    """Queues notifications and delivers them in the background with retries."""

    def __init__(self, *, urls: Sequence[str], backoff: float = 0.5) -> None:
        self.urls = tuple(u for u in urls if u)
        self.backoff = backoff
        self.deliveries: deque[Delivery] = deque(maxlen=MAX_DELIVERIES)
        self._queue: asyncio.Queue[tuple[Delivery, dict[str, Any]]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._next_id = 0
        self._running: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        if self.urls and self._task is None:
            hide_webhook_urls_from_httpx_log()
            self._queue = asyncio.Queue()
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def publish(self, event: str, request: ApprovalRequest, *, link: str | None) -> None:
        """Queue ``event`` on ``request`` for every configured URL (never blocks)."""
        if self._queue is None:
            return
        slack, generic = bodies(event, request, link=link)
        for url in self.urls:
            self._next_id += 1
            delivery = Delivery(id=self._next_id, event=event, request_id=request.id, url=url)
            self.deliveries.append(delivery)
            body = slack if urlsplit(url).hostname in ("hooks.slack.com",) else generic
            self._queue.put_nowait((delivery, body))

    async def _run(self) -> None:
        import httpx

        assert self._queue is not None
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            while True:
                delivery, body = await self._queue.get()
                # Each delivery retries on its own so one dead URL does not hold up the rest.
                task = asyncio.create_task(self._deliver(client, delivery, body))
                self._running.add(task)  # a reference, so the task is not collected mid-retry
                task.add_done_callback(self._running.discard)

    async def _deliver(self, client: Any, delivery: Delivery, body: dict[str, Any]) -> None:
        delay = self.backoff
        while delivery.attempts < MAX_ATTEMPTS:
            delivery.attempts += 1
            try:
                response = await client.post(delivery.url, json=body)
                if 200 <= response.status_code < 300:
                    delivery.status, delivery.last_error = "delivered", ""
                    return
                delivery.last_error = f"HTTP {response.status_code}"
            except Exception as exc:  # any failure of the far end is retried, then reported
                delivery.last_error = type(exc).__name__
            await asyncio.sleep(delay)
            delay *= 2
        delivery.status = "failed"
        log.warning(
            "webhook %s for request %s failed after %s attempts: %s",
            redact(delivery.url),
            delivery.request_id,
            delivery.attempts,
            delivery.last_error,
        )
