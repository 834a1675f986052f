"""What a request binds when it is opened under a policy, and whether an approval given under
an earlier policy still covers its action (pure: the policy and the request are arguments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyturn.approval.codec import decision_from_json, decision_to_json
from keyturn.approval.machine import approval_covers
from keyturn.approval.model import (
    AGENT_OPERATORS_KEY,
    REQUIREMENTS_KEY,
    ApprovalRequest,
    RequestDraft,
    Requirement,
)
from keyturn.model import Decision, Verdict, person_key

if TYPE_CHECKING:
    from keyturn.policy import Policy


def agent_operators(policy: Policy, agent: str) -> tuple[str, ...]:
    """The people the policy names as running ``agent``: the ``operators`` of every section
    that applies to it (its own, the globs matching it, ``*``)."""
    found = dict.fromkeys(p for s in policy.rules_for(agent).sections for p in s.operators)
    return tuple(found)


def draft_of(decision: Decision, *, policy: Policy, requester: str) -> RequestDraft:
    """The request an ``ask`` opens under ``policy``: the exact action, who asks, who may
    approve. The people who run the agent (the policy's ``operators`` for it) never approve its
    requests, whatever operator the agent claims: they are not eligible, and the stored
    decision keeps their names so that the state machine can say why."""
    groups = decision.reviewers or tuple(policy.reviewers)
    operators = agent_operators(policy, decision.actor.agent)
    barred = {person_key(p) for p in operators}
    eligible = _members(policy, tuple(groups), barred)
    stored = decision_to_json(decision)
    if operators:
        stored[AGENT_OPERATORS_KEY] = list(operators)
    requirements = _requirements(decision, policy=policy, barred=barred)
    if len(requirements) > 1:
        stored[REQUIREMENTS_KEY] = [r.to_json() for r in requirements]
    envs = sorted({j.environment for j in decision.judgements if j.decision is Verdict.ASK})
    settings = policy.settings
    return RequestDraft(
        digest=decision.digest,
        policy_digest=decision.policy_digest,
        agent=decision.actor.agent,
        operator=decision.actor.operator,
        requester=requester,
        session=decision.actor.session,
        environment=", ".join(envs) or "unknown",
        summary=decision.action.summary,
        # An ask that names no number still needs a human: never zero approvals.
        approvals_required=max(1, decision.approvals_required),
        reviewer_groups=tuple(groups),
        eligible=tuple(eligible),
        decision=stored,
        ttl_seconds=float(settings.request_ttl_seconds),
        grant_ttl_seconds=float(settings.grant_ttl_seconds),
    )


def _requirements(decision: Decision, *, policy: Policy, barred: set[str]) -> list[Requirement]:
    """One requirement per set of groups the asking effects name, with the most approvals any
    of them asks (an effect naming no group: every group)."""
    needed: dict[tuple[str, ...], int] = {}
    for j in decision.judgements:
        if j.decision is Verdict.ASK:
            groups = tuple(sorted(j.reviewers or policy.reviewers))
            needed[groups] = max(needed.get(groups, 1), j.approvals)
    return [
        Requirement(groups, n, _members(policy, groups, barred)) for groups, n in needed.items()
    ]


def _members(policy: Policy, groups: tuple[str, ...], barred: set[str]) -> tuple[str, ...]:
    """The people of ``groups`` who may approve (not one of the ``barred``)."""
    people = {p for g in groups for p in policy.reviewers.get(g, ())}
    return tuple(sorted(p for p in people if person_key(p) not in barred))


def grant_refusal(request: ApprovalRequest, *, policy: Policy, requester: str) -> str | None:
    """Why the grant of approved ``request`` may not be used now, its stored action judged
    again under ``policy`` (which may have changed since the approval), or ``None``: the action
    is now denied (a resource became protected, a deny rule was added), or the approvals it got
    no longer cover what the policy asks (:func:`approval_covers`)."""
    stored = decision_from_json(request.draft.decision)
    current = policy.judge(stored.action, actor=stored.actor)
    if current.decision is Verdict.DENY:
        why = "; ".join(current.reasons) or current.describe()
        return f"request {request.id}'s action is now denied by the policy: {why}"
    if current.decision is Verdict.ALLOW or current.policy_digest == request.draft.policy_digest:
        return None
    return approval_covers(request, draft_of(current, policy=policy, requester=requester))
