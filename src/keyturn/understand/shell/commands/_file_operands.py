"""What the file commands of :mod:`.files` share about their operands: the paths they name,
the note on paths decided at run time, where ``mv``/``cp``/``install``/``ln`` put what they are
given, and the change a link makes possible.

Kept apart from the handlers so that each of them reads as what its program does; the handlers
themselves stay in :mod:`.files` (the program index names that module).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._file_options import LN
from keyturn.understand.shell.effects import directory_tree, file_effect, file_path, write_effect
from keyturn.understand.shell.flags import Options, parse_options
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def operand_paths(
    cmd: SimpleCommand, operands: list[str] | tuple[str, ...], ctx: ShellContext
) -> list[str]:
    return [file_path(op, ctx) for op in operands]


def run_time(cmd: SimpleCommand) -> str:
    dynamic = [cmd.argv[i] for i in sorted(cmd.dynamic_words) if i > 0]
    return f" (paths decided at run time: {' '.join(dynamic)[:100]})" if dynamic else ""


def destination(
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


def through_link(
    link: str, target: str, *, tree: bool, cmd: SimpleCommand, ctx: ShellContext
) -> Effect:
    """The change a link at ``link`` to ``target`` makes possible: an update of the target (and,
    with ``tree``, of everything under it), which is written through the link."""
    names = directory_tree(target) if tree else [target]
    detail = f"{link} links to {target}: what is written through the link changes it"
    return file_effect(EffectKind.UPDATE, names, cmd, ctx, detail=detail)


def backups(
    targets: Iterable[str], opts: Options, cmd: SimpleCommand, ctx: ShellContext
) -> list[Effect]:
    """The backups ``cp``/``mv``/``install``/``ln`` make of what they replace (``-b``,
    ``--backup[=CONTROL]``, or ``-S``/``--suffix``, which implies a backup): each replaced file
    is renamed to its path plus the suffix (``-S``, else ``SIMPLE_BACKUP_SUFFIX``, else ``~``),
    so ``cp -b -S .json x ~/.claude/settings`` writes ``~/.claude/settings.json``."""
    if not opts.has("b", "backup", "S"):
        return []
    suffix = (
        opts.value("S")
        or cmd.assignments.get("SIMPLE_BACKUP_SUFFIX")
        or ctx.env.get("SIMPLE_BACKUP_SUFFIX")
        or "~"
    )
    return [
        write_effect(file_path(target + suffix, ctx), cmd, ctx, detail=f"the backup of {target}")
        for target in dict.fromkeys(targets)
    ]


class MadeLink(NamedTuple):
    """A link ``ln`` makes: where (``link``), to what (``target``, absolute), whether symbolic."""

    link: str
    target: str
    symbolic: bool


def made_links(cmd: SimpleCommand, ctx: ShellContext) -> tuple[list[MadeLink], bool] | None:
    """The links ``ln`` makes, and whether it replaces what is at their paths (``-f``, or a
    backup: ``-b``/``-S``); ``None`` when its operands are not told."""
    opts = parse_options(cmd.args, LN)
    found = destination(cmd, list(opts.operands), opts.value("t"), ctx)
    if found is None:
        if len(opts.operands) != 1:
            return None
        found = (list(opts.operands), ctx.cwd, True)
    sources, dest, is_dir = found
    if opts.has("T") and opts.value("t") is None:
        is_dir = False
    symbolic = opts.has("s")
    made = []
    for source in sources:
        link = dest.rstrip("/") + "/" + source.rstrip("/").rsplit("/", 1)[-1] if is_dir else dest
        # A symbolic link's text is read from the link's own directory (-r: ln makes it so from
        # a path given against the working directory); a hard link's source is a path as usual.
        here = (link.rsplit("/", 1)[0] or "/") if symbolic and not opts.has("r") else ctx.cwd
        made.append(MadeLink(link, normalize_path(source, cwd=here), symbolic))
    return made, opts.has("f", "b", "S")
