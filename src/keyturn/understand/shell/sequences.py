"""Sequences inside one command line: switching a resource's protection off, then deleting it.

``aws rds modify-db-instance --db-instance-identifier x --no-deletion-protection &&
aws rds delete-db-instance --db-instance-identifier x`` is one destructive act on a protected
resource: the delete is marked ``protected_by`` so that the policy denies it whatever its
``protected`` list says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from keyturn.model import DESTRUCTIVE_EFFECTS, Effect

PROTECTION_REMOVED = "protection removed earlier in this command line"


def mark_unprotected_deletes(effects: Sequence[Effect]) -> list[Effect]:
    """Mark each delete/replace of a resource whose protection an earlier effect removed."""
    unprotected: set[str] = set()
    out: list[Effect] = []
    for effect in effects:
        names = set(effect.resource.names)
        if (
            effect.effect in DESTRUCTIVE_EFFECTS
            and names & unprotected
            and effect.protected_by is None
        ):
            effect = replace(effect, protected_by=PROTECTION_REMOVED)
        if effect.removes_protection:
            unprotected |= names
        out.append(effect)
    return out
