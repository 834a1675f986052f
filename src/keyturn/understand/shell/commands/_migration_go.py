"""Single-binary migration tools: ``dbmate``, ``goose``, golang-migrate's ``migrate``,
``atlas``.

Databases: dbmate's ``--url``/``-u`` or the variable ``--env``/``-e`` names (``DATABASE_URL``
by default; its ``.env`` is not read, see :mod:`._migration_configs`); goose's ``DRIVER
DBSTRING`` or ``GOOSE_DRIVER``/``GOOSE_DBSTRING``; migrate's ``-database``; atlas's
``--url``/``-u`` (atlas's ``--env`` names ``db:atlas/<env>``). Named as
:mod:`._migration_names` says.

Kinds: ``dbmate drop``, ``migrate drop``, ``atlas schema clean`` delete everything; rolling
back (``dbmate rollback``/``down``, ``goose down``/``down-to``/``reset``, ``migrate down``/
``goto``, ``atlas migrate down``) deletes what the migrations made (``goose reset``, ``migrate
down`` without a count, ``goose down-to 0``: every migration); ``goose redo`` replaces; ``up``/
``migrate`` update; ``migrate force``, ``atlas migrate set`` rewrite the history; ``atlas schema
apply`` deletes what the desired schema lacks when it does not ask (``--auto-approve``, or
answers fed on stdin), else updates; ``dbmate load`` runs the schema file's SQL, judged as the
SQL clients' is; status verbs read; ``new``/``create`` write migration files.

Unknown on purpose: a ``dbmate load`` whose schema file is not at hand; other verbs are not
understood.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._kv_store import go_style
from keyturn.understand.shell.commands._migration_names import (
    ASKS_FIRST,
    CREATES,
    DROPS,
    HISTORY,
    MAY_DROP,
    MIGRATES,
    READS,
    REVERTS,
    REVERTS_ALL,
    Call,
    Meaning,
    Place,
    fixed,
    meaning_of,
    parse_url,
    setting,
)
from keyturn.understand.shell.commands._paas_common import parse_args
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
_HELP = frozenset({"help", "version", "--help", "-h", "--version", "-v", "-version", "--h"})
# goose's and migrate's ``version`` is a command (the database's version), not the tool's.
_GO_HELP = _HELP - {"version"}
_EVERYTHING = "drops every table, view and type of the database: all its data is lost"


def _prints(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [command_effect(_E.READ, cmd, ctx, detail="prints only")]


def _writes(detail: str, directory: str) -> Meaning:
    def meaning(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
        where = call.opts.value("migrations-dir") or call.opts.value("dir") or directory
        return [call.on_files(_E.CREATE, [where.removeprefix("file://")], verb, detail)]

    return meaning


# -- dbmate ---------------------------------------------------------------------------------

_DBMATE = OptionSpec(
    valued="ueds",
    long={"url": "u", "env": "e", "migrations-dir": "d", "schema-file": "s"},
    long_valued=frozenset({"u", "e", "d", "s", "env-file", "migrations-table", "wait-timeout"}),
)


def _dbmate_load(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    return call.sql_file(call.opts.value("s") or "db/schema.sql", verb)


def _dbmate_dump(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    path = call.opts.value("s") or "db/schema.sql"
    return [
        call.effect(_E.READ, verb, "reads the schema"),
        call.on_files(_E.UPDATE, [path], verb, "writes the schema file"),
    ]


_DBMATE_MEANINGS: dict[str, Meaning] = {
    "up": fixed(_E.UPDATE, "creates the database if missing; " + MIGRATES),
    "migrate": fixed(_E.UPDATE, MIGRATES),
    "create": fixed(_E.CREATE, CREATES),
    "drop": fixed(_E.DELETE, DROPS),
    "rollback": fixed(_E.DELETE, REVERTS),
    "down": fixed(_E.DELETE, REVERTS),
    "status": fixed(_E.READ, READS),
    "wait": fixed(_E.READ, "waits for the database"),
    "dump": _dbmate_dump,
    "load": _dbmate_load,
    "new": _writes("writes a new migration file", "db/migrations"),
    "n": _writes("writes a new migration file", "db/migrations"),
}


def dbmate(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``dbmate [OPTIONS] COMMAND``."""
    opts = parse_args(cmd.args, _DBMATE)
    if not opts.operands or opts.operands[0] in _HELP or opts.has("h", "help", "version"):
        return _prints(cmd, ctx)
    url = opts.value("u") if opts.has("u") else setting(cmd, ctx, opts.value("e") or "DATABASE_URL")
    database = parse_url(url, cwd=ctx.cwd)
    call = Call(cmd, ctx, Place("dbmate", (database,) if database else ()), opts)
    return meaning_of(call, opts.operands, _DBMATE_MEANINGS, depth=1)


# -- goose ----------------------------------------------------------------------------------

_GOOSE = OptionSpec(
    long_valued=frozenset({"dir", "table", "certfile", "ssl-cert", "ssl-key", "timeout", "env"}),
    stop_at_operand=True,
    abbreviations=False,
)


def _down_to(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    detail = REVERTS_ALL if words[:1] == ["0"] else REVERTS
    return [call.effect(_E.DELETE, verb, detail)]


_GOOSE_MEANINGS: dict[str, Meaning] = {
    "up": fixed(_E.UPDATE, MIGRATES),
    "up-by-one": fixed(_E.UPDATE, MIGRATES),
    "up-to": fixed(_E.UPDATE, MIGRATES),
    "down": fixed(_E.DELETE, REVERTS),
    "down-to": _down_to,
    "reset": fixed(_E.DELETE, REVERTS_ALL),
    "redo": fixed(_E.REPLACE, "reverts and reapplies the latest migration: its tables lose data"),
    "status": fixed(_E.READ, READS),
    "version": fixed(_E.READ, READS),
    "validate": fixed(_E.READ, "checks the migration files"),
    "create": _writes("writes a new migration file", "."),
    "fix": _writes("renumbers the migration files", "."),
}


def goose(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``goose [OPTIONS] [DRIVER DBSTRING] COMMAND [ARGS]``."""
    opts = parse_options(go_style(cmd.args), _GOOSE)
    words = list(opts.rest)
    if not words or words[0] in _GO_HELP or opts.has("h", "help", "version"):
        return _prints(cmd, ctx)
    if words[0] in _GOOSE_MEANINGS:
        driver = setting(cmd, ctx, "GOOSE_DRIVER")
        dbstring = setting(cmd, ctx, "GOOSE_DBSTRING")
    else:
        driver, dbstring, words = words[0], (words[1:2] or [""])[0], words[2:]
        if any(i in cmd.dynamic_words for i, w in enumerate(cmd.argv) if w == dbstring):
            dbstring = "$"
    database = parse_url(dbstring, cwd=ctx.cwd, engine=driver)
    place = Place("goose", (database,) if database else (), engine=_engine(driver))
    return meaning_of(Call(cmd, ctx, place, opts), words, _GOOSE_MEANINGS, depth=1)


def _engine(driver: str | None) -> str:
    from keyturn.understand.shell.commands._migration_names import engine_of

    return engine_of(driver)


# -- golang-migrate -------------------------------------------------------------------------

_MIGRATE = OptionSpec(
    long_valued=frozenset({"source", "path", "database", "prefetch", "lock-timeout"}),
    stop_at_operand=True,
    abbreviations=False,
)


def _migrate_down(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    counted = bool(words) and words[0].isdigit()
    return [call.effect(_E.DELETE, verb, REVERTS if counted else REVERTS_ALL)]


_MIGRATE_MEANINGS: dict[str, Meaning] = {
    "up": fixed(_E.UPDATE, MIGRATES),
    "down": _migrate_down,
    "goto": fixed(_E.DELETE, "migrates to the version given: " + REVERTS),
    "drop": fixed(_E.DELETE, _EVERYTHING),
    "force": fixed(_E.UPDATE, HISTORY),
    "version": fixed(_E.READ, READS),
    "create": _writes("writes new migration files", "."),
}


def golang_migrate(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """golang-migrate's ``migrate [-path P|-source S] -database URL COMMAND [ARGS]``."""
    opts = parse_options(go_style(cmd.args), _MIGRATE)
    words = list(opts.rest)
    if not words or words[0] in _GO_HELP or opts.has("help", "version"):
        return _prints(cmd, ctx)
    database = parse_url(opts.value("database"), cwd=ctx.cwd)
    call = Call(cmd, ctx, Place("migrate", (database,) if database else ()), opts)
    return meaning_of(call, words, _MIGRATE_MEANINGS, depth=1)


# -- atlas ----------------------------------------------------------------------------------

_ATLAS = OptionSpec(
    valued="uc",
    long={"url": "u", "config": "c"},
    long_valued=frozenset({"u", "c", "env", "to", "dev-url", "dir", "var", "schema", "exclude"})
    | frozenset({"format", "tx-mode", "baseline", "revisions-schema", "exec-order", "from"})
    | frozenset({"lock-timeout", "dir-format", "latest", "git-base", "include"}),
)


def _schema_apply(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    if call.opts.surely_on("dry-run"):
        return [call.effect(_E.READ, verb, "--dry-run: prints the plan only")]
    answered = call.cmd.stdin_text is not None or call.cmd.stdin_dynamic
    if call.opts.on("auto-approve") or answered:
        return [call.effect(_E.DELETE, verb, MAY_DROP)]
    return [call.effect(_E.UPDATE, verb, ASKS_FIRST)]


def _dry(kind: EffectKind, detail: str) -> Meaning:
    def meaning(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
        if call.opts.surely_on("dry-run"):
            return [call.effect(_E.READ, verb, "--dry-run: prints only")]
        return [call.effect(kind, verb, detail)]

    return meaning


_ATLAS_MEANINGS: dict[str, Meaning] = {
    "schema apply": _schema_apply,
    "schema clean": fixed(_E.DELETE, _EVERYTHING),
    "schema inspect": fixed(_E.READ, READS),
    "schema diff": fixed(_E.READ, READS),
    "migrate apply": _dry(_E.UPDATE, MIGRATES),
    "migrate down": _dry(_E.DELETE, REVERTS),
    "migrate status": fixed(_E.READ, READS),
    "migrate lint": fixed(_E.READ, READS),
    "migrate validate": fixed(_E.READ, READS),
    "migrate set": fixed(_E.UPDATE, HISTORY),
    "migrate diff": _writes("writes a new migration file", "migrations"),
    "migrate new": _writes("writes a new migration file", "migrations"),
    "migrate hash": _writes("rewrites the migration directory's sum file", "migrations"),
}


def atlas(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``atlas schema|migrate VERB [--url URL] [--env NAME] …``."""
    opts = parse_args(cmd.args, _ATLAS)
    words = list(opts.operands)
    if not words or words[0] in _HELP or opts.has("h", "help"):
        return _prints(cmd, ctx)
    urls = opts.values.get("u", ())
    databases = tuple(d for d in (parse_url(u, cwd=ctx.cwd) for u in urls) if d is not None)
    place = Place("atlas", databases, scope=opts.value("env"))
    return meaning_of(Call(cmd, ctx, place, opts), words, _ATLAS_MEANINGS)
