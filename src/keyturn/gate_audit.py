"""The audit records the gate writes of a decision, and how it names who acted in them.

Separate from :mod:`keyturn.gate` because they are the layout of what is recorded (fields an
audit reader relies on), not the judging, holding and waiting the gate does.
"""

from __future__ import annotations

from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.model import Actor, Decision


def _actor_json(actor: Actor, requester: str | None) -> dict[str, str | None]:
    return {
        "agent": actor.agent,
        "operator": actor.operator,
        "session": actor.session,
        "requester": requester,
    }


def _decision_entry(
    decision: Decision, *, requester: str, now: float, redacted: tuple[str, ...] = ()
) -> AuditEntry:
    """The audit record of a decision: enough to trace it without the policy at hand, and
    what kinds of secret were redacted from it (when any were)."""
    entry = AuditEntry(
        kind=AuditKind.DECISION,
        at=now,
        actor=_actor_json(decision.actor, requester),
        data={
            "digest": decision.digest,
            "policy_digest": decision.policy_digest,
            "kind": decision.action.kind.value,
            "summary": decision.action.summary,
            "decision": decision.decision.value,
            "approvals_required": decision.approvals_required,
            "reviewer_groups": list(decision.reviewers),
            "effects": [
                {
                    "effect": j.effect.effect.value,
                    "resource": list(j.effect.resource.names),
                    "environment": j.environment,
                    "decision": j.decision.value,
                    "rule": j.rule,
                    "reason": j.reason,
                }
                for j in decision.judgements
            ],
            "reasons": list(decision.reasons),
        },
    )
    if redacted:
        entry.data["redacted"] = list(redacted)
    return entry
