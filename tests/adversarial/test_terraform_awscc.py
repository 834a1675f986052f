"""Terraform plans of the Cloud Control provider (``awscc_*``) judged as their ``aws_*`` and
CloudFormation counterparts are.

Each ``awscc`` type is one CloudFormation type (``awscc_s3_bucket`` is ``AWS::S3::Bucket``), its
attributes the snake_case of the type's properties, so a change is read by the CloudFormation
readers (``keyturn.understand.terraform._awscc``): named by its physical name and ARN as well as
its ``id``, its protection switched off, a store opened to the world by its own settings or by
a policy or permission attached to it. Each case is judged for agent ``codex`` acting for
``bob`` in ``dev`` (an unprotected change is allowed there, so only the protection or an
``unknown`` stops it) under the BRIEF policy with the resources below protected as well.

The attribute names are those of the provider's registry documentation (``bucket_name``,
``public_access_block_configuration``, ``access_control``, ``versioning_configuration.status``,
``db_instance_identifier``, ``publicly_accessible``, ``deletion_protection``,
``db_snapshot_identifier``, ``source_db_instance_identifier``, ``policy_document`` (JSON text),
``function_name``/``principal``/``source_arn``, ``topics``/``queues``, ``key_policy``,
``assume_role_policy_document``, ``table_name``, ``deletion_protection_enabled``).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
)

from keyturn.model import Action, Target
from keyturn.policy import Policy
from keyturn.understand.terraform import understand_terraform

DEV = Target(environment="dev")
STATE = "acme-terraform-state"  # protected by the BRIEF policy: arn:aws:s3:::acme-terraform-state*
PROTECTED = (
    "arn:aws:dynamodb:*:*:table/orders",
    "arn:aws:lambda:*:*:function:payments",
    "arn:aws:sns:*:*:alerts",
    "arn:aws:sqs:*:*:jobs",
    "arn:aws:kms:*:*:key/prod-key",
    "arn:aws:iam::*:role/deployer",
)
policy = policy_protecting(*PROTECTED)


def _statement(principal: Any, **more: Any) -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal,
                                                 "Action": "*", "Resource": "*", **more}]}
    )  # fmt: skip


PUBLIC = _statement("*")
ACCOUNT_ONLY = _statement({"AWS": "arn:aws:iam::222222222222:root"})
BLOCKED = {f: True for f in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                             "restrict_public_buckets")}  # fmt: skip
BUCKET = {"id": STATE, "bucket_name": STATE, "arn": f"arn:aws:s3:::{STATE}",
          "public_access_block_configuration": BLOCKED, "access_control": None,
          "versioning_configuration": {"status": "Enabled"}}  # fmt: skip
DB = {"id": "prod-main", "db_instance_identifier": "prod-main",
      "db_instance_arn": "arn:aws:rds:us-east-1:222222222222:db:prod-main",
      "deletion_protection": True, "publicly_accessible": False,
      "backup_retention_period": 7}  # fmt: skip


def _rc(
    rtype: str, actions: list[str], before: Any, after: Any, *, unknown: Any = None
) -> dict[str, Any]:
    change: dict[str, Any] = {"actions": actions, "before": before, "after": after}
    if unknown is not None:
        change["after_unknown"] = unknown
    return {"address": f"{rtype}.x", "mode": "managed", "type": rtype, "name": "x",
            "provider_name": "registry.terraform.io/hashicorp/awscc", "change": change}  # fmt: skip


def _plan(change: dict[str, Any]) -> Action:
    plan = {"format_version": "1.2", "resource_changes": [change]}
    return understand_terraform(json.dumps(plan), target=DEV)


def _update(rtype: str, before: dict[str, Any], **changed: Any) -> dict[str, Any]:
    return _rc(rtype, ["update"], before, before | changed)


def _created(rtype: str, after: dict[str, Any], **unknown: bool) -> dict[str, Any]:
    return _rc(rtype, ["create"], None, after, unknown={"id": True, **unknown})


class Case(NamedTuple):
    id: str
    change: dict[str, Any]
    decision: str


CASES = [
    # Destroyed or replaced: named as the native resource, by its id or its physical name.
    Case("rds-instance-destroyed", _rc("awscc_rds_db_instance", ["delete"], DB, None), DENY),
    Case("rds-instance-replaced-without-id",
         _rc("awscc_rds_db_instance", ["delete", "create"],
             {"db_instance_identifier": "prod-main"}, {"db_instance_identifier": "prod-main"}),
         DENY),
    Case("bucket-destroyed-named-by-bucket-name",
         _rc("awscc_s3_bucket", ["delete"], {"bucket_name": STATE}, None), DENY),
    Case("table-replaced-named-by-table-name",
         _rc("awscc_dynamodb_table", ["create", "delete"], {"table_name": "orders"},
             {"table_name": "orders"}), DENY),
    Case("unprotected-bucket-destroyed", _rc("awscc_s3_bucket", ["delete"],
                                             {"bucket_name": "scratch"}, None), ALLOW),
    # Protection switched off.
    Case("rds-deletion-protection-off", _update("awscc_rds_db_instance", DB,
                                                deletion_protection=False), DENY),
    Case("table-deletion-protection-off",
         _update("awscc_dynamodb_table", {"id": "orders", "table_name": "orders",
                                          "deletion_protection_enabled": True},
                 deletion_protection_enabled=False), DENY),
    Case("bucket-versioning-suspended",
         _update("awscc_s3_bucket", BUCKET, versioning_configuration={"status": "Suspended"}),
         DENY),
    # A store opened by its own settings.
    Case("rds-made-publicly-accessible", _update("awscc_rds_db_instance", DB,
                                                 publicly_accessible=True), DENY),
    Case("bucket-public-access-block-flag-off",
         _update("awscc_s3_bucket", BUCKET,
                 public_access_block_configuration=BLOCKED | {"block_public_policy": False}),
         DENY),
    Case("bucket-public-access-block-taken-away",
         _update("awscc_s3_bucket", BUCKET, public_access_block_configuration=None), DENY),
    Case("bucket-public-read-acl", _update("awscc_s3_bucket", BUCKET,
                                           access_control="PublicRead"), DENY),
    Case("bucket-tags-changed-only", _update("awscc_s3_bucket", BUCKET,
                                             tags=[{"key": "team", "value": "a"}]), ALLOW),
    Case("public-database-made-from-a-protected-instance",
         _created("awscc_rds_db_instance", {"db_instance_identifier": "copy",
                                            "publicly_accessible": True,
                                            "source_db_instance_identifier": "prod-main"}),
         DENY),
    # A policy or permission attached to a store that already exists.
    Case("bucket-policy-principal-star",
         _created("awscc_s3_bucket_policy", {"bucket": STATE, "policy_document": PUBLIC}), DENY),
    Case("bucket-policy-as-an-object",
         _created("awscc_s3_bucket_policy", {"bucket": STATE,
                                             "policy_document": json.loads(PUBLIC)}), DENY),
    Case("bucket-policy-one-account", _created("awscc_s3_bucket_policy",
                                               {"bucket": STATE, "policy_document": ACCOUNT_ONLY}),
         ALLOW),
    Case("bucket-policy-known-only-on-apply",
         _created("awscc_s3_bucket_policy", {"bucket": STATE}, policy_document=True), DENY),
    Case("lambda-permission-for-anyone",
         _created("awscc_lambda_permission", {"function_name": "payments", "principal": "*",
                                              "action": "lambda:InvokeFunction"}), DENY),
    Case("lambda-permission-held-by-source-arn",
         _created("awscc_lambda_permission", {"function_name": "payments", "principal": "*",
                                              "action": "lambda:InvokeFunction",
                                              "source_arn": "arn:aws:s3:::uploads"}), ALLOW),
    Case("topic-policy-for-anyone",
         _created("awscc_sns_topic_policy",
                  {"topics": ["arn:aws:sns:us-east-1:222222222222:alerts"],
                   "policy_document": PUBLIC}), DENY),
    Case("queue-policy-second-queue-protected",
         _created("awscc_sqs_queue_policy",
                  {"queues": ["https://sqs.us-east-1.amazonaws.com/222222222222/other",
                              "https://sqs.us-east-1.amazonaws.com/222222222222/jobs"],
                   "policy_document": PUBLIC}), DENY),
    # A store's own policy.
    Case("key-policy-for-anyone",
         _update("awscc_kms_key", {"id": "prod-key", "key_id": "prod-key",
                                   "key_policy": ACCOUNT_ONLY}, key_policy=PUBLIC), DENY),
    Case("role-trust-for-anyone",
         _update("awscc_iam_role", {"id": "deployer", "role_name": "deployer",
                                    "assume_role_policy_document": ACCOUNT_ONLY},
                 assume_role_policy_document=_statement({"AWS": "*"})), DENY),
    # A type not read: an attribute governing access changed is held.
    Case("unread-type-access-attribute-changed",
         _update("awscc_ecr_public_repository",
                 {"id": "scratch", "repository_policy_text": "{}"},
                 repository_policy_text='{"Version": "2012-10-17", "Statement": []}'), ASK),
    Case("unread-type-other-attribute-changed",
         _update("awscc_ecr_public_repository",
                 {"id": "scratch", "repository_catalog_data": {"about_text": "a"}},
                 repository_catalog_data={"about_text": "b"}), ALLOW),
]  # fmt: skip


@each_case(CASES)
def test_awscc_change_is_judged_as_its_native_counterpart(case: Case, policy: Policy) -> None:
    action = _plan(case.change)
    assert decision_of(action, policy) == case.decision, shown(action)


def _names(change: dict[str, Any]) -> set[str]:
    return {n for e in _plan(change).effects for n in e.resource.names}


def test_a_created_database_is_named_by_its_identifier_before_its_id_is_known() -> None:
    change = _created("awscc_rds_db_instance", {"db_instance_identifier": "Prod-Reports"})
    assert {"arn:aws:rds:*:*:db:prod-reports", "arn:aws:rds:*:*:db:Prod-Reports"} <= _names(change)


def test_a_database_is_named_by_its_own_arn_in_another_partition_too() -> None:
    arn = "arn:aws-cn:rds:cn-north-1:222222222222:db:prod-main"
    names = _names(_rc("awscc_rds_db_instance", ["delete"], {"db_instance_arn": arn}, None))
    assert {arn, "arn:aws:rds:cn-north-1:222222222222:db:prod-main"} <= names


def test_a_role_and_a_function_are_named_by_their_names() -> None:
    role = _created("awscc_iam_role", {"role_name": "deployer"})
    function = _created("awscc_lambda_function", {"function_name": "payments"})
    assert "arn:aws:iam::*:role/deployer" in _names(role)
    assert "arn:aws:lambda:*:*:function:payments" in _names(function)


def test_a_bucket_policy_opens_the_bucket_it_names_as_s3_names_it() -> None:
    action = _plan(_created("awscc_s3_bucket_policy", {"bucket": STATE, "policy_document": PUBLIC}))
    opened = [e for e in action.effects if e.removes_protection and e.effect.value == "update"]
    assert {f"arn:aws:s3:::{STATE}", f"s3://{STATE}"} <= set(opened[-1].resource.names)


def test_a_lambda_permission_opens_the_function_it_names() -> None:
    change = _created("awscc_lambda_permission", {"function_name": "payments", "principal": "*"})
    opened = [e for e in _plan(change).effects if e.removes_protection]
    assert any("arn:aws:lambda:*:*:function:payments" in e.resource.names for e in opened)


def test_an_unknown_awscc_type_is_still_named_by_its_id(policy: Policy) -> None:
    change = _rc("awscc_s3outposts_bucket", ["delete"], {"id": f"arn:aws:s3:::{STATE}"}, None)
    assert decision_of(_plan(change), policy) == DENY
