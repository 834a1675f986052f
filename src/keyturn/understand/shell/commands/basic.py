"""Everyday commands that only read (``ls``, ``cat``, ``grep``…) or only create (``mkdir``).

A reading command names the files it reads (``file:/abs/path``), so that a policy can still
deny reading ``file:/etc/shadow``; one that reads no named file is named ``shell:<program>``.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.effects import (
    command_effect,
    file_effect,
    file_path,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

# Programs that read the files named by their operands; the letters are options taking a value.
_FILE_READERS: dict[str, str] = {
    "ls": "IwT",
    "cat": "",
    "tac": "s",
    "nl": "bdfhilnsvw",
    "head": "nc",
    "tail": "ncsF",
    "wc": "",
    "stat": "fc",
    "file": "fmeFP",
    "du": "dBtX",
    "sort": "kotSTy",
    "uniq": "fsw",
    "diff": "CUWIFSxXL",
    "cmp": "inIs",
    "comm": "",
    "tree": "LIPo",
    "less": "bhjkoOpPtTxyz",
    "more": "n",
    "md5sum": "",
    "sha1sum": "",
    "sha256sum": "",
    "sha512sum": "",
    "cksum": "",
    "strings": "nte",
    "od": "AjNtw",
    "hexdump": "eNns",
    "xxd": "clgso",
    "readlink": "",
    "realpath": "",
    "basename": "s",
    "dirname": "",
    "column": "cstoN",
    "cut": "bcdf",
    "paste": "d",
    "fold": "w",
    "fmt": "wpg",
    "expand": "t",
    "bat": "lLmrH",
    "lsattr": "",
    "getfacl": "",
    "base64": "w",
    "base32": "w",
    "zcat": "",
    "bzcat": "",
    "xzcat": "",
}
# Programs whose first operand is a pattern or expression, the rest files.
_PATTERN_READERS: dict[str, str] = {
    "grep": "efmABCd",
    "egrep": "efmABCd",
    "fgrep": "efmABCd",
    "rg": "efmABCgtTjM",
    "ag": "ABCGgm",
    "jq": "f",
    "yq": "",
    "awk": "fFv",
    "tr": "",
}
# Programs that touch no named resource and change nothing.
_HARMLESS = [
    "echo",
    "printf",
    "pwd",
    "which",
    "whereis",
    "type",
    "whoami",
    "id",
    "uname",
    "hostname",
    "date",
    "cal",
    "true",
    "false",
    "test",
    "[",
    "[[",
    "sleep",
    "ps",
    "pgrep",
    "pidof",
    "top",
    "htop",
    "uptime",
    "free",
    "df",
    "lsblk",
    "lscpu",
    "lsof",
    "env",
    "printenv",
    "groups",
    "history",
    "seq",
    "yes",
    "read",
    "wait",
    "jobs",
    "fg",
    "bg",
    "hash",
    "locale",
    "tty",
    "man",
    "help",
    "info",
    ":",
    "shift",
    "set",
    "shopt",
    "declare",
    "typeset",
    "local",
    "export",
    "readonly",
    "getopts",
    "let",
    "umask",
    "ulimit",
    "return",
    "exit",
    "logout",
    "popd",
    "dirs",
    "clear",
    "reset",
    "nproc",
    "arch",
    "mount",
    "findmnt",
    "blkid",
    "ip",
    "ifconfig",
    "ss",
    "netstat",
    "dig",
    "nslookup",
    "host",
    "ping",
    "tput",
    "stty",
    "time",
    "times",
    "unalias",
]


@command(*_HARMLESS)
def harmless(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Commands that read the machine's state and change nothing."""
    if cmd.name in ("mount",) and len(cmd.args) >= 2:
        return None  # mounting something changes the system: not judged here
    if cmd.name == "man" and any(a == "-P" or a.startswith(("--pager", "-P")) for a in cmd.args):
        return None  # the pager man runs is a command of its own: not judged here
    if _changes_the_machine(cmd):
        return None  # setting the clock, the host name or the network: not judged here
    return [command_effect(EffectKind.READ, cmd, ctx)]


@command("alias")
def alias(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``alias NAME=VALUE``: from the next line read on (or in a shell session that lives on),
    ``NAME`` runs ``VALUE``, which is judged as the command it is (``alias ls='rm -rf /'``)."""
    effects = [command_effect(EffectKind.READ, cmd, ctx)]
    for arg in cmd.args:
        _, equals, value = arg.partition("=")
        if equals:
            effects.extend(runs_command(value, "an alias", cmd, ctx))
    return effects


_IP_CHANGES = frozenset(
    {"add", "del", "delete", "change", "replace", "set", "flush", "append", "prepend", "restore"}
)


def _changes_the_machine(cmd: SimpleCommand) -> bool:
    """The forms of these reading commands that change the machine: ``date -s``, ``hostname
    NAME``, ``ip link set …``/``ip route del …``, ``ifconfig eth0 down``."""
    operands = [a for a in cmd.args if not a.startswith("-")]
    if cmd.name == "date":
        return any(a in ("-s", "--set") or a.startswith(("--set=", "-s")) for a in cmd.args)
    if cmd.name == "hostname":
        return bool(operands) or any(a in ("-F", "--file", "-b", "--boot") for a in cmd.args)
    if cmd.name == "ip":
        return any(a in _IP_CHANGES for a in operands)
    if cmd.name == "ifconfig":
        return len(operands) > 1
    return False


_AWKS = frozenset({"awk", "gawk", "mawk", "nawk"})
# An awk program that runs a command (``system()``, ``print | "cmd"``, ``"cmd" | getline``) or
# writes a file (``print > "file"``): a comparison such as ``$3 > 100`` is none of these.
_AWK_RUNS_OR_WRITES = re.compile(
    r"\bsystem\s*\(|\|\s*(?:getline|&)|\b(?:print|printf)\b[^;{}\n]*[|>]"
)
# less and more run the ``+`` command they are given at start: ``!`` runs a shell command and
# ``|`` pipes to one.
_STARTUP_COMMAND = re.compile(r"\+.*[!|]")


@command(*_FILE_READERS)
def file_reader(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Reading named files (``cat /etc/os-release``)."""
    if cmd.name in ("less", "more") and any(_STARTUP_COMMAND.match(a) for a in cmd.args):
        return None  # a startup command that runs a command: not judged here
    if cmd.name == "sort" and any(a.startswith("--compress-prog") for a in cmd.args):
        return None  # sort runs the compressor it is given: not judged here
    return _read(cmd, ctx, _FILE_READERS[cmd.name], skip=0)


@command(*_PATTERN_READERS)
def pattern_reader(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``grep PATTERN FILES``: the pattern is no file (unless given with ``-e``/``-f``)."""
    valued = _PATTERN_READERS[cmd.name]
    opts = parse_options(cmd.args, OptionSpec(valued=valued))
    if cmd.name in _AWKS and _AWK_RUNS_OR_WRITES.search(" ".join(cmd.args)):
        return None  # the program runs commands or writes files: not judged here
    skip = 0 if opts.has("e", "f") else 1
    return _read(cmd, ctx, valued, skip=skip)


def _read(cmd: SimpleCommand, ctx: ShellContext, valued: str, *, skip: int) -> list[Effect]:
    opts = parse_options(cmd.args, OptionSpec(valued=valued))
    operands = [op for op in opts.operands[skip:] if op != "-"]
    also = _writes_and_runs(cmd, ctx)
    if cmd.name == "xxd" and len(operands) > 1:  # ``xxd [-r] IN OUT`` writes OUT
        also.append(write_effect(file_path(operands.pop(), ctx), cmd, ctx))
    if cmd.name == "yq" and ({"-i", "--inplace"} & set(cmd.args)) and operands:
        return [*(write_effect(file_path(p, ctx), cmd, ctx) for p in operands), *also]
    if not operands:
        return [command_effect(EffectKind.READ, cmd, ctx), *also]
    return [file_effect(EffectKind.READ, [file_path(p, ctx) for p in operands], cmd, ctx), *also]


# Options of reading tools that write the file they name, or run the command they name.
_WRITING_OPTIONS = {
    "sort": ("-o", "--output"),
    "tree": ("-o",),
    "less": ("-o", "-O", "--log-file", "--LOG-FILE"),
}
_COMMAND_OPTIONS = {"rg": ("--pre",), "bat": ("--pager",), "ag": ("--pager",)}


def _writes_and_runs(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    writing, running = _WRITING_OPTIONS.get(cmd.name, ()), _COMMAND_OPTIONS.get(cmd.name, ())
    if not (writing or running):
        return []
    effects: list[Effect] = []
    args = list(cmd.args)
    for i, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        given = value if equals else (args[i + 1] if i + 1 < len(args) else None)
        if name in writing and given:
            effects.append(write_effect(file_path(given, ctx), cmd, ctx))
        elif name in running:
            effects.extend(runs_command(given, f"{cmd.name} {name}", cmd, ctx))
    return effects


@command("cd", "pushd")
def change_directory(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``cd``: reads; a directory decided at run time leaves what follows unknown."""
    if any(i > 0 for i in cmd.dynamic_words):
        reason = "changes to a directory decided at run time: what follows is not judged"
        return [unknown_effect(cmd, reason, ctx)]
    operands = [a for a in cmd.args if not a.startswith("-")]
    paths = [file_path(operands[0], ctx)] if operands else [ctx.home]
    return [file_effect(EffectKind.READ, paths, cmd, ctx)]


@command("mkdir", "touch")
def creator(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``mkdir``/``touch``: create (``touch`` of an existing file updates its times)."""
    valued = "m" if cmd.name == "mkdir" else "drt"
    opts = parse_options(cmd.args, OptionSpec(valued=valued, long={"mode": "m"}))
    if not opts.operands:
        return None
    effects = []
    for operand in opts.operands:
        path = file_path(operand, ctx)
        kind = EffectKind.UPDATE if ctx.files.exists(path) else EffectKind.CREATE
        effects.append(file_effect(kind, [path], cmd, ctx))
    return effects
