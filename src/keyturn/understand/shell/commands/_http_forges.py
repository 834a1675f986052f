"""What an HTTP request to GitHub's or GitLab's REST API does: the forges' part of
:mod:`._http_meaning`.

- GitHub: ``api.github.com`` (and ``api.<name>.ghe.com``), or GitHub Enterprise Server's
  ``/api/v3/`` on any host. Named as ``gh api`` names the path (:mod:`.github_cli`):
  ``repos/OWNER/REPO/...`` is ``github:OWNER/REPO/...``, anything else ``github:api/<path>``.
- GitLab: ``/api/v4/`` on any host, named as ``glab api`` names it
  (:func:`._gitlab_api.rest_call`): ``projects/acme%2Fshop`` is ``gitlab:acme/shop``, a
  delete by numeric id unknown.

GET, HEAD and OPTIONS read, DELETE deletes, other methods update (as ``gh``/``glab api``
judge them). ``/api/v3`` and ``/api/v4`` are never the Kubernetes API (whose core group is
``/api/v1``); a Kubernetes path behind them (a proxy's prefix) is still judged as one by the
caller. A path with dot segments hidden in percent-encoding is not read.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.forge_names import with_lower_case
from keyturn.understand.shell.commands._gitlab_api import rest_call
from keyturn.understand.shell.commands._http_request import READ_METHODS, Request

_E = EffectKind


def forge(
    req: Request, host: str, path: str, target: Target
) -> tuple[list[Effect], list[str]] | None:
    """The effects of a call to a forge's REST API and the path segments after its API root
    (where a Kubernetes path may still stand), or ``None`` when the URL is no such call."""
    raw = [s for s in posixpath.normpath("/" + path).split("/") if s]
    decoded = [unquote(s) for s in raw]
    github_host = host == "api.github.com" or (
        host.startswith("api.") and host.endswith(".ghe.com")
    )
    root = _root(decoded)
    if not github_host and root is None:
        return None
    start = 0 if root is None else root + 2
    if any(s in (".", "..") for s in decoded):
        reason = "a forge API path with encoded dot segments: where it lands is not told"
        return [_effect(_E.UNKNOWN, ["forge:unknown"], req, target, reason)], decoded[start:]
    method = req.method.upper()
    if root is not None and decoded[root + 1] == "v4" and not github_host:
        kind, names, detail = rest_call(method, "/".join(raw[start:]))
        return [_effect(kind, names, req, target, detail)], decoded[start:]
    return [_github(req, "/".join(decoded[start:]), target)], decoded[start:]


def _root(segments: list[str]) -> int | None:
    """Where ``api/v3`` (GitHub Enterprise Server) or ``api/v4`` (GitLab) starts, if anywhere."""
    for i, seg in enumerate(segments[:-1]):
        if seg == "api" and segments[i + 1] in ("v3", "v4"):
            return i
    return None


def _github(req: Request, path: str, target: Target) -> Effect:
    method = req.method.upper()
    parts = path.split("/")
    if parts[0] == "repos" and len(parts) >= 3:
        name = "github:" + "/".join(parts[1:])
    else:
        name = "github:api/" + path
    kind = _E.READ if method in READ_METHODS else _E.DELETE if method == "DELETE" else _E.UPDATE
    if parts[0] == "repositories" and kind is not _E.READ:
        # A repository by its numeric id: which one is not told here.
        return _effect(_E.UNKNOWN, [name], req, target, f"{method} /{path}: a repository by its id")
    return _effect(kind, [name], req, target, f"{method} /{path}")


def _effect(
    kind: EffectKind, names: list[str], req: Request, target: Target, detail: str
) -> Effect:
    service = names[0].partition(":")[0]
    return Effect(
        effect=kind,
        resource=Resource(names=with_lower_case(names), type=service),
        target=target,
        service=service,
        operation=f"{service}-api:{req.method.upper()}",
        detail=detail,
    )
