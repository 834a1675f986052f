"""Kubernetes AdmissionReviews: every fixture, subresources, dry runs, bad envelopes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from keyturn.errors import InputError
from keyturn.model import EffectKind
from keyturn.understand.k8s_kinds import is_cluster_scoped, normalize_kind, object_names
from keyturn.understand.kubernetes import understand_admission

E = EffectKind
_OPS = {"CREATE": E.CREATE, "UPDATE": E.UPDATE, "DELETE": E.DELETE}


def review(**request: Any) -> str:
    base = {
        "uid": "u-1",
        "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
        "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
        "name": "web",
        "namespace": "shop",
        "operation": "DELETE",
        "userInfo": {"username": "system:serviceaccount:agents:runner"},
    }
    base.update(request)
    return json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": base}
    )


def _fixture_files(root: Path) -> list[Path]:
    return sorted((root / "k8s").glob("*/*.json"))


def test_every_fixture_matches_its_own_operation_kind_and_name(fixtures: Path) -> None:
    paths = _fixture_files(fixtures)
    assert len(paths) >= 25
    for path in paths:
        doc = json.loads(path.read_text())
        request = doc.get("request", doc)
        effect, *extra = understand_admission(path.read_bytes(), source=path.name).effects
        # Besides its own effect, a privileged workload runs code on the node (host access).
        assert all(e.effect is E.UNKNOWN and "host access" in e.detail for e in extra), path.name
        expected = E.READ if request.get("dryRun") else _OPS[request["operation"]]
        assert effect.effect is expected, path.name
        name = request.get("name") or (request.get("object") or {})["metadata"]["name"]
        kind = normalize_kind(request["resource"]["resource"])
        ns = request.get("namespace") or "default"
        assert effect.resource.names[0] == object_names(kind, name, ns)[0], path.name
        assert effect.service == "k8s"
        assert request["userInfo"]["username"] in effect.detail


def test_namespace_delete_names_everything_inside(fixtures: Path) -> None:
    path = fixtures / "k8s/derived/k8s-016.admissionreview.json"
    (effect,) = understand_admission(path.read_bytes()).effects
    assert effect.effect is E.DELETE
    assert effect.resource.names == ("k8s:namespace/production", "k8s:production/*")
    assert "everything" in effect.detail


def test_scale_subresource_names_the_parent(fixtures: Path) -> None:
    path = fixtures / "k8s/derived/k8s-018.admissionreview.json"
    (effect,) = understand_admission(path.read_bytes()).effects
    assert effect.effect is E.UPDATE
    assert effect.resource.names == ("k8s:my-namespace/deployment/my-deployment",)


def test_scale_to_zero_is_called_disruptive() -> None:
    text = review(
        operation="UPDATE",
        subResource="scale",
        kind={"group": "autoscaling", "version": "v1", "kind": "Scale"},
        object={"kind": "Scale", "spec": {"replicas": 0}},
        oldObject={"kind": "Scale", "spec": {"replicas": 3}},
    )
    (effect,) = understand_admission(text).effects
    assert effect.effect is E.UPDATE
    assert "scaled to 0" in effect.detail


def test_eviction_is_delete_of_the_pod() -> None:
    text = review(
        operation="CREATE",
        subResource="eviction",
        kind={"group": "policy", "version": "v1", "kind": "Eviction"},
        resource={"group": "", "version": "v1", "resource": "pods"},
        name="web-1",
    )
    (effect,) = understand_admission(text).effects
    assert effect.effect is E.DELETE
    assert effect.resource.names == ("k8s:shop/pod/web-1",)


@pytest.mark.parametrize("sub", ["exec", "attach", "portforward"])
def test_connect_is_unknown(sub: str) -> None:
    text = review(
        operation="CONNECT",
        subResource=sub,
        kind={"group": "", "version": "v1", "kind": "PodExecOptions"},
        resource={"group": "", "version": "v1", "resource": "pods"},
        name="web-1",
    )
    (effect,) = understand_admission(text).effects
    assert effect.effect is E.UNKNOWN
    assert effect.resource.names == ("k8s:shop/pod/web-1",)


def test_dry_run_is_read_and_generate_name_is_a_pattern() -> None:
    (dry,) = understand_admission(review(dryRun=True)).effects
    assert dry.effect is E.READ
    text = review(operation="CREATE", name="", object={"metadata": {"generateName": "web-"}})
    (created,) = understand_admission(text).effects
    assert created.resource.names == ("k8s:shop/deployment/web-*",)


def test_delete_of_a_collection_names_the_namespace_it_empties() -> None:
    # deletecollection (``kubectl delete pods --all``): a DELETE naming no object.
    pods = {"kind": {"group": "", "version": "v1", "kind": "Pod"}}
    text = review(name="", namespace="payments", **pods)
    (effect,) = understand_admission(text).effects
    assert effect.effect is E.DELETE
    assert effect.resource.names == ("k8s:payments/pod/*", "k8s:namespace/payments")
    assert "contents" in effect.detail
    (everywhere,) = understand_admission(review(name="", namespace="", **pods)).effects
    assert everywhere.resource.names == ("k8s:*/pod/*", "k8s:namespace/*")
    nodes = {"kind": {"group": "", "version": "v1", "kind": "Node"}}
    (cluster,) = understand_admission(review(name="", namespace="", **nodes)).effects
    assert cluster.resource.names == ("k8s:node/*",)
    (dry,) = understand_admission(review(name="", dryRun=True, **pods)).effects
    assert dry.effect is E.READ


def test_a_create_without_any_name_is_still_refused() -> None:
    with pytest.raises(InputError, match=r"request\.name"):
        understand_admission(review(operation="CREATE", name=""))


def test_digest_ignores_uid_and_server_metadata() -> None:
    obj = {"metadata": {"name": "web", "resourceVersion": "1"}, "spec": {"replicas": 2}}
    one = understand_admission(review(operation="CREATE", object=obj))
    obj2 = {"metadata": {"name": "web", "resourceVersion": "9"}, "spec": {"replicas": 2}}
    two = understand_admission(review(operation="CREATE", object=obj2, uid="other"))
    assert one.digest == two.digest
    obj2["spec"]["replicas"] = 5
    assert understand_admission(review(operation="CREATE", object=obj2)).digest != one.digest


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"apiVersion": "v1", "kind": "AdmissionReview", "request": {}}', "apiVersion"),
        ('{"apiVersion": "admission.k8s.io/v1", "kind": "Pod", "request": {}}', "kind"),
        ('{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}', "request: missing"),
        (review(uid=""), "request.uid: missing"),
        (review(operation=None), "request.operation: missing"),
        (review(operation="PATCH"), "request.operation"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_reviews_are_one_line_input_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        understand_admission(text, source="r.json")
    assert str(caught.value).startswith("r.json: ")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("ns", "namespace"),
        ("deploy", "deployment"),
        ("deployments.apps", "deployment"),
        ("Deployment", "deployment"),
        ("po", "pod"),
        ("svc", "service"),
        ("sts", "statefulset"),
        ("ds", "daemonset"),
        ("cm", "configmap"),
        ("pvc", "persistentvolumeclaim"),
        ("pv", "persistentvolume"),
        ("sa", "serviceaccount"),
        ("ing", "ingress"),
        ("ingresses", "ingress"),
        ("crd", "customresourcedefinition"),
        ("networkpolicies", "networkpolicy"),
        ("endpoints", "endpoints"),
        ("ConfigMap", "configmap"),
        ("namespaces", "namespace"),
    ],
)
def test_normalize_kind(word: str, kind: str) -> None:
    assert normalize_kind(word) == kind


def test_cluster_scope() -> None:
    assert is_cluster_scoped("ns") and is_cluster_scoped("nodes") and is_cluster_scoped("crd")
    assert not is_cluster_scoped("deploy") and not is_cluster_scoped("pods")
    assert object_names("pvc", "data", "db") == ("k8s:db/persistentvolumeclaim/data",)
    assert object_names("pv", "disk-1", "db") == ("k8s:persistentvolume/disk-1",)
