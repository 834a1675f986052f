"""What a CloudFormation ``Modify`` switches off: a ``DeletionPolicy`` (or
``UpdateReplacePolicy``) turned to Delete, a protection property off, automated backups no
longer kept, a bucket's versioning suspended -- read from the change's ``Details``.

Split out of :mod:`keyturn.understand.cloudformation` (whose docstring states the rules) so that
module holds the mapping of a change to effects and this one the reading of its details.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from keyturn.errors import InputError

_PROTECTING_PROPERTIES = frozenset(
    {
        "DeletionProtection",
        "DeletionProtectionEnabled",
        "DisableApiTermination",
        "EnableTerminationProtection",
        "TerminationProtection",
    }
)
_KEEPING_POLICIES = frozenset({"Retain", "RetainExceptOnCreate", "Snapshot"})


def _protection_removed(rc: Mapping[str, Any], where: str) -> str | None:
    """What a Modify's details switch off: DeletionPolicy to Delete, a protection property off,
    a bucket's versioning suspended."""
    for tgt in _detail_targets(rc, where):
        attribute = tgt.get("Attribute")
        before, after = tgt.get("BeforeValue"), tgt.get("AfterValue")
        if attribute in ("DeletionPolicy", "UpdateReplacePolicy") and _policy_weakened(
            before, after
        ):
            return f"{attribute} now {after or 'changed'}"
        if attribute != "Properties":
            continue
        name = _property_name(tgt)
        if name in _PROTECTING_PROPERTIES and _switched_off(after):
            return f"{name} {'changed' if after is None else 'off'}"
        if name == "BackupRetentionPeriod" and str(after).strip() in ("0", "None"):
            # No automated backups kept: the existing ones are deleted (unknown: fail closed).
            return f"{name} {'changed' if after is None else '0: automated backups deleted'}"
        if name == "VersioningConfiguration" and _versioning_off(before, after):
            return f"versioning {'changed' if after is None else 'suspended'}"
    return None


def _detail_targets(rc: Mapping[str, Any], where: str) -> list[Mapping[str, Any]]:
    """The ``Target`` of each ``Details`` entry (entries without one are skipped)."""
    details = rc.get("Details") or []
    if not isinstance(details, list):
        raise InputError(f"{where}.ResourceChange.Details: expected a list")
    targets: list[Mapping[str, Any]] = []
    for index, detail in enumerate(details):
        if not isinstance(detail, dict):
            raise InputError(f"{where}.ResourceChange.Details[{index}]: expected an object")
        tgt = detail.get("Target")
        if tgt is None:
            continue
        if not isinstance(tgt, dict):
            raise InputError(f"{where}.ResourceChange.Details[{index}].Target: expected an object")
        targets.append(tgt)
    return targets


def _property_name(tgt: Mapping[str, Any]) -> str:
    """The top-level property a detail changes: its ``Name``, else from its ``Path``
    (``/Properties/DeletionProtection``)."""
    name, path = tgt.get("Name"), tgt.get("Path")
    if isinstance(name, str) and name:
        return name
    if isinstance(path, str) and path.startswith("/Properties/"):
        return path.split("/")[2]
    return ""


def _versioning_off(before: Any, after: Any) -> bool:
    """A bucket's versioning no longer ``Enabled`` (unknown counts as off, fail closed); not
    when it was known to be off before too."""
    was, now = _versioning_status(before), _versioning_status(after)
    return now != "Enabled" and (was == "Enabled" or was is None or after is None)


def _versioning_status(value: Any) -> str | None:
    """The status a value tells: the status itself (a ``.../Status`` path) or inside the
    configuration's JSON text; None when it tells none."""
    if not isinstance(value, str):
        return None
    if value.lstrip().startswith("{"):
        try:
            config = json.loads(value)
        except (ValueError, RecursionError):
            return None
        status = config.get("Status") if isinstance(config, dict) else None
        return status if isinstance(status, str) else None
    return value


def _policy_weakened(before: Any, after: Any) -> bool:
    # Without values (IncludePropertyValues unset) the direction is unknown: fail closed.
    if after is None:
        return True
    return after == "Delete" and (before is None or before in _KEEPING_POLICIES)


def _switched_off(after: Any) -> bool:
    return after is None or str(after).lower() in ("false", "")
