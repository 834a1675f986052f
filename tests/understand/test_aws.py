"""AWS API calls -> effects on named resources, from botocore's models."""

from __future__ import annotations

from typing import Any

import pytest

from keyturn.errors import InputError
from keyturn.model import ActionKind, EffectKind, Target
from keyturn.understand.aws import aws_effects, understand_aws
from keyturn.understand.aws.verbs import classify

D, U, C, R, X = (
    EffectKind.DELETE,
    EffectKind.UPDATE,
    EffectKind.CREATE,
    EffectKind.READ,
    EffectKind.REPLACE,
)

# (service, operation, params, [(effect, primary name)...])
TABLE: list[tuple[str, str, dict[str, Any] | None, list[tuple[EffectKind, str]]]] = [
    ("rds", "delete-db-instance", {"DBInstanceIdentifier": "prod-db"},
     [(D, "arn:aws:rds:*:*:db:prod-db")]),
    ("rds", "DeleteDBCluster", {"DBClusterIdentifier": "c1"}, [(D, "arn:aws:rds:*:*:cluster:c1")]),
    ("rds", "delete-db-snapshot", {"DBSnapshotIdentifier": "s1"},
     [(D, "arn:aws:rds:*:*:snapshot:s1")]),
    ("iam", "delete-user", {"UserName": "bob"}, [(D, "arn:aws:iam::*:user/bob")]),
    ("iam", "DeleteRole", {"RoleName": "admin"}, [(D, "arn:aws:iam::*:role/admin")]),
    ("iam", "create-policy", {"PolicyName": "p", "PolicyDocument": "{}"},
     [(C, "arn:aws:iam::*:policy/p")]),
    ("ec2", "terminate-instances", {"InstanceIds": ["i-1", "i-2"]},
     [(D, "arn:aws:ec2:*:*:instance/i-1"), (D, "arn:aws:ec2:*:*:instance/i-2")]),
    ("ec2", "DeleteVolume", {"VolumeId": "vol-1"}, [(D, "arn:aws:ec2:*:*:volume/vol-1")]),
    ("ec2", "DeleteSecurityGroup", {"GroupId": "sg-1"},
     [(D, "arn:aws:ec2:*:*:security-group/sg-1")]),
    ("ec2", "delete-vpc", {"VpcId": "vpc-1"}, [(D, "arn:aws:ec2:*:*:vpc/vpc-1")]),
    ("ec2", "DeregisterImage", {"ImageId": "ami-1"}, [(D, "arn:aws:ec2:*::image/ami-1")]),
    ("ec2", "RunInstances", {"ImageId": "ami-1", "MinCount": 1, "MaxCount": 1},
     [(C, "arn:aws:ec2:*::image/ami-1")]),
    ("ec2", "stop-instances", {"InstanceIds": ["i-1"]}, [(U, "arn:aws:ec2:*:*:instance/i-1")]),
    ("ec2", "ReplaceRoute", {"RouteTableId": "rtb-1", "DestinationCidrBlock": "0.0.0.0/0"},
     [(X, "arn:aws:ec2:*:*:route-table/rtb-1")]),
    ("s3", "delete-bucket", {"Bucket": "logs"}, [(D, "arn:aws:s3:::logs")]),
    ("s3api", "delete-object", {"Bucket": "b", "Key": "a/b.txt"}, [(D, "arn:aws:s3:::b/a/b.txt")]),
    ("s3", "GetObject", {"Bucket": "b", "Key": "k"}, [(R, "arn:aws:s3:::b/k")]),
    ("dynamodb", "describe-table", {"TableName": "orders"},
     [(R, "arn:aws:dynamodb:*:*:table/orders")]),
    ("dynamodb", "DeleteTable", {"TableName": "orders"},
     [(D, "arn:aws:dynamodb:*:*:table/orders")]),
    ("lambda", "delete-function", {"FunctionName": "f"}, [(D, "arn:aws:lambda:*:*:function:f")]),
    ("cloudformation", "delete-stack", {"StackName": "web"},
     [(D, "arn:aws:cloudformation:*:*:stack/web/*")]),
    ("sqs", "purge-queue", {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"},
     [(D, "arn:aws:sqs:eu-west-1:123456789012:jobs")]),
    ("sns", "delete-topic", {"TopicArn": "arn:aws:sns:us-east-1:123456789012:t"},
     [(D, "arn:aws:sns:us-east-1:123456789012:t")]),
    ("kms", "schedule-key-deletion", {"KeyId": "1234"}, [(D, "arn:aws:kms:*:*:key/1234")]),
    ("kms", "DisableKey", {"KeyId": "alias/prod"}, [(U, "arn:aws:kms:*:*:alias/prod")]),
    ("secretsmanager", "delete-secret", {"SecretId": "db-pass"},
     [(D, "arn:aws:secretsmanager:*:*:secret:db-pass")]),
    ("eks", "delete-cluster", {"name": "prod"}, [(D, "arn:aws:eks:*:*:cluster/prod")]),
    ("ecs", "delete-cluster", {"cluster": "c"}, [(D, "arn:aws:ecs:*:*:cluster/c")]),
    ("ecs", "delete-service", {"cluster": "c", "service": "web"},
     [(D, "arn:aws:ecs:*:*:service/c/web")]),
    ("logs", "delete-log-group", {"logGroupName": "/app"},
     [(D, "arn:aws:logs:*:*:log-group:/app")]),
    ("elbv2", "delete-load-balancer",
     {"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:12:loadbalancer/app/x/1"},
     [(D, "arn:aws:elasticloadbalancing:us-east-1:12:loadbalancer/app/x/1")]),
    ("route53", "delete-hosted-zone", {"Id": "/hostedzone/Z123"},
     [(D, "arn:aws:route53:::hostedzone/Z123")]),
    ("cloudtrail", "delete-trail", {"Name": "main"}, [(D, "arn:aws:cloudtrail:*:*:trail/main")]),
    # CloudWatch signs as "monitoring" but its ARNs say "cloudwatch", an alarm with a colon.
    ("cloudwatch", "delete-alarms", {"AlarmNames": ["cpu", "disk"]},
     [(D, "arn:aws:cloudwatch:*:*:alarm:cpu"), (D, "arn:aws:cloudwatch:*:*:alarm:disk")]),
    ("cloudwatch", "delete-dashboards", {"DashboardNames": ["ops"]},
     [(D, "arn:aws:cloudwatch::*:dashboard/ops")]),
    ("cloudwatch", "delete-anomaly-detector", {"MetricName": "m"},
     [(D, "arn:aws:cloudwatch:*:*:metric/m")]),
    ("cloudtrail", "StopLogging", {"Name": "main"}, [(U, "arn:aws:cloudtrail:*:*:trail/main")]),
    ("ecr", "batch-delete-image", {"repositoryName": "app", "imageIds": [{"imageTag": "v1"}]},
     [(D, "arn:aws:ecr:*:*:repository/app")]),
    ("organizations", "leave-organization", None, [(D, "arn:aws:organizations:*:*:*")]),
    ("sts", "get-caller-identity", None, [(R, "arn:aws:sts:*:*:*")]),
    ("route53resolver", "DeleteResolverQueryLogConfig", {"ResolverQueryLogConfigId": "rqlc-1"},
     [(D, "arn:aws:route53resolver:*:*:resolver-query-log-config/rqlc-1")]),
]  # fmt: skip


@pytest.mark.parametrize(("service", "operation", "params", "expected"), TABLE)
def test_real_operations(
    service: str, operation: str, params: dict[str, Any] | None, expected: list[Any]
) -> None:
    action = understand_aws(service, operation, params)
    assert action.kind is ActionKind.AWS
    assert [(e.effect, e.resource.name) for e in action.effects] == expected


def test_effect_carries_service_and_operation_for_rules() -> None:
    effect = understand_aws("secrets-manager", "DeleteSecret", {"SecretId": "x"}).effects[0]
    assert effect.service == "secretsmanager"
    assert effect.operation == "secretsmanager:DeleteSecret"
    iam = understand_aws("iam", "delete-user", {"UserName": "u"}).effects[0]
    assert iam.service == "iam"


@pytest.mark.parametrize(
    ("spelling", "service"),
    [
        ("secretsmanager", "secretsmanager"),
        ("secrets-manager", "secretsmanager"),
        ("logs", "logs"),
        ("cloudwatch-logs", "logs"),
        ("elastic-load-balancing-v2", "elbv2"),
        ("s3api", "s3"),
        ("configservice", "config"),
        ("deploy", "codedeploy"),
        ("Route-53", "route53"),
    ],
)
def test_service_spellings(spelling: str, service: str) -> None:
    from keyturn.understand.aws.catalog import resolve_service

    assert resolve_service(spelling) == service


def test_s3_aliases_and_delete_objects_names_every_key() -> None:
    effects = aws_effects(
        "s3",
        "DeleteObjects",
        {"Bucket": "b", "Delete": {"Objects": [{"Key": "x"}, {"Key": "y/z"}]}},
        target=Target(),
    )
    assert [e.resource.names for e in effects] == [
        ("arn:aws:s3:::b/x", "s3://b/x"),
        ("arn:aws:s3:::b/y/z", "s3://b/y/z"),
    ]
    assert {e.effect for e in effects} == {D}


def test_protection_flips() -> None:
    def flips(service: str, op: str, params: dict[str, Any]) -> bool:
        return understand_aws(service, op, params).effects[0].removes_protection

    assert flips(
        "rds", "modify-db-instance", {"DBInstanceIdentifier": "p", "DeletionProtection": False}
    )
    assert not flips(
        "rds", "modify-db-instance", {"DBInstanceIdentifier": "p", "DeletionProtection": True}
    )
    assert flips(
        "rds", "ModifyDBCluster", {"DBClusterIdentifier": "c", "DeletionProtection": False}
    )
    assert flips(
        "cloudformation",
        "UpdateTerminationProtection",
        {"StackName": "s", "EnableTerminationProtection": False},
    )
    assert flips(
        "ec2",
        "ModifyInstanceAttribute",
        {"InstanceId": "i-1", "DisableApiTermination": {"Value": False}},
    )
    assert flips(
        "elbv2",
        "ModifyLoadBalancerAttributes",
        {
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1",
            "Attributes": [{"Key": "deletion_protection.enabled", "Value": "false"}],
        },
    )
    assert flips(
        "s3",
        "PutBucketVersioning",
        {"Bucket": "b", "VersioningConfiguration": {"Status": "Suspended"}},
    )
    assert flips("dynamodb", "UpdateTable", {"TableName": "t", "DeletionProtectionEnabled": False})
    assert flips("ec2", "DisableImageDeregistrationProtection", {"ImageId": "ami-1"})
    assert not flips(
        "s3",
        "PutBucketVersioning",
        {"Bucket": "b", "VersioningConfiguration": {"Status": "Enabled"}},
    )
    # A bucket policy is not a protection: changing or deleting it is an update of the bucket.
    policy = understand_aws("s3", "DeleteBucketPolicy", {"Bucket": "b"}).effects[0]
    assert (policy.effect, policy.removes_protection) == (U, False)
    assert not flips("s3", "PutBucketPolicy", {"Bucket": "b", "Policy": "{}"})


def test_dry_run_is_a_read() -> None:
    effects = understand_aws("ec2", "TerminateInstances", {"InstanceIds": ["i-1"], "DryRun": True})
    assert [e.effect for e in effects.effects] == [R]
    assert "dry run" in effects.effects[0].detail


def test_route53_change_batch() -> None:
    batch = {"Changes": [
        {"Action": "DELETE", "ResourceRecordSet": {"Name": "a.example.com.", "Type": "A"}},
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": "b.example.com.", "Type": "CNAME"}},
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "c.example.com.", "Type": "TXT"}},
    ]}  # fmt: skip
    effects = aws_effects(
        "route53",
        "change-resource-record-sets",
        {"HostedZoneId": "/hostedzone/Z9", "ChangeBatch": batch},
        target=Target(),
    )
    assert [e.effect for e in effects] == [D, U, C]
    assert effects[0].resource.name == "arn:aws:route53:::hostedzone/Z9/recordset/a.example.com./A"


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("SetDesiredCapacity", {"AutoScalingGroupName": "g", "DesiredCapacity": 0}),
        ("UpdateAutoScalingGroup", {"AutoScalingGroupName": "g", "MaxSize": 0}),
    ],
)
def test_scaling_to_zero_is_disruptive(operation: str, params: dict[str, Any]) -> None:
    effect = understand_aws("autoscaling", operation, params).effects[0]
    assert effect.effect is U
    assert "disruptive" in effect.detail
    assert effect.resource.name.endswith("autoScalingGroupName/g")
    other = understand_aws("autoscaling", "SetDesiredCapacity", {**params, "DesiredCapacity": 3})
    assert "disruptive" not in other.effects[0].detail


def test_execute_change_set_says_judge_the_change_set() -> None:
    effect = understand_aws(
        "cloudformation", "ExecuteChangeSet", {"ChangeSetName": "cs1", "StackName": "web"}
    ).effects[0]
    assert effect.effect is U
    assert "judge the change set" in effect.detail
    assert "arn:aws:cloudformation:*:*:stack/web/*" in effect.resource.names


def test_rds_data_sql_is_never_silently_read() -> None:
    effects = aws_effects(
        "rds-data",
        "ExecuteStatement",
        {"resourceArn": "arn:aws:rds:us-east-1:123456789012:cluster:c", "secretArn": "arn:s",
         "sql": "DROP TABLE users", "database": "app"},
        target=Target(),
    )  # fmt: skip
    assert effects
    assert all(e.effect in (D, EffectKind.UNKNOWN) for e in effects)


def test_dynamodb_batch_write_with_deletes() -> None:
    effects = aws_effects(
        "dynamodb",
        "BatchWriteItem",
        {"RequestItems": {"t1": [{"DeleteRequest": {"Key": {}}}], "t2": [{"PutRequest": {}}]}},
        target=Target(aws_region="eu-west-1"),
    )
    assert [(e.effect, e.resource.name) for e in effects] == [
        (D, "arn:aws:dynamodb:eu-west-1:*:table/t1"),
        (U, "arn:aws:dynamodb:eu-west-1:*:table/t2"),
    ]


def test_target_region_and_account() -> None:
    action = understand_aws(
        "rds", "DeleteDBInstance", {"DBInstanceIdentifier": "x"},
        target=Target(aws_region="eu-west-1", aws_account="111111111111", aws_profile="prod"),
    )  # fmt: skip
    assert action.effects[0].resource.name == "arn:aws:rds:eu-west-1:111111111111:db:x"
    assert action.target.aws_profile == "prod"
    from_arn = understand_aws(
        "sns", "DeleteTopic", {"TopicArn": "arn:aws:sns:us-east-2:222222222222:t"}
    )
    assert from_arn.target.aws_account == "222222222222"
    assert from_arn.target.aws_region == "us-east-2"
    assert from_arn.effects[0].target.aws_account == "222222222222"


def test_digest_equal_for_spellings_and_key_order() -> None:
    a = understand_aws(
        "rds", "delete-db-instance", {"DBInstanceIdentifier": "prod-db", "SkipFinalSnapshot": True}
    )
    b = understand_aws(
        "rds", "DeleteDBInstance", {"SkipFinalSnapshot": True, "DBInstanceIdentifier": "prod-db"}
    )
    c = understand_aws(
        "rds", "DeleteDBInstance", {"SkipFinalSnapshot": False, "DBInstanceIdentifier": "prod-db"}
    )
    assert a.digest == b.digest
    assert a.digest != c.digest
    assert a.subject == {
        "service": "rds",
        "operation": "DeleteDBInstance",
        "params": {"DBInstanceIdentifier": "prod-db", "SkipFinalSnapshot": True},
    }


def test_bytes_and_datetimes_in_params_are_normalised() -> None:
    import datetime

    action = understand_aws(
        "s3", "PutObject",
        {"Bucket": "b", "Key": "k", "Body": b"hi",
         "Expires": datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)},
    )  # fmt: skip
    assert action.subject["params"]["Body"] == {"$bytes": "aGk="}
    assert action.subject["params"]["Expires"].startswith("2030-01-01")
    assert len(action.digest) == len("sha256:") + 64


@pytest.mark.parametrize(
    ("service", "operation", "needle"),
    [
        ("rdss", "DeleteDBInstance", "did you mean 'rds'"),
        ("secretmanager", "DeleteSecret", "did you mean 'secretsmanager'"),
        ("rds", "delete-db-instanz", "did you mean 'delete-db-instance'"),
        ("rds", "DeleteDBInstanse", "did you mean 'DeleteDBInstance'"),
        ("nosuchthing", "Foo", "unknown service 'nosuchthing'"),
    ],
)
def test_unknown_names_are_one_line_input_errors(service: str, operation: str, needle: str) -> None:
    with pytest.raises(InputError) as err:
        understand_aws(service, operation)
    assert needle in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_params_are_input_errors() -> None:
    with pytest.raises(InputError, match="must be a JSON object"):
        understand_aws("rds", "DeleteDBInstance", ["x"])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="unsupported parameter value"):
        understand_aws("rds", "DeleteDBInstance", {"DBInstanceIdentifier": object()})


def test_tagging_is_an_update_of_the_tagged_resource() -> None:
    effect = understand_aws("ec2", "DeleteTags", {"Resources": ["i-1"]}).effects[0]
    assert (effect.effect, effect.resource.name) == (U, "arn:aws:ec2:*:*:instance/i-1")


def test_unknown_verb_is_unknown_never_read() -> None:
    from keyturn.understand.aws.verbs import classify

    meaning = classify("x", "FrobnicateWidget")
    assert meaning.effect is EffectKind.UNKNOWN
    assert "Frobnicate" in meaning.notes[0]


def test_shell_path_does_not_import_botocore() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import keyturn.understand.shell.commands.aws_cli, keyturn.understand.aws; "
        "print('botocore' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("service", "operation", "about_access"),
    [
        ("s3", "PutBucketPolicy", True),
        ("iam", "AttachRolePolicy", True),
        ("s3", "PutBucketAcl", True),
        ("logs", "PutRetentionPolicy", False),
        ("ecr", "PutLifecyclePolicy", False),
        ("autoscaling", "PutScalingPolicy", False),
    ],
)
def test_only_access_policies_are_noted_as_access_control(
    service: str, operation: str, about_access: bool
) -> None:
    """A reviewer reads the note: a retention or scaling policy says nothing of who may act."""
    notes = classify(service, operation).notes
    assert ("security-sensitive: changes access control" in notes) is about_access
