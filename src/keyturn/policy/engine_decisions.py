"""The decision on one effect, once its environment is told: the built-in rules (catastrophic,
self-protection, protection), then the agent's rules, ``unknown``'s own and the default.

Split from :mod:`keyturn.policy.engine` to keep it small: :class:`EffectDecisions` is the base of
:class:`~keyturn.policy.engine.Policy`, which builds the attributes these methods read; the
engine module keeps construction, environments and the judging of whole actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keyturn.model import DESTRUCTIVE_EFFECTS, ActionKind, Effect, EffectKind, Verdict
from keyturn.policy import builtin
from keyturn.policy.matching import GlobSet
from keyturn.policy.outcome import Outcome, ask_outcome
from keyturn.policy.plan import SlotPlan
from keyturn.policy.protection import Protection
from keyturn.policy.rules import AgentRules, CompiledRule
from keyturn.policy.schema import Rule
from keyturn.policy.selfprotect import (
    GUARDED_PREFIXES,
    SELF_PROTECTION_RULE,
    SelfProtection,
    may_reach_cluster_gate,
)
from keyturn.policy.through_services import stricter_through_services

__all__ = ["EffectDecisions"]


_DELETE, _REPLACE, _UNKNOWN = EffectKind.DELETE, EffectKind.REPLACE, EffectKind.UNKNOWN
_READ = EffectKind.READ


class EffectDecisions:
    """How :class:`~keyturn.policy.engine.Policy` decides one effect (its base class)."""

    # Built by Policy.__init__; declared here for the type checker.
    _self_protection: SelfProtection | None
    _protection: Protection | None
    _env_set: frozenset[str]
    _held_services: GlobSet | None
    _all_groups: tuple[str, ...]
    _defaults: tuple[Outcome, Outcome]
    _agents: dict[str, AgentRules]

    if TYPE_CHECKING:  # Policy's own, for the type checker only

        @property
        def default(self) -> Verdict: ...

        @property
        def production_environments(self) -> frozenset[str]: ...

        def rules_for(self, agent: str) -> AgentRules: ...

    # -- the decision on one effect --------------------------------------------------------------

    def _decide(self, effect: Effect, agent: str, kind: ActionKind, env: str) -> Outcome:
        names = effect.resource.names
        protection = self._protection
        if protection is None:
            protected, shown = False, names
        else:
            # ``shown``: the names as the patterns are matched (file names in lower case).
            protected, shown = protection.reach(effect)
        # The built-in rules can only decide an effect that is flagged catastrophic, a
        # destructive, protection-removing or not understood one on a protected resource (what
        # keyturn cannot read may be a delete: no approval may release it), a destructive one
        # whose protection went earlier, or one naming a file or an environment variable (the
        # catastrophic paths and keyturn's own files and settings have no other names): most
        # effects skip the call.
        if (
            effect.catastrophic
            or (
                (protected or effect.protected_by)
                and (effect.effect in DESTRUCTIVE_EFFECTS or effect.removes_protection)
            )
            or (protected and effect.effect is _UNKNOWN)
            or names[0].startswith(GUARDED_PREFIXES)
            or (len(names) > 1 and any(n.startswith(GUARDED_PREFIXES) for n in names))
            or (
                names[0].startswith("k8s:")
                and effect.effect is not _READ
                and may_reach_cluster_gate(effect)
            )
        ):
            builtin_verdict = self._builtins(effect, protected=protected, names=shown)
            if builtin_verdict is not None:
                return builtin_verdict
        rules = self._agents.get(agent) or self.rules_for(agent)
        per_kind = rules.plans.get(env) or rules.plans[None]
        plan = per_kind[effect.effect]
        outcome = self._by_rules(effect, kind, env, plan, rules, protected=protected)
        held = self._held_services
        if held is not None and outcome.decision is not Verdict.DENY:
            outcome = stricter_through_services(effect, outcome, held, kind, plan, protected)
        return outcome

    def _by_rules(
        self,
        effect: Effect,
        kind: ActionKind,
        env: str,
        plan: SlotPlan,
        rules: AgentRules,
        *,
        protected: bool,
    ) -> Outcome:
        """What the agent's rules (and the default) decide on ``effect``."""
        starts = effect.resource.wide_starts
        best = plan.winning_rank(effect, kind)
        if starts and effect.resource.open_names:
            best = plan.reaching_rank(effect, kind, best)
        ranked = plan.ranked
        if best < plan.deny_end:
            return ranked[best].outcomes[protected]
        if effect.effect is EffectKind.UNKNOWN:
            chosen = ranked[best].rule if best < plan.ask_end else None
            env_key = env if env in self._env_set else None
            return self._unknown(
                effect, kind=kind, env=env, ask=chosen, rules=rules, env_key=env_key
            )
        if best < len(ranked):
            return ranked[best].outcomes[protected]
        return self._defaults[protected]

    def _builtins(
        self, effect: Effect, *, protected: bool, names: tuple[str, ...]
    ) -> Outcome | None:
        """The built-in rules; ``protected``: whether a ``protected`` pattern names it;
        ``names``: the effect's names as the protected patterns are matched against (its
        file names in lower case)."""
        destructive = effect.effect in DESTRUCTIVE_EFFECTS
        # catastrophic_reason looks no further than these two: spare the call otherwise.
        if destructive or effect.catastrophic:
            reason = builtin.catastrophic_reason(effect)
            if reason is not None:
                return Outcome(Verdict.DENY, builtin.CATASTROPHIC_RULE, f"catastrophic: {reason}")
        guard = self._self_protection
        if guard is not None:
            reason = guard.reason(effect)
            if reason is not None:
                return Outcome(Verdict.DENY, SELF_PROTECTION_RULE, reason)
        unknown = effect.effect is _UNKNOWN
        protection = self._protection
        if (
            protected
            and protection is not None
            and (destructive or unknown or effect.removes_protection)
        ):
            found = protection.outcome(names, destructive=destructive, unknown=unknown)
            if found is not None:
                return found
        if destructive and effect.protected_by:
            return Outcome(
                Verdict.DENY,
                builtin.PROTECTION_REMOVED_RULE,
                f"its protection was removed earlier ({effect.protected_by})",
                protected=True,
            )
        return None

    def _unknown(
        self,
        effect: Effect,
        *,
        kind: ActionKind,
        env: str,
        ask: Rule | None,
        rules: AgentRules,
        env_key: str | None,
    ) -> Outcome:
        """``unknown``: at least ask; deny in production unless an ask rule names ``unknown``."""
        named = _largest_ask(
            tuple(
                c
                for c in rules.candidates(Verdict.ASK, effect.effect, env_key)
                if c.rule.names_unknown
            ),
            effect,
            kind,
        )
        explicit = None if named is None else named.rule
        what = effect.detail or "keyturn cannot tell what this does"
        if env in self.production_environments:
            if explicit is None:
                return Outcome(
                    Verdict.DENY,
                    builtin.UNKNOWN_IN_PRODUCTION_RULE,
                    f"not understood, in production: {what}",
                )
            return ask_outcome(
                explicit.rule_id, explicit.reason, explicit.approvals, explicit.reviewers
            )
        chosen = explicit or ask
        if chosen is not None:
            return ask_outcome(chosen.rule_id, chosen.reason, chosen.approvals, chosen.reviewers)
        allow = _first(rules.candidates(Verdict.ALLOW, effect.effect, env_key), effect, kind)
        if self.default is Verdict.DENY and allow is None:
            return Outcome(Verdict.DENY, "default", f"not understood: {what}; default is deny")
        return ask_outcome(
            builtin.UNKNOWN_AT_LEAST_ASK_RULE,
            f"not understood, needs review: {what}",
            1,
            self._all_groups,
        )


def _first(
    candidates: tuple[CompiledRule, ...], effect: Effect, kind: ActionKind
) -> CompiledRule | None:
    for c in candidates:
        if c.matches(effect, kind):
            return c
    return None


def _largest_ask(
    candidates: tuple[CompiledRule, ...], effect: Effect, kind: ActionKind
) -> CompiledRule | None:
    """The matching ask rule asking the most approvals (the first on a tie)."""
    best: CompiledRule | None = None
    for c in candidates:
        if (best is None or c.rule.approvals > best.rule.approvals) and c.matches(effect, kind):
            best = c
    return best
