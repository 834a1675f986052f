"""Built-in meanings of the MCP server bundled in the Railway CLI (``railway mcp``), named as
the shell's ``railway`` names the same things (the family is :mod:`._mcp_railway`'s).

Source: ``railwayapp/cli`` ``src/commands/mcp/handler.rs`` (the tools) and ``params.rs`` (their
arguments). Its snake_case tools take ``project_id``, ``environment_id`` and ``service_id`` (an
id or a name; the linked one when omitted, ``*`` here) and call Railway's API, so the names are
built here in the shell's form: ``railway:<project>/<environment>/service/<service>``
(``/variable/<KEY>``, ``/domain/<domain>``, ``/deployment/latest``),
``railway:<project>/<environment>`` and its ``/volume/<id>`` and ``/bucket/<id>``,
``railway:<project>``. ``remove_service``, ``remove_volume`` and ``remove_bucket`` only describe
what they would delete unless ``confirm`` is true: a read, else a delete of the resource and
what it holds (``…/*``). Scaling every region to 0 replicas takes the service down: a delete of
its latest deployment, as ``railway down``. ``link_service``/``link_environment`` write the
CLI's link (``~/.railway/config.json``); without a name they only list. Its private
networking, TCP proxy and staged-changes tools are not understood here (unknown).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from keyturn.model import EffectKind
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    U,
    missing_argument,
    on_tool,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_SERVICE = "railway"
_CONFIG = "~/.railway/config.json"


def _scope(call: McpCall) -> tuple[str, str, str]:
    return (
        call.text_arg("project_id") or "*",
        call.text_arg("environment_id") or "*",
        call.text_arg("service_id", "service_name") or "*",
    )


def _service_name(call: McpCall) -> str:
    project, environment, service = _scope(call)
    return f"railway:{project}/{environment}/service/{service}"


def _in_service(kind: EffectKind, suffix: str = "", detail: str = "") -> Handler:
    return lambda call: own_effects(
        call.effect(kind, [_service_name(call) + suffix], service=_SERVICE, detail=detail)
    )


def _in_environment(kind: EffectKind, suffix: str = "", detail: str = "") -> Handler:
    def handle(call: McpCall) -> BuiltinEffects:
        project, environment, _ = _scope(call)
        name = f"railway:{project}/{environment}{suffix}"
        return own_effects(call.effect(kind, [name], service=_SERVICE, detail=detail))

    return handle


def _keys(value: Any) -> list[str]:
    """Variable names of ``set_variables``'s map or ``add_reference_variable``'s list."""
    if isinstance(value, Mapping):
        return [str(k) for k in value]
    if isinstance(value, list):
        return [str(v["name"]) for v in value if isinstance(v, Mapping) and "name" in v]
    return []


def _variables(call: McpCall) -> BuiltinEffects:
    keys = _keys(call.arg("variables"))
    if not keys:
        return missing_argument(call, U, "variables")
    detail = "" if call.arg("skip_deploys") is True else "the service redeploys with it"
    where = _service_name(call)
    return own_effects(
        *(call.effect(U, [f"{where}/variable/{k}"], service=_SERVICE, detail=detail) for k in keys)
    )


def _generate_domain(call: McpCall) -> BuiltinEffects:
    domain = call.text_arg("domain") or "*"
    return _in_service(C, f"/domain/{domain}", "adds a domain")(call)


def _link(what: str) -> Handler:
    """``link_service``/``link_environment``: writes the CLI's link (without a name: lists)."""

    def handle(call: McpCall) -> BuiltinEffects:
        if call.text_arg(f"{what}_id", f"{what}_name") is None and not call.probe:
            return _in_environment(R, f"/{what}/*" if what == "service" else "")(call)
        detail = f"links this directory to a {what}"
        return own_effects(call.effect(U, [call.file(_CONFIG)], service="file", detail=detail))

    return handle


def _create_project(call: McpCall) -> BuiltinEffects:
    name = call.text_arg("name")
    if name is None:
        return missing_argument(call, C, "name")
    return own_effects(
        call.effect(C, [f"railway:{name}"], service=_SERVICE, detail="a new project")
    )


def _create_environment(call: McpCall) -> BuiltinEffects:
    name = call.text_arg("name")
    if name is None:
        return missing_argument(call, C, "name")
    source = call.text_arg("source_environment_id")
    detail = f"copies the services and variables of {source}" if source else ""
    project = call.text_arg("project_id") or "*"
    return own_effects(
        call.effect(C, [f"railway:{project}/{name}"], service=_SERVICE, detail=detail)
    )


def _create_service(call: McpCall) -> BuiltinEffects:
    project, environment, _ = _scope(call)
    name = f"railway:{project}/{environment}/service/{call.text_arg('name') or '*'}"
    return own_effects(call.effect(C, [name], service=_SERVICE, detail="adds a service"))


def _confirmed(delete: Callable[[McpCall], list[str]], detail: str) -> Handler:
    """A removal that only previews what it would remove unless ``confirm`` is true."""

    def handle(call: McpCall) -> BuiltinEffects:
        names = delete(call)
        if call.arg("confirm") is not True and not call.probe:
            preview = "a preview: removes nothing without confirm: true"
            return own_effects(call.effect(R, names[:1], service=_SERVICE, detail=preview))
        return own_effects(call.effect(D, names, service=_SERVICE, detail=detail))

    return handle


def _whole(name: str) -> list[str]:
    return [name, f"{name}/*"]


def _removed_volume(call: McpCall) -> list[str]:
    return _whole(f"railway:*/*/volume/{call.text_arg('volume_id') or '*'}")


def _removed_bucket(call: McpCall) -> list[str]:
    project, environment, _ = _scope(call)
    return _whole(f"railway:{project}/{environment}/bucket/{call.text_arg('bucket_id') or '*'}")


def _scale(call: McpCall) -> BuiltinEffects:
    replicas = call.arg("replicas")
    counts = list(replicas.values()) if isinstance(replicas, Mapping) else []
    if counts and all(isinstance(n, int) and not isinstance(n, bool) and n <= 0 for n in counts):
        detail = "scaled to 0 in every region: the service stops serving"
        return _in_service(D, "/deployment/latest", detail)(call)
    return _in_service(U, detail="changes the service's replicas and regions")(call)


def _create_volume(call: McpCall) -> BuiltinEffects:
    project, environment, _ = _scope(call)
    volume = call.effect(C, [f"railway:{project}/{environment}/volume/*"], service=_SERVICE)
    mount = call.effect(U, [_service_name(call)], service=_SERVICE, detail="mounts the volume")
    return own_effects(volume, mount)


def _update_volume(call: McpCall) -> BuiltinEffects:
    volume = call.text_arg("volume_id")
    if volume is None:
        return missing_argument(call, U, "volume_id")
    environment = call.text_arg("environment_id") or "*"
    name = f"railway:*/{environment}/volume/{volume}"
    return own_effects(call.effect(U, [name], service=_SERVICE))


_READS_SERVICE = (
    "list_deployments",
    "get_logs",
    "get_service_config",
    "service_metrics",
    "http_requests",
    "http_error_rate",
    "http_response_time",
)


def deploy(call: McpCall) -> BuiltinEffects:
    """``deploy``: uploads ``path`` (or the server's directory) and deploys it to the service."""
    return _in_service(U, detail="uploads a directory and deploys it to the service")(call)


API_TOOLS: dict[str, Handler] = {
    "whoami": on_tool(R, _SERVICE),
    "list_projects": on_tool(R, _SERVICE),
    "list_workspaces": on_tool(R, _SERVICE),
    "search_templates": on_tool(R, _SERVICE),
    "docs_search": on_tool(R, _SERVICE),
    "docs_fetch": on_tool(R, _SERVICE),
    "list_services": lambda c: own_effects(
        c.effect(R, [f"railway:{_scope(c)[0]}/*/service/*"], service=_SERVICE)
    ),
    **dict.fromkeys(_READS_SERVICE, _in_service(R)),
    "list_variables": _in_service(R, "/variable/*", "reads the service's variables"),
    "environment_status": _in_environment(R),
    "set_variables": _variables,
    "add_reference_variable": _variables,
    "generate_domain": _generate_domain,
    "link_service": _link("service"),
    "link_environment": _link("environment"),
    "create_project": _create_project,
    "create_environment": _create_environment,
    "create_service": _create_service,
    "update_service": _in_service(U, detail="changes the service's settings"),
    "scale_service": _scale,
    "deploy_template": _in_environment(C, "/service/*", "deploys a template"),
    "remove_service": _confirmed(
        lambda c: _whole(_service_name(c)), "deletes the service and all its deployments"
    ),
    "create_volume": _create_volume,
    "update_volume": _update_volume,
    "remove_volume": _confirmed(_removed_volume, "deletes the volume and all its data"),
    "create_bucket": _in_environment(C, "/bucket/*"),
    "remove_bucket": _confirmed(_removed_bucket, "deletes the bucket and everything in it"),
}
"""The tools of ``railway mcp`` but ``deploy`` (shared with the npm server's)."""
