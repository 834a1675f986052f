"""A Cloud Control ``UpdateResource`` patch that opens a store to the world: JSON Patch
operations on a resource's properties, as the CloudFormation resource schemas name them. Read
for the AWS call (``aws cloudcontrol update-resource``, boto3, CloudTrail:
:mod:`keyturn.understand.aws.public_exposure`) and for the Cloud Control MCP server's
``update_resource`` (:mod:`._mcp_cloud_control`) alike.

A bucket's public access block weakened or taken away or a public ``AccessControl``, a database
made ``PubliclyAccessible``, are read by :mod:`keyturn.understand.cloudformation_exposure` as a
change set's change is; a bucket policy letting anyone in as ``PutBucketPolicy``'s is
(:func:`~keyturn.understand.aws.public_exposure.public_statement`). A value the patch does not
show (``remove``, ``move``, ``copy``) counts as opening: what it becomes is not known; a watched
property moved elsewhere is taken away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["BUCKET_POLICY", "patch_exposure"]

BUCKET_POLICY = "AWS::S3::BucketPolicy"
# The properties of each type a patch may open the store through (the rest never does).
_WATCHED = {
    "AWS::S3::Bucket": frozenset({"PublicAccessBlockConfiguration", "AccessControl"}),
    "AWS::RDS::DBInstance": frozenset({"PubliclyAccessible"}),
    "AWS::RDS::DBCluster": frozenset({"PubliclyAccessible"}),
    BUCKET_POLICY: frozenset({"PolicyDocument"}),
}
_UNSHOWN = "its new value not shown: it may open the store to the world"


def _pointer(path: str) -> list[str]:
    """A JSON Pointer's tokens (RFC 6901: ``~1`` is ``/``, ``~0`` is ``~``)."""
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]


def patch_exposure(type_name: str, operations: list[Any]) -> str | None:
    """Why a Cloud Control patch (already a list) of a ``type_name`` resource opens it to the
    world, or may; None when no operation touches what opens it. An operation that cannot be
    read counts as opening a watched type (fail closed)."""
    watched = _WATCHED.get(type_name)
    if watched is None:
        return _access_patch(operations)
    for operation in operations:
        why = _operation_exposure(type_name, watched, operation)
        if why is not None:
            return why
    return None


# A property of a type read nowhere above whose name says it governs who may reach the
# resource (a KMS ``KeyPolicy``, an ECR ``RepositoryPolicyText``, a Lambda URL's ``AuthType``, a
# Redshift cluster's ``PubliclyAccessible``...): what its new value opens is not read here.
_ACCESS = re.compile(r"(?i)polic|public|access|acl|auth|principal|permission|grant")


def _access_patch(operations: list[Any]) -> str | None:
    """Why a patch of a type :data:`_WATCHED` does not know may open it: an operation on a
    property that governs access, or the whole document (None: tags, sizes and the like)."""
    for operation in operations:
        path = operation.get("path") if isinstance(operation, Mapping) else None
        source = operation.get("from") if isinstance(operation, Mapping) else None
        for pointer in (path, source):
            if not isinstance(pointer, str):
                continue
            tokens = _pointer(pointer)
            if not tokens or tokens == [""] or _ACCESS.search(tokens[0]):
                return f"{pointer} changed: who may reach it is not read here: it may be anyone"
        if not isinstance(path, str):
            return "a patch operation without a path: it may open the resource to the world"
    return None


def _operation_exposure(type_name: str, watched: frozenset[str], operation: Any) -> str | None:
    if not isinstance(operation, Mapping):
        return "a patch operation not read: it may open the store to the world"
    op, path = operation.get("op"), operation.get("path")
    if not isinstance(op, str) or not isinstance(path, str):
        return "a patch operation without op or path: it may open the store to the world"
    if op == "test":
        return None
    source = operation.get("from")
    moved = _pointer(source) if op == "move" and isinstance(source, str) else []
    if moved and moved[0] in watched:  # moved away: the property is taken off the resource
        return f"{source} moved to {path}: taken away, it may open the store to the world"
    tokens = _pointer(path)
    shown = op in ("add", "replace")
    value = operation.get("value") if shown else None
    if not tokens or tokens == [""]:  # the whole document replaced (or removed)
        return _document_exposure(type_name, value) if shown else f"properties {op}d, {_UNSHOWN}"
    prop = tokens[0]
    if prop not in watched:
        return None
    if not shown:
        return f"{path} ({op}): {_UNSHOWN}"
    if type_name == BUCKET_POLICY:
        return _policy_exposure(value) if len(tokens) == 1 else f"{path} changed: {_UNSHOWN}"
    from keyturn.understand.cloudformation_exposure import change_exposure

    return change_exposure(type_name, [(prop, "/Properties" + path, None, value)])


def _document_exposure(type_name: str, document: Any) -> str | None:
    """A patch that replaces the whole properties document."""
    if not isinstance(document, Mapping):
        return f"properties replaced by a value not read: {_UNSHOWN}"
    if type_name == BUCKET_POLICY:
        return _policy_exposure(document.get("PolicyDocument"))
    # Over a resource that exists, a watched property left out is taken away (a new bucket's
    # default, every flag on, does not apply to one being updated).
    missing = sorted(_WATCHED[type_name].difference(document, {"AccessControl"}))
    if missing:
        return f"properties replaced without {', '.join(missing)}: {_UNSHOWN}"
    from keyturn.understand.cloudformation_exposure import template_exposure

    return template_exposure(type_name, document, lambda _: "*")


def _policy_exposure(document: Any) -> str | None:
    """A bucket policy document, read as ``PutBucketPolicy``'s (one not read may let anyone
    in)."""
    from keyturn.understand.aws.public_exposure import public_statement

    if not isinstance(document, Mapping | str):
        return "a bucket policy not read: it may let anyone in"
    why = public_statement(document)
    if why is None and not _readable(document):
        return "a bucket policy not read: it may let anyone in"
    return why


def _readable(document: Any) -> bool:
    if isinstance(document, Mapping):
        return True
    try:
        return isinstance(json.loads(document), Mapping)
    except (ValueError, RecursionError):
        return False
