"""MCP tool calls that open a store to the world, judged as the command lines and API calls
that do the same are: as removing the store's protection (``removes_protection``, the effect's
kind kept), refused on a protected store and judged as the update it is elsewhere
(docs/security.md, "Opening a store to the world removes its protection").

A tool that is an ``aws`` or ``gcloud`` command line (``call_aws``, ``run_gcloud_command``) is
judged by the shell's reading of that line, which applies the same rules already. The tools
mapped on their own read their arguments here, with the rules of the surface they mirror:

- the Azure MCP server's commands take ``az``'s options by name (``allow-blob-public-access``,
  ``public-network-access``, ``default-action``, ``public-access``...): read by
  :func:`~keyturn.understand.shell.commands._az_public.exposed`, as ``az`` is
  (:func:`azure_opening`);
- a Cloud Control ``UpdateResource`` patch (JSON Patch operations on a resource's properties,
  as the CloudFormation resource schemas name them): a bucket's public access block weakened
  or taken away or a public ``AccessControl``, a database made ``PubliclyAccessible``, read by
  :mod:`keyturn.understand.cloudformation_exposure` as a change set's change is; a bucket
  policy letting anyone in, read as ``PutBucketPolicy``'s is
  (:func:`~keyturn.understand.aws.public_exposure.public_statement`)
  (:func:`patch_exposure`). A value the patch does not show (``remove``, ``move``, ``copy``)
  counts as opening: what it becomes is not known; a watched property moved elsewhere is taken
  away.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind

__all__ = ["BUCKET_POLICY", "azure_opening", "exposing", "patch_exposure"]

BUCKET_POLICY = "AWS::S3::BucketPolicy"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# The properties of each type a patch may open the store through (the rest never does).
_WATCHED = {
    "AWS::S3::Bucket": frozenset({"PublicAccessBlockConfiguration", "AccessControl"}),
    "AWS::RDS::DBInstance": frozenset({"PubliclyAccessible"}),
    "AWS::RDS::DBCluster": frozenset({"PubliclyAccessible"}),
    BUCKET_POLICY: frozenset({"PolicyDocument"}),
}
_UNSHOWN = "its new value not shown: it may open the store to the world"


def exposing(effects: list[Effect], why: str) -> list[Effect]:
    """``effects`` (but reads and unknowns) as opening their store: protection removed."""
    return [
        replace(e, removes_protection=True, detail="; ".join(d for d in (e.detail, why) if d))
        if e.effect not in (EffectKind.READ, EffectKind.UNKNOWN)
        else e
        for e in effects
    ]


# -- Azure -------------------------------------------------------------------------------------


def _option(key: str) -> str:
    """A parameter's name as ``az`` spells the option: ``allowBlobPublicAccess`` and
    ``allow_blob_public_access`` are ``--allow-blob-public-access``."""
    return "--" + _CAMEL.sub("-", key).replace("_", "-").lower()


def _word(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    return None


def azure_opening(command: str, params: Mapping[str, Any]) -> str | None:
    """Why an Azure MCP command (``storage_account_create``) with ``params`` opens what it
    names to the world, read as the ``az`` line giving the same options would be; None when
    it does not. Without the shell's ``az`` reader nothing is read: None (the command keeps
    its own judgement)."""
    try:
        from keyturn.understand.shell.commands._az_public import exposed
    except ImportError:  # a build without shell understanding
        return None
    args = [
        f"{_option(str(key))}={word}"
        for key, value in params.items()
        if (word := _word(value)) is not None
    ]
    group, _, verb = command.replace("_", " ").rpartition(" ")
    return exposed(group.split(), verb, args)


# -- Cloud Control patches ---------------------------------------------------------------------


def _pointer(path: str) -> list[str]:
    """A JSON Pointer's tokens (RFC 6901: ``~1`` is ``/``, ``~0`` is ``~``)."""
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]


def patch_exposure(type_name: str, operations: list[Any]) -> str | None:
    """Why a Cloud Control patch (already a list) of a ``type_name`` resource opens it to the
    world, or may; None when no operation touches what opens it. An operation that cannot be
    read counts as opening a watched type (fail closed)."""
    watched = _WATCHED.get(type_name)
    if watched is None:
        return None
    for operation in operations:
        why = _operation_exposure(type_name, watched, operation)
        if why is not None:
            return why
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
