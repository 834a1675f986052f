"""An action whose effects ask different reviewer groups waits for each group's approvals:
two DBAs approving do not stand in for the two SREs a production delete asks."""

from __future__ import annotations

from dataclasses import replace

from keyturn.approval import ApprovalRequest, RequestState, Role, approve
from keyturn.approval.drafts import draft_of
from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Resource, Target
from keyturn.policy import Policy, load_policy

POLICY = """version: 1
default: deny
unknown_environment: production
environments:
  production: {resources: ["*"]}
reviewers:
  sre: [alice, carol]
  dba: [dave, erin]
agents:
  "*":
    ask:
      - effect: delete
        service: ec2
        approvals: 2
        reviewers: [sre]
      - effect: update
        service: db
        approvals: 1
        reviewers: [dba]
"""
NOW = 1_000.0


def _effect(kind: EffectKind, name: str, service: str) -> Effect:
    return Effect(kind, Resource((name,), service), Target(), service)


def _request(policy: Policy) -> ApprovalRequest:
    action = Action(
        ActionKind.SHELL,
        "terminate the instance and migrate the schema",
        (
            _effect(EffectKind.DELETE, "arn:aws:ec2:*:*:instance/i-1", "ec2"),
            _effect(EffectKind.UPDATE, "db:postgres/shop", "db"),
        ),
    )
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    draft = draft_of(decision, policy=policy, requester="kiro")
    return ApprovalRequest(
        id=1, draft=draft, state=RequestState.PENDING, created_at=NOW, expires_at=NOW + 3600
    )


def _votes(request: ApprovalRequest, *people: str) -> ApprovalRequest:
    for i, who in enumerate(people):
        step = approve(request, reviewer=who, role=Role.REVIEWER, reason="", now=NOW + i)
        assert step.refusal is None, step.refusal
        request = step.request
    return request


def test_each_groups_approvals_are_needed() -> None:
    request = _request(load_policy(POLICY, source="p.yaml"))
    assert request.still_needed == 3
    assert request.describe_needed() == "2 more approvals from sre; 1 more approval from dba"
    by_dbas = _votes(request, "dave", "erin")
    assert by_dbas.state is RequestState.PENDING  # the SREs have not approved the delete
    assert by_dbas.describe_needed() == "2 more approvals from sre (approved by dave, erin)"
    done = _votes(by_dbas, "alice", "carol")
    assert done.state is RequestState.APPROVED


def test_one_person_in_both_groups_settles_both() -> None:
    both = POLICY.replace("dba: [dave, erin]", "dba: [dave, erin, alice]")
    request = _votes(_request(load_policy(both, source="p.yaml")), "alice", "carol")
    assert request.state is RequestState.APPROVED


def test_a_request_stored_without_requirements_keeps_one() -> None:
    request = _request(load_policy(POLICY, source="p.yaml"))
    legacy = replace(request, draft=replace(request.draft, decision={}))
    assert legacy.still_needed == 2  # approvals_required from the union, as before
    assert _votes(legacy, "dave", "erin").state is RequestState.APPROVED
