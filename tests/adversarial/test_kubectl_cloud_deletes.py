"""``kubectl delete`` of a Crossplane or ACK object deletes the AWS resource behind it.

Crossplane's documentation (managed resources, ``deletionPolicy``): deleting a managed resource
makes the provider delete the external resource unless the policy is ``Orphan``; the external
name is the ``crossplane.io/external-name`` annotation, which defaults to the object's name.
ACK's documentation ("Deletion policy"): "the underlying AWS resource is first deleted" unless
the object retains it. The admission webhook named those resources (``test_admission_gaps``);
the same delete sent with kubectl named only the Kubernetes object, so a protected production
database was deleted through a dev-looking ``kubectl delete`` line with no more than a review
of a Kubernetes object.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_MANIFEST = """apiVersion: rds.aws.upbound.io/v1beta1
kind: Instance
metadata:
  name: main
  annotations:
    crossplane.io/external-name: prod-main
spec:
  forProvider:
    region: us-east-1
"""
_ORPHANED = """apiVersion: rds.aws.upbound.io/v1beta1
kind: Instance
metadata:
  name: prod-kept
spec:
  deletionPolicy: Orphan
"""


def effects(command: str, files: dict[str, str] | None = None) -> list[Effect]:
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(files or {}))
    return list(action.effects)


def named(command: str, kind: EffectKind, files: dict[str, str] | None = None) -> set[str]:
    return {n for e in effects(command, files) if e.effect is kind for n in e.resource.names}


@pytest.mark.parametrize(
    "command",
    [
        "kubectl delete instance.rds.aws.upbound.io prod-db",
        "kubectl delete instances.rds.aws.upbound.io prod-db",
        "kubectl delete instance.v1beta1.rds.aws.upbound.io prod-db",
        "kubectl delete instance.rds.aws.upbound.io/prod-db",
        "kubectl delete -n infra instance.rds.aws.m.upbound.io prod-db",
    ],
)
def test_a_crossplane_delete_deletes_the_database_by_its_default_name(
    judge_shell: JudgeShell, command: str
) -> None:
    assert "arn:aws:rds:*:*:db:prod-db" in named(command, EffectKind.DELETE)
    assert judge_shell(command, env="dev").decision is Verdict.DENY


def test_which_resource_the_object_stands_for_is_not_on_the_line(judge_shell: JudgeShell) -> None:
    # An imported object's external name may be another resource's: held, never allowed.
    command = "kubectl delete bucket.s3.aws.upbound.io logs"
    assert "arn:aws:s3:::*" in named(command, EffectKind.UNKNOWN)
    assert judge_shell(command, env="dev").decision is Verdict.ASK


def test_an_ack_object_keeps_its_identifier_in_its_spec(judge_shell: JudgeShell) -> None:
    command = "kubectl delete dbinstance.rds.services.k8s.aws main -n prod"
    assert "arn:aws:rds:*:*:db:*" in named(command, EffectKind.UNKNOWN)
    assert not named(command, EffectKind.DELETE) & {"arn:aws:rds:*:*:db:main"}
    assert judge_shell(command, env="dev").decision is not Verdict.ALLOW


def test_a_manifest_at_hand_names_the_resource_by_its_annotation(judge_shell: JudgeShell) -> None:
    files = {f"{CWD}/db.yaml": _MANIFEST}
    assert "arn:aws:rds:*:*:db:prod-main" in named(
        "kubectl delete -f db.yaml", EffectKind.DELETE, files
    )
    assert judge_shell("kubectl delete -f db.yaml", env="dev", files=files).decision is Verdict.DENY


def test_an_orphaned_object_leaves_its_resource() -> None:
    files = {f"{CWD}/db.yaml": _ORPHANED}
    deleted = named("kubectl delete -f db.yaml", EffectKind.DELETE, files)
    assert "k8s:default/instance/prod-kept" in deleted
    assert not any(n.startswith("arn:") for n in deleted)


@pytest.mark.parametrize(
    "command",
    [
        "kubectl delete deploy web",
        "kubectl delete deployments.apps web",
        "kubectl delete certificate.cert-manager.io web",
        # A short name is resolved by the cluster's discovery: not known to be cloud-backed here.
        "kubectl delete bucket logs",
    ],
)
def test_other_kinds_name_no_cloud_resource(command: str) -> None:
    assert not any(n.startswith("arn:") for e in effects(command) for n in e.resource.names)
