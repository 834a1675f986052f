"""The Cloud Control types that attach access to a store which already exists.

Each is not a store of its own but a policy or a permission put on one, which its properties
name (the CloudFormation resource schemas, cfn-lint 1.58's registry schemas, read here): the
store is named as the service's own call that sets such access names it (``s3
put-bucket-policy``, ``lambda add-permission``, ``events put-permission``...), and every store
of the kind by a wide name (held as ``unknown`` when the properties are decided at run time:
:func:`~.cloud_control_openings.opened_stores`).

- S3: a bucket's policy (``AWS::S3::BucketPolicy``; a directory bucket's,
  ``AWS::S3Express::BucketPolicy``, named as ``s3 put-bucket-policy`` names it; an Outposts
  bucket's, ``AWS::S3Outposts::BucketPolicy``, by its ARN as ``s3control put-bucket-policy``
  does), an access point on a bucket (``AWS::S3::AccessPoint``), a table bucket's policy
  (``AWS::S3Tables::TableBucketPolicy``); an Object Lambda or Multi-Region access point's
  policy (``AWS::S3ObjectLambda::AccessPointPolicy``, ``AWS::S3::MultiRegionAccessPointPolicy``),
  whose buckets are not in the call: ``unknown`` on every bucket, as the native calls are
  (:mod:`.access_points`);
- SNS topics and SQS queues (``TopicPolicy``/``TopicInlinePolicy``, ``QueuePolicy``/
  ``QueueInlinePolicy``), a secret (``AWS::SecretsManager::ResourcePolicy``), a Kinesis stream
  or consumer (``AWS::Kinesis::ResourcePolicy``), an MSK cluster (``AWS::MSK::ClusterPolicy``);
- Lambda: a function's permission (``AWS::Lambda::Permission``) or policy
  (``AWS::Lambda::ResourcePolicy``), a layer version's (``AWS::Lambda::LayerVersionPermission``:
  ``Principal: *`` without an ``OrganizationId`` lets every AWS account use it);
- EventBridge: a bus's statement (``AWS::Events::EventBusPolicy``, the default bus when no
  ``EventBusName`` is given: ``Principal: *`` without a ``Condition`` lets every account put
  events on it) or policy (``AWS::EventsV2::ResourcePolicy``);
- CloudWatch Logs: the account's resource policy (``AWS::Logs::ResourcePolicy``), which names
  no store but the log groups of its statements' ``Resource`` (every log group for ``*``);
- a CloudTrail channel's, event data store's or dashboard's policy
  (``AWS::CloudTrail::ResourcePolicy``), a Bedrock guardrail's (``AWS::Bedrock::ResourcePolicy``)
  or knowledge base's (``AWS::Bedrock::KnowledgeBasePolicy``: no native call sets it yet, named
  as ``bedrock-agent`` names the knowledge base);
- an OpenSearch Serverless data access policy (``AWS::OpenSearchServerless::AccessPolicy``): not
  a policy document but a list of rule sets, each letting its ``Principal`` list into the
  collections its ``Rules`` name (``collection/NAME``, ``index/NAME/...``); its native call
  names no collection, so they are named as ``BatchGetCollection`` names them
  (:func:`aoss_collections`);
- a VPC endpoint service's permissions (``AWS::EC2::VPCEndpointServicePermissions``):
  ``AllowedPrincipals`` holding ``*`` lets every AWS account connect to the service.

Not here, because their create opens nothing that already exists: a KMS key's policy and an
ECR repository's (properties of the key and the repository, ``AWS::ECR::RepositoryPolicy``
is no CloudFormation type), an OpenSearch domain's access policies. An ECR registry's policy
(``AWS::ECR::RegistryPolicy``) only lets others replicate or cache images into the registry,
and names no repository; Glue's and DynamoDB's resource policies are no CloudFormation types
of their own (a table's ``ResourcePolicy`` is its own property).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ACCESS_POINT",
    "AOSS_ACCESS",
    "ATTACHING",
    "Attaching",
    "aoss_collections",
    "bus_principal",
    "logs_stores",
    "native_params",
]

ACCESS_POINT = "AWS::S3::AccessPoint"
# Its store property is the policy itself, which names the collections (:func:`native_params`).
AOSS_ACCESS = "AWS::OpenSearchServerless::AccessPolicy"
_EVERY_BUCKET = ("arn:aws:s3:::*", "s3://*")


@dataclass(frozen=True, slots=True)
class Attaching:
    """A type that attaches access to stores that already exist."""

    # Why its properties open the stores (:func:`opens_with`), or None.
    opens: Callable[[Mapping[str, Any]], str | None]
    # The property naming the stores (one name or a list); "" where they are named otherwise.
    stores: str
    # The native call that sets such access, and its parameter naming a store ("" service:
    # the stores are not in the call, only ``every`` of them may be opened).
    call: tuple[str, str, str]
    # Every store of the kind, by wide names (``{region}``/``{account}`` filled in).
    every: tuple[str, ...]
    # The store a left-out ``stores`` property means (EventBridge's default bus).
    default: str = ""


def _unknown(_: Any) -> str:
    return "*"  # a value Cloud Control cannot resolve: no template functions, never trusted


def _policy(prop: str) -> Callable[[Mapping[str, Any]], str | None]:
    """A policy document in ``prop`` letting anyone in (read as a template's is)."""

    def opens(state: Mapping[str, Any]) -> str | None:
        from keyturn.understand.cloudformation_exposure import public_statement

        return public_statement(state.get(prop), _unknown)

    return opens


def _permission(*holders: str) -> Callable[[Mapping[str, Any]], str | None]:
    """A Lambda permission for ``*`` none of ``holders`` holds (as ``add-permission``)."""

    def opens(state: Mapping[str, Any]) -> str | None:
        from keyturn.understand.aws.public_exposure import lambda_permission

        return lambda_permission(state, holders)

    return opens


def _access_point(state: Mapping[str, Any]) -> str | None:
    """An access point is another name for its bucket whatever its policy; one without a
    policy lets in only whom the bucket's does."""
    from keyturn.understand.cloudformation_exposure import public_statement

    return public_statement(state["Policy"], _unknown) if "Policy" in state else None


def _bus_statement(state: Mapping[str, Any]) -> str | None:
    """An ``AWS::Events::EventBusPolicy``: its ``Statement`` (one statement, an object or its
    JSON text) letting anyone in, or its ``Principal`` (:func:`bus_principal`)."""
    from keyturn.understand.cloudformation_exposure import public_statement

    if "Statement" not in state:
        return bus_principal(state)
    statement = state["Statement"]
    if isinstance(statement, str):
        try:
            statement = json.loads(statement)
        except (ValueError, RecursionError):
            return "a policy statement not read: it may let anyone in"
    if isinstance(statement, Mapping) and "Statement" not in statement:
        statement = {"Statement": [statement]}
    return public_statement(statement, _unknown)


def bus_principal(params: Mapping[str, Any]) -> str | None:
    """Why an event bus permission's ``Principal`` (``events PutPermission``'s, or an
    ``AWS::Events::EventBusPolicy``'s) lets every AWS account put events on the bus: ``*``
    not held by its ``Condition`` (``{Type, Key, Value}``, which takes ``aws:PrincipalOrgID``
    only), or a principal not read."""
    from keyturn.understand.aws.public_exposure import holds_to_known_callers

    principal = params.get("Principal")
    if principal is None or (isinstance(principal, str) and principal != "*"):
        return None  # one account (or none: refused by the API)
    condition = params.get("Condition")
    if isinstance(condition, Mapping):
        test, key, value = (condition.get(k) for k in ("Type", "Key", "Value"))
        if holds_to_known_callers({str(test): {str(key): value}}):
            return None
    if principal != "*":
        return "a Principal not read: it may let every AWS account put events on the bus"
    return 'Principal "*" without a Condition: every AWS account may put events on the bus'


def _allowed_principals(state: Mapping[str, Any]) -> str | None:
    """A VPC endpoint service's ``AllowedPrincipals`` holding ``*`` (or a value not read)."""
    principals = state.get("AllowedPrincipals")
    if principals is None:
        return None  # no one allowed
    listed = principals if isinstance(principals, list) else [principals]
    if all(isinstance(p, str) and "*" not in p for p in listed):
        return None  # named accounts, users or roles
    return 'AllowedPrincipals "*": every AWS account may connect to the endpoint service'


_NOT_READ = "a data access policy not read: it may let anyone in"


def _rule_sets(policy: Any) -> list[Any] | None:
    """An OpenSearch Serverless data access policy's rule sets (JSON text or a list), or None."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except (ValueError, RecursionError):
            return None
    if isinstance(policy, Mapping):
        policy = [policy]
    return policy if isinstance(policy, list) else None


def _open_rule_sets(policy: Any) -> list[Any] | None:
    """The rule sets letting anyone in (a ``Principal`` holding ``*``, or one not read); None
    when the policy is not read."""
    sets = _rule_sets(policy)
    if sets is None:
        return None
    found: list[Any] = []
    for rule_set in sets:
        principals = rule_set.get("Principal") if isinstance(rule_set, Mapping) else None
        listed = principals if isinstance(principals, list) else [principals]
        if not all(isinstance(p, str) and p and "*" not in p for p in listed):
            found.append(rule_set)
    return found


def _data_access(state: Mapping[str, Any]) -> str | None:
    """An OpenSearch Serverless data access policy with a rule set for anyone."""
    found = _open_rule_sets(state.get("Policy"))
    if found is None:
        return _NOT_READ
    return 'a rule set for Principal "*": anyone may reach the collections' if found else None


def aoss_collections(policy: Any) -> list[str]:
    """The collections an OpenSearch Serverless data access policy opens to anyone: named by
    its open rule sets' ``Rules`` (``collection/NAME``, ``index/NAME/...``), ``*`` for a
    policy or a rule not read."""
    found = _open_rule_sets(policy)
    if found is None:
        return ["*"]
    names: list[str] = []
    for rule_set in found:
        rules = rule_set.get("Rules") if isinstance(rule_set, Mapping) else None
        for rule in rules if isinstance(rules, list) else [None]:
            given = rule.get("Resource") if isinstance(rule, Mapping) else None
            for resource in given if isinstance(given, list) else [given]:
                parts = resource.split("/") if isinstance(resource, str) else []
                known = len(parts) > 1 and parts[0] in ("collection", "index") and parts[1]
                names.append(parts[1] if known else "*")
    return list(dict.fromkeys(names))


_BUCKETS = ("s3", "PutBucketPolicy", "Bucket")
_TOPICS = ("sns", "SetTopicAttributes", "TopicArn")
_QUEUES = ("sqs", "SetQueueAttributes", "QueueUrl")
_FUNCTIONS = ("lambda", "AddPermission", "FunctionName")
_BUSES = ("events", "PutPermission", "EventBusName")
_NOT_NAMED = ("", "", "")
_R = "{region}:{account}"

ATTACHING: dict[str, Attaching] = {
    "AWS::S3::BucketPolicy": Attaching(_policy("PolicyDocument"), "Bucket", _BUCKETS,
                                       _EVERY_BUCKET),
    "AWS::S3Express::BucketPolicy": Attaching(_policy("PolicyDocument"), "Bucket", _BUCKETS,
                                              _EVERY_BUCKET),
    "AWS::S3Outposts::BucketPolicy": Attaching(
        _policy("PolicyDocument"), "Bucket", ("s3control", "PutBucketPolicy", "Bucket"),
        (f"arn:aws:s3-outposts:{_R}:outpost/*",)),
    ACCESS_POINT: Attaching(_access_point, "Bucket", _BUCKETS, _EVERY_BUCKET),
    "AWS::S3ObjectLambda::AccessPointPolicy": Attaching(
        _policy("PolicyDocument"), "", _NOT_NAMED, _EVERY_BUCKET),
    "AWS::S3::MultiRegionAccessPointPolicy": Attaching(_policy("Policy"), "", _NOT_NAMED,
                                                       _EVERY_BUCKET),
    "AWS::S3Tables::TableBucketPolicy": Attaching(
        _policy("ResourcePolicy"), "TableBucketARN",
        ("s3tables", "PutTableBucketPolicy", "tableBucketARN"),
        (f"arn:aws:s3tables:{_R}:bucket/*",)),
    "AWS::SNS::TopicPolicy": Attaching(_policy("PolicyDocument"), "Topics", _TOPICS,
                                       (f"arn:aws:sns:{_R}:*",)),
    "AWS::SNS::TopicInlinePolicy": Attaching(_policy("PolicyDocument"), "TopicArn", _TOPICS,
                                             (f"arn:aws:sns:{_R}:*",)),
    "AWS::SQS::QueuePolicy": Attaching(_policy("PolicyDocument"), "Queues", _QUEUES,
                                       (f"arn:aws:sqs:{_R}:*",)),
    "AWS::SQS::QueueInlinePolicy": Attaching(_policy("PolicyDocument"), "Queue", _QUEUES,
                                             (f"arn:aws:sqs:{_R}:*",)),
    "AWS::SecretsManager::ResourcePolicy": Attaching(
        _policy("ResourcePolicy"), "SecretId",
        ("secretsmanager", "PutResourcePolicy", "SecretId"),
        (f"arn:aws:secretsmanager:{_R}:secret:*",)),
    "AWS::Kinesis::ResourcePolicy": Attaching(
        _policy("ResourcePolicy"), "ResourceArn",
        ("kinesis", "PutResourcePolicy", "ResourceARN"), (f"arn:aws:kinesis:{_R}:stream/*",)),
    "AWS::MSK::ClusterPolicy": Attaching(
        _policy("Policy"), "ClusterArn", ("kafka", "PutClusterPolicy", "ClusterArn"),
        (f"arn:aws:kafka:{_R}:cluster/*",)),
    "AWS::Lambda::Permission": Attaching(
        _permission("SourceArn", "SourceAccount", "PrincipalOrgID"), "FunctionName",
        _FUNCTIONS, (f"arn:aws:lambda:{_R}:function:*",)),
    "AWS::Lambda::ResourcePolicy": Attaching(_policy("PolicyDocument"), "ResourceArn",
                                             _FUNCTIONS, (f"arn:aws:lambda:{_R}:function:*",)),
    "AWS::Lambda::LayerVersionPermission": Attaching(
        _permission("OrganizationId"), "LayerVersionArn",
        ("lambda", "AddLayerVersionPermission", "LayerName"), (f"arn:aws:lambda:{_R}:layer:*",)),
    "AWS::Events::EventBusPolicy": Attaching(_bus_statement, "EventBusName", _BUSES,
                                             (f"arn:aws:events:{_R}:event-bus/*",), "default"),
    "AWS::EventsV2::ResourcePolicy": Attaching(_policy("PolicyDocument"), "EventBusArn", _BUSES,
                                               (f"arn:aws:events:{_R}:event-bus/*",)),
    "AWS::Logs::ResourcePolicy": Attaching(
        _policy("PolicyDocument"), "", ("logs", "PutResourcePolicy", "resourceArn"),
        (f"arn:aws:logs:{_R}:log-group:*",)),
    "AWS::CloudTrail::ResourcePolicy": Attaching(
        _policy("ResourcePolicy"), "ResourceArn",
        ("cloudtrail", "PutResourcePolicy", "ResourceArn"),
        tuple(f"arn:aws:cloudtrail:{_R}:{kind}/*"
              for kind in ("channel", "eventdatastore", "dashboard"))),
    "AWS::Bedrock::ResourcePolicy": Attaching(
        _policy("PolicyDocument"), "ResourceArn", ("bedrock", "PutResourcePolicy", "resourceArn"),
        (f"arn:aws:bedrock:{_R}:guardrail/*", f"arn:aws:bedrock:{_R}:guardrail-profile/*")),
    "AWS::Bedrock::KnowledgeBasePolicy": Attaching(
        _policy("PolicyDocument"), "KnowledgeBaseId",
        ("bedrock-agent", "GetKnowledgeBase", "knowledgeBaseId"),
        (f"arn:aws:bedrock:{_R}:knowledge-base/*",)),
    AOSS_ACCESS: Attaching(_data_access, "Policy",
                           ("opensearchserverless", "BatchGetCollection", "names"),
                           (f"arn:aws:aoss:{_R}:collection/*",)),
    "AWS::EC2::VPCEndpointServicePermissions": Attaching(
        _allowed_principals, "ServiceId",
        ("ec2", "ModifyVpcEndpointServicePermissions", "ServiceId"),
        (f"arn:aws:ec2:{_R}:vpc-endpoint-service/*", f"arn:aws:ec2:{_R}:vpc-endpoint/vpce-svc-*")),
}  # fmt: skip

# A layer version's ARN: ``arn:aws:lambda:R:A:layer:NAME:VERSION``.
_LAYER_VERSION = re.compile(r"(arn:aws[a-z-]*:lambda:[^:]*:\d*:layer:[^:]+):(\d+)")


def native_params(type_name: str, store: str) -> dict[str, Any]:
    """The native call's parameters naming ``store`` (a layer version: its layer and number;
    an OpenSearch Serverless data access policy: the collections it opens)."""
    member = ATTACHING[type_name].call[2]
    if type_name == AOSS_ACCESS:  # ``store``: the policy, naming the collections it opens
        return {member: aoss_collections(store)}
    if type_name == "AWS::Lambda::LayerVersionPermission":
        version = _LAYER_VERSION.fullmatch(store)
        if version is not None:
            return {member: version.group(1), "VersionNumber": int(version.group(2))}
    return {member: store}


def logs_stores(document: Any, every: str) -> list[str]:
    """The log groups a CloudWatch Logs resource policy ``document`` (an object or its JSON
    text) opens: the ``Resource`` of each statement letting anyone in (its ``:*`` of log
    streams named without it too), ``every`` for ``*``, a ``NotResource`` or a value not
    read."""
    from keyturn.understand.cloudformation_exposure import public_statement

    if isinstance(document, str):
        try:
            document = json.loads(document)
        except (ValueError, RecursionError):
            return [every]
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    statements = statements if isinstance(statements, list) else [statements]
    found: list[str] = []
    for statement in statements:
        if not isinstance(statement, Mapping):
            return [every]
        if public_statement({"Statement": [statement]}, _unknown) is None:
            continue
        given = statement.get("Resource", "*") if "NotResource" not in statement else "*"
        for resource in given if isinstance(given, list) else [given]:
            if not isinstance(resource, str) or resource.strip() in ("*", ""):
                return [every]
            found += [resource, resource.removesuffix(":*")]
    return list(dict.fromkeys(found))
