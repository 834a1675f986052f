"""What an HTTP request to an AWS endpoint does: the AWS part of :mod:`._http_meaning`.

An endpoint is ``https://<service>.<region>.amazonaws.com`` (FIPS and dual-stack ones too). The
query API (``Action=...`` in the URL or a form body), JSON APIs (``X-Amz-Target``) and S3 REST
calls are understood as the API call they make (:func:`keyturn.understand.aws.aws_effects`).
S3's sub-resources (``PUT /?versioning``, ``POST /?delete``...) are the operation they name,
their XML body read into that operation's parameters by the small reader kept here (an unread
versioning or legal hold body may switch a protection off: so judged).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from keyturn.errors import KeyturnError
from keyturn.model import Effect, EffectKind, Target
from keyturn.understand.shell.commands._http_request import (
    READ_METHODS,
    Request,
    generic,
    json_object,
)
from keyturn.understand.shell.commands._kube_call import untold

_REGION = re.compile(r"[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d")
# AWS endpoints: the classic domains and the dual-stack one (``ec2.us-east-1.api.aws``).
AWS_DOMAINS = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")


def aws(req: Request, host: str, path: str, query: str, target: Target) -> list[Effect]:
    from keyturn.understand.aws import aws_effects

    labels = host.split(".")
    # FIPS endpoints name the service with a suffix: ``rds-fips``, ``iam-fips``.
    service = labels[0].removesuffix("-fips")
    region = next((label for label in labels[1:] if _REGION.fullmatch(label)), None)
    # Signed with the keys on the command line (``--aws-sigv4 --user``), not the shell's AWS
    # profile: curl reads no AWS_PROFILE, so the profile says nothing of the account.
    where = replace(untold(target), aws_region=region)
    pairs = parse_qsl(query)
    if req.body and "=" in req.body and not req.body.lstrip().startswith("{"):
        pairs += parse_qsl(req.body)
    actions = {v for k, v in pairs if k == "Action"}
    if len([k for k, _ in pairs if k == "Action"]) > 1 and len(actions) > 1:
        # Which one the service takes (the URL's or the body's, the first or the last) is
        # not told: AWS documents none.
        why = f"more than one Action ({', '.join(sorted(actions))[:80]}): which runs is not told"
        return [_unknown_aws(replace(req, method="POST"), where, why)]
    params: dict[str, Any] = dict(pairs)
    amz_target = next((v for k, v in req.headers if k.lower() == "x-amz-target"), None)
    if "Action" in params:
        operation = params.pop("Action")
        params.pop("Version", None)
    elif amz_target:
        operation = amz_target.rsplit(".", 1)[-1]
        params = json_object(req.body) or {}
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
    if unmapped and method not in READ_METHODS:
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
    effect = generic(req, target)
    kind = EffectKind.READ if effect.effect is EffectKind.READ else EffectKind.UNKNOWN
    return Effect(
        effect=kind,
        resource=effect.resource,
        target=target,
        service="aws",
        operation=effect.operation,
        detail="" if kind is EffectKind.READ else reason,
    )
