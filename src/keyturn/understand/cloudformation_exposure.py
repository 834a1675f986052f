"""CloudFormation changes that open a store to the world: judged as removing its protection.

Whoever may read a protected store from anywhere may copy its data away, and closing it again
does not bring the data back: an exposure is held as strictly as switching a store's deletion
protection off (``removes_protection``, the effect's kind kept), as ``gcloud``/``az`` commands
that open a bucket or a storage account are (docs/security.md). The properties, as the
CloudFormation resource schemas give them (cfn-lint 1.58's registry schemas, read here):

- ``AWS::S3::Bucket`` ``PublicAccessBlockConfiguration``: any of ``BlockPublicAcls``,
  ``BlockPublicPolicy``, ``IgnorePublicAcls``, ``RestrictPublicBuckets`` false or left out (a
  left-out flag is false), or the whole configuration taken away; ``AccessControl``
  ``PublicRead``, ``PublicReadWrite`` or ``AuthenticatedRead`` (the canned ACLs that grant
  everyone, or every AWS account, access);
- ``AWS::RDS::DBInstance`` and ``AWS::RDS::DBCluster`` (a Multi-AZ DB cluster: the only kind
  the schema lets be public) ``PubliclyAccessible`` true (an address on the internet);
- an ``Add`` of such a database made public from another's data -- a snapshot
  (``DBSnapshotIdentifier``, ``DBClusterSnapshotIdentifier``, a cluster's
  ``SnapshotIdentifier``), a read replica (``SourceDBInstanceIdentifier``,
  ``SourceDBClusterIdentifier``, a cluster's ``ReplicationSourceIdentifier``) or a point in
  time of another (a cluster's ``SourceDBClusterIdentifier``) -- opens the *source*'s data: an
  ``update`` of the source that removes its protection (:func:`restored_exposure`), read from
  the change's ``AfterContext``; a source named only by a resource id or a backups ARN, or
  known only after apply, is ``unknown``. Without ``AfterContext`` (no
  ``IncludePropertyValues``) an ``Add`` shows no property at all: judged as the create it is;
- ``AWS::S3::BucketPolicy`` a statement allowing ``Principal`` ``*`` (or ``{"AWS": "*"}``, or
  ``NotPrincipal``) without a ``Condition``: the store is the bucket of its ``Bucket``
  property, which is also its physical id (the schema's primary identifier).

In a change set a ``Modify`` shows the property changed in its ``Details``; the values only
with ``IncludePropertyValues``. A change whose value after it is not shown, or cannot be read,
counts as opening the store (fail closed), as a protection property changed without values
counts as switched off. A bucket policy is read whole from the change's ``AfterContext``; one
changed without it is not known to keep the bucket closed. In a template at hand (a stack
created or updated with ``TemplateBody``) a value made with ``!Ref``/``!Sub`` is read as the
caller resolves it; one not known counts as opening. (A template cannot show a configuration
taken away: the stack's current template is not at hand; the update already judges the
bucket replaced. A bucket made without one gets S3's default, all four flags on.)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.aws.public_exposure import holds_to_known_callers
from keyturn.understand.aws_names import partition_aliases, s3_bucket_names

__all__ = [
    "BUCKET_POLICY",
    "bucket_policy_exposure",
    "change_exposure",
    "public_statement",
    "restored_exposure",
    "template_exposure",
]

BUCKET = "AWS::S3::Bucket"
BUCKET_POLICY = "AWS::S3::BucketPolicy"
DB_INSTANCE = "AWS::RDS::DBInstance"
DB_CLUSTER = "AWS::RDS::DBCluster"
_DATABASES = frozenset({DB_INSTANCE, DB_CLUSTER})
_BLOCK_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
_PUBLIC_ACLS = frozenset({"publicread", "publicreadwrite", "authenticatedread"})
_UNSHOWN = "changed, its new value not shown: it may open the store to the world"
# A value a change set could not know yet (a resource made in the same change set).
_KNOWN_AFTER = "{{changeSet:KNOWN_AFTER_APPLY}}"
Change = tuple[str, str, Any, Any]  # (property, path, before, after), as cloudformation.py reads


def change_exposure(rtype: str, changes: list[Change]) -> str | None:
    """Why a ``Modify`` of a ``rtype`` resource with these property ``changes`` opens it to
    the world (or may: its new value not shown); None when it does not."""
    for prop, path, before, after in changes:
        why = _changed(rtype, prop, path, before, after)
        if why is not None:
            return why
    return None


def _changed(rtype: str, prop: str, path: str, before: Any, after: Any) -> str | None:
    if rtype == BUCKET and prop == "PublicAccessBlockConfiguration":
        return _block_changed(path, before, after)
    if rtype == BUCKET and prop == "AccessControl":
        if after is None:
            return f"AccessControl {_UNSHOWN}"
        return f"AccessControl {after}: readable by anyone" if _public_acl(after) else None
    if rtype in _DATABASES and prop == "PubliclyAccessible":
        if after is None:
            return f"PubliclyAccessible {_UNSHOWN}"
        return "PubliclyAccessible true: reachable from the internet" if _true(after) else None
    return None


def _block_changed(path: str, before: Any, after: Any) -> str | None:
    """A bucket's public access block weakened: a flag now false, or taken away."""
    name = "PublicAccessBlockConfiguration"
    flag = path.rsplit("/", 1)[-1] if path.count("/") == 3 else None
    if after is None:
        return f"{name} changed or taken away, its new value not shown: it may open the bucket"
    if flag is not None:
        # One flag changed, its value given (``/Properties/<name>/<flag>``).
        if flag not in _BLOCK_FLAGS:
            return f"{name} {flag} changed: not known to keep the bucket closed"
        return None if _true(after) else f"{name} {flag} off: the bucket may be made public"
    if path not in ("", f"/Properties/{name}"):
        return f"{name} changed at {path}: not known to keep the bucket closed"
    now = _mapping(after)
    if now is None:
        return f"{name} changed to a value not read: it may open the bucket"
    was = _mapping(before) if before is not None else None
    # A flag known off before too is no new opening; unknown before counts as on (fail closed).
    off = [f for f in _BLOCK_FLAGS if not _true(now.get(f))]
    off = [f for f in off if was is None or _true(was.get(f))]
    return f"{name} {', '.join(off)} off: the bucket may be made public" if off else None


def bucket_policy_exposure(
    rc: Mapping[str, Any], effect: Effect, physical: str, changes: list[Change]
) -> list[Effect]:
    """The bucket a bucket policy's change opens to the world (or may), as an ``update`` of it
    that removes its protection, beside ``effect`` (the change's own, on the policy); ``[]``
    for another change or resource. Another type that attaches access to a store (a topic's
    policy, a Lambda permission...): :mod:`keyturn.understand.aws.attached_changes`."""
    if rc.get("ResourceType") != BUCKET_POLICY:
        from keyturn.understand.aws.attached_changes import attached_change_exposure

        return attached_change_exposure(rc, effect, changes)
    if rc.get("Action") not in ("Add", "Modify"):
        return []
    opened = _policy_change_exposure(rc, physical, changes)
    if opened is None:
        return []
    bucket, why = opened
    names = (effect.resource.names[0], *(s3_bucket_names(bucket) if bucket else ()))
    return [
        replace(
            effect,
            effect=EffectKind.UPDATE,
            resource=Resource(names, BUCKET),
            removes_protection=True,
            detail=f"bucket policy: {why}",
        )
    ]


def _policy_change_exposure(
    rc: Mapping[str, Any], physical: str, changes: list[Change]
) -> tuple[str, str] | None:
    """``(bucket, why)`` when a bucket policy's change (``Add`` or ``Modify``) opens a bucket
    to the world, or may; ``bucket`` is ``""`` when only made in this change set (a new bucket
    holds no data yet). None when it keeps it closed, or touches neither the document nor
    the bucket."""
    touched = [c for c in changes if c[0] in ("PolicyDocument", "Bucket")]
    if rc.get("Action") != "Add" and not touched:
        return None  # the document and the bucket as they were: no new opening
    after = _properties(rc.get("AfterContext"))
    if after is not None:
        bucket = after.get("Bucket")
        named = bucket if isinstance(bucket, str) and bucket != _KNOWN_AFTER else ""
        # A change set's values are resolved: a function left in one is not read (fail closed).
        why = public_statement(after.get("PolicyDocument"), lambda _: "*")
        return (named or physical, why) if why else None
    if not physical:
        return None  # an Add without values names no bucket yet: judged as before
    moved = [c[3] for c in touched if c[0] == "Bucket" and isinstance(c[3], str)]
    return (moved[0] if moved else physical, "changed, its new document not shown: it may open it")


# (property, kind of source, the ARN its identifier makes) of a database made from another's
# data, by resource type, as the RDS resource schemas name them.
_SOURCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    DB_INSTANCE: (
        ("DBSnapshotIdentifier", "snapshot", "arn:aws:rds:*:*:snapshot:{}"),
        ("DBClusterSnapshotIdentifier", "cluster snapshot", "arn:aws:rds:*:*:cluster-snapshot:{}"),
        ("SourceDBInstanceIdentifier", "instance", "arn:aws:rds:*:*:db:{}"),
        ("SourceDBClusterIdentifier", "cluster", "arn:aws:rds:*:*:cluster:{}"),
        ("SourceDbiResourceId", "", ""),
        ("SourceDBInstanceAutomatedBackupsArn", "", ""),
    ),
    DB_CLUSTER: (
        ("SnapshotIdentifier", "cluster snapshot", "arn:aws:rds:*:*:cluster-snapshot:{}"),
        ("SourceDBClusterIdentifier", "cluster", "arn:aws:rds:*:*:cluster:{}"),
        ("ReplicationSourceIdentifier", "replication source", "{}"),
        ("SourceDbClusterResourceId", "", ""),
    ),
}


def restored_exposure(rc: Mapping[str, Any], effects: list[Effect]) -> list[Effect]:
    """``effects`` (the change's own first) with what an ``Add`` of a database made public
    from another's data adds: the own effect marked as removing protection and an ``update``
    of each source that removes its protection (``unknown`` where the source, or whether the
    database is public, is not known from the change)."""
    sources = _SOURCES.get(str(rc.get("ResourceType")))
    after = _properties(rc.get("AfterContext")) if sources and rc.get("Action") == "Add" else None
    if after is None or sources is None:
        return effects
    public = after.get("PubliclyAccessible")
    if public is None or (not _true(public) and public != _KNOWN_AFTER):
        return effects
    own, out, known = effects[0], list(effects), []
    for prop, kind, arn in sources:
        value = after.get(prop)
        if not isinstance(value, str) or not value:
            continue
        names, why = _source_names(value, arn), f"made from {kind or prop} {value}"
        sure = bool(kind) and value != _KNOWN_AFTER and _true(public)
        if not kind:
            why += ": not a name a policy protects"
        elif not sure:
            why += ": what it is, or whether the database is public, known only after apply"
        known += [why] if sure else []
        detail = f"publicly accessible, {why}"
        out.append(
            replace(own, effect=EffectKind.UPDATE if sure else EffectKind.UNKNOWN,
                    resource=Resource(names), removes_protection=sure,
                    detail=("protection removed: " if sure else "") + detail)
        )  # fmt: skip
    if known:
        detail = "; ".join([own.detail, *(f"opened to the world: {w}" for w in known)])
        out[0] = replace(own, removes_protection=True, detail=detail)
    return out


def _source_names(value: str, arn: str) -> tuple[str, ...]:
    """A source as policies name it: its ARN (an ARN as given, lower-cased too as RDS keeps
    identifiers) and the identifier itself."""
    if value == _KNOWN_AFTER:
        return (value,)
    full = value if value.startswith("arn:") or not arn else arn.format(value)
    return tuple(dict.fromkeys((*partition_aliases(full.lower()), *partition_aliases(full), value)))


def public_statement(document: Any, resolve: Callable[[Any], str]) -> str | None:
    """Why a policy ``document`` (an object, or its JSON text) lets anyone in: a statement
    allowing every principal without a condition; a principal that cannot be read counts.
    ``resolve`` gives the text of a template's ``!Ref``/``!Sub`` value (``*`` where unknown)."""
    policy = _mapping(document) if isinstance(document, str) else document
    if not isinstance(policy, Mapping):
        return "a policy document not read: it may let anyone in"
    statements = policy.get("Statement")
    statements = statements if isinstance(statements, list) else [statements]
    for statement in statements:
        if not isinstance(statement, Mapping):
            return "a policy statement not read: it may let anyone in"
        if statement.get("Effect") == "Deny":
            continue
        if holds_to_known_callers(statement.get("Condition")):
            continue  # held to known callers, as the AWS call's policy would be
        if "NotPrincipal" in statement:
            return "a statement allows NotPrincipal: everyone but those it names"
        try:
            who = _everyone(statement.get("Principal"), resolve)
        except RecursionError:  # functions nested past reading: held, as one not read
            who = "not read"
        if who is not None:
            return f"a statement allows Principal {who} without a Condition: anyone may read it"
    return None


def _everyone(principal: Any, resolve: Callable[[Any], str]) -> str | None:
    """``"*"`` when ``principal`` is everyone, ``"not read"`` when it may be; else None."""
    if principal == "*":
        return '"*"'
    if not isinstance(principal, Mapping):
        return None
    if len(principal) == 1:
        ((key, value),) = principal.items()
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
            return _intrinsic(key, value, resolve)
    # Every principal kind of the mapping (``{"AWS": "*", "Service": ...}``, ``CanonicalUser``).
    for key, value in principal.items():
        if not isinstance(key, str):
            return "not read"  # a key YAML read as a number or a truth: not a principal kind
        for item in value if isinstance(value, list) else [value]:
            if item == "*":
                return f'{{"{key}": "*"}}'
            function = next(iter(item), "") if isinstance(item, Mapping) else ""
            if not isinstance(function, str):
                return f'{{"{key}": not read}}'
            if (function == "Ref" or function.startswith("Fn::")) and _intrinsic(
                function, item[function], resolve
            ):
                return f'{{"{key}": not read}}'
    return None


def _intrinsic(function: str, argument: Any, resolve: Callable[[Any], str]) -> str | None:
    """A principal a template makes: a ``Ref``/``Sub``/``Join`` that resolves to ``*``, or to a
    part not known, may be everyone; an attribute (``GetAtt``: a role's ARN) never is."""
    if function == "Fn::GetAtt":
        return None
    if function == "Fn::If" and isinstance(argument, list) and len(argument) == 3:
        found = [_everyone(branch, resolve) for branch in argument[1:]]
        return next((f for f in found if f is not None), None)
    text = resolve({function: argument})
    return "not read" if "*" in text else None


def template_exposure(rtype: str, properties: Any, resolve: Callable[[Any], str]) -> str | None:
    """Why a template's ``rtype`` resource with ``properties`` is open to the world; ``resolve``
    as for :func:`public_statement`. (A bucket policy: :func:`public_statement`.)"""
    if not isinstance(properties, Mapping):
        return None
    if rtype == BUCKET:
        acl = properties.get("AccessControl")
        if acl is not None and _public_acl(_literal(acl, resolve)):
            return f"AccessControl {_literal(acl, resolve)}: readable by anyone"
        block = properties.get("PublicAccessBlockConfiguration")
        if block is None:
            return None  # S3's default for a new bucket: every flag on
        if not isinstance(block, Mapping):
            return "PublicAccessBlockConfiguration not read: it may open the bucket"
        off = [f for f in _BLOCK_FLAGS if not _true(_literal(block.get(f), resolve))]
        return f"PublicAccessBlockConfiguration {', '.join(off)} off" if off else None
    if rtype in _DATABASES and "PubliclyAccessible" in properties:
        value = str(_literal(properties["PubliclyAccessible"], resolve)).lower()
        if value != "false":
            return f"PubliclyAccessible {value}: reachable from the internet"
    return None


def _literal(value: Any, resolve: Callable[[Any], str]) -> Any:
    """A template value as given, or as ``resolve`` reads a ``!Ref``/``!Sub`` (``*`` where a
    part is not known: neither true nor a named ACL, so an unknown opens)."""
    return value if isinstance(value, str | bool | int) or value is None else resolve(value)


def _public_acl(value: Any) -> bool:
    """A canned ACL that grants everyone (or every AWS account); ``*`` (not known) counts."""
    return str(value).strip().lower() in _PUBLIC_ACLS or "*" in str(value)


def _true(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def _properties(context: Any) -> Mapping[str, Any] | None:
    """The resource properties a change's ``AfterContext`` holds. DescribeChangeSet writes the
    resource as JSON text, its properties under ``Properties`` (the CloudFormation User
    Guide's "View a change set": ``{"Properties": {...}}``, beside ``DeletionPolicy``...); an
    object without ``Properties`` is read as the properties themselves."""
    context = _mapping(context)
    inner = context.get("Properties") if context is not None else None
    return inner if isinstance(inner, Mapping) else context


def _mapping(value: Any) -> Mapping[str, Any] | None:
    """An object, or the object a JSON text holds; None otherwise."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value if isinstance(value, Mapping) else None
