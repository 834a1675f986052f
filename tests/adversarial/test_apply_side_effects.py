"""What applying a change does beyond the change itself, and payloads built to crash the
reading: Terraform's ``template_dir`` and ``archive_file`` deleting and writing files on the
applying machine, a disabled expiry rule turned on, expiry set through Cloud Control, a global
table or the ``awscc_*`` types, JSON nested too deep to parse inside a parameter, and GitHub and
GitLab names spelled in another case (or a repository given by its numeric id).

Each case is judged for agent ``kiro`` acting for ``bob`` in the ``dev`` environment (so that
an unprotected destructive effect is allowed and only protection or ``unknown`` stops it) under
the BRIEF policy, with the protections below added.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.shell import understand_shell
from keyturn.understand.terraform import understand_terraform

DEV = Target(environment="dev")
STATE = "acme-terraform-state"  # protected: arn:aws:s3:::acme-terraform-state*
EXTRA_PROTECTED = (
    '  - "arn:aws:dynamodb:*:*:table/prod-*"\n'
    '  - "arn:aws:ecr:*:*:repository/prod-*"\n'
    '  - "file:/srv/prod"\n'
    '  - "file:/srv/prod/**"\n'
    '  - "github:acme/prod"\n'
    '  - "gitlab:acme/prod"\n'
)
EXPIRE_ALL = json.dumps({"rules": [{"rulePriority": 1, "action": {"type": "expire"}}]})
DEEP_ARRAY = "[" * 100_000
DEEP_OBJECT = '{"a":' * 50_000


@pytest.fixture(scope="module")
def policy() -> Policy:
    anchor = '  - "k8s:namespace/payments"\n'
    text = BRIEF_POLICY.replace(anchor, anchor + EXTRA_PROTECTED)
    assert text != BRIEF_POLICY
    return load_policy(text)


def _verdict(policy: Policy, action: Action) -> str:
    return policy.judge(action, actor=ACTOR).decision.value


def _names(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


def _kinds(action: Action) -> set[EffectKind]:
    return {e.effect for e in action.effects}


def _tf(
    rtype: str, actions: list[str], before: Any, after: Any, *, mode: str = "managed"
) -> Action:
    address = ("data." if mode == "data" else "") + f"{rtype}.x"
    change = {"actions": actions, "before": before, "after": after}
    rc = {"address": address, "mode": mode, "type": rtype, "name": "x", "change": change}
    plan = json.dumps({"format_version": "1.2", "resource_changes": [rc]})
    return understand_terraform(plan, target=DEV)


def _modify(rtype: str, physical: str, prop: str, before: Any, after: Any) -> Action:
    target = {"Attribute": "Properties", "Name": prop, "Path": f"/Properties/{prop}"}
    target |= {"BeforeValue": before, "AfterValue": after}
    change = {
        "Action": "Modify",
        "LogicalResourceId": "R",
        "PhysicalResourceId": physical,
        "ResourceType": rtype,
        "Replacement": "False",
        "Details": [{"Target": target}],
    }
    text = json.dumps(
        {"StackName": "app", "Changes": [{"Type": "Resource", "ResourceChange": change}]}
    )
    return understand_change_set(text, target=DEV)


def _aws(service: str, operation: str, params: dict[str, Any]) -> Action:
    return understand_aws(service, operation, params, target=DEV)


def _cloud_control(type_name: str, identifier: str, patch: Any) -> Action:
    document = patch if isinstance(patch, str) else json.dumps(patch)
    params = {"TypeName": type_name, "Identifier": identifier, "PatchDocument": document}
    return _aws("cloudcontrol", "UpdateResource", params)


def _shell(command: str) -> Action:
    return understand_shell(
        command, cwd=CWD, home=HOME, env=None, target=DEV, files=MemoryFiles({})
    )


# --- 1, 2. Files the template and archive providers delete and write ----------------------


@pytest.mark.parametrize("actions", [["create"], ["delete"]])
def test_template_dir_create_or_destroy_removes_its_protected_destination(
    policy: Policy, actions: list[str]
) -> None:
    values = {"destination_dir": "/srv/prod", "source_dir": "./tpl", "id": "h"}
    before, after = (values, None) if actions == ["delete"] else (None, values)
    action = _tf("template_dir", actions, before, after)
    deletes = {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}
    assert {"file:/srv/prod", "file:/srv/prod/*"} <= deletes
    assert _verdict(policy, action) == "deny"


def test_template_dir_whose_destination_is_known_only_on_apply_is_unknown() -> None:
    action = _tf("template_dir", ["create"], None, {"source_dir": "./tpl"})
    assert EffectKind.UNKNOWN in _kinds(action)


def test_archive_file_destroyed_deletes_its_protected_output(policy: Policy) -> None:
    before = {"output_path": "/srv/prod/db.sqlite", "type": "zip", "id": "h"}
    action = _tf("archive_file", ["delete"], before, None)
    assert "file:/srv/prod/db.sqlite" in _names(action)
    assert _verdict(policy, action) == "deny"


def test_archive_file_created_over_the_agents_settings_is_refused(policy: Policy) -> None:
    after = {"output_path": "/home/kiro/.claude/settings.json", "type": "zip"}
    action = _tf("archive_file", ["create"], None, after)
    assert "file:/home/kiro/.claude/settings.json" in _names(action)
    assert _verdict(policy, action) == "deny"


def test_archive_file_data_source_read_on_apply_writes_its_output(policy: Policy) -> None:
    after = {"output_path": "/home/kiro/.claude/settings.json", "type": "zip"}
    action = _tf("archive_file", ["read"], None, after, mode="data")
    writes = [e for e in action.effects if e.effect is EffectKind.CREATE]
    assert writes and "file:/home/kiro/.claude/settings.json" in writes[0].resource.names
    assert _verdict(policy, action) == "deny"


# --- 3. A disabled expiry rule turned on ------------------------------------------------


def _tf_rule(status: str) -> dict[str, Any]:
    return {
        "status": status,
        "filter": [{"prefix": ""}],
        "expiration": [{"days": 1}],
        "noncurrent_version_expiration": [{"noncurrent_days": 1}],
    }


def test_tf_lifecycle_rule_turned_on_expires_the_state_bucket(policy: Policy) -> None:
    before = {"bucket": STATE, "rule": [_tf_rule("Disabled")]}
    after = {"bucket": STATE, "rule": [_tf_rule("Enabled")]}
    action = _tf("aws_s3_bucket_lifecycle_configuration", ["update"], before, after)
    assert f"arn:aws:s3:::{STATE}/*" in _names(action)
    assert _verdict(policy, action) == "deny"


def test_tf_lifecycle_rule_turned_off_deletes_nothing_new(policy: Policy) -> None:
    before = {"bucket": STATE, "rule": [_tf_rule("Enabled")]}
    after = {"bucket": STATE, "rule": [_tf_rule("Disabled")]}
    action = _tf("aws_s3_bucket_lifecycle_configuration", ["update"], before, after)
    assert _kinds(action) == {EffectKind.UPDATE}


def test_tf_inline_lifecycle_rule_enabled_expires_the_state_bucket(policy: Policy) -> None:
    rule = {"prefix": "", "expiration": [{"days": 1}]}
    before = {"bucket": STATE, "lifecycle_rule": [{**rule, "enabled": False}]}
    after = {"bucket": STATE, "lifecycle_rule": [{**rule, "enabled": True}]}
    assert _verdict(policy, _tf("aws_s3_bucket", ["update"], before, after)) == "deny"


def test_cfn_lifecycle_rule_turned_on_expires_the_state_bucket(policy: Policy) -> None:
    rule = {"ExpirationInDays": 1, "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}
    before = json.dumps({"Rules": [{**rule, "Status": "Disabled"}]})
    after = json.dumps({"Rules": [{**rule, "Status": "Enabled"}]})
    action = _modify("AWS::S3::Bucket", STATE, "LifecycleConfiguration", before, after)
    assert _verdict(policy, action) == "deny"


# --- 4. Expiry set through Cloud Control, a global table and the awscc types ------------


@pytest.mark.parametrize("type_name", ["AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"])
def test_cloud_control_ttl_turned_on_for_a_protected_table_is_denied(
    policy: Policy, type_name: str
) -> None:
    spec = {"Enabled": True, "AttributeName": "ts"}
    patch = [{"op": "add", "path": "/TimeToLiveSpecification", "value": spec}]
    action = _cloud_control(type_name, "prod-orders", patch)
    assert EffectKind.DELETE in _kinds(action)
    assert _verdict(policy, action) == "deny"


def test_cloud_control_ttl_turned_off_deletes_nothing() -> None:
    patch = [{"op": "replace", "path": "/TimeToLiveSpecification/Enabled", "value": False}]
    action = _cloud_control("AWS::DynamoDB::Table", "prod-orders", patch)
    assert _kinds(action) == {EffectKind.UPDATE}


def test_cloud_control_ecr_lifecycle_policy_expiring_is_denied(policy: Policy) -> None:
    value = {"LifecyclePolicyText": EXPIRE_ALL}
    patch = [{"op": "add", "path": "/LifecyclePolicy", "value": value}]
    action = _cloud_control("AWS::ECR::Repository", "prod-app", patch)
    assert _verdict(policy, action) == "deny"


def test_cloud_control_whole_document_at_the_root_path_is_read_for_expiry(
    policy: Policy,
) -> None:
    config = {"Rules": [{"Status": "Enabled", "ExpirationInDays": 1}]}
    patch = [{"op": "replace", "path": "", "value": {"LifecycleConfiguration": config}}]
    action = _cloud_control("AWS::S3::Bucket", STATE, patch)
    assert f"arn:aws:s3:::{STATE}/*" in _names(action)
    assert _verdict(policy, action) == "deny"


def test_cloud_control_root_path_that_cannot_be_read_is_unknown() -> None:
    patch = [{"op": "replace", "path": "", "value": "not a document"}]
    action = _cloud_control("AWS::DynamoDB::Table", "prod-orders", patch)
    assert EffectKind.UNKNOWN in _kinds(action)


def test_shell_cloud_control_ttl_patch_is_denied(policy: Policy) -> None:
    spec = {"Enabled": True, "AttributeName": "ts"}
    patch = json.dumps([{"op": "add", "path": "/TimeToLiveSpecification", "value": spec}])
    command = (
        "aws cloudcontrol update-resource --type-name AWS::DynamoDB::Table "
        f"--identifier prod-orders --patch-document '{patch}'"
    )
    assert _verdict(policy, _shell(command)) == "deny"


def test_cfn_global_table_ttl_turned_on_is_denied(policy: Policy) -> None:
    after = json.dumps({"Enabled": True, "AttributeName": "ts"})
    action = _modify(
        "AWS::DynamoDB::GlobalTable", "prod-orders", "TimeToLiveSpecification", None, after
    )
    assert _verdict(policy, action) == "deny"


def test_tf_awscc_bucket_lifecycle_expiring_the_state_bucket_is_denied(policy: Policy) -> None:
    before = {"id": STATE, "bucket_name": STATE, "lifecycle_configuration": None}
    config = {"rules": [{"status": "Enabled", "expiration_in_days": 1}]}
    after = {**before, "lifecycle_configuration": config}
    action = _tf("awscc_s3_bucket", ["update"], before, after)
    assert f"arn:aws:s3:::{STATE}/*" in _names(action)
    assert _verdict(policy, action) == "deny"


def test_tf_awscc_bucket_without_lifecycle_deletes_nothing() -> None:
    values = {"id": "scratch", "bucket_name": "scratch", "lifecycle_configuration": None}
    action = _tf("awscc_s3_bucket", ["update"], values, {**values, "tags": []})
    assert _kinds(action) == {EffectKind.UPDATE}


def test_tf_awscc_dynamodb_ttl_turned_on_is_denied(policy: Policy) -> None:
    before = {"id": "prod-orders", "time_to_live_specification": None}
    after = {
        "id": "prod-orders",
        "time_to_live_specification": {"enabled": True, "attribute_name": "ts"},
    }
    action = _tf("awscc_dynamodb_table", ["update"], before, after)
    assert _verdict(policy, action) == "deny"


def test_tf_awscc_ecr_lifecycle_policy_expiring_is_denied(policy: Policy) -> None:
    before = {"id": "prod-app", "repository_name": "prod-app", "lifecycle_policy": None}
    after = {**before, "lifecycle_policy": {"lifecycle_policy_text": EXPIRE_ALL}}
    action = _tf("awscc_ecr_repository", ["update"], before, after)
    assert _verdict(policy, action) == "deny"


# --- 5. JSON nested too deep inside a parameter: unreadable, never a crash ---------------


@pytest.mark.parametrize("deep", [DEEP_ARRAY, DEEP_OBJECT])
def test_ecr_policy_nested_too_deep_is_unknown(deep: str) -> None:
    params = {"repositoryName": "prod-app", "lifecyclePolicyText": deep}
    assert EffectKind.UNKNOWN in _kinds(_aws("ecr", "PutLifecyclePolicy", params))


@pytest.mark.parametrize("deep", [DEEP_ARRAY, DEEP_OBJECT])
def test_cloud_control_patch_nested_too_deep_is_unknown(deep: str) -> None:
    action = _cloud_control("AWS::S3::Bucket", STATE, deep)
    assert EffectKind.UNKNOWN in _kinds(action)


def test_tf_ecr_policy_nested_too_deep_is_unknown() -> None:
    action = _tf(
        "aws_ecr_lifecycle_policy", ["create"], None, {"repository": "r", "policy": DEEP_ARRAY}
    )
    assert EffectKind.UNKNOWN in _kinds(action)


@pytest.mark.parametrize(
    ("rtype", "prop"),
    [
        ("AWS::S3::Bucket", "LifecycleConfiguration"),
        ("AWS::DynamoDB::Table", "TimeToLiveSpecification"),
        ("AWS::ECR::Repository", "LifecyclePolicy"),
    ],
)
@pytest.mark.parametrize("deep", [DEEP_ARRAY, DEEP_OBJECT])
def test_cfn_property_nested_too_deep_is_unknown(rtype: str, prop: str, deep: str) -> None:
    action = _modify(rtype, "prod-x", prop, None, deep)
    assert EffectKind.UNKNOWN in _kinds(action)


# --- 6. GitHub and GitLab names in another case; a repository by its id -----------------


@pytest.mark.parametrize(
    "command",
    [
        "gh repo delete ACME/Prod --yes",
        "gh api -X DELETE repos/ACME/PROD",
        "curl -X DELETE https://api.github.com/repos/ACME/Prod",
        "curl -X DELETE https://gitlab.com/api/v4/projects/ACME%2FProd",
        "glab repo delete ACME/Prod --yes",
    ],
)
def test_forge_repository_deleted_in_another_case_is_denied(policy: Policy, command: str) -> None:
    assert _verdict(policy, _shell(command)) == "deny"


@pytest.mark.parametrize(
    "command",
    [
        "curl -X DELETE https://api.github.com/repositories/123456",
        "gh api -X DELETE repositories/123456",
    ],
)
def test_github_repository_deleted_by_its_numeric_id_is_unknown(command: str) -> None:
    assert EffectKind.UNKNOWN in _kinds(_shell(command))


# --- Terraform's Cloud Control resource reaches any resource by type and identifier -------------


@pytest.mark.parametrize(
    ("type_name", "ident", "actions"),
    [
        ("AWS::RDS::DBInstance", "prod-main", ["delete"]),
        ("AWS::RDS::DBInstance", "prod-main", ["delete", "create"]),
        ("AWS::S3::Bucket", "acme-terraform-state", ["delete"]),
    ],
)
def test_cloud_control_resource_in_a_plan_is_the_resource_it_reaches(
    policy: Policy, type_name: str, ident: str, actions: list[str]
) -> None:
    before = {"type_name": type_name, "id": ident, "desired_state": "{}"}
    after = None if actions == ["delete"] else before
    assert _verdict(policy, _tf("aws_cloudcontrolapi_resource", actions, before, after)) == "deny"


def test_cloud_control_resource_in_a_plan_is_held_by_a_service_rule(policy: Policy) -> None:
    after = {"type_name": "AWS::IAM::Role", "desired_state": "{}"}
    action = _tf("aws_cloudcontrolapi_resource", ["create"], None, after)
    assert "arn:aws:cloudcontrolapi:*:*:type/AWS::IAM::Role" in _names(action)
    assert _verdict(policy, action) == "deny"  # kiro's ``service: iam`` deny
