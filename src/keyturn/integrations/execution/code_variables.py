"""Settings in ``keyturn exec``'s own environment that make the command run or load code.

The shell understanding judges ``GIT_EXTERNAL_DIFF=./x git diff`` or ``BASH_ENV=./x bash -c …``
by what the setting runs (:mod:`keyturn.understand.shell.code_settings`), but only when the line
sets it: the caller's environment is not judged. ``keyturn exec`` may wrap an agent whose
environment the agent influenced, and a setting inherited that way runs code as surely as one
written on the line (``git diff`` runs ``$GIT_EXTERNAL_DIFF``, every ``bash`` sources
``$BASH_ENV``). So the command runs without them: every variable the understanding would judge
as running or loading code when set on the line is taken out of the child's environment (its
value is not looked at), and ``PATH`` loses its relative folders (``.``, an empty entry,
``./tools``: whatever the working directory holds would run under a tool's name). A setting the
command needs is written on the line instead, where it is judged
(``keyturn exec -- env PYTHONPATH=src pytest``).

Removing is the strict choice that keeps commands usable: judging each inherited setting as if
written on the line would hold every command of an operator whose shell sets ``EDITOR`` or
``PYTHONPATH``, while a command run without a pager, an editor or an extra library path still
does what was judged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from keyturn.understand.shell.code_settings import (
    COMMAND_VARIABLES,
    LOADING_VARIABLES,
    NPM_CODE_SETTINGS,
)

# Names the understanding matches by pattern (code_settings.variable_effects): git settings
# given as pairs, cargo's runners, linkers and credential providers, and go's flags (which may
# name a program go runs); the options variables of less and man (which may run a command).
_BY_PATTERN = re.compile(
    r"GIT_CONFIG_(?:KEY|VALUE)_\d+"
    r"|CARGO_(?:TARGET_\w+_(?:RUNNER|LINKER)|\w*CREDENTIAL_PROVIDERS?)"
    r"|GOFLAGS|LESS|SYSTEMD_LESS|MANOPT"
)
_NPM_PREFIX = "npm_config_"


def runs_code(name: str) -> bool:
    """Whether the variable ``name``, set on a command line, is judged by the code it runs or
    loads (whatever its value)."""
    if name in COMMAND_VARIABLES or name in LOADING_VARIABLES or _BY_PATTERN.fullmatch(name):
        return True
    if name.startswith("BASH_FUNC_"):
        return True  # ``export -f aws``: a bash started by the command runs it for ``aws``
    if name[: len(_NPM_PREFIX)].lower() == _NPM_PREFIX:
        return name[len(_NPM_PREFIX) :].lower().replace("_", "-") in NPM_CODE_SETTINGS
    return False


def without_code_settings(environ: Mapping[str, str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """``environ`` without the settings that run or load code (see the module doc), and the
    names taken out (``PATH`` among them when it lost a relative folder)."""
    kept: dict[str, str] = {}
    removed: list[str] = []
    for name, value in environ.items():
        if runs_code(name):
            removed.append(name)
        elif name == "PATH":
            folders = value.split(os.pathsep)
            absolute = [f for f in folders if os.path.isabs(f)]
            if len(absolute) != len(folders):
                removed.append("PATH (relative folders)")
            kept[name] = os.pathsep.join(absolute)
        else:
            kept[name] = value
    return kept, tuple(sorted(removed))
