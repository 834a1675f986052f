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
The Cloud Control provider's ``awscc_*`` resources are read as the CloudFormation types they
are generated from, over their snake_case values (names, protection, exposure: ``_awscc``).

``resource_drift`` is not an action and is ignored; Terraform 1.14+ ``action_invocations`` run
provider-defined code on apply and are unknown. A plan with no change still yields one read
effect naming the plan. The digest binds to one SHA-256 over every change's canonical record
(address, actions, reason, ``before``, ``after``...), which keeps a 100,000-resource plan cheap.
What one change means is :mod:`._changes`; this module walks the plan.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from keyturn.model import Action, ActionKind, Effect, Resource, Target
from keyturn.understand.terraform._changes import _E, _ENCODER, _change_effects
from keyturn.understand.terraform._config import Provisioner
from keyturn.understand.terraform._names import address_names
from keyturn.understand.terraform._plan import ActionInvocation, ResourceChange, decode_plan
from keyturn.understand.terraform._provider_hints import ProviderHints
from keyturn.understand.terraform._provisioners import (
    RUNS_ON,
    provisioned,
    provisioner_effects,
    removed_block_effect,
)
from keyturn.understand.terraform._removed_blocks import snapshot_has_removed_blocks

__all__ = ["snapshot_has_removed_blocks", "understand_terraform"]

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
