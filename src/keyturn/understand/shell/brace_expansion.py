"""Bash brace expansion of an unquoted word: ``{a,b}``, ``{1..3}``, ``{a..e..2}``, ``{01..10}``.

Bounded (:data:`MAX_BRACE_WORDS`, :data:`MAX_BRACE_TEXT`): a word past either bound is decided
at run time, never cut short. :class:`.words.WordEvaluator` expands the words of a line with
it; the line as a whole is expanded again with it when the grammar cannot read it
(:func:`.parse.parse_tree`).
"""

from __future__ import annotations

import re
from itertools import pairwise

# Brace expansion is bounded: a word like {a,b}{a,b}... must not blow up memory. bash makes
# every word, so a word that would make more is decided at run time, never cut short (the words
# past the bound would go unjudged: ``rm -rf /tmp/{a1,…,a300,/srv/prod}``). The text one line's
# brace expansions make is bounded too: each effect carries its command's whole text.
MAX_BRACE_WORDS = 256
MAX_BRACE_TEXT = 65_536


def expand_braces(raw: str) -> list[str] | None:
    """Bash brace expansion of an unquoted word (``{rm,-rf,/}``, ``a{1..3}``); ``None`` when
    it makes more than :data:`MAX_BRACE_WORDS` words or :data:`MAX_BRACE_TEXT` characters
    (bash makes them all: which words is then not judged, see the bound's comment)."""
    try:
        results = _expand(raw)
    except _NotTold:
        return None
    if len(results) > MAX_BRACE_WORDS or sum(len(r) for r in results) > MAX_BRACE_TEXT:
        return None
    return results


class _NotTold(Exception):
    """An expansion whose words bash reads again (a letter range through ``\\`` or a
    backquote): which words it makes is not told here."""


def _expand(raw: str) -> list[str]:
    """The expansion, cut one word (or one word's text) past the bound (enough to tell it was
    passed)."""
    span = _first_brace(raw)
    if span is None:
        return [raw]
    start, end, alternatives = span
    prefix, suffix = raw[:start], raw[end + 1 :]
    out: list[str] = []
    text = 0
    for alt in alternatives:
        for rest in _expand(prefix + alt + suffix):
            out.append(rest)
            text += len(rest)
            if len(out) > MAX_BRACE_WORDS or text > MAX_BRACE_TEXT:
                return out
    return out


# What the brace scan looks at: an escaped character (skipped whole), a brace, a comma.
_BRACE_MARKS = re.compile(r"\\.|[{},]", re.DOTALL)
# What a sequence expression's body may be at all (:func:`_sequence` reads it).
_SEQUENCE_SHAPE = re.compile(
    r"[-+]?\d+\.\.[-+]?\d+(?:\.\.[-+]?\d+)?|[A-Za-z]\.\.[A-Za-z](?:\.\.[-+]?\d+)?"
)


def _first_brace(raw: str) -> tuple[int, int, list[str]] | None:
    """The leftmost brace that expands (two alternatives or more, or a sequence): its start,
    its end and its words. Each brace is matched to its end in one pass with a stack, the
    commas at its own level noted on the way: scanning ahead from every ``{`` made a word of
    unclosed braces (``{a,{a,{a,…``) take time as the square of its length."""
    opened: list[tuple[int, list[int]]] = []  # (start, its commas), innermost last
    found: tuple[int, int, list[int]] | None = None
    for mark in _BRACE_MARKS.finditer(raw):
        char = mark.group()
        if char == "{":
            opened.append((mark.start(), []))
        elif char == "," and opened:
            opened[-1][1].append(mark.start())
        elif char == "}" and opened:
            start, commas = opened.pop()
            end = mark.start()
            if found is not None and found[0] < start:
                continue  # (an inner brace closes first: the outer one may expand too)
            if commas or _SEQUENCE_SHAPE.fullmatch(raw, start + 1, end):
                found = (start, end, commas)
    if found is None:
        return None
    start, end, commas = found
    if commas:
        return start, end, [raw[a + 1 : b] for a, b in pairwise([start, *commas, end])]
    seq = _sequence(raw[start + 1 : end])
    return (start, end, seq) if seq else None


def _sequence(body: str) -> list[str] | None:
    """A sequence expression's words as bash makes them: ``{1..3}``, ``{+1..3}``, zero-padded
    ``{01..10}`` (as wide as the wider end), letters (``{a..e..2}``), a step's sign ignored;
    ``None`` when ``body`` is no sequence. A letter range through the characters between ``Z``
    and ``a`` (``[``, ``\\``, a backquote…) makes words bash reads again: not told."""
    m = re.fullmatch(r"([-+]?\d+)\.\.([-+]?\d+)(?:\.\.([-+]?\d+))?", body)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        step = abs(int(m.group(3) or 1)) or 1
        rng = range(a, b + 1, step) if a <= b else range(a, b - 1, -step)
        padded = any(len(e.lstrip("+-")) > 1 and e.lstrip("+-")[0] == "0" for e in m.groups()[:2])
        width = max(len(m.group(1)), len(m.group(2))) if padded else 0
        return [f"{n:0{width}d}" for n in rng[: MAX_BRACE_WORDS + 1]]  # past the bound: above
    m = re.fullmatch(r"([A-Za-z])\.\.([A-Za-z])(?:\.\.([-+]?\d+))?", body)
    if m:
        a, b = ord(m.group(1)), ord(m.group(2))
        step = abs(int(m.group(3) or 1)) or 1
        rng = range(a, b + 1, step) if a <= b else range(a, b - 1, -step)
        letters = [chr(n) for n in rng]
        if not all(c.isalpha() for c in letters):
            raise _NotTold
        return letters
    return None
