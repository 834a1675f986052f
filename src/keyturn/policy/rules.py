"""Rules compiled for one agent and indexed by (environment, effect kind).

Judging one effect looks up one :class:`~keyturn.policy.plan.SlotPlan` -- the slot's deny, ask
and allow rules ranked, with the rules that constrain only the resource joined into one regular
expression -- and asks it for the deciding rule. A rule that constrains only effect and
environment is matched by the index alone (``unconditional``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from keyturn.model import EffectKind, Verdict, name_key
from keyturn.policy.compiled import CompiledRule, Slots
from keyturn.policy.matching import GlobSet, is_literal
from keyturn.policy.plan import SlotPlan
from keyturn.policy.schema import AgentSection, Rule

__all__ = ["AgentRules", "CompiledRule", "SharedParts", "Slots", "agent_key", "sections_for"]

_SLOT = {Verdict.DENY: 0, Verdict.ASK: 1, Verdict.ALLOW: 2}


class SharedParts:
    """What the agents of one policy share: each rule compiled once (a ``*`` rule is one object
    for every agent), and one plan per distinct slot. Besides building less, judging then
    touches the same objects whichever agent asks -- objects that stay in the processor's
    caches, where an agent's own copies would have to come back from memory."""

    __slots__ = ("_compiled", "interned", "plans")

    def __init__(self) -> None:
        self._compiled: dict[int, CompiledRule] = {}
        self.plans: dict[tuple[int, ...], SlotPlan] = {}
        self.interned: dict[object, object] = {}

    def compile(self, rule: Rule) -> CompiledRule:
        """``rule`` compiled (keyed by identity: the policy document holds every rule)."""
        found = self._compiled.get(id(rule))
        if found is None or found.rule is not rule:
            found = self._compiled[id(rule)] = CompiledRule.of(rule)
        return found


class AgentRules:
    """The rules that apply to one agent, indexed. ``None`` as environment stands for a name the
    policy does not define (only rules without an ``environment`` criterion reach it)."""

    __slots__ = ("_index", "plans", "sections")

    def __init__(
        self,
        sections: Sequence[AgentSection],
        environments: Iterable[str],
        shared: SharedParts | None = None,
    ) -> None:
        self.sections = tuple(sections)
        shared = shared or SharedParts()
        compiled = [shared.compile(r) for s in self.sections for r in s.rules]
        # env -> effect kind -> (deny, ask, allow): one lookup per judged effect. Built in one
        # pass over the rules (in file order, so each list keeps it): the first effect an agent
        # sends pays for this, so it must stay cheap even for hundreds of rules.
        envs = (*environments, None)
        lists: dict[str | None, dict[EffectKind, tuple[list[CompiledRule], ...]]] = {
            env: {kind: ([], [], []) for kind in EffectKind} for env in envs
        }
        for c in compiled:
            slot = _SLOT[c.rule.verdict]
            where = (
                envs
                if c.rule.environments is None
                else [env for env in envs if env in c.rule.environments]
            )
            kinds = c.rule.applies_to_effects
            for env in where:
                per_kind = lists[env]
                for kind in kinds:
                    per_kind[kind][slot].append(c)
        self._index: dict[str | None, dict[EffectKind, Slots]] = {
            env: {
                kind: (tuple(deny), tuple(ask), tuple(allow))
                for kind, (deny, ask, allow) in per_kind.items()
            }
            for env, per_kind in lists.items()
        }
        # Slots with the same rules share one plan (each compiles a regular expression).
        self.plans: dict[str | None, dict[EffectKind, SlotPlan]] = {}
        for env, per_kind_slots in self._index.items():
            plans = self.plans[env] = {}
            for kind, rules in per_kind_slots.items():
                # The rules' identities, each list closed by a 0 (no object has id 0).
                ident = tuple(id(c) if c is not None else 0 for lst in rules for c in (*lst, None))
                plan = shared.plans.get(ident)
                if plan is None:
                    plan = shared.plans[ident] = SlotPlan(rules, shared.interned)
                plans[kind] = plan

    def slots(self, effect_kind: EffectKind, env: str | None) -> Slots:
        """(deny, ask, allow) rules that may match ``effect_kind`` in ``env``, in file order."""
        per_kind = self._index.get(env) or self._index[None]
        return per_kind[effect_kind]

    def plan(self, effect_kind: EffectKind, env: str | None) -> SlotPlan:
        """The ranked rules of ``effect_kind`` in ``env`` (an unknown name: ``None``'s)."""
        per_kind = self.plans.get(env) or self.plans[None]
        return per_kind[effect_kind]

    def candidates(
        self, verdict: Verdict, effect_kind: EffectKind, env: str | None
    ) -> tuple[CompiledRule, ...]:
        """The rules of ``verdict`` that may match ``effect_kind`` in ``env``, in file order."""
        return self.slots(effect_kind, env)[_SLOT[verdict]]


def agent_key(name: str) -> str:
    """An agent's name as sections are picked by it: without surrounding space, case or
    compatibility variants (``Kiro``, ``kiro `` and ``ｋｉｒｏ`` are kiro), the way approvals
    compare people (:func:`keyturn.approval.machine.person_key`). The name is often the
    agent's own claim: an exact comparison let ``--agent Kiro`` escape ``agents.kiro``."""
    return name_key(name)


def sections_for(agent: str, sections: Sequence[AgentSection]) -> tuple[AgentSection, ...]:
    """The sections applying to ``agent``: its own key, then glob keys matching it (file order),
    then ``*``. Names and keys compare as :func:`agent_key` reads them."""
    agent = agent_key(agent)
    own = [s for s in sections if s.key != "*" and agent_key(s.key) == agent]
    globbed = [
        s
        for s in sections
        if s.key != "*"
        and not is_literal(s.key)
        and agent_key(s.key) != agent
        and GlobSet((agent_key(s.key),)).match(agent)
    ]
    every = [s for s in sections if s.key == "*"]
    return (*own, *globbed, *every)
