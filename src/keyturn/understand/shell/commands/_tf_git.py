"""The Terraform configuration git's removals of many files at once take away: ``git rm -r
modules``, ``git rm '*.tf'``, ``git rm -r .``, ``git mv modules x``, ``git clean -fdx``, ``git
worktree remove``, for the ``git`` handler of :mod:`.git`.

Their effects name a tree (``file:<dir>/*``) or the pathspec as written (``file:<cwd>/*.tf``);
the Terraform files in it are found and read as for ``rm -r`` (:mod:`._tf_removal`), and what
they protect is named on the effect, which then switches that protection off. As git reads a
pathspec (``git help glossary``; checked with git 2.39): git matches it itself, quoted or not,
against each file's whole path, and its ``*`` crosses ``/`` -- ``git rm '*.tf'`` removes
``modules/db/main.tf`` too, and ``git rm 'mod*'`` does so without ``-r`` (Python's
:func:`fnmatch.fnmatchcase` matches the same way; ``:(glob)``'s narrower ``*`` is read as the
wider one, which names no fewer files).

``git clean`` removes only untracked files (``-x``: ignored ones too; ``-X``: only those): a
Terraform file is spared when the index is read and holds it, or, without ``-x``/``-X``, when
the ignore files say git ignores it (:mod:`._git_tracking`); what cannot be told counts as
removed, as does everything once an earlier command on the line changed the disk.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from fnmatch import fnmatchcase

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config_file import work_tree_root
from keyturn.understand.shell.commands._git_tracking import ignored, tracked
from keyturn.understand.shell.commands._hook_settings_files import under
from keyturn.understand.shell.commands._tf_removal import with_removed_configuration
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_GLOB = frozenset("*?[")
_CLEAN = OptionSpec(valued="e", long={"dry-run": "n", "force": "f", "exclude": "e"})

Sub = Callable[[list[str], str, SimpleCommand, ShellContext], list[Effect]]


def with_git_removals(handler: Sub, *, cleans: bool = False) -> Sub:
    """``handler`` (a git subcommand), each deletion of a tree or a pathspec glob it reports
    naming what the Terraform files it reaches protect; ``cleans``: it is ``git clean``, which
    spares tracked files."""

    def handle(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
        effects = handler(args, repo, cmd, ctx)
        spares = _clean_spares(args, ctx) if cleans else None
        return [_with_configuration(e, cmd, ctx, spares) for e in effects]

    return handle


def _with_configuration(
    effect: Effect,
    cmd: SimpleCommand,
    ctx: ShellContext,
    spares: Callable[[str], bool] | None,
) -> Effect:
    if effect.effect is not EffectKind.DELETE or effect.service != "git":
        return effect
    found = pathspec_reach(effect)
    if found is None:
        return effect  # named files: each one's own effect says what it protected
    roots, reached = found

    def keep(path: str) -> bool:
        return reached(path) and (spares is None or not spares(path))

    return with_removed_configuration(effect, roots, cmd, ctx, globbed=False, trees=True, keep=keep)


def pathspec_reach(effect: Effect) -> tuple[list[str], Callable[[str], bool]] | None:
    """The folders git's effect reaches (trees and the literal folders of pathspec globs) and
    which paths under them it reaches; None when it names files one by one (each one's own
    effect then says what it protected)."""
    trees: list[str] = []
    globs: list[str] = []
    for name in effect.resource.names:
        path = name.removeprefix("file:")
        if path == name:
            continue  # a ref, not a file
        if path.endswith("/*"):
            trees.append(path[:-2] or "/")
        elif _GLOB & set(path):
            globs.append(path)
    if not trees and not globs:
        return None

    def reached(path: str) -> bool:
        return any(path.startswith(t.rstrip("/") + "/") for t in trees) or any(
            fnmatchcase(path, g) for g in globs
        )

    return list(dict.fromkeys([*trees, *(_literal_folder(g) for g in globs)])), reached


def _literal_folder(pattern: str) -> str:
    """The folder a pathspec glob's matches all lie under: up to its first glob character."""
    first = min(pattern.index(c) for c in _GLOB if c in pattern)
    return pattern[:first].rpartition("/")[0] or "/"


def _clean_spares(args: list[str], ctx: ShellContext) -> Callable[[str], bool]:
    """Whether ``git clean`` with ``args`` is known to leave the file at a path alone."""
    opts = parse_options(args, _CLEAN)
    every_untracked, only_ignored = opts.has("x"), opts.has("X")

    def spares(path: str) -> bool:
        if ctx.disk_stale:
            return False  # the index or the ignore files may be other than the disk shows
        root = work_tree_root(posixpath.dirname(path), ctx)
        relative = under(path, root) if root is not None else None
        if root is None or relative is None:
            return False  # no repository seen: what git tracks cannot be told
        if tracked(root, relative, ctx) is True:
            return True  # clean never removes a tracked file
        if every_untracked or only_ignored:
            return False  # -X: a "not ignored" read here is not trusted (git may read others)
        return ignored(root, relative, ctx) is True

    return spares
