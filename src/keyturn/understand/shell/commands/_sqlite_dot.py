"""sqlite3 scripts: SQL mixed with the shell's dot-commands (``.tables``, ``.read f``,
``.shell cmd``, ``.restore f``).

Read as the sqlite3 shell reads them: a line starting with ``.`` is a dot-command when no
statement is left unfinished (``sqlite3_complete``: a trailing comment after the ``;`` still
finishes it); its arguments are split with the shell's quoting (``'..'`` as written, ``".."``
and bare words with backslash escapes: ``\\157`` is ``o``). A command may be abbreviated to any
prefix (``.sh`` is ``.shell``, ``.op`` is ``.open``): a prefix is judged as every command it may
stand for. ``.cd`` moves the directory later relative names are in; ``.open`` takes its options
(``--new`` empties the file) and ``file:`` URIs; ``.import '|cmd'`` and ``.read '|cmd'`` run a
command.
"""

from __future__ import annotations

import sqlite3

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext
from keyturn.understand.sql import run_sql
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.sqlite_files import MEMORY, database_file

_READS = frozenset(
    {"tables", "schema", "indexes", "indices", "databases", "dbinfo", "dump", "fullschema"}
    | {"show", "help", "stats", "lint", "recover", "sha3sum", "changes", "eqp"}
    | {"vfsinfo", "vfslist", "vfsname"}
)
_CLIENT = frozenset(
    {"headers", "header", "mode", "width", "timer", "print", "echo", "bail", "nullvalue"}
    | {"separator", "prompt", "quit", "exit", "explain", "timeout", "limit", "binary"}
    | {"parameter", "scanstats", "crnl", "progress", "expert", "auth", "check"}
)
_UNKNOWN = {
    "shell": "runs a shell command",
    "system": "runs a shell command",
    "load": "loads an extension",
    "archive": "works on an archive",
    "ar": "works on an archive",
    "testctrl": "low-level test control",
    "filectrl": "low-level file control",
    "dbconfig": "changes database configuration",
    "nonce": "lifts safe mode",
    "edit": "runs text edited in an editor",
    "selftest": "runs SQL stored in the database's selftest table",
    "imposter": "makes a writable imposter table over an index",
    "session": "records or writes changesets",
    "testcase": "writes test output to a file",
    "iotrace": "writes a trace to a file",
    "connection": "switches to another connection, whose database is not followed",
}
_WRITES_FILE = frozenset({"output", "once", "excel", "backup", "save", "clone"})
_LOGS = frozenset({"log", "trace"})  # .log FILE / .trace FILE write a file
_STREAMS = frozenset({"off", "on", "stdout", "stderr"})
_OTHERS = frozenset({"open", "import", "restore", "read", "cd"})
# Every dot-command of sqlite3 3.40+: what an abbreviation may stand for.
_KNOWN = frozenset(_READS | _CLIENT | set(_UNKNOWN) | _WRITES_FILE | _LOGS | _OTHERS)


def sqlite_script(
    text: str | None, ctx: ShellContext, s: Session, *, origin: str, depth: int = 0
) -> list[Effect]:
    """The effects of a sqlite3 script (``None``: the file ``origin`` could not be read)."""
    if text is None:
        return [s.unknown(f"runs SQL from {origin}, which could not be read")]
    effects: list[Effect] = []
    pending: list[str] = []
    for line in text.splitlines():
        waiting = "\n".join(pending).strip()
        if line.lstrip().startswith(".") and (not waiting or sqlite3.complete_statement(waiting)):
            # a dot-command is read at a line start when no statement is left unfinished
            if waiting:
                effects += _sql(waiting, s)
            effects += _dot(line.strip()[1:], ctx, s, depth)
            pending = []
        else:
            pending.append(line)
    if "".join(pending).strip() or not effects:
        effects += _sql("\n".join(pending), s)
    return effects


def _sql(text: str, s: Session) -> list[Effect]:
    return run_sql(text, s)


def _dot(line: str, ctx: ShellContext, s: Session, depth: int) -> list[Effect]:
    name, _, rest = line.replace("\t", " ").partition(" ")
    args = dot_arguments(line)[1:]
    if name in _KNOWN:
        return _command(name, rest, args, ctx, s, depth)
    meanings = sorted(k for k in _KNOWN if name and k.startswith(name))
    if not meanings:
        return [s.unknown(f"sqlite3 command not understood: .{name}", f".{name}")]
    effects: list[Effect] = []
    for meaning in meanings:  # sqlite3 takes a prefix: judged as each command it may be
        effects += _command(meaning, rest, args, ctx, s, depth)
    return effects


def _command(
    name: str, rest: str, args: list[str], ctx: ShellContext, s: Session, depth: int
) -> list[Effect]:
    op = f".{name}"
    if name in ("shell", "system") and rest.strip() and ctx.understand_nested is not None:
        # the shell joins its parsed arguments, quoting those with a space: judged as written
        # and as joined
        joined = " ".join(f'"{a}"' if " " in a else a for a in args)
        found = ctx.understand_nested(rest.strip())
        return found + (ctx.understand_nested(joined) if joined != rest.strip() else [])
    if name in _UNKNOWN:
        return [s.unknown(f"{op} {_UNKNOWN[name]}", op)]
    if name in _READS:
        return [s.effect(EffectKind.READ, s.database_resource(), op)]
    if name in _CLIENT:
        return []
    if name == "cd":
        if not args:
            return [s.unknown(".cd without a directory", op)]
        s.directory = _path(args[0], s, ctx)
        return []
    if name == "open":
        return _open(args, ctx, s, op)
    if name == "import":
        return _import(args, s, op)
    if name == "restore":
        return [s.effect(EffectKind.REPLACE, s.database_resource(), op, "overwritten from a file")]
    if name in _WRITES_FILE:
        return [s.unknown(f"{op} writes a file", op)]
    if name in _LOGS:
        files = [a for a in args if not a.startswith("-") and a.lower() not in _STREAMS]
        return [s.unknown(f"{op} writes a file", op)] if files else []
    if name == "read" and args and args[0].startswith("|"):
        return [s.unknown(".read runs a shell command and its output as SQL", op)]
    if name == "read" and args and depth < 4:  # bounded: a script may .read itself
        path = _path(args[0], s, ctx)
        text = ctx.files.read_text(path)
        return sqlite_script(text, ctx, s, origin=path, depth=depth + 1)
    return [s.unknown(f"sqlite3 command not understood: {op}", op)]


_OPEN_VALUED = frozenset({"--maxsize"})


def _open(args: list[str], ctx: ShellContext, s: Session, op: str) -> list[Effect]:
    """``.open [--new|--readonly|--append|--zip|--deserialize|--hexdb|...] [FILE]``."""
    options: list[str] = []
    files: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            options.append(arg.lstrip("-"))
            skip = "--" + arg.lstrip("-") in _OPEN_VALUED
        else:
            files.append(arg)
    if "hexdb" in options:
        return [s.unknown(".open --hexdb reads the database from the lines that follow", op)]
    path = _database(files[-1], ctx, s) if files else MEMORY
    s.database = path or "*"
    if path is None:
        return [s.unknown(".open of a database file that cannot be told", op)]
    if path == MEMORY:
        return []
    if "new" in options:  # the file is emptied first
        resource = s.database_resource(whole=True)
        return [s.effect(EffectKind.REPLACE, resource, op, "--new empties the database file")]
    return [s.effect(EffectKind.READ, s.database_resource(), op, "opens the database")]


_IMPORT_VALUED = frozenset({"skip", "schema"})


def _import(args: list[str], s: Session, op: str) -> list[Effect]:
    """``.import [--csv|--ascii|--skip N|--schema S|-v] FILE TABLE``; a FILE starting with
    ``|`` is a shell command whose output is imported."""
    operands: list[str] = []
    schema = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-") and len(arg) > 1:
            key = arg.lstrip("-")
            if key in _IMPORT_VALUED and i + 1 < len(args):
                schema = args[i + 1] if key == "schema" else schema
                i += 1
        else:
            operands.append(arg)
        i += 1
    if operands and operands[0].startswith("|"):
        return [s.unknown(".import runs a shell command (a FILE starting with '|')", op)]
    if len(operands) < 2:
        return [s.unknown(".import without a file and a table", op)]
    parts = [schema, operands[1]] if schema else [operands[1]]
    return [s.effect(EffectKind.CREATE, s.object_resource(parts, "table"), op)]


def _path(name: str, s: Session, ctx: ShellContext) -> str:
    return normalize_path(name, cwd=s.directory or ctx.cwd)


def _database(name: str, ctx: ShellContext, s: Session) -> str | None:
    """The absolute path of the database file ``name`` (a path or a ``file:`` URI)."""
    found = database_file(name, directory=s.directory or ctx.cwd)
    if found is None or found == MEMORY:
        return found
    return normalize_path(found, cwd="/")


def dot_arguments(line: str) -> list[str]:
    """A dot-command line's words as the sqlite3 shell splits them: ``'..'`` as written,
    ``".."`` and bare words with their backslash escapes resolved."""
    out: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
            continue
        if line[i] in "'\"":
            quote = line[i]
            j = i + 1
            while j < n and line[j] != quote:
                j += 2 if line[j] == "\\" and quote == '"' and j + 1 < n else 1
            word = line[i + 1 : j]
            out.append(_resolve_backslashes(word) if quote == '"' else word)
            i = j + 1
        else:
            j = i
            while j < n and not line[j].isspace():
                j += 1
            out.append(_resolve_backslashes(line[i:j]))
            i = j
    return out


_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r"}


def _resolve_backslashes(word: str) -> str:
    """The sqlite3 shell's ``resolve_backslashes``: C escapes and up to three octal digits;
    any other escaped character is itself."""
    out: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = word[i + 1]
        i += 2
        if nxt in "01234567":
            digits = nxt
            while len(digits) < 3 and i < n and word[i] in "01234567":
                digits += word[i]
                i += 1
            out.append(chr(int(digits, 8) & 0xFF))
        else:
            out.append(_ESCAPES.get(nxt, nxt))
    return "".join(out)
