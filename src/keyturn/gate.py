"""The use case: understand -> judge -> (ask -> approval) -> audit.

Every entry point (CLI ``exec``, agent hooks, the MCP proxy, the server, the boto3 guard) hands an
understood :class:`~keyturn.model.Action` to :meth:`Gate.submit` and acts on the
:class:`Outcome`. The gate is where fail-closed is enforced: if the decision cannot be recorded
in the audit log, or the approval state cannot be reached, the outcome is ``deny``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from keyturn.model import Action, Actor, Decision, Verdict

if TYPE_CHECKING:
    from keyturn.policy import Policy


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the caller must do with an action.

    - ``verdict``: the final word: ``allow`` (allowed by policy, or an approved grant for this
      exact digest was consumed), ``ask`` (held: ``request_id`` names the open request), or
      ``deny``.
    - ``decision``: the policy's decision on the action (may be ``ask`` while verdict is
      ``allow`` when a grant was used).
    - ``message``: one line for the agent or the person, saying what happened and what next.
    """

    verdict: Verdict
    decision: Decision
    message: str
    request_id: str | None = None
    grant_id: str | None = None


def judge(action: Action, *, policy: Policy, actor: Actor) -> Decision:
    """Judge an understood action against the policy (pure; records nothing)."""
    return policy.judge(action, actor=actor)


def describe_decision(decision: Decision) -> str:
    """A one-line account of a decision for agents and logs."""
    verdict = decision.decision
    if verdict is Verdict.ALLOW:
        return f"allowed: {decision.action.summary}"
    reasons = "; ".join(decision.reasons) or decision.action.summary
    if verdict is Verdict.DENY:
        return f"denied: {reasons}"
    groups = ", ".join(decision.reviewers) or "any reviewer"
    return f"needs {decision.approvals_required} approval(s) from {groups}: {reasons}"
