"""Planned changes that set a rule deleting data later (:mod:`keyturn.understand.aws.lifecycle`).

- ``aws_s3_bucket_lifecycle_configuration`` (and an ``aws_s3_bucket``'s inline
  ``lifecycle_rule``) whose rules expire objects: a delete of the objects each new or changed
  rule reaches, ``arn:aws:s3:::<bucket>/<prefix>*``, as ``PutBucketLifecycleConfiguration``;
- ``aws_ecr_lifecycle_policy`` expiring images: a delete of the repository's images, named as
  the repository (as ``BatchDeleteImage``);
- an ``aws_dynamodb_table``'s ``ttl`` turned on (or onto another attribute): a delete of the
  table's items, named as the table (as ``DeleteItem``);
- an ``aws_cloudwatch_log_group``'s (or ``awscc_logs_log_group``'s) ``retention_in_days`` set
  where it was 0 or unset (kept for ever) or lowered: a delete of the group's events (CloudWatch
  Logs deletes the events older than the retention), named as the group and ``<ARN>:*``;
- an ``aws_kinesis_stream``'s ``retention_period`` lowered: a delete of the stream's records
  older than it, named as the stream;
- the same settings on the Cloud Control provider's ``awscc_s3_bucket``
  (``lifecycle_configuration``), ``awscc_dynamodb_table``/``awscc_dynamodb_global_table``
  (``time_to_live_specification``) and ``awscc_ecr_repository`` (``lifecycle_policy``).

What cannot be read (rules or a bucket known only on apply) is ``unknown``. A rule kept word
for word deletes nothing new; a new bucket or table holds nothing to delete.
"""

from __future__ import annotations

from typing import Any

from keyturn.model import EffectKind, Resource
from keyturn.understand.aws.lifecycle import (
    bucket_objects,
    cloudformation_rules,
    ecr_policy_expires,
    log_events,
    new_expiring_prefixes,
    prefix_deletions,
    terraform_rules,
)
from keyturn.understand.aws_names import resource_names

__all__ = ["EXPIRY_TYPES", "later_deletions"]

# The types a change of which may set a rule that deletes later (and every ``awscc_`` type).
EXPIRY_TYPES = frozenset(
    {"aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket", "aws_ecr_lifecycle_policy"}
    | {"aws_dynamodb_table", "aws_cloudwatch_log_group", "aws_kinesis_stream"}
)
_LOG_GROUPS = frozenset({"aws_cloudwatch_log_group", "awscc_logs_log_group"})

_E = EffectKind
Deletion = tuple[EffectKind, Resource, str]
_SETS = frozenset({_E.CREATE, _E.UPDATE, _E.REPLACE})


def later_deletions(
    resource_type: str, address: str, kind: EffectKind, before: Any, after: Any,
    names: tuple[str, ...],
) -> list[Deletion]:  # fmt: skip
    """The deletions a change (effect ``kind``) of ``resource_type`` from ``before`` to
    ``after`` brings about later; ``names`` name the changed resource itself."""
    if kind not in _SETS or not isinstance(after, dict):
        return []
    old = before if isinstance(before, dict) else {}
    if resource_type == "aws_s3_bucket_lifecycle_configuration":
        return _bucket_expiry(address, old.get("rule"), after.get("rule"), after.get("bucket"))
    if resource_type == "aws_s3_bucket" and kind is _E.UPDATE and "lifecycle_rule" in after:
        rules = (old.get("lifecycle_rule"), after["lifecycle_rule"])
        return _bucket_expiry(address, *rules, after.get("bucket") or old.get("bucket"))
    if resource_type == "aws_ecr_lifecycle_policy" and after.get("policy") != old.get("policy"):
        return _ecr(address, after.get("repository"), after.get("policy"))
    if resource_type == "aws_dynamodb_table" and kind is _E.UPDATE:
        return _ttl(names, _block(old.get("ttl")), _block(after.get("ttl")))
    if resource_type in _LOG_GROUPS and kind is _E.UPDATE and "retention_in_days" in after:
        unset = resource_type.startswith("awscc_")  # the aws provider's unset is 0, not null
        days = (old.get("retention_in_days"), after["retention_in_days"])
        return _retention(names, *days, null_is_unset=unset)
    if resource_type == "aws_kinesis_stream" and kind is _E.UPDATE and "retention_period" in after:
        return _stream_retention(names, old.get("retention_period"), after["retention_period"])
    if resource_type.startswith("awscc_") and kind is _E.UPDATE:
        return _awscc(resource_type, address, old, after, names)
    return []


def _awscc(
    resource_type: str, address: str, before: dict[str, Any], after: dict[str, Any],
    names: tuple[str, ...],
) -> list[Deletion]:  # fmt: skip
    """The same settings on the Cloud Control provider's types, in CloudFormation's shape with
    snake_case keys (``lifecycle_configuration.rules``, ``time_to_live_specification``,
    ``lifecycle_policy.lifecycle_policy_text``); the resource is named from its ``id``."""
    if resource_type == "awscc_s3_bucket" and "lifecycle_configuration" in after:
        if after["lifecycle_configuration"] is None is before.get("lifecycle_configuration"):
            return []  # none before, none after (null is also "known only on apply")
        bucket = after.get("bucket_name") or after.get("id") or before.get("id")
        old = cloudformation_rules(_camel(before.get("lifecycle_configuration"))) or []
        new = cloudformation_rules(_camel(after["lifecycle_configuration"]))
        return _prefixes_deleted(address, new_expiring_prefixes(old, new), bucket)
    if resource_type in _AWSCC_TABLES and "time_to_live_specification" in after:
        spec, was = after["time_to_live_specification"], before.get("time_to_live_specification")
        return _ttl(names, _block(was), _block(spec) or ({} if spec is None else {"?": spec}))
    if resource_type == "awscc_ecr_repository" and "lifecycle_policy" in after:
        policy, was = _block(after["lifecycle_policy"]), _block(before.get("lifecycle_policy"))
        text = policy.get("lifecycle_policy_text")
        if after["lifecycle_policy"] is None or text == was.get("lifecycle_policy_text"):
            return []  # no policy, or the same rules as before: nothing new expires
        repository = after.get("repository_name") or after.get("id") or before.get("id")
        return _ecr(address, repository, text)
    return []


_AWSCC_TABLES = frozenset({"awscc_dynamodb_table", "awscc_dynamodb_global_table"})


def _camel(value: Any) -> Any:
    """A snake_case tree (``expiration_in_days``) in CloudFormation's CamelCase keys
    (``ExpirationInDays``), so that the CloudFormation reading of the rules applies."""
    if isinstance(value, dict):
        return {camel_word(str(k)): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def camel_word(key: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in key.split("_"))


def _block(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else {}


def _bucket_expiry(address: str, before: Any, after: Any, bucket: Any) -> list[Deletion]:
    prefixes = new_expiring_prefixes(terraform_rules(before), terraform_rules(after))
    return _prefixes_deleted(address, prefixes, bucket)


def _prefixes_deleted(address: str, prefixes: list[str] | None, bucket: Any) -> list[Deletion]:
    if prefixes == []:
        return []
    if not isinstance(bucket, str) or not bucket:
        unread = "lifecycle rules on a bucket known only on apply: they may expire its objects"
        return [(_E.UNKNOWN, Resource((f"{address} (bucket)",), "s3-object"), unread)]
    if prefixes is None:
        unread = "lifecycle rules known only on apply: they may expire (delete) any object"
        return [(_E.UNKNOWN, bucket_objects(bucket, ""), unread)]
    return prefix_deletions(bucket, prefixes)


def _ecr(address: str, repository: Any, policy: Any) -> list[Deletion]:
    expires = ecr_policy_expires(policy)
    if expires is False:
        return []
    names = resource_names("ecr:repository", repository) if isinstance(repository, str) else ()
    resource = Resource(names or (f"{address} (repository)",), "ecr-repository")
    if expires is None:
        unread = "a lifecycle policy known only on apply: it may expire (delete) any image"
        return [(_E.UNKNOWN, resource, unread)]
    return [(_E.DELETE, resource, "a lifecycle rule expires (deletes) the repository's images")]


def _ttl(names: tuple[str, ...], before: dict[str, Any], after: dict[str, Any]) -> list[Deletion]:
    enabled, attribute = after.get("enabled"), after.get("attribute_name")
    if enabled is False or not after:
        return []  # off, or no ttl block: nothing expires
    if before.get("enabled") is True and before.get("attribute_name") == attribute:
        return []  # on already, on the same attribute: nothing new expires
    resource = Resource(names, "aws_dynamodb_table")
    if enabled is not True or not isinstance(attribute, str):
        return [(_E.UNKNOWN, resource, "a TTL known only on apply: it may delete items")]
    return [(_E.DELETE, resource, f"TTL deletes every item whose {attribute} is a past time")]


def _retention(
    names: tuple[str, ...], before: Any, after: Any, *, null_is_unset: bool
) -> list[Deletion]:
    """A log group's retention set where it kept its events for ever (0 or unset), or lowered:
    a delete of its events older than it. A null after is known only on apply, unless
    ``null_is_unset`` and there was none before either."""
    was = before if _days(before) else None  # 0, unset or unread: kept for ever
    forever = isinstance(after, int) and not isinstance(after, bool) and after == 0
    if not forever and not _days(after):  # null: known only on apply (or unread)
        if after is None and was is None and null_is_unset:
            return []  # none before, none after
        return [(_E.UNKNOWN, log_events(names), "a retention known only on apply: it may "
                 "delete the log group's events")]  # fmt: skip
    if forever or (was is not None and after >= was):
        return []  # kept for ever from now on, or longer than before
    return [(_E.DELETE, log_events(names), f"retention cut to {after} days (was "
             f"{was or 'never expire'}): older log events are deleted")]  # fmt: skip


def _stream_retention(names: tuple[str, ...], before: Any, after: Any) -> list[Deletion]:
    """A stream's retention (hours) lowered: its records older than the new one are deleted."""
    if not _days(before):
        return []  # unknown before: a new or unread stream, no records this change reaches
    records = Resource(names, "kinesis-records")
    if not _days(after):
        return [(_E.UNKNOWN, records, "a retention known only on apply: it may delete the "
                 "stream's records")]  # fmt: skip
    if after >= before:
        return []
    return [(_E.DELETE, records, f"retention cut from {before} to {after} hours: older records "
             "are deleted")]  # fmt: skip


def _days(value: Any) -> bool:
    """Whether ``value`` is a retention: a whole number of days (or hours) above 0."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
