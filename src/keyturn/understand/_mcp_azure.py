"""Built-in meanings of a clear subset of the Azure MCP server's commands, named as the shell's
``az`` names them (:mod:`keyturn.understand.shell.commands.cloud_cli`).

Source: ``microsoft/mcp`` (formerly ``Azure/azure-mcp``)
``servers/Azure.Mcp.Server/docs/azmcp-commands.md`` (each command, its options and whether it is
read-only or destructive) and ``core/.../ToolLoading/NamespaceToolLoader.cs`` (how a namespace
tool routes a call).

Why only a subset: the server has several modes and hundreds of commands. In ``all`` mode each
command is a tool taking the command's options as arguments (``subscription``,
``resource-group``, ``account``...), named ``storage_account_get`` since version 2 (npm
``@azure/mcp`` 2.0.5's ``tools/list``) and ``azmcp_storage_account_get`` before: both
spellings are understood. In the default ``namespace`` mode each
namespace is one tool (``storage``) taking ``intent``, ``command``, ``parameters`` and
``learn``; a command it does not know, or ``learn`` with an ``intent`` that is not blank, can
make the server choose and run a command itself from the intent (MCP sampling), so such a call
is unknown here; ``learn`` with a blank intent only lists the commands (a read). The
``consolidated`` and ``single`` modes group commands under other names: unknown.

Understood, in both the ``all`` and the ``namespace`` spelling: ``subscription list``,
``group list`` (reads of ``azure:subscriptions/*``, ``azure:group/*``); ``storage account get``,
``storage blob container get``, ``storage blob get`` (reads of
``azure:storage/account/<account>``, ``azure:storage/container/<container>``,
``azure:storage/blob/<blob>``); ``storage account create`` (removing the account's protection
when its options open it to the world, as ``az``'s would: :mod:`._mcp_exposure`);
``appconfig account list``,
``appconfig kv get``/``set``/``delete`` (``azure:appconfig/kv/<account>/<key>`` and the store
``azure:appconfig/kv/<account>``, as ``az appconfig kv delete -n <account>`` names it) and
``appconfig kv lock set`` (unlocking a setting removes its protection).

The commands of npm ``@azure/mcp`` 2.0.5 that can open a store to every network (its
``tools/list``; what each sends read in ``microsoft/mcp``'s services), each removing the
store's protection when its options say so (:mod:`._mcp_exposure`): ``sql server create``
(``azure:sql/server/<server>``; ``public-network-access Enabled``), ``sql server firewall-rule
create`` (the rule, ``azure:sql/server/firewall-rule/<rule>`` as ``az`` names it, and its
server: a range wider than a ``/8`` lets in every address; a range that is not two IPv4
addresses is unknown), ``redis create`` (an Azure Managed Redis cache, ``azure:redis/<resource>``
and ``azure:redisenterprise/<resource>``; ``public-network-access true``), ``fileshares
fileshare create|update`` (``azure:fileshares/fileshare/<name>``; ``public-network-access
Enabled``, and a create that does not tell: its PUT leaves the share's network to the
service's default; the update is a PATCH), ``compute disk update``
(``azure:disk/<disk-name>``; ``network-access-policy AllowAll``) and ``storagesync service
update`` (``azure:storagesync/<name>``; ``incoming-traffic-policy AllowAllTraffic``). Their
tools keep the server's spelling (``sql_server_firewall-rule_create``). ``compute disk create``
stays unknown: it copies the data of its ``source`` (another disk, a snapshot, a VHD), which
no name here reads.

With a resource group or a subscription the names also come as ``azure:<rg>/...`` and
``azure:subscriptions/<subscription>/...``, as ``az`` adds them. Every other command is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from keyturn.model import Effect, EffectKind
from keyturn.understand._mcp_exposure import azure_opening, firewall_opening, untold_opening
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    C,
    D,
    Handler,
    R,
    ServerFamily,
    U,
    own_effects,
)

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

_Command = Callable[["McpCall", Mapping[str, Any]], Effect]


def _key(name: str) -> str:
    """A tool's or command's name as looked up: ``sql_server_firewall-rule_create``, ``sql
    server firewall-rule create`` and ``azmcp_sql_server_firewall_rule_create`` are one."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    return key.removeprefix("azmcp_")


def _param(params: Mapping[str, Any], name: str) -> str | None:
    """An option by its name (``resource-group``), also spelled camelCase or snake_case."""
    parts = name.split("-")
    for key in (name, "_".join(parts), parts[0] + "".join(p.title() for p in parts[1:])):
        value = params.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _names(params: Mapping[str, Any], path: str) -> list[str]:
    """``azure:<path>`` with the resource group's and subscription's spellings beside it."""
    names = [f"azure:{path}"]
    group = _param(params, "resource-group")
    subscription = _param(params, "subscription")
    if group:
        names.append(f"azure:{group}/{path}")
    if subscription:
        names.append(f"azure:subscriptions/{subscription}/{path}")
    return names


_Path = Callable[[Mapping[str, Any]], "str | list[str]"]


def _on(kind: EffectKind, path: _Path, detail: str = "") -> _Command:
    def command(call: McpCall, params: Mapping[str, Any]) -> Effect:
        found = path(params)
        paths = [found] if isinstance(found, str) else found
        names = [name for one in paths for name in _names(params, one)]
        return call.effect(kind, names, service="azure", detail=detail)

    return command


def _named(prefix: str, option: str, *also: str) -> _Path:
    """``<prefix>/<option's value>`` (``*`` when not given), and under each of ``also``."""
    return lambda p: [f"{x}/{_param(p, option) or '*'}" for x in (prefix, *also)]


def _kv(kind: EffectKind, detail: str = "") -> _Command:
    """A setting of an App Configuration store: named by key, and as the store."""

    def command(call: McpCall, params: Mapping[str, Any]) -> Effect:
        store = f"appconfig/kv/{_param(params, 'account') or '*'}"
        key = _param(params, "key") or "*"
        names = [*_names(params, f"{store}/{key}"), *_names(params, store)]
        return call.effect(kind, names, service="azure", detail=detail)

    return command


def _opening(kind: EffectKind, path: _Path, command: str, *, untold: str | None = None) -> _Command:
    """A command that may open what it names to the world: judged as removing its protection
    when its options say so, read as ``az``'s are (:func:`~._mcp_exposure.azure_opening`).

    The server's own ``storage account create`` (npm ``@azure/mcp`` 2.0.5) takes no such
    option and creates (or, over an existing account, updates: an ARM PUT) with
    ``AllowBlobPublicAccess = false``; an option it is given all the same (a later version,
    another server of that name) is held as what ``az`` would make of it, never more loosely.
    ``untold``: an option whose absence leaves the store's network to the service's default
    (``fileshares fileshare create`` sends its ARM PUT without ``publicNetworkAccess``): a
    create without it is held as opening the store (:func:`~._mcp_exposure.untold_opening`).
    """
    plain = _on(kind, path)

    def command_(call: McpCall, params: Mapping[str, Any]) -> Effect:
        effect = plain(call, params)
        why = azure_opening(command, params)
        if why is None and untold is not None and not call.probe:
            why = untold_opening(params, untold)
        if why is None:
            return effect
        note = f"removes protection: opened to the world: {why}"
        return replace(effect, removes_protection=True, detail=note)

    return command_


def _firewall_rule(call: McpCall, params: Mapping[str, Any]) -> Effect:
    """``sql server firewall-rule create``: a rule of the server, named as ``az`` names it and
    under its server, and the server itself, whose network it opens when the range is wider
    than a ``/8`` (:func:`~._mcp_exposure.firewall_opening`)."""
    rule, server = _param(params, "firewall-rule-name") or "*", _param(params, "server") or "*"
    paths = [f"sql/server/firewall-rule/{rule}", f"sql/server/{server}/firewall-rule/{rule}"]
    effect = _on(C, lambda p: [*paths, f"sql/server/{server}"])(call, params)
    if call.probe:
        return effect
    why = firewall_opening(_param(params, "start-ip-address"), _param(params, "end-ip-address"))
    if why is None:
        return call.unknown("firewall rule range not two IPv4 addresses")
    if not why:
        return effect
    note = f"removes protection: opened to the world: {why}"
    return replace(effect, removes_protection=True, detail=note)


def _lock(call: McpCall, params: Mapping[str, Any]) -> Effect:
    effect = _kv(U)(call, params)
    if params.get("lock") is True:
        return replace(effect, detail="locks the setting: it becomes read-only")
    return replace(effect, removes_protection=True, detail="unlocks the setting: writable again")


_COMMANDS: dict[str, _Command] = {
    "subscription_list": _on(R, lambda p: "subscriptions/*"),
    "group_list": _on(R, lambda p: "group/*"),
    "storage_account_get": _on(R, _named("storage/account", "account")),
    "storage_account_create": _opening(
        C, _named("storage/account", "account"), "storage_account_create"
    ),
    "storage_blob_container_get": _on(R, _named("storage/container", "container")),
    "storage_blob_get": _on(R, _named("storage/blob", "blob")),
    "appconfig_account_list": _on(R, lambda p: "appconfig/*"),
    "appconfig_kv_get": _kv(R),
    "appconfig_kv_set": _kv(U),
    "appconfig_kv_delete": _kv(D),
    "appconfig_kv_lock_set": _lock,
    "sql_server_create": _opening(C, _named("sql/server", "server"), "sql_server_create"),
    "sql_server_firewall-rule_create": _firewall_rule,
    "redis_create": _opening(C, _named("redis", "resource", "redisenterprise"), "redis_create"),
    "fileshares_fileshare_create": _opening(
        C,
        _named("fileshares/fileshare", "name"),
        "fileshares_fileshare_create",
        untold="public-network-access",
    ),
    "fileshares_fileshare_update": _opening(
        U, _named("fileshares/fileshare", "name"), "fileshares_fileshare_update"
    ),
    "compute_disk_update": _opening(U, _named("disk", "disk-name"), "compute_disk_update"),
    "storagesync_service_update": _opening(
        U, _named("storagesync", "name"), "storagesync_service_update"
    ),
}
# The commands by the key a tool or ``command`` name is looked up under (:func:`_key`).
_BY_KEY = {_key(command): found for command, found in _COMMANDS.items()}
NAMESPACE_TOOLS = tuple(sorted({key.split("_", 1)[0] for key in _COMMANDS}))
"""The namespace-mode tools understood (their ``command`` argument is a command's name)."""


def _all_mode(call: McpCall) -> BuiltinEffects:
    """A command exposed as its own tool: its arguments are its options."""
    return own_effects(_BY_KEY[_key(call.tool)](call, call.arguments))


def _namespace_mode(call: McpCall) -> BuiltinEffects:
    """A namespace tool: ``command`` and ``parameters`` choose; ``learn`` lists."""
    namespace = call.tool.lower()
    intent = call.text_arg("intent")
    command = call.text_arg("command")
    if call.arg("learn") is True or command is None:
        if intent and intent.strip() and not call.probe:
            why = "the server may choose and run a command from the intent (sampling)"
            return own_effects(call.unknown(why))
        return own_effects(call.effect(R, service="azure", detail="lists the commands"))
    key = _key(command)
    key = key if key.startswith(f"{namespace}_") else f"{namespace}_{key}"
    found = _BY_KEY.get(key)
    if found is None:
        return own_effects(call.unknown(f"Azure command {command!r} not understood"))
    params = call.arg("parameters")
    if not isinstance(params, Mapping):
        meta = {"intent", "command", "learn", "parameters"}
        params = {k: v for k, v in call.arguments.items() if k.lower() not in meta}
    return own_effects(found(call, params))


_TOOLS: dict[str, Handler] = {
    **{f"azmcp_{key}": _all_mode for key in [*_COMMANDS, *_BY_KEY]},
    **dict.fromkeys([*_COMMANDS, *_BY_KEY], _all_mode),
    **dict.fromkeys(NAMESPACE_TOOLS, _namespace_mode),
}

AZURE = ServerFamily("azure", ("azure*", "*azure*", "azmcp*"), _TOOLS)
