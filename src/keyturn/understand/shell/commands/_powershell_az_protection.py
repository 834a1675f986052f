"""Az cmdlets whose parameters change which ``az`` command they are, or what it names, for
:mod:`._powershell_cloud`.

- ``Remove-AzKeyVault -InRemovedState`` permanently deletes (purges) a vault already deleted
  (Az.KeyVault reference, parameter set ByDeletedVault: ``-VaultName``, ``-Location``,
  ``-InRemovedState``): ``az keyvault purge --name --location``, not ``az keyvault delete``.
- ``Remove-AzResourceLock`` names what it unlocks by ``-LockId`` (the lock's ARM id: its scope
  followed by ``/providers/Microsoft.Authorization/locks/NAME``), by ``-Scope`` (an ARM id), or
  by ``-ResourceName`` given as a full ARM id (the reference's first example); the parameter
  sets ByResourceGroup and ByResourceGroupLevel are ``az lock delete -g``/``--resource``. Each
  id is read for its resource group and resource, so a lock removed from a protected group is
  the removal of that group's protection however it is spelled; a lock at the subscription
  level protects everything (``azure:*``, as ``az lock delete`` without a group).
"""

from __future__ import annotations

import re

_SCOPE = re.compile(r"(?i)^/subscriptions/([^/]+)(?:/resourcegroups/([^/]+)(?:/providers/(.+))?)?$")
_LOCK = re.compile(r"(?i)/providers/microsoft\.authorization/locks/([^/]+)/?$")
_FALSE = ("$false", "0", "false")


def az_special(
    key: str, given: dict[str, str], words: str, flags: dict[str, str]
) -> tuple[str, dict[str, str]]:
    """The az words and flags of cmdlet ``key`` (``verb-noun``, lower case) given its
    parameters; ``given`` is rewritten to the parameters the az line takes."""
    if key == "remove-azkeyvault":
        purge = given.pop("inremovedstate", None)
        if purge is not None and purge.strip().lower() not in _FALSE:
            return "keyvault purge", {**flags, "location": "--location"}
    if key == "remove-azresourcelock":
        _lock_scope(given)
    return words, flags


def _lock_scope(given: dict[str, str]) -> None:
    """Put the group and resource a lock's id or scope names in ``given`` (as ``-g`` and
    ``--resource``); an id keyturn cannot read stays as given (``--ids``, or not carried over:
    ``unknown``)."""
    scope = None
    lock_id = given.get("lockid", "")
    found = _LOCK.search(lock_id) if "$" not in lock_id else None
    if found is not None:
        scope = lock_id[: found.start()]
        given.pop("lockid")
    elif given.get("scope") is not None and "$" not in given["scope"]:
        scope = given["scope"]
    elif given.get("resourcename", "").startswith("/") and "$" not in given["resourcename"]:
        scope = given["resourcename"]
    parts = _SCOPE.match(scope.rstrip("/")) if scope is not None else None
    if parts is None:
        return
    for key in ("scope", "resourcename", "resourcetype"):
        given.pop(key, None)
    subscription, group, provider = parts.groups()
    given.setdefault("subscriptionid", subscription)
    if group is not None:
        given["resourcegroupname"] = group
    if provider is not None:
        kind, _, name = provider.rpartition("/")
        given["resourcename"], given["resourcetype"] = name, kind
