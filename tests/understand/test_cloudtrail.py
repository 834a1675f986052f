"""CloudTrail records -> the same effects and names keyturn gives the API call itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from keyturn.errors import InputError
from keyturn.model import EffectKind, Target
from keyturn.understand.aws import aws_effects
from keyturn.understand.cloudtrail import (
    cloudtrail_effects,
    cloudtrail_identity,
    cloudtrail_records,
    failed,
    is_read_only,
)

D, U, C = EffectKind.DELETE, EffectKind.UPDATE, EffectKind.CREATE

# fixture -> (effects with primary names, read only, error code, identity type, session name)
EXPECTED: dict[str, tuple[list[tuple[EffectKind, str]], bool, str | None, str, str | None]] = {
    "ct-001.json": ([(D, "arn:aws:rds:us-east-1:123456789012:db:production-mysql-db")],
                    False, None, "AssumedRole", "admin"),
    "ct-002.json": ([(D, "arn:aws:rds:us-west-2:123456789012:db:customer-data-db")],
                    False, None, "IAMUser", None),
    "ct-003.json": ([(D, "arn:aws:rds:us-east-1:123456789012:db:production-db")],
                    False, "AccessDenied", "IAMUser", None),
    "ct-004.json": ([(D, "arn:aws:s3:::secrets")], False, None, "AssumedRole", "user_name"),
    "ct-005.json": ([(D, "arn:aws:ec2:us-west-2:111222333444:instance/i-0d9853f67e40ab80b")],
                    False, None, "AssumedRole", "AThing"),
    "ct-006.json": ([(D, "arn:aws:ec2:us-west-2:111222333444:instance/i-0d9853f67e40ab80b")],
                    False, None, "AssumedRole", "AutoScaling"),
    "ct-007.json": ([(U, "arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail")],
                    False, None, "AssumedRole", None),
    "ct-008.json": ([(D, "arn:aws:kms:us-west-2:123456789012:key/1")],
                    False, None, "AssumedRole", None),
    "ct-009.json": ([(D, "arn:aws:route53resolver:us-west-2:111122223333:"
                         "resolver-query-log-config/rqlc-5aa596fe3bd84ec6")],
                    False, None, "AssumedRole", "leroy.jenkins"),
    "ct-010.json": ([(C, "arn:aws:ec2:us-east-1:112233445566:security-group/"
                         "prod-webapp-webserver-security")],
                    False, None, "AssumedRole", "ryan@example.com"),
    "ct-011.json": ([(U, "arn:aws:ec2:us-east-1:777788889999:instance/i-EXAMPLE56126103cb"),
                     (U, "arn:aws:ec2:us-east-1:777788889999:instance/i-EXAMPLEaff4840c22")],
                    False, None, "IAMUser", None),
    "ct-012.json": ([(U, "arn:aws:rds:us-east-1:123456789012:db:customer-database")],
                    False, None, "AssumedRole", "attacker"),
    "ct-013.json": ([(EffectKind.UNKNOWN, "arn:aws:signin:us-east-1:123456789012:*")],
                    False, None, "Root", None),
    "ct-014.json": ([(U, "arn:aws:ec2:us-east-2:123456789012:instance/i-ebeaf9e2")],
                    False, None, "IAMUser", None),
    "ct-015.json": ([(U, "arn:aws:cloudtrail:us-east-2:123456789012:trail/myTrail2")],
                    False, "TrailNotFoundException", "IAMUser", None),
}  # fmt: skip


def _record(fixtures: Path, name: str) -> dict[str, Any]:
    doc = json.loads((fixtures / "cloudtrail" / "derived" / name).read_text())
    records = cloudtrail_records(doc, source=name)
    assert len(records) == 1
    return dict(records[0])


def test_every_fixture_is_covered(fixtures: Path) -> None:
    names = {p.name for p in (fixtures / "cloudtrail" / "derived").glob("*.json")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(fixtures: Path, name: str) -> None:
    effects_expected, read_only, error, kind, session = EXPECTED[name]
    record = _record(fixtures, name)
    effects = cloudtrail_effects(record)
    assert [(e.effect, e.resource.name) for e in effects] == effects_expected
    assert is_read_only(record) is read_only
    assert failed(record) == error
    identity = cloudtrail_identity(record)
    assert identity["type"] == kind
    assert identity.get("session_name") == session
    account = record.get("recipientAccountId") or record["userIdentity"]["accountId"]
    assert effects[0].target.aws_account == account
    assert effects[0].target.aws_region == record["awsRegion"]


def test_record_and_api_call_name_the_same_resources(fixtures: Path) -> None:
    record = _record(fixtures, "ct-001.json")
    api = aws_effects(
        "rds",
        "delete-db-instance",
        {"DBInstanceIdentifier": "production-mysql-db"},
        target=Target(aws_region="us-east-1", aws_account="123456789012"),
    )
    assert [e.resource for e in cloudtrail_effects(record)] == [e.resource for e in api]


def test_protection_removal_is_seen_in_a_record(fixtures: Path) -> None:
    effect = cloudtrail_effects(_record(fixtures, "ct-012.json"))[0]
    assert effect.removes_protection


def test_identity_details(fixtures: Path) -> None:
    assumed = cloudtrail_identity(_record(fixtures, "ct-001.json"))
    assert assumed["session_issuer"]["arn"] == "arn:aws:iam::123456789012:role/DBARole"
    assert assumed["access_key_id"] == "ASIAIOSFODNN7EXAMPLE"
    assert assumed["user_name"] == "DBARole"
    service = cloudtrail_identity(_record(fixtures, "ct-006.json"))
    assert service["invoked_by"] == "autoscaling.amazonaws.com"
    user = cloudtrail_identity(_record(fixtures, "ct-011.json"))
    assert user["user_name"] == "Nikki"
    assert "session_issuer" not in user  # an empty issuer is left out


def test_source_identity_and_session_tags() -> None:
    record = {
        "eventSource": "sts.amazonaws.com",
        "eventName": "AssumeRole",
        "awsRegion": "eu-west-1",
        "recipientAccountId": "111122223333",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": "arn:aws:sts::111122223333:assumed-role/broker/claude-7f3a",
            "sessionContext": {"sourceIdentity": "alice@example.com"},
        },
        "requestParameters": {
            "roleArn": "arn:aws:iam::111122223333:role/agent-executor",
            "roleSessionName": "claude-7f3a",
            "tags": [{"key": "agent", "value": "claude-code"}],
        },
    }
    identity = cloudtrail_identity(record)
    assert identity["source_identity"] == "alice@example.com"
    assert identity["session_tags"] == {"agent": "claude-code"}
    assert identity["session_name"] == "claude-7f3a"
    effect = cloudtrail_effects(record)[0]
    assert effect.resource.name == "arn:aws:iam::111122223333:role/agent-executor"
    assert effect.operation == "sts:AssumeRole"


def test_read_only_from_effects_when_the_field_is_missing() -> None:
    record = {
        "eventSource": "dynamodb.amazonaws.com",
        "eventName": "DescribeTable",
        "awsRegion": "us-east-1",
        "requestParameters": {"tableName": "orders"},
    }
    assert is_read_only(record)
    assert (
        cloudtrail_effects(record)[0].resource.name == "arn:aws:dynamodb:us-east-1:*:table/orders"
    )


def test_endpoint_prefix_differs_from_service_name() -> None:
    record = {
        "eventSource": "elasticloadbalancing.amazonaws.com",
        "eventName": "DeleteTargetGroup",
        "awsRegion": "us-east-1",
        "requestParameters": {
            "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1"
        },
    }
    effect = cloudtrail_effects(record)[0]
    assert effect.service == "elbv2"
    assert effect.effect is D


@pytest.mark.parametrize(
    ("record", "needle"),
    [
        ([], "expected a JSON object"),
        ({"eventName": "X"}, "eventSource: missing"),
        ({"eventSource": "rds.amazonaws.com", "eventName": 3}, "eventName: expected a string"),
    ],
)
def test_malformed_records(record: Any, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        cloudtrail_effects(record)


def test_records_wrapper_must_hold_objects() -> None:
    with pytest.raises(InputError, match="Records: expected a list of objects"):
        cloudtrail_records({"Records": [1]}, source="trail.json")
    with pytest.raises(InputError, match=r"trail\.json"):
        cloudtrail_records("nope", source="trail.json")
