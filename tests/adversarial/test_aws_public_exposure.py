"""AWS calls that open a store to anyone on the internet, judged as removing its protection, as
Google Cloud's and Azure's are (``tests/adversarial/test_cloud_public_access.py``); and
EventBridge events sent or replayed, which run the targets of the rules they match.

Judged for agent ``codex`` acting for ``bob`` (not ``kiro``, whose BRIEF rule refuses every IAM
change) under the BRIEF policy with a few AWS resources protected, in ``dev`` (where a plain
update is allowed: each escape below was allowed before the fix, refused now).

How the behaviour relied on was confirmed:
- parameter names and values from botocore's service models (installed here): ``s3``'s
  ``ACL`` enum (``public-read``, ``public-read-write``, ``authenticated-read``), ``Grant*``
  headers, ``PublicAccessBlockConfiguration``'s four booleans; ``s3control``'s
  ``Put/DeletePublicAccessBlock`` (``AccountId``); ``rds ModifyDBSnapshotAttribute`` ("Uses the
  value ``all`` to make the manual DB snapshot public"); ``ec2 ModifySnapshotAttribute``
  (``GroupNames``, ``CreateVolumePermission``) and ``ModifyImageAttribute`` (``UserGroups``,
  ``LaunchPermission``); ``lambda AddPermission`` (``SourceArn``, ``SourceAccount``,
  ``PrincipalOrgID``); what makes a policy public from botocore's documentation of
  ``PublicAccessBlockConfiguration`` (S3 "considers a bucket policy public unless" it is held
  to fixed ``aws:SourceIp``/``SourceArn``/``SourceVpc(e)``/``SourceOwner``/``SourceAccount``...);
- the ``aws`` CLI (1.45) against moto's server: ``put-public-access-block
  --public-access-block-configuration BlockPublicAcls=true`` leaves the other three ``false``
  (the call replaces the whole configuration); ``put-bucket-acl --grant-read
  uri=http://acs.amazonaws.com/groups/global/AllUsers`` gives the AllUsers group ``READ``;
- EventBridge's API reference (botocore's ``events`` model): ``PutEvents`` "sends custom events
  to Amazon EventBridge so that they can be matched to rules"; ``StartReplay``'s
  ``Destination.FilterArns``: "a list of ARNs for rules to replay events to".
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
    understood_line,
)
from tests.adversarial.conftest import CWD

from keyturn.model import Action, EffectKind
from keyturn.policy import Policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudtrail import cloudtrail_effects

PROTECTED = (
    "arn:aws:s3:::acme-archive",
    "arn:aws:s3:::acme-archive/*",
    "arn:aws:rds:*:*:db:ledger-*",
    "arn:aws:rds:*:*:snapshot:ledger-*",
    "arn:aws:rds:*:*:cluster-snapshot:ledger-*",
    "arn:aws:ec2:*:*:snapshot/snap-0ledger",
    "arn:aws:ec2:*::image/ami-0golden",
    "arn:aws:ecr:*:*:repository/payments",
    "arn:aws:lambda:*:*:function:payments",
    "arn:aws:sns:*:*:alerts",
    "arn:aws:sqs:*:*:orders",
    "arn:aws:kms:*:*:key/k-ledger",
    "arn:aws:secretsmanager:*:*:secret:ledger-*",
    "arn:aws:iam::*:role/deployer",
)
QUEUE = "https://sqs.eu-west-1.amazonaws.com/222222222222/orders"
TOPIC = "arn:aws:sns:eu-west-1:222222222222:alerts"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _doc(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


OPEN = _doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})
OPEN_AWS = _doc({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "*", "Resource": "*"})
TLS_ONLY = _doc(
    {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "true"}},
    }
)
VPCE_ONLY = _doc(
    {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}},
    }
)
ACCOUNT_ONLY = _doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
        "Action": "*",
        "Resource": "*",
    }
)
DENY_ANYONE = _doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"})
FILES = {
    f"{CWD}/open.json": OPEN_AWS,
    f"{CWD}/attrs.json": json.dumps({"Policy": OPEN}),
    f"{CWD}/closed-attrs.json": json.dumps({"Policy": ACCOUNT_ONLY}),
    f"{CWD}/trust.json": _doc(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    ),
    f"{CWD}/acl.json": json.dumps(
        {"Grants": [{"Grantee": {"Type": "Group", "URI": AUTHENTICATED}, "Permission": "READ"}]}
    ),
}


class Case(NamedTuple):
    id: str
    command: str
    expected: str


policy = policy_protecting(*PROTECTED)


def _understood(command: str, env: str | None = "dev") -> Action:
    return understood_line(command, env, FILES)


def _judged(command: str, policy: Policy, env: str | None = "dev") -> str:
    return decision_of(_understood(command, env), policy)


def _q(text: str) -> str:
    return "'" + text + "'"


# Each was allowed before the fix (a plain update, in dev); refused now: the protection of a
# protected resource removed.
ESCAPES = [
    # 1. S3's public access block off, of the bucket or the whole account.
    Case("s3-delete-pab", "aws s3api delete-public-access-block --bucket acme-archive", DENY),
    Case(
        "s3-pab-one-off",
        "aws s3api put-public-access-block --bucket acme-archive"
        " --public-access-block-configuration BlockPublicAcls=false,IgnorePublicAcls=true,"
        "BlockPublicPolicy=true,RestrictPublicBuckets=true",
        DENY,
    ),
    Case(
        "s3-pab-omitted-are-off",
        "aws s3api put-public-access-block --bucket acme-archive"
        " --public-access-block-configuration BlockPublicAcls=true",
        DENY,
    ),
    Case(
        "s3control-delete-pab",
        "aws s3control delete-public-access-block --account-id 222222222222",
        DENY,
    ),
    Case(
        "s3control-pab-restrict-off",
        "aws s3control put-public-access-block --account-id 222222222222"
        " --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
        "BlockPublicPolicy=true,RestrictPublicBuckets=false",
        DENY,
    ),
    # ...a public ACL or a grant to everyone.
    Case("s3-bucket-acl", "aws s3api put-bucket-acl --bucket acme-archive --acl public-read", DENY),
    Case(
        "s3-bucket-grant-all-users",
        f"aws s3api put-bucket-acl --bucket acme-archive --grant-read uri={ALL_USERS}",
        DENY,
    ),
    Case(
        "s3-bucket-acp-authenticated",
        "aws s3api put-bucket-acl --bucket acme-archive --access-control-policy file://acl.json",
        DENY,
    ),
    Case(
        "s3-object-acl",
        "aws s3api put-object-acl --bucket acme-archive --key 2024.tar --acl public-read-write",
        DENY,
    ),
    Case(
        "s3-create-bucket-public",
        "aws s3api create-bucket --bucket acme-archive --acl public-read",
        DENY,
    ),
    Case(
        "s3-put-object-public",
        "aws s3api put-object --bucket acme-archive --key a.txt --acl authenticated-read",
        DENY,
    ),
    Case(
        "s3-copy-object-public",
        "aws s3api copy-object --bucket acme-archive --key a.txt --copy-source scratch/a.txt"
        " --acl public-read",
        DENY,
    ),
    # ...a bucket policy that lets anyone in.
    Case(
        "s3-policy-inline",
        f"aws s3api put-bucket-policy --bucket acme-archive --policy {_q(OPEN)}",
        DENY,
    ),
    Case(
        "s3-policy-file-aws-star",
        "aws s3api put-bucket-policy --bucket acme-archive --policy file://open.json",
        DENY,
    ),
    Case(
        "s3-policy-condition-not-holding",
        f"aws s3api put-bucket-policy --bucket acme-archive --policy {_q(TLS_ONLY)}",
        DENY,
    ),
    # 2. Databases, snapshots and images.
    Case(
        "rds-publicly-accessible",
        "aws rds modify-db-instance --db-instance-identifier ledger-db --publicly-accessible",
        DENY,
    ),
    Case(
        "rds-snapshot-restore-all",
        "aws rds modify-db-snapshot-attribute --db-snapshot-identifier ledger-2024"
        " --attribute-name restore --values-to-add all",
        DENY,
    ),
    Case(
        "rds-cluster-snapshot-restore-all",
        "aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier"
        " ledger-2024 --attribute-name restore --values-to-add 111122223333 all",
        DENY,
    ),
    Case(
        "ec2-snapshot-group-all",
        "aws ec2 modify-snapshot-attribute --snapshot-id snap-0ledger --attribute"
        " createVolumePermission --operation-type add --group-names all",
        DENY,
    ),
    Case(
        "ec2-snapshot-permission-all",
        "aws ec2 modify-snapshot-attribute --snapshot-id snap-0ledger"
        " --create-volume-permission 'Add=[{Group=all}]'",
        DENY,
    ),
    Case(
        "ec2-image-launch-permission",
        "aws ec2 modify-image-attribute --image-id ami-0golden"
        " --launch-permission 'Add=[{Group=all}]'",
        DENY,
    ),
    Case(
        "ec2-image-user-groups",
        "aws ec2 modify-image-attribute --image-id ami-0golden --attribute launchPermission"
        " --operation-type add --user-groups all",
        DENY,
    ),
    Case(
        "ec2-snapshot-block-public-access-off",
        "aws ec2 disable-snapshot-block-public-access",
        DENY,
    ),
    # 3. Resource policies and permissions for principal *.
    Case(
        "ecr-repository-policy",
        f"aws ecr set-repository-policy --repository-name payments --policy-text {_q(OPEN)}",
        DENY,
    ),
    Case(
        "lambda-permission-anyone",
        "aws lambda add-permission --function-name payments --statement-id pub"
        " --action lambda:InvokeFunction --principal '*'",
        DENY,
    ),
    Case(
        "lambda-url-permission-anyone",
        "aws lambda add-permission --function-name payments --statement-id url"
        " --action lambda:InvokeFunctionUrl --principal '*' --function-url-auth-type NONE",
        DENY,
    ),
    Case(
        "sns-topic-policy",
        f"aws sns set-topic-attributes --topic-arn {TOPIC} --attribute-name Policy"
        f" --attribute-value {_q(OPEN)}",
        DENY,
    ),
    Case(
        "sqs-queue-policy",
        f"aws sqs set-queue-attributes --queue-url {QUEUE} --attributes file://attrs.json",
        DENY,
    ),
    Case(
        "kms-key-policy",
        "aws kms put-key-policy --key-id k-ledger --policy-name default --policy file://open.json",
        DENY,
    ),
    Case(
        "secret-resource-policy",
        "aws secretsmanager put-resource-policy --secret-id ledger-db-password"
        " --resource-policy file://open.json",
        DENY,
    ),
    Case(
        "iam-trust-anyone",
        "aws iam update-assume-role-policy --role-name deployer --policy-document file://trust.json",
        DENY,
    ),
]

# False-alarm guards: judged so before the fix too -- protection kept or switched on, access
# given to known callers only, access taken away, a read, a dry run, what is not protected; a
# policy not readable is held as before (unknown on a protected bucket: refused).
GUARDS = [
    Case(
        "s3-pab-all-on",
        "aws s3api put-public-access-block --bucket acme-archive"
        " --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,"
        "BlockPublicPolicy=true,RestrictPublicBuckets=true",
        ALLOW,
    ),
    Case("s3-get-pab", "aws s3api get-public-access-block --bucket acme-archive", ALLOW),
    Case("s3-acl-private", "aws s3api put-bucket-acl --bucket acme-archive --acl private", ALLOW),
    Case(
        "s3-object-acl-owner",
        "aws s3api put-object --bucket acme-archive --key a.txt --acl bucket-owner-full-control",
        ALLOW,
    ),
    Case(
        "s3-policy-account",
        f"aws s3api put-bucket-policy --bucket acme-archive --policy {_q(ACCOUNT_ONLY)}",
        ALLOW,
    ),
    Case(
        "s3-policy-vpce",
        f"aws s3api put-bucket-policy --bucket acme-archive --policy {_q(VPCE_ONLY)}",
        ALLOW,
    ),
    Case(
        "s3-policy-deny-anyone",
        f"aws s3api put-bucket-policy --bucket acme-archive --policy {_q(DENY_ANYONE)}",
        ALLOW,
    ),
    Case(
        "s3-policy-file-missing",
        "aws s3api put-bucket-policy --bucket acme-archive --policy file://missing.json",
        DENY,
    ),
    Case(
        "s3-policy-public-elsewhere",
        f"aws s3api put-bucket-policy --bucket scratch --policy {_q(OPEN)}",
        ALLOW,
    ),
    Case(
        "rds-not-public",
        "aws rds modify-db-instance --db-instance-identifier ledger-db --no-publicly-accessible",
        ALLOW,
    ),
    Case(
        "rds-snapshot-one-account",
        "aws rds modify-db-snapshot-attribute --db-snapshot-identifier ledger-2024"
        " --attribute-name restore --values-to-add 111122223333",
        ALLOW,
    ),
    Case(
        "rds-snapshot-remove-all",
        "aws rds modify-db-snapshot-attribute --db-snapshot-identifier ledger-2024"
        " --attribute-name restore --values-to-remove all",
        ALLOW,
    ),
    Case(
        "ec2-image-remove-all",
        "aws ec2 modify-image-attribute --image-id ami-0golden"
        " --launch-permission 'Remove=[{Group=all}]'",
        ALLOW,
    ),
    Case(
        "ec2-image-public-dry-run",
        "aws ec2 modify-image-attribute --image-id ami-0golden"
        " --launch-permission 'Add=[{Group=all}]' --dry-run",
        ALLOW,
    ),
    Case(
        "lambda-permission-source-arn",
        "aws lambda add-permission --function-name payments --statement-id s3"
        " --action lambda:InvokeFunction --principal s3.amazonaws.com"
        " --source-arn arn:aws:s3:::acme-archive",
        ALLOW,
    ),
    Case(
        "lambda-permission-star-held",
        "aws lambda add-permission --function-name payments --statement-id org"
        " --action lambda:InvokeFunction --principal '*' --principal-org-id o-abc123",
        ALLOW,
    ),
    Case(
        "sqs-queue-policy-account",
        f"aws sqs set-queue-attributes --queue-url {QUEUE} --attributes file://closed-attrs.json",
        ALLOW,
    ),
    Case(
        "sns-other-attribute",
        f"aws sns set-topic-attributes --topic-arn {TOPIC} --attribute-name DisplayName"
        " --attribute-value Alerts",
        ALLOW,
    ),
]


@each_case(ESCAPES)
def test_exposure_is_refused_on_a_protected_resource(case: Case, policy: Policy) -> None:
    """Each was allowed before the fix (a plain update in dev); refused now: the protection
    of a protected resource removed."""
    effects = shown(_understood(case.command))
    assert _judged(case.command, policy) == case.expected, (case.id, effects)


@each_case(GUARDS)
def test_public_exposure_guard(case: Case, policy: Policy) -> None:
    """False-alarm guards: judged so before the fix too."""
    effects = shown(_understood(case.command))
    assert _judged(case.command, policy) == case.expected, (case.id, effects)


def test_ids_are_unique() -> None:
    ids = [c.id for c in ESCAPES + GUARDS]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("env", ["dev", "staging", "production"])
@pytest.mark.parametrize(
    ("exposing", "unprotecting"),
    [
        (
            "aws s3api delete-public-access-block --bucket {b}",
            "aws s3api put-bucket-versioning --bucket {b}"
            " --versioning-configuration Status=Suspended",
        ),
        (
            "aws s3api put-bucket-acl --bucket {b} --acl public-read",
            "aws s3api put-bucket-versioning --bucket {b}"
            " --versioning-configuration Status=Suspended",
        ),
        (
            "aws rds modify-db-instance --db-instance-identifier {d} --publicly-accessible",
            "aws rds modify-db-instance --db-instance-identifier {d} --no-deletion-protection",
        ),
    ],
)
def test_exposure_is_as_strict_as_removing_a_protection(
    exposing: str, unprotecting: str, env: str, policy: Policy
) -> None:
    """The decision, pinned: exposing a store is judged exactly as removing its protection, in
    every environment, protected or not. Before the fix the exposure of a protected store was
    judged as a plain update (allowed in dev, asked elsewhere)."""
    for bucket, db in (("acme-archive", "ledger-db"), ("scratch", "scratch-db")):
        exposed = _judged(exposing.format(b=bucket, d=db), policy, env)
        removed = _judged(unprotecting.format(b=bucket, d=db), policy, env)
        assert exposed == removed, (exposing, bucket, env)
        understood = _understood(exposing.format(b=bucket, d=db), env)
        assert all(e.removes_protection for e in understood.effects)


def test_the_effect_keeps_its_kind_and_reads_are_not_flagged() -> None:
    """The exposure keeps the verb's effect (a bucket created is a create, an object copied a
    create) and only flags it; the object a copy reads is not flagged."""
    created = understand_aws("s3", "CreateBucket", {"Bucket": "b", "ACL": "public-read"})
    [made] = created.effects
    assert (made.effect, made.removes_protection) == (EffectKind.CREATE, True)
    copied = understand_aws(
        "s3",
        "CopyObject",
        {"Bucket": "b", "Key": "k", "CopySource": "src/k", "ACL": "public-read"},
    )
    flags = {e.resource.name: (e.effect, e.removes_protection) for e in copied.effects}
    assert flags == {
        "arn:aws:s3:::b/k": (EffectKind.CREATE, True),
        "arn:aws:s3:::src/k": (EffectKind.READ, False),
    }


def test_the_account_public_access_block_reaches_every_bucket() -> None:
    """The account-level block guards every bucket of the account: switching it off is also an
    update removing the protection of ``arn:aws:s3:::*`` (a wide name the protected buckets are
    reached through), besides the account's own."""
    action = understand_aws("s3control", "DeletePublicAccessBlock", {"AccountId": "222222222222"})
    wide = [e for e in action.effects if "arn:aws:s3:::*" in e.resource.names]
    assert [(e.effect, e.removes_protection) for e in wide] == [(EffectKind.UPDATE, True)]
    assert all(e.removes_protection for e in action.effects)


def test_api_calls_and_cloudtrail_records_are_read_alike() -> None:
    """``keyturn check aws`` and botocore's events give the parameters as boto3 takes them (a
    policy may come parsed); a CloudTrail record in camelCase, EC2's lists as ``items``."""
    policy = json.loads(OPEN)
    by_api = understand_aws("sqs", "SetQueueAttributes", {"QueueUrl": QUEUE, "Attributes": {}})
    assert not any(e.removes_protection for e in by_api.effects)
    parsed = understand_aws("kms", "PutKeyPolicy", {"KeyId": "k-ledger", "Policy": policy})
    assert all(e.removes_protection for e in parsed.effects)
    record = {
        "eventSource": "ec2.amazonaws.com",
        "eventName": "ModifySnapshotAttribute",
        "awsRegion": "eu-west-1",
        "recipientAccountId": "222222222222",
        "requestParameters": {
            "snapshotId": "snap-0ledger",
            "createVolumePermission": {"add": {"items": [{"group": "all"}]}},
            "attributeType": "CREATE_VOLUME_PERMISSION",
        },
    }
    [effect] = cloudtrail_effects(record)
    assert effect.removes_protection
    assert effect.resource.name == "arn:aws:ec2:eu-west-1:222222222222:snapshot/snap-0ledger"


def test_a_policy_condition_holds_only_with_fixed_callers() -> None:
    """``Principal: *`` is held by a condition fixing who calls (``aws:SourceVpce``, a narrow
    ``aws:SourceIp``, ``kms:CallerAccount``); not by a negated or ``...IfExists`` operator, a
    wildcard value, an address range of everything, nor a key that says nothing of the
    caller (``aws:SecureTransport``)."""

    def opened(condition: Mapping[str, Any]) -> bool:
        text = _doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": condition})
        action = understand_aws("s3", "PutBucketPolicy", {"Bucket": "b", "Policy": text})
        return all(e.removes_protection for e in action.effects)

    assert not opened({"StringEquals": {"aws:SourceVpce": "vpce-1"}})
    assert not opened({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}})
    assert not opened({"StringEquals": {"kms:CallerAccount": "222222222222"}})
    assert opened({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})
    assert opened({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})
    assert opened({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})
    assert opened({"StringLike": {"aws:SourceAccount": "*"}})
    assert opened({"Bool": {"aws:SecureTransport": "true"}})
    # Operators that fix nothing (true for almost any caller, or when the key is absent), and
    # a policy variable that equals itself: none holds the statement.
    assert opened({"Null": {"aws:PrincipalAccount": "false"}})
    assert opened({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": ["o-1"]}})
    assert opened({"StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalAccount}"}})
    assert opened({"NumericGreaterThanEquals": {"aws:SourceAccount": "0"}})
    assert not opened({"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": ["o-1"]}})
    everyone_but = _doc({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}})
    action = understand_aws("s3", "PutBucketPolicy", {"Bucket": "b", "Policy": everyone_but})
    assert all(e.removes_protection for e in action.effects)


# -- EventBridge: events sent or replayed run the targets of the rules they match ---------------


def test_events_sent_run_the_rules_of_their_bus(policy: Policy) -> None:
    """``put-events`` is ``unknown`` on the rules of each bus its entries go to (the default bus
    when none is named); before the fix an update of ``arn:aws:events:*:*:*``, allowed in dev,
    while the rules it fires may run anything. Held now."""
    command = (
        "aws events put-events --region eu-west-1 --entries"
        " 'Source=app,DetailType=t,Detail={},EventBusName=orders'"
        " 'Source=app,DetailType=t,Detail={}'"
    )
    effects = _understood(command).effects
    unknown = {n for e in effects if e.effect is EffectKind.UNKNOWN for n in e.resource.names}
    assert {
        "arn:aws:events:eu-west-1:*:rule/orders/*",
        "arn:aws:events:eu-west-1:*:rule/*",
    } <= unknown
    assert _judged(command, policy) == ASK


def test_events_replayed_run_the_rules_they_go_to(policy: Policy) -> None:
    """``start-replay`` is ``unknown`` on the rules ``FilterArns`` lists, or on every rule of
    the destination bus; before the fix an update of the replay alone, allowed in dev."""
    base = (
        "aws events start-replay --replay-name r1 --event-source-arn"
        " arn:aws:events:eu-west-1:222222222222:archive/a --event-start-time 2024-01-01"
        " --event-end-time 2024-01-02 --destination "
    )
    bus = "arn:aws:events:eu-west-1:222222222222:event-bus/orders"
    rule = "arn:aws:events:eu-west-1:222222222222:rule/orders/billing"
    for destination, expected in (
        (f"Arn={bus}", "arn:aws:events:eu-west-1:222222222222:rule/orders/*"),
        (f"Arn={bus},FilterArns={rule}", rule),
    ):
        effects = _understood(base + destination).effects
        unknown = [e for e in effects if e.effect is EffectKind.UNKNOWN]
        assert [e.resource.names for e in unknown] == [(expected,)], destination
        assert _judged(base + destination, policy) == ASK


@pytest.mark.parametrize(
    "command",
    [
        'aws s3api put-object --bucket acme-archive --key k --acl "$ACL"',
        'aws s3api put-bucket-acl --bucket acme-archive --acl="$ACL"',
        'aws s3api put-bucket-acl --bucket acme-archive --grant-read "$WHO"',
        'aws s3api put-bucket-policy --bucket acme-archive --policy "$POLICY"',
        "aws lambda add-permission --function-name payments --statement-id s"
        ' --action lambda:InvokeFunction --principal "$WHO"',
    ],
)
def test_a_deciding_value_given_at_run_time_may_open_it(command: str, policy: Policy) -> None:
    """``--acl "$ACL"`` may be ``public-read``, ``--policy "$POLICY"`` any policy: the call may
    open what it names, so it is judged as an opening (a plain update before, allowed in dev on
    the protected bucket), as an unreadable public access block already was."""
    assert _judged(command, policy) == DENY


@pytest.mark.parametrize(
    "command",
    [
        'aws s3api put-object --bucket acme-archive --key "$KEY"',
        'aws s3api put-object --bucket acme-archive --key k --content-type "$TYPE"',
        "aws s3api put-bucket-acl --bucket acme-archive --acl private",
        'aws s3api put-object --bucket other-bucket --key k --acl "$ACL"',
    ],
)
def test_other_values_at_run_time_open_nothing(command: str, policy: Policy) -> None:
    """False-alarm guard (passes before the change too): a value decided at run time that no
    check reads (the key, the content type), a private ACL, or an unprotected bucket."""
    assert _judged(command, policy) == ALLOW


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ('[{"op":"remove","path":"/PublicAccessBlockConfiguration"}]', DENY),
        ('[{"op":"replace","path":"/AccessControl","value":"PublicRead"}]', DENY),
        (
            '[{"op":"replace","path":"/PublicAccessBlockConfiguration/BlockPublicAcls",'
            '"value":false}]',
            DENY,
        ),
        ('[{"op":"replace","path":"/Tags","value":[]}]', ALLOW),
    ],
)
def test_a_cloud_control_patch_that_opens_the_bucket_is_refused(
    patch: str, expected: str, policy: Policy
) -> None:
    """``aws cloudcontrol update-resource`` reads its patch as the Cloud Control MCP server's
    ``update_resource`` does (``tests/adversarial/test_mcp_public_exposure.py``): a public
    access block taken away or weakened, or a public ACL, opens the protected bucket (a plain
    update before, allowed in dev); a patch of its tags opens nothing (false-alarm guard)."""
    command = (
        "aws cloudcontrol update-resource --type-name AWS::S3::Bucket"
        f" --identifier acme-archive --patch-document '{patch}'"
    )
    assert _judged(command, policy) == expected


@pytest.mark.parametrize(
    ("type_name", "identifier", "patch", "expected"),
    [
        (
            "AWS::ECR::Repository",
            "payments",
            '[{"op":"remove","path":"/RepositoryPolicyText"}]',
            DENY,
        ),
        ("AWS::KMS::Key", "k-ledger", '[{"op":"replace","path":"/KeyPolicy","value":{}}]', DENY),
        ("AWS::ECR::Repository", "payments", '[{"op":"replace","path":"/Tags","value":[]}]', ALLOW),
    ],
)
def test_a_cloud_control_patch_of_who_may_reach_another_type_may_open_it(
    type_name: str, identifier: str, patch: str, expected: str, policy: Policy
) -> None:
    """For a type whose openings are not read one by one, a patch of a property that governs
    access (a repository's or a key's policy) may let anyone in: refused on the protected
    resource, as ``ecr set-repository-policy`` and ``kms put-key-policy`` with a public policy
    are (it was a plain update, allowed in dev). A patch of its tags stays an update (guard)."""
    command = (
        f"aws cloudcontrol update-resource --type-name {type_name}"
        f" --identifier {identifier} --patch-document '{patch}'"
    )
    assert _judged(command, policy) == expected


@pytest.mark.parametrize(
    ("condition", "opens"),
    [
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
        ({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}, True),
        ({"StringEquals": {"aws:SourceVpce": "vpce-1"}}, False),
    ],
)
def test_a_bucket_policy_condition_is_read_alike_on_every_road(
    condition: dict[str, Any], opens: bool
) -> None:
    """The API call, a Terraform plan and a CloudFormation template read a ``Principal: *``
    statement's condition by one rule: only one fixing who calls keeps it private. The plan
    and the template skipped any statement with a condition at all, so a policy held by TLS
    alone was an opening on the API road and none on the other two."""
    import json

    from keyturn.understand.terraform import understand_terraform

    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    policy = _doc({**statement, "Resource": "arn:aws:s3:::b/*", "Condition": condition})
    api = understand_aws("s3", "PutBucketPolicy", {"Bucket": "b", "Policy": policy})
    change = {"actions": ["create"], "before": None, "after": {"bucket": "b", "policy": policy}}
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_s3_bucket_policy.p", "type": "aws_s3_bucket_policy", "name": "p",
             "change": {**change, "after_unknown": {}}}
        ],
    }  # fmt: skip
    planned = understand_terraform(json.dumps(plan).encode())
    template = json.dumps(
        {"Resources": {"P": {"Type": "AWS::S3::BucketPolicy",
                             "Properties": {"Bucket": "b", "PolicyDocument": json.loads(policy)}}}}
    )  # fmt: skip
    stacked = understand_aws(
        "cloudformation", "CreateStack", {"StackName": "s", "TemplateBody": template}
    )
    for road in (api, planned, stacked):
        assert any(e.removes_protection for e in road.effects) is opens, road.effects


@pytest.mark.parametrize(
    "operation",
    [
        "restore-db-instance-from-db-snapshot --db-snapshot-identifier ledger-snap",
        "create-db-instance-read-replica --source-db-instance-identifier ledger-main",
    ],
)
def test_a_public_database_made_from_protected_data_is_refused(
    operation: str, policy: Policy
) -> None:
    """A database restored from a protected snapshot, or a replica of a protected database,
    and reachable from the internet opens that data (the Terraform and CloudFormation roads
    read it; the API call was a plain create, allowed in dev); private, it is allowed."""
    command = f"aws rds {operation} --db-instance-identifier scratch"
    assert _judged(f"{command} --publicly-accessible", policy) == DENY
    assert _judged(f"{command} --no-publicly-accessible", policy) == ALLOW


def test_a_cloud_control_patch_of_a_bucket_policy_names_its_bucket(policy: Policy) -> None:
    """An ``AWS::S3::BucketPolicy``'s identifier is its bucket: a patch letting anyone in
    opens that bucket (the opening was found but named only the policy, so it was allowed on
    the protected bucket); a patch keeping the policy private stays allowed (guard)."""
    public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    private = {**public, "Principal": {"AWS": "arn:aws:iam::111111111111:root"}}
    for statement, expected in ((public, DENY), (private, ALLOW)):
        patch = json.dumps(
            [{"op": "replace", "path": "/PolicyDocument", "value": {"Statement": [statement]}}]
        )
        command = (
            "aws cloudcontrol update-resource --type-name AWS::S3::BucketPolicy"
            f" --identifier acme-archive --patch-document '{patch}'"
        )
        assert _judged(command, policy) == expected
