"""``time``, ``coproc [NAME]`` and ``!`` before a compound command, which tree-sitter-bash
misreads (:mod:`._grammar_gaps`), found where they stand, runs of them in one pass.

To bash each is a reserved word in front of a pipeline, and one may follow another: ``! time
-p ! { …; }`` times and negates a group. The grammar reads the first as a prefix (``!``) or a
command name (``time``, ``coproc``) and everything after it as one command: the next prefix is
its name or an argument, and the prefix after that an argument too. Blanking the first and
parsing the line again, the grammar reads the second as it read the first: a run of ``n`` of
them took ``n`` parses of the whole line (``"! " * 30000``: seconds). So the words after a
prefix found are read here as the grammar would read them next, as long as that is known for
sure: ``!`` before ``{``, ``if`` … or another prefix (the grammar reads ``! [[ … ]]`` and ``!
(( … ))`` itself), ``time [-p] [--]`` and ``coproc [NAME]`` before a compound command. A run
ends at the first word that is none of them; anything else is left to the next pass.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from keyturn.understand.shell._syntax import descendants
from keyturn.understand.shell.source import node_text

# What may follow ``time``/``coproc``/``!`` as the start of a compound command (or of another
# such prefix) -- a word the grammar then reads as an argument or a command name.
_COMPOUND_OPENERS = frozenset(
    {"{", "!", "if", "for", "while", "until", "case", "select", "[[", "((", "time", "coproc"}
)
# The openers the grammar reads, after ``!``, as the compound command they open.
_READ_AFTER_BANG = frozenset({"[[", "(("})
# Nodes the grammar makes of a compound command right after ``time``/``coproc [NAME]``.
_COMPOUND_NODES = frozenset({"subshell", "compound_statement"})
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TIME_OPTIONS = frozenset({"-p", "--"})


def prefix_keywords(root: Node) -> list[tuple[int, int]]:
    """Byte ranges of ``time [-p]``, ``coproc [NAME]`` and ``!`` standing before a compound
    command the grammar did not read as one (some more than once)."""
    blanks: list[tuple[int, int]] = []
    runs: list[tuple[list[Node], int]] = []  # (a command's words, where a run may go on)
    first_error = root.end_byte  # (where the grammar first stumbles, if it does)
    for node in descendants(root, limit=200_000):
        if node.is_error or node.is_missing:
            first_error = min(first_error, node.start_byte)
        elif node.type == "negated_command":
            inner = node.named_children[0] if node.named_children else None
            if inner is not None and node.children[0].type == "!" and _opens_compound(inner):
                blanks.append((node.children[0].start_byte, node.children[0].end_byte))
                runs.append((_words(inner), 0))
        elif node.type == "command":
            words = _words(node)
            compound = _compound_after(words, 0) if _named(node, words) else None
            if compound is not None:
                blanks.append((node.start_byte, words[compound].start_byte))
                runs.append((words, compound))
    # Past a place the grammar could not read, what it makes of the rest may change with each
    # pass (its recovery): a run there is left to the passes that follow, one by one.
    for words, at in runs:
        if words[-1].end_byte <= first_error:
            blanks += _run_from(words, at)
    return blanks


def _named(command: Node, words: list[Node]) -> bool:
    """Whether ``command`` starts with its name (no assignment or redirection before it)."""
    return (
        bool(words)
        and words[0].type == "command_name"
        and words[0].start_byte == command.start_byte
    )


def _words(command: Node) -> list[Node]:
    return [c for c in command.named_children if c.type != "comment"]


def _run_from(words: list[Node], at: int) -> list[tuple[int, int]]:
    """The prefixes from ``words[at]`` on, which stands first in a command once what is before
    it is blanked: each as the grammar would read it then, up to the first that is none."""
    blanks: list[tuple[int, int]] = []
    while at < len(words):
        word = words[at]
        if node_text(word) == "!":
            # ``! W …`` is read as ``!`` before a command named W.
            after = words[at + 1] if at + 1 < len(words) else None
            if after is None or after.type != "word" or not _opens_after_bang(after):
                break
            blanks.append((word.start_byte, word.end_byte))
            at += 1
            continue
        compound = _compound_after(words, at)
        if compound is None:
            break
        blanks.append((word.start_byte, words[compound].start_byte))
        at = compound
    return blanks


def _opens_after_bang(word: Node) -> bool:
    text = node_text(word)
    return text in _COMPOUND_OPENERS and text not in _READ_AFTER_BANG


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


def _compound_after(words: list[Node], at: int) -> int | None:
    """Where in ``words`` the compound command starts when ``words[at]`` is ``time [-p]`` or
    ``coproc [NAME]`` standing before one (as the grammar misreads them), else ``None``."""
    keyword = node_text(words[at])
    if keyword not in ("time", "coproc"):
        return None
    at += 1
    if keyword == "time":
        while at < len(words) and node_text(words[at]) in _TIME_OPTIONS:
            at += 1
    elif (
        at + 1 < len(words)
        and _NAME.match(node_text(words[at]))
        and _starts_compound(words[at + 1])
    ):
        at += 1  # ``coproc NAME { …; }``: NAME names the coprocess
    return at if at < len(words) and _starts_compound(words[at]) else None


def _starts_compound(node: Node) -> bool:
    return node.type in _COMPOUND_NODES or node_text(node) in _COMPOUND_OPENERS
