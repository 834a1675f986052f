"""Lines the grammar misreads at many places, read as bash reads them in a pass or two however
long they are.

tree-sitter-bash misreads ``! { …; }``, ``time { …; }``, a backslash-newline inside a word and
an expansion after punctuation (:mod:`keyturn.understand.shell._grammar_gaps`): the line is
rewritten and parsed again, whole, at most sixteen times. Runs of them (``! ! ! {``, ``time
time {``, ``$D/$E/$F/``) the grammar misreads one after the other, and each pass closed one:
``"! " * 30000`` took sixteen parses of 60 KB (seconds), and whatever was past the sixteenth
was judged as the grammar misread it (``rm`` an argument of a command ``!``). Every spot of a
kind, runs too, is closed in one pass now: the parses of a line do not grow with it (counted,
never timed), and what the rewritten line runs is judged as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any, NamedTuple

import pytest
from tests.adversarial._judging import (
    DENY,
    decision_of,
    each_case,
    protecting,
    shown,
    understood_line,
)
from tree_sitter import Node, Parser

from keyturn.understand.shell import _grammar_gaps, parse
from keyturn.understand.shell.parse import _LANGUAGE
from keyturn.understand.shell.source import reading, shadow

PROD = ("file:/srv/prod", "file:/srv/prod/*")


class Growing(NamedTuple):
    id: str
    unit: str  # what is repeated
    line: str  # the line, ``{}`` standing for the copies


# Each shape took as many parses as it has copies (up to the bound) before.
GROWING = [
    Growing("negations", "! ", "{}"),
    Growing("negations-before-a-group", "! ", "{}{{ x; }}"),
    Growing("times-before-a-group", "time ", "{}{{ x; }}"),
    Growing("mixed-prefixes-before-a-group", "! time -p ", "{}{{ x; }}"),
    Growing("expansions-split-off-one-word", "/$E", "echo $D{}/"),
]
# Shapes closed in one pass before as well: they stay so.
SETTLED = [
    "! {{ x; }}; ",
    "! ! ! {{ x; }}; ",
    "time {{ x; }}; ",
    "time time -p ! {{ x; }}; ",
    "coproc N {{ x; }}; ",
    "r\\\nm -rf /x; ",
    "echo $D/$E/$F/; ",
    "rm /e$()tc; ",
]


def _parses(line: str, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many times ``line`` is parsed by the grammar, through :func:`understood_line`: one
    rewriting (:func:`._grammar_gaps.rewritten`) asked of each parse."""
    calls = 0

    def counted(source: bytes, root: Node) -> bytes | None:
        nonlocal calls
        calls += 1
        return _grammar_gaps.rewritten(source, root)

    with monkeypatch.context() as patch:
        patch.setattr(parse, "rewritten", counted)
        understood_line(line, None)
    return calls


@each_case(GROWING)
def test_runs_of_misread_words_take_two_parses_however_long(
    case: Growing, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = _parses(case.line.format(case.unit * 3), monkeypatch)
    many = _parses(case.line.format(case.unit * 1500), monkeypatch)
    assert few == many <= 2, (few, many)


@pytest.mark.parametrize("unit", SETTLED)
def test_copies_of_misread_shapes_take_a_fixed_number_of_parses(
    unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    few = _parses(unit.format() * 3, monkeypatch)
    many = _parses(unit.format() * 800, monkeypatch)
    assert few == many <= 3, (few, many)


# -- what the rewritten lines run ----------------------------------------------------------------


class Judged(NamedTuple):
    id: str
    line: str


DELETES_PROD = [
    Judged("negated-group", "! { rm -rf /srv/prod; }"),
    Judged("timed-group", "time { rm -rf /srv/prod; }"),
    Judged("timed-posix-group", "time -p { rm -rf /srv/prod; }"),
    Judged("negated-timed-group", "! time { rm -rf /srv/prod; }"),
    Judged("coproc-group", "coproc NAME { rm -rf /srv/prod; }"),
    Judged("negations-past-the-bound", "! " * 40 + "{ rm -rf /srv/prod; }"),
    Judged("times-past-the-bound", "time " * 40 + "{ rm -rf /srv/prod; }"),
    Judged("mixed-prefixes-past-the-bound", "! time -p " * 20 + "coproc N { rm -rf /srv/prod; }"),
    Judged("negated-loop-in-a-run", "! ! ! for d in /srv/prod; do rm -rf $d; done"),
    Judged("many-negated-groups", "! { rm -rf /srv/prod; }; " * 300),
]


@each_case(DELETES_PROD)
def test_rewritten_shape_still_deletes_what_it_deletes(case: Judged) -> None:
    action = understood_line(case.line, None)
    assert ("delete", PROD, False) in shown(action), shown(action)
    assert decision_of(action, protecting("file:/srv/prod")) == DENY


def test_a_word_of_many_expansions_is_one_path() -> None:
    """``/srv/prod/$a/$a/…/$a``: one word to bash, which the grammar splits at every other
    ``$a``; its expansions braced all at once, it is still the one path it is."""
    action = understood_line("a=x; rm -rf /srv/prod" + "/$a" * 40, None)
    deleted = [names for kind, names, _ in shown(action) if kind == "delete"]
    path = "file:/srv/prod" + "/x" * 40
    assert deleted == [(path, path + "/*")], deleted


# -- the rewriting of one pass, as text ----------------------------------------------------------


def _one_pass(line: str) -> str | None:
    source = line.encode()
    root = Parser(_LANGUAGE).parse(shadow(source)).root_node
    with reading(source):
        again = _grammar_gaps.rewritten(source, root)
    return None if again is None else again.decode()


def _blank(text: str) -> str:
    return " " * len(text)


class Rewrite(NamedTuple):
    id: str
    line: str
    as_bash: str | None


REWRITES = [
    Rewrite("negation-run", "! ! ! { x; }", _blank("! ! ! ") + "{ x; }"),
    Rewrite("negations-to-the-last", "! ! ! ! ! ", _blank("! ! ! ! ") + "! "),
    Rewrite("prefix-run", "time -p ! coproc N { x; }", _blank("time -p ! coproc N ") + "{ x; }"),
    Rewrite("time-run", "time time -- time { x; }", _blank("time time -- time ") + "{ x; }"),
    # The grammar reads ``! [[ … ]]`` and ``! (( … ))`` itself: the run stops before them.
    Rewrite("run-stops-before-a-test", "! ! [[ -f x ]]", _blank("! ") + "! [[ -f x ]]"),
    Rewrite("run-stops-before-arithmetic", "time ! (( x ))", _blank("time ") + "! (( x ))"),
    Rewrite("run-stops-at-a-command", "! ! ! x", _blank("! ! ") + "! x"),
    Rewrite("expansion-run", "echo $D/$E/$F/$G", "echo $D/${E}/${F}/${G}"),
    Rewrite("expansion-run-specials", "echo $D/$1/$@/$F", "echo $D/${1}/${@}/${F}"),
    Rewrite("quoted-expansions-stay", 'echo $D/$E/"$F"/$G', 'echo $D/${E}/"$F"/${G}'),
    Rewrite(
        "continuations-outside-literals",
        "echo 'a\\\nb' c\\\nd # e\\\nf\n" * 3,
        "echo 'a\\\nb' cd # e\\\nf\n" * 3,
    ),
    Rewrite("read-as-bash-reads", "! [[ -f x ]]; ! (( x )); echo $D/$E", None),
]


@each_case(REWRITES)
def test_one_pass_closes_every_spot_of_a_kind(case: Rewrite) -> None:
    assert _one_pass(case.line) == case.as_bash


def _calls_of_python(call: Callable[[], object], module_file: str) -> int:
    """How many calls of Python functions in ``module_file`` (generators' resumptions too)
    ``call`` makes: a count of work, the same on any machine."""
    count = 0

    def profiler(frame: FrameType, event: str, _arg: Any) -> None:
        nonlocal count
        if event == "call" and frame.f_code.co_filename == module_file:
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profiler)
    try:
        call()
    finally:
        sys.setprofile(previous)
    return count


def test_continuations_among_quotes_and_comments_are_found_in_linear_work() -> None:
    """Each backslash-newline was looked up among every quoted string and comment of the line:
    thousands of each (``echo 'a' 'b' x\\<newline>y; …``, 64 KB) took seconds."""

    def work(copies: int) -> int:
        source = ("echo 'a' 'b' x\\\ny # c\\\n" * copies).encode()
        root = Parser(_LANGUAGE).parse(shadow(source)).root_node
        with reading(source):
            joined = _calls_of_python(lambda: _grammar_gaps.rewritten(source, root), module)
            assert _grammar_gaps.rewritten(source, root) == source.replace(b"x\\\ny", b"xy")
        return joined

    module = _grammar_gaps.__file__
    assert work(400) <= 2.5 * work(200)
