"""The effects of one ``resource_changes`` entry of a plan: the mapping of its ``actions``, its
names, and what else the change brings about (protection removed, code run on apply, a store
opened, data deleted later, an old address left unprotected by a ``moved`` block).

Split out of :mod:`keyturn.understand.terraform` so that the package's module holds the walk
over a plan (ordering, digest, provisioners, provider hints) and this one what a single change
means; the package module's docstring is the reference for both.
"""

from __future__ import annotations

from typing import Any

import msgspec

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws_names import s3_bucket_names
from keyturn.understand.terraform._awscc import access_changed
from keyturn.understand.terraform._awscc import protection_removed as awscc_protection_removed
from keyturn.understand.terraform._data_sources import ACTING_DATA_TYPES, read_effects
from keyturn.understand.terraform._expiry import EXPIRY_TYPES, later_deletions
from keyturn.understand.terraform._exposure import EXPOSURE_TYPES, AfterUnknown, exposure_effects
from keyturn.understand.terraform._local_files import (
    LOCAL_FILE_TYPES,
    applied_file_effects,
    unnamed_local_file,
)
from keyturn.understand.terraform._names import (
    address_names,
    arn_target,
    crd_objects,
    derived_names,
    service_of,
)
from keyturn.understand.terraform._plan import ResourceChange, decode_value
from keyturn.understand.terraform._protection import (
    PROTECTION_TYPES,
    VERSIONING_TYPES,
    protected_by_lock,
    protection_removed,
    versioning_removed,
)
from keyturn.understand.terraform._runs_code import RUNS_CODE_TYPES, runs_code

_E = EffectKind
# actions -> (effect, what it means for people)
_KINDS: dict[tuple[str, ...], tuple[EffectKind, str]] = {
    ("create",): (_E.CREATE, "create"),
    ("update",): (_E.UPDATE, "update in place"),
    ("delete",): (_E.DELETE, "destroy"),
    ("delete", "create"): (_E.REPLACE, "replace: destroy first, then create"),
    ("create", "delete"): (_E.REPLACE, "replace: create first, then destroy the old object"),
    ("forget",): (_E.UPDATE, "forgotten: removed from state, not destroyed"),
    ("no-op",): (_E.READ, "no change"),
    ("read",): (_E.READ, "read"),
}
_OPERATIONS = {actions: "terraform " + "+".join(actions) for actions in _KINDS}
_FORGET_REPLACE = frozenset({("create", "forget"), ("forget", "create")})
_ENCODER = msgspec.json.Encoder(order="sorted")


def _change_effects(rc: ResourceChange, target: Target, digest: Any) -> list[Effect]:
    """The effects of one resource change; feeds its canonical record into ``digest``."""
    change = rc.change
    actions = tuple(change.actions)
    before, after = decode_value(change.before), decode_value(change.after)
    record = (rc.address, rc.previous_address, rc.deposed, rc.mode, rc.type, rc.provider_name,
              actions, rc.action_reason, before, after, change.replace_paths,
              change.importing)  # fmt: skip
    digest.update(_ENCODER.encode(record))
    names = _names(rc, before, after)
    resource = Resource(names, rc.type)
    # Where the object lands: the existing object's ARN, else (a create) the new one's.
    target = arn_target(before if isinstance(before, dict) else after, target)
    service = service_of(rc.type)
    operation = _OPERATIONS.get(actions) or "terraform " + "+".join(actions)
    if actions in _FORGET_REPLACE:
        old = _detail(rc, "old object forgotten: removed from state, not destroyed")
        return [
            Effect(_E.CREATE, resource, target, service, operation=operation,
                   detail=_detail(rc, "create a replacement object")),
            Effect(_E.UPDATE, resource, target, service, operation=operation, detail=old),
        ]  # fmt: skip
    kind, meaning = _KINDS.get(actions, (_E.UNKNOWN, f"unrecognised actions {list(actions)}"))
    if change.importing is not None:
        kind, meaning = (_E.UPDATE, "imported: brought under management") if kind is _E.READ else (
            kind, meaning + " (with import)")  # fmt: skip
    if rc.mode == "data" and rc.type in ACTING_DATA_TYPES and actions == ("read",):
        # A data source that acts when read (runs a program, invokes a function...).
        acting = read_effects(
            rc.type, after, decode_value(change.after_unknown), names=names, target=target,
            service=service, operation=operation, detail=lambda what: _detail(rc, what),
        )  # fmt: skip
        if acting is not None:
            return acting
    if (kind is _E.DELETE or kind is _E.REPLACE) and (objects := crd_objects(rc.type, before)):
        # Destroying a definition destroys every object of its kind with it.
        resource = Resource(tuple(dict.fromkeys(names + objects)), rc.type)
    unprotects = None
    if kind is _E.UPDATE or kind is _E.REPLACE:
        unprotects = protection_removed(before, after) or awscc_protection_removed(
            rc.type, before, after
        )
        if unprotects:
            meaning += f"; protection removed: {unprotects}"
    effects = [
        Effect(kind, resource, target, service, operation=operation,
               removes_protection=unprotects is not None, detail=_detail(rc, meaning)),
    ]  # fmt: skip
    if rc.type in PROTECTION_TYPES and (kind is _E.DELETE or kind is _E.REPLACE):
        names = protected_by_lock(rc.type, before) or (f"{rc.address} (locked resource)",)
        reason = f"{rc.type} {rc.address} destroyed"
        effects.append(_unprotect(names, "locked resource", reason, target, service, operation))
    elif rc.type in VERSIONING_TYPES and kind in _CHANGING:
        how = versioning_removed(before, after, destroyed=kind is not _E.UPDATE)
        if how is not None:
            bucket = before.get(VERSIONING_TYPES[rc.type]) if isinstance(before, dict) else None
            names = (
                s3_bucket_names(bucket)
                if isinstance(bucket, str) and bucket
                else (f"{rc.address} (versioned bucket)",)
            )
            reason = f"{rc.type} {rc.address}: {how}"
            effects.append(_unprotect(names, "s3-bucket", reason, target, service, operation))
    if rc.type in EXPOSURE_TYPES:  # opens a store to the world: its protection removed
        effects = exposure_effects(
            effects, resource_type=rc.type, address=rc.address, actions=actions,
            before=before, after=after, after_unknown=change.after_unknown,
        )  # fmt: skip
    if rc.type in _MAY_BRING_MORE or rc.type.startswith("awscc_"):
        effects.extend(_unseen_effects(rc, actions, kind, before, after, names, target, service))
    moved_from = rc.previous_address
    if (
        moved_from
        and kind not in _DESTROYING
        and not set(address_names(moved_from)) <= set(address_names(rc.address))
    ):
        effects.append(_moved_away(rc, moved_from, target, service, operation))
    return effects


_DESTROYING = frozenset({_E.DELETE, _E.REPLACE})


# The types whose change may bring about more than itself (:func:`_unseen_effects`); every other
# type skips it, which a plan of 100,000 resources notices.
_MAY_BRING_MORE = RUNS_CODE_TYPES | LOCAL_FILE_TYPES | {"template_dir"} | EXPIRY_TYPES


def _unseen_effects(
    rc: ResourceChange, actions: tuple[str, ...], kind: EffectKind, before: Any, after: Any,
    names: tuple[str, ...], target: Target, service: str,
) -> list[Effect]:  # fmt: skip
    """What a change brings about that is not the change itself: code run on apply, a local
    file written whose name is known only then (unknown), data a rule deletes later."""
    operation = _OPERATIONS.get(actions) or "terraform " + "+".join(actions)
    found: list[tuple[EffectKind, Resource, str]] = []
    runs = runs_code(rc.type, actions, after if isinstance(after, dict) else before)
    if runs is not None:
        found.append((_E.UNKNOWN, Resource(names, rc.type), runs))
    if unnamed_local_file(rc.type, actions, after):
        found.append((_E.UNKNOWN, Resource(names, rc.type), "writes a local file whose name is "
                      "known only on apply"))  # fmt: skip
    found += applied_file_effects(
        rc.type, mode=rc.mode, actions=actions, before=before, after=after
    )
    found += later_deletions(rc.type, rc.address, kind, before, after, names)
    if kind is _E.UPDATE and rc.type.startswith("awscc_") and rc.type not in EXPOSURE_TYPES:
        why = access_changed(rc.type, before, after, AfterUnknown(rc.change.after_unknown))
        if why is not None:  # who may reach it: not read for this type, so held
            found.append((_E.UNKNOWN, Resource(names, rc.type), why))
    return [
        Effect(effect, resource, target, service, operation=operation, detail=_detail(rc, detail))
        for effect, resource, detail in found
    ]


def _moved_away(
    rc: ResourceChange, old: str, target: Target, service: str, operation: str
) -> Effect:
    """A ``moved`` block takes the object away from its old address: a pattern protecting it
    by that address would no longer name it, and the next plan could destroy it unprotected.
    So the old address loses its protection (only the old address: the object's own names,
    its ARN, still name it where it went). Nothing happens to the object itself: a read."""
    return Effect(
        _E.READ,
        Resource(address_names(old), rc.type),
        target,
        service,
        operation=operation,
        removes_protection=True,
        detail=f"moved to {rc.address}: the old address no longer names it",
    )


_CHANGING = frozenset({_E.UPDATE, _E.DELETE, _E.REPLACE})


def _names(rc: ResourceChange, before: Any, after: Any) -> tuple[str, ...]:
    names = [f"{rc.address} (deposed {rc.deposed})"] if rc.deposed else []
    names.extend(address_names(rc.address))
    if rc.previous_address:
        names.extend(address_names(rc.previous_address))
    if before is not None:
        names.extend(derived_names(rc.type, before))
    if after is not None:
        names.extend(derived_names(rc.type, after))
    return tuple(dict.fromkeys(names)) if len(names) > 1 else tuple(names)


def _detail(rc: ResourceChange, meaning: str) -> str:
    if not (rc.action_reason or rc.previous_address or rc.deposed or rc.mode == "data"):
        return meaning
    parts = [meaning]
    if rc.mode == "data":
        parts.append("data source")
    if rc.action_reason:
        parts.append(rc.action_reason)
    if rc.previous_address:
        parts.append(f"moved from {rc.previous_address}")
    if rc.deposed:
        parts.append(f"deposed object {rc.deposed}")
    return "; ".join(parts)


def _unprotect(
    names: tuple[str, ...], rtype: str, reason: str, target: Target, service: str, operation: str
) -> Effect:
    """Removing a lock (or a bucket's versioning) unprotects what it protects: an update of
    that with removes_protection."""
    return Effect(
        _E.UPDATE,
        Resource(names, rtype),
        target,
        service,
        operation=operation,
        removes_protection=True,
        detail=f"protection removed: {reason}",
    )
