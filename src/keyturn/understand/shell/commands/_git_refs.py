"""``git branch``, ``update-ref``, ``remote``, ``reflog``, ``gc`` and ``prune``: local refs,
remotes and the history they keep reachable, for :mod:`.git`.

- ``branch -d/-D`` deletes the branches named; ``-m``/``-M`` renames ``[OLD] NEW`` (OLD: the
  branch checked out) -- NEW is written (``-M``, or ``-f``: over one that is there, a
  ``replace``) and OLD is gone (a ``delete``: ``git branch -m main old`` leaves no ``main``);
  ``-c``/``-C`` copies ``[OLD] NEW`` the same way, OLD kept; ``branch NAME`` creates one
  (``-f``: resets it); ``-u UPSTREAM [NAME]`` updates the branch's upstream.
- ``update-ref -d REF`` deletes REF and ``update-ref REF VALUE`` sets it to any commit (a
  ``replace``: not only a fast-forward); ``HEAD`` is the branch checked out unless
  ``--no-deref``; ``--stdin`` reads what to change at run time (unknown).
- ``remote [-v|show|get-url]`` reads; ``remove`` drops a remote with its remote-tracking
  branches, ``prune`` the stale ones; ``update`` fetches every remote
  (:func:`._git_fetch.remote_update`); ``add``, ``rename``, ``set-url`` and the rest update
  ``git:local/remotes/<name>``. ``add --mirror[=push|fetch]`` and ``rename`` also change what
  later pushes and fetches do (``remote.<name>.mirror``, ``remote.<name>.fetch =
  +refs/*:refs/*``, or another remote's settings under this name): they are said to write the
  repository's settings file, so that a push or fetch later on the line reads its settings
  as not known (:mod:`._git_repository`); ``add -f`` with a fetch mirror force-updates every
  local branch at once.
- ``reflog expire``/``delete`` drop reflog entries (the way back to lost commits); ``gc`` and
  ``prune`` may delete unreachable commits (:func:`gc`).
- ``read-tree`` makes the index what trees hold (:func:`read_tree`), and with ``-u`` the work
  tree too.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_config import given_settings
from keyturn.understand.shell.commands._git_config_file import everything_in
from keyturn.understand.shell.commands._git_effects import git_effect, short_ref, worktree_effect
from keyturn.understand.shell.commands._git_fetch import fetched_into, remote_update
from keyturn.understand.shell.commands._git_repository import (
    checked_out,
    common_dir,
    find_git_dir,
    git_settings,
    soon,
)
from keyturn.understand.shell.commands._git_tree_settings import (
    Touches,
    settings_reached,
    whole_work_tree,
)
from keyturn.understand.shell.commands._tf_git_rewrites import with_rewritten_configuration
from keyturn.understand.shell.effects import file_path, unknown_effect, write_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_BRANCH = OptionSpec(
    valued="u",
    long={"delete": "d", "move": "m", "copy": "c", "force": "f", "set-upstream-to": "u"},
    long_valued=frozenset({"u"}),
)


def branch(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, _BRANCH)
    names = list(opts.operands)
    if opts.has("D", "d"):
        force = " (unmerged work lost)" if opts.has("D") or opts.has("f") else ""
        return [
            git_effect(
                EffectKind.DELETE,
                f"git:local/{short_ref(n)}",
                cmd,
                ctx,
                detail="deletes the branch" + force,
            )
            for n in names
        ] or [git_effect(EffectKind.DELETE, "git:local/?", cmd, ctx)]
    if opts.has("M", "m", "C", "c") and names:
        return _moved_or_copied(names, repo, opts.has("M", "m"), opts.has("M", "C", "f"), cmd, ctx)
    if opts.has("u", "unset-upstream"):  # the branch's upstream settings (named or checked out)
        named = short_ref(names[0]) if names else checked_out(repo, cmd, ctx) or "HEAD"
        detail = "sets the branch's upstream"
        return [git_effect(EffectKind.UPDATE, f"git:local/{named}", cmd, ctx, detail=detail)]
    if names and not opts.has("l", "a", "r", "list", "v", "contains", "merged"):
        kind = EffectKind.REPLACE if opts.has("f") else EffectKind.CREATE
        return [git_effect(kind, f"git:local/{short_ref(names[0])}", cmd, ctx)]
    return [git_effect(EffectKind.READ, "git:local/*", cmd, ctx)]


def _moved_or_copied(
    names: list[str], repo: str, move: bool, force: bool, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``branch -m/-M/-c/-C [OLD] NEW``: NEW written (over a branch there when forced), OLD
    (the branch checked out when not named) gone after a rename."""
    new = short_ref(names[-1])
    old = short_ref(names[0]) if len(names) > 1 else checked_out(repo, cmd, ctx) or "HEAD"
    kind = EffectKind.UPDATE if move else EffectKind.CREATE
    if force:
        kind = EffectKind.REPLACE
    what = "renames a branch" if move else "copies a branch"
    effects = [git_effect(kind, f"git:local/{new}", cmd, ctx, detail=what)]
    if move and old != new:
        detail = f"renames the branch away (to {new})"
        effects.append(git_effect(EffectKind.DELETE, f"git:local/{old}", cmd, ctx, detail=detail))
    return effects


_UPDATE_REF = OptionSpec(valued="m", long={"stdin": "stdin", "delete": "d"})


def update_ref(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git update-ref``: the ref it deletes (``-d``) or sets to any value (a ``replace``)."""
    opts = parse_options(args, _UPDATE_REF)
    if opts.has("stdin") or not opts.operands:
        return [unknown_effect(cmd, "git update-ref changes refs read at run time", ctx)]
    ref = opts.operands[0]
    name = f"git:local/{short_ref(ref)}"
    also: tuple[str, ...] = ()
    if ref == "HEAD" and not opts.has("no-deref"):
        # HEAD stands for the branch checked out (any branch when that is not known).
        also = (f"git:local/{checked_out(repo, cmd, ctx) or '*'}",)
    if opts.has("d"):
        return [git_effect(EffectKind.DELETE, name, cmd, ctx, detail="deletes the ref", also=also)]
    detail = "sets the ref to any commit"
    return [git_effect(EffectKind.REPLACE, name, cmd, ctx, detail=detail, also=also)]


_REMOTE_READS = frozenset({"", "show", "get-url", "-v", "--verbose"})
_REMOTE_ADD = OptionSpec(valued="tm", long={"fetch": "f", "track": "t", "master": "m"})


def remote(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git remote …`` (module docstring)."""
    words = [a for a in args if not a.startswith("-")]
    action = words[0] if words else (args[0] if args else "")
    if action in _REMOTE_READS:
        return [git_effect(EffectKind.READ, "git:local/remotes/*", cmd, ctx)]
    if action == "add":
        words = [action, *parse_options(args[args.index("add") + 1 :], _REMOTE_ADD).operands]
    names = [f"git:local/remotes/{n}" for n in words[1:2]] or ["git:local/remotes/?"]
    if action in ("remove", "rm"):
        detail = "drops the remote and its remote-tracking branches"
        return [git_effect(EffectKind.DELETE, names[0], cmd, ctx, detail=detail)]
    if action == "prune" or (action == "update" and "--prune" in args):
        detail = "deletes remote-tracking branches gone from the remote"
        effects = [git_effect(EffectKind.DELETE, names[0] + "/*", cmd, ctx, detail=detail)]
        return effects + (remote_update(args, repo, cmd, ctx) if action == "update" else [])
    effects = [git_effect(EffectKind.UPDATE, names[0], cmd, ctx, detail=f"remote {action}")]
    if action == "update":
        return effects + remote_update(args, repo, cmd, ctx)
    if action == "rename":
        return [*effects, _settings_written(repo, cmd, ctx, "renames a remote's settings")]
    if action != "add":
        return effects
    opts = parse_options(args[args.index("add") + 1 :], _REMOTE_ADD)
    mirror = [v for v in opts.values.get("mirror", ()) if v] or (
        ["fetch", "push"] if opts.has("mirror") else []
    )
    if not mirror:
        return effects
    effects.append(_settings_written(repo, cmd, ctx, f"makes a {'/'.join(mirror)} mirror"))
    if opts.has("f") and any(m != "push" for m in mirror):
        effects += fetched_into("+refs/*:refs/*", forced=True, prune=False, cmd=cmd, ctx=ctx)
    return effects


def _settings_written(repo: str, cmd: SimpleCommand, ctx: ShellContext, detail: str) -> Effect:
    """An update of the settings file of the repository git uses for ``cmd``."""
    found = find_git_dir(repo, cmd, ctx)
    folder = common_dir(found[0], ctx) if isinstance(found, tuple) else repo + "/.git"
    return worktree_effect(EffectKind.UPDATE, [folder + "/config"], cmd, ctx, detail)


def reflog(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if args[:1] in (["expire"], ["delete"]):
        return [
            git_effect(
                EffectKind.DELETE,
                "git:local/reflog",
                cmd,
                ctx,
                detail="drops reflog entries (the way back to lost commits)",
            )
        ]
    return [git_effect(EffectKind.READ, "git:local/reflog", cmd, ctx)]


def gc(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git gc``: repacks; ``--prune=<date>`` or a near-now ``gc.pruneExpire`` deletes the
    unreachable commits, a near-now ``gc.reflogExpire*`` the reflog entries (the way back to
    them). Settings not known (changed earlier on the line) may be either."""
    settings = git_settings(repo, cmd, ctx, given=given_settings(cmd, ctx))
    unknown = settings.unknown is not None
    given = [a for a in args if a.startswith("--prune=") or a == "--no-prune"]
    expiry = settings.values("gc", "pruneexpire")[-1:]
    if given:  # --prune=<date> (any date) prunes; --no-prune alone keeps objects
        prunes = any(a != "--no-prune" for a in given)
    else:
        prunes = unknown or any(soon(v) for v in expiry if v != "")
    reflog = [
        v
        for name in ("reflogexpire", "reflogexpireunreachable")
        for v in settings.values("gc", name, subsection=None)
    ]
    effects: list[Effect] = []
    if prunes:
        detail = "prunes unreachable commits now"
        effects.append(git_effect(EffectKind.DELETE, "git:local/objects", cmd, ctx, detail=detail))
    if unknown or any(soon(v) for v in reflog if v != ""):
        detail = "expires reflog entries now (the way back to lost commits)"
        effects.append(git_effect(EffectKind.DELETE, "git:local/reflog", cmd, ctx, detail=detail))
    return effects or [git_effect(EffectKind.UPDATE, "git:local/objects", cmd, ctx)]


def prune(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if "-n" in args or "--dry-run" in args:
        return [git_effect(EffectKind.READ, "git:local/objects", cmd, ctx)]
    return [git_effect(EffectKind.DELETE, "git:local/objects", cmd, ctx)]


# read-tree's options (git 2.39 builtin/read-tree.c): letters that bundle, long ones alone, and
# those taking a value (``--prefix P`` or ``--prefix=P``); ``--recurse-submodules`` takes one
# only after ``=``.
_READ_TREE_LETTERS = frozenset("muinvq")
_READ_TREE_LONG = frozenset(
    {
        "reset",
        "dry-run",
        "trivial",
        "aggressive",
        "quiet",
        "empty",
        "sparse-checkout",
        "no-sparse-checkout",
        "recurse-submodules",
        "no-recurse-submodules",
    }
)
_READ_TREE_VALUED = frozenset({"prefix", "index-output", "exclude-per-directory"})


def read_tree(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git read-tree [-m|--reset|--prefix=P] [-u] TREE...``: the index (or the file
    ``--index-output`` names) made what the trees hold; with ``-u`` the work tree too, as
    ``reset --hard TREE`` does with one tree (``--reset`` discards local changes, ``-m`` refuses
    them: either way the files end as TREE holds them); ``-m H M`` switches from H to M, as a
    checkout; three trees merge (what each file becomes is not told); ``--prefix`` writes the
    tree under a folder. ``-n`` changes nothing. ``--empty`` empties the index alone: with
    ``-u``, ``-m`` or ``--reset`` git refuses, as it refuses ``-u`` without ``-m``, ``--reset``
    or ``--prefix`` (git 2.39: exit 128, nothing changed). An option not known here is
    unknown."""
    flags: set[str] = set()
    valued: dict[str, str] = {}
    trees: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            trees += args[i:]
            break
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if name in _READ_TREE_VALUED:
                if not eq:
                    if i >= len(args):
                        return [unknown_effect(cmd, f"read-tree {arg} without a value", ctx)]
                    value, i = args[i], i + 1
                valued[name] = value
            elif name in _READ_TREE_LONG and (not eq or name == "recurse-submodules"):
                flags.add({"dry-run": "n", "quiet": "q"}.get(name, name))
            else:
                return [unknown_effect(cmd, f"read-tree option {arg!r} is not understood", ctx)]
        elif arg.startswith("-") and len(arg) > 1:
            if not set(arg[1:]) <= _READ_TREE_LETTERS:
                return [unknown_effect(cmd, f"read-tree option {arg!r} is not understood", ctx)]
            flags |= set(arg[1:])
        else:
            trees.append(arg)
    if "n" in flags:
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail="dry run")]
    merges = bool(flags & {"m", "reset"}) or "prefix" in valued
    if ("u" in flags and not merges) or (merges and not trees):
        # git 2.39 refuses (exit 128) before touching the index or a file: "-u is meaningless
        # without -m, --reset, or --prefix", "you must specify at least one tree to merge"
        # (``--empty`` names none).
        detail = "git refuses: -u needs -m, --reset or --prefix, and they need a tree"
        return [git_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail=detail)]
    output = valued.get("index-output")
    index = (
        write_effect(file_path(output, ctx), cmd, ctx)
        if output
        else git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx, detail="the index")
    )
    if "u" not in flags:
        return [index]  # the work tree stays: a later checkout of the index is judged then
    touches, revision, base = Touches.UNLIKE_COMMIT, trees[-1] if trees else "HEAD", "HEAD"
    if "prefix" in valued or len(trees) > 2:
        # Files land under another folder, or come from a merge: which ones is not told from
        # the ids, so each protected file counts as rewritten.
        touches = Touches.EVERY_FILE
    elif len(trees) == 2:
        touches, base = Touches.SWITCHED, trees[0]
    reached = settings_reached(
        whole_work_tree(repo, ctx), touches, ctx, revision=revision, base=base
    )
    written = worktree_effect(
        EffectKind.DELETE,
        [everything_in(repo, ctx), *reached],
        cmd,
        ctx,
        "read-tree -u writes the trees' files over the working tree",
    )
    return [
        index,
        with_rewritten_configuration(written, ctx, touches, revision=revision, base=base),
    ]
