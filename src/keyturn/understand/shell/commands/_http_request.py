"""One HTTP request as a client sends it, and what it does when nothing more specific knows.

:mod:`._http_meaning` judges a request by where it goes (the Kubernetes API, an AWS endpoint,
a GraphQL endpoint); each of those falls back on the plain reading kept here, so that they all
share it without importing one another: the URL itself names the resource (without user info,
query or fragment, so tokens in them never reach a name) and the method says the effect.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from keyturn.model import Effect, EffectKind, Resource, Target


@dataclass(frozen=True, slots=True)
class Request:
    """One request as far as the command line tells. ``body`` is ``None`` when there is none;
    ``body_unknown`` when there is one whose text is not at hand; ``docker`` when it goes to
    the Docker Engine API (its socket, its port, ``DOCKER_HOST``)."""

    method: str
    url: str
    body: str | None = None
    body_unknown: bool = False
    headers: tuple[tuple[str, str], ...] = ()
    docker: bool = False


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_METHOD_EFFECTS = {
    "DELETE": EffectKind.DELETE,
    "PURGE": EffectKind.DELETE,
    "PUT": EffectKind.UPDATE,
    "PATCH": EffectKind.UPDATE,
    "POST": EffectKind.CREATE,
}
DESTRUCTIVE_WORD = re.compile(
    r"(delete|destroy|drop|remove|purge|wipe|reset|erase|truncate|terminate|nuke|flush)",
    re.IGNORECASE,
)


def url_name(url: str) -> str:
    """The URL as a resource name: scheme, host, port and path; no user info, query, fragment."""
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host = (parts.hostname or "").lower()
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.split("?", 1)[0].split("#", 1)[0] or "http:unknown"
    return f"{parts.scheme.lower()}://{host}{port}{parts.path or '/'}"


def generic(req: Request, target: Target) -> Effect:
    method = req.method.upper()
    name = url_name(req.url)
    kind = EffectKind.READ if method in READ_METHODS else _METHOD_EFFECTS.get(method)
    if kind is EffectKind.CREATE and DESTRUCTIVE_WORD.search(urlsplit(name).path):
        kind = EffectKind.DELETE
    detail = "" if kind else f"HTTP method {method} not understood"
    return Effect(
        effect=kind or EffectKind.UNKNOWN,
        resource=Resource(names=(name,), type="http"),
        target=target,
        service="http",
        operation=f"http:{method}",
        detail=detail,
    )


def json_object(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
