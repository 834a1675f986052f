"""What PowerShell and cmd names stand for when the text itself binds them, for the handlers of
:mod:`.windows`.

A constant variable (``$p = 'C:\\x'``) is put in for its uses only when the text changes it no
other way: ``$p += ...``, ``${p} = ...``, ``$script:p = ...``, an assignment inside a block
(``if (...) { $p = ... }``, which runs in the same scope), ``[ref]$p``, ``-OutVariable p`` or
``Set-Variable`` leave what it holds to run time. An environment variable the text sets
(``$env:TEMP = ...``, ``set TEMP=...``) is no longer the well-known folder, and cmd's delayed
``!NAME!`` is decided at run time too. A hashtable of constants splatted into a command
(``$p = @{Path='C:\\x'; Recurse=$true}; Remove-Item @p``) gives its parameters; any other splat
is decided at run time. The call operator with a computed name (``& ('Remove'+'-Item')``,
``& (Get-Command ri)``) runs the command the constant parts spell. No I/O: all from the text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from keyturn.understand.shell.commands._powershell_forms import (
    assignment,
    constant,
    with_variables,
)

_SCOPE = r"(?:(?:global|script|local|private|using|variable):)?"
_NAME = rf"\$\{{?{_SCOPE}(\w+)\}}?"
# Every way a statement writes a variable: an assignment of any kind (``=``, ``+=``, to an
# element or a property), ``++``/``--``, ``[ref]``, a multiple assignment, a loop variable.
_WRITES = (
    re.compile(rf"(?i){_NAME}\s*(?:\[[^\]]*\]|\.\w+)*\s*(?:[-+*/%]?=(?!=)|\+\+|--(?!%))"),
    re.compile(rf"(?i)(?:\+\+|--){_NAME}"),
    re.compile(rf"(?i)\[ref\]\s*{_NAME}"),
    re.compile(rf"(?i){_NAME}\s*,(?=[^=;\n]*=(?!=))"),
    re.compile(rf"(?i)\bforeach\s*\(\s*{_NAME}"),
    # The common parameters that store a command's output, errors or items in a variable.
    re.compile(
        r"(?i)(?<![\w-])-(?:ov|ev|wv|iv|pv|(?:out|error|warning|information|pipeline)v\w*)"
        r"(?::|\s+)['\"]?\+?(\w+)"
    ),
)
# What may change any variable by name: after one of these, no constant is trusted.
_ANY_VARIABLE = re.compile(
    r"(?i)(?<![\w-])(?:set-variable|sv|new-variable|nv|clear-variable|clv|remove-variable|rv)"
    r"(?![\w-])|variable:|psvariable|\$executioncontext"
)


def unstable_variables(text: str, simple: Counter[str]) -> frozenset[str] | None:
    """The variables ``text`` writes other than by the ``simple`` top-level assignments counted
    (lower-cased names); ``None`` when any variable may be written."""
    if _ANY_VARIABLE.search(text):
        return None
    writes: Counter[str] = Counter()
    for pattern in _WRITES:
        writes.update(m.lower() for m in pattern.findall(text))
    return frozenset(name for name, count in writes.items() if count > simple[name])


# The environment variables a PowerShell text sets: ``$env:NAME = ...``, the ``Env:`` drive
# (``Set-Item env:NAME``), .NET; and ``$HOME``.
_PS_ENV_SET = (
    re.compile(r"(?i)\$\{?env:(\w+(?:\(x86\))?)\}?\s*[-+*/%]?=(?!=)"),
    re.compile(r"(?i)(?<![\w$])(?<!\$\{)env:[\\/]*(\w+(?:\(x86\))?)"),
    re.compile(r"(?i)SetEnvironmentVariable\s*\(\s*['\"](\w+(?:\(x86\))?)"),
    re.compile(rf"(?i)(?<!env:)\$\{{?{_SCOPE}(home)\}}?\s*[-+*/%]?=(?!=)"),
)
# cmd's ``set NAME=value`` (``set "NAME=value"``, ``set /a``, ``set /p``).
_CMD_SET = re.compile(r"(?i)(?<![\w-])set\s+(?:/[ap]\s+)?\"?([^\s=\"]+)\s*=")


def changed_environment(text: str, *, powershell: bool) -> frozenset[str]:
    """The environment variables (lower-cased) ``text`` sets, whose well-known values no longer
    hold after it."""
    patterns = _PS_ENV_SET if powershell else (_CMD_SET,)
    return frozenset(m.lower() for p in patterns for m in p.findall(text))


def unbound(
    words: Sequence[str],
    changed: frozenset[str],
    *,
    powershell: bool,
    values: dict[str, str] | None = None,
) -> list[str]:
    """``words`` with the environment variables set earlier in the text (and cmd's delayed
    ``!NAME!``) made names decided at run time, so that no well-known value is put in; those
    the text set to a constant (``values``) are given it."""
    out = []
    for word in words:
        if changed and powershell:
            word = re.sub(
                r"(?i)(?<!`)\$\{?env:(\w+(?:\(x86\))?)\}?|(?<!`)\$\{?(home)\}?\b",
                lambda m: _unbound(m, changed, "${%s, set in the text}", values or {}),
                word,
            )
        elif changed:
            word = re.sub(
                r"%([A-Za-z0-9_()]+)%",
                lambda m: _unbound(m, changed, "%%%s:set in the text%%", {}),
                word,
            )
        if not powershell:
            # ``!NAME!`` with delayed expansion on (``cmd /v:on``, or the registry's
            # DelayedExpansion): the value at run time.
            word = re.sub(r"!([^!\s]+)!", r"%\1:delayed%", word)
        out.append(word)
    return out


def _unbound(
    match: re.Match[str], changed: frozenset[str], form: str, values: dict[str, str]
) -> str:
    name = match.group(1) or match.group(match.lastindex or 1)
    if name.lower() in values:
        return values[name.lower()]
    return form % name if name.lower() in changed else match.group(0)


_ENV_ASSIGNMENT = re.compile(r"(?i)^\$\{?env:(\w+(?:\(x86\))?)\}?\s*=(?!=)\s*(.*)$", re.DOTALL)


def splat_words(value: str) -> list[str] | None:
    """The parameters a hashtable of constants spells when splatted (``@{Path='C:\\x';
    Recurse=$true}`` -> ``-Path:C:\\x -Recurse:$true``); ``None`` when it is no such table."""
    text = value.strip()
    if not (text.startswith("@{") and text.endswith("}")):
        return None
    words = []
    for entry in _entries(text[2:-1]):
        key, sep, raw = entry.partition("=")
        key = key.strip().strip("'\"")
        if not sep or not re.fullmatch(r"\w+", key):
            return None
        given = raw.strip()
        if given.lower() in ("$true", "$false") or re.fullmatch(r"\d+", given):
            words.append(f"-{key}:{given}")
            continue
        parts = [constant(p) for p in _outside_quotes(given, ",")]
        if not parts or any(p is None for p in parts):
            return None
        words.append(f"-{key}:" + ",".join(p for p in parts if p is not None))
    return words


def _entries(body: str) -> list[str]:
    return [e for e in _outside_quotes(body, ";\n") if e.strip()]


def _outside_quotes(text: str, separators: str) -> list[str]:
    """``text`` cut at each of ``separators`` outside quotes."""
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in separators:
            parts.append("".join(current))
            current.clear()
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


_SPLAT = re.compile(r"^@(\w+)$")


def splatted(words: Sequence[str], splats: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """``words`` with each ``@name`` splat replaced by the parameters its constant table gives,
    and the splats whose parameters are decided at run time (taken out of the words)."""
    out: list[str] = []
    unknown: list[str] = []
    for word in words:
        match = _SPLAT.match(word)
        if match is None:
            out.append(word)
        elif match.group(1).lower() in splats:
            out.extend(splats[match.group(1).lower()])
        else:
            unknown.append(word)
    return out, unknown


_CALLED = re.compile(r"^\s*[&.]\s*\(")
_GET_COMMAND = re.compile(r"(?i)^\s*(?:get-command|gcm)\s+(?:-name\s+)?['\"]?([\w.\\-]+)['\"]?\s*$")


def called_name(statement: str, group: str) -> str | None:
    """The command ``& (group) ...`` runs when its name is spelled by constants: strings joined
    with ``+``, or ``Get-Command NAME``; ``None`` when it is decided at run time."""
    if not _CALLED.match(statement):
        return None
    found = _GET_COMMAND.match(group)
    if found is not None:
        return found.group(1)
    parts = [constant(p) for p in _outside_quotes(group, "+")]
    if not parts or any(p is None for p in parts):
        return None
    return "".join(p for p in parts if p is not None) or None


def calls_group(statement: str) -> bool:
    """Whether a statement calls a command named by a group (``& (...)``, ``.(...)``)."""
    return bool(_CALLED.match(statement))


@dataclass
class Bindings:
    """What the names of one cmd or PowerShell text hold as its statements run in order: the
    constant variables and splatting tables set so far, which variables the text may write
    other ways (``None``: any), and the environment variables it sets."""

    powershell: bool
    unstable: frozenset[str] | None
    changed: frozenset[str]
    stable_environment: frozenset[str] = frozenset()
    variables: dict[str, str] = field(default_factory=dict)
    splats: dict[str, list[str]] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str, statements: Sequence[str], *, powershell: bool) -> Bindings:
        """The bindings of ``text``, whose top-level statements are ``statements``."""
        given = (assignment(s) if powershell else None for s in statements)
        simple = Counter(g[0] for g in given if g is not None)
        unstable = unstable_variables(text, simple) if powershell else frozenset()
        changed = changed_environment(text, powershell=powershell)
        # An environment variable set once, by a top-level ``$env:NAME = 'constant'``.
        env_simple = Counter(
            m.group(1).lower() for s in statements if (m := _ENV_ASSIGNMENT.match(s.strip()))
        )
        env_writes: Counter[str] = Counter()
        for pattern in _PS_ENV_SET:
            env_writes.update(m.lower() for m in pattern.findall(text))
        stable = frozenset(
            n for n, c in env_simple.items() if c == 1 and env_writes[n] == 1 and powershell
        )
        return cls(powershell, unstable, changed, stable)

    def assign_environment(self, statement: str) -> None:
        """``$env:NAME = 'constant'`` ran: later uses of ``$env:NAME`` hold the constant."""
        match = _ENV_ASSIGNMENT.match(statement.strip())
        if match is None or match.group(1).lower() not in self.stable_environment:
            return
        value = constant(match.group(2))
        if value is not None and "$" not in value:
            self.environment[match.group(1).lower()] = value

    def assign(self, name: str, value: str) -> None:
        """``$name = value`` ran: the constant (or table) it holds now, if it is trusted."""
        self.variables.pop(name, None)
        self.splats.pop(name, None)
        if self.unstable is None or name in self.unstable:
            return
        text = constant(value)
        if text is not None:
            self.variables[name] = text
        table = splat_words(value)
        if table is not None:
            self.splats[name] = table

    def words(self, words: Sequence[str]) -> tuple[list[str], list[str]]:
        """A statement's words with what the text bound put in, and the splats decided at run
        time (taken out)."""
        found = unbound(words, self.changed, powershell=self.powershell, values=self.environment)
        if not self.powershell:
            return found, []
        # A constant splatted (``@a``) is passed on as one argument.
        tables = {**{k: [v] for k, v in self.variables.items()}, **self.splats}
        return splatted(with_variables(found, self.variables), tables)
