"""Vercel's command line, ``vercel`` (also ``vc``).

Names: ``vercel:project/<project>`` and under it ``/production``, ``/preview`` (or a custom
environment: ``--target staging``), ``/env/<environment>/<NAME>``; a deployment by its URL
``vercel:deployment/<host>`` (or ``dpl_`` id); ``vercel:domain/<domain>``,
``vercel:alias/<alias>``, ``vercel:dns/<id>``, ``vercel:cert/<id>``, ``vercel:blob/<url>``. The
project is ``--project``, else ``projectName`` in ``.vercel/project.json`` (of ``--cwd``, else
this directory) unless ``VERCEL_PROJECT_ID`` points elsewhere, else ``*``. So a production
deploy is named ``vercel:project/shop/production`` and ``*prod*`` tells it.

Kinds: ``ls``, ``inspect``, ``logs``, ``env ls`` read; ``vercel``/``vercel deploy`` creates a
preview deployment, and with ``--prod`` (or ``--target production``) updates production, as do
``promote``, ``rollback`` and ``redeploy``; ``rm`` deletes deployments, or a whole project when
given its name (``--safe`` keeps those with a URL); ``project rm``, ``env rm``, ``domains rm``,
``alias rm`` delete; ``env pull`` and ``pull`` read the variables and write them here.

Unknown on purpose: ``dev`` and ``build`` (they run the project's code and build command
here), ``env run``, ``login``/``logout``/``switch``, ``git``, ``integration`` and the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._paas_common import (
    Meaning,
    PaasCall,
    constant,
    first,
    meaning_of,
    operands,
    prints,
    read_json,
    spelled,
    text_of,
    whole,
    yes_notes,
)
from keyturn.understand.shell.effects import file_path
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_VERCEL = OptionSpec(
    valued="tSTAQebm",
    long={
        "token": "t",
        "scope": "S",
        "team": "T",
        "local-config": "A",
        "global-config": "Q",
        "env": "e",
        "build-env": "b",
        "meta": "m",
        "yes": "y",
        "confirm": "y",
        "safe": "s",
        "force": "f",
        "debug": "d",
    },
    long_valued=frozenset("tSTAQebm")
    | frozenset({"cwd", "target", "regions", "environment", "git-branch", "archive", "name"})
    | frozenset({"project", "limit", "next", "until", "since", "output", "format", "timeout"}),
    abbreviations=False,
)


def _project(call: PaasCall, opts: Options) -> str:
    """The project: ``--project``, else the one ``.vercel/project.json`` names."""
    given = opts.value("project")
    if given:
        return given
    if setting(call.cmd, call.ctx.env, "VERCEL_PROJECT_ID"):
        return "*"  # an id, which says nothing of the project's name
    folder = opts.value("cwd")
    root = file_path(folder, call.ctx) if folder else call.ctx.cwd
    linked = read_json(call.ctx, root.rstrip("/") + "/.vercel/project.json")
    return text_of(linked, "projectName") or "*"


def _deployment(word: str) -> str | None:
    """The host (or id) of a deployment named by URL or ``dpl_`` id; ``None`` for a name."""
    if word.startswith("dpl_"):
        return word
    host = word.split("://", 1)[-1].split("/", 1)[0]
    return host if "." in host else None


def _deploy(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    target = "production" if opts.has("prod") else opts.value("target") or "preview"
    name = f"vercel:project/{_project(call, opts)}/{target}"
    if target == "preview":
        return [call.effect(_E.CREATE, [name], "a preview deployment: production is unchanged")]
    return [call.effect(_E.UPDATE, [name], f"deploys to {target}")]


def _to_production(detail: str) -> Meaning:
    """``promote``, ``rollback``, ``redeploy``: production serves another deployment."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        target = opts.value("target") or "production"
        names = [f"vercel:project/{_project(call, opts)}/{target}"]
        host = _deployment(first(rest, ""))
        names += [f"vercel:deployment/{host}"] if host else []
        return [call.effect(_E.UPDATE, names, detail)]

    return meaning


def _remove(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    """``vercel rm URL|PROJECT...``: deployments, or a project with its deployments."""
    if not rest:
        return None
    out = []
    for word in rest:
        host = _deployment(word)
        if host:
            out.append(call.effect(_E.DELETE, [f"vercel:deployment/{host}"], "a deployment"))
        elif opts.has("s"):
            detail = "removes the project's deployments that have no URL or domain (--safe)"
            out.append(call.effect(_E.DELETE, [f"vercel:project/{word}/*"], detail))
        else:
            detail = "removes the project with all its deployments"
            out.append(call.effect(_E.DELETE, whole(f"vercel:project/{word}"), detail))
    return out


def _project_remove(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    detail = "removes the project with its deployments, domains and variables"
    return [call.effect(_E.DELETE, whole(f"vercel:project/{first(rest)}"), detail)]


def _inspect(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    host = _deployment(first(rest, ""))
    name = f"vercel:deployment/{host}" if host else f"vercel:project/{_project(call, opts)}"
    return [call.effect(_E.READ, [name])]


def _list(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    return [call.effect(_E.READ, [f"vercel:project/{first(rest, _project(call, opts))}/*"])]


def _env(kind: EffectKind, detail: str = "") -> Meaning:
    """``env ls [ENV]``, ``env add|rm NAME [ENV]``."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        where = f"vercel:project/{_project(call, opts)}/env"
        if kind is _E.READ:
            return [call.effect(kind, [f"{where}/{first(rest)}/*"], detail)]
        if not rest:
            return None
        environment = rest[1] if len(rest) > 1 else "*"
        return [call.effect(kind, [f"{where}/{environment}/{rest[0]}"], detail)]

    return meaning


def _pull(default_file: str) -> Meaning:
    """``env pull [FILE]`` and ``pull``: the variables are read and written here."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        environment = opts.value("environment") or "development"
        names = [f"vercel:project/{_project(call, opts)}/env/{environment}/*"]
        path = first(rest, default_file) if default_file.startswith(".env") else default_file
        return [
            call.effect(_E.READ, names, f"the {environment} variables"),
            call.local_file(_E.UPDATE, path, "the variables, written here"),
        ]

    return meaning


def _named(folder: str, kind: EffectKind, detail: str = "", at: int = 0) -> Meaning:
    """A meaning on ``vercel:<folder>/<operand at>`` (``*`` when not given)."""

    def meaning(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
        return [call.effect(kind, [f"vercel:{folder}/{first(rest[at:])}"], detail)]

    return meaning


def _alias_set(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    if len(rest) != 2:
        return None
    host = _deployment(rest[0]) or rest[0]
    detail = f"points the alias at {host}"
    return [call.effect(_E.UPDATE, [f"vercel:alias/{rest[1]}"], detail)]


def _link(call: PaasCall, opts: Options, rest: Sequence[str]) -> list[Effect] | None:
    detail = "links this directory to a project"
    return [call.local_file(_E.UPDATE, ".vercel/project.json", detail)]


_TABLE: dict[str, Meaning] = spelled(
    {
        "help|whoami|open|docs, teams ls|list": prints,
        "deploy": _deploy,
        "ls|list": _list,
        "inspect|logs": _inspect,
        "rm|remove": _remove,
        "promote": _to_production("promotes the deployment to production"),
        "rollback": operands(_to_production("production serves an earlier deployment")),
        "rollback status": _inspect,
        "redeploy": _to_production("rebuilds the deployment and deploys it"),
        "project|projects ls|list": constant(_E.READ, "vercel:project/*", "lists the projects"),
        "project|projects inspect": _named("project", _E.READ),
        "project|projects add": _named("project", _E.CREATE, "a new project"),
        "project|projects rm|remove": _project_remove,
        "env ls|list": _env(_E.READ),
        "env add": _env(_E.CREATE),
        "env update": _env(_E.UPDATE),
        "env rm|remove": _env(_E.DELETE),
        "env pull": _pull(".env.local"),
        "pull": _pull(".vercel"),
        "link": _link,
        "domains|domain ls|list": constant(_E.READ, "vercel:domain/*"),
        "domains|domain inspect|verify": _named("domain", _E.READ),
        "domains|domain add|buy": _named("domain", _E.CREATE),
        "domains|domain move|transfer-in": _named("domain", _E.UPDATE),
        "domains|domain rm|remove": _named("domain", _E.DELETE, "removes the domain"),
        "alias|aliases|ln": operands(_alias_set),
        "alias|aliases|ln set": _alias_set,
        "alias|aliases|ln ls|list": constant(_E.READ, "vercel:alias/*"),
        "alias|aliases|ln rm|remove": _named("alias", _E.DELETE, "the alias stops serving"),
        "dns ls|list": constant(_E.READ, "vercel:dns/*"),
        "dns add|import": _named("dns", _E.CREATE),
        "dns rm|remove": _named("dns", _E.DELETE),
        "certs|cert ls|list": constant(_E.READ, "vercel:cert/*"),
        "certs|cert issue|add": _named("cert", _E.CREATE),
        "certs|cert rm|remove": _named("cert", _E.DELETE),
        "blob ls|list": constant(_E.READ, "vercel:blob/*"),
        "blob put|copy|cp": _named("blob", _E.UPDATE, "", 1),
        "blob del|rm": _named("blob", _E.DELETE),
    }
)


@command("vercel", "vc")
def vercel(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Vercel's commands, as the module docstring says."""
    opts = parse_options(cmd.args, _VERCEL)
    call = PaasCall(cmd, ctx, "vercel", notes=yes_notes(opts, "y"))
    words = opts.operands
    if not words:
        if opts.has("h", "help", "v", "version"):
            return [call.prints()]
        return _deploy(call, opts, words)  # plain ``vercel`` deploys this directory
    found = meaning_of(call, opts, words, _TABLE)
    if found is None and _a_path(words[0], ctx):
        return _deploy(call, opts, words)  # ``vercel ./dist``
    return found


def _a_path(word: str, ctx: ShellContext) -> bool:
    return word.startswith((".", "/", "~")) or ctx.files.is_dir(file_path(word, ctx))
