"""Built-in meaning of the AWS Cloud Control API MCP server's ``update_resource`` (and of the
``create_resource`` that carries its properties): the Cloud Control ``UpdateResource`` call it
makes, understood as that AWS API call is (:func:`keyturn.understand.aws.aws_effects`: the
resource named by its type and identifier, a protection or lifecycle the patch changes), and
judged as removing the store's protection when the patch opens it to the world
(:func:`~._mcp_exposure.patch_exposure`).

Source: ``awslabs/mcp`` ``src/ccapi-mcp-server`` (PyPI ``awslabs.ccapi-mcp-server`` 1.0.18, its
last release, yanked as superseded by ``awslabs.aws-iac-mcp-server`` but still run where
pinned), ``server.py`` and ``impl/tools/resource_operations.py``: ``update_resource`` takes
``resource_type``, ``identifier``, ``patch_document`` (a list of JSON Patch operations) and
``region`` (besides the workflow's tokens), and sends ``UpdateResource(TypeName=resource_type,
Identifier=identifier, PatchDocument=json.dumps(patch_document))`` as given.

The ccapi server's ``create_resource`` sends the properties the server keeps under its
``explained_token`` ("no manual override possible"; the token is required), which the call does
not carry: what it creates, and whether it is open to the world, cannot be read from the call,
so it stays ``unknown`` -- also when it is given ``properties`` besides, which that server
ignores. Its predecessor, ``awslabs.cfn-mcp-server`` (``src/cfn-mcp-server/server.py``, same
``update_resource``), takes ``create_resource(resource_type, properties, region)`` and sends
``CreateResource(TypeName=resource_type, DesiredState=json.dumps(properties))``: a call with
``properties`` is that one (:data:`CFN_MCP`), understood as the AWS call is (the store a
bucket policy, a Lambda permission, a topic or queue policy... opens:
:mod:`keyturn.understand.aws.cloud_control_openings`). The servers' other tools stay
``unknown``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from keyturn.errors import InputError
from keyturn.model import EffectKind, Target
from keyturn.understand._mcp_exposure import exposing
from keyturn.understand._mcp_family import (
    BuiltinEffects,
    ServerFamily,
    missing_argument,
    own_effects,
    structured,
)
from keyturn.understand.aws_names import s3_bucket_names
from keyturn.understand.cloud_control_exposure import BUCKET_POLICY, patch_exposure

if TYPE_CHECKING:
    from keyturn.understand.mcp import McpCall

__all__ = ["CFN_MCP", "CLOUD_CONTROL"]


def _update_resource(call: McpCall) -> BuiltinEffects:
    """``update_resource``: Cloud Control's ``UpdateResource`` with the patch as given; a patch
    that is not a list of operations is not what the server sends (pydantic refuses it), and
    is not read: ``unknown``."""
    type_name, identifier = call.text_arg("resource_type"), call.text_arg("identifier")
    patch = structured(call.arg("patch_document"))
    if type_name is None or identifier is None or not isinstance(patch, list) or not patch:
        return missing_argument(call, EffectKind.UPDATE, "resource_type", "identifier", "patch")
    try:
        from keyturn.understand.aws import aws_effects
    except ImportError:  # a build without AWS understanding
        return own_effects(call.unknown("AWS understanding is not in this build"))
    region = call.text_arg("region")
    target = Target(aws_region=region).merged_over(call.target) if region else call.target
    params = {"TypeName": type_name, "Identifier": identifier, "PatchDocument": json.dumps(patch)}
    try:
        effects = call.adopt(aws_effects("cloudcontrol", "UpdateResource", params, target=target))
    except InputError as exc:
        return own_effects(call.unknown(f"UpdateResource not understood: {exc.message}"))
    why = patch_exposure(type_name, patch)
    if why is None:
        return own_effects(*effects)
    note = f"removes protection: opened to the world: {why}"
    if type_name == BUCKET_POLICY:
        # A bucket policy's identifier is its bucket (the schema's primary identifier): the
        # bucket is what the policy opens.
        bucket = s3_bucket_names(identifier)
        effects.append(
            call.effect(
                EffectKind.UPDATE,
                bucket,
                type_="AWS::S3::Bucket",
                service="cloudcontrol",
                target=target,
            )
        )
    return own_effects(*exposing(effects, note))


def _create_resource(call: McpCall) -> BuiltinEffects:
    """The cfn server's ``create_resource``: Cloud Control's ``CreateResource`` with the
    ``properties`` as ``DesiredState``. One given an ``explained_token`` is the ccapi server's
    form, whose properties are held by the server: ``unknown``."""
    if call.arg("explained_token") is not None:
        return own_effects(call.unknown("its properties are held by the server: not read"))
    type_name = call.text_arg("resource_type")
    properties = structured(call.arg("properties"))
    if type_name is None or not isinstance(properties, dict) or not properties:
        return missing_argument(call, EffectKind.CREATE, "resource_type", "properties")
    try:
        from keyturn.understand.aws import aws_effects
    except ImportError:  # a build without AWS understanding
        return own_effects(call.unknown("AWS understanding is not in this build"))
    region = call.text_arg("region")
    target = Target(aws_region=region).merged_over(call.target) if region else call.target
    params = {"TypeName": type_name, "DesiredState": json.dumps(properties)}
    try:
        effects = aws_effects("cloudcontrol", "CreateResource", params, target=target)
    except InputError as exc:
        return own_effects(call.unknown(f"CreateResource not understood: {exc.message}"))
    return own_effects(*call.adopt(effects))


CLOUD_CONTROL = ServerFamily(
    "cloudcontrol",
    ("*ccapi*", "*cloud-control*", "*cloudcontrol*"),
    {"update_resource": _update_resource},
)
# ``awslabs.cfn-mcp-server``: the same ``update_resource``, and a ``create_resource`` that
# carries its properties. A family of its own, so that the ccapi server's ``create_resource``
# (never readable) stays ``unknown`` even when probed.
CFN_MCP = ServerFamily(
    "cfn",
    ("*cfn-mcp*",),
    {"update_resource": _update_resource, "create_resource": _create_resource},
)
