"""What ``git`` does, by subcommand.

Names:
- a remote branch ``git:<remote>/<branch>`` (``git:origin/main``; tags ``git:origin/tags/v1``;
  the branch ``HEAD``, ``@`` or a bare ``git push`` pushes is ``git:<remote>/HEAD`` and the
  branch checked out, ``git:<remote>/*`` when that is not known; ``--mirror``/``--all``/``:``
  ``git:<remote>/*``);
- a local branch ``git:local/<branch>``; the stash ``git:local/stash``; history rewritten by
  ``filter-repo``/``filter-branch`` ``git:local/*``; unreachable objects ``git:local/objects``;
- uncommitted work in the working tree: the files, ``file:<repo>/*`` for the whole tree
  (``reset --hard``, ``clean -f``, ``checkout .``) or ``file:<path>`` for named paths; with
  the agents' hook settings files in that tree the subcommand changes named too
  (:mod:`._git_tree_settings`).

Forced pushes (``-f``, ``--force``, ``--force-with-lease``, ``--force-if-includes``, a ``+``
refspec) and ``--mirror`` replace; ``--delete``/``:branch`` delete, and so does ``--prune`` (of
``git:<remote>/*``: remote branches with no local counterpart go); a plain push updates.
The normalised text spells forcing as ``git push --force…`` before the operands, so that the
policy's ``command: "git push --force*"`` matches every spelling.

Settings push too: ``remote.<name>.push`` refspecs stand in for those not given (a ``+`` one
forces), and ``remote.<name>.mirror`` makes every push a mirror push, whether given with ``-c``
or stored in the settings of the repository git uses, the user's or the system's; the effect's
text then says ``--force`` as well (:mod:`._git_push`). ``fetch`` and ``pull`` into local
branches (their refspecs, or the refmap the refs named go through) update or replace them, and
prune them with ``--prune`` (:mod:`._git_fetch`); branches, remotes and refs are
:mod:`._git_refs`. A work tree named without a repository (``--work-tree``,
``GIT_WORK_TREE``) is used with the repository git finds from where it runs, as git does.
``gc`` with a near-now ``gc.pruneExpire`` deletes unreachable commits as ``--prune=now`` does.
Abbreviated long options (``--mirr``) are spelled out first
(:func:`._git_long_options.expand_abbreviations`). ``bisect``, ``submodule update``,
``checkout-index`` and the checkout ``filter-branch``/``filter-repo`` end with are
:mod:`._git_checkouts`; ``--abort``/``--skip`` of merges and picks :mod:`._git_aborts`.
``replace`` changes what every later read of the repository sees (:mod:`._git_replace`);
``--recurse-submodules`` (or ``submodule.recurse``) on checkout, switch, reset and pull checks
the submodules out too (:mod:`._git_recursion`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._git_apply import am, apply
from keyturn.understand.shell.commands._git_checkouts import (
    bisect,
    checkout_index,
    rewritten_history,
    submodule_command,
)
from keyturn.understand.shell.commands._git_config import (
    at,
    command_transports,
    config,
    option_commands,
    settings_given,
    stored_settings,
    subcommand_settings,
)
from keyturn.understand.shell.commands._git_effects import git_effect, worktree_effect
from keyturn.understand.shell.commands._git_fetch import fetch, pull
from keyturn.understand.shell.commands._git_leaving import sparse_checkout
from keyturn.understand.shell.commands._git_long_options import expand_abbreviations
from keyturn.understand.shell.commands._git_merges import merge, pick, rebase
from keyturn.understand.shell.commands._git_push import canonical, push
from keyturn.understand.shell.commands._git_recursion import with_submodule_recursion
from keyturn.understand.shell.commands._git_refs import (
    branch,
    gc,
    prune,
    read_tree,
    reflog,
    remote,
    update_ref,
)
from keyturn.understand.shell.commands._git_replace import replace
from keyturn.understand.shell.commands._git_repository import GLOBAL_VALUED as _GLOBAL_VALUED
from keyturn.understand.shell.commands._git_repository import (
    find_git_dir,
    given_git_dir,
    work_tree_moved,
)
from keyturn.understand.shell.commands._git_stash import stash
from keyturn.understand.shell.commands._git_worktree import (
    checkout,
    clean,
    local_write,
    mv,
    reset,
    restore,
    rm,
    switch,
    worktree_command,
)
from keyturn.understand.shell.commands._tf_git import with_git_removals
from keyturn.understand.shell.dispatch import RUN_TIME_HINT
from keyturn.understand.shell.effects import file_path, unknown_effect, write_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options, register_canonical
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve


def _split_global(cmd: SimpleCommand, ctx: ShellContext) -> tuple[str, list[str]]:
    """Global options before the subcommand: ``-C DIR`` changes the repository directory, and
    the work tree is where ``--work-tree``, else ``GIT_WORK_TREE``, else a ``-c core.worktree``
    puts it (git's own order). A work tree decided at run time is ``RUN_TIME_HINT``."""
    _, repo, rest = _located(cmd, ctx)
    return repo, rest


def _located(cmd: SimpleCommand, ctx: ShellContext) -> tuple[str, str, list[str]]:
    """(the directory git runs in, its work tree, the words from the subcommand on)."""
    args = cmd.args
    repo = ctx.cwd
    flag: str | None = None
    configured: str | None = None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        if arg == "-C" and i + 1 < len(args):
            repo = file_path(value, ctx if repo == ctx.cwd else at(ctx, repo))
        elif arg == "--work-tree" or arg.startswith("--work-tree="):
            flag = arg.partition("=")[2] if "=" in arg else value
        elif arg == "-c" and value.lower().startswith("core.worktree="):
            configured = value.partition("=")[2]
        if arg in _GLOBAL_VALUED:
            i += 2
            continue
        i += 1
    runs_in = repo
    tree = flag if flag is not None else setting(cmd, ctx.env, "GIT_WORK_TREE") or configured
    if tree:
        repo = file_path(tree, ctx if repo == ctx.cwd else at(ctx, repo))
        if tree == RUN_TIME_HINT or "$" in tree or "`" in tree:
            repo = RUN_TIME_HINT
    return runs_in, repo, list(args[i:])


def _found_from(runs_in: str, repo: str, cmd: SimpleCommand, ctx: ShellContext) -> SimpleCommand:
    """``cmd`` naming the repository git uses when its work tree is moved (``--work-tree``,
    ``GIT_WORK_TREE``, ``-c core.worktree``) but no ``--git-dir``/``GIT_DIR`` is given: git
    then finds the repository from the directory it runs in, not from the work tree, and uses
    it as ``GIT_DIR`` (git 2.39: ``git --work-tree=DIR rev-parse --git-dir`` says ``.git``)."""
    if repo == RUN_TIME_HINT or not work_tree_moved(cmd, ctx) or given_git_dir(cmd, ctx):
        return cmd
    found = find_git_dir(runs_in, cmd, at(ctx, runs_in))
    if not isinstance(found, tuple):
        return cmd  # none, or not known: the settings say so (_git_repository)
    return evolve(cmd, assignments={**cmd.assignments, "GIT_DIR": found[0]})


# What points git at another repository, index, object store or settings than the work tree's
# own: the files keyturn reads there are then not what git uses.
_ELSEWHERE_VARIABLES = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_CONFIG",
        "GIT_CONFIG_GLOBAL",
        "GIT_CONFIG_SYSTEM",
        "GIT_CONFIG_COUNT",
        "GIT_CONFIG_PARAMETERS",
        # Where replacements are read from (default refs/replace/): git 2.39 with
        # GIT_REPLACE_REF_BASE=refs/x/ and refs/x/<HEAD> -> v1 made ``reset --hard`` write v1.
        "GIT_REPLACE_REF_BASE",
    }
)
_ELSEWHERE_OPTIONS = ("--git-dir", "--work-tree", "--namespace", "--bare", "-c", "--config-env")


def _reads_elsewhere(options: Sequence[str], cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether git's global ``options`` or the environment point it at files other than those
    of the work tree keyturn reads."""
    if any(o == name or o.startswith(name + "=") for o in options for name in _ELSEWHERE_OPTIONS):
        return True
    return any(
        name in _ELSEWHERE_VARIABLES or name.startswith("GIT_CONFIG_KEY_")
        for name in (*cmd.assignments, *ctx.env)
    )


def records_work_only(cmd: SimpleCommand, ctx: ShellContext) -> bool:
    """Whether ``cmd`` (a ``git`` command) only records the work tree's state in the index and
    HEAD: ``git add`` or ``git commit`` (not ``--amend``, which takes HEAD's own parent's place),
    run on the work tree's own repository."""
    _, rest = _split_global(cmd, ctx)
    if not rest or rest[0] not in ("add", "commit") or "--amend" in rest:
        return False
    return not _reads_elsewhere(cmd.args[: len(cmd.args) - len(rest)], cmd, ctx)


register_canonical("git", canonical)


@command("git")
def git(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Every ``git`` subcommand keyturn knows; others are not understood (unknown). Settings
    given with ``-c``/``--config-env`` and ``ext::`` addresses add what they make git run."""
    runs_in, repo, rest = _located(cmd, ctx)
    if rest:
        # Abbreviated long options spelled out, word for word: argv indexes stay as they were.
        rest = [rest[0], *expand_abbreviations(rest[0], rest[1:])]
        cmd = evolve(cmd, argv=(*cmd.argv[: len(cmd.argv) - len(rest)], *rest))
    elsewhere = _reads_elsewhere(cmd.args[: len(cmd.args) - len(rest)], cmd, ctx)
    cmd = _found_from(runs_in, repo, cmd, ctx)
    extra = settings_given(cmd, ctx) + command_transports(cmd, ctx)
    if rest:
        extra += stored_settings(rest[0], repo, cmd, ctx)
        extra += option_commands(rest[0], rest[1:], cmd, ctx)
        extra += subcommand_settings(rest[0], rest[1:], cmd, ctx)
    if not rest:
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx), *extra]
    sub, args = rest[0], rest[1:]
    if repo == RUN_TIME_HINT and sub not in _READS:
        return [unknown_effect(cmd, "git's work tree is decided at run time", ctx), *extra]
    if elsewhere:
        ctx = evolve(ctx, disk_stale=True)
    handler = _SUBCOMMANDS.get(sub)
    if handler is None:
        if sub in _READS:
            return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx), *extra]
        if extra:  # what the settings run is judged even when the subcommand is not known
            return [unknown_effect(cmd, f"git {sub!r} is not understood", ctx), *extra]
        return None
    return [*handler(args, repo, cmd, at(ctx, repo)), *extra]


def _rewrite(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``filter-branch``/``filter-repo``: history rewritten, and the work tree made the
    rewritten HEAD's files (:func:`._git_checkouts.rewritten_history`)."""
    rewritten = git_effect(EffectKind.REPLACE, "git:local/*", cmd, ctx, detail="rewrites history")
    return [
        rewritten,
        *rewritten_history(cmd.args[len(cmd.args) - len(args) - 1], args, repo, cmd, ctx),
    ]


def _tag(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, OptionSpec(valued="mFu", long={"delete": "d", "force": "f"}))
    names = list(opts.operands)
    if opts.has("d"):
        return [git_effect(EffectKind.DELETE, f"git:local/tags/{n}", cmd, ctx) for n in names] or [
            git_effect(EffectKind.DELETE, "git:local/tags/?", cmd, ctx)
        ]
    if names and not opts.has("l", "list", "n", "v"):
        kind = EffectKind.REPLACE if opts.has("f") else EffectKind.CREATE
        return [git_effect(kind, f"git:local/tags/{names[0]}", cmd, ctx)]
    return [git_effect(EffectKind.READ, "git:local/tags/*", cmd, ctx)]


def _create(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    operands = [a for a in args if not a.startswith("-")]
    where = operands[-1] if operands and (cmd.args[0] == "init" or len(operands) > 1) else None
    path = file_path(where, ctx) if where else repo
    return [worktree_effect(EffectKind.CREATE, [path], cmd, ctx, "new repository")]


def _read(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """A reading subcommand; ``--output=FILE`` (log, diff, show...) writes FILE."""
    effects = [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx)]
    for i, arg in enumerate(args):
        written = arg.removeprefix("--output=") if arg.startswith("--output=") else None
        if arg == "--output" and i + 1 < len(args):
            written = args[i + 1]
        if written:
            effects.append(write_effect(file_path(written, ctx), cmd, ctx))
    return effects


_Sub = Callable[[list[str], str, SimpleCommand, ShellContext], list[Effect]]
_SUBCOMMANDS: dict[str, _Sub] = {
    "push": push,
    "fetch": fetch,
    "reset": reset,
    "clean": clean,
    "checkout": checkout,
    "restore": restore,
    "branch": branch,
    "stash": stash,
    "filter-repo": _rewrite,
    "filter-branch": _rewrite,
    "reflog": reflog,
    "gc": gc,
    "prune": prune,
    "tag": _tag,
    "switch": switch,
    "init": _create,
    "clone": _create,
    "config": config,
    "rm": rm,
    "worktree": worktree_command,
    "remote": remote,
    "pull": pull,
    "update-ref": update_ref,
    "read-tree": read_tree,
    "mv": mv,
    "apply": apply,
    "am": am,
    "merge": merge,
    "rebase": rebase,
    "cherry-pick": pick,
    "revert": pick,
    "sparse-checkout": sparse_checkout,
    "bisect": bisect,
    "checkout-index": checkout_index,
    "replace": replace,
}
for _name in (
    "add",
    "commit",
    "commit-tree",
    "update-index",
    "notes",
):
    _SUBCOMMANDS[_name] = local_write
_READS = frozenset(
    [
        "status",
        "log",
        "diff",
        "show",
        "ls-files",
        "ls-remote",
        "ls-tree",
        "rev-parse",
        "rev-list",
        "describe",
        "blame",
        "grep",
        "shortlog",
        "whatchanged",
        "cat-file",
        "show-ref",
        "show-branch",
        "for-each-ref",
        "help",
        "version",
        "count-objects",
        "fsck",
        "name-rev",
        "cherry",
        "range-diff",
        "annotate",
        "var",
        "check-ignore",
        "merge-base",
    ]
)
for _name in _READS:
    _SUBCOMMANDS[_name] = _read
_SUBCOMMANDS["submodule"] = submodule_command
# Removals of trees and pathspec globs name what the Terraform files they reach protect.
for _name in ("rm", "mv", "clean", "worktree"):
    _SUBCOMMANDS[_name] = with_git_removals(_SUBCOMMANDS[_name], cleans=_name == "clean")
# --recurse-submodules checks the submodules out too, at commits not read here.
for _name in ("checkout", "switch", "restore", "reset", "pull"):
    _SUBCOMMANDS[_name] = with_submodule_recursion(_SUBCOMMANDS[_name], sub=_name)
