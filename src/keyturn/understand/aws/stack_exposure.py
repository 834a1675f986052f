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

A bucket policy's bucket is its ``Bucket`` property: a ``!Ref`` to a bucket of the template
names that bucket (its ``BucketName`` when given, else ``cfn:<stack>/<LogicalId>``), another
value is read as :mod:`.stack_updates` reads names, a part not known being ``*`` (which a
protected pattern's reach sees).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.stack_sets import in_each_place, instance_stack
from keyturn.understand.aws_names import resource_names
from keyturn.understand.cloudformation_exposure import (
    BUCKET_POLICY,
    public_statement,
    template_exposure,
)

__all__ = ["Store", "opened_stores", "opening", "stack_set_opened"]

Store = tuple[tuple[str, ...], str]  # the store's names, why it is open


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
    found: dict[str, Store] = {}
    for logical, (rtype, names, spec) in listed.items():
        properties = spec.get("Properties")
        if rtype != BUCKET_POLICY:
            why = template_exposure(rtype, properties, resolve)
            if why is not None:
                found[logical] = (names, f"opened to the world: {why}")
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
            found[logical] = (listed[ref][1], why)
        else:
            found[logical] = ((names[0], *resource_names("s3:bucket", resolve(bucket))), why)
    return found


def opening(effect: Effect, store: Store) -> list[Effect]:
    """``effect`` on a resource that opens ``store``: itself removing the store's protection
    when it is the store; a bucket policy's with an ``update`` of its bucket that does."""
    names, why = store
    if effect.resource.type != BUCKET_POLICY:
        return [replace(effect, removes_protection=True, detail=f"{effect.detail}; {why}")]
    bucket = Resource(tuple(dict.fromkeys(names)), "AWS::S3::Bucket")
    update = replace(
        effect, effect=EffectKind.UPDATE, resource=bucket, removes_protection=True, detail=why
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
            effect=EffectKind.UPDATE,
            resource=Resource(tuple(dict.fromkeys(names))),
            target=target,
            service="cloudformation",
            operation=qualified,
            removes_protection=True,
            detail=why,
        )
        for names, why in opened_stores(template, params, stack).values()
    ]
    return in_each_place(qualified, params, target, found)
