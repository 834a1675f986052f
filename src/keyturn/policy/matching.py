"""Globs, compiled once at load into one regular expression per list.

A glob here has two wildcards: ``*`` (any run of characters, ``/`` and ``:`` included, so that
``arn:aws:rds:*:*:db:prod-*`` and ``*prod*`` mean what they say) and ``?`` (one character).
Everything else is literal; matching is case-sensitive and whole-string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from keyturn.model import brackets_as_one_character

WILDCARDS = frozenset("*?")


def glob_to_regex(pattern: str) -> str:
    """The regular-expression source matching exactly what ``pattern`` matches (the caller
    anchors its end).

    The pattern is cut at its runs of ``*`` into fixed-length pieces. The first piece must start
    the value and the last must end it; each piece in between is matched at the first place it
    fits after the one before (an atomic group the engine never backtracks into), as CPython's
    ``fnmatch`` does. That first place is always a right choice: it leaves the most room for
    what follows. Plain ``.*`` per star backtracks through every way of splitting the value
    among the stars (``arn:aws:*:*:*:*team-*`` against an ARN that does not match tried
    hundreds), and that was the slowest part of judging.
    """
    pieces = _STARS.split(pattern)
    if len(pieces) == 1:
        return _piece(pattern)
    first, *middle, last = pieces
    return _piece(first) + "".join(f"(?>.*?{_piece(m)})" for m in middle) + ".*" + _piece(last)


_STARS = re.compile(r"\*+")


def _piece(text: str) -> str:
    """A run of literal characters and ``?`` (one character each)."""
    return "".join("." if char == "?" else re.escape(char) for char in text)


def required_text(pattern: str) -> tuple[str, bool]:
    """A run of literal characters every value ``pattern`` matches contains, and whether it is
    the value's start: the longest after the first wildcard, else the leading literal ("" when
    the pattern has none). Names of one kind share their start (``arn:aws:``, ``file:/``) and
    differ further in."""
    first, *rest = _WILDCARD_RUNS.split(pattern)
    return (max(rest, key=len), False) if any(rest) else (first, True)


_WILDCARD_RUNS = re.compile(r"[*?]+")


@dataclass(frozen=True, slots=True)
class RequiredText:
    """The texts some globs require (:func:`required_text`): a value holding none of them
    matches none of the globs. ``prefixes`` must start it, ``inner`` is found anywhere."""

    prefixes: tuple[str, ...]
    inner: re.Pattern[str] | None

    @classmethod
    def of(cls, patterns: Iterable[str]) -> RequiredText | None:
        """None when some pattern requires nothing (``*``)."""
        texts = {required_text(p) for p in patterns}
        if not texts or any(not text for text, _ in texts):
            return None
        inner = sorted((t for t, at_start in texts if not at_start), key=len, reverse=True)
        return cls(
            prefixes=tuple(sorted(t for t, at_start in texts if at_start)),
            inner=re.compile("|".join(map(re.escape, inner))) if inner else None,
        )

    def found_in(self, value: str) -> bool:
        inner = self.inner
        return value.startswith(self.prefixes) or (
            inner is not None and inner.search(value) is not None
        )


def is_literal(pattern: str) -> bool:
    """True when ``pattern`` has no wildcard."""
    return not WILDCARDS.intersection(pattern)


def literal_prefix(pattern: str) -> str:
    """The part of ``pattern`` before its first wildcard."""
    for index, char in enumerate(pattern):
        if char in WILDCARDS:
            return pattern[:index]
    return pattern


def overlap(name: str, pattern: str) -> bool:
    """Whether some string matches both the wildcard resource ``name`` and the glob
    ``pattern``. A ``*`` in a pattern is any run of characters; in a name it is one part the
    understanding could not tell or that stands for everything below (``file:/srv/*``), never
    a run across a ``:`` (the unknown account and region of ``arn:aws:rds:*:*:db:dev-db`` are
    single fields, not room for ``prod-db``). The shared literal start and end are compared
    first; what is left, usually a few characters, is searched as the product of the two. A
    path's bracket set (``file:/srv/dat[a]``) is one character, as the shell reads it."""
    name = brackets_as_one_character(name)
    # An ARN whose whole resource part is not known (``arn:aws:rds:*:*:*``: a call that names
    # no instance) may be any resource of that service, ``db:prod-main`` with its ``:`` too.
    whole_resource = name.startswith("arn:") and name.count(":") == 5 and name.endswith(":*")
    head_a, head_b = literal_prefix(name), literal_prefix(pattern)
    common = min(len(head_a), len(head_b))
    if head_a[:common] != head_b[:common]:
        return False
    a, b = name[common:], pattern[common:]
    tail_a, tail_b = _literal_suffix(a), _literal_suffix(b)
    common = min(len(tail_a), len(tail_b))
    if common and tail_a[-common:] != tail_b[-common:]:
        return False
    if common:
        a, b = a[:-common], b[:-common]
    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        char_a = a[i] if i < len(a) else None
        char_b = b[j] if j < len(b) else None
        if char_a == "*":
            todo.append((i + 1, j))  # the name's star takes nothing more
            spans = whole_resource and i == len(a) - 1
            if char_b not in (None, "*") and (char_b != ":" or spans):
                todo.append((i, j + 1))  # ... or the pattern's next character
        if char_b == "*":
            todo.append((i, j + 1))
            if char_a not in (None, "*"):
                todo.append((i + 1, j))
        if (
            char_a not in (None, "*")
            and char_b not in (None, "*")
            and (char_a == char_b or "?" in (char_a, char_b))
        ):
            todo.append((i + 1, j + 1))
    return False


def _literal_suffix(pattern: str) -> str:
    """The part of ``pattern`` after its last wildcard."""
    for index in range(len(pattern) - 1, -1, -1):
        if pattern[index] in WILDCARDS:
            return pattern[index + 1 :]
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
    # Built on first use of first_match (most sets are only ever asked whether they match).
    _indexed: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    # The globs with a literal start (their indexes, and the starts), for first_overlap.
    _started: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _head_texts: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _head_prefixes: frozenset[str] = field(init=False, repr=False, compare=False)  # and theirs

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
        object.__setattr__(self, "_indexed", None)
        started = tuple(i for i, p in enumerate(self.patterns) if literal_prefix(p))
        object.__setattr__(self, "_started", started)
        texts = tuple(literal_prefix(self.patterns[i]) for i in started)
        object.__setattr__(self, "_head_texts", texts)
        object.__setattr__(
            self, "_head_prefixes", frozenset(h[:n] for h in texts for n in range(len(h) + 1))
        )

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
        # One expression with a group per glob, in order: the regex engine tries alternatives
        # left to right, so the group that matched is the first glob matching that value.
        # (Deleting a protected resource goes through here: one match per name, not one per
        # glob.)
        indexed = self._indexed
        if indexed is None:
            indexed = re.compile(
                "(?:" + "|".join(f"({glob_to_regex(p)})" for p in self.patterns) + r")\Z",
                re.DOTALL,
            )
            object.__setattr__(self, "_indexed", indexed)
        best: int | None = None
        for value in values:
            m = indexed.match(value)
            if m is not None:
                index = m.lastindex - 1  # type: ignore[operator]
                if best is None or index < best:
                    best = index
        return best

    @property
    def head_texts(self) -> tuple[str, ...]:
        """The literal starts of the globs that have one."""
        return self._head_texts

    @property
    def head_prefixes(self) -> frozenset[str]:
        """Every start of those (a wildcard name whose literal start is one of these, or
        starts with one of :attr:`head_texts`, may overlap a glob: :meth:`first_overlap`)."""
        return self._head_prefixes

    def first_overlap(self, values: Iterable[str]) -> int | None:
        """The index of the first glob some string of a wildcard value could match: a value
        read as a glob (``file:/srv/*``, everything under /srv) that shares a string with one
        of ours (``file:/srv/data``). Only globs with a literal start take part: ``*prod*``
        names things by what they are called, not where they are, and every wide value
        would reach it."""
        best: int | None = None
        for value in values:
            if is_literal(value):
                continue
            # overlap() turns a glob whose literal start differs away at once.
            for index in self._started:
                if best is not None and index >= best:
                    break
                if overlap(value, self.patterns[index]):
                    best = index
        return best

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
