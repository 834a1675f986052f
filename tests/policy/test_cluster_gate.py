"""Self-protection in a cluster: keyturn's webhook configuration and its namespace (under the
names docs/kubernetes.md gives them) cannot be changed by an agent, on any surface."""

from __future__ import annotations

import json

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_shell

_ALLOW_ALL = """version: 1
default: allow
agents:
  "*":
    allow:
      - effect: [read, create, update, delete, replace]
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(_ALLOW_ALL, source="allow-all.yaml")


def _shell(policy: Policy, command: str) -> tuple[Verdict, str]:
    action = understand_shell(
        command, cwd="/w", home="/home/u", files=MemoryFiles({}), target=Target(environment="dev")
    )
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    return decision.decision, decision.describe()


@pytest.mark.parametrize(
    "command",
    [
        "kubectl delete validatingwebhookconfiguration keyturn",
        "kubectl patch validatingwebhookconfiguration keyturn --type=json "
        """-p '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]'""",
        "kubectl delete namespace keyturn",
        "kubectl -n keyturn scale deployment/keyturn --replicas=0",
        "kubectl delete ns --all",
        "curl -X DELETE https://k8s:6443/apis/admissionregistration.k8s.io/v1/"
        "validatingwebhookconfigurations/keyturn",
    ],
)
def test_an_agent_cannot_switch_the_cluster_gate_off(policy: Policy, command: str) -> None:
    verdict, why = _shell(policy, command)
    assert verdict is Verdict.DENY, why
    assert "cluster's gate" in why


@pytest.mark.parametrize(
    "command",
    [
        "kubectl get validatingwebhookconfiguration keyturn",
        "kubectl -n keyturn get pods",
        "kubectl delete namespace shop",
        "kubectl delete validatingwebhookconfiguration other-webhook",
    ],
)
def test_reads_and_other_objects_stay_allowed(policy: Policy, command: str) -> None:
    assert _shell(policy, command)[0] is Verdict.ALLOW


def test_the_same_through_an_mcp_kubernetes_server(policy: Policy) -> None:
    action = understand_mcp(
        "kubernetes",
        "kubectl_delete",
        {"resourceType": "namespace", "name": "keyturn"},
        target=Target(environment="dev"),
    )
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision is Verdict.DENY, json.dumps(decision.describe())


def test_the_brief_policy_keeps_it_too() -> None:
    brief = load_policy(BRIEF_POLICY, source="brief.yaml")
    verdict, _ = _shell(
        brief, "kubectl --context kind-dev delete validatingwebhookconfiguration keyturn"
    )
    assert verdict is Verdict.DENY
