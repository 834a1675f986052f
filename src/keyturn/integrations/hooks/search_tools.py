"""Where an agent's search tools read (Claude Code's ``Glob``/``Grep``/``LS``, Gemini CLI's
``glob``/``search_file_content``, Cursor's ``Glob``): the searched path, and where a glob
starts or leaves it, so that the self-protection read guard sees ``/root/.keyturn/*``; a
content search (``Grep``) reads the whole tree under its path."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from keyturn.understand.paths import is_windows_path

# The input of a search tool that holds a glob of paths. Grep's ``glob`` is ripgrep's: it
# filters what lies under the searched path (a leading ``/`` anchors it there, not at the root).
_GLOB_INPUTS = {"Glob": "pattern", "Grep": "glob"}
_GLOB_CHARS = re.compile(r"[*?\[{]")
_SEPARATORS = re.compile(r"[\\/]")


def searched_places(tool: str, args: Mapping[str, Any]) -> list[str]:
    """The places a search tool (``Glob``, ``Grep``, ``LS``, in Claude Code's spelling of its
    input: ``path``, ``pattern``, ``glob``) reads, as the agent spelled them
    (relative ones against the working directory, ``.``; none: the working directory): its
    ``path``, and the directory its glob starts from when that is another. A ``Glob`` pattern
    that leaves the path -- absolute, ``~``, ``..`` (``{"pattern": "/root/.keyturn/*"}`` lists
    keyturn's state, whatever the path) -- is named itself too, as the shell names ``ls
    /root/.k*/*``: the self-protection read guard judges it."""
    where_to = args.get("path")
    base = where_to if isinstance(where_to, str) and where_to else None
    places = [base] if base else []
    if tool == "Grep":
        # Grep reads the content of everything under its path (ripgrep's), whatever its glob
        # -- one that names a file at any depth (``session-*``) reaches into ``~/.keyturn``
        # -- as ``rg x DIR`` does in the shell: the tree is named.
        return [*(places or ["."]), f"{(base or '.').rstrip('/') or ''}/*"]
    pattern = args.get(_GLOB_INPUTS.get(tool, ""))
    if not isinstance(pattern, str) or not pattern.strip() or pattern.startswith("!"):
        return places  # no glob, or one that only leaves files out
    leaves = tool == "Glob" and (_absolute(pattern) or ".." in _SEPARATORS.split(pattern))
    if tool == "Glob" and _absolute(pattern):
        glob = pattern
    else:
        glob = f"{(base or '.').rstrip('/')}/{pattern.lstrip('/') if tool == 'Grep' else pattern}"
    more = [_fixed_directory(glob)]
    if leaves and _GLOB_CHARS.search(glob):
        more.append(glob)
    more = [m for m in more if m not in (base, ".")]
    if more and base is None:
        places = ["."]  # the working directory, named when nothing else is
    return [*places, *more]


def _absolute(pattern: str) -> bool:
    return pattern.startswith(("/", "~/")) or pattern == "~" or is_windows_path(pattern)


def _fixed_directory(glob: str) -> str:
    """The leading parts of ``glob`` before the first one with a glob character (the whole of
    it when none has one): where the search starts."""
    parts = glob.replace("\\", "/").split("/") if is_windows_path(glob) else glob.split("/")
    for i, part in enumerate(parts):
        if _GLOB_CHARS.search(part):
            return "/".join(parts[:i]) or "/"
    return glob
