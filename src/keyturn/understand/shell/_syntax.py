"""What the walk of :mod:`.parse` knows of the grammar's nodes and of the text it leaves.

The node types the walk tells apart (words, redirections, the nodes that are simple commands to
bash), predicates on a node (a ``((…))`` statement, a quoted heredoc), a bounded walk of every
node under one, the text rules bash applies where the grammar leaves text as written (a
heredoc's escapes, the commands in backquotes), and what a line the grammar stumbles on gets: a
snippet of the error and the rewritings of the retry (``{rm,-rf,/}``, ``1<>FILE``). None of it
needs the walk's state, so it lives apart from the walk and from the line-wide scans
(:mod:`._line_scan`) that use it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from keyturn.understand.shell.source import node_text

WORD_TYPES = frozenset(
    {
        "word",
        "string",
        "raw_string",
        "ansi_c_string",
        "translated_string",
        "concatenation",
        "simple_expansion",
        "expansion",
        "command_substitution",
        "process_substitution",
        "arithmetic_expansion",
        "number",
        "brace_expression",
    }
)
REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
# Nodes that are simple commands to bash (each a builtin with its words), though the grammar
# gives the declarations, ``unset`` and the tests nodes of their own.
COMMAND_LIKE = frozenset({"command", "declaration_command", "unset_command", "test_command"})

# Statements whose redirections tree-sitter-bash hangs on the whole (``a && b < f``, ``a | b
# > f``), though bash gives them to the last statement: see :func:`last_statement`.
REDIRECTED_SEQUENCES = frozenset({"list", "pipeline", "negated_command"})

# tree-sitter-bash cannot parse a brace expansion in command position ({rm,-rf,/}), which bash
# expands into words: on a syntax error, such words are expanded and the line parsed again.
BRACE_COMMAND = re.compile(r"(?<![\w$])\{[^{}\s'\"]*,[^{}\s'\"]*\}")
# Nor a read-write redirect with a descriptor (``1<>/dev/sda``): the retry reads it as ``<>``,
# which opens the same file for writing. The retry's effects join the error's ``unknown``.
NUMBERED_READ_WRITE = re.compile(r"(?<![\w$])\d+<>")


def error_snippet(root: Node) -> str:
    for node in descendants(root, limit=100_000):
        if node.is_error or node.is_missing:
            text = node_text(node)[:60] or node.type
            return f"syntax error near {text!r} (offset {node.start_byte})"
    return "syntax error"


def descendants(node: Node, *, limit: int) -> Iterator[Node]:
    stack = [node]
    seen = 0
    while stack and seen < limit:
        current = stack.pop()
        seen += 1
        yield current
        stack.extend(reversed(current.children))


# A heredoc's own parts; any other child of its redirect is a command line going on after it.
HEREDOC_TEXT = frozenset({"heredoc_start", "heredoc_body", "heredoc_end"})
HEREDOC_PARTS = HEREDOC_TEXT | {"file_redirect"}


def starts_within(node: Node, start: int, end: int) -> bool:
    """Whether ``node`` or a node in it starts at an offset in ``[start, end)``."""
    if node.end_byte <= start or node.start_byte >= end:
        return False
    if node.start_byte >= start:
        return True
    return any(starts_within(child, start, end) for child in node.children)


def opens_arithmetic(node: Node) -> bool:
    """Whether a compound statement is ``((…))``, not ``{ …; }``."""
    return bool(node.children) and node.children[0].type == "(("


def quoted_heredoc(redirect: Node) -> bool:
    """Whether a heredoc's delimiter is quoted (``<<'EOF'``, ``<<\\EOF``): its text is literal."""
    start = next((c for c in redirect.children if c.type == "heredoc_start"), None)
    return start is not None and any(c in node_text(start) for c in "'\"\\")


# In an unquoted heredoc a backslash escapes only ``$``, a backquote, itself and a newline.
_HEREDOC_ESCAPE = re.compile(r"\\([$`\\\n])")


def unescape_heredoc(text: str) -> str:
    if "\\" not in text:
        return text
    return _HEREDOC_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)


_BACKQUOTE_ESCAPE = re.compile(r"\\([$`\\])")


def backquoted(text: str) -> list[str]:
    """The commands in the backquotes of ``text`` (a backslash-escaped backquote is literal),
    with the escapes inside resolved (``\\$``, ``\\```, ``\\\\``); an unclosed one runs to
    the end."""
    found: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] != "`":
            i += 1
            continue
        end = i + 1
        while end < len(text) and text[end] != "`":
            end += 2 if text[end] == "\\" else 1
        found.append(_BACKQUOTE_ESCAPE.sub(r"\1", text[i + 1 : end]))
        i = end + 1
    return found


def pipeline_stages(node: Node) -> Iterator[Node]:
    for child in node.named_children:
        if child.type == "pipeline":
            yield from pipeline_stages(child)
        elif child.type != "comment":
            yield child


def last_statement(node: Node) -> Node | None:
    """The statement that gets the redirections written after the list or pipeline ``node``
    (bash: ``a && b < f`` feeds ``f`` to ``b`` alone, ``a | b < f`` to ``b`` instead of the
    pipe, ``a && { b; } > f`` opens ``f`` for the group); ``None`` for another node."""
    if node.type not in REDIRECTED_SEQUENCES:
        return None
    while node.type in REDIRECTED_SEQUENCES:
        statements = [c for c in node.named_children if c.type != "comment"]
        if not statements:
            return None
        node = statements[-1]
    return node


def escaped(source: bytes, at: int) -> bool:
    """Whether the byte at ``at`` of ``source`` follows an odd run of backslashes (is escaped)."""
    run = at
    while run > 0 and source[run - 1] == 0x5C:
        run -= 1
    return (at - run) % 2 == 1
