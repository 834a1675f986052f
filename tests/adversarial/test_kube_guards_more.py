"""Kubernetes guards taken off by writing a whole object, by a namespace's Pod Security level,
and helm 4's ``--server-side`` value read as a release.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (``kind-*`` is dev,
namespace ``payments`` protected); the session's kubeconfig is a real file under ``tmp_path``
whose current context is ``kind-dev``. Confirmed with the kubectl 1.32 client on this machine
against a small recording API server: ``kubectl replace -f ns.yaml`` sends ``PUT
/api/v1/namespaces/payments`` whose body is the file (plus the live ``resourceVersion``) --
nothing of the live object's annotations or labels -- and ``replace --force`` sends ``DELETE``
first; ``kubectl label ns payments pod-security.kubernetes.io/enforce-`` sends the merge patch
``{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":null}}}`` and ``...=privileged
--overwrite`` the same with ``"privileged"``. helm is not installed: its flags are read from
helm 4's source (``pkg/cmd/install.go``: ``f.BoolVar(..., "server-side", true, ...)``;
``upgrade.go`` and ``rollback.go``: ``f.StringVar(..., "server-side", "auto", "must be
\\"true\\", \\"false\\" or \\"auto\\"...")``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.adversarial.conftest import ACTOR
from tests.conftest import BRIEF_POLICY

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Effect, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.shell import understand_shell

DEV_CONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: kind-dev\n"
E = EffectKind
BARE_NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n"
GUARDED_NAMESPACE = """\
apiVersion: v1
kind: Namespace
metadata:
  name: payments
  labels:
    pod-security.kubernetes.io/enforce: restricted
  annotations:
    helm.sh/resource-policy: keep
    argocd.argoproj.io/sync-options: Prune=false,Delete=false
    kustomize.toolkit.fluxcd.io/prune: disabled
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY)


def _home(tmp_path: Path) -> Path:
    (tmp_path / "home/.kube").mkdir(parents=True, exist_ok=True)
    (tmp_path / "home/.kube/config").write_text(DEV_CONFIG)
    (tmp_path / "project").mkdir(exist_ok=True)
    return tmp_path / "home"


def _action(line: str, tmp_path: Path, files: dict[str, str] | None = None) -> Action:
    home = _home(tmp_path)
    for name, text in (files or {}).items():
        (tmp_path / "project" / name).write_text(text)
    return understand_shell(
        line,
        cwd=str(tmp_path / "project"),
        home=str(home),
        env={},
        target=Target(),
        files=LocalFiles(),
    )


def _k8s(action: Action) -> Effect:
    (found,) = [e for e in action.effects if e.service == "k8s"]
    return found


def _decision(policy: Policy, action: Action) -> str:
    return policy.judge(action, actor=ACTOR).decision.value


# 1. kubectl replace writes the whole object: what its file leaves out is taken off.
@pytest.mark.parametrize(
    "line",
    [
        "kubectl replace -f ns.yaml",
        "kubectl replace --force -f ns.yaml",
        f"kubectl replace -f - <<EOF\n{BARE_NAMESPACE}EOF",
        "curl -X PUT -H 'Content-Type: application/json' -d "
        """'{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"payments"}}' """
        "https://10.0.0.1:6443/api/v1/namespaces/payments",
    ],
)
def test_replacing_a_protected_namespace_without_its_guards_takes_them_off(
    line: str, tmp_path: Path, policy: Policy
) -> None:
    """``kubectl replace`` PUTs the file as the object ("the complete resource spec must be
    provided", ``kubectl replace --help``; the PUT body seen on the wire): Helm's ``keep``, Argo
    CD's and Flux's prune guards and the Pod Security ``enforce`` label the live namespace
    carries are gone after it, as when an ``apply`` sets them off. Before: a plain update
    (allowed in dev); ``replace --force`` a replace whose new object was not marked as
    removing protection; the raw PUT the same update."""
    action = _action(line, tmp_path, {"ns.yaml": BARE_NAMESPACE})
    effect = _k8s(action)
    assert effect.removes_protection
    for label in ("Helm resource policy", "Argo CD Prune=false", "Flux prune"):
        assert label in effect.detail
    assert "Pod Security enforce" in effect.detail
    assert _decision(policy, action) == "deny"


@pytest.mark.parametrize(
    ("manifest", "expected", "absent"),
    [
        (
            "apiVersion: rds.aws.upbound.io/v1beta1\nkind: Instance\nmetadata:\n  name: db\n"
            "spec:\n  forProvider: {region: us-east-1}\n",
            ("deletion policy", "management policies", "deletion protection"),
            ("ACK deletion policy", "Pod Security enforce"),
        ),
        (
            "apiVersion: rds.services.k8s.aws/v1alpha1\nkind: DBInstance\nmetadata:\n"
            "  name: db\nspec:\n  engine: postgres\n",
            ("ACK deletion policy", "deletion protection"),
            ("management policies", "Config Connector"),
        ),
        (
            "apiVersion: sql.cnrm.cloud.google.com/v1beta1\nkind: SQLInstance\nmetadata:\n"
            "  name: db\n",
            ("Config Connector deletion policy",),
            ("ACK deletion policy", "management policies"),
        ),
    ],
)
def test_replace_takes_off_the_switches_of_the_objects_kind(
    manifest: str, expected: tuple[str, ...], absent: tuple[str, ...], tmp_path: Path
) -> None:
    """Left out, a Crossplane managed resource's ``deletionPolicy`` is ``Delete`` and its
    ``managementPolicies`` ``["*"]`` (their CRD defaults), ACK's and Config Connector's
    deletion-policy annotations are gone (their default deletes), deletion protection is
    unset; a switch the kind does not carry is not named. Before: a plain update."""
    effect = _k8s(_action("kubectl replace -f obj.yaml -n shop", tmp_path, {"obj.yaml": manifest}))
    assert effect.removes_protection
    assert all(label in effect.detail for label in expected)
    assert not any(label in effect.detail for label in absent)


def test_replacing_a_volume_without_its_reclaim_policy_does_not_take_it_off(
    tmp_path: Path,
) -> None:
    """False-alarm guard (passes before and after): a PersistentVolume written without
    ``persistentVolumeReclaimPolicy`` is defaulted to ``Retain`` by the API server ("Retain
    (default for manually created PersistentVolumes)", the PersistentVolume API reference),
    so the reclaim policy is not among what the replace takes off."""
    pv = "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv1\nspec: {}\n"
    effect = _k8s(_action("kubectl replace -f pv.yaml", tmp_path, {"pv.yaml": pv}))
    assert "reclaim policy" not in effect.detail


@pytest.mark.parametrize(
    ("line", "manifest"),
    [
        ("kubectl replace -f ns.yaml", GUARDED_NAMESPACE),
        # apply takes off only what its own earlier apply set (the last-applied configuration,
        # or the fields its manager owns): a guard added any other way stays.
        ("kubectl apply -f ns.yaml", BARE_NAMESPACE),
    ],
)
def test_whole_writes_that_keep_the_guards_and_apply_are_not_refused(
    line: str, manifest: str, tmp_path: Path, policy: Policy
) -> None:
    """False-alarm guard (passes before and after): a replace that writes every guard at its
    safe value keeps them; ``apply`` of a manifest that leaves them out is not read as taking
    them off (Kubernetes' "Declarative management" docs: apply deletes a field only when the
    last-applied configuration has it and the file does not). Allowed in dev."""
    action = _action(line, tmp_path, {"ns.yaml": manifest})
    assert not _k8s(action).removes_protection
    assert _decision(policy, action) == "allow"


# 2. Pod Security Admission: the namespace's guard against pods that reach the node.
@pytest.mark.parametrize(
    "line",
    [
        "kubectl label ns payments --overwrite pod-security.kubernetes.io/enforce=privileged",
        "kubectl label ns payments pod-security.kubernetes.io/enforce-",
        "kubectl label namespace/payments pod-security.kubernetes.io/enforce- team=a",
        "kubectl patch ns payments -p "
        """'{"metadata":{"labels":{"pod-security.kubernetes.io/enforce":"privileged"}}}'""",
        "kubectl patch ns payments --type=json -p "
        """'[{"op":"remove","path":"/metadata/labels/pod-security.kubernetes.io~1enforce"}]'""",
        "kubectl apply -f - <<EOF\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n"
        "  labels:\n    pod-security.kubernetes.io/enforce: privileged\nEOF",
    ],
)
def test_switching_a_protected_namespaces_pod_security_off_is_refused(
    line: str, tmp_path: Path, policy: Policy
) -> None:
    """Decision: Pod Security's ``enforce`` level is the namespace's guard (``baseline`` and
    ``restricted`` refuse privileged pods and host namespaces and paths, Kubernetes' Pod
    Security Standards), so switching it off -- ``privileged``, or the label removed, which
    leaves the cluster's default (``privileged`` unless configured) -- is named as other guard
    switches are (a lock, deletion protection, a database trigger): an UPDATE that removes the
    namespace's protection. On a protected namespace it is refused (BRIEF: no agent switches a
    protected resource's protection off); elsewhere it stays a plain update, and a privileged
    pod created there later is judged by itself (host access: unknown on the node). Before:
    an update, allowed in dev."""
    action = _action(line, tmp_path)
    effect = _k8s(action)
    assert effect.removes_protection and "Pod Security enforce" in effect.detail
    assert _decision(policy, action) == "deny"


@pytest.mark.parametrize(
    "line",
    [
        "kubectl label ns payments --overwrite pod-security.kubernetes.io/enforce=restricted",
        "kubectl label ns payments --overwrite pod-security.kubernetes.io/enforce=baseline",
        "kubectl label ns payments pod-security.kubernetes.io/warn=privileged",
        "kubectl label ns payments pod-security.kubernetes.io/audit-",
    ],
)
def test_pod_security_writes_that_keep_the_guard_are_not_refused(
    line: str, tmp_path: Path, policy: Policy
) -> None:
    """False-alarm guard (passes before and after): an ``enforce`` level that still refuses
    privileged pods, and the ``warn``/``audit`` modes (which refuse nothing), are plain
    updates (allowed in dev)."""
    action = _action(line, tmp_path)
    assert not _k8s(action).removes_protection
    assert _decision(policy, action) == "allow"


def test_pod_security_off_on_an_unprotected_namespace_stays_an_update(
    tmp_path: Path, policy: Policy
) -> None:
    """The removal is named (removes protection) but an unprotected namespace has none the
    policy keeps: the update's own rules judge it (allowed in dev). Before: the same verdict,
    without the mark."""
    line = "kubectl label ns shop --overwrite pod-security.kubernetes.io/enforce=privileged"
    action = _action(line, tmp_path)
    assert _k8s(action).removes_protection
    assert _decision(policy, action) == "allow"


def _review(before: dict[str, str], after: dict[str, str]) -> str:
    def namespace(labels: dict[str, str]) -> dict[str, Any]:
        meta = {"name": "payments", "labels": labels}
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}

    request = {
        "uid": "u-1",
        "operation": "UPDATE",
        "name": "payments",
        "kind": {"group": "", "version": "v1", "kind": "Namespace"},
        "resource": {"group": "", "version": "v1", "resource": "namespaces"},
        "oldObject": namespace(before),
        "object": namespace(after),
        "userInfo": {"username": "kiro"},
    }
    return json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    )


ENFORCE = "pod-security.kubernetes.io/enforce"


@pytest.mark.parametrize(
    ("before", "after", "removes"),
    [
        ({ENFORCE: "restricted"}, {ENFORCE: "privileged"}, True),
        ({ENFORCE: "baseline"}, {}, True),
        ({ENFORCE: "restricted"}, {ENFORCE: "baseline"}, False),
        ({}, {ENFORCE: "privileged"}, False),
    ],
)
def test_the_admission_side_reads_the_pod_security_guard(
    before: dict[str, str], after: dict[str, str], removes: bool, policy: Policy
) -> None:
    """The webhook sees the namespace before and after: a level that refused privileged pods
    and no longer does removes its protection (refused: payments is protected); one that
    still refuses them, or one that never did, does not. Before: a plain update."""
    action = understand_admission(_review(before, after), target=Target(kube_context="kind-dev"))
    assert action.effects[0].removes_protection is removes
    assert policy.judge(action, actor=ACTOR).decision.value == ("deny" if removes else "allow")


# 3. helm 4's --server-side VALUE.
@pytest.mark.parametrize(
    ("line", "release"),
    [
        ("helm upgrade --server-side true web ./chart -n shop", "helm:shop/web"),
        ("helm upgrade web --server-side auto ./chart -n shop", "helm:shop/web"),
        ("helm rollback --server-side false web 3 -n shop", "helm:shop/web"),
        ("helm install --server-side auto web ./chart -n shop", "helm:shop/web"),
        ("helm install --server-side false web ./chart -n shop", "helm:shop/web"),
    ],
)
def test_helm_server_side_value_is_not_a_release(line: str, release: str, tmp_path: Path) -> None:
    """helm 4's upgrade and rollback take ``--server-side true|false|auto`` (a string flag: the
    next word is its value); install's is a boolean, and a value word after it is read as the
    flag's (helm 4 itself refuses the third positional). Before: the value was the release
    (``helm:shop/true``, ``helm:shop/auto``...); the case with the flag between release and
    chart named the release right before too (a false-alarm guard for that position)."""
    (effect,) = [e for e in _action(line, tmp_path).effects if e.resource.type == "helm_release"]
    assert effect.resource.names == (release,)


def test_helm_upgrade_server_side_takes_the_next_flag_as_its_value(tmp_path: Path) -> None:
    """``helm upgrade web ./chart --server-side --dry-run``: pflag gives a string flag the next
    word whatever it is, so ``--dry-run`` is ``--server-side``'s (invalid) value, not a dry run:
    not read as one. Before: a read ("dry run of upgrade")."""
    (effect,) = _action("helm upgrade web ./chart --server-side --dry-run", tmp_path).effects
    assert effect.effect is E.UPDATE


def test_helm_install_server_side_is_still_a_boolean(tmp_path: Path) -> None:
    """False-alarm guard (passes before and after): on install ``--server-side`` takes no
    value, so ``--dry-run`` after it is helm's own dry run (a read)."""
    (effect,) = _action("helm install web ./chart --server-side --dry-run", tmp_path).effects
    assert effect.effect is E.READ
