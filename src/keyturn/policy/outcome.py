"""The outcome of the rules on one effect, and the Judgement and Decision built from it.

Judging one effect must stay a few microseconds (a hook judges before every command), and at
that scale building the frozen result values is a third of the work: a frozen dataclass's
``__init__`` goes through ``object.__setattr__`` once per field. The builders here fill the
same slots directly, for the two value types that have no ``__post_init__`` to skip (a test
holds both facts), and produce values equal to the ones the constructors would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, NamedTuple

from keyturn.model import Action, Actor, Decision, Effect, Judgement, Verdict


class Outcome(NamedTuple):
    """The outcome of the rules on one effect, before it is dressed as a Judgement.

    A NamedTuple rather than a frozen dataclass: the ones a rule or the default can give are
    built once, at compile time, and the others on the rare paths only."""

    decision: Verdict
    rule: str
    reason: str
    approvals: int = 0
    reviewers: tuple[str, ...] = ()
    protected: bool = False


def ask_outcome(
    rule_id: str,
    reason: str | None,
    approvals: int,
    reviewers: tuple[str, ...],
    *,
    protected: bool = False,
) -> Outcome:
    """An ``ask``: the rule's reason, else how many approvals from whom."""
    groups = ", ".join(reviewers) or "any reviewer"
    return Outcome(
        Verdict.ASK,
        rule_id,
        reason or f"needs {approvals} approval(s) from {groups}",
        approvals=approvals,
        reviewers=reviewers,
        protected=protected,
    )


def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of ``cls``'s fields ``names``; refuses (at import) a class whose fields
    changed or that gained a ``__post_init__``, which the builders would silently skip."""
    if tuple(f.name for f in fields(cls)) != names or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} changed: update keyturn.policy.outcome")
    return tuple(cls.__dict__[name].__set__ for name in names)


_new = object.__new__
_JUDGEMENT_SLOTS = _slot_setters(
    Judgement,
    ("effect", "environment", "decision", "rule", "reason", "approvals", "reviewers", "protected"),
)
_DECISION_SLOTS = _slot_setters(
    Decision,
    (
        "action",
        "actor",
        "decision",
        "approvals_required",
        "reviewers",
        "judgements",
        "reasons",
        "policy_digest",
    ),
)


def judgement(effect: Effect, environment: str, outcome: Outcome) -> Judgement:
    """``Judgement(effect=effect, environment=environment, <outcome's fields>)``."""
    j = _new(Judgement)
    s_effect, s_env, s_decision, s_rule, s_reason, s_approvals, s_reviewers, s_protected = (
        _JUDGEMENT_SLOTS
    )
    s_effect(j, effect)
    s_env(j, environment)
    s_decision(j, outcome[0])
    s_rule(j, outcome[1])
    s_reason(j, outcome[2])
    s_approvals(j, outcome[3])
    s_reviewers(j, outcome[4])
    s_protected(j, outcome[5])
    return j


def decision(
    *,
    action: Action,
    actor: Actor,
    verdict: Verdict,
    approvals_required: int,
    reviewers: tuple[str, ...],
    judgements: tuple[Judgement, ...],
    reasons: tuple[str, ...],
    policy_digest: str,
) -> Decision:
    """``Decision(...)`` with the same fields (``verdict`` is its ``decision``)."""
    d = _new(Decision)
    s_action, s_actor, s_decision, s_approvals, s_reviewers, s_judgements, s_reasons, s_digest = (
        _DECISION_SLOTS
    )
    s_action(d, action)
    s_actor(d, actor)
    s_decision(d, verdict)
    s_approvals(d, approvals_required)
    s_reviewers(d, reviewers)
    s_judgements(d, judgements)
    s_reasons(d, reasons)
    s_digest(d, policy_digest)
    return d
