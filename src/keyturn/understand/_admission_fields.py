"""Reading an AdmissionReview's request: the envelope, and each field the understanding needs.

Split out of :mod:`keyturn.understand.kubernetes` so that module holds what a request *means*
(effects and names) while this one holds how its fields are read and checked -- every shape
the API server (or a policy test suite) sends, and the :class:`~keyturn.errors.InputError` for
what is no admission request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from keyturn.errors import InputError
from keyturn.understand.k8s_kinds import normalize_kind

_API_VERSIONS = frozenset({"admission.k8s.io/v1", "admission.k8s.io/v1beta1"})
# A kind as the API spells it: a DNS-1035 label once lower-cased (what a CRD's kind must be).
_KIND_NAME = re.compile(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?")


def _decode(text: str | bytes, source: str) -> Any:
    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise InputError(f"{source}: not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{source}: JSON nested too deeply; refusing it") from None


def _request(review: Any, source: str) -> Mapping[str, Any]:
    """The request object, from an AdmissionReview envelope or a bare AdmissionRequest."""
    if not isinstance(review, dict):
        raise InputError(f"{source}: expected an AdmissionReview object")
    if "request" not in review and "apiVersion" not in review and "uid" in review:
        request: Any = review  # a bare AdmissionRequest
    else:
        api_version, kind = review.get("apiVersion"), review.get("kind")
        if not isinstance(api_version, str) or api_version not in _API_VERSIONS:
            raise InputError(
                f"{source}: apiVersion: expected admission.k8s.io/v1, got {api_version!r}"
            )
        if kind != "AdmissionReview":
            raise InputError(f"{source}: kind: expected AdmissionReview, got {kind!r}")
        request = review.get("request")
        if request is None:
            raise InputError(f"{source}: request: missing (is this a response?)")
    if not isinstance(request, dict):
        raise InputError(f"{source}: request: expected an object")
    _string(request, "uid", source, required=True)
    return request


def _string(request: Mapping[str, Any], key: str, source: str, *, required: bool = False) -> str:
    value = request.get(key)
    if value is None or value == "":
        if required:
            raise InputError(f"{source}: request.{key}: missing")
        return ""
    if not isinstance(value, str):
        raise InputError(f"{source}: request.{key}: expected a string")
    return value


def _kind(request: Mapping[str, Any], source: str) -> tuple[str, str]:
    """The object's kind (lower-case singular) and the subresource, if any."""
    subresource = _string(request, "subResource", source)
    given = _kind_word(request, source)
    resource = request.get("resource")
    plural = resource.get("resource") if isinstance(resource, dict) else None
    if isinstance(plural, str) and plural and (subresource or not given):
        # On a subresource ``kind`` is the subresource's (Scale, Eviction): name the parent,
        # from its plural (``prometheuses`` -> ``prometheus``).
        kind = normalize_kind(plural)
        if not _KIND_NAME.fullmatch(kind):
            raise InputError(
                f"{source}: request.resource.resource: not a resource name: {_cut(plural)}"
            )
        return kind, subresource
    if not given:
        raise InputError(f"{source}: request.kind.kind: missing")
    return given, subresource


def _kind_word(request: Mapping[str, Any], source: str) -> str:
    """``request.kind.kind`` lower-cased as it is -- the API's kind is singular already
    (``Prometheus``, ``Redis``), so no "s" is taken off -- or "" when there is none. A kind
    that is no kind name (blank, dotted, not a string) is bad input, not an empty kind."""
    kind = request.get("kind")
    word = kind.get("kind") if isinstance(kind, dict) else None
    if word is None:
        return ""
    lowered = word.lower() if isinstance(word, str) else ""
    if not _KIND_NAME.fullmatch(lowered):
        raise InputError(f"{source}: request.kind.kind: not a kind name: {_cut(word)}")
    return lowered


def _cut(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _metadata(request: Mapping[str, Any], key: str) -> str:
    for field in ("object", "oldObject"):
        obj = request.get(field)
        metadata = obj.get("metadata") if isinstance(obj, dict) else None
        value = metadata.get(key) if isinstance(metadata, dict) else None
        if isinstance(value, str) and value:
            return value
    return ""


def _deletes_collection(request: Mapping[str, Any], operation: str, source: str) -> bool:
    """Whether the request deletes a whole collection: a DELETE naming no object (nor carrying
    one being deleted) on no subresource."""
    if operation != "DELETE" or _string(request, "subResource", source):
        return False
    return not (_string(request, "name", source) or _metadata(request, "name"))


def _collection_item(request: Mapping[str, Any]) -> bool:
    """Whether the request is the API server's check of one object of a deletecollection: a
    DELETE with no name of its own (the collection's attributes) carrying the object being
    deleted (``oldObject``). A single object's DELETE always names it. (Its fields' types are
    checked by then.)"""
    if request.get("operation") != "DELETE" or request.get("subResource"):
        return False
    return not request.get("name") and bool(_metadata(request, "name"))


def _name(request: Mapping[str, Any], source: str) -> str:
    name = _string(request, "name", source) or _metadata(request, "name")
    if name:
        return name
    generate = _metadata(request, "generateName")
    if generate:
        return generate + "*"
    raise InputError(f"{source}: request.name: missing, and the object has no metadata.name")


def _dry(request: Mapping[str, Any]) -> bool:
    return request.get("dryRun") is True


def _user(request: Mapping[str, Any]) -> str:
    info = request.get("userInfo")
    user = info.get("username") if isinstance(info, dict) else None
    return user if isinstance(user, str) else ""


def _resource_word(request: Mapping[str, Any]) -> str:
    resource = request.get("resource")
    word = resource.get("resource") if isinstance(resource, dict) else None
    sub = request.get("subResource")
    if not isinstance(word, str):
        return ""
    return f"{word}/{sub}" if isinstance(sub, str) and sub else word


def _group(request: Mapping[str, Any]) -> str:
    """The object's API group: the resource's (the parent's, on a subresource), else the
    kind's, else the object's ``apiVersion``."""
    for field in ("resource", "kind"):
        part = request.get(field)
        group = part.get("group") if isinstance(part, dict) else None
        if isinstance(group, str) and group:
            return group
    for field in ("oldObject", "object"):
        obj = request.get(field)
        version = obj.get("apiVersion") if isinstance(obj, dict) else None
        if isinstance(version, str) and "/" in version:
            return version.split("/", 1)[0]
    return ""
