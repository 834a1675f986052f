"""How cmd.exe and PowerShell text splits into pipelines, and what a statement hides.

The separators are found outside quotes (and, in PowerShell, outside ``{ }`` script blocks and
``( )`` groups), so a ``;`` in a quoted path or inside ``& { ... }`` does not cut a statement in
two. A statement's redirections (``> C:\\x``, ``2>nul``, ``*>> log``) are taken out of it, its
script blocks and subexpressions (``$( ... )``, ``( ... )``, ``"... $( ... ) ..."``) found:
PowerShell runs them all, so each is judged as text of its own. Pure text functions, kept apart
from the handlers of :mod:`.windows`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

# Where a redirection writes nothing: the null device, another stream.
_NOWHERE = frozenset({"nul", "nul:", "$null", "con", "con:", "/dev/null"})


class _Cursor:
    """A walk over cmd or PowerShell text that keeps its quotes and escapes: each step gives
    the next piece (an escaped pair, or one character) and whether it is bare -- outside quotes
    and unescaped, so it may separate, group or redirect. ``at`` is where the next step starts;
    a reader that takes in more (``&&``, a redirection's target) moves it on."""

    def __init__(self, text: str, *, powershell: bool) -> None:
        self.text = text
        self.at = 0
        self.quotes = "\"'" if powershell else '"'
        self._escape = "`" if powershell else "^"
        self._quote = ""

    def more(self) -> bool:
        return self.at < len(self.text)

    def step(self) -> tuple[str, bool]:
        text, i = self.text, self.at
        char = text[i]
        if char == self._escape and self._quote != "'" and i + 1 < len(text):
            self.at += 2
            return text[i : i + 2], False
        self.at += 1
        if self._quote:
            if char == self._quote:
                self._quote = ""
            return char, False
        if char in self.quotes:
            self._quote = char
            return char, False
        return char, True


def pipelines(text: str, *, powershell: bool) -> list[list[str]]:
    """``text`` split into pipelines (``;``/newline/``&&``/``||``, and cmd's ``&``) of commands
    (``|``), separators inside quotes, script blocks or groups left alone. cmd's ``^`` and
    PowerShell's backtick escape the character after them, a line continuation included."""
    text = re.sub(r"`\r?\n", " ", text) if powershell else re.sub(r"\^\r?\n", "", text)
    found: list[list[str]] = []
    current: list[str] = []
    buf: list[str] = []
    depth = 0

    def cut(*, pipeline: bool) -> None:
        current.append("".join(buf).strip())
        buf.clear()
        if pipeline:
            found.append([c for c in current if c])
            current.clear()

    cursor = _Cursor(text, powershell=powershell)
    while cursor.more():
        i = cursor.at
        char, bare = cursor.step()
        if not bare:
            buf.append(char)
        elif powershell and char in "{(":
            depth += 1
            buf.append(char)
        elif powershell and char in "})":
            depth = max(0, depth - 1)
            buf.append(char)
        elif depth == 0 and text[i : i + 2] in ("&&", "||"):
            cut(pipeline=True)
            cursor.at = i + 2
        elif depth == 0 and char == "|":
            cut(pipeline=False)
        elif depth == 0 and (char in ";\n" if powershell else char == "\n"):
            cut(pipeline=True)
        elif not powershell and char == "&" and not text[:i].endswith((">", "<")):
            cut(pipeline=True)  # cmd's ``&`` (not ``2>&1``)
        else:
            buf.append(char)
    cut(pipeline=True)
    return [p for p in found if p]


def pipelines_by_line(
    text: str, *, powershell: bool, on_line: Callable[[str], None]
) -> Iterator[list[str]]:
    """The pipelines of ``text`` in order; cmd reads a line at a time (``on_line`` is told
    each line when its first pipeline is reached), PowerShell the whole text at once."""
    if powershell:
        yield from pipelines(text, powershell=True)
        return
    for line in re.sub(r"\^\r?\n", "", text).split("\n"):
        on_line(line)
        yield from pipelines(line, powershell=False)


class Redirection(NamedTuple):
    """A redirection of a statement: ``appends`` for ``>>``; ``target`` as written."""

    target: str
    appends: bool


def redirections(statement: str, *, powershell: bool) -> tuple[str, list[Redirection]]:
    """``statement`` without its redirections, and the files those write (``nul``, ``$null``
    and another stream left out). cmd reads a ``>`` anywhere outside quotes (``echo x>f``)."""
    kept: list[str] = []
    found: list[Redirection] = []
    cursor = _Cursor(statement, powershell=powershell)
    while cursor.more():
        start = cursor.at
        char, bare = cursor.step()
        if not bare or char not in "<>":
            kept.append(char)
            continue
        if kept and kept[-1] in "0123456789*" and (len(kept) < 2 or kept[-2].isspace()):
            kept.pop()  # the stream number of ``2>``
        appends = statement.startswith(">>", start)
        i = start + (2 if appends else 1)
        if statement.startswith("&", i):  # ``2>&1``: another stream
            cursor.at = i + 2
            continue
        while i < len(statement) and statement[i].isspace():
            i += 1
        target, cursor.at = _word_at(statement, i, cursor.quotes)
        if char == ">" and target.lower() not in _NOWHERE:
            found.append(Redirection(target, appends))
        kept.append(" ")
    return "".join(kept), found


def _word_at(text: str, i: int, quotes: str) -> tuple[str, int]:
    """The word starting at ``i`` (quotes removed) and where it ends."""
    out: list[str] = []
    quote = ""
    while i < len(text):
        char = text[i]
        if quote:
            if char == quote:
                quote = ""
            else:
                out.append(char)
        elif char in quotes:
            quote = char
        elif char.isspace() or char in "<>|;&":
            break
        else:
            out.append(char)
        i += 1
    return "".join(out), i


def inner_texts(statement: str) -> list[str]:
    """The texts PowerShell runs inside a statement: each top-level ``{ ... }`` script block,
    ``( ... )`` group and ``$( ... )``/``@( ... )`` subexpression (also inside double quotes,
    where ``$( ... )`` still runs)."""
    found: list[str] = []
    quote = ""
    i = 0
    while i < len(statement):
        char = statement[i]
        if char == "`" and quote != "'":
            i += 2
            continue
        if quote == "'" or (quote == '"' and not statement.startswith("$(", i)):
            if char == quote:
                quote = ""
            i += 1
            continue
        if char in "\"'":
            quote = char
            i += 1
            continue
        if statement.startswith(("${", "@{"), i):
            # A variable's name (``${env:TEMP}``) or a hashtable: nothing runs.
            i = _closing(statement, i + 2, "{") + 1
            continue
        if (
            statement.startswith(("$(", "@("), i)
            or char == "{"
            or (char == "(" and _word_start(statement, i))
        ):
            start = i + 1 if char in "({" else i + 2
            end = _closing(statement, start, "{" if char == "{" else "(")
            found.append(statement[start:end])
            i = end + 1
            continue
        i += 1
    return found


def _word_start(text: str, i: int) -> bool:
    """Whether the ``(`` at ``i`` starts a group (not a method's arguments: ``$x.Trim(...)``,
    whose parentheses are read through, so a group inside them is still found)."""
    before = text[:i].rstrip()
    if before.lstrip() in ("&", "."):
        return True  # the call operator's group: ``&('Remove'+'-Item')``
    # Only a member's name (``.Trim``, ``::Delete``) takes arguments in parentheses: after a
    # cast (``[void](...)``), an operator (``-join(...)``), a command's name (``Write-Output(
    # ...)``) or a blank, the group runs.
    return before != text[:i] or re.search(r"(?:\.|::)[\w`]+$", before) is None


def _closing(text: str, start: int, opening: str) -> int:
    """Where the bracket opened just before ``start`` closes (the end of the text when it
    does not), quotes and nested brackets skipped."""
    closing = "}" if opening == "{" else ")"
    depth = 1
    quote = ""
    i = start
    while i < len(text):
        char = text[i]
        if char == "`" and quote != "'":
            i += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)
