"""Everyday commands that only read (``ls``, ``cat``, ``grep``…) or only create (``mkdir``).

A reading command names the files it reads (``file:/abs/path``), so that a policy can still
deny reading ``file:/etc/shadow``; one that reads no named file is named ``shell:<program>``.

Some of them write or run after all: ``sort -o FILE``, ``uniq IN OUT``, ``less -o FILE``,
``man -H BROWSER``, ``hash -p PATH NAME`` (the name runs PATH from then on), an awk program
that runs commands (from ``-f FILE`` too, read through ``ctx.files``), and the bash builtins
that take a variable name or an arithmetic expression (``let``, ``printf -v``, ``read``,
``test -v``, ``declare``): bash expands an array subscript in them once more, so
``let 'a[$(rm -rf /)]=1'`` runs ``rm`` (:func:`_expanded_again`).
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
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.line_writes import written_text
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
    if cmd.name == "man" and parse_options(cmd.args, _MAN).has("P", "H", "C"):
        # The pager or browser man runs (``-P``, ``-H``) is a command of its own, and its
        # config file (``-C``) names the programs it runs: not judged here.
        return None
    if cmd.name == "hash" and parse_options(cmd.args, _HASH).has("p"):
        # ``hash -p /bin/rm ls``: ``ls`` runs /bin/rm for the rest of the session, which no
        # later command's name tells.
        reason = "hash -p makes a command name run another program from now on"
        return [unknown_effect(cmd, reason, ctx)]
    if _changes_the_machine(cmd):
        return None  # setting the clock, the host name or the network: not judged here
    again = _expanded_again(_evaluated_words(cmd), cmd, ctx)
    return [command_effect(EffectKind.READ, cmd, ctx), *again]


_MAN = OptionSpec(
    valued="CDELMPRSempr",
    long={
        "pager": "P",
        "html": "H",
        "config-file": "C",
        "locale": "L",
        "systems": "m",
        "manpath": "M",
        "sections": "S",
        "extension": "e",
        "preprocessor": "p",
        "prompt": "r",
        "encoding": "E",
        "recode": "R",
    },
    other_long=frozenset(
        {"all", "apropos", "ascii", "catman", "debug", "default", "ditroff", "global-apropos"}
        | {"gxditview", "help", "ignore-case", "local-file", "location", "location-cat"}
        | {"match-case", "names-only", "nh", "nj", "no-hyphenation", "no-justification"}
        | {"no-subpages", "path", "regex", "troff", "troff-device", "update", "usage"}
        | {"version", "warnings", "whatis", "where", "where-cat", "wildcard"}
    ),
)
_HASH = OptionSpec(valued="pt")


# The builtins whose words bash evaluates once more, and how to find those words: arithmetic
# expressions (``let``) and variable names, which may carry an array subscript (``printf -v``,
# ``read``, ``test -v``, ``declare``). A subscript is arithmetic, and bash expands ``$(…)``,
# backquotes and ``${…}`` in it: ``let 'a[$(rm -rf /)]=1'`` runs ``rm`` though it is quoted.
_READ_BUILTIN = OptionSpec(valued="adinNptu", stop_at_operand=True)
_PRINTF_BUILTIN = OptionSpec(valued="v", stop_at_operand=True)
_WAIT_BUILTIN = OptionSpec(valued="p", stop_at_operand=True)
_DECLARING = frozenset({"declare", "typeset", "local", "export", "readonly"})
_EVALUATING = frozenset(
    {"let", "test", "[", "[[", "printf", "read", "getopts", "wait", *_DECLARING}
)
# ``[[ A -eq B ]]`` evaluates both sides as arithmetic (``[``/``test`` want plain integers).
_ARITHMETIC_TESTS = frozenset({"-eq", "-ne", "-lt", "-le", "-gt", "-ge"})
_SUBSTITUTION = re.compile(r"\$[({]|`")
_END = "KEYTURN_EXPANDED_AGAIN"


def _evaluated_words(cmd: SimpleCommand) -> list[str]:
    """The words of a builtin that bash evaluates once more (see above)."""
    name, args = cmd.name, list(cmd.args)
    if name not in _EVALUATING:
        return []
    if name == "let":
        return args
    if name in ("test", "[", "[["):
        named = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in ("-v", "-R")]
        if name == "[[":
            named += [
                w
                for i, op in enumerate(args)
                if op in _ARITHMETIC_TESTS
                for w in args[i - 1 : i + 2 : 2]
            ]
        return named
    if name == "getopts":
        return args[1:2]
    if name in _DECLARING:
        integer = any(a.startswith(("-", "+")) and "i" in a for a in args)
        words = [a for a in args if not a.startswith(("-", "+"))]
        return words if integer else [w.partition("=")[0] for w in words]
    spec = {"read": _READ_BUILTIN, "printf": _PRINTF_BUILTIN, "wait": _WAIT_BUILTIN}[name]
    opts = parse_options(args, spec)
    names = list(opts.values.get("v" if name == "printf" else "p", ()))
    if name == "read":
        names = [*opts.values.get("a", ()), *opts.rest]
    return names


def _expanded_again(words: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """What the substitutions in ``words`` run when bash expands them once more: judged as
    the text of an unquoted here-document (expanded as they would be), unknown for backquotes
    or without a way to judge nested commands."""
    effects: list[Effect] = []
    for word in words:
        if not _SUBSTITUTION.search(word):
            continue
        if "`" in word or ctx.understand_nested is None:
            reason = f"bash expands {word[:80]!r} once more and runs what it holds"
            effects.append(unknown_effect(cmd, reason, ctx))
        if "$" in word and ctx.understand_nested is not None:
            effects.extend(ctx.understand_nested(f": <<{_END}\n{word}\n{_END}"))
    return effects


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
# less and more run the ``+`` command they are given at start: ``!`` runs a shell command and
# ``|`` pipes to one.
_STARTUP_COMMAND = re.compile(r"\+.*[!|]")


@command(*_FILE_READERS)
def file_reader(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Reading named files (``cat /etc/os-release``)."""
    if cmd.name in ("less", "more") and any(_STARTUP_COMMAND.match(a) for a in cmd.args):
        return None  # a startup command that runs a command: not judged here
    spec = _READER_SPECS.get(cmd.name) or OptionSpec(valued=_FILE_READERS[cmd.name])
    return _read(cmd, ctx, spec, skip=0)


@command(*_PATTERN_READERS)
def pattern_reader(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``grep PATTERN FILES``: the pattern is no file (unless given with ``-e``/``-f``)."""
    if cmd.name in _AWKS:
        return _awk(cmd, ctx)
    spec = OptionSpec(valued=_PATTERN_READERS[cmd.name])
    opts = parse_options(cmd.args, spec)
    skip = 0 if opts.has("e", "f") else 1
    return _read(cmd, ctx, spec, skip=skip)


def _read(cmd: SimpleCommand, ctx: ShellContext, spec: OptionSpec, *, skip: int) -> list[Effect]:
    opts = parse_options(cmd.args, spec)
    operands = [op for op in opts.operands[skip:] if op != "-"]
    also = _writes_and_runs(cmd, ctx) + _option_effects(cmd, opts, ctx)
    if cmd.name in ("xxd", "uniq") and len(operands) > 1:  # ``xxd IN OUT``, ``uniq IN OUT``
        also.append(write_effect(file_path(operands.pop(), ctx), cmd, ctx))
    if cmd.name == "yq" and ({"-i", "--inplace"} & set(cmd.args)) and operands:
        return [*(write_effect(file_path(p, ctx), cmd, ctx) for p in operands), *also]
    if not operands:
        return [command_effect(EffectKind.READ, cmd, ctx), *also]
    return [file_effect(EffectKind.READ, [file_path(p, ctx) for p in operands], cmd, ctx), *also]


def _awk(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
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


# Options of reading tools that write the file they name, or run the command they name.
_WRITING_OPTIONS = {"tree": ("-o",)}
_COMMAND_OPTIONS = {"rg": ("--pre",), "bat": ("--pager",), "ag": ("--pager", "--pag", "--page")}

# The reading tools whose options write, run or read more (spelled as they take them: GNU
# long options may be abbreviated, ``sort --outp=FILE``), and what each such option does.
_READER_SPECS = {
    "sort": OptionSpec(
        valued="kotSTy",
        long={
            "key": "k",
            "output": "o",
            "field-separator": "t",
            "buffer-size": "S",
            "temporary-directory": "T",
        },
        long_valued=frozenset(
            {"compress-program", "files0-from", "random-source", "batch-size", "parallel"}
            | {"sort"}
        ),
        other_long=frozenset(
            {"check", "debug", "dictionary-order", "general-numeric-sort", "help", "merge"}
            | {"human-numeric-sort", "ignore-case", "ignore-leading-blanks", "reverse"}
            | {"ignore-nonprinting", "month-sort", "numeric-sort", "random-sort", "stable"}
            | {"unique", "version", "version-sort", "zero-terminated"}
        ),
    ),
    "uniq": OptionSpec(
        valued="fsw",
        long={"skip-fields": "f", "skip-chars": "s", "check-chars": "w"},
        other_long=frozenset(
            {"all-repeated", "count", "group", "help", "ignore-case", "repeated", "unique"}
            | {"version", "zero-terminated"}
        ),
    ),
    "less": OptionSpec(
        valued="bhjkoOpPtTxyz",
        long={
            "log-file": "o",
            "LOG-FILE": "O",
            "lesskey-file": "k",
            "tag-file": "T",
            "tag": "t",
            "pattern": "p",
            "prompt": "P",
            "buffers": "b",
            "max-back-scroll": "h",
            "jump-target": "j",
            "tabs": "x",
            "max-forw-scroll": "y",
            "window": "z",
        },
        long_valued=frozenset(
            {"shift", "color", "quotes", "rscroll", "line-num-width", "status-col-width"}
            | {"wheel-lines", "lesskey-src", "lesskey-content"}
        ),
        other_long=frozenset(
            {"auto-buffers", "chop-long-lines", "clear-screen", "dumb", "file-size", "force"}
            | {"follow-name", "help", "hilite-search", "hilite-unread", "ignore-case", "tilde"}
            | {"incsearch", "line-numbers", "long-prompt", "mouse", "no-histdups", "no-init"}
            | {"no-keypad", "no-lessopen", "quiet", "quit-at-eof", "quit-if-one-screen"}
            | {"quit-on-intr", "raw-control-chars", "save-marks", "search-skip-screen"}
            | {"silent", "squeeze-blank-lines", "status-column", "underline-special"}
            | {"use-backslash", "use-color", "version", "HILITE-SEARCH", "HILITE-UNREAD"}
            | {"IGNORE-CASE", "LINE-NUMBERS", "LONG-PROMPT", "QUIET", "QUIT-AT-EOF", "SILENT"}
            | {"RAW-CONTROL-CHARS", "SEARCH-SKIP-SCREEN", "UNDERLINE-SPECIAL"}
        ),
    ),
}
# Option key -> what it does with its value, per program: "writes" a file, "reads" a file,
# "runs" a command, or "unknown" (the reason).
_OPTION_MEANINGS: dict[str, dict[str, str]] = {
    "sort": {
        "o": "writes",
        "random-source": "reads",
        "compress-program": "sort runs the compressor it is given",
        "files0-from": "sort reads the files named in a file",
    },
    "less": {
        "o": "writes",
        "O": "writes",
        "T": "reads",
        # A lesskey file's #env section sets LESSOPEN, which less runs on every file.
        "k": "less reads key bindings and settings (LESSOPEN…) from a file",
        "lesskey-src": "less reads key bindings and settings (LESSOPEN…) from a file",
        "lesskey-content": "less takes key bindings and settings (LESSOPEN…) from the line",
    },
}


def _option_effects(cmd: SimpleCommand, opts: Options, ctx: ShellContext) -> list[Effect]:
    """What the options of ``_OPTION_MEANINGS`` do with their values."""
    meanings = _OPTION_MEANINGS.get(cmd.name)
    if not meanings:
        return []
    effects: list[Effect] = []
    for key, meaning in meanings.items():
        for value in opts.values.get(key, ()):
            if meaning == "writes":
                effects.append(write_effect(file_path(value, ctx), cmd, ctx))
            elif meaning == "reads":
                effects.append(file_effect(EffectKind.READ, [file_path(value, ctx)], cmd, ctx))
            elif meaning == "runs":
                effects.extend(runs_command(value, f"{cmd.name} --{key}", cmd, ctx))
            else:
                effects.append(unknown_effect(cmd, meaning, ctx))
        if key in opts.flags and meaning not in ("writes", "reads", "runs"):
            effects.append(unknown_effect(cmd, meaning, ctx))
    return effects


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
