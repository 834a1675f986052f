"""Rules compiled for one agent and indexed by (verdict, effect kind, environment).

Judging one effect then looks at three short tuples; a rule that constrains only effect and
environment is matched by the index alone (``unconditional``). Each (environment, effect kind)
slot also carries *gates*: per criterion (resource, tool, command, service), the literals and
literal prefixes of the slot's rules keyed by it. A value outside a gate cannot match any of
those rules, so an effect that matches none of a hundred resource patterns costs a set look-up
and one ``startswith``, not a hundred rule checks; the rules left are still checked in full, in
file order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from keyturn.model import ActionKind, Effect, EffectKind, Verdict
from keyturn.policy.matching import (
    GlobSet,
    RequiredText,
    glob_to_regex,
    is_literal,
    literal_prefix,
)
from keyturn.policy.outcome import Outcome, ask_outcome
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
    rule_id: str
    gate: int
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
            gate=_gate_of(rule),
            outcomes=(_outcome(rule, protected=False), _outcome(rule, protected=True)),
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


def _outcome(rule: Rule, *, protected: bool) -> Outcome:
    if rule.verdict is Verdict.ASK:
        return ask_outcome(
            rule.rule_id, rule.reason, rule.approvals, rule.reviewers, protected=protected
        )
    default = "denied by policy" if rule.verdict is Verdict.DENY else "allowed by policy"
    return Outcome(rule.verdict, rule.rule_id, rule.reason or default, protected=protected)


# The criterion a rule is gated on: the first of these whose globs all start with a literal
# (resource names are the most specific). A rule with none such is never gated out.
_RESOURCE, _TOOL, _COMMAND, _SERVICE, _UNGATED = range(5)


def _gate_of(rule: Rule) -> int:
    for gate, criterion in enumerate((rule.resources, rule.tools, rule.commands, rule.services)):
        if criterion is not None and all(literal_prefix(p) for p in criterion.patterns):
            return gate
    return _UNGATED


def _criterion(rule: CompiledRule, gate: int) -> GlobSet | None:
    return (rule.resources, rule.tools, rule.commands, rule.services)[gate]


Slots = tuple[tuple[CompiledRule, ...], tuple[CompiledRule, ...], tuple[CompiledRule, ...]]
_SLOT = {Verdict.DENY: 0, Verdict.ASK: 1, Verdict.ALLOW: 2}


def _by_resource_only(c: CompiledRule) -> bool:
    """Whether the resource is the only criterion of ``c`` the index leaves to check."""
    return (
        c.resources is not None
        and not c.unconditional
        and c.kinds is None
        and c.services is None
        and c.commands is None
        and c.tools is None
    )


class RuleList:
    """The rules of one verdict that can match an effect, and the one among them that decides.

    The deciding rule is the first matching one in *winning order*: file order, or for ``ask``
    the most approvals first (file order on a tie). The rules whose only criterion left is the
    resource -- most of a large policy -- are tried together, as one regular expression with
    one alternative per rule in winning order (the regex engine reports the first alternative
    that matches), rather than one Python call per rule; the others are checked one by one.
    """

    __slots__ = ("_others", "_ranked", "_regex", "_regex_ranks", "_required", "rules")

    def __init__(self, rules: tuple[CompiledRule, ...], *, most_approvals_first: bool) -> None:
        self.rules = rules
        order = sorted(
            range(len(rules)),
            key=(lambda i: (-rules[i].rule.approvals, i)) if most_approvals_first else None,
        )
        self._ranked = tuple(rules[i] for i in order)
        together = [r for r, c in enumerate(self._ranked) if _by_resource_only(c)]
        if len(together) < 2:  # one rule is tried as fast on its own
            together = []
        alternatives = [
            "(" + "|".join(glob_to_regex(p) for p in _resource_patterns(self._ranked[r])) + ")"
            for r in together
        ]
        self._regex = (
            re.compile("(?:" + "|".join(alternatives) + r")\Z", re.DOTALL) if together else None
        )
        self._regex_ranks = tuple(together)
        # A name lacking the text every glob of some rule requires (``team7-`` of
        # ``arn:aws:*:*:*:*team7-*``) matches none of them: one search for those texts settles
        # most names, where the expression would scan the name once per rule.
        self._required = (
            RequiredText.of(p for r in together for p in _resource_patterns(self._ranked[r]))
            if together
            else None
        )
        joined = set(together)
        self._others = tuple((r, c) for r, c in enumerate(self._ranked) if r not in joined)

    def winner(self, effect: Effect, kind: ActionKind) -> CompiledRule | None:
        """The deciding rule for ``effect`` of an action of ``kind``, or None."""
        best = len(self._ranked)
        regex = self._regex
        if regex is not None:
            ranks, required = self._regex_ranks, self._required
            for name in effect.resource.names:
                if required is not None and not required.found_in(name):
                    continue
                m = regex.match(name)
                if m is not None:
                    rank = ranks[m.lastindex - 1]  # type: ignore[operator]
                    if rank < best:
                        best = rank
        for rank, c in self._others:
            if rank >= best:
                break
            if c.matches(effect, kind):
                best = rank
                break
        return self._ranked[best] if best < len(self._ranked) else None


def _resource_patterns(c: CompiledRule) -> tuple[str, ...]:
    return c.resources.patterns if c.resources is not None else ()


Lists = tuple[RuleList, RuleList, RuleList]


@dataclass(frozen=True, slots=True)
class _Gate:
    """Whether a value can match any of some globs: a glob matches only values starting with
    the literal before its first wildcard (a literal glob only itself). Built without
    compiling anything, so indexing an agent's rules stays cheap."""

    criterion: int
    literals: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def over(cls, criterion: int, rules: Iterable[CompiledRule]) -> _Gate:
        patterns = {p for c in rules for p in _criterion(c, criterion).patterns}  # type: ignore[union-attr]
        literals = frozenset(p for p in patterns if is_literal(p))
        prefixes = tuple(sorted({literal_prefix(p) for p in patterns - literals}))
        return cls(criterion, literals, prefixes)

    def open_for(self, value: str | None) -> bool:
        return value is not None and (value in self.literals or value.startswith(self.prefixes))


class GatedSlot:
    """The (deny, ask, allow) rules of one (environment, effect kind), with their gates.

    ``lists[mask]`` holds, as :class:`RuleList`, the rules whose gate is open in ``mask`` (bit
    i: gate i open), plus the ungated ones, in file order: every rule that can match an effect
    opening those gates. Built for every mask of the gates present (at most 16)."""

    __slots__ = ("gates", "lists")

    def __init__(self, rules: Slots, made: dict[tuple[object, ...], RuleList]) -> None:
        """``made``: the rule lists built so far for this agent, shared (each compiles a
        regular expression, and the same rules recur across masks and slots)."""
        present = sorted({c.gate for lst in rules for c in lst if c.gate != _UNGATED})
        self.gates = tuple(
            _Gate.over(g, (c for lst in rules for c in lst if c.gate == g)) for g in present
        )
        bit = {gate: 1 << i for i, gate in enumerate(present)}
        self.lists: tuple[Lists, ...] = tuple(
            _lists(_open_rules(rules, mask, bit), made) for mask in range(1 << len(present))
        )


def _lists(slots: Slots, made: dict[tuple[object, ...], RuleList]) -> Lists:
    deny, ask, allow = slots
    return (
        _rule_list(deny, made, most_approvals_first=False),
        _rule_list(ask, made, most_approvals_first=True),
        _rule_list(allow, made, most_approvals_first=False),
    )


def _rule_list(
    rules: tuple[CompiledRule, ...],
    made: dict[tuple[object, ...], RuleList],
    *,
    most_approvals_first: bool,
) -> RuleList:
    key = (most_approvals_first, *map(id, rules))
    found = made.get(key)
    if found is None:
        found = made[key] = RuleList(rules, most_approvals_first=most_approvals_first)
    return found


def _open_rules(rules: Slots, mask: int, bit: dict[int, int]) -> Slots:
    def keep(c: CompiledRule) -> bool:
        return c.gate == _UNGATED or bool(mask & bit[c.gate])

    deny, ask, allow = (tuple(c for c in lst if keep(c)) for lst in rules)
    return deny, ask, allow


class AgentRules:
    """The rules that apply to one agent, indexed. ``None`` as environment stands for a name the
    policy does not define (only rules without an ``environment`` criterion reach it)."""

    __slots__ = ("_gated", "_index", "sections")

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
        # Slots with the same rules share one GatedSlot.
        shared: dict[tuple[int, ...], GatedSlot] = {}
        made: dict[tuple[object, ...], RuleList] = {}
        self._gated: dict[str | None, dict[EffectKind, GatedSlot]] = {}
        for env, per_kind_slots in self._index.items():
            gated = self._gated[env] = {}
            for kind, rules in per_kind_slots.items():
                ident = tuple(id(c) for lst in rules for c in (*lst, None))
                slot_rules = shared.get(ident)
                if slot_rules is None:
                    slot_rules = shared[ident] = GatedSlot(rules, made)
                gated[kind] = slot_rules

    def slots(self, effect_kind: EffectKind, env: str | None) -> Slots:
        """(deny, ask, allow) rules that may match ``effect_kind`` in ``env``, in file order."""
        per_kind = self._index.get(env) or self._index[None]
        return per_kind[effect_kind]

    def live_lists(self, effect: Effect, env: str | None) -> Lists:
        """The (deny, ask, allow) rules that can match ``effect`` in ``env``, as the
        :class:`RuleList` that pick the deciding rule: those of :meth:`slots` less the ones a
        gate rules out (``.rules`` of each, in file order)."""
        per_kind = self._gated.get(env) or self._gated[None]
        slot = per_kind[effect.effect]
        gates = slot.gates
        if not gates:
            return slot.lists[0]
        # Which gates ``effect`` opens (bit i: gate i), inlined: this runs for every judged
        # effect, and a call per gate (or per slot) cost as much as the checks.
        mask, bit = 0, 1
        for gate in gates:
            criterion, literals, prefixes = gate.criterion, gate.literals, gate.prefixes
            if criterion == _RESOURCE:
                for name in effect.resource.names:
                    if name in literals or name.startswith(prefixes):
                        mask |= bit
                        break
            else:
                value = (
                    effect.tool
                    if criterion == _TOOL
                    else effect.command
                    if criterion == _COMMAND
                    else effect.service
                )
                if value is not None and (value in literals or value.startswith(prefixes)):
                    mask |= bit
            bit <<= 1
        return slot.lists[mask]

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
