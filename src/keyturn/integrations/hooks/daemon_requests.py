"""The hook daemon's side of the wire: reading one request off a connection and checking it.

Separate from :mod:`.daemon` (the process and its threads) so that what a request may hold,
and the bound on its size, read in one place beside the fast path's (:mod:`.fastpath`).
"""

from __future__ import annotations

import json
import os
import socket
from typing import Any

from keyturn.errors import InputError

from .fastpath import MAX_REQUEST_BYTES, VERSION


def _receive(conn: socket.socket) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := conn.recv(65536):
        total += len(chunk)
        if total > MAX_REQUEST_BYTES:
            raise ValueError(f"request larger than {MAX_REQUEST_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _request(data: bytes) -> dict[str, Any]:
    """The request, checked field by field; :class:`InputError` otherwise."""
    try:
        request = json.loads(data)
    except ValueError:
        raise InputError("request is not JSON") from None
    if not isinstance(request, dict) or request.get("v") != VERSION:
        raise InputError(f"request is not a version {VERSION} object")
    env, args = request.get("env"), request.get("args")
    checks = (
        isinstance(request.get("agent"), str),
        isinstance(request.get("stdin"), str),
        isinstance(args, list) and all(isinstance(a, str) for a in args),
        isinstance(env, dict) and all(isinstance(v, str) for v in env.values()),
        isinstance(request.get("cwd"), str) and os.path.isabs(request["cwd"]),
    )
    if not all(checks):
        raise InputError("request fields malformed")
    return request
