"""A bash command line -> the simple commands it runs, in order, with tree-sitter-bash.

Every command is found wherever it sits: lists, pipelines, subshells, groups, ``$( )``,
backticks, process substitution, heredoc continuations, function bodies, loops, conditionals,
``[[ ]]``, ``case``, ``$(( ))``, ``${x:-$(cmd)}``. What cannot be read is reported as a
:class:`Problem` (a syntax error, nesting too deep, too many commands) next to whatever was
recovered, never instead of it.

The declarations (``declare``, ``export``...), ``unset`` and the tests (``[ ]``, ``[[ ]]``) are
commands with their words, as bash runs them, though the grammar gives them nodes of their own;
so are the words the grammar puts after a heredoc's delimiter (``cat <<EOF FILE``) or drops
before it (``cat - <<EOF``). Where bash evaluates text as arithmetic (``$((x))``, ``((…))``,
subscripts, ``let``, ``[[ x -gt 0 ]]``, assignments to a ``declare -i`` variable), the known
value of each variable it names is evaluated in turn, as bash does: ``x='a[$(rm -rf /)]';
echo $((x))`` runs rm.

The output is raw: words are unquoted and expanded as far as the text decides, but wrappers are
not stripped and program names are not resolved (``keyturn.understand.shell.wrappers`` does that).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from tree_sitter import Language, Node, Parser

from keyturn.understand.shell import nested
from keyturn.understand.shell.registry import Redirect
from keyturn.understand.shell.runtime_text import ANY as ANY_RUN_TIME
from keyturn.understand.shell.runtime_text import may_evaluate_run_time_text, run_time_names
from keyturn.understand.shell.source import node_text, reading, shadow
from keyturn.understand.shell.words import Word, WordEvaluator, expand_braces

MAX_COMMANDS = 2000
MAX_NODE_DEPTH = 150
# A ``for`` loop over at most this many known words is judged once per word as well, within
# this many such passes per line (nested loops would otherwise multiply them).
MAX_LOOP_VALUES = 16
MAX_LOOP_PASSES = 64
# Commands in backquotes the grammar leaves inside a word or a heredoc are parsed again, at
# most this deep (each level of backquotes inside backquotes is one more).
MAX_TEXT_NESTING = 8


def _bash_language() -> Language:
    """tree-sitter-bash's compiled grammar.

    The ``tree_sitter_bash`` package imports ``importlib.resources`` (for query files keyturn
    never reads), about a tenth of a hook's start-up; so its compiled binding, the very module
    the package re-exports, is loaded by itself. Anything unexpected: the ordinary import.
    """
    import importlib.machinery
    import importlib.util
    from pathlib import Path

    package = importlib.util.find_spec("tree_sitter_bash")
    for folder in (package.submodule_search_locations or ()) if package else ():
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder, "_binding" + suffix)
            spec = importlib.util.spec_from_file_location("tree_sitter_bash._binding", path)
            if path.is_file() and spec is not None and spec.loader is not None:
                binding = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(binding)
                return Language(binding.language())
    import tree_sitter_bash

    return Language(tree_sitter_bash.language())


_LANGUAGE = _bash_language()
_WORD_TYPES = frozenset(
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
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
# Nodes that are simple commands to bash (each a builtin with its words), though the grammar
# gives the declarations, ``unset`` and the tests nodes of their own.
_COMMAND_LIKE = frozenset({"command", "declaration_command", "unset_command", "test_command"})
# Text bash evaluates as arithmetic: a variable it names is evaluated in turn, and a value that
# holds ``$(…)``, backquotes or ``${…}`` (in a subscript) runs what it holds -- ``x='a[$(rm -rf
# /)]'; echo $((x))`` runs rm. These nodes reach the walk from the word evaluator; ``((…))`` (a
# compound statement that opens with ``((``) and ``for ((…))`` are statements.
_ARITHMETIC = frozenset({"arithmetic_expansion", "subscript"})
_ARITHMETIC_TESTS = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge"})
_IDENTIFIER = re.compile(r"(?<!\w)[A-Za-z_]\w*", re.ASCII)
_SUBSTITUTION = re.compile(r"\$[({]|`")
_INTEGER_DECLARATION = re.compile(r"\b(?:declare|typeset|local)\b[^;&|\n]*\s[-+][A-Za-z]*i")
# Names a value may lead through (``x=y; y=z; …``) before the rest is left unjudged.
MAX_ARITHMETIC_NAMES = 64
_EXPANDED_END = "KEYTURN_EXPANDED_AGAIN"
# A word the grammar may drop before a redirection (``cat - <<EOF``): plain text only.
_PLAIN_TOKEN = re.compile(r"[\w./@%+,:=-]+", re.ASCII)


@dataclass(frozen=True, slots=True)
class RawCommand:
    """One simple command as written, words expanded, nothing stripped yet."""

    words: tuple[Word, ...]
    assignments: tuple[tuple[str, Word], ...] = ()
    redirects: tuple[Redirect, ...] = ()
    stdin_text: str | None = None
    stdin_dynamic: bool = False
    source: str = ""
    fork_bomb: bool = False
    function_call: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """A part of the line that could not be read; ``reason`` is one line for people."""

    reason: str
    source: str = ""


Item = RawCommand | Problem


@dataclass(frozen=True, slots=True)
class _Stdin:
    text: str | None = None
    dynamic: bool = False


_TERMINAL = _Stdin()


@dataclass(slots=True)
class ParsedLine:
    """The simple commands and problems of one command line, in execution order."""

    items: list[Item] = field(default_factory=list)
    has_error: bool = False
    # Variables the line itself assigns, anywhere (``VAR=x cmd``, ``export``, bare): the one
    # literal value, or None when it is decided at run time or assigned several values.
    assigned: dict[str, str | None] = field(default_factory=dict)


# A line of plain words -- letters, digits and ``_ . / @ % + , : - =`` separated by blanks, the
# first word a name or path (letters, digits, ``_ . / -``, not starting with a digit or ``-``)
# and not a word bash or the grammar reads otherwise (the grammar stumbles on ``user@host`` or
# ``-`` as a command name); after the first word, single-quoted runs of printable ASCII too
# (``psql -c 'DROP TABLE x'``: quoted, nothing in them is special) -- holds nothing bash would
# treat specially (no expansion, globbing, operator, redirection, comment): it is one simple
# command whose words are the line split on blanks outside the quotes, quotes removed. Most
# lines agents run look like this; for them the grammar and the walk are skipped (a property
# test holds the two paths equal).
_PLAIN_WORD = r"(?:[\w./@%+,:=-]|'[ -&(-~]*')+"
_PLAIN_LINE = re.compile(rf"[ \t]*([A-Za-z_./][\w./-]*(?:[ \t]+{_PLAIN_WORD})*)[ \t]*\Z", re.ASCII)
_WORDS = re.compile(_PLAIN_WORD, re.ASCII)
_SYNTAX_WORDS = frozenset(
    {
        *("case", "coproc", "do", "done", "elif", "else", "esac", "fi", "for", "function"),
        *("if", "in", "select", "then", "time", "until", "while"),
        # the grammar's declaration and unset commands (their words are not a simple command)
        *("declare", "typeset", "export", "readonly", "local", "unset", "unsetenv"),
    }
)


def plain_command(command: str) -> RawCommand | None:
    """The one simple command of a line of plain words, or None when the line is not one."""
    match = _PLAIN_LINE.match(command)
    if match is None:
        return None
    source = match.group(1)
    raws = _WORDS.findall(source) if "'" in source else source.split()
    if raws[0] in _SYNTAX_WORDS:
        return None
    # The grammar reads a word of ``=`` alone as an operator (and drops it), also before a
    # quote (``=='x'``): the long way.
    if "=" in source and any(p and not p.strip("=") for p in (t.partition("'")[0] for t in raws)):
        return None
    return RawCommand(words=tuple(Word(r.replace("'", ""), r) for r in raws), source=source)


def parse_line(
    command: str,
    *,
    variables: Mapping[str, str | None],
    home: str,
    brace_retry: bool = False,
    nesting: int = 0,
    run_time: frozenset[str] = frozenset(),
) -> ParsedLine:
    """Parse ``command`` and collect every simple command in it. Never raises on any text.

    ``nesting``: how deep in backquotes found in a word or a heredoc the text sits;
    ``run_time``: variables already holding run-time text (:mod:`.runtime_text`)."""
    plain = plain_command(command)
    if plain is not None:
        return ParsedLine(items=[plain])
    return parse_tree(
        command,
        variables=variables,
        home=home,
        brace_retry=brace_retry,
        nesting=nesting,
        run_time=run_time,
    )


def parse_tree(
    command: str,
    *,
    variables: Mapping[str, str | None],
    home: str,
    brace_retry: bool = False,
    nesting: int = 0,
    run_time: frozenset[str] = frozenset(),
) -> ParsedLine:
    """:func:`parse_line` through the grammar, whatever the line (the plain-line path aside)."""
    source = command.encode("utf-8", "surrogatepass")
    # The grammar sees an ASCII shadow of the line (its scanner crashes on some characters);
    # node texts are read from the real line (keyturn.understand.shell.source).
    root = Parser(_LANGUAGE).parse(shadow(source)).root_node
    with reading(source):
        assigned = _assigned_variables(root)
        known = dict(variables)
        for name, value in assigned.items():
            # A value the caller gave that the line assigns differently is known no longer.
            given = variables.get(name)
            known[name] = value if given is None or given == value else None
        if may_evaluate_run_time_text(command):
            run_time |= run_time_names(_descendants(root, limit=200_000))
        walker = _Walker(
            variables=known,
            home=home,
            functions=_function_names(root),
            source=source,
            nesting=nesting,
            integers=_integer_names(root) if _INTEGER_DECLARATION.search(command) else frozenset(),
            run_time=run_time,
        )
        walker.visit(root, _TERMINAL, depth=0)
        if "`" in command:
            walker.judge_left_backquotes(root)
        line = ParsedLine(items=walker.items, has_error=root.has_error, assigned=assigned)
        snippet = _error_snippet(root) if root.has_error else ""
    if root.has_error:
        line.items.append(Problem(f"could not parse: {snippet}", command[:200]))
        retry = _BRACE_COMMAND.sub(lambda m: " ".join(expand_braces(m.group(0))), command)
        retry = _NUMBERED_READ_WRITE.sub(" <>", retry)
        if retry != command and not brace_retry:
            again = parse_line(retry, variables=variables, home=home, brace_retry=True)
            line.items.extend(again.items)
            line.assigned.update(again.assigned)
    return line


# tree-sitter-bash cannot parse a brace expansion in command position ({rm,-rf,/}), which bash
# expands into words: on a syntax error, such words are expanded and the line parsed again.
_BRACE_COMMAND = re.compile(r"(?<![\w$])\{[^{}\s'\"]*,[^{}\s'\"]*\}")
# Nor a read-write redirect with a descriptor (``1<>/dev/sda``): the retry reads it as ``<>``,
# which opens the same file for writing. The retry's effects join the error's ``unknown``.
_NUMBERED_READ_WRITE = re.compile(r"(?<![\w$])\d+<>")


def _error_snippet(root: Node) -> str:
    for node in _descendants(root, limit=100_000):
        if node.is_error or node.is_missing:
            text = node_text(node)[:60] or node.type
            return f"syntax error near {text!r} (offset {node.start_byte})"
    return "syntax error"


def _descendants(node: Node, *, limit: int) -> Iterator[Node]:
    stack = [node]
    seen = 0
    while stack and seen < limit:
        current = stack.pop()
        seen += 1
        yield current
        stack.extend(reversed(current.children))


def _function_names(root: Node) -> frozenset[str]:
    return frozenset(
        node_text(name)
        for node in _descendants(root, limit=200_000)
        if node.type == "function_definition"
        and (name := node.child_by_field_name("name")) is not None
    )


def _integer_names(root: Node) -> frozenset[str]:
    """Variables the line declares integer (``declare -i x``, ``local -i x=1``): whatever is
    assigned to them later is evaluated as arithmetic."""
    names: set[str] = set()
    for node in _descendants(root, limit=200_000):
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


def _assigned_variables(root: Node) -> dict[str, str | None]:
    """Variables the line assigns: a name assigned one constant value is known; any other
    assignment (several values, a computed value, a loop) makes it run-time."""
    literal = WordEvaluator(
        variables={}, home="", substitute=lambda _n: None, visit=lambda _n: None
    )
    seen: dict[str, set[str | None]] = {}
    for node in _descendants(root, limit=200_000):
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
                word = literal.word(value_node) if value_node.type in _WORD_TYPES else None
                value = None if word is None or word.dynamic else word.text
            if "+=" in node_text(node)[: len(name) + 2]:
                value = None
            seen.setdefault(name, set()).add(value)
        elif node.type in ("for_statement", "select_statement"):
            var = node.child_by_field_name("variable")
            if var is not None:
                seen.setdefault(node_text(var), set()).add(None)
        elif node.type == "command":
            name_node = node.child_by_field_name("name")
            if name_node is not None and node_text(name_node) in _SETS_NAMED:
                arguments = [node_text(a) for a in node.children_by_field_name("argument")]
                for name in _named_by(node_text(name_node), arguments):
                    seen.setdefault(name, set()).add(None)
        elif node.type == "declaration_command" and any(
            child.type not in _DECLARED_LITERALLY for child in node.named_children
        ):
            seen.setdefault(ANY_VARIABLE, set()).add(None)  # export $(…), declare "$x"
    return {name: values.pop() if len(values) == 1 else None for name, values in seen.items()}


# The line sets variables whose names are decided at run time (``export $(aws configure
# export-credentials …)``): any variable, a target one included, may hold anything after it.
ANY_VARIABLE = "*"
_DECLARED_LITERALLY = frozenset({"variable_assignment", "variable_name", "word"})
# Builtins that store what they read or print in the variables they name, at run time.
_SETS_NAMED = frozenset({"read", "printf", "getopts", "mapfile", "readarray"})


def _named_by(builtin: str, args: list[str]) -> list[str]:
    """The variables ``builtin args`` may set (``read -r -p x VAR``, ``printf -v VAR``,
    ``getopts OPTS VAR``, ``mapfile ARR``); :data:`ANY_VARIABLE` for a name decided at run
    time. For ``read`` and ``mapfile`` every plain word counts (an option's value too): a name
    too many only makes a variable run-time, the stricter reading."""
    if builtin == "printf":
        named = [a[2:] or b for a, b in zip(args, [*args[1:], ""], strict=True) if a[:2] == "-v"]
    elif builtin == "getopts":
        named = args[1:2]
    else:
        named = [a for a in args if not a.startswith("-")]
    return [
        ANY_VARIABLE if "$" in n or "`" in n else n
        for n in named
        if n.isidentifier() or "$" in n or "`" in n
    ]


class _Walker:
    """Walks the tree in execution order, collecting :class:`RawCommand` and :class:`Problem`."""

    def __init__(
        self,
        *,
        variables: Mapping[str, str | None],
        home: str,
        functions: frozenset[str],
        source: bytes = b"",
        nesting: int = 0,
        integers: frozenset[str] = frozenset(),
        run_time: frozenset[str] = frozenset(),
    ) -> None:
        self.items: list[Item] = []
        self._variables = variables
        self._integers = integers
        self._run_time = run_time
        self._home = home
        self._source = source
        self._nesting = nesting
        # Nodes whose backquoted commands were judged (by start offset): once each.
        self._backquotes_judged: set[int] = set()
        self._functions = functions
        self._defining: list[str] = []
        self._depth = 0
        self._truncated = False
        self._loop_passes_left = MAX_LOOP_PASSES
        self._eval = WordEvaluator(
            variables=variables, home=home, substitute=self._substitute, visit=self._visit_any
        )

    # -- statements -------------------------------------------------------------------------

    def visit(
        self, node: Node, stdin: _Stdin, *, depth: int, background: bool = False
    ) -> str | None:
        """Visit a statement; return its output when it is constant text (``echo x``)."""
        if depth > MAX_NODE_DEPTH:
            self._problem("nested too deeply to understand", node)
            return None
        kind = node.type
        if kind in _COMMAND_LIKE:
            return self._command(node, stdin, (), background=background, depth=depth)
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
            kind == "compound_statement" and _opens_arithmetic(node)
        ):
            self._arithmetic(node)  # (``$((…))`` is a word: the evaluator visits it)
        elif kind == "variable_assignment":
            self._integer_assignment(node)
        if kind in _WORD_TYPES:
            if kind == "word":
                self._backquotes(node)  # ``${x:-`cmd`}``: the grammar leaves `cmd` in a word
            self._eval.words(node)
            return None
        self._children(node, stdin, depth=depth)
        return None

    def _children(self, node: Node, stdin: _Stdin, *, depth: int) -> None:
        kids = node.children
        for i, child in enumerate(kids):
            if not child.is_named or child.type == "comment":
                continue
            background = i + 1 < len(kids) and kids[i + 1].type == "&"
            self.visit(child, stdin, depth=depth + 1, background=background)

    def _for(self, node: Node, stdin: _Stdin, *, depth: int) -> None:
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
        if node.type in _ARITHMETIC:
            self._arithmetic(node)
        self._children(node, _TERMINAL, depth=self._depth + 1)

    def _function(self, node: Node, *, depth: int) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        self._defining.append(node_text(name) if name is not None else "")
        try:
            if body is not None:
                self.visit(body, _TERMINAL, depth=depth + 1)
        finally:
            self._defining.pop()

    def _pipeline(self, node: Node, stdin: _Stdin, *, depth: int) -> str | None:
        stages = list(_pipeline_stages(node))
        output: str | None = None
        current = stdin
        for index, stage in enumerate(stages):
            self._in_pipeline = len(stages) > 1
            output = self.visit(stage, current, depth=depth + 1)
            current = _Stdin(text=output, dynamic=output is None)
            if index == len(stages) - 1:
                break
        self._in_pipeline = False
        return output

    _in_pipeline = False

    def _redirected(self, node: Node, stdin: _Stdin, *, depth: int, background: bool) -> str | None:
        body = node.child_by_field_name("body")
        redirects, stdin, continuations, words = self._redirects(
            node.children_by_field_name("redirect"),
            stdin,
            after=body.end_byte if body is not None else node.start_byte,
        )
        if body is not None and body.type in _COMMAND_LIKE:
            output = self._command(
                body, stdin, redirects, background=background, depth=depth, more_words=words
            )
        else:
            output = None
            if words:
                self._problem("words after a compound command's redirections", node)
            if body is not None:
                self.visit(body, stdin, depth=depth + 1, background=background)
            if redirects:
                self._add(RawCommand(words=(), redirects=redirects, source=node_text(node)))
        for continuation, piped in continuations:
            follow = _Stdin(text=output, dynamic=output is None) if piped else _TERMINAL
            self._continue(continuation, follow, depth=depth)
        return None if continuations else output

    def _continue(self, node: Node, stdin: _Stdin, *, depth: int) -> None:
        if node.type == "pipeline":
            self._pipeline(node, stdin, depth=depth + 1)
        else:
            self.visit(node, stdin, depth=depth + 1)

    def _redirects(
        self, nodes: list[Node], stdin: _Stdin, *, after: int | None = None
    ) -> tuple[tuple[Redirect, ...], _Stdin, list[tuple[Node, bool]], list[Word]]:
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
                if found[-1].op in ("<", "<>"):
                    stdin = _Stdin(dynamic=True)
            elif node.type == "herestring_redirect":
                word = self._word_after(node)
                stdin = (
                    _Stdin(text=word.text + "\n")
                    if word and not word.dynamic
                    else _Stdin(dynamic=True)
                )
            elif node.type == "heredoc_redirect":
                stdin = self._heredoc(node, found, continuations, words)
        return tuple(found), stdin, continuations, words

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
    ) -> _Stdin:
        text = ""
        piped_after = node.child_by_field_name("right") is None
        quoted = _quoted_heredoc(node)
        misread = self._misread_heredoc(node)
        if misread is not None:
            # The grammar took the text's first line for words of the command line (it starts
            # with a backslash): the text is read from the line itself, as written.
            text, line_end = misread
            if not quoted:
                self._backquotes_in(text, node)
                text = _unescape_heredoc(text)
            for child in node.named_children:
                if child.type == "file_redirect":
                    found.append(self._file_redirect(child))
                elif child.start_byte < line_end and child.type in _WORD_TYPES:
                    words.extend(self._eval.words(child))  # ``cat <<EOF FILE``: a word of cat
                elif child.start_byte < line_end and child.type not in _HEREDOC_PARTS:
                    continuations.append((child, piped_after))
            return _Stdin(text=text)
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
            elif child.type in _WORD_TYPES:
                # ``cat <<EOF /etc/shadow``: the words after the delimiter are the command's.
                words.extend(self._eval.words(child))
            elif child.type not in ("heredoc_start", "heredoc_end"):
                continuations.append((child, piped_after))
        return _Stdin(text=text)

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
            before = self._source[:line_end]
            if (len(before) - len(before.rstrip(b"\\"))) % 2 == 0:
                break
            line_end += 1
        misread = any(
            _starts_within(child, line_end, end.start_byte)
            for child in node.children
            if child.type not in _HEREDOC_TEXT
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
            parts.append(_unescape_heredoc(self._text_between(at, child.start_byte)))
            if child.type in _WORD_TYPES:
                word = self._eval.word(child)  # judges the commands in $( )
                parts.append(node_text(child) if word.dynamic else word.text)
            else:
                parts.append(_unescape_heredoc(node_text(child)))
            at = child.end_byte
        parts.append(_unescape_heredoc(self._text_between(at, body.end_byte)))
        return "".join(parts)

    def _text_between(self, start: int, end: int) -> str:
        return self._source[start:end].decode("utf-8", "replace") if end > start else ""

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
            parsed = parse_line(
                inner,
                variables=self._variables,
                home=self._home,
                nesting=self._nesting + 1,
                run_time=self._run_time,
            )
            for item in parsed.items:
                self._add(item)

    def judge_left_backquotes(self, root: Node) -> None:
        """Judge the backquotes in words and unquoted heredocs the walk did not reach (a word
        the evaluator read without visiting: ``${x:+`cmd`}`` with ``x`` known)."""
        for node in _descendants(root, limit=200_000):
            if node.type == "word" or (
                node.type == "heredoc_body"
                and node.parent is not None
                and not _quoted_heredoc(node.parent)
            ):
                self._backquotes(node)

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

    def _word_after(self, node: Node) -> Word | None:
        for child in node.named_children:
            if child.type in _WORD_TYPES:
                return self._eval.word(child)
        return None

    # -- simple commands --------------------------------------------------------------------

    def _command(
        self,
        node: Node,
        stdin: _Stdin,
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
        # (Inline, not a helper: each frame here is one more per level of nested ``$( )``.)
        for child in node.children if node.type == "command" else ():
            if not child.is_named or child.type == "comment":
                continue
            if child.type == "variable_assignment":
                assignments.append(self._assignment(child))
            elif child.type == "command_name":
                for part in child.named_children:
                    words.extend(self._eval.words(part))
            elif child.type in _REDIRECTS:
                own.append(child)
            else:
                words.extend(self._eval.words(child))
        more, stdin, continuations, inside = self._redirects(own, stdin)
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
            )
        )
        output = None
        if not any(w.dynamic for w in words):
            output = nested.constant_output(tuple(w.text for w in words), stdin_text=stdin.text)
        for continuation, piped in continuations:
            follow = _Stdin(text=output, dynamic=output is None) if piped else _TERMINAL
            self._continue(continuation, follow, depth=depth)
        return None if continuations else output

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
            elif child.type in _WORD_TYPES:
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
        if value_node is None:
            return name, Word("", "")
        if value_node.type in _WORD_TYPES:
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
        outputs = [self.visit(s, _TERMINAL, depth=self._depth + 1) for s in statements]
        if len(outputs) != 1 or outputs[0] is None:
            return None
        return outputs[0].rstrip("\n")

    # -- arithmetic -------------------------------------------------------------------------

    def _arithmetic(self, node: Node) -> None:
        """Judge what evaluating the arithmetic text of ``node`` runs (see :data:`_ARITHMETIC`)."""
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
        pending = _IDENTIFIER.findall(text)
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
        value = quiet.word(value_node) if value_node.type in _WORD_TYPES else None
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
        for part in _descendants(node, limit=10_000):
            if part.type != "binary_expression" or len(part.children) != 3:
                continue
            left, op, right = part.children
            if node_text(op) in _ARITHMETIC_TESTS:
                self._arithmetic_names(node_text(left) + " " + node_text(right), node)

    def _evaluated_again(self, text: str, node: Node, *, why: str) -> None:
        """Judge ``text`` as bash expands it once more (as the text of an unquoted heredoc);
        backquotes in it are unknown outright."""
        if "`" in text:
            self._problem(f"bash evaluates {why} ({text[:60]!r}) and runs what it holds", node)
        if self._nesting >= MAX_TEXT_NESTING:
            self._problem("values evaluated again nested too deeply to understand", node)
            return
        if "$" in text:
            again = f": <<{_EXPANDED_END}\n{text}\n{_EXPANDED_END}"
            parsed = parse_line(
                again,
                variables=self._variables,
                home=self._home,
                nesting=self._nesting + 1,
                run_time=self._run_time,
            )
            for item in parsed.items:
                self._add(item)

    # -- bookkeeping ------------------------------------------------------------------------

    def _add(self, item: Item) -> None:
        if len(self.items) >= MAX_COMMANDS:
            if not self._truncated:
                self._truncated = True
                self.items.append(Problem(f"more than {MAX_COMMANDS} commands: not all judged"))
            return
        self.items.append(item)

    def _problem(self, reason: str, node: Node) -> None:
        self._add(Problem(reason, node_text(node)[:200]))


# A heredoc's own parts; any other child of its redirect is a command line going on after it.
_HEREDOC_TEXT = frozenset({"heredoc_start", "heredoc_body", "heredoc_end"})
_HEREDOC_PARTS = _HEREDOC_TEXT | {"file_redirect"}


def _starts_within(node: Node, start: int, end: int) -> bool:
    """Whether ``node`` or a node in it starts at an offset in ``[start, end)``."""
    if node.end_byte <= start or node.start_byte >= end:
        return False
    if node.start_byte >= start:
        return True
    return any(_starts_within(child, start, end) for child in node.children)


def _opens_arithmetic(node: Node) -> bool:
    """Whether a compound statement is ``((…))``, not ``{ …; }``."""
    return bool(node.children) and node.children[0].type == "(("


def _quoted_heredoc(redirect: Node) -> bool:
    """Whether a heredoc's delimiter is quoted (``<<'EOF'``, ``<<\\EOF``): its text is literal."""
    start = next((c for c in redirect.children if c.type == "heredoc_start"), None)
    return start is not None and any(c in node_text(start) for c in "'\"\\")


# In an unquoted heredoc a backslash escapes only ``$``, a backquote, itself and a newline.
_HEREDOC_ESCAPE = re.compile(r"\\([$`\\\n])")


def _unescape_heredoc(text: str) -> str:
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


def _pipeline_stages(node: Node) -> Iterator[Node]:
    for child in node.named_children:
        if child.type == "pipeline":
            yield from _pipeline_stages(child)
        elif child.type != "comment":
            yield child
