"""Pathological shell lines: unbalanced or deep openers, repeated errors, endless pipelines.

tree-sitter-bash's error recovery took time as the square of such a line (``a=(a=(…`` of 64 KB:
half a minute), and so did two scans of keyturn's own (a word of ``[`` with no ``]``, of
``{a,`` with no ``}``). The grammar's work is bounded now (:mod:`keyturn.understand.shell.
_parse_bounds`): a line past the bounds is refused, or understood as far as the grammar read
it, and either way is unknown, never allowed. keyturn's scans are linear: checked here by
counting work (lines of Python run, where a scan can start), never by the clock.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from tests.adversarial._judging import ALLOW, decision_of, each_case, protecting, understood_line

from keyturn.understand.shell import brace_expansion
from keyturn.understand.shell._parse_bounds import (
    MAX_NESTING,
    MAX_PIPES,
    bounded_parse,
    deepest_nesting,
    refusal,
)
from keyturn.understand.shell.parse import _LANGUAGE, PARSE_CUT_SHORT
from keyturn.understand.shell.words import _QUOTE_IN_BRACKETS

NESTED = "nested too deeply to understand"
PIPES = f"more than {MAX_PIPES} pipes"


@dataclass(frozen=True)
class Case:
    id: str
    line: str
    reason: str


CASES = [
    # Openers never closed: refused before the grammar sees them.
    Case("subshell-assignments", "(a=" * 4000, NESTED),
    Case("nested-arrays", "a=(a=" * 4000, NESTED),
    Case("old-arithmetic", "$[" * 4000, NESTED),
    Case("case-patterns", "case x in (" * 2000, NESTED),
    Case("test-brackets", "[[ " * 4000, NESTED),
    Case("brace-alternatives", "{a," * 4000, NESTED),
    Case("arrays-in-substitutions", "$(a=(" * 4000, NESTED),
    Case("closers-then-openers", ")" * 300 + "a=(" * 300, NESTED),
    # Pipes before errors, and endless pipelines: refused as well.
    Case("pipeline-then-error", "x | " * 2000 + "x )", PIPES),
    Case("pipe-error-repeated", "x |;" * 2000, PIPES),
    Case("pipeline-over-lines", "x |\n" * 2000 + ")", PIPES),
    # Shallow errors, repeated: the grammar's work is cut, the line unknown.
    Case("shallow-arrays-repeated", "a=(a=())\n" * 2000, PARSE_CUT_SHORT),
    Case("bad-subshells-repeated", "(a=)\n" * 3000, PARSE_CUT_SHORT),
    Case("arithmetic-repeated", "$[$[1]]\n" * 2000, PARSE_CUT_SHORT),
    Case("heredocs-repeated", "<<E\n" * 4000, PARSE_CUT_SHORT),
    Case("closers", ")" * 30000, PARSE_CUT_SHORT),
]


@each_case(CASES)
def test_pathological_line_is_unknown_with_its_reason(case: Case) -> None:
    action = understood_line(case.line, None)
    assert decision_of(action, protecting()) != ALLOW
    reasons = [e.detail or "" for e in action.effects if e.effect.value == "unknown"]
    assert any(case.reason in r for r in reasons), reasons


def test_a_cut_parse_still_judges_what_it_read() -> None:
    """What the grammar read before its work was cut is judged: the ``rm`` before the
    pathological part stays a recursive delete of ``/srv/prod``."""
    action = understood_line("rm -rf /srv/prod; " + "(a=)\n" * 3000, None)
    kinds = {(e.effect.value, e.resource.names) for e in action.effects}
    assert ("delete", ("file:/srv/prod", "file:/srv/prod/*")) in kinds, kinds
    assert any(PARSE_CUT_SHORT in (e.detail or "") for e in action.effects)


# -- the bounds leave real lines alone ---------------------------------------------------------

_SCRIPT = (
    "for f in $(ls -t /var/log/app | head -n 5); do\n"
    '  if [ -f "/var/log/app/$f" ]; then gzip -9 "/var/log/app/$f" || echo "skip $f" >&2; fi\n'
    "done\n"
    'case "${1:-}" in (start) systemctl start app ;; (*) echo "usage: $0 start" ;; esac\n'
)
_PROGRAM = "def f(a, b):\n    return [x for x in (a, b) if x] or {'k': (1, 2)}\n"


def test_long_ordinary_script_is_parsed_whole() -> None:
    script = (_SCRIPT * 250).encode()  # 60 KB, 250 pipes
    assert refusal(script) is None
    tree, cut = bounded_parse(_LANGUAGE, script)
    assert not cut and not tree.root_node.has_error


def test_long_heredoc_of_code_is_parsed_whole() -> None:
    line = "cat > app.py <<'EOF'\n" + _PROGRAM * 700 + "EOF\n"  # brackets, balanced
    source = line.encode()
    assert refusal(source) is None
    assert not bounded_parse(_LANGUAGE, source)[1]


def test_nesting_counts_openers_open_at_once() -> None:
    assert deepest_nesting(b"a=(1 2) $(( (1) )) ${x[0]}") == 3
    assert deepest_nesting(b"))((") == 2  # a closer with nothing open closes nothing
    assert refusal(b"(" * MAX_NESTING) is None
    assert refusal(b"(" * (MAX_NESTING + 1)) == NESTED
    assert refusal(b"x | " * MAX_PIPES + b"x || y") is None  # ``||`` is no pipe
    assert refusal(b"x | " * (MAX_PIPES + 1)) is not None


# -- keyturn's own scans are linear --------------------------------------------------------------


def _lines_run(call: Callable[[], Any], module_file: str) -> int:
    """How many lines of Python in ``module_file`` ``call`` runs: a count of work, the same on
    any machine."""
    count = 0

    def tracer(frame: FrameType, event: str, _arg: Any) -> Any:
        nonlocal count
        if frame.f_code.co_filename != module_file:
            return None
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def test_brace_scan_of_unclosed_braces_is_linear() -> None:
    """``{a,{a,{a,…`` with no ``}``: twice the word, about twice the work (it was four
    times: a scan to the end of the word from every ``{``)."""
    module = brace_expansion.__file__

    def work(copies: int) -> int:
        return _lines_run(lambda: brace_expansion.expand_braces("{a," * copies), module)

    assert work(800) <= 3 * work(400)


def test_bracket_quote_scan_starts_at_the_nearest_bracket() -> None:
    """The search for a quote in a bracket expression (``pro[d\\]]``) runs from the ``[``
    nearest before the quote, so no character is scanned from more than one ``[``: a word of
    ``[`` with no ``]`` (``[[ [[ …``) took time as the square of its length."""
    found = _QUOTE_IN_BRACKETS.search("[a[b'")
    assert found is not None and found.start() == 2
    assert _QUOTE_IN_BRACKETS.search("[[[[" * 100) is None
    for quoted in ("pro[d\\]]", 'pro[d"]"]', "x[a'b]", "[[x\\]"):
        assert _QUOTE_IN_BRACKETS.search(quoted), quoted
    for plain in ("pro[d]", "\\[a'", "[a]'", "[a/'"):
        assert not _QUOTE_IN_BRACKETS.search(plain), plain
