"""Info-ZIP zip's options, for the ``zip`` handler of :mod:`.archives`.

zip parses its own command line (not ``getopt``): a long option may be abbreviated to any
prefix no other long name shares (``--unzip-c=CMD`` is ``--unzip-command``, ``--mov`` is
``--move``), and takes its value after ``=`` or as the next word; a short option may be two
letters (``-TT CMD``, ``-lf FILE``), the longest that matches winning, and takes its value
attached (``-TTcmd``, ``-TT=cmd``) or as the next word. :func:`read_zip_argv` resolves both to
zip's one-letter options for :func:`~keyturn.understand.shell.flags.parse_options`, and takes
out the two that reach beyond the archive: the command ``-TT`` runs to test it, and the log
file ``-lf`` writes. The names are those of zip 3.0's option table (``zip.c``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from keyturn.understand.shell.flags import OptionSpec, long_key

# long name -> zip's short option for it (one or two letters)
_LONG = {
    **{f"compress-{n}": str(n) for n in range(1, 10)},
    "store": "0",
    "adjust-sfx": "A",
    "temp-path": "b",
    "entry-comments": "c",
    "delete": "d",
    "display-bytes": "db",
    "display-counts": "dc",
    "display-dots": "dd",
    "display-globaldots": "dg",
    "dot-size": "ds",
    "display-usize": "du",
    "display-volume": "dv",
    "no-dir-entries": "D",
    "difference-archive": "DF",
    "encrypt": "e",
    "fix": "F",
    "fixfix": "FF",
    "fifo": "FI",
    "filesync": "FS",
    "freshen": "f",
    "force-descriptors": "fd",
    "force-zip64": "fz",
    "grow": "g",
    "help": "h",
    "more-help": "h2",
    "include": "i",
    "junk-paths": "j",
    "junk-sfx": "J",
    "DOS-names": "k",
    "to-crlf": "l",
    "from-crlf": "ll",
    "logfile-path": "lf",
    "log-append": "la",
    "log-info": "li",
    "license": "L",
    "move": "m",
    "must-match": "MM",
    "suffixes": "n",
    "no-wild": "nw",
    "latest-time": "o",
    "output-file": "O",
    "out": "O",
    "paths": "p",
    "password": "P",
    "quiet": "q",
    "recurse-paths": "r",
    "recurse-patterns": "R",
    "regex": "RE",
    "split-size": "s",
    "split-pause": "sp",
    "split-verbose": "sv",
    "split-bell": "sb",
    "show-command": "sc",
    "show-debug": "sd",
    "show-files": "sf",
    "show-options": "so",
    "show-unicode": "su",
    "show-just-unicode": "sU",
    "from-date": "t",
    "before-date": "tt",
    "test": "T",
    "unzip-command": "TT",
    "update": "u",
    "copy-entries": "U",
    "unicode": "UN",
    "verbose": "v",
    "version": "ve",
    "wild-stop-dirs": "ws",
    "exclude": "x",
    "strip-extra": "X",
    "symlinks": "y",
    "archive-comment": "z",
    "compression-method": "Z",
    "names-stdin": "@",
}
_VALUED = frozenset({"b", "ds", "i", "lf", "n", "O", "P", "s", "t", "tt", "TT", "UN", "x", "Z"})
_SHORTS = sorted(set(_LONG.values()), key=len, reverse=True)  # the longest match wins
# A spec only to resolve long names to zip's short options.
_NAMES = OptionSpec(long=_LONG)

ZIP_SHORT = OptionSpec(valued="".join(s for s in _VALUED if len(s) == 1))


@dataclass(slots=True)
class ZipArgv:
    """zip's argv with its options as one-letter words, and what reaches beyond the archive."""

    args: list[str] = field(default_factory=list)
    commands: list[str | None] = field(default_factory=list)  # -TT; None: no value given
    logs: list[str] = field(default_factory=list)  # -lf


def read_zip_argv(argv: Sequence[str]) -> ZipArgv:
    """Resolve zip's long and two-letter options (see the module docstring)."""
    out = ZipArgv()
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word == "--":
            out.args += words[i - 1 :]
            break
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word[2:].partition("=")
            short = long_key(name, _NAMES)
            if short not in _SHORTS:
                out.args.append(word)  # unknown or ambiguous: zip refuses it
                continue
            given: str | None = value if eq else None
            if given is None and short in _VALUED and i < len(words):
                given, i = words[i], i + 1
            _add(out, short, given)
        elif word.startswith("-") and len(word) > 1:
            i = _cluster(out, word[1:], words, i)
        else:
            out.args.append(word)
    return out


def _cluster(out: ZipArgv, cluster: str, words: list[str], i: int) -> int:
    """One ``-abc`` word: options by longest match; a valued one takes the rest of the word
    (after an optional ``=``) or else the next word."""
    pos = 0
    while pos < len(cluster):
        if cluster[pos] == "-":  # ``-X-``: the option before it negated
            pos += 1
            continue
        short = next((s for s in _SHORTS if cluster.startswith(s, pos)), cluster[pos])
        pos += len(short)
        if short not in _VALUED:
            _add(out, short, None)
            continue
        rest = cluster[pos:].removeprefix("=")
        if rest:
            _add(out, short, rest)
        elif i < len(words):
            _add(out, short, words[i])
            i += 1
        else:
            _add(out, short, None)
        break
    return i


def _add(out: ZipArgv, short: str, value: str | None) -> None:
    if short == "TT":
        out.commands.append(value)
    elif short == "lf":
        if value is not None:
            out.logs.append(value)
    elif len(short) == 1:
        out.args.append("-" + short)
        if short in _VALUED and value is not None:
            out.args.append(value)
    # Other two-letter options (display, split, show...) change nothing outside the archive.
