"""AWS operations whose effect depends on their parameters, not only on their name.

- protection switched off (deletion/termination protection false, also as EC2's
  ``--attribute disableApiTermination --value false``; a lock removed; S3 versioning suspended
  or its MFA delete disabled; an object's legal hold lifted; governance retention bypassed) ->
  ``removes_protection``; so is renaming a resource (``--new-db-instance-identifier``): under
  its new name it is no longer the protected one;
- ``s3 PutBucketLifecycleConfiguration`` (or a Cloud Control patch of a bucket's
  ``LifecycleConfiguration``): a rule that expires objects deletes them;
- ``BackupRetentionPeriod`` set to 0 deletes a database's automated backups: protection removed;
- ``route53 ChangeResourceRecordSets``: one effect per change, DELETE/UPSERT/CREATE;
- ``s3 DeleteObjects``: one delete per key; ``dynamodb BatchWriteItem``/``TransactWriteItems``:
  deletes inside the batch (parameters of the wrong shape: None, for an ``unknown``);
- ``rds-data ExecuteStatement``: the SQL, understood as SQL;
- scaling to zero is disruptive.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from keyturn.model import EffectKind, Resource
from keyturn.understand.aws.lifecycle import cloudformation_rules, expiring_prefixes

_PROTECTION_FLAGS = frozenset(
    {
        "deletionprotection",
        "deletionprotectionenabled",
        "deletionprotected",  # ssm-incidents UpdateDeletionProtection
        "deletionprotectionstatus",  # bedrock-agent's knowledge-base connector
        "deleteprotection",
        "terminationprotection",
        "terminationprotected",  # emr SetTerminationProtection (modify-cluster-attributes)
        "terminationprotectionenabled",  # cloudtrail event data stores, quicksight
        "enableterminationprotection",
        "managedterminationprotection",  # ecs capacity providers: the ASG's instances
        "disableapitermination",
        "disableapistop",  # ec2 stop protection
        # Instances kept from scale-in termination (autoscaling), a task kept from it (ecs),
        # game sessions (gamelift): off, the group or fleet may terminate them.
        "protectedfromscalein",
        "newinstancesprotectedfromscalein",
        "protectionenabled",
        "protectionpolicy",
        "newgamesessionprotectionpolicy",
        "gameserverprotectionpolicy",
        # Network Firewall's and Route 53 Resolver's change locks, DynamoDB's replica
        # disassociation, EFS's replication overwrite protection.
        "subnetchangeprotection",
        "firewallpolicychangeprotection",
        "availabilityzonechangeprotection",
        "mutationprotection",
        "disassociationprotectionenabled",
        "replicationoverwriteprotection",
    }
)
_UNPROTECTING_VERBS = frozenset({"Disable", "Delete", "Remove", "Unlock", "Abort"})
# How a protection switch is said to be off: a boolean, or an enum (Cognito's "INACTIVE",
# autoscaling's DeletionProtection "none", GameLift's "NoProtection").
_OFF = frozenset({"false", "inactive", "disabled", "off", "none", "noprotection", "no_protection"})
# Switches that let one call go past a protection: S3's governance retention, an FSx SnapLock
# volume's enterprise retention, AppConfig's deletion protection check.
_BYPASSES = {
    "BypassGovernanceRetention": "bypasses the object lock's governance retention",
    "BypassSnaplockEnterpriseRetention": "bypasses the volume's SnapLock enterprise retention",
}
# A parameter giving a resource a new name (``NewDBInstanceIdentifier``, ``NewUserName``).
_NEW_NAME = re.compile(r"[Nn]ew[A-Za-z0-9]*(?:Identifier|Name)")


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
    return value is False or (isinstance(value, str) and value.strip().lower() in _OFF)


def _said(value: Any) -> str:
    """How an off value is spelt, for the detail (``false``, ``INACTIVE``, ``NoProtection``)."""
    if isinstance(value, Mapping) and "Value" in value:
        value = value["Value"]
    return value if isinstance(value, str) else "false"


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _text(mapping: Any, key: str) -> str:
    """``mapping[key]`` lower-cased when it is text, else ``""``."""
    value = mapping.get(key) if isinstance(mapping, Mapping) else None
    return value.strip().lower() if isinstance(value, str) else ""


def removes_protection(*, verb: str, noun: str, params: Mapping[str, Any]) -> str | None:
    """Why the call switches a resource's protection off, or None when it does not."""
    if verb in _UNPROTECTING_VERBS and ("Protection" in noun or "Lock" in noun):
        return f"{verb}{noun} removes a protection"
    for key, value in _walk({"": params}):
        if key.lower() in _PROTECTION_FLAGS and _is_false(value):
            return f"sets {key} to {_said(value)}"
        if not isinstance(value, Mapping):
            continue
        # {"Key": "deletion_protection.enabled", "Value": "false"} (ELBv2 attributes), and
        # EC2's --attribute disableApiTermination --value false.
        named = _text(value, "Key") or _text(value, "Attribute") or _text(value, "AttributeName")
        setting = next((value[k] for k in ("Value", "AttributeValue") if k in value), None)
        switch = named.replace("_", "").removesuffix(".enabled")
        if switch in _PROTECTION_FLAGS and _is_false(setting):
            return f"sets {named} to false"
    if verb == "Modify" and _as_int(params.get("BackupRetentionPeriod")) == 0:
        # No automated backups kept: the existing ones are deleted with the change.
        return "sets BackupRetentionPeriod to 0: its automated backups are deleted"
    return _s3_protection(params) or _renames(verb, params)


def patch_removes_protection(params: Mapping[str, Any]) -> str | None:
    """The protection a JSON Patch (Cloud Control's ``PatchDocument``: its text, or as the shell
    reading of the CLI gives it, parsed) switches off: ``[{"op": "replace", "path":
    "/DeletionProtection", "value": false}]``, or one removed."""
    for op in _patch_operations(params):
        field = str(op.get("path") or "").rsplit("/", 1)[-1]
        if field.lower() == "backupretentionperiod" and _as_int(op.get("value")) == 0:
            return f"{field} 0: its automated backups are deleted"
        if field.lower() not in _PROTECTION_FLAGS:
            continue
        if op.get("op") == "remove" or _is_false(op.get("value")):
            return field
    return None


def _patch_operations(params: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The operations of a Cloud Control ``PatchDocument`` (its JSON text, or parsed)."""
    return patch_operations(params) or []


def patch_operations(params: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    """The operations of a Cloud Control ``PatchDocument`` (its JSON text, or parsed); None when
    it cannot be read (not JSON, nested too deep to parse, not a list of operations)."""
    operations = params.get("PatchDocument")
    if isinstance(operations, str):
        try:
            operations = json.loads(operations)
        except (ValueError, RecursionError):
            return None
    if not isinstance(operations, list):
        return None
    return [op for op in operations if isinstance(op, Mapping)]


_LIFECYCLE_PATH = re.compile(r"/LifecycleConfiguration(?P<rules>/Rules(?P<one>/(?:\d+|-))?)?")


def patch_lifecycle(params: Mapping[str, Any]) -> list[str] | None:
    """The key prefixes whose objects the lifecycle rules a Cloud Control patch of an
    ``AWS::S3::Bucket`` sets expire (``[]``: none); None when a lifecycle change it makes
    cannot be read (a single property of a rule changed, a rule copied or moved)."""
    found: list[str] = []
    for op in _patch_operations(params):
        path, verb = str(op.get("path") or ""), op.get("op")
        if not path.startswith("/LifecycleConfiguration") or verb in ("remove", "test"):
            continue
        shape = _LIFECYCLE_PATH.fullmatch(path)
        if shape is None or verb not in ("add", "replace"):
            return None
        value = op.get("value")
        config = (
            {"Rules": [value]} if shape["one"] else {"Rules": value} if shape["rules"] else value
        )
        prefixes = expiring_prefixes(cloudformation_rules(config))
        if prefixes is None:
            return None
        found += prefixes
    return found


def _s3_protection(params: Mapping[str, Any]) -> str | None:
    """S3's protections switched off: versioning suspended, MFA delete disabled, an object's
    legal hold lifted, governance-mode retention bypassed; and the other bypasses
    (``_BYPASSES``, AppConfig's ``DeletionProtectionCheck BYPASS``)."""
    versioning = params.get("VersioningConfiguration")
    if _text(versioning, "Status") == "suspended":
        return "suspends bucket versioning"
    if _text(versioning, "MFADelete") == "disabled":
        return "disables MFA delete on the bucket"
    if _text(params.get("LegalHold"), "Status") == "off":
        return "lifts the object's legal hold"
    for key, why in _BYPASSES.items():
        if _is_true(params.get(key)) or _is_true(_nested(params, "OntapConfiguration", key)):
            return why
    if _text(params, "DeletionProtectionCheck") == "bypass":
        return "bypasses the deletion protection check"
    return None


def _nested(params: Mapping[str, Any], outer: str, key: str) -> Any:
    inner = params.get(outer)
    return inner.get(key) if isinstance(inner, Mapping) else None


def _renames(verb: str, params: Mapping[str, Any]) -> str | None:
    """A rename: the resource leaves the name the policy protects it by."""
    if verb == "Rename":
        return "renames the resource: under its new name it is not protected"
    if verb not in ("Modify", "Update"):
        return None
    for key, value in params.items():
        if _NEW_NAME.fullmatch(key) and isinstance(value, str) and value:
            return f"renames the resource ({key} {value}): under its new name it is not protected"
    return None


def scales_to_zero(service: str, operation: str, params: Mapping[str, Any]) -> bool:
    """Whether the call scales a group or service down to nothing."""
    keys = {
        ("autoscaling", "SetDesiredCapacity"): ("DesiredCapacity",),
        ("autoscaling", "UpdateAutoScalingGroup"): ("MaxSize", "DesiredCapacity"),
        ("ecs", "UpdateService"): ("desiredCount",),
    }.get((service, operation), ())
    if (service, operation) == ("eks", "UpdateNodegroupConfig"):
        scaling = params.get("scalingConfig")
        if not isinstance(scaling, Mapping):
            return False
        params, keys = scaling, ("maxSize", "desiredSize")
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


def s3_deleted_keys(params: Mapping[str, Any]) -> list[str] | None:
    """The keys a ``DeleteObjects`` call deletes; None when they cannot be read (no list of
    objects each with a key: the call is then not understood, nor sent as such)."""
    delete = params.get("Delete")
    objects = delete.get("Objects") if isinstance(delete, Mapping) else None
    if not isinstance(objects, list) or not objects:
        return None
    keys = [o.get("Key") if isinstance(o, Mapping) else None for o in objects]
    if not all(isinstance(k, str | int) and not isinstance(k, bool) and str(k) for k in keys):
        return None
    return [str(k) for k in keys]


def s3_copy_source(params: Mapping[str, Any]) -> tuple[str, str] | str | None:
    """What a ``CopyObject``/``UploadPartCopy`` reads: ``(bucket, key)`` of its ``CopySource``
    (``bucket/key`` or ``/bucket/key``, URL-encoded, perhaps with ``?versionId=``), the ARN
    itself for an access point's object, ``None`` when there is no source to read."""
    from urllib.parse import unquote

    source = params.get("CopySource")
    if isinstance(source, Mapping):  # boto3's dict form
        bucket, key = source.get("Bucket"), source.get("Key")
        return (bucket, str(key)) if isinstance(bucket, str) and isinstance(key, str) else None
    if not isinstance(source, str) or not source.strip():
        return None
    text = source.strip().partition("?versionId=")[0]
    if text.startswith("arn:"):
        return unquote(text)
    bucket, _, key = unquote(text).lstrip("/").partition("/")
    return (bucket, key) if bucket else None


def s3_expiring_prefixes(params: Mapping[str, Any]) -> list[str] | None:
    """The key prefixes (``""``: the whole bucket) whose objects a bucket lifecycle
    configuration expires, that is deletes, current or noncurrent versions alike; None when
    its rules cannot be read (:func:`keyturn.understand.aws.lifecycle.expiring_prefixes`)."""
    config = params.get("LifecycleConfiguration")
    return expiring_prefixes(config.get("Rules") if isinstance(config, Mapping) else None)


def dynamodb_writes(
    operation: str, params: Mapping[str, Any]
) -> list[tuple[EffectKind, str]] | None:
    """``(effect, table)`` for each table a BatchWriteItem / TransactWriteItems writes; None
    when the batch is not of the shape the API takes."""
    items = params.get("RequestItems" if operation == "BatchWriteItem" else "TransactItems")
    if items is None:
        return []  # the call is refused for want of it; judged by its name alone
    if operation == "BatchWriteItem":
        if not isinstance(items, Mapping) or not all(isinstance(r, list) for r in items.values()):
            return None
    elif not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        return None
    found: dict[str, EffectKind] = {}

    def note(table: Any, kind: EffectKind) -> None:
        if isinstance(table, str) and table and found.get(table) is not EffectKind.DELETE:
            found[table] = kind

    if isinstance(items, Mapping):
        for table, requests in items.items():
            deletes = any(isinstance(r, Mapping) and "DeleteRequest" in r for r in requests)
            note(table, EffectKind.DELETE if deletes else EffectKind.UPDATE)
    else:
        for item in items:
            for kind_name, body in item.items():
                if isinstance(body, Mapping):
                    kind = EffectKind.DELETE if kind_name == "Delete" else EffectKind.UPDATE
                    if kind_name == "ConditionCheck":
                        kind = EffectKind.READ
                    note(body.get("TableName"), kind)
    return sorted(((k, t) for t, k in found.items()), key=lambda x: x[1])
