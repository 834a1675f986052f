"""Local Kubernetes clusters (kind, minikube, k3d) -> effects on the cluster, with the kube
context the tool gives it, and decisions."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind


def _meaning(command: str) -> list[tuple[EffectKind, tuple[str, ...], str | None]]:
    action = understand_shell(command, cwd="/w", home="/home/u", files=MemoryFiles({}))
    return [(e.effect, e.resource.names, e.target.kube_context) for e in action.effects]


_KUBECONFIG = (_E.UPDATE, ("file:/home/u/.kube/config",), None)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("kind get clusters", [(_E.READ, ("kind:cluster/kind",), "kind-kind")]),
        (
            "kind create cluster --name dev",
            [(_E.CREATE, ("kind:cluster/dev",), "kind-dev"), _KUBECONFIG],
        ),
        (
            "KIND_CLUSTER_NAME=ci kind delete cluster",
            [(_E.DELETE, ("kind:cluster/ci", "kind:cluster/ci/*"), "kind-ci")],
        ),
        (
            "kind delete clusters a b",
            [
                (_E.DELETE, ("kind:cluster/a", "kind:cluster/a/*"), "kind-a"),
                (_E.DELETE, ("kind:cluster/b", "kind:cluster/b/*"), "kind-b"),
            ],
        ),
        (
            "kind delete clusters --all",
            [(_E.DELETE, ("kind:cluster/*", "kind:cluster/*/*"), "kind-*")],
        ),
        (
            "kind load docker-image app:1 --name dev",
            [(_E.UPDATE, ("kind:cluster/dev",), "kind-dev")],
        ),
        ("minikube status", [(_E.READ, ("minikube:profile/minikube",), "minikube")]),
        (
            "minikube start -p demo",
            [(_E.CREATE, ("minikube:profile/demo",), "demo"), _KUBECONFIG],
        ),
        (
            "minikube delete --all",
            [(_E.DELETE, ("minikube:profile/*", "minikube:profile/*/*"), None)],
        ),
        (
            "k3d cluster delete demo",
            [(_E.DELETE, ("k3d:cluster/demo", "k3d:cluster/demo/*"), "k3d-demo")],
        ),
        ("k3d image import app:1 -c demo", [(_E.UPDATE, ("k3d:cluster/demo",), "k3d-demo")]),
        ("k3d cluster list", [(_E.READ, ("k3d:cluster/k3s-default",), "k3d-k3s-default")]),
    ],
)
def test_meanings(
    command: str, expected: list[tuple[EffectKind, tuple[str, ...], str | None]]
) -> None:
    assert _meaning(command) == expected


def test_minikube_kubectl_is_kubectl_against_the_profiles_context() -> None:
    assert _meaning("minikube -p demo kubectl -- delete ns payments") == [
        (_E.DELETE, ("k8s:namespace/payments", "k8s:payments/*"), "demo")
    ]


def test_minikube_ssh_runs_the_command_on_the_node() -> None:
    (kind, names, _), *_ = _meaning("minikube ssh -- sudo rm -rf /var/lib/etcd")
    assert kind is _E.DELETE
    assert "minikube:profile/minikube/node/file:/var/lib/etcd" in names


@pytest.mark.parametrize(
    "command",
    ["minikube ssh", "minikube tunnel", "kind frobnicate cluster", "k3d registry create r"],
)
def test_forms_not_understood_are_unknown(command: str) -> None:
    assert [kind for kind, _, _ in _meaning(command)] == [_E.UNKNOWN]


def test_deleting_a_kind_cluster_is_a_dev_action(judge_brief: JudgeBrief) -> None:
    """The brief's ``dev`` environment holds the ``kind-*`` contexts."""
    assert judge_brief("kind delete cluster --name dev", env=None).decision is Verdict.ALLOW


def test_a_protected_namespace_stays_protected_through_minikube(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("minikube kubectl -- delete namespace payments", env="dev")
    assert decision.decision is Verdict.DENY, decision.describe()
