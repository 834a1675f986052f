"""What ``powershell.exe`` / ``pwsh`` runs, read from its own parameters.

Both take a parameter by any prefix that is not ambiguous, with ``-`` or ``/``, and a value
after a blank or a colon (``-EncodedC``, ``-en``, ``/EncodedCommand``, ``-Exec Bypass``,
``-ExecutionPolicy:Bypass``); some have short names of their own (``-ec``, ``-ep``, ``-nop``,
``-noni``, ``-wd``, ``-cwa``). A prefix shared by the parameter that runs text and another is
read as the one that runs text (the stricter reading). A parameter keyturn does not know is
told, so that the call is judged unknown as well. Pure functions of the words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from keyturn.model import Effect
from keyturn.understand.shell.commands._keyturn_vars import (
    variable_effects as keyturn_variable_effects,
)
from keyturn.understand.shell.commands._windows_words import decode_utf16
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_RUNS = ("command", "commandwithargs", "encodedcommand", "file")
_SWITCHES = (
    "nologo",
    "noexit",
    "sta",
    "mta",
    "noprofile",
    "noninteractive",
    "interactive",
    "login",
    "help",
    "noprofileloadtime",
)
_VALUED = (
    "executionpolicy",
    "windowstyle",
    "version",
    "inputformat",
    "outputformat",
    "configurationname",
    "configurationfile",
    "custompipename",
    "settingsfile",
    "workingdirectory",
    "psconsolefile",
    "encodedarguments",
)
_SHORT = {
    "c": "command",
    "cwa": "commandwithargs",
    "e": "encodedcommand",
    "ec": "encodedcommand",
    "f": "file",
    "ep": "executionpolicy",
    "ex": "executionpolicy",
    "w": "windowstyle",
    "v": "version",
    "if": "inputformat",
    "of": "outputformat",
    "o": "outputformat",
    "wd": "workingdirectory",
    "nop": "noprofile",
    "noni": "noninteractive",
    "l": "login",
    "i": "interactive",
    "ea": "encodedarguments",
    "?": "help",
    "h": "help",
}
_ALL = (*_RUNS, *_SWITCHES, *_VALUED)


class HostCall(NamedTuple):
    """What the call runs: ``kind`` is ``text`` (PowerShell text), ``encoded`` (base64
    UTF-16LE text), ``file`` (a script file), ``stdin`` (what it reads) or ``interactive``;
    ``unknown`` the parameters keyturn does not know."""

    kind: str
    text: str
    unknown: tuple[str, ...]


def parameter(word: str) -> str | None:
    """The full name of the ``powershell.exe`` parameter ``word`` spells (``None``: none)."""
    name = word.lstrip("-/").split(":", 1)[0].lower()
    if not name:
        return None
    if name in _SHORT:
        return _SHORT[name]
    matches = [p for p in _ALL if p.startswith(name)]
    if name in matches:
        return name
    running = [p for p in matches if p in _RUNS]
    if running:
        return running[0]  # ``-co``, ``-en``: the reading that runs text
    return matches[0] if len(matches) == 1 else None


def host_call(args: Sequence[str]) -> HostCall:
    """What ``powershell.exe ARGS`` runs (the words after the program)."""
    unknown: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        if not word.startswith(("-", "/")) or word in ("-", "/"):
            # The first word that is no parameter starts the command text (``pwsh`` reads it as
            # a script's path: reading it as text is the stricter of the two).
            return HostCall("text", " ".join(args[i:]), tuple(unknown))
        name = parameter(word)
        inline = word.split(":", 1)[1] if ":" in word else None
        if name in ("command", "commandwithargs"):
            rest = ([inline] if inline else []) + list(args[i + 1 :])
            if not rest or rest[0] == "-":
                return HostCall("stdin", "", tuple(unknown))
            return HostCall("text", " ".join(rest), tuple(unknown))
        if name == "encodedcommand":
            value = inline if inline else (args[i + 1] if i + 1 < len(args) else "")
            return HostCall("encoded", value, tuple(unknown))
        if name == "file":
            value = inline if inline else (args[i + 1] if i + 1 < len(args) else "-")
            return HostCall("stdin" if value == "-" else "file", value, tuple(unknown))
        if name in _VALUED and inline is None:
            i += 2
            continue
        if name is None:
            unknown.append(word)
        i += 1
    return HostCall("interactive", "", tuple(unknown))


def command_value(word: str) -> str:
    """An ``Invoke-Expression`` word without its ``-Command``/``-C:`` name."""
    name, colon, value = word.partition(":")
    if len(name) > 1 and "-command".startswith(name.lower()):
        return value if colon else ""
    return word


def host_text(
    args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext, *, at_top: bool
) -> tuple[list[Effect], str | None]:
    """What ``powershell.exe ARGS`` runs: the effects of its call itself (parameters not
    known, keyturn's own variables set in an encoded text) and the PowerShell text it runs
    (``-EncodedCommand`` decoded, its input when ``at_top``); ``None`` when that text is not
    at hand (the effects then say why)."""
    call = host_call(args)
    effects = [
        unknown_effect(cmd, f"powershell parameter {w!r} not known", ctx) for w in call.unknown
    ]
    text: str | None = call.text
    if call.kind == "encoded":
        text = decode_utf16(call.text)
        if text is None:
            return [
                unknown_effect(cmd, "powershell -EncodedCommand that does not decode", ctx)
            ], None
        # keyturn's own variables set in text that exists only once decoded.
        effects += keyturn_variable_effects(text, target=ctx.target)
    elif call.kind in ("stdin", "interactive"):
        text = cmd.stdin_text if at_top else None
    elif call.kind == "file":
        return [*effects, unknown_effect(cmd, "runs a PowerShell script file", ctx)], None
    if text is None:
        return [*effects, unknown_effect(cmd, "an interactive PowerShell", ctx)], None
    return effects, text
