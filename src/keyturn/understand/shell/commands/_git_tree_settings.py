"""Which hook settings files a git subcommand changing a whole tree reaches, for
:mod:`._git_worktree` and :mod:`.git`.

``git clean``, ``reset --hard``, ``stash``, ``checkout .`` name ``file:<repo>/*``; the hook
settings the reader shows in that tree (:mod:`._hook_settings_files`) are added to the effect
when the subcommand changes them, as git decides which files it touches:

- ``clean`` removes untracked files that are not ignored; ``-x`` ignored ones too; ``-X`` only
  ignored ones. Tracked files stay.
- ``stash`` reverts tracked files to ``HEAD``; ``-u`` also removes untracked files that are not
  ignored; ``-a`` every untracked file.
- ``reset --hard``, ``checkout``/``restore`` of a tree, ``checkout -f``, ``rm -r`` rewrite or
  remove tracked files; from another commit (``reset --hard v1``, ``checkout main -- .``) they
  may write any file that commit holds.

What the reader cannot tell (:mod:`._git_tracking`) is read as the change: a file is spared
only when it is known to be one git leaves alone.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from enum import Enum

from keyturn.model import Effect, Resource
from keyturn.understand.shell.commands._git_config_file import repository_root
from keyturn.understand.shell.commands._git_tracking import ignored, tracked
from keyturn.understand.shell.commands._hook_settings_files import (
    HookSettings,
    folders_down_to,
    hook_settings_in,
    under,
)
from keyturn.understand.shell.registry import ShellContext, evolve


class Touches(Enum):
    """Which files of the tree a subcommand changes."""

    TRACKED = "tracked files"
    UNTRACKED = "untracked files that are not ignored"  # clean
    UNTRACKED_AND_IGNORED = "untracked files, ignored ones too"  # clean -x
    IGNORED = "ignored files"  # clean -X
    TRACKED_AND_UNTRACKED = "tracked and untracked files that are not ignored"  # stash -u
    EVERY_FILE = "every file"  # stash -a, a tree from another commit


def settings_reached(folders: Iterable[str], touches: Touches, ctx: ShellContext) -> list[str]:
    """The names of the hook settings in ``folders`` that a subcommand changing ``touches``
    changes (or may: what cannot be told counts)."""
    return [f.name for f in hook_settings_in(folders, ctx) if not _spared(f, touches, ctx)]


def whole_work_tree(repo: str, ctx: ShellContext) -> list[str]:
    """The folders to probe for a subcommand that changes the whole work tree holding ``repo``
    (``reset --hard``, ``stash``): its root and each directory from ``repo`` up to it."""
    root = repository_root(repo, ctx)
    return folders_down_to(root, repo) if root is not None else [repo]


def named_too(effect: Effect, names: list[str]) -> Effect:
    """``effect`` naming the files ``names`` (absolute paths) as well."""
    if not names:
        return effect
    added = tuple("file:" + n for n in names)
    resource = Resource(tuple(dict.fromkeys(effect.resource.names + added)), effect.resource.type)
    return evolve(effect, resource=resource)


def _spared(found: HookSettings, touches: Touches, ctx: ShellContext) -> bool:
    """Whether git is known to leave ``found`` alone."""
    if touches is Touches.EVERY_FILE:
        return False
    root = repository_root(posixpath.dirname(found.path), ctx)
    relative = under(found.path, root) if root is not None else None
    if root is None or relative is None:
        return False  # no repository seen: what git tracks or ignores cannot be told
    is_tracked = tracked(root, relative, ctx, folder=found.folder)
    if touches is Touches.TRACKED:
        return is_tracked is False
    if touches is Touches.TRACKED_AND_UNTRACKED:
        return is_tracked is False and ignored(root, relative, ctx, folder=found.folder) is True
    if is_tracked is True:  # clean never removes a tracked file
        return True
    if touches is Touches.UNTRACKED:
        return ignored(root, relative, ctx, folder=found.folder) is True
    # -x removes it whatever the ignore files say; -X removes it when they ignore it, and a
    # "not ignored" from files read here is not trusted to spare it (git may read others).
    return False
