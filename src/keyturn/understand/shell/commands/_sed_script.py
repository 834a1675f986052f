"""What a sed script does besides editing text: commands it runs and files it writes.

GNU sed's ``e COMMAND`` runs a command, the ``e`` flag of ``s///`` runs the pattern space as
one, ``w FILE``/``W FILE`` (and the ``w`` flag) write files, and ``r FILE``/``R FILE`` read
files into the output (``sed 'r /etc/shadow' x`` prints it). ``sed -n '1e rm -rf /' x`` reads
like a read. The script is walked command by command (addresses, ``s``/``y`` with any
delimiter and escapes, text commands to the end of the line); what cannot be walked is said so,
and the caller treats the whole script as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_TEXT_COMMANDS = frozenset("aic")  # the rest of the line is text
_FILE_COMMANDS = frozenset("rRwW")  # the rest of the line is a file name
_LABEL_COMMANDS = frozenset("bTt:")  # the rest of the command is a label
_SIMPLE = frozenset("=dDgGhHlLnNpPqQxz{}F")


@dataclass(slots=True)
class SedScript:
    """What the script runs and writes; ``unreadable``: why it could not be walked."""

    runs: list[str] = field(default_factory=list)  # commands given to ``e``
    runs_pattern_space: bool = False  # ``e`` alone or the ``s///e`` flag: text decided by data
    writes: list[str] = field(default_factory=list)
    reads: list[str] = field(default_factory=list)  # ``r FILE``, ``R FILE``
    unreadable: str | None = None


def read_script(text: str) -> SedScript:
    out = SedScript()
    try:
        _walk(text, out)
    except _Unreadable as exc:
        out.unreadable = str(exc)
    return out


class _Unreadable(Exception):
    pass


def _walk(text: str, out: SedScript) -> None:
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\n;":
            i += 1
            continue
        if c == "#":  # a comment to the end of the line
            i = _line_end(text, i)
            continue
        i = _address(text, i)
        i = _address(text, i + 1) if i < n and text[i] == "," else i
        while i < n and text[i] in " \t!":
            i += 1
        if i >= n:
            raise _Unreadable("an address without a command")
        command = text[i]
        i += 1
        if command in ("s", "y"):
            i = _substitution(text, i)
            if command == "s":
                i = _flags(text, i, out)
        elif command == "e":
            end = _line_end(text, i)
            run = text[i:end].strip()
            if run:
                out.runs.append(run)
            else:
                out.runs_pattern_space = True
            i = end
        elif command in _TEXT_COMMANDS:
            i = _line_end(text, i)
        elif command in _FILE_COMMANDS:
            end = _line_end(text, i)
            (out.writes if command in "wW" else out.reads).append(text[i:end].strip())
            i = end
        elif command in _LABEL_COMMANDS:
            i = _label_end(text, i)
        elif command in "qQlL":
            while i < n and text[i].isdigit():
                i += 1
        elif command not in _SIMPLE:
            raise _Unreadable(f"sed command {command!r}")


def _label_end(text: str, i: int) -> int:
    """The index just past a label: GNU sed (4.9) skips the blanks before it and ends it at
    whitespace, ``;``, ``}`` or ``#``, so ``:a e rm -rf /`` is a label and then an ``e``
    command. Ending it there is the strict reading: what follows is walked as commands."""
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    while i < n and not text[i].isspace() and text[i] not in ";}#":
        i += 1
    return i


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _address(text: str, i: int) -> int:
    """Skip one address (``12``, ``$``, ``/re/``, ``\\cREc``, ``first~step``, ``+N``, ``~N``)."""
    n = len(text)
    if i < n and text[i] in "+~":
        i += 1
    while i < n and (text[i].isdigit() or text[i] == "~"):
        i += 1
    if i < n and text[i] == "$":
        return i + 1
    if i < n and text[i] in "/\\":
        delimiter = text[i]
        if delimiter == "\\":
            i += 1
            if i >= n:
                raise _Unreadable("an address ends the script")
            delimiter = text[i]
        i = _past(text, i + 1, delimiter)
        while i < n and text[i] in "IM":
            i += 1
    return i


def _substitution(text: str, i: int) -> int:
    """Skip the two parts of ``s/RE/REPLACEMENT/`` or ``y/FROM/TO/`` (any delimiter)."""
    if i >= len(text) or text[i] in "\n\\":
        raise _Unreadable("a substitution without a delimiter")
    delimiter = text[i]
    return _past(text, _past(text, i + 1, delimiter), delimiter, regex=False)


def _past(text: str, i: int, delimiter: str, *, regex: bool = True) -> int:
    """The index just past the next unescaped ``delimiter`` (in a regular expression, not one
    inside a bracket expression: ``s/[/]/x/``)."""
    n = len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
            continue
        if regex and text[i] == "[":
            close = text.find("]", i + (3 if text.startswith("[^]", i) else 2))
            if text.startswith(("[]", "[^]"), i) or close > 0:
                i = (close if close > 0 else i) + 1
                continue
        if text[i] == delimiter:
            return i + 1
        i += 1
    raise _Unreadable("an unterminated expression")


def _flags(text: str, i: int, out: SedScript) -> int:
    n = len(text)
    while i < n and text[i] not in ";\n}":
        flag = text[i]
        if flag == "e":
            out.runs_pattern_space = True
        elif flag == "w":
            end = _line_end(text, i + 1)
            out.writes.append(text[i + 1 : end].strip())
            return end
        elif not (flag.isdigit() or flag in "gpiImM \t"):
            raise _Unreadable(f"substitution flag {flag!r}")
        i += 1
    return i
