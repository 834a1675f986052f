"""AWS calls that switch a protection off, rename a protected resource, expire objects, or
name a case-insensitive identifier in another case; and parameters of the wrong shape.

These are read the same whichever surface makes the call (the aws CLI, the aws kind, MCP's
call_aws, a signed HTTP request): all go through :func:`keyturn.understand.aws.aws_effects`.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Effect, EffectKind, Target, Verdict
from keyturn.policy import load_policy
from keyturn.understand.aws import aws_effects, understand_aws
from keyturn.understand.aws_names import resource_names


def effects(service: str, operation: str, params: dict[str, Any]) -> list[Effect]:
    return aws_effects(service, operation, params, target=Target())


def removal(service: str, operation: str, params: dict[str, Any]) -> bool:
    return any(e.removes_protection for e in effects(service, operation, params))


# -- case-insensitive identifiers -------------------------------------------------------------


def test_rds_identifiers_are_named_as_rds_stores_them() -> None:
    found = effects("rds", "DeleteDBInstance", {"DBInstanceIdentifier": "PROD-MAIN"})
    assert found[0].resource.names == (
        "arn:aws:rds:*:*:db:prod-main",
        "arn:aws:rds:*:*:db:PROD-MAIN",
    )
    cluster = effects("rds", "DeleteDBCluster", {"DBClusterIdentifier": "Prod-Aurora"})
    assert "arn:aws:rds:*:*:cluster:prod-aurora" in cluster[0].resource.names
    arn = "arn:aws:rds:eu-west-1:111111111111:db:PROD-MAIN"
    tagged = effects("rds", "RemoveTagsFromResource", {"ResourceName": arn, "TagKeys": ["a"]})
    assert arn.lower() in tagged[0].resource.names
    # Lower case already: one name, as before.
    same = effects("rds", "DeleteDBInstance", {"DBInstanceIdentifier": "prod-main"})
    assert same[0].resource.names == ("arn:aws:rds:*:*:db:prod-main",)


def test_the_aws_kind_denies_an_upper_case_protected_database() -> None:
    action = understand_aws("rds", "DeleteDBInstance", {"DBInstanceIdentifier": "PROD-MAIN"})
    decision = load_policy(BRIEF_POLICY).judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision is Verdict.DENY


def test_plan_and_change_set_names_of_rds_are_lower_cased_too() -> None:
    assert resource_names("rds:db", "PROD-MAIN") == (
        "arn:aws:rds:*:*:db:prod-main",
        "arn:aws:rds:*:*:db:PROD-MAIN",
    )
    assert resource_names("rds:db", "prod-main") == ("arn:aws:rds:*:*:db:prod-main",)
    assert resource_names("dynamodb:table", "Orders") == ("arn:aws:dynamodb:*:*:table/Orders",)


# -- protections switched off ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        (
            "ec2",
            "ModifyInstanceAttribute",
            {"InstanceId": "i-1", "Attribute": "disableApiTermination", "Value": "false"},
        ),
        (
            "ec2",
            "ModifyInstanceAttribute",
            {"InstanceId": "i-1", "DisableApiTermination": {"Value": False}},
        ),
        (
            "s3",
            "PutObjectLegalHold",
            {"Bucket": "b", "Key": "k", "LegalHold": {"Status": "OFF"}},
        ),
        (
            "s3",
            "PutObjectRetention",
            {"Bucket": "b", "Key": "k", "BypassGovernanceRetention": True},
        ),
        (
            "s3",
            "DeleteObjects",
            {
                "Bucket": "b",
                "Delete": {"Objects": [{"Key": "k"}]},
                "BypassGovernanceRetention": True,
            },
        ),
        (
            "s3",
            "PutBucketVersioning",
            {
                "Bucket": "b",
                "VersioningConfiguration": {"Status": "Enabled", "MFADelete": "Disabled"},
            },
        ),
        (
            "s3",
            "PutBucketVersioning",
            {"Bucket": "b", "VersioningConfiguration": {"Status": "Suspended"}},
        ),
        ("cognito-idp", "UpdateUserPool", {"UserPoolId": "p", "DeletionProtection": "INACTIVE"}),
        (
            "network-firewall",
            "UpdateFirewallDeleteProtection",
            {"FirewallName": "f", "DeleteProtection": False},
        ),
    ],
)
def test_protection_switched_off(service: str, operation: str, params: dict[str, Any]) -> None:
    assert removal(service, operation, params)


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        (
            "ec2",
            "ModifyInstanceAttribute",
            {"InstanceId": "i-1", "Attribute": "disableApiTermination", "Value": "true"},
        ),
        (
            "ec2",
            "ModifyInstanceAttribute",
            {"InstanceId": "i-1", "Attribute": "userData", "Value": "false"},
        ),
        ("s3", "PutObjectLegalHold", {"Bucket": "b", "Key": "k", "LegalHold": {"Status": "ON"}}),
        (
            "s3",
            "PutObjectRetention",
            {"Bucket": "b", "Key": "k", "BypassGovernanceRetention": False},
        ),
        (
            "s3",
            "PutBucketVersioning",
            {
                "Bucket": "b",
                "VersioningConfiguration": {"Status": "Enabled", "MFADelete": "Enabled"},
            },
        ),
        ("s3", "PutBucketPolicy", {"Bucket": "b", "Policy": "{}"}),
        ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "k"}]}}),
        ("rds", "ModifyDBInstance", {"DBInstanceIdentifier": "x", "AllocatedStorage": 100}),
    ],
)
def test_no_protection_switched_off(service: str, operation: str, params: dict[str, Any]) -> None:
    assert not removal(service, operation, params)


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        (
            "rds",
            "ModifyDBInstance",
            {"DBInstanceIdentifier": "prod-main", "NewDBInstanceIdentifier": "tmp-x"},
        ),
        (
            "rds",
            "ModifyDBCluster",
            {"DBClusterIdentifier": "prod-c", "NewDBClusterIdentifier": "x"},
        ),
        ("redshift", "ModifyCluster", {"ClusterIdentifier": "prod-w", "NewClusterIdentifier": "x"}),
        ("iam", "UpdateUser", {"UserName": "admin", "NewUserName": "x"}),
        (
            "s3tables",
            "RenameTable",
            {
                "tableBucketARN": "arn:aws:s3tables:us-east-1:1:bucket/b",
                "namespace": "n",
                "name": "t",
            },
        ),
    ],
)
def test_a_rename_unprotects_what_it_renames(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    found = effects(service, operation, params)
    assert all(e.removes_protection for e in found)
    assert all("renames" in e.detail for e in found)


def test_a_renamed_protected_database_is_denied() -> None:
    params = {"DBInstanceIdentifier": "prod-main", "NewDBInstanceIdentifier": "tmp-x"}
    action = understand_aws("rds", "ModifyDBInstance", params)
    decision = load_policy(BRIEF_POLICY).judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision is Verdict.DENY


# -- a lifecycle that expires objects deletes them -------------------------------------------


def _lifecycle(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"Bucket": "acme-terraform-state-prod", "LifecycleConfiguration": {"Rules": list(rules)}}


def test_expiring_lifecycle_rules_delete_the_objects_they_reach() -> None:
    found = effects(
        "s3",
        "PutBucketLifecycleConfiguration",
        _lifecycle(
            {"ID": "a", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}},
            {
                "ID": "b",
                "Status": "Enabled",
                "Filter": {"And": {"Prefix": "logs/", "Tags": []}},
                "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
            },
        ),
    )
    assert [(e.effect, e.resource.name) for e in found] == [
        (EffectKind.UPDATE, "arn:aws:s3:::acme-terraform-state-prod"),
        (EffectKind.DELETE, "arn:aws:s3:::acme-terraform-state-prod/*"),
        (EffectKind.DELETE, "arn:aws:s3:::acme-terraform-state-prod/logs/*"),
    ]
    legacy = effects(
        "s3",
        "PutBucketLifecycle",
        _lifecycle({"Prefix": "tmp/", "Status": "Enabled", "Expiration": {"Days": 3}}),
    )
    assert legacy[-1].resource.name == "arn:aws:s3:::acme-terraform-state-prod/tmp/*"
    action = understand_aws(
        "s3",
        "PutBucketLifecycleConfiguration",
        _lifecycle({"ID": "a", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}),
    )
    decision = load_policy(BRIEF_POLICY).judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision is Verdict.DENY


def test_a_lifecycle_that_expires_nothing_is_an_update() -> None:
    transition = {"ID": "t", "Status": "Enabled", "Filter": {}, "Transitions": [{"Days": 30}]}
    found = effects("s3", "PutBucketLifecycleConfiguration", _lifecycle(transition))
    assert [e.effect for e in found] == [EffectKind.UPDATE]


# -- parameters of the wrong shape: unknown with a reason, never an exception ----------------


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": 5}}),
        ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": {"a": 1}}]}}),
        ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": ["a"]}}),
        ("dynamodb", "BatchWriteItem", {"RequestItems": 5}),
        ("dynamodb", "BatchWriteItem", {"RequestItems": {"t": 5}}),
        ("dynamodb", "TransactWriteItems", {"TransactItems": [5]}),
        ("s3", "PutBucketLifecycleConfiguration", {"Bucket": "b", "LifecycleConfiguration": 5}),
    ],
)
def test_malformed_parameters_are_unknown_with_a_reason(
    service: str, operation: str, params: dict[str, Any]
) -> None:
    found = effects(service, operation, params)
    unknown = [e for e in found if e.effect is EffectKind.UNKNOWN]
    assert unknown
    assert all("could not be read" in e.detail for e in unknown)


# -- what a copy reads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "source", "read"),
    [
        ("CopyObject", "state/prod.tfstate", "arn:aws:s3:::state/prod.tfstate"),
        (
            "CopyObject",
            "/state/env%2Fprod.tfstate?versionId=3",
            "arn:aws:s3:::state/env/prod.tfstate",
        ),
        ("CopyObject", {"Bucket": "state", "Key": "a b"}, "arn:aws:s3:::state/a b"),
        (
            "UploadPartCopy",
            "arn:aws:s3:us-east-1:111111111111:accesspoint/ap/object/k",
            "arn:aws:s3:us-east-1:111111111111:accesspoint/ap/object/k",
        ),
    ],
)
def test_a_copy_reads_its_source(operation: str, source: Any, read: str) -> None:
    params = {"Bucket": "mine", "Key": "x", "CopySource": source}
    if operation == "UploadPartCopy":
        params |= {"PartNumber": 1, "UploadId": "u"}
    found = effects("s3", operation, params)
    reads = [e for e in found if e.effect is EffectKind.READ]
    assert [e.resource.name for e in reads] == [read], found
    assert any(e.resource.name == "arn:aws:s3:::mine/x" for e in found if e not in reads)


def test_a_copy_out_of_a_protected_bucket_is_seen_by_a_read_rule() -> None:
    """A policy that denies reading the state bucket denies copying out of it."""
    text = (
        BRIEF_POLICY
        + """
  "*-reader":
    deny:
      - effect: read
        resource: "arn:aws:s3:::acme-terraform-state*"
"""
    )
    policy = load_policy(text)
    action = understand_aws(
        "s3",
        "CopyObject",
        {"Bucket": "mine", "Key": "x", "CopySource": "acme-terraform-state/prod.tfstate"},
        target=Target(aws_profile="dev"),
    )
    decision = policy.judge(action, actor=Actor(agent="ci-reader", operator="bob"))
    assert decision.decision is Verdict.DENY, decision.reasons


# -- Cloud Control: any resource by its CloudFormation type --------------------------------------

PROTECTION_OFF = '[{"op": "replace", "path": "/DeletionProtection", "value": false}]'


@pytest.mark.parametrize(
    ("operation", "params", "kind"),
    [
        (
            "DeleteResource",
            {"TypeName": "AWS::RDS::DBInstance", "Identifier": "prod-main"},
            "delete",
        ),
        (
            "UpdateResource",
            {
                "TypeName": "AWS::RDS::DBInstance",
                "Identifier": "prod-main",
                "PatchDocument": PROTECTION_OFF,
            },
            "update",
        ),
    ],
)
def test_cloud_control_names_the_resource_as_its_service_does(
    operation: str, params: dict[str, Any], kind: str
) -> None:
    # A protected RDS instance deleted, or unprotected, through Cloud Control is the same instance.
    found = effects("cloudcontrol", operation, params)
    assert "arn:aws:rds:*:*:db:prod-main" in found[0].resource.names
    assert found[0].effect.value == kind
    policy = load_policy(BRIEF_POLICY)
    action = understand_aws("cloudcontrol", operation, params)
    assert policy.judge(action, actor=Actor(agent="kiro", operator="bob")).decision is Verdict.DENY


def test_a_cloud_control_patch_that_switches_protection_off_removes_it() -> None:
    base = {"TypeName": "AWS::RDS::DBInstance", "Identifier": "db1"}
    assert removal("cloudcontrol", "UpdateResource", {**base, "PatchDocument": PROTECTION_OFF})
    removed = '[{"op": "remove", "path": "/DeletionProtection"}]'
    assert removal("cloudcontrol", "UpdateResource", {**base, "PatchDocument": removed})
    tags = '[{"op": "add", "path": "/Tags/0", "value": {"Key": "a", "Value": "b"}}]'
    assert not removal("cloudcontrol", "UpdateResource", {**base, "PatchDocument": tags})
    assert not removal("cloudcontrol", "UpdateResource", {**base, "PatchDocument": "not json"})


def test_a_cloud_control_type_keyturn_does_not_know_keeps_its_own_name() -> None:
    found = effects(
        "cloudcontrol", "DeleteResource", {"TypeName": "AWS::Foo::Bar", "Identifier": "x"}
    )
    assert found[0].resource.names == (
        "arn:aws:cloudcontrolapi:*:*:resource/x",
        "arn:aws:cloudcontrolapi:*:*:type/AWS::Foo::Bar",  # the type tells the service
    )
