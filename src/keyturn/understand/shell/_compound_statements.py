"""How the walk of :mod:`.parse` visits statements, in the order bash runs them.

Lists, pipelines (each stage reading what the one before prints), ``for`` loops (judged once
more per known word), function definitions (their bodies judged where defined, as they may
run), groups and subshells (what they print), and the redirections of a compound statement or
of a whole list (bash gives them to its last statement alone). A statement that may not run
(after ``&&``/``||``, in a branch, a loop's body, a subshell) is visited *aside*: a ``cd`` there
may leave the line where it was. :class:`StatementReading` holds this walk as methods the
walker inherits; it reads simple commands through :class:`._simple_commands.CommandReading`,
which it builds on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tree_sitter import Node

from keyturn.understand.shell._arithmetic import ARITHMETIC, substring_bounds
from keyturn.understand.shell._records import TERMINAL, Adopted, RawCommand, Stdin
from keyturn.understand.shell._simple_commands import CommandReading
from keyturn.understand.shell._syntax import (
    COMMAND_LIKE,
    WORD_TYPES,
    last_statement,
    opens_arithmetic,
    pipeline_stages,
)
from keyturn.understand.shell.nested import MAX_OUTPUT
from keyturn.understand.shell.registry import Redirect
from keyturn.understand.shell.source import node_text
from keyturn.understand.shell.words import Word

MAX_NODE_DEPTH = 150
# A ``for`` loop over at most this many known words is judged once per word as well, within
# this many such passes per line (nested loops would otherwise multiply them).
MAX_LOOP_VALUES = 16
MAX_LOOP_PASSES = 64


# Statements whose parts may not run: a cd inside one leaves the line where it was as well.
_BRANCHING = frozenset(
    {
        *("if_statement", "elif_clause", "else_clause", "case_statement", "case_item"),
        *("while_statement", "c_style_for_statement"),
        *("subshell", "process_substitution"),
    }
)


class StatementReading(CommandReading):
    """The walker's visit of statements, inherited by :class:`.parse._Walker`."""

    # The walker's state these use; the walker sets it.
    _loop_passes_left: int

    # -- statements -------------------------------------------------------------------------

    def visit(
        self, node: Node, stdin: Stdin, *, depth: int, background: bool = False
    ) -> str | None:
        """Visit a statement; return its output when it is constant text (``echo x``)."""
        if depth > MAX_NODE_DEPTH:
            self._problem("nested too deeply to understand", node)
            return None
        kind = node.type
        if kind in COMMAND_LIKE:
            return self._command(node, stdin, (), background=background, depth=depth)
        if self._adopted and node.id in self._adopted:
            return self._adopting(node, stdin, depth=depth, background=background)
        if kind == "redirected_statement":
            return self._redirected(node, stdin, depth=depth, background=background)
        if kind == "pipeline":
            return self._pipeline(node, stdin, depth=depth)
        if kind == "function_definition":
            self._function(node, depth=depth)
            return None
        if kind == "for_statement":
            self._for(node, stdin, depth=depth)
            return None
        if kind in ("subscript", "c_style_for_statement") or (
            kind == "compound_statement" and opens_arithmetic(node)
        ):
            self._arithmetic(node)  # (``$((…))`` is a word: the evaluator visits it)
        elif kind == "variable_assignment":
            self._integer_assignment(node)
            self._reference_assignment(node)
            self._array_indexes(node)
        if kind in WORD_TYPES:
            if kind == "word":
                self._backquotes(node)  # ``${x:-`cmd`}``: the grammar leaves `cmd` in a word
            self._eval.words(node)
            return None
        outputs = self._children(node, stdin, depth=depth)
        if kind in ("subshell", "compound_statement") and outputs and None not in outputs:
            # ``{ echo 'rm -rf /'; } | sh``: a group prints what its commands print.
            text = "".join(o or "" for o in outputs)
            return text if len(text) <= MAX_OUTPUT else None
        return None

    def _children(self, node: Node, stdin: Stdin, *, depth: int) -> list[str | None]:
        """Visit the statements in ``node``; what each prints, when it is constant text."""
        outputs = []
        kids = node.children
        # What runs after ``&&``/``||``, in a branch or a loop may not run at all; what runs in
        # a subshell or in the background does not move the line.
        branching = node.type in _BRANCHING
        first = True
        for i, child in enumerate(kids):
            if not child.is_named or child.type == "comment":
                continue
            background = i + 1 < len(kids) and kids[i + 1].type == "&"
            aside = branching or background or (node.type == "list" and not first)
            first = False
            if not aside:  # (most statements: no context manager on the hot path)
                outputs.append(self.visit(child, stdin, depth=depth + 1, background=background))
                continue
            with self._aside():
                outputs.append(self.visit(child, stdin, depth=depth + 1, background=background))
        return outputs

    @contextmanager
    def _aside(self, aside: bool = True) -> Iterator[None]:
        """Commands visited meanwhile are marked ``conditional`` (:class:`RawCommand`): they may
        not run, or run in a subshell, so a ``cd`` among them may leave the line where it was."""
        self._conditional += aside
        try:
            yield
        finally:
            self._conditional -= aside

    def _for(self, node: Node, stdin: Stdin, *, depth: int) -> None:
        """``for NAME in WORDS; do BODY; done``: BODY is judged with NAME unknown, as anything
        may set it meanwhile (``read NAME``, ``unset NAME``); and when every word is known
        (``for d in / ~; do rm -rf $d; done``), once more per word with NAME set to it. The
        extra passes only add effects: the stricter judgement stands, never a looser one."""
        name_node = node.child_by_field_name("variable")
        body = node.child_by_field_name("body")
        values: list[Word] = []
        for value in node.children_by_field_name("value"):
            values.extend(self._eval.words(value))  # judges the commands in $( ) once
        if body is None:
            return
        if (
            name_node is not None
            and values
            and len(values) <= MAX_LOOP_VALUES
            and not any(w.dynamic or w.glob for w in values)
            and self._loop_passes_left >= len(values)
        ):
            # Taken before the passes: an outer loop's words go before its inner loops'.
            self._loop_passes_left -= len(values)
            saved = self._variables
            for word in values:
                self._variables = {**saved, node_text(name_node): word.text}
                try:
                    with self._eval.binding(node_text(name_node), word.text):
                        self.visit(body, stdin, depth=depth + 1)
                finally:
                    self._variables = saved
        self.visit(body, stdin, depth=depth + 1)

    def _visit_any(self, node: Node) -> None:
        if node.type in ARITHMETIC:
            self._arithmetic(node)
        elif node.type == "expansion":
            bounds = substring_bounds(node)  # ``${y:x}``: arithmetic too
            if bounds is not None:
                self._arithmetic_names(bounds, node)
        self._children(node, TERMINAL, depth=self._depth + 1)

    def _function(self, node: Node, *, depth: int) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        self._defining.append(node_text(name) if name is not None else "")
        if name is not None and body is not None:
            self._function_bodies[node_text(name)] = node_text(body)
        try:
            if body is not None:
                with self._aside():  # runs when called, if at all
                    self.visit(body, TERMINAL, depth=depth + 1)
        finally:
            self._defining.pop()

    def _pipeline(self, node: Node, stdin: Stdin, *, depth: int) -> str | None:
        stages = list(pipeline_stages(node))
        output: str | None = None
        current = stdin
        for index, stage in enumerate(stages):
            self._in_pipeline = len(stages) > 1
            with self._aside(len(stages) > 1):  # each stage runs in a subshell
                output = self.visit(stage, current, depth=depth + 1)
            current = Stdin(text=output, dynamic=output is None)
            if index == len(stages) - 1:
                break
        self._in_pipeline = False
        return output

    _in_pipeline = False

    def _redirected(self, node: Node, stdin: Stdin, *, depth: int, background: bool) -> str | None:
        body = node.child_by_field_name("body")
        given = stdin
        redirects, stdin, continuations, words = self._redirects(
            node.children_by_field_name("redirect"),
            stdin,
            after=body.end_byte if body is not None else node.start_byte,
        )
        last = last_statement(body) if body is not None else None
        if body is not None and body.type in COMMAND_LIKE:
            output = self._command(
                body, stdin, redirects, background=background, depth=depth, more_words=words
            )
        elif body is not None and last is not None:
            # ``a && b < f``, ``echo ls | bash < evil.sh``: the grammar hangs the redirections
            # on the whole; bash gives them to the last statement alone, instead of its pipe.
            adopted = Adopted(redirects, None if stdin is given else stdin, tuple(words), node)
            self._adopted[last.id] = adopted
            self.visit(body, given, depth=depth + 1, background=background)
            self._adopted.pop(last.id, None)
            output = adopted.output  # a pipe goes on from the last command: ``a && b | c``
        else:
            output = None
            self._compound_redirects(redirects, words, node)
            if body is not None:
                self.visit(body, stdin, depth=depth + 1, background=background)
        for continuation, piped in continuations:
            follow = Stdin(text=output, dynamic=output is None) if piped else TERMINAL
            self._continue(continuation, follow, depth=depth)
        return None if continuations else output

    def _compound_redirects(
        self, redirects: tuple[Redirect, ...], words: list[Word] | tuple[Word, ...], node: Node
    ) -> None:
        """The redirections of a compound command (a group, a subshell, a loop): opened before
        it runs, where the line is then (``{ cd /tmp; } > db`` writes ``db`` in the directory
        the group starts in)."""
        if words:
            self._problem("words after a compound command's redirections", node)
        if redirects:
            self._add(RawCommand(words=(), redirects=redirects, source=node_text(node)))

    def _adopting(self, node: Node, stdin: Stdin, *, depth: int, background: bool) -> str | None:
        """Visit the compound statement ``node`` that ends a redirected list (:meth:`_redirected`)
        with the redirections written after the list."""
        adopted = self._adopted.pop(node.id)
        self._compound_redirects(adopted.redirects, adopted.words, adopted.source)
        output = self.visit(node, adopted.stdin or stdin, depth=depth, background=background)
        adopted.output = output
        return output

    def _continue(self, node: Node, stdin: Stdin, *, depth: int) -> None:
        if node.type == "pipeline":
            self._pipeline(node, stdin, depth=depth + 1)
        else:
            self.visit(node, stdin, depth=depth + 1)
