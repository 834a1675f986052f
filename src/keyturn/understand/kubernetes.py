"""Kubernetes ``AdmissionReview`` (``admission.k8s.io/v1``) -> Action.

One admission request is one effect on one object, named ``k8s:<ns>/<kind>/<name>`` (or
``k8s:<kind>/<name>`` when cluster-scoped; BRIEF §4.2):

- CREATE -> create, UPDATE -> update, DELETE -> delete; ``dryRun`` -> read (changes nothing);
- CONNECT (``pods/exec``, ``attach``, ``portforward``, proxies) -> unknown: arbitrary execution;
- ``pods/eviction`` CREATE -> delete of the pod (that is what ``kubectl drain`` sends);
- ``*/scale`` (or any update) to 0 replicas -> update with the detail "scaled to 0";
- a PersistentVolume's reclaim policy taken off ``Retain`` -> update that removes protection;
- ``pods/ephemeralcontainers`` -> unknown (``kubectl debug``: arbitrary execution);
- deleting a Namespace -> delete of ``k8s:namespace/<n>`` also named ``k8s:<n>/*``;
- deleting a CustomResourceDefinition -> delete also named as every object of its kind
  (``k8s:*/<kind>/*``): they go with it;
- an UPDATE taking finalizers off an object being deleted -> delete: it forces the deletion
  through (the usual way to "unstick" a Terminating namespace);
- a DELETE without a name (the API server's deletecollection: ``kubectl delete pods --all``)
  -> delete of every object of the kind, ``k8s:<ns>/<kind>/*``, also named
  ``k8s:namespace/<ns>``: it empties (part of) the namespace, which a protected one refuses;
  so is each per-object request of a deletecollection (no ``name``, the object in
  ``oldObject``), named as that object too.

A bare ``AdmissionRequest`` (the ``request`` object without its envelope, as policy test suites
store them) is accepted too; ``admission.k8s.io/v1beta1`` has the same request shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target
from keyturn.understand.k8s_kinds import (
    collection_delete_names,
    custom_resource_names,
    is_cluster_scoped,
    normalize_kind,
    object_names,
)

__all__ = ["understand_admission"]

_API_VERSIONS = frozenset({"admission.k8s.io/v1", "admission.k8s.io/v1beta1"})
_OPERATIONS = {
    "CREATE": EffectKind.CREATE,
    "UPDATE": EffectKind.UPDATE,
    "DELETE": EffectKind.DELETE,
    "CONNECT": EffectKind.UNKNOWN,
}
# Metadata the API server changes on its own: not part of what is asked.
_VOLATILE_METADATA = ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation")
_NO_TARGET = Target()


def understand_admission(
    text: str | bytes, *, source: str = "review.json", target: Target = _NO_TARGET
) -> Action:
    """Understand one AdmissionReview request (the webhook's input).

    Raises :class:`keyturn.errors.InputError` for a wrong ``apiVersion``/``kind``, a missing
    ``request``, ``uid`` or ``operation``, or text that is not JSON.
    """
    request = _request(_decode(text, source), source)
    operation = _string(request, "operation", source, required=True)
    if operation not in _OPERATIONS:
        raise InputError(
            f"{source}: request.operation: expected CREATE, UPDATE, DELETE or CONNECT, "
            f"got {operation!r}"
        )
    kind, subresource = _kind(request, source)
    namespace = _string(request, "namespace", source) or _metadata(request, "namespace")
    collection = _deletes_collection(request, operation, source)
    name = "*" if collection else _name(request, source)
    effect_kind, meaning = _meaning(request, operation, kind, subresource, collection=collection)
    unscoped = "" if is_cluster_scoped(kind) else "*"
    if collection:
        # deletecollection: every object of the kind in the namespace (in every namespace
        # when none is given and the kind lives in namespaces).
        names = collection_delete_names(kind, namespace or unscoped)
    else:
        names = object_names("pod" if subresource == "eviction" else kind, name, namespace)
    if _collection_item(request, operation, source):
        # The API server asks about a deletecollection one object at a time, each request
        # with the collection's (empty) name: judged as the collection delete it is part of,
        # as ``kubectl delete <kind> --all`` is, so that a protected namespace refuses it.
        every = collection_delete_names(kind, _string(request, "namespace", source) or unscoped)
        names = tuple(dict.fromkeys(names + every))
        meaning += " (one object of a collection delete: judged as the whole collection)"
    if effect_kind is EffectKind.DELETE and kind == "customresourcedefinition":
        # Every custom resource of the kind goes with its definition (of every kind: "*").
        names += custom_resource_names(name, None if collection else request.get("oldObject"))
    user = _user(request)
    unprotects = _reclaim_unprotected(request) if effect_kind is EffectKind.UPDATE else None
    if unprotects:
        meaning += f"; protection removed: {unprotects}"
    detail = "; ".join(p for p in (meaning, f"by {user}" if user else "") if p)
    effect_target = (
        target if target.kube_namespace or not namespace else _with_ns(target, namespace)
    )
    effect = Effect(
        effect_kind,
        Resource(names, kind),
        effect_target,
        "k8s",
        operation=f"{operation} {_resource_word(request)}".strip(),
        removes_protection=unprotects is not None,
        detail=detail,
    )
    return Action(
        kind=ActionKind.K8S,
        summary=f"kubernetes {operation.lower()} {names[0]}"
        + (" (dry run)" if _dry(request) else ""),
        effects=(effect,),
        target=target,
        subject=_subject(request, operation, kind, subresource, namespace, name),
    )


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
    resource = request.get("resource")
    resource_word = resource.get("resource") if isinstance(resource, dict) else None
    if subresource and isinstance(resource_word, str) and resource_word:
        # On a subresource ``kind`` is the subresource's (Scale, Eviction): name the parent.
        return normalize_kind(resource_word), subresource
    kind = request.get("kind")
    word = kind.get("kind") if isinstance(kind, dict) else None
    if not isinstance(word, str) or not word:
        if isinstance(resource_word, str) and resource_word:
            return normalize_kind(resource_word), subresource
        raise InputError(f"{source}: request.kind.kind: missing")
    return normalize_kind(word), subresource


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


def _collection_item(request: Mapping[str, Any], operation: str, source: str) -> bool:
    """Whether the request is the API server's check of one object of a deletecollection: a
    DELETE with no name of its own (the collection's attributes) carrying the object being
    deleted (``oldObject``). A single object's DELETE always names it."""
    if operation != "DELETE" or _string(request, "subResource", source):
        return False
    return not _string(request, "name", source) and bool(_metadata(request, "name"))


def _name(request: Mapping[str, Any], source: str) -> str:
    name = _string(request, "name", source) or _metadata(request, "name")
    if name:
        return name
    generate = _metadata(request, "generateName")
    if generate:
        return generate + "*"
    raise InputError(f"{source}: request.name: missing, and the object has no metadata.name")


def _meaning(
    request: Mapping[str, Any], operation: str, kind: str, subresource: str, *, collection: bool
) -> tuple[EffectKind, str]:
    """The effect and a line for people, before dry-run is considered."""
    effect = _OPERATIONS[operation]
    meaning = f"{operation.lower()} {kind}" + (f"/{subresource}" if subresource else "")
    if operation == "CONNECT":
        meaning = f"connect to {kind}/{subresource or '?'}: arbitrary execution or access"
    elif subresource == "eviction" and operation == "CREATE":
        effect, meaning = EffectKind.DELETE, "evict pod (deleted; drain sends this)"
    elif subresource == "ephemeralcontainers":
        effect, meaning = EffectKind.UNKNOWN, "ephemeral debug container: arbitrary execution"
    elif operation == "DELETE" and kind == "namespace":
        meaning = "delete namespace: deletes everything in it"
    elif collection and not is_cluster_scoped(kind):
        meaning = f"delete every {kind} (a collection): deletes the namespace's contents"
    elif collection:
        meaning = f"delete every {kind} (a collection)"
    elif operation == "DELETE" and kind == "customresourcedefinition":
        meaning = "delete custom resource definition(s): deletes every object of the kind(s)"
    elif operation == "UPDATE" and (dropped := _finalizers_dropped(request)):
        effect = EffectKind.DELETE
        meaning = (
            f"finalizer(s) {', '.join(dropped)} removed from a {kind} being deleted: "
            "forces its deletion through"
        )
    elif operation == "UPDATE" and _scaled_to_zero(request):
        meaning = f"{kind} scaled to 0 (disruptive: stops every replica)"
    if _dry(request):
        return EffectKind.READ, f"dry run of: {meaning} (changes nothing)"
    return effect, meaning


def _scaled_to_zero(request: Mapping[str, Any]) -> bool:
    def replicas(field: str) -> Any:
        obj = request.get(field)
        spec = obj.get("spec") if isinstance(obj, dict) else None
        return spec.get("replicas") if isinstance(spec, dict) else None

    return bool(replicas("object") == 0 and replicas("oldObject") != 0)


def _finalizers_dropped(request: Mapping[str, Any]) -> list[str]:
    """The finalizers an UPDATE takes off an object already being deleted (its
    ``deletionTimestamp`` set), in ``metadata`` or, for a Namespace's ``finalize``, ``spec``.

    A finalizer is what holds such an object until its cleanup (or protection: a PVC in use, a
    namespace's contents) is done; taking it off lets the deletion complete there and then,
    which is the classic way to "unstick" a Terminating namespace. So it is judged as the
    delete it completes."""
    old, new = request.get("oldObject"), request.get("object")
    if not isinstance(old, dict):
        return []
    metadata = old.get("metadata")
    if not isinstance(metadata, dict) or not metadata.get("deletionTimestamp"):
        return []
    dropped: list[str] = []
    for block in ("metadata", "spec"):
        before, after = _finalizers(old, block), _finalizers(new, block)
        dropped.extend(f for f in before if f not in after)
    return dropped


def _finalizers(obj: Any, block: str) -> list[str]:
    part = obj.get(block) if isinstance(obj, dict) else None
    listed = part.get("finalizers") if isinstance(part, dict) else None
    return [str(f) for f in listed] if isinstance(listed, list) else []


def _reclaim_unprotected(request: Mapping[str, Any]) -> str | None:
    """A PersistentVolume whose ``persistentVolumeReclaimPolicy`` goes from ``Retain`` to
    anything else: its disk, kept so far when its claim goes, is then deleted with it (toggle
    then delete)."""

    def policy(field: str) -> Any:
        obj = request.get(field)
        spec = obj.get("spec") if isinstance(obj, dict) else None
        return spec.get("persistentVolumeReclaimPolicy") if isinstance(spec, dict) else None

    before, after = policy("oldObject"), policy("object")
    if before == "Retain" and after != "Retain":
        return f"reclaim policy Retain -> {after or 'unset'}"
    return None


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


def _with_ns(target: Target, namespace: str) -> Target:
    return Target(kube_namespace=namespace).merged_over(target)


def _subject(
    request: Mapping[str, Any],
    operation: str,
    kind: str,
    subresource: str,
    namespace: str | None,
    name: str,
) -> dict[str, Any]:
    """What the digest binds to: the request without its uid and server-set metadata."""
    return {
        "operation": operation,
        "kind": kind,
        "subresource": subresource,
        "namespace": namespace or "",
        "name": name,
        "dry_run": _dry(request),
        "object": _stable(request.get("object")),
        "old_object": _stable(request.get("oldObject")),
        "options": request.get("options"),
    }


def _stable(obj: Any) -> Any:
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        return obj
    metadata = {k: v for k, v in obj["metadata"].items() if k not in _VOLATILE_METADATA}
    return {**{k: v for k, v in obj.items() if k != "status"}, "metadata": metadata}
