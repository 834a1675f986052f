"""psql and mysql client backslash meta-commands (``\\dt``, ``\\c db``, ``\\copy``, ``\\!``).

psql runs a backquoted shell command in the argument of any meta-command (``\\echo `cmd```,
``\\set x `cmd```, ``\\if `cmd```): a backquote in one is ``unknown``. A database switched to
through a psql variable (``\\c :db``) or a service (``\\c service=x``) is not told: ``*``.
``\\setenv`` of a variable that names a program psql starts (``PAGER``, ``PSQL_PAGER``, an
editor) or that such a program reads code from (``LESS``, ``LD_PRELOAD``) is ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.conninfo import parse_conninfo, recognized_conninfo
from keyturn.understand.sql.names import Session
from keyturn.understand.sql.parsing import top_index
from keyturn.understand.sql.tokens import Token, dialect_for, scan

# meta-commands that only show things
_READS = frozenset({"l", "list", "conninfo", "dp", "z", "sf", "sv", "lo_list", "du", "dg", "dn"})
# meta-commands about the client itself: no effect on the database
_CLIENT = frozenset(
    {"g", "gx", "gset", "gdesc", "x", "timing", "echo", "qecho", "q", "quit", "set", "unset"}
    | {"pset", "a", "t", "T", "f", "H", "C", "p", "r", "reset", "s", "prompt", "encoding"}
    | {"if", "elif", "else", "endif", "setenv", "getenv", "cd", "?", "h", "help", "errverbose"}
    | {"G", "warnings", "nowarning", "W", "print", "status", "rehash", "R", "pager"}
    | {"nopager", "n", "P", "bind", "crosstabview", "watch", "restrict", "unrestrict"}
)
_UNKNOWN = {
    "!": "shell escape runs a command",
    "system": "shell escape runs a command",
    "i": "runs SQL from a file",
    "ir": "runs SQL from a file",
    "include": "runs SQL from a file",
    "include_relative": "runs SQL from a file",
    ".": "runs SQL from a file",
    "source": "runs SQL from a file",
    "gexec": "runs the query's results as SQL",
    "e": "runs text edited in an editor",
    "edit": "runs text edited in an editor",
    "ef": "runs text edited in an editor",
    "ev": "runs text edited in an editor",
    "o": "writes query output to a file or pipe",
    "out": "writes query output to a file or pipe",
    "w": "writes the query buffer to a file or pipe",
    "write": "writes the query buffer to a file or pipe",
    "lo_export": "writes a large object to a file",
}

# mysql client commands whose meaning differs from psql's command of the same letter
_MYSQL_UNKNOWN = {
    "T": "writes the session's output to a file (tee)",
    "P": "pipes query output to a shell command (pager)",
}
# Variables that name a program psql starts (its pager, editor) or that such a program loads
# code from: ``\setenv PAGER 'rm -rf /'`` makes the next result's pager run that.
_RUNS_FROM_VARIABLE = re.compile(
    r"PAGER|EDITOR|BROWSER|^(?:LESS|LD_|DYLD_|SHELL$|BASH_ENV$|ENV$|PATH$|SHELLOPTS$)", re.I
)
# query-output commands whose argument (other than psql's "(option=value ...)") is a file
_OUTPUT_TO_FILE = frozenset({"g", "gx", "s"})

Classify = Callable[[list[Token], Session], list[Effect]]


def meta_command(text: str, s: Session, classify: Classify) -> list[Effect]:
    """The effects of one meta-command (``text`` starts with the backslash)."""
    word, _, rest = text[1:].replace("\t", " ").partition(" ")
    if word.startswith("!"):
        word = "!"
    op = f"\\{word}"
    if word in _UNKNOWN:
        return [s.unknown(_UNKNOWN[word], op)]
    if s.engine != "mysql" and "`" in text:
        return [s.unknown("psql runs the backquoted shell command in the argument", op)]
    if s.engine == "mysql":
        return _mysql_command(word, rest, s, op)
    if word.startswith("g") and "|" in rest:
        return [s.unknown("pipes query output to a shell command", op)]
    if word in _OUTPUT_TO_FILE and re.sub(r"^\s*\([^)]*\)", "", rest).strip():
        return [s.unknown("writes the query output or history to a file", op)]
    if word in ("c", "connect"):
        _switch_postgres(rest, s)
        return []
    if word == "setenv" and _sets_a_program(rest):
        return [s.unknown("sets a variable that names a program psql or its pager runs", op)]
    if word == "copy":
        return _copy(rest, s, classify)
    if word == "lo_unlink":
        return [s.effect(EffectKind.DELETE, s.database_resource(), op, "a large object")]
    if word == "lo_import":
        return [s.effect(EffectKind.CREATE, s.database_resource(), op, "a large object")]
    if word in _READS or (word.startswith("d") and word.isalpha()):
        return [s.effect(EffectKind.READ, s.database_resource(), op)]
    if word in _CLIENT or word == "":
        return []
    return [s.unknown(f"client command not understood: {op}", op)]


def _sets_a_program(rest: str) -> bool:
    """Whether ``\\setenv NAME VALUE`` sets a variable in :data:`_RUNS_FROM_VARIABLE`, or one
    a psql variable names (``\\setenv :name …``)."""
    words = rest.split(maxsplit=1)
    if not words:
        return False  # ``\\setenv`` alone: psql refuses it
    name = (_psql_arguments(words[0]) or [""])[0]
    return bool(_RUNS_FROM_VARIABLE.search(name) or _VARIABLE.search(words[0]))


def _mysql_command(word: str, rest: str, s: Session, op: str) -> list[Effect]:
    """A mysql client command (one letter after the backslash: ``\\u db``, ``\\r db host``)."""
    letter = word[:1]
    if letter in _MYSQL_UNKNOWN:
        return [s.unknown(_MYSQL_UNKNOWN[letter], op)]
    args = (word[1:] + " " + rest).split()
    if letter in ("u", "r") and args:  # use DB; connect [DB [HOST]]
        s.database = args[0].strip("`'\"") or s.database
        if letter == "r" and len(args) > 1:
            s.host = args[1].strip("`'\"") or s.host
        return []
    if letter in ("c", "d", "g", "G", "p", "s", "W", "w", "n", "t", "q", "#", "C", "R", "h", "?"):
        # clear, delimiter (read by the tokenizer), go, print, status, warnings, ...
        return []
    return [s.unknown(f"client command not understood: {op}", op)]


def _copy(rest: str, s: Session, classify: Classify) -> list[Effect]:
    """``\\copy``: COPY run by psql, whose file is on this machine; written unquoted too."""
    out: list[Effect] = []
    for statement in scan("copy " + rest, dialect_for(s.engine)):
        out += classify(statement, s)
        to = top_index(statement, "to")
        after = statement[to + 1] if 0 <= to < len(statement) - 1 else None
        if after is not None and after.kind != "string" and after.text not in _STD_STREAMS:
            out.append(s.unknown("writes a file named without quotes", "\\copy"))
    return out


_STD_STREAMS = frozenset({"stdout", "pstdout"})
# A psql variable in an argument: ":name", ":'name'", ':"name"'
_VARIABLE = re.compile(r":(?:[A-Za-z0-9_]|'[A-Za-z0-9_]|\"[A-Za-z0-9_])")


def _switch_postgres(rest: str, s: Session) -> None:
    """psql ``\\c [-reuse-previous=on|off] [DB [USER [HOST [PORT]]] | CONNINFO]``: the database
    it connects to; ``*`` when a variable, a service or a default decides it."""
    args = _psql_arguments(rest)
    if args and args[0].startswith("-reuse-previous"):
        args = args[1:]
    if not args or args[0] == "-":
        if len(args) > 2 and not _VARIABLE.search(args[2]):
            s.host = args[2] if args[2] != "-" else s.host
        return
    first = args[0]
    if _VARIABLE.search(rest):
        s.database = "*"
        return
    if recognized_conninfo(first):
        info = parse_conninfo(first)
        s.database = info.database if info is not None and info.database else "*"
        if info is not None and info.service is not None:
            s.database = "*"  # the service file decides, which is not read here
        if info is not None and info.host:
            s.host = info.host
        return
    s.database = first
    if len(args) > 2 and args[2] != "-":
        s.host = args[2]


def _psql_arguments(rest: str) -> list[str]:
    """A meta-command's arguments as psql splits them: whitespace apart, ``'..'`` quoted
    (``''`` and backslash escapes inside), ``".."`` kept as one."""
    out: list[str] = []
    i, n = 0, len(rest)
    while i < n:
        if rest[i].isspace():
            i += 1
            continue
        arg: list[str] = []
        while i < n and not rest[i].isspace():
            ch = rest[i]
            if ch == "'":
                i += 1
                while i < n and not (rest[i] == "'" and rest[i + 1 : i + 2] != "'"):
                    step = 2 if rest[i] in "\\'" and i + 1 < n else 1
                    arg.append(rest[i + step - 1])
                    i += step
                i += 1
            elif ch == '"':
                end = rest.find('"', i + 1)
                end = n if end < 0 else end
                arg.append(rest[i + 1 : end])
                i = end + 1
            else:
                arg.append(ch)
                i += 1
        out.append("".join(arg))
    return out
