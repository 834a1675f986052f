"""AWS calls that open a resource to anyone on the internet: judged as removing the resource's
protection (``removes_protection``), as Google Cloud's and Azure's are
(:mod:`keyturn.understand.shell.commands._gcloud_public`). Whoever may read a protected bucket,
snapshot or image from anywhere may copy it away, and closing it again does not bring the copy
back: refused on a protected resource, judged as the update (or create) it is elsewhere. The
effect keeps the kind its verb gives it; a read is never flagged.

What opens a resource (parameter names and values as botocore's service models give them):

- S3's public access block switched off: ``DeletePublicAccessBlock``, or
  ``PutPublicAccessBlock`` with any of its four settings not true (an omitted one is false:
  the call replaces the whole configuration), of a bucket or (``s3control``) of the account,
  which opens every bucket in it (:mod:`.wide_exposure`); EC2's
  ``DisableImageBlockPublicAccess`` / ``DisableSnapshotBlockPublicAccess`` alike;
- a public canned ACL (``public-read``, ``public-read-write``, ``authenticated-read``: any AWS
  account is as good as anyone) or a grant to the ``AllUsers``/``AuthenticatedUsers`` groups, on
  a bucket or object (``PutBucketAcl``, ``PutObjectAcl``, ``CreateBucket``, ``PutObject``,
  ``CopyObject``, ``CreateMultipartUpload``);
- a resource policy that lets anyone in (:func:`public_statement`): S3 bucket policies (also
  an Outposts bucket's), S3 access point policies (also Object Lambda and Multi-Region ones,
  whose bucket :mod:`.access_points` holds for review), S3 table bucket policies, ECR
  repository policies, SNS topic and SQS queue policies (their ``Policy`` attribute), KMS key
  policies, Secrets Manager, Kinesis and MSK resource policies, CloudWatch Logs' resource
  policy (whose log groups :mod:`.wide_exposure` names), an event bus's policy (or its
  ``Principal: *`` not held by a ``Condition``), an IAM role's trust policy; a policy that
  cannot be read is left as the verb judges it;
- ``lambda AddPermission`` / ``AddLayerVersionPermission`` for principal ``*`` with no source
  account, source ARN or organisation to hold it;
- an RDS instance or cluster made publicly accessible, also one restored or replicated from
  another's data (whose source :mod:`.wide_exposure` names); an RDS (cluster) snapshot's
  ``restore`` attribute given ``all``; an EBS snapshot's ``createVolumePermission`` or an AMI's
  ``launchPermission`` given the group ``all``;
- a Cloud Control ``UpdateResource`` patch that does one of these
  (:mod:`keyturn.understand.cloud_control_exposure`), or a ``CreateResource`` whose properties
  do (:mod:`.cloud_control_openings`, which names the stores that already exist it opens).

A parameter deciding one of these that is given at run time may be a public value
(:mod:`.run_time_exposure`).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Mapping
from typing import Any

from keyturn.understand.aws.resolved_call import AwsCall

__all__ = [
    "GRANTS",
    "PUBLIC_DATABASE_CALLS",
    "exposure",
    "holds_to_known_callers",
    "lambda_permission",
    "public_statement",
]

_PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GROUPS = ("/groups/global/allusers", "/groups/global/authenticatedusers")
GRANTS = ("GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP")
_BLOCK_SETTINGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
# Condition keys that, fixed to values with no wildcard, hold a ``Principal: *`` statement to
# known callers (S3's "meaning of public", as botocore's PublicAccessBlockConfiguration
# documents it, with the organisation and caller-account keys Access Analyzer and KMS key
# policies use the same way). Any other condition (``aws:SecureTransport``...) leaves the
# statement public.
_HOLDING_KEYS = frozenset(
    {
        "aws:sourceip",
        "aws:sourcearn",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceowner",
        "aws:sourceaccount",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:userid",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "s3:dataaccesspointaccount",
        "s3:dataaccesspointarn",
        "kms:calleraccount",
    }
)
# The smallest IPv4/IPv6 prefixes an ``aws:SourceIp`` may allow and still hold the statement
# (a ``/0`` lets in every address).
_NARROWEST = {4: 8, 6: 32}


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _words(value: Any) -> list[str]:
    """A parameter that takes one word or a list of them, as lower-cased words."""
    items = value if isinstance(value, list) else [value]
    return [i.strip().lower() for i in items if isinstance(i, str)]


def _policy(value: Any) -> Mapping[str, Any] | None:
    """A policy document (its JSON text, or parsed as boto3 or CloudTrail may give it)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return None
    return value if isinstance(value, Mapping) else None


def _anyone(principal: Any) -> bool:
    """``"*"``, ``{"AWS": "*"}`` or a list with ``*`` under any key: anyone at all."""
    if isinstance(principal, Mapping):
        return any("*" in _words(v) for v in principal.values())
    return "*" in _words(principal)


# The operators that fix a key to the values given: equality and its ``Like``/``Arn`` forms,
# and ``IpAddress`` for ``aws:SourceIp``. ``Null``, ``Bool``, numbers and dates, negations,
# ``…IfExists`` and ``ForAllValues:`` (true when the key is absent) fix nothing.
_FIXING_OPERATORS = frozenset(
    {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"} | {"ipaddress"}
)


def holds_to_known_callers(condition: Any) -> bool:
    """Whether a statement's ``Condition`` keeps it to known callers: some operator that is not
    negated nor ``...IfExists`` (true when the key is absent) fixes a key of
    ``_HOLDING_KEYS`` to values with no wildcard (an ``aws:SourceIp`` to a narrow range)."""
    if not isinstance(condition, Mapping):
        return False
    for operator, tests in condition.items():
        op = str(operator).lower().removeprefix("foranyvalue:")
        if op not in _FIXING_OPERATORS or not isinstance(tests, Mapping):
            continue
        for key, value in tests.items():
            values = value if isinstance(value, list) else [value]
            if str(key).lower() not in _HOLDING_KEYS or not values:
                continue
            texts = [v for v in values if isinstance(v, str)]
            if len(texts) != len(values) or any(c in v for v in texts for c in "*?$"):
                continue  # a wildcard, or a policy variable (``${aws:PrincipalAccount}``)
            if str(key).lower() == "aws:sourceip" and not all(map(_narrow, texts)):
                continue
            return True
    return False


def _narrow(cidr: str) -> bool:
    try:
        network = ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        return False
    return network.prefixlen >= _NARROWEST[network.version]


def public_statement(document: Any) -> str | None:
    """Why a resource policy (text or parsed) lets anyone in, or None (also when it cannot be
    read): an ``Allow`` for principal ``*`` (or ``NotPrincipal``: everyone but those listed)
    whose condition, if any, does not hold it to known callers (:func:`holds_to_known_callers`)."""
    policy = _policy(document)
    if policy is None:
        return None
    statements = policy.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, Mapping):
            continue
        if str(statement.get("Effect", "")).strip().lower() != "allow":
            continue
        if "NotPrincipal" in statement:
            return "a policy statement allows everyone but the NotPrincipal it lists"
        if _anyone(statement.get("Principal")) and not holds_to_known_callers(
            statement.get("Condition")
        ):
            sid = statement.get("Sid")
            named = f" {sid}" if isinstance(sid, str) and sid else ""
            return f"policy statement{named} allows principal * (anyone on the internet)"
    return None


def _acl(params: Mapping[str, Any]) -> str | None:
    """A public canned ACL, or a grant to everyone or to any AWS account."""
    acl = params.get("ACL")
    if isinstance(acl, str) and acl.strip().lower() in _PUBLIC_ACLS:
        return f"ACL {acl}: anyone may reach it"
    for name in GRANTS:
        grant = params.get(name)
        if isinstance(grant, str) and any(g in grant.lower() for g in _PUBLIC_GROUPS):
            return f"{name} {grant}: grants every user (or every AWS account) access"
    policy = params.get("AccessControlPolicy")
    grants = policy.get("Grants") if isinstance(policy, Mapping) else None
    for grant in grants if isinstance(grants, list) else []:
        grantee = grant.get("Grantee") if isinstance(grant, Mapping) else None
        uri = grantee.get("URI") if isinstance(grantee, Mapping) else None
        if isinstance(uri, str) and uri.lower().rstrip("/").endswith(_PUBLIC_GROUPS):
            return f"a grant to {uri}: grants every user (or every AWS account) access"
    return None


def _public_access_block(params: Mapping[str, Any]) -> str | None:
    """A ``PutPublicAccessBlock`` that leaves one of the four settings off (omitted: off)."""
    config = params.get("PublicAccessBlockConfiguration")
    if not isinstance(config, Mapping):
        return "sets a public access block that could not be read"
    off = [s for s in _BLOCK_SETTINGS if not _true(config.get(s))]
    return f"public access block with {', '.join(off)} off" if off else None


def _attribute_policy(attributes: Any) -> str | None:
    """The ``Policy`` among SNS/SQS attributes, when it lets anyone in."""
    if not isinstance(attributes, Mapping):
        return None
    return public_statement(attributes.get("Policy"))


def _details_policy(details: Any) -> str | None:
    """A Multi-Region access point's ``Details.Policy``, when it lets anyone in."""
    return public_statement(details.get("Policy")) if isinstance(details, Mapping) else None


def _topic_attribute(params: Mapping[str, Any]) -> str | None:
    if params.get("AttributeName") != "Policy":
        return None
    return public_statement(params.get("AttributeValue"))


def lambda_permission(params: Mapping[str, Any], holders: tuple[str, ...]) -> str | None:
    """Why a Lambda permission (``AddPermission``'s parameters, or an ``AWS::Lambda::Permission``'s
    properties) lets anyone invoke: principal ``*`` with none of ``holders`` to hold it."""
    if not _anyone(params.get("Principal")):
        return None
    if any(isinstance(params.get(h), str) and params[h] for h in holders):
        return None
    return "grants principal * with no source account, source ARN or organisation"


def _publicly_accessible(params: Mapping[str, Any]) -> str | None:
    public = _true(params.get("PubliclyAccessible"))
    return "PubliclyAccessible: reachable from the internet" if public else None


def _snapshot_restore(params: Mapping[str, Any]) -> str | None:
    if str(params.get("AttributeName", "")).strip().lower() != "restore":
        return None
    if "all" in _words(params.get("ValuesToAdd")):
        return "restore given to all: any AWS account may copy or restore it"
    return None


def _group_all(params: Mapping[str, Any], groups: str, permission: str) -> str | None:
    """EC2's ``OperationType add`` with the group ``all``, or ``{permission: {Add: [{Group:
    all}]}}``: every AWS account may use the snapshot or image."""
    adding = str(params.get("OperationType", "")).strip().lower() == "add"
    if adding and "all" in _words(params.get(groups)):
        return f"{groups} all: every AWS account may use it"
    given = params.get(permission)
    added = given.get("Add") if isinstance(given, Mapping) else None
    if isinstance(added, Mapping):  # a CloudTrail record's EC2 list: ``{"items": [...]}``
        added = added.get("items")
    for item in added if isinstance(added, list) else []:
        group = {str(k).lower(): v for k, v in item.items()} if isinstance(item, Mapping) else {}
        if "all" in _words(group.get("group")):
            return f"{permission} for the group all: every AWS account may use it"
    return None


def _cloud_control_patch(params: Mapping[str, Any]) -> str | None:
    """A Cloud Control ``UpdateResource`` patch that opens the resource (read as the Cloud
    Control MCP server's ``update_resource`` is). A patch that is no JSON list is refused by
    the API and changes nothing; one decided at run time is read by :func:`exposure_at_run_time`."""
    from keyturn.understand.cloud_control_exposure import patch_exposure

    type_name, document = params.get("TypeName"), params.get("PatchDocument")
    try:
        operations = json.loads(document) if isinstance(document, str) else document
    except (ValueError, RecursionError):
        return None
    if not isinstance(type_name, str) or not isinstance(operations, list):
        return None
    return patch_exposure(type_name, operations)


def _cloud_control_create(params: Mapping[str, Any]) -> str | None:
    """A Cloud Control ``CreateResource`` whose properties open a store: the one it makes, or
    one it attaches access to (:mod:`.cloud_control_openings` names those)."""
    from keyturn.understand.aws.cloud_control_openings import desired_exposure

    return desired_exposure(params)


def _bus_permission(params: Mapping[str, Any]) -> str | None:
    """``events PutPermission``: its ``Policy``, or its ``Principal`` (``*`` not held by its
    ``Condition``: :func:`~.cloud_control_attached.bus_principal`)."""
    from keyturn.understand.aws.cloud_control_attached import bus_principal

    return public_statement(params["Policy"]) if "Policy" in params else bus_principal(params)


def _named(member: str) -> Callable[[Mapping[str, Any]], str | None]:
    return lambda params: public_statement(params.get(member))


# The calls whose ``PubliclyAccessible`` opens a database: its own, and a database made from
# another's data (a snapshot, a replica, a point in time, an S3 backup), which opens that data.
PUBLIC_DATABASE_CALLS = (
    "rds:ModifyDBInstance",
    "rds:ModifyDBCluster",
    "rds:RestoreDBInstanceFromDBSnapshot",
    "rds:RestoreDBInstanceToPointInTime",
    "rds:RestoreDBInstanceFromS3",
    "rds:CreateDBInstanceReadReplica",
)

_CHECKS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    "s3:DeletePublicAccessBlock": lambda _: "deletes the bucket's public access block",
    "s3:PutPublicAccessBlock": _public_access_block,
    "s3control:DeletePublicAccessBlock": lambda _: "deletes the account's public access block",
    "s3control:PutPublicAccessBlock": _public_access_block,
    "ec2:DisableImageBlockPublicAccess": lambda _: "lets the region's AMIs be made public",
    "ec2:DisableSnapshotBlockPublicAccess": lambda _: "lets the region's snapshots be public",
    **dict.fromkeys(
        (
            "s3:PutBucketAcl",
            "s3:PutObjectAcl",
            "s3:CreateBucket",
            "s3:PutObject",
            "s3:CopyObject",
            "s3:CreateMultipartUpload",
        ),
        _acl,
    ),
    "s3:PutBucketPolicy": _named("Policy"),
    # An access point's policy (:mod:`.access_points` names what it opens).
    "s3control:PutAccessPointPolicy": _named("Policy"),
    "s3control:PutAccessPointPolicyForObjectLambda": _named("Policy"),
    "s3control:PutMultiRegionAccessPointPolicy": lambda p: _details_policy(p.get("Details")),
    "s3control:PutBucketPolicy": _named("Policy"),  # an Outposts bucket's
    "s3tables:PutTableBucketPolicy": _named("resourcePolicy"),
    "ecr:SetRepositoryPolicy": _named("policyText"),
    "kinesis:PutResourcePolicy": _named("Policy"),
    "kafka:PutClusterPolicy": _named("Policy"),
    "logs:PutResourcePolicy": _named("policyDocument"),
    "events:PutPermission": _bus_permission,
    "kms:PutKeyPolicy": _named("Policy"),
    "kms:CreateKey": _named("Policy"),
    "secretsmanager:PutResourcePolicy": _named("ResourcePolicy"),
    "iam:UpdateAssumeRolePolicy": _named("PolicyDocument"),
    "iam:CreateRole": _named("AssumeRolePolicyDocument"),
    "sns:SetTopicAttributes": _topic_attribute,
    "sns:CreateTopic": lambda p: _attribute_policy(p.get("Attributes")),
    "sqs:SetQueueAttributes": lambda p: _attribute_policy(p.get("Attributes")),
    "sqs:CreateQueue": lambda p: _attribute_policy(p.get("Attributes")),
    "lambda:AddPermission": lambda p: lambda_permission(
        p, ("SourceArn", "SourceAccount", "PrincipalOrgID")
    ),
    "lambda:AddLayerVersionPermission": lambda p: lambda_permission(p, ("OrganizationId",)),
    **dict.fromkeys(PUBLIC_DATABASE_CALLS, _publicly_accessible),
    "rds:ModifyDBSnapshotAttribute": _snapshot_restore,
    "rds:ModifyDBClusterSnapshotAttribute": _snapshot_restore,
    "ec2:ModifySnapshotAttribute": lambda p: _group_all(p, "GroupNames", "CreateVolumePermission"),
    "ec2:ModifyImageAttribute": lambda p: _group_all(p, "UserGroups", "LaunchPermission"),
    "cloudcontrol:UpdateResource": _cloud_control_patch,
    "cloudcontrol:CreateResource": _cloud_control_create,
}


def exposure(call: AwsCall) -> str | None:
    """Why ``call`` opens what it names to anyone on the internet, or None."""
    check = _CHECKS.get(call.qualified)
    return check(call.params) if check is not None else None
