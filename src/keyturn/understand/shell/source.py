"""What the bash grammar is shown, and how the text of its nodes is read back.

tree-sitter-bash's scanner reads out of bounds on some characters outside the Basic
Multilingual Plane (``A{`` followed by U+97F82, U+E0001 or U+10FFFF crashes the process about
half the time: a segmentation fault, not an exception). A command line is text from the agent,
so the grammar is shown only ASCII: every byte of a multi-byte UTF-8 character becomes ``.``.
To bash a non-ASCII character is an ordinary word character, as ``.`` is (no metacharacter,
quote or expansion is outside ASCII), so the tree has the same shape; the shadow has the same
byte offsets, so the text of every node is read from the real line by offset.

Where the two could part, the shadow errs towards judging more: ``$é`` and ``$..`` are both
literal to bash and both a syntax error to the grammar; a heredoc delimited by one non-ASCII
word ends, in the shadow, at the first line of as many non-ASCII bytes -- never later than bash
ends it, so no line bash runs is read as heredoc text.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from tree_sitter import Node

_SHADOW = bytes(range(128)) + b"." * 128
_READING = threading.local()


def shadow(source: bytes) -> bytes:
    """``source`` with every non-ASCII byte replaced by ``.`` (same length, same offsets)."""
    return source.translate(_SHADOW)


@contextmanager
def reading(source: bytes) -> Iterator[None]:
    """Read node texts from ``source`` (the real line) while the block walks its tree."""
    outer = getattr(_READING, "source", None)
    _READING.source = source
    try:
        yield
    finally:
        _READING.source = outer


def node_text(node: Node) -> str:
    """The real text of ``node`` (of the line being walked, see :func:`reading`)."""
    source: bytes | None = getattr(_READING, "source", None)
    if source is None:  # the tree's own text is the shadow's: never the one to read
        raise RuntimeError("a node's text was read outside keyturn's reading of its line")
    return source[node.start_byte : node.end_byte].decode("utf-8", "replace")
