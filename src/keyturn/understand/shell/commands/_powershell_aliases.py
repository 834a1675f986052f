"""Aliases a PowerShell text makes, for the bindings of :mod:`._powershell_bindings`.

``Set-Alias x Remove-Item`` (``sal``), ``New-Alias`` (``nal``), with ``-Name``/``-Value`` by any
prefix or by position (the Set-Alias and New-Alias references, about_Aliases): after it, ``x``
runs Remove-Item. An alias is looked up before functions, cmdlets and programs
(about_Command_Precedence), so an alias may take any command's name (``Set-Alias Get-ChildItem
Remove-Item``). A definition that is a statement of the text is followed in order; one inside a
block (``if``, a function, a loop) may or may not have run when the name is called, so both
meanings are judged; one whose name or value is not constant, or made through the ``Alias:``
drive or ``Import-Alias``, makes the name (or every name) decided at run time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.understand.shell.commands._windows_words import tokens

DEFINERS = frozenset({"set-alias", "sal", "new-alias", "nal"})
# The marker of an alias whose command is decided at run time.
RUN_TIME_ALIAS = "(alias decided at run time)"
_DEFINITION = re.compile(r"(?i)(?<![\w-])(?:set-alias|sal|new-alias|nal)(?![\w-])[^;\n|}]*")
# Names made aliases some other way: the drive (``Set-Item alias:x ...``), ``Import-Alias``.
_DRIVE = re.compile(r"(?i)(?<![\w$])alias:[\\/]*([\w-]+)")
_EVERY = re.compile(r"(?i)(?<![\w-])(?:import-alias|ipal)(?![\w-])")
_VALUED = ("description", "option", "scope")


def definition(words: Sequence[str]) -> tuple[str, str] | None:
    """``(name, command)`` of a ``Set-Alias``/``New-Alias`` statement's words (lower-cased name;
    :data:`RUN_TIME_ALIAS` for a command that is not constant); ``None`` without a name."""
    if not words or words[0].lower() not in DEFINERS:
        return None
    named: dict[str, str] = {}
    positional: list[str] = []
    i = 1
    while i < len(words):
        word = words[i]
        if len(word) > 1 and word.startswith("-"):
            given, colon, inline = word[1:].partition(":")
            key = given.lower()
            full = "name" if "name".startswith(key) else "value" if "value".startswith(key) else key
            valued = full in ("name", "value") or any(p.startswith(key) for p in _VALUED)
            if valued:
                named[full] = inline if colon else (words[i + 1] if i + 1 < len(words) else "")
                i += 1 if colon else 2
                continue
        else:
            positional.append(word)
        i += 1
    name = named.get("name") or (positional[0] if positional else None)
    rest = positional[1:] if "name" not in named else positional
    value = named.get("value") or (rest[0] if rest else None)
    if name is None or _dynamic(name):
        return None
    return name.lower(), RUN_TIME_ALIAS if value is None or _dynamic(value) else value


def _dynamic(word: str) -> bool:
    return bool(re.search(r"(?<!`)[$(@]", word))


def block_aliases(text: str, statements: Sequence[str]) -> tuple[dict[str, list[str]], bool]:
    """The aliases ``text`` defines other than by its top-level ``statements`` (name -> the
    commands it may stand for), and whether any name may be rebound (a name not constant,
    ``Import-Alias``)."""
    top: dict[str, int] = {}
    for statement in statements:
        found = definition(tokens(statement, powershell=True))
        if found is not None:
            top[found[0]] = top.get(found[0], 0) + 1
    inner: dict[str, list[str]] = {}
    every = bool(_EVERY.search(text))
    seen: dict[str, int] = {}
    for match in _DEFINITION.finditer(text):
        found = definition(tokens(match.group(0), powershell=True))
        if found is None:
            every = True
            continue
        seen[found[0]] = seen.get(found[0], 0) + 1
        if seen[found[0]] > top.get(found[0], 0):
            inner.setdefault(found[0], []).append(found[1])
    for name in _DRIVE.findall(text):
        inner.setdefault(name.lower(), []).append(RUN_TIME_ALIAS)
    return inner, every


def meanings(
    word: str, aliases: dict[str, str], inner: dict[str, list[str]], every: bool
) -> list[str]:
    """What the command word ``word`` may run: its alias's command (set so far), and those a
    block may have set; :data:`RUN_TIME_ALIAS` for one decided at run time."""
    name = word.lower()
    if name in DEFINERS:
        return [word]
    base = aliases.get(name, word)
    found = [base, *inner.get(name, [])]
    if every and name not in aliases:
        found.append(RUN_TIME_ALIAS)
    return list(dict.fromkeys(found))
