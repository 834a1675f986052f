"""Rules compiled for one agent and indexed by (verdict, effect kind, environment).

Judging one effect then looks at three short tuples; a rule that constrains only effect and
environment is matched by the index alone (``unconditional``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from keyturn.model import ActionKind, Effect, EffectKind, Verdict
from keyturn.policy.matching import GlobSet, is_literal
from keyturn.policy.schema import AgentSection, Rule


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
        )

    def matches(self, effect: Effect, kind: ActionKind) -> bool:
        """Whether the non-indexed criteria hold for ``effect`` of an action of ``kind``."""
        if self.unconditional:
            return True
        if self.kinds is not None and kind not in self.kinds:
            return False
        if self.services is not None and not self.services.match(effect.service):
            return False
        if self.commands is not None and not self.commands.match(effect.command):
            return False
        if self.tools is not None and not self.tools.match(effect.tool):
            return False
        return self.resources is None or self.resources.match_any(effect.resource.names)


Slots = tuple[tuple[CompiledRule, ...], tuple[CompiledRule, ...], tuple[CompiledRule, ...]]
_SLOT = {Verdict.DENY: 0, Verdict.ASK: 1, Verdict.ALLOW: 2}


class AgentRules:
    """The rules that apply to one agent, indexed. ``None`` as environment stands for a name the
    policy does not define (only rules without an ``environment`` criterion reach it)."""

    __slots__ = ("_index", "sections")

    def __init__(self, sections: Sequence[AgentSection], environments: Iterable[str]) -> None:
        self.sections = tuple(sections)
        compiled = [CompiledRule.of(r) for s in self.sections for r in s.rules]
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

    def slots(self, effect_kind: EffectKind, env: str | None) -> Slots:
        """(deny, ask, allow) rules that may match ``effect_kind`` in ``env``, in file order."""
        per_kind = self._index.get(env) or self._index[None]
        return per_kind[effect_kind]

    def candidates(
        self, verdict: Verdict, effect_kind: EffectKind, env: str | None
    ) -> tuple[CompiledRule, ...]:
        """The rules of ``verdict`` that may match ``effect_kind`` in ``env``, in file order."""
        return self.slots(effect_kind, env)[_SLOT[verdict]]


def sections_for(agent: str, sections: Sequence[AgentSection]) -> tuple[AgentSection, ...]:
    """The sections applying to ``agent``: its own key, then glob keys matching it (file order),
    then ``*``."""
    own = [s for s in sections if s.key == agent and s.key != "*"]
    globbed = [
        s
        for s in sections
        if s.key not in (agent, "*") and not is_literal(s.key) and GlobSet((s.key,)).match(agent)
    ]
    every = [s for s in sections if s.key == "*"]
    return (*own, *globbed, *every)
