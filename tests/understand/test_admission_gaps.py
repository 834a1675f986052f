"""AdmissionReview gaps: what a claim, a cloud-backed resource, a status, a pod's host access,
a kind's spelling and a retention switch mean beyond the object's own name."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest
from tests.conftest import brief_protecting

from keyturn.errors import InputError
from keyturn.model import Action, Actor, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand.k8s_kinds import normalize_kind
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, handler_for

E = EffectKind
AGENT = "system:serviceaccount:agents:kiro"
_POLICIES: dict[tuple[str, ...], Policy] = {}


def policy(*protected: str) -> Policy:
    """The BRIEF policy with ``protected`` added to its protected list."""
    if protected not in _POLICIES:
        _POLICIES[protected] = load_policy(brief_protecting(*protected))
    return _POLICIES[protected]


def review(**request: Any) -> str:
    base = {"uid": "u-1", "userInfo": {"username": AGENT}}
    base.update(request)
    return json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": base}
    )


def verdict(action: Action, *protected: str) -> Verdict:
    return policy(*protected).judge(action, actor=Actor(agent=AGENT, operator=AGENT)).decision


def admit(text: str, context: str = "kind-dev") -> Action:
    return understand_admission(text, target=Target(kube_context=context))


def kinds(group: str, kind: str, plural: str) -> dict[str, Any]:
    version = "v1"
    return {
        "kind": {"group": group, "version": version, "kind": kind},
        "resource": {"group": group, "version": version, "resource": plural},
    }


def every_name(action: Action) -> set[str]:
    return {n for e in action.effects for n in e.resource.names}


# --- 1. a claim's delete deletes the volume bound to it ------------------------------------

PVC = kinds("", "PersistentVolumeClaim", "persistentvolumeclaims")
PV_PATTERN = "k8s:persistentvolume/pv-payments-*"


def _claim(**spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": "data", "namespace": "orders"}, "spec": spec}


def test_deleting_a_claim_names_its_bound_volume_and_a_protected_one_refuses_it() -> None:
    text = review(
        operation="DELETE",
        name="data",
        namespace="orders",
        oldObject=_claim(volumeName="pv-payments-db"),
        **PVC,
    )
    action = admit(text)
    (effect,) = action.effects
    assert effect.resource.names == (
        "k8s:orders/persistentvolumeclaim/data",
        "k8s:persistentvolume/pv-payments-db",
    )
    assert "pv-payments-db" in effect.detail
    assert verdict(action, PV_PATTERN) is Verdict.DENY
    # A claim bound to no protected volume is still a dev delete.
    other = review(
        operation="DELETE",
        name="data",
        namespace="orders",
        oldObject=_claim(volumeName="pv-x"),
        **PVC,
    )
    assert verdict(admit(other), PV_PATTERN) is Verdict.ALLOW


def test_each_item_of_a_claims_collection_delete_names_its_volume() -> None:
    text = review(
        operation="DELETE", namespace="orders", oldObject=_claim(volumeName="pv-payments-db"), **PVC
    )
    action = admit(text)
    assert "k8s:persistentvolume/pv-payments-db" in action.effects[0].resource.names
    assert verdict(action, PV_PATTERN) is Verdict.DENY


def test_deleting_a_volume_snapshot_names_its_bound_content() -> None:
    snap = kinds("snapshot.storage.k8s.io", "VolumeSnapshot", "volumesnapshots")
    old = {
        "metadata": {"name": "s1", "namespace": "orders"},
        "status": {"boundVolumeSnapshotContentName": "snap-payments-1"},
    }
    action = admit(review(operation="DELETE", name="s1", namespace="orders", oldObject=old, **snap))
    assert "k8s:volumesnapshotcontent/snap-payments-1" in action.effects[0].resource.names
    assert verdict(action, "k8s:volumesnapshotcontent/snap-payments-*") is Verdict.DENY


# --- 2. a cloud-backed custom resource's delete deletes the cloud resource -----------------

ACK_DB = kinds("rds.services.k8s.aws", "DBInstance", "dbinstances")
ACK_ARN = "arn:aws:rds:us-east-1:111111111111:db:prod-main"


def _ack_db(annotations: dict[str, str] | None = None, arn: str = ACK_ARN) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "main", "namespace": "data"}
    if annotations is not None:
        meta["annotations"] = annotations
    status = {
        "ackResourceMetadata": {
            "arn": arn,
            "ownerAccountID": arn.split(":")[4],
            "region": "us-east-1",
        }
    }
    return {"apiVersion": "rds.services.k8s.aws/v1alpha1", "kind": "DBInstance", "metadata": meta,
            "spec": {"dbInstanceIdentifier": arn.rsplit(":", 1)[1]}, "status": status}  # fmt: skip


def test_deleting_an_ack_resource_deletes_its_aws_resource_by_arn_and_account() -> None:
    text = review(operation="DELETE", name="main", namespace="data", oldObject=_ack_db(), **ACK_DB)
    action = admit(text)
    assert ACK_ARN in every_name(action)
    cloud = next(e for e in action.effects if ACK_ARN in e.resource.names)
    assert cloud.effect is E.DELETE and cloud.target.aws_account == "111111111111"
    assert cloud.service == "rds"
    assert verdict(action) is Verdict.DENY  # arn:aws:rds:*:*:db:prod-* is protected
    # Not protected, but in the production account: not a dev delete however dev the cluster.
    dev_named = "arn:aws:rds:us-east-1:111111111111:db:orders"
    other = review(
        operation="DELETE",
        name="main",
        namespace="data",
        oldObject=_ack_db(arn=dev_named),
        **ACK_DB,
    )
    assert verdict(admit(other)) is Verdict.ASK


def test_only_an_ack_resource_that_does_not_retain_its_aws_resource_deletes_it() -> None:
    for policy_name, deleted in (("delete", True), ("retain", False)):
        old = _ack_db({"services.k8s.aws/deletion-policy": policy_name})
        text = review(operation="DELETE", name="main", namespace="data", oldObject=old, **ACK_DB)
        action = admit(text)
        assert (ACK_ARN in every_name(action)) is deleted, policy_name
        assert verdict(action) is (Verdict.DENY if deleted else Verdict.ALLOW), policy_name


XP_DB = kinds("rds.aws.upbound.io", "Instance", "instances")


def _xp_db(external: str, policy_name: str = "Delete") -> dict[str, Any]:
    annotations = {"crossplane.io/external-name": external}
    spec = {"deletionPolicy": policy_name, "forProvider": {"region": "us-east-1"}}
    return {"metadata": {"name": "db", "annotations": annotations}, "spec": spec}


def test_deleting_a_crossplane_resource_names_its_external_name_by_the_providers_kind() -> None:
    action = admit(review(operation="DELETE", name="db", oldObject=_xp_db("prod-main"), **XP_DB))
    assert "arn:aws:rds:*:*:db:prod-main" in every_name(action)
    assert verdict(action) is Verdict.DENY
    orphan = admit(
        review(operation="DELETE", name="db", oldObject=_xp_db("prod-main", "Orphan"), **XP_DB)
    )
    assert not any(n.startswith("arn:") for n in every_name(orphan))


def test_repointing_a_crossplane_resource_at_another_external_resource_names_both() -> None:
    text = review(
        operation="UPDATE",
        name="db",
        oldObject=_xp_db("dev-db"),
        object=_xp_db("prod-main"),
        **XP_DB,
    )
    names = every_name(admit(text))
    assert {"arn:aws:rds:*:*:db:dev-db", "arn:aws:rds:*:*:db:prod-main"} <= names


# --- 3. the status a status/approval subresource sets is what is approved ------------------

CSR = kinds("certificates.k8s.io", "CertificateSigningRequest", "certificatesigningrequests")


def _csr(condition: str | None) -> dict[str, Any]:
    status = {"conditions": [{"type": condition, "status": "True"}]} if condition else {}
    spec = {"request": "LS0t", "usages": ["client auth"]}
    return {"metadata": {"name": "agent-admin"}, "spec": spec, "status": status}


def _csr_approval(condition: str) -> Action:
    text = review(operation="UPDATE", subResource="approval", name="agent-admin",
                  object=_csr(condition), oldObject=_csr(None), **CSR)  # fmt: skip
    return admit(text, "prod-eu")


def test_approving_a_csrs_denial_does_not_admit_its_approval() -> None:
    denied, approved = _csr_approval("Denied"), _csr_approval("Approved")
    assert denied.digest != approved.digest
    assert isinstance(approved.subject, dict)
    assert approved.subject["object"]["status"]["conditions"][0]["type"] == "Approved"
    assert "Approved=True" in approved.effects[0].detail


def test_a_status_is_bound_where_it_is_the_change_and_only_there() -> None:
    node = kinds("", "Node", "nodes")

    def ready(value: str) -> Action:
        obj = {
            "metadata": {"name": "w1"},
            "status": {"conditions": [{"type": "Ready", "status": value}]},
        }
        return admit(
            review(
                operation="UPDATE",
                subResource="status",
                name="w1",
                object=obj,
                oldObject=obj,
                **node,
            )
        )

    assert ready("True").digest != ready("False").digest
    # An ordinary update: the server keeps the stored status, which controllers keep changing.
    deploy = kinds("apps", "Deployment", "deployments")

    def update(ready: int) -> Action:
        old = {
            "metadata": {"name": "web"},
            "spec": {"replicas": 2},
            "status": {"readyReplicas": ready},
        }
        new = {**old, "spec": {"replicas": 3}}
        return admit(
            review(
                operation="UPDATE",
                name="web",
                namespace="shop",
                object=new,
                oldObject=old,
                **deploy,
            )
        )

    assert update(1).digest == update(2).digest


# --- 4. a pod with host access is arbitrary execution on its node --------------------------

POD = kinds("", "Pod", "pods")
DEBUG_POD: dict[str, Any] = {
    "metadata": {"name": "node-debugger-worker-1-x7k2p", "namespace": "default"},
    "spec": {
        "nodeName": "worker-1", "hostIPC": True, "hostNetwork": True, "hostPID": True,
        "tolerations": [{"operator": "Exists"}],
        "containers": [{"name": "debugger", "image": "busybox",
                        "volumeMounts": [{"mountPath": "/host", "name": "host-root"}]}],
        "volumes": [{"name": "host-root", "hostPath": {"path": "/"}}],
    },
}  # fmt: skip


def _shell_debug_node() -> tuple[EffectKind, str]:
    argv = tuple(shlex.split("kubectl --context staging-1 debug node/worker-1 -it --image=busybox"))
    handler = handler_for(argv[0])
    assert handler is not None
    effects = handler(
        SimpleCommand(argv=argv, program=argv[0], text=" ".join(argv)), ShellContext()
    )
    assert effects is not None
    (effect,) = effects
    return effect.effect, effect.detail


def test_the_pod_kubectl_debug_node_creates_is_judged_as_the_shell_judges_the_command() -> None:
    text = review(
        operation="CREATE",
        name=DEBUG_POD["metadata"]["name"],
        namespace="default",
        object=DEBUG_POD,
        **POD,
    )
    action = admit(text, "staging-1")
    host = next(e for e in action.effects if e.effect is E.UNKNOWN)
    shell_kind, shell_detail = _shell_debug_node()
    assert host.effect is shell_kind
    assert "arbitrary execution" in host.detail and "arbitrary execution" in shell_detail
    assert "k8s:node/worker-1" in host.resource.names
    assert verdict(action) is Verdict.ASK
    assert verdict(admit(text, "prod-eu")) is Verdict.DENY
    dry = admit(
        review(
            operation="CREATE", name="p", namespace="default", object=DEBUG_POD, dryRun=True, **POD
        )
    )
    assert [e.effect for e in dry.effects] == [E.READ]


def _template(pod_spec: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": "x"}, "spec": {"template": {"spec": pod_spec}}}


def _context(**context: Any) -> dict[str, Any]:
    return {"containers": [{"name": "c", "securityContext": context}]}


def _host_path(path: str) -> dict[str, Any]:
    return {"volumes": [{"name": "v", "hostPath": {"path": path}}]}


_CRON = {
    "metadata": {"name": "x"},
    "spec": {"jobTemplate": _template(_host_path("/var/lib/../../etc/"))},
}


@pytest.mark.parametrize(
    ("kind", "obj"),
    [
        (kinds("apps", "DaemonSet", "daemonsets"), _template(_context(privileged=True))),
        (
            kinds("apps", "Deployment", "deployments"),
            _template(_context(capabilities={"add": ["CAP_SYS_ADMIN"]})),
        ),
        (kinds("batch", "CronJob", "cronjobs"), _CRON),
        (kinds("batch", "Job", "jobs"), _template(_host_path("/var"))),
    ],
)
def test_workload_pod_templates_with_host_access_are_unknown(
    kind: dict[str, Any], obj: dict[str, Any]
) -> None:
    action = admit(
        review(operation="CREATE", name="x", namespace="shop", object=obj, **kind), "staging-1"
    )
    assert [e.effect for e in action.effects] == [E.CREATE, E.UNKNOWN]
    assert verdict(action) is Verdict.ASK


def test_ordinary_host_use_is_told_apart_from_host_access() -> None:
    def created(path: str) -> list[EffectKind]:
        spec = {**_context(capabilities={"add": ["NET_BIND_SERVICE"]}), **_host_path(path)}
        obj = {"metadata": {"name": "p"}, "spec": spec}
        text = review(operation="CREATE", name="p", namespace="shop", object=obj, **POD)
        return [e.effect for e in admit(text, "staging-1").effects]

    assert created("/var/log") == [E.CREATE]
    assert created("/var/lib") == [E.CREATE, E.UNKNOWN]  # holds the kubelet's and etcd's


# --- 5. a kind is its API singular on every path -------------------------------------------

PROM = kinds("monitoring.coreos.com", "Prometheus", "prometheuses")


def test_a_kind_ending_in_s_keeps_it_on_every_path() -> None:
    deleted = admit(review(operation="DELETE", name="k8s", namespace="monitoring", **PROM))
    assert deleted.effects[0].resource.names == ("k8s:monitoring/prometheus/k8s",)
    assert verdict(deleted, "k8s:monitoring/prometheus/k8s") is Verdict.DENY
    scale = {**PROM, "kind": {"group": "autoscaling", "version": "v1", "kind": "Scale"}}
    replicas = {"object": {"spec": {"replicas": 0}}, "oldObject": {"spec": {"replicas": 2}}}
    scaled = admit(
        review(operation="UPDATE", subResource="scale", name="k8s", namespace="monitoring",
               **replicas, **scale)
    )  # fmt: skip
    assert scaled.effects[0].resource.names == ("k8s:monitoring/prometheus/k8s",)
    redis = kinds("redis.redis.opstreelabs.in", "Redis", "redis")
    gone = admit(review(operation="DELETE", name="main", namespace="cache", **redis))
    assert gone.effects[0].resource.names == ("k8s:cache/redis/main",)
    # ...and the usual plurals are still de-pluralised.
    words = ("ingresses", "clickhouses", "deployments", "prometheuses")
    assert [normalize_kind(w) for w in words] == [
        "ingress",
        "clickhouse",
        "deployment",
        "prometheus",
    ]


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("prometheus", "prometheus"), ("prometheuses", "prometheus"), ("Prometheus", "prometheus"),
        ("redis", "redis"), ("redises", "redis"), ("Redis", "redis"),
        ("postgreses", "postgres"), ("statuses", "status"),
        ("dnses", "dns"), ("aliases", "alias"), ("eventbus", "eventbus"),
        ("rediscaches", "rediscache"),
    ],
)  # fmt: skip
def test_plurals_and_singulars_give_one_kind(word: str, kind: str) -> None:
    assert normalize_kind(word) == kind


# --- 6. deletion-policy switches are protection ---------------------------------------------


def _switch(
    kind: dict[str, Any], name: str, before: dict[str, Any], after: dict[str, Any], **req: Any
) -> Action:
    text = review(operation="UPDATE", name=name, oldObject=before, object=after, **kind, **req)
    return admit(text)


def test_a_snapshot_contents_deletion_policy_off_retain_removes_protection() -> None:
    vsc = kinds("snapshot.storage.k8s.io", "VolumeSnapshotContent", "volumesnapshotcontents")
    meta = {"name": "snap-payments-1"}
    before = {"metadata": meta, "spec": {"deletionPolicy": "Retain"}}
    after = {"metadata": meta, "spec": {"deletionPolicy": "Delete"}}
    action = _switch(vsc, "snap-payments-1", before, after)
    assert action.effects[0].removes_protection
    assert verdict(action, "k8s:volumesnapshotcontent/snap-payments-*") is Verdict.DENY


def test_removing_acks_retain_annotation_unprotects_the_object_and_its_aws_resource() -> None:
    before, after = _ack_db({"services.k8s.aws/deletion-policy": "retain"}), _ack_db({})
    action = _switch(ACK_DB, "main", before, after, namespace="data")
    assert all(e.removes_protection for e in action.effects)
    assert ACK_ARN in every_name(action)
    assert verdict(action, "k8s:data/dbinstance/main") is Verdict.DENY
    assert verdict(action) is Verdict.DENY  # its ARN is protected by the BRIEF policy


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"spec": {"deletionPolicy": "Orphan"}}, {"spec": {"deletionPolicy": "Delete"}}),
        (
            {"spec": {"managementPolicies": ["Observe", "Create"]}},
            {"spec": {"managementPolicies": ["*"]}},
        ),
        ({"spec": {"deletionProtection": True}}, {"spec": {"deletionProtection": False}}),
        ({"metadata": {"annotations": {"helm.sh/resource-policy": "keep"}}}, {"metadata": {}}),
    ],
)  # fmt: skip
def test_other_retention_switches_taken_off_remove_protection(
    before: dict[str, Any], after: dict[str, Any]
) -> None:
    kind = kinds("example.com", "Widget", "widgets")
    action = _switch(kind, "w1", before, after, namespace="shop")
    assert action.effects[0].removes_protection
    assert verdict(action, "k8s:shop/widget/w1") is Verdict.DENY


# --- 7. a kind that is no kind is bad input ---------------------------------------------------


@pytest.mark.parametrize("word", ["   ", ".", "", "Deployment.apps", "a/b", 7])
def test_a_blank_or_dotted_kind_is_a_one_line_input_error(word: object) -> None:
    deploy = kinds("apps", "Deployment", "deployments")
    text = review(
        operation="DELETE", name="web", namespace="shop", **{**deploy, "kind": {"kind": word}}
    )
    with pytest.raises(InputError, match=r"request\.kind\.kind") as caught:
        understand_admission(text, source="r.json")
    assert "\n" not in str(caught.value)
