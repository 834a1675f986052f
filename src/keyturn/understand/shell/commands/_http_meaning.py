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
- Anything else: the URL itself names the resource (``https://api.example.com/v1/items/7``,
  without user info, query or fragment, so tokens in them never reach a name); DELETE/PURGE ->
  delete, PUT/PATCH -> update, POST -> create (delete when the path names a destructive action),
  GET/HEAD/OPTIONS -> read, other methods -> unknown.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from keyturn.errors import KeyturnError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.k8s_kinds import (
    collection_delete_names,
    is_cluster_scoped,
    normalize_kind,
    object_names,
)
from keyturn.understand.shell.commands._kube_call import untold


@dataclass(frozen=True, slots=True)
class Request:
    """One request as far as the command line tells. ``body`` is ``None`` when there is none;
    ``body_unknown`` when there is one whose text is not at hand."""

    method: str
    url: str
    body: str | None = None
    body_unknown: bool = False
    headers: tuple[tuple[str, str], ...] = ()


_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_METHOD_EFFECTS = {
    "DELETE": EffectKind.DELETE,
    "PURGE": EffectKind.DELETE,
    "PUT": EffectKind.UPDATE,
    "PATCH": EffectKind.UPDATE,
    "POST": EffectKind.CREATE,
}
_DESTRUCTIVE_WORD = re.compile(
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


def request_effects(req: Request, *, target: Target) -> list[Effect]:
    """The effects of ``req``. A request to an API server by address takes none of the
    shell's kube or AWS hints: curl reads neither."""
    parts = urlsplit(req.url if "://" in req.url else "http://" + req.url)
    host = (parts.hostname or "") if _valid_port(req.url) else ""
    segments = api_segments(parts.path)
    if effects := _kubernetes(req, segments, untold(target)):
        return effects
    if host.endswith(_AWS_DOMAINS):
        return _aws(req, host, parts.path, parts.query, target)
    in_url = _graphql_query(parts.query)
    graphql_path = any(s.lower() in _GRAPHQL_SEGMENTS for s in segments)
    if graphql_path or _graphql_body(req.body) is not None or _runs_mutation(in_url):
        return _graphql(req, host, target, in_url)
    return [_generic(req, target)]


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


def _generic(req: Request, target: Target) -> Effect:
    method = req.method.upper()
    name = url_name(req.url)
    kind = EffectKind.READ if method in _READ_METHODS else _METHOD_EFFECTS.get(method)
    if kind is EffectKind.CREATE and _DESTRUCTIVE_WORD.search(urlsplit(name).path):
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


_K8S_VERBS = {
    "DELETE": EffectKind.DELETE,
    "PUT": EffectKind.UPDATE,
    "PATCH": EffectKind.UPDATE,
    "POST": EffectKind.CREATE,
}
_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d")
_K8S_EXEC = frozenset({"exec", "attach", "portforward", "proxy"})


def _k8s_object(segs: list[str]) -> tuple[str | None, str, str, str] | None:
    """(namespace, kind, name or ``*``, subresource) of an API path, or ``None``."""
    rest = segs[2:] if segs[0] == "api" else segs[3:]
    if (segs[0] == "apis" and len(segs) < 3) or not rest:
        return None
    if rest[0] == "namespaces" and len(rest) >= 4:
        return rest[1], rest[2], rest[3] if len(rest) > 3 else "*", "/".join(rest[4:])
    if rest[0] == "namespaces" and len(rest) == 3 and rest[2] not in ("status", "finalize"):
        return rest[1], rest[2], "*", ""
    return None, rest[0], rest[1] if len(rest) > 1 else "*", "/".join(rest[2:])


_K8S_VERSION = re.compile(r"v\d+(?:(?:alpha|beta)\d+)?")


def _k8s_paths(segs: list[str]) -> list[list[str]]:
    """Every Kubernetes API path inside ``segs``: from each ``api/<version>`` or
    ``apis/<group>/<version>``, wherever it stands -- the API is often served under a prefix
    (Rancher's ``/k8s/clusters/<id>/``, ``kubectl proxy --api-prefix``)."""
    found = []
    for i, seg in enumerate(segs):
        version = i + 1 if seg == "api" else i + 2 if seg == "apis" else -1
        if 0 < version < len(segs) and _K8S_VERSION.fullmatch(segs[version]):
            found.append(segs[i:])
    return found


def _kubernetes(req: Request, segments: list[str], target: Target) -> list[Effect]:
    """Effects of a Kubernetes API call (path ``segments``, see :func:`api_segments`) landing
    in ``target``, or ``[]`` when the path is not one. A path holding more than one API path (a
    prefix that looks like one) is judged as each of them."""
    effects: list[Effect] = []
    for segs in _k8s_paths(segments):
        effects += _kubernetes_object(req, segs, target)
    return effects


def _kubernetes_object(req: Request, segs: list[str], target: Target) -> list[Effect]:
    found = _k8s_object(segs)
    if found is None:
        return []
    namespace, plural, name, sub = found
    kind, method = normalize_kind(plural), req.method.upper()
    effect = EffectKind.READ if method in _READ_METHODS else _K8S_VERBS.get(method)
    detail = "every object of the collection" if name == "*" else ""
    if method == "POST" and not sub:
        # POST creates into a collection; the new object's name is in the body
        body = _json_object(req.body) or {}
        metadata = body.get("metadata")
        name = str(metadata.get("name") or "*") if isinstance(metadata, dict) else "*"
        detail = ""
    elif method == "POST" and sub == "eviction":
        effect, detail = EffectKind.DELETE, "evicts the pod"
    if sub.split("/")[0] in _K8S_EXEC:
        effect, detail = EffectKind.UNKNOWN, f"runs commands in the cluster ({sub})"
    if namespace is None and not is_cluster_scoped(kind):
        namespace = "*"  # a namespaced kind listed across every namespace
    names = object_names(kind, name, namespace)
    if effect is EffectKind.DELETE and name == "*" and not sub:
        # A DELETE on a collection (deletecollection) empties the namespace of that kind.
        names = collection_delete_names(kind, namespace)
        if namespace and not is_cluster_scoped(kind) and kind != "namespace":
            detail = f"deletes the contents of namespace {namespace} (every {kind})"
    return [
        Effect(
            effect=effect or EffectKind.UNKNOWN,
            resource=Resource(names=names, type=kind),
            target=target,
            service="k8s",
            operation=f"k8s:{method} {kind}" + (f"/{sub}" if sub else ""),
            detail=detail if effect else f"HTTP method {method} not understood",
        )
    ]


# AWS endpoints: the classic domains and the dual-stack one (``ec2.us-east-1.api.aws``).
_AWS_DOMAINS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


def _aws(req: Request, host: str, path: str, query: str, target: Target) -> list[Effect]:
    from keyturn.understand.aws import aws_effects

    labels = host.split(".")
    # FIPS endpoints name the service with a suffix: ``rds-fips``, ``iam-fips``.
    service = labels[0].removesuffix("-fips")
    region = next((label for label in labels[1:] if _REGION.fullmatch(label)), None)
    # Signed with the keys on the command line (``--aws-sigv4 --user``), not the shell's AWS
    # profile: curl reads no AWS_PROFILE, so the profile says nothing of the account.
    where = replace(untold(target), aws_region=region)
    params: dict[str, Any] = dict(parse_qsl(query))
    if req.body and "=" in req.body and not req.body.lstrip().startswith("{"):
        params.update(parse_qsl(req.body))
    amz_target = next((v for k, v in req.headers if k.lower() == "x-amz-target"), None)
    if "Action" in params:
        operation = params.pop("Action")
        params.pop("Version", None)
    elif amz_target:
        operation = amz_target.rsplit(".", 1)[-1]
        params = _json_object(req.body) or {}
    elif service == "s3" or ".s3." in host or labels[1:2] == ["s3"]:
        return _s3(req, host, path, query, where)
    else:
        return [_unknown_aws(req, where, "an AWS REST call keyturn does not map")]
    try:
        return aws_effects(service, operation, params, target=where)
    except KeyturnError as exc:
        # The call is named (an Action, a target header): a GET runs it as well as a POST.
        unknown = _unknown_aws(req, where, f"AWS call not understood: {exc}")
        return [replace(unknown, effect=EffectKind.UNKNOWN, detail=f"{operation}: {exc}")]


def _s3(req: Request, host: str, path: str, query: str, target: Target) -> list[Effect]:
    """An S3 REST call: the object or bucket operation its method makes, or the one its
    sub-resource names (``PUT /?versioning`` is PutBucketVersioning, ``POST /?delete``
    DeleteObjects), with the parameters its XML body and headers give."""
    if host.startswith("s3.") or host.startswith("s3-"):  # path style: /bucket/key
        bucket, _, key = path.lstrip("/").partition("/")
    else:  # virtual-hosted style: bucket.s3.region.amazonaws.com/key
        bucket, key = host.split(".s3", 1)[0], path.lstrip("/")
    method = req.method.upper()
    if not bucket:
        return [_unknown_aws(req, target, "S3 call without a bucket")]
    pairs = parse_qsl(query, keep_blank_values=True)
    params: dict[str, Any] = {"Bucket": bucket, **({"Key": key} if key else {})}
    if key and (version := dict(pairs).get("versionId")):
        params["VersionId"] = version
    if _header(req, "x-amz-bypass-governance-retention").lower() == "true":
        params["BypassGovernanceRetention"] = True
    table = _S3_OBJECT_SUBRESOURCES if key else _S3_BUCKET_SUBRESOURCES
    subresources = [k for k in dict.fromkeys(k for k, _ in pairs) if k in table]
    if subresources:
        return [e for sub in subresources for e in _s3_subresource(req, sub, table, params, target)]
    unmapped = [k for k, _ in pairs if not _plain_s3_query(k)]
    if unmapped and method not in _READ_METHODS:
        reason = f"S3 {method} ?{unmapped[0]}: a sub-resource keyturn does not map"
        return [_unknown_aws(req, target, reason)]
    ops = {"DELETE": "Delete", "PUT": "Put", "GET": "Get", "HEAD": "Head"}
    if method not in ops:
        return [_unknown_aws(req, target, f"S3 {method} not understood")]
    if key and method == "PUT" and (source := _header(req, "x-amz-copy-source")):
        operation, params["CopySource"] = "CopyObject", source
    elif key:
        operation = f"{ops[method]}Object"
    else:
        names = {"PUT": "CreateBucket", "GET": "ListObjectsV2", "HEAD": "HeadBucket"}
        operation = names.get(method, f"{ops[method]}Bucket")
    return _s3_call(req, operation, params, target)


def _s3_subresource(
    req: Request, sub: str, table: Mapping[str, Mapping[str, str]], params: Any, target: Target
) -> list[Effect]:
    operation = table[sub].get(req.method.upper())
    if operation is None:
        return [_unknown_aws(req, target, f"S3 {req.method.upper()} ?{sub} not understood")]
    return _s3_call(req, operation, params, target)


def _s3_call(req: Request, operation: str, params: dict[str, Any], target: Target) -> list[Effect]:
    """The effects of one S3 operation, its XML body read into the parameters the API (and
    the CLI's ``--versioning-configuration``...) takes. A body that decides a protection but
    cannot be read (not at hand, not XML of the right shape) may switch it off: so judged."""
    from keyturn.understand.aws import aws_effects

    body = _S3_BODIES.get(operation)
    read = _s3_body(req.body, body[0]) if body and not req.body_unknown else None
    if body and read is not None:
        params = {**params, body[1]: read}
    effects = aws_effects("s3", operation, params, target=target)
    removal = _S3_BODY_PROTECTIONS.get(operation)
    if removal and read is None:
        why = f"removes protection: its body could not be read ({removal})"
        return [replace(e, removes_protection=True, detail=why) for e in effects]
    return effects


def _header(req: Request, name: str) -> str:
    return next((v.strip() for k, v in req.headers if k.strip().lower() == name), "")


# S3's REST sub-resources (``?versioning``): the operation each method makes of them, on a
# bucket and on an object. An unlisted query key on a call that writes is not understood.
_S3_BUCKET_SUBRESOURCES: dict[str, dict[str, str]] = {
    "versioning": {"GET": "GetBucketVersioning", "PUT": "PutBucketVersioning"},
    "lifecycle": {
        "GET": "GetBucketLifecycleConfiguration",
        "PUT": "PutBucketLifecycleConfiguration",
        "DELETE": "DeleteBucketLifecycle",
    },
    "policy": {"GET": "GetBucketPolicy", "PUT": "PutBucketPolicy", "DELETE": "DeleteBucketPolicy"},
    "policyStatus": {"GET": "GetBucketPolicyStatus"},
    "object-lock": {"GET": "GetObjectLockConfiguration", "PUT": "PutObjectLockConfiguration"},
    "acl": {"GET": "GetBucketAcl", "PUT": "PutBucketAcl"},
    "logging": {"GET": "GetBucketLogging", "PUT": "PutBucketLogging"},
    "notification": {
        "GET": "GetBucketNotificationConfiguration",
        "PUT": "PutBucketNotificationConfiguration",
    },
    "accelerate": {
        "GET": "GetBucketAccelerateConfiguration",
        "PUT": "PutBucketAccelerateConfiguration",
    },
    "requestPayment": {"GET": "GetBucketRequestPayment", "PUT": "PutBucketRequestPayment"},
    "location": {"GET": "GetBucketLocation"},
    "versions": {"GET": "ListObjectVersions"},
    "uploads": {"GET": "ListMultipartUploads"},
    "delete": {"POST": "DeleteObjects"},
    **{
        sub: {verb: f"{verb.title()}Bucket{noun}" for verb in ("GET", "PUT", "DELETE")}
        for sub, noun in (
            ("tagging", "Tagging"),
            ("encryption", "Encryption"),
            ("replication", "Replication"),
            ("cors", "Cors"),
            ("website", "Website"),
            ("ownershipControls", "OwnershipControls"),
            ("analytics", "AnalyticsConfiguration"),
            ("metrics", "MetricsConfiguration"),
            ("inventory", "InventoryConfiguration"),
            ("intelligent-tiering", "IntelligentTieringConfiguration"),
        )
    },
    "publicAccessBlock": {
        "GET": "GetPublicAccessBlock",
        "PUT": "PutPublicAccessBlock",
        "DELETE": "DeletePublicAccessBlock",
    },
}
_S3_OBJECT_SUBRESOURCES: dict[str, dict[str, str]] = {
    "legal-hold": {"GET": "GetObjectLegalHold", "PUT": "PutObjectLegalHold"},
    "retention": {"GET": "GetObjectRetention", "PUT": "PutObjectRetention"},
    "tagging": {
        "GET": "GetObjectTagging",
        "PUT": "PutObjectTagging",
        "DELETE": "DeleteObjectTagging",
    },
    "acl": {"GET": "GetObjectAcl", "PUT": "PutObjectAcl"},
    "uploads": {"POST": "CreateMultipartUpload"},
    "uploadId": {
        "GET": "ListParts",
        "PUT": "UploadPart",
        "POST": "CompleteMultipartUpload",
        "DELETE": "AbortMultipartUpload",
    },
    "restore": {"POST": "RestoreObject"},
    "attributes": {"GET": "GetObjectAttributes"},
    "torrent": {"GET": "GetObjectTorrent"},
    "select": {"POST": "SelectObjectContent"},
}
# Query keys that choose how a call reads or which version, not which operation it is.
_S3_PLAIN_QUERY = frozenset(
    {"prefix", "delimiter", "list-type", "max-keys", "continuation-token", "start-after"}
    | {"encoding-type", "fetch-owner", "marker", "key-marker", "version-id-marker", "id"}
    | {"upload-id-marker", "max-uploads", "part-number-marker", "max-parts", "partNumber"}
    | {"versionId", "x-id", "AWSAccessKeyId", "Signature", "Expires"}
)


def _plain_s3_query(key: str) -> bool:
    # Presigned URLs carry ``X-Amz-*`` keys; ``response-*`` overrides the reply's headers.
    return key in _S3_PLAIN_QUERY or key.lower().startswith(("x-amz-", "response-"))


# Operations whose XML body decides what they do: its root element, and the parameter the API
# (and the CLI) takes it as.
_S3_BODIES = {
    "PutBucketVersioning": ("VersioningConfiguration", "VersioningConfiguration"),
    "PutObjectLegalHold": ("LegalHold", "LegalHold"),
    "PutBucketLifecycleConfiguration": ("LifecycleConfiguration", "LifecycleConfiguration"),
    "DeleteObjects": ("Delete", "Delete"),
    "PutObjectRetention": ("Retention", "Retention"),
}
# Where an unread body may switch a protection off (an unread lifecycle or delete list is
# judged unknown by the AWS understanding itself).
_S3_BODY_PROTECTIONS = {
    "PutBucketVersioning": "it may suspend versioning or disable MFA delete",
    "PutObjectLegalHold": "it may lift the object's legal hold",
}
# Elements that repeat in a body and are a list in the API's parameters.
_S3_XML_LISTS = {"Rule": "Rules", "Object": "Objects"}
_S3_XML_RENAMES = {"MfaDelete": "MFADelete"}


def _s3_body(text: str | None, root: str) -> dict[str, Any] | None:
    """The body's ``root`` element as API parameters, or None when it is not that."""
    tree = _xml(text) if text else None
    if tree is None or tree[0] != root or isinstance(tree[1], str):
        return None
    return _xml_params(tree[1])


def _xml_params(children: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tag, value in children:
        converted = value if isinstance(value, str) else _xml_params(value)
        if tag in _S3_XML_LISTS:
            out.setdefault(_S3_XML_LISTS[tag], []).append(converted)
        else:
            out[_S3_XML_RENAMES.get(tag, tag)] = converted
    return out


_XML_TOKEN = re.compile(r"<\?xml[^>]*\?>|<(/?)([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)(/?)>|([^<]+)")


def _xml(text: str) -> tuple[str, Any] | None:
    """The root element of a small XML document as ``(tag, text or [(tag, value)...])``, or
    None when it is not plain XML (comments, DOCTYPE, CDATA: an S3 body needs none)."""
    stack: list[tuple[str, list[tuple[str, Any]], list[str]]] = [("", [], [])]
    pos = 0
    for token in _XML_TOKEN.finditer(text):
        if token.start() != pos:
            return None
        pos = token.end()
        closing, tag, _, empty, chars = token.groups()
        tag = (tag or "").rpartition(":")[2]
        if chars is not None:
            stack[-1][2].append(html.unescape(chars))
        elif tag and closing:
            name, children, texts = stack.pop()
            if name != tag or not stack:
                return None
            value = children or "".join(texts).strip()
            stack[-1][1].append((tag, value))
        elif tag and empty:
            stack[-1][1].append((tag, ""))
        elif tag:
            stack.append((tag, [], []))
    if pos != len(text) or len(stack) != 1 or len(stack[0][1]) != 1:
        return None
    return stack[0][1][0]


def _unknown_aws(req: Request, target: Target, reason: str) -> Effect:
    effect = _generic(req, target)
    kind = EffectKind.READ if effect.effect is EffectKind.READ else EffectKind.UNKNOWN
    return Effect(
        effect=kind,
        resource=effect.resource,
        target=target,
        service="aws",
        operation=effect.operation,
        detail="" if kind is EffectKind.READ else reason,
    )


def _json_object(text: str | None) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


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
    variables = _json_object(params.get("variables")) or {}
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
        if req.method.upper() in _READ_METHODS:
            return [_generic(req, target)]
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
    if _DESTRUCTIVE_WORD.search(field):
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
