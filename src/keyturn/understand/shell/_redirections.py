"""How the walk of :mod:`.parse` reads a command's redirections and heredocs.

A redirection names a file the command reads or writes and may change its standard input (``<
FILE``, ``<<<WORD``, a heredoc's text). A heredoc's redirect holds more: the command line going
on after it, and words of the command the grammar put among the redirections or dropped before
them (``cat <<EOF FILE``, ``cat - <<EOF``); and the grammar sometimes reads a heredoc's first
line as words. :class:`RedirectionReading` holds this reading as methods the walker inherits.
Judging the backquotes in a heredoc's text stays the walker's own, as it parses text again
(:func:`.parse.parse_line`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tree_sitter import Node

from keyturn.understand.shell._records import Stdin
from keyturn.understand.shell._syntax import (
    HEREDOC_PARTS,
    HEREDOC_TEXT,
    WORD_TYPES,
    escaped,
    quoted_heredoc,
    starts_within,
    unescape_heredoc,
)
from keyturn.understand.shell.registry import Redirect
from keyturn.understand.shell.source import node_text
from keyturn.understand.shell.words import Word, WordEvaluator

# A word the grammar may drop before a redirection (``cat - <<EOF``): plain text only.
_PLAIN_TOKEN = re.compile(r"[\w./@%+,:=-]+", re.ASCII)
# A file descriptor written against a redirection operator: a number, or ``{NAME}`` (bash opens
# a free one and sets NAME to it).
_DESCRIPTOR = re.compile(rb"[0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\}")


class RedirectionReading:
    """The walker's reading of redirections and heredocs, inherited by :class:`.parse._Walker`."""

    # The walker's state these use; the walker sets it.
    _eval: WordEvaluator
    _source: bytes

    if TYPE_CHECKING:  # the walker's own methods these call

        def _backquotes(self, node: Node) -> None: ...

        def _backquotes_in(self, text: str, node: Node) -> None: ...

        def _expansions_in(self, text: str, node: Node) -> None: ...

        def _problem(self, reason: str, node: Node) -> None: ...

    # -- redirections and heredocs ----------------------------------------------------------

    def _redirects(
        self, nodes: list[Node], stdin: Stdin, *, after: int | None = None
    ) -> tuple[tuple[Redirect, ...], Stdin, list[tuple[Node, bool]], list[Word]]:
        """The redirections ``nodes`` make, the input they give, the command lines going on
        after a heredoc, and the command's words the grammar put among them (``cat <<EOF -``).

        ``after``: where the command's own words end, when the redirections follow them (a
        ``redirected_statement``); the grammar drops a word there it should have kept (a lone
        ``-`` before a heredoc: ``cat - <<EOF``), so the text between is read again."""
        found: list[Redirect] = []
        continuations: list[tuple[Node, bool]] = []
        words: list[Word] = []
        for node in nodes:
            if after is not None:
                words.extend(self._dropped_words(after, node))
                after = node.end_byte
            if node.type == "file_redirect":
                found.append(self._file_redirect(node))
                words.extend(self._words_after_target(node))
                if found[-1].op in ("<", "<>"):
                    stdin = Stdin(dynamic=True)
            elif node.type == "herestring_redirect":
                word = self._word_after(node)
                stdin = (
                    Stdin(text=word.text + "\n")
                    if word and not word.dynamic
                    else Stdin(dynamic=True)
                )
            elif node.type == "heredoc_redirect":
                stdin = self._heredoc(node, found, continuations, words)
        return tuple(found), stdin, continuations, words

    def _descriptor(self, node: Node) -> bool:
        """Whether the argument ``node`` is the descriptor of the redirection right after it:
        the grammar reads ``0`` in ``bash 0< evil.sh`` and ``{fd}`` in ``exec {fd}> f`` as
        words of the command, so ``bash`` would seem to run a script file named ``0``."""
        end = node.end_byte
        return self._source[end : end + 1] in (b"<", b">") and bool(
            _DESCRIPTOR.fullmatch(self._source, node.start_byte, end)
        )

    def _dropped_words(self, after: int, node: Node) -> list[Word]:
        """The words written between offset ``after`` and the operator of the redirection
        ``node`` (none, unless the grammar dropped them); a word that is not plain text makes
        the line a problem."""
        start = node.start_byte
        if node.children:
            first = node.children[0]
            start = first.start_byte
            if first.type in ("<<", "<<-"):
                # ``cat -<<EOF``: the grammar's operator token takes in the ``-`` before it.
                start += max(node_text(first).find("<"), 0)
        gap = self._text_between(after, start).replace("\\\n", " ")
        if not gap or gap.isspace():
            return []
        tokens = gap.split()
        if "\n" in gap or not all(_PLAIN_TOKEN.fullmatch(t) for t in tokens):
            self._problem(f"words the grammar did not read: {gap.strip()[:60]!r}", node)
            return []
        return [Word(t, t) for t in tokens]

    def _heredoc(
        self,
        node: Node,
        found: list[Redirect],
        continuations: list[tuple[Node, bool]],
        words: list[Word],
    ) -> Stdin:
        text = ""
        piped_after = node.child_by_field_name("right") is None
        quoted = quoted_heredoc(node)
        misread = self._misread_heredoc(node)
        if misread is not None:
            # The grammar took the text's first line for words of the command line (it starts
            # with a backslash): the text is read from the line itself, as written.
            text, line_end = misread
            if not quoted:
                self._backquotes_in(text, node)
                if "$" in text:  # its ``$( )`` run: the grammar gave them no node to visit
                    self._expansions_in(text, node)
                text = unescape_heredoc(text)
            for child in node.named_children:
                if child.type == "file_redirect":
                    found.append(self._file_redirect(child))
                elif child.start_byte < line_end and child.type in WORD_TYPES:
                    words.extend(self._eval.words(child))  # ``cat <<EOF FILE``: a word of cat
                elif child.start_byte < line_end and child.type not in HEREDOC_PARTS:
                    continuations.append((child, piped_after))
            return Stdin(text=text)
        for child in node.named_children:
            if child.type == "heredoc_body":
                if quoted:
                    text = node_text(child)
                    for sub in child.named_children:
                        if sub.type != "heredoc_content":
                            self._eval.words(sub)
                else:
                    self._backquotes(child)
                    text = self._heredoc_text(child)
            elif child.type == "file_redirect":
                found.append(self._file_redirect(child))
            elif child.type in WORD_TYPES:
                # ``cat <<EOF /etc/shadow``: the words after the delimiter are the command's.
                words.extend(self._eval.words(child))
            elif child.type not in ("heredoc_start", "heredoc_end"):
                continuations.append((child, piped_after))
        return Stdin(text=text)

    def _misread_heredoc(self, node: Node) -> tuple[str, int] | None:
        """A heredoc whose text the grammar read in part as command words (a first line that
        starts with a backslash): its text as written, and where its command line ends; else
        ``None``."""
        start = next((c for c in node.children if c.type == "heredoc_start"), None)
        end = next((c for c in node.children if c.type == "heredoc_end"), None)
        if start is None or end is None:
            return None
        line_end = start.end_byte
        while True:  # the end of the command line, past backslash-newline continuations
            line_end = self._source.find(b"\n", line_end)
            if line_end < 0 or line_end >= end.start_byte:
                return None
            if not escaped(self._source, line_end):
                break
            line_end += 1
        misread = any(
            starts_within(child, line_end, end.start_byte)
            for child in node.children
            if child.type not in HEREDOC_TEXT
        )
        if not misread:
            return None
        return self._text_between(line_end + 1, end.start_byte), line_end

    def _heredoc_text(self, body: Node) -> str:
        """The text bash feeds from an unquoted heredoc: expansions whose value is known put in
        (the others, and backquotes, left as written: the shell reading the text judges them
        again), and ``\\$``, ``\\```, ``\\\\``, ``\\``-newline unescaped."""
        parts: list[str] = []
        at = body.start_byte
        for child in body.children:
            parts.append(unescape_heredoc(self._text_between(at, child.start_byte)))
            if child.type in WORD_TYPES:
                word = self._eval.word(child)  # judges the commands in $( )
                parts.append(node_text(child) if word.dynamic else word.text)
            else:
                parts.append(unescape_heredoc(node_text(child)))
            at = child.end_byte
        parts.append(unescape_heredoc(self._text_between(at, body.end_byte)))
        return "".join(parts)

    def _text_between(self, start: int, end: int) -> str:
        return self._source[start:end].decode("utf-8", "replace") if end > start else ""

    def _file_redirect(self, node: Node) -> Redirect:
        op = next((node_text(c) for c in node.children if not c.is_named), ">")
        dest = node.child_by_field_name("destination")
        descriptor = next((c for c in node.named_children if c.type == "file_descriptor"), None)
        if descriptor is not None and op in (">", ">>"):
            op = node_text(descriptor) + op
        if dest is None:
            return Redirect(op=op, target="", dynamic=True)
        word = self._eval.word(dest)
        return Redirect(op=op, target=word.text, dynamic=word.dynamic or word.glob)

    def _words_after_target(self, node: Node) -> list[Word]:
        """The words after a redirection's target, which the grammar takes for more targets
        (``kubectl >/dev/null delete ns prod``): bash runs them as the command's words."""
        targets = node.children_by_field_name("destination")
        return [w for extra in targets[1:] for w in self._eval.words(extra)]

    def _word_after(self, node: Node) -> Word | None:
        for child in node.named_children:
            if child.type in WORD_TYPES:
                return self._eval.word(child)
        return None
