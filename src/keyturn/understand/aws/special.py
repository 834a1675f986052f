"""AWS operations whose effect depends on their parameters, not only on their name.

- protection switched off (deletion/termination protection false, a lock removed, S3 versioning
  suspended) -> ``removes_protection``;
- ``route53 ChangeResourceRecordSets``: one effect per change, DELETE/UPSERT/CREATE;
- ``s3 DeleteObjects``: one delete per key; ``dynamodb BatchWriteItem``/``TransactWriteItems``:
  deletes inside the batch;
- ``rds-data ExecuteStatement``: the SQL, understood as SQL;
- scaling to zero is disruptive.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from keyturn.model import EffectKind, Resource

_PROTECTION_FLAGS = frozenset(
    {
        "deletionprotection",
        "deletionprotectionenabled",
        "terminationprotection",
        "enableterminationprotection",
        "disableapitermination",
    }
)
_UNPROTECTING_VERBS = frozenset({"Disable", "Delete", "Remove", "Unlock", "Abort"})


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every ``(key, value)`` pair at any depth of a parameter tree."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key), item
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield "", item
            yield from _walk(item)


def _is_false(value: Any) -> bool:
    if isinstance(value, Mapping) and "Value" in value:
        value = value["Value"]
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def removes_protection(*, verb: str, noun: str, params: Mapping[str, Any]) -> str | None:
    """Why the call switches a resource's protection off, or None when it does not."""
    if verb in _UNPROTECTING_VERBS and ("Protection" in noun or "Lock" in noun):
        return f"{verb}{noun} removes a protection"
    for key, value in _walk(params):
        if key.lower() in _PROTECTION_FLAGS and _is_false(value):
            return f"sets {key} to false"
        if (
            isinstance(value, Mapping)
            and str(value.get("Key", "")).lower() == "deletion_protection.enabled"
            and _is_false(value.get("Value"))
        ):
            return "sets deletion_protection.enabled to false"
    status = params.get("VersioningConfiguration")
    if isinstance(status, Mapping) and str(status.get("Status", "")).lower() == "suspended":
        return "suspends bucket versioning"
    return None


def scales_to_zero(service: str, operation: str, params: Mapping[str, Any]) -> bool:
    """Whether the call scales a group or service down to nothing."""
    keys = {
        ("autoscaling", "SetDesiredCapacity"): ("DesiredCapacity",),
        ("autoscaling", "UpdateAutoScalingGroup"): ("MaxSize", "DesiredCapacity"),
        ("ecs", "UpdateService"): ("desiredCount",),
    }.get((service, operation), ())
    return any(_as_int(params.get(k)) == 0 for k in keys)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def is_dry_run(params: Mapping[str, Any]) -> bool:
    """EC2-style ``DryRun=True``: the call only checks permissions."""
    value = params.get("DryRun")
    return value is True or (isinstance(value, str) and value.lower() == "true")


_ROUTE53_ACTIONS = {
    "CREATE": EffectKind.CREATE,
    "UPSERT": EffectKind.UPDATE,
    "DELETE": EffectKind.DELETE,
}


def route53_changes(params: Mapping[str, Any]) -> list[tuple[EffectKind, Resource, str]]:
    """One ``(effect, record set, detail)`` per change in a ChangeResourceRecordSets batch."""
    zone = str(params.get("HostedZoneId", "*")).rsplit("/", 1)[-1] or "*"
    batch = params.get("ChangeBatch")
    changes = batch.get("Changes") if isinstance(batch, Mapping) else None
    found: list[tuple[EffectKind, Resource, str]] = []
    for change in changes if isinstance(changes, list) else []:
        if not isinstance(change, Mapping):
            continue
        action = str(change.get("Action", "")).upper()
        record = change.get("ResourceRecordSet")
        record = record if isinstance(record, Mapping) else {}
        rname, rtype = str(record.get("Name", "*")), str(record.get("Type", "*"))
        name = f"arn:aws:route53:::hostedzone/{zone}/recordset/{rname}/{rtype}"
        kind = _ROUTE53_ACTIONS.get(action, EffectKind.UNKNOWN)
        detail = f"{action or '?'} {rtype} record {rname}"
        if kind is EffectKind.UNKNOWN:
            detail = f"route53 change action {action!r} is not understood"
        found.append((kind, Resource(names=(name,), type="route53-record-set"), detail))
    return found


def s3_deleted_keys(params: Mapping[str, Any]) -> list[str]:
    """The keys a ``DeleteObjects`` call deletes."""
    delete = params.get("Delete")
    objects = delete.get("Objects") if isinstance(delete, Mapping) else None
    keys = [o.get("Key") for o in objects or () if isinstance(o, Mapping)]
    return [str(k) for k in keys if k]


def dynamodb_writes(operation: str, params: Mapping[str, Any]) -> list[tuple[EffectKind, str]]:
    """``(effect, table)`` for each table a BatchWriteItem / TransactWriteItems writes."""
    found: dict[str, EffectKind] = {}

    def note(table: Any, kind: EffectKind) -> None:
        if isinstance(table, str) and table and found.get(table) is not EffectKind.DELETE:
            found[table] = kind

    if operation == "BatchWriteItem":
        items = params.get("RequestItems")
        for table, requests in (items or {}).items() if isinstance(items, Mapping) else ():
            deletes = any(isinstance(r, Mapping) and "DeleteRequest" in r for r in requests or ())
            note(table, EffectKind.DELETE if deletes else EffectKind.UPDATE)
    else:
        for item in params.get("TransactItems") or ():
            for kind_name, body in item.items() if isinstance(item, Mapping) else ():
                if isinstance(body, Mapping):
                    kind = EffectKind.DELETE if kind_name == "Delete" else EffectKind.UPDATE
                    if kind_name == "ConditionCheck":
                        kind = EffectKind.READ
                    note(body.get("TableName"), kind)
    return sorted(((k, t) for t, k in found.items()), key=lambda x: x[1])
