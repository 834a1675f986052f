"""Rules that delete later: S3 lifecycle expiration, ECR lifecycle policies, DynamoDB TTL, log
retention.

None of these deletes anything when it is set, yet each has the service delete on its own soon
after, with no call keyturn sees: an S3 rule that expires objects deletes them (current or past
versions alike: the whole history of a state bucket within a day), an ECR policy that expires
images deletes them, a DynamoDB TTL deletes the items whose attribute holds a past time, a
CloudWatch Logs retention deletes the events older than it (within 72 hours, AWS says: a cut
from ten years to one day wipes an audit trail). So setting one is judged as the deletion it
brings, on the names the direct deletion has (``s3 DeleteObjects``, ``ecr BatchDeleteImage``,
``dynamodb DeleteItem``, the log group's own names for its events: :func:`log_events`),
whichever surface sets it: the AWS API, Cloud Control, a Terraform plan or a CloudFormation
change set.

S3 rules are read in the API's shape (``Rules[]`` with ``Expiration``,
``NoncurrentVersionExpiration``, ``Filter``/``Prefix``); the CloudFormation and Terraform
shapes are brought to it first (:func:`cloudformation_rules`, :func:`terraform_rules`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from keyturn.model import EffectKind, Resource

__all__ = [
    "bucket_objects",
    "cloudformation_rules",
    "ecr_policy_expires",
    "expiring_prefixes",
    "log_events",
    "new_expiring_prefixes",
    "prefix_deletions",
    "retention_cut",
    "terraform_rules",
    "ttl_turned_on",
]


def bucket_objects(bucket: str, prefix: str) -> Resource:
    """Every object of ``bucket`` under ``prefix`` (``""``: the whole bucket)."""
    names = (f"arn:aws:s3:::{bucket}/{prefix}*", f"s3://{bucket}/{prefix}*")
    return Resource(names=names, type="s3-object")


def prefix_deletions(bucket: str, prefixes: list[str]) -> list[tuple[EffectKind, Resource, str]]:
    """The deletions expiring rules on ``prefixes`` of ``bucket`` bring, one per prefix."""
    return [
        (EffectKind.DELETE, bucket_objects(bucket, prefix),
         f"a lifecycle rule expires (deletes) the objects under {prefix or 'the bucket'}")
        for prefix in dict.fromkeys(prefixes)
    ]  # fmt: skip


def expiring_prefixes(rules: Any) -> list[str] | None:
    """The key prefixes (``""``: the whole bucket) whose objects the API-shaped ``rules``
    expire, that is delete, current or noncurrent versions alike; None when they cannot be
    read. Rules that only transition or clean up uploads delete nothing. A rule's ``Status`` is
    not trusted to keep it off: enabling it later is one more call."""
    if not isinstance(rules, list) or not all(isinstance(r, Mapping) for r in rules):
        return None
    return [_rule_prefix(r) for r in rules if _expires(r)]


def new_expiring_prefixes(before: Any, after: Any) -> list[str] | None:
    """The prefixes the expiring rules of ``after`` reach that are not already in ``before``
    word for word (a rule kept as it was deletes nothing new); None when ``after`` cannot be
    read. ``before`` that cannot be read counts as no rules."""
    found = expiring_prefixes(after)
    if found is None:
        return None
    kept = before if isinstance(before, list) else []
    return [_rule_prefix(r) for r in after if _expires(r) and not _kept(r, kept)]


def _kept(rule: Mapping[str, Any], before: list[Any]) -> bool:
    """Whether ``rule`` was in ``before`` already, as much on: a disabled rule turned on
    starts expiring then, so it is new (one turned off, or kept off, deletes nothing new)."""
    same = [b for b in before if isinstance(b, Mapping) and _but_status(b) == _but_status(rule)]
    return any(not _disabled(b) or _disabled(rule) for b in same)


def _but_status(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rule.items() if k != "Status"}


def _disabled(rule: Mapping[str, Any]) -> bool:
    # Only a plain "Disabled" (or false) is off: anything else is taken as on, fail closed.
    status = rule.get("Status")
    return status is False or (isinstance(status, str) and status.strip().lower() == "disabled")


def _expires(rule: Mapping[str, Any]) -> bool:
    # Present at all: an expiration whose values this code cannot read still expires.
    return "Expiration" in rule or "NoncurrentVersionExpiration" in rule


def _rule_prefix(rule: Mapping[str, Any]) -> str:
    """The prefix a lifecycle rule applies to: its filter's (or the legacy rule's) prefix; a
    rule filtered by tags or size alone reaches anywhere in the bucket."""
    found = rule.get("Filter")
    if isinstance(found, Mapping) and isinstance(found.get("And"), Mapping):
        found = found["And"]
    prefix = found.get("Prefix") if isinstance(found, Mapping) else rule.get("Prefix")
    return prefix if isinstance(prefix, str) else ""


# CloudFormation's AWS::S3::Bucket Rule properties that expire objects.
_CFN_EXPIRY = ("ExpirationInDays", "ExpirationDate", "ExpiredObjectDeleteMarker", "Expiration")
_CFN_NONCURRENT = ("NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays")


def cloudformation_rules(config: Any) -> list[dict[str, Any]] | None:
    """The API-shaped rules of a CloudFormation ``LifecycleConfiguration`` (an object, or its
    JSON text as a change set gives it); None when it cannot be read."""
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except (ValueError, RecursionError):
            return None
    rules = config.get("Rules") if isinstance(config, Mapping) else None
    if not isinstance(rules, list) or not all(isinstance(r, Mapping) for r in rules):
        return None
    shaped: list[dict[str, Any]] = []
    for rule in rules:
        api: dict[str, Any] = {"Prefix": rule.get("Prefix"), "Status": rule.get("Status")}
        if any(rule.get(k) not in (None, False) for k in _CFN_EXPIRY):
            api["Expiration"] = {k: rule.get(k) for k in _CFN_EXPIRY}
        if any(rule.get(k) is not None for k in _CFN_NONCURRENT):
            api["NoncurrentVersionExpiration"] = {k: rule.get(k) for k in _CFN_NONCURRENT}
        shaped.append(api)
    return shaped


def terraform_rules(rules: Any) -> list[dict[str, Any]] | None:
    """The API-shaped rules of a Terraform ``rule`` list (``aws_s3_bucket_lifecycle_configuration``)
    or inline ``lifecycle_rule`` list (``aws_s3_bucket``); None when they cannot be read (a value
    known only on apply, null in a plan). Nested blocks are lists of one object in a plan."""
    if not isinstance(rules, list) or not all(isinstance(r, Mapping) for r in rules):
        return None
    shaped: list[dict[str, Any]] = []
    for rule in rules:
        # ``status`` ("Enabled"/"Disabled") of a configuration's rule, ``enabled`` of an inline one.
        status = rule.get("status", rule.get("enabled"))
        api: dict[str, Any] = {"Prefix": rule.get("prefix"), "Status": status}
        found = _block(rule.get("filter"))
        if found is not None:
            both = _block(found.get("and"))
            api["Filter"] = {"Prefix": (both or found).get("prefix")}
        if _block(rule.get("expiration")):
            api["Expiration"] = rule["expiration"]
        if _block(rule.get("noncurrent_version_expiration")):
            api["NoncurrentVersionExpiration"] = rule["noncurrent_version_expiration"]
        shaped.append(api)
    return shaped


def _block(value: Any) -> Mapping[str, Any] | None:
    """The one object of a nested block (a list of one in a plan), or None."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, Mapping) else None


def ecr_policy_expires(text: Any) -> bool | None:
    """Whether an ECR lifecycle policy (its JSON text) has a rule whose action expires
    (deletes) images; None when it cannot be read."""
    if isinstance(text, str):
        try:
            text = json.loads(text)
        except (ValueError, RecursionError):
            return None
    rules = text.get("rules") if isinstance(text, Mapping) else None
    if not isinstance(rules, list):
        return None
    for rule in rules:
        action = rule.get("action") if isinstance(rule, Mapping) else None
        kind = action.get("type") if isinstance(action, Mapping) else None
        if not isinstance(kind, str) or kind.lower() != "transition":
            return True  # "expire", or a type not known here: taken as deleting
    return False


def ttl_turned_on(spec: Any) -> bool | None:
    """Whether a DynamoDB ``TimeToLiveSpecification`` (an object, or its JSON text) turns TTL
    on (its ``Enabled``, a boolean or its text); None when it cannot be read."""
    if isinstance(spec, str):
        try:
            spec = json.loads(spec)
        except (ValueError, RecursionError):
            return None
    enabled = spec.get("Enabled") if isinstance(spec, Mapping) else None
    if isinstance(enabled, str):
        enabled = {"true": True, "false": False}.get(enabled.strip().lower())
    return enabled if isinstance(enabled, bool) else None


def log_events(names: tuple[str, ...]) -> Resource:
    """The events of the log group ``names`` name: the group's own names (so that protecting the
    group protects its events), and ``<ARN>:*`` for each of its log-group ARNs, the spelling
    ``DescribeLogGroups`` gives, which stands for its streams and their events."""
    events = tuple(
        f"{name}:*"
        for name in names
        if name.startswith("arn:") and ":log-group:" in name and not name.endswith(":*")
    )
    return Resource(names=tuple(dict.fromkeys((*names, *events))), type="log-events")


def retention_cut(before: Any, after: Any) -> bool | None:
    """Whether a log group's retention going from ``before`` to ``after`` days (a number or
    its text; None: kept for ever) deletes events: a retention where there was none, or a
    shorter one. A retention taken away deletes nothing; None when ``after`` cannot be read.
    A ``before`` that cannot be read counts as none (fail closed: any retention may delete)."""
    if after is None:
        return False
    days = _days(after)
    if days is None:
        return None
    was = _days(before) if before is not None else None
    return was is None or days < was


def _days(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if text.isascii() and text.isdigit():
        return int(text)
    return None
