"""The state :func:`~keyturn.understand.shell.wrappers.unwrap` carries from one wrapper to the
next, and the outcomes a wrapper's handler gives back.

The generic wrappers (:mod:`.wrappers`) and the ones with a reading of their own
(:mod:`._special_wrappers`, :mod:`._remote_wrappers`) all work on the same :class:`State` --
the words left, which of them are decided at run time, what the wrappers add -- and answer with
an :data:`Outcome`. Keeping these here, with the few helpers every kind of handler uses (handing
a string to a shell, taking ``VAR=x`` words, guessing a home directory), lets the handlers live
apart from the wrapper table without importing it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from enum import Enum

from keyturn.understand.shell.paths import basename
from keyturn.understand.shell.registry import Redirect, SimpleCommand, evolve

STDIN_WORD = "{stdin}"


@dataclass(frozen=True, slots=True)
class Unwrapped:
    """The command that really runs (``command``), or why it is not known (``unknown``).

    Both ``None``: the wrappers ran nothing judged (``env`` alone prints the environment).
    ``directories``: the working directories the wrappers change to, in order (relative to the
    one before; ``~`` the home directory), ``None`` for one decided at run time."""

    command: SimpleCommand | None
    unknown: str | None = None
    directories: tuple[str | None, ...] = ()
    # A wrapper started the command with an empty environment (``env -i``, ``env -``,
    # ``exec -c``): every ``KEYTURN_*`` variable is gone for it, as if unset.
    emptied: bool = False


@dataclass(slots=True)
class State:
    argv: list[str]
    raw: list[str]
    dynamic: list[bool]
    assignments: dict[str, str]
    wrappers: list[str]
    stdin_text: str | None = None  # literal text on stdin (xargs reads its arguments there)
    directories: list[str | None] = field(default_factory=list)  # see Unwrapped.directories
    emptied: bool = False  # see Unwrapped.emptied
    writes: list[Redirect] = field(default_factory=list)  # the files the wrappers write

    def drop(self, count: int) -> None:
        del self.argv[:count], self.raw[:count], self.dynamic[:count]

    def unwrapped(self, cmd: SimpleCommand) -> Unwrapped:
        """The outcome once no wrapper is left in front of the command."""
        return Unwrapped(self.build(cmd), directories=tuple(self.directories), emptied=self.emptied)

    def build(self, cmd: SimpleCommand) -> SimpleCommand:
        return evolve(
            cmd,
            argv=(basename(self.argv[0]), *self.argv[1:]) if self.argv else (),
            program=self.argv[0] if self.argv else "",
            raw_argv=tuple(self.raw),
            dynamic_words=frozenset(i for i, d in enumerate(self.dynamic) if d),
            assignments=dict(self.assignments),
            wrappers=tuple(self.wrappers),
            redirects=(*cmd.redirects, *self.writes) if self.writes else cmd.redirects,
        )


class Step(Enum):
    GO_ON = "go on"  # a wrapper was stripped: look at the new argv[0]
    STOP = "stop"  # argv[0] is no wrapper


Outcome = Unwrapped | Step


def as_shell(state: State, index: int, label: str, *, text: str | None = None) -> Outcome:
    """Replace the rest of argv by ``sh -c TEXT`` (the wrapper hands a string to a shell)."""
    if text is None:
        words = state.argv[index:]
        dynamic = any(state.dynamic[index:])
        text = " ".join(words)
        meant = shlex.join(words)
        if len(words) > 1 and meant != text:
            # The wrapper joins its words with spaces for a shell, so quoting inside them is
            # lost (`watch bash -c 'rm -rf /'` really runs `bash -c rm -rf /`). Judge that
            # reading and the one the words meant, one per line: the stricter decides.
            text = f"{text}\n{meant}"
    else:
        dynamic = False
    if label not in state.wrappers:
        state.wrappers.append(label)
    state.argv[:] = ["sh", "-c", text]
    state.raw[:] = ["sh", "-c", text]
    state.dynamic[:] = [False, False, dynamic]
    return Step.GO_ON


def take_assignments(state: State, index: int) -> int:
    """Take the ``VAR=x`` words from ``index`` on as assignments; the index after them.

    Only some wrappers take such words (``env``, ``sudo``); under the others the word would be
    run as a program and fail, but judging what follows it is stricter than calling the line
    unknown-and-harmless."""
    while index < len(state.argv) and is_assignment(state.argv[index]):
        key, _, value = state.argv[index].partition("=")
        state.assignments[key] = value
        index += 1
    return index


def is_assignment(word: str) -> bool:
    key, eq, _ = word.partition("=")
    return bool(eq) and key.replace("_", "a").isalnum() and not key[0].isdigit()


def decided_at_run_time(state: State, value: str, *, end: int) -> bool:
    """Whether the option value ``value`` is (in) a word of ``argv[1:end]`` decided at run
    time."""
    words = zip(state.argv[1:end], state.dynamic[1:end], strict=True)
    return any(dynamic and value in word for word, dynamic in words)


def home_of(user: str | None) -> str:
    """The home directory of ``user`` (root's when none is named), as keyturn guesses it."""
    if user is None or user in ("root", "0", "#0"):
        return "/root"
    return f"/home/{user}"
