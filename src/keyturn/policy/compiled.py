"""A rule with its criteria pulled out for matching, and what it decides when it decides."""

from __future__ import annotations

from dataclasses import dataclass

from keyturn.model import ActionKind, Effect, Verdict
from keyturn.policy.matching import GlobSet
from keyturn.policy.outcome import Outcome, ask_outcome
from keyturn.policy.schema import Rule


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with its remaining (non-indexed) criteria pulled out for speed."""

    rule: Rule
    unconditional: bool
    kinds: frozenset[ActionKind] | None
    services: GlobSet | None
    commands: GlobSet | None
    tools: GlobSet | None
    resources: GlobSet | None
    rule_id: str
    # What the rule decides when it is the deciding one: (resource unprotected, protected).
    outcomes: tuple[Outcome, Outcome]

    @classmethod
    def of(cls, rule: Rule) -> CompiledRule:
        return cls(
            rule=rule,
            unconditional=not rule.narrowing,
            kinds=rule.kinds,
            services=rule.services,
            commands=rule.commands,
            tools=rule.tools,
            resources=rule.resources,
            rule_id=rule.rule_id,
            outcomes=(_outcome(rule, protected=False), _outcome(rule, protected=True)),
        )

    def matches(self, effect: Effect, kind: ActionKind) -> bool:
        """Whether the non-indexed criteria hold for ``effect`` of an action of ``kind``."""
        if self.unconditional:
            return True
        if not self.matches_besides_resource(effect, kind):
            return False
        return self.resources is None or self.resources.match_any(effect.resource.names)

    def matches_besides_resource(self, effect: Effect, kind: ActionKind) -> bool:
        """Whether every criterion but the resource holds for ``effect``."""
        if self.kinds is not None and kind not in self.kinds:
            return False
        if self.services is not None and not self.services.match(effect.service):
            return False
        if self.commands is not None and not self.commands.match(effect.command):
            return False
        return self.tools is None or self.tools.match(effect.tool)

    def may_reach(self, effect: Effect, kind: ActionKind, wide: tuple[str, ...]) -> bool:
        """Whether one of the ``wide`` names of ``effect`` (``k8s:*/pod/*``, ``file:/srv/*``)
        takes in something this rule's resources name, the other criteria holding: a deny or
        an ask on ``k8s:payments/*`` holds a delete of every namespace's pods too."""
        return (
            self.resources is not None
            and self.resources.first_overlap(wide) is not None
            and self.matches_besides_resource(effect, kind)
        )


def _outcome(rule: Rule, *, protected: bool) -> Outcome:
    if rule.verdict is Verdict.ASK:
        return ask_outcome(
            rule.rule_id, rule.reason, rule.approvals, rule.reviewers, protected=protected
        )
    default = "denied by policy" if rule.verdict is Verdict.DENY else "allowed by policy"
    return Outcome(rule.verdict, rule.rule_id, rule.reason or default, protected=protected)


# The (deny, ask, allow) rules of one slot -- an (environment, effect kind) -- in file order.
Slots = tuple[tuple[CompiledRule, ...], tuple[CompiledRule, ...], tuple[CompiledRule, ...]]
