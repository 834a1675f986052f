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
from typing import NamedTuple

# Where a redirection writes nothing: the null device, another stream.
_NOWHERE = frozenset({"nul", "nul:", "$null", "con", "con:", "/dev/null"})


def pipelines(text: str, *, powershell: bool) -> list[list[str]]:
    """``text`` split into pipelines (``;``/newline/``&&``/``||``, and cmd's ``&``) of commands
    (``|``), separators inside quotes, script blocks or groups left alone. cmd's ``^`` and
    PowerShell's backtick escape the character after them, a line continuation included."""
    text = re.sub(r"`\r?\n", " ", text) if powershell else re.sub(r"\^\r?\n", "", text)
    quotes = "\"'" if powershell else '"'
    escape = "`" if powershell else "^"
    found: list[list[str]] = []
    current: list[str] = []
    buf: list[str] = []
    quote = ""
    depth = 0

    def cut(*, pipeline: bool) -> None:
        current.append("".join(buf).strip())
        buf.clear()
        if pipeline:
            found.append([c for c in current if c])
            current.clear()

    i = 0
    while i < len(text):
        char = text[i]
        if char == escape and quote != "'" and i + 1 < len(text):
            buf.append(text[i : i + 2])
            i += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in quotes:
            quote = char
        elif powershell and char in "{(":
            depth += 1
        elif powershell and char in "})":
            depth = max(0, depth - 1)
        elif depth == 0 and text[i : i + 2] in ("&&", "||"):
            cut(pipeline=True)
            i += 2
            continue
        elif depth == 0 and char == "|":
            cut(pipeline=False)
            i += 1
            continue
        elif depth == 0 and (char in ";\n" if powershell else char == "\n"):
            cut(pipeline=True)
            i += 1
            continue
        elif not powershell and char == "&" and not text[:i].endswith((">", "<")):
            cut(pipeline=True)  # cmd's ``&`` (not ``2>&1``)
            i += 1
            continue
        buf.append(char)
        i += 1
    cut(pipeline=True)
    return [p for p in found if p]


class Redirection(NamedTuple):
    """A redirection of a statement: ``appends`` for ``>>``; ``target`` as written."""

    target: str
    appends: bool


def redirections(statement: str, *, powershell: bool) -> tuple[str, list[Redirection]]:
    """``statement`` without its redirections, and the files those write (``nul``, ``$null``
    and another stream left out). cmd reads a ``>`` anywhere outside quotes (``echo x>f``)."""
    quotes = "\"'" if powershell else '"'
    escape = "`" if powershell else "^"
    kept: list[str] = []
    found: list[Redirection] = []
    quote = ""
    i = 0
    while i < len(statement):
        char = statement[i]
        if char == escape and quote != "'" and i + 1 < len(statement):
            kept.append(statement[i : i + 2])
            i += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in quotes:
            quote = char
        elif char in "<>":
            start = i
            if kept and kept[-1] in "0123456789*" and (len(kept) < 2 or kept[-2].isspace()):
                kept.pop()  # the stream number of ``2>``
            appends = statement.startswith(">>", i)
            i += 2 if appends else 1
            if statement.startswith("&", i):  # ``2>&1``: another stream
                i += 2
                continue
            while i < len(statement) and statement[i].isspace():
                i += 1
            target, i = _word_at(statement, i, quotes)
            if statement[start] == ">" and target.lower() not in _NOWHERE:
                found.append(Redirection(target, appends))
            kept.append(" ")
            continue
        kept.append(char)
        i += 1
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
    return not before or before[-1] in "=,(;|{!+*/%" or before != text[:i]


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
