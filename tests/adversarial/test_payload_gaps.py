"""Structured payloads (Terraform plans, CloudFormation change sets, AdmissionReviews, AWS API
calls) that did less than their truth: a ``local_file`` that writes an agent's hook settings,
a collection delete asked about one object at a time, a nested stack removed with everything
in it, code run on apply, ``awscc_*`` resources, lifecycle rules that delete later, PartiQL
statements and ARNs of another partition.

Each case is judged for agent ``kiro`` acting for ``bob`` in the ``dev`` environment (so that
an unprotected destructive effect is allowed and only protection or ``unknown`` stops it) under
the BRIEF policy, with the protections below added where a case needs them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.adversarial.conftest import ACTOR
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Decision, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.terraform import understand_terraform

DEV = Target(environment="dev")
EXTRA_PROTECTED = (
    '  - "arn:aws:dynamodb:*:*:table/prod-*"\n'
    '  - "arn:aws:ecr:*:*:repository/prod-*"\n'
    '  - "file:/srv/prod/**"\n'
)
SELF_PROTECTION = "builtin:self-protection"


@pytest.fixture(scope="module")
def policy() -> Policy:
    anchor = '  - "k8s:namespace/payments"\n'
    text = BRIEF_POLICY.replace(anchor, anchor + EXTRA_PROTECTED)
    assert text != BRIEF_POLICY
    return load_policy(text)


def _judge(policy: Policy, action: Action) -> Decision:
    return policy.judge(action, actor=ACTOR)


def _names(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


def _kinds(action: Action) -> set[EffectKind]:
    return {e.effect for e in action.effects}


def _plan(rtype: str, actions: list[str], before: Any, after: Any, **extra: Any) -> str:
    change = {"actions": actions, "before": before, "after": after}
    address = f"{rtype}.x"
    rc = {"address": address, "mode": "managed", "type": rtype, "name": "x", "change": change}
    return json.dumps({"format_version": "1.2", "resource_changes": [rc], **extra})


def _tf(text: str) -> Action:
    return understand_terraform(text, target=DEV)


# --- 1. Terraform local_file writes and deletes files on the applying machine -------------


@pytest.mark.parametrize("rtype", ["local_file", "local_sensitive_file"])
def test_local_file_destroyed_under_a_protected_path_is_denied(policy: Policy, rtype: str) -> None:
    action = _tf(_plan(rtype, ["delete"], {"filename": "/srv/prod/db.sqlite", "id": "a"}, None))
    assert "file:/srv/prod/db.sqlite" in _names(action)
    assert _judge(policy, action).decision.value == "deny"


@pytest.mark.parametrize(
    "filename",
    [
        pytest.param("/home/kiro/.claude/settings.json", id="absolute"),
        pytest.param(".claude/settings.local.json", id="relative-to-the-working-directory"),
        pytest.param("/home/kiro/x/../.claude/settings.json", id="dot-dot"),
    ],
)
def test_local_file_writing_the_agents_hook_settings_is_refused_by_self_protection(
    policy: Policy, filename: str
) -> None:
    after = {"filename": filename, "content": '{"hooks": {}}'}
    decision = _judge(policy, _tf(_plan("local_file", ["create"], None, after)))
    assert decision.decision.value == "deny"
    assert any(j.rule == SELF_PROTECTION for j in decision.judgements)


def test_local_file_replaced_under_a_protected_path_is_denied(policy: Policy) -> None:
    before = {"filename": "/srv/prod/app.conf", "content": "a"}
    after = {"filename": "/srv/prod/app.conf", "content": "b"}
    action = _tf(_plan("local_file", ["delete", "create"], before, after))
    assert _judge(policy, action).decision.value == "deny"


def test_local_file_whose_name_is_known_only_on_apply_is_unknown(policy: Policy) -> None:
    action = _tf(_plan("local_file", ["create"], None, {"filename": None, "content": "x"}))
    assert EffectKind.UNKNOWN in _kinds(action)
    assert _judge(policy, action).decision.value == "ask"


def test_local_file_in_an_unguarded_place_is_still_allowed_in_dev(policy: Policy) -> None:
    action = _tf(_plan("local_file", ["create"], None, {"filename": "/tmp/out.txt"}))
    assert "file:/tmp/out.txt" in _names(action)
    assert _judge(policy, action).decision.value == "allow"


def test_null_resource_with_a_provisioner_is_unknown(policy: Policy) -> None:
    config = {
        "root_module": {
            "resources": [
                {
                    "address": "null_resource.x",
                    "provisioners": [
                        {"type": "local-exec", "expressions": {"command": {"references": []}}}
                    ],
                }
            ]
        }
    }
    action = _tf(_plan("null_resource", ["create"], None, {}, configuration=config))
    assert EffectKind.UNKNOWN in _kinds(action)
    assert _judge(policy, action).decision.value == "ask"


# --- 7. A deletecollection reaches the webhook one object at a time, with no name ----------


def _review(fixtures: Path, **request: Any) -> str:
    path = fixtures / "k8s/derived/k8s-005.admissionreview.json"  # a Pod DELETE, named
    review = json.loads(path.read_text())
    review["request"].update(request)
    return json.dumps(review)


def test_k8s_collection_delete_item_in_a_protected_namespace_is_denied(
    policy: Policy, fixtures: Path
) -> None:
    item = {"metadata": {"name": "data-db-0", "namespace": "payments"}}
    text = _review(fixtures, name="", namespace="payments", oldObject=item)
    action = understand_admission(text, target=DEV)
    assert {"k8s:payments/pod/data-db-0", "k8s:namespace/payments"} <= _names(action)
    assert _judge(policy, action).decision.value == "deny"


def test_k8s_named_single_delete_still_names_only_its_object(fixtures: Path) -> None:
    action = understand_admission(_review(fixtures), target=DEV)
    assert _names(action) == {"k8s:default/pod/nginx"}


# --- 5. Removing a nested stack deletes everything in it ------------------------------------


def _change_set(*changes: dict[str, Any]) -> str:
    listed = [{"Type": "Resource", "ResourceChange": c} for c in changes]
    return json.dumps({"StackName": "app", "Changes": listed})


def _cfn(*changes: dict[str, Any]) -> Action:
    return understand_change_set(_change_set(*changes), target=DEV)


def test_cfn_nested_stack_remove_is_unknown(policy: Policy) -> None:
    action = _cfn(
        {
            "Action": "Remove",
            "LogicalResourceId": "DataStack",
            "PhysicalResourceId": "arn:aws:cloudformation:us-east-1:222222222222:stack/x/guid",
            "ResourceType": "AWS::CloudFormation::Stack",
            "PolicyAction": "Delete",
        }
    )
    assert EffectKind.UNKNOWN in _kinds(action)
    assert _judge(policy, action).decision.value == "ask"


# --- 6. Resources that run code on apply ----------------------------------------------------


@pytest.mark.parametrize("action_name", ["Add", "Modify", "Remove"])
@pytest.mark.parametrize("rtype", ["Custom::Wipe", "AWS::CloudFormation::CustomResource"])
def test_cfn_custom_resource_change_runs_its_handler_unknown(
    policy: Policy, rtype: str, action_name: str
) -> None:
    change = {"Action": action_name, "LogicalResourceId": "Wipe", "ResourceType": rtype}
    if action_name != "Add":
        change["PhysicalResourceId"] = "wipe-1"
    action = _cfn(change)
    assert EffectKind.UNKNOWN in _kinds(action)
    assert _judge(policy, action).decision.value == "ask"


@pytest.mark.parametrize(
    ("rtype", "actions", "after"),
    [
        pytest.param("aws_lambda_invocation", ["create"], {"function_name": "wiper"},
                     id="lambda-invocation"),
        pytest.param("aws_ssm_association", ["create"],
                     {"name": "AWS-RunShellScript", "parameters": {"commands": "rm -rf /srv"}},
                     id="ssm-association"),
        pytest.param("aws_cloudformation_stack", ["create"],
                     {"name": "s", "template_body": "{}"}, id="cloudformation-stack-create"),
        pytest.param("aws_cloudformation_stack", ["delete"], None,
                     id="cloudformation-stack-delete"),
    ],
)  # fmt: skip
def test_tf_resource_running_code_on_apply_is_unknown(
    policy: Policy, rtype: str, actions: list[str], after: Any
) -> None:
    before = {"name": "prod-data"} if actions == ["delete"] else None
    action = _tf(_plan(rtype, actions, before, after))
    assert EffectKind.UNKNOWN in _kinds(action)
    assert _judge(policy, action).decision.value == "ask"


# --- 2. awscc_* resources are the native resources ------------------------------------------


def test_awscc_db_instance_destroyed_is_named_as_the_rds_instance(policy: Policy) -> None:
    before = {"db_instance_identifier": "prod-main", "id": "prod-main"}
    action = _tf(_plan("awscc_rds_db_instance", ["delete"], before, None))
    assert "arn:aws:rds:*:*:db:prod-main" in _names(action)
    assert _judge(policy, action).decision.value == "deny"


def test_awscc_iam_role_is_the_iam_service(policy: Policy) -> None:
    action = _tf(_plan("awscc_iam_role", ["create"], None, {"role_name": "r"}))
    assert {e.service for e in action.effects} == {"iam"}
    assert _judge(policy, action).decision.value == "deny"  # kiro: service iam denied


def test_awscc_unmapped_type_keeps_its_identifier_name(policy: Policy) -> None:
    before = {"id": "arn:aws:s3:::acme-terraform-state"}
    action = _tf(_plan("awscc_s3outposts_bucket", ["delete"], before, None))
    assert _judge(policy, action).decision.value == "deny"


# --- 3 and 9. Rules that delete later -------------------------------------------------------

EXPIRING_RULE = {
    "id": "x",
    "status": "Enabled",
    "filter": [{"prefix": ""}],
    "expiration": [{"days": 1}],
    "noncurrent_version_expiration": [{"noncurrent_days": 1}],
}
STATE = "acme-terraform-state"  # protected: arn:aws:s3:::acme-terraform-state*


@pytest.mark.parametrize("actions", [["create"], ["update"]])
def test_tf_bucket_lifecycle_expiring_the_state_bucket_is_denied(
    policy: Policy, actions: list[str]
) -> None:
    before = {"bucket": STATE, "id": STATE, "rule": []} if actions == ["update"] else None
    after = {"bucket": STATE, "id": STATE, "rule": [EXPIRING_RULE]}
    action = _tf(_plan("aws_s3_bucket_lifecycle_configuration", actions, before, after))
    assert f"arn:aws:s3:::{STATE}/*" in _names(action)
    assert _judge(policy, action).decision.value == "deny"


def test_tf_bucket_lifecycle_rule_kept_as_it_was_deletes_nothing_new(policy: Policy) -> None:
    before = {"bucket": STATE, "rule": [EXPIRING_RULE], "expected_bucket_owner": ""}
    after = {"bucket": STATE, "rule": [EXPIRING_RULE], "expected_bucket_owner": "1"}
    action = _tf(_plan("aws_s3_bucket_lifecycle_configuration", ["update"], before, after))
    assert _kinds(action) == {EffectKind.UPDATE}
    assert _judge(policy, action).decision.value == "allow"


def test_tf_bucket_lifecycle_transition_only_deletes_nothing(policy: Policy) -> None:
    rule = {"id": "t", "filter": [{"prefix": ""}], "transition": [{"days": 30}]}
    after = {"bucket": STATE, "rule": [rule]}
    action = _tf(_plan("aws_s3_bucket_lifecycle_configuration", ["create"], None, after))
    assert _judge(policy, action).decision.value == "allow"


def test_tf_bucket_lifecycle_rules_known_only_on_apply_are_unknown(policy: Policy) -> None:
    after = {"bucket": STATE, "rule": None}
    action = _tf(_plan("aws_s3_bucket_lifecycle_configuration", ["create"], None, after))
    assert EffectKind.UNKNOWN in _kinds(action)
    assert _judge(policy, action).decision.value != "allow"


def test_tf_bucket_inline_lifecycle_rule_expiring_is_denied(policy: Policy) -> None:
    rule = {"enabled": True, "prefix": "", "expiration": [{"days": 1}]}
    before = {"bucket": STATE, "lifecycle_rule": []}
    after = {"bucket": STATE, "lifecycle_rule": [rule]}
    action = _tf(_plan("aws_s3_bucket", ["update"], before, after))
    assert _judge(policy, action).decision.value == "deny"


def _bucket_modify(after: str | None) -> dict[str, Any]:
    target: dict[str, Any] = {
        "Attribute": "Properties",
        "Name": "LifecycleConfiguration",
        "RequiresRecreation": "Never",
        "Path": "/Properties/LifecycleConfiguration",
    }
    if after is not None:
        target["AfterValue"] = after
    return {
        "Action": "Modify",
        "LogicalResourceId": "State",
        "PhysicalResourceId": STATE,
        "ResourceType": "AWS::S3::Bucket",
        "Replacement": "False",
        "Details": [{"Target": target, "Evaluation": "Static"}],
    }


def test_cfn_bucket_lifecycle_expiring_the_state_bucket_is_denied(policy: Policy) -> None:
    rules = {"Rules": [{"Status": "Enabled", "ExpirationInDays": 1}]}
    action = _cfn(_bucket_modify(json.dumps(rules)))
    assert f"arn:aws:s3:::{STATE}/*" in _names(action)
    assert _judge(policy, action).decision.value == "deny"


def test_cfn_bucket_lifecycle_without_values_is_unknown(policy: Policy) -> None:
    action = _cfn(_bucket_modify(None))
    assert EffectKind.UNKNOWN in _kinds(action)


def _aws(service: str, operation: str, params: dict[str, Any]) -> Action:
    return understand_aws(service, operation, params, target=DEV)


def test_cloud_control_bucket_lifecycle_expiring_is_denied(policy: Policy) -> None:
    patch = [
        {
            "op": "add",
            "path": "/LifecycleConfiguration",
            "value": {"Rules": [{"Status": "Enabled", "ExpirationInDays": 1}]},
        }
    ]
    params = {
        "TypeName": "AWS::S3::Bucket",
        "Identifier": STATE,
        "PatchDocument": json.dumps(patch),
    }
    assert _judge(policy, _aws("cloudcontrol", "UpdateResource", params)).decision.value == "deny"


def test_ecr_lifecycle_policy_expiring_a_protected_repository_is_denied(policy: Policy) -> None:
    text = json.dumps({"rules": [{"rulePriority": 1, "action": {"type": "expire"}}]})
    params = {"repositoryName": "prod-app", "lifecyclePolicyText": text}
    assert _judge(policy, _aws("ecr", "PutLifecyclePolicy", params)).decision.value == "deny"


def test_tf_ecr_lifecycle_policy_expiring_a_protected_repository_is_denied(
    policy: Policy,
) -> None:
    text = json.dumps({"rules": [{"rulePriority": 1, "action": {"type": "expire"}}]})
    after = {"repository": "prod-app", "policy": text}
    action = _tf(_plan("aws_ecr_lifecycle_policy", ["create"], None, after))
    assert _judge(policy, action).decision.value == "deny"


def test_dynamodb_ttl_turned_on_for_a_protected_table_is_denied(policy: Policy) -> None:
    spec = {"Enabled": True, "AttributeName": "created_at"}
    params = {"TableName": "prod-orders", "TimeToLiveSpecification": spec}
    assert _judge(policy, _aws("dynamodb", "UpdateTimeToLive", params)).decision.value == "deny"
    off = {"TableName": "prod-orders", "TimeToLiveSpecification": {**spec, "Enabled": False}}
    assert _judge(policy, _aws("dynamodb", "UpdateTimeToLive", off)).decision.value == "allow"


def test_tf_dynamodb_ttl_turned_on_for_a_protected_table_is_denied(policy: Policy) -> None:
    before = {"name": "prod-orders", "ttl": [{"enabled": False, "attribute_name": ""}]}
    after = {"name": "prod-orders", "ttl": [{"enabled": True, "attribute_name": "created_at"}]}
    action = _tf(_plan("aws_dynamodb_table", ["update"], before, after))
    assert _judge(policy, action).decision.value == "deny"


def test_cfn_dynamodb_ttl_turned_on_for_a_protected_table_is_denied(policy: Policy) -> None:
    target = {
        "Attribute": "Properties",
        "Name": "TimeToLiveSpecification",
        "Path": "/Properties/TimeToLiveSpecification",
        "AfterValue": json.dumps({"Enabled": True, "AttributeName": "ts"}),
    }
    change = {
        "Action": "Modify",
        "LogicalResourceId": "Orders",
        "PhysicalResourceId": "prod-orders",
        "ResourceType": "AWS::DynamoDB::Table",
        "Details": [{"Target": target}],
    }
    assert _judge(policy, _cfn(change)).decision.value == "deny"


def test_rds_backup_retention_zero_on_a_protected_db_is_denied(policy: Policy) -> None:
    params = {"DBInstanceIdentifier": "prod-main", "BackupRetentionPeriod": 0}
    assert _judge(policy, _aws("rds", "ModifyDBInstance", params)).decision.value == "deny"


def test_tf_backup_retention_zero_on_a_protected_db_is_denied(policy: Policy) -> None:
    before = {"identifier": "prod-main", "backup_retention_period": 7}
    after = {"identifier": "prod-main", "backup_retention_period": 0}
    action = _tf(_plan("aws_db_instance", ["update"], before, after))
    assert _judge(policy, action).decision.value == "deny"


# --- 4. DynamoDB PartiQL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        pytest.param("ExecuteStatement",
                     {"Statement": 'DELETE FROM "prod-orders" WHERE id = 1'}, id="execute"),
        pytest.param("ExecuteStatement",
                     {"Statement": "  delete from prod_x where id = 1".replace("_x", "-orders")},
                     id="lower-case"),
        pytest.param("BatchExecuteStatement",
                     {"Statements": [{"Statement": 'DELETE FROM "prod-orders" WHERE id = 1'}]},
                     id="batch"),
        pytest.param("ExecuteTransaction",
                     {"TransactStatements": [
                         {"Statement": 'UPDATE "other" SET a = 1 WHERE id = 1'},
                         {"Statement": 'DELETE FROM "prod-orders" WHERE id = 1'}]},
                     id="transaction"),
    ],
)  # fmt: skip
def test_partiql_delete_from_a_protected_table_is_denied(
    policy: Policy, operation: str, params: dict[str, Any]
) -> None:
    action = _aws("dynamodb", operation, params)
    assert "arn:aws:dynamodb:*:*:table/prod-orders" in _names(action)
    assert _judge(policy, action).decision.value == "deny"


def test_partiql_select_is_a_read_of_its_table(policy: Policy) -> None:
    action = _aws("dynamodb", "ExecuteStatement", {"Statement": 'SELECT * FROM "prod-orders"'})
    assert _kinds(action) == {EffectKind.READ}
    assert _judge(policy, action).decision.value == "allow"


def test_partiql_statement_not_read_is_unknown(policy: Policy) -> None:
    action = _aws("dynamodb", "ExecuteStatement", {"Statement": "EXPLODE prod-orders"})
    assert _kinds(action) == {EffectKind.UNKNOWN}
    assert _judge(policy, action).decision.value == "ask"


# --- 8. ARNs of another partition -----------------------------------------------------------


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
def test_rds_delete_by_another_partitions_arn_is_denied(policy: Policy, partition: str) -> None:
    arn = f"arn:{partition}:rds:cn-north-1:123456789012:db:prod-main"
    action = _aws("rds", "DeleteDBInstance", {"DBInstanceIdentifier": arn})
    assert _judge(policy, action).decision.value == "deny"


def test_cfn_physical_arn_of_another_partition_is_denied(policy: Policy) -> None:
    change = {
        "Action": "Remove",
        "LogicalResourceId": "Db",
        "PhysicalResourceId": "arn:aws-cn:rds:cn-north-1:123456789012:db:prod-main",
        "ResourceType": "AWS::RDS::DBInstance",
    }
    assert _judge(policy, _cfn(change)).decision.value == "deny"


def test_tf_arn_of_another_partition_is_denied(policy: Policy) -> None:
    before = {"arn": "arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/prod-orders"}
    action = _tf(_plan("aws_dynamodb_table", ["delete"], before, None))
    assert _judge(policy, action).decision.value == "deny"
