"""The records :func:`.parse.parse_line` gives back, and the input the walk passes along.

:class:`RawCommand` (one simple command as written) and :class:`Problem` (a part of the line
that could not be read) are the items of a :class:`ParsedLine`; :class:`Stdin` is what a command
reads on its standard input as the line is walked (a heredoc's text, the known output of the
command before it in a pipe, or something unknown). They are here, apart from the walk, so that
the walk's parts (:mod:`._simple_commands`, :mod:`._redirections`, :mod:`._plain_line`) share
them with it; :mod:`.parse` re-exports the public ones, where the code reading a parse imports
them from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from keyturn.understand.shell.registry import Redirect
from keyturn.understand.shell.words import Word


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
    # In a part of the line that may not run (after ``&&``/``||``, in a branch or a loop).
    conditional: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """A part of the line that could not be read; ``reason`` is one line for people."""

    reason: str
    source: str = ""


Item = RawCommand | Problem


@dataclass(frozen=True, slots=True)
class Stdin:
    text: str | None = None
    dynamic: bool = False


TERMINAL = Stdin()


@dataclass(slots=True)
class Adopted:
    """Redirections written after a list or pipeline, which bash gives to its last statement
    (:func:`._syntax.last_statement`): what they name, the input they give it (``None``: they
    leave its input as it was, the pipe's), words of the command the grammar put among them,
    and the redirected statement they were written in (``source``). ``output`` is set to what
    that statement prints, when its words decide it (a pipe after a heredoc reads it: ``true &&
    cat <<EOF | sh``)."""

    redirects: tuple[Redirect, ...]
    stdin: Stdin | None
    words: tuple[Word, ...]
    source: Node
    output: str | None = None


@dataclass(slots=True)
class ParsedLine:
    """The simple commands and problems of one command line, in execution order."""

    items: list[Item] = field(default_factory=list)
    has_error: bool = False
    # Variables the line itself assigns, anywhere (``VAR=x cmd``, ``export``, bare): the one
    # literal value, or None when it is decided at run time or assigned several values.
    assigned: dict[str, str | None] = field(default_factory=dict)
