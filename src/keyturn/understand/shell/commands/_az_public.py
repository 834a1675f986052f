"""``az`` calls that open a resource's data to anyone on the internet, or its network to every
address: judged as removing the resource's protection (``removes_protection``), as switching
its soft delete or a lock off is. Whoever may read a protected store's data from anywhere may
copy it away, and switching the access back does not undo that: it is held at least as
strictly as a protection removed (refused on a protected resource, judged as any update
elsewhere). The verb's own effect is kept (a ``create`` of an account that exists updates it).

Options as ``az … -h`` of azure-cli 2.x gives them (values without case, as az takes them):

- ``--allow-blob-public-access true`` (or given bare: az reads it as true): the storage
  account lets its containers be public (``az storage account create|update``).
- ``--public-access blob|container`` (``file|filesystem`` for a Data Lake file system): a
  container's blobs readable by anyone (``az storage container create|set-permission``, ``az
  storage container-rm create|update``, ``az storage fs create``).
- ``--public-network-access Enabled`` (storage accounts, key vaults, SQL and Cosmos DB servers,
  registries...), ``--enable-public-network true`` (``sql server``, ``cosmosdb``),
  ``--public-network-enabled true`` (``acr``), ``--default-action Allow`` (the network rules of
  a storage account, key vault or registry let every address in).
- ``--anonymous-pull-enabled true``: a registry's images pulled without credentials (``acr``).
- Other spellings (azure-cli 2.91's ``_params.py``, parsed by the real ``az`` without a login):
  ``--public-network`` (``eventhubs``/``servicebus namespace``), ``--public`` (``postgres``,
  ``mysql``, ``mariadb server``), ``--public-access`` (``search service``; ``mysql|postgres
  flexible-server``, where ``All`` or ``0.0.0.0-255.255.255.255`` lets every address in, as
  ``all`` does for ``--public-network-access`` of a single server); the short options of some
  groups: ``az cosmosdb create|update|restore -p`` (``--public-network-access``), ``az sql
  server create|update -e`` and ``az appconfig create|update -e`` (``--enable-public-network``),
  ``az private-link association create -a``; and any prefix of a long option, which az's
  parser takes (:mod:`._az_options`).
- ``--network-access-policy AllowAll`` (``az disk|snapshot create|update``): the disk exported
  or uploaded from every network, as the Azure MCP server's ``compute_disk_update`` is held
  (:mod:`keyturn.understand._mcp_exposure`); ``--incoming-traffic-policy AllowAllTraffic``
  (``az storagesync [storage-sync-service] create|update``, the extension's options): every
  network let into the sync service; ``--firewall-state Disabled`` (``az dls account update``):
  the account's firewall rules switched off, every address let in.
- A range given to ``--public-access`` or ``--public-network-access`` (``az postgres|mysql
  flexible-server create --public-access 1.0.0.0-255.255.255.255``, az's ``rdbms``: "IP
  address ranges must be dash-separated") wider than a ``/8`` lets in every address
  (:func:`~keyturn.understand._mcp_exposure.firewall_opening`; ``0.0.0.0`` alone is Azure's
  "allow Azure services"). Firewall rules and the addresses added to a store's network rules:
  :mod:`._az_firewall`.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.understand._mcp_exposure import firewall_opening
from keyturn.understand.shell.commands._az_options import option_values

_TRUE = frozenset({"true"})
# Every address: ``all`` (a server's firewall rule 0.0.0.0-255.255.255.255, az's ``rdbms``).
_EVERY_ADDRESS = frozenset({"enabled", "all", "0.0.0.0-255.255.255.255"})
# (the option's spellings, the values that open the resource, what it opens).
_OPENING: tuple[tuple[tuple[str, ...], frozenset[str], str], ...] = (
    (("--allow-blob-public-access",), _TRUE, "lets the account's containers be public"),
    (
        ("--public-access",),
        frozenset({"blob", "container", "file", "filesystem"}) | _EVERY_ADDRESS,
        "makes it public",
    ),
    (
        ("--public-network-access", "--public-network", "--public"),
        _EVERY_ADDRESS,
        "opens it to every network",
    ),
    (("--enable-public-network",), _TRUE, "opens it to every network"),
    (("--public-network-enabled",), _TRUE, "opens it to every network"),
    (("--default-action",), frozenset({"allow"}), "lets every network address in"),
    (("--anonymous-pull-enabled",), _TRUE, "lets anyone pull its images"),
    (
        ("--network-access-policy",),
        frozenset({"allowall"}),
        "lets it be exported or uploaded from every network",
    ),
    (("--incoming-traffic-policy",), frozenset({"allowalltraffic"}), "lets every network in"),
    (("--firewall-state",), frozenset({"disabled"}), "switches its firewall off: every address in"),
)
# Options whose value may be a range of addresses (``START-END``) let in.
_RANGES = frozenset({"--public-access", "--public-network-access"})
# Short options, each its group's own (``-p`` is a password elsewhere): (group, short, long).
_SHORT: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("cosmosdb",), "-p", "--public-network-access"),
    (("sql", "server"), "-e", "--enable-public-network"),
    (("appconfig",), "-e", "--enable-public-network"),
    (("private-link", "association"), "-a", "--public-network-access"),
)
# Boolean options az reads as true when given without a value.
_BARE_TRUE = frozenset(
    {"--allow-blob-public-access", "--enable-public-network", "--public-network-enabled"}
    | {"--anonymous-pull-enabled"}
)


def exposed(group: Sequence[str], verb: str, args: Sequence[str]) -> str | None:
    """Why the call opens its resource to the world (the option and value), or None."""
    if reads_only(verb):
        return None
    for spellings, values, what in _OPENING:
        bare = "true" if spellings[0] in _BARE_TRUE else None
        for value in option_values(args, _with_shorts(group, spellings), bare=bare):
            if value.strip().lower() in values:
                return f"{spellings[0]} {value}: {what}"
            if spellings[0] in _RANGES and (wide := _wide_range(value)):
                return f"{spellings[0]} {value}: {wide}"
    return None


def opening_options(group: Sequence[str]) -> list[tuple[str, ...]]:
    """The spellings (long first, then the group's short ones) of each option that can open a
    resource of ``group`` (:mod:`._az_run_time` reads which are given at run time)."""
    return [_with_shorts(group, spellings) for spellings, _, _ in _OPENING]


def reads_only(verb: str) -> bool:
    """Whether ``verb`` only reads (``show``, ``list-keys``...): it opens nothing."""
    return verb in ("show", "list") or verb.startswith(("show-", "list-"))


def _with_shorts(group: Sequence[str], spellings: tuple[str, ...]) -> tuple[str, ...]:
    shorts = [s for g, s, long in _SHORT if long == spellings[0] and _in(group, g)]
    return (*spellings, *shorts)


def _wide_range(value: str) -> str | None:
    """Why a ``START-END`` range of IPv4 addresses lets in every address (None when it does
    not, or is not such a range: another value of the option)."""
    start, dash, end = value.partition("-")
    return firewall_opening(start, end) or None if dash else None


def _in(group: Sequence[str], prefix: tuple[str, ...]) -> bool:
    return tuple(group[: len(prefix)]) == prefix
