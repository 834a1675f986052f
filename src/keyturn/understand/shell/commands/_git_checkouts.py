"""git subcommands that check other commits (or the index's files) out into a work tree, for the
handler of :mod:`.git`: ``git bisect``, ``git submodule update`` and ``git checkout-index``.

Each writes versions of the files that the repository holds over the work tree, so the
Terraform files among them are judged as a checkout's are (:mod:`._tf_git_rewrites`): a
version known to be the one there names nothing; one that differs, or that is not read, names
the addresses the file's ``prevent_destroy`` protects. What git 2.39 does (checked in scratch
repositories):

- ``bisect start BAD GOOD...`` checks out a commit between them that git picks (``Bisecting:
  ... [id]``), as a switch without ``-f`` (local changes are carried over); so do ``bisect
  good``/``bad``/``skip``/``new``/``old``/a term of one's own, ``run`` and ``replay`` for the
  next commit. Which commit that is is not computed here: the work tree's effect is
  ``unknown``, naming every protected address a switch may reach. ``start --no-checkout``, or
  with fewer than two commits, checks nothing out -- unless a bisection is under way: ``start``
  then first goes back where it started, as ``reset`` does. ``reset [COMMIT]`` switches back
  to the branch ``BISECT_START`` holds (or to COMMIT): a switch, read as any other.
  ``log``/``visualize``/``view``/``terms`` read.
- ``submodule update [PATH...]`` checks each submodule out at the commit the superproject's
  index records for it (``160000 <id>``), as ``git checkout <id>`` run in it (a submodule
  already there is left alone); ``--force`` as ``checkout -f`` (local changes go, even at the
  same commit); ``--rebase``/``--merge`` rebase or merge the submodule's branch onto it.
  ``--remote`` uses the remote's branch, fetched when it runs: not read, so ``unknown``.
  Without one of those modes, a ``submodule.<name>.update = !command`` setting runs its
  command instead (:mod:`._git_submodule_update`).
  A submodule not checked out yet is cloned: nothing of it is on disk to lose.
- ``checkout-index -f (-a | PATH...)`` writes the index's version over each file, as
  ``checkout -- PATH`` does (``-a``: every file under the folder it runs in); without ``-f`` a
  file already there is kept ("already exists, no checkout"), only missing ones are written.
  ``--stage=N`` writes a conflict's stage (not read: named); ``--prefix=P`` writes under
  another folder (what is there is overwritten: every protected file there is named);
  ``--temp`` writes temporary files only; ``--stdin`` reads the paths at run time (every file).
"""

from __future__ import annotations

import posixpath

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config import given_settings
from keyturn.understand.shell.commands._git_config_file import everything_in, work_tree_root
from keyturn.understand.shell.commands._git_effects import git_effect, worktree_effect
from keyturn.understand.shell.commands._git_leaving import submodule, submodule_paths
from keyturn.understand.shell.commands._git_repository import find_git_dir
from keyturn.understand.shell.commands._git_submodule_update import MODES, update_commands
from keyturn.understand.shell.commands._git_tree_settings import Touches
from keyturn.understand.shell.commands._git_worktree import local_write, switched
from keyturn.understand.shell.commands._tf_git_rewrites import (
    rewritten_files,
    with_rewritten_configuration,
)
from keyturn.understand.shell.commands._tf_trees import with_tree_written
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# A revision no repository resolves ("@" followed by a brace the reader never reads): the
# commit a command checks out is not known, so every protected file counts as rewritten.
NOT_READ = "@{?}"
_BISECT_READS = frozenset({"log", "visualize", "view", "terms", "help"})
_PICKED = "bisect checks out a commit it picks, which is not read here"


def bisect(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git bisect SUBCOMMAND ...`` (module docstring)."""
    sub = args[0] if args else ""
    if sub in _BISECT_READS or not args:
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx)]
    if sub == "reset":
        target = args[1] if len(args) > 1 else _bisect_started_on(repo, cmd, ctx)
        return _switched_back(target, repo, cmd, ctx)
    if sub == "start":
        commits, checks_out = _start_options(args[1:])
        if not checks_out or len(commits) < 2:
            under_way = _bisect_started_on(repo, cmd, ctx)
            if under_way is None:
                return [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
            return _switched_back(under_way, repo, cmd, ctx)
    return [
        git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
        _unknown_switch(repo, cmd, ctx),
    ]


def _start_options(args: list[str]) -> tuple[list[str], bool]:
    """The commits ``bisect start`` is given (before ``--``) and whether it checks one out."""
    commits: list[str] = []
    checks_out = True
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            break
        if arg == "--no-checkout":
            checks_out = False
        elif arg in ("--term-good", "--term-old", "--term-bad", "--term-new"):
            i += 1  # its value
        elif not arg.startswith("-"):
            commits.append(arg)
    return commits, checks_out


def _bisect_started_on(repo: str, cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """What ``BISECT_START`` holds (the branch or commit bisect started on); ``None`` when no
    bisection is under way; :data:`NOT_READ` when that cannot be told."""
    if ctx.disk_stale:
        return NOT_READ  # an earlier command on the line may have started one
    found = find_git_dir(repo, cmd, ctx)
    if not isinstance(found, tuple):
        return NOT_READ
    path = found[0] + "/BISECT_START"
    if not ctx.files.exists(path):
        return None
    started = (ctx.files.read_text(path, limit=4096) or "").strip()
    return started or NOT_READ


def _switched_back(
    target: str | None, repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    if target is None:  # "We are not bisecting.": nothing is checked out
        return [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
    if target == NOT_READ:
        return [
            git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
            _unknown_switch(repo, cmd, ctx),
        ]
    return switched(repo, [target], cmd, ctx)


def _unknown_switch(repo: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """A switch to a commit not read: ``unknown``, naming every protected address there."""
    tree = worktree_effect(EffectKind.UNKNOWN, [everything_in(repo, ctx)], cmd, ctx, _PICKED)
    return with_rewritten_configuration(
        tree, ctx, Touches.SWITCHED, revision=NOT_READ, said="a commit not read"
    )


# submodule update's options that take the next word as their value.
_UPDATE_VALUED = frozenset({"--reference", "--depth", "--jobs", "-j", "--filter"})


def submodule_update(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git submodule [--quiet] update [OPTIONS] [--] [PATH...]`` (``args``: after
    ``update``; module docstring)."""
    paths: list[str] = []
    flags: set[str] = set()
    mode = ""
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            paths += args[i:]
            break
        if arg in _UPDATE_VALUED:
            i += 1
        elif arg in MODES:
            mode = arg
        elif arg.startswith("-"):
            flags.add("--force" if arg == "-f" else arg)
        else:
            paths.append(arg)
    top = work_tree_root(repo, ctx) or repo.rstrip("/")
    folders = [file_path(p, ctx).rstrip("/") for p in paths]
    if not paths:
        if not ctx.disk_stale and not ctx.files.exists(top + "/.gitmodules"):
            return local_write(args, repo, cmd, ctx)  # no submodule to update
        listed = submodule_paths(top, ctx)
        folders = [f"{top}/{p}" for p in listed] if listed is not None else [top]
    touches = Touches.SWITCHED
    if "--force" in flags:
        touches = Touches.UNLIKE_COMMIT
    elif mode not in ("", "--checkout"):
        touches = Touches.MERGED
    effects = local_write(args, repo, cmd, ctx)
    if not mode:  # a submodule.<name>.update setting decides: it may name a command
        effects += update_commands(repo, cmd, ctx, given=given_settings(cmd, ctx))
    for folder in folders:
        recorded = None if "--remote" in flags else _recorded(top, folder, ctx)
        kind = EffectKind.UPDATE if recorded else EffectKind.UNKNOWN
        detail = f"submodule update checks {folder} out at the commit the superproject records"
        if recorded is None:
            detail = f"submodule update checks {folder} out at a commit not read here"
        tree = worktree_effect(kind, [folder + "/*"], cmd, ctx, detail)
        configured = with_rewritten_configuration(
            tree, ctx, touches, revision=recorded or NOT_READ, said="the submodule's commit"
        )
        if configured.removes_protection or kind is EffectKind.UNKNOWN:
            effects.append(configured)
    return effects


def _recorded(top: str, folder: str, ctx: ShellContext) -> str | None:
    """The commit the superproject's index records for the submodule at ``folder``; ``None``
    when it is not read (or the line may have changed it)."""
    relative = folder[len(top) + 1 :] if folder.startswith(top + "/") else None
    if relative is None or ctx.disk_stale or ctx.committed_earlier:
        return None
    entries = ctx.files.git_entries(top, relative, ())
    entry = entries.index.get(relative, "") if entries is not None else ""
    mode, _, commit = entry.partition(" ")
    return commit if mode == "160000" and commit else None


def checkout_index(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git checkout-index [OPTIONS] [--] [PATH...]`` (module docstring)."""
    flags: set[str] = set()
    values: dict[str, str] = {}
    paths: list[str] = []
    for i, arg in enumerate(args):
        if arg == "--":
            paths += args[i + 1 :]
            break
        if arg.startswith("--"):
            name, _, value = arg.partition("=")
            values[name] = value
            flags.add(name)
        elif arg.startswith("-") and len(arg) > 1:
            flags |= {f"-{letter}" for letter in arg[1:]}
        else:
            paths.append(arg)
    forced = bool({"-f", "--force"} & flags)
    every = bool({"-a", "--all", "--stdin"} & flags)
    tree = file_path(".", ctx).rstrip("/") + "/*" if every else None
    names = [tree] if tree else [file_path(p, ctx) for p in paths]
    if "--temp" in flags or values.get("--stage") == "all" or not names:
        detail = "checkout-index writes temporary files" if names else "checkout-index: no files"
        return [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx, detail=detail)]
    if "--prefix" in flags:
        written_in = posixpath.dirname(file_path(values["--prefix"] + "x", ctx))
        detail = f"checkout-index writes the index's files under {written_in}"
        effect = worktree_effect(EffectKind.UPDATE, [written_in + "/*"], cmd, ctx, detail)
        return [with_tree_written(effect, written_in, ctx, sources=[None])]
    if not forced:
        # A file already there is kept: only missing ones are written.
        detail = "checkout-index writes the index's files missing from the work tree"
        return [worktree_effect(EffectKind.UPDATE, [everything_in(repo, ctx)], cmd, ctx, detail)]
    stage = values.get("--stage")
    detail = "checkout-index writes the index's version over the files"
    if stage:
        detail = f"checkout-index writes stage {stage} of a conflict over the files"
    return [
        rewritten_files(
            EffectKind.DELETE,
            names,
            cmd,
            ctx,
            detail,
            Touches.UNLIKE_INDEX,
            index_judged=not stage,
        )
    ]


def submodule_command(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git submodule ...``: ``update`` here, the others as :func:`._git_leaving.submodule`
    judges them."""
    words = [a for a in args if a not in ("--quiet", "-q")]
    if words[:1] == ["update"]:
        return submodule_update(words[1:], repo, cmd, ctx)
    return submodule(args, repo, cmd, ctx)


# filter-branch's filters that change the files commits hold (git help filter-branch); the
# others (--msg-filter, --env-filter, --tag-name-filter, --parent-filter) keep every tree.
_TREE_FILTERS = frozenset(
    {"--tree-filter", "--index-filter", "--commit-filter", "--subdirectory-filter"}
)
_FILTER_REPO_READS = frozenset({"--analyze", "--dry-run", "--help", "-h", "--version"})


def rewritten_history(
    sub: str, args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The work tree ``filter-branch`` and ``filter-repo`` leave: when the filters may change
    the files the commits hold, the branch checked out is rewritten and its new files are
    checked out over the work tree (filter-branch ends with ``read-tree -u -m HEAD``;
    filter-repo resets the work tree to the rewritten HEAD). What the filters leave is not
    read here: ``unknown``, naming every protected address of the work tree."""
    if sub == "filter-branch":
        given = {a.partition("=")[0] for a in args}
        if not given & _TREE_FILTERS:
            return []
    elif set(args) & _FILTER_REPO_READS:
        return []
    detail = f"{sub} checks the rewritten commit out, with files its filters decide"
    tree = worktree_effect(EffectKind.UNKNOWN, [everything_in(repo, ctx)], cmd, ctx, detail)
    return [
        with_rewritten_configuration(
            tree, ctx, Touches.UNLIKE_COMMIT, revision=NOT_READ, said="the rewritten commit"
        )
    ]
