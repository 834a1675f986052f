"""Bounds on tree-sitter-bash's own work on one line, so that no line takes it seconds.

The grammar's error recovery takes time as the square of the line on some unbalanced text:
openers never closed (``a=(a=(a=(…``, ``$[$[…``, ``case x in (…``), errors repeated after them
(``a=(a=())`` line after line), a pipe before an error, again and again (``x |;x |;…``), or a
long pipeline before one (``x | x | … | x )``): a 64 KB line took it up to a minute. tree-sitter
has no way to stop a parse past some work but its input: the parse reads the line through
:func:`bounded_parse`, chunk by chunk, and the reads are counted. Error recovery lexes the text
again from far back, and every time it passes the end of a chunk it reads again: past
:func:`_read_budget` reads the line ends there for the grammar, which then stops. The count
is of work, not of time: the same line is cut at the same place on any machine.

Two shapes are refused before the parse (:func:`refusal`), both past what any real command
reaches: openers nested deeper than :data:`MAX_NESTING` (cheap to tell, and a clearer reason
than a cut parse), and more than :data:`MAX_PIPES` pipes, whose cost grows within the
grammar's recovery without reading the line again.

Either way the line is unknown (asked about), never allowed: :func:`.parse.parse_tree` reports
why.
"""

from __future__ import annotations

import re

from tree_sitter import Language, Parser, Tree

# Openers ``(``, ``[``, ``{`` not closed, one inside another (a closer with none open closes
# nothing: ``))((`` is as deep as ``((``). Real commands stay within a few dozen.
MAX_NESTING = 256
# Pipes (``|``, ``|&``; not ``||``) in one line, all pipelines together: the recovery's cost
# grows as the square of one pipeline's length, so their sum bounds it however they are laid
# out (a pipeline may go on across lines, comments and quotes: counting them all needs no
# telling where one ends). Real lines have a few dozen; a 40 KB script, a few hundred.
MAX_PIPES = 1024
# The grammar reads the line this many bytes at a time.
_CHUNK = 1024
_BRACKETS = re.compile(rb"[()\[\]{}]")
_PIPE = re.compile(rb"(?<!\|)\|(?!\|)")


def refusal(source: bytes) -> str | None:
    """Why ``source`` is not given to the grammar at all, or ``None`` (almost every line: a few
    counts of a byte, at C speed)."""
    if source.count(b"|") > MAX_PIPES and len(_PIPE.findall(source)) > MAX_PIPES:
        return f"more than {MAX_PIPES} pipes: too many to understand"
    openers = source.count(b"(") + source.count(b"[") + source.count(b"{")
    if openers > MAX_NESTING and deepest_nesting(source) > MAX_NESTING:
        return "nested too deeply to understand"
    return None


def deepest_nesting(source: bytes) -> int:
    """How many openers (``(``, ``[``, ``{``) are open at once, at most, as the text reads
    (quotes and escapes aside: more, never fewer, than the shell sees)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(source):
        if bracket in b"([{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _read_budget(length: int) -> int:
    """Reads allowed for a line of ``length`` bytes: each chunk twice, and a margin. Real
    scripts of 40 KB, syntax errors and all, take a third of it."""
    return 256 + 2 * (length // _CHUNK)


def bounded_parse(language: Language, source: bytes) -> tuple[Tree, bool]:
    """``source`` parsed, and whether the parse was cut short (the grammar saw only part of it
    then: the tree is of that part)."""
    budget = _read_budget(len(source))
    reads = 0

    def read(offset: int, _point: tuple[int, int]) -> bytes:
        nonlocal reads
        reads += 1
        return source[offset : offset + _CHUNK] if reads <= budget else b""

    tree = Parser(language).parse(read)
    return tree, reads > budget
