"""Django's management commands (``django-admin X``, ``python manage.py X``) and ``alembic``.

Django: a project's ``manage.py`` is Django's only when it can be read and is the launcher
``startproject`` writes and nothing more (:mod:`._django_launcher`); any other, one that cannot
be read, and one the line itself wrote, is as unknown as running any Python program. The
settings are Python code, not read: the database is not known (``db:*/*``); the settings
module (``--settings``, ``DJANGO_SETTINGS_MODULE``, manage.py's default) and the database alias
(``--database``, ``default``) name it ``db:django/<settings>/<alias>``
(``db:django/*/default`` when the settings are not told).

Kinds: ``flush`` deletes every row; ``reset_db`` (django-extensions) replaces the database;
``migrate APP zero`` reverts every migration of the app and ``migrate APP NAME`` may go back
(deletes); ``migrate`` updates (``--fake`` the history only; ``--plan``/``--check`` read);
``loaddata`` writes rows; ``showmigrations``, ``sqlmigrate``, ``sqlflush``, ``inspectdb``,
``dumpdata``... read (``dumpdata -o FILE`` also writes the file); ``dbshell`` runs the SQL on
its stdin, judged as the SQL clients' is.

alembic: the database of ``sqlalchemy.url`` (``-c``, ``-n``) when env.py takes it as it is
(:mod:`._migration_configs`); ``-x`` arguments (which env.py may use to pick the database) name
``db:alembic/<x arguments>``. ``upgrade`` updates, ``downgrade`` deletes (``base``: every
migration), ``stamp`` rewrites the history, ``current``/``history``/``heads``/``check`` read,
``--sql`` only prints.

Unknown on purpose: ``shell``, ``shell_plus``, ``runscript`` (Python code), ``dbshell`` without
its SQL, ``alembic edit``; other commands are not understood.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._django_launcher import MAX_LAUNCHER, is_django_launcher
from keyturn.understand.shell.commands._migration_configs import alembic_database
from keyturn.understand.shell.commands._migration_names import (
    EMPTIES,
    HISTORY,
    MIGRATES,
    READS,
    RECREATES,
    REVERTS,
    REVERTS_ALL,
    Call,
    Meaning,
    Place,
    fixed,
    meaning_of,
    setting,
    unknown_verb,
)
from keyturn.understand.shell.commands._paas_common import parse_args
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_E = EffectKind
_HELP = frozenset({"help", "version", "--help", "-h", "--version"})

_DJANGO = OptionSpec(
    valued="voe",
    long={"verbosity": "v", "output": "o", "exclude": "e"},
    long_valued=frozenset({"settings", "pythonpath", "database", "format", "indent", "app"})
    | frozenset({"v", "o", "e", "pks", "table", "name", "router", "dbname", "user"}),
)
_SETTINGS_DEFAULT = re.compile(
    r"""setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']"""
)


def _django_migrate(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    opts = call.opts
    if opts.has("plan", "check"):
        return [call.effect(_E.READ, verb, READS)]
    if opts.has("fake"):
        return [call.effect(_E.UPDATE, verb, HISTORY)]
    if len(words) >= 2:
        app, target = words[0], words[1]
        if target == "zero":
            return [call.effect(_E.DELETE, verb, f"{app}: " + REVERTS_ALL)]
        detail = f"migrates {app} to {target}: those after it are reverted, dropping what they made"
        return [call.effect(_E.DELETE, verb, detail)]
    return [call.effect(_E.UPDATE, verb, MIGRATES)]


def _dbshell(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    if words:  # ``dbshell -- -c SQL``: options handed to the database's own client
        return [call.unknown(verb, "passes options to the database's command-line client")]
    if call.cmd.stdin_text is None and not any(r.op == "<" for r in call.cmd.redirects):
        return [call.unknown(verb, "an interactive SQL session: the statements are not known")]
    return call.sql_stdin(verb)


def _dumpdata(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    """``dumpdata`` reads; with ``-o/--output FILE`` it also writes that file."""
    found = [call.effect(_E.READ, verb, READS)]
    output = call.opts.value("o")
    if output:
        found.append(call.on_files(_E.UPDATE, [output], verb, "writes the dump to the file"))
    return found


_PYTHON_CODE = "runs Python code in the project (its effects are not judged)"
_DJANGO_MEANINGS: dict[str, Meaning] = {
    "migrate": _django_migrate,
    "flush": fixed(_E.DELETE, EMPTIES),
    "reset_db": fixed(_E.REPLACE, RECREATES),
    "loaddata": fixed(_E.UPDATE, "writes the fixtures' rows, over rows with the same keys"),
    "createsuperuser": fixed(_E.CREATE, "creates a user"),
    "changepassword": fixed(_E.UPDATE, "changes a user's password"),
    "createcachetable": fixed(_E.CREATE, "creates the cache tables"),
    "clearsessions": fixed(_E.DELETE, "deletes the expired sessions"),
    "remove_stale_contenttypes": fixed(_E.DELETE, "deletes content types of removed models"),
    **dict.fromkeys(
        (
            *("showmigrations", "sqlmigrate", "sqlflush", "sqlsequencereset", "inspectdb"),
            *("check", "diffsettings", "sqlcreate", "show_urls"),
        ),
        fixed(_E.READ, READS),
    ),
    "dumpdata": _dumpdata,
    "dbshell": _dbshell,
    **dict.fromkeys(("shell", "shell_plus", "runscript"), unknown_verb(_PYTHON_CODE)),
}


def django(
    cmd: SimpleCommand, ctx: ShellContext, *, start: int = 1, launcher: str | None = None
) -> list[Effect] | None:
    """``django-admin COMMAND …`` (``start``: where the command's words begin in argv, after
    ``python manage.py``; ``launcher``: that manage.py's text, which names the default
    settings)."""
    args = cmd.argv[start:]
    opts = parse_options(args, _DJANGO)
    words = list(opts.operands)
    if not words or words[0] in _HELP or opts.has("h", "help", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="prints only")]
    settings = opts.value("settings") or setting(cmd, ctx, "DJANGO_SETTINGS_MODULE")
    if settings is None and launcher is not None:
        found = _SETTINGS_DEFAULT.search(launcher)
        settings = found.group(1) if found else None
    if settings and "$" in settings:
        settings = None
    scope = f"{settings or '*'}/{opts.value('database') or 'default'}"
    call = Call(cmd, ctx, Place("django", scope=scope), opts)
    return meaning_of(call, words, _DJANGO_MEANINGS, depth=1)


def django_launcher(path: str, ctx: ShellContext) -> str | None:
    """The text of ``path`` (a manage.py about to run) when it is taken for Django's: it can be
    read, the line does not write it first, and it is Django's launcher and nothing more.
    ``None``: a Python program like any other."""
    absolute = normalize_path(path, cwd=ctx.cwd)
    wrote, _ = written_text(ctx.written, absolute) if ctx.written else (False, None)
    if wrote:
        return None
    text = ctx.files.read_text(absolute, limit=MAX_LAUNCHER + 1)
    return text if text is not None and is_django_launcher(text) else None


# -- alembic --------------------------------------------------------------------------------

_ALEMBIC = OptionSpec(
    valued="cnxmr",
    long={"config": "c", "name": "n", "message": "m", "rev-range": "r"},
    long_valued=frozenset({"c", "n", "x", "m", "r", "tag", "head", "splice", "branch-label"})
    | frozenset({"version-path", "rev-id", "depends-on", "template", "package"}),
)


def _downgrade(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    if call.opts.has("sql"):
        return [call.effect(_E.READ, verb, "--sql: prints the SQL only")]
    argv = list(call.cmd.argv)
    after = argv.index(verb) + 1 if verb in argv else len(argv)
    target = argv[after] if after < len(argv) else ""  # ``-1`` reads as an option otherwise
    detail = REVERTS_ALL if target.split(":")[-1] == "base" else f"to {target[:40]}: " + REVERTS
    return [call.effect(_E.DELETE, verb, detail)]


def _offline(kind: EffectKind, detail: str) -> Meaning:
    """A verb that prints its SQL instead of running it with ``--sql``."""

    def meaning(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
        if call.opts.has("sql"):
            return [call.effect(_E.READ, verb, "--sql: prints the SQL only")]
        return [call.effect(kind, verb, detail)]

    return meaning


def _revision(call: Call, verb: str, words: Sequence[str]) -> list[Effect] | None:
    found = [call.on_files(_E.CREATE, ["alembic/versions"], verb, "writes a new revision file")]
    if call.opts.has("autogenerate"):
        found.insert(0, call.effect(_E.READ, verb, "compares the database with the models"))
    return found


_ALEMBIC_MEANINGS: dict[str, Meaning] = {
    "upgrade": _offline(_E.UPDATE, MIGRATES),
    "downgrade": _downgrade,
    "stamp": _offline(_E.UPDATE, HISTORY),
    "ensure_version": _offline(_E.UPDATE, "creates the version table"),
    **dict.fromkeys(
        ("current", "history", "heads", "branches", "show", "check", "list_templates"),
        fixed(_E.READ, READS),
    ),
    "revision": _revision,
    "merge": lambda call, verb, words: [
        call.on_files(_E.CREATE, ["alembic/versions"], verb, "writes a merge revision file")
    ],
    "init": lambda call, verb, words: [
        call.on_files(_E.CREATE, words[:1] or ["alembic"], verb, "writes a new environment")
    ],
    "edit": unknown_verb("opens the revision in an editor"),
}


def alembic(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``alembic [-c INI] [-n SECTION] [-x K=V]… COMMAND …``."""
    opts = parse_args(cmd.args, _ALEMBIC)
    words = list(opts.operands)
    if not words or words[0] in _HELP or opts.has("h", "help", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="prints only")]
    database, engine = alembic_database(ctx, config=opts.value("c"), section=opts.value("n"))
    chosen = [*([f"name={opts.value('n')}"] if opts.value("n") else []), *opts.values.get("x", ())]
    scope = ",".join(chosen) if chosen else None
    if scope and "$" in scope:
        scope = "*"
    place = Place("alembic", (database,) if database else (), scope=scope, engine=engine)
    return meaning_of(Call(cmd, ctx, place, opts), words, _ALEMBIC_MEANINGS, depth=1)
