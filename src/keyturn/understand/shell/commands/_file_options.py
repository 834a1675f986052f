"""The option tables of ``mv``, ``cp``, ``install`` and ``ln``, and the programs that make or
wipe a filesystem, for their handlers in :mod:`.files`.

Tables only: which options take a value and what the long ones stand for, so that an option's
value is never taken for an operand (a source or the destination).
"""

from __future__ import annotations

from keyturn.understand.shell.flags import OptionSpec

MV = OptionSpec(
    valued="tS",
    long={"target-directory": "t", "suffix": "S", "no-target-directory": "T"},
    other_long=frozenset(
        {"backup", "debug", "force", "interactive", "no-clobber", "no-copy", "exchange"}
        | {"strip-trailing-slashes", "update", "verbose", "context", "help", "version"}
    ),
)
CP = OptionSpec(
    valued="tS",
    long={
        **{"target-directory": "t", "suffix": "S", "no-target-directory": "T"},
        **{"symbolic-link": "s", "link": "l", "recursive": "r", "archive": "a"},
    },
    long_valued=frozenset({"t", "S"}),
    other_long=frozenset(
        {"attributes-only", "backup", "copy-contents", "debug", "dereference", "force"}
        | {"interactive", "keep-directory-symlink", "no-clobber", "no-dereference", "preserve"}
        | {"no-preserve", "parents", "reflink", "remove-destination", "sparse"}
        | {"strip-trailing-slashes", "update", "verbose", "one-file-system", "context"}
        | {"help", "version"}
    ),
)
# ``-b`` is install's backup switch (it takes no value: ``install -b -S .bak x y``), and
# ``--strip-program=PROGRAM`` runs PROGRAM on the installed file.
INSTALL = OptionSpec(
    valued="tSmog",
    long={
        **{"target-directory": "t", "mode": "m", "owner": "o", "group": "g", "suffix": "S"},
        **{"no-target-directory": "T", "directory": "d", "compare": "C", "strip": "s"},
        **{"preserve-timestamps": "p", "verbose": "v", "preserve-context": "P"},
    },
    long_valued=frozenset({"t", "m", "o", "g", "S", "strip-program"}),
    other_long=frozenset({"backup", "context", "debug", "help", "version"}),
)

LN = OptionSpec(
    valued="tS",
    long={
        **{"force": "f", "symbolic": "s", "relative": "r", "physical": "P", "logical": "L"},
        **{"target-directory": "t", "suffix": "S", "no-target-directory": "T"},
        **{"no-dereference": "n", "backup": "b", "interactive": "i", "verbose": "v"},
    },
    long_valued=frozenset({"t", "S"}),
)

MKFS_PROGRAMS = (
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
)
