"""How the walk of :mod:`.parse` judges the text bash evaluates as arithmetic.

bash evaluates a variable that arithmetic names (``$((x))``, ``((…))``, subscripts, ``let``,
``[[ x -gt 0 ]]``, an assignment to a ``declare -i`` variable) as an expression in turn, and
runs what a ``$(…)``, backquotes or a subscript in its value holds: ``x='a[$(rm -rf /)]'; echo
$((x))`` runs rm. :class:`ArithmeticReading` holds these judgements as methods the walker
inherits: they use its known variables and report through it. Judging a value bash evaluates
again stays the walker's own, as it parses text again (:func:`.parse.parse_line`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from tree_sitter import Node

from keyturn.understand.shell._syntax import WORD_TYPES, descendants
from keyturn.understand.shell.runtime_text import ANY as ANY_RUN_TIME
from keyturn.understand.shell.source import node_text
from keyturn.understand.shell.words import WordEvaluator

# Text bash evaluates as arithmetic: a variable it names is evaluated in turn, and a value that
# holds ``$(…)``, backquotes or ``${…}`` (in a subscript) runs what it holds -- ``x='a[$(rm -rf
# /)]'; echo $((x))`` runs rm. These nodes reach the walk from the word evaluator; ``((…))`` (a
# compound statement that opens with ``((``) and ``for ((…))`` are statements.
ARITHMETIC = frozenset({"arithmetic_expansion", "subscript"})
_ARITHMETIC_TESTS = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge"})
_IDENTIFIER = re.compile(r"(?<!\w)[A-Za-z_]\w*", re.ASCII)
_SUBSTITUTION = re.compile(r"\$[({]|`")
# Names a value may lead through (``x=y; y=z; …``) before the rest is left unjudged.
MAX_ARITHMETIC_NAMES = 64


def substring_bounds(node: Node) -> str | None:
    """The offset and length of a substring expansion (``${y:OFFSET}``, ``${y:OFFSET:LENGTH}``,
    ``${a[@]:1:n}``), which bash evaluates as arithmetic -- ``${y:x}`` runs what a subscript in
    x's value holds, as ``$((x))`` does; ``None`` for any other expansion (``${y:-x}`` has its
    own operator)."""
    kids = node.children
    for i, kid in enumerate(kids):
        if kid.type == ":":
            return " ".join(node_text(k) for k in kids[i + 1 :] if k.type not in (":", "}"))
    return None


class ArithmeticReading:
    """The walker's judgements of arithmetic text, inherited by :class:`.parse._Walker`."""

    # The walker's state these use; the walker sets it.
    _variables: Mapping[str, str | None]
    _integers: frozenset[str]
    _run_time: frozenset[str]
    _home: str

    if TYPE_CHECKING:  # methods of the walker (or of its other readings) these call

        def _text_between(self, start: int, end: int) -> str: ...

        def _evaluated_again(self, text: str, node: Node, *, why: str) -> None: ...

        def _problem(self, reason: str, node: Node) -> None: ...

    # -- arithmetic -------------------------------------------------------------------------

    def _arithmetic(self, node: Node) -> None:
        """Judge what evaluating the arithmetic text of ``node`` runs (see :data:`ARITHMETIC`)."""
        if node.type == "subscript":
            text = node_text(node).partition("[")[2]  # the index, not the array's name
        elif node.type == "c_style_for_statement":
            body = node.child_by_field_name("body")
            end = body.start_byte if body is not None else node.end_byte
            text = self._text_between(node.start_byte, end)
        else:
            text = node_text(node)
        self._arithmetic_names(text, node)

    def _arithmetic_names(self, text: str, node: Node) -> None:
        """Judge the known values of the variables arithmetic ``text`` names, and of those their
        values name in turn: bash evaluates each, expanding what a subscript in it holds."""
        # Each name once, at its last place (the first taken): a later one is seen already,
        # and nested arithmetic repeats a long text's names once per level around it.
        pending = list(dict.fromkeys(reversed(_IDENTIFIER.findall(text))))
        pending.reverse()
        seen: set[str] = set()
        while pending and len(seen) < MAX_ARITHMETIC_NAMES:
            name = pending.pop()
            if name not in seen and (name in self._run_time or ANY_RUN_TIME in self._run_time):
                self._problem(
                    f"arithmetic evaluates {name}, whose value is decided at run time "
                    "(bash runs what a subscript in it holds)",
                    node,
                )
                return
            value = self._variables.get(name) if name not in seen else None
            seen.add(name)
            if not value:
                continue
            if _SUBSTITUTION.search(value):
                self._evaluated_again(value, node, why=f"the value of {name}")
            pending.extend(_IDENTIFIER.findall(value))

    def _array_indexes(self, node: Node) -> None:
        """``arr=([i]=v …)``: bash evaluates each index of an indexed array's compound
        assignment as arithmetic (``[x]=1`` evaluates x's value, subscripts and all). An
        associative array's keys are text; judging them too is only the stricter reading."""
        value = node.child_by_field_name("value")
        if value is None or value.type != "array":
            return
        for element in value.named_children:
            kids = element.children if element.type == "concatenation" else []
            if not kids or node_text(kids[0]) != "[":
                continue
            for i in range(1, len(kids) - 1):
                if node_text(kids[i]) == "]" and node_text(kids[i + 1]).startswith("="):
                    self._arithmetic_names("".join(node_text(k) for k in kids[1:i]), node)
                    break

    def _integer_assignment(self, node: Node) -> None:
        """``x=VALUE`` to a variable the line declares integer: VALUE is arithmetic."""
        name_node, value_node = node.child_by_field_name("name"), node.child_by_field_name("value")
        if not self._integers or name_node is None or value_node is None:
            return
        if node_text(name_node).partition("[")[0] not in self._integers:
            return
        quiet = WordEvaluator(
            variables=self._variables,
            home=self._home,
            substitute=lambda _n: None,
            visit=lambda _n: None,
        )
        value = quiet.word(value_node) if value_node.type in WORD_TYPES else None
        if value is None or value.dynamic:
            self._arithmetic_names(node_text(value_node), node)
            return
        if _SUBSTITUTION.search(value.text):
            self._evaluated_again(value.text, node, why=f"{node_text(name_node)}'s new value")
        self._arithmetic_names(value.text, node)

    def _test_arithmetic(self, node: Node) -> None:
        """``[[ A -gt B ]]`` evaluates both sides as arithmetic (``[`` wants plain integers)."""
        if not node.children or node_text(node.children[0]) != "[[":
            return
        for part in descendants(node, limit=10_000):
            if part.type != "binary_expression" or len(part.children) != 3:
                continue
            left, op, right = part.children
            if node_text(op) in _ARITHMETIC_TESTS:
                self._arithmetic_names(node_text(left) + " " + node_text(right), node)
