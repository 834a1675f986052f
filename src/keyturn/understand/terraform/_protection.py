"""Does a planned change switch off a resource's protection? (BRIEF §4.1 ``protected``)

"Toggle then delete" (landscape X6) is the classic way around deletion protection: first an
update that turns it off, then the delete. So an update or replace that turns protection off is
marked ``removes_protection``, and deleting an object whose only job is to protect another (a
management lock, an object-lock configuration) yields an extra effect on the protected thing.
"""

from __future__ import annotations

from typing import Any

from keyturn.understand.aws_names import resource_names, s3_bucket_names

# Attributes that protect while true: turning them off (false, null, or unknown) unprotects.
_ON_PROTECTS = (
    "deletion_protection",
    "deletion_protection_enabled",
    "disable_api_termination",
    "enable_deletion_protection",
    "termination_protection",
    "enable_termination_protection",
    "prevent_destroy",
    "object_lock_enabled",
    "delete_protection",
)
# Attributes that unprotect once true: deleting with contents, skipping the final backup.
_ON_UNPROTECTS = ("force_destroy", "force_delete", "skip_final_snapshot")
# Blocks whose presence protects: removing them unprotects.
_BLOCKS = ("object_lock_configuration",)

# Resource types that exist to protect another resource -> the attribute naming it.
PROTECTION_TYPES: dict[str, str] = {
    "azurerm_management_lock": "scope",
    "aws_s3_bucket_object_lock_configuration": "bucket",
    "aws_backup_vault_lock_configuration": "backup_vault_name",
    "aws_glacier_vault_lock": "vault_name",
}


def protection_removed(before: Any, after: Any) -> str | None:
    """The attribute whose change switches protection off between ``before`` and ``after``,
    or ``None``. Values unknown until apply count as switched off (fail closed)."""
    if not isinstance(before, dict):
        return None
    if not isinstance(after, dict):
        after = {}
    for attr in _ON_PROTECTS:
        if before.get(attr) is True and after.get(attr) is not True:
            return f"{attr} turned off"
    for attr in _ON_UNPROTECTS:
        if before.get(attr) is not True and after.get(attr) is True and attr in after:
            return f"{attr} turned on"
    for attr in _BLOCKS:
        if before.get(attr) and not after.get(attr):
            return f"{attr} removed"
    return None


def protected_by_lock(resource_type: str, before: Any) -> tuple[str, ...]:
    """The names of what a protecting resource (lock, object-lock configuration) protects."""
    attr = PROTECTION_TYPES.get(resource_type)
    if attr is None or not isinstance(before, dict):
        return ()
    target = before.get(attr)
    if not isinstance(target, str) or not target:
        return ()
    if resource_type == "aws_s3_bucket_object_lock_configuration":
        return s3_bucket_names(target)
    if resource_type == "aws_backup_vault_lock_configuration":
        return (target, *resource_names("backup:backup-vault", target))
    return (target,)
