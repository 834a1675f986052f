"""kubectl and helm command lines."""

from __future__ import annotations

import shlex

import pytest
from tests.understand.shell.conftest import JudgeBrief

from keyturn.model import Effect, EffectKind, Target, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, handler_for

E = EffectKind


def run(line: str, **ctx: object) -> list[Effect]:
    argv = tuple(shlex.split(line))
    cmd = SimpleCommand(argv=argv, program=argv[0], text=line)
    handler = handler_for(argv[0])
    assert handler is not None
    effects = handler(cmd, ShellContext(**ctx))  # type: ignore[arg-type]
    assert effects
    return effects


def kinds(effects: list[Effect]) -> list[EffectKind]:
    return [e.effect for e in effects]


@pytest.mark.parametrize(
    ("line", "kind", "name"),
    [
        ("kubectl delete ns payments", E.DELETE, "k8s:namespace/payments"),
        ("kubectl -n shop delete deploy web", E.DELETE, "k8s:shop/deployment/web"),
        ("kubectl delete pod/a -n=shop", E.DELETE, "k8s:shop/pod/a"),
        ("kubectl delete pods -l app=web", E.DELETE, "k8s:default/pod/*"),
        ("kubectl delete pods --all -A", E.DELETE, "k8s:*/pod/*"),
        ("kubectl cordon node-1", E.UPDATE, "k8s:node/node-1"),
        ("kubectl scale deploy/web --replicas=0", E.UPDATE, "k8s:default/deployment/web"),
        ("kubectl replace --force -f x.yaml", E.UNKNOWN, "k8s:default/*"),
        ("kubectl patch deploy web -p {}", E.UPDATE, "k8s:default/deployment/web"),
        ("kubectl label ns prod team=a --overwrite", E.UPDATE, "k8s:namespace/prod"),
        ("kubectl set image deploy/web app=nginx:2", E.UPDATE, "k8s:default/deployment/web"),
        ("kubectl rollout undo deploy/web", E.UPDATE, "k8s:default/deployment/web"),
        ("kubectl rollout restart deployment web", E.UPDATE, "k8s:default/deployment/web"),
        ("kubectl rollout status deploy/web", E.READ, "k8s:default/deployment/web"),
        ("kubectl exec -it web-1 -- sh", E.UNKNOWN, "k8s:default/pod/web-1"),
        ("kubectl cp shop/web-1:/data ./d", E.UNKNOWN, "k8s:shop/pod/web-1"),
        ("kubectl get pods -A", E.READ, "k8s:*"),
        ("kubectl logs web-1", E.READ, "k8s:*"),
        ("kubectl create ns team-b", E.CREATE, "k8s:namespace/team-b"),
        ("kubectl create secret generic creds --from-literal=a=b", E.CREATE, "k8s:default/secret/creds"),  # noqa: E501
        ("kubectl run tmp --image=busybox", E.CREATE, "k8s:default/pod/tmp"),
        ("kubectl certificate approve csr-1", E.UPDATE, "k8s:certificatesigningrequest/csr-1"),
        ("kubectl delete ns prod --dry-run=server", E.READ, "k8s:namespace/prod"),
    ],
)  # fmt: skip
def test_kubectl_forms(line: str, kind: EffectKind, name: str) -> None:
    effects = run(line)
    assert effects[0].effect is kind
    assert effects[0].resource.names[0] == name
    assert effects[0].service == "k8s"
    assert effects[0].command == line


def test_namespace_delete_also_names_its_contents() -> None:
    (effect,) = run("kubectl delete namespace payments")
    assert effect.resource.names == ("k8s:namespace/payments", "k8s:payments/*")


def test_drain_updates_the_node_and_deletes_its_pods() -> None:
    effects = run("kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data")
    assert kinds(effects) == [E.UPDATE, E.DELETE]
    assert effects[1].resource.names == ("k8s:node/node-1/pods", "k8s:*/pod/*")


def test_noexecute_taint_evicts() -> None:
    assert kinds(run("kubectl taint nodes n1 k=v:NoExecute")) == [E.UPDATE, E.DELETE]
    assert kinds(run("kubectl taint nodes n1 k=v:NoSchedule")) == [E.UPDATE]


def test_scale_to_zero_is_called_disruptive() -> None:
    (effect,) = run("kubectl scale --replicas=0 statefulset db")
    assert "scaled to 0" in effect.detail
    assert effect.resource.names == ("k8s:default/statefulset/db",)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        (
            "kubectl delete all --all -n payments",
            ("k8s:payments/all/*", "k8s:namespace/payments", "k8s:payments/*"),
        ),
        (
            "kubectl -n payments delete pvc --all",
            ("k8s:payments/persistentvolumeclaim/*", "k8s:namespace/payments"),
        ),
        (
            "kubectl delete pods -l app=x -n payments",
            ("k8s:payments/pod/*", "k8s:namespace/payments"),
        ),
        (
            "kubectl delete po --field-selector=status.phase=Failed -n payments",
            ("k8s:payments/pod/*", "k8s:namespace/payments"),
        ),
        ("kubectl delete secrets,cm --all -A", ("k8s:*/secret/*", "k8s:namespace/*")),
        ("kubectl delete pv --all", ("k8s:persistentvolume/*",)),
    ],
)  # fmt: skip
def test_a_wide_delete_names_the_namespace_it_empties(line: str, names: tuple[str, ...]) -> None:
    effects = run(line)
    assert all(e.effect is E.DELETE for e in effects)
    assert effects[0].resource.names == names
    empties = any(n.startswith("k8s:namespace/") for n in names)
    assert ("contents of namespace" in effects[0].detail) is empties


def test_a_named_or_dry_run_delete_does_not_name_the_namespace() -> None:
    (one,) = run("kubectl delete pod web -n payments")
    assert one.resource.names == ("k8s:payments/pod/web",)
    (dry,) = run("kubectl delete pods --all -n payments --dry-run=client")
    assert dry.effect is E.READ


def test_replace_force_is_replace_and_apply_prune_deletes() -> None:
    manifest = "kind: Deployment\nmetadata: {name: web, namespace: shop}\n"
    files = MemoryFiles({"/w/app.yaml": manifest})
    (replaced,) = run("kubectl replace --force -f app.yaml", cwd="/w", files=files)
    assert replaced.effect is E.REPLACE
    assert replaced.resource.names == ("k8s:shop/deployment/web",)
    # apply --force deletes and recreates what it cannot patch.
    (forced,) = run("kubectl apply --force -f app.yaml", cwd="/w", files=files)
    assert forced.effect is E.REPLACE
    effects = run("kubectl apply -f app.yaml --prune -l app=web", cwd="/w", files=files)
    assert kinds(effects) == [E.UPDATE, E.DELETE]
    # Pruning deletes the contents of the namespace it applied to (the object's, shop): named
    # as it too (a protected one refuses).
    assert effects[1].resource.names == ("k8s:shop/*", "k8s:namespace/shop")


def test_delete_from_readable_manifest_and_unreadable_is_unknown() -> None:
    manifest = (
        "---\nkind: Namespace\nmetadata: {name: prod}\n---\nkind: Service\nmetadata: {name: api}\n"
    )
    files = MemoryFiles({"/w/all.yaml": manifest})
    effects = run("kubectl delete -f /w/all.yaml", files=files)
    assert [e.resource.names[0] for e in effects] == [
        "k8s:namespace/prod",
        "k8s:default/service/api",
    ]
    assert all(e.effect is E.DELETE for e in effects)
    assert kinds(run("kubectl delete -f https://x/y.yaml")) == [E.UNKNOWN]
    assert kinds(run("kubectl delete -k overlays/prod")) == [E.UNKNOWN]


def test_context_and_namespace_go_to_target() -> None:
    ctx_target = Target(aws_profile="dev", environment="staging")
    (effect,) = run("kubectl --context prod-eu -n shop delete pod a", target=ctx_target)
    assert effect.target.kube_context == "prod-eu"
    assert effect.target.kube_namespace == "shop"
    # The cluster is named by kube hints only: an AWS profile says nothing of it.
    assert effect.target.aws_profile is None
    assert effect.target.environment == "staging"  # told outright (--env)
    (noted,) = run("kubectl delete pod a", env={"KUBECONFIG": "/k/prod.yaml"})
    assert "/k/prod.yaml" in noted.detail


def test_the_kubeconfig_current_context_names_the_cluster() -> None:
    config = "apiVersion: v1\nkind: Config\ncurrent-context: prod-eu # the live one\n"
    files = MemoryFiles({"/root/.kube/config": config, "/k/dev.yaml": "current-context: kind-x\n"})
    (effect,) = run("kubectl delete pod a", files=files)
    assert effect.target.kube_context == "prod-eu"
    (chosen,) = run("kubectl delete pod a", files=files, env={"KUBECONFIG": "/k/none:/k/dev.yaml"})
    assert chosen.target.kube_context == "kind-x"
    (unread,) = run("kubectl delete pod a")
    assert unread.target.kube_context is None


@pytest.mark.parametrize(
    ("line", "kind", "name"),
    [
        ("helm uninstall redis -n cache", E.DELETE, "helm:cache/redis"),
        ("helm del redis", E.DELETE, "helm:default/redis"),
        ("helm un redis", E.DELETE, "helm:default/redis"),
        ("helm delete redis --namespace cache", E.DELETE, "helm:cache/redis"),
        ("helm rollback redis 3", E.UPDATE, "helm:default/redis"),
        ("helm upgrade redis bitnami/redis", E.UPDATE, "helm:default/redis"),
        ("helm upgrade redis bitnami/redis --force", E.REPLACE, "helm:default/redis"),
        ("helm install redis bitnami/redis", E.CREATE, "helm:default/redis"),
        ("helm list -A", E.READ, "helm:*/*"),
        ("helm status redis", E.READ, "helm:default/*"),
        ("helm template x ./chart", E.READ, "helm:default/*"),
    ],
)
def test_helm_forms(line: str, kind: EffectKind, name: str) -> None:
    (effect,) = run(line)
    assert effect.effect is kind
    assert effect.resource.names[0] == name


def test_helm_kube_context() -> None:
    (effect,) = run("helm --kube-context prod-1 uninstall api")
    assert effect.target.kube_context == "prod-1"


_KUBECONFIG = """\
apiVersion: v1
kind: Config
current-context: prod-eu
contexts:
- name: prod-eu
  context:
    cluster: c
    namespace: payments
- name: dev
  context: {cluster: d}
"""


def _deleted(line: str) -> set[str]:
    files = MemoryFiles({"/home/u/.kube/config": _KUBECONFIG})
    action = understand_shell(line, cwd="/w", home="/home/u", files=files)
    return {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}


def test_a_call_without_a_namespace_lands_in_the_contexts_namespace() -> None:
    assert _deleted("kubectl delete deploy api") == {"k8s:payments/deployment/api"}
    assert _deleted("kubectl delete deploy api -n web") == {"k8s:web/deployment/api"}
    assert _deleted("kubectl --context dev delete deploy api") == {"k8s:default/deployment/api"}


def test_a_namespace_switch_on_the_line_is_judged_both_ways() -> None:
    # Where the line starts, the switch has rewritten the kubeconfig: its namespace is not told.
    both = {"k8s:*/deployment/api", "k8s:web/deployment/api"}
    assert _deleted("kubens web; kubectl delete deploy api") == both
    line = "kubectl config set-context --current --namespace=web && kubectl delete deploy api"
    assert _deleted(line) == both


def _line(line: str) -> list[Effect]:
    return list(understand_shell(line, cwd="/w", home="/home/u").effects)


def test_an_openshift_project_is_named_as_its_namespace() -> None:
    (effect,) = run("oc delete project payments")
    assert effect.effect is E.DELETE
    assert {"k8s:namespace/payments", "k8s:payments/*"} <= set(effect.resource.names)
    (request,) = run("oc delete projectrequest payments")
    assert "k8s:namespace/payments" in request.resource.names


@pytest.mark.parametrize(
    "line",
    [
        "kubectl delete ns payments --dry-run=client $X",
        "kubectl delete ns payments --dry-run=$MODE",
        "helm uninstall pay --dry-run $X",
        "helm uninstall pay --dry-run=$MODE",
    ],
)
def test_a_dry_run_a_later_run_time_word_may_undo_is_no_dry_run(line: str) -> None:
    """The last flag wins: ``$X`` may be ``--dry-run=none``."""
    assert not any(e.effect is E.READ for e in _line(line))
    literal = line.replace(" $X", "").replace("=$MODE", "=server")
    assert {e.effect for e in _line(literal)} == {E.READ}


def test_a_manifest_from_a_heredoc_is_read() -> None:
    """The shell grammar drops the lone ``-`` before ``<<EOF``: ``-f`` is still stdin."""
    heredoc = "kubectl delete -f - <<EOF\nkind: Namespace\nmetadata:\n  name: payments\nEOF"
    (effect,) = _line(heredoc)
    assert effect.effect is E.DELETE
    assert effect.resource.names[0] == "k8s:namespace/payments"


def test_a_kubeconfig_rewrite_is_unknown_wherever_the_kubeconfig_is() -> None:
    for line in (
        "kubectl config set current-context prod-eu",
        "kubectl --kubeconfig /k/c config set-context --current --cluster=prod",
        "kubectl config rename-context prod-eu dev-prod",
    ):
        (effect,) = run(line, env={"KUBECONFIG": "/k/c"})
        assert effect.effect is E.UNKNOWN, line
        assert effect.resource.names == ("file:/k/c",)
    (pick,) = run("kubectl config use-context prod-eu")
    assert pick.effect is E.UPDATE


def test_a_run_time_word_before_a_dry_run_may_end_the_flags() -> None:
    """``$X`` may be ``--``: the ``--dry-run`` after it would be a name, not a flag."""
    assert not any(
        e.effect is E.READ for e in _line("kubectl delete ns payments $X --dry-run=client")
    )
    assert {e.effect for e in _line("kubectl delete ns payments -- --dry-run=client")} != {E.READ}


@pytest.mark.parametrize(
    "command",
    [
        "kubectl delete crd payments.acme.io",
        "kubectl delete customresourcedefinition/payments.acme.io",
        "curl -X DELETE https://k8s.prod:6443/apis/apiextensions.k8s.io/v1/"
        "customresourcedefinitions/payments.acme.io",
    ],
)
def test_deleting_a_crd_names_every_object_of_its_kind(command: str) -> None:
    """The definition goes with every custom resource of its kind, in every namespace."""
    (effect,) = understand_shell(command, cwd="/w", home="/home/u").effects
    assert {"k8s:*/payment/*", "k8s:payment/*"} <= set(effect.resource.names)


def test_deleting_every_crd_names_everything(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("kubectl --context kind-dev delete crd --all", env=None)
    assert decision.decision is Verdict.DENY  # the protected namespace payments is among them
