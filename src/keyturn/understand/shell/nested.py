"""Text that becomes commands: ``bash -c``, ``eval``, heredocs and decodable inline payloads.

Two jobs:
- :func:`constant_output`: the output of a command whose output is decided by its text alone
  (``echo``, ``printf``, ``base64 -d`` and ``xxd -r -p`` of a constant, ``cat`` of a heredoc).
  That is how ``echo cm0gLXJmIC8= | base64 -d | sh`` and ``$(printf '\\x72\\x6d')`` are read.
  Each printer prints by its own rules (:mod:`.printed_text`); ``base64 -d`` decodes as GNU
  does, and what it would stop at is not known.
- :func:`shell_script`: the script a shell invocation runs (``-c`` text, a heredoc or constant
  stdin, a readable script file), or why it is not known -- as the shell reads it: bash and
  dash drop the NUL bytes of their input (:func:`as_shell_reads`), and each shell's ``echo``
  prints by its own rules (:func:`nested_echo_rules`).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from keyturn.model import Effect
from keyturn.understand.shell.effects import unknown_effect
from keyturn.understand.shell.line_writes import text_on_line
from keyturn.understand.shell.paths import basename, normalize_path
from keyturn.understand.shell.printed_text import EchoRules, echo_rules, printed
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.shell.shebangs import plain_shell_shebang

MAX_OUTPUT = 256_000
SHELLS = frozenset(
    {"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "tcsh", "csh", "rbash", "yash"}
)


def constant_output(
    argv: Sequence[str], *, stdin_text: str | None, rules: EchoRules = EchoRules.BASH
) -> str | None:
    """What ``argv`` prints, when its text alone decides it; else ``None``. ``argv[0]`` as
    written: ``echo``/``printf`` are the shell's builtins (by ``rules``), a path names the
    program (:mod:`.printed_text`)."""
    if not argv:
        return None
    name = basename(argv[0])
    args = list(argv[1:])
    result: str | None = None
    if name in ("echo", "printf"):
        result = printed(argv, rules=rules)
    elif name == "cat" and stdin_text is not None and all(a == "-" for a in args):
        result = stdin_text
    elif name == "tee" and stdin_text is not None and not {"--help", "--version"} & set(args):
        result = stdin_text  # into its files, and on (``… | tee /tmp/x | sh``)
    elif name == "base64" and stdin_text is not None and _decoding(args):
        result = _b64decode(stdin_text, ignore_garbage=_ignores_garbage(args))
    elif name == "xxd" and stdin_text is not None and {"-r", "-p"} <= set(args) | _split(args):
        result = _hexdecode(stdin_text)
    elif name == "rev" and stdin_text is not None and not args:
        result = "\n".join(line[::-1] for line in stdin_text.split("\n"))
    if result is not None and len(result) > MAX_OUTPUT:
        return None
    return result


# Wrappers that run a shell's builtin ``echo``/``printf``; any other (``env``, ``sudo``,
# ``xargs``) runs the program of that name (coreutils').
_BUILTIN_RUNNERS = frozenset({"command", "builtin", "time"})


def command_output(cmd: SimpleCommand, ctx: ShellContext) -> str | None:
    """What the command ``cmd`` (its wrappers stripped) prints, when its text decides it:
    :func:`constant_output` for the program it runs, a builtin or the one a path or a wrapper
    (``env printf``) names."""
    argv = list(cmd.argv)
    if argv and ("/" in cmd.program or not set(cmd.wrappers) <= _BUILTIN_RUNNERS):
        argv[0] = cmd.program if "/" in cmd.program else f"/usr/bin/{argv[0]}"
    return constant_output(argv, stdin_text=cmd.stdin_text, rules=echo_rules(ctx.env))


def _split(args: Sequence[str]) -> set[str]:
    return {"-" + ch for a in args if a.startswith("-") and not a.startswith("--") for ch in a[1:]}


def _decoding(args: Sequence[str]) -> bool:
    flags = _split(args) | set(args)
    rest = [a for a in args if not a.startswith("-")]
    return not rest and bool(flags & {"-d", "-D", "--decode"})


def _ignores_garbage(args: Sequence[str]) -> bool:
    return bool((_split(args) | set(args)) & {"-i", "--ignore-garbage"})


_BASE64 = re.compile(r"[A-Za-z0-9+/=]")
_QUANTUM = re.compile(r"[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==")


def _b64decode(text: str, *, ignore_garbage: bool) -> str | None:
    """``base64 -d`` as GNU coreutils decodes: line breaks are skipped and padded quanta may
    follow one another (``YQ==YQ==``); at any other byte (a space, a tab, ``\\r``) it stops
    with what it decoded so far (``base64: invalid input``), here ``None``. An unpadded end
    (``YWJ``) is decoded as far as it goes, as GNU does. With ``-i`` every byte outside the
    alphabet is skipped."""
    cleaned = "".join(_BASE64.findall(text)) if ignore_garbage else text.replace("\n", "")
    whole = len(cleaned) - len(cleaned) % 4
    if not all(_QUANTUM.fullmatch(cleaned[i : i + 4]) for i in range(0, whole, 4)):
        return None
    tail = cleaned[whole:]
    if tail and not re.fullmatch(r"[A-Za-z0-9+/]{2,3}", tail):
        return None
    try:
        raw = b"".join(
            base64.b64decode(cleaned[i : i + 4], validate=True) for i in range(0, whole, 4)
        )
        if tail:
            raw += base64.b64decode(tail + "=" * (-len(tail) % 4), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _hexdecode(text: str) -> str | None:
    try:
        return bytes.fromhex(re.sub(r"\s+", "", text)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None


@dataclass(frozen=True, slots=True)
class Script:
    """The commands a shell invocation runs: ``text`` when known, else ``reason``."""

    text: str | None
    reason: str = ""
    origin: str = ""


_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})


def shell_script(cmd: SimpleCommand, ctx: ShellContext) -> Script:
    """What ``bash``/``sh``/... runs: the ``-c`` text, a script file, or stdin, as the shell
    reads it (:func:`as_shell_reads`)."""
    return as_shell_reads(_shell_script(cmd, ctx), cmd.name)


# Shells that skip the NUL bytes of the script they read (a pipe, a file, ``source``): bash
# and dash, checked (``printf 'echo a\\0b' | sh`` prints ``ab``); ``sh`` is one of them.
_DROP_NULS = frozenset({"bash", "rbash", "sh", "dash", "source", "."})


def as_shell_reads(script: Script, shell: str) -> Script:
    """``script`` as the shell ``shell`` runs it: bash and dash drop the NULs of what they
    read, so ``printf 'rm -rf /srv/p\\0rod' | sh`` deletes /srv/prod; another shell's
    reading of a NUL is not known."""
    if script.text is None or "\0" not in script.text:
        return script
    if shell not in _DROP_NULS:
        return Script(None, f"{shell} runs text holding NUL bytes: how it reads them is not known")
    return Script(script.text.replace("\0", ""), script.reason, script.origin)


def nested_echo_rules(cmd: SimpleCommand, ctx: ShellContext) -> EchoRules:
    """How the shell ``cmd`` runs its script's bare ``echo``: bash's builtin, with
    ``xpg_echo`` when ``-O xpg_echo`` or ``BASHOPTS`` turn it on; another shell's (dash's and
    zsh's ``echo`` expand escapes by default, ``sh`` is dash or bash) not modelled."""
    if cmd.name not in ("bash", "rbash"):
        return EchoRules.OTHER
    args = list(cmd.args)
    turned_on = any(a == "-O" and b == "xpg_echo" for a, b in itertools.pairwise(args))
    bashopts = cmd.assignments.get("BASHOPTS") or ctx.env.get("BASHOPTS") or ""
    return EchoRules.BASH_XPG if turned_on or "xpg_echo" in bashopts else EchoRules.BASH


def _shell_script(cmd: SimpleCommand, ctx: ShellContext) -> Script:
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
