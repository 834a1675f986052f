"""Heroku's command line, ``heroku``.

Names: ``heroku:<app>`` for an app and under it ``/dyno/<type or name>``, ``/config/<KEY>``,
``/addon/<name or attachment>`` (a Postgres database is the add-on its attachment names,
``DATABASE_URL`` by default; ``APP::DATABASE`` names another app's), ``/backup/<id>``,
``/domain/<host>``. The app is ``-a/--app`` (also ``-a=APP``), else ``HEROKU_APP``, else the
app of the git remote ``-r/--remote`` (else the one git config's ``heroku.remote`` names,
else the only remote pointing at Heroku) in the repository's ``.git/config``, else ``*``.
SQL run by ``pg:psql -c``/``-f`` is judged and named as SQL is (``db:postgres/*/<table>``),
each name also ``@heroku:<app>/addon/<database>``.

Kinds: ``apps``, ``info``, ``logs``, ``ps``, ``config``, ``pg:info``, ``releases`` read;
``ps:scale TYPE=N`` updates the dynos (``=0`` stops them: disruptive); ``config:set``/
``config:unset`` update/delete variables; ``pg:reset`` deletes every row of the database;
``pg:backups:restore`` and ``pg:copy`` replace a database's content; ``addons:destroy``
deletes the add-on and its data; ``apps:destroy`` deletes the app and everything in it.
Topics are spelled with colons or spaces (``apps:destroy``, ``apps destroy``).
``run CMD`` judges the command run on a one-off dyno with the app's config vars, named there
too (``heroku:app/dyno/run/file:/app``), like ``ssh HOST CMD``.

Unknown on purpose: ``pg:psql`` without SQL at hand (interactive), ``run`` without a command,
``pg:push``/``pg:pull``, ``git:*``, ``features``, ``plugins`` and the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import Spec, is_dynamic, parse, setting
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    command_words,
    constant,
    first,
    git_settings,
    keys_of,
    meaning_of,
    operands,
    parse_args,
    prints,
    spelled,
    whole,
    yes_notes,
)
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_LONG = {
    "app": "a",
    "remote": "r",
    "command": "c",
    "file": "f",
    "env": "e",
    "num": "n",
    "size": "s",
    "source": "s",
    "dyno": "d",
}
_HEROKU = OptionSpec(
    valued="arcfensd",
    long=_LONG,
    long_valued=frozenset("arcfensd")
    | frozenset({"confirm", "type", "team", "space", "region", "stack", "buildpack", "as"})
    | frozenset({"name", "wait-interval", "attachment", "plan", "expires-in"}),
    abbreviations=False,
)
_PSQL = Spec(short="acfr", long=_LONG, long_valued=frozenset({"confirm", "credential"}))
_HEROKU_GIT = re.compile(r"heroku\.com[:/]+([\w.-]+?)(?:\.git)?/?\Z")
# heroku run's own options (it passes the others to the command).
_RUN_VALUED = frozenset({"-a", "--app", "-r", "--remote", "-s", "--size", "-e", "--env"})
_RUN_VALUED |= {"--type"}
_RUN_FLAGS = frozenset({"-x", "--exit-code", "--no-tty", "--no-notify", "--no-launcher"})


def _app(call: PaasCall, opts: Options) -> str:
    """The app: ``-a``, ``HEROKU_APP``, or the app of the git remote heroku picks."""
    given = opts.value("a") or setting(call.cmd, call.ctx.env, "HEROKU_APP")
    return given or _remote_app(call.ctx, opts.value("r"))


def _remote_app(ctx: ShellContext, remote: str | None) -> str:
    """The app of the remote ``-r`` names, else of the one ``heroku.remote`` names, else of
    the only remote pointing at Heroku (several: heroku refuses, ``*``)."""
    settings = git_settings(ctx)
    chosen = remote or next((v for k, v in settings if k.lower() == "heroku.remote"), None)
    apps: list[str] = []
    for key, value in settings:
        section, _, name = key.rpartition(".")
        found = _HEROKU_GIT.search(value) if name.lower() == "url" else None
        if found and section.startswith("remote.") and chosen in (None, section[7:]):
            apps.append(found.group(1))
    return apps[0] if len(set(apps)) == 1 else "*"


def _on_app(kind: EffectKind, detail: str = "", suffix: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [f"heroku:{_app(call, opts)}{suffix}"], detail)]

    return meaning


def _each(folder: str, kind: EffectKind, detail: str = "", default: str = "*") -> Meaning:
    """One effect per object the operands name (``addons:destroy A B``), else on
    ``default``."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        app = _app(call, opts)
        named = keys_of(rest) or [default]
        return [call.effect(kind, [f"heroku:{app}/{folder}/{n}"], detail) for n in named]

    return meaning


def _destroy(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    app = first(rest, _app(call, opts))
    detail = "deletes the app with its dynos, add-ons (their data) and config"
    return [call.effect(_E.DELETE, whole(f"heroku:{app}"), detail)]


def _create(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    return [call.effect(_E.CREATE, [f"heroku:{first(rest)}"], "a new app")]


def _scale(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``ps:scale web=2 worker=0``: one update per dyno type."""
    pairs = [w.partition("=") for w in rest if "=" in w]
    if not pairs:
        return None
    app = _app(call, opts)
    out = []
    for kind, _, size in pairs:
        count = size.split(":", 1)[0]
        stops = count.isdigit() and int(count) == 0
        detail = f"disruptive: stops every {kind} dyno" if stops else f"{kind} dynos: {size}"
        out.append(call.effect(_E.UPDATE, [f"heroku:{app}/dyno/{kind}"], detail))
    return out


def _database(call: PaasCall, rest: Sequence[str], opts: Options) -> str:
    """The database's add-on: ``DATABASE`` and ``DATABASE_URL`` are one attachment (as are
    ``HEROKU_POSTGRESQL_RED`` and ``..._URL``); an add-on's own name stays as given;
    ``APP::DATABASE`` is that app's (``pg:copy … prod-app::DATABASE_URL``)."""
    app, _, name = first(rest, "DATABASE_URL").rpartition("::")
    name = name or "DATABASE_URL"
    if _ATTACHMENT.match(name) and not name.endswith("_URL"):
        name += "_URL"
    return f"heroku:{app or _app(call, opts)}/addon/{name}"


_ATTACHMENT = re.compile(r"[A-Z][A-Z0-9_]*\Z")


def _on_database(kind: EffectKind, detail: str, at: int = 0) -> Meaning:
    """A meaning on the database the operand ``at`` names (``DATABASE_URL`` by default)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [_database(call, rest[at:], opts)], detail)]

    return meaning


def _psql(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``pg:psql [DATABASE] -c SQL | -f FILE``: the SQL is judged; without it, unknown."""
    from keyturn.understand.sql import sql_effects

    database = _database(call, rest, opts)
    args = parse(call.cmd, _PSQL)
    effects: list[Effect] = []
    for arg in args.all("c", "f"):
        if is_dynamic(call.cmd, arg):
            effects.append(call.effect(_E.UNKNOWN, [database], "runs SQL decided at run time"))
            continue
        sql = arg.value
        if arg.key == "f":
            sql = call.ctx.files.read_text(normalize_path(arg.value, cwd=call.ctx.cwd)) or ""
            if not sql:
                detail = f"runs SQL from {arg.value}, which could not be read"
                effects.append(call.effect(_E.UNKNOWN, [database], detail))
                continue
        target = server_target(call.ctx)
        found = sql_effects(sql, engine="postgres", database=None, target=target, host=database)
        effects += [evolve(e, command=call.cmd.text or None) for e in found]
    if not effects:
        detail = "an interactive database session: the statements are not known"
        return [call.effect(_E.UNKNOWN, [database], detail)]
    return effects


def _run(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``heroku run CMD``: the command, run on a one-off dyno, is judged."""
    words = _dyno_command(call.cmd.args)
    if not words:
        return None
    dyno = f"heroku:{_app(call, opts)}/dyno/run"
    return call.nested(words, [dyno], f"on a one-off dyno of heroku:{_app(call, opts)}")


def _dyno_command(args: Sequence[str]) -> list[str]:
    """The command words of ``heroku run [options] CMD...``: heroku takes its own options
    wherever they stand (up to ``--``) and passes every other word on."""
    at = next((i for i, w in enumerate(args) if w in ("run", "run:detached")), len(args))
    words: list[str] = []
    i = at + 1
    while i < len(args):
        word = args[i]
        if word == "--":
            return words + list(args[i + 1 :])
        if word in _RUN_VALUED:
            i += 2
            continue
        if word in _RUN_FLAGS or word.split("=", 1)[0] in _RUN_VALUED:
            i += 1
            continue
        words.append(word)
        i += 1
    return words


_GONE = "deletes the add-on and all its data"
_TABLE: dict[str, Meaning] = spelled(
    {
        "version|help|whoami|status|open|docs, auth whoami": prints,
        "apps|list, apps list": constant(_E.READ, "heroku:*", "lists the apps"),
        "apps info, info|logs|releases|access|maintenance, releases info": _on_app(_E.READ),
        "apps create, create": _create,
        "apps destroy, destroy": _destroy,
        "apps rename, rename": _on_app(_E.UPDATE, "renames the app: its URL changes"),
        "ps, ps type": operands(_on_app(_E.READ, "", "/dyno/*")),
        "ps scale, scale": _scale,
        "ps stop, stop": _each("dyno", _E.UPDATE, "disruptive: stops the dyno"),
        "ps restart|kill, restart": _each("dyno", _E.UPDATE, "disruptive: restarts"),
        "config": _on_app(_E.READ, "", "/config/*"),
        "config get": _each("config", _E.READ),
        "config set|add": _each("config", _E.UPDATE, "the app restarts with it"),
        "config unset|remove": _each("config", _E.DELETE, "the app restarts without it"),
        "pg, pg info|diagnose|ps|locks|outliers|credentials": operands(_on_database(_E.READ, "")),
        "pg reset": _on_database(_E.DELETE, "deletes all the data in the database"),
        "pg psql": _psql,
        "pg kill|killall|promote|upgrade, pg maintenance run": _on_database(
            _E.UPDATE, "disruptive"
        ),
        "pg credentials rotate": _on_database(_E.UPDATE, "replaces the database's password"),
        "pg copy": _on_database(_E.REPLACE, "overwrites the target database with a copy", 1),
        "pg backups, pg backups list|info|download": _on_app(_E.READ, "", "/backup/*"),
        "pg backups capture": _on_app(_E.CREATE, "", "/backup/*"),
        "pg backups restore": _on_database(
            _E.REPLACE, "overwrites the database with the backup", 1
        ),
        "pg backups delete": _each("backup", _E.DELETE, "deletes the backup"),
        "pg backups schedule|unschedule": _on_database(_E.UPDATE, "backup schedule"),
        "addons, addons info": _on_app(_E.READ, "", "/addon/*"),
        "addons create|add": _on_app(_E.CREATE, "", "/addon/*"),
        "addons destroy|remove": _each("addon", _E.DELETE, _GONE),
        "addons attach|detach|upgrade|downgrade": _each("addon", _E.UPDATE),
        "releases rollback, rollback": _on_app(_E.UPDATE, "rolls the app back to a release"),
        "domains, domains info": _on_app(_E.READ, "", "/domain/*"),
        "domains add": _each("domain", _E.CREATE),
        "domains remove": _each("domain", _E.DELETE),
        "domains clear": _on_app(_E.DELETE, "removes every domain", "/domain/*"),
        "maintenance on": _on_app(_E.UPDATE, "disruptive: the app answers with a maintenance page"),
        "maintenance off": _on_app(_E.UPDATE, "the app serves again"),
        "run, run detached": operands(_run),
    }
)


@command("heroku")
def heroku(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Heroku's commands, as the module docstring says."""
    opts = parse_args(cmd.args, _HEROKU)
    words, spelled_as = command_words(opts.operands)
    call = PaasCall(cmd, ctx, "heroku", notes=_confirmed(opts))
    if not words and opts.has("h", "help", "v", "version"):
        return [call.prints()]
    return meaning_of(call, opts, words, _TABLE, at_least=spelled_as)


def _confirmed(opts: Options) -> tuple[str, ...]:
    if opts.has("confirm"):
        return (f"--confirm {opts.value('confirm') or ''}: no confirmation prompt".strip(),)
    return yes_notes(opts, "yes", "force")
