"""SQL sent over HTTP, and JSON bodies read as servers read them.

Some endpoints run a request's text as SQL; such a request is judged as that SQL
(:func:`keyturn.understand.sql.sql_effects`), never by its method alone:

- Supabase's Management API: ``POST https://api.supabase.com/v1/projects/<ref>/database/query``
  (and ``.../query/read-only``) runs the body's ``query`` on the project's ``postgres``
  database; named as Supabase's MCP server names it, with the host ``db.<ref>.supabase.co``.
- Neon's SQL-over-HTTP endpoint: ``POST https://<endpoint>.neon.tech/sql`` runs the body's
  ``query`` (or each ``query`` of ``queries``) on the database the ``Neon-Connection-String``
  header names (``*`` when it is not given).
- ClickHouse's HTTP interface (``*.clickhouse.cloud``, port 8123): the ``query`` URL parameter
  followed by the body is one statement (GET runs read-only, but is judged as written); the
  database is the ``database`` parameter or ``X-ClickHouse-Database`` header.

A body whose SQL is not at hand (stdin, a file not read) or not where the endpoint takes it is
unknown. A method other than the one the endpoint runs SQL for is also judged by the URL.

JSON bodies (:func:`json_members`): parsers differ on an object's repeated or case-folded keys
(Go's ``encoding/json`` takes ``"Query"`` for ``query``, the last of them winning; others take
the first or the last exact one), so every member that any of them may take is a candidate,
and each candidate is judged.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._http_request import Request, generic

__all__ = ["JsonObject", "json_members", "loose_json", "plain", "sql_over_http"]


class JsonObject(tuple[tuple[str, Any], ...]):
    """A JSON object as its members in order, repeats kept (arrays stay lists)."""

    __slots__ = ()


def loose_json(text: str | None) -> Any:
    """``text`` parsed as JSON, objects as :class:`JsonObject`; ``None`` when it is not JSON."""
    try:
        return json.loads(text, object_pairs_hook=JsonObject) if text else None
    except (ValueError, RecursionError):
        return None


def json_members(value: Any, key: str) -> list[Any]:
    """Every value of ``value``'s members some JSON server may take for ``key``: each one whose
    name equals it ignoring case, in order. Nothing when ``value`` is not an object."""
    if not isinstance(value, JsonObject):
        return []
    folded = key.casefold()
    return [v for k, v in value if k.casefold() == folded]


def plain(value: Any) -> Any:
    """``value`` with each object a dict (the last of repeated keys winning)."""
    if isinstance(value, JsonObject):
        return {k: plain(v) for k, v in value}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def sql_over_http(req: Request, host: str, target: Target) -> list[Effect] | None:
    """The effects of ``req`` when its URL is an endpoint that runs SQL, else ``None``."""
    parts = urlsplit(req.url if "://" in req.url else "http://" + req.url)
    segments = [s for s in unquote(parts.path).lower().split("/") if s]
    method = req.method.upper()
    if host == "api.supabase.com" and segments[:2] == ["v1", "projects"] and len(segments) > 4:
        if segments[3:5] != ["database", "query"]:
            return None
        texts = _json_queries(req, queries=False)
        ref = segments[2]
        effects = _judged(texts, req, "postgres", "postgres", f"db.{ref}.supabase.co", target)
    elif host.endswith(".neon.tech") and segments == ["sql"]:
        texts = _json_queries(req, queries=True)
        database = _neon_database(req)
        effects = _judged(texts, req, "postgres", database, host, target)
    elif host.endswith(".clickhouse.cloud") or _port(parts) == 8123:
        return _clickhouse(req, host, parts.query, target)
    else:
        return None
    return effects if method == "POST" else [generic(req, target), *effects]


def _port(parts: Any) -> int | None:
    try:
        port: int | None = parts.port
    except ValueError:
        return None
    return port


def _json_queries(req: Request, *, queries: bool) -> list[str] | None:
    """The SQL texts of a JSON body (``queries``: Neon's batch form too), ``None`` if unread."""
    if req.body is None or req.body_unknown:
        return None
    value = loose_json(req.body)
    items = [value]
    if queries:
        for batch in json_members(value, "queries"):
            items += batch if isinstance(batch, list) else [batch]
    texts = [q for item in items for q in json_members(item, "query")]
    if not texts or not all(isinstance(t, str) for t in texts):
        return None
    return texts


def _neon_database(req: Request) -> str | None:
    for name, value in req.headers:
        if name.strip().lower() == "neon-connection-string":
            path = urlsplit(value.strip()).path.strip("/")
            return unquote(path) or None
    return None


def _clickhouse(req: Request, host: str, query: str, target: Target) -> list[Effect] | None:
    params = parse_qsl(query, keep_blank_values=True)
    texts = [v for k, v in params if k == "query"]
    if req.body_unknown:
        texts = []  # the statement's text (or its end) is not at hand
    elif req.body is not None and req.method.upper() != "GET":
        texts = ["\n".join([*texts, req.body])]
    elif not texts:
        return None  # no SQL at all (``/ping``, ``/play``): a plain request
    database = next((v for k, v in params if k == "database"), None)
    for name, value in req.headers:
        if name.strip().lower() == "x-clickhouse-database":
            database = value.strip() or database
    effects = _judged(texts or None, req, "clickhouse", database, host, target)
    if req.method.upper() in ("GET", "POST"):
        return effects
    return [generic(req, target), *effects]


def _judged(
    texts: list[str] | None,
    req: Request,
    engine: str,
    database: str | None,
    host: str,
    target: Target,
) -> list[Effect]:
    from keyturn.understand.sql import sql_effects

    if texts is None:
        reason = "SQL sent over HTTP that is not known here"
        return [
            Effect(
                effect=EffectKind.UNKNOWN,
                resource=Resource(names=(f"db:{engine}/{database or '*'}",), type="database"),
                target=target,
                service="sql",
                operation=f"http:{req.method.upper()}",
                detail=reason,
            )
        ]
    effects: list[Effect] = []
    for text in texts:
        found = sql_effects(text, engine=engine, database=database, target=target, host=host)
        effects += [e for e in found if e not in effects]
    return effects
