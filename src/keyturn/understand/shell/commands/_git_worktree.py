"""The ``git`` subcommands that change or discard the working tree, for the handler of :mod:`.git`.

``reset --hard``/``--merge``, ``clean``, ``checkout``/``restore`` of paths (``--ours``/
``--theirs``: a conflict's side) and ``switch --force`` discard
uncommitted work: a ``delete`` of ``file:<repo>/*`` or of the paths named, and of the hook
settings files in that tree git changes (:mod:`._git_tree_settings`: the tree's name does not
say them). ``rm`` deletes the files it names and ``worktree remove`` a whole work tree; ``mv``
moves what it names; ``checkout -b``/``switch -c`` create a branch and ``checkout -B``/``switch
-C`` reset one (a ``replace``, as ``branch -f``); ``reset --keep`` is a switch;
``restore --staged``/``reset -- PATH`` change the index only; ``commit``, ``merge``,
``rebase`` and the other local writers update ``git:local/HEAD`` and the working tree
(:func:`local_write`).
Kept apart so that :mod:`.git` stays about the subcommands as a whole.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._file_operands import destination
from keyturn.understand.shell.commands._git_config_file import everything_in
from keyturn.understand.shell.commands._git_effects import (
    files_named,
    git_effect,
    short_ref,
    short_values,
    worktree_effect,
)
from keyturn.understand.shell.commands._git_pathspecs import pathspec_names
from keyturn.understand.shell.commands._git_tree_settings import (
    Touches,
    named_too,
    settings_reached,
    whole_work_tree,
)
from keyturn.understand.shell.commands._tf_git_rewrites import (
    rewritten_files,
    with_rewritten_configuration,
)
from keyturn.understand.shell.effects import (
    directory_tree,
    file_path,
    removal_effect,
    write_effect,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def reset(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if "--hard" in args or "--merge" in args:
        # The index and the work tree become what the commit holds (HEAD when none is named).
        commits = [a for a in args if not a.startswith("-")]
        touches = Touches.EVERY_FILE if len(commits) > 1 else Touches.UNLIKE_COMMIT
        revision = commits[0] if commits else "HEAD"
        reached = settings_reached(whole_work_tree(repo, ctx), touches, ctx, revision=revision)
        discarded = worktree_effect(
            EffectKind.DELETE,
            [everything_in(repo, ctx), *reached],
            cmd,
            ctx,
            "discards uncommitted changes in the working tree",
        )
        return [with_rewritten_configuration(discarded, ctx, touches, revision=revision)]
    if "--keep" in args:
        # HEAD moves to the commit and the files the two hold differently are written, local
        # changes kept (git 2.39: as a switch; it refuses where a changed file differs).
        return switched(repo, [a for a in args if not a.startswith("-")][:1], cmd, ctx)
    paths = args[args.index("--") + 1 :] if "--" in args else []
    unstaged = [_unstaged([file_path(p, ctx) for p in paths], cmd, ctx)] if paths else []
    return [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx), *unstaged]


def clean(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git clean``: removes untracked files under the paths named (else the working directory)
    that are not ignored; ``-x`` ignored ones too, ``-X`` only those. ``-n`` only lists them,
    whatever else is given."""
    opts = parse_options(
        args, OptionSpec(valued="e", long={"dry-run": "n", "force": "f", "exclude": "e"})
    )
    paths = [n for p in opts.operands for n in pathspec_names(p, repo, cmd, ctx)]
    paths = paths or [repo + "/*"]
    if opts.has("n"):
        return [worktree_effect(EffectKind.READ, paths, cmd, ctx, "dry run")]
    ignored = " including ignored files" if opts.has("x", "X") else ""
    touches = Touches.UNTRACKED
    if opts.has("x"):
        touches = Touches.UNTRACKED_AND_IGNORED
    elif opts.has("X"):
        touches = Touches.IGNORED
    reached = settings_reached([p.removesuffix("/*") for p in paths], touches, ctx)
    return [
        worktree_effect(
            EffectKind.DELETE, [*paths, *reached], cmd, ctx, f"deletes untracked files{ignored}"
        )
    ]


def _discard(
    paths: list[str],
    repo: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    source: str | None = None,
    stages: bool = False,
) -> Effect:
    """Discarding the changes of ``paths`` (pathspecs): their tracked files are rewritten from
    the index (or from the commit ``source``: then any file it holds is written; ``stages``:
    from a conflict's stages, ``checkout --ours/--theirs/--merge``)."""
    names = [n for p in paths for n in pathspec_names(p, repo, cmd, ctx)]
    touches = Touches.UNLIKE_INDEX if source is None else Touches.UNLIKE_COMMIT
    folders = [n.removesuffix("/*") for n in names]
    reached = settings_reached(folders, touches, ctx, revision=source or "HEAD")
    detail = "discards uncommitted changes"
    if stages:
        # --ours/--theirs/-m: a conflict's stages, which the reader does not read; what they
        # hold was not let through as the index's own version was (_tf_git_rewrites).
        detail = "writes a conflict's version over the files"
    return rewritten_files(
        EffectKind.DELETE,
        [*names, *reached],
        cmd,
        ctx,
        detail,
        touches,
        revision=source or "HEAD",
        index_judged=not stages,
    )


def _forced(repo: str, branch: str, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """``checkout -f``/``switch -f``: local changes discarded, the work tree made what
    ``branch`` (HEAD when none is named) holds."""
    reached = settings_reached(
        whole_work_tree(repo, ctx), Touches.UNLIKE_COMMIT, ctx, revision=branch
    )
    discarded = worktree_effect(
        EffectKind.DELETE, [everything_in(repo, ctx), *reached], cmd, ctx, "discards local changes"
    )
    return with_rewritten_configuration(discarded, ctx, Touches.UNLIKE_COMMIT, revision=branch)


def _from_file(args: list[str]) -> bool:
    """Whether the pathspecs are read from a file (``--pathspec-from-file``): not told here."""
    return any(a.startswith("--pathspec-from") for a in args)


def _from_stages(args: list[str]) -> bool:
    """Whether paths are written from a conflict's stages (``--ours``/``-2``, ``--theirs``/
    ``-3``, ``-m``/``--merge``, ``--conflict=STYLE``), as checkout and restore take them."""
    options = args[: args.index("--")] if "--" in args else args
    return any(a in _STAGE_OPTIONS or a.startswith("--conflict") for a in options)


_STAGE_OPTIONS = frozenset({"--ours", "--theirs", "-2", "-3", "-m", "--merge"})


def checkout(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    stages = _from_stages(args)
    if _from_file(args):  # paths from a file: any file of the tree
        before = [a for a in args if not a.startswith("-")]
        source = before[0] if before else None
        return [_discard([":/"], repo, cmd, ctx, source=source, stages=stages)]
    if "--" in args:
        paths = args[args.index("--") + 1 :]
        before = [a for a in args[: args.index("--")] if not a.startswith("-")]
        source = " ".join(before) or None
        return [_discard(paths or ["."], repo, cmd, ctx, source=source, stages=stages)]
    made = _branch_made(args, create="b", reset="B", cmd=cmd, ctx=ctx)
    if made is not None:
        # A start point other than HEAD is switched to, as a branch is.
        made_effect, start = made
        return [made_effect, *switched(repo, start[:1], cmd, ctx)]
    # ``-`` is the branch checked out before.
    operands = [a for a in args if a == "-" or not a.startswith("-")]
    pathlike = [
        o
        for o in operands
        if o in (".", ":/")
        or o.startswith(":")
        or "/" in o
        or "*" in o
        or ctx.files.exists(file_path(o, ctx))
    ]
    if pathlike or len(operands) > 1:
        commit = len(operands) > 1 and operands[0] not in pathlike
        source = operands[0] if commit else None
        paths = pathlike or operands[1:]
        return [_discard(paths, repo, cmd, ctx, source=source, stages=stages)]
    if "-f" in args or "--force" in args:
        return [_forced(repo, operands[0] if operands else "HEAD", cmd, ctx)]
    return switched(repo, operands, cmd, ctx)


def switched(repo: str, operands: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """Switching to the commit ``operands[0]`` (none: staying): HEAD moves, and git writes the
    files the two commits hold differently -- hook settings among them are named."""
    moved = git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx, detail="switches branch")
    if not operands:
        return [moved]
    folders = whole_work_tree(repo, ctx)
    reached = settings_reached(folders, Touches.SWITCHED, ctx, revision=operands[0])
    detail = f"switching to {operands[0]} rewrites files it holds otherwise"
    effects = [moved]
    if reached:
        effects.append(worktree_effect(EffectKind.UPDATE, reached, cmd, ctx, detail))
    # The Terraform files the commit holds otherwise lose the protection their text gives.
    tree = worktree_effect(EffectKind.UPDATE, [everything_in(repo, ctx)], cmd, ctx, detail)
    configured = with_rewritten_configuration(tree, ctx, Touches.SWITCHED, revision=operands[0])
    return [*effects, configured] if configured.removes_protection else effects


def restore(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(
        args, OptionSpec(valued="s", long={"source": "s", "staged": "S", "worktree": "W"})
    )
    paths = list(opts.operands) or ["."]
    if opts.has("S") and not opts.has("W"):
        names = [n for p in paths for n in pathspec_names(p, repo, cmd, ctx)]
        return [_unstaged(names, cmd, ctx)]
    # From the index, unless a source is named (--staged --worktree: HEAD).
    source = opts.value("s") or ("HEAD" if opts.has("S") else None)
    return [_discard(paths, repo, cmd, ctx, source=source, stages=_from_stages(args))]


def _unstaged(names: list[str], cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """``restore --staged PATHS``, ``reset [REV] -- PATHS``: the index entries of the files
    named change and the work tree stays (git 2.39): the files are named, as the index's
    entries for them, without the Terraform judgement of a write of their text."""
    detail = "unstages: the index changes, the work tree stays"
    return files_named(EffectKind.UPDATE, names, cmd, ctx, detail)


def switch(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    operands = [a for a in args if not a.startswith("-")]
    if "--orphan" in args:
        # A branch with no commit: every tracked file is removed from the work tree.
        reached = settings_reached(whole_work_tree(repo, ctx), Touches.TRACKED, ctx)
        detail = "switches to an empty branch: removes the tracked files"
        return [
            git_effect(
                EffectKind.CREATE, f"git:local/{operands[0] if operands else 'HEAD'}", cmd, ctx
            ),
            worktree_effect(
                EffectKind.DELETE, [everything_in(repo, ctx), *reached], cmd, ctx, detail
            ),
        ]
    made = _branch_made(args, create="c", reset="C", cmd=cmd, ctx=ctx)
    branch = [made[0]] if made is not None else []
    if made is not None:
        operands = made[1]  # the new branch's start point
    if {"-f", "--force", "--discard-changes"} & set(args):
        return [*branch, _forced(repo, operands[0] if operands else "HEAD", cmd, ctx)]
    return [*branch, *switched(repo, operands, cmd, ctx)]


_MADE_LONG = {"--orphan": EffectKind.CREATE, "--create": EffectKind.CREATE}
_MADE_LONG["--force-create"] = EffectKind.REPLACE


def _branch_made(
    args: list[str], *, create: str, reset: str, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[Effect, list[str]] | None:
    """The branch ``checkout -b``/``switch -c`` (``create``) or ``--orphan`` makes, or
    ``checkout -B``/``switch -C``/``--force-create`` (``reset``) makes or resets to the start
    point as ``branch -f`` does (a ``replace``), with the operands after it (the start
    point); ``None`` when none is made. Short options are read bundled, as git reads them
    (``-fB main``, ``-Bmain``)."""
    found = next(short_values(args, wanted=create + reset), None)
    kind, name, taken = EffectKind.CREATE, "", -1
    if found is not None:
        letter, name, taken = found
        kind = EffectKind.REPLACE if letter == reset else EffectKind.CREATE
    else:
        for i, arg in enumerate(args):
            option, equals, value = arg.partition("=")
            if option in _MADE_LONG:
                kind, name = _MADE_LONG[option], value
                if not equals and i + 1 < len(args):
                    name, taken = args[i + 1], i + 1
                break
        else:
            return None
    rest = [a for i, a in enumerate(args) if i != taken and (a == "-" or not a.startswith("-"))]
    detail = "resets the branch to the start point" if kind is EffectKind.REPLACE else ""
    made = git_effect(kind, f"git:local/{short_ref(name) or 'HEAD'}", cmd, ctx, detail=detail)
    return made, rest


def local_write(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [
        git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
        worktree_effect(
            EffectKind.UPDATE, [everything_in(repo, ctx)], cmd, ctx, "changes the working tree"
        ),
    ]


def rm(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git rm PATHS``: deletes them from the work tree too (``-r``: directories and all under
    them); ``--cached`` keeps the files, ``-n`` changes nothing."""
    opts = parse_options(args, OptionSpec(long={"cached": "cached", "dry-run": "n"}))
    if opts.has("cached") or opts.has("n"):
        return local_write(args, repo, cmd, ctx)
    if _from_file(args):  # paths from a file: any file of the tree
        detail = "git rm deletes the files a pathspec file names"
        return [
            git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
            worktree_effect(EffectKind.DELETE, [everything_in(repo, ctx)], cmd, ctx, detail),
        ]
    if not opts.operands:
        return local_write(args, repo, cmd, ctx)
    effects = [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
    for operand in opts.operands:
        if operand.startswith(":"):  # magic: the files it reaches, not a path of that name
            reached_by = pathspec_names(operand, repo, cmd, ctx)
            detail = f"git rm deletes what {operand} reaches"
            effects.append(worktree_effect(EffectKind.DELETE, reached_by, cmd, ctx, detail))
            continue
        path = file_path(operand, ctx)
        removal = removal_effect(
            path, cmd, ctx, recursive=opts.has("r"), detail=f"git rm deletes {path}", service="git"
        )
        # ``git rm -r .``: the tracked hook settings under it go too, unnamed.
        reached = settings_reached([path], Touches.TRACKED, ctx) if opts.has("r") else []
        effects.append(named_too(removal, reached))
    return effects


def mv(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git mv SOURCE... DEST``: each source (a directory with all under it) is moved away and
    written at the destination, as ``mv`` does; ``-n`` only shows what would move."""
    opts = parse_options(args, OptionSpec(long={"force": "f", "dry-run": "n", "verbose": "v"}))
    found = destination(cmd, list(opts.operands), None, ctx)
    if opts.has("n") or found is None:
        return local_write(args, repo, cmd, ctx)
    sources, dest, is_dir = found
    effects = [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
    for source in sources:
        src = file_path(source, ctx)
        effects.append(
            worktree_effect(EffectKind.DELETE, directory_tree(src), cmd, ctx, f"moves {src}")
        )
        target = dest.rstrip("/") + "/" + src.rsplit("/", 1)[-1] if is_dir else dest
        effects.append(write_effect(target, cmd, ctx, detail=f"moved from {src}"))
    return effects


def worktree_command(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git worktree remove [--force] PATH`` deletes that work tree (``--force``: with its
    uncommitted changes); ``worktree add PATH`` writes a work tree there; the other
    ``worktree`` subcommands change git's records only."""
    if args[:1] == ["add"]:
        spec = OptionSpec(
            valued="bB", long={"reason": "reason", "force": "f"}, long_valued=frozenset({"reason"})
        )
        added = parse_options(args[1:], spec).operands[:1]
        effects = local_write(args, repo, cmd, ctx)
        for operand in added:
            path = file_path(operand, ctx)
            kind = EffectKind.UPDATE if ctx.files.exists(path) else EffectKind.CREATE
            detail = f"checks out a work tree at {path}"
            effects.append(worktree_effect(kind, directory_tree(path), cmd, ctx, detail))
        return effects
    if args[:1] != ["remove"]:
        return local_write(args, repo, cmd, ctx)
    opts = parse_options(args[1:], OptionSpec(long={"force": "f"}))
    effects = [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
    for operand in opts.operands:
        path = file_path(operand, ctx)
        lost = " and its uncommitted changes" if opts.has("f") else ""
        detail = f"removes the work tree {path}{lost}"
        effects.append(removal_effect(path, cmd, ctx, recursive=True, detail=detail, service="git"))
    return effects
