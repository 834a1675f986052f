"""Terraform and OpenTofu plans (``terraform show -json`` / ``tofu show -json``) -> Action.

Each ``resource_changes`` entry becomes one effect (two for a replace whose old object is
forgotten) on the resource named by its address, the ID/ARN the plan knows and type-derived
names. The mapping of ``actions`` (formats.md §4.2, §5.1):

- ``create`` -> create; ``update`` -> update; ``delete`` -> delete;
- ``delete,create`` / ``create,delete`` -> replace (the detail says which order);
- ``forget`` -> update "forgotten: removed from state, not destroyed" (the object stays);
- ``create,forget`` / ``forget,create`` -> create of the new object + forget of the old;
- ``no-op`` and ``read`` -> read (``no-op`` with ``importing`` -> update: brought under
  management; a ``read`` of a data source that acts when read -- ``external``,
  ``aws_lambda_invocation``, an ``http`` POST: ``_data_sources`` -- is what it does); any other
  combination -> unknown.

A ``moved`` object (``previous_address``) is also named by its old address, and, unless the
change destroys it anyway, yields a read of the old address that removes its protection: a
pattern protecting that address no longer names the object in the next plan. A
``kubernetes_manifest`` CustomResourceDefinition destroyed is also named as every object of its
kind. An effect's target takes the account and region of the object's ARN when none is given,
for the policy's ``aws_accounts`` to tell the environment; and each change is judged again
under the constants of each provider configuration it may use (a profile, a role's account,
allowed accounts, a kube context: ``_provider_hints``), the strictest counting.

A created, replaced or destroyed resource whose configuration has provisioners also yields an
``unknown`` effect per provisioner, and a constant ``local-exec`` command is understood as the
shell command it is (``_provisioners``); a delete of an object whose configuration is gone
yields one too: a ``removed`` block may run destroy-time provisioners the plan does not show.

A change of a resource that runs code on apply (``aws_lambda_invocation``,
``aws_ssm_association``, a CloudFormation stack: ``_runs_code``) also yields an ``unknown``
effect, as does a ``local_file`` whose ``filename`` is known only on apply (a known one is
named ``file:<path>``); a change that sets a rule deleting data later (an S3 lifecycle rule that
expires objects, an ECR lifecycle policy, a DynamoDB TTL turned on, a log group's retention
cut: ``_expiry``) also yields that deletion. A change that opens a store to anyone on the
internet (an S3 public access block off, a public ACL, policy or IAM member, a database made
publicly accessible, a container made public: ``_exposure``) removes the store's protection.

``resource_drift`` is not an action and is ignored; Terraform 1.14+ ``action_invocations`` run
provider-defined code on apply and are unknown. A plan with no change still yields one read
effect naming the plan. The digest binds to one SHA-256 over every change's canonical record
(address, actions, reason, ``before``, ``after``...), which keeps a 100,000-resource plan cheap.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import msgspec

from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target
from keyturn.understand.aws_names import s3_bucket_names
from keyturn.understand.terraform._config import Provisioner
from keyturn.understand.terraform._data_sources import ACTING_DATA_TYPES, read_effects
from keyturn.understand.terraform._expiry import EXPIRY_TYPES, later_deletions
from keyturn.understand.terraform._exposure import EXPOSURE_TYPES, exposure_effects
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
from keyturn.understand.terraform._plan import (
    ActionInvocation,
    ResourceChange,
    decode_plan,
    decode_value,
)
from keyturn.understand.terraform._protection import (
    PROTECTION_TYPES,
    VERSIONING_TYPES,
    protected_by_lock,
    protection_removed,
    versioning_removed,
)
from keyturn.understand.terraform._provider_hints import ProviderHints
from keyturn.understand.terraform._provisioners import (
    RUNS_ON,
    provisioned,
    provisioner_effects,
    removed_block_effect,
)
from keyturn.understand.terraform._removed_blocks import snapshot_has_removed_blocks
from keyturn.understand.terraform._runs_code import RUNS_CODE_TYPES, runs_code

__all__ = ["snapshot_has_removed_blocks", "understand_terraform"]

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
_NO_TARGET = Target()


def understand_terraform(
    text: str | bytes,
    *,
    source: str = "plan.json",
    target: Target = _NO_TARGET,
    removed_blocks: bool | None = None,
) -> Action:
    """Understand a ``terraform show -json`` / ``tofu show -json`` plan.

    ``removed_blocks``: whether the plan's own configuration holds ``removed`` blocks, when the
    saved plan file is at hand (:func:`._removed_blocks.snapshot_has_removed_blocks`); None
    when it is not, and a delete whose configuration is gone may run what the JSON hides.

    Raises :class:`keyturn.errors.InputError` (naming ``source`` and the JSON path) when the
    text is not such a plan or its format major version is unknown.
    """
    plan = decode_plan(text, source=source)
    changes = sorted(plan.resource_changes or (), key=_order)
    digest = hashlib.sha256()
    effects: list[Effect] = []
    commands = provisioned(plan.configuration)
    hints = ProviderHints.of(plan.configuration)
    version = plan.terraform_version if isinstance(plan.terraform_version, str) else None
    with _no_gc_pauses():
        for rc in changes:
            effects.extend(
                _judged_change(
                    rc, target, digest, hints=hints, version=version, removed=removed_blocks
                )
            )
            if commands and RUNS_ON.intersection(rc.change.actions):
                effects.extend(_provisioner_effects(rc, commands, target, digest))
    for invocation in plan.action_invocations or ():
        effects.append(_invocation_effect(invocation, target))
        digest.update(_ENCODER.encode(("action", invocation.address, invocation.type)))
    if not effects:
        effects.append(_empty_plan_effect(source, target, errored=plan.errored))
    counts = Counter(e.effect.value for e in effects)
    summary = "terraform plan: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    subject = {"changes": len(changes), "plan": "sha256:" + digest.hexdigest()}
    return Action(
        kind=ActionKind.TERRAFORM,
        summary=summary,
        effects=tuple(effects),
        target=target,
        subject=subject,
    )


def _judged_change(
    rc: ResourceChange, target: Target, digest: Any, *, hints: ProviderHints | None,
    version: str | None, removed: bool | None,
) -> list[Effect]:  # fmt: skip
    """A change's effects, each also judged under the provider configurations it may use
    (``_provider_hints``), and the provisioners a ``removed`` block may run for it."""
    found = _change_effects(rc, target, digest)
    if hints is not None:
        found = hints.also_judged(found, address_names(rc.address)[-1], rc.provider_name)
    first = found[0]
    hidden = removed_block_effect(
        rc.address, first.resource.names, mode=rc.mode, actions=tuple(rc.change.actions),
        action_reason=rc.action_reason, terraform_version=version, target=first.target,
        removed_blocks=removed,
    )  # fmt: skip
    return found if hidden is None else [*found, hidden]


def _provisioner_effects(
    rc: ResourceChange, commands: dict[str, list[Provisioner]], target: Target, digest: Any
) -> list[Effect]:
    """The provisioners a created, replaced or destroyed object runs; bound into ``digest``."""
    resource = address_names(rc.address)[-1]  # the configuration's address: no instance keys
    found = commands.get(resource)
    if not found:
        return []
    digest.update(_ENCODER.encode(("provisioners", rc.address, found)))
    return provisioner_effects(rc.address, address_names(rc.address), found, target)


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Hold off the cyclic garbage collector while building one effect per change.

    The objects made here hold no cycles, yet with 100,000 changes the collector would walk the
    growing heap again and again (a third of the time on a big plan). Restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _order(rc: ResourceChange) -> tuple[str, str]:
    # Terraform writes changes sorted by address; sorting makes any order mean the same.
    return (rc.address, rc.deposed or "")


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
        unprotects = protection_removed(before, after)
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


def _invocation_effect(invocation: ActionInvocation, target: Target) -> Effect:
    name = invocation.address or f"terraform:action/{invocation.type or 'unnamed'}"
    return Effect(
        _E.UNKNOWN,
        Resource((name,), invocation.type),
        target,
        "terraform",
        operation="terraform action",
        detail="Terraform action invoked on apply: what it does is defined by its provider",
    )


def _empty_plan_effect(source: str, target: Target, *, errored: bool) -> Effect:
    detail = "plan with no resource changes"
    if errored:
        detail += "; the plan errored and cannot be applied"
    return Effect(
        _E.READ,
        Resource((f"terraform:plan/{source}",), "terraform_plan"),
        target,
        "terraform",
        operation="terraform plan",
        detail=detail,
    )
