"""How Azure resources are named from ARM ids and URLs, and ``az rest``.

Azure compares resource and resource group names without case ("Resource and resource group
names are case-insensitive unless specifically noted": Microsoft's naming rules), and the
segments of an ARM id too (``resourcegroups`` is ``resourceGroups``). Names are kept as typed;
protected ``azure:`` patterns and names are compared without case (:mod:`keyturn.policy.engine`).

An ARM id (``--ids``, ``az rest``'s URL) is ``azure:<id>``; one that is a resource group's is
also ``azure:group/<rg>`` and ``azure:subscriptions/<subscription>/group/<rg>``, as ``az group``
names it, and one of a resource is also named as az's group for its type names it
(:mod:`._az_nested`), so a pattern written either way holds.

``az rest --method M --url URL`` sends one ARM request: ``DELETE`` deletes what the URL names
(a lock's URL: the protection of what it locks), ``GET``/``HEAD``/``OPTIONS`` read,
``PUT``/``PATCH`` update; ``POST`` runs an action whose meaning the URL alone does not tell
(``powerOff``, ``listKeys``...): unknown. A URL of another service (Microsoft Graph...) is
unknown. ``{subscriptionId}`` in the URL is the default subscription, as az fills it in.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._az_nested import arm_resource_names
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.registry import ShellContext

_E = EffectKind
_ARM_HOSTS = frozenset(
    {
        *("management.azure.com", "management.usgovcloudapi.net"),
        *("management.chinacloudapi.cn", "management.microsoftazure.de"),
    }
)
_METHODS = {
    "delete": _E.DELETE,
    "get": _E.READ,
    "head": _E.READ,
    "options": _E.READ,
    "put": _E.UPDATE,
    "patch": _E.UPDATE,
}
_LOCKS = "/providers/microsoft.authorization/locks/"


def arm_names(arm_id: str) -> list[str]:
    """``azure:<id>``, the ``az group`` names of a resource group's id, and the az names of a
    resource's (``azure:vm/keep``...: :func:`._az_nested.arm_resource_names`)."""
    names = [f"azure:{arm_id}", *arm_resource_names(arm_id)]
    parts = arm_id.strip("/").split("/")
    if len(parts) == 4 and [p.lower() for p in parts[::2]] == ["subscriptions", "resourcegroups"]:
        names += [f"azure:group/{parts[3]}", f"azure:subscriptions/{parts[1]}/group/{parts[3]}"]
    return names


def group_ids(group: str, subscriptions: Sequence[str]) -> list[str]:
    """The ARM ids of resource group ``group`` in each of ``subscriptions`` (``*``: not told)."""
    return [
        f"azure:/subscriptions/{s}/resourcegroups/{group}" for s in (list(subscriptions) or ["*"])
    ]


def rest_effects(
    flags: dict[str, list[str]], subscriptions: Sequence[str], ctx: ShellContext
) -> list[Effect]:
    """The effect of ``az rest`` (``flags``: its options, ``subscriptions``: the default one's
    id and name, which ``{subscriptionId}`` stands for)."""
    method = ((flags.get("method") or ["get"])[-1]).lower()
    url = (flags.get("url") or flags.get("uri") or [""])[-1]
    op = f"az rest --method {method}"
    where = urlsplit(url)
    if not url or (where.netloc and where.netloc.lower() not in _ARM_HOSTS):
        detail = "a request to a service whose meaning is not told here"
        return [
            cloud_effect(
                _E.UNKNOWN,
                [f"azure:{url or '*'}"],
                ctx,
                service="azure",
                operation=op,
                detail=detail,
            )
        ]
    path = posixpath.normpath("/" + unquote(where.path).strip("/"))
    kind = _METHODS.get(method)
    if kind is None:
        detail = f"{method.upper()}: an action whose meaning the URL does not tell"
    else:
        detail = f"{method.upper()} of an ARM resource"
    ids = [path.replace("{subscriptionId}", s) for s in (list(subscriptions) or ["*"])]
    if kind is _E.DELETE and _LOCKS in path.lower():
        scopes = [i[: i.lower().index(_LOCKS)] or "/" for i in ids]
        names = [n for scope in scopes for n in arm_names(scope)]
        detail = "removes a delete lock"
        return [
            cloud_effect(
                _E.UPDATE,
                names,
                ctx,
                service="azure",
                operation=op,
                detail=detail,
                removes_protection=True,
            )
        ]
    names = [n for i in ids for n in arm_names(i)]
    return [
        cloud_effect(kind or _E.UNKNOWN, names, ctx, service="azure", operation=op, detail=detail)
    ]
