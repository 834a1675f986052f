"""Tools around a Kubernetes cluster -- kubectx, kubens, velero, helmfile, argocd, flux ->
effects named as kubectl and helm name them, on the cluster kubectl would reach, and
decisions."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_KUBECONFIG = {"/home/u/.kube/config": "current-context: prod-east\n"}


def _effects(command: str) -> list[tuple[EffectKind, tuple[str, ...], str | None]]:
    action = understand_shell(command, cwd="/w", home="/home/u", files=MemoryFiles(_KUBECONFIG))
    return [(e.effect, e.resource.names, e.target.kube_context) for e in action.effects]


_CONFIG = ("file:/home/u/.kube/config",)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("kubectx", [(_E.READ, ("shell:kubectx",), None)]),
        ("kubectx kind-dev", [(_E.UPDATE, _CONFIG, "kind-dev")]),
        ("kubectx -d old-ctx", [(_E.UPDATE, _CONFIG, None)]),
        ("kubens payments", [(_E.UPDATE, _CONFIG, "prod-east")]),
        (
            "velero backup delete nightly --confirm",
            [(_E.DELETE, ("k8s:velero/backup/nightly",), "prod-east")],
        ),
        ("velero backup get", [(_E.READ, ("k8s:velero/*",), "prod-east")]),
        (
            "velero restore create --from-backup b --include-namespaces shop,pay",
            [(_E.CREATE, ("k8s:shop/*", "k8s:pay/*"), "prod-east")],
        ),
        (
            "velero restore create --from-backup b --existing-resource-policy=update",
            [(_E.UPDATE, ("k8s:*",), "prod-east")],
        ),
        (
            "velero uninstall --force",
            [(_E.DELETE, ("k8s:namespace/velero", "k8s:velero/*"), "prod-east")],
        ),
        ("helmfile -e prod destroy", [(_E.DELETE, ("helm:*/*",), "prod-east")]),
        ("helmfile -l name=api apply", [(_E.UPDATE, ("helm:*/api",), "prod-east")]),
        (
            "helmfile --kube-context kind-dev -n shop sync",
            [(_E.UPDATE, ("helm:shop/*",), "kind-dev")],
        ),
        ("helmfile diff", [(_E.READ, ("shell:helmfile",), None)]),
        (
            "flux delete kustomization apps -s",
            [
                (
                    _E.DELETE,
                    (
                        "k8s:flux-system/kustomization/apps",
                        "k8s:flux-system/kustomization/apps/*",
                    ),
                    "prod-east",
                )
            ],
        ),
        (
            "flux delete source git repo -n infra",
            [(_E.DELETE, ("k8s:infra/gitrepository/repo",), "prod-east")],
        ),
        (
            "flux suspend hr api -n shop --context kind-dev",
            [(_E.UPDATE, ("k8s:shop/helmrelease/api",), "kind-dev")],
        ),
        (
            "flux uninstall -s",
            [(_E.DELETE, ("k8s:namespace/flux-system", "k8s:flux-system/*"), "prod-east")],
        ),
        ("flux get kustomizations", [(_E.READ, ("shell:flux",), None)]),
    ],
)
def test_kube_tools(
    command: str, expected: list[tuple[EffectKind, tuple[str, ...], str | None]]
) -> None:
    assert _effects(command) == expected


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "argocd app delete shop -y",
            [(_E.DELETE, ("argocd:app/shop", "argocd:app/shop/*")), (_E.UNKNOWN, ("k8s:*",))],
        ),
        ("argocd app delete shop --cascade=false", [(_E.DELETE, ("argocd:app/shop",))]),
        (
            "argocd app delete shop -N team-a",
            [
                (_E.DELETE, ("argocd:app/team-a/shop", "argocd:app/team-a/shop/*")),
                (_E.UNKNOWN, ("k8s:*",)),
            ],
        ),
        (
            "argocd app delete -l team=a",
            [(_E.DELETE, ("argocd:app/*", "argocd:app/*/*")), (_E.UNKNOWN, ("k8s:*",))],
        ),
        (
            "argocd --server argocd.prod.internal app sync shop --prune",
            [
                (_E.UPDATE, ("argocd:app/shop", "argocd:argocd.prod.internal/app/shop")),
                (_E.DELETE, ("argocd:app/shop/*", "argocd:argocd.prod.internal/app/shop/*")),
                (_E.UNKNOWN, ("k8s:*",)),
            ],
        ),
        ("argocd app sync shop --dry-run", [(_E.READ, ("argocd:app/shop",))]),
        ("argocd app rollback shop 3", [(_E.UPDATE, ("argocd:app/shop",))]),
        (
            "argocd appset delete all-apps",
            [
                (_E.DELETE, ("argocd:appset/all-apps", "argocd:appset/all-apps/*")),
                (_E.UNKNOWN, ("k8s:*",)),
            ],
        ),
        ("argocd proj delete team", [(_E.DELETE, ("argocd:project/team",))]),
        ("argocd app list", [(_E.READ, ("shell:argocd",))]),
    ],
)
def test_argocd(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert [(kind, names) for kind, names, _ in _effects(command)] == expected


@pytest.mark.parametrize(
    "command",
    ["kubectx -", "kubens -", "argocd admin settings rbac", "argocd app actions run shop restart"],
)
def test_forms_not_understood_are_unknown(command: str) -> None:
    assert [kind for kind, _, _ in _effects(command)] == [_E.UNKNOWN]


def test_a_switch_by_kubectx_is_followed_by_the_kubectl_after_it() -> None:
    contexts = {c for kind, _, c in _effects("kubectx kind-dev && kubectl delete ns shop")}
    assert "kind-dev" in contexts


def test_a_production_flux_kustomization_delete_needs_two_approvals(
    judge_brief: JudgeBrief,
) -> None:
    decision = judge_brief(
        "flux delete kustomization apps -s --context prod-east", env=None, files=MemoryFiles({})
    )
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2


def test_a_protected_backup_is_never_deleted(judge_brief: JudgeBrief) -> None:
    decision = judge_brief(
        "velero backup delete --all --confirm",
        env="dev",
        policy=protecting("k8s:velero/backup/pre-migration"),
    )
    assert decision.decision is Verdict.DENY, decision.describe()
