"""What ``git pull`` writes into the work tree after its fetch, for :mod:`._git_fetch`.

``git pull`` fetches, then merges what it fetched into the branch checked out, or rebases that
branch onto it (``--rebase``, or ``pull.rebase``/``branch.<name>.rebase`` set): the files it
brings are the remote's, which arrive when it runs and are not read here. So it is judged as
``git merge``/``git rebase`` of a commit not read (:func:`._git_merges.pulled_in`): the hook
settings it may change are named, and so are the addresses every Terraform file of the work
tree protects with ``prevent_destroy``. What git 2.39 does (checked in scratch repositories, an
upstream whose last commit takes the block out):

- ``git pull``, ``--ff-only``, ``--autostash``, ``-X theirs``, ``--rebase``, ``-r -X ours``
  each wrote the bare file.
- ``-s ours`` merging (no rebase) kept our tree, even where a fast-forward was possible
  ("Merge branch 'main' of ..."): nothing is brought, as for ``git merge -s ours``. Rebasing
  (``--rebase -s ours``, or ``pull.rebase = true``) onto diverged commits, ``ours`` is the
  upstream: it wrote the bare file and dropped our commit. So ``-s ours`` spares the tree only
  when no rebase is known to be asked for.
- ``git pull . BRANCH`` fetches from the repository itself: what it merges is the local
  ``BRANCH``, read as ``git merge BRANCH`` is.
"""

from __future__ import annotations

from keyturn.model import Effect
from keyturn.understand.shell.commands._git_checkouts import NOT_READ
from keyturn.understand.shell.commands._git_config import given_settings
from keyturn.understand.shell.commands._git_merges import pulled_in, strategies
from keyturn.understand.shell.commands._git_repository import git_settings
from keyturn.understand.shell.commands._git_tree_settings import Touches
from keyturn.understand.shell.commands._git_worktree import local_write
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_FALSE = frozenset({"false", "no", "off", "0"})
_INTERACTIVE = frozenset({"interactive", "i"})


def pull_writes(
    opts: Options, args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The local writes of ``git pull ARGS`` after its fetch (module docstring)."""
    rebase = _rebase_mode(args, repo, cmd, ctx)
    if strategies(args) == {"ours"} and rebase == "false":
        return local_write(args, repo, cmd, ctx)  # a merge keeping our tree exactly
    local = _local_revisions(opts)
    # Commits an interactive rebase drops (chosen at run time): as rebase -i (_git_merges).
    touches = Touches.SWITCHED if rebase in _INTERACTIVE else Touches.MERGED
    said = None if local else "the version the pull fetches (not read here)"
    return pulled_in(
        args, repo, cmd, ctx, revisions=local or [NOT_READ], touches=touches, said=said
    )


def _rebase_mode(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> str:
    """How the pull reconciles: ``"false"`` (it merges), a rebase mode (``"true"``,
    ``"merges"``, ``"interactive"``...), or ``"?"`` when that is not known (a rebase then)."""
    given: str | None = None
    for arg in args:
        if arg == "--":
            break
        if arg in ("--rebase", "-r"):
            given = "true"
        elif arg.startswith("--rebase="):
            value = arg.partition("=")[2].lower()
            given = "false" if value in _FALSE else value
        elif arg == "--no-rebase":
            given = "false"
        elif arg.startswith("-r") and not arg.startswith("--"):
            # ``-rVALUE`` (attached: ``git pull -h``); ``-rs ours`` bundles are not split
            # here: a rebase, the stricter reading.
            given = "true"
    if given is not None:
        return given
    settings = git_settings(repo, cmd, ctx, given=given_settings(cmd, ctx))
    if settings.unknown is not None:
        return "?"
    found = [
        *settings.values("pull", "rebase"),
        *settings.values("branch", "rebase", subsection=None),
    ]
    if any(v is None for v in found):
        return "?"  # decided at run time
    modes = [v.lower() for v in found if v is not None and v.lower() not in _FALSE]
    return modes[-1] if modes else "false"


def _local_revisions(opts: Options) -> list[str]:
    """The local refs ``git pull . REF...`` merges (its own repository as the remote); none
    when the pull fetches from elsewhere or a refspec is not a plain ref."""
    if not opts.operands or opts.operands[0] != "." or len(opts.operands) < 2:
        return []
    found: list[str] = []
    for spec in opts.operands[1:]:
        source = spec.removeprefix("+").partition(":")[0]
        if not source or source.startswith("^") or set(source) & set("*?[$`"):
            return []
        found.append(source)
    return found
