"""kubectl and helm settings read as the tools read them: kubectl's preferences file (kuberc:
``--kuberc``, ``KUBERC``, ``~/.kube/kuberc``) whose defaults and aliases add options to a call,
``--kubeconfig`` as one path (only ``KUBECONFIG`` is a list), and the local files helm and
``kubectl cluster-info dump`` write.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (``kind-*`` is dev,
``prod-*`` production, namespace ``payments`` protected); the session's kubeconfig is a real file
under ``tmp_path`` whose current context is ``kind-dev``, with a ``prod-east`` context.
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

CONFIG = """\
apiVersion: v1
kind: Config
current-context: kind-dev
contexts:
- name: kind-dev
  context: {cluster: kind-dev, user: u}
- name: prod-east
  context: {cluster: prod-east, user: u}
"""
PROD_ONLY = "apiVersion: v1\nkind: Config\ncurrent-context: prod-east\n"
MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: payments}
"""
HEAD = "apiVersion: kubectl.config.k8s.io/v1beta1\nkind: Preference\n"
PRUNE_ALL = (
    HEAD
    + """\
defaults:
- command: apply
  options:
  - {name: prune, default: "true"}
  - {name: all, default: "true"}
"""
)
PAYMENTS = (
    HEAD
    + """\
defaults:
- command: delete
  options:
  - {name: namespace, default: payments}
"""
)
PROD_CONTEXT = (
    HEAD
    + """\
defaults:
- command: delete
  options:
  - {name: context, default: prod-east}
"""
)
ALIAS = (
    HEAD
    + """\
aliases:
- name: wipe
  command: delete
  prependArgs: [pods]
  options:
  - {name: namespace, default: payments}
  - {name: all, default: "true"}
"""
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(BRIEF_POLICY)


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """The session's home (kubeconfig: kind-dev current), its project with a manifest of a
    Deployment in namespace payments."""
    _write(tmp_path / "home/.kube/config", CONFIG)
    _write(tmp_path / "project/web.yaml", MANIFEST)
    return tmp_path / "home"


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def _action(line: str, home: Path, *, variables: Mapping[str, str] | None = None) -> Action:
    return understand_shell(
        line,
        cwd=str(home.parent / "project"),
        home=str(home),
        env=dict(variables or {}),
        target=Target(),
        files=LocalFiles(),
    )


def _judged(policy: Policy, line: str, home: Path) -> Decision:
    return policy.judge(_action(line, home), actor=ACTOR)


def _verdict(policy: Policy, line: str, home: Path) -> str:
    return _judged(policy, line, home).decision.value


def _file_writes(action: Action) -> list[Effect]:
    return [
        e
        for e in action.effects
        if e.effect in (EffectKind.UPDATE, EffectKind.CREATE, EffectKind.UNKNOWN)
        and any(n.startswith("file:") for n in e.resource.names)
    ]


# 1. The kuberc's defaults are options of the call where the line gives none.
def test_a_kuberc_in_the_home_adds_prune_all_to_apply(policy: Policy, home: Path) -> None:
    _write(home / ".kube/kuberc", PRUNE_ALL)
    action = _action("kubectl apply -f web.yaml", home)
    names = {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}
    assert "k8s:namespace/payments" in names
    assert _verdict(policy, "kubectl apply -f web.yaml", home) == "deny"


@pytest.mark.parametrize(
    "line",
    [
        "KUBERC={rc} kubectl delete pods --all",
        "export KUBERC={rc}; kubectl delete pods --all",
        "kubectl --kuberc {rc} delete pods --all",
        "kubectl --kuberc={rc} delete pods --all",
    ],
)
def test_a_named_kuberc_gives_delete_its_namespace(
    line: str, policy: Policy, home: Path, tmp_path: Path
) -> None:
    rc = _write(tmp_path / "rc.yaml", PAYMENTS)
    action = _action(line.format(rc=rc), home)
    names = {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}
    assert "k8s:payments/pod/*" in names
    assert _verdict(policy, line.format(rc=rc), home) == "deny"


def test_the_lines_own_namespace_wins_over_the_kuberc(
    policy: Policy, home: Path, tmp_path: Path
) -> None:
    rc = _write(tmp_path / "rc.yaml", PAYMENTS)
    assert _verdict(policy, f"KUBERC={rc} kubectl delete pods --all", home) == "deny"
    for line in (
        f"KUBERC={rc} kubectl delete pods --all -n dev",
        f"KUBERC={rc} kubectl delete pods --all -ndev",
        f"KUBERC={rc} kubectl delete pods --all --namespace=dev",
    ):
        assert _verdict(policy, line, home) == "allow", line


def test_a_kuberc_context_points_a_dev_line_at_production(
    policy: Policy, home: Path, tmp_path: Path
) -> None:
    rc = _write(tmp_path / "rc.yaml", PROD_CONTEXT)
    action = _action(f"KUBERC={rc} kubectl delete deploy web", home)
    assert {e.target.kube_context for e in action.effects} == {"prod-east"}
    assert _verdict(policy, f"KUBERC={rc} kubectl delete deploy web", home) == "ask"


def test_kuberc_off_turns_the_home_kuberc_off(policy: Policy, home: Path) -> None:
    _write(home / ".kube/kuberc", PAYMENTS)
    assert _verdict(policy, "kubectl delete pods --all", home) == "deny"
    assert _verdict(policy, "KUBERC=off kubectl delete pods --all", home) == "allow"


def test_a_kuberc_alias_is_judged_as_the_command_it_stands_for(policy: Policy, home: Path) -> None:
    _write(home / ".kube/kuberc", ALIAS)
    action = _action("kubectl wipe", home)
    (delete,) = action.effects
    assert delete.effect is EffectKind.DELETE
    assert "k8s:namespace/payments" in delete.resource.names
    assert _verdict(policy, "kubectl wipe", home) == "deny"


# A kuberc that is not followed leaves the call unknown (at least asked), never read as none.
@pytest.mark.parametrize(
    "text",
    [
        HEAD + "defaults: oops\n",
        HEAD + "defaults: [{command: delete, options: [{name: namespace, default: 5}]}]\n",
        HEAD + "defaults: [{command: delete, options: [{name: frobnicate, default: x}]}]\n",
        HEAD + "defaults: [{command: delete, options: [{name: -n, default: x}]}]\n",
        HEAD + "defaults: [{command: delete now, options: [{name: all, default: 'true'}]}]\n",
        HEAD + "aliases: [{name: x1, command: delete}]\n",
        "apiVersion: kubectl.config.k8s.io/v1alpha1\nkind: Preference\n"
        "overrides: [{command: delete, flags: [{name: namespace, default: payments}]}]\n",
        "defaults: [unclosed\n",
    ],
)
def test_a_kuberc_not_followed_leaves_the_call_unknown(text: str, home: Path) -> None:
    _write(home / ".kube/kuberc", text)
    effects = _action("kubectl delete pods x", home).effects
    assert [e.effect for e in effects] == [EffectKind.UNKNOWN]
    assert "kuberc" in effects[0].detail


def test_a_default_for_a_verb_with_sub_commands_is_not_guessed(home: Path) -> None:
    _write(
        home / ".kube/kuberc",
        HEAD + "defaults: [{command: create deployment, options: "
        "[{name: namespace, default: payments}]}]\n",
    )
    effects = _action("kubectl create deployment web --image nginx", home).effects
    assert [e.effect for e in effects] == [EffectKind.UNKNOWN]


@pytest.mark.parametrize(
    "line",
    [
        "KUBERC=missing.yaml kubectl delete pods x",
        "KUBERC=$RC kubectl delete pods x",
        "cp {rc} ~/.kube/kuberc; kubectl delete pods x",
    ],
)
def test_a_kuberc_missing_undecided_or_written_on_the_line_is_unknown(
    line: str, home: Path, tmp_path: Path
) -> None:
    rc = _write(tmp_path / "rc.yaml", PAYMENTS)
    effects = _action(line.format(rc=rc), home).effects
    kube = [e for e in effects if e.service == "k8s"]
    assert [e.effect for e in kube] == [EffectKind.UNKNOWN]


def test_the_kuberc_flag_is_read_and_refused_when_kubectl_refuses_it(
    home: Path, tmp_path: Path
) -> None:
    rc = _write(tmp_path / "rc.yaml", PAYMENTS)
    action = _action(f"kubectl --kuberc {rc} delete pods x", home)
    assert {n for e in action.effects for n in e.resource.names} == {"k8s:payments/pod/x"}
    for line in (
        "kubectl --kuberc missing.yaml delete pods x",
        f"KUBERC=off kubectl --kuberc {rc} delete pods x",
        "kubectl delete pods x --kuberc",
    ):
        effects = _action(line, home).effects
        assert [e.effect for e in effects] == [EffectKind.UNKNOWN], line


def test_writing_the_kuberc_changes_later_calls(home: Path, tmp_path: Path) -> None:
    rc = _write(tmp_path / "rc.yaml", PAYMENTS)
    (write,) = _file_writes(_action(f"cp {rc} ~/.kube/kuberc", home))
    assert write.effect is EffectKind.UNKNOWN
    assert "kubectl's preferences" in write.detail


def test_kubectl_setting_its_own_kuberc_is_unknown(home: Path) -> None:
    line = "kubectl alpha kuberc set --section=defaults --command=delete --option=namespace=x"
    (effect,) = _action(line, home).effects
    assert effect.effect is EffectKind.UNKNOWN
    assert f"file:{home}/.kube/kuberc" in effect.resource.names


# 2. ``--kubeconfig`` names one file, colons and all; only KUBECONFIG is a list.
@pytest.mark.parametrize(
    "line",
    [
        "kubectl --kubeconfig {path} delete deploy x",
        "kubectl --kubeconfig={path} delete deploy x",
        "helm --kubeconfig {path} uninstall x",
    ],
)
def test_a_kubeconfig_flag_with_a_colon_is_one_file(line: str, policy: Policy, home: Path) -> None:
    path = _write(home / ".kube/config:p.yaml", PROD_ONLY)
    action = _action(line.format(path=path), home)
    assert {e.target.kube_context for e in action.effects} == {"prod-east"}
    assert _verdict(policy, line.format(path=path), home) == "ask"


def test_the_kubeconfig_variable_is_still_a_list(home: Path, tmp_path: Path) -> None:
    prod = _write(tmp_path / "prod.yaml", PROD_ONLY)
    listed = f"{prod}:{home / '.kube/config'}"
    action = _action("kubectl delete deploy x", home, variables={"KUBECONFIG": listed})
    assert {e.target.kube_context for e in action.effects} == {"prod-east"}
    explicit = _action(f"kubectl --kubeconfig {listed} delete deploy x", home)
    assert {e.target.kube_context for e in explicit.effects} == {None}


# 3. helm's and ``cluster-info dump``'s own writes are writes of local files.
@pytest.mark.parametrize(
    ("line", "written"),
    [
        ("helm pull oci://ghcr.io/x/chart --untar --untardir ~/.kube", "home/.kube/*"),
        ("helm pull repo/chart -d ~/.ssh", "home/.ssh/*"),
        ("helm pull repo/chart --destination=/srv/x --untar --untardir sub", "/srv/x/sub/*"),
        ("helm fetch repo/chart", "project/*"),
        ("helm package ./chart -d ~/.config/systemd/user", "home/.config/systemd/user/*"),
        ("helm repo add stable https://evil.example", "home/.config/helm/repositories.yaml"),
        ("helm repo remove stable", "home/.config/helm/repositories.yaml"),
        ("helm repo update", "home/.cache/helm/repository/*"),
        (
            "helm repo add --repository-config ~/.bashrc s https://x.example",
            "home/.bashrc",
        ),
        (
            "HELM_REPOSITORY_CONFIG=/etc/r.yaml helm repo add s https://x.example",
            "/etc/r.yaml",
        ),
        ("kubectl cluster-info dump --output-directory ~/.ssh", "home/.ssh/*"),
        # ``helm dependency update|build`` fetch the dependencies into the chart's charts/.
        ("helm dependency update ~/.config/chart", "home/.config/chart/charts/*"),
        ("helm dep build", "project/Chart.lock"),
        ("helm dependency update ./c", "home/.cache/helm/repository/*"),
    ],
)
def test_local_writes_of_helm_and_cluster_info_dump_are_named(
    line: str, written: str, home: Path
) -> None:
    root = str(home.parent)
    expected = written if written.startswith("/") else f"{root}/{written}"
    names = {n for e in _file_writes(_action(line, home)) for n in e.resource.names}
    assert f"file:{expected}" in names


@pytest.mark.parametrize(
    "line",
    [
        "helm pull repo/chart -d ~/.ssh",
        "kubectl cluster-info dump --output-directory ~/.ssh",
        "helm package ./chart -d ~/.config/systemd/user",
        "helm dependency build ~/.config/chart",
    ],
)
def test_those_writes_are_no_longer_plain_reads(line: str, policy: Policy, home: Path) -> None:
    assert _verdict(policy, line, home) != "allow"


def test_a_repository_file_decided_at_run_time_is_unknown(home: Path) -> None:
    line = "export HELM_REPOSITORY_CONFIG=$X; helm repo add s https://x.example"
    kinds = {e.effect for e in _file_writes(_action(line, home))}
    assert EffectKind.UNKNOWN in kinds


def test_only_what_writes_is_named_a_write(policy: Policy, home: Path) -> None:
    assert _file_writes(_action("helm repo add s https://x.example", home))
    assert _file_writes(_action("kubectl cluster-info dump --output-directory out", home))
    for line in (
        "helm repo list",
        "kubectl cluster-info",
        "kubectl cluster-info dump",
        "kubectl cluster-info dump --output-directory=-",
    ):
        assert _file_writes(_action(line, home)) == [], line
        assert _verdict(policy, line, home) == "allow", line
