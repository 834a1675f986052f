"""``/v1/tokens``, ``/v1/notifications`` and ``/v1/health``: admins create, list and revoke
tokens and see notification deliveries; health needs no token."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request

from keyturn.approval.model import Role
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.bootstrap import hash_token, new_token
from keyturn.errors import InputError
from keyturn.server.api_input import body_json
from keyturn.server.app import backend_of
from keyturn.server.responses import JSONResponse


def token_json(t: Any) -> dict[str, Any]:
    return {
        "name": t.name,
        "role": t.role.value,
        "created_at": t.created_at,
        "revoked_at": t.revoked_at,
    }


async def list_tokens(request: Request) -> JSONResponse:
    backend = backend_of(request)
    (await backend.authenticate(request)).require(Role.ADMIN)
    tokens = await backend.run(backend.store.list_tokens)
    return JSONResponse({"tokens": [token_json(t) for t in tokens]})


async def create_token(request: Request) -> JSONResponse:
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    principal.require(Role.ADMIN)
    body = await body_json(request)
    name, role = body.get("name"), body.get("role")
    if (
        not isinstance(name, str)
        or not name
        or len(name) > 64
        or not name.isprintable()  # a NUL or control character is no name (PostgreSQL refuses)
        or any(c.isspace() for c in name)
    ):
        raise InputError("name: expected one word of at most 64 characters")
    try:
        the_role = Role(str(role))
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise InputError(f"role: expected one of {roles}") from None
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
    principal.require(Role.ADMIN)
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
    (await backend.authenticate(request)).require(Role.ADMIN)
    return JSONResponse({"deliveries": [d.to_json() for d in backend.notifier.deliveries]})


async def health(request: Request) -> JSONResponse:
    """Liveness (no token needed, touches nothing): also the benchmark's trivial endpoint."""
    return JSONResponse({"status": "ok", "time": time.time()})
