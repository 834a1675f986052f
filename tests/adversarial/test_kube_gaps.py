"""Kubernetes lines (kubectl, helm, kustomize) that looked laxer than they are: a word ``exec``
that is no verb, global flags whose value was read as the verb, kube tools run in a pod, over
ssh, in a container or as another user judged with this machine's kubeconfig, programs a
"read" runs, a ``HOME`` the line sets, kubeconfigs read otherwise than kubectl reads them,
``apply --prune`` in the manifest's namespaces, and manifests and kubeconfigs the line rewrote.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (``kind-*`` is dev,
``prod-*`` production, the unknown environment production, namespace ``payments``
protected); the session's kubeconfig is a real file under ``tmp_path`` whose current context
is ``kind-dev``, unless a case says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.adversarial.conftest import ACTOR
from tests.conftest import BRIEF_POLICY

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Decision, Effect, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands._kube_call import UNTOLD_ENVIRONMENT

DEV_CONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: kind-dev\n"
PROD_CONFIG = "apiVersion: v1\nkind: Config\ncurrent-context: prod-east\n"
DANGER = "#!/bin/sh\nrm -rf /srv/prod\n"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY)


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """The session's home: its kubeconfig's current context is kind-dev (dev)."""
    (tmp_path / "home/.kube").mkdir(parents=True)
    (tmp_path / "home/.kube/config").write_text(DEV_CONFIG)
    (tmp_path / "project").mkdir()
    return tmp_path / "home"


def _action(line: str, home: Path, *, variables: Mapping[str, str] | None = None) -> Action:
    return understand_shell(
        line,
        cwd=str(home.parent / "project"),
        home=str(home),
        env=dict(variables or {}),
        target=Target(),
        files=LocalFiles(),
    )


def _judged(policy: Policy, line: str, home: Path, **kw: Mapping[str, str]) -> Decision:
    return policy.judge(_action(line, home, **kw), actor=ACTOR)


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


# 1. A word ``exec`` is the pod command only when it is kubectl's verb.
@pytest.mark.parametrize(
    "line",
    [
        "kubectl delete ns payments exec -- true",
        "kubectl -n exec delete ns payments -- true",
        "kubectl delete ns foo -- payments",  # after ``--``, more names to delete
    ],
)
def test_exec_that_is_not_the_verb_does_not_make_a_pod_command(
    line: str, policy: Policy, home: Path
) -> None:
    assert _judged(policy, line, home).decision.value == "deny"


def test_words_after_dashes_of_a_delete_are_more_names(home: Path) -> None:
    action = _action("kubectl --context prod-east delete -n exec deploy foo -- ls", home)
    names = {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}
    assert names == {"k8s:exec/deployment/foo", "k8s:exec/deployment/ls"}


# 2. Global and per-verb flags that take a value take the next word.
@pytest.mark.parametrize(
    "flag",
    [
        "--cache-dir",
        "--profile-output",
        "--tls-server-name",
        "--as-uid",
        "--client-certificate",
        "--client-key",
        "-v",
        "--vmodule",
        "--log-flush-frequency",
    ],
)
def test_a_global_value_flag_does_not_hide_the_verb(flag: str, policy: Policy, home: Path) -> None:
    line = f"kubectl {flag} get delete ns payments"
    assert _judged(policy, line, home).decision.value == "deny"


def test_a_value_flag_after_the_verb_takes_its_value_not_the_kind(
    policy: Policy, home: Path
) -> None:
    line = "kubectl delete --cache-dir deploy ns payments"
    assert _judged(policy, line, home).decision.value == "deny"


def test_an_unknown_flag_before_a_word_leaves_the_words_unknown(home: Path) -> None:
    (effect,) = _action("kubectl delete --frobnicate ns payments", home).effects
    assert effect.effect is EffectKind.UNKNOWN


@pytest.mark.parametrize(
    "flag",
    ["--kube-tls-server-name", "--kube-ca-file", "--content-cache", "--qps", "--burst-limit"],
)
def test_a_helm_global_value_flag_does_not_hide_the_verb(flag: str, home: Path) -> None:
    (effect,) = _action(f"helm {flag} list uninstall web", home).effects
    assert effect.effect is EffectKind.DELETE
    assert effect.resource.names == ("helm:default/web",)


# 3. A kube tool run elsewhere reads that place's settings, not this machine's.
@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kubectl --context prod-east exec toolbox -- kubectl delete deploy web", "ask"),
        (
            "kubectl --context prod-east exec -n payments toolbox -- kubectl delete all --all",
            "deny",
        ),
        ("kubectl --context prod-east exec toolbox -- helm uninstall web", "ask"),
        ("kubectl --context prod-east exec toolbox -- sh -c 'kubectl delete deploy web'", "ask"),
        ("ssh bastion kubectl delete deploy web", "ask"),
        ("ssh bastion 'cd /srv && kubectl delete deploy web'", "ask"),
        ("docker exec tools kubectl delete deploy web", "ask"),
        ("docker exec tools sh -c 'kubectl delete deploy web'", "ask"),
    ],
)
def test_a_kube_tool_in_a_pod_over_ssh_or_in_a_container_is_not_judged_with_the_local_context(
    line: str, expected: str, policy: Policy, home: Path
) -> None:
    assert _judged(policy, line, home).decision.value == expected


def test_a_kube_tool_in_a_pod_lands_in_the_cluster_kubectl_exec_names(
    policy: Policy, home: Path
) -> None:
    line = "kubectl --context kind-dev exec -n shop toolbox -- kubectl delete deploy web"
    judged = _judged(policy, line, home)
    assert judged.decision.value == "allow"
    (effect,) = _action(line, home).effects
    assert effect.target.kube_context == "kind-dev"
    assert "k8s:shop/deployment/web" in effect.resource.names


# 4. Programs a "read" runs are judged as run.
@pytest.mark.parametrize(
    "line",
    [
        "KUBECTL_EXTERNAL_DIFF={danger} kubectl diff -f m.yaml",
        "export KUBECTL_EXTERNAL_DIFF={danger}; kubectl diff -f m.yaml",
        "env KUBECTL_EXTERNAL_DIFF={danger} kubectl diff -f m.yaml",
        "kubectl kustomize --enable-helm --helm-command {danger} kz/",
        "helm template x ./chart --post-renderer {danger}",
        "helm upgrade x ./chart --dry-run --post-renderer {danger}",
        "helm install x ./chart --dry-run=client --post-renderer {danger}",
    ],
)
def test_a_program_a_kube_read_runs_is_judged_as_that_program_run(
    line: str, tmp_path: Path, home: Path
) -> None:
    danger = _write(tmp_path / "danger.sh", DANGER)
    action = _action(line.format(danger=danger), home)
    deleted = {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}
    assert "file:/srv/prod" in deleted


def test_kustomize_alpha_plugins_are_unknown(home: Path) -> None:
    action = _action("kubectl kustomize --enable-alpha-plugins kz/", home)
    assert EffectKind.UNKNOWN in {e.effect for e in action.effects}


# 5. The HOME the line gives kubectl decides its kubeconfig.
@pytest.mark.parametrize(
    "line",
    [
        "HOME={prod} kubectl delete deploy web",
        "export HOME={prod}; kubectl delete deploy web",
        "env HOME={prod} kubectl delete deploy web",
        "HOME=$X kubectl delete deploy web",
        "su - ops -c 'kubectl delete deploy web'",
        "sudo -i kubectl delete deploy web",
        "sudo -u ops kubectl delete deploy web",
        # sudo drops the variables of the line: root's kubeconfig is read, not this one
        "KUBECONFIG={dev} sudo kubectl delete deploy web",
        "kubectl config use-context kind-dev; sudo kubectl delete deploy web",
    ],
)
def test_a_home_the_line_sets_or_another_user_decides_the_kubeconfig(
    line: str, tmp_path: Path, policy: Policy, home: Path
) -> None:
    _write(tmp_path / "prod/.kube/config", PROD_CONFIG)
    line = line.format(prod=tmp_path / "prod", dev=home / ".kube/config")
    judged = _judged(policy, line, home)
    assert judged.decision.value == "ask"


# 6. A kubeconfig is read as kubectl reads it.
@pytest.mark.parametrize(
    "files",
    [
        # two current-context keys: the last one counts
        {"c": "current-context: kind-dev\ncontexts: []\ncurrent-context: prod-east\n"},
        # the value on the next line; a second document is never read
        {"c": "current-context:\n  prod-east\n---\ncurrent-context: kind-dev\n"},
        # a JSON kubeconfig first in the list
        {"a.json": '{"current-context":"prod-east"}', "b.yaml": "current-context: kind-dev\n"},
        # a first file kubectl cannot load: nothing is told, never the next file's context
        {"a": "current-context: kind-dev\nusers: [\n", "b": "current-context: kind-dev\n"},
        {"a": "current-context: kind-dev\ncontexts: {kind-dev: {}}\n"},
    ],
)
def test_the_current_context_is_read_as_kubectl_reads_it(
    files: dict[str, str], tmp_path: Path, policy: Policy, home: Path
) -> None:
    listed = ":".join(_write(tmp_path / "cfg" / name, text) for name, text in files.items())
    line = f"KUBECONFIG={listed} kubectl delete deploy web"
    assert _judged(policy, line, home).decision.value == "ask"


CONTEXT_IN_PAYMENTS = (
    "current-context: kind-dev\n"
    "contexts:\n- name: kind-dev\n  context: {cluster: c, user: u, namespace: payments}\n"
)


@pytest.mark.parametrize(
    "text",
    [
        CONTEXT_IN_PAYMENTS + "---\nkind: Note\n",  # a second document
        # the same context twice: kubectl refuses the file, so the namespace is not told
        CONTEXT_IN_PAYMENTS.replace("contexts:\n", "contexts:\n- name: kind-dev\n  context: {}\n"),
    ],
)
def test_the_contexts_namespace_is_read_as_kubectl_reads_it(
    text: str, tmp_path: Path, policy: Policy, home: Path
) -> None:
    config = _write(tmp_path / "ns/config", text)
    line = f"KUBECONFIG={config} kubectl delete all --all"
    assert _judged(policy, line, home).decision.value == "deny"


# 7. apply --prune prunes in the namespaces it applied to.
def test_apply_prune_names_the_manifests_namespaces(
    tmp_path: Path, policy: Policy, home: Path
) -> None:
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: keep, namespace: payments}\n"
    path = _write(tmp_path / "pr.yaml", manifest)
    line = f"kubectl apply --prune -l app=x -f {path}"
    assert _judged(policy, line, home).decision.value == "deny"


# 8. A manifest or kubeconfig the line rewrote first is not judged from its old text (the
# write itself asks, as an update in the unknown environment: the kubectl step is looked at).
def _kubectl_steps(action: Action) -> list[Effect]:
    return [e for e in action.effects if (e.operation or "").startswith("kubectl")]


@pytest.mark.parametrize(
    "write",
    [
        r"printf 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n' > {path}",
        "cp other.yaml {path}",
    ],
)
def test_a_manifest_the_line_rewrites_is_not_judged_from_the_disk(
    write: str, tmp_path: Path, home: Path
) -> None:
    path = _write(tmp_path / "ev.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    line = f"{write.format(path=path)} && kubectl delete -f {path}"
    (step,) = _kubectl_steps(_action(line, home))
    assert step.effect is EffectKind.UNKNOWN


def test_a_kubeconfig_the_line_rewrites_is_not_judged_from_the_disk(
    tmp_path: Path, home: Path
) -> None:
    stale = _write(tmp_path / "stale.cfg", DEV_CONFIG)
    line = f"cp prod.cfg {stale} && KUBECONFIG={stale} kubectl delete deploy web"
    (step,) = _kubectl_steps(_action(line, home))
    assert step.target.kube_context is None
    assert step.target.environment == UNTOLD_ENVIRONMENT
