"""Text that becomes commands: ``bash -c``, ``eval``, heredocs and decodable inline payloads.

Two jobs:
- :func:`constant_output`: the output of a command whose output is decided by its text alone
  (``echo``, ``printf``, ``base64 -d`` and ``xxd -r -p`` of a constant, ``cat`` of a heredoc).
  That is how ``echo cm0gLXJmIC8= | base64 -d | sh`` and ``$(printf '\\x72\\x6d')`` are read.
- :func:`shell_script`: the script a shell invocation runs (``-c`` text, a heredoc or constant
  stdin, a readable script file), or why it is not known.
"""

from __future__ import annotations

import base64
import binascii
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from keyturn.model import Effect
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.line_writes import text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.shell.shebangs import plain_shell_shebang
from keyturn.understand.shell.words import basename, decode_ansi_c, normalize_path

MAX_OUTPUT = 256_000
SHELLS = frozenset(
    {"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "tcsh", "csh", "rbash", "yash"}
)


def constant_output(argv: Sequence[str], *, stdin_text: str | None) -> str | None:
    """What ``argv`` prints, when its text alone decides it; else ``None``."""
    if not argv:
        return None
    name = basename(argv[0])
    args = list(argv[1:])
    result: str | None = None
    if name == "echo":
        result = _echo(args)
    elif name == "printf":
        result = _printf(args)
    elif name == "cat" and stdin_text is not None and all(a == "-" for a in args):
        result = stdin_text
    elif name == "tee" and stdin_text is not None and not {"--help", "--version"} & set(args):
        result = stdin_text  # into its files, and on (``… | tee /tmp/x | sh``)
    elif name == "base64" and stdin_text is not None and _decoding(args):
        result = _b64decode(stdin_text)
    elif name == "xxd" and stdin_text is not None and {"-r", "-p"} <= set(args) | _split(args):
        result = _hexdecode(stdin_text)
    elif name == "rev" and stdin_text is not None and not args:
        result = "\n".join(line[::-1] for line in stdin_text.split("\n"))
    if result is not None and len(result) > MAX_OUTPUT:
        return None
    return result


def _split(args: Sequence[str]) -> set[str]:
    return {"-" + ch for a in args if a.startswith("-") and not a.startswith("--") for ch in a[1:]}


def _decoding(args: Sequence[str]) -> bool:
    flags = _split(args) | set(args)
    rest = [a for a in args if not a.startswith("-")]
    return not rest and bool(flags & {"-d", "-D", "--decode"})


def _b64decode(text: str) -> str | None:
    cleaned = re.sub(r"\s+", "", text)
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _hexdecode(text: str) -> str | None:
    try:
        return bytes.fromhex(re.sub(r"\s+", "", text)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


def _echo(args: list[str]) -> str:
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        flags = args.pop(0)[1:]
        newline = newline and "n" not in flags
        for flag in flags:
            escapes = {"e": True, "E": False}.get(flag, escapes)
    text = " ".join(args)
    if escapes:
        text = decode_ansi_c(text.replace("\\0", "\\"))
    return text + ("\n" if newline else "")


def _printf(args: list[str]) -> str | None:
    if args and args[0] == "--":
        args = args[1:]
    if not args or args[0].startswith("-"):
        return None
    fmt, values = args[0], args[1:]
    if re.search(r"%(?!%|s|b)", fmt):
        return None
    out: list[str] = []
    while True:
        pieces = re.split(r"(%%|%s|%b)", fmt)
        for piece in pieces:
            if piece == "%%":
                out.append("%")
            elif piece in ("%s", "%b"):
                value = values.pop(0) if values else ""
                out.append(decode_ansi_c(value) if piece == "%b" else value)
            else:
                out.append(decode_ansi_c(piece))
        if not values or ("%s" not in fmt and "%b" not in fmt):
            break
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Script:
    """The commands a shell invocation runs: ``text`` when known, else ``reason``."""

    text: str | None
    reason: str = ""
    origin: str = ""


_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def shell_script(cmd: SimpleCommand, ctx: ShellContext) -> Script:
    """What ``bash``/``sh``/... runs: the ``-c`` text, a script file, or stdin."""
    args = list(cmd.args)
    i = 0
    inline = False
    while i < len(args):
        arg = args[i]
        if arg in _SHELL_VALUED:
            i += 2
            continue
        if arg == "--" or not arg.startswith(("-", "+")) or arg in ("-", "+"):
            break
        short = arg.startswith("-") and not arg.startswith("--")
        if short and "c" in arg[1:]:
            # ``-c`` only says the first operand is the text: options may still follow it
            # (``bash -c -e 'TEXT'``, ``bash -c -- 'TEXT'``).
            inline = True
        elif short and "s" in arg[1:] and not inline:
            return _from_stdin(cmd, ctx)
        i += 1
    if inline:
        if i < len(args) and args[i] in ("--", "-"):
            i += 1
        return _inline(cmd, i + 1)
    if i < len(args) and args[i] == "--":
        i += 1
    if i < len(args) and args[i] != "-":
        return script_file(args[i], cmd, ctx, index=i + 1)
    return _from_stdin(cmd, ctx)


def _inline(cmd: SimpleCommand, index: int) -> Script:
    if index >= len(cmd.argv):
        return Script(None, "shell -c without a command")
    if index in cmd.dynamic_words:
        return Script(None, f"{cmd.name} -c runs text decided at run time")
    text = cmd.argv[index]
    # The words after the text are ``$0``, ``$1``…: known ones are set for it as ``set --``
    # sets them (``sh -c 'rm -rf "$1"' _ /`` deletes /). ``$0`` is left unknown.
    positional = cmd.argv[index + 2 :]
    if positional and not any(i > index + 1 for i in cmd.dynamic_words):
        text = f"set -- {shlex.join(positional)}\n{text}"
    return Script(text, origin=f"{cmd.name} -c")


def _from_stdin(cmd: SimpleCommand, ctx: ShellContext) -> Script:
    for redirect in cmd.redirects:
        if redirect.op in ("<", "<>"):
            return script_file(redirect.target, cmd, ctx, index=-1, dynamic=redirect.dynamic)
    if cmd.stdin_text is not None:
        return Script(cmd.stdin_text, origin=f"text fed to {cmd.name}")
    if cmd.stdin_dynamic:
        return Script(None, f"{cmd.name} runs text piped in that is decided at run time")
    return Script(None, f"interactive {cmd.name}: what it runs is not known")


def script_file_effects(
    path: str, cmd: SimpleCommand, ctx: ShellContext, *, what: str = ""
) -> list[Effect]:
    """The effects of running the script file ``path``: its text judged when it can be read,
    else one unknown effect with the reason (``what`` says what runs it)."""
    script = script_file(path, cmd, ctx, index=0)
    if script.text is None or ctx.understand_nested is None:
        reason = script.reason or "runs a script"
        return [unknown_effect(cmd, f"{what}: {reason}" if what else reason, ctx)]
    return ctx.understand_nested(script.text)


# Names of a command's standard input: reading them here would read keyturn's own.
_STDIN_FILES = frozenset({"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})


def script_file(
    path: str, cmd: SimpleCommand, ctx: ShellContext, *, index: int, dynamic: bool = False
) -> Script:
    """The text of a script file the command runs, read through ``ctx.files``."""
    if dynamic or (index >= 1 and index in cmd.dynamic_words):
        return Script(None, f"runs a script whose path is decided at run time ({path})")
    absolute = normalize_path(path, cwd=ctx.cwd)
    if absolute in _STDIN_FILES:  # the command's own stdin (``bash /dev/stdin <<< '…'``)
        if cmd.stdin_text is not None:
            return Script(cmd.stdin_text, origin="its standard input")
        return Script(None, f"runs {absolute}: text decided at run time")
    if absolute.startswith(("/dev/", "/proc/")):
        return Script(None, f"runs {absolute}, a device or process file")
    # What the line wrote runs if that write ran; else what the disk holds: both judged.
    text, changed = text_on_line(absolute, ctx, limit=MAX_OUTPUT)
    if changed:
        return Script(None, f"runs {absolute}, which this line changes in a way not known")
    if text is None:
        return Script(None, f"runs the script {absolute}, which could not be read")
    first = text.split("\n", 1)[0].rstrip("\r")
    if first.startswith("#!") and not plain_shell_shebang(first, shells=SHELLS):
        return Script(None, f"runs the script {absolute} with {first[2:].strip()[:60]}")
    return Script(text, origin=f"script {absolute}")
