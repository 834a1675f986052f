"""Paths in shell words, as absolute POSIX paths (``.``/``..`` resolved against the working
directory, a part decided at run time kept as written), and a program word's basename.

Built on :mod:`keyturn.understand.paths`, which the MCP and agents' file tools share; this
module adds what a shell word may hold that a file tool's path does not (``$X``, ``$(…)``,
backquotes, ``~-``).
"""

from __future__ import annotations

import re

from keyturn.understand.paths import posix_path


def normalize_path(path: str, *, cwd: str) -> str:
    """An absolute POSIX path: relative paths against ``cwd``, ``.``/``..``/``//`` resolved, the
    ``/proc`` links to the root and the working directory followed (:mod:`keyturn.understand.paths`,
    shared with the MCP and agents' file tools: bash passes a backslash or a drive as it is).

    The trailing ``/*`` of a glob is kept (``/*`` stays ``/*``) so that callers can tell
    "everything under" from the directory itself.

    A ``..`` after a part decided at run time (``"$X/../f"``, ``$(dirname …)/../lib``) is not
    resolved: what it climbs out of is not known, and dropping the unknown part with it would
    name a known path (``<cwd>/f``) the command may never touch. From that part on the path is
    kept as written (``<cwd>/$X/../f``), which callers read as a place decided at run time
    (:func:`keeps_run_time_climb`).
    """
    parts = path.split("/")
    unknown = next((i for i, part in enumerate(parts) if _run_time_part(part, first=i == 0)), None)
    if unknown is None or ".." not in parts[unknown + 1 :]:
        return posix_path(path, cwd=cwd)
    known = "/".join(parts[:unknown])
    base = posix_path(known or ("/" if path.startswith("/") else "."), cwd=cwd)
    return base.rstrip("/") + "/" + "/".join(parts[unknown:])


# What a word decided at run time keeps as written: an expansion (``$X``, ``${X}``, ``$(…)``,
# ``$((…))``), a backquoted command, a process substitution. A leading ``~-``/``~+``/``~N`` is
# left as it is only when its directory is not known (the directory stack, an unset OLDPWD).
_RUN_TIME_TEXT = re.compile(r"[$`]|[<>]\(")
_RUN_TIME_TILDE = re.compile(r"~[+-]?[0-9]*")


def _run_time_part(part: str, *, first: bool) -> bool:
    if _RUN_TIME_TEXT.search(part):
        return True
    return first and part != "~" and _RUN_TIME_TILDE.fullmatch(part) is not None


def keeps_run_time_climb(path: str) -> bool:
    """Whether the normalised ``path`` kept a ``..`` after a part decided at run time (see
    :func:`normalize_path`): where it lands is decided at run time. A normalised path has no
    other ``..`` part."""
    return "/../" in path or path.endswith("/..")


def basename(program: str) -> str:
    """The program's basename: ``/bin/rm`` -> ``rm``, ``C:\\Windows\\cmd.exe`` -> ``cmd.exe``."""
    name = program.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name or program
