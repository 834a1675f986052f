"""What cmd's ``%NAME%``, ``call ... %NAME%`` and ``!NAME!`` hold after ``set NAME=...`` in the
same text, for the bindings of :mod:`._powershell_bindings`.

cmd expands ``%NAME%`` when it reads a line (a parenthesised block, across lines, is read at
once), before any of its statements runs (``set /?``: "the variable is expanded when the line
is read, not when it is executed"): ``set X=C:\\new& rd /s /q %X%`` removes what ``X`` held
before the line. ``call`` expands the line once more when the statement runs, so ``call rd
%X%`` may take the new value (when ``X`` was not set before the line, the first expansion
leaves ``%X%`` for the second; ``%^X%`` defers it outright) -- both readings are judged.
``!X!`` (delayed expansion, ``cmd /v:on``) is expanded when the statement runs: the new value.
A value set by a statement that may or may not run (``if ... set``, ``for ... do set``),
computed (``set /a``, ``set /p``) or holding other variables is decided at run time; so is every
value after ``endlocal`` (it restores what ``setlocal`` saved).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_SET = re.compile(r'(?i)^@?set\s+(?!/[ap]\b)"?([^\s=/"][^=]*?)=([^"]*)"?\s*$')
_ANY_SET = re.compile(r"(?i)(?<![\w-])set\s+(?:/[ap]\s+)?\"?([^\s=\"]+)\s*=")
_ENDLOCAL = re.compile(r"(?i)(?<![\w-])endlocal(?![\w-])")
RUN_TIME = "%{}:set in the text%"
DELAYED = "%{}:delayed%"


@dataclass
class CmdValues:
    """The values cmd's ``set`` gave variables so far (lower-cased name -> value; ``None``:
    decided at run time), and those in effect when the unit being run was read."""

    current: dict[str, str | None] = field(default_factory=dict)
    read: dict[str, str | None] = field(default_factory=dict)
    depth: int = 0

    def new_line(self, line: str) -> None:
        """A line starts: unless it continues an open block, cmd reads it now."""
        if self.depth <= 0:
            self.read = dict(self.current)
            self.depth = 0
        self.depth += _depth(line)

    def ran(self, statement: str) -> None:
        """``statement`` ran: the variables it sets."""
        if _ENDLOCAL.search(statement):
            self.current = {name: None for name in self.current}
        plain = _SET.match(statement.strip().lstrip("("))
        for name in _ANY_SET.findall(statement):
            self.current[name.lower()] = None
        if plain is not None:
            value = plain.group(2).rstrip(")").rstrip()
            known = not re.search(r"[%!]", value)
            self.current[plain.group(1).lower()] = value if known else None

    def readings(
        self, words: Sequence[str], changed: frozenset[str], *, call: bool
    ) -> list[list[str]]:
        """``words`` with ``%NAME%`` and ``!NAME!`` put in as cmd expands them; a ``call``
        statement's words read both ways."""
        found = [[self._delayed(self._expand(w, changed, self.read)) for w in words]]
        if call:
            found.append([self._delayed(self._expand(w, changed, self.current)) for w in words])
        return found

    @staticmethod
    def _expand(word: str, changed: frozenset[str], values: dict[str, str | None]) -> str:
        def put(match: re.Match[str]) -> str:
            name = match.group(1).lower()
            if name not in changed or name not in values:
                return match.group(0)  # the value from before the text: well-known, or unset
            value = values.get(name)
            return value if value is not None else RUN_TIME.format(match.group(1))

        return re.sub(r"%([A-Za-z0-9_()]+)%", put, word)

    def _delayed(self, word: str) -> str:
        def put(match: re.Match[str]) -> str:
            value = self.current.get(match.group(1).lower())
            return value if value is not None else DELAYED.format(match.group(1))

        return re.sub(r"!([^!\s]+)!", put, word)


def _depth(line: str) -> int:
    """How many blocks ``line`` opens (less those it closes), outside quotes."""
    outside = re.sub(r'"[^"]*"?', "", line.replace("^(", "").replace("^)", ""))
    return outside.count("(") - outside.count(")")
