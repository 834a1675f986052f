"""What :mod:`.gitlab_cli` (``glab``) shares between its groups: one invocation and the
project it works on, and ``glab api``.

The project is ``-R/--repo``, else the one glab takes from the repository's remotes: the
remote ``glab-resolved`` marks as the base, else the first of ``upstream``, ``gitlab``,
``origin`` and the others in their order (glab's own order when it cannot prompt, as for an
agent). The other remotes' projects are named too (glab leaves out those on hosts it is not
logged in to, which keyturn cannot tell), so a ``protected`` pattern on any of them holds.

``glab api PATH``: the method (``GET`` unless ``-X`` says, or fields make it a ``POST``)
decides the kind, the REST path names the resource (``projects/acme%2Fshop``,
``groups/acme``: ``gitlab:acme``, and ``gitlab:acme/*`` when deleted). A delete of a project
or group named by its numeric id is unknown: no ``protected`` pattern could match it.
``api graphql`` is judged by the mutations of its document (from ``-f``/``-F query=``,
``query=@FILE`` or ``--input FILE``): none reads, one that deletes is unknown, the others
update; a document not at hand (a file not read, a value decided at run time) is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from keyturn.model import Effect, EffectKind
from keyturn.understand.forge_names import with_lower_case
from keyturn.understand.shell.commands._forge_graphql import graphql_document, graphql_meaning
from keyturn.understand.shell.commands._paas_common import PaasCall, git_settings
from keyturn.understand.shell.flags import Options
from keyturn.understand.shell.registry import ShellContext, evolve

_E = EffectKind
_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:")
_CURRENT = "gitlab:current"


@dataclass(frozen=True, slots=True)
class GlabCall:
    """One glab invocation and the project it works on (``gitlab:...``); ``others``: the
    other projects the repository's remotes point at, named alongside it."""

    call: PaasCall
    repo: str
    others: tuple[str, ...] = ()

    def effect(self, kind: EffectKind, names: list[str], detail: str = "") -> Effect:
        if kind in (_E.DELETE, _E.REPLACE) and any(n.startswith(_CURRENT) for n in names):
            kind, detail = _E.UNKNOWN, "which project is not known (give -R GROUP/PROJECT)"
        more = [
            other + n[len(self.repo) :]
            for n in names
            if n == self.repo or n.startswith(self.repo + "/")
            for other in self.others
        ]
        return self.call.effect(kind, list(with_lower_case([*names, *more])), detail)

    def named(self, operation: str) -> GlabCall:
        return GlabCall(evolve(self.call, operation=operation), self.repo, self.others)


def projects(ctx: ShellContext, opts: Options) -> tuple[str, ...]:
    """The project a command works on (``-R``, else the remotes'), then the remotes' others."""
    given = opts.value("R")
    if given:
        path = path_of(given)
        return (f"gitlab:{path}" if path else _CURRENT,)
    found = [f"gitlab:{p}" for p in _remote_paths(ctx)]
    return tuple(dict.fromkeys(found)) or (_CURRENT,)


def _remote_paths(ctx: ShellContext) -> list[str]:
    """The projects of the repository's remotes, in the order glab picks its base from."""
    urls: dict[str, str] = {}
    resolved: dict[str, str] = {}
    for key, value in git_settings(ctx):
        section, _, name = key.rpartition(".")
        if section.startswith("remote.") and name.lower() == "url":
            urls.setdefault(section[7:], value)
        elif section.startswith("remote.") and name.lower() == "glab-resolved":
            resolved[section[7:]] = value
    first: list[str] = []
    for remote, mark in resolved.items():
        if mark.startswith("base:"):
            first.append(mark[5:])
        elif mark == "base" and remote in urls:
            first.append(urls[remote])
    ordered = sorted(urls, key=lambda r: -_SCORES.get(r.lower(), 0))
    paths = [path_of(u) for u in first + [urls[r] for r in ordered]]
    return [p for p in paths if p]


_SCORES = {"upstream": 3, "gitlab": 2, "origin": 1}


def path_of(text: str) -> str | None:
    """The project path of ``OWNER/REPO``, ``GROUP/NS/REPO``, ``HOST/OWNER/REPO`` or a URL."""
    text = text.strip()
    if "://" in text:
        try:
            path = urlsplit(text).path
        except ValueError:
            return None
    elif _SCP_LIKE.match(text):
        path = text.split(":", 1)[1]
    else:
        parts = text.strip("/").split("/")
        path = "/".join(parts[1:] if len(parts) > 2 and "." in parts[0] else parts)
    path = path.strip("/").removesuffix(".git").strip("/")
    return path if "/" in path else None


def api(call: GlabCall, opts: Options, endpoint: str) -> list[Effect] | None:
    """``glab api PATH``: the method decides the kind; the REST path names the resource."""
    if not endpoint:
        return None
    method = (opts.value("X") or "").upper()
    if not method:
        method = "POST" if opts.has("f", "F", "input") else "GET"
    call = call.named(f"glab api {method}")
    path = endpoint.split("?", 1)[0].strip("/")
    if path == "graphql":
        return [_graphql(call, opts)]
    project = call.repo.removeprefix("gitlab:")
    for placeholder in (":fullpath", ":id"):
        path = path.replace(placeholder, quote(project, safe=""))
    kind, names, detail = rest_call(method, path)
    return [call.effect(kind, names, detail)]


def rest_call(method: str, path: str) -> tuple[EffectKind, list[str], str]:
    """(kind, names, detail) of a REST call to GitLab's API (``path`` after ``/api/v4/``,
    percent-encoding kept: ``projects/acme%2Fshop`` is ``gitlab:acme/shop``). Shared with the
    HTTP clients (``curl -X DELETE https://gitlab.example/api/v4/projects/acme%2Fshop``)."""
    parts = path.split("/")
    kind = {"GET": _E.READ, "HEAD": _E.READ, "DELETE": _E.DELETE}.get(method, _E.UPDATE)
    detail = f"{method} /{path}"
    if parts[0] not in ("projects", "groups") or len(parts) < 2:
        return kind, [f"gitlab:api/{path}"], detail
    if parts[1].isdigit():
        if kind is _E.DELETE:
            why = f"{detail}: named by its numeric id, which no protected pattern can match"
            return _E.UNKNOWN, [f"gitlab:api/{path}"], why
        return kind, [f"gitlab:api/{path}"], detail
    name = "/".join([f"gitlab:{unquote(parts[1])}", *parts[2:]])
    # A group deleted takes every project in it along.
    whole = kind is _E.DELETE and len(parts) == 2 and parts[0] == "groups"
    return kind, [name, f"{name}/*"] if whole else [name], detail


def _graphql(call: GlabCall, opts: Options) -> Effect:
    kind, detail = graphql_meaning(graphql_document(call.call.cmd, call.call.ctx, opts))
    return call.effect(kind, ["gitlab:graphql"], detail)
