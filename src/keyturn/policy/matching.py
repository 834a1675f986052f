"""Globs, compiled once at load into one regular expression per list.

A glob here has two wildcards: ``*`` (any run of characters, ``/`` and ``:`` included, so that
``arn:aws:rds:*:*:db:prod-*`` and ``*prod*`` mean what they say) and ``?`` (one character).
Everything else is literal; matching is case-sensitive and whole-string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

WILDCARDS = frozenset("*?")


def glob_to_regex(pattern: str) -> str:
    """The regular-expression source matching exactly what ``pattern`` matches."""
    parts: list[str] = []
    for char in pattern:
        if char == "*":
            # Collapse runs of ``*``: they mean the same and repeated ``.*`` backtracks badly.
            if not parts or parts[-1] != ".*":
                parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


def is_literal(pattern: str) -> bool:
    """True when ``pattern`` has no wildcard."""
    return not WILDCARDS.intersection(pattern)


def literal_prefix(pattern: str) -> str:
    """The part of ``pattern`` before its first wildcard."""
    for index, char in enumerate(pattern):
        if char in WILDCARDS:
            return pattern[:index]
    return pattern


@dataclass(frozen=True, slots=True)
class GlobSet:
    """A list of globs; matches a string when any glob matches it.

    Literal globs are looked up in a frozenset; the others are joined into one alternation.
    A glob matches only strings starting with the literal before its first wildcard, so when
    every glob has such a prefix, a value starting with none of them skips the regex (a
    C-level ``startswith``, several times cheaper than a failing match).
    """

    patterns: tuple[str, ...]
    _literals: frozenset[str] = field(init=False, repr=False, compare=False)
    _regex: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _everything: bool = field(init=False, repr=False, compare=False)
    _prefixes: tuple[str, ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        literals = frozenset(p for p in self.patterns if is_literal(p))
        globs = [p for p in self.patterns if not is_literal(p)]
        regex = (
            re.compile("(?:" + "|".join(glob_to_regex(p) for p in globs) + r")\Z", re.DOTALL)
            if globs
            else None
        )
        object.__setattr__(self, "_literals", literals)
        object.__setattr__(self, "_regex", regex)
        object.__setattr__(self, "_everything", any(set(p) == {"*"} for p in globs))
        prefixes = tuple(sorted({literal_prefix(p) for p in globs}))
        object.__setattr__(self, "_prefixes", prefixes if all(prefixes) else None)

    @property
    def matches_everything(self) -> bool:
        """True when one of the globs is ``*``."""
        return self._everything

    def match(self, value: str | None) -> bool:
        """Whether ``value`` matches any glob (``None`` never matches)."""
        if value is None:
            return False
        if value in self._literals:
            return True
        regex, prefixes = self._regex, self._prefixes
        if regex is None or (prefixes is not None and not value.startswith(prefixes)):
            return False
        return regex.match(value) is not None

    def match_any(self, values: Iterable[str]) -> bool:
        """Whether any of ``values`` matches any glob."""
        literals, regex, prefixes = self._literals, self._regex, self._prefixes
        for value in values:
            if value in literals:
                return True
            if regex is None or (prefixes is not None and not value.startswith(prefixes)):
                continue
            if regex.match(value) is not None:
                return True
        return False

    def first_match(self, values: Iterable[str]) -> int | None:
        """The index (in ``patterns``) of the first glob matching any of ``values``."""
        values = tuple(values)
        # One lookup and one combined match settle the common case (nothing matches) before
        # the globs are tried one by one.
        if not self.match_any(values):
            return None
        for index, pattern in enumerate(self.patterns):
            if is_literal(pattern):
                if pattern in values:
                    return index
            elif any(_single(pattern).match(v) for v in values):
                return index
        return None

    def covers(self, pattern: str) -> bool:
        """Whether every string ``pattern`` matches is matched by this set (conservative).

        True only when one of our globs matches ``pattern`` read as a literal string and that
        glob's own ``?`` cannot be fooled by a wildcard in ``pattern``.
        """
        if self._everything or pattern in self._literals:
            return True
        for mine in self.patterns:
            if "?" in mine and not is_literal(pattern):
                continue
            if not is_literal(mine) and _single(mine).match(pattern):
                return True
        return False


_SINGLE: dict[str, re.Pattern[str]] = {}


def _single(pattern: str) -> re.Pattern[str]:
    regex = _SINGLE.get(pattern)
    if regex is None:
        regex = re.compile(glob_to_regex(pattern) + r"\Z", re.DOTALL)
        if len(_SINGLE) < 4096:
            _SINGLE[pattern] = regex
    return regex
