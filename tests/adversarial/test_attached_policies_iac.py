"""Terraform plans and CloudFormation stack templates that attach access to a store which
already exists -- a topic's, queue's, secret's, key's or repository's policy, a Lambda
permission, an event bus's statement, CloudWatch Logs' resource policy, an access point -- and
let anyone in: judged as removing the store's protection, as the service's own call that sets
such access is (``tests/adversarial/test_aws_public_exposure.py``) and as a Cloud Control
create of the CloudFormation type is (``test_cloud_control_creates_more.py``). Before, a plan
named only the policy resource (allowed in ``dev``) and a template only its own resources.

Judged for agent ``codex`` acting for ``bob`` in ``dev`` (where a plain create or update is
allowed, so only the protection stops it) under the BRIEF policy with the stores below
protected as well.

The Terraform attributes are the AWS provider's documentation (``website/docs/r`` of
``hashicorp/terraform-provider-aws``): ``aws_sns_topic_policy`` ``arn``/``policy``,
``aws_sqs_queue_policy`` ``queue_url``, ``aws_lambda_permission`` ``function_name``,
``principal``, ``source_account``; ``aws_lambda_layer_version_permission`` ``layer_name``,
``version_number``, ``organization_id``; ``aws_cloudwatch_event_permission`` ``principal`` and
its ``condition`` block (``key``, ``type``, ``value``), ``event_bus_name`` (left out: the
``default`` bus); ``aws_cloudwatch_log_resource_policy`` ``policy_document``;
``aws_secretsmanager_secret_policy`` ``secret_arn``; ``aws_kms_key_policy`` ``key_id``;
``aws_ecr_repository_policy`` ``repository``; ``aws_efs_file_system_policy`` ``file_system_id``;
``aws_backup_vault_policy`` ``backup_vault_name``; ``aws_opensearch_domain_policy``
``domain_name``/``access_policies``; ``aws_kinesis_resource_policy`` ``resource_arn``;
``aws_msk_cluster_policy`` ``cluster_arn``; ``aws_s3tables_table_bucket_policy``
``table_bucket_arn``/``resource_policy``; ``aws_s3control_bucket_policy`` ``bucket`` (an
Outposts bucket's ARN); ``aws_s3control_object_lambda_access_point_policy`` ``name``;
``aws_s3control_multi_region_access_point_policy`` ``details`` (``name``, ``policy``);
``aws_glacier_vault`` ``access_policy``; ``aws_iam_role`` ``assume_role_policy``;
``aws_s3_access_point`` ``bucket``.
"""

from __future__ import annotations

import json
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
    unprotected,
)
from tests.adversarial.conftest import CWD

from keyturn.model import Action, EffectKind, Target
from keyturn.policy import Policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.terraform import understand_terraform

ACCOUNT = "222222222222"
STATE = "acme-terraform-state"  # protected by the BRIEF policy
PROTECTED = (
    "arn:aws:sns:*:*:alerts",
    "arn:aws:sqs:*:*:orders",
    "arn:aws:lambda:*:*:function:payments",
    "arn:aws:lambda:*:*:layer:shared",
    "arn:aws:events:*:*:event-bus/default",
    "arn:aws:logs:*:*:log-group:audit",
    "arn:aws:secretsmanager:*:*:secret:prod/*",
    "arn:aws:kms:*:*:key/1234abcd-*",
    "arn:aws:ecr:*:*:repository/ledger-app",
    "arn:aws:elasticfilesystem:*:*:file-system/fs-0ledger",
    "arn:aws:backup:*:*:backup-vault:ledger-vault",
    "arn:aws:es:*:*:domain/ledger-search",
    "arn:aws:kinesis:*:*:stream/clicks",
    "arn:aws:kafka:*:*:cluster/ledger/*",
    "arn:aws:s3tables:*:*:bucket/ledger",
    "arn:aws:s3-outposts:*:*:outpost/*/bucket/ledger",
    "arn:aws:s3-object-lambda:*:*:accesspoint/ledger-olap",
    "arn:aws:glacier:*:*:vaults/ledger-archive",
    "arn:aws:iam::*:role/ledger-deploy",
)
DEV = Target(environment="dev")

policy = policy_protecting(*PROTECTED)


def _document(principal: Any, **more: Any) -> str:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "*", "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement | more]})


OPEN = _document("*")
OPEN_AWS = _document({"AWS": "*"})
PRIVATE = _document({"AWS": "arn:aws:iam::333333333333:root"})
ORG_HELD = _document("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}})
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:alerts"
QUEUE = f"https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/orders"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:prod/db-AbCdEf"
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"


def _plan(*changes: dict[str, Any]) -> Action:
    plan = json.dumps({"format_version": "1.2", "resource_changes": list(changes)})
    return understand_terraform(plan, target=DEV)


def _rc(
    rtype: str, actions: list[str], before: Any, after: Any, *, unknown: Any = None
) -> dict[str, Any]:
    change = {"actions": actions, "before": before, "after": after}
    if unknown is not None:
        change["after_unknown"] = unknown
    return {"address": f"{rtype}.x", "mode": "managed", "type": rtype, "name": "x",
            "change": change}  # fmt: skip


def _created(rtype: str, after: dict[str, Any]) -> dict[str, Any]:
    return _rc(rtype, ["create"], None, after)


class Case(NamedTuple):
    id: str
    change: dict[str, Any]
    store: str  # a name of the store opened, as the service's own call names it


OPENING = [
    Case("sns-topic-policy", _created("aws_sns_topic_policy", {"arn": TOPIC, "policy": OPEN}),
         TOPIC),
    Case("sqs-queue-policy", _created("aws_sqs_queue_policy",
                                      {"queue_url": QUEUE, "policy": OPEN_AWS}),
         f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders"),
    Case("lambda-permission-star", _created("aws_lambda_permission", {
        "function_name": "payments", "action": "lambda:InvokeFunction", "principal": "*",
        "statement_id": "s"}), "arn:aws:lambda:*:*:function:payments"),
    Case("lambda-permission-qualified", _created("aws_lambda_permission", {
        "function_name": f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:payments:live",
        "action": "lambda:InvokeFunctionUrl", "principal": "*",
        "function_url_auth_type": "NONE"}),
         f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:payments"),
    Case("layer-version-permission", _created("aws_lambda_layer_version_permission", {
        "layer_name": "shared", "version_number": 3, "principal": "*",
        "action": "lambda:GetLayerVersion", "statement_id": "s"}),
         "arn:aws:lambda:*:*:layer:shared"),
    Case("event-permission-default-bus", _created("aws_cloudwatch_event_permission", {
        "principal": "*", "statement_id": "s", "action": "events:PutEvents"}),
         "arn:aws:events:*:*:event-bus/default"),
    Case("event-bus-policy", _created("aws_cloudwatch_event_bus_policy", {"policy": OPEN}),
         "arn:aws:events:*:*:event-bus/default"),
    Case("log-resource-policy-on-group", _created("aws_cloudwatch_log_resource_policy", {
        "policy_name": "p", "policy_document": _document(
            "*", Resource=f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:audit:*")}),
         f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:audit"),
    Case("secret-policy", _created("aws_secretsmanager_secret_policy",
                                   {"secret_arn": SECRET, "policy": OPEN}), SECRET),
    Case("kms-key-policy", _created("aws_kms_key_policy", {"key_id": KEY, "policy": OPEN}),
         f"arn:aws:kms:*:*:key/{KEY}"),
    Case("ecr-repository-policy", _created("aws_ecr_repository_policy",
                                           {"repository": "ledger-app", "policy": OPEN}),
         "arn:aws:ecr:*:*:repository/ledger-app"),
    Case("efs-file-system-policy", _created("aws_efs_file_system_policy",
                                            {"file_system_id": "fs-0ledger", "policy": OPEN}),
         "arn:aws:elasticfilesystem:*:*:file-system/fs-0ledger"),
    Case("backup-vault-policy", _created("aws_backup_vault_policy",
                                         {"backup_vault_name": "ledger-vault", "policy": OPEN}),
         "arn:aws:backup:*:*:backup-vault:ledger-vault"),
    Case("opensearch-domain-policy", _created("aws_opensearch_domain_policy", {
        "domain_name": "ledger-search", "access_policies": OPEN}),
         "arn:aws:es:*:*:domain/ledger-search"),
    Case("kinesis-resource-policy", _created("aws_kinesis_resource_policy", {
        "resource_arn": f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/clicks", "policy": OPEN}),
         f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/clicks"),
    Case("msk-cluster-policy", _created("aws_msk_cluster_policy", {
        "cluster_arn": f"arn:aws:kafka:eu-west-1:{ACCOUNT}:cluster/ledger/abc-1",
        "policy": OPEN}), f"arn:aws:kafka:eu-west-1:{ACCOUNT}:cluster/ledger/abc-1"),
    Case("table-bucket-policy", _created("aws_s3tables_table_bucket_policy", {
        "table_bucket_arn": f"arn:aws:s3tables:eu-west-1:{ACCOUNT}:bucket/ledger",
        "resource_policy": OPEN}), f"arn:aws:s3tables:eu-west-1:{ACCOUNT}:bucket/ledger"),
    Case("outposts-bucket-policy", _created("aws_s3control_bucket_policy", {
        "bucket": f"arn:aws:s3-outposts:eu-west-1:{ACCOUNT}:outpost/op-1/bucket/ledger",
        "policy": OPEN}), f"arn:aws:s3-outposts:eu-west-1:{ACCOUNT}:outpost/op-1/bucket/ledger"),
    Case("object-lambda-access-point-policy", _created(
        "aws_s3control_object_lambda_access_point_policy",
        {"name": "ledger-olap", "account_id": ACCOUNT, "policy": OPEN}),
         f"arn:aws:s3-object-lambda:*:{ACCOUNT}:accesspoint/ledger-olap"),
    Case("access-point-on-a-bucket", _created("aws_s3_access_point",
                                              {"name": "ap", "bucket": STATE}),
         f"arn:aws:s3:::{STATE}"),
    # The policy of an update, where the old one kept the store closed.
    Case("topic-policy-opened-by-update", _rc(
        "aws_sns_topic_policy", ["update"], {"arn": TOPIC, "policy": PRIVATE},
        {"arn": TOPIC, "policy": OPEN}), TOPIC),
    Case("queue-policy-replaced", _rc(
        "aws_sqs_queue_policy", ["delete", "create"], {"queue_url": QUEUE, "policy": OPEN},
        {"queue_url": QUEUE, "policy": OPEN}), "arn:aws:sqs:*:*:orders"),
    # A store's own policy opened by an update: the store itself.
    Case("topic-own-policy", _rc(
        "aws_sns_topic", ["update"], {"name": "alerts", "arn": TOPIC, "policy": PRIVATE},
        {"name": "alerts", "arn": TOPIC, "policy": OPEN}), "arn:aws:sns:*:*:alerts"),
    Case("kms-key-own-policy", _rc(
        "aws_kms_key", ["update"], {"key_id": KEY, "policy": PRIVATE},
        {"key_id": KEY, "policy": OPEN}), f"arn:aws:kms:*:*:key/{KEY}"),
    Case("glacier-vault-access-policy", _rc(
        "aws_glacier_vault", ["update"],
        {"name": "ledger-archive", "arn": "arn:aws:glacier:eu-west-1:222222222222:vaults/"
         "ledger-archive", "access_policy": ""},
        {"name": "ledger-archive", "arn": "arn:aws:glacier:eu-west-1:222222222222:vaults/"
         "ledger-archive", "access_policy": OPEN}),
         "arn:aws:glacier:eu-west-1:222222222222:vaults/ledger-archive"),
    # A role's trust policy letting anyone assume it (as ``iam update-assume-role-policy``).
    Case("iam-role-trusting-anyone", _rc(
        "aws_iam_role", ["update"], {"name": "ledger-deploy", "assume_role_policy": PRIVATE},
        {"name": "ledger-deploy", "assume_role_policy": OPEN_AWS}),
         "arn:aws:iam::*:role/ledger-deploy"),
]  # fmt: skip


@each_case(OPENING)
def test_a_plan_opening_a_protected_store_is_refused(case: Case, policy: Policy) -> None:
    """Allowed in ``dev`` before (the policy resource named alone, or the store updated); the
    store the policy is put on now loses its protection: refused."""
    action = _plan(case.change)
    assert case.store in unprotected(action), shown(action)
    assert action.effects[0].removes_protection
    assert decision_of(action, policy) == DENY


_RENAMED = (
    (STATE, "scratch"), ("alerts", "chatter"), ("orders", "scratch-q"), ("payments", "demo"),
    ("shared", "toy"), ("1234abcd-", "9999ffff-"), ("ledger", "sandbox"), ("clicks", "taps"),
    ("prod/db", "dev/db"), ("audit", "scratch-logs"),
)  # fmt: skip


def _elsewhere(change: dict[str, Any]) -> dict[str, Any]:
    """The same change on stores no policy protects."""
    text = json.dumps(change)
    for old, new in _RENAMED:
        text = text.replace(old, new)
    changed: dict[str, Any] = json.loads(text)
    return changed


# The default event bus is every account's own: protected here, it is opened wherever; the
# buckets behind an Object Lambda access point are held wherever (every bucket, unknown).
_WHEREVER = {
    "event-permission-default-bus",
    "event-bus-policy",
    "object-lambda-access-point-policy",
}
ELSEWHERE = [c for c in OPENING if c.id not in _WHEREVER]


@each_case(ELSEWHERE)
def test_a_plan_opening_a_store_elsewhere_is_the_change_it_is(case: Case, policy: Policy) -> None:
    """False-alarm guard (the verdict; the marking is new): on a store no policy protects, the
    change is judged as the create or update it is, allowed in ``dev``."""
    action = _plan(_elsewhere(case.change))
    assert unprotected(action), shown(action)
    assert decision_of(action, policy) == ALLOW, shown(action)


KEPT_CLOSED = [
    Case("topic-policy-private", _created("aws_sns_topic_policy",
                                          {"arn": TOPIC, "policy": PRIVATE}), ""),
    Case("queue-policy-held-to-organisation", _created(
        "aws_sqs_queue_policy", {"queue_url": QUEUE, "policy": ORG_HELD}), ""),
    Case("lambda-permission-for-a-service-with-source", _created("aws_lambda_permission", {
        "function_name": "payments", "principal": "*", "source_account": ACCOUNT}), ""),
    Case("layer-permission-to-organisation", _created("aws_lambda_layer_version_permission", {
        "layer_name": "shared", "version_number": 3, "principal": "*",
        "organization_id": "o-abcdefghij"}), ""),
    Case("event-permission-held-by-condition", _created("aws_cloudwatch_event_permission", {
        "principal": "*", "statement_id": "s", "condition": [
            {"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-abcdefghij"}]}),
         ""),
    Case("event-permission-one-account", _created("aws_cloudwatch_event_permission", {
        "principal": "333333333333", "statement_id": "s"}), ""),
    Case("log-policy-for-a-service", _created("aws_cloudwatch_log_resource_policy", {
        "policy_name": "p", "policy_document": _document({"Service": "es.amazonaws.com"})}),
         ""),
    # An update that keeps the opening the policy already had opens nothing new.
    Case("topic-policy-already-open", _rc(
        "aws_sns_topic_policy", ["update"], {"arn": TOPIC, "policy": OPEN},
        {"arn": TOPIC, "policy": OPEN}), ""),
    Case("kms-policy-destroyed", _rc("aws_kms_key_policy", ["delete"],
                                     {"key_id": KEY, "policy": OPEN}, None), ""),
]  # fmt: skip


@each_case(KEPT_CLOSED)
def test_a_plan_keeping_a_protected_store_closed_is_judged_as_before(
    case: Case, policy: Policy
) -> None:
    """False-alarm guard: nothing new is opened to anyone; allowed in ``dev`` as before."""
    action = _plan(case.change)
    assert not unprotected(action), shown(action)
    assert decision_of(action, policy) == ALLOW


def test_a_policy_known_only_on_apply_is_unknown_on_its_store(policy: Policy) -> None:
    """A policy (or a principal) decided on apply may let anyone in: ``unknown`` on the store
    it is put on, held, never a pass; refused on a protected store."""
    changes = [
        _rc("aws_sns_topic_policy", ["update"], {"arn": TOPIC, "policy": PRIVATE},
            {"arn": TOPIC}, unknown={"policy": True}),
        _rc("aws_lambda_permission", ["create"], None, {"function_name": "payments"},
            unknown={"principal": True}),
        _rc("aws_kms_key_policy", ["create"], None, {"key_id": KEY}, unknown={"policy": True}),
    ]  # fmt: skip
    for change, store in zip(
        changes,
        (TOPIC, "arn:aws:lambda:*:*:function:payments", f"arn:aws:kms:*:*:key/{KEY}"),
        strict=True,
    ):
        action = _plan(change)
        held = [e.effect for e in action.effects if store in e.resource.names]
        assert EffectKind.UNKNOWN in held, shown(action)
        assert not unprotected(action), shown(action)
        assert decision_of(action, policy) == DENY, shown(action)
        assert decision_of(_plan(_elsewhere(change)), policy) != ALLOW


def test_access_point_policies_hold_every_bucket_behind_them(policy: Policy) -> None:
    """The buckets behind a Multi-Region or Object Lambda access point are not in the plan:
    ``unknown`` on every bucket (held for a human), as the native calls are."""
    mrap = _plan(_created("aws_s3control_multi_region_access_point_policy",
                          {"details": [{"name": "global", "policy": OPEN}]}))  # fmt: skip
    held = [e for e in mrap.effects if "arn:aws:s3:::*" in e.resource.names]
    assert [e.effect for e in held] == [EffectKind.UNKNOWN], shown(mrap)
    assert decision_of(mrap, policy) == ASK
    private = _plan(_created("aws_s3control_multi_region_access_point_policy",
                             {"details": [{"name": "global", "policy": PRIVATE}]}))  # fmt: skip
    assert decision_of(private, policy) == ALLOW  # false-alarm guard


# --- CloudFormation stack templates ------------------------------------------------------------

_TEMPLATES = {
    "topic-policy": f"""\
Resources:
  Open:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [{TOPIC}]
      PolicyDocument: {OPEN}
""",
    "queue-policy-by-parameter": """\
Parameters:
  Queue:
    Type: String
Resources:
  Open:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {AWS: "*"}, Action: "sqs:*", Resource: "*"}
""",
    "lambda-permission": """\
Resources:
  Open:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: payments
      Action: lambda:InvokeFunction
      Principal: "*"
""",
    "default-bus": """\
Resources:
  Open:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: everyone
      Action: events:PutEvents
      Principal: "*"
""",
    "secret-policy": f"""\
Resources:
  Open:
    Type: AWS::SecretsManager::ResourcePolicy
    Properties:
      SecretId: {SECRET}
      ResourcePolicy: {OPEN}
""",
}
# Held to known callers or to a role of the template: nothing opened.
_CLOSED = """\
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
  ForRole:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [arn:aws:sns:eu-west-1:222222222222:alerts]
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {AWS: !GetAtt Role.Arn}, Action: "sns:*", Resource: "*"}
  HeldPermission:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: payments
      Action: lambda:InvokeFunction
      Principal: "*"
      SourceArn: !Sub "arn:aws:s3:::${AWS::StackName}-uploads"
  OrgBus:
    Type: AWS::Events::EventBusPolicy
    Properties:
      StatementId: org
      Action: events:PutEvents
      Principal: "*"
      Condition: {Type: StringEquals, Key: aws:PrincipalOrgID, Value: o-abcdefghij}
"""


def _stack(operation: str, name: str, **params: Any) -> Action:
    body = _TEMPLATES.get(name, name)
    call = {"StackName": "web", "TemplateBody": body, **params}
    return understand_aws("cloudformation", operation, call, target=DEV)


STACK_ESCAPES = [
    ("topic-policy", {}, TOPIC),
    ("queue-policy-by-parameter",
     {"Parameters": [{"ParameterKey": "Queue", "ParameterValue": QUEUE}]},
     f"arn:aws:sqs:eu-west-1:{ACCOUNT}:orders"),
    ("lambda-permission", {}, "arn:aws:lambda:*:*:function:payments"),
    ("default-bus", {}, "arn:aws:events:*:*:event-bus/default"),
    ("secret-policy", {}, SECRET),
]  # fmt: skip


@pytest.mark.parametrize("operation", ["CreateStack", "UpdateStack"])
@pytest.mark.parametrize(("name", "params", "store"), STACK_ESCAPES,
                         ids=[n for n, _, _ in STACK_ESCAPES])  # fmt: skip
def test_a_stack_template_opening_a_protected_store_is_refused(
    operation: str, name: str, params: dict[str, Any], store: str, policy: Policy
) -> None:
    """Before, a template's policy or permission named only the resource of the stack; now
    the store it is put on is updated with its protection removed: refused."""
    action = _stack(operation, name, **params)
    [opened] = [e for e in action.effects if store in e.resource.names]
    assert (opened.effect, opened.removes_protection) == (EffectKind.UPDATE, True)
    assert decision_of(action, policy) == DENY


def test_a_stack_template_with_a_parameter_not_known_opens_every_queue(policy: Policy) -> None:
    """A queue from a parameter the call does not give: ``*``, which a protected pattern's
    reach sees."""
    action = _stack("CreateStack", "queue-policy-by-parameter")
    assert any("*" in n for n in unprotected(action)), shown(action)
    assert decision_of(action, policy) != ALLOW


def test_a_stack_template_keeping_stores_closed_is_judged_as_before(policy: Policy) -> None:
    """False-alarm guard: a role of the template, a source ARN, an organisation: nothing
    opened; ``CreateStack`` allowed in ``dev``, ``UpdateStack`` asked (for what it may delete)
    as before."""
    created = _stack("CreateStack", _CLOSED)
    assert not unprotected(created), shown(created)
    assert decision_of(created, policy) == ALLOW
    assert decision_of(_stack("UpdateStack", _CLOSED), policy) == ASK


def test_a_template_on_stores_not_protected_is_allowed(policy: Policy) -> None:
    """False-alarm guard: the same template on a topic no policy protects is the create it
    is (the opening marked)."""
    action = _stack("CreateStack", _TEMPLATES["topic-policy"].replace("alerts", "chatter"))
    assert unprotected(action)
    assert decision_of(action, policy) == ALLOW


def test_a_multi_region_access_point_policy_in_a_template_is_held(policy: Policy) -> None:
    """The buckets behind it are not in the template: ``unknown`` on every bucket."""
    template = f"""\
Resources:
  Open:
    Type: AWS::S3::MultiRegionAccessPointPolicy
    Properties:
      MrapName: global
      Policy: {OPEN}
"""
    action = _stack("CreateStack", template)
    held = [e for e in action.effects if "arn:aws:s3:::*" in e.resource.names]
    assert [e.effect for e in held] == [EffectKind.UNKNOWN], shown(action)
    assert decision_of(action, policy) == ASK


def test_cloudformation_deploy_of_a_template_opening_a_topic_is_refused(policy: Policy) -> None:
    """``aws cloudformation deploy`` runs the template as a stack update does."""
    files = {f"{CWD}/open.yaml": _TEMPLATES["topic-policy"]}
    line = "aws --profile dev cloudformation deploy --template-file open.yaml --stack-name web"
    action = understood_line(line, None, files)
    assert TOPIC in unprotected(action), shown(action)
    assert decision_of(action, policy) == DENY


def test_a_stack_set_template_opening_a_topic_names_it_in_each_account() -> None:
    """``UpdateStackSet`` with its template: the topic opened in each account it reaches."""
    params = {"StackSetName": "base", "TemplateBody": _TEMPLATES["lambda-permission"],
              "Accounts": ["222222222222", "333333333333"], "Regions": ["eu-west-1"]}  # fmt: skip
    action = understand_aws("cloudformation", "UpdateStackSet", params)
    opened = [e for e in action.effects if e.removes_protection]
    assert {e.target.aws_account for e in opened} == {"222222222222", "333333333333"}
    assert all("arn:aws:lambda:*:*:function:payments" in e.resource.names for e in opened)
