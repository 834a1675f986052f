"""PowerShell forms that run other text, for the handlers of :mod:`.windows`.

What a command passes down a pipeline (``Get-ChildItem C:\\x | Remove-Item`` deletes what is in
``C:\\x``; ``'C:\\x' | Remove-Item`` deletes ``C:\\x``; ``'text' | iex`` runs ``text``), a
``ForEach-Object`` block with ``$_`` bound to those items, the command line ``Start-Process``
starts, constant variables (``$p = 'C:\\x'; Remove-Item $p``), and statements that are
expressions (a string, a variable) rather than commands. Pure functions of the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from keyturn.understand.shell.commands._windows_files import ps_arguments, ps_paths
from keyturn.understand.shell.commands._windows_paths import run_time_path, windows_path
from keyturn.understand.shell.commands._windows_words import tokens


class Flow(NamedTuple):
    """What a pipeline passes on: the items' paths (``file:`` form), or constant text; both
    ``None`` when it is not known."""

    paths: tuple[str, ...] | None = None
    text: str | None = None


UNKNOWN_FLOW = Flow()
_LISTS = frozenset({"get-childitem", "gci", "ls", "dir"})
_ITEMS = frozenset({"get-item", "gi", "resolve-path", "rvpa", "convert-path", "cvpa"})
_FILTERS = frozenset(
    {"where-object", "where", "?", "sort-object", "sort", "select-object", "select"}
)
FOREACH = frozenset({"foreach-object", "%", "foreach"})
# Words that run the script blocks of their statement (judged as text of their own) and do
# nothing else themselves.
BLOCK_RUNNERS = frozenset(
    {
        *("if", "elseif", "else", "for", "foreach", "while", "do", "until", "switch"),
        *("try", "catch", "finally", "trap", "function", "filter", "begin", "process", "end"),
        *("&", ".", "where-object", "where", "?", "foreach-object", "%"),
        *("invoke-command", "icm", "start-job", "sajb", "measure-command"),
    }
)
_REMOTE = re.compile(r"(?i)^-(computername|cn|session|vmname|vmid|hostname|containerid|uri)")


def flow_after(words: Sequence[str], previous: Flow, cwd: str | None) -> Flow:
    """What the command ``words`` passes down its pipeline."""
    name = words[0].lower()
    if name in _FILTERS:
        return previous  # only narrows what it is given
    if name in _LISTS or name in _ITEMS:
        named, positional = ps_arguments(words[1:])
        found = [raw for raw, _ in ps_paths(named, positional)] or ["."]
        if any(run_time_path(p, cwd, powershell=True) for p in found):
            return UNKNOWN_FLOW
        if cwd is None and any(not _absolute(p) for p in found):
            return UNKNOWN_FLOW
        paths = [windows_path(p, cwd) for p in found]
        if name in _LISTS:
            paths = [p if p.endswith("*") else p.rstrip("/") + "/*" for p in paths]
        return Flow(paths=tuple(paths))
    return UNKNOWN_FLOW


def _absolute(raw: str) -> bool:
    path = raw.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"[A-Za-z]:", path))


def constant(statement: str) -> str | None:
    """The text of a statement that is one constant string (``'x'``, ``"x"`` without a
    ``$``), else ``None``."""
    text = statement.strip()
    if len(text) > 1 and text[0] == text[-1] == "'" and "'" not in text[1:-1]:
        return text[1:-1]
    if len(text) > 1 and text[0] == text[-1] == '"' and not re.search(r'["$`]', text[1:-1]):
        return text[1:-1]
    return None


def string_flow(statement: str) -> Flow | None:
    """What a statement that is a constant string passes on (as a path and as text)."""
    value = constant(statement)
    if value is None:
        return None
    return Flow(paths=(windows_path(value),) if re.match(r"[A-Za-z]:", value) else None, text=value)


def bound_blocks(blocks: Sequence[str], flow: Flow) -> list[str]:
    """A ``ForEach-Object`` statement's blocks with ``$_`` (``$PSItem``, ``.FullName``) put in
    for each item the pipeline passes, when those are known."""
    if not flow.paths:
        return list(blocks)
    item = re.compile(r"(?i)\$(?:_|psitem)\b(?:\.(?:fullname|pspath))?(?![.\w])")
    return [item.sub(f"'{path}'", block) for block in blocks for path in flow.paths]


def remote(words: Sequence[str]) -> bool:
    """Whether ``Invoke-Command``'s words send its block to another computer or session."""
    return any(_REMOTE.match(w) for w in words[1:])


_START_VALUED = (
    "filepath",
    "argumentlist",
    "args",
    "workingdirectory",
    "verb",
    "windowstyle",
    "credential",
    "redirectstandardoutput",
    "redirectstandarderror",
    "redirectstandardinput",
    "environment",
)


class Started(NamedTuple):
    """The program and argument words ``Start-Process`` starts, and where."""

    words: list[str]
    cwd: str | None
    writes: list[str]


def started(args: Sequence[str], cwd: str | None) -> Started | None:
    """What ``Start-Process ARGS`` starts (``None``: no program named)."""
    named: dict[str, list[str]] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        word = args[i]
        # A quoted ``'-c ri -r C:\\x'`` is a value (a parameter's name holds no blank).
        if word.startswith("-") and len(word) > 1 and not re.search(r"\s", word):
            given, _, inline = word[1:].partition(":")
            matches = [p for p in _START_VALUED if p.startswith(given.lower())]
            if matches:
                value = inline or (args[i + 1] if i + 1 < len(args) else "")
                named.setdefault(matches[0], []).append(value)
                i += 1 if inline else 2
                continue
        else:
            positional.append(word)
        i += 1
    program = (named.get("filepath") or positional[:1] or [""])[0]
    if not program:
        return None
    arguments = named.get("argumentlist", []) + named.get("args", [])
    arguments += positional[1:] if "filepath" not in named else positional
    words = [program]
    for argument in arguments:
        if argument.startswith(("@(", "(")):
            # An array (``@('/c', 'rd', ...)``): its items.
            argument = argument.removeprefix("@").removeprefix("(").removesuffix(")")
        for part in argument.split(","):
            words.extend(tokens(part, powershell=False))
    where = named.get("workingdirectory")
    moved = windows_path(where[0], cwd) if where else cwd
    writes = named.get("redirectstandardoutput", []) + named.get("redirectstandarderror", [])
    return Started(words, moved, writes)


# ``$name = ...`` or ``${name} = ...`` (not ``$env:X``, not ``==``).
_ASSIGNMENT = re.compile(r"^\$(?:\{(\w+)\}|(\w+))\s*=(?!=)\s*(.*)$", re.DOTALL)
_VARIABLE_USE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))(?=$|[\\/])")


def assignment(statement: str) -> tuple[str, str] | None:
    """``$name = rest`` (a variable, not ``$env:X``): the name, lower-cased, and the rest."""
    match = _ASSIGNMENT.match(statement.strip())
    return ((match.group(1) or match.group(2)).lower(), match.group(3)) if match else None


def with_variables(words: list[str], variables: dict[str, str]) -> list[str]:
    """``words`` with the constant variables set earlier in the text put in."""
    if not variables:
        return words
    return [
        _VARIABLE_USE.sub(
            lambda m: variables.get((m.group(1) or m.group(2)).lower(), m.group(0)), w
        )
        for w in words
    ]


# An expression statement (a value, not a command) that calls a .NET method.
_METHOD_CALL = re.compile(r"(?:\.|::)\s*(\w+)\s*\(")
# Methods that only compute a value from strings and dates (``(Get-Date).ToString('yyyy')``).
_VALUE_METHODS = frozenset(
    {
        *("tostring", "toupper", "tolower", "trim", "trimstart", "trimend", "split"),
        *("replace", "substring", "contains", "startswith", "endswith", "indexof", "join"),
        *("format", "gettype", "equals", "padleft", "padright", "adddays", "addhours"),
    }
)


def expression(statement: str) -> str | None:
    """``read`` for a statement that is a value (a string, a number, a variable, a group, a
    script block -- its text is judged on its own),
    ``method`` for one that calls a method (``(Get-Item X).Delete()``), else ``None``."""
    text = statement.strip()
    if not text or text[0] not in "'\"$([@{0123456789":
        return None
    called = {m.lower() for m in _METHOD_CALL.findall(text)}
    return "method" if called - _VALUE_METHODS else "read"
