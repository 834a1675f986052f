"""One JSON error shape for every error the server answers: ``{"error": {"code", "message"}}``.

keyturn's own errors keep their stable ``code``; Starlette's 404/405 and malformed bodies get
one too. A 500 says only that something failed inside and where to look (the server log): it
never carries a traceback, a SQL statement or a path.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from keyturn.errors import (
    ApprovalError,
    AuditError,
    AuthError,
    InputError,
    KeyturnError,
    NotFoundError,
    StoreError,
)
from keyturn.server.responses import JSONResponse

log = logging.getLogger("keyturn.server")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "bad_input",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error answered as ``status`` with a stable ``code`` and a one-line ``message``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str) -> JSONResponse:
    """The one error body."""
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def status_of(exc: KeyturnError) -> int:
    """The HTTP status of one of keyturn's own errors."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, AuthError):
        return 401
    if isinstance(exc, ApprovalError):
        return 403
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, StoreError | AuditError):
        return 503
    return 500


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.code, exc.message)


async def keyturn_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KeyturnError)
    status = status_of(exc)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc.code)
        return error_response(status, exc.code, _server_side(status))
    return error_response(status, exc.code, exc.message)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code
    if exc.status_code == 404:
        message = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        message = f"method {request.method} not allowed on {request.url.path}"
    return error_response(exc.status_code, code, message)


async def internal_error(request: Request, exc: Exception) -> Response:
    # The log gets the traceback; the client gets nothing it could use to probe the server.
    log.exception("%s %s: internal error", request.method, request.url.path)
    return internal_error_response()


def internal_error_response() -> JSONResponse:
    """The answer to an error nothing handled: it says nothing of the error."""
    return error_response(500, "internal_error", _server_side(500))


def _server_side(status: int) -> str:
    if status == 503:
        return "keyturn's state is unavailable right now; nothing was allowed (see the server log)"
    return "keyturn failed inside; nothing was allowed (see the server log)"


EXCEPTION_HANDLERS = {
    ApiError: api_error,
    KeyturnError: keyturn_error,
    HTTPException: http_error,
    Exception: internal_error,
}
