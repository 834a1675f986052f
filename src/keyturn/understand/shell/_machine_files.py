"""What takes the machine down: block devices, the files whose writing crashes the kernel, and
the loaders, libraries and folders a host cannot run or boot without.

Moved out of :mod:`.effects` to keep that module small (STYLE.md: small modules, one concept
each). :mod:`.effects` imports from here what its own builders need (:func:`is_block_device`,
the machine killers) and keeps :func:`with_machine_targets` and :func:`is_block_device`
importable from where they were.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.registry import evolve

# The files under /dev that are no disk: streams, terminals, bash's network pseudo-files, and
# devices that hold no filesystem (a GPU, a sound card, FUSE, KVM, a serial port). Any other
# name there is, or may be, a disk or a partition: LVM's /dev/VG/LV, /dev/block/8:0, zvols,
# RBD, DRBD, bcache, pmem, /dev/sg0, FreeBSD's /dev/ada0 -- names too many to list.
_NOT_DISKS = re.compile(
    r"/dev/(?:null|zero|full|u?random|stdin|stdout|stderr|console|ptmx|log|kmsg|tty[^/]*"
    r"|(?:pts|fd|shm|mqueue|hugepages|snd|dri|input|vfio|bus/usb|serial|usb|net|accel"
    r"|infiniband|nvidia-caps|sgx)(?:/.*)?|tcp/.+|udp/.+|cu\.[^/]+|fuse|cuse|kvm|vsock"
    r"|vhost-[^/]+|nvidia[^/]*|kfd|dxg|video\d*|media\d*|hidraw\d*|uinput|uhid|rtc\d*|lp\d*"
    r"|dsp\d*|audio\d*|mixer\d*|gpiochip\d+|i2c-\d+|spidev[\d.]+|tpm(?:rm)?\d+|hwrng"
    r"|userfaultfd|ppp|loop-control|autofs|cpu_dma_latency|sgx_[^/]+)"
)


# Files whose writing takes the machine down at once, whatever is written.
_MACHINE_KILLERS = {
    "/proc/sysrq-trigger": "reboots, crashes or halts the kernel at once",
    "/dev/mem": "overwrites physical memory",
    "/dev/kmem": "overwrites kernel memory",
    "/dev/port": "writes hardware I/O ports",
}


def is_block_device(path: str) -> bool:
    """A disk or a partition, or a device that may be one: writing it destroys a filesystem.
    Anything under ``/dev`` but what is known to be no disk (:data:`_NOT_DISKS`)."""
    return path.startswith("/dev/") and len(path) > 5 and not _NOT_DISKS.fullmatch(path)


# --- what the machine cannot run without, by every name an effect has -------------------------

# The dynamic loaders and the C library: every dynamically linked program execs through them, so
# a change of one (``chmod 000``, ``rm``, ``ln -sf /dev/null``) stops every program on the host
# at once, root's too (exec needs an x bit even for root).
_LIBRARY_DIR = r"/(?:usr/)?lib(?:32|64|x32)?(?:/[a-z0-9_]+-linux-[a-z0-9_]+)?"
_MACHINE_FILES = re.compile(
    rf"{_LIBRARY_DIR}/(?:ld-linux[^/]*\.so(?:\.\d+)*|ld64\.so(?:\.\d+)*|ld-musl-[^/]+\.so(?:\.\d+)*"
    r"|libc\.so\.\d+|libc-[\d.]+\.so)|/usr/lib/dyld"
)
# Directories whose removal leaves a host that does not run or boot, beyond the system
# directories the policy's built-ins know: Debian's multiarch library folders (libc and every
# shared library), the kernel's modules, the boot loader's files and the kernel images.
_MACHINE_DIRS = re.compile(
    r"/(?:usr/)?lib(?:32|64|x32)?/[a-z0-9_]+-linux-[a-z0-9_]+|/(?:usr/)?lib/modules"
    r"|/boot/(?:grub2?|loader|(?:vmlinuz|initrd|initramfs)[^/]*)"
)
# What a glob is tried against (``rm -rf /usr/lib/x86_64*``, ``rm /lib64/ld-*``).
_MACHINE_EXAMPLES = (
    *("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-musl-x86_64.so.1"),
    *("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
    *("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"),
    *("/lib/aarch64-linux-gnu", "/lib/modules", "/usr/lib/modules", "/boot/grub"),
    "/boot/grub2",
)
# System directories whose own mode or owner decides whether programs and services can read
# them: ``chmod 000 /etc`` stops every service that does not run as root.
_SYSTEM_DIRS = re.compile(
    r"/|/(?:bin|sbin|lib|lib32|lib64|libx32|usr|etc|var|run|tmp|dev|boot|root|home|proc|sys|opt"
    r"|srv)|/usr/(?:bin|sbin|lib|lib64|libexec|local|local/bin|local/lib|share)"
    r"|/var/(?:lib|log|run|tmp|cache|spool)|/private/(?:etc|var|tmp)|/(?:Library|System|Users)"
    rf"|{_LIBRARY_DIR}"
)
# Commands that change a file's mode or owner (and ``touch``, its times), never what it holds.
_MODE_OR_OWNER = frozenset({"chmod", "chown", "chgrp", "chattr", "setfacl"})
_METADATA_ONLY = _MODE_OR_OWNER | {"touch"}
# Commands whose ``delete`` writes over the file first: through a link to a disk, the disk.
_OVERWRITING_DELETES = frozenset({"shred", "wipe", "srm", "scrub"})
_CHANGES = frozenset({EffectKind.CREATE, EffectKind.UPDATE, EffectKind.REPLACE, EffectKind.DELETE})
_GLOB_CHARS = re.compile(r"[*?\[]")


def with_machine_targets(effects: Iterable[Effect]) -> list[Effect]:
    """``effects`` judged again by every name each one has, after the links on its paths were
    followed (:func:`keyturn.understand.links.with_link_targets` names where they lead only
    after the handlers judged the path as written): writing through ``disk -> /dev/sda`` or
    ``trig -> /proc/sysrq-trigger`` is the write of the disk or of the trigger, and catastrophic
    like the plain spelling; so is any change of the dynamic loader or the C library, and a
    delete or replace of the folders the host cannot run or boot without. A change of the mode
    or owner of a system directory itself (``chmod 000 /etc``) is ``unknown``."""
    return [_judged_by_every_name(effect) for effect in effects]


def _judged_by_every_name(effect: Effect) -> Effect:
    if effect.catastrophic or effect.effect not in _CHANGES:
        return effect
    paths = [n[5:] for n in effect.resource.names if n.startswith("file:/")]
    socket = next((p for p in paths if p.startswith(("/dev/tcp/", "/dev/udp/"))), None)
    if socket is not None:
        # bash opens a connection for these names (``> /dev/tcp/HOST/PORT``, a reverse shell's
        # ``>& /dev/tcp/…``): what is sent, and to whom, is not a file's change -- as ``nc``.
        host, _, port = socket[len("/dev/tcp/") :].partition("/")
        note = f"bash sends it over the network to {host}:{port}, which keyturn does not judge"
        detail = f"{effect.detail}; {note}" if effect.detail else note
        return evolve(effect, effect=EffectKind.UNKNOWN, detail=detail)
    for path in paths:
        why = _machine_reason(path, effect)
        if why is not None:
            return evolve(effect, catastrophic=why)
    if effect.operation in _MODE_OR_OWNER and effect.effect is EffectKind.UPDATE:
        system = next((p for p in paths if _SYSTEM_DIRS.fullmatch(p.rstrip("/") or "/")), None)
        if system is not None:
            note = (
                f"changes the mode or owner of the system directory {system} itself: with a mode"
                " that shuts readers out, every program or service that needs it stops"
            )
            detail = f"{effect.detail}; {note}" if effect.detail else note
            return evolve(effect, effect=EffectKind.UNKNOWN, detail=detail)
    return effect


def _machine_reason(path: str, effect: Effect) -> str | None:
    """Why changing ``path`` as ``effect`` does takes the machine down, or ``None``."""
    kind, operation = effect.effect, effect.operation or ""
    writes = (kind is not EffectKind.DELETE and operation not in _METADATA_ONLY) or (
        operation in _OVERWRITING_DELETES
    )
    if writes and path in _MACHINE_KILLERS:
        return f"writes {path}: {_MACHINE_KILLERS[path]}"
    device = path.removesuffix("/*")  # ``ln -s /dev/sda x`` names the target's tree too
    if writes and is_block_device(device):
        return f"writes the block device {device} (or a device that may be one)"
    if _names_machine(path, _MACHINE_FILES):
        return f"changes {path}: every dynamically linked program on the host stops"
    removes = kind in (EffectKind.DELETE, EffectKind.REPLACE)
    if removes and _names_machine(path.removesuffix("/*").rstrip("/"), _MACHINE_DIRS):
        return f"{kind.value} of {path}: the host no longer runs or boots without it"
    return None


def _names_machine(path: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``path`` (or, a glob, one of the places it may name: matched a component at a
    time, as the shell expands it) matches ``pattern``."""
    if pattern.fullmatch(path):
        return True
    if _GLOB_CHARS.search(path) is None:
        return False
    parts = path.split("/")
    return any(
        len(example.split("/")) == len(parts)
        and all(map(fnmatch.fnmatchcase, example.split("/"), parts))
        for example in _MACHINE_EXAMPLES
        if pattern.fullmatch(example)
    )
