"""``git merge``, ``rebase``, ``cherry-pick`` and ``revert``, for the handler of :mod:`.git`:
each writes into the work tree what other commits changed, and the hook settings among those
files are named (:mod:`._git_tree_settings`), so that a branch or a commit carrying other hook
settings cannot switch the agent's guard off through them.

- ``merge X`` and ``rebase X`` (no commit named: the branch's upstream) keep our version of a
  file ``X`` did not change since the two parted, or changed to what we hold; otherwise they
  write theirs (or a conflict).
- ``cherry-pick C`` and ``revert C`` apply what ``C`` changed from its parent (``-m N``: its Nth
  parent); a range (``A..B``) cannot be told here.
- ``merge -s ours`` keeps our tree as it is: nothing is brought.
- ``--continue`` and ``--quit`` go on with what the first call started, which was judged
  then; ``--abort`` and ``--skip`` reset the work tree (:mod:`._git_aborts`).

The Terraform files among those it writes name the addresses their ``prevent_destroy`` protects
(:mod:`._tf_git_rewrites`): ``git revert C`` of the commit that added the block, ``cherry-pick``
or ``merge [-X theirs]`` of one that took it out (checked with git 2.39). ``rebase --onto X U``
drops the commits between U and X, and ``rebase -i`` the ones the todo list drops (chosen at
run time): a file is then kept only where X holds it as HEAD does.

``git pull`` merges or rebases what its fetch brings, which is not read here (it arrives when it
runs): :func:`pulled_in` judges it as a merge or rebase of a commit not read (:mod:`._git_pull`).
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_aborts import undone
from keyturn.understand.shell.commands._git_config_file import everything_in
from keyturn.understand.shell.commands._git_effects import split_options, worktree_effect
from keyturn.understand.shell.commands._git_tree_settings import (
    Touches,
    settings_reached,
    whole_work_tree,
)
from keyturn.understand.shell.commands._git_worktree import local_write
from keyturn.understand.shell.commands._tf_git_rewrites import with_rewritten_configuration
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_CONTROL = frozenset({"--continue", "--abort", "--skip", "--quit", "--edit-todo"})
# Options taking a value as the next word, per subcommand.
_VALUED = {
    "merge": frozenset({"-m", "-s", "-X", "-F", "--strategy", "--strategy-option", "--file"}),
    "rebase": frozenset({"-s", "-X", "-x", "--onto", "--strategy", "--strategy-option", "--exec"}),
    "pick": frozenset({"-m", "-s", "-X", "--mainline", "--strategy", "--strategy-option"}),
}


def merge(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    flags, operands, _ = split_options(args, _VALUED["merge"])
    if flags & _CONTROL:
        return undone("merge", flags, repo, cmd, ctx) or local_write(args, repo, cmd, ctx)
    if strategies(args) == {"ours"}:
        # ``-s ours`` keeps our tree exactly and never fast-forwards (git 2.39: "Merge made by
        # the 'ours' strategy", the work tree as it was): nothing is brought.
        return local_write(args, repo, cmd, ctx)
    reached: list[str] = []
    brought: list[tuple[Touches, str, str]] = []
    for commit in operands or ["@{upstream}"]:
        reached += _reached(repo, ctx, Touches.MERGED, commit)
        brought.append((Touches.MERGED, commit, "HEAD"))
    return _with_settings(args, repo, cmd, ctx, reached, "merges", brought)


def rebase(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    flags, operands, values = split_options(args, _VALUED["rebase"])
    if flags & _CONTROL:
        return undone("rebase", flags, repo, cmd, ctx) or local_write(args, repo, cmd, ctx)
    if "--root" in flags and "--onto" not in values:
        return local_write(args, repo, cmd, ctx)
    reached: list[str] = []
    brought: list[tuple[Touches, str, str]] = []
    if len(operands) > 1:  # ``rebase UPSTREAM BRANCH`` switches to BRANCH first
        reached += _reached(repo, ctx, Touches.SWITCHED, operands[1])
        brought.append((Touches.SWITCHED, operands[1], "HEAD"))
    onto = values.get("--onto") or (operands[0] if operands else "@{upstream}")
    reached += _reached(repo, ctx, Touches.MERGED, onto)
    drops = "--onto" in values or bool({"-i", "--interactive", "--root"} & flags)
    # Commits dropped (module docstring): kept only where onto holds the file as HEAD does.
    brought.append((Touches.SWITCHED, onto, "HEAD") if drops else (Touches.MERGED, onto, "HEAD"))
    return _with_settings(args, repo, cmd, ctx, reached, "rebases onto", brought)


def pick(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``cherry-pick`` and ``revert``: what each commit changed from its parent."""
    flags, operands, values = split_options(args, _VALUED["pick"])
    reverts = tuple(cmd.args[len(cmd.args) - len(args) - 1 :][:1]) == ("revert",)
    if flags & _CONTROL:
        sub = "revert" if reverts else "cherry-pick"
        return undone(sub, flags, repo, cmd, ctx) or local_write(args, repo, cmd, ctx)
    parent = values.get("-m") or values.get("--mainline") or "1"
    reached: list[str] = []
    brought: list[tuple[Touches, str, str]] = []
    for commit in operands:
        base = f"{commit}^{parent}" if parent.isdigit() else f"{commit}^1"
        reached += _reached(repo, ctx, Touches.SWITCHED, commit, base=base)
        # revert writes what the parent holds (the same files change: the check is alike).
        brought.append(
            (Touches.SWITCHED, base, commit) if reverts else (Touches.SWITCHED, commit, base)
        )
    return _with_settings(args, repo, cmd, ctx, reached, "applies commits that change", brought)


def pulled_in(
    args: list[str],
    repo: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    revisions: list[str],
    touches: Touches,
    said: str | None,
) -> list[Effect]:
    """What ``git pull`` writes when it merges or rebases ``revisions`` (``touches``: MERGED,
    or SWITCHED when commits may be dropped), judged as ``merge``/``rebase`` of them are;
    ``said``: how the detail names a version not read."""
    reached: list[str] = []
    brought: list[tuple[Touches, str, str]] = []
    for revision in revisions:
        reached += _reached(repo, ctx, touches, revision)
        brought.append((touches, revision, "HEAD"))
    return _with_settings(args, repo, cmd, ctx, reached, "pulls", brought, said=said)


def _reached(
    repo: str, ctx: ShellContext, touches: Touches, revision: str, *, base: str = "HEAD"
) -> list[str]:
    folders = whole_work_tree(repo, ctx)
    return settings_reached(folders, touches, ctx, revision=revision, base=base)


def _with_settings(
    args: list[str],
    repo: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    reached: list[str],
    what: str,
    brought: list[tuple[Touches, str, str]],
    *,
    said: str | None = None,
) -> list[Effect]:
    """The local writes, the hook settings ``reached``, and the Terraform protection the
    versions ``brought`` (``(touches, revision, base)``) may take away (``said``: how the
    detail names the version written, else its revision)."""
    effects = local_write(args, repo, cmd, ctx)
    names = list(dict.fromkeys(reached))
    if names:
        detail = f"{what} other versions of {', '.join(n.rsplit('/', 2)[-2] for n in names[:3])}"
        effects.append(worktree_effect(EffectKind.UPDATE, names, cmd, ctx, detail))
    tree = worktree_effect(EffectKind.UPDATE, [everything_in(repo, ctx)], cmd, ctx, what)
    for touches, revision, base in brought:
        configured = with_rewritten_configuration(
            tree, ctx, touches, revision=revision, base=base, said=said
        )
        if configured.removes_protection:
            effects.append(configured)
    return effects


def strategies(args: list[str]) -> set[str]:
    """The merge strategies named (``-s X``, ``-sX``, ``--strategy[=]X``); git tries each."""
    found: set[str] = set()
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg in ("-s", "--strategy"):
            found.add(args[i + 1] if i + 1 < len(args) else "")
        elif arg.startswith("--strategy="):
            found.add(arg.partition("=")[2])
        elif arg.startswith("-s") and not arg.startswith("--"):
            found.add(arg[2:])
    return found
