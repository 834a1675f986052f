"""Sequences inside one command line: switching a resource's protection off, then deleting it.

``aws rds modify-db-instance --db-instance-identifier x --no-deletion-protection &&
aws rds delete-db-instance --db-instance-identifier x`` is one destructive act on a protected
resource: the delete is marked ``protected_by`` so that the policy denies it whatever its
``protected`` list says.

The two commands need not spell the resource alike: one that gives ``--region`` names
``arn:aws:rds:eu-west-1:*:db:x``, one that does not ``arn:aws:rds:*:*:db:x``. A ``*`` in a name
stands for what the command did not say, so names that agree where both say something are taken
for the same resource (the stricter reading).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from keyturn.model import DESTRUCTIVE_EFFECTS, Effect

PROTECTION_REMOVED = "protection removed earlier in this command line"


def mark_unprotected_deletes(effects: Sequence[Effect]) -> list[Effect]:
    """Mark each delete/replace of a resource whose protection an earlier effect removed."""
    unprotected: set[str] = set()
    out: list[Effect] = []
    for effect in effects:
        if (
            effect.effect in DESTRUCTIVE_EFFECTS
            and unprotected
            and effect.protected_by is None
            and _any_same(effect.resource.names, unprotected)
        ):
            effect = replace(effect, protected_by=PROTECTION_REMOVED)
        if effect.removes_protection:
            unprotected |= set(effect.resource.names)
        out.append(effect)
    return out


def _any_same(names: Sequence[str], unprotected: set[str]) -> bool:
    if not unprotected.isdisjoint(names):
        return True
    return any(may_be_same(name, other) for name in names for other in unprotected)


def may_be_same(one: str, other: str) -> bool:
    """Whether two resource names may name the same resource, each ``*`` standing for what its
    command left unsaid: ``arn:aws:rds:*:*:db:x`` and ``arn:aws:rds:eu-west-1:*:db:x`` do."""
    if one == other:
        return True
    if "*" not in one and "*" not in other:
        return False
    parts, other_parts = one.split(":"), other.split(":")
    if len(parts) == len(other_parts):
        # Part by part (an ARN's region, account...): both sides may leave a different part open.
        return all(
            a == b or _matches(a, b) or _matches(b, a)
            for a, b in zip(parts, other_parts, strict=True)
        )
    return _matches(one, other) or _matches(other, one)


def _matches(pattern: str, name: str) -> bool:
    return "*" in pattern and _pattern(pattern).fullmatch(name) is not None


@lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(piece) for piece in pattern.split("*")), re.DOTALL)
