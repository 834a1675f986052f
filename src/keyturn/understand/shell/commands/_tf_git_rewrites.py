"""The Terraform protection git's rewrites of a whole tree from a commit or the index take away:
``git checkout v1 -- .``, ``git restore -s v1 infra``, ``git reset --hard v1``, ``git switch
old``, ``git checkout .``, for the handlers of :mod:`._git_worktree`.

Their effects name a tree (``file:<dir>/*``) or a pathspec glob, and git writes into it what
the commit (or the index) holds: a ``main.tf`` whose ``prevent_destroy`` is not in that version
loses it, as with ``cp old.tf main.tf``. Keyturn reads no file's text out of git's objects, only
their ids (``FileReader.git_entries``), so each protected Terraform file found in the tree is
judged as :mod:`._git_tree_settings` judges hook settings (checked with git 2.39):

- git is known to leave it as it is (the version brought has the work tree's id; for a switch
  the two commits hold it alike): nothing is named -- the protection stays.
- git writes another version over it, or removes it: what that version holds is not read, so
  the addresses the file protects are named as possibly dropped (``removes_protection``); an
  override or ``.tofu`` file rewritten so also names what it could override in its module.
- it cannot be told (no repository or objects at hand, a revision not resolved, an earlier
  command on the line changed the index or HEAD): from a commit named or switched to
  (``checkout REV -- .``, ``restore -s REV``, ``reset --hard [REV]``, ``switch REV``) they are
  named; from the index (``checkout .``, ``restore .``) they are not unless something earlier on
  the line may have changed the index (``git reset v1 && git checkout .`` writes v1's files):
  what the index holds was put there by commands judged as they ran, and naming every protected
  address on each plain ``git checkout .`` would be a false alarm. ``git stash -k`` (the work
  tree made the index's) names them (``index_judged=False``): it was never let through so.

A Terraform file named outright (``git checkout -- infra/main.tf``, ``git stash push --
infra/main.tf``) is judged by its own effect (:mod:`.._terraform_writes`), which names what it
protects whenever it is written: :func:`rewritten_files` leaves it out of that judgement when
git is known to leave it as it is (its work tree, index and commit versions alike: git 2.39
rewrites nothing then), so that restoring an unchanged file is no false alarm.

A new file the version brings that is not on disk (an ``override.tf`` turning protection off)
is not seen here: the tree's files are found on disk.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand._hcl_protection import (
    dropped_elsewhere,
    dropped_protection,
    is_terraform_file,
)
from keyturn.understand.shell.commands._git_effects import files_named, worktree_effect
from keyturn.understand.shell.commands._git_tree_settings import Touches, rewrites_file
from keyturn.understand.shell.commands._tf_git import pathspec_reach
from keyturn.understand.shell.commands._tf_removal import (
    covered_files,
    naming_dropped,
    texts_before,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve


def with_rewritten_configuration(
    effect: Effect,
    ctx: ShellContext,
    touches: Touches,
    *,
    revision: str = "HEAD",
    base: str = "HEAD",
    index_judged: bool = True,
    said: str | None = None,
) -> Effect:
    """``effect`` (git rewriting the trees and pathspec globs it names as ``touches`` says,
    from ``revision``; a switch from ``base``) naming the addresses whose protection the
    Terraform files it rewrites may take away (module docstring). ``index_judged``: a rewrite
    from the index that cannot be read names nothing unless the line changed the index;
    ``said``: how the detail names the version written (else the revision)."""
    if effect.catastrophic or effect.effect is EffectKind.READ:
        return effect
    reach = pathspec_reach(effect)
    if reach is None:
        return effect  # named files: each one's own effect says what it protected
    roots, reached = reach
    found, cut = covered_files(roots, ctx, globbed=False, trees=True)
    dropped: set[str] = set()
    for path in found:
        if not reached(path):
            continue
        held = {a for text in texts_before(path, ctx) for a in dropped_protection(path, text, None)}
        held |= dropped_elsewhere(path, None, ctx.files)
        if held and _may_rewrite(path, touches, ctx, (revision, base), index_judged):
            dropped |= held
    note = "; not every file under it was searched for Terraform configuration" if cut else ""
    source = said or ("the index's version" if touches in _FROM_INDEX else f"{revision}'s version")
    what = f"may write {source} over the Terraform files that protect"
    return naming_dropped(effect, dropped, what, note if dropped else "")


_FROM_INDEX = frozenset({Touches.UNLIKE_INDEX, Touches.UNLIKE_INDEX_AND_UNTRACKED})


def _may_rewrite(
    path: str, touches: Touches, ctx: ShellContext, revisions: tuple[str, str], index_judged: bool
) -> bool:
    """Whether git may write another version over ``path`` (module docstring)."""
    revision, base = revisions
    rewritten = rewrites_file(path, touches, ctx, revision=revision, base=base)
    if rewritten is not None:
        return rewritten
    if touches is Touches.UNLIKE_INDEX and index_judged:
        # From the index: named only when something earlier on the line may have changed it.
        return ctx.disk_stale or ctx.committed_earlier or path in ctx.written
    return True


def rewritten_files(
    kind: EffectKind,
    names: list[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    detail: str,
    touches: Touches,
    *,
    revision: str = "HEAD",
    index_judged: bool = True,
) -> Effect:
    """The effect of git rewriting the files and trees ``names`` (absolute paths) as
    ``touches`` says from ``revision``, naming the protection it may take away; a Terraform
    file named outright that git is known to leave as it is is named without it (module
    docstring)."""
    spared = [n for n in names if _left_alone(n, touches, revision, ctx)]
    kept = [n for n in names if n not in spared]
    if not spared:
        effect = worktree_effect(kind, names, cmd, ctx, detail)
    else:
        effect = files_named(kind, names, cmd, ctx, detail)
        if kept:  # the others judged as written
            judged = worktree_effect(kind, kept, cmd, ctx, detail)
            names_then = dict.fromkeys([*effect.resource.names, *judged.resource.names])
            resource = Resource(tuple(names_then), type=effect.resource.type)
            effect = evolve(judged, resource=resource)
    return with_rewritten_configuration(
        effect, ctx, touches, revision=revision, index_judged=index_judged
    )


def _left_alone(path: str, touches: Touches, revision: str, ctx: ShellContext) -> bool:
    """Whether the Terraform file ``path``, named outright and on disk as it is, is known to be
    left as it is (its versions read alike); a path decided at run time never is."""
    if not is_terraform_file(path) or "$" in path or "`" in path or path in ctx.written:
        return False
    if not ctx.files.exists(path) or ctx.files.is_dir(path):
        return False
    return rewrites_file(path, touches, ctx, revision=revision) is False
