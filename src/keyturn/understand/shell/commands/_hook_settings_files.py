"""The agents' hook settings a whole-tree operation reaches without naming them.

``git clean -fdx``, ``git reset --hard``, ``find . -delete`` change ``file:<dir>/*``: a name
that says nothing of the ``.claude/settings.local.json`` under it, and self-protection does not
guard a project directory as such. The handlers ask here which hook settings files the file
reader shows in the tree (``ctx.files``: only known places can be probed, a directory cannot be
listed) and add their names to the effect, so that self-protection refuses the change as it
refuses one naming them.

Probed in each directory given: Claude Code's ``.claude/settings.json`` and
``settings.local.json``, Codex's ``.codex/config.toml`` and ``hooks.json``, Gemini's
``.gemini/settings.json``, Cursor's ``.cursor/hooks.json`` (files), and Kiro's
``.kiro/hooks``, ``.kiro/agents``, ``.kiro/settings`` (directories: named ``<dir>/*``, what
they hold).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from keyturn.understand.shell.registry import ShellContext

HOOK_SETTINGS_FILES = (
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".codex/config.toml",
    ".codex/hooks.json",
    ".gemini/settings.json",
    ".cursor/hooks.json",
)
HOOK_SETTINGS_DIRS = (".kiro/hooks", ".kiro/agents", ".kiro/settings")


@dataclass(frozen=True, slots=True)
class HookSettings:
    """One hook settings place found: ``path`` the absolute file or directory, ``name`` what the
    effect names (the file, or ``<dir>/*``), ``folder`` whether it is a directory."""

    path: str
    folder: bool

    @property
    def name(self) -> str:
        return self.path + "/*" if self.folder else self.path


def hook_settings_in(dirs: Iterable[str], ctx: ShellContext) -> list[HookSettings]:
    """The hook settings the reader shows in each of ``dirs`` (absolute, normalised)."""
    found: dict[str, HookSettings] = {}
    for folder in dict.fromkeys(d.rstrip("/") for d in dirs):
        if "/../" in folder + "/":  # decided at run time: nothing known is there to probe
            continue
        for relative in HOOK_SETTINGS_FILES:
            path = f"{folder}/{relative}"
            if ctx.files.exists(path):
                found.setdefault(path, HookSettings(path, folder=False))
        for relative in HOOK_SETTINGS_DIRS:
            path = f"{folder}/{relative}"
            if ctx.files.is_dir(path):
                found.setdefault(path, HookSettings(path, folder=True))
    return list(found.values())


def folders_down_to(top: str, cwd: str) -> list[str]:
    """``top`` and, when the working directory ``cwd`` is under it, every directory from there
    up to ``top``: the project the agent works in holds its hook settings, and a tree operation
    on a directory above it (``find ~ -delete``) reaches them there."""
    top = top.rstrip("/") or "/"
    found = [top]
    folder = cwd.rstrip("/") or "/"
    inside = top == "/" or folder == top or folder.startswith(top + "/")
    while inside and folder != top and folder != "/":
        found.append(folder)
        folder = posixpath.dirname(folder)
    return found


def under(path: str, folder: str) -> str | None:
    """``path`` relative to ``folder`` when it is under it, else ``None``."""
    folder = folder.rstrip("/")
    if path.startswith(folder + "/"):
        return path[len(folder) + 1 :]
    return None
