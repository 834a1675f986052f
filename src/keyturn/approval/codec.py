"""The decision a request is bound to, as stored: ``{"action": <canonical action>,
"decision": <Decision.to_json()>}``, and back. The round trip keeps the action digest: the
canonical action is exactly what the digest was computed over."""

from __future__ import annotations

from typing import Any

from keyturn.errors import InputError
from keyturn.model import (
    Action,
    ActionKind,
    Actor,
    Decision,
    Effect,
    EffectKind,
    Judgement,
    Resource,
    Target,
    Verdict,
)


def decision_to_json(decision: Decision) -> dict[str, Any]:
    """The stored form of a decision (effects and action included)."""
    return {
        "action": decision.action.canonical(),
        "summary": decision.action.summary,
        "session": decision.actor.session,
        "decision": decision.to_json(),
    }


def _target(raw: dict[str, Any]) -> Target:
    return Target(**{k: raw.get(k) for k in Target.__slots__})


def _effect(raw: dict[str, Any], detail: str) -> Effect:
    res = raw["resource"]
    return Effect(
        effect=EffectKind(raw["effect"]),
        resource=Resource(names=tuple(res["names"]), type=res.get("type", "")),
        target=_target(raw.get("target") or {}),
        service=raw.get("service"),
        command=raw.get("command"),
        tool=raw.get("tool"),
        operation=raw.get("operation"),
        removes_protection=bool(raw.get("removes_protection", False)),
        protected_by=raw.get("protected_by"),
        catastrophic=raw.get("catastrophic"),
        detail=detail,
    )


def decision_from_json(stored: dict[str, Any]) -> Decision:
    """Rebuild a stored decision. ``InputError`` when the stored form is damaged."""
    try:
        return _decision(stored)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"stored decision is damaged: {exc!r}") from None


def _decision(stored: dict[str, Any]) -> Decision:
    act, dec = stored["action"], stored["decision"]
    judged = list(dec.get("effects", []))
    effects = tuple(
        _effect(raw, (judged[i].get("detail") or "") if i < len(judged) else "")
        for i, raw in enumerate(act["effects"])
    )
    action = Action(
        kind=ActionKind(act["kind"]),
        summary=stored.get("summary", dec.get("summary", "")),
        effects=effects,
        target=_target(act.get("target") or {}),
        subject=act.get("subject"),
    )
    judgements = tuple(
        Judgement(
            effect=effects[i],
            environment=j["environment"],
            decision=Verdict(j["decision"]),
            rule=j["rule"],
            reason=j["reason"],
            approvals=int(j.get("approvals", 0)),
            reviewers=tuple(j.get("reviewers", ())),
            protected=bool(j.get("protected", False)),
        )
        for i, j in enumerate(judged)
        if i < len(effects)
    )
    return Decision(
        action=action,
        actor=Actor(agent=dec["agent"], operator=dec["operator"], session=stored.get("session")),
        decision=Verdict(dec["decision"]),
        approvals_required=int(dec["approvals_required"]),
        reviewers=tuple(dec.get("reviewers", ())),
        judgements=judgements,
        reasons=tuple(dec.get("reasons", ())),
        policy_digest=dec["policy_digest"],
    )
