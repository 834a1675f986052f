"""What the API's handlers read from a request (its JSON body, path and query parameters) and
the web page they link an approval request to."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request

from keyturn.approval.model import MAX_REQUEST_ID
from keyturn.errors import InputError
from keyturn.json_limits import MAX_NESTING, too_deep
from keyturn.server.errors import ApiError

MAX_BODY_BYTES = 64 << 20
MAX_ID = MAX_REQUEST_ID  # ids beyond what the databases store are simply not found


# A ``\uXXXX`` escape of a UTF-16 surrogate: half of a pair, or (alone) text that is not
# Unicode. Only a body holding one is checked further.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


async def body_json(request: Request) -> dict[str, Any]:
    """The request's JSON object body (400 when it is not one)."""
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"body larger than {MAX_BODY_BYTES} bytes")
    value = parse_json(raw or b"{}", what="body", code="bad_request")
    if not isinstance(value, dict):
        raise ApiError(400, "bad_request", "body: expected a JSON object")
    return value


def parse_json(raw: bytes, *, what: str, code: str) -> Any:
    """``raw`` as JSON, or a 400 ``code`` naming ``what``. Stricter than ``json.loads``:
    ``NaN``, ``Infinity`` and numbers beyond a double (``1e999``) are refused, as is text that
    is not Unicode (a lone surrogate, ``"\\ud800"``: 422) and nesting too deep to walk -- none of
    them has a canonical form (digests, the audit record, the answer), so each would otherwise
    fail later, as a server error."""
    try:
        value = json.loads(raw, parse_constant=_not_a_number, parse_float=_finite)
    except RecursionError:
        raise ApiError(400, code, f"{what}: JSON nested too deeply") from None
    except ValueError as exc:
        why = str(exc) if isinstance(exc, _NotFinite) else "not valid JSON"
        raise ApiError(400, code, f"{what}: {why}") from None
    if too_deep(value):
        raise ApiError(400, code, f"{what}: JSON nested more than {MAX_NESTING} levels")
    if _SURROGATE_ESCAPE.search(raw):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # valid JSON, bad content: as the input's other errors
            raise InputError(
                f"{what}: holds text that is not Unicode (a lone surrogate escape)"
            ) from None
        except RecursionError:
            raise ApiError(400, code, f"{what}: JSON nested too deeply") from None
    return value


class _NotFinite(ValueError):
    pass


def _not_a_number(text: str) -> float:
    raise _NotFinite(f"{text} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(f"number out of range ({text[:40]})")
    return value


def reason_of(body: dict[str, Any]) -> str:
    """The body's optional ``reason``, trimmed."""
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise InputError("reason: expected a string")
    return reason.strip()


def request_id_of(request: Request) -> int:
    """The ``{request_id}`` path parameter (404 when out of range)."""
    value = request.path_params["request_id"]
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ApiError(404, "not_found", "no such request")
    return value


def int_param(request: Request, name: str, default: int, *, low: int, high: int) -> int:
    """Query parameter ``name`` as an integer in ``low..high`` (``default`` when absent)."""
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


def link_of(request: Request, request_id: int) -> str | None:
    """The web page of approval request ``request_id`` at the server's configured public
    address; ``None`` without one. Not from the request's ``Host`` header: an agent posting
    with ``Host: evil.example`` would send reviewers to a page of its own asking for tokens."""
    public_url: str | None = request.app.state.backend.public_url
    return f"{public_url}requests/{request_id}" if public_url else None
