"""Where tree-sitter-bash reads a line otherwise than bash, and the rewriting that closes the gap.

Three gaps, each of which would split or hide the command bash runs:

- A backslash-newline is removed by bash before it splits words (outside single quotes, ANSI-C
  quotes, comments and quoted heredocs), so ``r\\<newline>m -rf /`` runs ``rm`` and ``kubectl
  delete ns pay\\<newline>ments`` deletes ``payments``. The grammar takes it for a blank between
  two words.
- ``time``, ``coproc [NAME]`` and ``!`` are reserved words to bash that may stand before any
  compound command (``time { rm -rf /; }``, ``! if …; fi``, ``coproc NAME { …; }``); the
  grammar reads ``time``/``coproc`` there as a command name and ``{``, ``if``… as its arguments,
  and after ``!`` takes ``{`` for a command name. To bash the word before only times, runs in
  the background or negates what follows: it is blanked (same length, so offsets hold), and
  what follows parses as the compound command it is.
- An empty command substitution ``$( )`` expands to nothing; the grammar reports a command
  missing its name, so ``rm -rf /e$()tc`` read as a syntax error, not as ``rm -rf /etc``.

:func:`rewritten` gives the line as bash reads it when a gap is in it; the line is then
parsed again (:func:`keyturn.understand.shell.parse.parse_tree`), and a line is parsed whole
each time: so each kind of gap is closed everywhere in one pass, runs of them too (``! ! ! {
…; }``, ``$D/$E/$F/``), which the grammar misreads one after the other. A run is followed
here only as far as the grammar is known to read it; what is past that is left to the next
pass, as before. (Not ``$($( ))``: once the inner one is removed the grammar may read the
outer one as empty or not, by what else the line holds; a pass for each.)
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from tree_sitter import Node

from keyturn.understand.shell._prefix_words import prefix_keywords
from keyturn.understand.shell._syntax import descendants, escaped, quoted_heredoc

# Where a backslash-newline is text, not a line continuation.
_LITERAL_NODES = frozenset({"raw_string", "ansi_c_string", "comment"})
# The byte before an expansion where the grammar may split its word: punctuation.
_SPLIT_BEFORE = rb"[^\s\w$\\\"{(=]"
_SPLITS_AFTER = re.compile(_SPLIT_BEFORE)
# An expansion right after punctuation (``$D/$E``, ``"$D"/$E``): where the grammar may split a
# word.
_MAY_SPLIT = re.compile(_SPLIT_BEFORE + rb"\$[A-Za-z0-9_@*#?!-]")
# Nodes whose ``$`` opens the expansion they are.
_EXPANSIONS = frozenset(
    {"simple_expansion", "expansion", "command_substitution", "arithmetic_expansion"}
)
# The name of a simple expansion: one digit, or a name.
# A name, a positional parameter, or a special one (``$@prod`` is split as ``$`` and ``@prod``).
_SPLIT_NAME = re.compile(rb"[0-9]|[A-Za-z_][A-Za-z0-9_]*|[@*#?!-]")
# A word ``time``, ``coproc`` or ``!`` anywhere: only then is the tree walked for them.
_MAY_PREFIX = re.compile(rb"(?<![^\s;&|(){}`])(?:time|coproc|!)(?=\s)")


def rewritten(source: bytes, root: Node) -> bytes | None:
    """``source`` as bash reads it (read within :func:`.source.reading`), or ``None`` when the
    grammar reads it as bash does."""
    if b"\\\n" in source:
        joined = _continuations_joined(source, root)
        if joined is not None:
            return joined
    if b"$(" in source and root.has_error:
        emptied = _empty_substitutions_removed(source, root)
        if emptied is not None:
            return emptied
    if _MAY_SPLIT.search(source):
        braced = _split_expansions_braced(source, root)
        if braced is not None:
            return braced
    if not _MAY_PREFIX.search(source):
        return None  # most lines: no walk of the tree
    blanks = prefix_keywords(root)
    if not blanks:
        return None
    out = bytearray(source)
    for start, end in blanks:
        out[start:end] = b" " * (end - start)
    return bytes(out)


def _replaced(source: bytes, spans: list[tuple[int, int, bytes]]) -> bytes:
    """``source`` with each ``(start, end, text)`` of ``spans`` replaced, in one pass over the
    line (a span within one replaced already is left to the next)."""
    out: list[bytes] = []
    last = 0
    for start, end, text in sorted(spans):
        if start < last:
            continue
        out += (source[last:start], text)
        last = end
    out.append(source[last:])
    return b"".join(out)


def _split_expansions_braced(source: bytes, root: Node) -> bytes | None:
    """``source`` with each expansion the grammar split off its word braced: in ``$D/$E/`` it
    ends the word at ``/$`` and makes ``E/`` a word of its own (two arguments, the second a
    literal), where bash reads one word, ``$D``, ``/``, ``$E``, ``/``. ``$E`` becomes ``${E}``
    (``$1`` ``${1}``, ``$@`` ``${@}``), which the grammar reads as bash does. Braced too: the
    expansions after punctuation in the rest of the word (``$F`` of ``$D/$E/$F/``), where the
    grammar, once ``${E}`` is read, may split the word again; to bash ``${F}`` is ``$F``."""
    spans: dict[int, int] = {}
    for node in descendants(root, limit=200_000):
        # The grammar's stray ``$`` token (not one opening an expansion) before a name.
        if node.type != "$" or node.parent is None or node.parent.type in _EXPANSIONS:
            continue
        end = node.end_byte
        name = _SPLIT_NAME.match(source, end)
        if name is not None and not escaped(source, node.start_byte):
            spans[end] = name.end()
            spans.update(_expansions_after(source, _rest_of_word(node)))
    if not spans:
        return None
    return _replaced(source, [(s, e, b"{" + source[s:e] + b"}") for s, e in spans.items()])


def _rest_of_word(stray: Node) -> Node | None:
    """The grammar's word that starts right after the stray ``$`` (``E/$F/`` of ``$D/$E/$F/``:
    the concatenation after the one the ``$`` ends), if it is one."""
    parent = stray.parent
    after = stray.next_sibling or (parent.next_sibling if parent is not None else None)
    if after is None or after.start_byte != stray.end_byte or after.type != "concatenation":
        return None
    return after


def _expansions_after(source: bytes, word: Node | None) -> dict[int, int]:
    """The names (start -> end) of the simple expansions ``$NAME`` right after punctuation in
    ``word``, which the grammar may split off it."""
    names: dict[int, int] = {}
    for part in word.children if word is not None else ():
        start = part.start_byte + 1
        if (
            part.type == "simple_expansion"
            and _SPLITS_AFTER.match(source, part.start_byte - 1)
            and _SPLIT_NAME.fullmatch(source, start, part.end_byte)
            and not escaped(source, part.start_byte)
        ):
            names[start] = part.end_byte
    return names


def _empty_substitutions_removed(source: bytes, root: Node) -> bytes | None:
    """``source`` with each empty ``$( )`` (which the grammar takes for a command missing its
    name) replaced by what bash makes of it, nothing: removed where it is a whole word
    (``$( ) rm -rf /``), an empty quoted string within one (``/e$()tc`` is ``/etc``; removing
    it would make a ``#`` after it start a comment)."""
    spans: list[tuple[int, int, bytes]] = []
    for node in descendants(root, limit=200_000):
        if node.type != "command_substitution" or not _is_empty(node):
            continue
        whole_word = node.parent is None or node.parent.type in ("command_name", "command")
        spans.append((node.start_byte, node.end_byte, b"" if whole_word else b'""'))
    return _replaced(source, spans) if spans else None


def _is_empty(substitution: Node) -> bool:
    """Whether ``$( … )`` holds nothing but a command the grammar made up (a missing name)."""
    inner = [c for c in substitution.named_children if c.type != "comment"]
    if len(inner) != 1 or inner[0].type != "command" or len(inner[0].named_children) != 1:
        return False
    name = inner[0].named_children[0]
    return name.type == "command_name" and all(c.is_missing for c in name.children)


def _continuations_joined(source: bytes, root: Node) -> bytes | None:
    """``source`` with every backslash-newline that continues a line removed."""
    literal: list[tuple[int, int]] = []
    for node in descendants(root, limit=200_000):
        if node.type in _LITERAL_NODES:
            literal.append((node.start_byte, node.end_byte))
        elif node.type == "heredoc_redirect" and quoted_heredoc(node):
            literal += [
                (c.start_byte, c.end_byte) for c in node.children if c.type == "heredoc_body"
            ]
    within_literal = _covering(literal)
    drop: list[tuple[int, int, bytes]] = []
    at = source.find(b"\\\n")
    while at >= 0:
        # (``\\<newline>`` is an escaped backslash, then a newline.)
        if not escaped(source, at) and not within_literal(at):
            drop.append((at, at + 2, b""))
        at = source.find(b"\\\n", at + 2)
    return _replaced(source, drop) if drop else None


def _covering(ranges: list[tuple[int, int]]) -> Callable[[int], bool]:
    """Whether an offset is in one of ``ranges`` (``[start, end)``), told by a binary search
    of their union: a line may hold thousands of each."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(ranges):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)

    def covers(at: int) -> bool:
        i = bisect_right(starts, at) - 1
        return i >= 0 and at < ends[i]

    return covers
