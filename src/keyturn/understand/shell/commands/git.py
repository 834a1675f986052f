"""What ``git`` does, by subcommand.

Names:
- a remote branch ``git:<remote>/<branch>`` (``git:origin/main``; tags ``git:origin/tags/v1``;
  the branch a bare ``git push`` pushes is ``git:<remote>/HEAD``; ``--mirror``/``--all``
  ``git:<remote>/*``);
- a local branch ``git:local/<branch>``; the stash ``git:local/stash``; history rewritten by
  ``filter-repo``/``filter-branch`` ``git:local/*``; unreachable objects ``git:local/objects``;
- uncommitted work in the working tree: the files, ``file:<repo>/*`` for the whole tree
  (``reset --hard``, ``clean -f``, ``checkout .``) or ``file:<path>`` for named paths.

Forced pushes (``-f``, ``--force``, ``--force-with-lease``, ``--force-if-includes``, a ``+``
refspec) and ``--mirror`` replace; ``--delete``/``:branch`` delete, and so does ``--prune`` (of
``git:<remote>/*``: remote branches with no local counterpart go); a plain push updates.
The normalised text spells forcing as ``git push --force…`` before the operands, so that the
policy's ``command: "git push --force*"`` matches every spelling.

Settings push too: ``remote.<name>.push`` refspecs stand in for those not given (a ``+`` one
forces), and ``remote.<name>.mirror`` makes every push a mirror push, whether given with ``-c``
or stored in the repository's ``.git/config``; the effect's text then says ``--force`` as well.
Abbreviated long options (``--mirr``) are spelled out first
(:func:`._git_config.expand_abbreviations`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.shell.commands._git_config import (
    GLOBAL_VALUED as _GLOBAL_VALUED,
)
from keyturn.understand.shell.commands._git_config import (
    at,
    command_transports,
    config,
    expand_abbreviations,
    given_settings,
    option_commands,
    repository_settings,
    setting_name,
    settings_given,
    stored_settings,
    subcommand_settings,
)
from keyturn.understand.shell.effects import (
    file_effect,
    file_path,
    local_target,
    removal_effect,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options, register_canonical
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

PUSH = OptionSpec(
    valued="o",
    long={
        "force": "f",
        "delete": "d",
        "dry-run": "n",
        "set-upstream": "u",
        "quiet": "q",
        "verbose": "v",
        "push-option": "o",
        "repo": "repo",
    },
    long_valued=frozenset({"o", "repo", "receive-pack", "exec"}),
)


def _split_global(args: Sequence[str], ctx: ShellContext) -> tuple[str, list[str]]:
    """Global options before the subcommand: ``-C DIR`` changes the repository directory."""
    repo = ctx.cwd
    i = 0
    while i < len(args) and args[i].startswith("-"):
        arg = args[i]
        if arg == "-C" and i + 1 < len(args):
            repo = file_path(args[i + 1], ctx if repo == ctx.cwd else at(ctx, repo))
        if arg in _GLOBAL_VALUED:
            i += 2
            continue
        if arg.startswith("--work-tree="):
            repo = file_path(arg.split("=", 1)[1], ctx)
        i += 1
    return repo, list(args[i:])


def _canonical(argv: Sequence[str]) -> tuple[str, ...]:
    """``git -C x push origin main -f`` -> ``git push --force origin main -C x``."""
    args = list(argv[1:])
    sub_at = 0
    while sub_at < len(args) and args[sub_at].startswith("-"):
        sub_at += 2 if args[sub_at] in _GLOBAL_VALUED else 1
    if sub_at >= len(args) or args[sub_at] != "push":
        return tuple(argv)
    head, rest = args[: sub_at + 1], expand_abbreviations("push", args[sub_at + 1 :])
    opts = parse_options(rest, PUSH)
    forced = [f for f in ("force-with-lease", "force-if-includes") if opts.has(f)]
    # --mirror force-updates every ref on the remote: a force push, spelled as one.
    plus = any(op.startswith("+") for op in opts.operands[1:])
    if opts.has("f") or plus or opts.has("mirror") or _settings_force(head[:-1]):
        forced.insert(0, "force")
    flags = [f"--{f}" for f in forced]
    flags += sorted(
        ("-" + k if len(k) == 1 else "--" + k)
        for k in opts.flags
        if k not in ("f", "force-with-lease", "force-if-includes")
    )
    for key in sorted(opts.values):
        if key not in ("force-with-lease",):
            flags += [f"--{key}={v}" if len(key) > 1 else f"-{key}{v}" for v in opts.values[key]]
    # Global options (-C DIR, -c k=v) go last so that "git push --force*" matches every spelling.
    return (argv[0], head[-1], *flags, *opts.operands, *head[:-1])


register_canonical("git", _canonical)


def _settings_force(options: Sequence[str]) -> bool:
    """Whether settings given before ``push`` (``-c remote.X.push=+…``, ``-c
    remote.X.mirror=true``, or either by ``--config-env``) may force it."""
    for i, arg in enumerate(options):
        if arg == "-c" and i + 1 < len(options):
            key, equals, value = options[i + 1].partition("=")
            if _forcing_setting(key, value if equals else "true"):
                return True
        elif arg.startswith("--config-env="):
            key = arg.removeprefix("--config-env=").partition("=")[0]
            if _forcing_setting(key, None):
                return True
    return False


def _forcing_setting(key: str, value: str | None) -> bool:
    section, _, name = setting_name(key)
    if section != "remote":
        return False
    if name == "mirror":
        return value is None or value.lower() not in _FALSE
    return name == "push" and (value is None or value.lstrip().startswith("+"))


_FALSE = frozenset({"false", "no", "off", "0"})


def _effect(
    kind: EffectKind, name: str, cmd: SimpleCommand, ctx: ShellContext, *, detail: str = ""
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource((name,), type="git_ref" if name.startswith("git:") else "file"),
        target=local_target(ctx),
        service="git",
        command=cmd.text,
        operation=f"git {cmd.args[0] if cmd.args else ''}".strip(),
        detail=detail,
    )


def _worktree(
    kind: EffectKind, paths: list[str], cmd: SimpleCommand, ctx: ShellContext, detail: str
) -> Effect:
    return file_effect(kind, paths, cmd, ctx, detail=detail, service="git")


@command("git")
def git(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Every ``git`` subcommand keyturn knows; others are not understood (unknown). Settings
    given with ``-c``/``--config-env`` and ``ext::`` addresses add what they make git run."""
    repo, rest = _split_global(cmd.args, ctx)
    if rest:
        # Abbreviated long options spelled out, word for word: argv indexes stay as they were.
        rest = [rest[0], *expand_abbreviations(rest[0], rest[1:])]
        cmd = evolve(cmd, argv=(*cmd.argv[: len(cmd.argv) - len(rest)], *rest))
    extra = settings_given(cmd, ctx) + command_transports(cmd, ctx)
    if rest:
        extra += stored_settings(rest[0], repo, cmd, ctx)
        extra += option_commands(rest[0], rest[1:], cmd, ctx)
        extra += subcommand_settings(rest[0], rest[1:], cmd, ctx)
    if not rest:
        return [_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx), *extra]
    sub, args = rest[0], rest[1:]
    handler = _SUBCOMMANDS.get(sub)
    if handler is None:
        if sub in _READS:
            return [_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx), *extra]
        if extra:  # what the settings run is judged even when the subcommand is not known
            return [unknown_effect(cmd, f"git {sub!r} is not understood", ctx), *extra]
        return None
    return [*handler(args, repo, cmd, at(ctx, repo)), *extra]


def _ref(ref: str) -> str:
    for prefix in ("refs/heads/", "refs/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def _push(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, PUSH)
    if opts.has("n"):
        return [_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx, detail="dry run")]
    remote = opts.operands[0] if opts.operands else opts.value("repo") or "origin"
    refspecs = list(opts.operands[1:])
    forced = opts.has("f", "force-with-lease", "force-if-includes")
    configured, mirror = _push_settings(remote, repo, cmd, ctx)
    if mirror or (not refspecs and any(r is None or r.startswith("+") for r in configured)):
        cmd = _spelled_forced(cmd)  # a push the settings force reads as one (docstring)
    if opts.has("mirror") or mirror or (opts.has("all") and forced):
        return [_effect(EffectKind.REPLACE, f"git:{remote}/*", cmd, ctx, detail="mirror push")]
    if not refspecs and not opts.has("all", "tags"):
        refspecs = [r if r is not None else "+*" for r in configured]
    if not refspecs:
        refspecs = ["*"] if opts.has("all", "tags") else ["HEAD"]
    effects = [_push_one(spec, remote, opts, forced, cmd, ctx) for spec in refspecs]
    if opts.has("prune"):
        reason = "--prune: deletes every remote branch with no local counterpart"
        effects.append(_effect(EffectKind.DELETE, f"git:{remote}/*", cmd, ctx, detail=reason))
    return effects


def _push_settings(
    remote: str, repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[list[str | None], bool]:
    """The ``remote.<remote>.push`` refspecs (``None``: one not known) and whether
    ``remote.<remote>.mirror`` is on, from the repository's settings and those given with
    ``-c`` (which come after, and win)."""
    refspecs: list[str | None] = []
    mirror = False
    settings: list[tuple[str, str | None]] = [*repository_settings(repo, ctx)]
    settings += given_settings(cmd, ctx)
    for key, value in settings:
        section, subsection, name = setting_name(key)
        if section != "remote" or subsection != remote:
            continue
        if name == "push":
            refspecs.append(value.strip() if value is not None else None)
        elif name == "mirror":
            mirror = value is None or value.lower() not in _FALSE
    return refspecs, mirror


def _spelled_forced(cmd: SimpleCommand) -> SimpleCommand:
    """``cmd`` whose text says ``git push --force`` (for ``command:`` rules) when it did not."""
    words = cmd.text.split(" ")
    if words[:3] == ["git", "push", "--force"]:
        return cmd
    at_push = words.index("push") + 1 if "push" in words else len(words)
    return evolve(cmd, text=" ".join([*words[:at_push], "--force", *words[at_push:]]))


def _push_one(
    spec: str, remote: str, opts: Options, forced: bool, cmd: SimpleCommand, ctx: ShellContext
) -> Effect:
    plus = spec.startswith("+")
    src, colon, dst = spec.lstrip("+").partition(":")
    branch = _ref(dst if colon else src)
    if branch.startswith("HEAD") and colon and dst:
        branch = _ref(dst)
    name = f"git:{remote}/{branch or 'HEAD'}"
    if opts.has("d") or (colon and not src):
        return _effect(EffectKind.DELETE, name, cmd, ctx, detail="deletes the remote branch")
    if forced or plus:
        return _effect(EffectKind.REPLACE, name, cmd, ctx, detail="force push: rewrites history")
    return _effect(EffectKind.UPDATE, name, cmd, ctx)


def _reset(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if "--hard" in args or "--merge" in args:
        return [
            _worktree(
                EffectKind.DELETE,
                [repo + "/*"],
                cmd,
                ctx,
                "discards uncommitted changes in the working tree",
            )
        ]
    paths = args[args.index("--") + 1 :] if "--" in args else []
    return [_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)] + (
        [_worktree(EffectKind.UPDATE, [file_path(p, ctx) for p in paths], cmd, ctx, "unstages")]
        if paths
        else []
    )


def _clean(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, OptionSpec(valued="e", long={"dry-run": "n", "force": "f"}))
    paths = [file_path(p, ctx) for p in opts.operands] or [repo + "/*"]
    if opts.has("n") and not opts.has("f"):
        return [_worktree(EffectKind.READ, paths, cmd, ctx, "dry run")]
    ignored = " including ignored files" if opts.has("x", "X") else ""
    return [_worktree(EffectKind.DELETE, paths, cmd, ctx, f"deletes untracked files{ignored}")]


def _discard(paths: list[str], cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    names = [file_path(p, ctx) for p in paths]
    names = [
        n + "/*" if p in (".", "./", ":/") or p.endswith("/") else n
        for n, p in zip(names, paths, strict=True)
    ]
    return _worktree(EffectKind.DELETE, names, cmd, ctx, "discards uncommitted changes")


def _checkout(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if "--" in args:
        paths = args[args.index("--") + 1 :]
        return [_discard(paths or ["."], cmd, ctx)]
    operands = [a for a in args if not a.startswith("-")]
    if "-b" in args or "-B" in args or "--orphan" in args:
        return [
            _effect(EffectKind.CREATE, f"git:local/{operands[0] if operands else 'HEAD'}", cmd, ctx)
        ]
    pathlike = [
        o
        for o in operands
        if o in (".", ":/") or "/" in o or "*" in o or ctx.files.exists(file_path(o, ctx))
    ]
    if pathlike or len(operands) > 1:
        return [_discard(pathlike or operands[1:], cmd, ctx)]
    if "-f" in args or "--force" in args:
        return [_worktree(EffectKind.DELETE, [repo + "/*"], cmd, ctx, "discards local changes")]
    return [_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx, detail="switches branch")]


def _restore(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(
        args, OptionSpec(valued="s", long={"source": "s", "staged": "S", "worktree": "W"})
    )
    paths = list(opts.operands) or ["."]
    if opts.has("S") and not opts.has("W"):
        return [
            _worktree(EffectKind.UPDATE, [file_path(p, ctx) for p in paths], cmd, ctx, "unstages")
        ]
    return [_discard(paths, cmd, ctx)]


def _branch(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, OptionSpec(long={"delete": "d", "move": "m", "force": "f"}))
    names = list(opts.operands)
    if opts.has("D", "d"):
        force = " (unmerged work lost)" if opts.has("D") or opts.has("f") else ""
        return [
            _effect(
                EffectKind.DELETE,
                f"git:local/{_ref(n)}",
                cmd,
                ctx,
                detail="deletes the branch" + force,
            )
            for n in names
        ] or [_effect(EffectKind.DELETE, "git:local/?", cmd, ctx)]
    if opts.has("M", "m") and names:
        return [
            _effect(
                EffectKind.REPLACE if opts.has("M") else EffectKind.UPDATE,
                f"git:local/{_ref(names[-1])}",
                cmd,
                ctx,
                detail="renames a branch",
            )
        ]
    if names and not opts.has("l", "a", "r", "list", "v", "contains", "merged"):
        kind = EffectKind.REPLACE if opts.has("f") else EffectKind.CREATE
        return [_effect(kind, f"git:local/{_ref(names[0])}", cmd, ctx)]
    return [_effect(EffectKind.READ, "git:local/*", cmd, ctx)]


def _stash(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    sub = args[0] if args else "push"
    if sub == "clear":
        return [_effect(EffectKind.DELETE, "git:local/stash", cmd, ctx, detail="drops every stash")]
    if sub == "drop":
        return [_effect(EffectKind.DELETE, "git:local/stash", cmd, ctx, detail="drops a stash")]
    if sub in ("list", "show"):
        return [_effect(EffectKind.READ, "git:local/stash", cmd, ctx)]
    return [
        _effect(EffectKind.UPDATE, "git:local/stash", cmd, ctx),
        _worktree(EffectKind.UPDATE, [repo + "/*"], cmd, ctx, "stash changes the worktree"),
    ]


def _rewrite(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [_effect(EffectKind.REPLACE, "git:local/*", cmd, ctx, detail="rewrites history")]


def _reflog(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if args[:1] in (["expire"], ["delete"]):
        return [
            _effect(
                EffectKind.DELETE,
                "git:local/reflog",
                cmd,
                ctx,
                detail="drops reflog entries (the way back to lost commits)",
            )
        ]
    return [_effect(EffectKind.READ, "git:local/reflog", cmd, ctx)]


def _gc(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if any(a.startswith("--prune") and a not in ("--prune", "--no-prune") for a in args):
        return [
            _effect(
                EffectKind.DELETE,
                "git:local/objects",
                cmd,
                ctx,
                detail="prunes unreachable commits now",
            )
        ]
    return [_effect(EffectKind.UPDATE, "git:local/objects", cmd, ctx)]


def _prune(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if "-n" in args or "--dry-run" in args:
        return [_effect(EffectKind.READ, "git:local/objects", cmd, ctx)]
    return [_effect(EffectKind.DELETE, "git:local/objects", cmd, ctx)]


def _tag(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    opts = parse_options(args, OptionSpec(valued="mFu", long={"delete": "d", "force": "f"}))
    names = list(opts.operands)
    if opts.has("d"):
        return [_effect(EffectKind.DELETE, f"git:local/tags/{n}", cmd, ctx) for n in names] or [
            _effect(EffectKind.DELETE, "git:local/tags/?", cmd, ctx)
        ]
    if names and not opts.has("l", "list", "n", "v"):
        kind = EffectKind.REPLACE if opts.has("f") else EffectKind.CREATE
        return [_effect(kind, f"git:local/tags/{names[0]}", cmd, ctx)]
    return [_effect(EffectKind.READ, "git:local/tags/*", cmd, ctx)]


_REMOTE_READS = frozenset({"", "show", "get-url", "-v", "--verbose"})


def _remote(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git remote [-v|show|get-url]`` reads; ``remove`` drops a remote with its
    remote-tracking branches, ``prune`` the stale ones; ``add``, ``rename``, ``set-url``
    (where pushes go) and the other settings update ``git:local/remotes/<name>``."""
    words = [a for a in args if not a.startswith("-")]
    action = words[0] if words else (args[0] if args else "")
    if action in _REMOTE_READS:
        return [_effect(EffectKind.READ, "git:local/remotes/*", cmd, ctx)]
    names = [f"git:local/remotes/{n}" for n in words[1:2]] or ["git:local/remotes/?"]
    if action in ("remove", "rm"):
        detail = "drops the remote and its remote-tracking branches"
        return [_effect(EffectKind.DELETE, names[0], cmd, ctx, detail=detail)]
    if action == "prune" or (action == "update" and "--prune" in args):
        detail = "deletes remote-tracking branches gone from the remote"
        return [_effect(EffectKind.DELETE, names[0] + "/*", cmd, ctx, detail=detail)]
    return [_effect(EffectKind.UPDATE, names[0], cmd, ctx, detail=f"remote {action}")]


def _switch(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    if {"-f", "--force", "--discard-changes"} & set(args):
        return [_worktree(EffectKind.DELETE, [repo + "/*"], cmd, ctx, "discards local changes")]
    return [_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]


def _local_write(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [
        _effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx),
        _worktree(EffectKind.UPDATE, [repo + "/*"], cmd, ctx, "changes the working tree"),
    ]


def _create(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    operands = [a for a in args if not a.startswith("-")]
    where = operands[-1] if operands and (cmd.args[0] == "init" or len(operands) > 1) else None
    path = file_path(where, ctx) if where else repo
    return [_worktree(EffectKind.CREATE, [path], cmd, ctx, "new repository")]


def _read(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """A reading subcommand; ``--output=FILE`` (log, diff, show...) writes FILE."""
    effects = [_effect(EffectKind.READ, "git:local/HEAD", cmd, ctx)]
    for i, arg in enumerate(args):
        written = arg.removeprefix("--output=") if arg.startswith("--output=") else None
        if arg == "--output" and i + 1 < len(args):
            written = args[i + 1]
        if written:
            effects.append(write_effect(file_path(written, ctx), cmd, ctx))
    return effects


def _rm(args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``git rm PATHS``: deletes them from the work tree too (``-r``: directories and all under
    them); ``--cached`` keeps the files, ``-n`` changes nothing."""
    opts = parse_options(args, OptionSpec(long={"cached": "cached", "dry-run": "n"}))
    if opts.has("cached") or opts.has("n") or not opts.operands:
        return _local_write(args, repo, cmd, ctx)
    effects = [_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
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


def _worktree_command(
    args: list[str], repo: str, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """``git worktree remove [--force] PATH`` deletes that work tree (``--force``: with its
    uncommitted changes); the other ``worktree`` subcommands change git's records only."""
    if args[:1] != ["remove"]:
        return _local_write(args, repo, cmd, ctx)
    opts = parse_options(args[1:], OptionSpec(long={"force": "f"}))
    effects = [_effect(EffectKind.UPDATE, "git:local/HEAD", cmd, ctx)]
    for operand in opts.operands:
        path = file_path(operand, ctx)
        lost = " and its uncommitted changes" if opts.has("f") else ""
        detail = f"removes the work tree {path}{lost}"
        effects.append(removal_effect(path, cmd, ctx, recursive=True, detail=detail, service="git"))
    return effects


_Sub = Callable[[list[str], str, SimpleCommand, ShellContext], list[Effect]]
_SUBCOMMANDS: dict[str, _Sub] = {
    "push": _push,
    "reset": _reset,
    "clean": _clean,
    "checkout": _checkout,
    "restore": _restore,
    "branch": _branch,
    "stash": _stash,
    "filter-repo": _rewrite,
    "filter-branch": _rewrite,
    "reflog": _reflog,
    "gc": _gc,
    "prune": _prune,
    "tag": _tag,
    "switch": _switch,
    "init": _create,
    "clone": _create,
    "config": config,
    "rm": _rm,
    "worktree": _worktree_command,
    "remote": _remote,
}
for _name in (
    "add",
    "commit",
    "merge",
    "rebase",
    "pull",
    "cherry-pick",
    "revert",
    "am",
    "apply",
    "mv",
    "commit-tree",
    "update-index",
    "notes",
    "submodule",
    "bisect",  # checks commits out into the working tree
):
    _SUBCOMMANDS[_name] = _local_write
_READS = frozenset(
    [
        "status",
        "log",
        "diff",
        "show",
        "fetch",
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
