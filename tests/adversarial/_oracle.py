"""What the differential suites share: whether keyturn's names take in a path bash or git
touched, matched as the policy matches names (``*`` spans folders, a bracket set is one
character)."""

from __future__ import annotations

from collections.abc import Iterable

from keyturn.model import Action, EffectKind, brackets_as_one_character
from keyturn.policy.matching import GlobSet


def named(path: str, names: Iterable[str]) -> bool:
    """Whether one of ``names`` takes in the file ``path``."""
    value = [f"file:{path}"]
    return any(
        GlobSet([brackets_as_one_character(n)]).first_match(value) is not None for n in names
    )


def unknown(action: Action) -> bool:
    """Whether ``action`` is held as not understood (what it touches is then not claimed)."""
    return any(e.effect is EffectKind.UNKNOWN for e in action.effects)


def names_of(action: Action, kinds: frozenset[EffectKind]) -> set[str]:
    """The names of ``action``'s effects of ``kinds``."""
    return {n for e in action.effects if e.effect in kinds for n in e.resource.names}
