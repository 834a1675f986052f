"""What file commands do: ``rm``, ``mv``, ``cp``, ``dd``, ``mkfs``, ``find -delete``, ``chmod -R``…

Effects are on ``file:/absolute/path`` names; a recursive operation on a directory also names
``file:/path/*`` (everything under it). ``rm -r`` of ``/`` or of a home directory, ``mkfs``,
``wipefs``, ``dd``/``shred`` onto a block device are catastrophic (denied everywhere); so are the
partition tools' writes (:mod:`.disks`).
A path decided at run time keeps its written form and says so in ``detail``.

``rsync`` (:mod:`._rsync`) and ``find`` (:mod:`._find`) have modules of their own, imported
here so that they register with the other file commands.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._file_operands import (
    backups,
    destination,
    made_links,
    operand_paths,
    run_time,
    through_link,
)
from keyturn.understand.shell.commands._file_options import CP, INSTALL, LN, MKFS_PROGRAMS, MV
from keyturn.understand.shell.commands._find import find as find  # registers find
from keyturn.understand.shell.commands._rsync import rsync as rsync  # registers rsync
from keyturn.understand.shell.commands._sed_effects import (
    backup_paths,
    in_place_suffix,
    sed_script_effects,
)
from keyturn.understand.shell.commands._tf_removal import (
    globbed_words,
    with_removed_configuration,
)
from keyturn.understand.shell.commands._tf_trees import (
    with_glob_copied,
    with_tree_written,
)
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
    OptionSpec,
    parse_options,
    register_canonical,
)
from keyturn.understand.shell.paths import normalize_path
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


@command("rm")
def rm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rm``: delete; ``-r`` deletes the directory and everything under it."""
    opts = parse_options(cmd.args, RM)
    if not opts.operands:
        return None
    recursive = opts.has("r")
    globs = globbed_words(cmd)
    effects = []
    for raw, path in zip(opts.operands, operand_paths(cmd, opts.operands, ctx), strict=True):
        detail = ("deletes recursively " if recursive else "deletes ") + path + run_time(cmd)
        effect = removal_effect(path, cmd, ctx, recursive=recursive, detail=detail)
        effects.append(
            with_removed_configuration(
                effect, [path], cmd, ctx, globbed=raw in globs, trees=recursive
            )
        )
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
    return [file_effect(EffectKind.DELETE, operand_paths(cmd, opts.operands, ctx), cmd, ctx)]


@command("shred")
def shred(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``shred``: destroys file contents; onto a block device, the whole disk."""
    opts = parse_options(cmd.args, OptionSpec(valued="nsx", long={"iterations": "n"}))
    if not opts.operands:
        return None
    effects = []
    for path in operand_paths(cmd, opts.operands, ctx):
        disk = f"shreds the block device {path}" if is_block_device(path) else None
        effects.append(file_effect(EffectKind.DELETE, [path], cmd, ctx, catastrophic=disk))
    return effects


@command("mv")
def mv(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mv``: deletes the source and writes the destination (``mv x /dev/null`` only deletes)."""
    opts = parse_options(cmd.args, MV)
    found = destination(cmd, list(opts.operands), opts.value("t"), ctx)
    if found is None:
        return None
    sources, dest, is_dir = found
    globs = globbed_words(cmd)
    effects = []
    targets = []
    for raw, src in zip(sources, operand_paths(cmd, sources, ctx), strict=True):
        moved = file_effect(EffectKind.DELETE, directory_tree(src), cmd, ctx, detail=f"moves {src}")
        # A folder moved takes its Terraform files (and what they protect) along.
        effects.append(
            with_removed_configuration(moved, [src], cmd, ctx, globbed=raw in globs, trees=True)
        )
        if dest == "/dev/null":
            continue
        target = dest.rstrip("/") + "/" + src.rsplit("/", 1)[-1] if is_dir else dest
        effects.append(write_effect(target, cmd, ctx, detail=f"moved from {src}"))
        targets.append(target)
    return effects + backups(targets, opts, cmd, ctx)


@command("cp", "install")
def copy(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cp``/``install``: write the destination (update when it exists).

    ``cp -s``/``-l`` make links instead of copies: as for ``ln``, each source (for ``-s`` or
    a recursive copy, everything under it) is named as updated too, since what is written
    through the link changes it."""
    opts = parse_options(cmd.args, INSTALL if cmd.name == "install" else CP)
    if cmd.name == "install" and opts.has("strip-program"):
        found_program = opts.value("strip-program")
        return [unknown_effect(cmd, f"install --strip-program runs {found_program}", ctx)]
    if cmd.name == "install" and opts.has("d"):
        return [write_effect(p, cmd, ctx) for p in operand_paths(cmd, opts.operands, ctx)] or None
    found = destination(cmd, list(opts.operands), opts.value("t"), ctx)
    if found is None:
        return None
    sources, dest, is_dir = found
    mode = opts.value("m") or ""
    note = " sets a setuid/setgid mode" if len(mode) == 4 and mode[0] in "2467" else ""
    recursive = opts.has("r", "R", "a", "recursive", "archive")
    read = operand_paths(cmd, sources, ctx)
    if recursive:  # a copy of a directory reads everything under it
        read = [n for p in read for n in directory_tree(p)]
    effects = [file_effect(EffectKind.READ, read, cmd, ctx)]
    links = cmd.name == "cp" and opts.has("s", "l")
    parents = cmd.name == "cp" and opts.has("parents")
    globs = globbed_words(cmd)
    targets = []
    for raw, src in zip(sources, operand_paths(cmd, sources, ctx), strict=True):
        target = dest.rstrip("/") + "/" + src.rsplit("/", 1)[-1] if is_dir else dest
        if parents:  # ``cp --parents a/b/f DIR`` writes DIR/a/b/f
            target = normalize_path(dest.rstrip("/") + "/" + raw.lstrip("/"), cwd="/")
        targets.append(target)
        if links:
            tree = recursive or opts.has("s")
            effects.append(through_link(target, src, tree=tree, cmd=cmd, ctx=ctx))
        globbed = raw in globs
        if recursive and (raw == "." or raw.endswith("/.") or opts.has("T")):
            # ``cp -r dir/. dest`` (or ``-T``): dir's contents go into dest itself, whatever
            # dest already holds -- everything under it may be written.
            into = file_effect(
                EffectKind.UPDATE,
                [dest.rstrip("/") + "/*"],
                cmd,
                ctx,
                detail=f"copies what {src} holds into {dest}{note}",
            )
            effects.append(with_tree_written(into, dest, ctx, sources=[src]))
            continue
        written = write_effect(target, cmd, ctx, detail=f"copied from {src}{note}")
        if globbed and is_dir:  # ``cp /tmp/x/* .``: the files it matches, by their names
            written = with_glob_copied(written, src, dest, ctx, trees=recursive)
        effects.append(written)
        if recursive:  # a folder copied: what it holds is written under the target
            said = f"copies what {src} holds{note}"
            under = file_effect(EffectKind.UPDATE, [target + "/*"], cmd, ctx, detail=said)
            if not globbed and not (ctx.files.exists(src) and not ctx.files.is_dir(src)):
                under = with_tree_written(under, target, ctx, sources=[src])
            effects.append(under)
    return effects + backups(targets, opts, cmd, ctx)


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
        for p in operand_paths(cmd, opts.operands, ctx)
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


@command(*MKFS_PROGRAMS)
def mkfs(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mkfs*``/``wipefs``: destroys the filesystem on the device (catastrophic always)."""
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
    paths = operand_paths(cmd, operands, ctx)
    names = [n for p in paths for n in (directory_tree(p) if recursive else [p])]
    # Recursively re-moding or re-owning / or a home directory breaks the system or the user's
    # account beyond repair (`chmod -R 000 /`): catastrophic, like removing it.
    wrecked = next((r for p in paths if (r := home_or_root(p, home=ctx.home))), None)
    reason = f"{cmd.name} -R {wrecked.removeprefix('removes ')}" if recursive and wrecked else None
    return [
        file_effect(
            EffectKind.UPDATE, names, cmd, ctx, detail=run_time(cmd).strip(), catastrophic=reason
        )
    ]


@command("ln")
def ln(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``ln``: creates the link; with ``-f`` replaces what was at the link path (update).

    Whatever the link points at can be written through it, under a name that says nothing of
    where it lands: the target (and, for a directory, everything under it) is named as updated
    too, so that a link to the policy, a hook settings file or directory, or a file that runs
    later is judged as the change of it that the link makes possible."""
    found = made_links(cmd, ctx)
    if found is None:
        return None
    links, replacing = found
    kind = EffectKind.UPDATE if replacing else EffectKind.CREATE
    effects = []
    for made in links:
        effects.append(file_effect(kind, [made.link], cmd, ctx))
        effects.append(through_link(made.link, made.target, tree=made.symbolic, cmd=cmd, ctx=ctx))
    opts = parse_options(cmd.args, LN)
    return effects + backups([made.link for made in links], opts, cmd, ctx)


@command("sed", "perl-i")
def sed(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``sed -i`` updates the files it edits; plain ``sed`` reads. What the script itself runs
    (``e``, ``s///e``) or writes (``w FILE``) is added (:mod:`._sed_script`)."""
    args, suffix = in_place_suffix(cmd.args, cmd.name)
    opts = parse_options(
        args,
        OptionSpec(
            valued="efl",
            long={"in-place": "i", "expression": "e", "file": "f", "line-length": "l"},
        ),
    )
    operands = list(opts.operands) if opts.has("e", "f") else list(opts.operands[1:])
    in_place = opts.has("i") or suffix is not None
    kind = EffectKind.UPDATE if in_place else EffectKind.READ
    scripted = sed_script_effects(cmd, opts, ctx) if cmd.name == "sed" else []
    if not operands:
        if in_place:
            return None
        return [file_effect(kind, ["/dev/stdin"], cmd, ctx), *scripted]
    edited = operand_paths(cmd, operands, ctx)
    backups = [
        write_effect(b, cmd, ctx, detail=f"the backup of {path}")
        for path in edited
        for b in backup_paths(path, suffix or "", ctx)
    ]
    return [file_effect(kind, edited, cmd, ctx), *backups, *scripted]


@command("tee")
def tee(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``tee FILE``: writes FILE (``-a`` appends)."""
    opts = parse_options(cmd.args, OptionSpec(long={"append": "a"}))
    paths = [p for p in operand_paths(cmd, opts.operands, ctx) if p != "/dev/null"]
    if not paths:
        return [file_effect(EffectKind.READ, ["/dev/stdin"], cmd, ctx)]
    return [write_effect(p, cmd, ctx) for p in paths]
