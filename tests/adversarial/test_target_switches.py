"""A line that switches where its commands land (a profile, a kube context, a workspace) is
judged there as well as where it starts: the stricter judgement stands, so neither a switch
into production nor one written after the command can make a destructive step look like dev.
The caller's own environment says dev (``AWS_PROFILE=dev``, a kubeconfig whose current context
is ``dev-1``)."""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME

from keyturn.model import EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

DEV = {"AWS_PROFILE": "dev"}
# kubectl reads its context from the kubeconfig, never from a KUBECONTEXT variable.
DEV_KUBECONFIG = {f"{HOME}/.kube/config": "current-context: dev-1\n"}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("aws ec2 terminate-instances --instance-ids i-1", "allow"),  # dev, as the caller says
        ("export AWS_PROFILE=prod-admin; aws ec2 terminate-instances --instance-ids i-1", "ask"),
        ("AWS_PROFILE=prod-admin; export AWS_PROFILE; aws ec2 terminate-instances", "ask"),
        ("kubectl delete deploy api", "allow"),
        ("kubectl config use-context prod-eu; kubectl delete deploy api", "ask"),
        ("kubectl delete deploy api; kubectl config use-context prod-eu", "ask"),
        ("terraform workspace select prod && terraform destroy", "ask"),
        ("export TF_WORKSPACE=prod; terraform destroy", "ask"),
        # Was ``export KUBECONTEXT=$(cat ctx)``: kubectl never reads that variable.
        ("kubectl config use-context $(cat ctx); kubectl delete deploy api", "ask"),
        # a profile set at run time, by a builtin that stores what it reads or prints, or by
        # an export whose names are decided at run time, leaves the place untold
        ("read AWS_PROFILE <<< prod-admin; export AWS_PROFILE; aws ec2 terminate-instances", "ask"),
        (
            "printf -v AWS_PROFILE prod-admin; export AWS_PROFILE; aws ec2 terminate-instances",
            "ask",
        ),
        (
            "export $(aws configure export-credentials --format env); aws ec2 terminate-instances",
            "ask",
        ),
        # declare (unlike export) evaluates a subscript the text spells: ``a[$(cmd)]=1`` in
        # the file runs ``cmd`` (bash 5.2), so the line is held unknown where it runs: refused
        ('declare -x "$(cat env)"; aws ec2 terminate-instances --instance-ids i-1', "deny"),
        ("read -p 'name: ' x; aws ec2 terminate-instances --instance-ids i-1", "allow"),
    ],
)
def test_a_switch_anywhere_on_the_line_is_judged_where_it_leads(
    command: str, expected: str, judge_shell
) -> None:
    decision = judge_shell(command, variables=DEV, files=DEV_KUBECONFIG)
    assert decision.decision.value == expected, list(decision.reasons)


def test_an_aws_profile_says_nothing_of_the_cluster(judge_shell) -> None:
    """kubectl acts on its kubeconfig's current context, whatever profile AWS calls use."""
    files = {f"{HOME}/.kube/config": "current-context: prod-eu\n"}
    judged = judge_shell("kubectl delete deploy api", variables={"AWS_PROFILE": "dev"}, files=files)
    assert judged.decision.value == "ask"
    assert {j.environment for j in judged.judgements} == {"production"}


@pytest.mark.parametrize(
    "command",
    [
        "kubectl config set current-context prod-eu && kubectl delete deploy api",
        "kubectl delete deploy api; kubectl config set current-context prod-eu",
        "kubectl config set-context --current --cluster=prod; kubectl delete deploy api",
        "kubectl config set-context dev-1 --user prod-admin; kubectl delete deploy api",
        "kubectl config set clusters.dev.server https://prod:6443; kubectl delete deploy api",
        "kubectl --kubeconfig /k/c config set current-context prod-eu; kubectl delete deploy api",
    ],
)
def test_a_kubeconfig_rewrite_moves_what_follows(command: str, judge_shell) -> None:
    """``config set current-context X`` switches as ``use-context X`` does; a context made to
    mean another cluster or user leaves no context name to tell the environment. The rewrite
    itself is unknown (judged where it runs)."""
    judged = judge_shell(command, variables=DEV, files=DEV_KUBECONFIG)
    assert judged.decision.value == "deny", list(judged.reasons)
    deletes = [j for j in judged.judgements if j.effect.effect.value == "delete"]
    assert "production" in {j.environment for j in deletes}


PROD_KUBECONFIG = {f"{HOME}/.kube/config": "current-context: prod-eu\n"}


@pytest.mark.parametrize(
    "command",
    [
        "KUBE_CONTEXT=dev-1 kubectl delete all --all",
        "KUBECONTEXT=dev-1 kubectl delete all --all",
        "export KUBE_CONTEXT=dev-1; kubectl delete all --all",
        "KUBE_CONTEXT=dev-1 helm uninstall pay",
    ],
)
def test_a_variable_the_tool_never_reads_does_not_move_it(command: str, judge_shell) -> None:
    """kubectl and helm call the kubeconfig's current context (production here), whatever a
    KUBE_CONTEXT of the shell or of the caller says."""
    for variables in ({}, {"KUBE_CONTEXT": "dev-1", "KUBECONTEXT": "dev-1"}):
        judged = judge_shell(command, variables=variables, files=PROD_KUBECONFIG)
        assert judged.decision.value == "ask", (variables, list(judged.reasons))
        assert {j.environment for j in judged.judgements} == {"production"}


def test_helm_reads_its_own_context_variable(judge_shell) -> None:
    judged = judge_shell("HELM_KUBECONTEXT=prod-eu helm uninstall pay", files=DEV_KUBECONFIG)
    assert judged.decision.value == "ask"
    assert judge_shell("helm uninstall pay", files=DEV_KUBECONFIG).decision.value == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "kubectl --cluster prod delete deploy api",
        "kubectl --server https://10.0.0.1:6443 delete deploy api",
        "kubectl -s https://10.0.0.1:6443 delete deploy api",
        "kubectl --user prod-admin delete deploy api",
        "helm --kube-apiserver https://10.0.0.1:6443 uninstall pay",
        "HELM_KUBEAPISERVER=https://10.0.0.1:6443 helm uninstall pay",
    ],
)
def test_a_cluster_named_past_the_context_is_an_unknown_environment(
    command: str, judge_shell
) -> None:
    """--cluster/--server/--user point the call elsewhere than the dev context's cluster."""
    judged = judge_shell(command, variables=DEV, files=DEV_KUBECONFIG)
    assert judged.decision.value == "ask", list(judged.reasons)
    assert {j.environment for j in judged.judgements} == {"production"}


def test_without_a_kube_context_the_aws_profile_does_not_place_kubectl(judge_shell) -> None:
    """No kubeconfig to read: where kubectl lands is not told, whatever AWS_PROFILE says."""
    judged = judge_shell("kubectl delete deploy api", variables=DEV)
    assert judged.decision.value == "ask"
    assert {j.environment for j in judged.judgements} == {"production"}


def test_a_literal_env_still_decides(judge_shell) -> None:
    """``--env dev`` is the operator's word: kept even when the cluster is named by flags."""
    judged = judge_shell("kubectl --server https://k:6443 delete deploy api", env="dev")
    assert judged.decision.value == "allow"


@pytest.mark.parametrize(
    "command",
    [
        "oc login https://api.prod.example.com:6443 --token=$T && oc delete deploy api",
        "oc project payments; oc delete deploy api",
    ],
)
def test_oc_login_and_project_leave_no_context_name(command: str, judge_shell) -> None:
    judged = judge_shell(command, variables=DEV, files=DEV_KUBECONFIG)
    assert judged.decision.value != "allow", list(judged.reasons)
    deletes = [j for j in judged.judgements if j.effect.effect.value == "delete"]
    assert "production" in {j.environment for j in deletes}


@pytest.mark.parametrize(
    "command",
    [
        "GIT_WORK_TREE=/srv/prod git clean -fdx",
        "export GIT_WORK_TREE=/srv/prod; git clean -fdx",
        "git --work-tree /srv/prod clean -fdx",  # the value as the next word
        "git --work-tree=/srv/prod clean -fdx",
        "git -C /srv --work-tree prod clean -fdx",
        "git -c core.worktree=/srv/prod clean -fdx",
    ],
)
def test_git_cleans_the_work_tree_it_is_pointed_at(command: str) -> None:
    """git deletes in the work tree ``--work-tree``, ``GIT_WORK_TREE`` or ``core.worktree``
    names, not in the working directory: the delete used to be named ``/home/kiro/project/*``,
    which no pattern for ``/srv/prod`` matched."""
    action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({}))
    deleted = {n for e in action.effects if e.effect is EffectKind.DELETE for n in e.resource.names}
    assert "file:/srv/prod/*" in deleted, command


def test_a_git_work_tree_decided_at_run_time_is_unknown() -> None:
    for command in (
        "GIT_WORK_TREE=$W git clean -fdx",
        "export GIT_WORK_TREE=$(cat f); git reset --hard",
    ):
        action = understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({}))
        assert EffectKind.UNKNOWN in {e.effect for e in action.effects}, command
    # Reading is still a read.
    action = understand_shell("GIT_WORK_TREE=$W git status", cwd=CWD, home=HOME)
    assert {e.effect for e in action.effects} == {EffectKind.READ}
