"""Built-in meanings of Vercel's and Netlify's MCP servers' tools, named as the shell's ``vercel``
and ``netlify`` name the same things (:mod:`keyturn.understand.shell.commands._paas_vercel`,
:mod:`keyturn.understand.shell.commands._paas_netlify`), so one policy covers both ways in.

Vercel: the official server (``https://mcp.vercel.com``) has no public source; its tools and
arguments are documented at ``vercel.com/docs/agent-resources/vercel-mcp/tools`` (one page per
tool). It is generated from the REST API and large, so only a clear subset is understood:
the reads (``list_teams``, ``list_projects``, ``get_project``, ``list_deployments``,
``get_deployment``, ``get_deployment_build_logs``: ``idOrUrl``, ``get_runtime_logs``,
``get_git_deployment_context``, ``search_vercel_documentation``), ``cancel_deployment`` (``id``:
an update of ``vercel:deployment/<id>``), ``pause_project`` (``projectId``: the project stops
serving, an update of ``vercel:project/<id>/production``) and ``create_project``
(``requestBody.name``: ``vercel:project/<name>``). Everything else (deletes, domains,
environment variables, ``deploy_to_vercel``...) is unknown.

Netlify: ``netlify/netlify-mcp`` ``src/tools/index.ts`` and ``src/tools/*-tools/*.ts``. Its
tools are routers: ``netlify-<domain>-services-reader``/``-updater`` (earlier
``netlify-<domain>-services``, ``ntl-<domain>-operations``) take ``selectSchema: {operation,
params}``; in verbose mode each
operation is its own tool, ``netlify-<domain>-<operation>``, taking the params. The operation
decides, whichever tool carries it: ``deploy-site`` (``deployDirectory``, ``siteId``: zips the
directory and builds it on Netlify, which publishes it: an update of
``netlify:site/<site>/production``; the site is ``siteId``, else ``.netlify/state.json`` there,
which is then written), ``manage-env-vars`` (``siteId``, ``deleteEnvVar``/``upsertEnvVar``/
``getAllEnvVars``, ``envVarKey``, ``newVarContext``: ``netlify:site/<site>/env/<context>/<KEY>``,
context ``*`` for all), ``manage-form-submissions`` (``action``, ``submissionId``),
``update-project-name``, ``update-forms``, ``update-visitor-access-controls`` (updates of the
site), ``create-new-project`` (``name``), ``change-extension-installation`` (``teamId``,
``extensionSlug``, ``shouldBeInstalled``: ``netlify:team/<team>/extension/<slug>``), and the
reads. Agent runs (``start-run``...) run an agent on Netlify: unknown, and so is an id the
server splices into an API path holding ``/``, ``?``, ``#``, ``%``, ``\\``, a space or ``..``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from keyturn.model import Effect, EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    missing_argument,
    on_tool,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

# -- Vercel --------------------------------------------------------------------------------------


def _deployment(word: str) -> str:
    """A deployment as the shell names it: its host (a URL's), or its id."""
    host = word.split("://", 1)[-1].split("/", 1)[0]
    return host or word


def _vercel(kind: EffectKind, name: Callable[[McpCall], str | None], detail: str = "") -> Handler:
    def handle(call: McpCall) -> BuiltinEffects:
        found = name(call)
        names = [found] if found else []
        return own_effects(call.effect(kind, names, service="vercel", detail=detail))

    return handle


def _vercel_deployment(*args: str) -> Callable[[McpCall], str | None]:
    return lambda c: f"vercel:deployment/{_deployment(v)}" if (v := c.text_arg(*args)) else None


def _vercel_project(*args: str, suffix: str = "") -> Callable[[McpCall], str | None]:
    return lambda c: f"vercel:project/{v}{suffix}" if (v := c.text_arg(*args)) else None


def _vercel_required(arg: str, handler: Handler, kind: EffectKind) -> Handler:
    """A change whose resource argument is required: without it, unknown."""

    def handle(call: McpCall) -> BuiltinEffects:
        if call.text_arg(arg) is None:
            return missing_argument(call, kind, arg)
        return handler(call)

    return handle


def _vercel_create_project(call: McpCall) -> BuiltinEffects:
    name = call.text_arg("requestBody.name") or "*"
    names = [f"vercel:project/{name}"]
    return own_effects(call.effect(C, names, service="vercel", detail="a new project"))


VERCEL = ServerFamily(
    "vercel",
    ("vercel*", "*vercel*"),
    {
        **dict.fromkeys(
            (
                "list_teams",
                "list_projects",
                "list_deployments",
                "search_vercel_documentation",
                "get_git_deployment_context",
            ),
            on_tool(R, "vercel"),
        ),
        "get_project": _vercel(R, _vercel_project("projectId", "idOrName")),
        "get_runtime_logs": _vercel(R, _vercel_project("projectId", "idOrName")),
        "get_deployment": _vercel(R, _vercel_deployment("idOrUrl", "id")),
        "get_deployment_build_logs": _vercel(R, _vercel_deployment("idOrUrl", "id")),
        "cancel_deployment": _vercel_required(
            "id", _vercel(U, _vercel_deployment("id"), "cancels the deployment's build"), U
        ),
        "pause_project": _vercel_required(
            "projectId",
            _vercel(
                U,
                _vercel_project("projectId", suffix="/production"),
                "disruptive: the project stops serving until it is resumed",
            ),
            U,
        ),
        "create_project": _vercel_create_project,
    },
)

# -- Netlify -------------------------------------------------------------------------------------

_NetlifyOp = Callable[["McpCall", Mapping[str, Any]], "list[Effect]"]


def _text(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    return value if isinstance(value, str) and value else None


def _site(params: Mapping[str, Any]) -> str:
    return f"netlify:site/{_text(params, 'siteId') or '*'}"


def _netlify(call: McpCall, kind: EffectKind, names: list[str], detail: str = "") -> Effect:
    return call.effect(kind, names, service="netlify", detail=detail)


def _read(suffix: str = "", *, site: bool = True) -> _NetlifyOp:
    return lambda call, p: [_netlify(call, R, [_site(p) + suffix] if site else [])]


def _update_site(detail: str = "") -> _NetlifyOp:
    def op(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
        if _text(params, "siteId") is None:
            return [call.unknown("params.siteId missing or not text")]
        return [_netlify(call, U, [_site(params)], detail)]

    return op


def _deploy_site(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    """Zips ``deployDirectory`` and builds it on Netlify, which publishes it; records the site
    in ``.netlify/state.json`` there when it is not yet. The remote server's variant takes no
    directory: it returns a command and an upload URL authorised to deploy that site, which is
    as much a deploy (the upload needs no further consent)."""
    directory = _text(params, "deployDirectory")
    state_path = call.file(f"{directory}/.netlify/state.json") if directory else None
    state = _json(call, state_path.removeprefix("file:")) if state_path else None
    recorded = state.get("siteId") if state else None
    site = _text(params, "siteId") or (recorded if isinstance(recorded, str) else None) or "*"
    detail = (
        f"uploads {directory} and builds it on Netlify: published"
        if directory
        else "authorises an upload that builds and publishes the site"
    )
    effects = [_netlify(call, U, [f"netlify:site/{site}/production"], detail)]
    if directory:
        read = call.effect(R, [call.file(directory)], service="file", detail="zipped and uploaded")
        effects.insert(0, read)
    if state_path and not recorded:
        effects.append(call.effect(U, [state_path], service="file", detail="records the site id"))
    return effects


def _json(call: McpCall, path: str) -> dict[str, Any] | None:
    text = call.files.read_text(path, limit=262_144)
    try:
        found = json.loads(text) if text else None
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None


def _env_vars(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    """``manage-env-vars``: delete first, else upsert, else list (the server's order)."""
    where = f"{_site(params)}/env"
    key = _text(params, "envVarKey") or "*"
    if params.get("deleteEnvVar") is True:
        return [_netlify(call, D, [f"{where}/*/{key}"], "removes the variable in every context")]
    if params.get("upsertEnvVar") is True:
        context = _text(params, "newVarContext") or "all"
        context = "*" if context == "all" else context
        return [_netlify(call, U, [f"{where}/{context}/{key}"])]
    if params.get("getAllEnvVars") is True:
        return [_netlify(call, R, [f"{where}/*"], "reads the variables and their values")]
    return [_netlify(call, R, [], "no action chosen: changes nothing")]


def _submissions(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    if params.get("action") == "delete-submission":
        submission = _text(params, "submissionId") or "*"
        names = [f"{_site(params)}/submission/{submission}"]
        return [_netlify(call, D, names, "deletes a form submission")]
    form = _text(params, "formId") or "*"
    return [_netlify(call, R, [f"{_site(params)}/form/{form}/submission/*"])]


def _access_controls(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    protects = params.get("requirePassword") is True or params.get("requireSSOTeamLogin") is True
    detail = "" if protects else "removes the site's visitor password and SSO protection"
    return _update_site(detail)(call, params)


def _new_project(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    name = _text(params, "name") or "*"
    return [_netlify(call, C, [f"netlify:site/{name}"], "a new site")]


def _extension(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    team, slug = _text(params, "teamId") or "*", _text(params, "extensionSlug") or "*"
    name = f"netlify:team/{team}/extension/{slug}"
    if params.get("shouldBeInstalled") is False:
        return [_netlify(call, D, [name], "uninstalls it from every site of the team")]
    return [_netlify(call, C, [name], "installs it for the team")]


def _team_env(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    team = _text(params, "teamId") or "*"
    return [_netlify(call, R, [f"netlify:team/{team}/env/*"], "reads the variables")]


def _deploy_read(call: McpCall, params: Mapping[str, Any]) -> list[Effect]:
    deploy = _text(params, "deployId") or "*"
    return [_netlify(call, R, [f"{_site(params)}/deploy/{deploy}"])]


_OPERATIONS: dict[str, _NetlifyOp] = {
    "get-user": _read(site=False),
    "get-teams": _read(site=False),
    "get-team": _read(site=False),
    "get-team-env-vars": _team_env,
    "get-projects": _read(site=False),
    "get-project": _read(),
    "get-forms-for-project": _read("/form/*"),
    "get-deploy": _deploy_read,
    "get-deploy-for-site": _deploy_read,
    "get-extensions": _read(site=False),
    "get-full-extension-details": _read(site=False),
    # returns instructions to install a package: nothing changes on Netlify
    "initialize-database": _read(site=False),
    "deploy-site": _deploy_site,
    "manage-env-vars": _env_vars,
    "manage-form-submissions": _submissions,
    "update-forms": _update_site("turns form detection on or off"),
    "update-project-name": _update_site("renames the site: its old subdomain is released"),
    "update-visitor-access-controls": _access_controls,
    "create-new-project": _new_project,
    "change-extension-installation": _extension,
}


# The domain each operation belongs to (its verbose tool is ``netlify-<domain>-<operation>``).
_DOMAIN_OF = {
    "get-user": "user",
    **dict.fromkeys(("get-deploy", "get-deploy-for-site", "deploy-site"), "deploy"),
    **dict.fromkeys(("get-teams", "get-team", "get-team-env-vars"), "team"),
    **dict.fromkeys(
        ("change-extension-installation", "get-extensions", "get-full-extension-details"),
        "extension",
    ),
    "initialize-database": "extension",
}
_VERBOSE = {f"netlify-{_DOMAIN_OF.get(op, 'project')}-{op}": op for op in _OPERATIONS}


def _selected(call: McpCall) -> tuple[str | None, Mapping[str, Any]]:
    """The operation and its params: the router's ``selectSchema`` or, in verbose mode, the
    tool's own name (``netlify-<domain>-<operation>``) and arguments."""
    if call.tool in _VERBOSE:
        return _VERBOSE[call.tool], call.arguments
    select = call.arg("selectSchema")
    if not isinstance(select, Mapping):
        return None, {}
    operation, params = select.get("operation"), select.get("params")
    return (
        operation if isinstance(operation, str) else None,
        params if isinstance(params, Mapping) else {},
    )


def _netlify_tool(call: McpCall) -> BuiltinEffects:
    operation, params = _selected(call)
    if call.probe:
        ends = call.tool.rsplit("-", 1)[-1]
        kind = {"reader": R, "updater": U}.get(ends, EffectKind.UNKNOWN)
        return own_effects(call.effect(kind, service="netlify", detail="any operation"))
    op = _OPERATIONS.get(operation or "")
    if op is None:
        return own_effects(call.unknown(f"Netlify operation {operation!r} not known"))
    bad = [k for k in _IN_PATHS if _PATH_BREAK.search(str(params.get(k) or ""))]
    if bad:
        return own_effects(call.unknown(f"params.{bad[0]} would leave its API path"))
    return own_effects(*op(call, params))


# Params the server splices unencoded into API paths: ``envVarKey: "../../../sites/s2"``
# would be ``DELETE /api/v1/sites/s2``, ``"DB?"`` drops the ``?site_id=`` (the team's DB).
_IN_PATHS = ("siteId", "envVarKey", "deployId", "submissionId", "formId", "teamId")
_PATH_BREAK = re.compile(r"[/?#%\\\s]|^\.\.?$")


NETLIFY = ServerFamily(
    "netlify",
    ("netlify*", "*netlify*"),
    {
        **dict.fromkeys(_VERBOSE, _netlify_tool),
        **dict.fromkeys(
            ("netlify-*-services", "netlify-*-services-reader", "netlify-*-services-updater"),
            _netlify_tool,
        ),
        "ntl-*-operations": _netlify_tool,
    },
)
