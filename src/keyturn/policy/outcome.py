"""The outcome of the rules on one effect, before it is dressed as a Judgement."""

from __future__ import annotations

from typing import NamedTuple

from keyturn.model import Verdict


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
    """An ``ask``: the rule's reason, else how many approvals from whom. ``reviewers`` once
    each (the decision on one effect takes them as they are)."""
    reviewers = tuple(dict.fromkeys(reviewers))
    groups = ", ".join(reviewers) or "any reviewer"
    return Outcome(
        Verdict.ASK,
        rule_id,
        reason or f"needs {approvals} approval(s) from {groups}",
        approvals=approvals,
        reviewers=reviewers,
        protected=protected,
    )
