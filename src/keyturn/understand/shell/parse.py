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
echo $((x))`` runs rm. So are what declarations read again (a compound assignment spelled by
an expanded value, a subscript a reference or ``${!x}`` names: :mod:`._declarations`).

The output is raw: words are unquoted and expanded as far as the text decides, but wrappers are
not stripped and program names are not resolved (``keyturn.understand.shell.wrappers`` does that).

The walk (:class:`_Walker`) is here with the entry points. What it reads of the whole line
first is in :mod:`._line_scan`; its reading of simple commands, redirections and heredocs,
arithmetic and declarations in :mod:`._simple_commands`, :mod:`._redirections`,
:mod:`._arithmetic` and :mod:`._declarations` (methods it inherits); the grammar's node types
and the text rules it applies in :mod:`._syntax`; the records it gives back in
:mod:`._records`; the short way for a line of plain words in :mod:`._plain_line`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from tree_sitter import Language, Node, Parser

from keyturn.understand.shell._arithmetic import ARITHMETIC, substring_bounds
from keyturn.understand.shell._declarations import DECLARES, Declared, declared
from keyturn.understand.shell._grammar_gaps import rewritten
from keyturn.understand.shell._line_scan import (
    ANY_VARIABLE,
    INTEGER_DECLARATION,
    RUNS_CODE,
    assigned_variables,
    function_names,
    integer_names,
)
from keyturn.understand.shell._plain_line import plain_command
from keyturn.understand.shell._records import (
    TERMINAL,
    Adopted,
    Item,
    ParsedLine,
    Problem,
    RawCommand,
    Stdin,
)
from keyturn.understand.shell._simple_commands import CommandReading
from keyturn.understand.shell._syntax import (
    BRACE_COMMAND,
    COMMAND_LIKE,
    NUMBERED_READ_WRITE,
    WORD_TYPES,
    backquoted,
    descendants,
    error_snippet,
    last_statement,
    opens_arithmetic,
    pipeline_stages,
    quoted_heredoc,
)
from keyturn.understand.shell.nested import MAX_OUTPUT
from keyturn.understand.shell.printed_text import ECHO_RULES_VARIABLE, EchoRules, echo_rules
from keyturn.understand.shell.registry import Redirect
from keyturn.understand.shell.runtime_text import may_evaluate_run_time_text, run_time_names
from keyturn.understand.shell.source import node_text, reading, shadow
from keyturn.understand.shell.words import Word, WordEvaluator, expand_braces

__all__ = [
    "ANY_VARIABLE",
    "MAX_COMMANDS",
    "MAX_LOOP_PASSES",
    "MAX_LOOP_VALUES",
    "MAX_NODE_DEPTH",
    "MAX_TEXT_NESTING",
    "Item",
    "ParsedLine",
    "Problem",
    "RawCommand",
    "backquoted",
    "parse_line",
    "parse_tree",
    "plain_command",
]

MAX_COMMANDS = 2000
MAX_NODE_DEPTH = 150
# A ``for`` loop over at most this many known words is judged once per word as well, within
# this many such passes per line (nested loops would otherwise multiply them).
MAX_LOOP_VALUES = 16
MAX_LOOP_PASSES = 64
# Commands in backquotes the grammar leaves inside a word or a heredoc are parsed again, at
# most this deep (each level of backquotes inside backquotes is one more).
MAX_TEXT_NESTING = 8
# Rewritings of one line to read as bash reads it (:mod:`._grammar_gaps`), at most.
MAX_REWRITES = 16


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
_EXPANDED_END = "KEYTURN_EXPANDED_AGAIN"


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
    rewrites: int = 0,
) -> ParsedLine:
    """:func:`parse_line` through the grammar, whatever the line (the plain-line path aside).

    ``rewrites``: how many times the line was already rewritten to read as bash reads it."""
    source = command.encode("utf-8", "surrogatepass")
    # The grammar sees an ASCII shadow of the line (its scanner crashes on some characters);
    # node texts are read from the real line (keyturn.understand.shell.source).
    root = Parser(_LANGUAGE).parse(shadow(source)).root_node
    with reading(source):
        # A backslash-newline inside a word, ``time``/``!`` before ``{ …; }``: the grammar
        # reads them otherwise than bash; the line is parsed again as bash reads it. Each
        # rewriting removes text or blanks it, so there are few; past the bound, as it is.
        as_bash = rewritten(source, root) if rewrites < MAX_REWRITES else None
        if as_bash is not None:
            return parse_tree(
                as_bash.decode("utf-8", "surrogatepass"),
                variables=variables,
                home=home,
                brace_retry=brace_retry,
                nesting=nesting,
                run_time=run_time,
                rewrites=rewrites + 1,
            )
        assigned = assigned_variables(root, home=variables.get("HOME", home))
        known = dict(variables)
        for name, value in assigned.items():
            # A value the caller gave that the line assigns differently is known no longer.
            given = variables.get(name)
            known[name] = value if given is None or given == value else None
        if ANY_VARIABLE in assigned:
            # ``export $(…)``, ``declare -n r=x``: any variable may hold anything after them
            # (HOME too, which ``~`` reads).
            known = {"HOME": None}
        elif RUNS_CODE in assigned:
            # ``source ./env.sh``, ``eval "$x"``: the code may set any variable. Not HOME or
            # the working directory's: ``source ~/.cargo/env`` is everyday, and a sourced file
            # at hand is judged itself.
            known = {k: known[k] for k in ("HOME", "PWD", "OLDPWD") if k in known}
        rules = _echo_rules(command, variables)
        known[ECHO_RULES_VARIABLE] = rules.value  # for the text parsed again, below
        if may_evaluate_run_time_text(command):
            run_time |= run_time_names(descendants(root, limit=200_000))
        walker = _Walker(
            variables=known,
            home=home,
            functions=function_names(root),
            source=source,
            nesting=nesting,
            integers=integer_names(root) if INTEGER_DECLARATION.search(command) else frozenset(),
            run_time=run_time,
            echo_rules=rules,
            declared=declared(root) if DECLARES.search(command) else Declared(),
        )
        walker.visit(root, TERMINAL, depth=0)
        if "${!" in command:
            walker.judge_indirections(root)
        if walker.integers_declared:
            walker.judge_run_time_integers(root)
        if "`" in command:
            walker.judge_left_backquotes(root)
        if "@P}" in command:
            walker.judge_prompt_expansions(root)
        line = ParsedLine(items=walker.items, has_error=root.has_error, assigned=assigned)
        snippet = error_snippet(root) if root.has_error else ""
    if root.has_error:
        line.items.append(Problem(f"could not parse: {snippet}", command[:200]))
        # A brace command past the bound stays as written: not parsed, so held as unknown.
        retry = BRACE_COMMAND.sub(
            lambda m: " ".join(expand_braces(m.group(0)) or [m.group(0)]), command
        )
        retry = NUMBERED_READ_WRITE.sub(" <>", retry)
        if retry != command and not brace_retry:
            again = parse_line(retry, variables=variables, home=home, brace_retry=True)
            line.items.extend(again.items)
            line.assigned.update(again.assigned)
    return line


def _echo_rules(command: str, variables: Mapping[str, str | None]) -> EchoRules:
    """How the line's bare ``echo`` and ``printf`` print (:mod:`.printed_text`): as the shell
    it runs in does; a line that may turn ``xpg_echo`` on (``shopt -s xpg_echo``) prints
    escapes one way before and another after it: not modelled."""
    rules = echo_rules(variables)
    return EchoRules.OTHER if "xpg_echo" in command else rules


# Statements whose parts may not run: a cd inside one leaves the line where it was as well.
_BRANCHING = frozenset(
    {
        *("if_statement", "elif_clause", "else_clause", "case_statement", "case_item"),
        *("while_statement", "c_style_for_statement"),
        *("subshell", "process_substitution"),
    }
)


class _Walker(CommandReading):
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
        echo_rules: EchoRules = EchoRules.BASH,
        declared: Declared = Declared(),  # noqa: B008 (frozen)
    ) -> None:
        self.items: list[Item] = []
        self._echo_rules = echo_rules
        self._declared = declared
        self._variables = variables
        self._integers = integers
        self._run_time = run_time
        self._home = home
        self._source = source
        self._nesting = nesting
        # Nodes whose backquoted commands were judged (by start offset): once each.
        self._backquotes_judged: set[int] = set()
        self._functions = functions
        self._function_bodies: dict[str, str] = {}
        self._defining: list[str] = []
        self._depth = 0
        # Inside a part of the line that may not run (after ``&&``/``||``, a branch, a loop's
        # body): a ``cd`` there leaves the line where it was as well (:mod:`._line_run`).
        self._conditional = 0
        self._truncated = False
        self._loop_passes_left = MAX_LOOP_PASSES
        # Redirections bash gives the last command of a list or pipeline, by its node's id.
        self._adopted: dict[int, Adopted] = {}
        self._eval = WordEvaluator(
            variables=variables, home=home, substitute=self._substitute, visit=self._visit_any
        )

    @property
    def integers_declared(self) -> bool:
        """Whether the line declares integer variables (``declare -i``)."""
        return bool(self._integers)

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

    def _parse_nested(self, text: str) -> None:
        """Judge ``text`` (backquoted, or expanded again) as a line one level deeper, with what
        this line knows of its variables."""
        parsed = parse_line(
            text,
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
