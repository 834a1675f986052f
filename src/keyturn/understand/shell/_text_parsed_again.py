"""How the walk of :mod:`.parse` judges text bash parses again.

Commands in backquotes the grammar leaves as text in a word or an unquoted heredoc
(``${x:-`cmd`}``), a heredoc's text the grammar misread as words, the text of ``${x@P}`` (a
prompt's ``$( )`` and backquotes run), and values bash evaluates once more (a variable's value
read as arithmetic, the subscript a reference or ``${!x}`` names): each is parsed again as a
line one level deeper, at most :data:`MAX_TEXT_NESTING` deep. :class:`TextParsedAgain` holds
these judgements as methods the walker inherits; the parse itself (``_parse_nested``) stays the
walker's own, as it calls :func:`.parse.parse_line`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tree_sitter import Node

from keyturn.understand.shell._syntax import backquoted, descendants, quoted_heredoc
from keyturn.understand.shell.source import node_text

# Commands in backquotes the grammar leaves inside a word or a heredoc are parsed again, at
# most this deep (each level of backquotes inside backquotes is one more).
MAX_TEXT_NESTING = 8
# The delimiter of the heredoc that text evaluated again is wrapped in to be parsed again.
_EXPANDED_END = "KEYTURN_EXPANDED_AGAIN"


class TextParsedAgain:
    """The walker's judgements of text parsed again, inherited by :class:`.parse._Walker`."""

    # The walker's state these use; the walker sets it.
    _variables: Mapping[str, str | None]
    _nesting: int
    _backquotes_judged: set[int]

    if TYPE_CHECKING:  # the walker's own methods these call

        def _parse_nested(self, text: str) -> None: ...

        def _problem(self, reason: str, node: Node) -> None: ...

    # -- backquotes, parsed again -----------------------------------------------------------

    def _backquotes(self, node: Node) -> None:
        """Judge the commands in backquotes the grammar left as text in ``node`` (a word, an
        unquoted heredoc's body): bash runs them."""
        if node.start_byte in self._backquotes_judged:
            return
        text = node_text(node)
        if "`" not in text:
            return
        self._backquotes_judged.add(node.start_byte)
        self._backquotes_in(text, node)

    def _backquotes_in(self, text: str, node: Node) -> None:
        for inner in backquoted(text):
            if self._nesting >= MAX_TEXT_NESTING:
                self._problem("backquotes nested too deeply to understand", node)
                return
            self._parse_nested(inner)

    def judge_left_backquotes(self, root: Node) -> None:
        """Judge the backquotes in words and unquoted heredocs the walk did not reach (a word
        the evaluator read without visiting: ``${x:+`cmd`}`` with ``x`` known)."""
        for node in descendants(root, limit=200_000):
            if node.type == "word" or (
                node.type == "heredoc_body"
                and node.parent is not None
                and not quoted_heredoc(node.parent)
            ):
                self._backquotes(node)

    def judge_prompt_expansions(self, root: Node) -> None:
        """``${x@P}`` expands x's text as a prompt, whose ``$( )`` and backquotes run:
        ``x='$(rm -rf /)'; echo ${x@P}`` deletes /. A text the line tells is judged as bash
        expands it; one decided at run time is not understood."""
        for node in descendants(root, limit=200_000):
            if node.type != "expansion" or not node_text(node).endswith("@P}"):
                continue
            names = [c for c in node.named_children if c.type == "variable_name"]
            plain = len(names) == 1 and not node_text(node).startswith("${!")
            value = self._variables.get(node_text(names[0])) if plain else None
            if value is None:
                self._problem(
                    "a prompt expansion (@P) runs what text decided at run time holds", node
                )
            else:
                self._evaluated_again(value, node, why="a prompt expansion (@P)")

    # -- values bash evaluates again --------------------------------------------------------

    def _expansions_in(self, text: str, node: Node) -> None:
        """Judge the expansions in ``text``, an unquoted heredoc's text the grammar misread as
        words (its first line starts with a backslash): parsed again behind a first line the
        grammar reads as text."""
        if self._nesting >= MAX_TEXT_NESTING:
            self._problem("heredoc text nested too deeply to understand", node)
            return
        self._parse_nested(f": <<{_EXPANDED_END}\n.\n{text}\n{_EXPANDED_END}")

    def _evaluated_again(self, text: str, node: Node, *, why: str) -> None:
        """Judge ``text`` as bash expands it once more (as the text of an unquoted heredoc);
        backquotes in it are unknown outright."""
        if "`" in text:
            self._problem(f"bash evaluates {why} ({text[:60]!r}) and runs what it holds", node)
        if self._nesting >= MAX_TEXT_NESTING:
            self._problem("values evaluated again nested too deeply to understand", node)
            return
        if "$" in text:
            self._parse_nested(f": <<{_EXPANDED_END}\n{text}\n{_EXPANDED_END}")
