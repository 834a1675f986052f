"""How the walk of :mod:`.parse` reads a simple command.

A simple command's words are expanded and its assignments and redirections read; so are the
words of the nodes the grammar gives the declarations (``declare``, ``export``...), ``unset``
and the tests (``[ ]``, ``[[ ]]``), which are commands with words to bash too. What a command
prints, when its words decide it (``echo x``), is what the command after it in a pipe reads,
and what ``$( )`` stands for. :class:`CommandReading` holds this reading as methods the walker
inherits; it reads redirections and arithmetic through the readings it inherits in turn
(:mod:`._redirections`, :mod:`._arithmetic`).
"""

from __future__ import annotations

import shlex
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import TYPE_CHECKING

from tree_sitter import Node

from keyturn.understand.shell import nested
from keyturn.understand.shell._arithmetic import ArithmeticReading
from keyturn.understand.shell._declarations import DeclarationReading
from keyturn.understand.shell._records import TERMINAL, Adopted, Item, RawCommand, Stdin
from keyturn.understand.shell._redirections import RedirectionReading
from keyturn.understand.shell._syntax import REDIRECTS, WORD_TYPES
from keyturn.understand.shell.printed_text import EchoRules
from keyturn.understand.shell.registry import Redirect
from keyturn.understand.shell.source import node_text
from keyturn.understand.shell.words import Word

# A call of a function the line defines is judged again with its arguments at most this deep
# (a function body calling another defined on the same line is parsed once more per level).
MAX_CALL_NESTING = 8


class CommandReading(RedirectionReading, ArithmeticReading, DeclarationReading):
    """The walker's reading of a simple command, inherited by :class:`.parse._Walker`."""

    # The walker's state these use; the walker sets it.
    _functions: frozenset[str]
    _function_bodies: dict[str, str]
    _nesting: int
    _defining: list[str]
    _depth: int
    _conditional: int
    _in_pipeline: bool
    _adopted: dict[int, Adopted]
    _echo_rules: EchoRules

    if TYPE_CHECKING:  # the walker's own methods these call

        def _parse_nested(self, text: str) -> None: ...

        def visit(
            self, node: Node, stdin: Stdin, *, depth: int, background: bool = False
        ) -> str | None: ...

        def _continue(self, node: Node, stdin: Stdin, *, depth: int) -> None: ...

        def _visit_any(self, node: Node) -> None: ...

        def _add(self, item: Item) -> None: ...

        def _aside(self, aside: bool = True) -> AbstractContextManager[None]: ...

    # -- simple commands --------------------------------------------------------------------

    def _command(
        self,
        node: Node,
        stdin: Stdin,
        redirects: tuple[Redirect, ...],
        *,
        background: bool,
        depth: int,
        more_words: list[Word] | None = None,
    ) -> str | None:
        """A simple command (or a declaration, ``unset``, a ``[[ ]]``/``[ ]`` test: the grammar
        gives them nodes of their own, but they are commands with words too)."""
        words: list[Word] = []
        assignments: list[tuple[str, Word]] = []
        own: list[Node] = []
        self._depth = depth
        if node.type != "command":
            words = self._keyword_words(node)
            if node.type == "declaration_command":
                self._declaration(node)
        # (Inline, not a helper: each frame here is one more per level of nested ``$( )``.)
        word_end = -1
        for child in node.children if node.type == "command" else ():
            if not child.is_named or child.type == "comment":
                continue
            if child.type == "variable_assignment":
                assignments.append(self._assignment(child))
            elif child.type == "command_name":
                for part in child.named_children:
                    words.extend(self._eval.words(part))
                word_end = child.end_byte
            elif child.type in REDIRECTS:
                own.append(child)
            elif not self._descriptor(child):
                found = self._eval.words(child)
                if child.start_byte == word_end and words and found:
                    # Two words with no blank between: one word to bash that the grammar
                    # split (``pro[\d]``), its text not told.
                    words[-1] = _not_told(words[-1])
                    found[0] = _not_told(found[0])
                words.extend(found)
                word_end = child.end_byte
        more, stdin, continuations, inside = self._redirects(own, stdin)
        adopted = self._adopted.get(node.id) if self._adopted else None
        if adopted is not None:  # written after the list this command ends (:mod:`.parse`)
            more += adopted.redirects
            stdin = adopted.stdin or stdin
            inside += adopted.words
        words += inside + (more_words or [])
        name = words[0].text if words and not words[0].dynamic else ""
        if name == "let":
            for word in words[1:]:
                self._arithmetic_names(word.text, node)
        calls_function = name in self._functions
        fork_bomb = name in self._defining and (self._in_pipeline or background)
        self._add(
            RawCommand(
                words=tuple(words),
                assignments=tuple(assignments),
                redirects=redirects + more,
                stdin_text=stdin.text,
                stdin_dynamic=stdin.dynamic,
                source=node_text(node),
                fork_bomb=fork_bomb,
                function_call=calls_function,
                conditional=self._conditional > 0,
            )
        )
        if calls_function and len(words) > 1:
            self._call_with_arguments(name, words[1:])
        output = None
        if not any(w.dynamic for w in words) and not _sends_output_away(redirects + more):
            output = nested.constant_output(
                tuple(w.text for w in words), stdin_text=stdin.text, rules=self._echo_rules
            )
        if adopted is not None:
            adopted.output = output
        for continuation, piped in continuations:
            follow = Stdin(text=output, dynamic=output is None) if piped else TERMINAL
            self._continue(continuation, follow, depth=depth)
        return None if continuations else output

    def _call_with_arguments(self, name: str, arguments: list[Word]) -> None:
        """``f ARGS``, ``f`` a function the line defined: its body was judged where defined, with
        ``$1``… unknown; with known arguments it is judged again with them set, as the call runs
        it (``f() { rm -rf "$1"; }; f /``)."""
        body = self._function_bodies.get(name)
        if body is None or self._nesting >= MAX_CALL_NESTING:
            return
        if any(w.dynamic or w.glob for w in arguments):
            return
        self._parse_nested(f"set -- {shlex.join(w.text for w in arguments)}\n{body}")

    def _keyword_words(self, node: Node) -> list[Word]:
        """The words of a declaration (``declare``, ``export``...), ``unset`` or test node, as
        the builtin of that name receives them: its keyword, options, names, ``NAME=value``
        (value expanded), operators and operands."""
        words: list[Word] = []
        for child in node.children:
            if child.type == "comment":
                continue
            if child.type == "variable_assignment":
                name, value = self._assignment(child)
                raw = node_text(child)
                op = "+=" if raw[len(name) : len(name) + 2] == "+=" else "="
                words.append(Word(name + op + value.text, raw, dynamic=value.dynamic))
            elif child.type in WORD_TYPES:
                words.extend(self._eval.words(child))
            elif child.named_child_count == 0:
                text = node_text(child)  # a keyword, an operator, a name, a pattern
                words.append(Word(text, text))
            else:
                words.extend(self._keyword_words(child))  # an expression of a test
        if node.type == "test_command":
            self._test_arithmetic(node)
        return words

    def _assignment(self, node: Node) -> tuple[str, Word]:
        name_node, value_node = node.child_by_field_name("name"), node.child_by_field_name("value")
        name = node_text(name_node) if name_node is not None else ""
        if name_node is not None and name_node.type == "subscript":
            self._visit_any(name_node)  # ``a[$(cmd)]=1 ls``: the subscript is expanded
        self._integer_assignment(node)
        self._reference_assignment(node)
        self._array_indexes(node)
        if value_node is None:
            return name, Word("", "")
        if value_node.type in WORD_TYPES:
            return name, self._eval.word(value_node)
        self._visit_any(value_node)
        return name, Word(node_text(value_node), node_text(value_node), dynamic=True)

    def _substitute(self, node: Node) -> str | None:
        statements = [c for c in node.named_children if c.type != "comment"]
        if any(s.type == "file_redirect" for s in statements):
            # ``$(< FILE)``: bash reads FILE (as ``$(cat FILE)`` would).
            redirects = tuple(self._file_redirect(s) for s in statements)
            self._add(RawCommand(words=(), redirects=redirects, source=node_text(node)))
            return None
        with self._aside():  # a subshell: a cd in it does not move the line
            outputs = [self.visit(s, TERMINAL, depth=self._depth + 1) for s in statements]
        if len(outputs) != 1 or outputs[0] is None:
            return None
        # bash drops NUL bytes from what it captures, and the newlines it ends with.
        return outputs[0].replace("\0", "").rstrip("\n")


def _not_told(word: Word) -> Word:
    return replace(word, dynamic=True)


def _sends_output_away(redirects: tuple[Redirect, ...]) -> bool:
    """Whether a redirection takes the command's standard output elsewhere (``>&2``, ``>
    /dev/null``, ``&>``, ``1>f``): what ``$( )`` captures is then not what it prints. Any form
    not known to leave it alone (``{fd}>``) counts, so that its output is not taken as known."""
    for redirect in redirects:
        op = redirect.op
        descriptor = op[: len(op) - len(op.lstrip("0123456789"))]
        rest = op[len(descriptor) :]
        if rest.startswith("<") and not rest.startswith("<>"):
            continue  # input (``<``, ``<<``, ``<<<``)
        if descriptor and descriptor != "1" and not rest.startswith("&>"):
            continue  # another descriptor (``2>``, ``2>&1``)
        if rest in (">&", ">") and redirect.target in ("&1", "1") and descriptor in ("", "1"):
            continue  # ``>&1``: onto itself
        return True
    return False
