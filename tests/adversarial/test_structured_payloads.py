"""Structured payloads (Terraform plans, CloudFormation change sets, AdmissionReviews,
CloudTrail records) whose truth is more destructive, or lands somewhere stricter, than a
reading of one field would say.

Each case is judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (or a variant
of it named in the case) and asserts the verdict the truth calls for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.server.conftest import Server, make_tokens

from keyturn.audit.reconcile import UsedGrant, event_time, reconcile
from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.errors import InputError
from keyturn.model import Actor, Decision, Target
from keyturn.policy import Policy, load_policy
from keyturn.server import create_app
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.cloudtrail import cloudtrail_effects, cloudtrail_identity
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.terraform import understand_terraform

ACTOR = Actor(agent="kiro", operator="bob")
PROD_ACCOUNT = "111111111111"  # the BRIEF policy's production account


def _judge(policy: Policy, action: Any) -> Decision:
    return policy.judge(action, actor=ACTOR)


# --- CloudFormation: a Modify is judged by the worst of Replacement, PolicyAction, details ---


def _change_set(change: dict[str, Any], **top: Any) -> str:
    doc = {"StackName": "payments", "Changes": [{"Type": "Resource", "ResourceChange": change}]}
    return json.dumps({**doc, **top})


def _db_modify(**fields: Any) -> dict[str, Any]:
    return {
        "Action": "Modify",
        "LogicalResourceId": "Db",
        "PhysicalResourceId": "prod-db",  # protected: arn:aws:rds:*:*:db:prod-*
        "ResourceType": "AWS::RDS::DBInstance",
        **fields,
    }


RECREATE_ALWAYS = [
    {
        "Target": {
            "Attribute": "Properties",
            "Name": "DBInstanceIdentifier",
            "RequiresRecreation": "Always",
        },
        "Evaluation": "Static",
    }
]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_db_modify(PolicyAction="ReplaceAndDelete"), id="cfn-policy-action-replace"),
        pytest.param(
            _db_modify(Replacement="False", PolicyAction="ReplaceAndSnapshot"),
            id="cfn-policy-action-replace-despite-replacement-false",
        ),
        pytest.param(
            _db_modify(Replacement="False", Details=RECREATE_ALWAYS),
            id="cfn-detail-requires-recreation-always",
        ),
        pytest.param(_db_modify(Replacement="true"), id="cfn-replacement-value-unknown"),
        pytest.param(_db_modify(PolicyAction="Delete"), id="cfn-modify-policy-action-delete"),
    ],
)
def test_cfn_modify_that_replaces_a_protected_db_is_denied(
    brief_policy: Policy, change: dict[str, Any]
) -> None:
    decision = _judge(brief_policy, understand_change_set(_change_set(change)))
    assert decision.decision.value == "deny"
    assert decision.judgements[0].effect.effect.value == "replace"


def test_cfn_plain_modify_stays_an_update(brief_policy: Policy) -> None:
    decision = _judge(brief_policy, understand_change_set(_change_set(_db_modify())))
    assert decision.judgements[0].effect.effect.value == "update"


@pytest.mark.parametrize("status", ["CREATE_PENDING", "CREATE_IN_PROGRESS"])
def test_cfn_change_set_not_yet_computed_is_not_an_empty_one(
    brief_policy: Policy, status: str
) -> None:
    doc = json.dumps({"StackName": "orders-dev", "Status": status, "Changes": []})
    decision = _judge(brief_policy, understand_change_set(doc, target=Target(environment="dev")))
    assert decision.decision.value != "allow"
    assert any(j.effect.effect.value == "unknown" for j in decision.judgements)


def test_cfn_stack_arn_tells_the_production_account(brief_policy_text: str) -> None:
    """Without ``--account`` the StackId's account decides, not unknown_environment."""
    policy = load_policy(
        brief_policy_text.replace("unknown_environment: production", "unknown_environment: dev")
    )
    doc = json.dumps(
        {
            "StackId": f"arn:aws:cloudformation:us-east-1:{PROD_ACCOUNT}:stack/orders/0a1b",
            "StackName": "orders",
            "Changes": [
                {
                    "ResourceChange": {
                        "Action": "Remove",
                        "LogicalResourceId": "Jobs",
                        "PhysicalResourceId": "orders-jobs",
                        "ResourceType": "AWS::SQS::Queue",
                        "PolicyAction": "Delete",
                    }
                }
            ],
        }
    )
    decision = _judge(policy, understand_change_set(doc))
    assert decision.judgements[0].environment == "production"
    assert decision.decision.value == "ask"
    assert decision.approvals_required == 2


# --- Terraform: a workspace name does not hide the account the plan's ARNs land in ---


def test_tf_dev_workspace_over_production_account_is_production(brief_policy_text: str) -> None:
    """A stale or copied state: the workspace says dev, the ARNs say the production account."""
    text = brief_policy_text.replace(
        '    kube_contexts: ["kind-*", "dev-*"]\n',
        '    kube_contexts: ["kind-*", "dev-*"]\n    terraform_workspaces: ["dev*"]\n',
    )
    assert text != brief_policy_text
    policy = load_policy(text)
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_sqs_queue.jobs",
                "mode": "managed",
                "type": "aws_sqs_queue",
                "name": "jobs",
                "change": {
                    "actions": ["delete"],
                    "before": {"arn": f"arn:aws:sqs:us-east-1:{PROD_ACCOUNT}:jobs", "name": "jobs"},
                    "after": None,
                },
            }
        ],
    }
    action = understand_terraform(json.dumps(plan), target=Target(terraform_workspace="dev"))
    decision = _judge(policy, action)
    assert decision.judgements[0].environment == "production"
    assert decision.decision.value == "ask"
    assert decision.approvals_required == 2


def _moved(address: str, previous: str, actions: list[str]) -> str:
    values = {"identifier": "orders", "arn": "arn:aws:rds:us-east-1:222222222222:db:orders"}
    change = {"actions": actions, "before": values, "after": values}
    rc = {
        "address": address,
        "previous_address": previous,
        "mode": "managed",
        "type": "aws_db_instance",
        "name": address.split(".")[1],
        "change": change,
    }
    return json.dumps({"format_version": "1.2", "resource_changes": [rc]})


@pytest.mark.parametrize("actions", [["no-op"], ["update"]], ids=["tf-moved", "tf-moved-updated"])
def test_tf_moving_the_protected_address_away_is_denied(
    brief_policy: Policy, actions: list[str]
) -> None:
    """``moved`` then, next plan, destroy: the protected address would no longer name it."""
    plan = _moved("aws_db_instance.primary", "aws_db_instance.main", actions)
    decision = _judge(brief_policy, understand_terraform(plan))
    assert decision.decision.value == "deny"
    assert any(j.effect.removes_protection and j.protected for j in decision.judgements)


def test_tf_moving_into_an_instance_of_the_same_address_keeps_its_name(
    brief_policy: Policy,
) -> None:
    plan = _moved("aws_db_instance.main[0]", "aws_db_instance.main", ["no-op"])
    decision = _judge(brief_policy, understand_terraform(plan, target=Target(environment="dev")))
    assert decision.decision.value == "allow"


def test_tf_moving_an_unprotected_address_stays_allowed(brief_policy: Policy) -> None:
    plan = _moved("aws_db_instance.reports", "aws_db_instance.old_reports", ["no-op"])
    decision = _judge(brief_policy, understand_terraform(plan))
    assert decision.decision.value == "allow"


def _provisioned(
    actions: list[str], provisioner: dict[str, Any], *, address: str = "null_resource.cleanup"
) -> str:
    module, _, own = address.rpartition("null_resource.")
    configured: dict[str, Any] = {
        "resources": [
            {"address": "null_resource." + own.split("[")[0], "provisioners": [provisioner]}
        ]
    }
    if module:  # module.app. -> the resource lives in the module "app"
        configured = {"module_calls": {module.split(".")[1]: {"module": configured}}}
    rc = {
        "address": address,
        "mode": "managed",
        "type": "null_resource",
        "name": "cleanup",
        "change": {"actions": actions, "before": None, "after": {"triggers": None}},
    }
    plan = {
        "format_version": "1.2",
        "resource_changes": [rc],
        "configuration": {"root_module": configured},
    }
    return json.dumps(plan)


def _local_exec(command: str, **expressions: Any) -> dict[str, Any]:
    return {
        "type": "local-exec",
        "expressions": {"command": {"constant_value": command}, **expressions},
    }


DROP_PROD = "aws rds delete-db-instance --db-instance-identifier prod-main --skip-final-snapshot"


@pytest.mark.parametrize(
    ("actions", "address"),
    [
        pytest.param(["create"], "null_resource.cleanup", id="tf-local-exec-on-create"),
        pytest.param(["delete", "create"], "null_resource.cleanup", id="tf-local-exec-on-replace"),
        pytest.param(["delete"], "null_resource.cleanup", id="tf-local-exec-on-destroy"),
        pytest.param(
            ["create"], 'module.ops.null_resource.cleanup["x"]', id="tf-local-exec-in-a-module"
        ),
    ],
)
def test_tf_provisioner_dropping_the_protected_db_is_denied(
    brief_policy: Policy, actions: list[str], address: str
) -> None:
    """A dev "create null_resource" whose local-exec deletes the production database."""
    plan = _provisioned(actions, _local_exec(DROP_PROD), address=address)
    decision = _judge(brief_policy, understand_terraform(plan, target=Target(environment="dev")))
    assert decision.decision.value == "deny"
    assert any(j.protected for j in decision.judgements)


@pytest.mark.parametrize(
    "provisioner",
    [
        pytest.param(
            {"type": "local-exec", "expressions": {"command": {"references": ["var.cmd"]}}},
            id="tf-local-exec-command-from-a-variable",
        ),
        pytest.param(
            _local_exec("print(1)", interpreter={"constant_value": ["python3", "-c"]}),
            id="tf-local-exec-other-interpreter",
        ),
        pytest.param(
            {"type": "remote-exec", "expressions": {"inline": {"constant_value": ["rm -rf /"]}}},
            id="tf-remote-exec",
        ),
        pytest.param(_local_exec("echo done"), id="tf-local-exec-harmless-still-held"),
    ],
)
def test_tf_provisioners_are_never_silently_allowed(
    brief_policy: Policy, provisioner: dict[str, Any]
) -> None:
    plan = _provisioned(["create"], provisioner)
    decision = _judge(brief_policy, understand_terraform(plan, target=Target(environment="dev")))
    assert decision.decision.value == "ask"
    assert any(j.effect.effect.value == "unknown" for j in decision.judgements)


def test_tf_provisioner_environment_tells_where_the_command_lands(brief_policy: Policy) -> None:
    provisioner = _local_exec(
        "aws s3 rb s3://reports --force", environment={"constant_value": {"AWS_PROFILE": "prod"}}
    )
    plan = _provisioned(["create"], provisioner)
    action = understand_terraform(plan, target=Target(terraform_workspace="dev-1"))
    decision = _judge(brief_policy, action)
    deletes = [j for j in decision.judgements if j.effect.effect.value == "delete"]
    assert deletes and all(j.environment == "production" for j in deletes)


def test_tf_provisioner_of_an_updated_resource_does_not_run(brief_policy: Policy) -> None:
    plan = _provisioned(["update"], _local_exec(DROP_PROD))
    decision = _judge(brief_policy, understand_terraform(plan, target=Target(environment="dev")))
    assert decision.decision.value == "allow"


@pytest.mark.parametrize(
    ("values", "reached"),
    [
        pytest.param(
            {"kind": "Namespace", "name": "payments", "yaml_body": "kind: Namespace"},
            "k8s:namespace/payments",
            id="tf-kubectl-manifest-namespace",
        ),
        pytest.param(
            {"kind": "CustomResourceDefinition", "name": "clusters.postgresql.cnpg.io"},
            "k8s:*/cluster/*",
            id="tf-kubectl-manifest-crd",
        ),
    ],
)
def test_tf_kubectl_manifest_destroy_names_its_object(
    brief_policy: Policy, values: dict[str, Any], reached: str
) -> None:
    rc = {
        "address": "kubectl_manifest.thing",
        "mode": "managed",
        "type": "kubectl_manifest",
        "name": "thing",
        "change": {"actions": ["delete"], "before": values, "after": None},
    }
    plan = json.dumps({"format_version": "1.2", "resource_changes": [rc]})
    decision = _judge(brief_policy, understand_terraform(plan, target=Target(environment="dev")))
    assert reached in decision.judgements[0].effect.resource.names
    assert decision.decision.value == "deny"


def test_tf_external_data_read_on_apply_runs_a_program(brief_policy: Policy) -> None:
    program = ["bash", "-c", "aws rds delete-db-instance --db-instance-identifier prod-main"]
    rc = {
        "address": "data.external.inventory",
        "mode": "data",
        "type": "external",
        "name": "inventory",
        "action_reason": "read_because_config_unknown",
        "change": {"actions": ["read"], "before": None, "after": {"program": program}},
    }
    plan = json.dumps({"format_version": "1.2", "resource_changes": [rc]})
    decision = _judge(brief_policy, understand_terraform(plan, target=Target(environment="dev")))
    assert decision.decision.value == "ask"
    assert decision.judgements[0].effect.effect.value == "unknown"


def test_tf_destroying_a_crd_manifest_reaches_the_protected_namespace(
    brief_policy: Policy,
) -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "kubernetes_manifest.cnpg_crd",
                "mode": "managed",
                "type": "kubernetes_manifest",
                "name": "cnpg_crd",
                "change": {"actions": ["delete"], "before": {"manifest": CRD}, "after": None},
            }
        ],
    }
    action = understand_terraform(json.dumps(plan), target=Target(environment="dev"))
    decision = _judge(brief_policy, action)
    assert "k8s:*/cluster/*" in decision.judgements[0].effect.resource.names
    assert decision.decision.value == "deny"


# --- Kubernetes: deletes that do not say "DELETE namespace" ---


def _review(**request: Any) -> str:
    base = {
        "uid": "3c1f",
        "userInfo": {"username": "system:serviceaccount:agents:kiro"},
    }
    return json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": base | request}
    )


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "clusters.postgresql.cnpg.io"},
    "spec": {
        "group": "postgresql.cnpg.io",
        "scope": "Namespaced",
        "names": {"kind": "Cluster", "plural": "clusters", "singular": "cluster"},
    },
}
CRD_KIND = {"group": "apiextensions.k8s.io", "version": "v1", "kind": "CustomResourceDefinition"}
CRD_RESOURCE = {
    "group": "apiextensions.k8s.io",
    "version": "v1",
    "resource": "customresourcedefinitions",
}


@pytest.mark.parametrize(
    "review",
    [
        pytest.param(
            _review(
                operation="DELETE",
                kind=CRD_KIND,
                resource=CRD_RESOURCE,
                name="clusters.postgresql.cnpg.io",
                oldObject=CRD,
            ),
            id="k8s-crd-delete-takes-every-custom-resource",
        ),
        pytest.param(
            _review(operation="DELETE", kind=CRD_KIND, resource=CRD_RESOURCE),
            id="k8s-crd-collection-delete",
        ),
    ],
)
def test_k8s_crd_delete_reaches_the_protected_namespace(brief_policy: Policy, review: str) -> None:
    """Deleting a definition deletes its objects everywhere, payments' included."""
    action = understand_admission(review, target=Target(kube_context="kind-dev"))
    decision = _judge(brief_policy, action)
    assert decision.decision.value == "deny"
    assert decision.judgements[0].protected


def test_k8s_crd_delete_names_its_kind_in_every_namespace() -> None:
    review = _review(
        operation="DELETE",
        kind=CRD_KIND,
        resource=CRD_RESOURCE,
        name="clusters.postgresql.cnpg.io",
        oldObject=CRD,
    )
    names = understand_admission(review).effects[0].resource.names
    assert "k8s:*/cluster/*" in names


NS_KIND = {"group": "", "version": "v1", "kind": "Namespace"}
NS_RESOURCE = {"group": "", "version": "v1", "resource": "namespaces"}
TERMINATING = {"name": "payments", "deletionTimestamp": "2026-12-06T10:00:00Z"}


@pytest.mark.parametrize(
    "review",
    [
        pytest.param(
            _review(
                operation="UPDATE",
                kind=NS_KIND,
                resource=NS_RESOURCE,
                subResource="finalize",
                name="payments",
                oldObject={"kind": "Namespace", "metadata": TERMINATING,
                           "spec": {"finalizers": ["kubernetes"]}},
                object={"kind": "Namespace", "metadata": TERMINATING, "spec": {"finalizers": []}},
            ),
            id="k8s-terminating-namespace-finalize-emptied",
        ),
        pytest.param(
            _review(
                operation="UPDATE",
                kind=NS_KIND,
                resource=NS_RESOURCE,
                name="payments",
                oldObject={"kind": "Namespace",
                           "metadata": {**TERMINATING, "finalizers": ["acme.io/backup"]}},
                object={"kind": "Namespace", "metadata": TERMINATING},
            ),
            id="k8s-terminating-namespace-metadata-finalizer-dropped",
        ),
    ],
)  # fmt: skip
def test_k8s_finalizers_off_a_terminating_namespace_is_its_delete(
    brief_policy: Policy, review: str
) -> None:
    decision = _judge(brief_policy, understand_admission(review))
    assert decision.judgements[0].effect.effect.value == "delete"
    assert decision.decision.value == "deny"


def test_k8s_finalizers_off_a_terminating_pvc_is_a_delete(brief_policy: Policy) -> None:
    meta = {"name": "data", "namespace": "orders", "deletionTimestamp": "2026-12-06T10:00:00Z"}
    review = _review(
        operation="UPDATE",
        namespace="orders",
        kind={"group": "", "version": "v1", "kind": "PersistentVolumeClaim"},
        resource={"group": "", "version": "v1", "resource": "persistentvolumeclaims"},
        name="data",
        oldObject={"metadata": {**meta, "finalizers": ["kubernetes.io/pvc-protection"]}},
        object={"metadata": meta},
    )
    decision = _judge(
        brief_policy, understand_admission(review, target=Target(kube_context="staging-1"))
    )
    assert decision.judgements[0].effect.effect.value == "delete"
    assert decision.decision.value == "ask"
    assert decision.approvals_required == 2


def test_k8s_finalizer_added_or_kept_is_an_update() -> None:
    meta = {"name": "data", "namespace": "orders", "finalizers": ["a"]}
    review = _review(
        operation="UPDATE",
        namespace="orders",
        kind={"group": "", "version": "v1", "kind": "ConfigMap"},
        resource={"group": "", "version": "v1", "resource": "configmaps"},
        name="data",
        oldObject={"metadata": {"name": "data", "namespace": "orders"}},
        object={"metadata": meta},
    )
    assert understand_admission(review).effects[0].effect.value == "update"


def test_k8s_pv_reclaim_policy_off_retain_unprotects_a_protected_volume(
    brief_policy_text: str,
) -> None:
    text = brief_policy_text.replace(
        '  - "k8s:namespace/payments"\n',
        '  - "k8s:namespace/payments"\n  - "k8s:persistentvolume/pv-payments-*"\n',
    )
    assert text != brief_policy_text
    volume = {"metadata": {"name": "pv-payments-db"}}
    review = _review(
        operation="UPDATE",
        kind={"group": "", "version": "v1", "kind": "PersistentVolume"},
        resource={"group": "", "version": "v1", "resource": "persistentvolumes"},
        name="pv-payments-db",
        oldObject={**volume, "spec": {"persistentVolumeReclaimPolicy": "Retain"}},
        object={**volume, "spec": {"persistentVolumeReclaimPolicy": "Delete"}},
    )
    action = understand_admission(review, target=Target(kube_context="kind-dev"))
    decision = _judge(load_policy(text), action)
    assert action.effects[0].removes_protection
    assert decision.decision.value == "deny"


# --- CloudTrail: versioned event names, and whose tags are session tags ---


def _record(source: str, name: str, params: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "eventVersion": "1.08",
        "eventTime": "2026-12-06T10:00:30Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "recipientAccountId": PROD_ACCOUNT,
        "readOnly": False,
        "requestParameters": params,
        "userIdentity": {
            "type": "AssumedRole",
            "arn": f"arn:aws:sts::{PROD_ACCOUNT}:assumed-role/agent/kiro-1",
        },
        **more,
    }


@pytest.mark.parametrize(
    ("source", "name", "params", "resource"),
    [
        pytest.param(
            "lambda.amazonaws.com", "DeleteFunction20150331", {"functionName": "prod-fn"},
            f"arn:aws:lambda:us-east-1:{PROD_ACCOUNT}:function:prod-fn",
            id="cloudtrail-lambda-versioned-delete",
        ),
        pytest.param(
            "cloudfront.amazonaws.com", "DeleteDistribution2020_05_31", {"id": "E1ABC"},
            f"arn:aws:cloudfront::{PROD_ACCOUNT}:distribution/E1ABC",
            id="cloudtrail-cloudfront-versioned-delete",
        ),
        pytest.param(
            "es.amazonaws.com", "DeleteDomain", {"domainName": "prod-search"},
            f"arn:aws:es:us-east-1:{PROD_ACCOUNT}:domain/prod-search",
            id="cloudtrail-opensearch-delete-on-the-es-host",
        ),
        pytest.param(
            "apigateway.amazonaws.com", "DeleteApi", {"apiId": "a1b2"},
            f"arn:aws:apigateway:us-east-1:{PROD_ACCOUNT}:api/a1b2",
            id="cloudtrail-apigateway-v2-delete-on-the-v1-host",
        ),
    ],
)  # fmt: skip
def test_cloudtrail_versioned_event_names_are_the_call(
    source: str, name: str, params: dict[str, Any], resource: str
) -> None:
    effects = cloudtrail_effects(_record(source, name, params))
    assert [e.effect.value for e in effects] == ["delete"]
    assert resource in effects[0].resource.names


def test_cloudtrail_versioned_delete_is_not_gated_by_another_functions_grant() -> None:
    """An unknown call on "anything in the account" matched any grant there."""
    grant = UsedGrant(
        grant=1,
        request=1,
        digest="sha256:" + "a" * 64,
        used_at=event_time("2026-12-06T10:00:00Z"),
        agent="kiro",
        operator="bob",
        resources=(f"arn:aws:lambda:us-east-1:{PROD_ACCOUNT}:function:dev-fn",),
        approvers=("alice", "carol"),
    )
    event = _record("lambda.amazonaws.com", "DeleteFunction20150331", {"functionName": "prod-fn"})
    finding = reconcile([event], [grant]).findings[0]
    assert finding.status == "UNGATED"
    assert finding.destructive


def test_cloudtrail_resource_tags_are_not_session_tags() -> None:
    record = _record(
        "rds.amazonaws.com",
        "CreateDBInstance",
        {"dBInstanceIdentifier": "orders", "tags": [{"key": "request", "value": "7"}]},
    )
    assert "session_tags" not in cloudtrail_identity(record)
    assume = _record(
        "sts.amazonaws.com",
        "AssumeRole",
        {"roleSessionName": "kiro-1", "tags": [{"key": "request", "value": "7"}]},
    )
    assert cloudtrail_identity(assume)["session_tags"] == {"request": "7"}


@pytest.fixture()
def webhook(tmp_path: Path, brief_policy_text: str) -> Iterator[Server]:
    """keyturn's app (the admission webhook among its routes) on the BRIEF policy."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    tokens = make_tokens(store)
    app = create_app(settings, gate=build_gate(settings, store=store), secret=b"s" * 32)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(client=client, tokens=tokens)
    store.close()


# --- Bad input is a one-line refusal, never a crash (the webhook answers 400, not 500) ---


@pytest.mark.parametrize("api_version", [["admission.k8s.io/v1"], {"v": 1}], ids=["list", "object"])
def test_k8s_review_api_version_not_a_string_is_bad_input(api_version: Any) -> None:
    review = json.dumps({"apiVersion": api_version, "kind": "AdmissionReview", "request": {}})
    with pytest.raises(InputError, match="apiVersion"):
        understand_admission(review)


@pytest.mark.parametrize("status", [["CREATE_PENDING"], {"s": 1}], ids=["list", "object"])
def test_cfn_status_not_a_string_is_not_a_crash(status: Any) -> None:
    doc = json.dumps({"StackName": "orders", "Status": status, "Changes": []})
    assert understand_change_set(doc).effects


def test_admission_deeply_nested_review_is_refused_as_bad_input(webhook: Server) -> None:
    deep = "[" * 50_000 + "]" * 50_000
    raw = (
        '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u",'
        '"operation":"DELETE","kind":{"kind":"Namespace"},"name":"payments",'
        '"oldObject":{"metadata":{"name":"payments"},"x":' + deep + "}}}"
    )
    r = webhook.client.post("/k8s/admission", content=raw.encode(), headers=webhook.h("cluster"))
    assert r.status_code == 400
    assert set(r.json()) == {"error"}


def test_admission_crd_delete_is_refused_by_the_webhook(webhook: Server) -> None:
    review = _review(
        operation="DELETE",
        kind=CRD_KIND,
        resource=CRD_RESOURCE,
        name="clusters.postgresql.cnpg.io",
        oldObject=CRD,
    )
    r = webhook.client.post(
        "/k8s/admission?context=kind-dev", content=review, headers=webhook.h("cluster")
    )
    body = r.json()
    assert body["apiVersion"] == "admission.k8s.io/v1"
    assert body["response"] == body["response"] | {"uid": "3c1f", "allowed": False}
    assert body["response"]["status"]["code"] == 403
