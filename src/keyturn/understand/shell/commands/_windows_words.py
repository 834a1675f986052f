"""How cmd.exe and PowerShell text splits, for the handlers of :mod:`.windows`.

Windows text is not bash: a backslash is a path separator, ``^`` escapes in cmd, only double
quotes group in cmd (single quotes too in PowerShell), and a parenthesised PowerShell expression
is one word. Here are the separators between statements, the split of a statement into words,
the prefixes (``call``, ``start``) and glued switches (``rd/s/q``) cmd reads before the command
it runs, the words bash gave a handler split again the Windows way, and the text of a
``powershell -EncodedCommand`` decoded. They are pure text functions, kept apart from the
handlers that judge what the statements do.
"""

from __future__ import annotations

import base64
import binascii
import re

from keyturn.understand.shell.commands._powershell_text import plain_text
from keyturn.understand.shell.registry import SimpleCommand

CMD_SEPARATORS = re.compile(r"\s*(?:&&|\|\||&|\|)\s*")
PS_SEPARATORS = re.compile(r"\s*(?:&&|\|\||;|\||\n)\s*")


def tokens(text: str, *, powershell: bool) -> list[str]:
    """Split cmd or PowerShell text into words by its own rules (not bash's: a backslash is a
    path separator, ``C:\\ -Recurse`` is two words); in PowerShell a parenthesised expression is
    one word (``(Get-PSDrive C).Root``)."""
    quotes = "\"'" if powershell else '"'
    if powershell:
        pattern = "|".join([r"\([^)]*\)?", *(f"{q}[^{q}]*{q}?" for q in quotes), r"[^\s\"'(]+"])
    else:
        pattern = "|".join([*(f"{q}[^{q}]*{q}?" for q in quotes), rf"[^\s{quotes}]+"])
    words: list[str] = []
    for match in re.finditer(rf"(?:{pattern})+", text):
        word = match.group(0)
        if powershell:
            words.append(_ps_unquoted(word))
        else:
            words.append(word.replace('"', "").replace("^", ""))
    return words


def _ps_unquoted(word: str) -> str:
    """A PowerShell word without its quotes and escapes; a ``$`` in single quotes, literal there,
    is kept escaped (```$``, as PowerShell writes a literal one elsewhere)."""
    out: list[str] = []
    quote = ""
    escaped = False
    doubled = False  # the second of a doubled quote, already written
    for i, char in enumerate(word):
        if doubled:
            doubled = False
        elif escaped:
            # A backtick escapes the next character outside single quotes: ``Re`move-Item``
            # is Remove-Item (a literal ``$`` stays marked).
            out.append("`$" if char == "$" else char)
            escaped = False
        elif char == "`" and quote != "'":
            escaped = True
        elif quote:
            if char == quote and word[i + 1 : i + 2] == quote:
                # Inside quotes a doubled quote is one literal quote: "{""a"": 1}" is {"a": 1}.
                out.append(char)
                doubled = True
            elif char == quote:
                quote = ""
            else:
                out.append("`$" if char == "$" and quote == "'" else char)
        elif char in "'\"":
            quote = char
        else:
            out.append(char)
    return "".join(out)


# ``rd/s/q X``: cmd reads the switches glued to the command name as switches.
_GLUED_SWITCHES = re.compile(r"(?i)(rd|rmdir|del|erase)((?:/[a-z])+)")


def ungrouped(statement: str) -> str:
    """A cmd statement without the parentheses of a group around it (``(rd /s /q C:\\)``)."""
    inner = statement.strip().lstrip("(")
    while inner.endswith(")") and inner.count(")") > inner.count("("):
        inner = inner[:-1].rstrip()
    return inner


def command_words(words: list[str], *, powershell: bool) -> list[str]:
    """The words of the command a cmd statement runs, its prefixes and glued switches undone."""
    if powershell:
        return words
    while words:
        first = words[0].lstrip("@(")
        if first.lower() == "call":
            words = words[1:]
            continue
        if first.lower() == "start":
            rest = words[1:]
            while rest and (not rest[0] or rest[0].startswith("/")):
                rest = rest[1:]  # its options, an empty title
            words = rest
            continue
        glued = _GLUED_SWITCHES.fullmatch(first)
        if glued:
            switches = ["/" + s for s in glued.group(2).split("/") if s]
            return [glued.group(1), *switches, *words[1:]]
        return [first, *words[1:]] if first else words[1:]
    return words


def raw_words(cmd: SimpleCommand, *, powershell: bool = False) -> list[str]:
    """The words as written, split again and quotes removed the Windows way (backslashes
    kept): bash reads ``C:\\ -Recurse`` as one word (an escaped blank), cmd and PowerShell as
    two."""
    raw = cmd.raw_argv if len(cmd.raw_argv) == len(cmd.argv) else cmd.argv
    words: list[str] = []
    for word in raw:
        if len(word) > 1 and word.startswith("'") and word.endswith("'"):
            # One word, as bash gave it; in PowerShell, a literal one too.
            words.append(word[1:-1].replace("$", "`$") if powershell else word[1:-1])
        else:
            words.extend(tokens(word, powershell=powershell) or [""])
    return words


def raw_readings(cmd: SimpleCommand, *, powershell: bool) -> list[list[str]]:
    """:func:`raw_words`, and in PowerShell also the words with its other dashes and quotes in
    plain characters and its block comments taken out (:mod:`._powershell_text`), when that
    reads otherwise: ``Remove-Item “C:\\prod” –Recurse`` typed where PowerShell is the shell."""
    words = raw_words(cmd, powershell=powershell)
    if not powershell:
        return [words]
    text = " ".join(cmd.raw_argv if len(cmd.raw_argv) == len(cmd.argv) else cmd.argv)
    plain = plain_text(text)
    return [words] if plain == text else [words, tokens(plain, powershell=True)]


def decode_utf16(text: str) -> str | None:
    try:
        return base64.b64decode(text, validate=True).decode("utf-16-le")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


_WINDOWS_START = re.compile(
    r"(?i)^\s*(cmd(\.exe)?\s+/[ck]|powershell|pwsh|rd\s|rmdir\s+/|del\s|erase\s|remove-item|"
    r"ri\s|format\s+[a-z]:|format-volume|clear-disk)"
)


def looks_windows(text: str) -> bool:
    """Whether a line reads like a cmd or PowerShell command (judged by both parsers)."""
    return bool(_WINDOWS_START.match(text) or re.search(r"[A-Za-z]:\\", text))
