"""Cloud Control ``UpdateResource`` patches that set a rule deleting data later.

A bucket's ``LifecycleConfiguration``, a table's (or global table's) ``TimeToLiveSpecification``,
a repository's ``LifecyclePolicy``, a log group's ``RetentionInDays``: each has the service
delete on its own soon after, as :mod:`.lifecycle` explains, so a patch setting one is judged
as that deletion, just as the service's own call (``PutBucketLifecycleConfiguration``,
``UpdateTimeToLive``, ``PutLifecyclePolicy``, ``PutRetentionPolicy``) is. The setting may be
patched at its own path, at a path inside it, or with the whole document at the root path:
what cannot be read is ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import EffectKind, Resource
from keyturn.understand.aws import special
from keyturn.understand.aws.lifecycle import (
    bucket_objects,
    ecr_policy_expires,
    log_events,
    prefix_deletions,
    retention_cut,
    ttl_turned_on,
)
from keyturn.understand.aws_names import cloudformation_names

__all__ = ["Later", "patch_deletions"]

# (effect, what it deletes: None for the patched resource itself, why)
Later = tuple[EffectKind, Resource | None, str]

# The property of each type whose setting deletes later.
_EXPIRY_PROPERTY = {
    "AWS::S3::Bucket": "LifecycleConfiguration",
    "AWS::DynamoDB::Table": "TimeToLiveSpecification",
    "AWS::DynamoDB::GlobalTable": "TimeToLiveSpecification",
    "AWS::ECR::Repository": "LifecyclePolicy",
    "AWS::Logs::LogGroup": "RetentionInDays",
}
_UNREAD = "a patch that could not be read: it may set a rule that deletes data later"
_TTL = "TTL deletes every item whose TTL attribute is a past time"
_TTL_UNREAD = "a TTL change that could not be read: it may delete items"
_ECR = "a lifecycle rule expires (deletes) the repository's images"
_ECR_UNREAD = "a lifecycle policy that could not be read: it may expire (delete) any image"
_RETENTION = "a retention deletes the log group's events older than it"
_RETENTION_UNREAD = "a retention change that could not be read: it may delete log events"
_S3_UNREAD = "a lifecycle change that could not be read: it may expire (delete) any object"


def patch_deletions(params: Mapping[str, Any]) -> list[Later]:
    """The deletions a Cloud Control ``UpdateResource`` (its ``TypeName``, ``Identifier`` and
    ``PatchDocument``) brings about later; empty for a type or patch that sets no such rule."""
    type_name = params.get("TypeName")
    prop = _EXPIRY_PROPERTY.get(type_name) if isinstance(type_name, str) else None
    if prop is None or params.get("PatchDocument") is None:
        return []
    operations = special.patch_operations(params)
    touched = _operations_on(operations, prop) if operations is not None else None
    if touched is None:
        return [(EffectKind.UNKNOWN, None, _UNREAD)]
    if not touched:
        return []
    if prop == "LifecycleConfiguration":
        return _bucket(params.get("Identifier"), touched)
    if prop == "TimeToLiveSpecification":
        return _ttl(touched)
    if prop == "RetentionInDays":
        return _retention(touched, params.get("Identifier"))
    return _ecr(touched)


def _operations_on(
    operations: list[Mapping[str, Any]], prop: str
) -> list[Mapping[str, Any]] | None:
    """The operations that set ``prop`` (or a field in it), their paths spelled as
    ``/<prop>...``; a whole document at the root path counts as setting ``prop`` when it holds
    it. None when one cannot be read: a root value that is not an object, a path that is not
    a JSON pointer. (A copy or move onto the property is kept: what it sets is unknown.)"""
    found: list[Mapping[str, Any]] = []
    for op in operations:
        path, verb = op.get("path"), op.get("op")
        if not isinstance(path, str) or not isinstance(verb, str):
            return None
        if path in ("", "/"):
            if verb in ("remove", "test"):
                continue
            value = op.get("value")
            if verb not in ("add", "replace") or not isinstance(value, Mapping):
                return None
            key = next((k for k in value if str(k).lower() == prop.lower()), None)
            if key is not None:
                found.append({"op": verb, "path": f"/{prop}", "value": value[key]})
            continue
        if not path.startswith("/"):
            return None  # not a JSON pointer: where it points cannot be told
        head = path[1:].split("/")[0]
        if head.lower() != prop.lower() or verb in ("remove", "test"):
            continue  # another property, or a rule taken away: nothing deleted by it
        found.append({**op, "path": f"/{prop}{path[1 + len(head) :]}"})
    return found


def _bucket(bucket: Any, operations: list[Mapping[str, Any]]) -> list[Later]:
    if not isinstance(bucket, str) or not bucket:
        return [(EffectKind.UNKNOWN, None, _S3_UNREAD)]
    prefixes = special.patch_lifecycle({"PatchDocument": operations})
    if prefixes is None:
        return [(EffectKind.UNKNOWN, bucket_objects(bucket, ""), _S3_UNREAD)]
    return list(prefix_deletions(bucket, prefixes))


def _ttl(operations: list[Mapping[str, Any]]) -> list[Later]:
    found: list[Later] = []
    for op in operations:
        path, value = op["path"], op.get("value")
        if op.get("op") not in ("add", "replace"):
            turned_on = None
        elif path == "/TimeToLiveSpecification":
            turned_on = ttl_turned_on(value)
        elif path.lower() == "/timetolivespecification/enabled":
            turned_on = ttl_turned_on({"Enabled": value})
        else:
            turned_on = None  # the attribute changed: whether TTL is on is not in the patch
        if turned_on is None:
            found.append((EffectKind.UNKNOWN, None, _TTL_UNREAD))
        elif turned_on:
            found.append((EffectKind.DELETE, None, _TTL))
    return found


def _ecr(operations: list[Mapping[str, Any]]) -> list[Later]:
    found: list[Later] = []
    for op in operations:
        path, value = op["path"], op.get("value")
        if op.get("op") not in ("add", "replace"):
            expires = None
        elif path == "/LifecyclePolicy":
            text = value.get("LifecyclePolicyText") if isinstance(value, Mapping) else None
            expires = ecr_policy_expires(text) if text is not None else None
            if isinstance(value, Mapping) and "LifecyclePolicyText" not in value:
                expires = False  # no rules set: nothing expires
        elif path.lower() == "/lifecyclepolicy/lifecyclepolicytext":
            expires = ecr_policy_expires(value)
        elif path.lower() == "/lifecyclepolicy/registryid":
            expires = False
        else:
            expires = None
        if expires is None:
            found.append((EffectKind.UNKNOWN, None, _ECR_UNREAD))
        elif expires:
            found.append((EffectKind.DELETE, None, _ECR))
    return found


def _retention(operations: list[Mapping[str, Any]], group: Any) -> list[Later]:
    """A retention patched onto a log group: its events deleted, the retention before being
    unknown here (fail closed); a null one keeps them for ever."""
    names = cloudformation_names("AWS::Logs::LogGroup", group) if isinstance(group, str) else ()
    events = log_events(names) if names else None
    found: list[Later] = []
    for op in operations:
        value = op.get("value") if op.get("op") in ("add", "replace") else "?"
        cut = retention_cut(None, value)
        if cut is None:
            found.append((EffectKind.UNKNOWN, events, _RETENTION_UNREAD))
        elif cut:
            found.append((EffectKind.DELETE, events, _RETENTION))
    return found
