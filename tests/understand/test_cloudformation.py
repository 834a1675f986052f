"""CloudFormation change sets (DescribeChangeSet output)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from keyturn.errors import InputError
from keyturn.model import EffectKind
from keyturn.understand.cloudformation import understand_change_set

E = EffectKind
ASSETS = Path(__file__).parent / "assets"


@pytest.fixture()
def payments() -> dict[str, Any]:
    return json.loads((ASSETS / "change-set-payments.json").read_text())


def _by_logical(doc: dict[str, Any]) -> dict[str, Any]:
    action = understand_change_set(json.dumps(doc))
    return {e.resource.names[0].rsplit("/", 1)[1]: e for e in action.effects}


def test_each_action(payments: dict[str, Any]) -> None:
    effects = _by_logical(payments)
    assert effects["Db"].effect is E.REPLACE
    assert "ReplaceAndSnapshot" in effects["Db"].detail
    assert effects["OldBucket"].effect is E.DELETE
    assert effects["Archive"].effect is E.UPDATE
    assert "retained" in effects["Archive"].detail
    assert effects["Role"].effect is E.CREATE
    assert effects["Queue"].effect is E.REPLACE and "may replace" in effects["Queue"].detail
    assert effects["Topic"].effect is E.UPDATE and "import" in effects["Topic"].detail
    assert effects["Fn"].effect is E.UNKNOWN
    assert effects["Logs"].effect is E.READ


def test_names_and_services(payments: dict[str, Any]) -> None:
    effects = _by_logical(payments)
    db = effects["Db"]
    assert db.resource.names == ("cfn:payments/Db", "payments-db", "arn:aws:rds:*:*:db:payments-db")
    assert db.service == "rds"
    bucket = effects["OldBucket"].resource.names
    assert "arn:aws:s3:::payments-old" in bucket and "s3://payments-old" in bucket
    assert effects["Role"].service == "iam"
    assert "arn:aws:sqs:*:*:payments-q" in effects["Queue"].resource.names
    assert effects["Topic"].resource.names[1] == "arn:aws:sns:eu-west-1:111111111111:alerts"


def test_protection_removal(payments: dict[str, Any]) -> None:
    effects = _by_logical(payments)
    assert effects["Cluster"].removes_protection
    assert effects["Table"].removes_protection
    assert not effects["Db"].removes_protection
    assert not effects["Queue"].removes_protection


def test_protection_property_change_without_values_fails_closed(payments: dict[str, Any]) -> None:
    detail = payments["Changes"][6]["ResourceChange"]["Details"][0]["Target"]
    del detail["BeforeValue"], detail["AfterValue"]
    assert _by_logical(payments)["Table"].removes_protection
    detail["AfterValue"] = "true"
    assert not _by_logical(payments)["Table"].removes_protection


def test_no_changes_and_more_pages() -> None:
    (effect,) = understand_change_set('{"StackName": "s", "Changes": []}').effects
    assert effect.effect is E.READ and effect.resource.names[0] == "cfn:s"
    paged = understand_change_set('{"StackName": "s", "Changes": [], "NextToken": "x"}')
    assert [e.effect for e in paged.effects] == [E.UNKNOWN]


def test_stack_name_from_stack_id_and_digest_ignores_order(payments: dict[str, Any]) -> None:
    one = understand_change_set(json.dumps(payments))
    del payments["StackName"]
    payments["Changes"].reverse()
    two = understand_change_set(json.dumps(payments, indent=2))
    assert two.effects[0].resource.names[0].startswith("cfn:payments/")
    assert one.subject == two.subject


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "expected a DescribeChangeSet object"),
        ('{"Changes": []}', "StackName: missing"),
        ('{"StackName": "s", "Changes": {}}', "Changes: expected a list"),
        ('{"StackName": "s", "Changes": [{"Type": "Resource"}]}', "Changes[0].ResourceChange"),
        (
            '{"StackName": "s", "Changes": [{"ResourceChange": {"Action": "Add"}}]}',
            "Changes[0].ResourceChange.LogicalResourceId: missing",
        ),
        ('{"StackName": ', "not valid JSON"),
        (
            '{"StackName": "s", "Changes": [{"ResourceChange": {"Action": "Add", '
            '"LogicalResourceId": "B", "ResourceType": "AWS::S3::Bucket", "Details": true}}]}',
            "Changes[0].ResourceChange.Details: expected a list",
        ),
        (
            '{"StackName": "s", "Changes": [{"ResourceChange": {"Action": "Add", '
            '"LogicalResourceId": "B", "ResourceType": "AWS::S3::Bucket", "Scope": "abc"}}]}',
            "Changes[0].ResourceChange.Scope: expected a list",
        ),
    ],
)
def test_bad_change_sets(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        understand_change_set(text, source="cs.json")
    assert str(caught.value).startswith("cs.json")
    assert message in str(caught.value)


def _modify(rtype: str, physical: str, *targets: Any) -> str:
    details = [t if not isinstance(t, dict) else {"Target": t} for t in targets]
    change = {
        "Action": "Modify",
        "LogicalResourceId": "R",
        "ResourceType": rtype,
        "PhysicalResourceId": physical,
        "Replacement": "False",
        "Details": details,
    }
    return json.dumps({"StackName": "app", "Changes": [{"ResourceChange": change}]})


@pytest.mark.parametrize(
    ("target", "removes"),
    [
        (
            {"Attribute": "Properties", "Name": "VersioningConfiguration",
             "BeforeValue": '{"Status":"Enabled"}', "AfterValue": '{"Status":"Suspended"}'},
            True,
        ),
        (
            {"Attribute": "Properties", "Path": "/Properties/VersioningConfiguration/Status",
             "BeforeValue": "Enabled", "AfterValue": "Suspended"},
            True,
        ),
        ({"Attribute": "Properties", "Name": "VersioningConfiguration"}, True),  # no values
        (
            {"Attribute": "Properties", "Name": "VersioningConfiguration",
             "BeforeValue": '{"Status":"Suspended"}', "AfterValue": '{"Status":"Enabled"}'},
            False,
        ),
        (
            {"Attribute": "Properties", "Name": "VersioningConfiguration",
             "BeforeValue": '{"Status":"Suspended"}', "AfterValue": '{"Status":"Suspended"}'},
            False,
        ),
    ],
)  # fmt: skip
def test_suspending_a_buckets_versioning_removes_protection(
    target: dict[str, Any], removes: bool
) -> None:
    (effect,) = understand_change_set(_modify("AWS::S3::Bucket", "state", target)).effects
    assert effect.removes_protection is removes
    assert "arn:aws:s3:::state" in effect.resource.names


def test_a_protection_property_named_by_its_path_is_read() -> None:
    target = {"Attribute": "Properties", "Path": "/Properties/DeletionProtection",
              "BeforeValue": "true", "AfterValue": "false"}  # fmt: skip
    (effect,) = understand_change_set(_modify("AWS::RDS::DBInstance", "db", target)).effects
    assert effect.removes_protection


@pytest.mark.parametrize(
    ("detail", "field"),
    [(1, "Details[0]: expected an object"), (None, "Details[0]: expected an object"),
     ("x", "Details[0]: expected an object"), ({"Target": 5}, "Details[0].Target: expected")],
)  # fmt: skip
def test_a_detail_that_is_not_an_object_is_bad_input(detail: Any, field: str) -> None:
    for action in ("Modify", "Add"):
        change = {"Action": action, "LogicalResourceId": "R", "ResourceType": "AWS::S3::Bucket",
                  "Details": [detail]}  # fmt: skip
        text = json.dumps({"StackName": "app", "Changes": [{"ResourceChange": change}]})
        with pytest.raises(InputError) as caught:
            understand_change_set(text, source="cs.json")
        assert f"cs.json: Changes[0].ResourceChange.{field}" in str(caught.value)
