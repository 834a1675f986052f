"""``git replace``, for the handler of :mod:`.git`.

``git replace OBJECT REPLACEMENT`` writes ``refs/replace/<OBJECT>``: from then on every command
that reads the repository sees REPLACEMENT where OBJECT was -- a commit, a tree, or the blob of
a file a branch holds. It changes no file of the work tree itself, but what a later ``git
reset --hard``, ``checkout`` or ``stash`` writes there follows it (git 2.39, scratch
repository: ``git replace HEAD v1 && git reset --hard`` wrote v1's ``main.tf`` without its
``prevent_destroy``). So each form that makes or removes a replacement is a ``replace`` of
every local ref's contents (``git:local/*``, as history rewritten is), not a read; the commands
run later in such a repository are judged knowing it holds replacements
(:func:`._git_tree_settings.replaced`). ``--edit`` and ``--graft`` make one too;
``--convert-graft-file`` makes one for each line of ``info/grafts``; ``-d`` removes some
(later reads see the original objects again: an ``update``); ``-l`` and no operands list them.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_effects import git_effect
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_LISTS = frozenset({"-l", "--list"})
_DELETES = frozenset({"-d", "--delete"})


def replace(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git replace ...`` (module docstring)."""
    flags = {a.partition("=")[0] for a in args if a.startswith("-")}
    operands = [a for a in args if not a.startswith("-")]
    if flags & _DELETES:
        detail = "git replace -d: later reads of the repository see the original objects again"
        return [git_effect(EffectKind.UPDATE, "git:local/*", cmd, ctx, detail=detail)]
    makes = bool(flags & {"-e", "--edit", "-g", "--graft", "--convert-graft-file"})
    if flags & _LISTS or not (operands or makes):
        return [git_effect(EffectKind.READ, "git:local/replace/*", cmd, ctx)]
    shown = " ".join(operands[:2]) or "objects"
    detail = (
        f"git replace ({shown}): every later read of the repository sees other contents"
        " (a commit's, a tree's, a file's)"
    )
    return [git_effect(EffectKind.REPLACE, "git:local/*", cmd, ctx, detail=detail)]
