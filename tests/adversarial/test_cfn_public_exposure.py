"""CloudFormation opening a store to the world: judged as removing its protection.

The decision (docs/security.md, "Opening a store to the world removes its protection", as for
``gcloud``/``az`` in ``test_cloud_public_access.py``): a change set or a stack template that
opens a bucket or a database to anyone on the internet is judged as switching its protection
off (``removes_protection``, the effect's kind kept): refused on a protected resource in every
environment, judged as the update (or create, replace) it is elsewhere.

What the readings rest on:
- The CloudFormation resource schemas, as cfn-lint 1.58 ships them (read here, in the venv):
  ``AWS::S3::Bucket`` ``PublicAccessBlockConfiguration`` has exactly ``BlockPublicAcls``,
  ``BlockPublicPolicy``, ``IgnorePublicAcls``, ``RestrictPublicBuckets`` (booleans: a flag
  left out is false); ``AccessControl`` is one of ``AuthenticatedRead``, ``AwsExecRead``,
  ``BucketOwnerFullControl``, ``BucketOwnerRead``, ``LogDeliveryWrite``, ``Private``,
  ``PublicRead``, ``PublicReadWrite`` (the three granting everyone, or every AWS account,
  are the exposing ones); ``AWS::RDS::DBInstance`` ``PubliclyAccessible`` ("an internet-facing
  instance"); ``AWS::S3::BucketPolicy`` has ``Bucket`` and ``PolicyDocument``, its primary
  identifier (so its physical id) being ``/properties/Bucket``.
- formats.md §5.2 (botocore's ``DescribeChangeSet`` model): ``BeforeValue``/``AfterValue`` and
  ``AfterContext`` (the resource's properties as JSON text) come only with
  ``IncludePropertyValues``; without them a change's new value is not known, so a change to
  one of these properties is held as opening the store (fail closed), as a protection
  property changed without values already is.

Judged for agent ``codex`` acting for ``bob`` under the BRIEF policy, which protects
``arn:aws:s3:::acme-terraform-state*`` and ``arn:aws:rds:*:*:db:prod-*``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    policy_protecting,
    shown,
    understood_line,
)
from tests.adversarial.conftest import CWD
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudformation import understand_change_set

PROD = "111111111111"
STATE = "acme-terraform-state"  # protected by the BRIEF policy (with its prefix)


policy = policy_protecting()  # the BRIEF policy as it is


# --- change sets -------------------------------------------------------------------------------


def _change_set(*changes: dict[str, Any], env: str | None = None) -> Action:
    """A change set of the stack ``payments``: in the production account by its ARN, or (with
    ``env``) without ARNs, judged in ``env``."""
    doc: dict[str, Any] = {"StackName": "payments", "Status": "CREATE_COMPLETE"}
    if env is None:
        doc["StackId"] = f"arn:aws:cloudformation:us-east-1:{PROD}:stack/payments/abc"
    doc["Changes"] = [{"Type": "Resource", "ResourceChange": c} for c in changes]
    return understand_change_set(json.dumps(doc), target=Target(environment=env))


def _modify(rtype: str, physical: str, *targets: dict[str, Any], **extra: Any) -> dict[str, Any]:
    details = [
        {"Target": {"Attribute": "Properties", "RequiresRecreation": "Never", **t},
         "Evaluation": "Static", "ChangeSource": "DirectModification"}
        for t in targets
    ]  # fmt: skip
    return {
        "Action": "Modify",
        "LogicalResourceId": "Res",
        "PhysicalResourceId": physical,
        "ResourceType": rtype,
        "Replacement": "False",
        "Scope": ["Properties"],
        "Details": details,
        **extra,
    }


_PAB = "PublicAccessBlockConfiguration"


def _block(flag: str, before: str | None, after: str | None, **more: Any) -> dict[str, Any]:
    values = {"BeforeValue": before, "AfterValue": after}
    shown = {k: v for k, v in values.items() if v is not None}
    return {"Name": _PAB, "Path": f"/Properties/{_PAB}/{flag}", **shown, **more}


def _whole_block(before: dict[str, bool] | None, after: dict[str, bool]) -> dict[str, Any]:
    target = {"Name": _PAB, "Path": f"/Properties/{_PAB}", "AfterValue": json.dumps(after)}
    return target | ({"BeforeValue": json.dumps(before)} if before is not None else {})


_ALL_ON = dict.fromkeys(
    ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"), True
)
_PUBLIC_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{STATE}/*"}
    ],
}  # fmt: skip


def _policy_change(document: dict[str, Any] | None, bucket: str = STATE) -> dict[str, Any]:
    """A bucket policy's document changed (its values shown as ``AfterContext`` when given)."""
    extra = {}
    if document is not None:
        extra["AfterContext"] = json.dumps({"Bucket": bucket, "PolicyDocument": document})
    return _modify("AWS::S3::BucketPolicy", bucket, {"Name": "PolicyDocument"}, **extra)


def _with(statement: dict[str, Any]) -> dict[str, Any]:
    return {"Statement": [{"Action": "s3:GetObject", "Resource": "*", **statement}]}


BUCKET, DB = "AWS::S3::Bucket", "AWS::RDS::DBInstance"

# Each was asked before the fix (a plain update of a protected store in production): refused now.
CHANGE_SET_ESCAPES: list[tuple[str, dict[str, Any]]] = [
    ("block-flag-off", _modify(BUCKET, STATE, _block("BlockPublicPolicy", "true", "false"))),
    ("block-flag-taken-away", _modify(BUCKET, STATE, _block("RestrictPublicBuckets", "true",
                                                            None, AttributeChangeType="Remove"))),
    ("block-whole-one-off", _modify(BUCKET, STATE, _whole_block(
        _ALL_ON, _ALL_ON | {"IgnorePublicAcls": False}))),
    ("block-whole-flag-left-out", _modify(BUCKET, STATE, _whole_block(
        None, {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True}))),
    ("block-without-values", _modify(BUCKET, STATE, {"Name": _PAB})),
    ("block-path-only", _modify(BUCKET, STATE, {"Path": f"/Properties/{_PAB}/BlockPublicAcls"})),
    ("acl-public-read", _modify(BUCKET, STATE, {"Name": "AccessControl", "BeforeValue": "Private",
                                                "AfterValue": "PublicRead"})),
    ("acl-authenticated-read", _modify(BUCKET, STATE, {"Name": "AccessControl",
                                                       "AfterValue": "AuthenticatedRead"})),
    ("acl-without-values", _modify(BUCKET, STATE, {"Name": "AccessControl"})),
    ("db-publicly-accessible", _modify(DB, "prod-main", {"Name": "PubliclyAccessible",
                                                         "BeforeValue": "false",
                                                         "AfterValue": "true"})),
    ("db-publicly-accessible-unshown", _modify(DB, "prod-main", {"Name": "PubliclyAccessible"})),
    ("policy-principal-star", _policy_change(_PUBLIC_POLICY)),
    ("policy-principal-aws-star", _policy_change(_with({"Effect": "Allow",
                                                        "Principal": {"AWS": ["*"]}}))),
    ("policy-not-principal", _policy_change(_with({"Effect": "Allow",
                                                   "NotPrincipal": {"AWS": "arn:aws:iam::1:x"}}))),
    ("policy-without-values", _policy_change(None)),
    ("policy-added-to-an-older-bucket", {
        "Action": "Add", "LogicalResourceId": "Open", "ResourceType": "AWS::S3::BucketPolicy",
        "AfterContext": json.dumps({"Bucket": STATE, "PolicyDocument": _PUBLIC_POLICY})}),
]  # fmt: skip

# False-alarm guards: judged so before the fix too (asked: an update in production).
CHANGE_SET_GUARDS: list[tuple[str, dict[str, Any]]] = [
    ("block-flag-on", _modify(BUCKET, STATE, _block("BlockPublicPolicy", "false", "true"))),
    ("block-whole-all-on", _modify(BUCKET, STATE, _whole_block(None, _ALL_ON))),
    ("block-whole-still-off-as-before", _modify(BUCKET, STATE, _whole_block(
        _ALL_ON | {"BlockPublicAcls": False, "IgnorePublicAcls": False},
        _ALL_ON | {"BlockPublicAcls": False}))),
    ("acl-private", _modify(BUCKET, STATE, {"Name": "AccessControl", "AfterValue": "Private"})),
    ("acl-log-delivery", _modify(BUCKET, STATE, {"Name": "AccessControl",
                                                 "AfterValue": "LogDeliveryWrite"})),
    ("db-private", _modify(DB, "prod-main", {"Name": "PubliclyAccessible", "AfterValue": "false"})),
    ("db-other-property", _modify(DB, "prod-main", {"Name": "AllocatedStorage"})),
    ("policy-with-condition", _policy_change(_with({
        "Effect": "Allow", "Principal": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}))),
    ("policy-one-account", _policy_change(_with({"Effect": "Allow",
                                                 "Principal": {"AWS": "arn:aws:iam::1:root"}}))),
    ("policy-deny-everyone", _policy_change(_with({"Effect": "Deny", "Principal": "*"}))),
    ("policy-added-without-values", {
        "Action": "Add", "LogicalResourceId": "Open", "ResourceType": "AWS::S3::BucketPolicy"}),
    ("bucket-tags-only", _modify(BUCKET, STATE, {"Name": "Tags"})),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "change"), CHANGE_SET_ESCAPES, ids=[c for c, _ in CHANGE_SET_ESCAPES]
)
def test_a_change_set_opening_a_protected_store_is_refused(
    case: str, change: dict[str, Any], policy: Policy
) -> None:
    """Asked before the fix (an update in production); refused now: the protection of a
    protected store removed, or (values not shown) perhaps removed."""
    action = _change_set(change)
    assert decision_of(action, policy) == DENY, (case, shown(action))
    opened = [e for e in action.effects if e.removes_protection]
    assert opened and all(e.effect.value == "update" for e in opened), case


@pytest.mark.parametrize(
    ("case", "change"), CHANGE_SET_GUARDS, ids=[c for c, _ in CHANGE_SET_GUARDS]
)
def test_a_change_set_keeping_a_store_closed_is_asked(
    case: str, change: dict[str, Any], policy: Policy
) -> None:
    """False-alarm guard: asked before the fix too (an update in production), and nothing is
    said to remove protection."""
    action = _change_set(change)
    assert decision_of(action, policy) == ASK, (case, shown(action))
    assert not any(e.removes_protection for e in action.effects), case


def test_a_bucket_policy_names_its_bucket() -> None:
    """The store a bucket policy opens is its bucket: before the fix the change named only
    ``cfn:payments/Res`` and the bare physical id, which no bucket pattern matches."""
    effects = _change_set(_policy_change(_PUBLIC_POLICY)).effects
    [opened] = [e for e in effects if e.removes_protection]
    assert {f"arn:aws:s3:::{STATE}", f"s3://{STATE}"} <= set(opened.resource.names)
    assert "Principal" in opened.detail


def test_a_replaced_bucket_that_is_opened_keeps_its_kind(policy: Policy) -> None:
    """The kind is kept: a replacement that also opens the bucket is a replace that removes
    its protection (denied before the fix too, as a replace of a protected bucket)."""
    change = _modify(BUCKET, STATE, _block("BlockPublicAcls", "true", "false"), Replacement="True")
    [effect] = _change_set(change).effects
    assert (effect.effect.value, effect.removes_protection) == ("replace", True)
    assert decision_of(_change_set(change), policy) == DENY


@pytest.mark.parametrize("env", ["dev", "staging", "production"])
@pytest.mark.parametrize(
    ("opening", "unprotecting"),
    [
        (
            _modify(BUCKET, "{b}", _block("BlockPublicPolicy", "true", "false")),
            _modify(
                BUCKET,
                "{b}",
                {
                    "Name": "VersioningConfiguration",
                    "Path": "/Properties/VersioningConfiguration/Status",
                    "BeforeValue": "Enabled",
                    "AfterValue": "Suspended",
                },
            ),
        ),
        (
            _modify(DB, "{d}", {"Name": "PubliclyAccessible", "AfterValue": "true"}),
            _modify(DB, "{d}", {"Name": "DeletionProtection", "AfterValue": "false"}),
        ),
    ],
    ids=["bucket", "db"],
)
def test_opening_is_as_strict_as_removing_a_protection(
    opening: dict[str, Any], unprotecting: dict[str, Any], env: str, policy: Policy
) -> None:
    """The decision, pinned: a change set opening a store is judged exactly as one switching
    its protection off, in every environment, protected or not (a protected one refused;
    another, as any update: allowed in dev). Before the fix a protected store opened was
    asked (allowed in dev)."""
    for bucket, db in ((STATE, "prod-main"), ("scratch-logs", "scratch-db")):

        def filled(change: dict[str, Any], b: str = bucket, d: str = db) -> dict[str, Any]:
            physical = change["PhysicalResourceId"].format(b=b, d=d)
            return change | {"PhysicalResourceId": physical}

        opened = decision_of(_change_set(filled(opening), env=env), policy)
        removed = decision_of(_change_set(filled(unprotecting), env=env), policy)
        assert opened == removed, (bucket, env)
    assert decision_of(_change_set(filled(opening), env="dev"), policy) == ALLOW


# --- stacks with their template at hand ----------------------------------------------------------

_OPEN_POLICY = f"""\
Resources:
  Open:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: {STATE}
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "arn:aws:s3:::{STATE}/*"
"""
_POLICY_BY_PARAMETER = """\
Parameters:
  Target:
    Type: String
Resources:
  Open:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Target
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: "*"}
            Action: s3:GetObject
            Resource: "*"
"""
_PUBLIC_DB = """\
Resources:
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: prod-reports
      DBSnapshotIdentifier: prod-main-final
      PubliclyAccessible: true
"""
_OPEN_BUCKET = f"""\
Parameters:
  Acl:
    Type: String
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {STATE}-site
      AccessControl: !Ref Acl
"""
_BLOCK_OFF = f"""\
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {STATE}-site
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: false
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
"""
_ROLE_POLICY = f"""\
Resources:
  Read:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: {STATE}
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{AWS: !GetAtt Reader.Arn}}
            Action: s3:GetObject
            Resource: "*"
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: "*"
            Condition: {{StringEquals: {{aws:SourceVpce: vpce-1}}}}
"""
_QUIET_BUCKET = f"""\
Parameters:
  Acl:
    Type: String
    Default: Private
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {STATE}-site
      AccessControl: !Ref Acl
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceIdentifier: prod-reports
      PubliclyAccessible: false
"""
_OPEN_SCRATCH = _OPEN_POLICY.replace(STATE, "scratch-site")
_FILES = {
    f"{CWD}/{name}.yaml": text
    for name, text in {
        "open-policy": _OPEN_POLICY,
        "policy-by-parameter": _POLICY_BY_PARAMETER,
        "public-db": _PUBLIC_DB,
        "open-bucket": _OPEN_BUCKET,
        "block-off": _BLOCK_OFF,
        "role-policy": _ROLE_POLICY,
        "quiet-bucket": _QUIET_BUCKET,
        "open-scratch": _OPEN_SCRATCH,
    }.items()
}


def _shell(command: str) -> Action:
    return understood_line(command, None, _FILES)


_CREATE = "aws --profile dev cloudformation create-stack --stack-name web --template-body "
_UPDATE = "aws --profile dev cloudformation update-stack --stack-name web --template-body "

# Each was allowed before the fix (a stack made or updated in dev; the policy's bucket or the
# new store named by the stack only, or made without a word about its exposure): refused now.
STACK_ESCAPES = [
    ("create-public-policy-on-an-older-bucket", f"{_CREATE}file://open-policy.yaml"),
    ("create-policy-on-a-parameter-bucket", f"{_CREATE}file://policy-by-parameter.yaml "
     f"--parameters ParameterKey=Target,ParameterValue={STATE}"),
    ("create-public-db-from-a-snapshot", f"{_CREATE}file://public-db.yaml"),
    ("create-bucket-acl-not-known", f"{_CREATE}file://open-bucket.yaml"),
    ("create-bucket-block-off", f"{_CREATE}file://block-off.yaml"),
    ("update-public-policy", f"{_UPDATE}file://open-policy.yaml"),
    ("update-policy-parameter-not-known", f"{_UPDATE}file://policy-by-parameter.yaml"),
]  # fmt: skip

# False-alarm guards: judged so before the fix too (dev, nothing opened to anyone, or what is
# opened is not protected; an update is asked for what it may delete, which no call shows).
STACK_GUARDS = [
    ("create-policy-for-a-role-or-with-condition", f"{_CREATE}file://role-policy.yaml", ALLOW),
    ("create-quiet-bucket-and-private-db", f"{_CREATE}file://quiet-bucket.yaml", ALLOW),
    ("create-public-policy-on-a-bucket-not-protected", f"{_CREATE}file://open-scratch.yaml",
     ALLOW),
    ("update-public-policy-on-a-bucket-not-protected", f"{_UPDATE}file://open-scratch.yaml", ASK),
    ("update-policy-for-a-role-or-with-condition", f"{_UPDATE}file://role-policy.yaml", ASK),
]  # fmt: skip


@pytest.mark.parametrize(("case", "command"), STACK_ESCAPES, ids=[c for c, _ in STACK_ESCAPES])
def test_a_stack_template_opening_a_protected_store_is_refused(
    case: str, command: str, policy: Policy
) -> None:
    """Allowed before the fix (dev); refused now."""
    action = _shell(command)
    assert decision_of(action, policy) == DENY, (case, shown(action))
    assert any(e.removes_protection for e in action.effects), case


@pytest.mark.parametrize(("case", "command", "expected"), STACK_GUARDS,
                         ids=[c for c, _, _ in STACK_GUARDS])  # fmt: skip
def test_a_stack_template_keeping_protected_stores_closed_is_judged_as_before(
    case: str, command: str, expected: str, policy: Policy
) -> None:
    """False-alarm guard: judged so before the fix too."""
    action = _shell(command)
    assert decision_of(action, policy) == expected, (case, shown(action))


def test_stack_template_exposures_are_named_as_the_store() -> None:
    """A bucket policy opens its bucket (an ``update`` of it), a public database is created
    open (``create``), an update replaces it open (``replace``): the kind each had, or the
    update the policy makes of its bucket, now removing protection."""
    created = _shell(f"{_CREATE}file://open-policy.yaml").effects
    [opened] = [e for e in created if e.removes_protection]
    assert opened.effect.value == "update"
    assert f"arn:aws:s3:::{STATE}" in opened.resource.names
    db = [e for e in _shell(f"{_CREATE}file://public-db.yaml").effects if e.removes_protection]
    assert [(e.effect.value, e.resource.names[-1]) for e in db] == [
        ("create", "arn:aws:rds:*:*:db:prod-reports")
    ]
    updated = [e for e in _shell(f"{_UPDATE}file://public-db.yaml").effects if e.removes_protection]
    assert [e.effect.value for e in updated] == ["replace"]
    unknown = _shell(f"{_UPDATE}file://policy-by-parameter.yaml").effects
    assert "arn:aws:s3:::*" in {
        n for e in unknown if e.removes_protection for n in e.resource.names
    }


def test_a_stack_set_template_opening_a_protected_store_is_refused() -> None:
    """``UpdateStackSet`` with its template: the bucket the policy opens, in each account it
    reaches. Judged with the accounts in dev (under the BRIEF policy an account not known is
    production, where the unknown update of the instances is refused already): before the fix
    only the instances' stacks were named (unknown there: asked), refused now."""
    dev_profiles = '    aws_profiles: ["dev*", "default"]\n'
    assert dev_profiles in BRIEF_POLICY
    dev_accounts = dev_profiles + '    aws_accounts: ["222222222222", "333333333333"]\n'
    policy = load_policy(BRIEF_POLICY.replace(dev_profiles, dev_accounts))
    params = {
        "StackSetName": "base",
        "TemplateBody": _OPEN_POLICY,
        "Accounts": ["222222222222", "333333333333"],
        "Regions": ["eu-west-1"],
    }
    action = understand_aws("cloudformation", "UpdateStackSet", params)
    opened = [e for e in action.effects if e.removes_protection]
    assert {e.target.aws_account for e in opened} == {"222222222222", "333333333333"}
    assert all(f"arn:aws:s3:::{STATE}" in e.resource.names for e in opened)
    assert decision_of(action, policy) == DENY
    quiet = understand_aws(
        "cloudformation", "UpdateStackSet", params | {"TemplateBody": _ROLE_POLICY}
    )
    assert not any(e.removes_protection for e in quiet.effects)
    assert decision_of(quiet, policy) == ASK  # false-alarm guard: as before the fix
