"""Does a planned change switch off a resource's protection? (BRIEF §4.1 ``protected``)

"Toggle then delete" (landscape X6) is the classic way around deletion protection: first an
update that turns it off, then the delete. So an update or replace that turns protection off is
marked ``removes_protection``, and deleting an object whose only job is to protect another (a
management lock, an object-lock configuration) yields an extra effect on the protected thing.

A bucket's versioning protects its objects' past versions (the S3 state bucket's history): an
``aws_s3_bucket_versioning`` set from ``Enabled`` to anything else, or destroyed or replaced
(the provider suspends versioning when it destroys one), switches off the bucket's protection,
as does MFA delete going from ``Enabled`` to off, and an inline ``versioning`` block's
``enabled`` going off. A database's ``backup_retention_period`` going to 0 deletes its
automated backups: protection removed too.
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


# Resource types that set another resource's versioning -> the attribute naming that resource.
VERSIONING_TYPES: dict[str, str] = {"aws_s3_bucket_versioning": "bucket"}


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
    kept = before.get("backup_retention_period")
    # 0, or known only on apply: the automated backups may go.
    if _positive(kept) and not _positive(after.get("backup_retention_period", kept)):
        return "backup_retention_period set to 0: automated backups deleted"
    if first_block(before, "versioning").get("enabled") is True and (
        first_block(after, "versioning").get("enabled") is not True
    ):
        return "versioning turned off"
    return None


def _positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def versioning_removed(before: Any, after: Any, *, destroyed: bool) -> str | None:
    """How an ``aws_s3_bucket_versioning`` change switches its bucket's versioning off (from
    ``Enabled`` to anything else, unknown included), or ``None``. ``destroyed``: the resource
    is destroyed or replaced, which suspends versioning."""
    if not isinstance(before, dict):
        return None
    was = first_block(before, "versioning_configuration")
    now = {} if destroyed or not isinstance(after, dict) else after
    now = first_block(now, "versioning_configuration")
    how = "destroyed: versioning suspended" if destroyed else "versioning suspended"
    if was.get("status") == "Enabled" and now.get("status") != "Enabled":
        return how
    if was.get("mfa_delete") == "Enabled" and now.get("mfa_delete") != "Enabled":
        return "MFA delete turned off"
    return None


def first_block(values: Any, attr: str) -> dict[str, Any]:
    """The nested block ``attr`` of ``values`` (a list of one object in a plan), or ``{}``."""
    block = values.get(attr) if isinstance(values, dict) else None
    if isinstance(block, list):
        block = block[0] if block else None
    return block if isinstance(block, dict) else {}


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
