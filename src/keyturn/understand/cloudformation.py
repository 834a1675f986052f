"""CloudFormation change sets (``aws cloudformation describe-change-set`` output) -> Action.

One effect per ``ResourceChange`` (formats.md §5.2):

- ``Add`` -> create; ``Remove`` -> delete, unless ``PolicyAction`` is ``Retain`` (-> update
  "removed from stack, retained": the physical resource stays);
- ``Modify`` -> update, or replace when ``Replacement`` is ``True``, ``PolicyAction`` deletes
  or replaces the physical resource, or a detail ``RequiresRecreation`` ``Always``
  (``Conditional``, ``Conditionally`` or a ``Replacement`` value not known here: replace with
  the detail "may replace"): the worst of the three, should they disagree;
- ``Import`` -> update (brought under management); ``Dynamic`` -> unknown (decided only when
  the change set runs); ``SyncWithActual`` -> read (only CloudFormation's own record changes).

A nested stack (or stack set) added, imported, modified or removed also yields an ``unknown``
effect: what it holds is not in this change set (a new nested stack's template may hold custom
resources, a stack set deploys into other accounts), and removing it deletes all of it. Any
change of a custom resource (``Custom::*``, ``AWS::CloudFormation::CustomResource``) or an
``AWS::SSM::Association`` runs code the change set does not show: an ``unknown`` effect too. A
``Modify`` that sets a rule deleting data later (a bucket's expiring lifecycle rules, a table's
TTL, a repository's expiring lifecycle policy, a log group's retention set or lowered) also
yields that deletion (:mod:`.cloudformation_expiry`).

Names: ``cfn:<StackName>/<LogicalResourceId>``, the physical id, and the ARN derived from the
type (for a queue's URL also the ARN with the account and region the URL spells).

Where it runs: the account (and region) of the ``StackId`` and ``ChangeSetId`` ARNs, for the
policy's ``aws_accounts`` to tell the environment: ``ExecuteChangeSet`` acts on that stack.
A given account (``--account``, a payload's ``account``) that agrees adds nothing; one that
differs is not trusted over the ARN, nor dropped: every effect is judged under each account
(the ARN's first), so the strictest environment wins, and the effects under the others say so.
Refusing the input instead would leave a caller with a stale account setting no decision at
all; judging under the ARN's alone would loosen a caller's production account to the dev
account a copied change set names.

A ``Modify`` that turns ``DeletionPolicy`` from Retain/Snapshot to Delete, or sets
``DeletionProtection``/``DeletionProtectionEnabled``/``DisableApiTermination`` off,
``BackupRetentionPeriod`` to 0 (the automated backups go), or a
bucket's ``VersioningConfiguration`` from ``Enabled`` to anything else, removes protection
(the property is the detail's ``Name``, else the first step of its ``Path`` under
``/Properties``); when the change set carries no values (``IncludePropertyValues`` unset),
changing one of those at all counts as removing it (fail closed), as does opening a store to
the world (:mod:`.cloudformation_exposure`). A change set with a
``NextToken`` has more pages, and one still being created (``Status`` ``CREATE_PENDING`` or
``CREATE_IN_PROGRESS``) lists no changes yet: what they hold is unknown. A ``Details`` entry
that is not an object, or whose ``Target`` is not one, is bad input. Reading what a ``Modify``
switches off is :mod:`._cloudformation_protection`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import msgspec

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target
from keyturn.understand._cloudformation_protection import (
    _detail_targets,
    _property_name,
    _protection_removed,
)
from keyturn.understand.aws.naming import Where, queue_arn
from keyturn.understand.aws_names import cloudformation_names
from keyturn.understand.cloudformation_expiry import later_deletions
from keyturn.understand.cloudformation_exposure import (
    bucket_policy_exposure,
    change_exposure,
    restored_exposure,
)

__all__ = ["understand_change_set"]

_E = EffectKind
_ACTIONS: dict[str, tuple[EffectKind, str]] = {
    "Add": (_E.CREATE, "add"),
    "Modify": (_E.UPDATE, "modify in place"),
    "Remove": (_E.DELETE, "remove"),
    "Import": (_E.UPDATE, "import: brought under management"),
    "Dynamic": (_E.UNKNOWN, "dynamic: the action is decided only when the change set runs"),
    "SyncWithActual": (_E.READ, "sync with actual: only CloudFormation's record changes"),
}
_NOT_COMPUTED = frozenset({"CREATE_PENDING", "CREATE_IN_PROGRESS"})
_NO_TARGET = Target()


def understand_change_set(
    text: str | bytes, *, source: str = "change-set.json", target: Target = _NO_TARGET
) -> Action:
    """Understand a DescribeChangeSet response, judged where its own ARNs say it runs and,
    should ``target`` name another account, under that account too (strictest wins).

    Raises :class:`keyturn.errors.InputError` when the text is not JSON, names no stack, or a
    change has the wrong shape.
    """
    doc = _decode(text, source)
    stack = _stack_name(doc, source)
    target, *others = _stack_targets(doc, target)
    changes = doc.get("Changes")
    changes = [] if changes is None else changes
    if not isinstance(changes, list):
        raise InputError(f"{source}: Changes: expected a list")
    effects: list[Effect] = []
    records: list[Any] = []
    for index, change in enumerate(changes):
        where = f"{source}: Changes[{index}]"
        rc = change.get("ResourceChange") if isinstance(change, dict) else None
        if not isinstance(rc, dict):
            raise InputError(f"{where}.ResourceChange: expected an object")
        effects.extend(_resource_effects(rc, stack, target, where))
        records.append(_record(rc, where))
    if doc.get("NextToken"):
        effects.append(_stack_effect(stack, target, _E.UNKNOWN, "more pages (NextToken) not seen"))
    status = doc.get("Status")
    if isinstance(status, str) and status in _NOT_COMPUTED:
        # Changes are listed once the change set is computed: until then what it will do is
        # not known, and an empty list does not mean "no change".
        effects.append(_stack_effect(stack, target, _E.UNKNOWN, f"change set still {status}"))
    if not effects:
        effects.append(_stack_effect(stack, target, _E.READ, "change set with no changes"))
    effects += _also_under(effects, others, target)
    records.sort(key=lambda r: (r["logical"], r["action"]))
    return Action(
        kind=ActionKind.CLOUDFORMATION,
        summary=f"cloudformation change set on {stack}: {len(changes)} change(s)",
        effects=tuple(effects),
        target=target,
        subject={"stack": stack, "changes": records, "more": bool(doc.get("NextToken"))},
    )


def _decode(text: str | bytes, source: str) -> Mapping[str, Any]:
    try:
        doc = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise InputError(f"{source}: not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply; refusing it") from None
    if not isinstance(doc, dict):
        raise InputError(f"{source}: expected a DescribeChangeSet object")
    return doc


def _stack_name(doc: Mapping[str, Any], source: str) -> str:
    name = doc.get("StackName")
    if isinstance(name, str) and name:
        return name
    stack_id = doc.get("StackId")
    # arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/GUID
    if isinstance(stack_id, str) and ":stack/" in stack_id:
        return stack_id.split(":stack/", 1)[1].split("/", 1)[0]
    raise InputError(f"{source}: StackName: missing (and no StackId)")


# arn:PARTITION:cloudformation:REGION:ACCOUNT:stack/NAME/GUID (or changeSet/NAME/GUID)
_STACK_PLACE = re.compile(r"arn:[\w-]+:cloudformation:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):")


def _stack_targets(doc: Mapping[str, Any], target: Target) -> list[Target]:
    """The targets the change set is judged under, one per account: the account and region of
    its ``StackId`` and ``ChangeSetId`` ARNs over ``target``'s other hints, then ``target`` when
    its account is another (see the module's docstring). Just ``target`` when no ARN tells."""
    found: dict[str | None, Target] = {}
    for key in ("StackId", "ChangeSetId"):
        arn = doc.get(key)
        match = _STACK_PLACE.match(arn) if isinstance(arn, str) else None
        if match is not None and match["account"] not in found:
            place = Target(aws_account=match["account"], aws_region=match["region"])
            found[match["account"]] = place.merged_over(target)
    if not found or target.aws_account is not None:
        found.setdefault(target.aws_account, target)
    return list(found.values())


def _also_under(effects: list[Effect], others: list[Target], target: Target) -> list[Effect]:
    """``effects`` again under each of ``others``: accounts that contradict ``target``'s."""
    accounts = ", ".join(str(t.aws_account) for t in (target, *others))
    return [
        replace(effect, target=other,
                detail=f"{effect.detail}; accounts disagree ({accounts}): judged under each")
        for other in others
        for effect in effects
    ]  # fmt: skip


def _text(rc: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = rc.get(key)
    if value is None or value == "":
        if required:
            raise InputError(f"{where}.ResourceChange.{key}: missing")
        return ""
    if not isinstance(value, str):
        raise InputError(f"{where}.ResourceChange.{key}: expected a string")
    return value


def _resource_effects(
    rc: Mapping[str, Any], stack: str, target: Target, where: str
) -> list[Effect]:
    action = _text(rc, "Action", where, required=True)
    logical = _text(rc, "LogicalResourceId", where, required=True)
    physical = _text(rc, "PhysicalResourceId", where)
    rtype = _text(rc, "ResourceType", where)
    policy = _text(rc, "PolicyAction", where)
    kind, meaning = _ACTIONS.get(action, (_E.UNKNOWN, f"unrecognised action {action!r}"))
    if action == "Modify":
        kind, meaning = _modify_meaning(rc, policy, where)
    if action == "Remove" and policy.startswith("Retain"):
        kind, meaning = _E.UPDATE, "removed from stack, retained"
    changes = [
        (_property_name(t), str(t.get("Path") or ""), t.get("BeforeValue"), t.get("AfterValue"))
        for t in (_detail_targets(rc, where) if action == "Modify" else ())
        if t.get("Attribute") == "Properties"
    ]
    unprotects = _protection_removed(rc, where) if action == "Modify" else None
    unprotects = unprotects or change_exposure(rtype, changes)  # a store opened to the world
    details = [meaning]
    if policy:
        details.append(f"policy action {policy}")
    if unprotects:
        details.append(f"protection removed: {unprotects}")
    names = (f"cfn:{stack}/{logical}", *([physical] if physical else ()))
    names += cloudformation_names(rtype, physical) if physical else ()
    if rtype == "AWS::SQS::Queue" and physical.startswith("https://"):
        names += (queue_arn(physical, where=Where()),)  # the URL spells account and region
    names = tuple(dict.fromkeys(names))
    service = rtype.split("::")[1].lower() if rtype.count("::") >= 2 else "cloudformation"
    effects = [
        Effect(
            kind,
            Resource(names, rtype),
            target,
            service,
            operation=f"cloudformation {action}",
            removes_protection=unprotects is not None,
            detail="; ".join(details),
        )
    ]
    if rtype in _STACKS and action in _STACK_ACTIONS:
        # What a nested stack (or a stack set's stacks) holds is not in this change set: an Add
        # creates it, unseen (custom resources run, a stack set reaches other accounts); a
        # Remove deletes all of it, unseen.
        effects.append(_stack_effect(logical, target, _E.UNKNOWN, _STACK_ACTIONS[action]))
    if _runs_code(rtype) and action in ("Add", "Modify", "Remove", "Dynamic"):
        effects.append(_custom_effect(effects[0], rtype, action))
    effects += [
        Effect(kind, resource, target, service, operation=f"cloudformation {action}",
               detail=detail)
        for kind, resource, detail in later_deletions(rtype, physical, names, changes)
    ]  # fmt: skip
    effects += bucket_policy_exposure(rc, effects[0], physical, changes)
    return restored_exposure(rc, effects)  # a database made public from another's data


_STACKS = frozenset({"AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet"})
_STACK_ACTIONS = {
    "Add": "nested stack contents not seen: its template may create or run anything",
    "Import": "nested stack contents not seen: what it brings under management is unknown",
    "Modify": "nested stack changes not seen",
    "Dynamic": "nested stack changes not seen",
    "Remove": "nested stack changes not seen: removing it deletes every resource in it",
}
# Resources whose every change runs code the change set does not show: a custom resource's
# handler (its ServiceToken Lambda or SNS topic), an SSM association's document on instances.
_RUNS_CODE = frozenset({"AWS::CloudFormation::CustomResource", "AWS::SSM::Association"})


def _runs_code(rtype: str) -> bool:
    return rtype in _RUNS_CODE or rtype.startswith("Custom::")


def _custom_effect(effect: Effect, rtype: str, action: str) -> Effect:
    """The code a custom resource (or an association) runs on ``action``: unknown, as a
    Terraform provisioner is."""
    return Effect(
        _E.UNKNOWN,
        effect.resource,
        effect.target,
        effect.service,
        operation=f"cloudformation {action}",
        detail=f"{rtype} {action.lower()}: runs code the change set does not show "
        "(a custom resource's ServiceToken handler, an association's document)",
    )


def _modify_meaning(rc: Mapping[str, Any], policy: str, where: str) -> tuple[EffectKind, str]:
    """A Modify's effect: the worst of what ``Replacement``, ``PolicyAction`` and the details'
    ``RequiresRecreation`` say. They agree in what CloudFormation writes; when they do not (or
    ``Replacement`` holds a value this code does not know) the destructive reading wins."""
    replacement = _text(rc, "Replacement", where)
    recreation = {str(t.get("RequiresRecreation")) for t in _detail_targets(rc, where)}
    if replacement == "True" or policy.startswith("Replace") or policy == "Delete":
        return _E.REPLACE, "replace"
    if replacement not in ("", "False") or recreation & {"Always", "Conditionally"}:
        # Always with a Dynamic evaluation is CloudFormation's own "Conditional".
        return _E.REPLACE, "may replace (replacement conditional)"
    return _E.UPDATE, "modify in place"


def _stack_effect(stack: str, target: Target, kind: EffectKind, detail: str) -> Effect:
    return Effect(
        kind,
        Resource((f"cfn:{stack}", *cloudformation_names("AWS::CloudFormation::Stack", stack))),
        target,
        "cloudformation",
        operation="cloudformation change set",
        detail=detail,
    )


def _record(rc: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The canonical record of one change the digest binds to."""
    keys = ("Action", "Replacement", "PolicyAction", "PhysicalResourceId", "ResourceType")
    lists = {}
    for key in ("Scope", "Details"):
        value = rc.get(key) or []
        if not isinstance(value, list):
            raise InputError(f"{where}.ResourceChange.{key}: expected a list")
        lists[key] = value
    _detail_targets(rc, where)  # a detail that is not an object is refused whatever the action
    return {
        "logical": rc.get("LogicalResourceId"),
        "action": rc.get("Action"),
        **{key: rc.get(key) for key in keys},
        "scope": sorted(str(s) for s in lists["Scope"]),
        "details": sorted(
            msgspec.json.encode(d, order="sorted").decode() for d in lists["Details"]
        ),
    }
