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
import shlex
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from keyturn.understand.shell.commands._powershell_aliases import (
    block_aliases,
    definition,
    meanings,
)
from keyturn.understand.shell.commands._powershell_cloud import CloudSession
from keyturn.understand.shell.commands._powershell_forms import (
    assignment,
    constant,
    with_variables,
)
from keyturn.understand.shell.commands._windows_cmd_values import CmdValues

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
    other ways (``None``: any), the environment variables it sets, the aliases it makes
    (:mod:`._powershell_aliases`), where its cloud cmdlets go (:mod:`._powershell_cloud`), and
    cmd's values (:mod:`._windows_cmd_values`). A block's bindings start from those of the text
    around it (it runs in the same scope)."""

    powershell: bool
    unstable: frozenset[str] | None
    changed: frozenset[str]
    stable_environment: frozenset[str] = frozenset()
    variables: dict[str, str] = field(default_factory=dict)
    splats: dict[str, list[str]] = field(default_factory=dict)
    environment: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    inner_aliases: dict[str, list[str]] = field(default_factory=dict)
    any_alias: bool = False
    cloud: CloudSession = field(default_factory=CloudSession)
    cmd: CmdValues = field(default_factory=CmdValues)

    @classmethod
    def of(
        cls,
        text: str,
        statements: Sequence[str],
        *,
        powershell: bool,
        outer: Bindings | None = None,
    ) -> Bindings:
        """The bindings of ``text``, whose top-level statements are ``statements`` (a block of
        the text ``outer`` binds)."""
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
        found = cls(powershell, unstable, changed, stable)
        if powershell:
            found.inner_aliases, found.any_alias = block_aliases(text, statements)
            found.cloud = CloudSession.of(text, statements)
        if outer is not None and outer.powershell == powershell:
            found.inherit(outer)
        return found

    def inherit(self, outer: Bindings) -> None:
        """Start from what the text around this block bound (its writes inside the block are
        the outer text's too, so the constants it kept still hold here)."""
        self.changed |= outer.changed
        if self.unstable is not None:
            kept = {k: v for k, v in outer.variables.items() if k not in self.unstable}
            self.variables = {**kept, **self.variables}
        self.splats = {**outer.splats, **self.splats}
        self.environment = {**outer.environment, **self.environment}
        self.aliases = {**outer.aliases, **self.aliases}
        for name, values in outer.inner_aliases.items():
            self.inner_aliases.setdefault(name, []).extend(values)
        self.any_alias = self.any_alias or outer.any_alias
        self.cloud.inherit(outer.cloud)
        self.cmd = CmdValues(dict(outer.cmd.current), dict(outer.cmd.read))

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

    def define_alias(self, words: Sequence[str]) -> bool:
        """A ``Set-Alias``/``New-Alias`` statement ran: its name runs its command from now on.
        Whether ``words`` are one."""
        found = definition(words)
        if found is not None:
            self.aliases[found[0]] = found[1]
        return found is not None

    def commands(self, word: str) -> list[str]:
        """What a statement's command word may run (its aliases followed)."""
        if not self.powershell:
            return [word]
        return meanings(word, self.aliases, self.inner_aliases, self.any_alias)

    def words(self, words: Sequence[str]) -> tuple[list[str], list[str]]:
        """A statement's words with what the text bound put in, and the splats decided at run
        time (taken out)."""
        found = unbound(words, self.changed, powershell=self.powershell, values=self.environment)
        if not self.powershell:
            return self.cmd.readings(found, self.changed, call=False)[0], []
        # A constant splatted (``@a``) is passed on as one argument.
        tables = {**{k: [v] for k, v in self.variables.items()}, **self.splats}
        return splatted(with_variables(found, self.variables), tables)

    def cmd_readings(self, words: Sequence[str], *, call: bool) -> list[list[str]]:
        """A cmd statement's words as cmd expands them (both readings of a ``call``)."""
        return self.cmd.readings(words, self.changed, call=call)

    def environment_prefix(self) -> str:
        """The environment variables the text set, as the assignments of a shell line (a value
        not known stands for one decided at run time), for the programs it runs."""
        from keyturn.understand.shell.commands._powershell_aws import RUN_TIME

        values: dict[str, str | None] = dict(self.environment)
        names = sorted(self.changed - {"home"})  # ``$HOME`` is PowerShell's, not the process's
        if not self.powershell:
            # cmd's ``set`` runs in order: only what was set so far.
            values, names = dict(self.cmd.current), sorted(self.cmd.current)
        out = []
        for name in names:
            if not re.fullmatch(r"[A-Za-z_]\w*", name):
                continue
            value = values.get(name)
            out.append(f"{name.upper()}={RUN_TIME if value is None else shlex.quote(value)} ")
        return "".join(out)
