"""What one HTTP request does, whichever client sends it.

- Kubernetes API paths (``/api/v1/namespaces/prod``, ``/apis/apps/v1/namespaces/x/deployments/
  web``), read as the API server routes them (percent-decoded, dot segments removed) and found
  behind any prefix (Rancher's ``/k8s/clusters/<id>/``, ``kubectl proxy --api-prefix``) -> the
  same effects and names as ``kubectl`` and admission reviews
  (:func:`keyturn.understand.k8s_kinds.object_names`); a collection is ``.../<kind>/*``, and
  a DELETE of one is also named as the namespace it empties (``k8s:namespace/<ns>``).
- AWS endpoints (``https://<service>.<region>.amazonaws.com``, FIPS and dual-stack ones too):
  the query API (``Action=...`` in the URL or a form body), JSON APIs (``X-Amz-Target``) and S3
  REST calls are understood as the API call they make (:func:`keyturn.understand.aws.aws_effects`);
  S3's sub-resources (``PUT /?versioning``, ``POST /?delete``...) as the operation they name,
  its XML body read into that operation's parameters (an unread versioning or legal hold body
  may switch a protection off: so judged).
- Neither takes the shell's hints: curl reads no kube context and no AWS profile, so the
  environment of such a call is not told (the policy's unknown_environment) unless given.
- GraphQL (``/graphql``, ``/graphql/v2``..., or a JSON body with a ``query``; the operation may
  also come in the URL's ``?query=``): each mutation, fragments spread in, is an effect on
  ``graphql:<host>/<mutation>`` (plus ``graphql:<host>/<mutation>/<id>`` for each literal or
  variable id argument); a mutation named like delete/destroy/drop/remove/purge/wipe is a delete
  (Railway's ``volumeDelete``), ``create``/``add`` a create, others an update. Queries read. A
  body not known here (stdin, ``$(...)``, a file not at hand) is unknown.
- The Docker Engine API (through the daemon's socket, its ports, ``DOCKER_HOST``), named as
  the ``docker`` CLI names what it does (:mod:`._http_docker`); GitHub's and GitLab's REST
  APIs (``api.github.com``, ``/api/v3/``, ``/api/v4/``), named as ``gh api``/``glab api``
  name them (:mod:`._http_forges`) -- never as Kubernetes objects.
- A method override (``X-HTTP-Method-Override``, ``X-HTTP-Method``, ``X-Method-Override``, a
  ``_method`` parameter) or a ``Host`` header naming another host: the request is judged as
  sent and as the server honouring them would take it.
- Anything else: the URL itself names the resource (``https://api.example.com/v1/items/7``,
  without user info, query or fragment, so tokens in them never reach a name); DELETE/PURGE ->
  delete, PUT/PATCH -> update, POST -> create (delete when the path names a destructive action),
  GET/HEAD/OPTIONS -> read, other methods -> unknown.

The Kubernetes part lives in :mod:`._http_kubernetes`, the AWS and S3 REST part in
:mod:`._http_aws`, and :class:`Request` with the plain reading of the last point in
:mod:`._http_request`; this module sends each request to the one that knows it, and reads
GraphQL itself.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._http_aws import AWS_DOMAINS, aws
from keyturn.understand.shell.commands._http_docker import docker
from keyturn.understand.shell.commands._http_forges import forge
from keyturn.understand.shell.commands._http_kubernetes import kubernetes
from keyturn.understand.shell.commands._http_request import (
    DESTRUCTIVE_WORD,
    READ_METHODS,
    Request,
    generic,
    json_object,
    url_name,
)
from keyturn.understand.shell.commands._kube_call import untold

__all__ = ["Request", "api_segments", "request_effects", "url_name"]


def request_effects(req: Request, *, target: Target) -> list[Effect]:
    """The effects of ``req``, and of each other request the server may take it for: the
    method a method-override header or ``_method`` parameter names, the host a ``Host``
    header names. A request to an API server by address takes none of the shell's kube or
    AWS hints: curl reads neither."""
    effects = _effects(req, target)
    for variant in _variants(req):
        effects += [e for e in _effects(variant, target) if e not in effects]
    return effects


# Headers many frameworks (Rails, Laravel, Google's APIs...) take the real method from.
_OVERRIDE_HEADERS = frozenset({"x-http-method-override", "x-http-method", "x-method-override"})


def _variants(req: Request) -> list[Request]:
    """The same request as a server honouring a method override, or routing by a ``Host``
    header other than the URL's host, takes it."""
    methods = [v for k, v in req.headers if k.strip().lower() in _OVERRIDE_HEADERS]
    query = urlsplit(req.url if "://" in req.url else "http://" + req.url).query
    methods += [v for k, v in parse_qsl(query) if k == "_method"]
    body = req.body or ""
    form = json_object(body) if body.lstrip().startswith("{") else dict(parse_qsl(body))
    if isinstance((form or {}).get("_method"), str):
        methods.append(str((form or {})["_method"]))
    out = [replace(req, method=m.strip().upper() or "?") for m in dict.fromkeys(methods)]
    out = [r for r in out if r.method != req.method.upper()]
    hosts = [v.strip() for k, v in req.headers if k.strip().lower() == "host" and v.strip()]
    for host in dict.fromkeys(hosts):
        parts = urlsplit(req.url if "://" in req.url else "http://" + req.url)
        if host.lower() != parts.netloc.rpartition("@")[2].lower():
            moved = parts._replace(netloc=host).geturl()
            out += [replace(r, url=moved) for r in (req, *out)]
    return out


def _effects(req: Request, target: Target) -> list[Effect]:
    parts = urlsplit(req.url if "://" in req.url else "http://" + req.url)
    # A fully qualified name (``rds.us-east-1.amazonaws.com.``) is the same host.
    host = (parts.hostname or "").rstrip(".") if _valid_port(req.url) else ""
    segments = api_segments(parts.path)
    if req.docker:
        return docker(req, segments, parts.query, target)
    found = forge(req, host, parts.path, target)
    if found is not None:
        # A Kubernetes path behind the forge's API root (a proxy's prefix) still counts.
        effects, rest = found
        return effects + kubernetes(req, rest, untold(target))
    if effects := kubernetes(req, segments, untold(target)):
        return effects
    if host.endswith(AWS_DOMAINS):
        return aws(req, host, parts.path, parts.query, target)
    in_url = _graphql_query(parts.query)
    graphql_path = any(s.lower() in _GRAPHQL_SEGMENTS for s in segments)
    if graphql_path or _graphql_body(req.body) is not None or _runs_mutation(in_url):
        return _graphql(req, host, target, in_url)
    return [generic(req, target)]


def api_segments(path: str) -> list[str]:
    """The segments of ``path`` as a server routes it: percent-decoded, then dot segments
    removed (RFC 3986 5.2.4) and empty ones dropped, as Go's server (the Kubernetes API's)
    cleans a path: ``/api/v1/namespaces/x/../%70ayments`` -> ``api v1 namespaces payments``."""
    cleaned = posixpath.normpath("/" + unquote(path))
    return [s for s in cleaned.split("/") if s]


def _valid_port(url: str) -> bool:
    try:
        urlsplit(url if "://" in url else "http://" + url).port  # noqa: B018
    except ValueError:
        return False
    return True


def _graphql_body(body: str | None) -> list[dict[str, Any]] | None:
    """The GraphQL operations in a JSON body (one object, or a batch list), else ``None``."""
    try:
        value = json.loads(body) if body else None
    except ValueError:
        return None
    items: list[Any] = value if isinstance(value, list) else [value]
    ops = [o for o in items if isinstance(o, dict) and isinstance(o.get("query"), str)]
    return ops if ops and len(ops) == len(items) else None


# Path segments that name a GraphQL endpoint (``/graphql``, Railway's ``/graphql/v2``,
# ``/v1/graphql``, ``/gql``).
_GRAPHQL_SEGMENTS = frozenset({"graphql", "gql", "graphiql"})


def _graphql_query(query: str) -> list[dict[str, Any]]:
    """The operation a URL's query string carries (``?query=mutation{...}&variables=...``):
    GraphQL over GET, judged like a body."""
    params = dict(parse_qsl(query))
    document = params.get("query")
    if not document:
        return []
    variables = json_object(params.get("variables")) or {}
    return [{"query": document, "variables": variables}]


def _runs_mutation(ops: list[dict[str, Any]]) -> bool:
    """Whether ``ops`` (from a URL) run a mutation, or cannot be read to tell."""
    from keyturn.understand.shell.commands._graphql import mutation_fields

    for op in ops:
        fields = mutation_fields(op["query"], op["variables"])
        if fields or (fields is None and "mutation" in op["query"]):
            return True
    return False


def _graphql(req: Request, host: str, target: Target, in_url: list[dict[str, Any]]) -> list[Effect]:
    from keyturn.understand.shell.commands._graphql import mutation_fields

    ops = _graphql_body(req.body)
    if ops is None and (req.body is not None or req.body_unknown):
        # A body not known at judge time (stdin, ``$(cat f)``, a file not at hand) or not
        # JSON may hold any mutation.
        return [_graphql_effect(EffectKind.UNKNOWN, host, "*", (), target, "GraphQL body unknown")]
    ops = [*(ops or ()), *in_url]
    if not ops:
        if req.method.upper() in READ_METHODS:
            return [generic(req, target)]
        return [_graphql_effect(EffectKind.UNKNOWN, host, "*", (), target, "GraphQL body unknown")]
    effects: list[Effect] = []
    for op in ops:
        variables = op.get("variables")
        fields = mutation_fields(op["query"], variables if isinstance(variables, Mapping) else {})
        if fields is None:
            reason = "GraphQL document not understood"
            effects.append(_graphql_effect(EffectKind.UNKNOWN, host, "*", (), target, reason))
        for field, ids in fields or ():
            effects.append(_graphql_effect(_mutation_kind(field), host, field, ids, target, ""))
    return effects or [_graphql_effect(EffectKind.READ, host, "query", (), target, "")]


def _mutation_kind(field: str) -> EffectKind:
    if DESTRUCTIVE_WORD.search(field):
        return EffectKind.DELETE
    if re.match(r"(create|add|insert|new)", field, re.IGNORECASE) or re.search(
        r"(Create|Add|Insert)$", field
    ):
        return EffectKind.CREATE
    return EffectKind.UPDATE


def _graphql_effect(
    kind: EffectKind, host: str, field: str, ids: tuple[str, ...], target: Target, detail: str
) -> Effect:
    base = f"graphql:{host or '*'}/{field}"
    return Effect(
        effect=kind,
        resource=Resource(names=(base, *(f"{base}/{i}" for i in ids)), type="graphql"),
        target=target,
        service="graphql",
        operation=f"graphql:{field}",
        detail=detail,
    )
