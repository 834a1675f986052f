"""awk, as a reader that may run commands: the files it reads, and what its program does.

``awk [-f FILE | PROGRAM] [FILE | VAR=VALUE]...`` reads the files named by its operands
(``VAR=VALUE`` operands are assignments, not files). Its program may do more, and that is judged
from the program text -- given on the line (``-e``/``--source`` too), or in the files named by
``-f``/``-E`` (read through ``ctx.files``; text the same line wrote is judged as well):

- a program that runs a command (``system()``, ``print | "cmd"``, ``"cmd" | getline``) or writes
  a file (``print > "file"``) is unknown;
- code taken from elsewhere is unknown: gawk's ``@include``/``@load`` and indirect calls
  (``@f()``, which may be ``system``), a library ``-i LIB`` finds, native code ``-l``, the
  debugger ``-D``, and mawk ``-W`` settings not known to be harmless;
- ``getline < "FILE"`` names FILE as read (a file named at run time is unknown);
- gawk ``-i inplace`` rewrites the files it reads (updates), and ``-d``/``-o``/``-p`` write
  their dump, pretty-print or profile file (``awkvars.out``, ``awkprof.out`` by default).

Only the name ``awk`` is registered: ``gawk``, ``mawk`` and ``nawk`` stay unknown programs.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.effects import (
    command_effect,
    file_effect,
    file_path,
    unknown_effect,
    write_effect,
)
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

# An awk program that runs a command (``system()``, ``print | "cmd"``, ``"cmd" | getline``) or
# writes a file (``print > "file"``): a comparison such as ``$3 > 100`` is none of these.
_AWK_RUNS_OR_WRITES = re.compile(
    r"\bsystem\s*\(|\|\s*(?:getline|&)|\b(?:print|printf)\b[^;{}\n]*[|>]"
)
# What gawk runs that the program text does not show: another file's program (``@include``),
# native code (``@load``), a function named by a variable (``@f(…)``, which may be ``system``).
_AWK_ELSEWHERE = re.compile(r"@\s*(?:include|load)\b|@\s*[A-Za-z_][\w:]*\s*\(")
# ``getline [VAR] < FILE`` reads FILE: a string literal is named, anything else is not known.
_AWK_GETLINE_FILE = re.compile(r'\bgetline\b[^;{}\n|<]*<\s*(?:"((?:[^"\\\n]|\\.)*)"|(\S))')
_AWK = OptionSpec(
    valued="fFvEileW",
    long={
        "file": "f",
        "field-separator": "F",
        "assign": "v",
        "exec": "E",
        "include": "i",
        "load": "l",
        "source": "e",
        "dump-variables": "d",
        "debug": "D",
        "pretty-print": "o",
        "profile": "p",
        "lint": "L",
        "sandbox": "S",
    },
    other_long=frozenset(
        {"characters-as-bytes", "traditional", "copyright", "gen-pot", "help", "trace", "csv"}
        | {"bignum", "non-decimal-data", "use-lc-numeric", "optimize", "posix", "re-interval"}
        | {"no-optimize", "lint-old", "version"}
    ),
)
# Where gawk writes when told to dump, profile or pretty-print without a file name.
_AWK_OUTPUT_FILES = {"d": "awkvars.out", "o": "awkprof.out", "p": "awkprof.out"}
# mawk's ``-W`` settings that run nothing and read no program file.
_MAWK_SETTINGS = frozenset({"version", "v", "dump", "d", "interactive", "i", "usage", "u"})
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=")


@command("awk")
def awk(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``awk [-f FILE | PROGRAM] [FILE | VAR=VALUE]...``: the files it reads; what its program
    runs or writes, from the line or from the files it names, is unknown."""
    opts = parse_options([_awk_optional(a) for a in cmd.args], _AWK)
    effects: list[Effect] = []
    programs: list[str] = list(opts.values.get("e", ()))
    for path in [*opts.values.get("f", ()), *opts.values.get("E", ())]:
        text, found = _awk_file(path, cmd, ctx)
        effects += found
        programs += [text] if text is not None else []
    operands = list(opts.operands)
    if not opts.has("f", "E", "e"):
        programs += operands[:1]
        operands = operands[1:]
    in_place = False
    for library in opts.values.get("i", ()):
        if library.removesuffix(".awk") == "inplace":
            in_place = True  # gawk's in-place editing: the files it reads are rewritten
        else:
            reason = f"awk includes a library it finds itself: {library[:80]}"
            effects.append(unknown_effect(cmd, reason, ctx))
    for what, key in (("loads native code", "l"), ("runs its debugger", "D")):
        if opts.has(key):
            effects.append(unknown_effect(cmd, f"awk {what}", ctx))
    for setting in opts.values.get("W", ()):
        if setting.partition("=")[0] not in _MAWK_SETTINGS:
            effects.append(unknown_effect(cmd, f"mawk -W {setting[:40]} is not understood", ctx))
    for program in programs:
        effects += _awk_program(program, cmd, ctx)
    for key, default in _AWK_OUTPUT_FILES.items():
        if opts.has(key):
            written = opts.value(key) or default
            effects.append(write_effect(file_path(written, ctx), cmd, ctx))
    files = [file_path(op, ctx) for op in operands if op != "-" and not _ASSIGNMENT.match(op)]
    if in_place and files:
        return [*effects, *(write_effect(path, cmd, ctx) for path in files)]
    if not files:
        return [command_effect(EffectKind.READ, cmd, ctx), *effects]
    return [file_effect(EffectKind.READ, files, cmd, ctx), *effects]


def _awk_optional(arg: str) -> str:
    """gawk's options whose value is optional take it only glued on (``-dFILE``): spelled
    long, so that the letters after are not read as options of their own."""
    long = _AWK_OPTIONAL.get(arg[1:2]) if arg.startswith("-") and len(arg) > 2 else None
    return f"--{long}={arg[2:]}" if long and arg[1] != "-" else arg


_AWK_OPTIONAL = {
    "d": "dump-variables",
    "D": "debug",
    "o": "pretty-print",
    "p": "profile",
    "L": "lint",
}


def _awk_file(path: str, cmd: SimpleCommand, ctx: ShellContext) -> tuple[str | None, list[Effect]]:
    """The text of the awk program file ``path`` (``None`` when not at hand: then the effects
    say so), and a read of it."""
    if path in _STDIN_NAMES or file_path(path, ctx) in _STDIN_NAMES:
        if cmd.stdin_text is not None:
            return cmd.stdin_text, []
        return None, [unknown_effect(cmd, "awk runs a program it reads from its input", ctx)]
    absolute = file_path(path, ctx)
    read = file_effect(EffectKind.READ, [absolute], cmd, ctx)
    if any(cmd.argv[i] in (path, f"-f{path}", f"--file={path}") for i in cmd.dynamic_words):
        return None, [read, unknown_effect(cmd, "awk runs a program file decided at run time", ctx)]
    wrote, line_text = written_text(ctx.written, absolute) if ctx.written else (False, None)
    text = None if absolute.startswith(("/dev/", "/proc/")) else ctx.files.read_text(absolute)
    if wrote:
        # What the line wrote runs if that write ran, else what the disk holds: both judged.
        text = None if line_text is None else "\n".join(t for t in (line_text, text) if t)
    if text is None:
        reason = f"awk runs the program in {absolute}, which could not be read"
        return None, [read, unknown_effect(cmd, reason, ctx)]
    return text, [read]


_STDIN_NAMES = frozenset({"-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})


def _awk_program(program: str, cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What one awk program does besides reading its input: commands it runs, files it writes,
    code it takes from elsewhere (unknown), files ``getline`` reads (named)."""
    text = program.replace("\\\n", "")  # backslash-newline joins lines (``system\``, ``(``)
    if _AWK_RUNS_OR_WRITES.search(text):
        return [unknown_effect(cmd, "the awk program runs commands or writes files", ctx)]
    if _AWK_ELSEWHERE.search(text):
        reason = "the awk program runs code from elsewhere (@include, @load, @function calls)"
        return [unknown_effect(cmd, reason, ctx)]
    effects: list[Effect] = []
    for match in _AWK_GETLINE_FILE.finditer(text):
        if match.group(1) is None:
            reason = "the awk program reads a file named at run time (getline <)"
            effects.append(unknown_effect(cmd, reason, ctx))
        else:
            path = file_path(match.group(1), ctx)
            effects.append(file_effect(EffectKind.READ, [path], cmd, ctx))
    return effects
