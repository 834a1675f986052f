"""GNU tar's options, for the ``tar`` handler of :mod:`.archives`.

tar reads its long options with ``getopt_long``, which takes any unambiguous prefix of a long
name (``--remove`` is ``--remove-files``, ``--abs`` is ``--absolute-names``): every long name
tar knows is listed here, so that a prefix resolves to the option tar takes, and one that is
ambiguous to tar stays unknown. An option whose value is optional (``--checkpoint[=N]``) takes
one only after ``=``: ``--checkpoint --checkpoint-action=exec=CMD`` is two options, not one
with the other as its value. The names are those of ``tar --usage`` (GNU tar 1.34).
"""

from __future__ import annotations

from keyturn.understand.shell.flags import OptionSpec

# Long names whose short letter the handler reads.
_WITH_LETTER = {
    "file": "f",
    "directory": "C",
    "files-from": "T",
    "exclude-from": "X",
    "info-script": "F",
    "new-volume-script": "F",
    "use-compress-program": "I",
    "listed-incremental": "g",
    "starting-file": "K",
    "newer": "N",
    "after-date": "N",
    "label": "V",
    "tape-length": "L",
    "blocking-factor": "b",
    "format": "H",
    "absolute-names": "P",
    "create": "c",
    "extract": "x",
    "get": "x",
    "list": "t",
    "append": "r",
    "update": "u",
    "catenate": "A",
    "concatenate": "A",
    "diff": "d",
    "compare": "d",
}


def _names(text: str) -> list[str]:
    return text.split()


# Long names that take a value (``--name=V`` or ``--name V``), keyed by themselves.
_VALUED = _names(
    """to-command checkpoint-action rsh-command rmt-command exclude transform xform owner
    group mode mtime newer-mtime strip-components record-size suffix index-file volno-file
    add-file hole-detection level sparse-version exclude-ignore exclude-ignore-recursive
    exclude-tag exclude-tag-all exclude-tag-under group-map owner-map sort xattrs-exclude
    xattrs-include pax-option no-quote-chars quote-chars quoting-style warning"""
)
# Long names with an optional value (only after ``=``) or none.
_FLAGS = _names(
    """checkpoint occurrence one-top-level atime-preserve backup totals remove-files delete
    test-label check-device incremental ignore-failed-read no-check-device no-seek seek sparse
    exclude-backups exclude-caches exclude-caches-all exclude-caches-under exclude-vcs
    exclude-vcs-ignores no-null no-recursion no-unquote no-verbatim-files-from null recursion
    unquote verbatim-files-from anchored ignore-case no-anchored no-ignore-case no-wildcards
    no-wildcards-match-slash wildcards wildcards-match-slash keep-directory-symlink
    keep-newer-files keep-old-files no-overwrite-dir overwrite overwrite-dir recursive-unlink
    skip-old-files unlink-first verify ignore-command-error no-ignore-command-error to-stdout
    clamp-mtime delay-directory-restore touch no-delay-directory-restore no-same-owner
    no-same-permissions numeric-owner preserve-permissions same-permissions same-owner
    preserve-order same-order acls no-acls no-selinux no-xattrs selinux xattrs force-local
    multi-volume read-full-records ignore-zeros old-archive portability posix auto-compress
    bzip2 xz lzip lzma lzop no-auto-compress zstd gzip gunzip ungzip compress uncompress
    hard-dereference dereference one-file-system full-time check-links block-number
    show-defaults show-omitted-dirs show-snapshot-field-ranges show-transformed-names
    show-stored-names utc verbose interactive confirmation help restrict usage version"""
)

TAR = OptionSpec(
    valued="fCTXbFgHIKLNV",
    long={**_WITH_LETTER, **{name: name for name in _VALUED + _FLAGS}},
    long_valued=frozenset({"f", "C", "T", "X", "F", "I", "g", "K", "N", "V", "L", "b", "H"})
    | frozenset(_VALUED),
)
