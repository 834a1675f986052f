"""Volume managers and drive tools: LVM, ZFS, btrfs, mdadm, cryptsetup, nvme, hdparm, badblocks.

What destroys a volume or a drive's data at once is catastrophic, like ``wipefs`` and ``mkfs``
(:mod:`.files`) and a partition table rewritten (:mod:`.disks`): ``cryptsetup luksErase``,
``erase``, ``luksFormat`` and ``luksHeaderRestore`` (every key slot, or the header, gone: the data
with it), ``nvme format``/``sanitize``/``delete-ns``, ``hdparm --security-erase`` and its
``--sanitize-block-erase``/``-crypto-scramble``/``-overwrite`` (and its other writing options:
``--trim-sector-ranges``, ``--write-sector``...), ``badblocks -w`` (a write test over the whole
device), ``mdadm --zero-superblock`` and ``--create``, ``pvremove``, ``vgremove``, ``lvremove``
(a logical volume is a partition to LVM). A btrfs subvolume deleted -- the subvolume and
everything in it, at once -- is named (``file:<path>`` as ``rm -r`` names it) and stays
``unknown``. Names: ``file:<device>``, ``lvm:<vg>[/<lv>]``. Their listing forms read; any other
form is unknown, as before. ZFS (``zpool``, ``zfs``): :mod:`._host_zfs`.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands import _host_zfs  # noqa: F401  (registers zpool, zfs)
from keyturn.understand.shell.commands._storage_effects import storage_effect
from keyturn.understand.shell.effects import (
    command_effect,
    file_effect,
    file_path,
    removal_effect,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind


def _destroys(paths: list[str], what: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """A catastrophic replace of the devices ``paths`` (``/dev/?`` when none is named)."""
    paths = [file_path(p, ctx) for p in paths] or ["/dev/?"]
    reason = f"{cmd.name} {what} {' '.join(paths)}"
    return [file_effect(_E.REPLACE, paths, cmd, ctx, catastrophic=reason, detail=reason)]


def _read(paths: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """A read of the devices ``paths`` (a mapping's bare name is under ``/dev/mapper``), or of
    the machine's state when none is named."""
    if not paths:
        return [command_effect(_E.READ, cmd, ctx)]
    found = [file_path(p if "/" in p else f"/dev/mapper/{p}", ctx) for p in paths]
    return [file_effect(_E.READ, found, cmd, ctx)]


def _operands(cmd: SimpleCommand) -> list[str]:
    return [a for a in cmd.args if not a.startswith("-")]


# --- cryptsetup --------------------------------------------------------------------------------

_CRYPT_DESTROYS = frozenset({"luksformat", "lukserase", "erase", "luksheaderrestore"})
_CRYPT_READS = frozenset(
    {"status", "luksdump", "isluks", "benchmark", "tcryptdump", "bitlkdump", "fvault2dump"}
)
_CRYPT_ACTIONS = _CRYPT_DESTROYS | _CRYPT_READS | {"open", "close", "luksopen", "lukskillslot"}


@command("cryptsetup")
def cryptsetup(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cryptsetup ACTION DEVICE``: formatting or erasing a LUKS header destroys the data."""
    if {"--help", "-?", "--usage", "--version", "-V"} & set(cmd.args):
        return _read([], cmd, ctx)
    # An option's value may be a word like an action (``-d status luksFormat /dev/sda``: the
    # key file is ``status``): a destroying word anywhere counts, and a read is told only
    # when no option before it may have taken a value.
    args = list(cmd.args)
    destroys = next((i for i, w in enumerate(args) if w.lower() in _CRYPT_DESTROYS), None)
    if destroys is not None:
        devices = [w for w in args[destroys + 1 :] if not w.startswith("-")][:1]
        return _destroys(devices, f"{args[destroys]} destroys every key to the data of", cmd, ctx)
    at = next((i for i, w in enumerate(args) if w.lower() in _CRYPT_ACTIONS), None)
    if at is None or any(a.startswith("-") and "=" not in a for a in args[:at]):
        return None
    if args[at].lower() in _CRYPT_READS:
        return _read([w for w in args[at + 1 :] if not w.startswith("-")][:1], cmd, ctx)
    return None


# --- nvme, hdparm, badblocks -------------------------------------------------------------------

_NVME_DESTROYS = frozenset({"format", "sanitize", "delete-ns"})


@command("nvme")
def nvme(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``nvme format|sanitize|delete-ns DEVICE`` erase it; the listing and log commands read."""
    words = _operands(cmd)
    if not words:
        return None
    sub, devices = words[0], [w for w in words[1:] if w.startswith("/dev/")]
    if sub in _NVME_DESTROYS:
        return _destroys(devices, f"{sub} erases", cmd, ctx)
    reads = sub.startswith(("list", "id-", "get-", "show-")) or sub.endswith("-log")
    if reads or sub in ("help", "version"):
        return _read(devices, cmd, ctx)
    return None


_HDPARM_DESTROYS = (
    *("--security-erase", "--security-erase-enhanced", "--trim-sector-ranges", "--write-sector"),
    *("--make-bad-sector", "--dco-restore", "--fwdownload"),
    # ATA SANITIZE: every user sector erased, scrambled or overwritten, as --security-erase.
    *("--sanitize-block-erase", "--sanitize-crypto-scramble", "--sanitize-overwrite"),
)
_HDPARM_READS = frozenset({"-I", "-i", "-t", "-T", "-g", "-C", "-H", "-V", "-h", "--help"})


@command("hdparm")
def hdparm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``hdparm --security-erase …`` (and the options that write sectors) erase the drive;
    ``-I``, ``-t``... read; any other setting is unknown."""
    devices = [a for a in cmd.args if a.startswith("/dev/")]
    given = [a for a in cmd.args if a.startswith("-")]
    erases = [a for a in given if a.partition("=")[0].startswith(_HDPARM_DESTROYS)]
    if erases:
        return _destroys(devices, f"{erases[0]} erases or overwrites", cmd, ctx)
    if all(a in _HDPARM_READS for a in given):
        return _read(devices, cmd, ctx)
    return None


_BADBLOCKS = OptionSpec(valued="bcdeiopt")


@command("badblocks")
def badblocks(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``badblocks -w`` writes patterns over the whole device; ``-n`` rewrites it in place
    (unknown); the read-only test reads it (and ``-o FILE`` writes the list)."""
    opts = parse_options(cmd.args, _BADBLOCKS)
    devices = list(opts.operands[:1])
    if opts.has("w"):
        return _destroys(devices, "-w overwrites every block of", cmd, ctx)
    if opts.has("n"):
        return None
    found = _read(devices, cmd, ctx)
    output = opts.value("o")
    return found + ([write_effect(file_path(output, ctx), cmd, ctx)] if output else [])


# --- LVM, mdadm --------------------------------------------------------------------------------


@command("pvremove")
def pvremove(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``pvremove PV``: wipes the LVM label; the volume group on it is lost."""
    if "--help" in cmd.args or "-h" in cmd.args:
        return _read([], cmd, ctx)
    return _destroys(_operands(cmd), "wipes the LVM label of", cmd, ctx)


def _lvm_name(word: str) -> str:
    """``vg0/data``, ``/dev/vg0/data``, ``vg0``: ``lvm:vg0/data``, ``lvm:vg0``."""
    return "lvm:" + word.removeprefix("/dev/").strip("/")


@command("lvremove", "vgremove")
def lvm_remove(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``lvremove VG/LV`` (or ``VG``: every LV in it), ``vgremove VG``: the volumes and the
    filesystems on them are gone, as a partition deleted."""
    if "--help" in cmd.args or "-h" in cmd.args:
        return _read([], cmd, ctx)
    words = _operands(cmd)
    if not words:
        return None  # selected by --select or tags: not known
    what = "logical volume" if cmd.name == "lvremove" else "volume group"
    names = [_lvm_name(w) for w in words]
    reason = f"{cmd.name} destroys the {what} {' '.join(n[4:] for n in names)} and its data"
    return [storage_effect(_E.DELETE, names, cmd, ctx, catastrophic=reason)]


_MDADM_READS = frozenset({"--detail", "-D", "--examine", "-E", "--query", "-Q", "--version"})
_MDADM_READS |= {"-V", "--help", "-h", "--scan", "-s", "--misc", "--brief", "-b", "--verbose"}


@command("mdadm")
def mdadm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mdadm --zero-superblock DEV``, ``mdadm --create … DEVS``: the array on them is gone;
    ``--detail``/``--examine`` read."""
    devices = [a for a in cmd.args if a.startswith("/dev/")]
    given = {a.partition("=")[0] for a in cmd.args if a.startswith("-")}
    if given & {"--zero-superblock", "--create", "-C"}:
        return _destroys(devices, "overwrites the RAID superblocks of", cmd, ctx)
    if given and given <= _MDADM_READS:
        return _read(devices, cmd, ctx)
    return None


# --- btrfs (ZFS: :mod:`._host_zfs`) -----------------------------------------------------------

_BTRFS_GROUPS = (
    *("subvolume", "filesystem", "balance", "device", "scrub", "check", "rescue", "restore"),
    *("inspect-internal", "property", "send", "receive", "quota", "qgroup", "replace", "help"),
    "version",
)
_BTRFS_SUBVOLUME = (
    *("create", "delete", "list", "snapshot", "get-default", "set-default", "find-new", "show"),
    "sync",
)


def _token(word: str, choices: tuple[str, ...]) -> str | None:
    """btrfs's reading of a command word: the one choice it is a unique prefix of."""
    found = [c for c in choices if c.startswith(word)]
    return word if word in choices else (found[0] if len(found) == 1 else None)


@command("btrfs")
def btrfs(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``btrfs subvolume delete PATH``: the subvolume and everything in it, at once (named as
    ``rm -r`` names it, and unknown); ``filesystem show|df|usage`` and ``subvolume
    list|show`` read; btrfs takes any unique prefix of a command (``btrfs sub del``)."""
    words = _operands(cmd)
    group = _token(words[0], _BTRFS_GROUPS) if words else None
    sub = _token(words[1], _BTRFS_SUBVOLUME) if group == "subvolume" and len(words) > 1 else None
    if group in ("help", "version") or sub in ("list", "show"):
        return _read([], cmd, ctx)
    if group == "filesystem" and len(words) > 1 and words[1] in ("show", "df", "usage"):
        return _read(words[2:], cmd, ctx)
    if sub != "delete" or len(words) < 3:
        return None
    found = [
        removal_effect(
            file_path(p, ctx), cmd, ctx, recursive=True, detail="deletes the btrfs subvolume"
        )
        for p in words[2:]
    ]
    reason = "deletes a btrfs subvolume and everything in it at once: not judged here"
    return [*found, unknown_effect(cmd, reason, ctx)]
