"""Migration tools of plain SQL files: ``supabase`` (its ``db`` and ``migration`` commands),
``flyway``, ``liquibase``.

Databases: ``--db-url``/``-url=``/``--url`` on the line, else the tool's environment variable
(``FLYWAY_URL``, ``LIQUIBASE_COMMAND_URL``) or configuration file (``-configFiles=``/
``FLYWAY_CONFIG_FILES``, else ``flyway.conf``/``flyway.toml``; ``--defaults-file``/
``LIQUIBASE_DEFAULTS_FILE``, else ``liquibase.properties``), named as
:mod:`._migration_names` says. Supabase
targets the local database (``--local``; ``db:postgres/postgres@127.0.0.1`` and
``db:supabase/local``) or the linked project (``--linked``; ``db:postgres/postgres@db.<ref>.
supabase.co`` and ``db:supabase/<ref>`` with the project ref of ``--project-ref``, else
``SUPABASE_PROJECT_ID``, else ``supabase/.temp/project-ref``, ``*`` when none is at hand), each
command's default as the CLI has it; ``--dry-run`` (not ``--dry-run=false``) only prints. Flyway's
``-environment=`` names ``db:flyway/<environment>``.

Kinds: ``supabase db reset`` replaces; ``db push``/``migration up`` update; ``migration down``
deletes; ``migration repair`` rewrites the history; ``db query SQL`` (or ``-f FILE``, stdin) is
the SQL, judged as the SQL clients' is. ``flyway clean`` deletes every object of the schemas,
``migrate`` updates (deletes, as ``validate`` does, when ``cleanOnValidationError`` is on: an
error cleans the schemas), ``undo`` deletes, ``repair``/``baseline`` rewrite the history, ``info``/
``validate``/``check`` read; several commands on one line are each judged. ``liquibase
drop-all`` deletes, ``update*`` updates, ``rollback*`` deletes, ``*-sql`` and reports read,
``execute-sql --sql``/``--sql-file`` is the SQL.

Supabase's other commands (projects, branches, functions, secrets, storage) are in
:mod:`._supabase_platform`. Unknown: a Supabase ``db query`` whose SQL is not at hand; other
verbs are not understood.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._migration_configs import (
    flyway_setting,
    flyway_url,
    liquibase_url,
    supabase_ref,
)
from keyturn.understand.shell.commands._migration_names import (
    HISTORY,
    MIGRATES,
    READS,
    RECREATES,
    REVERTS,
    Call,
    Database,
    Meaning,
    Place,
    fixed,
    parse_url,
    setting,
)
from keyturn.understand.shell.commands._paas_common import parse_args
from keyturn.understand.shell.commands._server_target import on_server
from keyturn.understand.shell.commands._supabase_platform import supabase_platform
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
_HELP = frozenset({"help", "version", "--help", "-h", "--version", "-v"})


def _prints(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    return [command_effect(_E.READ, cmd, ctx, detail="prints only")]


# -- supabase -------------------------------------------------------------------------------

_SUPABASE = OptionSpec(
    valued="psfox",
    long={"password": "p", "schema": "s", "file": "f", "output": "o", "exclude": "x"},
    long_valued=frozenset({"workdir", "profile", "network-id", "dns-resolver", "db-url"})
    | frozenset({"version", "last", "status", "level", "fail-on", "project-ref", "name"})
    | frozenset({"p", "s", "f", "o", "x", "env-file", "import-map", "org-id", "region"}),
)
# verb -> (kind, detail, the target when neither --local nor --linked is given)
_SUPABASE_VERBS: dict[str, tuple[EffectKind, str, str]] = {
    "db reset": (_E.REPLACE, RECREATES, "local"),
    "db push": (_E.UPDATE, MIGRATES, "linked"),
    "db pull": (_E.READ, "reads the schema and writes a migration file", "linked"),
    "db dump": (_E.READ, "reads the schema or data", "linked"),
    "db diff": (_E.READ, READS, "local"),
    "db lint": (_E.READ, READS, "local"),
    "migration list": (_E.READ, READS, "linked"),
    "migration up": (_E.UPDATE, MIGRATES, "local"),
    "migration down": (_E.DELETE, REVERTS, "local"),
    "migration repair": (_E.UPDATE, HISTORY, "linked"),
    "migration fetch": (_E.READ, "reads the migration history into files", "linked"),
    "db query": (_E.UNKNOWN, "", "both"),
}


def supabase(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``supabase db …`` and ``supabase migration …``: as the module docstring says."""
    opts = parse_args(cmd.args, _SUPABASE)
    words = list(opts.operands)
    if not words or words[0] in _HELP or opts.has("h", "help"):
        return _prints(cmd, ctx)
    verb = " ".join(words[:2])
    if verb == "migration new":
        detail = "writes a new migration file"
        path = f"supabase/migrations/*_{words[2] if len(words) > 2 else ''}.sql"
        return [Call(cmd, ctx, Place("supabase")).on_files(_E.CREATE, [path], verb, detail)]
    meaning = _SUPABASE_VERBS.get(verb)
    if meaning is None:
        return supabase_platform(cmd, ctx, opts, words)
    kind, detail, default = meaning
    if opts.surely_on("dry-run"):  # not --dry-run=false
        kind, detail = _E.READ, "--dry-run: prints only"
    effects: list[Effect] = []
    for call in _supabase_calls(cmd, ctx, opts, default):
        if verb == "db query":
            effects += _supabase_query(call, verb, words[2:])
        else:
            effects.append(call.effect(kind, verb, detail))
    return effects


def _supabase_calls(
    cmd: SimpleCommand, ctx: ShellContext, opts: Options, default: str
) -> list[Call]:
    if opts.has("db-url"):
        database = parse_url(opts.value("db-url"), cwd=ctx.cwd)
        place = Place("supabase", (database,) if database else (), engine="postgres")
        return [Call(cmd, ctx, place, opts)]
    targets = [t for t in ("local", "linked") if opts.has(t)]
    targets = targets or (["local", "linked"] if default == "both" else [default])
    calls = []
    for target in targets:
        if target == "local":
            local = Database("postgres", "postgres", "127.0.0.1")
            calls.append(Call(cmd, ctx, Place("supabase", (local,), scope="local"), opts))
            continue
        ref = (
            opts.value("project-ref")
            or setting(cmd, ctx, "SUPABASE_PROJECT_ID")
            or supabase_ref(ctx, opts.value("workdir"))
        )
        remote = Database("postgres", "postgres", f"db.{ref or '*'}.supabase.co")
        # Supabase's database: the shell's AWS profile says nothing of which project it is.
        there = on_server(ctx)
        calls.append(Call(cmd, there, Place("supabase", (remote,), scope=ref or "*"), opts))
    return calls


def _supabase_query(call: Call, verb: str, words: Sequence[str]) -> list[Effect]:
    path = call.opts.value("f")
    if path is not None:
        return call.sql_file(path, verb)
    if words:
        dynamic = any(call.cmd.argv[i] == words[0] for i in call.cmd.dynamic_words)
        if dynamic:
            return [call.unknown(verb, "runs SQL text decided at run time")]
        return call.sql(words[0], verb)
    return call.sql_stdin(verb)


# -- flyway ---------------------------------------------------------------------------------

_FLYWAY_VERBS: dict[str, tuple[EffectKind, str]] = {
    "migrate": (_E.UPDATE, MIGRATES),
    "clean": (
        _E.DELETE,
        "drops every object of the configured schemas: all data is lost (unless the "
        "configuration's cleanDisabled stops it)",
    ),
    "undo": (_E.DELETE, REVERTS),
    "repair": (_E.UPDATE, HISTORY),
    "baseline": (_E.UPDATE, HISTORY),
    "info": (_E.READ, READS),
    "validate": (_E.READ, READS),
    "check": (_E.READ, READS),
    "snapshot": (_E.READ, READS),
}


def flyway(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``flyway [-key=value…] COMMAND…``."""
    values: dict[str, str] = {}
    commands: list[str] = []
    for word in cmd.args:
        if word.startswith("-"):
            key, _, value = word.lstrip("-").partition("=")
            values[key] = value
        else:
            commands.append(word)
    if not commands or any(c in _HELP for c in commands) or "?" in values:
        return _prints(cmd, ctx)
    environment = values.get("environment") or setting(cmd, ctx, "FLYWAY_ENVIRONMENT")
    given = values.get("configFiles") or setting(cmd, ctx, "FLYWAY_CONFIG_FILES") or ""
    files = [f for f in given.split(",") if f]
    url = values.get("url") or setting(cmd, ctx, "FLYWAY_URL")
    if url is None and "url" not in values:
        url = flyway_url(ctx, files=files, environment=environment)
    database = parse_url(url, cwd=ctx.cwd)
    place = Place("flyway", (database,) if database else (), scope=environment)
    call = Call(cmd, ctx, place)
    cleans = _cleans_on_error(cmd, ctx, values, files)
    effects: list[Effect] = []
    known = False
    for name in commands:
        meaning = _FLYWAY_VERBS.get(name)
        if meaning is None:
            effects.append(call.unknown(name, f"flyway {name[:40]} is not understood"))
            continue
        known = True
        if cleans and name in ("migrate", "validate"):
            meaning = (_E.DELETE, f"{meaning[1]}; " + _CLEANS)
        effects.append(call.effect(meaning[0], name, meaning[1]))
    return effects if known else None


_CLEANS = (
    "cleanOnValidationError is on: a validation error drops every object of the schemas, all "
    "data is lost"
)


def _cleans_on_error(
    cmd: SimpleCommand, ctx: ShellContext, values: dict[str, str], files: list[str]
) -> bool:
    """Whether ``cleanOnValidationError`` is on (the line, ``FLYWAY_CLEAN_ON_VALIDATION_ERROR``
    or a configuration file), which makes ``migrate``/``validate`` clean on an error."""
    found = values.get("cleanOnValidationError")
    if found is None:
        found = setting(cmd, ctx, "FLYWAY_CLEAN_ON_VALIDATION_ERROR")
    if found is None:
        found = flyway_setting(ctx, files=files, key="cleanOnValidationError")
    return found is not None and found.strip().lower() not in ("false", "0", "no", "off")


# -- liquibase ------------------------------------------------------------------------------

_LIQUIBASE = OptionSpec(
    long_valued=frozenset({"url", "username", "password", "changelog-file", "defaults-file"})
    | frozenset({"sql", "sql-file", "count", "tag", "date", "contexts", "labels", "log-level"})
    | frozenset({"output-file", "reference-url", "classpath", "driver", "search-path"})
    | frozenset({"rollback-script", "changeset-id", "changeset-author", "changeset-path"})
    | frozenset({"deployment-id", "delimiter", "default-schema-name", "schemas"})
    | frozenset({"change-log-file", "reference-username", "reference-password", "hub-mode"}),
)
_SHOWS_SQL = "prints the SQL only"
_LIQUIBASE_REPORTS = frozenset(
    {"status", "history", "validate", "diff", "snapshot", "snapshot-reference", "list-locks"}
    | {"tag-exists", "calculate-checksum", "unexpected-changesets", "checks", "db-doc"}
    | {"connect", "execute-sql-sql"}
)


def _liquibase_execute(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    sql, path = call.opts.value("sql"), call.opts.value("sql-file")
    if sql is not None:
        if any(call.cmd.argv[i].endswith(sql) for i in call.cmd.dynamic_words):
            return [call.unknown(verb, "runs SQL decided at run time")]
        return call.sql(sql, verb)
    if path is not None:
        return call.sql_file(path, verb)
    return [call.unknown(verb, "execute-sql without --sql or --sql-file")]


def _liquibase_meaning(verb: str) -> Meaning | None:
    if (verb.endswith("-sql") and verb != "execute-sql") or verb in _LIQUIBASE_REPORTS:
        return fixed(_E.READ, _SHOWS_SQL if verb.endswith("-sql") else READS)
    if verb == "execute-sql":
        return _liquibase_execute
    if verb == "drop-all":
        return fixed(_E.DELETE, "drops every object of the database's schemas: all data is lost")
    if verb.startswith("rollback"):
        return fixed(_E.DELETE, REVERTS)
    if verb.startswith("update"):
        return fixed(_E.UPDATE, MIGRATES)
    if verb in ("tag", "changelog-sync", "changelog-sync-to-tag", "mark-next-changeset-ran"):
        return fixed(_E.UPDATE, HISTORY)
    if verb in ("clear-checksums", "release-locks"):
        return fixed(_E.UPDATE, HISTORY)
    if verb in ("generate-changelog", "diff-changelog"):
        return _writes_changelog
    return None


def _writes_changelog(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    changelog = call.opts.value("changelog-file") or "."
    return [
        call.effect(_E.READ, verb, READS),
        call.on_files(_E.CREATE, [changelog], verb, "writes a changelog"),
    ]


def liquibase(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``liquibase [--url=… …] COMMAND [--options…]`` (old camelCase names alike)."""
    opts = parse_options(_kebab_options(cmd.args), _LIQUIBASE)
    words = [_kebab(w) for w in opts.operands]
    if not words or words[0] in _HELP or opts.has("help", "h", "version"):
        return _prints(cmd, ctx)
    url = opts.value("url") or setting(cmd, ctx, "LIQUIBASE_COMMAND_URL")
    if url is None and not opts.has("url"):
        defaults = opts.value("defaults-file") or setting(cmd, ctx, "LIQUIBASE_DEFAULTS_FILE")
        url = liquibase_url(ctx, defaults)
    database = parse_url(url, cwd=ctx.cwd)
    call = Call(cmd, ctx, Place("liquibase", (database,) if database else ()), opts)
    meaning = _liquibase_meaning(words[0])
    return meaning(call, words[0], words[1:]) if meaning is not None else None


def _kebab(word: str) -> str:
    """``dropAll`` -> ``drop-all``, ``updateSQL`` -> ``update-sql``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", word).lower()


def _kebab_options(args: Sequence[str]) -> list[str]:
    out = []
    for arg in args:
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            arg = f"--{_kebab(name)}{eq}{value}"
        out.append(arg)
    return out
