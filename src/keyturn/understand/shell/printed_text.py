"""What ``echo`` and ``printf`` print: each program's own escape rules, as the program has them.

Text a line prints and then runs (``printf '…' | sh``, ``eval "$(echo -e '…')"``) is judged as
the shell that runs it reads it, so what keyturn takes for the printed text must be the bytes the
program writes. The printers do not share one set of rules, and none of them is ``$'…'``'s:

- bash's ``echo -e`` (or ``echo`` under ``shopt -s xpg_echo``) knows ``\\a \\b \\e \\E \\f \\n
  \\r \\t \\v \\\\``, ``\\0`` and up to three octal digits, ``\\xHH``, ``\\uHHHH``,
  ``\\UHHHHHHHH``; ``\\c`` ends all output there (the newline too); anything else (``\\"``,
  ``\\'``, ``\\1``) is printed with its backslash.
- bash's ``printf`` FORMAT: the same, but octal is one to three digits (``\\0144`` is ``\\014``
  and ``4``), ``\\"``, ``\\'`` and ``\\?`` lose the backslash, and ``\\c`` is printed as it is.
- bash's ``printf %b``: ``echo -e``'s rules, with ``\\NNN`` octal as well; ``\\c`` ends all of
  printf's output.
- coreutils' ``/usr/bin/printf`` and ``/bin/echo`` (named so, or run by a wrapper) have
  rules of their own again (``\\c`` in a format stops, ``POSIXLY_CORRECT`` makes ``echo``
  expand escapes), and dash's or zsh's ``echo`` expands escapes by default (``sh`` is dash or
  bash): what any of these prints is known only where they all agree -- an ``echo`` of words
  with no backslash, a ``printf`` whose escapes are ``\\\\ \\a \\b \\f \\n \\r \\t \\v``.

An escape whose byte is not ASCII (``\\xff``, ``\\u00e9``) depends on the locale: not known
either. A NUL is printed as it is: a shell drops the NULs of a script it reads, and ``$( )``
those of what it captures (:mod:`.nested`, :mod:`._simple_commands`).

Checked against bash 5.2's ``echo.def``, ``printf.def`` and ``strtrans.c``, and against the
real programs (``tests/adversarial/test_encoding_gaps.py`` runs random escape strings through
bash when it is installed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum

# How the shell a nested line runs in runs ``echo``, told to that line through its variables
# under this name, which no shell variable can have (:func:`with_echo_rules`).
ECHO_RULES_VARIABLE = "(echo rules)"


class EchoRules(StrEnum):
    """Which ``echo`` and ``printf`` a line's bare ``echo``/``printf`` run."""

    BASH = "bash"  # bash's builtins: echo expands escapes after -e only
    BASH_XPG = "xpg_echo"  # bash with xpg_echo on: echo expands them unless -E
    OTHER = "other"  # sh, dash, zsh, ksh...: known only where every printer agrees


def with_echo_rules(variables: Mapping[str, str], rules: EchoRules) -> dict[str, str]:
    """``variables`` for a line run by a shell whose ``echo`` follows ``rules``."""
    return {**variables, ECHO_RULES_VARIABLE: rules.value}


def echo_rules(variables: Mapping[str, str | None]) -> EchoRules:
    """The rules of the shell a line with ``variables`` runs in: those the shell running a
    nested line told (:func:`with_echo_rules`); for the agent's own line, bash's unless
    ``SHELL`` names another shell (an agent may run the user's zsh), with ``xpg_echo`` when
    ``BASHOPTS`` names it."""
    told = variables.get(ECHO_RULES_VARIABLE)
    if told:
        return EchoRules(told) if told in _RULES else EchoRules.OTHER
    shell = variables.get("SHELL")
    if shell and shell.rstrip("/").rsplit("/", 1)[-1] not in ("bash", "rbash"):
        return EchoRules.OTHER
    return EchoRules.BASH_XPG if "xpg_echo" in (variables.get("BASHOPTS") or "") else EchoRules.BASH


_RULES = frozenset(r.value for r in EchoRules)


def printed(argv: Sequence[str], *, rules: EchoRules) -> str | None:
    """What ``argv`` (an ``echo`` or ``printf`` as written) prints; ``None`` when its words do
    not decide it, or for another program."""
    if not argv:
        return None
    program = argv[0]
    args = list(argv[1:])
    if program == "echo":
        return _builtin_echo(args, rules=rules)
    if program == "printf":
        return _printf(args, portable=rules is EchoRules.OTHER)
    folder, _, name = program.rpartition("/")
    if folder not in _SYSTEM_FOLDERS:
        return None  # (``./echo`` is whatever that file is)
    if name == "echo":
        return _coreutils_echo(args)
    if name == "printf":
        return _printf(args, portable=True)
    return None


# Where the system's own ``echo`` and ``printf`` are (coreutils', or BSD's on macOS).
_SYSTEM_FOLDERS = frozenset({"/bin", "/usr/bin"})


# -- echo -----------------------------------------------------------------------------------

_ECHO_OPTIONS = re.compile(r"-[neE]+")


def _builtin_echo(args: list[str], *, rules: EchoRules) -> str | None:
    """bash's ``echo``: options while every letter of a word is one of ``n e E``. Another
    shell's (dash's takes ``-n`` alone and always expands escapes; bash as ``sh`` may not):
    known only for words with no backslash after ``-n``."""
    if rules is EchoRules.OTHER:
        return _coreutils_echo(args)
    newline, escapes = True, rules is EchoRules.BASH_XPG
    while args and _ECHO_OPTIONS.fullmatch(args[0]):
        flags = args.pop(0)[1:]
        newline = newline and "n" not in flags
        for flag in flags:
            escapes = {"e": True, "E": False}.get(flag, escapes)
    out: list[str] = []
    for n, arg in enumerate(args):
        if n:
            out.append(" ")
        if not escapes:
            out.append(arg)
            continue
        decoded = echo_escapes(arg)
        if decoded is None:
            return None
        text, stopped = decoded
        out.append(text)
        if stopped:  # ``\c``: nothing more, not even the newline
            return "".join(out)
    return "".join(out) + ("\n" if newline else "")


def _coreutils_echo(args: list[str]) -> str | None:
    """coreutils' ``echo`` (``/bin/echo``): its escapes and, under ``POSIXLY_CORRECT`` (not
    known here), its options differ from bash's; plain words after ``-n`` alone are known."""
    if any("\\" in a for a in args):
        return None
    newline = True
    while args and _ECHO_OPTIONS.fullmatch(args[0]):
        if args[0] != "-n":
            return None  # printed as a word under POSIXLY_CORRECT, an option otherwise
        args.pop(0)
        newline = False
    return " ".join(args) + ("\n" if newline else "")


# -- printf ---------------------------------------------------------------------------------


def _printf(args: list[str], *, portable: bool) -> str | None:
    """bash's ``printf FORMAT [ARGUMENTS]`` for formats of text, ``%s``, ``%b`` and ``%%``; the
    format is used again while arguments are left. ``portable``: the printf may be another's
    (dash's, zsh's, coreutils'), whose escapes are known only where all of them agree."""
    if args and args[0] == "--":
        args = args[1:]
    if not args or args[0].startswith("-"):
        return None
    fmt, values = args[0], args[1:]
    if re.search(r"%(?!%|s|b)", fmt):
        return None
    if portable and not all(_portable(a) for a in (fmt, *values)):
        return None
    out: list[str] = []
    pieces = re.split(r"(%%|%s|%b)", fmt)
    # The format is used again only when it takes arguments: ``%%s`` is ``%`` and ``s``.
    takes = any(piece in ("%s", "%b") for piece in pieces)
    while True:
        for piece in pieces:
            if piece == "%%":
                out.append("%")
            elif piece == "%s":
                out.append(values.pop(0) if values else "")
            elif piece == "%b":
                decoded = percent_b_escapes(values.pop(0) if values else "")
                if decoded is None:
                    return None
                text, stopped = decoded
                out.append(text)
                if stopped:  # ``\c`` in a %b argument: printf prints nothing more
                    return "".join(out)
            else:
                plain = format_escapes(piece)
                if plain is None:
                    return None
                out.append(plain)
        if not values or not takes:
            break
    return "".join(out)


# The escapes every printf here may stand for reads alike in a format and in %b (bash's,
# dash's, zsh's, coreutils'); octal (``\\0144`` is ``d`` to zsh, ``\\014`` and ``4`` to bash),
# ``\\c``, ``\\x``, ``\\e``, ``\\u`` and the quotes are not among them.
_PORTABLE_ESCAPES = frozenset("\\abfnrtv")


def _portable(text: str) -> bool:
    """Whether every backslash in ``text`` starts an escape of :data:`_PORTABLE_ESCAPES`."""
    at = text.find("\\")
    while at != -1:
        if at + 1 >= len(text) or text[at + 1] not in _PORTABLE_ESCAPES:
            return False
        at = text.find("\\", at + 2)
    return True


# -- the escapes ----------------------------------------------------------------------------

_SIMPLE = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
}
_OCTAL = "01234567"
_HEX = "0123456789abcdefABCDEF"
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}


class _Dialect(StrEnum):
    ECHO = "echo -e"  # ansicstr for echo
    PERCENT_B = "%b"  # bexpand
    FORMAT = "format"  # tescape for the format


def echo_escapes(text: str) -> tuple[str, bool] | None:
    """``text`` as bash's ``echo -e`` prints it, and whether a ``\\c`` ended all output
    there; ``None`` for an escape whose byte is not ASCII."""
    return _decoded(text, _Dialect.ECHO)


def percent_b_escapes(text: str) -> tuple[str, bool] | None:
    """``text`` as bash's ``printf %b`` prints it, and whether a ``\\c`` ended all output
    there; ``None`` for an escape whose byte is not ASCII."""
    return _decoded(text, _Dialect.PERCENT_B)


def format_escapes(text: str) -> str | None:
    """The text of a bash ``printf`` format between conversions, as printed (its ``\\c`` as
    written); ``None`` for an escape whose byte is not ASCII."""
    decoded = _decoded(text, _Dialect.FORMAT)
    return None if decoded is None else decoded[0]


def _decoded(text: str, dialect: _Dialect) -> tuple[str, bool] | None:
    out: list[str] = []
    i, end = 0, len(text)
    while i < end:
        ch = text[i]
        if ch != "\\" or i + 1 >= end:  # (a backslash that ends the text is printed)
            out.append(ch)
            i += 1
            continue
        code = text[i + 1]
        i += 2
        value: int | None = None
        if code == "c" and dialect is not _Dialect.FORMAT:
            return "".join(out), True
        if code in _SIMPLE:
            out.append(_SIMPLE[code])
        elif code in "'\"?" and dialect is _Dialect.FORMAT:
            out.append(code)
        elif code in _OCTAL and (code == "0" or dialect is not _Dialect.ECHO):
            # How many digits follow: ``\\0`` three more, but two in a format (``\\0144`` is
            # ``\\014`` and ``4``); ``\\1``…``\\7`` two more (echo prints them as written).
            most = 3 if code == "0" and dialect is not _Dialect.FORMAT else 2
            digits = _run(text, i, _OCTAL, most)
            i += len(digits)
            value = int(code + digits, 8) & 0xFF
        elif code in _HEX_DIGITS:
            digits = _run(text, i, _HEX, _HEX_DIGITS[code])
            i += len(digits)
            if digits:
                value = int(digits, 16)
            else:
                out.append("\\" + code)  # ``\\x`` with no digit: printed as written
        else:  # ``\\q``; and ``\\"``, ``\\'``, ``\\?``, ``\\c`` where not escapes
            out.append("\\" + code)
        if value is not None:
            if value > 0x7F:  # a byte or character the locale decides
                return None
            out.append(chr(value))
    return "".join(out), False


def _run(text: str, start: int, alphabet: str, most: int) -> str:
    """The characters of ``alphabet`` at ``text[start:]``, at most ``most`` of them."""
    stop = start
    while stop < len(text) and stop - start < most and text[stop] in alphabet:
        stop += 1
    return text[start:stop]
