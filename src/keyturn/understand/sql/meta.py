"""psql and mysql client backslash meta-commands (``\\dt``, ``\\c db``, ``\\copy``, ``\\!``)."""

from __future__ import annotations

from collections.abc import Callable

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.names import Session
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

Classify = Callable[[list[Token], Session], list[Effect]]


def meta_command(text: str, s: Session, classify: Classify) -> list[Effect]:
    """The effects of one meta-command line (``text`` starts with the backslash)."""
    word, _, rest = text[1:].partition(" ")
    if word.startswith("!"):
        word = "!"
    op = f"\\{word}"
    if word in _UNKNOWN:
        return [s.unknown(_UNKNOWN[word], op)]
    if word.startswith("g") and "|" in rest:
        return [s.unknown("pipes query output to a shell command", op)]
    if word in ("c", "connect", "u", "use"):
        # psql \c DB connects; mysql \c clears the buffer and \u DB switches database
        if s.engine != "mysql" or word in ("u", "use"):
            _switch_database(rest, s)
        return []
    if word == "copy":
        out: list[Effect] = []
        for statement in scan("copy " + rest, dialect_for(s.engine)):
            out += classify(statement, s)
        return out
    if word == "lo_unlink":
        return [s.effect(EffectKind.DELETE, s.database_resource(), op, "a large object")]
    if word == "lo_import":
        return [s.effect(EffectKind.CREATE, s.database_resource(), op, "a large object")]
    if word in _READS or (word.startswith("d") and word.isalpha()):
        return [s.effect(EffectKind.READ, s.database_resource(), op)]
    if word in _CLIENT or word == "":
        return []
    return [s.unknown(f"client command not understood: {op}", op)]


def _switch_database(rest: str, s: Session) -> None:
    for arg in rest.split():
        if arg.startswith("dbname="):
            s.database = arg.removeprefix("dbname=") or s.database
            return
        if "://" in arg:
            path = arg.split("://", 1)[1].partition("/")[2].partition("?")[0]
            s.database = path or s.database
            return
    args = rest.split()
    if args and args[0] != "-":
        s.database = args[0].strip("'\"")
