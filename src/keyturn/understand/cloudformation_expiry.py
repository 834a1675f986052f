"""CloudFormation ``Modify`` changes that set a rule deleting data later.

A bucket's ``LifecycleConfiguration`` whose rules expire objects, a table's (or global table's)
``TimeToLiveSpecification`` turned on, a repository's ``LifecyclePolicy`` expiring images, a
log group's ``RetentionInDays`` set where it was unset or lowered: the service deletes on its
own soon after, as :mod:`keyturn.understand.aws.lifecycle` explains, so each is judged as that
deletion, on the names the direct deletion has. A change set carries the property's value only
with ``IncludePropertyValues``, and only down to the path it changed: what cannot be read whole
is ``unknown``. (A retention with neither value given, as without
``IncludePropertyValues``, is unread; one with a value before and none after is taken away,
which deletes nothing.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from keyturn.model import EffectKind, Resource
from keyturn.understand.aws.lifecycle import (
    bucket_objects,
    cloudformation_rules,
    ecr_policy_expires,
    log_events,
    new_expiring_prefixes,
    prefix_deletions,
    retention_cut,
)

__all__ = ["later_deletions"]

_E = EffectKind
# A global table's TTL (the same {Enabled, AttributeName}) deletes in every replica alike.
_TABLES = frozenset({"AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"})
Deletion = tuple[EffectKind, Resource, str]


def later_deletions(
    rtype: str, physical: str, names: tuple[str, ...], changes: list[tuple[str, str, Any, Any]]
) -> list[Deletion]:
    """The deletions the property ``changes`` (``(property, path, before, after)`` each) of a
    modified resource of type ``rtype`` bring about later; ``names`` name the resource."""
    found: list[Deletion] = []
    for prop, path, before, after in changes:
        whole = path in ("", f"/Properties/{prop}")
        if rtype == "AWS::S3::Bucket" and prop == "LifecycleConfiguration" and physical:
            found += _bucket_expiry(physical, before, after if whole else None)
        elif rtype in _TABLES and prop == "TimeToLiveSpecification":
            found += _ttl(names, after if whole else _deeper(path, after, "Enabled"))
        elif rtype == "AWS::ECR::Repository" and prop == "LifecyclePolicy":
            found += _ecr(names, after if whole else _deeper(path, after, "LifecyclePolicyText"))
        elif rtype == "AWS::Logs::LogGroup" and prop == "RetentionInDays":
            found += _retention(names, before, after, whole=whole)
    return found


def _deeper(path: str, value: Any, key: str) -> Any:
    """A value given at ``/Properties/<prop>/<key>`` as the object ``{key: value}``; None
    (unreadable) at any other path."""
    return {key: value} if path.rsplit("/", 1)[-1] == key and path.count("/") == 3 else None


def _json(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value


def _bucket_expiry(bucket: str, before: Any, after: Any) -> list[Deletion]:
    old = cloudformation_rules(before) if before is not None else []
    new = cloudformation_rules(after) if after is not None else None
    prefixes = new_expiring_prefixes(old, new)
    if prefixes is None:
        unread = "a lifecycle change that could not be read: it may expire (delete) any object"
        return [(_E.UNKNOWN, bucket_objects(bucket, ""), unread)]
    return prefix_deletions(bucket, prefixes)


def _ttl(names: tuple[str, ...], after: Any) -> list[Deletion]:
    spec = _json(after)
    enabled = spec.get("Enabled") if isinstance(spec, Mapping) else None
    if enabled is False or str(enabled).lower() == "false":
        return []
    resource = Resource(names, "AWS::DynamoDB::Table")
    if enabled is True or str(enabled).lower() == "true":
        return [(_E.DELETE, resource, "TTL deletes every item whose TTL attribute is past")]
    return [(_E.UNKNOWN, resource, "a TTL change that could not be read: it may delete items")]


def _ecr(names: tuple[str, ...], after: Any) -> list[Deletion]:
    policy = _json(after)
    text = policy.get("LifecyclePolicyText") if isinstance(policy, Mapping) else None
    expires = ecr_policy_expires(text)
    resource = Resource(names, "AWS::ECR::Repository")
    if expires is None:
        return [(_E.UNKNOWN, resource, "a lifecycle policy that could not be read: it may "
                 "expire (delete) any image")]  # fmt: skip
    if expires:
        return [(_E.DELETE, resource, "a lifecycle rule expires (deletes) the repository's images")]
    return []


def _retention(names: tuple[str, ...], before: Any, after: Any, *, whole: bool) -> list[Deletion]:
    """A log group's retention set or lowered: a delete of its events older than it."""
    events = log_events(names)
    cut = retention_cut(before, after) if whole and (before, after) != (None, None) else None
    if cut is None:
        return [(_E.UNKNOWN, events, "a retention change that could not be read: it may delete "
                 "the log group's events")]  # fmt: skip
    if cut:
        cut_to = f"retention lowered to {str(after).strip()} days: older log events are deleted"
        return [(_E.DELETE, events, cut_to)]
    return []
