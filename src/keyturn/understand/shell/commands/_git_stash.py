"""``git stash``, for the handler of :mod:`.git`: which files of the work tree it rewrites, and
which stash ``pop``/``apply``/``branch`` bring (checked with git 2.39 in scratch repositories).

Saving (``push``, ``save``, options alone) leaves the stash holding the changes and makes the
work tree:

- what ``HEAD`` holds: a file that differs from it in the work tree or the index is rewritten
  (``-p`` takes chosen hunks out of those same files); ``-u`` also removes untracked files that
  are not ignored, ``-a`` every untracked file;
- with ``-k``/``--keep-index``, what the index holds, as ``git checkout .`` does (a protection
  staged stays; ``-u`` still removes untracked files); ``--no-keep-index`` undoes ``-k``;
- with ``-S``/``--staged``, HEAD's for the staged changes only: a file whose index entry
  differs from HEAD's has them taken out, every other file stays as it is;
- only under the pathspecs given after ``push`` (``git stash push infra``, ``git stash --
  infra``; ``-m MSG`` is a message, not a path); ``--pathspec-from-file`` reads them at run
  time (the whole tree). ``save``'s words are its message.

``pop``/``apply``/``branch`` write what the stash changed since the commit it was made on.
``stash@{0}`` (or none) is ``refs/stash``; ``stash@{N}``/``N`` is the stash reflog's Nth entry
from the newest (``logs/refs/stash``; its id is judged as ``stash@{0}``'s would be). A stash
not read there -- a date (``stash@{yesterday}``), a reflog not at hand, an entry it does not
hold, or a reflog an earlier command on the line may have changed -- is not known: the work
tree's effect is ``unknown``, naming the protected addresses it may reach.

``drop``/``clear`` lose stashed work, not the work tree's files: the next ``terraform apply``
reads the tree, which they leave alone, so no protection is named (``git:local/stash`` is).
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config_file import everything_in
from keyturn.understand.shell.commands._git_effects import git_effect, worktree_effect
from keyturn.understand.shell.commands._git_pathspecs import pathspec_names
from keyturn.understand.shell.commands._git_repository import common_dir, find_git_dir
from keyturn.understand.shell.commands._git_tree_settings import (
    Touches,
    settings_reached,
    whole_work_tree,
)
from keyturn.understand.shell.commands._tf_git_rewrites import (
    rewritten_files,
    with_rewritten_configuration,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_STASHED = "stash changes the worktree"
_REFLOG_LIMIT = 4_000_000
_NTH = re.compile(r"(?:stash@\{(\d+)\}|(\d+))")
# push's long options (git 2.39 builtin/stash.c): the flag each sets.
_LONG = {
    "--patch": "p",
    "--staged": "S",
    "--keep-index": "k",
    "--no-keep-index": "K",
    "--include-untracked": "u",
    "--no-include-untracked": "U",
    "--all": "a",
    "--quiet": "q",
}


def stash(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git stash [SUBCOMMAND] ...`` (module docstring)."""
    sub = args[0] if args else "push"
    if sub == "clear":
        detail = "drops every stash"
        return [git_effect(EffectKind.DELETE, "git:local/stash", cmd, ctx, detail=detail)]
    if sub == "drop":
        return [git_effect(EffectKind.DELETE, "git:local/stash", cmd, ctx, detail="drops a stash")]
    if sub in ("list", "show"):
        return [git_effect(EffectKind.READ, "git:local/stash", cmd, ctx)]
    stashed = git_effect(EffectKind.UPDATE, "git:local/stash", cmd, ctx)
    if sub in ("push", "save") or sub.startswith("-"):
        given = args[1:] if sub in ("push", "save") else args
        return [stashed, _saved(given, repo, cmd, ctx, message_words=sub == "save")]
    if sub in ("pop", "apply", "branch"):
        return [stashed, _applied(sub, args[1:], repo, cmd, ctx)]
    # create, store, a subcommand not known: the work tree named, nothing probed.
    tree = everything_in(repo, ctx)
    return [stashed, worktree_effect(EffectKind.UPDATE, [tree], cmd, ctx, _STASHED)]


def _saved(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext, *, message_words: bool
) -> Effect:
    """What saving changes in the work tree (module docstring)."""
    flags, specs = _push_options(args)
    if message_words:
        specs = []  # ``save MESSAGE``: no pathspecs
    touches = _saving_touches(flags)
    if specs is None or not specs:
        names = [everything_in(repo, ctx)]
        folders = whole_work_tree(repo, ctx)
    else:
        names = [n for s in specs for n in pathspec_names(s, repo, cmd, ctx)]
        folders = [n.removesuffix("/*") for n in names]
    reached = settings_reached(folders, touches, ctx)
    # A file named that git leaves as it is (like HEAD and the index) is no false alarm; from
    # the index (-k): the stash never let the index's version through as checkout does.
    return rewritten_files(
        EffectKind.UPDATE, [*names, *reached], cmd, ctx, _STASHED, touches, index_judged=False
    )


def _push_options(args: list[str]) -> tuple[list[str], list[str] | None]:
    """The flags set (letters, in order) and the pathspecs; ``None`` for pathspecs read at run
    time. ``-m``/``--message`` take a value (``-mMSG``, ``-m MSG``, ``--message=MSG``)."""
    flags: list[str] = []
    specs: list[str] | None = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            if specs is not None:
                specs += args[i:]
            break
        if arg.startswith("--"):
            name = arg.partition("=")[0]
            if name == "--message" and "=" not in arg:
                i += 1
            elif name == "--pathspec-from-file":
                specs = None
            elif name in _LONG:
                flags.append(_LONG[name])
            continue
        if arg.startswith("-") and len(arg) > 1:
            for at, letter in enumerate(arg[1:], start=1):
                if letter == "m":
                    i += 0 if arg[at + 1 :] else 1
                    break
                flags.append(letter)
            continue
        if specs is not None:
            specs.append(arg)
    return flags, specs


def _saving_touches(flags: list[str]) -> Touches:
    """Which files saving rewrites, the last of opposite flags winning as in git."""
    keep = untracked = ""
    for flag in flags:
        if flag in "kK":
            keep = flag
        elif flag in "uaU":
            untracked = flag
    if untracked == "a":
        return Touches.EVERY_FILE
    if "p" in flags:
        return Touches.UNLIKE_COMMIT  # hunks chosen at run time, from the files unlike HEAD
    if "S" in flags and untracked != "u":
        return Touches.STAGED
    if keep == "k":
        return Touches.UNLIKE_INDEX_AND_UNTRACKED if untracked == "u" else Touches.UNLIKE_INDEX
    return Touches.UNLIKE_COMMIT_AND_UNTRACKED if untracked == "u" else Touches.UNLIKE_COMMIT


def _applied(sub: str, args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """``pop``/``apply``: the stash's changes written over the work tree; ``branch NAME``:
    the stash's files, on the commit it was made on checked out."""
    named = [a for a in args if not a.startswith("-")]
    if sub == "branch":
        named = named[1:]  # git stash branch NAME [STASH]
    given = named[0] if named else "stash@{0}"
    revision = _stash_commit(given, repo, cmd, ctx)
    kind = EffectKind.UPDATE
    detail = _STASHED
    if revision is None:
        kind, revision = EffectKind.UNKNOWN, given
        detail = f"{_STASHED}; which commit {given} is cannot be read"
    touches, base = Touches.SWITCHED, revision + "^1"
    if sub == "branch":
        touches, base = Touches.UNLIKE_COMMIT, revision
    tree = everything_in(repo, ctx)
    reached = settings_reached(
        whole_work_tree(repo, ctx), touches, ctx, revision=revision, base=base
    )
    changed = worktree_effect(kind, [tree, *reached], cmd, ctx, detail)
    return with_rewritten_configuration(changed, ctx, touches, revision=revision, base=base)


def _stash_commit(given: str, repo: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """The revision the stash ``given`` is, as the repository reader reads it: ``stash@{0}``
    itself, the id of ``stash@{N}`` from the reflog, another revision as written; ``None`` when
    it cannot be told (module docstring)."""
    nth = _NTH.fullmatch(given)
    if nth is None:
        return None if "@{" in given else given  # a date, a reflog of another ref: not read
    n = int(nth.group(1) or nth.group(2))
    if n == 0:
        return "stash@{0}"
    if ctx.disk_stale:
        return None  # an earlier command on the line may have stashed or dropped
    found = find_git_dir(repo, cmd, ctx)
    if not isinstance(found, tuple):
        return None
    log = ctx.files.read_text(common_dir(found[0], ctx) + "/logs/refs/stash", limit=_REFLOG_LIMIT)
    lines = [line for line in (log or "").splitlines() if line.strip()]
    if n >= len(lines) or len(log or "") >= _REFLOG_LIMIT:
        return None
    fields = lines[len(lines) - 1 - n].split()
    new = fields[1] if len(fields) > 1 else ""
    return new if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", new) else None
