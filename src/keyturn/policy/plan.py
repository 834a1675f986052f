"""One slot's rules -- an agent's deny, ask and allow rules for one (environment, effect kind) --
arranged so that finding the deciding rule touches as little as possible.

The rules are *ranked* once: the denies in file order, then the asks with the most approvals
first (file order on a tie), then the allows in file order. The deciding rule is then simply the
matching rule of lowest rank: any deny beats any ask, which beats any allow. Three facts make
that cheap:

- The first rule that matches everything (``unconditional``: nothing but effect and environment,
  which the slot already fixed) is the *cap*: nothing ranked after it can decide, so it is never
  looked at.
- The rules whose only criterion left is the resource -- most of a large policy -- are tried
  together, as one regular expression with one alternative per rule in rank order: the regex
  engine reports the first alternative that matches, which is the lowest rank.
- The remaining rules (a service, a command, a tool, an action kind) are tried one by one, in
  rank order, only while they rank below the best found so far.

Judging one effect thus touches one plan, one expression and a short tuple, whatever the
number of rules. An earlier design kept three rule lists per slot and per combination of
literal "gates"; it was as fast on warm caches, but touched several times more objects, and its
slowest judgements (the p99) were those whose objects had dropped out of the processor's caches.
"""

from __future__ import annotations

import re

from keyturn.model import ActionKind, Effect
from keyturn.policy.compiled import CompiledRule, Slots
from keyturn.policy.matching import RequiredText, glob_to_regex, is_literal, literal_prefix

# The criteria other than the resource, and the field of an effect each reads.
_FIELDS = (("commands", "command"), ("tools", "tool"), ("services", "service"))


class SlotPlan:
    """The ranked rules of one slot and what finds the deciding one (see the module)."""

    __slots__ = (
        "ask_end",
        "cap",
        "deny_end",
        "gates",
        "inner",
        "others",
        "prefixes",
        "ranked",
        "reaching",
        "regex",
        "regex_ranks",
    )

    def __init__(self, slots: Slots, interned: dict[object, object] | None = None) -> None:
        """``interned``: equal parts of the plans of one policy, kept once (most slots of most
        agents carry the same gates, e.g. that of a ``*`` rule on ``git push --force*``)."""
        interned = {} if interned is None else interned
        deny, ask, allow = slots
        # sorted() is stable: asks asking as many approvals keep their file order.
        asks = sorted(ask, key=lambda c: -c.rule.approvals)
        self.ranked: tuple[CompiledRule, ...] = (*deny, *asks, *allow)
        self.deny_end = len(deny)
        self.ask_end = len(deny) + len(ask)
        self.cap = next(
            (rank for rank, c in enumerate(self.ranked) if c.unconditional), len(self.ranked)
        )
        below_cap = self.ranked[: self.cap]
        # The denies and asks that name resources: a wide name may reach what they name
        # (:meth:`CompiledRule.may_reach`), though it does not match their globs as text.
        self.reaching: tuple[int, ...] = tuple(
            rank
            for rank, c in enumerate(below_cap[: self.ask_end])
            if c.resources is not None and not c.unconditional
        )
        together = [rank for rank, c in enumerate(below_cap) if _by_resource_only(c)]
        patterns = [p for rank in together for p in _resource_patterns(below_cap[rank])]
        self.regex = (
            re.compile(
                "(?:"
                + "|".join(
                    "(" + "|".join(map(glob_to_regex, _resource_patterns(below_cap[r]))) + ")"
                    for r in together
                )
                + r")\Z",
                re.DOTALL,
            )
            if together
            else None
        )
        self.regex_ranks = tuple(together)
        # A name lacking the text every glob of some rule requires (``team7-`` of
        # ``arn:aws:*:*:*:*team7-*``) matches none of them: a ``startswith`` and one search
        # for those texts settle most names, where the expression would try every alternative.
        required = RequiredText.of(patterns) if patterns else None
        prefixes = None if required is None else required.prefixes
        self.prefixes: tuple[str, ...] | None = interned.setdefault(prefixes, prefixes)  # type: ignore[assignment]
        self.inner: re.Pattern[str] | None = None if required is None else required.inner
        joined = set(together)
        others = [(rank, c) for rank, c in enumerate(below_cap) if rank not in joined]
        # The others are gated by the first of command, tool and service each constrains: a
        # value outside the literals and literal prefixes of a field's globs (or no value:
        # most effects have no command) matches none of the rules gated on that field. Which
        # gates an effect opens is a mask; others[mask] holds the rules left, in rank order.
        gated = {rank: _gate_field(c) for rank, c in others}
        fields = sorted({f for f in gated.values() if f is not None})
        gates = tuple(_gate_over(f, [c for rank, c in others if gated[rank] == f]) for f in fields)
        self.gates: tuple[tuple[str, frozenset[str], tuple[str, ...] | None], ...] = (
            interned.setdefault(gates, gates)  # type: ignore[assignment]
        )
        bit = {f: 1 << i for i, f in enumerate(fields)}
        by_mask = tuple(
            tuple(
                (rank, c)
                for rank, c in others
                if gated[rank] is None or mask & bit[gated[rank]]  # type: ignore[index]
            )
            for mask in range(1 << len(fields))
        )
        self.others: tuple[tuple[tuple[int, CompiledRule], ...], ...] = interned.setdefault(
            by_mask, by_mask
        )  # type: ignore[assignment]

    def winning_rank(self, effect: Effect, kind: ActionKind) -> int:
        """The rank of the deciding rule for ``effect`` of an action of ``kind``;
        ``len(self.ranked)`` when no rule matches."""
        best = self.cap
        regex = self.regex
        if regex is not None:
            ranks, prefixes, inner = self.regex_ranks, self.prefixes, self.inner
            for name in effect.resource.names:
                if (
                    prefixes is not None
                    and not name.startswith(prefixes)
                    and (inner is None or inner.search(name) is None)
                ):
                    continue
                m = regex.match(name)
                if m is not None:
                    rank = ranks[m.lastindex - 1]  # type: ignore[operator]
                    if rank < best:
                        best = rank
        mask, bit = 0, 1
        for field, literals, prefixes in self.gates:
            value = getattr(effect, field)
            if value is not None and (
                value in literals or prefixes is None or value.startswith(prefixes)
            ):
                mask |= bit
            bit <<= 1
        for rank, c in self.others[mask]:
            if rank >= best:
                break
            if c.matches(effect, kind):
                return rank
        return best

    def reaching_rank(self, effect: Effect, kind: ActionKind, best: int) -> int:
        """``best``, or the rank of a deny or ask before it that an open name of ``effect``
        (:attr:`Resource.open_names`) may reach (:meth:`CompiledRule.may_reach`). Called only
        for an effect with open names: most have none."""
        wide = effect.resource.open_names
        for rank in self.reaching:
            if rank >= best:
                break
            if self.ranked[rank].may_reach(effect, kind, wide):
                return rank
        return best

    def winner(self, effect: Effect, kind: ActionKind) -> CompiledRule | None:
        """The deciding rule, or None when none matches."""
        rank = self.winning_rank(effect, kind)
        if effect.resource.open_names:
            rank = self.reaching_rank(effect, kind, rank)
        return self.ranked[rank] if rank < len(self.ranked) else None


def _by_resource_only(c: CompiledRule) -> bool:
    """Whether the resource is the only criterion of ``c`` the slot leaves to check."""
    return (
        c.resources is not None
        and not c.unconditional
        and c.kinds is None
        and c.services is None
        and c.commands is None
        and c.tools is None
    )


def _resource_patterns(c: CompiledRule) -> tuple[str, ...]:
    return c.resources.patterns if c.resources is not None else ()


def _gate_field(c: CompiledRule) -> str | None:
    """The field ``c`` is gated on: that of its first command, tool or service criterion."""
    for criterion, field in _FIELDS:
        if getattr(c, criterion) is not None:
            return field
    return None


def _gate_over(
    field: str, rules: list[CompiledRule]
) -> tuple[str, frozenset[str], tuple[str, ...] | None]:
    """(field, the literal globs, the literal prefixes of the others -- None when one of them
    starts with a wildcard, so that any value may match) over ``rules``' globs on ``field``."""
    criterion = next(name for name, f in _FIELDS if f == field)
    patterns = {p for c in rules for p in getattr(c, criterion).patterns}
    literals = frozenset(p for p in patterns if is_literal(p))
    prefixes = {literal_prefix(p) for p in patterns - literals}
    return field, literals, (tuple(sorted(prefixes)) if all(prefixes) else None)
