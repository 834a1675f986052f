"""Cloudflare's command line for Workers, ``wrangler``.

Names: ``cloudflare:worker/<name>`` (and ``/secret/<NAME>``), ``cloudflare:d1/<database>``,
``cloudflare:r2/<bucket>`` (and ``/<key>``), ``cloudflare:kv/<namespace>`` (and
``/<key>``), ``cloudflare:queue/<name>``, ``cloudflare:pages/<project>``. The Worker is
``--name``, else ``name`` in the config file (``-c/--config``, else the one
``.wrangler/deploy/config.json`` redirects to, else ``wrangler.toml``, ``wrangler.jsonc`` or
``wrangler.json`` here); with an environment (``-e/--env ENV``, else ``CLOUDFLARE_ENV`` set on
the line, in the environment or in ``.env``) it is the environment's own Worker,
``<name>-<ENV>`` (or the ``name`` the environment sets), so ``*prod*`` tells a production
Worker. A KV namespace is ``--namespace-id``, else ``--binding``. What is not
given is ``*``. SQL run by ``d1 execute --command``/``--file`` is judged as SQLite's, on
``db:sqlite/<database>/...``; without ``--remote`` it runs on the local development copy
(noted in the detail), which is still named so.

Kinds: ``tail``, ``whoami``, ``list``/``info``/``get`` read; ``deploy``, ``versions deploy``,
``rollback`` update the Worker (``--dry-run`` reads; not ``--dry-run=false`` nor
``--dry-run false``); ``delete`` deletes the Worker with its
secrets; ``d1 delete``, ``r2 bucket delete``, ``kv namespace delete`` delete the store and
everything in it; ``secret put``/``delete``, ``kv key put``/``delete``, ``r2 object
put``/``delete`` update/delete one entry; ``d1 time-travel restore`` replaces the database.
Spellings with a colon (``kv:key``) are the same commands.

Unknown on purpose: ``dev`` and ``pages dev`` (they run the Worker here), ``d1 migrations
apply`` (the migration files are not read), ``login``, ``init``, and the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    command_words,
    constant,
    first,
    meaning_of,
    parse_args,
    prints,
    read_json,
    read_text,
    read_toml,
    spelled,
    text_of,
    whole,
    yes_notes,
)
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.effects import file_path, local_target
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind
_WRANGLER = OptionSpec(
    valued="ecJ",
    long={"env": "e", "config": "c", "jurisdiction": "J", "yes": "y", "skip-confirmation": "y"},
    long_valued=frozenset("ecJ")
    | frozenset({"name", "command", "file", "namespace-id", "binding", "output", "path"})
    | frozenset({"project-name", "branch", "commit-message", "commit-hash", "message", "tag"})
    | frozenset({"compatibility-date", "outdir", "persist-to", "account-id", "ttl", "metadata"})
    | frozenset({"expiration", "expiration-ttl", "content-type", "timestamp", "bookmark"})
    | frozenset({"version-id", "format", "location", "storage-class", "preview-id", "title"}),
    abbreviations=False,
)
_CONFIGS = ("wrangler.toml", "wrangler.jsonc", "wrangler.json")


def _worker(call: PaasCall, opts: Options, rest: Sequence[str] = ()) -> str:
    """``cloudflare:worker/<name>``: ``--name``, the operand, or the config file's."""
    env = _environment(call, opts)
    config = _config(call, opts)
    if env:
        named = text_of(config, "env", env, "name")
        if named:
            return f"cloudflare:worker/{named}"
    base = opts.value("name") or (rest[0] if rest else None) or text_of(config, "name")
    if base is None:
        return "cloudflare:worker/*"
    return f"cloudflare:worker/{base}-{env}" if env else f"cloudflare:worker/{base}"


def _environment(call: PaasCall, opts: Options) -> str | None:
    """The environment: ``-e/--env``, else ``CLOUDFLARE_ENV`` set on the line, in the
    environment or in the project's ``.env`` (wrangler reads its variables there too)."""
    given = opts.value("e")
    if given is None:
        given = setting(call.cmd, call.ctx.env, "CLOUDFLARE_ENV")
    if given is None:
        text = read_text(call.ctx, call.ctx.cwd.rstrip("/") + "/.env")
        found = _DOTENV.search(text or "")
        given = found.group(1) if found else None
    return given or None


_DOTENV = re.compile(r"""^\s*(?:export\s+)?CLOUDFLARE_ENV\s*=\s*["']?([\w.-]*)""", re.MULTILINE)


def _config(call: PaasCall, opts: Options) -> dict[str, object] | None:
    """The config file: ``-c``, else the one ``.wrangler/deploy/config.json`` redirects to (a
    build's output), else ``wrangler.toml``/``.jsonc``/``.json`` here."""
    given = opts.value("c")
    cwd = call.ctx.cwd.rstrip("/")
    redirect = read_json(call.ctx, f"{cwd}/.wrangler/deploy/config.json")
    if given:
        paths = [file_path(given, call.ctx)]
    elif redirect is not None:
        target = text_of(redirect, "configPath") or ""
        paths = [normalize_path(target, cwd=f"{cwd}/.wrangler/deploy")] if target else []
    else:
        paths = [f"{cwd}/{name}" for name in _CONFIGS]
    for path in paths:
        found = read_toml(call.ctx, path) if path.endswith(".toml") else read_json(call.ctx, path)
        if found is not None:
            return found
    return None


def _on_worker(kind: EffectKind, detail: str = "", *, named: bool = False) -> Meaning:
    """A meaning on the Worker (``named``: the first operand may name it)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        worker = _worker(call, opts, rest if named else ())
        if opts.surely_on("dry-run"):
            return [call.effect(_E.READ, [worker], "--dry-run: nothing is deployed")]
        if kind is _E.DELETE:
            return [call.effect(kind, whole(worker), detail)]
        return [call.effect(kind, [worker], detail)]

    return meaning


def _secret(kind: EffectKind, detail: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [f"{_worker(call, opts)}/secret/{first(rest)}"], detail)]

    return meaning


def _store(kind: EffectKind, scheme: str, detail: str = "") -> Meaning:
    """A meaning on a whole store named by the first operand (``d1 delete DB``)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        name = f"cloudflare:{scheme}/{first(rest)}"
        names = whole(name) if kind is _E.DELETE else [name]
        if scheme == "d1":  # its tables are named as SQLite's
            sql = f"db:sqlite/{first(rest)}"
            names += whole(sql) if kind is _E.DELETE else [sql]
        return [call.effect(kind, names, detail)]

    return meaning


def _object(kind: EffectKind) -> Meaning:
    """``r2 object get|put|delete BUCKET/KEY``."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        if not rest or "/" not in rest[0]:
            return None
        return [call.effect(kind, [f"cloudflare:r2/{rest[0].lstrip('/')}"])]

    return meaning


def _namespace(opts: Options, rest: Sequence[str] = ()) -> str:
    return opts.value("namespace-id") or opts.value("binding") or first(rest)


def _kv_namespace_delete(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    detail = "deletes the namespace and every key in it"
    return [call.effect(_E.DELETE, whole(f"cloudflare:kv/{_namespace(opts, rest)}"), detail)]


def _kv_key(kind: EffectKind, *, every: bool = False) -> Meaning:
    """``kv key get|put|delete KEY`` (``every``: ``kv key list``, ``kv bulk``)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        key = "*" if every else (rest[0] if rest else None)
        if key is None:
            return None
        return [call.effect(kind, [f"cloudflare:kv/{_namespace(opts)}/{key}"])]

    return meaning


def _d1_execute(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``d1 execute DB --command SQL | --file FILE``: the SQL is judged."""
    from keyturn.understand.sql import sql_effects

    database = first(rest)
    where = "" if opts.has("remote") else "on the local development copy (no --remote)"
    sql = opts.value("command")
    path = opts.value("file")
    if sql is None and path is not None:
        sql = call.ctx.files.read_text(normalize_path(path, cwd=call.ctx.cwd))
        if sql is None:
            detail = f"runs SQL from {path}, which could not be read"
            return [call.effect(_E.UNKNOWN, [f"cloudflare:d1/{database}"], detail)]
    if sql is None:
        return None
    if _decided_at_run_time(call, sql):
        detail = "runs SQL decided at run time"
        return [call.effect(_E.UNKNOWN, [f"cloudflare:d1/{database}"], detail)]
    # The local development copy is a file here; --remote reaches Cloudflare's database.
    where_run = server_target(call.ctx) if opts.has("remote") else local_target(call.ctx)
    found = sql_effects(sql, engine="sqlite", database=database, target=where_run)
    return [
        evolve(
            e, command=call.cmd.text or None, detail="; ".join(d for d in (e.detail, where) if d)
        )
        for e in found
    ]


def _decided_at_run_time(call: PaasCall, text: str) -> bool:
    argv = call.cmd.argv
    return any(argv[i] == text for i in call.cmd.dynamic_words if 0 < i < len(argv))


def _d1_migrations(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    detail = "applies the migration files, which are not read here"
    return [call.effect(_E.UNKNOWN, [f"cloudflare:d1/{first(rest)}"], detail)]


def _pages_deploy(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    project = f"cloudflare:pages/{opts.value('project-name') or '*'}"
    branch = opts.value("branch")
    names = [project, f"{project}/{branch}"] if branch else [project]
    return [call.effect(_E.UPDATE, names, f"deploys {first(rest, 'the build output')}")]


_GONE = "deletes it and everything in it"
_TABLE: dict[str, Meaning] = spelled(
    {
        "whoami|docs|help|version|check": prints,
        "deploy|publish": _on_worker(_E.UPDATE, "deploys the Worker"),
        "versions deploy, rollback": _on_worker(_E.UPDATE, "another version serves"),
        "versions upload": _on_worker(_E.CREATE, "a new version; traffic is unchanged"),
        "versions list|view, deployments list|status|view": _on_worker(_E.READ),
        "tail": _on_worker(_E.READ, named=True),
        "delete": _on_worker(_E.DELETE, "deletes the Worker with its secrets", named=True),
        "secret put|bulk": _secret(_E.UPDATE),
        "secret delete": _secret(_E.DELETE),
        "secret list": _secret(_E.READ),
        "d1 list": constant(_E.READ, "cloudflare:d1/*"),
        "d1 info, d1 time-travel info, d1 migrations list": _store(_E.READ, "d1"),
        "d1 create": _store(_E.CREATE, "d1"),
        "d1 delete": _store(_E.DELETE, "d1", "deletes the database and all its data"),
        "d1 execute": _d1_execute,
        "d1 export": _store(_E.READ, "d1", "copies the database into a file here"),
        "d1 migrations apply": _d1_migrations,
        "d1 time-travel restore": _store(_E.REPLACE, "d1", "rewinds the database"),
        "r2 bucket list": constant(_E.READ, "cloudflare:r2/*"),
        "r2 bucket info": _store(_E.READ, "r2"),
        "r2 bucket create": _store(_E.CREATE, "r2"),
        "r2 bucket delete": _store(_E.DELETE, "r2", _GONE),
        "r2 object get": _object(_E.READ),
        "r2 object put": _object(_E.UPDATE),
        "r2 object delete": _object(_E.DELETE),
        "kv namespace list": constant(_E.READ, "cloudflare:kv/*"),
        "kv namespace create": _store(_E.CREATE, "kv"),
        "kv namespace delete": _kv_namespace_delete,
        "kv key list": _kv_key(_E.READ, every=True),
        "kv key get": _kv_key(_E.READ),
        "kv key put": _kv_key(_E.UPDATE),
        "kv key delete": _kv_key(_E.DELETE),
        "kv bulk get": _kv_key(_E.READ, every=True),
        "kv bulk put": _kv_key(_E.UPDATE, every=True),
        "kv bulk delete": _kv_key(_E.DELETE, every=True),
        "queues list": constant(_E.READ, "cloudflare:queue/*"),
        "queues create": _store(_E.CREATE, "queue"),
        "queues delete": _store(_E.DELETE, "queue", _GONE),
        "pages project list, pages deployment list": constant(_E.READ, "cloudflare:pages/*"),
        "pages project create": _store(_E.CREATE, "pages"),
        "pages project delete": _store(_E.DELETE, "pages", _GONE),
        "pages deploy|publish": _pages_deploy,
    }
)


@command("wrangler")
def wrangler(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Cloudflare Workers' commands, as the module docstring says."""
    opts = parse_args(_booleans(cmd.args), _WRANGLER)
    words, spelled_as = command_words(opts.operands)
    call = PaasCall(cmd, ctx, "cloudflare", notes=yes_notes(opts, "y", "force"))
    if not words and opts.has("h", "help", "v", "version"):
        return [call.prints()]
    return meaning_of(call, opts, words, _TABLE, at_least=spelled_as)


def _booleans(args: Sequence[str]) -> list[str]:
    """``--dry-run false`` as ``--dry-run=false``: yargs takes the word after a boolean option
    as its value when it is ``true`` or ``false``."""
    out: list[str] = []
    for arg in args:
        previous = out[-1] if out else ""
        boolean = previous.startswith("--") and "=" not in previous
        if boolean and arg in ("true", "false") and previous[2:] not in _WRANGLER.long_valued:
            out[-1] = f"{previous}={arg}"
        else:
            out.append(arg)
    return out
