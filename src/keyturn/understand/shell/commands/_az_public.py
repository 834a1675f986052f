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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind

_TRUE = frozenset({"true"})
# (option, the values that open the resource, what it opens).
_OPENING: tuple[tuple[str, frozenset[str], str], ...] = (
    ("--allow-blob-public-access", _TRUE, "lets the account's containers be public"),
    ("--public-access", frozenset({"blob", "container", "file", "filesystem"}), "makes it public"),
    ("--public-network-access", frozenset({"enabled"}), "opens it to every network"),
    ("--enable-public-network", _TRUE, "opens it to every network"),
    ("--public-network-enabled", _TRUE, "opens it to every network"),
    ("--default-action", frozenset({"allow"}), "lets every network address in"),
    ("--anonymous-pull-enabled", _TRUE, "lets anyone pull its images"),
)
# Boolean options az reads as true when given without a value.
_BARE_TRUE = frozenset(
    {"--allow-blob-public-access", "--enable-public-network", "--public-network-enabled"}
    | {"--anonymous-pull-enabled"}
)


def exposed(verb: str, args: Sequence[str]) -> str | None:
    """Why the call opens its resource to the world (the option and value), or None."""
    if verb in ("show", "list") or verb.startswith(("show-", "list-")):
        return None
    for spelling, values, what in _OPENING:
        for value in _values(args, spelling):
            if value.strip().lower() in values:
                return f"{spelling} {value}: {what}"
    return None


def _values(args: Sequence[str], spelling: str) -> list[str]:
    """Every value given for ``spelling`` (``--x v``, ``--x=v``; a bare boolean is ``true``)."""
    out: list[str] = []
    for i, arg in enumerate(args):
        head, eq, value = arg.partition("=")
        if head != spelling:
            continue
        if eq:
            out.append(value)
        elif i + 1 < len(args) and not args[i + 1].startswith("-"):
            out.append(args[i + 1])
        elif spelling in _BARE_TRUE:
            out.append("true")
    return out


def exposing(effects: list[Effect], why: str) -> list[Effect]:
    """``effects`` (but reads) as opening their resources: their protection removed."""
    return [
        replace(e, removes_protection=True, detail="; ".join(d for d in (e.detail, why) if d))
        if e.effect is not EffectKind.READ
        else e
        for e in effects
    ]
