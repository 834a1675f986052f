"""A Cloud Control ``CreateResource`` that opens a store which already exists.

Cloud Control makes a resource from its CloudFormation type and properties (``DesiredState``,
JSON text). Some types are not stores of their own but attach access to one
(:mod:`.cloud_control_attached` lists them: a bucket's policy, a Lambda permission, SNS topic
and SQS queue policies, an event bus's statement, a layer version's permission...; an access
point on a bucket, ``AWS::S3::AccessPoint``, is another name for the bucket its protection
does not cover, as ``s3control create-access-point`` is judged); and a database made public
from another's data (``AWS::RDS::DBInstance``/``DBCluster`` from a snapshot, a replica or a
point in time) opens that data. Each store opened is an ``update`` of it that removes its
protection, named as the service's own call names it (``s3 put-bucket-policy``, ``lambda
add-permission``...), beside the create of the new resource -- which the create only names by
its type, so a protected bucket was not seen at all. An Object Lambda or Multi-Region access
point's policy opens buckets the call does not name: ``unknown`` on every bucket, as the
native calls are (:mod:`.access_points`).

What opens is read as a CloudFormation template's resource is
(:mod:`keyturn.understand.cloudformation_exposure`: a policy statement for ``Principal: *`` not
held to known callers, a policy that cannot be read counting as one; a bucket's public access
block or ACL, a database ``PubliclyAccessible``; a restored database's sources), and a Lambda
permission as ``lambda add-permission`` is (:mod:`.public_exposure`). A ``DesiredState`` that
is JSON but no object is refused by the API and opens nothing; one that is not JSON at all --
the text of a value decided at run time (``--desired-state "$X"``) -- may name any store of
its type: ``unknown`` on every one, by a wide name (``arn:aws:s3:::*``), so that a protected
one is held for a human rather than passed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.call_hints import call_target, where_of
from keyturn.understand.aws.call_resources import resources_of, s3_resource
from keyturn.understand.aws.cloud_control_attached import (
    ACCESS_POINT,
    ATTACHING,
    Attaching,
    logs_stores,
    native_params,
)
from keyturn.understand.aws.lambda_code import through_qualifiers
from keyturn.understand.aws.resolved_call import AwsCall, call_effect, resolve_call

__all__ = ["desired_exposure", "desired_state", "opened_stores"]

_CREATE = "cloudcontrol:CreateResource"
_DATABASES = ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster")
# The types whose own properties may open them (a new store: the create is marked only).
_OWN = frozenset({"AWS::S3::Bucket", *_DATABASES})
# The data a database may be made from, by wide names: every snapshot, instance and cluster.
_EVERY_SOURCE = tuple(
    f"arn:aws:rds:{{region}}:{{account}}:{kind}:*"
    for kind in ("snapshot", "cluster-snapshot", "db", "cluster")
)
_EVERY_BUCKET = ("arn:aws:s3:::*", "s3://*")
_BUCKET_TYPE = "s3-bucket"


def _unknown(_: Any) -> str:
    return "*"  # a value Cloud Control cannot resolve: no template functions, never trusted


def desired_state(params: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    """``(TypeName, the properties)`` of a ``CreateResource``, or None when the call does not
    give them as an object (JSON text, or parsed as boto3 and the shell may give it)."""
    type_name, state = params.get("TypeName"), params.get("DesiredState")
    if isinstance(state, str):
        try:
            state = json.loads(state)
        except (ValueError, RecursionError):
            return None
    if not isinstance(type_name, str) or not isinstance(state, Mapping):
        return None
    return type_name, state


def desired_exposure(params: Mapping[str, Any]) -> str | None:
    """Why a ``CreateResource`` opens a store to the world (the one it makes, or one it attaches
    access to), or None."""
    from keyturn.understand.cloudformation_exposure import template_exposure

    given = desired_state(params)
    if given is None:
        return None
    type_name, state = given
    if type_name in _OWN:
        return template_exposure(type_name, state, _unknown)
    attaching = ATTACHING.get(type_name)
    return attaching.opens(state) if attaching is not None else None


def opened_stores(call: AwsCall, target: Target) -> list[Effect]:
    """The stores that already exist a ``CreateResource`` opens: an ``update`` of each that
    removes its protection, ``unknown`` where they are not named (``[]`` for another call, or
    one that opens nothing)."""
    if call.qualified != _CREATE:
        return []
    given = desired_state(call.params)
    if given is None:
        return _not_read(call, target)
    type_name, state = given
    if type_name in _DATABASES:
        return _restored_sources(call, target, type_name, state)
    attaching = ATTACHING.get(type_name)
    if attaching is None:
        return []  # a store of its own (the create is marked), or no store at all
    why = attaching.opens(state)
    if type_name == ACCESS_POINT:
        another = "gives the bucket another name (an access point) its protection does not cover"
        why = f"{another}; opened to the world: {why}" if why else another
    elif why is None:
        return []
    else:
        why = f"opened to the world: {why}"
    if not attaching.call[0]:
        return _behind_access_point(call, target, type_name, state, why)
    found: list[Effect] = []
    service, operation, _ = attaching.call
    for store in _stores(type_name, attaching, state, target):
        try:
            native = resolve_call(service, operation, native_params(type_name, store))
        except InputError:  # a value the service's model does not take: nothing named by it
            continue
        hinted = call_target(native, target)
        named, _ = resources_of(native, where_of(hinted))
        if service == "s3" and not named:
            named = [s3_resource(store, None)]
        note = f"removes protection: {why} (Cloud Control {type_name})"
        found += [
            call_effect(call, EffectKind.UPDATE, r, hinted, [note], removes=True) for r in named
        ]
    return through_qualifiers(found) if service == "lambda" else found


def _stores(
    type_name: str, attaching: Attaching, state: Mapping[str, Any], target: Target
) -> list[str]:
    """Each store the resource attaches access to, as its properties name it."""
    if type_name == "AWS::Logs::ResourcePolicy":
        return logs_stores(state.get("PolicyDocument"), _every(attaching, target)[0])
    stores = state.get(attaching.stores, attaching.default or None)
    listed = stores if isinstance(stores, list) else [stores]
    return [s for s in listed if isinstance(s, str) and s]


def _every(attaching: Attaching | tuple[str, ...], target: Target) -> tuple[str, ...]:
    """Every store of a kind, by its wide names, in the call's region and account."""
    where = where_of(target)
    names = attaching.every if isinstance(attaching, Attaching) else attaching
    return tuple(n.format(region=where.region, account=where.account) for n in names)


def _behind_access_point(
    call: AwsCall, target: Target, type_name: str, state: Mapping[str, Any], why: str
) -> list[Effect]:
    """An Object Lambda or Multi-Region access point's policy: the access point (an Object
    Lambda one, by its ARN) and ``unknown`` on the buckets it may front, which the call does
    not name -- as :func:`.access_points.policy_exposure` judges the native calls."""
    found: list[Effect] = []
    name = state.get("ObjectLambdaAccessPoint")
    if isinstance(name, str) and name:
        where = where_of(target)
        arn = f"arn:aws:s3-object-lambda:{where.region}:{where.account}:accesspoint/{name}"
        note = f"removes protection: {why}: the access point is open to anyone"
        point = Resource(names=(arn,), type="s3-access-point")
        found.append(call_effect(call, EffectKind.UPDATE, point, target, [note], removes=True))
    buckets = Resource(names=_EVERY_BUCKET, type=_BUCKET_TYPE)
    note = (
        f"{why} (Cloud Control {type_name}): the buckets behind the access point are not in"
        " the call: any bucket may be opened"
    )
    found.append(call_effect(call, EffectKind.UNKNOWN, buckets, target, [note]))
    return found


def _not_read(call: AwsCall, target: Target) -> list[Effect]:
    """A ``DesiredState`` that is not JSON (``--desired-state "$X"``: its text decided at run
    time) for a type that attaches access to stores, or makes a database from another's data:
    ``unknown`` on every store of the kind (``[]`` for another type, or properties that are
    JSON but no object, which the API refuses)."""
    type_name, state = call.params.get("TypeName"), call.params.get("DesiredState")
    if not isinstance(type_name, str) or not isinstance(state, str):
        return []
    try:
        json.loads(state)
    except (ValueError, RecursionError):
        pass
    else:
        return []
    attaching = ATTACHING.get(type_name)
    if attaching is None and type_name not in _DATABASES:
        return []
    every = _every(attaching if attaching is not None else _EVERY_SOURCE, target)
    kind = _BUCKET_TYPE if every == _EVERY_BUCKET else ""
    note = (
        f"the properties of the Cloud Control {type_name} are not read (decided at run time):"
        " it may open any of these to the world"
    )
    return [call_effect(call, EffectKind.UNKNOWN, Resource(names=every, type=kind), target, [note])]


def _restored_sources(
    call: AwsCall, target: Target, type_name: str, state: Mapping[str, Any]
) -> list[Effect]:
    """A database made publicly accessible from another's data: each source's ``update`` that
    removes its protection (``unknown`` where the source is not named as policies name it),
    as a change set's ``Add`` of it is read."""
    from keyturn.understand.cloudformation_exposure import restored_exposure

    own = call_effect(
        call, EffectKind.CREATE, Resource(names=(f"cloudcontrol:{type_name}",)), target, []
    )
    change = {"ResourceType": type_name, "Action": "Add", "AfterContext": state}
    sources = restored_exposure(change, [own])[1:]
    return [replace(e, detail=f"{e.detail} (Cloud Control {type_name})") for e in sources]
