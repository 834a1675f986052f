"""Rails' database tasks: ``rails db:*`` and ``rake db:*`` (``bundle exec`` is unwrapped
before; ``bin/rails`` and ``bin/rake``, the project's own files, reach here only when they are
the stock binstubs: :mod:`._script_launchers`).

The environment: ``-e``/``--environment`` (rails), ``RAILS_ENV=``/``RACK_ENV=`` written as a
word of the line (rake and rails read them there) or set before it, else the environment
keyturn was given; never assumed (Rails' default is ``development``, but the variable may be
set where keyturn cannot see). The databases: that environment's in ``config/database.yml``
(every environment's when none is told), ``DATABASE_URL`` over the primary one; named as
:mod:`._migration_names` says, with ``db:rails/<environment>`` (``db:rails/*`` when not told).
``DISABLE_DATABASE_ENVIRONMENT_CHECK=1`` (which lets destructive tasks run on a production
database) is said in every detail.

Kinds: ``db:drop``, ``db:rollback``, ``db:migrate:down``, ``db:truncate_all``,
``db:seed:replant``, ``db:fixtures:load`` delete; ``db:reset``, ``db:migrate:reset``,
``db:setup``, ``db:schema:load``, ``db:structure:load``, ``db:purge``, ``db:migrate:redo`` and the
``db:test:*`` loads replace (all data lost); ``db:migrate`` updates (deletes with ``VERSION=``:
it may go back); ``db:environment:set`` updates and removes protection (it is how the guard
above is passed); dumps read and rewrite the schema file. Multi-database suffixes
(``db:drop:animals``) name that configuration; ``:all`` every environment.

Unknown on purpose: ``rails runner``/``console`` (Ruby code), ``rails dbconsole`` without its
SQL on stdin, ``rake -e``/``-r`` (Ruby code; ``rails db:TASK -e CODE`` too: rails hands a
task's words to rake, so only ``-e NAME`` reads as an environment), tasks that are not
Rails' own (they are the project's code); other rails commands are not understood.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._migration_configs import rails_databases
from keyturn.understand.shell.commands._migration_names import (
    CREATES,
    DROPS,
    EMPTIES,
    MIGRATES,
    READS,
    RECREATES,
    REVERTS,
    REVERTS_ALL,
    SEEDS,
    Call,
    Place,
    setting,
)
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

_E = EffectKind
_LOADS = "loads the schema file over the database: every table is recreated, all data is lost"
_GUARD_OFF = (
    "DISABLE_DATABASE_ENVIRONMENT_CHECK is set: Rails' refusal to run destructive tasks on a "
    "production database is off"
)

# task -> (kind, detail); the environment ``test`` for the ``db:test:*`` tasks.
_TASKS: dict[str, tuple[EffectKind, str]] = {
    "db:create": (_E.CREATE, CREATES),
    "db:drop": (_E.DELETE, DROPS),
    "db:drop:_unsafe": (_E.DELETE, DROPS),
    "db:purge": (_E.REPLACE, RECREATES),
    "db:reset": (_E.REPLACE, RECREATES),
    "db:migrate:reset": (_E.REPLACE, RECREATES),
    "db:setup": (_E.REPLACE, "creates the database and " + _LOADS),
    "db:schema:load": (_E.REPLACE, _LOADS),
    "db:structure:load": (_E.REPLACE, _LOADS),
    "db:test:prepare": (_E.REPLACE, _LOADS),
    "db:test:load": (_E.REPLACE, _LOADS),
    "db:test:load_schema": (_E.REPLACE, _LOADS),
    "db:test:load_structure": (_E.REPLACE, _LOADS),
    "db:test:purge": (_E.REPLACE, RECREATES),
    "db:migrate:redo": (_E.REPLACE, "reverts and reapplies migrations: their tables lose data"),
    "db:rollback": (_E.DELETE, REVERTS),
    "db:migrate:down": (_E.DELETE, REVERTS),
    "db:truncate_all": (_E.DELETE, EMPTIES),
    "db:seed:replant": (_E.DELETE, EMPTIES + ", then the seeds run"),
    "db:fixtures:load": (_E.DELETE, "empties each fixture's table, then loads the fixtures"),
    "db:migrate": (_E.UPDATE, MIGRATES),
    "db:migrate:up": (_E.UPDATE, MIGRATES),
    "db:forward": (_E.UPDATE, MIGRATES),
    "db:prepare": (_E.UPDATE, "creates the database if missing, then migrates or loads it"),
    "db:seed": (_E.UPDATE, SEEDS),
    "db:environment:set": (_E.UPDATE, "sets the environment the database records"),
    "db:version": (_E.READ, READS),
    "db:migrate:status": (_E.READ, READS),
    "db:abort_if_pending_migrations": (_E.READ, READS),
    "db:check_protected_environments": (_E.READ, READS),
    "db:load_config": (_E.READ, "reads the configuration"),
    "db:schema:dump": (_E.READ, READS),
    "db:structure:dump": (_E.READ, READS),
    "db:schema:cache:dump": (_E.READ, READS),
}
_DUMPS = {
    "db:schema:dump": "db/schema.rb",
    "db:structure:dump": "db/structure.sql",
    "db:schema:cache:dump": "db/schema_cache.yml",
}
# rake's options that take a value, and those that run Ruby given on the line.
_RAKE_VALUED = frozenset({"-C", "--directory", "-f", "--rakefile", "-I", "--libdir", "-R"})
_RAKE_VALUED |= {"--rakelibdir", "-j", "--jobs", "--suppress-backtrace", "-t", "--trace"}
_RAKE_CODE = frozenset({"-e", "--execute", "-E", "--execute-continue", "-p", "--execute-print"})
_RAKE_CODE |= {"-r", "--require"}
_RAKE_LISTS = frozenset({"-T", "--tasks", "-D", "--describe", "-P", "--prereqs", "-W"})
_RAKE_LISTS |= {"--where", "-n", "--dry-run", "-H", "--help", "-h", "-V", "--version"}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def rake(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rake [OPTIONS] [VAR=VALUE…] TASK…``."""
    tasks: list[str] = []
    args = list(cmd.args)
    i = 0
    while i < len(args):
        word = args[i]
        name = word.partition("=")[0]
        if name in _RAKE_CODE or any(word.startswith(c) and len(c) == 2 for c in _RAKE_CODE):
            return [command_effect(_E.UNKNOWN, cmd, ctx, detail=f"rake {name} runs Ruby code")]
        if name in _RAKE_LISTS:
            return [command_effect(_E.READ, cmd, ctx, detail="lists or prints only")]
        if word in _RAKE_VALUED:
            if word in ("-C", "--directory") and i + 1 < len(args):
                # The tasks run there: its config/database.yml (unknown when decided at run time)
                moved = "/nonexistent/run-time" if i + 2 in cmd.dynamic_words else args[i + 1]
                ctx = evolve(ctx, cwd=normalize_path(moved, cwd=ctx.cwd))
            i += 2
            continue
        if not word.startswith("-") and not _ASSIGNMENT.match(word):
            tasks.append(word)
        i += 1
    return _tasks(cmd, ctx, tasks, environment=None)


def rails(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``rails db:TASK… [VAR=VALUE…]``, ``rails runner``/``console``/``dbconsole``."""
    words = [w for w in cmd.args if not _ASSIGNMENT.match(w)]
    environment = _option(words, ("-e", "--environment"))
    sub = next((w for w in words if not w.startswith("-")), "")
    if not sub or sub in ("--help", "-h", "help", "--version", "-v", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="prints only")]
    if sub in ("runner", "r", "console", "c"):
        what = "runs Ruby code" if sub in ("runner", "r") else "an interactive Ruby console"
        return [_call(cmd, ctx, environment).unknown(sub, f"rails {sub}: {what} in the app")]
    if sub in ("dbconsole", "db"):
        only = _option(words, ("--database", "--db"))
        call = _call(cmd, ctx, environment, only=only)
        if cmd.stdin_text is None and not any(r.op == "<" for r in cmd.redirects):
            return [call.unknown(sub, "an interactive SQL session: the statements are not known")]
        return call.sql_stdin(sub)
    code = _rake_code(words)
    if code is not None:
        # rails hands a task's words to rake: ``-e CODE`` there is rake's --execute.
        return [command_effect(_E.UNKNOWN, cmd, ctx, detail=f"rake {code} runs Ruby code")]
    tasks = [w for w in words if w.startswith("db:") or not w.startswith("-")]
    tasks = [w for w in tasks if w not in (environment or "",)]
    return _tasks(cmd, ctx, tasks, environment=environment)


_NAME = re.compile(r"[A-Za-z][\w-]*\Z")


def _rake_code(words: Sequence[str]) -> str | None:
    """The option of ``rails TASK …`` that makes rake run Ruby code (``-e 'system(…)'``,
    ``-r lib``, ``-p``), or ``None``. ``-e NAME`` is read as an environment's name (Ruby would
    only evaluate the bare name)."""
    for i, word in enumerate(words):
        name = word.partition("=")[0]
        short = word[:2] if len(word) > 2 and word[:2] in _RAKE_CODE else ""
        if name not in _RAKE_CODE and not short:
            continue
        if name in ("-e", "--execute") or short == "-e":
            value = word[2:] if short else (words[i + 1] if i + 1 < len(words) else "")
            if _NAME.match(value.partition("=")[2] if "=" in word and not short else value):
                continue
        return short or name
    return None


def _option(words: Sequence[str], names: tuple[str, ...]) -> str | None:
    for i, word in enumerate(words):
        name, eq, value = word.partition("=")
        if name in names:
            return value if eq else (words[i + 1] if i + 1 < len(words) else None)
    return None


def _tasks(
    cmd: SimpleCommand, ctx: ShellContext, tasks: Sequence[str], *, environment: str | None
) -> list[Effect] | None:
    effects: list[Effect] = []
    known = False
    for task in tasks:
        name = task.split("[", 1)[0]
        found = _task(cmd, ctx, name, environment)
        if found is None:
            reason = f"the task {name[:60]!r} is the project's code, not judged here"
            effects.append(_call(cmd, ctx, environment).unknown(name, reason))
        else:
            known = True
            effects += found
    return effects if known else None


def _task(
    cmd: SimpleCommand, ctx: ShellContext, name: str, environment: str | None
) -> list[Effect] | None:
    """The effects of one task, or ``None`` when it is not one of Rails' database tasks."""
    only, every = None, False
    base = name
    if base not in _TASKS and base.endswith(":all"):
        base, every = base[:-4], True
    if base not in _TASKS and base.count(":") >= 2:
        base, only = base.rsplit(":", 1)  # db:migrate:animals: one configuration
    if base not in _TASKS:
        return None
    kind, detail = _TASKS[base]
    if base.startswith("db:test:"):
        environment = "test"
    call = _call(cmd, ctx, environment, only=only, every=every)
    version = setting(cmd, ctx, "VERSION", in_words=True)
    if base == "db:migrate" and version is not None:
        kind = _E.DELETE
        detail = REVERTS_ALL if version.strip() == "0" else f"VERSION={version[:40]}: " + REVERTS
    effect = call.effect(kind, name, detail)
    if base == "db:environment:set":
        effect = evolve(effect, removes_protection=True)
    effects = [effect]
    if base in _DUMPS:
        effects.append(call.on_files(_E.UPDATE, [_DUMPS[base]], name, "writes the schema file"))
    return effects


def _call(
    cmd: SimpleCommand,
    ctx: ShellContext,
    environment: str | None,
    *,
    only: str | None = None,
    every: bool = False,
) -> Call:
    env = None if every else _environment(cmd, ctx, environment)
    databases, engine = rails_databases(cmd, ctx, env, only)
    notes: tuple[str, ...] = ()
    guard = setting(cmd, ctx, "DISABLE_DATABASE_ENVIRONMENT_CHECK", in_words=True)
    if guard not in (None, "", "0", "false"):
        notes = (_GUARD_OFF,)
    if env == "development":  # Rails acts on the test database alongside
        more, _ = rails_databases(cmd, ctx, "test", only)
        databases = tuple(dict.fromkeys((*databases, *more)))
    return Call(cmd, ctx, Place("rails", databases, scope=env or "*", engine=engine, notes=notes))


def _environment(cmd: SimpleCommand, ctx: ShellContext, given: str | None) -> str | None:
    for found in (
        given,
        setting(cmd, ctx, "RAILS_ENV", in_words=True),
        setting(cmd, ctx, "RACK_ENV", in_words=True),
    ):
        if found and "$" not in found:
            return found
    return None
