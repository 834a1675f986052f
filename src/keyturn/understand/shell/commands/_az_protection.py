"""``az`` calls that switch a resource's protection off, or delete data, without the verb
``delete`` saying so (flags checked against ``az … -h`` of azure-cli 2.x):

- Soft delete and purge protection off: ``az keyvault update --enable-soft-delete false``
  (older az; soft delete is now always on), ``--enable-purge-protection false`` (refused by
  Azure once on, judged as asked), ``--set properties.enableSoftDelete=false``;
  ``az backup vault backup-properties set --soft-delete-feature-state Disable``; ``az backup
  vault update --immutability-state Disabled``; ``az dataprotection backup-vault update
  --soft-delete-state Off`` / ``--immutability-state Disabled``; ``az storage account
  blob-service-properties update --enable-delete-retention false`` (and
  ``--enable-container-delete-retention``/``--container-retention``, ``--enable-versioning``),
  ``file-service-properties update --enable-delete-retention false``.
- A container's legal hold cleared or its (unlocked) immutability policy deleted (``az storage
  container legal-hold clear``, ``immutability-policy delete``): the container's protection
  removed, not a delete of the container.
- ``az backup protection disable --delete-backup-data true`` deletes the item's recovery points
  (``azure:backup/vault/VAULT/item/ITEM``, and under the vault's group and subscription).
- ``az stack group|sub|mg create|delete --action-on-unmanage deleteAll|deleteResources`` deletes
  the resources the stack no longer manages (``azure:<rg>/*`` for a group's stack, else every
  resource: ``azure:*``), as Complete mode does.
- ``az stack group|sub|mg create --deny-settings-mode none`` (``--dm``; ``create`` is az's
  "create or update": there is no ``set``) switches the stack's deny settings off: the
  resources it manages, which a ``denyDelete`` kept from being deleted, lose that protection
  (named as above: the stack's resources are not told on the line).
- Deny settings kept on but with exclusions (``--deny-settings-excluded-principals/--ep``,
  ``--deny-settings-excluded-actions/--ea``, azure-cli 2.91): the principals left out (the
  agent's own identity, perhaps) may write and delete what the stack manages, and an action left
  out (``Microsoft.Storage/storageAccounts/delete``) is not denied to anyone -- the protection
  loosened, judged as ``--deny-settings-mode none`` is. Whether the stack had the same
  exclusions before is not told by the line: read closed.
- Options are read as az's parser reads them, a prefix of a long option included
  (:mod:`._az_options`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._az_nested import option
from keyturn.understand.shell.commands._az_options import (
    given_as,
    last_value,
    option_values,
)
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.registry import ShellContext

_OFF = frozenset({"false", "no", "n", "0", "off", "disable", "disabled"})
# (group, the options that switch a protection off when given an off value).
_SWITCHES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("keyvault",): ("--enable-soft-delete", "--enable-purge-protection"),
    ("backup", "vault", "backup-properties"): ("--soft-delete-feature-state",),
    ("backup", "vault"): ("--immutability-state", "--soft-delete-feature-state"),
    ("dataprotection", "backup-vault"): ("--soft-delete-state", "--immutability-state"),
    ("storage", "account", "blob-service-properties"): (
        *("--enable-delete-retention", "--enable-container-delete-retention"),
        *("--container-retention", "--enable-versioning", "--enable-restore-policy"),
    ),
    ("storage", "account", "file-service-properties"): ("--enable-delete-retention",),
}
# Generic ``--set``/``--remove`` of a property that is a protection switch.
_SET_SWITCHES = ("enablesoftdelete", "enablepurgeprotection", "softdeletestate")
# A deployment stack's deny-settings exclusions: principals and actions the deny does not hold.
_EXCLUSIONS = (
    ("--deny-settings-excluded-principals", ("--deny-settings-excluded-principals", "--ep")),
    ("--deny-settings-excluded-actions", ("--deny-settings-excluded-actions", "--ea")),
)
_UNPROTECTING = {
    ("storage", "container", "legal-hold", "clear"): "clears the container's legal hold",
    ("storage", "container", "immutability-policy", "delete"): (
        "deletes the container's immutability policy"
    ),
    ("storage", "blob", "immutability-policy", "delete"): "deletes the blob's immutability policy",
}


def switched_off(group: Sequence[str], verb: str, args: Sequence[str]) -> str | None:
    """Why the call switches a protection off (the option and value), or None."""
    if verb in ("show", "list", "create") or verb.startswith(("show-", "list-")):
        return None
    key = (*group, verb)
    if key in _UNPROTECTING:
        return _UNPROTECTING[key]
    if key == ("storage", "blob", "set-legal-hold") and _off(last_value(args, ["--legal-hold"])):
        return "lifts the blob's legal hold"
    for spelling in _SWITCHES.get(tuple(group), ()):
        value = last_value(args, [spelling])  # or a prefix of it, as az's parser reads it
        if _off(value):
            return f"{spelling} {value}: switches a protection off"
    for spelling in ("--set", "--remove"):
        for given in _generic_values(args, spelling):
            field, _, value = given.replace("_", "").lower().partition("=")
            removing = spelling == "--remove"
            if field.rsplit(".", 1)[-1] in _SET_SWITCHES and (removing or _off(value)):
                return f"{spelling} {given}: switches a protection off"
    return None


def _generic_values(args: Sequence[str], spelling: str) -> list[str]:
    """The words a generic ``--set``/``--remove`` takes (several may follow it)."""
    out: list[str] = []
    taking = False
    for arg in args:
        if arg.startswith("-"):
            taking, attached = given_as(arg, [spelling])
            if taking and attached is not None:
                out.append(attached)
        elif taking:
            out.append(arg)
    return out


def _off(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _OFF


def unprotecting(effects: list[Effect], why: str) -> list[Effect]:
    """``effects`` as switching their resources' protection off (an update, not a delete:
    the policy judges it as the removal of a protection)."""
    return [
        replace(
            e,
            effect=EffectKind.UPDATE if e.effect is not EffectKind.READ else e.effect,
            removes_protection=e.effect is not EffectKind.READ,
            detail="; ".join(d for d in (e.detail, why) if d),
        )
        for e in effects
    ]


def data_deletes(
    group: Sequence[str],
    verb: str,
    args: Sequence[str],
    rg: str | None,
    subscriptions: Sequence[str],
    ctx: ShellContext,
) -> list[Effect]:
    """The backed-up data or stack-managed resources the call deletes besides its own effect."""
    op = f"az {' '.join(group)} {verb}"
    if list(group) == ["backup", "protection"] and verb == "disable":
        if (last_value(args, ["--delete-backup-data"]) or "").lower() != "true":
            return []
        vault = option(args, "--vault-name", "-v") or "*"
        item = option(args, "--item-name", "-i") or "*"
        path = f"backup/vault/{vault}/item/{item}"
        names = [f"azure:{path}", f"azure:{path}/*"] + ([f"azure:{rg}/{path}/*"] if rg else [])
        names += [f"azure:subscriptions/{s}/{path}/*" for s in subscriptions]
        names += [f"azure:{i}" for i in _ids(args)]
        detail = "--delete-backup-data true: deletes the item's recovery points"
        return [
            cloud_effect(
                EffectKind.DELETE, names, ctx, service="backup", operation=op, detail=detail
            )
        ]
    if group[:1] == ["stack"] and verb in ("create", "delete"):
        action = (last_value(args, ["--action-on-unmanage", "--aou"]) or "").lower()
        if action not in ("deleteall", "deleteresources"):
            return []
        names = _stack_scope(group, rg, subscriptions)
        detail = "--action-on-unmanage: deletes the resources the stack stops managing"
        return [
            cloud_effect(
                EffectKind.DELETE, names, ctx, service="resources", operation=op, detail=detail
            )
        ]
    return []


def deny_settings_off(
    group: Sequence[str],
    verb: str,
    args: Sequence[str],
    rg: str | None,
    subscriptions: Sequence[str],
    ctx: ShellContext,
) -> list[Effect]:
    """A deployment stack written with its deny settings off (``--deny-settings-mode none``):
    the protection of the resources it manages removed."""
    if group[:1] != ["stack"] or verb not in ("create", "set"):
        return []
    mode = last_value(args, ["--deny-settings-mode", "--dm"])
    excluded = [
        f"{spelling} {value}"
        for spelling, aliases in _EXCLUSIONS
        for value in option_values(args, aliases)
        if value.strip()
    ]
    if mode is not None and mode.strip().lower() == "none":
        detail = "--deny-settings-mode none: the stack's resources are no longer kept from deletion"
    elif excluded:
        detail = f"{'; '.join(excluded)}: left out of the deny settings, free to change or delete"
        detail += " the stack's resources"
    else:
        return []
    return [
        cloud_effect(
            EffectKind.UPDATE,
            _stack_scope(group, rg, subscriptions),
            ctx,
            service="resources",
            operation=f"az {' '.join(group)} {verb}",
            detail=detail,
            removes_protection=True,
        )
    ]


def _stack_scope(group: Sequence[str], rg: str | None, subscriptions: Sequence[str]) -> list[str]:
    """What a deployment stack may manage: its group's resources, else (a subscription's or a
    management group's stack) every resource."""
    if group[1:2] == ["group"]:
        return [f"azure:{rg or '*'}/*", f"azure:group/{rg or '*'}"]
    return [f"azure:subscriptions/{s}/*" for s in subscriptions] + ["azure:*"]


def _ids(args: Sequence[str]) -> list[str]:
    """The values of ``--ids`` (several may follow it)."""
    out: list[str] = []
    taking = False
    for arg in args:
        if arg.startswith("-"):
            taking = arg == "--ids"
        elif taking:
            out.append(arg)
    return out
