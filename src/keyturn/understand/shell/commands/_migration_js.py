"""The JavaScript ORMs' migration CLIs: ``knex``, ``sequelize``/``sequelize-cli``, ``typeorm``,
``drizzle-kit`` (``npx`` and the other runners route here).

The database: knex's ``--connection`` (with ``--client``), sequelize's ``--url`` or its JSON
config's environment, drizzle-kit's ``--url`` (or ``--host``/``--database``) and
``--dialect``; TypeORM's data source and the knexfile are code, not read: the database is
then not known (``db:*/*``). Environments: knex and sequelize pick their configuration by
``--env``, else ``NODE_ENV`` (``db:knex/production``; ``db:knex/*`` when neither is written);
TypeORM's data source file as written is its ``db:typeorm/<file>`` name (``-d
src/data-source.prod.ts``), drizzle-kit's ``--config`` file its ``db:drizzle-kit/<file>``.

Kinds: status and list verbs read; migrating updates; rolling back (``migrate:rollback``,
``migrate:down``, ``db:migrate:undo[:all]``, ``migration:revert``) deletes what the migrations
made; ``db:drop``, ``schema:drop`` delete the data; ``schema:sync`` and ``drizzle-kit push
--force`` (or fed answers on stdin) delete what the code lacks, plain ``push`` updates (it asks
first); seeds update (knex's delete: its seed files empty their tables first, by template);
``typeorm query SQL`` is the SQL, judged as the SQL clients' is; verbs that only write project
files (``migrate:make``, ``migration:generate``, ``generate``...) create them.

Unknown on purpose: ``drizzle-kit studio`` (a web editor of the data); other verbs are not
understood.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import is_dynamic
from keyturn.understand.shell.commands._migration_configs import read, sequelize_database
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
    SEEDS,
    Call,
    Database,
    Meaning,
    Place,
    engine_of,
    fixed,
    meaning_of,
    parse_url,
    setting,
    unknown_verb,
)
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
_HELP = frozenset({"help", "version", "--help", "-h", "--version", "-v", "-V"})


def _prints(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [command_effect(_E.READ, cmd, ctx, detail="prints only")]


def _writes(detail: str, *paths: str) -> Meaning:
    """A verb that writes project files (new migrations, a config) and no database."""

    def meaning(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
        return [call.on_files(_E.CREATE, paths or ["."], verb, detail)]

    return meaning


def _environment(cmd: SimpleCommand, ctx: ShellContext, given: str | None) -> str:
    return given or setting(cmd, ctx, "NODE_ENV") or "*"


# -- knex -----------------------------------------------------------------------------------

_KNEX = OptionSpec(
    valued="x",
    long_valued=frozenset({"knexfile", "knexpath", "cwd", "client", "connection", "env"})
    | frozenset({"migrations-directory", "migrations-table-name", "specific", "stub", "x"})
    | frozenset({"timestamp-filename-prefix", "name"}),
)
_KNEX_SEED = "runs the seed files (not read here); knex's seed template first deletes every row"
_KNEX_MEANINGS: dict[str, Meaning] = {
    "migrate:latest": fixed(_E.UPDATE, MIGRATES),
    "migrate:up": fixed(_E.UPDATE, MIGRATES),
    "migrate:rollback": lambda call, verb, words: [
        call.effect(_E.DELETE, verb, REVERTS_ALL if call.opts.has("all") else REVERTS)
    ],
    "migrate:down": fixed(_E.DELETE, REVERTS),
    "migrate:currentVersion": fixed(_E.READ, READS),
    "migrate:list": fixed(_E.READ, READS),
    "migrate:status": fixed(_E.READ, READS),
    "migrate:unlock": fixed(_E.UPDATE, "releases the migration lock, even another run's"),
    "seed:run": fixed(_E.DELETE, _KNEX_SEED),
    "migrate:make": _writes("writes a new migration file", "migrations"),
    "seed:make": _writes("writes a new seed file", "seeds"),
    "init": _writes("writes a new knexfile", "knexfile.js"),
}


def knex(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``knex [OPTIONS] VERB``: as the module docstring says."""
    opts = parse_options(cmd.args, _KNEX)
    if not opts.operands or _HELP & {*opts.operands[:1], *cmd.args[:1]}:
        return _prints(cmd, ctx)
    client = opts.value("client")
    database = parse_url(opts.value("connection"), cwd=ctx.cwd, engine=client)
    place = Place(
        "knex",
        (database,) if database is not None else (),
        scope=_environment(cmd, ctx, opts.value("env")),
        engine=engine_of(client),
    )
    directory = opts.value("cwd") or ""
    return meaning_of(
        Call(cmd, ctx, place, opts, directory), opts.operands, _KNEX_MEANINGS, depth=1
    )


# -- sequelize ------------------------------------------------------------------------------

_SEQUELIZE = OptionSpec(
    long_valued=frozenset({"env", "config", "options-path", "migrations-path", "seeders-path"})
    | frozenset({"models-path", "url", "to", "from", "name", "seed", "attributes"}),
)
_SEED_UNDO = "runs the seeders' down code: it deletes the rows they wrote"
_SEQUELIZE_MEANINGS: dict[str, Meaning] = {
    "db:migrate": fixed(_E.UPDATE, MIGRATES),
    "db:migrate:status": fixed(_E.READ, READS),
    "db:migrate:undo": fixed(_E.DELETE, REVERTS),
    "db:migrate:undo:all": lambda call, verb, words: [
        call.effect(_E.DELETE, verb, REVERTS if call.opts.has("to") else REVERTS_ALL)
    ],
    "db:migrate:schema:timestamps:add": fixed(_E.UPDATE, HISTORY),
    "db:seed": fixed(_E.UPDATE, SEEDS),
    "db:seed:all": fixed(_E.UPDATE, SEEDS),
    "db:seed:undo": fixed(_E.DELETE, _SEED_UNDO),
    "db:seed:undo:all": fixed(_E.DELETE, _SEED_UNDO),
    "db:create": fixed(_E.CREATE, CREATES),
    "db:drop": fixed(_E.DELETE, DROPS),
    **dict.fromkeys(
        ("migration:generate", "migration:create", "model:generate", "model:create"),
        _writes("writes new migration or model files", "migrations", "models"),
    ),
    **dict.fromkeys(("seed:generate", "seed:create"), _writes("writes a seed file", "seeders")),
    **dict.fromkeys(
        ("init", "init:config", "init:migrations", "init:models", "init:seeders"),
        _writes("writes the project's folders and config", "config", "migrations", "models"),
    ),
}


def sequelize(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``sequelize VERB [OPTIONS]`` (and ``sequelize-cli``): as the module docstring says."""
    opts = parse_options(cmd.args, _SEQUELIZE)
    if not opts.operands or _HELP & {*opts.operands[:1], *cmd.args[:1]}:
        return _prints(cmd, ctx)
    env = _environment(cmd, ctx, opts.value("env"))
    if not opts.value("env") and _rc_sets_env(ctx, opts.value("options-path")):
        env = "*"  # the options file's ``env`` wins over NODE_ENV
    if opts.has("url"):
        database, engine = parse_url(opts.value("url"), cwd=ctx.cwd), "*"
    else:
        config = opts.value("config")
        database, engine = sequelize_database(
            ctx, cmd, config=config, env=env if env != "*" else None
        )
    databases = (database,) if database is not None else ()
    place = Place("sequelize", databases, scope=env, engine=engine)
    return meaning_of(Call(cmd, ctx, place, opts), opts.operands, _SEQUELIZE_MEANINGS, depth=1)


_RC_ENV = re.compile(r"""(?:^|[\s{,'"])env['"]?\s*:""")


def _rc_sets_env(ctx: ShellContext, given: str | None) -> bool:
    """Whether sequelize's options file (``--options-path``, else ``.sequelizerc``) may set
    ``env`` (it is code: one not at hand when named may too)."""
    _, text = read(ctx, given or ".sequelizerc")
    if text is None:
        return given is not None
    return _RC_ENV.search(text) is not None


# -- typeorm --------------------------------------------------------------------------------

_TYPEORM = OptionSpec(
    valued="dcfonth",
    long={"dataSource": "d", "connection": "c", "config": "f", "outputJs": "o", "name": "n"},
    long_valued=frozenset({"transaction", "timestamp", "d", "c", "f", "n"}),
)
_TYPEORM_MEANINGS: dict[str, Meaning] = {
    "migration:run": lambda call, verb, words: [
        call.effect(_E.UPDATE, verb, HISTORY if call.opts.has("fake") else MIGRATES)
    ],
    "migration:revert": lambda call, verb, words: [
        call.effect(_E.UPDATE, verb, HISTORY)
        if call.opts.has("fake")
        else call.effect(_E.DELETE, verb, REVERTS)
    ],
    "migration:show": fixed(_E.READ, READS),
    "schema:log": fixed(_E.READ, READS),
    "schema:sync": fixed(_E.DELETE, MAY_DROP),
    "schema:drop": fixed(_E.DELETE, "drops every table of the data source: all data is lost"),
    "cache:clear": fixed(_E.UPDATE, "empties the query result cache"),
    "migration:generate": lambda call, verb, words: [
        call.effect(_E.READ, verb, READS),
        call.on_files(_E.CREATE, words[:1] or ["."], verb, "writes a new migration file"),
    ],
    "migration:create": lambda call, verb, words: [
        call.on_files(_E.CREATE, words[:1] or ["."], verb, "writes a new migration file")
    ],
    "entity:create": _writes("writes a new entity file"),
    "subscriber:create": _writes("writes a new subscriber file"),
    "init": _writes("writes a new project"),
    "query": lambda call, verb, words: _typeorm_query(call, verb),
}


def _typeorm_query(call: Call, verb: str) -> list[Effect] | None:
    args = list(call.cmd.argv)
    try:
        at = args.index("query", 1) + 1
    except ValueError:
        return None
    sql = call.opts.operands[1:2]
    if not sql:
        return [call.unknown(verb, "typeorm query without SQL")]
    index = args.index(sql[0], at)
    from keyturn.understand.shell.commands._argv import Arg

    if is_dynamic(call.cmd, Arg("", sql[0], index)):
        return [call.unknown(verb, "runs SQL text decided at run time")]
    return call.sql(sql[0], verb)


def typeorm(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``typeorm VERB [-d DATA_SOURCE]``: as the module docstring says."""
    opts = parse_options(cmd.args, _TYPEORM)
    if not opts.operands or _HELP & {*opts.operands[:1], *cmd.args[:1]}:
        return _prints(cmd, ctx)
    scope = opts.value("d") or opts.value("c") or "*"
    call = Call(cmd, ctx, Place("typeorm", scope=scope), opts)
    return meaning_of(call, opts.operands, _TYPEORM_MEANINGS, depth=1)


# -- drizzle-kit ----------------------------------------------------------------------------

_DRIZZLE = OptionSpec(
    long_valued=frozenset({"config", "dialect", "schema", "out", "url", "driver", "name"})
    | frozenset({"prefix", "casing", "host", "port", "user", "password", "database", "ssl"})
    | frozenset({"auth-token", "tablesFilter", "schemaFilters", "extensionsFilters"})
    | frozenset({"breakpoints", "introspect-casing"}),
)


def _drizzle_push(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    answered = call.cmd.stdin_text is not None or call.cmd.stdin_dynamic
    if call.opts.on("force") or answered:
        return [call.effect(_E.DELETE, verb, "--force or answers fed: " + MAY_DROP)]
    return [call.effect(_E.UPDATE, verb, ASKS_FIRST)]


def _drizzle_out(call: Call) -> str:
    return call.opts.value("out") or "drizzle"


_DRIZZLE_MEANINGS: dict[str, Meaning] = {
    "migrate": fixed(_E.UPDATE, MIGRATES),
    "push": _drizzle_push,
    "generate": lambda call, verb, words: [
        call.on_files(_E.CREATE, [_drizzle_out(call)], verb, "writes new migration files")
    ],
    "pull": lambda call, verb, words: [
        call.effect(_E.READ, verb, "reads the database's schema"),
        call.on_files(_E.CREATE, [_drizzle_out(call)], verb, "writes the schema's code"),
    ],
    "drop": lambda call, verb, words: [
        call.on_files(_E.DELETE, [_drizzle_out(call)], verb, "deletes a migration file it asks for")
    ],
    "check": fixed(_E.READ, "checks the migration files"),
    "up": lambda call, verb, words: [
        call.on_files(_E.UPDATE, [_drizzle_out(call)], verb, "upgrades the migration snapshots")
    ],
    "export": fixed(_E.READ, "prints the schema's SQL"),
    "studio": unknown_verb("serves a web editor of the database's data: what is done there"),
}


def drizzle_kit(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``drizzle-kit VERB [OPTIONS]`` (``push:pg``-style verbs of older versions alike)."""
    opts = parse_options(cmd.args, _DRIZZLE)
    if not opts.operands or _HELP & {*opts.operands[:1], *cmd.args[:1]}:
        return _prints(cmd, ctx)
    dialect = opts.value("dialect")
    database = parse_url(opts.value("url"), cwd=ctx.cwd, engine=dialect)
    if database is None and opts.value("database"):
        database = Database(engine_of(dialect), opts.value("database") or "*", opts.value("host"))
    # A configuration file of its own per stage is drizzle-kit's way (drizzle-prod.config.ts)
    scope = opts.value("config")
    databases = (database,) if database else ()
    place = Place("drizzle-kit", databases, scope=scope, engine=engine_of(dialect))
    verb = opts.operands[0].split(":", 1)[0]
    if verb == "introspect":
        verb = "pull"
    return meaning_of(Call(cmd, ctx, place, opts), [verb], _DRIZZLE_MEANINGS, depth=1)
