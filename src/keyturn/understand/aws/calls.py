"""One AWS API call -> its effects: the verb's effect, refined by parameters, on named resources."""

from __future__ import annotations

import base64
import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws import (
    automation,
    catalog,
    cloud_control_expiry,
    lifecycle,
    naming,
    partiql,
    scheduled_runs,
    scheduled_targets,
    special,
    stack_creates,
    stack_updates,
)
from keyturn.understand.aws.access_points import access_point_bucket, is_access_point
from keyturn.understand.aws.lifecycle import bucket_objects
from keyturn.understand.aws.verbs import VerbMeaning, classify
from keyturn.understand.aws_names import cloudformation_names, partition_aliases


@dataclass(frozen=True, slots=True)
class AwsCall:
    """A resolved call: botocore service name, CamelCase operation, JSON-safe parameters."""

    service: str
    operation: str
    params: Mapping[str, Any]
    meaning: VerbMeaning

    @property
    def qualified(self) -> str:
        return f"{self.service}:{self.operation}"

    def subject(self) -> dict[str, Any]:
        """What the digest binds to besides the effects: the call itself, normalised."""
        return {"service": self.service, "operation": self.operation, "params": self.params}


def json_safe(value: Any, *, where: str) -> Any:
    """Parameters as plain JSON values: bytes as ``{"$bytes": base64}``, datetimes as ISO text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, bytes | bytearray):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{where}: parameter names must be strings, got {key!r}")
            out[key] = json_safe(item, where=f"{where}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [json_safe(v, where=f"{where}[{i}]") for i, v in enumerate(value)]
    raise InputError(f"{where}: unsupported parameter value of type {type(value).__name__}")


def resolve_call(service: str, operation: str, params: Mapping[str, Any] | None) -> AwsCall:
    """Resolve names through botocore's models and normalise the parameters."""
    if not isinstance(service, str) or not isinstance(operation, str):
        raise InputError("aws: service and operation must be strings")
    name = catalog.resolve_service(service)
    op = catalog.resolve_operation(name, operation)
    if params is None:
        params = {}
    if not isinstance(params, Mapping):
        raise InputError(f"aws: {name}:{op}: parameters must be a JSON object")
    safe = json_safe(params, where=f"{name}:{op}")
    return AwsCall(service=name, operation=op, params=safe, meaning=classify(name, op))


def arn_hints(params: Any, *, service: str = "") -> tuple[str | None, str | None]:
    """``(region, account)`` from the first name among the parameters that tells them: an ARN,
    and for ``service`` ``sqs`` a queue URL (``https://sqs.R.amazonaws.com/ACCOUNT/q``), for
    ``lambda`` a partial ARN (``ACCOUNT:function:NAME``), which the service takes in their
    place and which name the account as plainly."""
    region = account = None
    stack: list[tuple[str, Any]] = [("", params)]
    while stack and not (region and account):
        key, value = stack.pop(0)
        if isinstance(value, Mapping):
            stack.extend((k, value[k]) for k in sorted(value))
        elif isinstance(value, list):
            stack.extend((key, v) for v in value)
        elif isinstance(value, str):
            found_region, found_account = _name_hints(service, key, value)
            region = region or found_region
            account = account or found_account
    return region, account


def _name_hints(service: str, key: str, value: str) -> tuple[str | None, str | None]:
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) < 6:
            return None, None
        region = parts[3] if parts[3] not in ("", "*") else None
        return region, parts[4] if parts[4].isdigit() else None
    if service == "sqs" and key.lower() in ("queueurl", "queueurls"):
        return _name_hints("", "", naming.queue_arn(value, where=naming.Where("", "")))
    if service == "lambda" and (match := _LAMBDA_PARTIAL.fullmatch(value)):
        return None, match.group(1)
    return None, None


# Lambda's partial ARN, ``123456789012:function:NAME[:QUALIFIER]``: the account is spelt.
_LAMBDA_PARTIAL = re.compile(r"(\d{12}):function:[^:]+(?::[^:]+)?")


def call_target(call: AwsCall, target: Target) -> Target:
    """The target hints of a call: the caller's, then what names among the parameters tell
    (:func:`arn_hints`)."""
    region, account = arn_hints(call.params, service=call.service)
    return target.merged_over(Target(aws_region=region, aws_account=account))


_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")


def _where(target: Target) -> naming.Where:
    """The account and region names are written with: ``*`` for what is not a real account or
    region (``$R``, an account decided at run time), which no name may pin down."""
    region, account = target.aws_region or "", target.aws_account or ""
    return naming.Where(
        region=region if _REGION.fullmatch(region) else "*",
        account=account if _ACCOUNT.fullmatch(account) else "*",
    )


def _resources(call: AwsCall, where: naming.Where) -> tuple[list[Resource], bool]:
    """The resources a call acts on, one per identifier value (lists fan out), and whether
    the call acts on a part of them (``DeleteBucketPolicy`` names the bucket, ``DeleteTags`` the
    tagged instance) rather than on the resources themselves."""
    model = catalog.operation_model(call.service, call.operation)
    signing = model.service_model.signing_name or call.service
    params, noun = call.params, call.meaning.noun
    if call.service == "s3" and isinstance(params.get("Bucket"), str):
        key = params.get("Key")
        whole = ("Object", "Objects") if isinstance(key, str) and key else ("Bucket",)
        return [_s3_resource(params["Bucket"], key)], noun not in whole
    shape = model.input_shape
    members = shape.members if shape is not None else {}
    required = frozenset(shape.required_members) if shape is not None else frozenset()
    chosen = naming.choose_identifiers(members, required, noun, params)
    chosen = _drop_qualifiers(call, chosen)
    if not chosen:
        return [naming.service_wide(signing)], False
    part = noun.startswith("Tag") or all(naming.names_part(c.member, noun) for c in chosen)

    def names_of(member: str, value: str) -> list[str]:
        return naming.arn_for(
            call.service, signing, member, value, noun=call.meaning.noun, where=where
        )

    resources: list[Resource] = []
    scalars: list[str] = []
    for ident in chosen:
        if ident.many:
            resources += [Resource(names=tuple(names_of(ident.member, v))) for v in ident.values]
        else:
            scalars += [n for n in names_of(ident.member, ident.values[0]) if n not in scalars]
    if scalars:
        resources.insert(0, Resource(names=tuple(scalars)))
    return resources, part


def _drop_qualifiers(call: AwsCall, chosen: list[naming.Identifier]) -> list[naming.Identifier]:
    """Leave out identifiers that only qualify another (an inline policy's name, an ECS
    service's cluster), folding them into the qualified name where the ARN needs them."""
    by_member = {c.member: c for c in chosen}
    stack = call.params.get("StackName")
    if call.qualified == "cloudformation:ExecuteChangeSet" and isinstance(stack, str) and stack:
        rest = [c for c in chosen if c.member != "StackName"]
        return [naming.Identifier("StackName", (stack,)), *rest]
    if call.service == "iam" and by_member.keys() & {"RoleName", "UserName", "GroupName"}:
        return [c for c in chosen if c.member != "PolicyName"]
    policy = call.params.get("PolicyArn")
    versioned = "VersionId" in by_member and "PolicyArn" not in by_member
    if call.service == "iam" and versioned and isinstance(policy, str) and policy:
        # A version is the policy's own (SetDefaultPolicyVersion swaps what it grants).
        return [naming.Identifier("PolicyArn", (policy,)), *chosen]
    cluster = call.params.get("clusterName")
    if call.service == "eks" and isinstance(cluster, str) and cluster:
        # A node group, add-on or Fargate profile is named inside its cluster's path.
        return [naming.in_cluster(c, cluster) for c in chosen]
    cluster_param = call.params.get("cluster")
    if call.service == "ecs" and "service" in by_member and isinstance(cluster_param, str):
        cluster = cluster_param.rsplit("/", 1)[-1]
        service = by_member["service"].values[0]
        value = service if service.startswith("arn:") else f"{cluster}/{service}"
        rest = [c for c in chosen if c.member not in ("cluster", "service")]
        return [naming.Identifier("service", (value,)), *rest]
    return chosen


def _s3_resource(bucket: str, key: Any) -> Resource:
    if isinstance(key, str) and key:
        return Resource(
            names=(f"arn:aws:s3:::{bucket}/{key}", f"s3://{bucket}/{key}"), type="s3-object"
        )
    return Resource(names=(f"arn:aws:s3:::{bucket}", f"s3://{bucket}"), type="s3-bucket")


def effects_of(call: AwsCall, target: Target) -> list[Effect]:
    """Every effect of one resolved call under ``target`` (never empty)."""
    found = _call_effects(call, target)
    # What the SSM runbooks it starts do (:mod:`.automation`), now or later (a maintenance
    # window's task, a Config remediation: :mod:`.scheduled_runs`); what a stack's new
    # template may delete or replace (:mod:`.stack_updates`).
    hinted = call_target(call, target)
    found += automation.runbook_effects(call.qualified, call.params, hinted)
    found += scheduled_runs.scheduled_effects(call.qualified, call.params, hinted)
    found += stack_updates.stack_update_effects(call.qualified, call.params, hinted)
    # What a rule's or schedule's targets run when it fires, where a window's tasks run
    # (:mod:`.scheduled_targets`); a stack or change set whose template is not at hand, a
    # change set run (:mod:`.stack_creates`).
    found += scheduled_targets.target_effects(call.qualified, call.params, hinted)
    found += stack_creates.stack_create_effects(call.qualified, call.params, hinted)
    bucket = call.params.get("Bucket") if call.service == "s3" else None
    if isinstance(bucket, str) and is_access_point(bucket):
        # Through an access point: which bucket it reaches is not in the call.
        note = "through an S3 access point: which bucket it reaches is not known"
        found = [
            e
            if e.effect is EffectKind.READ
            else replace(e, effect=EffectKind.UNKNOWN, detail=f"{e.detail}; {note}".lstrip("; "))
            for e in found
        ]
    made_on = access_point_bucket(call.service, call.operation, call.params)
    if made_on is not None:
        resource = (
            Resource(names=(made_on,), type="s3-bucket")
            if made_on.startswith("arn:")
            else _s3_resource(made_on, None)
        )
        note = "gives the bucket another name (an access point) its protection does not cover"
        found.append(
            _effect(
                call, EffectKind.UPDATE, resource, call_target(call, target), [note], removes=True
            )
        )
    return found


def _call_effects(call: AwsCall, target: Target) -> list[Effect]:
    target = call_target(call, target)
    found = _special_effects(call, target)
    if found:
        return found
    kind, notes = call.meaning.effect, list(call.meaning.notes)
    params = call.params
    removal = None
    if special.is_dry_run(params):
        kind, notes = EffectKind.READ, ["dry run: only checks permissions"]
    else:
        removal = special.removes_protection(
            verb=call.meaning.verb, noun=call.meaning.noun, params=params
        )
        if removal:
            notes.append(f"removes protection: {removal}")
        if special.scales_to_zero(call.service, call.operation, params):
            notes.append("disruptive: scales to zero")
        if call.qualified == "cloudformation:ExecuteChangeSet":
            notes.append("judge the change set")
    resources, part = _resources(call, _where(target))
    if call.service == "cloudcontrol":
        resources = [_cloud_control_names(r, params) for r in resources]
        removal = removal or special.patch_removes_protection(params)
        if removal and f"removes protection: {removal}" not in notes:
            notes.append(f"removes protection: {removal}")
    if part and kind in (EffectKind.CREATE, EffectKind.DELETE) and not _exact(call):
        notes.append(f"{call.meaning.verb.lower()}s the {call.meaning.noun} of the resource")
        kind = EffectKind.UPDATE
    found = [_effect(call, kind, r, target, notes, removes=bool(removal)) for r in resources]
    if kind is not EffectKind.READ:
        found += _deletes_later(call, resources, target)
    return found + _copied_from(call, target)


def _deletes_later(call: AwsCall, resources: list[Resource], target: Target) -> list[Effect]:
    """What a rule set by the call deletes on its own later (:mod:`.lifecycle`): an ECR
    policy expiring images, a DynamoDB TTL turned on, a log group's retention, a bucket
    lifecycle set through Cloud Control; judged as the deletion it brings, on the resources
    the call names."""
    params = call.params
    kind, how = EffectKind.DELETE, None
    if call.qualified == "ecr:PutLifecyclePolicy" and "lifecyclePolicyText" in params:
        expires = lifecycle.ecr_policy_expires(params["lifecyclePolicyText"])
        if expires is None:
            kind, how = EffectKind.UNKNOWN, "its rules could not be read: they may expire images"
        elif expires:
            how = "a lifecycle rule expires (deletes) the repository's images"
    elif call.qualified == "dynamodb:UpdateTimeToLive":
        spec = params.get("TimeToLiveSpecification")
        if isinstance(spec, Mapping) and spec.get("Enabled") is not False:
            attribute = spec.get("AttributeName")
            how = f"TTL deletes every item whose {attribute or 'TTL attribute'} is a past time"
    elif call.qualified == "logs:PutRetentionPolicy":
        # Always a finite retention, and the one before is not in the call: fail closed.
        days = params.get("retentionInDays")
        how = f"a retention of {days if isinstance(days, int) else 'some'} days deletes the "
        how += "log group's older events"
        events = [lifecycle.log_events(r.names) for r in resources]
        return [_effect(call, kind, r, target, [how]) for r in events]
    elif call.qualified == "cloudcontrol:UpdateResource":
        return _cloud_control_lifecycle(call, resources, target)
    if how is None:
        return []
    return [_effect(call, kind, r, target, [how]) for r in resources]


def _cloud_control_lifecycle(
    call: AwsCall, resources: list[Resource], target: Target
) -> list[Effect]:
    """A rule that deletes later set through a Cloud Control patch (a bucket's lifecycle, a
    table's TTL, a repository's lifecycle policy): judged as the deletion it brings, as the
    service's own call would be (:mod:`.cloud_control_expiry`)."""
    return [
        _effect(call, kind, deleted, target, [why])
        for kind, what, why in cloud_control_expiry.patch_deletions(call.params)
        for deleted in ([what] if what is not None else resources)
    ]


def _cloud_control_names(resource: Resource, params: Mapping[str, Any]) -> Resource:
    """Cloud Control reaches any resource by its CloudFormation type and identifier
    (``AWS::RDS::DBInstance``, ``prod-main``): the resource is named as the service's own API
    names it too, so that a protected pattern on the RDS instance holds against this road to it
    (for the types ``aws_names.CLOUDFORMATION_TYPES`` knows; another keeps Cloud Control's name
    only)."""
    type_name, identifier = params.get("TypeName"), params.get("Identifier")
    if not isinstance(type_name, str) or not isinstance(identifier, str) or not identifier:
        return resource
    # The type is named too, so that a type no native name is known for (``AWS::IAM::RolePolicy``)
    # still tells which service's resource the call changes (a ``service:`` rule holds it).
    typed = f"arn:aws:cloudcontrolapi:*:*:type/{type_name}"
    native = cloudformation_names(type_name, identifier)
    names = (*resource.names, *native, typed)
    return Resource(names=tuple(dict.fromkeys(names)), type=type_name)


_COPIES = frozenset({"s3:CopyObject", "s3:UploadPartCopy"})


def _copied_from(call: AwsCall, target: Target) -> list[Effect]:
    """A copy reads its source object, which may be in another bucket: named, so that a policy
    that guards reading it (a state file, a bucket of secrets) sees the read."""
    if call.qualified not in _COPIES:
        return []
    source = special.s3_copy_source(call.params)
    if source is None:
        return []
    if isinstance(source, str):
        resource = Resource(names=(source,), type="s3-object")
    else:
        resource = _s3_resource(*source)
    return [_effect(call, EffectKind.READ, resource, target, ["the object it copies"])]


def _exact(call: AwsCall) -> bool:
    """Operations whose whole name fixes the effect (``ScheduleKeyDeletion``)."""
    from keyturn.understand.aws.verbs import EXACT

    return call.operation in EXACT


def _effect(
    call: AwsCall,
    kind: EffectKind,
    resource: Resource,
    target: Target,
    notes: list[str],
    *,
    removes: bool = False,
) -> Effect:
    return Effect(
        effect=kind,
        resource=resource,
        target=target,
        service=call.service,
        operation=call.qualified,
        removes_protection=removes,
        detail="; ".join(notes) or call.qualified,
    )


def _special_effects(call: AwsCall, target: Target) -> list[Effect]:
    """Operations whose parameters decide the effect; empty when the call is not one."""
    params, where = call.params, _where(target)
    if call.qualified == "route53:ChangeResourceRecordSets":
        return [
            _effect(call, kind, res, target, [detail])
            for kind, res, detail in special.route53_changes(params)
        ]
    bucket = params.get("Bucket")
    if call.qualified == "s3:DeleteObjects" and isinstance(bucket, str):
        keys = special.s3_deleted_keys(params)
        if keys is None:
            unread = "the keys it deletes could not be read (Delete.Objects[].Key)"
            return [_effect(call, EffectKind.UNKNOWN, bucket_objects(bucket, ""), target, [unread])]
        # Deleting with the governance retention bypassed removes the lock's protection.
        removal = special.removes_protection(verb="Delete", noun="Objects", params=params)
        notes = [f"removes protection: {removal}"] if removal else []
        return [
            _effect(
                call,
                EffectKind.DELETE,
                _s3_resource(bucket, key),
                target,
                notes,
                removes=bool(removal),
            )
            for key in keys
        ]
    if call.qualified in _LIFECYCLE and isinstance(bucket, str):
        return _lifecycle_effects(call, bucket, target)
    if call.qualified in ("dynamodb:BatchWriteItem", "dynamodb:TransactWriteItems"):
        writes = special.dynamodb_writes(call.operation, params)
        if writes is None:
            unread = "the tables it writes could not be read: not the shape the API takes"
            table = Resource(names=_table_arn("*", where))
            return [_effect(call, EffectKind.UNKNOWN, table, target, [unread])]
        return [
            _effect(call, kind, Resource(names=_table_arn(table, where)), target, [])
            for kind, table in writes
        ]
    if call.qualified in ("rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement"):
        return _sql_effects(call, target)
    if call.service == "dynamodb" and call.operation in _PARTIQL:
        return _partiql_effects(call, target, where)
    return []


_PARTIQL = frozenset({"ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"})
_STATEMENT_KEYS = frozenset({"Statement", "Statements", "TransactStatements"})


def _partiql_effects(call: AwsCall, target: Target, where: naming.Where) -> list[Effect]:
    """One effect per PartiQL statement on the table it names (``DELETE FROM "t"`` deletes
    from ``t`` as ``DeleteItem`` does); a statement not read is unknown, on every table."""
    statements = partiql.statements_of(call.operation, call.params)
    if statements == [None] or not call.params.keys() & _STATEMENT_KEYS:
        return []  # no statement: the API refuses the call; judged by its name alone
    found: list[Effect] = []
    for statement in statements if statements is not None else [None]:
        read = partiql.statement_writes(statement)
        if read is None:
            unread = "a PartiQL statement that could not be read: it may write any table"
            table = Resource(names=_table_arn("*", where))
            found.append(_effect(call, EffectKind.UNKNOWN, table, target, [unread]))
            continue
        kind, name = read
        table = Resource(names=_table_arn(name, where))
        detail = f"PartiQL {kind.value} on table {name}"
        found.append(_effect(call, kind, table, target, [detail]))
    return list(dict.fromkeys(found))


_LIFECYCLE = frozenset({"s3:PutBucketLifecycleConfiguration", "s3:PutBucketLifecycle"})


def _lifecycle_effects(call: AwsCall, bucket: str, target: Target) -> list[Effect]:
    """A lifecycle configuration: an update of the bucket, and a delete of the objects each
    expiring rule reaches (the rule deletes them in a day or so, with no call keyturn sees)."""
    found = [_effect(call, EffectKind.UPDATE, _s3_resource(bucket, None), target, [])]
    prefixes = special.s3_expiring_prefixes(call.params)
    if prefixes is None:
        unread = "its rules could not be read: they may expire (delete) any object"
        return [
            *found,
            _effect(call, EffectKind.UNKNOWN, bucket_objects(bucket, ""), target, [unread]),
        ]
    for prefix in dict.fromkeys(prefixes):
        detail = f"a lifecycle rule expires (deletes) the objects under {prefix or 'the bucket'}"
        found.append(
            _effect(call, EffectKind.DELETE, bucket_objects(bucket, prefix), target, [detail])
        )
    return found


def _table_arn(table: str, where: naming.Where) -> tuple[str, ...]:
    if table.startswith("arn:"):
        return partition_aliases(table)
    return (f"arn:aws:dynamodb:{where.region}:{where.account}:table/{table}",)


def _sql_effects(call: AwsCall, target: Target) -> list[Effect]:
    """The SQL of an rds-data statement, understood as SQL when that understanding exists."""
    sql, database = call.params.get("sql"), call.params.get("database")
    cluster = str(call.params.get("resourceArn") or "arn:aws:rds:*:*:cluster:*")
    unknown = _effect(
        call,
        EffectKind.UNKNOWN,
        Resource(names=(cluster,)),
        target,
        ["runs SQL: the statement could not be understood, judge the SQL"],
    )
    if not isinstance(sql, str) or not sql.strip():
        return [unknown]
    try:
        from keyturn.understand.sql import sql_effects
    except ImportError:
        return [unknown]
    db = database if isinstance(database, str) and database else None
    effects = sql_effects(sql, engine="aurora", database=db, target=target)
    if not effects:
        return [unknown]
    return [_with_call(e, call) for e in effects]


def _with_call(effect: Effect, call: AwsCall) -> Effect:
    from dataclasses import replace

    return replace(effect, service=effect.service or call.service, operation=call.qualified)
