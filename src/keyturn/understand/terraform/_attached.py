"""Planned policies and permissions that open a store which already exists (:mod:`._exposure`).

These AWS provider resources are not stores of their own but access put on one that their
values name (the provider's documentation, ``website/docs/r`` of
``hashicorp/terraform-provider-aws``): a topic's policy (``aws_sns_topic_policy``: ``arn``,
``policy``), a queue's (``aws_sqs_queue_policy``: ``queue_url``), a secret's
(``aws_secretsmanager_secret_policy``: ``secret_arn``), a Kinesis stream's
(``aws_kinesis_resource_policy``: ``resource_arn``), an MSK cluster's (``aws_msk_cluster_policy``:
``cluster_arn``), a table bucket's (``aws_s3tables_table_bucket_policy``: ``table_bucket_arn``,
``resource_policy``), an Outposts bucket's (``aws_s3control_bucket_policy``: ``bucket``), an ECR
repository's (``aws_ecr_repository_policy``: ``repository``), a KMS key's
(``aws_kms_key_policy``: ``key_id``), an EFS file system's (``aws_efs_file_system_policy``:
``file_system_id``), a backup vault's (``aws_backup_vault_policy``: ``backup_vault_name``), an
OpenSearch or Elasticsearch domain's (``aws_opensearch_domain_policy``,
``aws_elasticsearch_domain_policy``: ``domain_name``, ``access_policies``), an event bus's
(``aws_cloudwatch_event_bus_policy``: ``event_bus_name``, the ``default`` bus when left out),
CloudWatch Logs' (``aws_cloudwatch_log_resource_policy``: ``policy_document``, whose statements'
``Resource`` names the log groups); a Lambda function's permission (``aws_lambda_permission``:
``function_name``, ``principal`` ``*`` held by none of ``source_arn``, ``source_account``,
``principal_org_id``), a layer version's (``aws_lambda_layer_version_permission``:
``layer_name``, ``version_number``, ``principal`` ``*`` without ``organization_id``), an event
bus permission (``aws_cloudwatch_event_permission``: ``principal`` ``*`` not held by its
``condition``); an access point on a bucket (``aws_s3_access_point``: ``bucket``, another name
its protection does not cover, and its ``policy``), an access point's policy
(``aws_s3control_access_point_policy``: ``access_point_arn``), an Object Lambda or Multi-Region
access point's (``..._object_lambda_access_point_policy``: ``name``;
``..._multi_region_access_point_policy``: ``details.policy``), whose buckets the plan does not
name: ``unknown`` on every bucket, as the native calls are
(:mod:`keyturn.understand.aws.access_points`).

A policy lets anyone in as the AWS call's would (:func:`._public_values.public_statements`); a
permission as ``lambda add-permission`` or ``events put-permission`` would
(:mod:`keyturn.understand.aws.cloud_control_attached`). Each store opened is an ``update`` of it
that removes its protection, named as the service's own call that sets such access names it
(:func:`keyturn.understand.aws.stack_attached.native_names`: ``arn:aws:sns:…:alerts``,
``arn:aws:lambda:*:*:function:payments``...) and as the plan names that kind of store
(``aws_names``), so that a protected pattern for either holds. A create or replace opens; an
update only with an opening the old object did not have on the same store; a value that decides
known only on apply is ``unknown`` on the store (never a pass); a store named only on apply is
one the plan makes (it holds no data yet): named by the address.

The stores whose own values hold their policy (a topic's, queue's, secret's or key's
``policy``, a domain's ``access_policies``, a Glacier vault's ``access_policy``, an IAM role's
``assume_role_policy``) open themselves, as an S3 bucket's inline policy does: :data:`SELF`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.aws.call_hints import where_of
from keyturn.understand.aws.cloud_control_attached import (
    ATTACHING,
    bus_principal,
    logs_stores,
    native_params,
)
from keyturn.understand.aws.public_exposure import lambda_permission
from keyturn.understand.aws.stack_attached import EVERY_BUCKET, native_names
from keyturn.understand.aws_names import awscc_type, resource_names, snake_case
from keyturn.understand.terraform._awscc import SELF as AWSCC_SELF
from keyturn.understand.terraform._awscc import attached_reader
from keyturn.understand.terraform._public_values import (
    NEVER_UNKNOWN,
    Openings,
    Reader,
    Unknown,
    public_statements,
)

__all__ = ["ATTACHED", "SELF", "attached_effects"]

_E = EffectKind


def _document(attr: str) -> Reader:
    """A policy document in ``attr`` letting anyone in."""

    def read(values: dict[str, Any], unknown: Unknown) -> Openings:
        return public_statements(values, attr, unknown)

    return read


def _permission(holders: dict[str, str]) -> Reader:
    """A Lambda permission for ``principal`` ``*`` that none of ``holders`` (attribute ->
    ``AddPermission`` parameter) holds; one of them known only on apply may not."""

    def read(values: dict[str, Any], unknown: Unknown) -> Openings:
        params = {"Principal": values.get("principal")}
        params |= {p: values.get(a) for a, p in holders.items()}
        why = lambda_permission(params, tuple(holders.values()))
        if why is not None:
            return {"permission": why}
        if unknown("principal") or (params["Principal"] == "*" and any(map(unknown, holders))):
            return {"permission": None}
        return {}

    return read


def _bus_permission(values: dict[str, Any], unknown: Unknown) -> Openings:
    """``principal`` ``*`` not held by the ``condition`` block (``key``, ``type``, ``value``)."""
    block = values.get("condition")
    block = block[0] if isinstance(block, list) and block else block
    condition = None
    if isinstance(block, dict):
        condition = {k.title(): block.get(k) for k in ("type", "key", "value")}
    why = bus_principal({"Principal": values.get("principal"), "Condition": condition})
    if why is not None:
        return {"permission": why}
    if unknown("principal") or (values.get("principal") == "*" and unknown("condition")):
        return {"permission": None}
    return {}


def _multi_region(values: dict[str, Any], unknown: Unknown) -> Openings:
    """``details`` (a block): its ``policy``."""
    details = values.get("details")
    block = details[0] if isinstance(details, list) and details else details
    if not isinstance(block, dict):
        return {"policy": None} if unknown("details") or details is not None else {}
    return public_statements(block, "policy", lambda _: unknown("details"))


_ANOTHER_NAME = "gives the bucket another name (an access point) its protection does not cover"


def _access_point(values: dict[str, Any], unknown: Unknown) -> Openings:
    """An access point is another name for its bucket whatever its policy (as ``s3control
    create-access-point`` is judged); its ``policy`` may let anyone in too."""
    return {"access point": _ANOTHER_NAME} | public_statements(values, "policy", unknown)


@dataclass(frozen=True, slots=True)
class _Attached:
    """A type that attaches access to stores: what opens them, the attribute naming the store,
    the native call that sets such access (``("", "", "")``: the stores are not named, every
    bucket behind an access point is held), the ``aws_names`` kind of the store, the store a
    left-out attribute means."""

    read: Reader
    store: str
    call: tuple[str, str, str]
    kind: str = ""
    default: str = ""


def _like(cfn_type: str, read: Reader, store: str, kind: str = "", default: str = "") -> _Attached:
    """As the CloudFormation type that attaches the same access names its store."""
    return _Attached(read, store, ATTACHING[cfn_type].call, kind, default)


_POLICY = _document("policy")
_LAMBDA = {"source_arn": "SourceArn", "source_account": "SourceAccount",
           "principal_org_id": "PrincipalOrgID"}  # fmt: skip
_NOT_NAMED = ("", "", "")

ATTACHED: dict[str, _Attached] = {
    "aws_sns_topic_policy": _like("AWS::SNS::TopicInlinePolicy", _POLICY, "arn", "sns:topic"),
    "aws_sqs_queue_policy": _like("AWS::SQS::QueueInlinePolicy", _POLICY, "queue_url",
                                  "sqs:queue"),
    "aws_secretsmanager_secret_policy": _like("AWS::SecretsManager::ResourcePolicy", _POLICY,
                                              "secret_arn", "secretsmanager:secret"),
    "aws_kinesis_resource_policy": _like("AWS::Kinesis::ResourcePolicy", _POLICY, "resource_arn"),
    "aws_msk_cluster_policy": _like("AWS::MSK::ClusterPolicy", _POLICY, "cluster_arn"),
    "aws_s3tables_table_bucket_policy": _like("AWS::S3Tables::TableBucketPolicy",
                                              _document("resource_policy"), "table_bucket_arn"),
    "aws_s3control_bucket_policy": _like("AWS::S3Outposts::BucketPolicy", _POLICY, "bucket"),
    "aws_s3_access_point": _like("AWS::S3::AccessPoint", _access_point, "bucket"),
    "aws_lambda_permission": _like("AWS::Lambda::Permission", _permission(_LAMBDA),
                                   "function_name", "lambda:function"),
    "aws_lambda_layer_version_permission": _like(
        "AWS::Lambda::LayerVersionPermission",
        _permission({"organization_id": "OrganizationId"}), "layer_name"),
    "aws_cloudwatch_event_bus_policy": _like("AWS::EventsV2::ResourcePolicy", _POLICY,
                                             "event_bus_name", default="default"),
    "aws_cloudwatch_event_permission": _like("AWS::Events::EventBusPolicy", _bus_permission,
                                             "event_bus_name", default="default"),
    "aws_cloudwatch_log_resource_policy": _like("AWS::Logs::ResourcePolicy",
                                                _document("policy_document"), ""),
    # No CloudFormation type attaches these: the native call that sets them.
    "aws_ecr_repository_policy": _Attached(_POLICY, "repository",
                                           ("ecr", "SetRepositoryPolicy", "repositoryName"),
                                           "ecr:repository"),
    "aws_kms_key_policy": _Attached(_POLICY, "key_id", ("kms", "PutKeyPolicy", "KeyId"),
                                    "kms:key"),
    "aws_efs_file_system_policy": _Attached(
        _POLICY, "file_system_id", ("efs", "PutFileSystemPolicy", "FileSystemId"),
        "elasticfilesystem:file-system"),
    "aws_backup_vault_policy": _Attached(
        _POLICY, "backup_vault_name", ("backup", "PutBackupVaultAccessPolicy", "BackupVaultName"),
        "backup:backup-vault"),
    "aws_opensearch_domain_policy": _Attached(
        _document("access_policies"), "domain_name",
        ("opensearch", "UpdateDomainConfig", "DomainName"), "es:domain"),
    "aws_elasticsearch_domain_policy": _Attached(
        _document("access_policies"), "domain_name",
        ("es", "UpdateElasticsearchDomainConfig", "DomainName"), "es:domain"),
    # Access points' policies: the buckets behind them are not in the plan.
    "aws_s3control_access_point_policy": _Attached(_POLICY, "access_point_arn", _NOT_NAMED),
    "aws_s3control_object_lambda_access_point_policy": _Attached(_POLICY, "name", _NOT_NAMED),
    "aws_s3control_multi_region_access_point_policy": _Attached(_multi_region, "", _NOT_NAMED),
}  # fmt: skip

# Stores whose own values hold the policy that may open them (judged as ``_exposure`` judges
# a store that opens itself: on update).
SELF: dict[str, Reader] = {
    "aws_sns_topic": _POLICY,
    "aws_sqs_queue": _POLICY,
    "aws_secretsmanager_secret": _POLICY,
    "aws_kms_key": _POLICY,
    "aws_opensearch_domain": _document("access_policies"),
    "aws_elasticsearch_domain": _document("access_policies"),
    "aws_glacier_vault": _document("access_policy"),
    "aws_iam_role": _document("assume_role_policy"),
} | AWSCC_SELF

# The Cloud Control provider's types that attach access (``awscc_s3_bucket_policy``...): each
# read as its CloudFormation type is, its store named by the snake_case of that type's property.
_AWSCC_ATTACHED: dict[str, str] = {awscc_type(t): t for t in ATTACHING}
ATTACHED |= {
    awscc: _like(cfn, attached_reader(cfn), snake_case(ATTACHING[cfn].stores),
                 default=ATTACHING[cfn].default)
    for awscc, cfn in _AWSCC_ATTACHED.items()
}  # fmt: skip
_LOG_POLICIES = frozenset({"aws_cloudwatch_log_resource_policy", "awscc_logs_resource_policy"})


def attached_effects(
    effects: list[Effect], *, resource_type: str, address: str, actions: tuple[str, ...],
    before: dict[str, Any] | None, after: dict[str, Any] | None, unknown: Unknown,
) -> list[Effect]:  # fmt: skip
    """``effects`` (the change's own first) with what attaching access that opens a store adds:
    the own effect marked as removing protection, and an effect on each store opened."""
    spec = ATTACHED[resource_type]
    if after is None or not ("create" in actions or "update" in actions):
        return effects
    now = spec.read(after, unknown)
    if not now:
        return effects
    stores = _stores(resource_type, spec, after, unknown, effects[0])
    was: Openings = {}
    if actions == ("update",) and before is not None:
        kept = _stores(resource_type, spec, before, NEVER_UNKNOWN, effects[0])
        was = spec.read(before, NEVER_UNKNOWN) if kept == stores else {}
    opened = [why for key, why in now.items() if was.get(key) is None]
    if not opened:
        return effects
    known = [why for why in opened if why is not None]
    own, out = effects[0], list(effects)
    if known:
        detail = "; ".join([own.detail, *(f"opened to the world: {w}" for w in known)])
        out[0] = replace(own, removes_protection=True, detail=detail)
    if spec.call[0]:
        found = [(names, bool(known)) for names in stores]
    else:  # an access point: itself opened, the buckets behind it held
        found = [(names, bool(known)) for names in stores] + [(EVERY_BUCKET, False)]
    why = "; ".join(known) if known else "known only on apply: it may open the store to anyone"
    for names, sure in found:
        if not sure and names == EVERY_BUCKET and known:
            detail = f"{address}: {why}: the buckets behind the access point are not in the plan"
        elif sure:
            detail = f"protection removed: {address}: {why}"
        else:
            detail = f"{address}: {why}"
        kind = _E.UPDATE if sure else _E.UNKNOWN
        out.append(replace(own, effect=kind, resource=Resource(names, resource_type),
                           removes_protection=sure, detail=detail))  # fmt: skip
    return out


def _stores(
    resource_type: str, spec: _Attached, values: dict[str, Any], unknown: Unknown, own: Effect
) -> list[tuple[str, ...]]:
    """The names of each store the values attach access to (the wide name of every one of the
    kind where the values name them only on apply)."""
    if resource_type in _LOG_POLICIES:
        where = where_of(own.target)
        every = f"arn:aws:logs:{where.region}:{where.account}:log-group:*"
        if unknown("policy_document"):
            return [(every,)]
        found = logs_stores(values.get("policy_document"), every)
        return [(s,) for s in found] if found else []
    if not spec.store:
        return []
    value = values.get(spec.store)
    if isinstance(value, list):  # topics, queues: each one named
        each = [
            _names(resource_type, spec, v, values, own) for v in value if isinstance(v, str) and v
        ]
        if len(each) < len(value) or not each:  # one named only on apply: one the plan makes
            each.append((f"{own.resource.names[0]} (store)",))
        return each
    if not isinstance(value, str) or not value:
        if unknown(spec.store) or spec.default == "":
            # Named only on apply: a store the plan makes, holding no data yet.
            return [(f"{own.resource.names[0]} (store)",)]
        value = spec.default
    return [_names(resource_type, spec, value, values, own)]


def _names(
    resource_type: str, spec: _Attached, value: str, values: dict[str, Any], own: Effect
) -> tuple[str, ...]:
    """A store as the service's own call names it, as the plan names its kind, and as given."""
    if not spec.call[0]:
        return (value,) if value.startswith("arn:") else (_object_lambda_point(value, values, own),)
    params: dict[str, Any]
    if resource_type in _AWSCC_ATTACHED:
        params = native_params(_AWSCC_ATTACHED[resource_type], value)
    elif resource_type == "aws_lambda_layer_version_permission":
        number = values.get("version_number")
        params = {"LayerName": value}
        if isinstance(number, int) and not isinstance(number, bool):
            params["VersionNumber"] = number
    else:
        params = {spec.call[2]: value}
    names = native_names(spec.call, params, own.target)
    derived = resource_names(spec.kind, value) if spec.kind else ()
    return tuple(dict.fromkeys((*names, *derived, value)))


def _object_lambda_point(name: str, values: dict[str, Any], own: Effect) -> str:
    """An Object Lambda access point by its ARN, in its ``account_id`` when the plan knows it."""
    where = where_of(own.target)
    account = values.get("account_id")
    account = account if isinstance(account, str) and account else where.account
    return f"arn:aws:s3-object-lambda:{where.region}:{account}:accesspoint/{name}"
