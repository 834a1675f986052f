"""``--abort`` and ``--skip`` of ``git merge``, ``rebase``, ``cherry-pick``, ``revert`` and ``am``,
for the handlers of :mod:`._git_merges` and :mod:`._git_apply`.

Each puts the work tree back as a reset does, and so discards what was changed since the
operation stopped -- a ``prevent_destroy`` written while resolving a conflict goes with the
rest. What git 2.39 does (checked in scratch repositories), and the commit it resets to:

- ``merge --abort``: ``reset --merge`` to HEAD (refused, exit 128, without ``MERGE_HEAD``);
- ``cherry-pick``/``revert --abort``: ``reset --merge`` to the commit the sequence started on
  (``sequencer/head``; HEAD for one commit picked); refused with neither ``CHERRY_PICK_HEAD``,
  ``REVERT_HEAD`` nor ``sequencer/``;
- ``rebase --abort``: ``reset --hard`` to the branch's commit before the rebase
  (``rebase-merge/orig-head`` or ``rebase-apply/orig-head``), back on that branch; refused
  ("No rebase in progress?") with neither folder;
- ``am --abort``: reset to ``ORIG_HEAD`` (refused without ``rebase-apply/``);
- ``--skip`` (rebase, am, cherry-pick, revert): reset to HEAD, then go on with the commits
  the first call was judged for.

Both resets are judged as ``reset --hard`` is (:mod:`._tf_git_rewrites`): a Terraform file whose
version in the work tree or the index differs from the commit's names what it protects. A
state that cannot be read (no repository found, an earlier command on the line may have
started the operation) resets to a commit not read: every protected file is named.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config_file import everything_in
from keyturn.understand.shell.commands._git_effects import git_effect, worktree_effect
from keyturn.understand.shell.commands._git_repository import find_git_dir
from keyturn.understand.shell.commands._git_tree_settings import (
    Touches,
    settings_reached,
    whole_work_tree,
)
from keyturn.understand.shell.commands._tf_git_rewrites import with_rewritten_configuration
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# A revision no repository resolves (the reader never reads ``@{...}``).
_NOT_READ = "@{?}"
_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
# What each operation leaves in the git folder while it is under way, and the file naming the
# commit its --abort resets to (None: HEAD).
_STATE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "merge": (("MERGE_HEAD",), ()),
    "cherry-pick": (("CHERRY_PICK_HEAD", "REVERT_HEAD", "sequencer"), ("sequencer/head",)),
    "revert": (("CHERRY_PICK_HEAD", "REVERT_HEAD", "sequencer"), ("sequencer/head",)),
    "rebase": (
        ("rebase-merge", "rebase-apply"),
        ("rebase-merge/orig-head", "rebase-apply/orig-head"),
    ),
    "am": (("rebase-apply",), ("ORIG_HEAD",)),
}


def undone(
    sub: str, flags: set[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect] | None:
    """The effects of ``git SUB --abort``/``--skip`` (module docstring); ``None`` for the
    other control options (``--continue``, ``--quit``), which keep the work tree's files."""
    aborts = "--abort" in flags
    if not aborts and "--skip" not in flags:
        return None
    under_way, reset_to = _STATE.get(sub, ((), ()))
    found = None if ctx.disk_stale else find_git_dir(repo, cmd, ctx)
    git_dir = found[0] if isinstance(found, tuple) else None
    if (
        git_dir is not None
        and under_way
        and not any(ctx.files.exists(f"{git_dir}/{name}") for name in under_way)
    ):
        detail = f"git refuses: no {sub} is under way"
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail=detail)]
    revision = "HEAD"
    if aborts and reset_to:
        revision = _recorded_commit(git_dir, reset_to, ctx, head_when_absent=sub != "rebase")
    reached = settings_reached(
        whole_work_tree(repo, ctx), Touches.UNLIKE_COMMIT, ctx, revision=revision
    )
    what = "--abort" if aborts else "--skip"
    detail = f"{sub} {what} resets the work tree, discarding what was changed since it stopped"
    discarded = worktree_effect(
        EffectKind.DELETE, [everything_in(repo, ctx), *reached], cmd, ctx, detail
    )
    said = None if revision != _NOT_READ else "a commit not read"
    return [
        git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
        with_rewritten_configuration(
            discarded, ctx, Touches.UNLIKE_COMMIT, revision=revision, said=said
        ),
    ]


def _recorded_commit(
    git_dir: str | None, files: tuple[str, ...], ctx: ShellContext, *, head_when_absent: bool
) -> str:
    """The commit id the first of ``files`` there holds; HEAD when none is there and
    ``head_when_absent``; else (or when it cannot be read) :data:`_NOT_READ`."""
    if git_dir is None:
        return _NOT_READ
    for name in files:
        path = f"{git_dir}/{name}"
        if not ctx.files.exists(path):
            continue
        text = (ctx.files.read_text(path, limit=4096) or "").strip()
        return text if _ID.fullmatch(text) else _NOT_READ
    return "HEAD" if head_when_absent else _NOT_READ
