"""Windows drives seen from a POSIX shell: ``/mnt/c/prod/data`` (WSL), ``/c/prod/data`` (Git
Bash, MSYS2), ``/cygdrive/c/prod/data`` (Cygwin) and ``C:\\prod\\data`` typed as is are all
``C:\\prod\\data``.

- In a WSL session (``WSL_DISTRO_NAME`` or ``WSL_INTEROP`` in the environment) each drive is
  mounted at ``/mnt/<letter>``.
- In a Windows session (``MSYSTEM``, set by Git Bash and MSYS2 -- the shell Claude Code runs
  commands in on Windows -- or ``OS=Windows_NT``, set for every Windows process) each drive is
  ``/<letter>`` and ``/cygdrive/<letter>``, and a word such as ``C:\\prod\\data`` or ``C:/prod``
  is that absolute path, not one under the working directory.

Each such name gains the drive's spelling, ``file:C:/prod/data`` (one name more only ever
matches more), so a policy protecting the Windows path holds against every spelling, and
``rm -rf /c`` is the drive's root: catastrophic. Elsewhere these are ordinary directories and
keep their one name.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from keyturn.model import Effect, Resource
from keyturn.understand.shell.registry import evolve

_WSL_MOUNT = re.compile(r"file:/mnt/([A-Za-z])(/.*)?\Z", re.DOTALL)
_WINDOWS_MOUNT = re.compile(r"file:(?:/cygdrive)?/([A-Za-z])(/.*)?\Z", re.DOTALL)
# A drive path typed as a word, joined to the working directory by the POSIX reading:
# ``file:/home/u/C:\prod\data``.
_TYPED_DRIVE = re.compile(r"file:.*?/([A-Za-z]):([\\/].*)?\Z", re.DOTALL)
_DRIVE_PATH = re.compile(r"([A-Za-z]):([\\/].*)?\Z", re.DOTALL)
_WSL_VARIABLES = ("WSL_DISTRO_NAME", "WSL_INTEROP")


def in_wsl(env: Mapping[str, str]) -> bool:
    """Whether the environment is a WSL session's."""
    return any(env.get(name) for name in _WSL_VARIABLES)


def in_windows_shell(env: Mapping[str, str]) -> bool:
    """Whether the environment is that of a POSIX shell running on Windows."""
    return bool(env.get("MSYSTEM")) or env.get("OS") == "Windows_NT"


def mounted_drive_path(path: str) -> str:
    """A drive path (``C:\\Users\\me``) as Git Bash spells it (``/c/Users/me``); any other
    path as it is."""
    found = _DRIVE_PATH.match(path)
    if found is None:
        return path
    rest = (found.group(2) or "").replace("\\", "/").lstrip("/")
    return f"/{found.group(1).lower()}/{rest}".rstrip("/") or "/"


def with_drive_names(effects: list[Effect], *, windows: bool = False) -> list[Effect]:
    """``effects`` with a ``file:X:/…`` name beside each name that spells a drive: under
    ``/mnt/x`` (WSL), or, ``windows``, under ``/x`` or ``/cygdrive/x`` or typed as ``X:\\…``."""
    spell = _windows_drive_name if windows else _wsl_drive_name
    out = []
    for effect in effects:
        names = effect.resource.names
        extra = tuple(
            dict.fromkeys(
                alias for n in names if (alias := spell(n)) is not None and alias not in names
            )
        )
        if extra:
            effect = evolve(effect, resource=Resource(names + extra, effect.resource.type))
        out.append(effect)
    return out


def _wsl_drive_name(name: str) -> str | None:
    found = _WSL_MOUNT.match(name)
    if found is None:
        return None
    return f"file:{found.group(1).upper()}:{found.group(2) or '/'}"


def _windows_drive_name(name: str) -> str | None:
    # A drive typed as a word first: the directory it was joined to may be a mount itself.
    found = _TYPED_DRIVE.match(name)
    if found is None:
        found = _WINDOWS_MOUNT.match(name)
        return None if found is None else f"file:{found.group(1).upper()}:{found.group(2) or '/'}"
    rest = (found.group(2) or "/").replace("\\", "/")
    wide = rest.endswith("/*")
    path = posixpath.normpath(rest.removesuffix("/*") or "/")
    path = "/" if path in (".", "//") else path
    return f"file:{found.group(1).upper()}:{path}{'/*' if wide and path != '/' else ''}"
