"""The ``git`` subcommands that change or discard the working tree, for the handler of :mod:`.git`.

``reset --hard``, ``clean``, ``checkout``/``restore`` of paths and ``switch --force`` discard
uncommitted work: a ``delete`` of ``file:<repo>/*`` or of the paths named. ``rm`` deletes the
files it names and ``worktree remove`` a whole work tree; ``commit``, ``merge``, ``rebase`` and
the other local writers update ``git:local/HEAD`` and the working tree (:func:`local_write`).
Kept apart so that :mod:`.git` stays about the subcommands as a whole.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._git_effects import git_effect, worktree_effect
from keyturn.understand.shell.effects import file_path, removal_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def reset(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if "--hard" in args or "--merge" in args:
        return [
            worktree_effect(
                EffectKind.DELETE,
                [repo + "/*"],
                cmd,
                ctx,
                "discards uncommitted changes in the working tree",
            )
        ]
    paths = args[args.index("--") + 1 :] if "--" in args else []
    return [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)] + (
        [
            worktree_effect(
                EffectKind.UPDATE, [file_path(p, ctx) for p in paths], cmd, ctx, "unstages"
            )
        ]
        if paths
        else []
    )


def clean(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, OptionSpec(valued="e", long={"dry-run": "n", "force": "f"}))
    paths = [file_path(p, ctx) for p in opts.operands] or [repo + "/*"]
    if opts.has("n") and not opts.has("f"):
        return [worktree_effect(EffectKind.READ, paths, cmd, ctx, "dry run")]
    ignored = " including ignored files" if opts.has("x", "X") else ""
    return [
        worktree_effect(EffectKind.DELETE, paths, cmd, ctx, f"deletes untracked files{ignored}")
    ]


def _discard(paths: list[str], cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    names = [file_path(p, ctx) for p in paths]
    names = [
        n + "/*" if p in (".", "./", ":/") or p.endswith("/") else n
        for n, p in zip(names, paths, strict=True)
    ]
    return worktree_effect(EffectKind.DELETE, names, cmd, ctx, "discards uncommitted changes")


def checkout(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if "--" in args:
        paths = args[args.index("--") + 1 :]
        return [_discard(paths or ["."], cmd, ctx)]
    operands = [a for a in args if not a.startswith("-")]
    if "-b" in args or "-B" in args or "--orphan" in args:
        return [
            git_effect(
                EffectKind.CREATE, f"git:local/{operands[0] if operands else 'HEAD'}", cmd, ctx
            )
        ]
    pathlike = [
        o
        for o in operands
        if o in (".", ":/") or "/" in o or "*" in o or ctx.files.exists(file_path(o, ctx))
    ]
    if pathlike or len(operands) > 1:
        return [_discard(pathlike or operands[1:], cmd, ctx)]
    if "-f" in args or "--force" in args:
        return [
            worktree_effect(EffectKind.DELETE, [repo + "/*"], cmd, ctx, "discards local changes")
        ]
    return [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx, detail="switches branch")]


def restore(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(
        args, OptionSpec(valued="s", long={"source": "s", "staged": "S", "worktree": "W"})
    )
    paths = list(opts.operands) or ["."]
    if opts.has("S") and not opts.has("W"):
        return [
            worktree_effect(
                EffectKind.UPDATE, [file_path(p, ctx) for p in paths], cmd, ctx, "unstages"
            )
        ]
    return [_discard(paths, cmd, ctx)]


def switch(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if {"-f", "--force", "--discard-changes"} & set(args):
        return [
            worktree_effect(EffectKind.DELETE, [repo + "/*"], cmd, ctx, "discards local changes")
        ]
    return [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]


def local_write(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [
        git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
        worktree_effect(EffectKind.UPDATE, [repo + "/*"], cmd, ctx, "changes the working tree"),
    ]


def rm(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git rm PATHS``: deletes them from the work tree too (``-r``: directories and all under
    them); ``--cached`` keeps the files, ``-n`` changes nothing."""
    opts = parse_options(args, OptionSpec(long={"cached": "cached", "dry-run": "n"}))
    if opts.has("cached") or opts.has("n") or not opts.operands:
        return local_write(args, repo, cmd, ctx)
    effects = [git_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
    for operand in opts.operands:
        path = file_path(operand, ctx)
        effects.append(
            removal_effect(
                path,
                cmd,
                ctx,
                recursive=opts.has("r"),
                detail=f"git rm deletes {path}",
                service="git",
            )
        )
    return effects


def worktree_command(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git worktree remove [--force] PATH`` deletes that work tree (``--force``: with its
    uncommitted changes); the other ``worktree`` subcommands change git's records only."""
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
