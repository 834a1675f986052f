"""What a database shell reads on stdin from a ``<`` file (``redis-cli < cmds.txt``,
``mongosh db < script.js``), for :mod:`._datastores`: the file's text as the line leaves it
(:func:`~keyturn.understand.shell.line_writes.one_text_on_line`), or why it is not known (a
file decided at run time, one that cannot be read). The SQL clients read theirs in
:mod:`.sql_clients`.
"""

from __future__ import annotations

from typing import NamedTuple

from keyturn.understand.shell.line_writes import one_text_on_line
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

__all__ = ["Stdin", "stdin_text"]


class Stdin(NamedTuple):
    """The text on stdin (``None``: none known) and, when it cannot be known, why."""

    text: str | None
    problem: str | None = None


def stdin_text(cmd: SimpleCommand, ctx: ShellContext) -> Stdin:
    """The heredoc or constant text piped in, else the ``<`` file's text; neither: ``None``."""
    if cmd.stdin_text is not None:
        return Stdin(cmd.stdin_text)
    for redirect in cmd.redirects:
        if redirect.op in ("<", "<>"):
            if redirect.dynamic:
                return Stdin(None, "reads its commands from a file decided at run time")
            path = normalize_path(redirect.target, cwd=ctx.cwd)
            text = one_text_on_line(path, ctx)
            if text is None:
                return Stdin(None, f"reads its commands from {path}, which could not be read")
            return Stdin(text)
    return Stdin(None)
