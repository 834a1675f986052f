"""git subcommands that take tracked files out of the work tree without deleting them from the
repository: ``git sparse-checkout`` and ``git submodule deinit``, for the handler of :mod:`.git`.

The files stay in the commits, but not on disk: a ``terraform apply`` run there no longer reads
the ``prevent_destroy`` they held, so the addresses they protect are named and their
protection switched off, as for ``rm`` (:mod:`._tf_removal`). What git 2.39 does (checked in
scratch repositories):

- ``sparse-checkout set DIR...`` (cone mode, the default) keeps the files at the top of the
  work tree, every file under each DIR, and the files directly in each folder above a DIR
  (``set a/b`` keeps ``a/top.tf``); every other tracked file leaves. ``init`` keeps only the
  top's files. ``set --no-cone`` (patterns), ``--stdin`` (read at run time), ``reapply`` (the
  patterns of ``info/sparse-checkout``) and a ``set`` run below the top (whose paths git may
  read from there) may leave anything: every protected file is named. ``add`` only widens
  what is kept, unless one of its patterns excludes (``!x``, in non-cone mode). ``disable``
  brings files back; ``list`` reads.
- ``submodule deinit [-f] PATH...`` empties each submodule's folder ("Cleared directory");
  ``--all`` every submodule's, the paths ``.gitmodules`` lists (the whole tree when it is not
  read).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config_file import (
    everything_in,
    parse_settings,
    work_tree_root,
)
from keyturn.understand.shell.commands._git_effects import git_effect, worktree_effect
from keyturn.understand.shell.commands._git_worktree import local_write
from keyturn.understand.shell.commands._hook_settings_files import under
from keyturn.understand.shell.commands._tf_removal import with_removed_configuration
from keyturn.understand.shell.effects import directory_tree, file_path, unknown_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_SPARSE_FLAGS = frozenset(
    {"--cone", "--no-cone", "--sparse-index", "--no-sparse-index", "--skip-checks", "--stdin"}
)
_LEAVE = "sparse-checkout takes files out of the work tree"


def sparse_checkout(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git sparse-checkout SUBCOMMAND ...`` (module docstring)."""
    sub, rest = (args[0], args[1:]) if args else ("", [])
    top = work_tree_root(repo, ctx) or repo.rstrip("/")
    tree = everything_in(repo, ctx)
    if sub == "list":
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx)]
    if sub == "disable":
        detail = "sparse-checkout brings every tracked file back"
        return [worktree_effect(EffectKind.UPDATE, [tree], cmd, ctx, detail)]
    if sub not in ("set", "init", "add", "reapply"):
        return [unknown_effect(cmd, f"git sparse-checkout {sub!r} is not understood", ctx)]
    flags = {a for a in rest if a.startswith("-")}
    if flags - _SPARSE_FLAGS - {"--end-of-options"}:
        return [unknown_effect(cmd, "a git sparse-checkout option is not understood", ctx)]
    dirs = [a.strip("/") for a in rest if not a.startswith("-")]
    if sub == "add" and "--stdin" not in flags and not any(d.startswith("!") for d in dirs):
        detail = "sparse-checkout brings more files back"
        return [worktree_effect(EffectKind.UPDATE, [tree], cmd, ctx, detail)]
    anything = (
        sub in ("reapply", "add")
        or bool(flags & {"--stdin", "--no-cone"})
        or (sub == "set" and (repo.rstrip("/") != top or any(".." in d.split("/") for d in dirs)))
    )
    kept = _cone_keeps([] if sub == "init" else dirs)
    if anything:
        kept = _nothing_kept

    def leaves(path: str) -> bool:
        relative = under(path, top)
        return relative is None or not kept(relative)

    effect = worktree_effect(EffectKind.UPDATE, [tree], cmd, ctx, _LEAVE)
    return [
        with_removed_configuration(effect, [tree], cmd, ctx, globbed=False, trees=True, keep=leaves)
    ]


def _nothing_kept(relative: str) -> bool:
    return False


def _cone_keeps(dirs: list[str]) -> Callable[[str], bool]:
    """Whether cone mode keeps a file (its path under the top) with ``dirs`` listed."""

    def keeps(relative: str) -> bool:
        folder = posixpath.dirname(relative)
        if not folder:
            return True  # the top's own files always stay
        return any(
            relative.startswith(d + "/") or (d + "/").startswith(folder + "/") for d in dirs if d
        )

    return keeps


def submodule(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git submodule deinit`` empties the submodules' folders; the other subcommands are the
    local writes they were."""
    words = [a for a in args if a != "--quiet" and a != "-q"]
    if words[:1] != ["deinit"]:
        return local_write(args, repo, cmd, ctx)
    given = words[1:]
    paths = [p for p in given if not p.startswith("-")]
    if "--" in given:
        paths = given[given.index("--") + 1 :]
    top = work_tree_root(repo, ctx) or repo.rstrip("/")
    folders = [file_path(p, ctx) for p in paths]
    if "--all" in given or not paths:
        listed = submodule_paths(top, ctx)
        folders = [f"{top}/{p}" for p in listed] if listed is not None else [top]
    names = [n for f in folders for n in directory_tree(f)]
    detail = "submodule deinit empties the submodules' folders"
    effects = [
        git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
        worktree_effect(EffectKind.DELETE, names, cmd, ctx, detail),
    ]
    effects[1] = with_removed_configuration(
        effects[1], [f + "/*" for f in folders], cmd, ctx, globbed=False, trees=True
    )
    return effects


def submodule_paths(top: str, ctx: ShellContext) -> list[str] | None:
    """The ``path`` of each submodule ``.gitmodules`` lists; ``None`` when it is not read."""
    if ctx.disk_stale:
        return None
    text = ctx.files.read_text(top + "/.gitmodules", limit=262_144)
    if text is None:
        return None
    return [v.strip("/") for k, v in parse_settings(text) if k.lower().endswith(".path") and v]
