"""The work of understanding a shell line grows (near) linearly with its length.

A server judges small bodies on its event loop and hooks have deadlines: a few kilobytes of
nested copies (``a=$((a=$((…))))``), of globs (``rm a* b* …``) or of one variable run again and
again (``bash -c "$x"; bash -c "$x"; …``) took seconds. Work is counted, not timed: the Python
and builtin calls made while understanding a line (``sys.setprofile``), for a line and for one
twice as long; doubling the line may at most about double the work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from keyturn.model import EffectKind
from keyturn.understand.shell import understand_shell

# Doubling a line may cost this much more work (twice, and a margin for fixed costs).
_LINEAR = 2.5
_BUDGET_REASON = "shell commands nested in the line are too long in all to judge"


def _understood(command: str) -> Any:
    return understand_shell(command, cwd="/srv/app", home="/root", env={})


def _work(command: str) -> int:
    """The calls (Python and builtin) made understanding ``command``, after a first run that
    loads what it needs (imports, compiled patterns)."""
    _understood(command)
    calls = 0

    def count(_frame: FrameType, event: str, _arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        _understood(command)
    finally:
        sys.setprofile(None)
    return calls


def _nested_copies(levels: int) -> str:
    return "a=$((" * levels + "1" + "))" * levels


def _globs(count: int) -> str:
    return "rm " + " ".join(f"/tmp/f{i}*" for i in range(count))


def _variable_run_again(times: int) -> str:
    return "x='" + "rm a; " * times + "'; " + 'bash -c "$x"; ' * times


@pytest.mark.parametrize(
    ("shape", "size"),
    [
        # Each copy's value held the copies in it, and each was read again for the names it
        # expands (:mod:`keyturn.understand.shell.runtime_text`).
        (_nested_copies, 300),
        # Each glob looked at every path the command touched (line_writes.note_writes).
        (_globs, 400),
        # The value was judged again for every ``bash -c "$x"`` (up to 200 times).
        (_variable_run_again, 100),
    ],
    ids=["nested-copies", "many-globs", "variable-run-again"],
)
def test_doubling_the_line_at_most_doubles_the_work(shape: Callable[[int], str], size: int) -> None:
    small, large = _work(shape(size)), _work(shape(2 * size))
    assert large <= _LINEAR * small, (small, large)


def test_nested_lines_past_the_allowance_are_unknown() -> None:
    """The text judged again past the allowance is held, with its reason, never dropped."""
    effects = _understood(_variable_run_again(300)).effects
    budget = [e for e in effects if e.effect is EffectKind.UNKNOWN and _BUDGET_REASON in e.detail]
    assert budget
    # What was judged before the allowance ran out is still there.
    assert any(e.effect is EffectKind.DELETE for e in effects)


def test_a_long_script_nested_once_is_judged_whole() -> None:
    """False-alarm guard (passes before and after): a script as long as the line, nested once
    or twice, is within the allowance and judged as before."""
    script = "; ".join(f"rm /srv/app/f{i}" for i in range(400)) + "; rm -rf /"
    for command in (f"bash -c '{script}'", f"""ssh host "bash -c '{script}'" """):
        effects = _understood(command).effects
        assert not any(_BUDGET_REASON in e.detail for e in effects)
        assert any(e.catastrophic for e in effects)
