"""How much a request may send, checked before it is read, and ids a path may name.

- **Bodies.** A handler reads a body whole before it can judge its size, and the reviewers'
  forms are read before anyone signs in: without a limit on the way in, anyone who can reach
  the server makes it buffer a body of any size (a form field in memory, a multipart file part
  on disk). :class:`BodyLimit` answers 413 at once when the announced ``Content-Length`` is too
  large, and stops a body sent in chunks as soon as it passes the limit: the API's
  (``MAX_BODY_BYTES``, plans and change sets are large) under ``/v1/``, ``/api/`` and
  ``/k8s/``, a form's (``FORM_BODY_BYTES``) everywhere else.
- **Ids.** Starlette's ``int`` path convertor calls ``int()`` on any run of digits, which
  raises past 4300 digits: ``/v1/requests/<5000 nines>`` was a server error.
  :func:`bounded_ids` makes such an id one beyond any stored (``OUT_OF_RANGE``), which the
  handlers already answer as "no such request".
- **Claims.** Names and reasons a caller types are shown on every reviewer's page and in
  every audit record: one of megabytes made the queue take seconds to render, for everyone.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.convertors import IntegerConvertor
from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keyturn.approval.model import MAX_REQUEST_ID
from keyturn.errors import InputError
from keyturn.server.api_input import MAX_BODY_BYTES
from keyturn.server.errors import ApiError, error_response

# A sign-in, a vote or a revocation with its reason: a few hundred bytes.
FORM_BODY_BYTES = 64 << 10
API_PREFIXES = ("/v1/", "/api/", "/k8s/")
# A name an agent claims (its operator, its session; an admin's agent) and a typed reason.
MAX_CLAIM_CHARS = 256
MAX_REASON_CHARS = 2000


def body_limit(path: str) -> int:
    """The most bytes a request to ``path`` may send."""
    return MAX_BODY_BYTES if path.startswith(API_PREFIXES) else FORM_BODY_BYTES


class BodyLimit:
    """Refuses a request body over :func:`body_limit` before it is read (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit)(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Raised where the handler reads: answered by the API's error handler.
                    raise _too_large_error(limit)
            return message

        await self.app(scope, limited, send)


def _too_large_error(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"body larger than {limit} bytes")


def _too_large(limit: int) -> ASGIApp:
    error = _too_large_error(limit)
    return error_response(error.status, error.code, error.message)


def _content_length(scope: Scope) -> int | None:
    text = Headers(scope=scope).get("content-length")
    try:
        return None if text is None else int(text)
    except ValueError:
        return None  # the HTTP server refuses it before the app sees it


OUT_OF_RANGE = MAX_REQUEST_ID + 1


class _BoundedId(IntegerConvertor):
    """Starlette's ``int`` convertor, but an id too long for ``int()`` (more than 4300
    digits) is ``OUT_OF_RANGE`` rather than a ``ValueError``."""

    def convert(self, value: str) -> int:
        try:
            return int(value)
        except ValueError:
            return OUT_OF_RANGE


def bounded_ids(routes: Sequence[BaseRoute]) -> list[BaseRoute]:
    """``routes``, the ``{request_id:int}`` of each read by :class:`_BoundedId` (the path and
    its pattern unchanged)."""
    for route in routes:
        if isinstance(route, Route) and "request_id" in route.param_convertors:
            route.param_convertors["request_id"] = _BoundedId()
    return list(routes)


def check_claim(value: str | None, where: str) -> None:
    """``InputError`` when a claimed name is longer than ``MAX_CLAIM_CHARS``."""
    if value is not None and len(value) > MAX_CLAIM_CHARS:
        raise InputError(f"{where}: at most {MAX_CLAIM_CHARS} characters, got {len(value)}")


def check_reason(reason: str) -> None:
    """``InputError`` when a typed reason is longer than ``MAX_REASON_CHARS``."""
    if len(reason) > MAX_REASON_CHARS:
        raise InputError(f"reason: at most {MAX_REASON_CHARS} characters, got {len(reason)}")
