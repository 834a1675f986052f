"""What ``declare``, ``typeset``, ``local`` and ``readonly`` make bash evaluate, beyond the
variables they set.

bash reads a declaration's words once more, after their expansion, in ways a plain assignment is
not read (each checked with bash 5.2 running the line, a stand-in ``rm`` logging its paths):

- With an array attribute (``-a``, ``-A``, also ``-ga``, ``-ai``, ``-xa``), or naming an array
  the line made (``declare``/``typeset`` only), a ``NAME=VALUE`` whose value *after expansion*
  is ``(…)`` is parsed again as a compound assignment, and runs what it holds: ``declare -a
  'a=($(rm -rf /srv/prod))'``, ``x='($(…))'; declare -a a=$x``, ``local -a a=$1``.
  ``readonly`` does so only with ``-a``/``-A``; ``export`` never.
- A word that spells ``NAME[SUBSCRIPT]=VALUE`` only once expanded (``declare "$x=1"``,
  ``typeset``, ``local``; not ``export``, ``readonly``) evaluates the subscript, ``$(…)`` and
  all.
- A reference (``declare -n r=TARGET``, or ``r=TARGET`` later) whose target is
  ``a[SUBSCRIPT]`` evaluates the subscript each time ``r`` is used or assigned; so does an
  indirect expansion ``${!x}`` of a variable holding such a name (``${!x:-d}``, ``${!x@Q}``;
  not ``${!x[@]}``, the keys, nor ``${!prefix*}``).
- A variable with the integer attribute evaluates every value assigned to it as arithmetic --
  also what ``read`` or ``printf -v`` store in it: text decided at run time then runs what a
  subscript in it holds (:meth:`DeclarationReading.judge_run_time_integers`).

A value the line tells is judged as bash evaluates it; one decided at run time is a
:class:`._records.Problem` (``unknown``). The case attributes ``-l``/``-u``/``-c`` change the
value a variable holds (:func:`cased_value`, read by :mod:`._line_scan`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tree_sitter import Node

from keyturn.understand.shell._syntax import WORD_TYPES, descendants
from keyturn.understand.shell.source import node_text
from keyturn.understand.shell.words import Word, WordEvaluator

# Lines that may hold a declaration or an indirection this module reads (cheap, on the text).
DECLARES = re.compile(r"\b(?:declare|typeset|local|readonly)\b|\$\{!")
_DECLARING = frozenset({"declare", "typeset", "local", "readonly"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_SUBSTITUTION = re.compile(r"\$[({]|`")
# Any variable may hold run-time text (:data:`._line_scan.ANY_VARIABLE`, not imported: that
# module reads this one).
_ANY = "*"


def keyword_of(node: Node) -> str:
    """The builtin a ``declaration_command`` node runs (``declare``, ``export``...)."""
    return node_text(node.children[0]) if node.children else ""


def options_of(node: Node) -> tuple[set[str], set[str]]:
    """The attribute letters a declaration turns on (``-ai``) and those it turns off (``+l``)."""
    on: set[str] = set()
    off: set[str] = set()
    for child in node.children:
        text = node_text(child) if child.type == "word" else ""
        if len(text) > 1 and text[0] in "-+" and text[1:].isalpha():
            (on if text[0] == "-" else off).update(text[1:])
    return on, off


def _is_option(node: Node) -> bool:
    text = node_text(node)
    return node.type == "word" and len(text) > 1 and text[0] in "-+" and text[1:].isalpha()


@dataclass(frozen=True, slots=True)
class Declared:
    """What the line's declarations make of names: those that hold arrays (a declaration with
    ``-a``/``-A``, an assignment of ``(…)`` or of an element) and the references
    (``declare -n``)."""

    arrays: frozenset[str] = frozenset()
    references: frozenset[str] = frozenset()


def declared(root: Node) -> Declared:
    """The arrays and references of the line ``root``."""
    arrays: set[str] = set()
    references: set[str] = set()
    for node in descendants(root, limit=200_000):
        if node.type == "variable_assignment":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and (
                name.type == "subscript" or (value is not None and value.type == "array")
            ):
                arrays.add(node_text(name).partition("[")[0])
        elif node.type == "declaration_command" and keyword_of(node) in _DECLARING:
            on, _ = options_of(node)
            names = _declared_names(node)
            if on & {"a", "A"}:
                arrays.update(names)
            if "n" in on and keyword_of(node) != "readonly":
                references.update(names)
    return Declared(frozenset(arrays), frozenset(references))


def _declared_names(node: Node) -> list[str]:
    names = []
    for child in node.named_children:
        if child.type == "variable_assignment":
            child = child.child_by_field_name("name") or child
        if child.type in ("variable_name", "subscript"):
            names.append(node_text(child).partition("[")[0])
    return names


# -- the case attributes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Case:
    change: str  # "l", "u", "c"; "" when not known (two of them, one turned off, a local)
    start: int  # where the first declaration giving it is


def case_attributes(root: Node) -> dict[str, _Case]:
    """The names the line gives a case attribute (``declare -l x``, ``typeset -u``, ``local
    -c``; ``readonly`` and ``export`` take none) and what it does to their values."""
    found: dict[str, _Case] = {}
    for node in descendants(root, limit=200_000):
        if node.type != "declaration_command" or keyword_of(node) not in _DECLARING:
            continue
        on, off = options_of(node)
        cases = on & {"l", "u", "c"}
        if not cases and not off & {"l", "u", "c"}:
            continue
        # bash 5.2: ``-l -u`` together leave the value as it is; one turned off with ``+l``
        # or two different on one name: the value is not told (the stricter reading).
        change = next(iter(cases)) if len(cases) == 1 and not off & {"l", "u", "c"} else ""
        for name in _declared_names(node):
            earlier = found.get(name)
            if earlier is not None and earlier.change != change:
                change = ""
            start = earlier.start if earlier is not None else node.start_byte
            found[name] = _Case(change, start)
    return found


def cased_value(
    name: str, value: str | None, assignment: Node, cases: Mapping[str, _Case]
) -> str | None:
    """``value`` as ``name`` holds it once assigned by ``assignment``, given the line's case
    attributes: lower-cased under ``-l``, upper-cased under ``-u``, capitalised under ``-c``
    (``declare -l x=PAYMENTS`` holds ``payments``). An assignment before the declaration keeps
    its case in bash, and one in a function may run after: not told (``None``)."""
    case = cases.get(name)
    if case is None or value is None:
        return value
    own = assignment.parent is not None and assignment.parent.type == "declaration_command"
    if not case.change or (not own and assignment.start_byte < case.start):
        return None
    if case.change == "l":
        return value.lower()
    if case.change == "u":
        return value.upper()
    return value[:1].upper() + value[1:].lower()


_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)")


def integer_value(value: str | None) -> str | None:
    """What a variable with the integer attribute holds once assigned ``value``: a plain
    decimal number as it is; anything else is evaluated as arithmetic (``declare -i
    n='x+1'``), its result not told here."""
    return value if value is not None and _DECIMAL.fullmatch(value) else None


# -- the walk's reading ---------------------------------------------------------------------


class DeclarationReading:
    """The walker's judgement of what declarations make bash evaluate, inherited by
    :class:`.parse._Walker` (through :class:`._simple_commands.CommandReading`)."""

    # The walker's state these use; the walker sets it.
    _variables: Mapping[str, str | None]
    _integers: frozenset[str]
    _run_time: frozenset[str]
    _declared: Declared
    _home: str
    _nesting: int

    if TYPE_CHECKING:  # methods of the walker (or of its other readings) these call

        def _evaluated_again(self, text: str, node: Node, *, why: str) -> None: ...

        def _arithmetic_names(self, text: str, node: Node) -> None: ...

        def _parse_nested(self, text: str) -> None: ...

        def _problem(self, reason: str, node: Node) -> None: ...

    def _quiet(self) -> WordEvaluator:
        """An evaluator of words that judges nothing (the walk judges each word once)."""
        return WordEvaluator(
            variables=self._variables,
            home=self._home,
            substitute=lambda _n: None,
            visit=lambda _n: None,
        )

    def _declaration(self, node: Node) -> None:
        """What bash evaluates again of a declaration's words (see the module's notes)."""
        keyword = keyword_of(node)
        if keyword not in _DECLARING:
            return
        on, _ = options_of(node)
        if on & {"f", "F"}:
            return  # names of functions
        compound = bool(on & {"a", "A"})
        quiet = self._quiet()
        for child in node.named_children:
            if _is_option(child) or child.type in ("variable_name", "comment"):
                continue
            if child.type == "variable_assignment":
                self._declared_assignment(child, keyword, compound=compound, quiet=quiet)
                continue
            if child.type not in WORD_TYPES:
                continue
            for word in quiet.words(child):
                # ``declare -x "$(cat env)"`` too: unlike ``export``, bash 5.2 evaluates a
                # subscript such a word spells (``a[$(cmd)]=1`` in the file runs ``cmd``).
                self._declared_word(word, child, keyword, compound=compound, references="n" in on)

    def _declared_assignment(
        self, node: Node, keyword: str, *, compound: bool, quiet: WordEvaluator
    ) -> None:
        """``NAME=VALUE`` as the grammar reads it: VALUE read again as ``(…)`` under an
        array attribute, or for an array the line made (``declare``/``typeset`` only)."""
        name_node, value_node = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name_node is None or value_node is None or value_node.type == "array":
            return  # (a compound assignment as written is walked as written)
        name = node_text(name_node)
        if not compound and (
            keyword not in ("declare", "typeset") or name not in self._declared.arrays
        ):
            return
        value = quiet.word(value_node) if value_node.type in WORD_TYPES else None
        operator = "+=" if node_text(node)[len(name) : len(name) + 2] == "+=" else "="
        if value is None or value.dynamic:
            self._problem(
                f"{keyword} of an array reads {name}'s value, decided at run time, as a "
                "compound assignment (…) and runs what it holds",
                node,
            )
        elif value.text.startswith("(") and value.text.endswith(")"):
            self._compound_again(f"{name}{operator}{value.text}", node)

    def _declared_word(
        self, word: Word, node: Node, keyword: str, *, compound: bool, references: bool
    ) -> None:
        """A word that is ``NAME=VALUE`` only once expanded (``declare "$x=1"``, ``declare -a
        'a=(…)'``): a subscript in NAME is evaluated (not by ``readonly``), and under an array
        attribute a ``(…)`` VALUE is read as a compound assignment."""
        evaluates = keyword != "readonly" or compound
        if word.dynamic:
            if evaluates:
                self._problem(
                    f"{keyword} of a word decided at run time ({word.raw[:60]}): bash evaluates "
                    "a subscript or a compound assignment it spells, and runs what they hold",
                    node,
                )
            return
        name, operator, value = _split_assignment(word.text)
        if not operator or not evaluates:
            return
        if keyword != "readonly":
            self._subscript_of(name, node, why=f"the subscript {keyword} names")
        if compound and value.startswith("(") and value.endswith(")"):
            self._compound_again(f"{name}{operator}{value}", node)
        if references:
            self._reference_to(Word(value, value), node)

    def _compound_again(self, text: str, node: Node) -> None:
        """Judge ``NAME=(…)``, a compound assignment bash parses from an expanded value."""
        from keyturn.understand.shell._text_parsed_again import MAX_TEXT_NESTING

        if not _IDENTIFIER.match(text) or self._nesting >= MAX_TEXT_NESTING:
            self._problem(f"a compound assignment bash parses again ({text[:60]!r})", node)
            return
        self._parse_nested(text)

    # -- references and indirection ---------------------------------------------------------

    def _reference_assignment(self, node: Node) -> None:
        """``r=TARGET`` (or ``declare -n r=TARGET``) for a reference the line declares: bash
        evaluates a subscript in TARGET each time ``r`` is used."""
        if not self._declared.references:
            return
        name_node, value_node = node.child_by_field_name("name"), node.child_by_field_name("value")
        if name_node is None or value_node is None:
            return
        if node_text(name_node) not in self._declared.references:
            return
        value = self._quiet().word(value_node) if value_node.type in WORD_TYPES else None
        self._reference_to(value, node)

    def _reference_to(self, target: Word | None, node: Node) -> None:
        if target is None or target.dynamic:
            self._problem(
                "a reference (declare -n) to a name decided at run time: bash evaluates a "
                "subscript in it, and runs what that holds",
                node,
            )
            return
        self._subscript_of(target.text, node, why="the subscript a reference names")

    def _subscript_of(self, name: str, node: Node, *, why: str) -> None:
        """Judge the subscript of ``name`` (``a[$(rm -rf /)]``) as bash evaluates it."""
        _, bracket, index = name.partition("[")
        if not bracket:
            return
        if _SUBSTITUTION.search(index):
            self._evaluated_again(index, node, why=why)
        self._arithmetic_names(index, node)

    def judge_indirections(self, root: Node) -> None:
        """``${!x}`` (and ``${!x:-d}``, ``${!x@Q}``…) expands the variable x names; a name
        ``a[SUBSCRIPT]`` evaluates the subscript: ``x='a[$(rm -rf /)]'; echo ${!x}`` runs rm.
        A name decided at run time is not understood."""
        for node in descendants(root, limit=200_000):
            if node.type != "expansion" or not node_text(node).startswith("${!"):
                continue
            indirect = _indirect_name(node)
            if indirect is None:
                continue
            name, element = indirect
            if name in self._run_time or _ANY in self._run_time:
                self._problem(
                    f"${{!{name}}} expands the variable {name} names, decided at run time: "
                    "bash evaluates a subscript in it, and runs what that holds",
                    node,
                )
                continue
            value = None if element else self._variables.get(name)
            if value:
                self._subscript_of(value, node, why=f"the subscript ${{!{name}}} names")

    def judge_run_time_integers(self, root: Node) -> None:
        """A variable the line declares integer (``declare -i n``) that it also fills with
        text decided at run time (``n=$(curl …)``, ``read n``, ``printf -v n``): bash
        evaluates that text as arithmetic, and runs what a subscript in it holds."""
        filled = sorted(self._integers & self._run_time)
        if not filled and self._integers and _ANY in self._run_time:
            filled = sorted(self._integers)
        if filled:
            self._problem(
                f"{filled[0]} is an integer variable (declare -i) given text decided at run "
                "time: bash evaluates it as arithmetic, and runs what a subscript in it holds",
                root,
            )


def _split_assignment(text: str) -> tuple[str, str, str]:
    """``NAME=VALUE`` or ``NAME+=VALUE`` -> (NAME, operator, VALUE); no operator for a bare
    name. NAME may hold a subscript, whose ``=`` are its own (``a[x==1]=2``)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(depth - 1, 0)
        elif ch == "=" and depth == 0:
            if i and text[i - 1] == "+":
                return text[: i - 1], "+=", text[i + 1 :]
            return text[:i], "=", text[i + 1 :]
    return text, "", ""


def _indirect_name(node: Node) -> tuple[str, bool] | None:
    """The variable ``${!NAME…}`` expands indirectly, and whether through an element
    (``${!a[0]}``: the array's values are not followed); ``None`` for ``${!NAME[@]}`` (the
    keys) and ``${!PREFIX*}``/``${!PREFIX@}`` (the names)."""
    kids = node.children
    if len(kids) < 4 or kids[1].type != "!":
        return None
    if kids[2].type == "subscript":
        index = node_text(kids[2]).partition("[")[2].rstrip("]")
        return None if index in ("@", "*") else (node_text(kids[2]).partition("[")[0], True)
    if kids[2].type != "variable_name":
        return None
    after = kids[3].type
    if after == "*" or (after == "@" and len(kids) > 4 and kids[4].type == "}"):
        return None
    return node_text(kids[2]), False
