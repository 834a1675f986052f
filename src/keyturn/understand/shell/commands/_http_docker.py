"""What an HTTP request to the Docker Engine API does: the Docker part of :mod:`._http_meaning`.

A request reaches the daemon through its socket (``curl --unix-socket /var/run/docker.sock``),
its TCP ports (2375, 2376) or the address ``DOCKER_HOST`` names (:class:`._http_request.Request`
says which). It is named as the ``docker`` CLI names what it does (``docker:container/NAME``,
``docker:volume/NAME``, ``docker:image/NAME``, ``docker:network/NAME``; a prune is
``docker:<kind>/*``), so that a ``protected`` volume holds against ``DELETE /volumes/prod-data``
as against ``docker volume rm prod-data``. What the CLI would judge by what runs in the
container is unknown here: a container created with host access (bind mounts, mounts, devices,
``Privileged``, the host's namespaces), an ``exec``, an ``attach``, files put into a container,
and any call not mapped below.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._http_request import READ_METHODS, Request, json_object

_E = EffectKind
_VERSION = re.compile(r"v\d+(?:\.\d+)*")
# The kinds of object, as the API's path names them and as the CLI's names call them.
_KINDS = {"containers": "container", "volumes": "volume", "images": "image", "networks": "network"}
# Container actions that only change its state (``docker start``, ``stop``...).
_CONTAINER_UPDATES = frozenset(
    {"start", "stop", "restart", "kill", "pause", "unpause", "wait", "resize", "rename", "update"}
)
# HostConfig settings that give a container the host: what it then does is not judged here.
_HOST_ACCESS = ("Binds", "Mounts", "Devices", "CapAdd", "VolumesFrom", "DeviceRequests")
_HOST_NAMESPACES = ("PidMode", "IpcMode", "NetworkMode", "UTSMode", "UsernsMode", "CgroupnsMode")


def docker(req: Request, segments: list[str], query: str, target: Target) -> list[Effect]:
    """The effects of one Docker Engine API call (path ``segments``, see
    :func:`._http_meaning.api_segments`)."""
    segs = segments[1:] if segments and _VERSION.fullmatch(segments[0]) else segments
    method = req.method.upper()
    kind = _KINDS.get(segs[0], "") if segs else ""
    if method in READ_METHODS:
        # ``/containers/json`` lists them all; ``/containers/web/json`` inspects one.
        name = segs[1] if len(segs) > 1 and segs[1] != "json" else "*"
        return [_effect(_E.READ, f"docker:{kind}/{name}" if kind else "docker:*", req, target)]
    if not kind or len(segs) < 2:
        return [_unknown(req, target, "a Docker Engine API call keyturn does not map")]
    if segs[1] == "prune" and len(segs) == 2 and method == "POST":
        return [_effect(_E.DELETE, f"docker:{kind}/*", req, target, f"prunes {segs[0]}")]
    if segs[1] == "create" and len(segs) == 2 and method == "POST":
        return [_create(req, kind, query, target)]
    if method == "DELETE":
        name = "/".join(segs[1:])
        return [_effect(_E.DELETE, f"docker:{kind}/{name}", req, target, f"removes the {kind}")]
    if kind == "container" and len(segs) == 3 and segs[2] in _CONTAINER_UPDATES:
        return [_effect(_E.UPDATE, f"docker:container/{segs[1]}", req, target, segs[2])]
    return [_unknown(req, target, f"Docker Engine API {method} /{'/'.join(segs)} not mapped")]


def _create(req: Request, kind: str, query: str, target: Target) -> Effect:
    """``POST /containers/create`` and ``/volumes/create``: a container given host access is
    unknown (what it runs there is judged nowhere); a body not read is unknown."""
    body = json_object(req.body)
    if req.body_unknown or (req.body is not None and body is None):
        return _unknown(req, target, f"creates a {kind} from a body not read")
    body = body or {}
    if kind == "volume":
        return _effect(_E.CREATE, f"docker:volume/{body.get('Name') or '*'}", req, target)
    if kind != "container":
        return _unknown(req, target, f"creates a {kind}: not mapped")
    access = _host_access(body)
    if access:
        why = f"a container given the host ({access}): what it does there is not judged"
        return _unknown(req, target, why)
    name = dict(parse_qsl(query)).get("name") or "*"
    return _effect(_E.CREATE, f"docker:container/{name}", req, target, "creates the container")


def _host_access(body: dict[str, Any]) -> str:
    """The first setting of a container's definition that gives it the host, or ``""``."""
    host = body.get("HostConfig")
    if host is not None and not isinstance(host, dict):
        return "HostConfig"
    host = host or {}
    for key in _HOST_ACCESS:
        if host.get(key):
            return f"HostConfig.{key}"
    if host.get("Privileged"):
        return "HostConfig.Privileged"
    for key in _HOST_NAMESPACES:
        value = host.get(key)
        if isinstance(value, str) and (value == "host" or value.startswith("container:")):
            return f"HostConfig.{key}={value}"
    if host.get("SecurityOpt"):
        return "HostConfig.SecurityOpt"
    return ""


def _effect(kind: EffectKind, name: str, req: Request, target: Target, detail: str = "") -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(names=(name,), type="docker"),
        target=target,
        service="docker",
        operation=f"docker-api:{req.method.upper()}",
        detail=detail,
    )


def _unknown(req: Request, target: Target, reason: str) -> Effect:
    return _effect(_E.UNKNOWN, "docker:*", req, target, reason)
