"""A CloudFormation change set's ``Add`` or ``Modify`` of a resource that attaches access to a
store which already exists (:mod:`.cloud_control_attached` lists the types: a topic's or a
queue's policy, a Lambda permission, an event bus's statement...), read from the change's
``AfterContext`` (``IncludePropertyValues``) as a Cloud Control create of it is
(:mod:`.cloud_control_openings`): an ``update`` of each store it opens that removes the
store's protection, named as the service's own call names it. A bucket's policy is read by
:func:`keyturn.understand.cloudformation_exposure.bucket_policy_exposure` itself.

A change without values names no store and is judged as before; a store known only after
apply is made in the same change set (it holds no data yet) and is not named; an Object Lambda
or Multi-Region access point's policy opens buckets the change does not name: ``unknown`` on
every bucket. A ``Modify`` is read when it changes a property: these resources hold little
but the policy and the stores it is on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.aws.call_hints import call_target, where_of
from keyturn.understand.aws.call_resources import resources_of
from keyturn.understand.aws.cloud_control_attached import (
    ACCESS_POINT,
    ATTACHING,
    logs_stores,
    native_params,
)
from keyturn.understand.aws.resolved_call import resolve_call

__all__ = ["attached_change_exposure"]

_KNOWN_AFTER = "{{changeSet:KNOWN_AFTER_APPLY}}"
# Read elsewhere: a bucket's policy (``cloudformation_exposure``), an access point (a store's
# other name, which a change set names by its own physical id).
_ELSEWHERE = frozenset({"AWS::S3::BucketPolicy", ACCESS_POINT})


def attached_change_exposure(
    rc: Mapping[str, Any], effect: Effect, changes: list[Any]
) -> list[Effect]:
    """The stores a change of a type that attaches access opens to the world: an ``update`` of
    each that removes its protection, beside ``effect`` (the change's own); ``[]`` for another
    change, or one that opens nothing."""
    type_name, action = str(rc.get("ResourceType")), rc.get("Action")
    attaching = ATTACHING.get(type_name)
    if attaching is None or type_name in _ELSEWHERE or action not in ("Add", "Modify"):
        return []
    if action == "Modify" and not changes:
        return []
    after = _properties(rc.get("AfterContext"))
    why = attaching.opens(after) if after is not None else None
    if after is None or why is None:
        return []
    why = f"{type_name}: opened to the world: {why}"
    where = where_of(effect.target)
    every = tuple(n.format(region=where.region, account=where.account) for n in attaching.every)
    service, operation, _ = attaching.call
    if not service:
        buckets = Resource(every, "s3-bucket")
        note = f"{why}: the buckets behind the access point are not in the change"
        return [replace(effect, effect=EffectKind.UNKNOWN, resource=buckets, detail=note)]
    if type_name == "AWS::Logs::ResourcePolicy":
        stores = logs_stores(after.get("PolicyDocument"), every[0])
    else:
        given = after.get(attaching.stores, attaching.default or None)
        stores = [s for s in (given if isinstance(given, list) else [given])
                  if isinstance(s, str) and s and s != _KNOWN_AFTER]  # fmt: skip
    found: list[Effect] = []
    for store in stores:
        try:
            native = resolve_call(service, operation, native_params(type_name, store))
        except InputError:
            continue
        hinted = call_target(native, effect.target)
        for resource in resources_of(native, where_of(hinted))[0]:
            found.append(replace(effect, effect=EffectKind.UPDATE, resource=resource,
                                 removes_protection=True, detail=why))  # fmt: skip
    return found


def _properties(context: Any) -> Mapping[str, Any] | None:
    """The properties a change's ``AfterContext`` holds (JSON text, under ``Properties``)."""
    if isinstance(context, str):
        try:
            context = json.loads(context)
        except (ValueError, RecursionError):
            return None
    if not isinstance(context, Mapping):
        return None
    inner = context.get("Properties")
    return inner if isinstance(inner, Mapping) else context
