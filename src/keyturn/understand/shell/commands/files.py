"""What file commands do: ``rm``, ``mv``, ``cp``, ``dd``, ``mkfs``, ``find -delete``, ``chmod -R``…

Effects are on ``file:/absolute/path`` names; a recursive operation on a directory also names
``file:/path/*`` (everything under it). ``rm -r`` of ``/`` or of a home directory, ``mkfs``,
``wipefs``, ``dd``/``shred`` onto a block device are catastrophic (denied everywhere); so are the
partition tools' writes (:mod:`.disks`).
A path decided at run time keeps its written form and says so in ``detail``.
"""

from __future__ import annotations

import shlex

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.commands._sed_script import read_script
from keyturn.understand.shell.effects import (
    directory_tree,
    file_effect,
    file_path,
    home_or_root,
    is_block_device,
    removal_effect,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import (
    Options,
    OptionSpec,
    parse_options,
    register_canonical,
)
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

RM = OptionSpec(
    long={
        "recursive": "r",
        "force": "f",
        "interactive": "i",
        "dir": "d",
        "verbose": "v",
        "no-preserve-root": "no-preserve-root",
    },
    aliases={"R": "r"},
    order="rfdivI",
)
register_canonical("rm", RM)


def _paths(
    cmd: SimpleCommand, operands: list[str] | tuple[str, ...], ctx: ShellContext
) -> list[str]:
    return [file_path(op, ctx) for op in operands]


def _run_time(cmd: SimpleCommand) -> str:
    dynamic = [cmd.argv[i] for i in sorted(cmd.dynamic_words) if i > 0]
    return f" (paths decided at run time: {' '.join(dynamic)[:100]})" if dynamic else ""


@command("rm")
def rm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rm``: delete; ``-r`` deletes the directory and everything under it."""
    opts = parse_options(cmd.args, RM)
    if not opts.operands:
        return None
    recursive = opts.has("r")
    effects = []
    for path in _paths(cmd, opts.operands, ctx):
        detail = ("deletes recursively " if recursive else "deletes ") + path + _run_time(cmd)
        effects.append(removal_effect(path, cmd, ctx, recursive=recursive, detail=detail))
    return effects


@command("rmdir", "unlink")
def remove_entry(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rmdir`` (POSIX; the Windows form ``rmdir /s`` is in the windows module) and ``unlink``."""
    if any(a.lower() in ("/s", "/q") for a in cmd.args):
        from keyturn.understand.shell.commands.windows import rd

        return rd(cmd, ctx)
    opts = parse_options(cmd.args, OptionSpec())
    if not opts.operands:
        return None
    return [file_effect(EffectKind.DELETE, _paths(cmd, opts.operands, ctx), cmd, ctx)]


@command("shred")
def shred(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``shred``: destroys file contents; onto a block device, the whole disk."""
    opts = parse_options(cmd.args, OptionSpec(valued="nsx", long={"iterations": "n"}))
    if not opts.operands:
        return None
    effects = []
    for path in _paths(cmd, opts.operands, ctx):
        disk = f"shreds the block device {path}" if is_block_device(path) else None
        effects.append(file_effect(EffectKind.DELETE, [path], cmd, ctx, catastrophic=disk))
    return effects


_MV = OptionSpec(valued="tS", long={"target-directory": "t", "suffix": "S"})


def _destination(
    cmd: SimpleCommand, opts_operands: list[str], target_dir: str | None, ctx: ShellContext
) -> tuple[list[str], str, bool] | None:
    """(sources, destination, destination is a directory)."""
    if target_dir is not None:
        return opts_operands, file_path(target_dir, ctx), True
    if len(opts_operands) < 2:
        return None
    *sources, dest = opts_operands
    path = file_path(dest, ctx)
    is_dir = len(sources) > 1 or dest.endswith("/") or ctx.files.is_dir(path)
    return sources, path, is_dir


@command("mv")
def mv(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mv``: deletes the source and writes the destination (``mv x /dev/null`` only deletes)."""
    opts = parse_options(cmd.args, _MV)
    found = _destination(cmd, list(opts.operands), opts.value("t"), ctx)
    if found is None:
        return None
    sources, dest, is_dir = found
    effects = []
    for src in _paths(cmd, sources, ctx):
        effects.append(
            file_effect(EffectKind.DELETE, directory_tree(src), cmd, ctx, detail=f"moves {src}")
        )
        if dest == "/dev/null":
            continue
        target = dest.rstrip("/") + "/" + src.rsplit("/", 1)[-1] if is_dir else dest
        effects.append(write_effect(target, cmd, ctx, detail=f"moved from {src}"))
    return effects


@command("cp", "install")
def copy(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cp``/``install``: write the destination (update when it exists)."""
    spec = OptionSpec(
        valued="tSmogb" if cmd.name == "install" else "tS",
        long={"target-directory": "t", "mode": "m", "owner": "o", "group": "g"},
    )
    opts = parse_options(cmd.args, spec)
    if cmd.name == "install" and opts.has("d"):
        return [write_effect(p, cmd, ctx) for p in _paths(cmd, opts.operands, ctx)] or None
    found = _destination(cmd, list(opts.operands), opts.value("t"), ctx)
    if found is None:
        return None
    sources, dest, is_dir = found
    mode = opts.value("m") or ""
    note = " sets a setuid/setgid mode" if len(mode) == 4 and mode[0] in "2467" else ""
    effects = [file_effect(EffectKind.READ, _paths(cmd, sources, ctx), cmd, ctx)]
    recursive = opts.has("r", "R", "a", "recursive", "archive")
    for raw, src in zip(sources, _paths(cmd, sources, ctx), strict=True):
        if recursive and (raw == "." or raw.endswith("/.") or opts.has("T")):
            # ``cp -r dir/. dest`` (or ``-T``): dir's contents go into dest itself, whatever
            # dest already holds -- everything under it may be written.
            effects.append(
                file_effect(
                    EffectKind.UPDATE,
                    [dest.rstrip("/") + "/*"],
                    cmd,
                    ctx,
                    detail=f"copies what {src} holds into {dest}{note}",
                )
            )
            continue
        target = dest.rstrip("/") + "/" + src.rsplit("/", 1)[-1] if is_dir else dest
        effects.append(write_effect(target, cmd, ctx, detail=f"copied from {src}{note}"))
    return effects


@command("truncate")
def truncate(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``truncate``: update; ``-s 0`` empties the file."""
    opts = parse_options(cmd.args, OptionSpec(valued="sr", long={"size": "s", "reference": "r"}))
    if not opts.operands:
        return None
    size = opts.value("s") or ""
    detail = "empties the file (destroys its content)" if size.lstrip("-") in ("0", "") else ""
    return [
        file_effect(EffectKind.UPDATE, [p], cmd, ctx, detail=detail)
        for p in _paths(cmd, opts.operands, ctx)
    ]


@command("dd")
def dd(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``dd of=X``: writes X; onto a block device, destroys it."""
    operands = dict(a.split("=", 1) for a in cmd.args if "=" in a)
    effects: list[Effect] = []
    if "if" in operands:
        effects.append(file_effect(EffectKind.READ, [file_path(operands["if"], ctx)], cmd, ctx))
    if "of" in operands:
        effects.append(
            write_effect(file_path(operands["of"], ctx), cmd, ctx, detail="written by dd")
        )
    return effects or [file_effect(EffectKind.READ, ["/dev/stdin"], cmd, ctx)]


_MKFS = (
    "mkfs",
    "mke2fs",
    "mkswap",
    "wipefs",
    "blkdiscard",
    "mkfs.ext2",
    "mkfs.ext3",
    "mkfs.ext4",
    "mkfs.xfs",
    "mkfs.btrfs",
    "mkfs.vfat",
    "mkfs.fat",
    "mkfs.msdos",
    "mkfs.ntfs",
    "mkfs.exfat",
    "mkfs.f2fs",
    "mkfs.minix",
    "mkntfs",
    "mkdosfs",
    "zpool",
)


@command(*_MKFS)
def mkfs(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mkfs*``/``wipefs``: destroys the filesystem on the device (catastrophic always)."""
    if cmd.name == "zpool" and cmd.args[:1] != ("destroy",):
        return None
    devices = [a for a in cmd.args if a.startswith("/dev/") or a.startswith("/")] or ["/dev/?"]
    reason = f"{cmd.name} destroys the filesystem on {' '.join(devices)}"
    return [file_effect(EffectKind.REPLACE, devices, cmd, ctx, catastrophic=reason, detail=reason)]


@command("chmod", "chown", "chgrp", "chattr", "setfacl")
def permissions(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Changing modes or owners: update (``-R`` of everything under the path)."""
    opts = parse_options(cmd.args, OptionSpec(long={"recursive": "R"}, valued="mMx"))
    operands = list(opts.operands)
    if cmd.name in ("chmod", "chown", "chgrp", "chattr") and not opts.has("reference"):
        operands = operands[1:]
    if not operands:
        return None
    recursive = opts.has("R")
    paths = _paths(cmd, operands, ctx)
    names = [n for p in paths for n in (directory_tree(p) if recursive else [p])]
    # Recursively re-moding or re-owning / or a home directory breaks the system or the user's
    # account beyond repair (`chmod -R 000 /`): catastrophic, like removing it.
    wrecked = next((r for p in paths if (r := home_or_root(p, home=ctx.home))), None)
    reason = f"{cmd.name} -R {wrecked.removeprefix('removes ')}" if recursive and wrecked else None
    return [
        file_effect(
            EffectKind.UPDATE, names, cmd, ctx, detail=_run_time(cmd).strip(), catastrophic=reason
        )
    ]


@command("ln")
def ln(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``ln``: creates the link; with ``-f`` replaces what was at the link path (update)."""
    opts = parse_options(cmd.args, OptionSpec(valued="tS", long={"force": "f"}))
    found = _destination(cmd, list(opts.operands), opts.value("t"), ctx)
    if found is None:
        if len(opts.operands) == 1:
            found = (list(opts.operands), ctx.cwd, True)
        else:
            return None
    sources, dest, is_dir = found
    kind = EffectKind.UPDATE if opts.has("f") else EffectKind.CREATE
    return [
        file_effect(
            kind,
            [dest.rstrip("/") + "/" + s.rstrip("/").rsplit("/", 1)[-1] if is_dir else dest],
            cmd,
            ctx,
        )
        for s in sources
    ]


@command("rsync")
def rsync(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rsync``: writes the destination; ``--delete*`` deletes what is not in the source."""
    opts = parse_options(
        cmd.args,
        OptionSpec(valued="ef", long={"rsh": "e"}, long_valued=frozenset({"exclude", "rsh"})),
    )
    if len(opts.operands) < 2:
        return None
    *sources, dest = opts.operands
    path = dest if ":" in dest.split("/", 1)[0] else file_path(dest, ctx)
    effects = [file_effect(EffectKind.UPDATE, directory_tree(path), cmd, ctx)]
    for shell in opts.values.get("e", ()):  # ``-e CMD``: the remote shell rsync runs
        if shell.split(maxsplit=1)[:1] in (["ssh"], ["/usr/bin/ssh"]):
            continue  # ssh with its options: the usual transport
        effects.extend(runs_command(shell, "rsync's remote shell", cmd, ctx))
    if any(f.startswith("del") for f in opts.flags):
        local = ":" not in dest.split("/", 1)[0]
        wrecked = home_or_root(path, home=ctx.home) if local else None
        effects.append(
            file_effect(
                EffectKind.DELETE,
                [path.rstrip("/") + "/*"],
                cmd,
                ctx,
                detail="deletes files at the destination not in the source",
                catastrophic=f"rsync --delete onto / or a home: {wrecked}" if wrecked else None,
            )
        )
    if opts.has("remove-source-files"):
        names = [s if ":" in s else file_path(s, ctx) for s in sources]
        effects.append(file_effect(EffectKind.DELETE, names, cmd, ctx))
    return effects


@command("sed", "perl-i")
def sed(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``sed -i`` updates the files it edits; plain ``sed`` reads. What the script itself runs
    (``e``, ``s///e``) or writes (``w FILE``) is added (:mod:`._sed_script`)."""
    opts = parse_options(
        cmd.args,
        OptionSpec(valued="ef", long={"in-place": "i", "expression": "e", "file": "f"}),
    )
    operands = list(opts.operands) if opts.has("e", "f") else list(opts.operands[1:])
    in_place = opts.has("i") or any(a.startswith("-i") for a in cmd.args)
    kind = EffectKind.UPDATE if in_place else EffectKind.READ
    scripted = _script_effects(cmd, opts, ctx) if cmd.name == "sed" else []
    if not operands:
        if in_place:
            return None
        return [file_effect(kind, ["/dev/stdin"], cmd, ctx), *scripted]
    return [file_effect(kind, _paths(cmd, operands, ctx), cmd, ctx), *scripted]


def _script_effects(cmd: SimpleCommand, opts: Options, ctx: ShellContext) -> list[Effect]:
    if opts.has("f"):
        return [unknown_effect(cmd, "sed runs a script file it reads", ctx)]
    texts = opts.values.get("e") or opts.operands[:1]
    effects: list[Effect] = []
    for text in texts:
        script = read_script(text)
        if script.unreadable is not None:
            effects.append(
                unknown_effect(cmd, f"sed script not understood: {script.unreadable}", ctx)
            )
        if script.runs_pattern_space:
            effects.append(unknown_effect(cmd, "sed runs the text it edits as a command", ctx))
        for run in script.runs:
            effects.extend(runs_command(run, "sed's e command", cmd, ctx))
        effects.extend(write_effect(file_path(p, ctx), cmd, ctx) for p in script.writes if p)
    return effects


@command("tee")
def tee(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``tee FILE``: writes FILE (``-a`` appends)."""
    opts = parse_options(cmd.args, OptionSpec(long={"append": "a"}))
    paths = [p for p in _paths(cmd, opts.operands, ctx) if p != "/dev/null"]
    if not paths:
        return [file_effect(EffectKind.READ, ["/dev/stdin"], cmd, ctx)]
    return [write_effect(p, cmd, ctx) for p in paths]


_FIND_VALUED = frozenset(
    [
        "-name",
        "-iname",
        "-path",
        "-ipath",
        "-wholename",
        "-regex",
        "-iregex",
        "-type",
        "-xtype",
        "-size",
        "-mtime",
        "-mmin",
        "-atime",
        "-amin",
        "-ctime",
        "-cmin",
        "-newer",
        "-user",
        "-group",
        "-perm",
        "-maxdepth",
        "-mindepth",
        "-links",
        "-inum",
        "-printf",
        "-fprint",
        "-fprintf",
        "-fls",
        "-samefile",
        "-lname",
        "-ilname",
        "-used",
        "-uid",
        "-gid",
        "-context",
    ]
)
_FIND_EXEC = frozenset({"-exec", "-execdir", "-ok", "-okdir"})


@command("find")
def find(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``find``: reads; ``-delete`` deletes under its roots; ``-exec CMD {} ;`` runs CMD on them."""
    args = list(cmd.args)
    roots: list[str] = []
    while args and not args[0].startswith(("-", "(", "!")):
        roots.append(args.pop(0))
    paths = _paths(cmd, roots or ["."], ctx)
    under = [p.rstrip("/") + "/*" if p != "/" else "/*" for p in paths]
    effects = [file_effect(EffectKind.READ, paths, cmd, ctx)]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "-delete":
            reasons = [r for p in paths if (r := home_or_root(p, home=ctx.home))]
            effects.append(
                file_effect(
                    EffectKind.DELETE,
                    paths + under,
                    cmd,
                    ctx,
                    detail="find -delete",
                    catastrophic=reasons[0] if reasons else None,
                )
            )
        elif arg in _FIND_EXEC:
            end = next(
                (j for j in range(i + 1, len(args)) if args[j] in (";", "+", "\\;")), len(args)
            )
            effects.extend(_find_exec(args[i + 1 : end], under, cmd, ctx))
            i = end
        elif arg in _FIND_WRITES and i + 1 < len(args):
            effects.append(write_effect(file_path(args[i + 1], ctx), cmd, ctx))
            i += 1
        elif arg in _FIND_VALUED:
            i += 1
        i += 1
    return effects


# Actions that write the file they name (truncating it first).
_FIND_WRITES = frozenset({"-fprint", "-fprint0", "-fprintf", "-fls"})


def _find_exec(
    inner: list[str], under: list[str], cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    if not inner or ctx.understand_nested is None:
        return [unknown_effect(cmd, "find -exec without a command", ctx)]
    effects: list[Effect] = []
    for root in under:
        words = [root if w == "{}" else w.replace("{}", root) for w in inner]
        effects.extend(ctx.understand_nested(shlex.join(words)))
    return effects
