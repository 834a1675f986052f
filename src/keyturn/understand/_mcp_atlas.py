"""Built-in meanings of the MongoDB server's Atlas tools (``atlas-*``, ``atlas-local-*``).

Source: ``mongodb-js/mongodb-mcp-server`` ``src/tools/atlas/**`` and ``src/tools/atlasLocal/**``
(``projectId``, ``clusterName``, ``name``, ``username``, ``orgId`` -- ``organizationId`` in older
versions --, ``projectName``, ``ipAddresses``, ``cidrBlocks``, ``currentIpAddress``, ``action``,
``deploymentName``); since 3.0 (npm ``mongodb-mcp-server`` 3.0.4, package
``@mongodb-js/mcp-tools-atlas`` ``dist/tools/{create,update,streams}``) also
``atlas-create-cluster``, ``atlas-upgrade-cluster``, ``atlas-load-sample-dataset`` and the
Stream Processing tools (``workspaceName``, ``resource``, ``resourceName``).

Names: ``mongodb-atlas:project/<projectId>``, with ``/cluster/<name>``, ``/user/<name>`` and
``/access-list`` under it; a project being created ``mongodb-atlas:org/<orgId>/project/<name>``
(``*`` when the server picks the organization); a stream processing workspace
``mongodb-atlas:project/<projectId>/streams/<workspace>``, with ``/processor/<name>`` and
``/connection/<name>`` under it (a project's PrivateLink and peering connections are
``…/streams-privatelink/<id>`` and ``…/streams-peering/<id>``); a local deployment
``mongodb-atlas:local/<name>``. The tools that create in a project or connect to its clusters
also add this machine's address to the project's access list (the server's
``ensureCurrentIpInAccessList``): an update of ``…/access-list``, as the access-list tool is.
:data:`ATLAS_TOOLS` joins the MongoDB family (:mod:`._mcp_mongodb`): the same server offers both.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind
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

_ATLAS = "mongodb-atlas:"
_SERVICE = "mongodb-atlas"


def _project(call: McpCall) -> str | None:
    project = call.text_arg("projectId")
    return f"{_ATLAS}project/{project}" if project else None


def _access_list(call: McpCall, project: str, detail: str) -> Effect:
    names = [f"{project}/access-list"]
    return call.effect(U, names, type_="access_list", service=_SERVICE, detail=detail)


def _read(call: McpCall) -> BuiltinEffects:
    """A read of the cluster, else the project, its arguments name (else of the account)."""
    project, cluster = _project(call), call.text_arg("clusterName")
    if project is None:
        return on_tool(R, _SERVICE)(call)
    name = f"{project}/cluster/{cluster}" if cluster else project
    return own_effects(call.effect(R, [name], service=_SERVICE))


def _in_project(kind: EffectKind, what: str, arg: str | None, detail: str = "") -> Handler:
    """A create of ``what`` (named by ``arg``; ``*`` when the server names it) in the project,
    plus the access-list entry the server adds for this machine."""

    def handle(call: McpCall) -> BuiltinEffects:
        project = _project(call)
        name = call.text_arg(arg) if arg else "*"
        if project is None or name is None:
            return missing_argument(call, kind, "projectId" if project is None else str(arg))
        names = [f"{project}/{what}/{name}"]
        own = call.effect(kind, names, type_=what, service=_SERVICE, detail=detail)
        return own_effects(own, _access_list(call, project, "adds this machine's address"))

    return handle


def _everywhere(entry: str) -> bool:
    """An access-list entry that lets in every address (``0.0.0.0/0``, ``::/0``)."""
    try:
        return ipaddress.ip_network(entry, strict=False).prefixlen == 0
    except ValueError:
        return False


def _create_access_list(call: McpCall) -> BuiltinEffects:
    project = _project(call)
    if project is None:
        return missing_argument(call, U, "projectId")
    entries = [
        str(v)
        for key in ("ipAddresses", "cidrBlocks")
        for v in (call.arg(key) if isinstance(call.arg(key), list) else [])
    ]
    if call.arg("currentIpAddress") is True:
        entries.append("this machine's address")
    detail = "allows " + (", ".join(entries) or "nothing told")
    if any(_everywhere(e) for e in entries):
        detail += "; open to every address"
    return own_effects(_access_list(call, project, detail))


def _pause_resume(call: McpCall) -> BuiltinEffects:
    project, cluster = _project(call), call.text_arg("clusterName")
    if project is None or cluster is None:
        return missing_argument(call, U, "projectId" if project is None else "clusterName")
    action = call.text_arg("action") or "action not told"
    detail = "PAUSE (disruptive: no connections until resumed)" if action == "PAUSE" else action
    names = [f"{project}/cluster/{cluster}"]
    return own_effects(call.effect(U, names, type_="cluster", service=_SERVICE, detail=detail))


def _create_project(call: McpCall) -> BuiltinEffects:
    org = call.text_arg("orgId", "organizationId") or "*"
    name = call.text_arg("projectName") or "Atlas Project"  # the server's default name
    names = [f"{_ATLAS}org/{org}/project/{name}"]
    return own_effects(call.effect(C, names, type_="project", service=_SERVICE))


def _on_cluster(kind: EffectKind, detail: str) -> Handler:
    """The cluster ``clusterName`` names in the project (``atlas-upgrade-cluster``)."""

    def handle(call: McpCall) -> BuiltinEffects:
        project, cluster = _project(call), call.text_arg("clusterName")
        if project is None or cluster is None:
            return missing_argument(call, kind, "projectId" if project is None else "clusterName")
        names = [f"{project}/cluster/{cluster}"]
        return own_effects(
            call.effect(kind, names, type_="cluster", service=_SERVICE, detail=detail)
        )

    return handle


def _load_sample(call: McpCall) -> BuiltinEffects:
    """``atlas-load-sample-dataset``: with ``clusterName`` it loads the sample databases into
    the cluster; with only ``jobId`` it reads how a load goes."""
    if call.text_arg("clusterName") is None and call.text_arg("jobId") is not None:
        return _read(call)
    return _on_cluster(U, "loads the sample databases into the cluster")(call)


def _streams_name(call: McpCall, project: str, resource: object, name: str | None) -> list[str]:
    """What a Stream Processing call names: a ``workspace`` (with ``…/*``, what it holds), a
    ``processor`` or ``connection`` in ``workspaceName``, a project's ``privatelink`` or
    ``peering`` connection; a name not told is ``*``. ``[]``: a kind not known."""
    workspace = f"{project}/streams/{call.text_arg('workspaceName') or '*'}"
    if resource == "workspace":
        return [workspace, f"{workspace}/*"]
    if resource in ("processor", "connection"):
        return [f"{workspace}/{resource}/{name or '*'}"]
    if resource in ("privatelink", "peering"):
        return [f"{project}/streams-{resource}/{name or '*'}"]
    return []


# manage.js: the kind each action acts on (``resourceName``, or ``peeringId`` for peering).
_MANAGED = {
    "start-processor": "processor",
    "stop-processor": "processor",
    "modify-processor": "processor",
    "update-connection": "connection",
    "update-workspace": "workspace",
    "accept-peering": "peering",
    "reject-peering": "peering",
}


def _streams(kind: EffectKind) -> Handler:
    """``atlas-streams-teardown`` (``resource``, ``resourceName``) deletes what it names;
    ``atlas-streams-manage`` (``action``) changes it. A deleted workspace takes its processors
    and connections with it."""

    def handle(call: McpCall) -> BuiltinEffects:
        project = _project(call)
        if project is None:
            return missing_argument(call, kind, "projectId")
        action = call.arg("action")
        if kind is D:
            resource, detail = call.arg("resource"), ""
        else:
            resource = _MANAGED.get(action) if isinstance(action, str) else None
            detail = str(action)
        key = "peeringId" if kind is not D and resource == "peering" else "resourceName"
        names = _streams_name(call, project, resource, call.text_arg(key))
        if not names:
            what = "resource" if kind is D else "action"
            return own_effects(call.unknown(f"argument {what!r}: {call.arg(what)!r} not known"))
        effect = call.effect(kind, names, type_="streams", service=_SERVICE, detail=detail)
        return own_effects(effect)

    return handle


def _local(kind: EffectKind, *, required: bool = True) -> Handler:
    """A local deployment (a container on this machine), by ``deploymentName``."""

    def handle(call: McpCall) -> BuiltinEffects:
        name = call.text_arg("deploymentName")
        if name is None and required:
            return missing_argument(call, kind, "deploymentName")
        names = [f"{_ATLAS}local/{name or '*'}"]
        return own_effects(call.effect(kind, names, type_="deployment", service=_SERVICE))

    return handle


ATLAS_TOOLS: dict[str, Handler] = {
    "atlas-list-orgs": on_tool(R, _SERVICE),
    "atlas-list-projects": on_tool(R, _SERVICE),
    "atlas-list-clusters": _read,
    "atlas-inspect-cluster": _read,
    "atlas-inspect-access-list": _read,
    "atlas-list-db-users": _read,
    "atlas-list-alerts": _read,
    "atlas-get-performance-advisor": _read,
    "atlas-create-project": _create_project,
    "atlas-create-free-cluster": _in_project(C, "cluster", "name"),
    "atlas-create-db-user": _in_project(C, "user", "username"),
    "atlas-connect-cluster": _in_project(C, "user", None, "a temporary user to connect with"),
    "atlas-create-access-list": _create_access_list,
    "atlas-pause-resume-cluster": _pause_resume,
    "atlas-create-cluster": _in_project(C, "cluster", "clusterName"),
    "atlas-upgrade-cluster": _on_cluster(U, "changes the cluster's tier"),
    "atlas-load-sample-dataset": _load_sample,
    "atlas-streams-teardown": _streams(D),
    "atlas-streams-manage": _streams(U),
    "atlas-local-list-deployments": on_tool(R, _SERVICE),
    "atlas-local-connect-deployment": _local(R),
    "atlas-local-create-deployment": _local(C, required=False),
    "atlas-local-delete-deployment": _local(D),
}
