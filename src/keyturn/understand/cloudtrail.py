"""CloudTrail records, understood as the same effects keyturn gives the API call itself.

A record (formats.md §7.3) names the call by ``eventSource`` (``rds.amazonaws.com``, the
service's endpoint prefix) and ``eventName`` (the API operation), with ``requestParameters`` in
camelCase (``dBInstanceIdentifier``). These are mapped back onto botocore's model of the call
(members matched case-insensitively; EC2's ``instancesSet.items[].instanceId`` onto
``InstanceIds``) and understood by :func:`keyturn.understand.aws.aws_effects`, so that a record
and the call keyturn judged name the same resources (``keyturn audit reconcile cloudtrail``).

An ``eventName`` carrying its API version (Lambda's ``DeleteFunction20150331``) is the
operation without it, and an ``eventSource`` several services share (``es``: Elasticsearch and
OpenSearch) is tried as each of them.

S3's records keep its REST request as S3 received it (:func:`request_params`): a header under
its own name, its values a list (``"x-amz-acl": ["public-read"]``), the XML body under its root
element (``AccessControlPolicy.AccessControlList.Grant``, a grantee's ``xsi:type``,
``PublicAccessBlockConfiguration`` with its ``xmlns``), the bucket policy parsed as
``bucketPolicy``, and the sub-resource the call is on as an empty marker (``"acl": [""]``,
``"policy": [""]``). botocore's model names where each member travels, which maps them back.
S3 also records S3 Control's calls (an access point's, the account's public access block),
and names some calls otherwise (``PutBucketPublicAccessBlock``, ``PutAccountPublicAccessBlock``).

A record that is not an API call botocore knows (a console sign-in) gives an ``unknown``
effect with the reason; a record that is not a record at all raises InputError.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target

__all__ = [
    "cloudtrail_effects",
    "cloudtrail_identity",
    "cloudtrail_records",
    "cloudtrail_target",
    "failed",
    "is_read_only",
]

# The API version some services append to the operation in ``eventName``: Lambda's
# ``DeleteFunction20150331`` and ``UpdateFunctionCode20150331v2``, CloudFront's
# ``DeleteDistribution2020_05_31``. Left on, the call would be an unknown one on "anything in
# the account" instead of the delete of the function it names.
_API_VERSION = re.compile(r"(?:\d{8}(?:v\d+)?|\d{4}_\d{2}_\d{2})\Z")
# CloudTrail's names for parameters whose camelCase is not the member's name (a bucket policy
# S3 records parsed, as ``bucketPolicy``, beside the ``"policy": [""]`` of its sub-resource).
_RENAMED = {("s3", "bucketname"): "Bucket", ("s3", "bucketpolicy"): "Policy"}
# S3's event names for calls botocore names otherwise: the bucket's public access block, and
# the account's (S3 Control's, recorded by S3 too). Left unread, switching either off was an
# ``unknown`` on "anything in the account", which named no bucket.
_EVENT_NAMES = {
    "PutBucketPublicAccessBlock": ("s3", "PutPublicAccessBlock"),
    "DeleteBucketPublicAccessBlock": ("s3", "DeletePublicAccessBlock"),
    "GetBucketPublicAccessBlock": ("s3", "GetPublicAccessBlock"),
    "PutAccountPublicAccessBlock": ("s3control", "PutPublicAccessBlock"),
    "DeleteAccountPublicAccessBlock": ("s3control", "DeletePublicAccessBlock"),
    "GetAccountPublicAccessBlock": ("s3control", "GetPublicAccessBlock"),
}
# Where a REST member travels outside the body: CloudTrail gives it under the header's or the
# query's name, its values as a list.
_REST_LOCATIONS = frozenset({"header", "querystring", "uri"})


def cloudtrail_records(document: Any, *, source: str = "cloudtrail") -> list[Mapping[str, Any]]:
    """The records of a CloudTrail document: ``{"Records": [...]}`` or one record."""
    if isinstance(document, Mapping) and "Records" in document:
        records = document["Records"]
        if not isinstance(records, list) or not all(isinstance(r, Mapping) for r in records):
            raise InputError(f"{source}: Records: expected a list of objects")
        return list(records)
    if isinstance(document, Mapping):
        return [document]
    raise InputError(f"{source}: expected a CloudTrail record or {{'Records': [...]}}")


def _text(record: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = record.get(key)
    if value is None or value == "":
        if required:
            raise InputError(f"cloudtrail record: {key}: missing")
        return None
    if not isinstance(value, str):
        raise InputError(f"cloudtrail record: {key}: expected a string")
    return value


def cloudtrail_target(record: Mapping[str, Any]) -> Target:
    """Region and account the recorded call landed in."""
    identity = record.get("userIdentity")
    account = _text(record, "recipientAccountId")
    if account is None and isinstance(identity, Mapping):
        account = identity.get("accountId") if isinstance(identity.get("accountId"), str) else None
    return Target(aws_region=_text(record, "awsRegion"), aws_account=account)


def _check(record: Any) -> Mapping[str, Any]:
    if not isinstance(record, Mapping):
        raise InputError("cloudtrail record: expected a JSON object")
    return record


def cloudtrail_effects(record: Mapping[str, Any]) -> list[Effect]:
    """The effects of the call one CloudTrail record describes (never empty)."""
    from keyturn.understand.aws import aws_effects, catalog

    record = _check(record)
    source = _text(record, "eventSource", required=True) or ""
    name = _text(record, "eventName", required=True) or ""
    target = cloudtrail_target(record)
    prefix = source.removesuffix(".amazonaws.com")
    renamed = _EVENT_NAMES.get(name) if prefix in ("s3", "s3-control") else None
    for service in (renamed[0],) if renamed else _services(prefix):
        try:
            operation = catalog.resolve_operation(service, renamed[1] if renamed else name)
        except InputError:
            try:  # Lambda's and CloudFront's names carry their API version
                operation = catalog.resolve_operation(service, _API_VERSION.sub("", name))
            except InputError:
                continue
        model = catalog.operation_model(service, operation)
        params = request_params(record.get("requestParameters"), model.input_shape, service)
        return aws_effects(service, operation, params, target=target)
    reason = f"{source} {name} is not an API operation botocore knows"
    kind = str(record.get("eventType") or "")
    if kind and kind != "AwsApiCall":
        reason += f" ({kind})"
    region, account = target.aws_region or "*", target.aws_account or "*"
    return [
        Effect(
            effect=EffectKind.UNKNOWN,
            resource=Resource(names=(f"arn:aws:{prefix}:{region}:{account}:*",)),
            target=target,
            service=prefix,
            operation=f"{prefix}:{name}",
            detail=reason,
        )
    ]


def _services(prefix: str) -> Iterator[str]:
    """The services an ``eventSource`` host may stand for: the one named like it first, then
    every other whose endpoint prefix it is. Several share one (``es``: Elasticsearch and
    OpenSearch; ``apigateway``: v1 and v2): OpenSearch's ``DeleteDomain`` is not the
    Elasticsearch service's, yet is recorded as ``es.amazonaws.com``."""
    from keyturn.understand.aws import catalog

    seen = catalog.services_for_endpoint(prefix)
    yield from seen
    # The index behind services_for_endpoint, read only when the first answers failed.
    _, by_prefix = catalog._metadata_index()
    yield from (s for s in by_prefix.get(prefix.lower(), ()) if s not in seen)
    if prefix.lower() == "s3":  # S3 Control's calls are S3's events (after S3's own names)
        yield "s3control"


def request_params(value: Any, shape: Any, service: str) -> dict[str, Any]:
    """CloudTrail's camelCase ``requestParameters`` as the operation's input parameters (an S3
    or S3 Control call's REST request as its members: :func:`_structure`)."""
    if not isinstance(value, Mapping) or shape is None:
        return {}
    # A REST-XML body whose root element is the request itself (S3 Control's
    # ``PutAccessPointPolicyRequest``, ``CreateAccessPointRequest``): its members beside the
    # headers' and the path's.
    root = getattr(shape, "serialization", {}).get("name")
    body = value.get(root) if isinstance(root, str) else None
    if isinstance(body, Mapping):
        value = {**{k: v for k, v in value.items() if k != root}, **body}
    mapped = _structure(value, shape, service)
    return mapped if isinstance(mapped, dict) else {}


def _structure(value: Mapping[str, Any], shape: Any, service: str) -> dict[str, Any]:
    members = getattr(shape, "members", {})
    by_lower = {m.lower(): m for m in members}
    # A member by the name it travels under: a header (``x-amz-acl``), a query or path part, an
    # XML element or attribute (``AccessControlList``, ``xsi:type``).
    by_wire = {
        str(wire).lower(): m
        for m, s in members.items()
        if isinstance(wire := getattr(s, "serialization", {}).get("name"), str)
    }
    out: dict[str, Any] = {}
    for key, item in value.items():
        low = str(key).lower()
        member = _RENAMED.get((service, low)) or by_lower.get(low) or by_wire.get(low)
        if member is not None:
            if _marker(item, members[member]):
                continue  # the sub-resource the call is on (``"acl": [""]``), not a value
            out[member] = _convert(item, members[member], service)
        elif low.endswith("set") and isinstance(item, Mapping):
            # EC2's query-protocol lists: instancesSet.items[].instanceId -> InstanceIds.
            ids = _set_items(item)
            if ids is not None and (target := by_lower.get(ids[0].lower() + "s")):
                out[target] = ids[1]
    return out


def _set_items(value: Mapping[str, Any]) -> tuple[str, list[Any]] | None:
    items = value.get("items")
    if not isinstance(items, list) or not items:
        return None
    keys = {k for i in items if isinstance(i, Mapping) for k in i}
    if len(keys) != 1:
        return None
    key = keys.pop()
    return key, [i[key] for i in items if isinstance(i, Mapping)]


def _marker(value: Any, shape: Any) -> bool:
    """An S3 sub-resource's empty marker (``[""]``) where the member holds no list."""
    return value == [""] and getattr(shape, "type_name", "") != "list"


def _convert(value: Any, shape: Any, service: str) -> Any:
    kind = getattr(shape, "type_name", "")
    if kind == "structure" and isinstance(value, Mapping):
        return _structure(value, shape, service)
    if kind == "list":
        # An XML list as S3 records it: its items under their element's name (``{"Grant":
        # [...]}``), one item alone when there is only one.
        item = getattr(shape.member, "serialization", {}).get("name")
        if isinstance(value, Mapping) and isinstance(item, str) and item in value:
            value = value[item]
            value = value if isinstance(value, list) else [value]
        if isinstance(value, list):
            return [_convert(v, shape.member, service) for v in value]
        return value
    located = getattr(shape, "serialization", {}).get("location") in _REST_LOCATIONS
    if located and isinstance(value, list) and len(value) == 1:
        return value[0]  # a header's values, as S3 records them: one value, as botocore takes
    return value


def cloudtrail_identity(record: Mapping[str, Any]) -> dict[str, Any]:
    """Who made the recorded call: principal type, ARN, session issuer, source identity,
    session tags, user name, access key, and the raw ``sessionContext``. Absent parts are
    left out."""
    record = _check(record)
    ident = record.get("userIdentity")
    ident = ident if isinstance(ident, Mapping) else {}
    context = ident.get("sessionContext")
    context = context if isinstance(context, Mapping) else {}
    issuer = context.get("sessionIssuer")
    issuer = issuer if isinstance(issuer, Mapping) and issuer else None
    arn = ident.get("arn")
    found: dict[str, Any] = {
        "type": ident.get("type"),
        "arn": arn,
        "principal_id": ident.get("principalId"),
        "account_id": ident.get("accountId"),
        "user_name": ident.get("userName") or (issuer or {}).get("userName"),
        "access_key_id": ident.get("accessKeyId"),
        "invoked_by": ident.get("invokedBy"),
        "session_name": _session_name(arn),
        "session_issuer": dict(issuer) if issuer else None,
        "source_identity": context.get("sourceIdentity") or ident.get("sourceIdentity"),
        "session_tags": _tags(record, ident, context),
        "on_behalf_of": ident.get("onBehalfOf"),
        "session_context": dict(context) if context else None,
    }
    return {k: v for k, v in found.items() if v not in (None, "", {})}


def _session_name(arn: Any) -> str | None:
    """``arn:aws:sts::1:assumed-role/Role/session`` -> ``session``."""
    if isinstance(arn, str) and ":assumed-role/" in arn:
        parts = arn.split(":assumed-role/", 1)[1].split("/")
        return parts[1] if len(parts) > 1 else None
    return None


def _tags(
    record: Mapping[str, Any], ident: Mapping[str, Any], context: Mapping[str, Any]
) -> dict[str, str]:
    """Session tags: the principal's tags, and those an AssumeRole record sets."""
    tags: dict[str, str] = {}
    for source in (ident.get("principalTags"), context.get("principalTags")):
        if isinstance(source, Mapping):
            tags.update({str(k): str(v) for k, v in source.items()})
    # Only an AssumeRole call's ``tags`` are session tags; any other call's are the tags it
    # puts on a resource (CreateDBInstance, CreateBucket...), which say nothing of who called.
    params = record.get("requestParameters") if _assumes_role(record) else None
    listed = params.get("tags") if isinstance(params, Mapping) else None
    for tag in listed if isinstance(listed, list) else ():
        if isinstance(tag, Mapping) and "key" in tag:
            tags[str(tag["key"])] = str(tag.get("value", ""))
    return tags


def _assumes_role(record: Mapping[str, Any]) -> bool:
    name = record.get("eventName")
    return record.get("eventSource") == "sts.amazonaws.com" and (
        isinstance(name, str) and name.startswith("AssumeRole")
    )


def failed(record: Mapping[str, Any]) -> str | None:
    """The error code of a call that failed, or None when it succeeded."""
    code = _check(record).get("errorCode")
    return code if isinstance(code, str) and code else None


def is_read_only(record: Mapping[str, Any]) -> bool:
    """Whether the call only read: the record's ``readOnly`` when present, else whether every
    effect keyturn sees in it is a read."""
    flag = _check(record).get("readOnly")
    if isinstance(flag, bool):
        return flag
    if isinstance(flag, str) and flag.lower() in ("true", "false"):
        return flag.lower() == "true"
    return all(e.effect is EffectKind.READ for e in cloudtrail_effects(record))
