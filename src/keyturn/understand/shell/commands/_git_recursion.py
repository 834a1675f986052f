"""``--recurse-submodules`` on ``checkout``, ``switch``, ``restore``, ``reset`` and ``pull``, for
the handler of :mod:`.git`.

With it (or ``submodule.recurse = true`` in the settings git reads), git also checks each
submodule out at the commit the superproject's new commit records -- not at the revision named,
read in the submodule's own repository. What git 2.39 does (checked in scratch repositories, a
submodule whose ``main.tf`` the older recorded commit holds without ``prevent_destroy``):

- ``git checkout --recurse-submodules HEAD~1``, ``switch --recurse-submodules --detach
  HEAD~1``, ``reset --hard --recurse-submodules HEAD~1`` wrote the submodule's bare
  ``main.tf``; without the option the submodule's files stayed as they were.
- ``git pull --recurse-submodules`` runs ``git submodule update --recursive --checkout``
  (``--rebase`` when it rebases), down every nested submodule: the mode given wins over a
  ``submodule.<name>.update = !command`` setting, which did not run (nor on checkout, switch or
  reset, which move the submodules themselves): no command is named for it here; ``git
  submodule update`` names it (:mod:`._git_submodule_update`).

Which commit each submodule ends at is not read here: every protected address in each
submodule's folder (``.gitmodules``' paths; the whole tree when they are not read) is named, as
for ``submodule update`` of a commit not read.
"""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_checkouts import NOT_READ
from keyturn.understand.shell.commands._git_config import given_settings
from keyturn.understand.shell.commands._git_config_file import work_tree_root
from keyturn.understand.shell.commands._git_effects import worktree_effect
from keyturn.understand.shell.commands._git_leaving import submodule_paths
from keyturn.understand.shell.commands._git_repository import git_settings, is_on
from keyturn.understand.shell.commands._git_tree_settings import Touches
from keyturn.understand.shell.commands._tf_git_rewrites import with_rewritten_configuration
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

Sub = Callable[[list[str], str, SimpleCommand, ShellContext], list[Effect]]

# reset's modes that leave the work tree (and so the submodules) alone.
_INDEX_ONLY_RESETS = frozenset({"--soft", "--mixed"})


def with_submodule_recursion(handler: Sub, *, sub: str) -> Sub:
    """``handler`` (the git subcommand ``sub``), naming what its recursion into submodules may
    take away (module docstring)."""

    def handle(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
        effects = handler(args, repo, cmd, ctx)
        if all(e.effect is EffectKind.READ for e in effects):
            return effects
        if sub == "reset" and not {"--hard", "--merge", "--keep"} & set(args):
            return effects  # the index only: no submodule is checked out
        if not _recurses(args, repo, cmd, ctx):
            return effects
        return [*effects, *_submodules_checked_out(repo, cmd, ctx)]

    return handle


def _recurses(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether git recurses into submodules: the last ``--[no-]recurse-submodules`` given,
    else ``submodule.recurse``; settings that cannot be read count as on."""
    given: bool | None = None
    for arg in args:
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if name == "--recurse-submodules":
            given = not eq or value.lower() not in ("no", "false", "off", "0")
        elif name == "--no-recurse-submodules":
            given = False
    if given is not None:
        return given
    settings = git_settings(repo, cmd, ctx, given=given_settings(cmd, ctx))
    if settings.unknown is not None:
        return True
    found = settings.values("submodule", "recurse")
    return bool(found) and is_on(found[-1])


def _submodules_checked_out(repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    top = work_tree_root(repo, ctx) or repo.rstrip("/")
    listed = submodule_paths(top, ctx)
    if listed is None and not ctx.disk_stale and not ctx.files.exists(top + "/.gitmodules"):
        return []  # no submodule
    folders = [f"{top}/{p}" for p in listed] if listed is not None else [top]
    effects: list[Effect] = []
    for folder in folders:
        detail = f"checks the submodule {folder} out at a commit not read here"
        tree = worktree_effect(EffectKind.UPDATE, [folder + "/*"], cmd, ctx, detail)
        configured = with_rewritten_configuration(
            tree, ctx, Touches.UNLIKE_COMMIT, revision=NOT_READ, said="the submodule's commit"
        )
        if configured.removes_protection:
            effects.append(configured)
    return effects
