"""Prisma's CLI (``prisma``; ``npx prisma`` and the other runners route here).

The database: ``--url`` on the line, else the datasource of ``prisma.config.ts`` or of the
schema (``--schema``, package.json's ``prisma.schema``, ``prisma/schema.prisma``): its ``url``
and ``directUrl``, ``env("VAR")`` read from the line and the environment (see
:mod:`._migration_configs`). Named as :mod:`._migration_names` says; Prisma has no
environments of its own, so there is no ``db:prisma/…`` name.

Kinds: ``migrate status``/``diff``, ``db pull``, ``validate`` read; ``migrate deploy``/``dev``,
``migrate resolve``, ``db push`` update (``db push --accept-data-loss`` deletes: what the
schema lacks is dropped with its data; ``db push --force-reset`` and ``migrate reset`` replace
the database, all data lost); ``db execute --file F``/``--stdin`` is the SQL, judged as the SQL
clients' is; ``db seed`` (and ``migrate reset`` unless ``--skip-seed``) runs the seed command of
package.json or prisma.config.ts, judged as shell text; ``generate`` writes the client when the
schema's generators are Prisma's own.

Unknown on purpose: ``studio`` (a web editor of the data), generators that are other
programs, SQL not at hand, a seed command that cannot be read; other verbs are not understood.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._migration_configs import (
    json_path,
    prisma_databases,
    prisma_schema,
    read,
)
from keyturn.understand.shell.commands._migration_names import (
    ASKS_FIRST,
    HISTORY,
    MIGRATES,
    READS,
    RECREATES,
    Call,
    Meaning,
    Place,
    engine_of,
    fixed,
    meaning_of,
    parse_url,
    unknown_verb,
)
from keyturn.understand.shell.commands._runner_files import judge_text, unknown_run
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind

PRISMA_OPTIONS = OptionSpec(
    valued="np",
    long={"name": "n", "port": "p", "force": "f", "help": "h", "version": "v"},
    long_valued=frozenset({"schema", "config", "url", "file", "applied", "rolled-back"})
    | frozenset({"from-url", "to-url", "from-schema-datamodel", "to-schema-datamodel"})
    | frozenset({"from-schema-datasource", "to-schema-datasource", "from-migrations"})
    | frozenset({"to-migrations", "from-schema", "to-schema", "from-config-datasource"})
    | frozenset({"to-config-datasource", "shadow-database-url", "output", "generator"})
    | frozenset({"browser", "hostname", "composite-type-depth", "preview-feature"})
    | frozenset({"telemetry-information", "datasource-provider", "db", "n", "p"}),
)
_GENERATOR = re.compile(r"^\s*generator\s+\w+\s*\{([^}]*)\}", re.MULTILINE)
_GENERATOR_FIELD = re.compile(r'^\s*(provider|output)\s*=\s*"([^"]*)"', re.MULTILINE)
_PRISMA_CLIENTS = frozenset({"prisma-client-js", "prisma-client"})
_CONFIG_SEED = re.compile(r"""\bseed\s*:\s*(["'`])((?:(?!\1).)*)\1""")


def prisma(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Prisma's commands, as the module docstring says."""
    opts = parse_options(cmd.args, PRISMA_OPTIONS)
    words = list(opts.operands)
    if not words or words[0] in ("version", "help") or opts.has("h", "v"):
        return [command_effect(_E.READ, cmd, ctx, detail="prints only")]
    schema, config = opts.value("schema"), opts.value("config")
    databases, provider = prisma_databases(cmd, ctx, schema=schema, config=config)
    if opts.has("url"):  # a URL given outright wins (not known when decided at run time)
        url = parse_url(opts.value("url"), cwd=ctx.cwd, engine=provider)
        databases = (url,) if url is not None else ()
    place = Place("prisma", databases, engine=engine_of(provider))
    return meaning_of(Call(cmd, ctx, place, opts), words, _MEANINGS)


def _reset(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    effects = [call.effect(_E.REPLACE, verb, RECREATES)]
    if not call.opts.has("skip-seed"):
        effects += _seed_effects(call)
    return effects


def _push(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    if call.opts.has("force-reset"):
        return [call.effect(_E.REPLACE, verb, "--force-reset: " + RECREATES)]
    if call.opts.has("accept-data-loss"):
        detail = "--accept-data-loss: what the schema lacks is dropped with its data"
        return [call.effect(_E.DELETE, verb, detail)]
    return [call.effect(_E.UPDATE, verb, ASKS_FIRST)]


def _dev(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    detail = (
        "applies the migrations and makes new ones from the schema; on drift it asks to reset "
        "the database (all data lost)"
    )
    return [call.effect(_E.UPDATE, verb, detail), *_shadow(call, verb)]


def _diff(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    found = [call.effect(_E.READ, verb, READS)]
    for key in ("from-url", "to-url"):
        database = parse_url(call.opts.value(key), cwd=call.ctx.cwd)
        if database is not None:
            place = Place("prisma", (database,))
            found.append(Call(call.cmd, call.ctx, place).effect(_E.READ, verb, READS))
    return found + _shadow(call, verb)


def _shadow(call: Call, verb: str) -> list[Effect]:
    """The shadow database given on the line: Prisma resets it to replay the migrations."""
    shadow = parse_url(call.opts.value("shadow-database-url"), cwd=call.ctx.cwd)
    if shadow is None:
        return []
    detail = "the shadow database is reset to replay the migrations: all its data is lost"
    return [Call(call.cmd, call.ctx, Place("prisma", (shadow,))).effect(_E.REPLACE, verb, detail)]


def _execute(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    path = call.opts.value("file")
    if path is not None:
        if any(call.cmd.argv[i] == path for i in call.cmd.dynamic_words):
            return [call.unknown(verb, "runs SQL from a file decided at run time")]
        return call.sql_file(path, verb)
    if call.opts.has("stdin"):
        return call.sql_stdin(verb)
    return None


def _pull(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    found = [call.effect(_E.READ, verb, "reads the database's schema")]
    if not call.opts.has("print"):
        path = _schema_path(call)
        found.append(call.on_files(_E.UPDATE, [path], verb, "the schema is rewritten"))
    return found


def _seed(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    return _seed_effects(call) or [call.effect(_E.READ, verb, "no seed command is configured")]


def _seed_effects(call: Call) -> list[Effect]:
    """The seed command (package.json's ``prisma.seed``, prisma.config.ts's ``seed``), judged
    as the shell text it is."""
    ctx = call.ctx
    package, package_text = read(ctx, "package.json")
    config, config_text = read(ctx, call.opts.value("config") or "prisma.config.ts")
    seeds = [(package, s) for s in [json_path(package_text, ("prisma", "seed"))] if s]
    seeds += [(config, m.group(2)) for m in _CONFIG_SEED.finditer(config_text or "")]
    effects: list[Effect] = []
    for path, seed in seeds:
        if not isinstance(seed, str):
            effects.append(unknown_run(f"{path}: a seed that is not a command", path, ctx))
        else:
            effects += judge_text(seed, "the Prisma seed command", path, ctx)
    if not seeds and package_text is None and config_text is None:
        reason = "runs the seed command of package.json or prisma.config.ts, not at hand"
        effects.append(unknown_run(reason, package, ctx))
    return effects


def _generate(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    found = prisma_schema(call.ctx, call.opts.value("schema"))
    if found is None:
        return [call.unknown(verb, "runs the schema's generators; the schema could not be read")]
    path, text = found
    base = path.rsplit("/", 1)[0] or "/"
    outputs: list[str] = []
    for block in _GENERATOR.findall(text):
        fields = dict(_GENERATOR_FIELD.findall(block))
        provider = fields.get("provider", "")
        if provider not in _PRISMA_CLIENTS:
            reason = f"the schema's generator {provider[:60]!r} is a program keyturn does not judge"
            return [call.unknown(verb, reason)]
        output = fields.get("output")
        outputs.append(f"{base}/{output}" if output else f"{call.ctx.cwd}/node_modules/.prisma")
    return [call.on_files(_E.UPDATE, outputs, verb, "writes the Prisma client's code")]


def _schema_path(call: Call) -> str:
    found = prisma_schema(call.ctx, call.opts.value("schema"))
    return found[0] if found is not None else "prisma/schema.prisma"


def _on_schema(kind: EffectKind, detail: str) -> Meaning:
    def meaning(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
        return [call.on_files(kind, [_schema_path(call)], verb, detail)]

    return meaning


def _init(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    paths = ["prisma/schema.prisma", ".env", "prisma.config.ts"]
    return [call.on_files(_E.CREATE, paths, verb, "writes a new schema and settings")]


_MEANINGS: dict[str, Meaning] = {
    "migrate status": fixed(_E.READ, READS),
    "migrate diff": _diff,
    "migrate deploy": fixed(_E.UPDATE, MIGRATES),
    "migrate dev": _dev,
    "migrate reset": _reset,
    "migrate resolve": fixed(_E.UPDATE, HISTORY),
    "db push": _push,
    "db pull": _pull,
    "db seed": _seed,
    "db execute": _execute,
    "generate": _generate,
    "validate": _on_schema(_E.READ, "checks the schema"),
    "format": _on_schema(_E.UPDATE, "the schema is reformatted"),
    "init": _init,
    "debug": fixed(_E.READ, "prints settings"),
    "studio": unknown_verb("serves a web editor of the database's data: what is done there"),
}
