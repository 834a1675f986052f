"""keyturn's own variables changed the Windows ways the line scan of :mod:`._keyturn_vars`
does not read: ``setx KEYTURN_POLICY ""`` (persistent, for every later process),
``[Environment]::SetEnvironmentVariable('KEYTURN_POLICY', $null)``, and the ``Env:`` drive
named with a wildcard or a slash (``Remove-Item Env:*``, ``Env:/KEYTURN_POLICY``). Each gives
the same ``update`` of ``env:KEYTURN_*`` the scan gives, which self-protection denies.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect
from keyturn.understand.shell.commands._keyturn_vars import (
    emptied_environment,
)
from keyturn.understand.shell.commands._keyturn_vars import (
    variable_effects as keyturn_variable_effects,
)
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_SET_VARIABLE = re.compile(r"(?i)SetEnvironmentVariable\s*\(\s*['\"]?([^'\",)]*)")
_ENV_DRIVE = re.compile(r"(?i)(?<![\w$])env:[\\/]*([\w*?\[\]]*)")
_EVERY = "KEYTURN_"


def _touched(name: str) -> str | None:
    """The keyturn variable (or ``KEYTURN_*``) a variable name or wildcard can name."""
    upper = name.upper()
    if upper.startswith(_EVERY) and not re.search(r"[*?\[]", upper):
        return upper
    prefix = re.split(r"[*?\[]", upper, maxsplit=1)[0]
    if re.search(r"[*?\[]", upper) and (_EVERY.startswith(prefix) or prefix.startswith(_EVERY)):
        return _EVERY + "*"
    return None


def _updates(names: Sequence[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    touched = sorted({t for t in map(_touched, names) if t is not None})
    if _EVERY + "*" in touched:
        # ``Remove-Item Env:*``: every keyturn variable at once.
        return [emptied_environment(cmd.text or cmd.name, ctx.target)]
    return [e for t in touched for e in keyturn_variable_effects(f"{t}=", target=ctx.target)]


def keyturn_settings(statement: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """The keyturn variables a PowerShell statement sets through .NET or the ``Env:`` drive."""
    names = _SET_VARIABLE.findall(statement) + _ENV_DRIVE.findall(statement)
    return _updates(names, cmd, ctx) if names else []


def setx(args: Sequence[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``setx NAME VALUE`` sets a variable for every process started later (``/m``: for every
    user); only keyturn's own are understood."""
    names = [a for a in args if not a.startswith(("/", "-"))][:1]
    found = _updates(names, cmd, ctx)
    return found or [unknown_effect(cmd, "setx changes a variable every later process sees", ctx)]
