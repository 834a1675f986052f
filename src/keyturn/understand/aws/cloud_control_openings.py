"""A Cloud Control ``CreateResource`` that opens a store which already exists.

Cloud Control makes a resource from its CloudFormation type and properties (``DesiredState``,
JSON text). Some types are not stores of their own but attach access to one: a bucket's policy
(``AWS::S3::BucketPolicy``, its ``Bucket``), a Lambda permission (``AWS::Lambda::Permission``,
its ``FunctionName``), SNS topic and SQS queue policies (their ``Topics``/``Queues``), a
secret's resource policy (``AWS::SecretsManager::ResourcePolicy``, its ``SecretId``), an access
point on a bucket (``AWS::S3::AccessPoint``, its ``Bucket``: another name for the bucket its
protection does not cover, as ``s3control create-access-point`` is judged); and a database made
public from another's data (``AWS::RDS::DBInstance``/``DBCluster`` from a snapshot, a replica
or a point in time) opens that data. Each store opened is an ``update`` of it that removes its
protection, named as the service's own call names it (``s3 put-bucket-policy``, ``lambda
add-permission``...), beside the create of the new resource -- which the create only names by
its type, so a protected bucket was not seen at all.

What opens is read as a CloudFormation template's resource is
(:mod:`keyturn.understand.cloudformation_exposure`: a policy statement for ``Principal: *`` not
held to known callers, a policy that cannot be read counting as one; a bucket's public access
block or ACL, a database ``PubliclyAccessible``; a restored database's sources), and a Lambda
permission as ``lambda add-permission`` is (:mod:`.public_exposure`). A ``DesiredState`` that
is not a JSON object is refused by the API and opens nothing.
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
from keyturn.understand.aws.lambda_code import through_qualifiers
from keyturn.understand.aws.resolved_call import AwsCall, call_effect, resolve_call

__all__ = ["desired_exposure", "desired_state", "opened_stores"]

_CREATE = "cloudcontrol:CreateResource"
_ACCESS_POINT = "AWS::S3::AccessPoint"
_PERMISSION = "AWS::Lambda::Permission"
# The policy types: (the property holding the document, the property naming the stores it is
# on, the native call that sets such a policy and the parameter it names a store by).
_POLICIES: dict[str, tuple[str, str, str, str, str]] = {
    "AWS::S3::BucketPolicy": ("PolicyDocument", "Bucket", "s3", "PutBucketPolicy", "Bucket"),
    "AWS::SNS::TopicPolicy": (
        "PolicyDocument",
        "Topics",
        "sns",
        "SetTopicAttributes",
        "TopicArn",
    ),
    "AWS::SQS::QueuePolicy": (
        "PolicyDocument",
        "Queues",
        "sqs",
        "SetQueueAttributes",
        "QueueUrl",
    ),
    "AWS::SecretsManager::ResourcePolicy": (
        "ResourcePolicy",
        "SecretId",
        "secretsmanager",
        "PutResourcePolicy",
        "SecretId",
    ),
    _ACCESS_POINT: ("Policy", "Bucket", "s3", "PutBucketPolicy", "Bucket"),
}
# The types whose own properties may open them (a new store: the create is marked only).
_OWN = frozenset({"AWS::S3::Bucket", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"})
# Lambda permission properties that hold a ``Principal: *`` to known callers.
_HOLDERS = ("SourceArn", "SourceAccount", "PrincipalOrgID")


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
    from keyturn.understand.aws.public_exposure import lambda_permission
    from keyturn.understand.cloudformation_exposure import public_statement, template_exposure

    given = desired_state(params)
    if given is None:
        return None
    type_name, state = given
    if type_name in _OWN:
        return template_exposure(type_name, state, _unknown)
    if type_name == _PERMISSION:
        return lambda_permission(state, _HOLDERS)
    policy = _POLICIES.get(type_name)
    if policy is None:
        return None
    if type_name == _ACCESS_POINT and policy[0] not in state:
        return None  # an access point without a policy lets in only whom the bucket's does
    return public_statement(state.get(policy[0]), _unknown)


def opened_stores(call: AwsCall, target: Target) -> list[Effect]:
    """The stores that already exist a ``CreateResource`` opens: an ``update`` of each that
    removes its protection (``[]`` for another call, or one that opens nothing)."""
    given = desired_state(call.params) if call.qualified == _CREATE else None
    if given is None:
        return []
    type_name, state = given
    if type_name in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
        return _restored_sources(call, target, type_name, state)
    if type_name not in _POLICIES and type_name != _PERMISSION:
        return []  # a store of its own (the create is marked), or no store at all
    why = desired_exposure(call.params)
    if type_name == _ACCESS_POINT:
        another = "gives the bucket another name (an access point) its protection does not cover"
        why = f"{another}; opened to the world: {why}" if why else another
    elif why is None:
        return []
    else:
        why = f"opened to the world: {why}"
    found: list[Effect] = []
    for service, operation, member, store in _stores(type_name, state):
        try:
            native = resolve_call(service, operation, {member: store})
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
    return through_qualifiers(found) if type_name == _PERMISSION else found


def _stores(type_name: str, state: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """``(service, operation, member, store)`` for each store the resource attaches access to:
    the service's own call that names it, by its parameter."""
    if type_name == _PERMISSION:
        service, operation, member = "lambda", "AddPermission", "FunctionName"
        stores = state.get("FunctionName")
    else:
        _, prop, service, operation, member = _POLICIES[type_name]
        stores = state.get(prop)
    listed = stores if isinstance(stores, list) else [stores]
    return [(service, operation, member, s) for s in listed if isinstance(s, str) and s]


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
