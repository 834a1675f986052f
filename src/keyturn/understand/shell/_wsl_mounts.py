"""Windows drives under WSL: ``/mnt/c/prod/data`` is ``C:\\prod\\data``.

In a WSL session (``WSL_DISTRO_NAME`` or ``WSL_INTEROP`` in the environment) each Windows drive
is mounted at ``/mnt/<letter>``, so a delete there is a delete of the Windows path a policy
protects as ``file:C:/prod/data``. Each such name gains that spelling too (one name more only
ever matches more): ``rm -rf /mnt/c`` is then the drive root, catastrophic. Outside WSL a
``/mnt/c`` is an ordinary directory and keeps its one name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from keyturn.model import Effect, Resource
from keyturn.understand.shell.registry import evolve

_MOUNTED = re.compile(r"file:/mnt/([A-Za-z])(/.*)?\Z", re.DOTALL)
_WSL_VARIABLES = ("WSL_DISTRO_NAME", "WSL_INTEROP")


def in_wsl(env: Mapping[str, str]) -> bool:
    """Whether the environment is a WSL session's."""
    return any(env.get(name) for name in _WSL_VARIABLES)


def with_drive_names(effects: list[Effect]) -> list[Effect]:
    """``effects`` with a ``file:X:/…`` name beside each ``file:/mnt/x/…`` one."""
    out = []
    for effect in effects:
        names = effect.resource.names
        extra = tuple(
            dict.fromkeys(
                alias for n in names if (alias := _drive_name(n)) is not None and alias not in names
            )
        )
        if extra:
            effect = evolve(effect, resource=Resource(names + extra, effect.resource.type))
        out.append(effect)
    return out


def _drive_name(name: str) -> str | None:
    found = _MOUNTED.match(name)
    if found is None:
        return None
    return f"file:{found.group(1).upper()}:{found.group(2) or '/'}"
