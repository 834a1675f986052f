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
parsed again (:func:`keyturn.understand.shell.parse.parse_tree`).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from keyturn.understand.shell._syntax import descendants, escaped, quoted_heredoc
from keyturn.understand.shell.source import node_text

# What may follow ``time``/``coproc``/``!`` as the start of a compound command (or of another
# such prefix) -- a word the grammar then reads as an argument or a command name.
_COMPOUND_OPENERS = frozenset(
    {"{", "!", "if", "for", "while", "until", "case", "select", "[[", "((", "time", "coproc"}
)
# Nodes the grammar makes of a compound command right after ``time``/``coproc [NAME]``.
_COMPOUND_NODES = frozenset({"subshell", "compound_statement"})
# Where a backslash-newline is text, not a line continuation.
_LITERAL_NODES = frozenset({"raw_string", "ansi_c_string", "comment"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TIME_OPTIONS = frozenset({"-p", "--"})
# An expansion right after punctuation (``$D/$E``, ``"$D"/$E``): where the grammar may split a
# word.
_MAY_SPLIT = re.compile(rb"[^\s\w$\\\"{(=]\$[A-Za-z0-9_@*#?!-]")
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
    blanks = _prefix_keywords(root)
    if not blanks:
        return None
    out = bytearray(source)
    for start, end in blanks:
        out[start:end] = b" " * (end - start)
    return bytes(out)


def _split_expansions_braced(source: bytes, root: Node) -> bytes | None:
    """``source`` with each expansion the grammar split off its word braced: in ``$D/$E/`` it
    ends the word at ``/$`` and makes ``E/`` a word of its own (two arguments, the second a
    literal), where bash reads one word, ``$D``, ``/``, ``$E``, ``/``. ``$E`` becomes ``${E}``
    (``$1`` ``${1}``, ``$@`` ``${@}``), which the grammar reads as bash does."""
    spans: list[tuple[int, int]] = []
    for node in descendants(root, limit=200_000):
        # The grammar's stray ``$`` token (not one opening an expansion) before a name.
        if node.type != "$" or node.parent is None or node.parent.type in _EXPANSIONS:
            continue
        end = node.end_byte
        name = _SPLIT_NAME.match(source, end)
        if name is not None and not escaped(source, node.start_byte):
            spans.append((end, name.end()))
    if not spans:
        return None
    out = bytearray(source)
    for start, stop in sorted(spans, reverse=True):
        out[start:stop] = b"{" + source[start:stop] + b"}"
    return bytes(out)


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
    if not spans:
        return None
    out = bytearray(source)
    for start, end, text in sorted(spans, reverse=True):
        out[start:end] = text
    return bytes(out)


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
    drop: list[int] = []
    at = source.find(b"\\\n")
    while at >= 0:
        # (``\\<newline>`` is an escaped backslash, then a newline.)
        if not escaped(source, at) and not any(s <= at < e for s, e in literal):
            drop.append(at)
        at = source.find(b"\\\n", at + 2)
    if not drop:
        return None
    out = bytearray()
    last = 0
    for at in drop:
        out += source[last:at]
        last = at + 2
    return bytes(out + source[last:])


def _prefix_keywords(root: Node) -> list[tuple[int, int]]:
    """Byte ranges of ``time [-p]``, ``coproc [NAME]`` and ``!`` standing before a compound
    command the grammar did not read as one."""
    blanks: list[tuple[int, int]] = []
    for node in descendants(root, limit=200_000):
        if node.type == "negated_command":
            inner = node.named_children[0] if node.named_children else None
            if inner is not None and node.children[0].type == "!" and _opens_compound(inner):
                blanks.append((node.children[0].start_byte, node.children[0].end_byte))
        elif node.type == "command":
            span = _prefix_of(node)
            if span is not None:
                blanks.append(span)
    return blanks


def _opens_compound(command: Node) -> bool:
    """Whether the grammar's ``command`` is a compound command's opening word taken for a
    command name (``{`` after ``!``)."""
    name = command.child_by_field_name("name")
    return (
        command.type == "command"
        and name is not None
        and name.start_byte == command.start_byte
        and node_text(name) in _COMPOUND_OPENERS
    )


def _prefix_of(command: Node) -> tuple[int, int] | None:
    """The range of ``time [-p]`` / ``coproc [NAME]`` when ``command`` is one of them (as the
    grammar misreads it) standing before a compound command."""
    kids = [c for c in command.named_children if c.type != "comment"]
    if not kids or kids[0].type != "command_name" or kids[0].start_byte != command.start_byte:
        return None
    keyword = node_text(kids[0])
    if keyword not in ("time", "coproc"):
        return None
    rest = kids[1:]
    if keyword == "time":
        while rest and node_text(rest[0]) in _TIME_OPTIONS:
            rest = rest[1:]
    elif len(rest) >= 2 and _NAME.match(node_text(rest[0])) and _starts_compound(rest[1]):
        rest = rest[1:]  # ``coproc NAME { …; }``: NAME names the coprocess
    if not rest or not _starts_compound(rest[0]):
        return None
    return command.start_byte, rest[0].start_byte


def _starts_compound(node: Node) -> bool:
    return node.type in _COMPOUND_NODES or node_text(node) in _COMPOUND_OPENERS
