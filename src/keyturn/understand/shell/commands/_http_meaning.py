"""What one HTTP request does, whichever client sends it.

- Kubernetes API paths (``/api/v1/namespaces/prod``, ``/apis/apps/v1/namespaces/x/deployments/
  web``), read as the API server routes them (percent-decoded, dot segments removed) and found
  behind any prefix (Rancher's ``/k8s/clusters/<id>/``, ``kubectl proxy --api-prefix``) -> the
  same effects and names as ``kubectl`` and admission reviews
  (:func:`keyturn.understand.k8s_kinds.object_names`); a collection is ``.../<kind>/*``, and
  a DELETE of one is also named as the namespace it empties (``k8s:namespace/<ns>``).
  Only Kubernetes' own shapes (``api/v1/<core resource>``, ``apis/<group>/<version>``) on a
  host that may be an API server are Kubernetes alone; another ``/api/vN/`` path (Airflow's
  ``/api/v1/dags/x``) is named both ways, and on a well-known SaaS host (``app.terraform.io``,
  ``api.datadoghq.com``...) by its URL alone, so a pattern on the URL matches.
- AWS endpoints (``https://<service>.<region>.amazonaws.com``, FIPS and dual-stack ones too):
  the query API (``Action=...`` in the URL or a form body), JSON APIs (``X-Amz-Target``) and S3
  REST calls are understood as the API call they make (:func:`keyturn.understand.aws.aws_effects`);
  S3's sub-resources (``PUT /?versioning``, ``POST /?delete``...) as the operation they name,
  its XML body read into that operation's parameters (an unread versioning or legal hold body
  may switch a protection off: so judged).
- Neither takes the shell's hints: curl reads no kube context and no AWS profile, so the
  environment of such a call is not told (the policy's unknown_environment) unless given.
- GraphQL: a POST, or a GET, to an endpoint named as one (``/graphql``, ``/graphql/v2``,
  ``graphql.json``, a last segment ``/query``, a ``graphql.`` host; the operation in the body's
  ``query`` -- every one a server may take -- or the URL's ``?query=``): each mutation,
  fragments spread in, is an effect on
  ``graphql:<host>/<mutation>`` (plus ``graphql:<host>/<mutation>/<id>`` for each literal or
  variable id argument); a mutation named like delete/destroy/drop/remove/purge/wipe is a delete
  (Railway's ``volumeDelete``), ``create``/``add`` a create, others an update. Queries read. A
  body not known here (stdin, ``$(...)``, a file not at hand), or holding no GraphQL operation,
  is unknown. Any other request is judged by its method and URL; a mutation it carries is
  added, a ``query`` key never makes it a read. GitHub's ``/graphql`` is read both ways.
- SQL over HTTP (Supabase's ``/database/query``, Neon's ``/sql``, ClickHouse): the SQL it runs
  (:mod:`._http_sql`).
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

import posixpath
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

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
from keyturn.understand.shell.commands._http_sql import (
    json_members,
    loose_json,
    plain,
    sql_over_http,
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
        # A Kubernetes path behind the forge's API root (a proxy's prefix) still counts, and
        # so does a GraphQL endpoint (GitHub's ``/graphql``): the stricter reading holds.
        effects, rest = found
        effects = effects + kubernetes(req, rest, untold(target))
        if _graphql_request(req, host, rest):
            in_url = _graphql_query(parts.query)
            effects += [e for e in _graphql(req, host, target, in_url) if e not in effects]
        return effects
    k8s = kubernetes(req, segments, untold(target))
    if k8s and _kubernetes_shaped(segments) and not _saas_host(host):
        return k8s
    if k8s and not _kubernetes_shaped(segments) and _saas_host(host):
        k8s = []  # a SaaS API's own ``/api/v2/...``: the URL names what it does
    # Either may be meant (a Kubernetes-like path on a host that could serve anything):
    # both readings are kept, so a pattern on either name matches.
    return k8s + [e for e in _by_url(req, host, parts, segments, target) if e not in k8s]


def _by_url(
    req: Request, host: str, parts: SplitResult, segments: list[str], target: Target
) -> list[Effect]:
    """The reading of a request that is no Kubernetes, Docker or forge REST call."""
    if host.endswith(AWS_DOMAINS):
        return aws(req, host, parts.path, parts.query, target)
    if (sql := sql_over_http(req, host, target)) is not None:
        return sql
    in_url = _graphql_query(parts.query)
    endpoint = _graphql_endpoint(host, segments)
    if endpoint and req.method.upper() in _GRAPHQL_METHODS:
        return _graphql(req, host, target, in_url)
    # Another method to a GraphQL endpoint, or a request to another path: the method and URL
    # decide. A GraphQL server may still take what it is sent (one may stand behind any
    # path): what a GraphQL reading finds beyond a read is added, never put in their place.
    extra = (
        _graphql(req, host, target, in_url)
        if endpoint
        else _stray_mutations(req, host, target, in_url)
    )
    return _with_method(generic(req, target), [e for e in extra if e.effect is not EffectKind.READ])


def _with_method(by_method: Effect, extra: list[Effect]) -> list[Effect]:
    """``by_method`` and ``extra``; ``by_method`` left out only where an effect of ``extra`` is
    stricter in any policy: it reads, or it creates or updates and one of them is unknown.
    A delete by method stays: a ``protected`` pattern on the URL must still match."""
    if extra and (
        by_method.effect is EffectKind.READ
        or (
            by_method.effect in (EffectKind.CREATE, EffectKind.UPDATE)
            and any(e.effect is EffectKind.UNKNOWN for e in extra)
        )
    ):
        return extra
    return [*extra, by_method]


# Kubernetes' core group (``/api/v1``) serves only these resources; anything else under
# ``/api/<version>/`` is another API's (Airflow's ``/api/v1/dags``, Terraform's ``/api/v2``).
_CORE_RESOURCES = frozenset(
    {
        *("bindings", "componentstatuses", "configmaps", "endpoints", "events", "limitranges"),
        *("namespaces", "nodes", "persistentvolumeclaims", "persistentvolumes", "pods"),
        *("podtemplates", "replicationcontrollers", "resourcequotas", "secrets"),
        *("serviceaccounts", "services"),
    }
)


def _kubernetes_shaped(segments: list[str]) -> bool:
    """Whether every Kubernetes-like API path in ``segments`` has a shape only Kubernetes
    serves: ``api/v1/<core resource>...`` or ``apis/<group>/<version>/...``."""
    found = False
    for i, seg in enumerate(segments):
        if seg == "api" and i + 1 < len(segments) and re.fullmatch(r"v\d\w*", segments[i + 1]):
            rest = segments[i + 1 : i + 3]
            if rest[0] != "v1" or len(rest) < 2 or rest[1].lower() not in _CORE_RESOURCES:
                return False
            found = True
        elif seg == "apis" and i + 2 < len(segments):
            found = True
    return found


# Registrable domains of well-known SaaS APIs: never a Kubernetes API server, whose own
# ``/api/v1/``, ``/api/v2/`` paths name their resources by URL.
_SAAS_DOMAINS = (
    *("terraform.io", "hashicorp.cloud", "github.com", "ghe.com", "gitlab.com", "bitbucket.org"),
    *("atlassian.com", "atlassian.net", "supabase.com", "supabase.co", "vercel.com"),
    *("netlify.com", "heroku.com", "cloudflare.com", "digitalocean.com", "stripe.com"),
    *("slack.com", "pagerduty.com", "datadoghq.com", "datadoghq.eu", "ddog-gov.com"),
    *("sentry.io", "grafana.net", "grafana.com", "fly.io", "render.com", "railway.app"),
    *("linear.app", "twilio.com", "sendgrid.com", "pulumi.com", "circleci.com", "npmjs.org"),
    *("docker.com", "docker.io", "notion.com", "hubspot.com", "opsgenie.com", "newrelic.com"),
    *("buildkite.com", "mongodb.com", "neon.tech", "honeycomb.io", "launchdarkly.com"),
    *("openai.com", "anthropic.com", "spacelift.io", "env0.com", "scalr.io"),
)


def _saas_host(host: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in _SAAS_DOMAINS)


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
    """The GraphQL operations in a JSON body (one object, or a batch list), else ``None``.
    Each ``query`` a server may take (:func:`._http_sql.json_members`: a repeated key, one
    spelled ``Query``) is an operation, with each ``variables`` it may take."""
    value = loose_json(body)
    items: list[Any] = value if isinstance(value, list) else [value]
    ops: list[dict[str, Any]] = []
    for item in items:
        queries = [q for q in json_members(item, "query") if isinstance(q, str)]
        if not queries:
            return None  # not every item is an operation: not a GraphQL body
        bound = [plain(v) for v in json_members(item, "variables")]
        bound = [v for v in bound if isinstance(v, dict)] or [{}]
        ops += [{"query": q, "variables": v} for q in queries for v in bound]
    return ops or None


# Path segments that name a GraphQL endpoint (``/graphql``, Railway's ``/graphql/v2``,
# ``/v1/graphql``, ``/gql``, Shopify's ``graphql.json``), and the last segment gqlgen serves
# it at by default (``/query``); hosts named for it (``graphql.contentful.com``) or serving
# it at another path (monday.com's ``/v2``).
_GRAPHQL_SEGMENTS = frozenset({"graphql", "gql", "graphiql"})
_GRAPHQL_HOSTS = frozenset({"api.monday.com"})


def _graphql_request(req: Request, host: str, segments: list[str]) -> bool:
    """Whether ``req`` is a request GraphQL servers take: POST, or GET (the operation in the
    URL), to an endpoint named as one (:func:`_graphql_endpoint`)."""
    return req.method.upper() in _GRAPHQL_METHODS and _graphql_endpoint(host, segments)


_GRAPHQL_METHODS = frozenset({"POST", "GET"})


def _graphql_endpoint(host: str, segments: list[str]) -> bool:
    """Whether the URL names a GraphQL endpoint by its path or its host."""
    stems = [s.lower().split(".", 1)[0] for s in segments]
    return (
        any(s in _GRAPHQL_SEGMENTS for s in stems)
        or stems[-1:] == ["query"]
        or any(label in _GRAPHQL_SEGMENTS for label in host.split("."))
        or host in _GRAPHQL_HOSTS
    )


def _graphql_query(query: str) -> list[dict[str, Any]]:
    """The operations a URL's query string carries (``?query=mutation{...}&variables=...``):
    GraphQL over GET, judged like a body. A repeated parameter may be either (servers take
    the first or the last): each is judged."""
    params = parse_qsl(query)
    documents = [v for k, v in params if k == "query" and v]
    bound = [json_object(v) for k, v in params if k == "variables"]
    variables = [v for v in bound if v is not None] or [{}]
    return [{"query": d, "variables": v} for d in documents for v in variables]


def _stray_mutations(
    req: Request, host: str, target: Target, in_url: list[dict[str, Any]]
) -> list[Effect]:
    """The mutations a request to no GraphQL endpoint carries (a ``query`` in its JSON body or
    URL), and an unknown for a document naming ``mutation`` that is not understood: a GraphQL
    server may stand behind any path. Queries add nothing: the method decides."""
    effects: list[Effect] = []
    for op in [*(_graphql_body(req.body) or ()), *in_url]:
        found = _mutations(op, host, target)
        if found is None and "mutation" in op["query"]:
            reason = "GraphQL document not understood"
            found = [_graphql_effect(EffectKind.UNKNOWN, host, "*", (), target, reason)]
        effects += [e for e in found or () if e not in effects]
    return effects


def _mutations(op: Mapping[str, Any], host: str, target: Target) -> list[Effect] | None:
    """An effect for each mutation ``op`` runs; ``None`` when its document is not understood."""
    from keyturn.understand.shell.commands._graphql import mutation_fields

    variables = op.get("variables")
    fields = mutation_fields(op["query"], variables if isinstance(variables, Mapping) else {})
    if fields is None:
        return None
    return [_graphql_effect(_mutation_kind(f), host, f, ids, target, "") for f, ids in fields]


def _graphql(req: Request, host: str, target: Target, in_url: list[dict[str, Any]]) -> list[Effect]:
    from keyturn.understand.shell.commands._graphql import is_document

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
        found = _mutations(op, host, target) if is_document(op["query"]) else None
        if found is None:
            # Not understood, or no GraphQL operation at all (``DROP TABLE users``): the
            # server behind the path may run it as something else.
            reason = "GraphQL document not understood"
            found = [_graphql_effect(EffectKind.UNKNOWN, host, "*", (), target, reason)]
        effects += [e for e in found if e not in effects]
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
