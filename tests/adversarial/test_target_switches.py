"""A line that switches where its commands land (a profile, a kube context, a workspace) is
judged there as well as where it starts: the stricter judgement stands, so neither a switch
into production nor one written after the command can make a destructive step look like dev.
The caller's own environment says dev (``AWS_PROFILE=dev``, ``KUBECONTEXT=dev-1``)."""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import HOME

DEV = {"AWS_PROFILE": "dev", "KUBECONTEXT": "dev-1"}


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
        ("export KUBECONTEXT=$(cat ctx); kubectl delete deploy api", "ask"),
    ],
)
def test_a_switch_anywhere_on_the_line_is_judged_where_it_leads(
    command: str, expected: str, judge_shell
) -> None:
    decision = judge_shell(command, variables=DEV)
    assert decision.decision.value == expected, list(decision.reasons)


def test_an_aws_profile_says_nothing_of_the_cluster(judge_shell) -> None:
    """kubectl acts on its kubeconfig's current context, whatever profile AWS calls use."""
    files = {f"{HOME}/.kube/config": "current-context: prod-eu\n"}
    judged = judge_shell("kubectl delete deploy api", variables={"AWS_PROFILE": "dev"}, files=files)
    assert judged.decision.value == "ask"
    assert {j.environment for j in judged.judgements} == {"production"}
