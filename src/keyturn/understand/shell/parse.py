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
first is in :mod:`._line_scan`; its visit of statements (lists, pipelines, loops, functions,
groups) in :mod:`._compound_statements`; its reading of simple commands, redirections and
heredocs, arithmetic and declarations in :mod:`._simple_commands`, :mod:`._redirections`,
:mod:`._arithmetic` and :mod:`._declarations`; the text it parses again (backquotes left in a
word, values evaluated again) in :mod:`._text_parsed_again` (methods it inherits); the
grammar's node types and the text rules it applies in :mod:`._syntax`; the records it gives
back in :mod:`._records`; the short way for a line of plain words in :mod:`._plain_line`; the
bounds on the grammar's own work (a line it would take seconds over) in :mod:`._parse_bounds`.
"""

from __future__ import annotations

from collections.abc import Mapping

from tree_sitter import Language, Node

from keyturn.understand.shell._compound_statements import (
    MAX_LOOP_PASSES,
    MAX_LOOP_VALUES,
    MAX_NODE_DEPTH,
    StatementReading,
)
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
from keyturn.understand.shell._parse_bounds import bounded_parse, refusal
from keyturn.understand.shell._plain_line import plain_command
from keyturn.understand.shell._records import (
    TERMINAL,
    Adopted,
    Item,
    ParsedLine,
    Problem,
    RawCommand,
)
from keyturn.understand.shell._syntax import (
    BRACE_COMMAND,
    NUMBERED_READ_WRITE,
    backquoted,
    descendants,
    error_snippet,
)
from keyturn.understand.shell._text_parsed_again import MAX_TEXT_NESTING, TextParsedAgain
from keyturn.understand.shell.brace_expansion import expand_braces
from keyturn.understand.shell.printed_text import ECHO_RULES_VARIABLE, EchoRules, echo_rules
from keyturn.understand.shell.runtime_text import may_evaluate_run_time_text, run_time_names
from keyturn.understand.shell.source import node_text, reading, shadow
from keyturn.understand.shell.words import WordEvaluator

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
# A line the grammar's work on was cut short (:mod:`._parse_bounds`): judged as far as read.
PARSE_CUT_SHORT = "too hard to parse: only the start of the line understood"
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
    refused = refusal(source)  # (text on which the grammar's own work would blow up)
    if refused is not None:
        return ParsedLine(items=[Problem(refused, command[:200])], has_error=True)
    # The grammar sees an ASCII shadow of the line (its scanner crashes on some characters);
    # node texts are read from the real line (keyturn.understand.shell.source).
    tree, cut = bounded_parse(_LANGUAGE, shadow(source))
    root = tree.root_node
    with reading(source):
        # A backslash-newline inside a word, ``time``/``!`` before ``{ …; }``: the grammar
        # reads them otherwise than bash; the line is parsed again as bash reads it. Each
        # rewriting removes text or blanks it, so there are few; past the bound, as it is.
        # A parse cut short is not made again: what it read is judged, the rest unknown.
        as_bash = rewritten(source, root) if rewrites < MAX_REWRITES and not cut else None
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
    if cut:
        line.has_error = True
        line.items.append(Problem(PARSE_CUT_SHORT, command[:200]))
    elif root.has_error:
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


class _Walker(TextParsedAgain, StatementReading):
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

    # -- text parsed again, one level deeper ------------------------------------------------

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
