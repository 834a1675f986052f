"""What :mod:`.parse` reads from the whole tree of a line before walking it.

The walk judges each command with what the line as a whole decides: the functions it defines (a
call to one runs the function), the variables it declares integer (what is assigned to them is
arithmetic), and every variable it assigns -- one known value, or decided at run time when it is
assigned several values, a computed one, by a loop, by ``read``, ``printf -v`` and the like, or
when the line sets variables whose names are decided at run time (:data:`ANY_VARIABLE`). Each is
one bounded pass over the tree's nodes that needs nothing of the walk, so they live here.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from keyturn.understand.shell._declarations import case_attributes, cased_value, integer_value
from keyturn.understand.shell._syntax import WORD_TYPES, descendants
from keyturn.understand.shell.source import node_text
from keyturn.understand.shell.words import WordEvaluator

INTEGER_DECLARATION = re.compile(r"\b(?:declare|typeset|local)\b[^;&|\n]*\s[-+][A-Za-z]*i")
CASE_DECLARATION = re.compile(r"\b(?:declare|typeset|local)\b[^;&|\n]*\s[-+][A-Za-z]*[luc]")


def function_names(root: Node) -> frozenset[str]:
    return frozenset(
        node_text(name)
        for node in descendants(root, limit=200_000)
        if node.type == "function_definition"
        and (name := node.child_by_field_name("name")) is not None
    )


def integer_names(root: Node) -> frozenset[str]:
    """Variables the line declares integer (``declare -i x``, ``local -i x=1``): whatever is
    assigned to them later is evaluated as arithmetic."""
    names: set[str] = set()
    for node in descendants(root, limit=200_000):
        if node.type != "declaration_command" or not node.children:
            continue
        if node_text(node.children[0]) not in ("declare", "typeset", "local"):
            continue
        options = [node_text(c) for c in node.children if c.type == "word"]
        if not any(o[:1] in "-+" and "i" in o for o in options):
            continue
        for child in node.named_children:
            if child.type == "variable_assignment":
                child = child.child_by_field_name("name") or child
            if child.type in ("variable_name", "subscript"):
                names.add(node_text(child).partition("[")[0])
    return frozenset(names)


def declares_nameref(node: Node) -> bool:
    """Whether the declaration ``node`` makes references (``declare -n r=x``, ``local -rn``):
    each stands for the variable it names, whatever is assigned to either."""
    if not node.children or node_text(node.children[0]) not in ("declare", "typeset", "local"):
        return False
    return any(
        c.type == "word" and (text := node_text(c))[:1] == "-" and "n" in text[1:]
        for c in node.children
    )


def assigned_variables(root: Node, *, home: str | None) -> dict[str, str | None]:
    """Variables the line assigns: a name assigned one constant value is known; any other
    assignment (several values, a computed value, a loop) makes it run-time. Two names stand
    for more: :data:`ANY_VARIABLE` (any variable may be set) and :data:`RUNS_CODE`.

    ``home``: the home directory a ``~`` in a value expands to (``x=~``), ``None`` when it is
    not known; a line that assigns HOME itself leaves such values run-time too."""
    literal = WordEvaluator(
        variables={"HOME": home}, home=home or "", substitute=lambda _n: None, visit=lambda _n: None
    )
    from_tilde: set[str] = set()
    seen: dict[str, set[str | None]] = {}
    computed: list[Node] = []
    line = node_text(root)
    # What declarations do to the values assigned (:mod:`._declarations`): ``-l``/``-u``/``-c``
    # change their case, ``-i`` evaluates them.
    cases = case_attributes(root) if CASE_DECLARATION.search(line) else {}
    integers = integer_names(root) if INTEGER_DECLARATION.search(line) else frozenset()
    for node in descendants(root, limit=200_000):
        if node.type == "variable_assignment":
            name_node, value_node = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            )
            if name_node is None:
                continue
            name = node_text(name_node)
            value: str | None = ""
            if value_node is not None:
                word = literal.word(value_node) if value_node.type in WORD_TYPES else None
                value = None if word is None or word.dynamic else word.text
                if node_text(value_node).startswith("~"):
                    from_tilde.add(name)
            if "+=" in node_text(node)[: len(name) + 2]:
                value = None
            if cases:
                value = cased_value(name, value, node, cases)
            if name in integers:
                value = integer_value(value)
            seen.setdefault(name, set()).add(value)
        elif node.type in ("for_statement", "select_statement"):
            var = node.child_by_field_name("variable")
            if var is not None:
                seen.setdefault(node_text(var), set()).add(None)
        elif node.type == "function_definition" or (
            node.type == "command" and _command_name(node) in ("shift", "getopts")
        ):
            # Inside a function ``$1``… are its own arguments; ``shift`` moves them.
            for name in POSITIONAL:
                seen.setdefault(name, set()).add(None)
            if node.type == "command" and _command_name(node) == "getopts":
                arguments = [node_text(a) for a in node.children_by_field_name("argument")]
                for name in named_by("getopts", arguments):
                    seen.setdefault(name, set()).add(None)
        elif node.type == "unset_command":
            # ``x=prod; unset x; rm -rf /srv/$x`` deletes /srv: the value is gone.
            for name in _unset_names(node):
                seen.setdefault(name, set()).add(None)
        elif node.type == "expansion" and any(c.type in (":=", "=") for c in node.children):
            # ``${x:=/srv/prod}`` assigns x when it is empty (or, ``=``, unset)
            for child in node.children:
                if child.type in ("variable_name", "subscript"):
                    seen.setdefault(node_text(child).partition("[")[0], set()).add(None)
        elif node.type in _ARITHMETIC_ASSIGNERS:
            for name in _arithmetic_targets(node):
                seen.setdefault(name, set()).add(None)  # ``((x=5))``, ``$((x++))``
        elif node.type == "command" and _command_name(node) == "let":
            for argument in node.children_by_field_name("argument"):
                text = node_text(argument)
                if "=" in text or "++" in text or "--" in text:  # ``let x=1``, ``let x++``
                    for name in _IDENTIFIER.findall(text):
                        seen.setdefault(name, set()).add(None)
        elif node.type == "command" and _command_name(node) in ("source", ".", "eval"):
            seen.setdefault(RUNS_CODE, set()).add(None)
        elif node.type == "command" and _command_name(node) == "set":
            for name, value in _set_positional(node, literal).items():
                seen.setdefault(name, set()).add(value)
        elif node.type == "command":
            name_node = node.child_by_field_name("name")
            if name_node is not None and node_text(name_node) in _SETS_NAMED:
                arguments = [node_text(a) for a in node.children_by_field_name("argument")]
                for name in named_by(node_text(name_node), arguments):
                    seen.setdefault(name, set()).add(None)
        elif node.type == "declaration_command" and declares_nameref(node):
            # ``declare -n r=x``: ``$r`` reads x, ``r=…`` writes x, and a reference's target
            # may be any variable.
            seen.setdefault(ANY_VARIABLE, set()).add(None)
        elif node.type == "declaration_command" and any(
            child.type not in _DECLARED_LITERALLY for child in node.named_children
        ):
            computed.append(node)  # ``export $v=…``, ``export $(…)``: read below
    if home is None or "HOME" in seen:
        for name in from_tilde:  # ``~`` read a HOME not known, or one the line changes
            seen[name].add(None)
    constants = {n: next(iter(v)) for n, v in seen.items() if len(v) == 1 and None not in v}
    for node in computed:
        for name in _computed_names(node, constants):
            seen.setdefault(name, set()).add(None)
    return {name: values.pop() if len(values) == 1 else None for name, values in seen.items()}


def _unset_names(node: Node) -> list[str]:
    """The variables ``unset`` names (``unset -v x 'a[0]'``: x and a; its options skipped)."""
    names = []
    for child in node.named_children:
        text = node_text(child).strip("'\"")
        if child.type == "variable_name" or (text and not text.startswith("-")):
            names.append(text.partition("[")[0])
    return names


def _computed_names(node: Node, constants: dict[str, str | None]) -> list[str]:
    """The variables a declaration with computed words sets: ``v=KEYTURN_POLICY; export
    $v=…`` sets KEYTURN_POLICY, the line's one value of v telling the name; a name decided at
    run time (``export $(…)``, ``declare "$x"``) may be any (:data:`ANY_VARIABLE`)."""
    evaluator = WordEvaluator(
        variables=constants, home="", substitute=lambda _n: None, visit=lambda _n: None
    )
    names = []
    for child in node.named_children:
        if child.type in _DECLARED_LITERALLY:
            continue
        word = evaluator.word(child) if child.type in WORD_TYPES else None
        name = word.text.partition("=")[0] if word is not None and not word.dynamic else ""
        names.append(name if name.isidentifier() else ANY_VARIABLE)
    return names


# Arithmetic that may assign the variable it names: ``x=5``, ``x<<=2``, ``x++``, ``--x``.
_ARITHMETIC_ASSIGNERS = frozenset({"binary_expression", "postfix_expression", "unary_expression"})
_COMPARISONS = frozenset({"==", "!=", "<=", ">="})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _arithmetic_targets(node: Node) -> list[str]:
    """The variables the arithmetic ``node`` assigns (none for ``x == 1`` or a test's
    ``[[ $x = y ]]``, whose left side is no bare name)."""
    if node.type == "binary_expression":
        operator, left = node.child_by_field_name("operator"), node.child_by_field_name("left")
        if operator is None or left is None or left.type != "variable_name":
            return []
        op = node_text(operator)
        return [node_text(left)] if op.endswith("=") and op not in _COMPARISONS else []
    if not any(c.type in ("++", "--") for c in node.children):
        return []
    return [node_text(c) for c in node.children if c.type == "variable_name"]


# The positional parameters ``set --`` assigns and bash reads as ``$1``…``$9``.
POSITIONAL = tuple(str(n) for n in range(1, 10))


def _command_name(node: Node) -> str | None:
    name = node.child_by_field_name("name")
    return node_text(name) if name is not None else None


def _set_positional(node: Node, literal: WordEvaluator) -> dict[str, str | None]:
    """The positional parameters ``set [OPTIONS] -- WORDS`` (or ``set WORDS``) assigns: each
    known word's text, ``None`` for one decided at run time; all of them run-time when the
    words are not all read (``set -- "$@"``, more than nine)."""
    arguments = list(node.children_by_field_name("argument"))
    texts = [node_text(a) for a in arguments]
    if "--" in texts:
        words = arguments[texts.index("--") + 1 :]
    elif texts and not texts[0].startswith(("-", "+")):
        words = arguments
    else:
        return {}
    values: list[str | None] = []
    for argument in words:
        word = literal.word(argument) if argument.type in WORD_TYPES else None
        values.append(None if word is None or word.dynamic or word.glob else word.text)
    if len(values) > len(POSITIONAL) or any(v is None for v in values):
        return dict.fromkeys(POSITIONAL)
    return dict(zip(POSITIONAL, [*values, *[""] * (len(POSITIONAL) - len(values))], strict=True))


# The line sets variables whose names are decided at run time (``export $(aws configure
# export-credentials …)``): any variable, a target one included, may hold anything after it.
ANY_VARIABLE = "*"
# The line runs code in its own shell (``source``, ``.``, ``eval``): that code may set any
# variable, so no value the line assigns is known after it. (No variable has either name.)
RUNS_CODE = "."
_DECLARED_LITERALLY = frozenset({"variable_assignment", "variable_name", "word"})


def declares_computed(node: Node) -> bool:
    """Whether the declaration ``node`` names what it sets by a computed word (``export $(…)``,
    ``declare "$x"``) or makes references (``declare -n``)."""
    return declares_nameref(node) or any(
        child.type not in _DECLARED_LITERALLY for child in node.named_children
    )


# Builtins that store what they read or print in the variables they name, at run time.
_SETS_NAMED = frozenset({"read", "printf", "getopts", "mapfile", "readarray"})


def named_by(builtin: str, args: list[str]) -> list[str]:
    """The variables ``builtin args`` may set (``read -r -p x VAR``, ``printf -v VAR``,
    ``getopts OPTS VAR``, ``mapfile ARR``); :data:`ANY_VARIABLE` for a name decided at run
    time. For ``read`` and ``mapfile`` every plain word counts (an option's value too): a name
    too many only makes a variable run-time, the stricter reading."""
    if builtin == "printf":
        following = [*args[1:], ""][: len(args)]  # (none for a bare ``printf``)
        named = [a[2:] or b for a, b in zip(args, following, strict=True) if a[:2] == "-v"]
    elif builtin == "getopts":
        named = args[1:2]
    else:
        named = [a for a in args if not a.startswith("-")]
    return [
        ANY_VARIABLE if "$" in n or "`" in n else n
        for n in named
        if n.isidentifier() or "$" in n or "`" in n
    ]
