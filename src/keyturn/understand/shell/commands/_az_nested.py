"""How ``az`` names what lives inside another resource, and a resource given by its ARM id or
type, so that a pattern written for the parent (``azure:keyvault/prod-*``, ``azure:keyvault/
prod-kv/*``) or for the resource's ``az`` name (``azure:vm/keep``) holds however it is reached.

- A secret, key or certificate of a key vault (``--vault-name``, or its ``--id`` URL
  ``https://VAULT.vault.azure.net/secrets/NAME``) is also ``azure:keyvault/VAULT/secret/NAME``;
  a database of a SQL or flexible server (``--server``/``-s``, ``--server-name``) is also
  ``azure:sql/server/SERVER/db/NAME``; what lives in a Cosmos DB account (``--account-name``/
  ``-a``) is also ``azure:cosmosdb/ACCOUNT/sql/container/NAME``; a container, blob, share or
  file of a storage account (``--account-name``) is also ``azure:storage/ACCOUNT/CONTAINER/
  PATH`` as azcopy names it. The old name (``azure:keyvault/secret/NAME``) is kept.
- An ARM id of a resource (``--ids``, a lock's scope) whose type ``az`` has a group for is
  also named as that group names it (``Microsoft.Compute/virtualMachines/keep`` in group
  ``RG``: ``azure:vm/keep``, ``azure:RG/vm/keep``, ``azure:subscriptions/S/vm/keep``); so is
  ``az resource … -n NAME --resource-type TYPE`` (``--namespace`` and ``--resource-type``).

The short options are each group's own (``-s`` is ``--server`` in ``az sql db``, ``-a`` the
account in ``az cosmosdb``): they are read from the line here, not from the shared table.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

# ARM resource types (lower case) and the az group path that names them.
ARM_TYPES = {
    "microsoft.compute/virtualmachines": "vm",
    "microsoft.compute/virtualmachinescalesets": "vmss",
    "microsoft.compute/disks": "disk",
    "microsoft.compute/snapshots": "snapshot",
    "microsoft.keyvault/vaults": "keyvault",
    "microsoft.storage/storageaccounts": "storage/account",
    "microsoft.sql/servers": "sql/server",
    "microsoft.sql/servers/databases": "sql/db",
    "microsoft.web/sites": "webapp",
    "microsoft.containerservice/managedclusters": "aks",
    "microsoft.documentdb/databaseaccounts": "cosmosdb",
    "microsoft.network/virtualnetworks": "network/vnet",
    "microsoft.network/publicipaddresses": "network/public-ip",
    "microsoft.network/networksecuritygroups": "network/nsg",
    "microsoft.recoveryservices/vaults": "backup/vault",
    "microsoft.dataprotection/backupvaults": "dataprotection/backup-vault",
    "microsoft.dbforpostgresql/flexibleservers": "postgres/flexible-server",
    "microsoft.dbformysql/flexibleservers": "mysql/flexible-server",
    "microsoft.containerregistry/registries": "acr",
    "microsoft.cache/redis": "redis",
}
_RESOURCE_ID = re.compile(
    r"(?i)/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/([^/]+)/(.+)", re.S
)
_VAULT_KINDS = {"secrets": "secret", "keys": "key", "certificates": "certificate"}


def option(args: Sequence[str], *spellings: str) -> str | None:
    """The last value given on the line for any of ``spellings`` (``--name v``, ``--name=v``,
    ``-n v``)."""
    found = None
    for i, arg in enumerate(args):
        head, eq, value = arg.partition("=")
        if head in spellings:
            if eq:
                found = value
            elif i + 1 < len(args) and not args[i + 1].startswith("-"):
                found = args[i + 1]
    return found


def _names(path: str, name: str, rg: str | None, subscriptions: Sequence[str]) -> list[str]:
    names = [f"azure:{path}/{name}"] + ([f"azure:{rg}/{path}/{name}"] if rg else [])
    return names + [f"azure:subscriptions/{s}/{path}/{name}" for s in subscriptions]


def nested_names(
    group: Sequence[str],
    name: str,
    args: Sequence[str],
    rg: str | None,
    subscriptions: Sequence[str],
) -> list[str]:
    """The names of ``name`` of the az group ``group`` under the vault, server or account it
    lives in, when the line names that (``[]`` when not)."""
    parent = _parent(group, args)
    if parent is None:
        return []
    path, inside = parent
    return _names(f"{path}/{inside}", name, rg, subscriptions)


def _parent(group: Sequence[str], args: Sequence[str]) -> tuple[str, str] | None:
    """(the parent's az path and name, what follows it) of a nested group's resource."""
    top, rest = (group[0], "/".join(group[1:])) if group else ("", "")
    if top == "keyvault" and group[1:2] in (["secret"], ["key"], ["certificate"], ["storage"]):
        vault = option(args, "--vault-name")
        return (f"keyvault/{vault}", rest) if vault else None
    if top == "sql" and group[1:2] in (["db"], ["dw"]):
        server = option(args, "--server", "-s")
        return (f"sql/server/{server}", rest) if server else None
    if top in ("postgres", "mysql") and group[1:3] == ["flexible-server", "db"]:
        server = option(args, "--server-name", "-s")
        return (f"{top}/flexible-server/{server}", "db") if server else None
    if top == "cosmosdb" and len(group) > 2:
        account = option(args, "--account-name", "-a")
        return (f"cosmosdb/{account}", rest) if account else None
    return None


def vault_id_names(
    url: str, rg: str | None, subscriptions: Sequence[str]
) -> tuple[str, list[str]] | None:
    """(the object's name, its names) of a key vault object's ``--id`` URL
    (``https://VAULT.vault.azure.net/secrets/NAME[/VERSION]``); None for another URL."""
    where = urlsplit(url)
    host, parts = where.netloc.lower(), where.path.strip("/").split("/")
    if ".vault." not in host or len(parts) < 2 or parts[0].lower() not in _VAULT_KINDS:
        return None
    vault, kind, name = host.split(".", 1)[0], _VAULT_KINDS[parts[0].lower()], parts[1]
    plain = f"keyvault/{kind}"
    return name, _names(plain, name, rg, subscriptions) + _names(
        f"keyvault/{vault}/{kind}", name, rg, subscriptions
    )


def storage_names(group: Sequence[str], verb: str, args: Sequence[str]) -> list[str]:
    """A storage container, blob, share or file as azcopy names it (``azure:storage/ACCOUNT/
    CONTAINER[/PATH]``; ``*`` for what the line leaves open), or ``[]`` for another group."""
    if group[:1] != ["storage"] or group[1:2] not in (["container"], ["blob"], ["share"], ["fs"]):
        return []
    if group[1:2] == ["share"] and len(group) > 2:
        return []
    account = option(args, "--account-name") or "*"
    if group[1:2] == ["container"] and len(group) > 2:  # its legal hold, its policy
        container = option(args, "--container-name", "-c") or "*"
        return [f"azure:storage/container/{container}", f"azure:storage/{account}/{container}"]
    if group[1:] in (["container"], ["share"], ["fs"]):
        container = option(args, "--name", "-n") or "*"
        return [f"azure:storage/{account}/{container}", f"azure:storage/{account}/{container}/*"]
    if verb.endswith("-batch"):
        container = option(args, "--source", "-s") or option(args, "--destination", "-d") or "*"
        return [f"azure:storage/{account}/{container}/*"]
    container = option(args, "--container-name", "-c") or "*"
    blob = option(args, "--name", "-n") or "*"
    return [f"azure:storage/{account}/{container}/{blob}"]


def arm_resource_names(arm_id: str) -> list[str]:
    """The az names of a resource's ARM id whose type az has a group for (``[]`` when not):
    ``azure:vm/keep``, in its group and subscription, and ``azure:RG/keep`` as ``az lock
    delete --resource keep -g RG`` names it."""
    found = _RESOURCE_ID.fullmatch(arm_id.strip().rstrip("/"))
    if found is None:
        return []
    subscription, rg, namespace, rest = found.groups()
    parts = rest.split("/")
    if len(parts) % 2:
        return []
    types, names = parts[::2], parts[1::2]
    out = [f"azure:{rg}/{names[-1]}"]
    kind = f"{namespace}/{'/'.join(types)}".lower()
    path = ARM_TYPES.get(kind)
    if path is not None:
        out += _names(path, names[-1], rg, [subscription])
    if kind == "microsoft.sql/servers/databases":
        out += _names(f"sql/server/{names[0]}/db", names[-1], rg, [subscription])
    return out


def typed_names(
    args: Sequence[str], name: str, rg: str | None, subscriptions: Sequence[str]
) -> list[str]:
    """``az resource … -n NAME --resource-type TYPE`` named as az's group for the type names
    it (``--namespace Microsoft.Compute --resource-type virtualMachines`` too)."""
    kind = option(args, "--resource-type") or ""
    namespace = option(args, "--namespace")
    if namespace and "/" not in kind:
        kind = f"{namespace}/{kind}"
    path = ARM_TYPES.get(kind.lower())
    return _names(path, name, rg, subscriptions) if path else []


_LOCK = re.compile(r"(?i)/providers/microsoft\.authorization/locks/[^/]+/?$")
_GROUP_ID = re.compile(r"(?i)/subscriptions/([^/]+)/resourcegroups/([^/]+)")
_SUBSCRIPTION_ID = re.compile(r"(?i)/subscriptions/([^/]+)")


def lock_scope_names(lock_id: str) -> list[str]:
    """What a lock's ARM id (its scope, then ``/providers/Microsoft.Authorization/locks/L``)
    protects, named as az names it: a resource group (``azure:group/RG``, its id), a resource
    (:func:`arm_resource_names`, its id), a subscription (everything in it: ``azure:*``);
    ``[]`` for an id that is not a lock's."""
    found = _LOCK.search(lock_id.strip())
    if found is None:
        return []
    scope = lock_id.strip()[: found.start()].rstrip("/")
    group = _GROUP_ID.fullmatch(scope)
    if group is not None:
        subscription, rg = group.groups()
        return [
            f"azure:{scope}",
            f"azure:group/{rg}",
            f"azure:subscriptions/{subscription}/group/{rg}",
        ]
    if _SUBSCRIPTION_ID.fullmatch(scope):
        return [f"azure:{scope}/*", "azure:*"]
    resource = arm_resource_names(scope)
    return [f"azure:{scope}", *resource] if resource or _RESOURCE_ID.fullmatch(scope) else []


def inner_names(
    group: Sequence[str],
    verb: str,
    name: str,
    args: Sequence[str],
    rg: str | None,
    subscriptions: Sequence[str],
) -> list[str]:
    """The names of ``name`` besides ``azure:<group path>/<name>``: under its vault, server or
    account, as azcopy names storage, as az's group for ``--resource-type`` names it."""
    out = nested_names(group, name, args, rg, subscriptions) + storage_names(group, verb, args)
    if list(group) == ["resource"]:
        out += typed_names(args, name, rg, subscriptions)
    if group and group[-1].endswith("-properties"):  # a vault's or account's own settings
        out += _names("/".join(group[:-1]), name, rg, subscriptions)
    return out


def id_url_names(
    group: Sequence[str], args: Sequence[str], rg: str | None, subscriptions: Sequence[str]
) -> list[str]:
    """The names of a key vault object given by ``--id`` URL (``[]`` when none is)."""
    url = option(args, "--id")
    if group[:1] != ["keyvault"] or not url:
        return []
    found = vault_id_names(url, rg, subscriptions)
    return found[1] if found else [f"azure:{url}", "azure:keyvault/*"]
