"""Netlify's command line, ``netlify`` (also ``ntl``).

Names: ``netlify:site/<site>`` and under it ``/production``, ``/deploy/<alias or draft>``,
``/env/<context>/<KEY>`` (context ``*`` when not given: every context),
``/function/<name>``, ``/blobs/<store>/<key>``. The site is ``--site`` (``-s`` of ``deploy``),
else ``NETLIFY_SITE_ID``, else ``siteId`` in ``.netlify/state.json``, else ``*``.

Kinds: ``status``, ``sites:list``, ``env:list``, ``logs`` read; ``deploy`` creates a draft
deploy, and with ``--prod`` updates production; it first builds here with the build command,
which is judged when ``netlify.toml`` gives it (unknown when the site's settings do, unless
``--no-build`` or ``--trigger``); ``env:set``/``env:unset`` update/delete a variable in each
context; ``sites:delete`` deletes the site with its deploys. Topics are spelled with colons or
spaces (``sites:delete``, ``sites delete``).

Unknown on purpose: ``dev``, ``serve``, ``build`` and ``functions:invoke``/``serve``/
``build`` (they run the site's code here), ``api``, ``login``/``logout``/``switch``,
``recipes`` and the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    command_words,
    constant,
    keys_of,
    meaning_of,
    prints,
    read_json,
    read_toml,
    spelled,
    text_of,
    whole,
    writes_here,
    yes_notes,
)
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_LONG = {
    "dir": "d",
    "functions": "functions",
    "message": "m",
    "branch": "b",
    "context": "c",
    "scope": "scope",
    "to": "t",
    "from": "from",
    "name": "n",
    "account-slug": "a",
    "prod": "p",
    "prodIfUnlocked": "prod-if-unlocked",
    "replace-existing": "r",
    "open": "o",
}
_VALUED = frozenset({"d", "m", "b", "c", "t", "n", "a", "site", "alias", "auth", "filter"})
_VALUED |= {"functions", "scope", "from", "timeout", "id", "git-remote-name", "team"}
_VALUED |= {"git-remote-url", "json-output"}
# Most commands' letters take values (deploy -s SITE, -f DIR; env:set -s SCOPE)...
_NETLIFY = OptionSpec(
    valued="dfmbctnas",
    long=_LONG,
    long_valued=_VALUED,
    abbreviations=False,
)
# ...but in ``sites:*`` ``-f`` is --force, ``-c`` --with-ci and ``-m`` --manual.
_SITES = OptionSpec(valued="dbtnas", long=_LONG, long_valued=_VALUED, abbreviations=False)
_GLOBAL_VALUED = frozenset({"--auth", "--filter"})


def _site(call: PaasCall, opts: Options, *, short: bool = False) -> str:
    """The site: ``--site`` (``-s`` too when it means the site), ``NETLIFY_SITE_ID``, or
    ``.netlify/state.json``."""
    given = opts.value("site") or (opts.value("s") if short else None)
    given = given or setting(call.cmd, call.ctx.env, "NETLIFY_SITE_ID")
    if given:
        return given
    state = read_json(call.ctx, call.ctx.cwd.rstrip("/") + "/.netlify/state.json")
    return text_of(state, "siteId") or "*"


def _on_site(kind: EffectKind, detail: str = "", suffix: str = "") -> Meaning:
    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [f"netlify:site/{_site(call, opts)}{suffix}"], detail)]

    return meaning


def _deploy(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    site = f"netlify:site/{_site(call, opts, short=True)}"
    if opts.has("p", "prod-if-unlocked"):
        deploy = call.effect(_E.UPDATE, [f"{site}/production"], "deploys to production")
    else:
        alias = opts.value("alias") or opts.value("b") or "draft"
        detail = "a draft deploy: production is unchanged"
        deploy = call.effect(_E.CREATE, [f"{site}/deploy/{alias}"], detail)
    if opts.has("no-build", "trigger"):
        return [deploy]
    return [deploy, *_build(call, site)]


def _build(call: PaasCall, site: str) -> list[Effect]:
    """The build ``deploy`` runs here first: ``[build] command`` of ``netlify.toml``."""
    config = read_toml(call.ctx, call.ctx.cwd.rstrip("/") + "/netlify.toml")
    text = text_of(config, "build", "command")
    if text is None:
        detail = "builds here first with the site's build command, not in a netlify.toml here"
        return [call.effect(_E.UNKNOWN, [site], detail)]
    return call.nested([text], [], "as the build before the deploy")


def _contexts(opts: Options) -> tuple[str, ...]:
    return opts.values.get("c") or ("*",)


def _env(kind: EffectKind, detail: str = "") -> Meaning:
    """``env:set KEY [VALUE]``/``env:unset KEY``/``env:get KEY``: one effect per context."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        keys = keys_of(rest[:1])
        if not keys:
            return None
        where = f"netlify:site/{_site(call, opts)}/env"
        return [call.effect(kind, [f"{where}/{c}/{keys[0]}"], detail) for c in _contexts(opts)]

    return meaning


def _env_import(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    where = f"netlify:site/{_site(call, opts)}/env/*"
    if opts.has("r"):
        return [call.effect(_E.REPLACE, [where], "replaces every variable with the file's")]
    return [call.effect(_E.UPDATE, [where], "sets the variables of the file")]


def _env_clone(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    target = opts.value("t")
    if not target:
        return None
    source = opts.value("from") or _site(call, opts)
    detail = f"copies the variables of site {source}"
    return [call.effect(_E.UPDATE, [f"netlify:site/{target}/env/*"], detail)]


def _sites_delete(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    if not rest:
        return None
    detail = "deletes the site with all its deploys, functions and variables"
    return [call.effect(_E.DELETE, whole(f"netlify:site/{rest[0]}"), detail)]


def _sites_create(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    return [call.effect(_E.CREATE, [f"netlify:site/{opts.value('n') or '*'}"], "a new site")]


def _blobs(kind: EffectKind) -> Meaning:
    """``blobs:get|set|delete STORE KEY``, ``blobs:list STORE``."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        key = rest[1] if len(rest) > 1 else ("*" if kind is _E.READ else None)
        if not rest or key is None:
            return None
        name = f"netlify:site/{_site(call, opts)}/blobs/{rest[0]}/{key}"
        return [call.effect(kind, [name])]

    return meaning


_STATE = ".netlify/state.json"
_TABLE: dict[str, Meaning] = spelled(
    {
        "help|open|docs, open admin|site": prints,
        "status, status hooks, logs, logs function|deploy|edge-functions, watch": _on_site(_E.READ),
        "sites list": constant(_E.READ, "netlify:site/*", "lists the sites"),
        "sites create, sites create-template, init": _sites_create,
        "sites delete": _sites_delete,
        "deploy": _deploy,
        "env list": _on_site(_E.READ, "", "/env/*"),
        "env get": _env(_E.READ),
        "env set": _env(_E.UPDATE),
        "env unset": _env(_E.DELETE),
        "env import": _env_import,
        "env clone": _env_clone,
        "functions list": _on_site(_E.READ, "", "/function/*"),
        "link": writes_here(_STATE, "links this directory to a site"),
        "unlink": writes_here(_STATE, "unlinks this directory"),
        "blobs list, blobs get": _blobs(_E.READ),
        "blobs set": _blobs(_E.UPDATE),
        "blobs delete": _blobs(_E.DELETE),
    }
)


@command("netlify", "ntl")
def netlify(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Netlify's commands, as the module docstring says."""
    sites = _topic(cmd.args).startswith("sites")
    opts = parse_options(cmd.args, _SITES if sites else _NETLIFY)
    words, spelled_as = command_words(opts.operands)
    notes = yes_notes(opts, "force", *("f" if sites else ""))
    call = PaasCall(cmd, ctx, "netlify", notes=notes)
    if not words and opts.has("h", "help", "V", "version"):
        return [call.prints()]
    return meaning_of(call, opts, words, _TABLE, at_least=spelled_as)


def _topic(args: Sequence[str]) -> str:
    """The command word (``sites:delete``), skipping the global options' values."""
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word in _GLOBAL_VALUED:
            skip = True
        elif not word.startswith("-"):
            return word
    return ""
