"""Operations whose parameters, not their names, decide what they do and to what: a Route 53
change batch, an S3 multi-object delete or lifecycle configuration, DynamoDB batch and
transaction writes, PartiQL statements and the SQL of ``rds-data``."""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws import naming, partiql, special
from keyturn.understand.aws.call_hints import where_of
from keyturn.understand.aws.call_resources import s3_resource
from keyturn.understand.aws.lifecycle import bucket_objects
from keyturn.understand.aws.resolved_call import AwsCall, call_effect, with_call
from keyturn.understand.aws_names import partition_aliases

__all__ = ["parameter_effects"]


def parameter_effects(call: AwsCall, target: Target) -> list[Effect]:
    """Operations whose parameters decide the effect; empty when the call is not one."""
    params, where = call.params, where_of(target)
    if call.qualified == "route53:ChangeResourceRecordSets":
        return [
            call_effect(call, kind, res, target, [detail])
            for kind, res, detail in special.route53_changes(params)
        ]
    bucket = params.get("Bucket")
    if call.qualified == "s3:DeleteObjects" and isinstance(bucket, str):
        return _deleted_objects(call, bucket, target)
    if call.qualified in _LIFECYCLE and isinstance(bucket, str):
        return _lifecycle_effects(call, bucket, target)
    if call.qualified in ("dynamodb:BatchWriteItem", "dynamodb:TransactWriteItems"):
        writes = special.dynamodb_writes(call.operation, params)
        if writes is None:
            unread = "the tables it writes could not be read: not the shape the API takes"
            table = Resource(names=_table_arn("*", where))
            return [call_effect(call, EffectKind.UNKNOWN, table, target, [unread])]
        return [
            call_effect(call, kind, Resource(names=_table_arn(table, where)), target, [])
            for kind, table in writes
        ]
    if call.qualified in ("rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement"):
        return _sql_effects(call, target)
    if call.service == "dynamodb" and call.operation in _PARTIQL:
        return _partiql_effects(call, target, where)
    return []


def _deleted_objects(call: AwsCall, bucket: str, target: Target) -> list[Effect]:
    """``DeleteObjects``: a delete of each key it lists (unknown on the bucket's objects when
    the list cannot be read)."""
    keys = special.s3_deleted_keys(call.params)
    if keys is None:
        unread = "the keys it deletes could not be read (Delete.Objects[].Key)"
        return [call_effect(call, EffectKind.UNKNOWN, bucket_objects(bucket, ""), target, [unread])]
    # Deleting with the governance retention bypassed removes the lock's protection.
    removal = special.removes_protection(verb="Delete", noun="Objects", params=call.params)
    notes = [f"removes protection: {removal}"] if removal else []
    return [
        call_effect(
            call, EffectKind.DELETE, s3_resource(bucket, key), target, notes, removes=bool(removal)
        )
        for key in keys
    ]


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
            found.append(call_effect(call, EffectKind.UNKNOWN, table, target, [unread]))
            continue
        kind, name = read
        table = Resource(names=_table_arn(name, where))
        detail = f"PartiQL {kind.value} on table {name}"
        found.append(call_effect(call, kind, table, target, [detail]))
    return list(dict.fromkeys(found))


_LIFECYCLE = frozenset({"s3:PutBucketLifecycleConfiguration", "s3:PutBucketLifecycle"})


def _lifecycle_effects(call: AwsCall, bucket: str, target: Target) -> list[Effect]:
    """A lifecycle configuration: an update of the bucket, and a delete of the objects each
    expiring rule reaches (the rule deletes them in a day or so, with no call keyturn sees)."""
    found = [call_effect(call, EffectKind.UPDATE, s3_resource(bucket, None), target, [])]
    prefixes = special.s3_expiring_prefixes(call.params)
    if prefixes is None:
        unread = "its rules could not be read: they may expire (delete) any object"
        return [
            *found,
            call_effect(call, EffectKind.UNKNOWN, bucket_objects(bucket, ""), target, [unread]),
        ]
    for prefix in dict.fromkeys(prefixes):
        detail = f"a lifecycle rule expires (deletes) the objects under {prefix or 'the bucket'}"
        found.append(
            call_effect(call, EffectKind.DELETE, bucket_objects(bucket, prefix), target, [detail])
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
    unknown = call_effect(
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
    return [with_call(e, call) for e in effects]
