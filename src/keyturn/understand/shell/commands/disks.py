"""Partition tools: ``fdisk``, ``sfdisk``, ``gdisk``, ``sgdisk``, ``cfdisk``, ``parted``.

Listing, printing and verifying read the disk. Anything else rewrites its partition table --
the data behind it is lost the way ``mkfs`` loses it -- and is catastrophic, like ``mkfs`` and
``wipefs``: so are the interactive forms (``fdisk /dev/sda`` takes its orders on its input,
which may as well delete every partition). Volume managers and drive erasers (LVM, ZFS,
``cryptsetup``, ``nvme format``...): :mod:`.volumes`.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import file_effect, file_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

# Per tool: the options that only read (any other option or form may write).
_READING_OPTIONS = {
    "fdisk": frozenset({"-l", "--list", "-x", "--list-details", "-V", "--version", "-h", "--help"}),
    "sfdisk": frozenset(
        {"-l", "--list", "-d", "--dump", "-s", "--show-size", "-J", "--json", "-V", "--verify"}
        # not -r: it is --reorder, which writes the table (util-linux sfdisk(8))
        | {"--list-free", "-F", "--list-types", "-T", "--backup-pt-sectors", "--version"}
    ),
    "gdisk": frozenset({"-l"}),
    "sgdisk": frozenset(
        {"-p", "--print", "-i", "--info", "-v", "--verify", "-O", "--print-mbr", "-L"}
        | {"--list-types", "-P", "--pretend", "-V", "--version", "-?", "--help"}
    ),
    "cfdisk": frozenset({"-V", "--version", "-h", "--help"}),
    "parted": frozenset({"-l", "--list", "-v", "--version", "-h", "--help"}),
}
# parted's commands that only read (``parted -s /dev/sda print``); the unit setting goes with them.
_PARTED_READING = frozenset({"print", "p", "help", "version", "unit", "align-check", "quit"})


_PARTED_OPTIONS = frozenset({"-s", "--script", "-m", "--machine"}) | _READING_OPTIONS["parted"]


@command(*_READING_OPTIONS)
def partition_tool(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """A partition tool: a read of the disk, or a rewrite of its partition table."""
    devices = [a for a in cmd.args if a.startswith("/dev/")]
    if cmd.name == "parted":
        only_reads = _parted_reads(cmd.args)
    else:
        options = [a for a in cmd.args if a.startswith("-")]
        only_reads = bool(options) and all(o in _READING_OPTIONS[cmd.name] for o in options)
        # sgdisk --pretend works on a copy in memory and writes nothing.
        only_reads = only_reads or (
            cmd.name == "sgdisk" and bool({"-P", "--pretend"} & set(options))
        )
    paths = [file_path(d, ctx) for d in devices] or ["/dev/?"]
    if only_reads:
        return [file_effect(EffectKind.READ, paths, cmd, ctx)]
    reason = f"{cmd.name} rewrites the partition table of {' '.join(paths)}"
    return [file_effect(EffectKind.REPLACE, paths, cmd, ctx, catastrophic=reason, detail=reason)]


def _parted_reads(args: tuple[str, ...]) -> bool:
    """``parted -l``, ``parted [-s] DEVICE [unit U] print``: reads; anything else, or the
    interactive form (a device and no command), may write."""
    options = [a for a in args if a.startswith("-")]
    if any(o not in _PARTED_OPTIONS for o in options):
        return False
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return bool(set(options) & _READING_OPTIONS["parted"])
    orders = [w for w in words[1:] if not _is_unit(w)]
    return bool(orders) and all(w in _PARTED_READING for w in orders)


def _is_unit(word: str) -> bool:
    return word.lower() in {"s", "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "%"}
