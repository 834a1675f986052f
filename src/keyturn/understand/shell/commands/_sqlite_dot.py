"""sqlite3 scripts: SQL mixed with the shell's dot-commands (``.tables``, ``.read f``,
``.shell cmd``, ``.restore f``)."""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.registry import ShellContext
from keyturn.understand.shell.words import normalize_path
from keyturn.understand.sql import sql_effects
from keyturn.understand.sql.names import Session

_READS = frozenset(
    {"tables", "schema", "indexes", "indices", "databases", "dbinfo", "dump", "fullschema"}
    | {"show", "help", "stats", "lint", "recover", "sha3sum", "selftest", "changes", "eqp"}
)
_CLIENT = frozenset(
    {"headers", "header", "mode", "width", "timer", "print", "echo", "bail", "nullvalue"}
    | {"separator", "prompt", "quit", "exit", "explain", "timeout", "limit", "binary", "cd"}
    | {"parameter", "scanstats", "trace", "log", "crnl", "connection", "progress", "expert"}
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
}
_WRITES_FILE = frozenset({"output", "once", "excel", "backup", "save", "clone"})


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
        if line.lstrip().startswith(".") and (not waiting or waiting.endswith(";")):
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
    return sql_effects(text, engine="sqlite", database=s.database, target=s.target)


def _dot(line: str, ctx: ShellContext, s: Session, depth: int) -> list[Effect]:
    name, _, rest = line.partition(" ")
    args = rest.split()
    op = f".{name}"
    if name in ("shell", "system") and rest.strip() and ctx.understand_nested is not None:
        return ctx.understand_nested(rest.strip())
    if name in _UNKNOWN:
        return [s.unknown(f"{op} {_UNKNOWN[name]}", op)]
    if name in _READS:
        return [s.effect(EffectKind.READ, s.database_resource(), op)]
    if name in _CLIENT:
        return []
    if name == "open" and args:
        # Named: the caller names the file of every effect on this database as well.
        s.database = normalize_path(args[-1], cwd=ctx.cwd)
        return [s.effect(EffectKind.READ, s.database_resource(), op, "opens the database")]
    if name == "import" and len(args) >= 2:
        return [s.effect(EffectKind.CREATE, s.object_resource([args[-1]], "table"), op)]
    if name == "restore":
        return [s.effect(EffectKind.REPLACE, s.database_resource(), op, "overwritten from a file")]
    if name in _WRITES_FILE:
        return [s.unknown(f"{op} writes a file", op)]
    if name == "read" and args and depth < 4:  # bounded: a script may .read itself
        path = normalize_path(args[0], cwd=ctx.cwd)
        text = ctx.files.read_text(path)
        return sqlite_script(text, ctx, s, origin=path, depth=depth + 1)
    return [s.unknown(f"sqlite3 command not understood: {op}", op)]
