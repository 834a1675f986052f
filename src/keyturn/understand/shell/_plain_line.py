"""The short way through :func:`.parse.parse_line` for a line of plain words.

Most lines agents run are one simple command of plain words (``git status``, ``psql -c 'DROP
TABLE x'``): nothing in them is special to bash, so their words are the line split on blanks,
with neither the grammar nor the walk. :func:`plain_command` tells such a line and reads it; a
property test holds it equal to the long way (:func:`.parse.parse_tree`).
"""

from __future__ import annotations

import re

from keyturn.understand.shell._records import RawCommand
from keyturn.understand.shell.words import Word

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
