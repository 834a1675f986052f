"""Terraform plans: what a plan does that its resource changes alone do not show.

A ``removed`` block's destroy-time provisioners, data sources that act when read, the provider
configuration that decides where a plan lands, a log group's or a stream's retention cut, and
the Kubernetes objects of a ``kustomization_resource``. Judged under the BRIEF §4.1 policy with
``terraform_workspaces: ["dev*"]`` added to ``dev`` (and an audit log group protected).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from keyturn.gate import judge
from keyturn.model import Action, Actor, Decision, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.terraform import snapshot_has_removed_blocks, understand_terraform

E = EffectKind
ACTOR = Actor(agent="codex", operator="bob")  # kiro may not touch IAM at all
DEV = Target(terraform_workspace="dev")
AWS = "registry.terraform.io/hashicorp/aws"
KUBERNETES = "registry.terraform.io/hashicorp/kubernetes"
KEY = "module.app:kubernetes"  # a provider configuration of module.app


@pytest.fixture(scope="module")
def policy() -> Policy:
    from tests.conftest import BRIEF_POLICY

    dev = '  dev:\n    aws_profiles: ["dev*", "default"]\n'
    assert dev in BRIEF_POLICY
    text = BRIEF_POLICY.replace(dev, dev + '    terraform_workspaces: ["dev*"]\n')
    audit = '  - "k8s:namespace/payments"\n'
    return load_policy(text.replace(audit, audit + '  - "arn:aws:logs:*:*:log-group:audit-*"\n'))


def rc(
    address: str, actions: list[str], before: Any = None, after: Any = None, **extra: Any
) -> dict[str, Any]:
    return {
        "address": address,
        "mode": extra.pop("mode", "managed"),
        "type": extra.pop("type", address.removeprefix("data.").split(".")[0]),
        "name": address.rsplit(".", 1)[-1],
        "provider_name": extra.pop("provider_name", AWS),
        "change": {"actions": actions, "before": before, "after": after, **extra.pop("ch", {})},
        **extra,
    }


def understood(*changes: dict[str, Any], target: Target = DEV, **top: Any) -> Action:
    doc = {"format_version": "1.2", "resource_changes": list(changes), **top}
    return understand_terraform(json.dumps(doc), target=target)


def decided(policy: Policy, action: Action) -> Decision:
    return judge(action, policy=policy, actor=ACTOR)


# --- 1. a removed block's destroy-time provisioners are not in the plan JSON --------------


def _removed(reason: str, version: str | None) -> Action:
    change = rc(
        "terraform_data.cleanup", ["delete"], {"id": "210be28a", "input": "x"}, None,
        type="terraform_data", provider_name="terraform.io/builtin/terraform",
        action_reason=reason,
    )  # fmt: skip
    top: dict[str, Any] = {"configuration": {"root_module": {}}}
    if version:
        top["terraform_version"] = version
    return understood(change, **top)


@pytest.mark.parametrize(
    "reason", ["delete_because_no_resource_config", "delete_because_no_module"]
)
def test_a_delete_whose_configuration_is_gone_may_run_hidden_provisioners(
    policy: Policy, reason: str
) -> None:
    action = _removed(reason, "1.11.4")
    delete, hidden = action.effects
    assert delete.effect is E.DELETE
    assert hidden.effect is E.UNKNOWN
    assert hidden.resource.names == delete.resource.names
    assert "removed block may run destroy-time provisioners" in hidden.detail
    # Allowed in dev before: a delete in dev is allowed, but what runs with it is not known.
    assert decided(policy, action).decision.value == "ask"


def test_hidden_provisioners_count_from_terraform_1_9_or_an_untold_version() -> None:
    assert [e.effect for e in _removed("delete_because_no_resource_config", None).effects] == [
        E.DELETE,
        E.UNKNOWN,
    ]
    assert len(_removed("delete_because_no_resource_config", "1.9.0-beta1").effects) == 2
    # Terraform 1.8 and older cannot put provisioners in a removed block.
    assert len(_removed("delete_because_no_resource_config", "1.8.5").effects) == 1


# --- 2. data sources that act when read ---------------------------------------------------


def _read(
    address: str, after: dict[str, Any], unknown: dict[str, Any] | None = None, **kw: Any
) -> dict[str, Any]:
    return rc(address, ["read"], None, after, mode="data",
              action_reason="read_because_dependency_pending",
              ch={"after_unknown": unknown or {}}, **kw)  # fmt: skip


def test_a_lambda_invoked_by_a_data_source_is_not_a_read(policy: Policy) -> None:
    change = _read("data.aws_lambda_invocation.purge",
                   {"function_name": "purge-customers", "input": '{"confirm":true}'})  # fmt: skip
    action = understood(change, target=Target(terraform_workspace="prod"))
    (effect,) = action.effects
    assert effect.effect is E.UNKNOWN
    assert "arn:aws:lambda:*:*:function:purge-customers" in effect.resource.names
    assert "invokes Lambda function purge-customers on apply" in effect.detail
    assert decided(policy, action).decision.value == "deny"  # unknown, in production


def test_an_ecs_task_run_by_a_data_source_is_unknown_on_its_cluster() -> None:
    change = _read("data.aws_ecs_task_execution.migrate",
                   {"cluster": "main", "task_definition": "db-drop-all:1"})  # fmt: skip
    (effect,) = understood(change).effects
    assert effect.effect is E.UNKNOWN
    assert "arn:aws:ecs:*:*:cluster/main" in effect.resource.names
    assert "runs ECS task db-drop-all:1 in cluster main" in effect.detail


@pytest.mark.parametrize(
    ("rtype", "after", "words"),
    [
        ("local_command", {"command": "bash", "arguments": ["-c", "rm -rf ~"]}, "bash -c rm -rf ~"),
        ("shell_script", {"lifecycle_commands": [{"read": "./wipe.sh"}]}, "./wipe.sh"),
        ("azapi_resource_action", {"resource_id": "/subscriptions/s/vm/a", "action": "powerOff"},
         "POST powerOff on /subscriptions/s/vm/a"),
    ],
)  # fmt: skip
def test_data_sources_that_run_programs_or_actions_are_unknown(
    rtype: str, after: dict[str, Any], words: str
) -> None:
    (effect,) = understood(_read(f"data.{rtype}.x", after, provider_name="x")).effects
    assert effect.effect is E.UNKNOWN
    assert words in effect.detail


def test_an_azure_action_read_with_get_only_reads() -> None:
    get = {"resource_id": "/subscriptions/s/a", "action": "listKeys", "method": "GET"}
    post = {**get, "method": "POST"}
    read = understood(_read("data.azapi_resource_action.k", get, provider_name="azapi"))
    sent = understood(_read("data.azapi_resource_action.k", post, provider_name="azapi"))
    assert [e.effect for e in read.effects] == [E.READ]
    assert [e.effect for e in sent.effects] == [E.UNKNOWN]


def test_an_http_data_source_sending_delete_is_judged_as_the_request(policy: Policy) -> None:
    url = "https://api.example.com/v1/databases/main?token=s3cret"
    change = _read("data.http.wipe", {"url": url, "method": "DELETE"}, provider_name="http")
    action = understood(change, target=Target(environment="staging"))
    kinds = {e.effect: e for e in action.effects}
    assert kinds[E.DELETE].resource.names == ("https://api.example.com/v1/databases/main",)
    assert "s3cret" not in " ".join(e.detail for e in action.effects)
    assert decided(policy, action).decision.value == "ask"  # a staging delete needs approvals


def test_an_http_request_known_only_on_apply_is_unknown_and_a_get_reads() -> None:
    later = _read("data.http.x", {"url": "https://a.example/x", "method": None}, {"method": True})
    posted = _read("data.http.y", {"url": "https://a.example/y", "method": "POST",
                                   "request_body": None}, {"request_body": True})  # fmt: skip
    got = _read("data.http.z", {"url": "https://a.example/z", "method": None})
    effects = understood(later, posted, got).effects
    assert [(e.resource.names[0], e.effect) for e in effects] == [
        ("data.http.x", E.UNKNOWN),
        ("data.http.y", E.UNKNOWN),
        ("data.http.z", E.READ),
    ]
    assert "https://a.example/x" in effects[0].resource.names


# --- 3. the provider configuration says where the plan lands ------------------------------


_BLOCKS = frozenset({"assume_role", "kubernetes"})  # nested blocks: lists of expressions


def _providers(**configs: dict[str, Any]) -> dict[str, Any]:
    return {
        key: {"name": key.split(".")[0].split(":")[-1], "full_name": AWS,
              "expressions": {k: v if k in _BLOCKS else {"constant_value": v}
                              for k, v in expressions.items()}}
        for key, expressions in configs.items()
    }  # fmt: skip


def _configuration(resources: list[dict[str, Any]], **configs: dict[str, Any]) -> dict[str, Any]:
    return {"provider_config": _providers(**configs), "root_module": {"resources": resources}}


def test_a_dev_workspace_whose_provider_acts_in_production_is_judged_in_production(
    policy: Policy,
) -> None:
    prod = {
        "region": "us-east-1",
        "profile": "prod-admin",
        "assume_role": [{"role_arn": {"constant_value": "arn:aws:iam::111111111111:role/a"}}],
    }
    delete = rc("aws_route53_record.api", ["delete"], {"id": "Z1_api"}, None)
    create = rc("aws_iam_user.backdoor", ["create"], None, {"name": "backdoor"})
    action = understood(delete, create, configuration=_configuration([], aws=prod))
    hinted = [e for e in action.effects if e.target.aws_account == "111111111111"]
    changed = {"aws_route53_record.api", "aws_iam_user.backdoor"}
    assert {e.resource.names[0] for e in hinted} == changed
    assert all(e.target.aws_profile == "prod-admin" and e.target.terraform_workspace == "dev"
               for e in hinted)  # fmt: skip
    judged = decided(policy, action)
    assert judged.decision.value == "ask"
    assert {j.environment for j in judged.judgements} == {"dev", "production"}


def test_the_workspace_is_kept_beside_the_hints_so_a_dev_profile_loosens_nothing(
    policy: Policy,
) -> None:
    delete = rc("aws_route53_record.api", ["delete"], {"id": "Z1_api"}, None)
    before = understood(delete, target=Target())
    configuration = _configuration([], aws={"profile": "dev"})
    after = understood(delete, target=Target(), configuration=configuration)
    assert before.effects[0] in after.effects
    assert any(e.target.aws_profile == "dev" for e in after.effects)
    # No workspace: production (unknown_environment), as before, though the profile says dev.
    assert decided(policy, after).decision.value == decided(policy, before).decision.value == "ask"
    assert "production" in {j.environment for j in decided(policy, after).judgements}


def test_a_resource_uses_its_own_aliased_configuration_and_a_removed_one_any() -> None:
    resources = [
        {"address": "aws_s3_bucket.logs", "provider_config_key": "aws"},
        {"address": "aws_s3_bucket.data", "provider_config_key": "aws.prod"},
    ]
    prod = {"aws.prod": {"allowed_account_ids": ["111111111111"]}}
    configuration = _configuration(resources, aws={"profile": "dev-admin"}, **prod)
    logs = rc("aws_s3_bucket.logs", ["update"], {"bucket": "logs"}, {"bucket": "logs"})
    data = rc("aws_s3_bucket.data", ["update"], {"bucket": "d"}, {"bucket": "d"})
    gone = rc("aws_s3_bucket.old", ["delete"], {"bucket": "old"}, None)
    action = understood(logs, data, gone, configuration=configuration)
    by: dict[str, set[tuple[str | None, str | None]]] = {}
    for e in action.effects:
        by.setdefault(e.resource.names[0], set()).add((e.target.aws_profile, e.target.aws_account))
    assert by["aws_s3_bucket.logs"] == {(None, None), ("dev-admin", None)}
    assert by["aws_s3_bucket.data"] == {(None, None), (None, "111111111111")}
    # Not in the configuration: its provider may be either, so both count.
    assert by["aws_s3_bucket.old"] == {(None, None), ("dev-admin", None), (None, "111111111111")}


def test_a_module_resource_and_a_kubernetes_context_take_their_provider_hints(
    policy: Policy,
) -> None:
    configuration = {
        "provider_config": {
            KEY: {
                "name": "kubernetes",
                "full_name": KUBERNETES,
                "module_address": "module.app",
                "expressions": {"config_context": {"constant_value": "prod-eu"}},
            },
            "helm": {
                "name": "helm",
                "full_name": "registry.terraform.io/hashicorp/helm",
                "expressions": {"kubernetes": [{"config_context": {"constant_value": "prod-us"}}]},
            },
        },
        "root_module": {
            "module_calls": {"app": {"module": {"resources": [
                {"address": "kubernetes_config_map.x", "provider_config_key": KEY}
            ]}}}
        },
    }  # fmt: skip
    meta = {"metadata": [{"name": "x", "namespace": "web"}]}
    k8s = rc("module.app.kubernetes_config_map.x", ["update"], meta, meta,
             type="kubernetes_config_map", provider_name=KUBERNETES)  # fmt: skip
    helm = rc("helm_release.web", ["update"], {"name": "web"}, {"name": "web"},
              provider_name="registry.terraform.io/hashicorp/helm")  # fmt: skip
    action = understood(k8s, helm, configuration=configuration)
    contexts = {(e.resource.names[0], e.target.kube_context) for e in action.effects}
    assert ("module.app.kubernetes_config_map.x", "prod-eu") in contexts
    assert ("helm_release.web", "prod-us") in contexts
    assert decided(policy, action).decision.value == "ask"  # production updates need approval


# --- 5. a retention cut deletes what it no longer keeps ----------------------------------


def _log_group(before: Any, after: Any, name: str = "audit-trail") -> dict[str, Any]:
    arn = f"arn:aws:logs:us-east-1:333333333333:log-group:{name}"
    values = {"arn": arn, "id": name, "name": name}
    old, new = {**values, "retention_in_days": before}, {**values, "retention_in_days": after}
    return rc("aws_cloudwatch_log_group.g", ["update"], old, new)


def test_cutting_a_protected_log_groups_retention_is_denied(policy: Policy) -> None:
    action = understood(_log_group(3653, 1), target=Target(environment="staging"))
    update, delete = action.effects
    assert (update.effect, delete.effect) == (E.UPDATE, E.DELETE)
    assert "arn:aws:logs:us-east-1:333333333333:log-group:audit-trail:*" in delete.resource.names
    assert "retention cut to 1 days" in delete.detail
    assert decided(policy, action).decision.value == "deny"


def test_a_log_group_retention_deletes_only_when_set_or_lowered() -> None:
    cases = {
        (0, 30): [E.UPDATE, E.DELETE],  # 0 is "never expire"
        (30, 7): [E.UPDATE, E.DELETE],
        (30, None): [E.UPDATE, E.UNKNOWN],  # known only on apply
        (30, 0): [E.UPDATE],  # kept for ever from now on
        (30, 60): [E.UPDATE],
    }
    found = {
        days: [e.effect for e in understood(_log_group(*days, "app")).effects] for days in cases
    }
    assert found == cases
    # Cloud Control's log group: unset is null (kept for ever), so a first retention deletes.
    awscc = rc("awscc_logs_log_group.g", ["update"], {"id": "app", "retention_in_days": None},
               {"id": "app", "retention_in_days": 14})  # fmt: skip
    assert [e.effect for e in understood(awscc).effects] == [E.UPDATE, E.DELETE]


def test_lowering_a_kinesis_streams_retention_deletes_its_older_records() -> None:
    def stream(before: int, after: int) -> dict[str, Any]:
        return rc("aws_kinesis_stream.s", ["update"], {"name": "s", "retention_period": before},
                  {"name": "s", "retention_period": after})  # fmt: skip

    cut = understood(stream(168, 24)).effects
    assert [e.effect for e in cut] == [E.UPDATE, E.DELETE]
    assert "arn:aws:kinesis:*:*:stream/s" in cut[1].resource.names
    assert [e.effect for e in understood(stream(24, 48)).effects] == [E.UPDATE]


# --- 7. kustomization_resource holds a Kubernetes object as JSON text ---------------------


def _kustomized(manifest: Any) -> dict[str, Any]:
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    return rc('kustomization_resource.p0["_/Namespace/_/payments"]', ["delete"],
              {"id": "2b7e", "manifest": text}, None,
              provider_name="registry.terraform.io/kbst/kustomization")  # fmt: skip


def test_deleting_a_protected_namespace_through_kustomization_is_denied(policy: Policy) -> None:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "payments"}}
    action = understood(_kustomized(namespace))
    assert "k8s:namespace/payments" in action.effects[0].resource.names
    assert decided(policy, action).decision.value == "deny"


def test_kustomized_objects_are_named_in_their_namespace_and_a_crd_names_its_kind() -> None:
    deployment = {"kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}}
    crd = {
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "clusters.postgresql.cnpg.io"},
        "spec": {"group": "postgresql.cnpg.io", "scope": "Namespaced",
                 "names": {"kind": "Cluster", "plural": "clusters"}},
    }  # fmt: skip
    (named,) = understood(_kustomized(deployment)).effects
    assert "k8s:shop/deployment/api" in named.resource.names
    (defined,) = understood(_kustomized(crd)).effects
    assert any(n.startswith("k8s:*/cluster") for n in defined.resource.names)
    (broken,) = understood(_kustomized("{not json")).effects  # not a crash, no k8s: name
    assert not any(n.startswith("k8s:") for n in broken.resource.names)


# --- the saved plan's own configuration snapshot --------------------------------------------


def _saved_plan(files: dict[str, str], *, manifest: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tfplan", b"\x00")
        if manifest:
            archive.writestr("tfconfig/modules.json", '[{"Key": "", "Dir": "."}]')
        for name, text in files.items():
            archive.writestr(f"tfconfig/{name}", text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("files", "found"),
    [
        ({"m-/main.tf": 'resource "x" "y" {}\n'}, False),
        ({"m-/main.tf": "# removed {\n// removed {\n"}, False),
        ({"m-/main.tf": "removed {\n  from = x.y\n}\n"}, True),
        ({"m-/main.tf": "", "m-net/gone.tf": "  removed{\n}\n"}, True),
        ({"m-/main.tf.json": '{"removed": [{"from": "x.y"}]}'}, True),
        ({"m-/main.tofu": "removed {\n}\n"}, True),
        ({"m-/notes.md": "removed {\n"}, False),
    ],
)
def test_the_snapshot_tells_whether_a_removed_block_is_there(
    files: dict[str, str], found: bool
) -> None:
    assert snapshot_has_removed_blocks(_saved_plan(files)) is found


def test_a_plan_file_without_a_readable_snapshot_tells_nothing() -> None:
    assert snapshot_has_removed_blocks(b"stand-in plan file") is None
    assert snapshot_has_removed_blocks(_saved_plan({"m-/main.tf": ""}, manifest=False)) is None


def test_a_snapshot_without_removed_blocks_leaves_the_plain_delete() -> None:
    plan = json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.11.4",
            "resource_changes": [
                {
                    "address": "terraform_data.cleanup",
                    "mode": "managed",
                    "type": "terraform_data",
                    "name": "cleanup",
                    "provider_name": "terraform.io/builtin/terraform",
                    "change": {"actions": ["delete"], "before": {"id": "1"}, "after": None},
                    "action_reason": "delete_because_no_resource_config",
                }
            ],
        }
    )
    kinds = {
        told: [e.effect for e in understand_terraform(plan, removed_blocks=told).effects]
        for told in (None, True, False)
    }
    assert kinds[None] == kinds[True] == [EffectKind.DELETE, EffectKind.UNKNOWN]
    assert kinds[False] == [EffectKind.DELETE]
