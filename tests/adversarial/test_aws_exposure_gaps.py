"""Roads to opening a protected AWS store to the world that went unseen: CloudTrail's records of
S3 calls (S3's REST request, not botocore's parameters), S3 access point policies, and Cloud
Control ``CreateResource`` of a resource that attaches access to a store that already exists.
Each is judged as removing the store's protection (docs/security.md), as the API call, the
``aws`` line and the CloudFormation template that do the same already are
(``tests/adversarial/test_aws_public_exposure.py``).

Judged for agent ``codex`` acting for ``bob`` under the BRIEF policy with a few AWS resources
protected, in ``dev`` (where a plain update is allowed: each escape was allowed, or only asked,
before the change).

How the shapes relied on were confirmed:

- CloudTrail's S3 records, from public samples (the AWS S3 developer guide's "Logging Amazon S3
  API calls" example of ``PutBucketAcl``; Panther's CloudTrail rule tests and its
  ``PutBucketPublicAccessBlock`` sample; detection tests quoting records): headers under their
  own names with their values as lists (``"x-amz-acl": ["public-read"]``), the sub-resource as
  an empty marker (``"acl": [""]``, ``"policy": [""]``, ``"publicAccessBlock": [""]``), the XML
  body under its root element (``AccessControlPolicy.AccessControlList.Grant``, one grant
  alone or a list, a grantee's ``xsi:type``; ``PublicAccessBlockConfiguration`` with its
  ``xmlns``), the bucket policy parsed as ``bucketPolicy``; the event names
  ``PutBucketPublicAccessBlock``/``DeleteBucketPublicAccessBlock`` and the account's
  ``PutAccountPublicAccessBlock``/``DeleteAccountPublicAccessBlock`` (Panther's and EventBridge
  rules listing them under ``aws.s3``/``s3.amazonaws.com``);
- botocore's models (installed here): where each member travels (``ACL`` in the ``x-amz-acl``
  header, ``Grants`` as ``AccessControlList`` of ``Grant``, ``Grantee.Type`` as the
  ``xsi:type`` attribute), S3 Control's ``PutAccessPointPolicy`` body rooted at
  ``PutAccessPointPolicyRequest`` (no public record of it was found: its shape here is the
  body's, as S3's own records keep theirs), ``PutMultiRegionAccessPointPolicy``'s
  ``Details.Policy``;
- Cloud Control: the CloudFormation schemas' properties (``AWS::S3::BucketPolicy``'s
  ``Bucket``/``PolicyDocument``, ``AWS::Lambda::Permission``'s ``FunctionName``/``Principal``/
  ``SourceAccount``, ``AWS::SNS::TopicPolicy``'s ``Topics``, ``AWS::SQS::QueuePolicy``'s
  ``Queues``, ``AWS::RDS::DBInstance``'s ``DBSnapshotIdentifier``); ``awslabs/mcp``
  ``src/cfn-mcp-server/server.py``: ``create_resource(resource_type, properties, region)``
  sends ``CreateResource(TypeName=resource_type, DesiredState=json.dumps(properties))``, while
  the ccapi server's ``CreateResourceRequest`` requires an ``explained_token`` and sends the
  properties it holds under it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import pytest
from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
    understood_call,
    understood_line,
)
from tests.adversarial.conftest import CWD

from keyturn.model import Action, ActionKind, EffectKind, Target
from keyturn.policy import Policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudtrail import cloudtrail_effects
from keyturn.understand.mcp_call import McpCall

PROTECTED = (
    "arn:aws:s3:::acme-archive",
    "arn:aws:s3:::acme-archive/*",
    "arn:aws:s3:*:*:accesspoint/ledger-ap",
    "arn:aws:rds:*:*:snapshot:ledger-*",
    "arn:aws:lambda:*:*:function:payments",
    "arn:aws:sns:*:*:alerts",
    "arn:aws:sqs:*:*:orders",
    "arn:aws:secretsmanager:*:*:secret:ledger-*",
)
ACCOUNT = "222222222222"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
OPEN: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
}
PRIVATE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
            "Action": "s3:GetObject",
            "Resource": "*",
        }
    ],
}
FILES = {f"{CWD}/open.json": json.dumps(OPEN), f"{CWD}/private.json": json.dumps(PRIVATE)}


policy = policy_protecting(*PROTECTED)


# -- 1. CloudTrail's S3 records -----------------------------------------------------------------


def _record(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "eventVersion": "1.08",
        "eventSource": "s3.amazonaws.com",
        "eventName": name,
        "awsRegion": "eu-west-1",
        "recipientAccountId": ACCOUNT,
        "eventType": "AwsApiCall",
        "requestParameters": dict(params),
    }


def _recorded(record: Mapping[str, Any]) -> Action:
    """A record's effects as the action keyturn would have judged (``keyturn check aws``)."""
    effects = tuple(cloudtrail_effects(record))
    target = Target(environment="dev", aws_region="eu-west-1", aws_account=ACCOUNT)
    return Action(kind=ActionKind.AWS, summary=str(record["eventName"]), effects=effects,
                  target=target, subject={"record": dict(record)})  # fmt: skip


def _bucket(name: str = "acme-archive") -> dict[str, Any]:
    return {"bucketName": name, "host": [f"{name}.s3.eu-west-1.amazonaws.com"]}


def _grants(*grants: Mapping[str, Any] | list[Mapping[str, Any]]) -> dict[str, Any]:
    grant: Any = grants[0] if len(grants) == 1 else list(grants)
    return {
        "AccessControlPolicy": {
            "AccessControlList": {"Grant": grant},
            "xmlns": XMLNS,
            "Owner": {"ID": "d25639fbe9c19cd30a4c0f43fbf00e2d3f96400a9aa8dabfbbebe1906Example"},
        }
    }


def _group(uri: str, permission: str = "READ") -> dict[str, Any]:
    grantee = {"xsi:type": "Group", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance"}
    return {"Grantee": {**grantee, "URI": uri}, "Permission": permission}


def _block(**flags: bool) -> dict[str, Any]:
    return {"publicAccessBlock": [""], "PublicAccessBlockConfiguration": {"xmlns": XMLNS, **flags}}


class Record(NamedTuple):
    id: str
    name: str
    params: dict[str, Any]
    expected: str


ALL_ON = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
# Each was an update of the bucket that opened nothing (allowed in dev), or an ``unknown`` on
# "anything in the account" (a public access block's event name is not botocore's), before.
RECORD_ESCAPES = [
    Record("canned-acl-header", "PutBucketAcl",
           {**_bucket(), "acl": [""], "x-amz-acl": ["public-read"]}, DENY),
    Record("acl-body-grant-list", "PutBucketAcl",
           {**_bucket(), "acl": [""], **_grants(_group(ALL_USERS), _group(ALL_USERS, "READ_ACP"))},
           DENY),
    Record("acl-body-one-grant", "PutBucketAcl",
           {**_bucket(), "acl": [""], **_grants(_group(AUTHENTICATED))}, DENY),
    Record("grant-read-header", "PutBucketAcl",
           {**_bucket(), "acl": [""], "x-amz-grant-read": [f'uri="{ALL_USERS}"']}, DENY),
    Record("object-acl-header", "PutObjectAcl",
           {**_bucket(), "key": "ledger.csv", "acl": [""], "x-amz-acl": ["public-read-write"]},
           DENY),
    Record("bucket-policy-object", "PutBucketPolicy",
           {**_bucket(), "bucketPolicy": OPEN, "policy": [""]}, DENY),
    Record("bucket-block-flags-off", "PutBucketPublicAccessBlock",
           {**_bucket(), **_block(RestrictPublicBuckets=True, BlockPublicPolicy=False,
                                  BlockPublicAcls=False, IgnorePublicAcls=True)}, DENY),
    Record("bucket-block-deleted", "DeleteBucketPublicAccessBlock",
           {**_bucket(), "publicAccessBlock": [""]}, DENY),
    Record("account-block-flags-off", "PutAccountPublicAccessBlock",
           {"x-amz-account-id": [ACCOUNT], **_block(BlockPublicAcls=False)}, DENY),
    Record("account-block-deleted", "DeleteAccountPublicAccessBlock",
           {"x-amz-account-id": [ACCOUNT]}, DENY),
    Record("bucket-created-public", "CreateBucket",
           {**_bucket(), "x-amz-acl": ["public-read"]}, DENY),
    # A bucket's block all on: understood (it was ``unknown``, asked) as the update it is.
    Record("bucket-block-all-on", "PutBucketPublicAccessBlock",
           {**_bucket(), **_block(**ALL_ON)}, ALLOW),
]  # fmt: skip
RECORD_GUARDS = [
    Record("canned-acl-private", "PutBucketAcl",
           {**_bucket(), "acl": [""], "x-amz-acl": ["private"]}, ALLOW),
    Record("bucket-policy-private", "PutBucketPolicy",
           {**_bucket(), "bucketPolicy": PRIVATE, "policy": [""]}, ALLOW),
    Record("public-acl-unprotected-bucket", "PutBucketAcl",
           {**_bucket("scratch"), "acl": [""], "x-amz-acl": ["public-read"]}, ALLOW),
]  # fmt: skip


@each_case(RECORD_ESCAPES)
def test_a_recorded_s3_opening_is_judged_as_the_call(case: Record, policy: Policy) -> None:
    """S3's REST request reaches the same exposure check as botocore's parameters: each
    opening of the protected bucket is refused (before: a plain update, or ``unknown``)."""
    action = _recorded(_record(case.name, case.params))
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


@each_case(RECORD_GUARDS)
def test_a_recorded_s3_call_that_opens_nothing_stays_allowed(case: Record, policy: Policy) -> None:
    """False-alarm guards (allowed before the change too): a private ACL or policy, or a public
    ACL on a bucket nobody protects."""
    action = _recorded(_record(case.name, case.params))
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


def test_a_recorded_call_names_what_the_api_call_names() -> None:
    """The record and the API call keyturn judged name the same resources with the same flags
    (``keyturn audit reconcile`` matches them by name): before, the block's record named
    ``arn:aws:s3:eu-west-1:222222222222:*`` and the policy's record opened nothing."""
    pairs = [
        (
            _record("PutBucketPublicAccessBlock", {**_bucket(), **_block(BlockPublicAcls=True)}),
            understand_aws("s3", "PutPublicAccessBlock", {"Bucket": "acme-archive",
                           "PublicAccessBlockConfiguration": {"BlockPublicAcls": True}}),
        ),
        (
            _record("PutBucketPolicy", {**_bucket(), "bucketPolicy": OPEN, "policy": [""]}),
            understand_aws("s3", "PutBucketPolicy",
                           {"Bucket": "acme-archive", "Policy": json.dumps(OPEN)}),
        ),
    ]  # fmt: skip
    for record, call in pairs:
        recorded = {
            (e.effect, e.resource.names, e.removes_protection) for e in _recorded(record).effects
        }
        called = {(e.effect, e.resource.names, e.removes_protection) for e in call.effects}
        assert recorded == called, record["eventName"]
        assert all(flag for _, _, flag in recorded)


def test_the_account_block_record_reaches_every_bucket() -> None:
    """``DeleteAccountPublicAccessBlock`` is S3 Control's ``DeletePublicAccessBlock``: an update
    removing the protection of ``arn:aws:s3:::*`` (every bucket of the account), as the API
    call is (before: ``unknown`` on the account, which no bucket's protection saw)."""
    record = _record("DeleteAccountPublicAccessBlock", {"x-amz-account-id": [ACCOUNT]})
    wide = [e for e in cloudtrail_effects(record) if "arn:aws:s3:::*" in e.resource.names]
    assert [(e.effect, e.removes_protection, e.operation) for e in wide] == [
        (EffectKind.UPDATE, True, "s3control:DeletePublicAccessBlock")
    ]


# -- 2. S3 access point policies ----------------------------------------------------------------


def _shell(command: str, env: str = "dev") -> Action:
    return understood_line(command, env, FILES)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            f"aws s3control put-access-point-policy --account-id {ACCOUNT} --name ledger-ap"
            " --policy file://open.json",
            DENY,
        ),
        # The bucket behind an access point is not in the call: held for a human.
        (
            f"aws s3control put-access-point-policy --account-id {ACCOUNT} --name web-ap"
            " --policy file://open.json",
            ASK,
        ),
        (
            f"aws s3control put-access-point-policy-for-object-lambda --account-id {ACCOUNT}"
            " --name web-olap --policy file://open.json",
            ASK,
        ),
    ],
)
def test_a_public_access_point_policy_opens_it_and_its_bucket(
    command: str, expected: str, policy: Policy
) -> None:
    """A policy letting anyone into an access point opens the access point (refused when it is
    protected) and the data of the bucket it fronts, which the call does not name: ``unknown``
    on every bucket. Before: an update of ``access-point-policy/NAME``, allowed in dev."""
    action = _shell(command)
    assert decision_of(action, policy) == expected, shown(action)
    unknown = [e.resource.names for e in action.effects if e.effect is EffectKind.UNKNOWN]
    assert unknown == [("arn:aws:s3:::*", "s3://*")]


def test_a_private_access_point_policy_stays_an_update(policy: Policy) -> None:
    """False-alarm guard (allowed before the change too): a policy for a named account."""
    command = (
        f"aws s3control put-access-point-policy --account-id {ACCOUNT} --name ledger-ap"
        " --policy file://private.json"
    )
    assert decision_of(_shell(command), policy) == ALLOW


def test_a_multi_region_access_point_policy_holds_its_buckets(policy: Policy) -> None:
    """``PutMultiRegionAccessPointPolicy`` with a public ``Details.Policy``: the buckets behind
    it are not in the call (before: an update of the account, allowed in dev)."""
    details = {"Name": "global", "Policy": json.dumps(OPEN)}
    action = understand_aws(
        "s3control",
        "PutMultiRegionAccessPointPolicy",
        {"AccountId": ACCOUNT, "ClientToken": "t", "Details": details},
        target=Target(environment="dev"),
    )
    assert decision_of(action, policy) == ASK, shown(action)
    private = {"Name": "global", "Policy": json.dumps(PRIVATE)}
    kept = understand_aws(
        "s3control",
        "PutMultiRegionAccessPointPolicy",
        {"AccountId": ACCOUNT, "ClientToken": "t", "Details": private},
        target=Target(environment="dev"),
    )
    assert decision_of(kept, policy) == ALLOW


def test_a_recorded_access_point_policy_is_s3_controls(policy: Policy) -> None:
    """S3 records S3 Control's calls as ``s3.amazonaws.com``: the record is read as S3
    Control's ``PutAccessPointPolicy``, its body under its root element (before: ``unknown``
    on "anything in the account": not an S3 operation)."""
    record = _record(
        "PutAccessPointPolicy",
        {
            "name": "ledger-ap",
            "x-amz-account-id": [ACCOUNT],
            "PutAccessPointPolicyRequest": {
                "xmlns": "http://awss3control.amazonaws.com/doc/2018-08-20/",
                "Policy": json.dumps(OPEN),
            },
        },
    )
    action = _recorded(record)
    assert {e.operation for e in action.effects} == {"s3control:PutAccessPointPolicy"}
    point = f"arn:aws:s3:eu-west-1:{ACCOUNT}:accesspoint/ledger-ap"
    assert any(point in e.resource.names and e.removes_protection for e in action.effects)
    assert decision_of(action, policy) == DENY


# -- 3. Cloud Control CreateResource of what attaches access to a store -------------------------


def _create(type_name: str, state: Mapping[str, Any]) -> str:
    return (
        f"aws cloudcontrol create-resource --type-name {type_name}"
        f" --desired-state '{json.dumps(state)}'"
    )


class Create(NamedTuple):
    id: str
    type_name: str
    state: dict[str, Any]
    expected: str


TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts"
QUEUE = f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/orders"
# Each was a create of ``cloudcontrolapi:type/<type>``, allowed in dev, before.
CREATE_ESCAPES = [
    Create("bucket-policy", "AWS::S3::BucketPolicy",
           {"Bucket": "acme-archive", "PolicyDocument": OPEN}, DENY),
    Create("bucket-policy-as-text", "AWS::S3::BucketPolicy",
           {"Bucket": "acme-archive", "PolicyDocument": json.dumps(OPEN)}, DENY),
    Create("lambda-permission-star", "AWS::Lambda::Permission",
           {"FunctionName": "payments", "Action": "lambda:InvokeFunction", "Principal": "*"},
           DENY),
    Create("lambda-url-permission", "AWS::Lambda::Permission",
           {"FunctionName": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:payments:live",
            "Action": "lambda:InvokeFunctionUrl", "Principal": "*",
            "FunctionUrlAuthType": "NONE"}, DENY),
    Create("topic-policy", "AWS::SNS::TopicPolicy",
           {"Topics": [f"arn:aws:sns:eu-west-1:{ACCOUNT}:other", TOPIC], "PolicyDocument": OPEN},
           DENY),
    Create("queue-policy", "AWS::SQS::QueuePolicy", {"Queues": [QUEUE], "PolicyDocument": OPEN},
           DENY),
    Create("secret-policy", "AWS::SecretsManager::ResourcePolicy",
           {"SecretId": "ledger-db-password", "ResourcePolicy": OPEN}, DENY),
    Create("db-from-protected-snapshot", "AWS::RDS::DBInstance",
           {"DBInstanceIdentifier": "scratch", "DBSnapshotIdentifier": "ledger-snap",
            "DBInstanceClass": "db.t3.micro", "PubliclyAccessible": True}, DENY),
    # Another name for the bucket its protection does not cover, as create-access-point is.
    Create("access-point-on-bucket", "AWS::S3::AccessPoint",
           {"Bucket": "acme-archive", "Name": "web"}, DENY),
]  # fmt: skip
CREATE_GUARDS = [
    Create("bucket-policy-private", "AWS::S3::BucketPolicy",
           {"Bucket": "acme-archive", "PolicyDocument": PRIVATE}, ALLOW),
    Create("lambda-permission-held", "AWS::Lambda::Permission",
           {"FunctionName": "payments", "Action": "lambda:InvokeFunction", "Principal": "*",
            "SourceAccount": "333333333333"}, ALLOW),
    Create("db-from-snapshot-private", "AWS::RDS::DBInstance",
           {"DBSnapshotIdentifier": "ledger-snap", "PubliclyAccessible": False}, ALLOW),
    Create("bucket-policy-other-bucket", "AWS::S3::BucketPolicy",
           {"Bucket": "scratch", "PolicyDocument": OPEN}, ALLOW),
]  # fmt: skip


@each_case(CREATE_ESCAPES)
def test_a_cloud_control_create_that_opens_a_store_is_refused(case: Create, policy: Policy) -> None:
    """The create attaches access to a store that already exists: an update of that store
    removing its protection (before: a create of the type alone, allowed in dev)."""
    action = _shell(_create(case.type_name, case.state))
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


@each_case(CREATE_GUARDS)
def test_a_cloud_control_create_that_opens_nothing_stays_allowed(
    case: Create, policy: Policy
) -> None:
    """False-alarm guards (allowed before the change too): a private policy, a permission held
    to a source account, a private restore, a public policy on a bucket nobody protects."""
    action = _shell(_create(case.type_name, case.state))
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


def test_the_create_names_the_store_as_its_own_call_does() -> None:
    """The bucket a policy is on, each queue of a queue policy: named as ``s3
    put-bucket-policy`` and ``sqs set-queue-attributes`` name them, each an update removing
    protection; the create of the policy itself is marked too, as a patch's is."""
    state = {"Bucket": "acme-archive", "PolicyDocument": OPEN}
    action = understand_aws(
        "cloudcontrol",
        "CreateResource",
        {"TypeName": "AWS::S3::BucketPolicy", "DesiredState": json.dumps(state)},
    )
    assert [(e.effect, e.resource.names, e.removes_protection) for e in action.effects] == [
        (EffectKind.CREATE, ("arn:aws:cloudcontrolapi:*:*:type/AWS::S3::BucketPolicy",), True),
        (EffectKind.UPDATE, ("arn:aws:s3:::acme-archive", "s3://acme-archive"), True),
    ]
    queues = {"Queues": [QUEUE, QUEUE.replace("orders", "refunds")], "PolicyDocument": OPEN}
    opened = understand_aws(
        "cloudcontrol",
        "CreateResource",
        {"TypeName": "AWS::SQS::QueuePolicy", "DesiredState": json.dumps(queues)},
    )
    names = [e.resource.names[0] for e in opened.effects if e.effect is EffectKind.UPDATE]
    assert names == [
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders",
        f"arn:aws:sqs:eu-west-1:{ACCOUNT}:refunds",
    ]


def test_the_cfn_servers_create_resource_is_its_cloud_control_call() -> None:
    """``awslabs.cfn-mcp-server``'s ``create_resource`` sends its ``properties`` as
    ``DesiredState``: read as that call (the bucket its policy opens); one given the ccapi
    server's ``explained_token`` holds its properties on the server: ``unknown``; probed, it
    is its nominal create. (The family, :data:`CFN_MCP`, is read here directly: registering it
    among the MCP families is ``mcp_servers``'s.)"""
    from keyturn.understand._mcp_cloud_control import CFN_MCP

    handler = CFN_MCP.tools["create_resource"]
    server = "awslabs.cfn-mcp-server"
    arguments = {
        "resource_type": "AWS::S3::BucketPolicy",
        "properties": {"Bucket": "acme-archive", "PolicyDocument": OPEN},
        "region": "eu-west-1",
    }
    opened = handler(McpCall(server, "create_resource", arguments)).own
    bucket = [e for e in opened if "arn:aws:s3:::acme-archive" in e.resource.names]
    assert [(e.effect, e.removes_protection) for e in bucket] == [(EffectKind.UPDATE, True)]
    held = handler(McpCall(server, "create_resource", {**arguments, "explained_token": "e"})).own
    assert [e.effect for e in held] == [EffectKind.UNKNOWN]
    probed = handler(McpCall(server, "create_resource", {}, probe=True)).own
    assert [e.effect for e in probed] == [EffectKind.CREATE]


@pytest.mark.parametrize("server", ["awslabs.cfn-mcp-server", "cfn-mcp"])
def test_the_cfn_servers_create_resource_is_judged_through_its_family(
    server: str, policy: Policy
) -> None:
    """The family is among the built-in ones, ahead of the AWS API server's (whose pattern
    ``awslabs.*`` names also match): a bucket policy opening a protected bucket, created
    through the server, is refused in dev."""
    from keyturn.understand.mcp_servers import family_for

    assert family_for(server) == "cfn"
    arguments = {
        "resource_type": "AWS::S3::BucketPolicy",
        "properties": {"Bucket": "acme-archive", "PolicyDocument": OPEN},
        "region": "eu-west-1",
    }
    action = understood_call(server, "create_resource", arguments, "dev")
    assert decision_of(action, policy) == "deny"
