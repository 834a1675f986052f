"""Stores a CloudFormation template at hand opens to the world, for the stack calls that run it.

:mod:`keyturn.understand.cloudformation_exposure` tells which resources of a template open a
store (a bucket's public access block off or public ACL, a database publicly accessible, a
bucket policy letting anyone in); here they are named as :mod:`.stack_updates` names the
template's resources, with the call's parameter values, and judged as removing the store's
protection (``removes_protection``):

- ``UpdateStack``: the resource's own ``replace`` ("may replace") removes it; a bucket policy
  adds an ``update`` of its bucket that does;
- ``CreateStack``: a ``create`` of the store that removes it, or, for a bucket policy, an
  ``update`` of its bucket (which may be older than the stack: a policy may name any bucket);
- ``UpdateStackSet`` with its template in the call (``TemplateBody``): an ``update`` of each
  such store in every account and region the call reaches (:mod:`.stack_sets`), named in the
  instances' stacks (``cfn:StackSet-<name>-*/<LogicalId>``).

Another resource that attaches access to stores which may already exist (a topic's or a
queue's policy, a Lambda permission, an event bus's statement, a secret's policy, an access
point...: :mod:`.cloud_control_attached`) letting anyone in opens them as a bucket policy opens
its bucket: one ``update`` of the stores it names that removes their protection
(:mod:`.stack_attached`), or ``unknown`` on every bucket behind an Object Lambda or
Multi-Region access point, which the template does not name.

A bucket policy's bucket is its ``Bucket`` property: a ``!Ref`` to a bucket of the template
names that bucket (its ``BucketName`` when given, else ``cfn:<stack>/<LogicalId>``), another
value is read as :mod:`.stack_updates` reads names, a part not known being ``*`` (which a
protected pattern's reach sees).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, NamedTuple

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.stack_attached import attached_store
from keyturn.understand.aws.stack_sets import in_each_place, instance_stack
from keyturn.understand.aws_names import resource_names
from keyturn.understand.cloudformation_exposure import (
    BUCKET_POLICY,
    public_statement,
    template_exposure,
)

__all__ = ["Store", "opened_stores", "opening", "stack_set_opened"]


class Store(NamedTuple):
    """A store a template's resource opens: its names and why; ``attached`` when the resource
    attaches access to it (a policy or a permission put on it), ``known`` False when the stores
    are not named (every bucket behind an access point: ``unknown``)."""

    names: tuple[str, ...]
    why: str
    attached: bool = False
    known: bool = True


def opened_stores(
    template: Mapping[str, Any], params: Mapping[str, Any], stack: str
) -> dict[str, Store]:
    """The template's resources that open a store to the world, by logical id: the store's
    names (a bucket policy's: its bucket's) and why."""
    from keyturn.understand.aws.stack_updates import _parameter_values, _resources, _text

    values = _parameter_values(template, params.get("Parameters"), stack)

    def resolve(value: Any) -> str:
        return _text(value, values)

    listed = {logical: (rtype, names, spec) for logical, rtype, names, spec in
              _resources(template, params, stack)}  # fmt: skip
    named = {logical: names for logical, (_, names, _) in listed.items()}
    found: dict[str, Store] = {}
    for logical, (rtype, names, spec) in listed.items():
        properties = spec.get("Properties")
        if rtype != BUCKET_POLICY:
            why = template_exposure(rtype, properties, resolve)
            if why is not None:
                found[logical] = Store(names, f"opened to the world: {why}")
            attached = attached_store(rtype, properties, named, resolve)
            if attached is not None:
                stores = (names[0], *attached.names)  # the resource, and the stores it opens
                found[logical] = Store(stores, attached.why, attached=True, known=attached.known)
            continue
        if not isinstance(properties, Mapping):
            continue  # a policy without its properties: CloudFormation refuses it
        why = public_statement(properties.get("PolicyDocument"), resolve)
        if why is None:
            continue
        why = f"bucket policy {logical} opens the bucket to the world: {why}"
        bucket = properties.get("Bucket")
        ref = bucket.get("Ref") if isinstance(bucket, Mapping) else None
        if isinstance(ref, str) and ref in listed:
            found[logical] = Store(listed[ref][1], why)
        else:
            found[logical] = Store((names[0], *resource_names("s3:bucket", resolve(bucket))), why)
    return found


def opening(effect: Effect, store: Store) -> list[Effect]:
    """``effect`` on a resource that opens ``store``: itself removing the store's protection
    when it is the store; a bucket policy's (or another resource's that attaches access) with
    an ``update`` of the stores it opens that does (``unknown`` where they are not named), the
    last of the list."""
    names, why = store.names, store.why
    if effect.resource.type != BUCKET_POLICY and not store.attached:
        return [replace(effect, removes_protection=True, detail=f"{effect.detail}; {why}")]
    rtype = "AWS::S3::Bucket" if effect.resource.type == BUCKET_POLICY else ""
    stores = Resource(tuple(dict.fromkeys(names)), rtype)
    kind = EffectKind.UPDATE if store.known else EffectKind.UNKNOWN
    update = replace(
        effect, effect=kind, resource=stores, removes_protection=store.known, detail=why
    )
    return [effect, update]


def stack_set_opened(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """``UpdateStackSet`` with its template in the call: an ``update`` of each store it opens
    to the world, removing its protection, in each account and region the call reaches."""
    from keyturn.understand.aws.stack_updates import read_template

    body = params.get("TemplateBody")
    template = read_template(body) if isinstance(body, str) else None
    if qualified != "cloudformation:UpdateStackSet" or template is None:
        return []
    stack = instance_stack(params.get("StackSetName"))
    found = [
        Effect(
            effect=EffectKind.UPDATE if store.known else EffectKind.UNKNOWN,
            resource=Resource(tuple(dict.fromkeys(store.names))),
            target=target,
            service="cloudformation",
            operation=qualified,
            removes_protection=store.known,
            detail=store.why,
        )
        for store in opened_stores(template, params, stack).values()
    ]
    return in_each_place(qualified, params, target, found)
