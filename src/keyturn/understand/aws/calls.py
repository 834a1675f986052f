"""One AWS API call -> its effects: the verb's effect, refined by parameters, on named resources.

The pieces live beside this module: the call as read (:mod:`.resolved_call`), where it lands
(:mod:`.call_hints`), the resources it names (:mod:`.call_resources`), operations whose
parameters decide the effect (:mod:`.parameter_effects`), rules that delete later
(:mod:`.deletes_later`), and what the call sets off elsewhere, now or later (runbooks, window
tasks, rule and schedule targets, rules changed or enabled, stack templates: the modules
:func:`effects_of` names).
"""

from __future__ import annotations

from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws import (
    access_points,
    automation,
    cloud_control_openings,
    event_runs,
    public_exposure,
    rule_runs,
    scheduled_runs,
    scheduled_targets,
    special,
    stack_creates,
    stack_updates,
    wide_exposure,
)
from keyturn.understand.aws.access_points import access_point_bucket, is_access_point
from keyturn.understand.aws.call_hints import arn_hints, call_target, where_of
from keyturn.understand.aws.call_resources import cloud_control_names, resources_of, s3_resource
from keyturn.understand.aws.deletes_later import deletes_later
from keyturn.understand.aws.lambda_code import code_change_notes, through_qualifiers
from keyturn.understand.aws.parameter_effects import parameter_effects
from keyturn.understand.aws.resolved_call import AwsCall, call_effect, json_safe, resolve_call
from keyturn.understand.aws.verbs import EXACT

# ``AwsCall``, ``resolve_call``, ``json_safe``, ``arn_hints`` and ``call_target`` are imported
# from here by callers outside this package (``keyturn.aws``, the runbook and target readers).
__all__ = ["AwsCall", "arn_hints", "call_target", "effects_of", "json_safe", "resolve_call"]


def effects_of(call: AwsCall, target: Target) -> list[Effect]:
    """Every effect of one resolved call under ``target`` (never empty)."""
    found = _call_effects(call, target)
    # What the SSM runbooks it starts do (:mod:`.automation`), now or later (a maintenance
    # window's task, a Config remediation: :mod:`.scheduled_runs`); what a stack's new
    # template may delete or replace (:mod:`.stack_updates`).
    hinted = call_target(call, target)
    found += automation.runbook_effects(call.qualified, call.params, hinted)
    found += scheduled_runs.scheduled_effects(call.qualified, call.params, hinted)
    found += stack_updates.stack_update_effects(call.qualified, call.params, hinted)
    # What a rule's or schedule's targets run when it fires, where a window's tasks run
    # (:mod:`.scheduled_targets`); a stack or change set whose template is not at hand, a
    # change set run (:mod:`.stack_creates`).
    found += scheduled_targets.target_effects(call.qualified, call.params, hinted)
    # A rule changed or enabled fires its existing targets, which the call does not name
    # (:mod:`.rule_runs`).
    found += rule_runs.rule_run_effects(call.qualified, call.params, hinted)
    # Events sent or replayed fire the targets of the rules they match (:mod:`.event_runs`).
    found += event_runs.event_run_effects(call.qualified, call.params, hinted)
    found += stack_creates.stack_create_effects(call.qualified, call.params, hinted)
    if not special.is_dry_run(call.params):
        # A switch guarding every bucket of the account (or every AMI of the region) off.
        found += wide_exposure.account_wide_exposure(call, hinted)
        found += wide_exposure.source_exposure(call, hinted)
        found += wide_exposure.policy_bucket_exposure(call, hinted)
        # An access point opened to anyone, and the bucket behind it (:mod:`.access_points`).
        found += access_points.policy_exposure(call, hinted)
        # Stores that already exist a Cloud Control create opens (:mod:`.cloud_control_openings`).
        found += cloud_control_openings.opened_stores(call, hinted)
    return _through_access_points(call, target, found)


def _through_access_points(call: AwsCall, target: Target, found: list[Effect]) -> list[Effect]:
    """``found`` when the call goes through an S3 access point (which bucket it reaches is not
    in the call: every change is unknown), and with the bucket's update when the call makes
    one (another name for the bucket, which its protection does not cover)."""
    bucket = call.params.get("Bucket") if call.service == "s3" else None
    if isinstance(bucket, str) and is_access_point(bucket):
        note = "through an S3 access point: which bucket it reaches is not known"
        found = [
            e
            if e.effect is EffectKind.READ
            else replace(e, effect=EffectKind.UNKNOWN, detail=f"{e.detail}; {note}".lstrip("; "))
            for e in found
        ]
    made_on = access_point_bucket(call.service, call.operation, call.params)
    if made_on is not None:
        resource = (
            Resource(names=(made_on,), type="s3-bucket")
            if made_on.startswith("arn:")
            else s3_resource(made_on, None)
        )
        note = "gives the bucket another name (an access point) its protection does not cover"
        hinted = call_target(call, target)
        found.append(call_effect(call, EffectKind.UPDATE, resource, hinted, [note], removes=True))
    return found


def _call_effects(call: AwsCall, target: Target) -> list[Effect]:
    target = call_target(call, target)
    found = parameter_effects(call, target)
    if found:
        return found
    kind, notes = call.meaning.effect, list(call.meaning.notes)
    params = call.params
    removal = None
    if special.is_dry_run(params):
        kind, notes = EffectKind.READ, ["dry run: only checks permissions"]
    else:
        removal = special.removes_protection(
            verb=call.meaning.verb, noun=call.meaning.noun, params=params
        )
        # Opening what it names to anyone on the internet removes its protection as surely
        # (:mod:`.public_exposure`).
        removal = removal or public_exposure.exposure(call)
        if removal:
            notes.append(f"removes protection: {removal}")
        if special.scales_to_zero(call.service, call.operation, params):
            notes.append("disruptive: scales to zero")
        if call.qualified == "cloudformation:ExecuteChangeSet":
            notes.append("judge the change set")
        # What a Lambda function (or an alias of it) runs from now on (:mod:`.lambda_code`).
        notes += code_change_notes(call.qualified, params)
    resources, part = resources_of(call, where_of(target))
    if call.service == "cloudcontrol":
        resources = [cloud_control_names(r, params) for r in resources]
        removal = removal or special.patch_removes_protection(params)
        if removal and f"removes protection: {removal}" not in notes:
            notes.append(f"removes protection: {removal}")
    if part and kind in (EffectKind.CREATE, EffectKind.DELETE) and call.operation not in EXACT:
        # Operations whose whole name fixes the effect (``ScheduleKeyDeletion``) keep it.
        notes.append(f"{call.meaning.verb.lower()}s the {call.meaning.noun} of the resource")
        kind = EffectKind.UPDATE
    found = [call_effect(call, kind, r, target, notes, removes=bool(removal)) for r in resources]
    if call.service == "lambda":
        found = through_qualifiers(found)
    if kind is not EffectKind.READ:
        found += deletes_later(call, resources, target)
    return found + _copied_from(call, target)


_COPIES = frozenset({"s3:CopyObject", "s3:UploadPartCopy"})


def _copied_from(call: AwsCall, target: Target) -> list[Effect]:
    """A copy reads its source object, which may be in another bucket: named, so that a policy
    that guards reading it (a state file, a bucket of secrets) sees the read."""
    if call.qualified not in _COPIES:
        return []
    source = special.s3_copy_source(call.params)
    if source is None:
        return []
    if isinstance(source, str):
        resource = Resource(names=(source,), type="s3-object")
    else:
        resource = s3_resource(*source)
    return [call_effect(call, EffectKind.READ, resource, target, ["the object it copies"])]
