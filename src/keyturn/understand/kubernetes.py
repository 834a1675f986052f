"""Kubernetes ``AdmissionReview`` (``admission.k8s.io/v1``) -> Action.

One admission request is one effect on one object, named ``k8s:<ns>/<kind>/<name>`` (or
``k8s:<kind>/<name>`` when cluster-scoped; BRIEF §4.2):

- CREATE -> create, UPDATE -> update, DELETE -> delete; ``dryRun`` -> read (changes nothing);
- CONNECT (``pods/exec``, ``attach``, ``portforward``, proxies) -> unknown: arbitrary execution;
- ``pods/eviction`` CREATE -> delete of the pod (that is what ``kubectl drain`` sends);
- ``*/scale`` (or any update) to 0 replicas -> update with the detail "scaled to 0";
- a retention switch taken off its safe value (a PersistentVolume's reclaim policy off
  ``Retain``, a ``deletionPolicy`` off ``Retain``/``Orphan``, ACK's ``retain`` annotation
  removed...: :mod:`~keyturn.understand.k8s_retention`) -> update that removes protection;
- deleting a PersistentVolumeClaim (or a VolumeSnapshot) -> delete also named as the volume
  (or snapshot content) bound to it, which goes with it unless retained;
- deleting an ACK or Crossplane resource -> also a delete of the cloud resource behind it, by
  its ARN and in its account (:mod:`~keyturn.understand.k8s_cloud`);
- creating or updating an ACK, Config Connector or Crossplane object so that it opens a store
  to the world (a public access block off, a public ACL or policy, ``allUsers``, a database
  publicly accessible...: :mod:`~keyturn.understand.k8s_exposure`) -> the write removes the
  protection of the object and of the store, which is named too;
- a pod, or a workload's pod template, with host access (privileged, host namespaces, the
  host's ``/`` mounted...: :mod:`~keyturn.understand.k8s_host_access`) -> also unknown on the
  node: arbitrary execution, as ``kubectl debug node/...`` is;
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

The kind is ``request.kind.kind`` lower-cased as it is (the API's kind is singular:
``Prometheus`` is ``prometheus``); on a subresource, the parent's plural de-pluralised. A
``status`` or ``approval`` subresource (or an UPDATE that changes the status) keeps the status
in what the digest binds, so an approval holds for that status only.

A bare ``AdmissionRequest`` (the ``request`` object without its envelope, as policy test suites
store them) is accepted too; ``admission.k8s.io/v1beta1`` has the same request shape. How the
request's fields are read and checked is :mod:`~keyturn.understand._admission_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target
from keyturn.understand._admission_fields import (
    _collection_item,
    _decode,
    _deletes_collection,
    _dry,
    _group,
    _kind,
    _metadata,
    _name,
    _request,
    _resource_word,
    _string,
    _user,
)
from keyturn.understand.k8s_cloud import cloud_effects
from keyturn.understand.k8s_exposure import admission_exposure
from keyturn.understand.k8s_host_access import host_access, node_names
from keyturn.understand.k8s_kinds import (
    collection_delete_names,
    custom_resource_names,
    is_cluster_scoped,
    object_names,
)
from keyturn.understand.k8s_retention import bound_names, protection_dropped
from keyturn.understand.k8s_subject import STATUS_SUBRESOURCES, review_subject, status_line

__all__ = ["understand_admission"]

_OPERATIONS = {
    "CREATE": EffectKind.CREATE,
    "UPDATE": EffectKind.UPDATE,
    "DELETE": EffectKind.DELETE,
    "CONNECT": EffectKind.UNKNOWN,
}
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
    names, more = _names(
        request, kind, subresource, name, namespace, effect_kind, collection=collection
    )
    old, new = request.get("oldObject"), request.get("object")
    unprotects = protection_dropped(old, new) if effect_kind is EffectKind.UPDATE else None
    if unprotects:
        more += f"; protection removed: {unprotects}"
    user = _user(request)
    detail = "; ".join(p for p in (meaning + more, f"by {user}" if user else "") if p)
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
    group = _group(request)
    # A store the object opens to the world (k8s_exposure): the write removes its protection.
    effect, exposed = admission_exposure(
        effect, operation=operation, old=old, new=new, group=group, kind=kind
    )
    return Action(
        kind=ActionKind.K8S,
        summary=f"kubernetes {operation.lower()} {names[0]}"
        + (" (dry run)" if _dry(request) else ""),
        effects=(
            effect,
            *_host_effects(new, effect, subresource),
            *cloud_effects(effect, operation=operation, old=old, new=new, group=group, kind=kind),
            *exposed,
        ),
        target=target,
        subject=review_subject(
            request,
            operation=operation,
            kind=kind,
            subresource=subresource,
            namespace=namespace,
            name=name,
        ),
    )


def _names(
    request: Mapping[str, Any],
    kind: str,
    subresource: str,
    name: str,
    namespace: str,
    effect_kind: EffectKind,
    *,
    collection: bool,
) -> tuple[tuple[str, ...], str]:
    """The names of what the request reaches, and what they add to its line for people."""
    unscoped = "" if is_cluster_scoped(kind) else "*"
    more = ""
    if collection:
        # deletecollection: every object of the kind in the namespace (in every namespace
        # when none is given and the kind lives in namespaces).
        names = collection_delete_names(kind, namespace or unscoped, singular=True)
    else:
        own = "pod" if subresource == "eviction" else kind
        names = object_names(own, name, namespace, singular=True)
    if _collection_item(request):
        # The API server asks about a deletecollection one object at a time, each request
        # with the collection's (empty) name: judged as the collection delete it is part of,
        # as ``kubectl delete <kind> --all`` is, so that a protected namespace refuses it.
        ns = request.get("namespace") or unscoped
        names += collection_delete_names(kind, ns, singular=True)
        more += " (one object of a collection delete: judged as the whole collection)"
    if effect_kind is EffectKind.DELETE and kind == "customresourcedefinition":
        # Every custom resource of the kind goes with its definition (of every kind: "*").
        names += custom_resource_names(name, None if collection else request.get("oldObject"))
    bound = bound_names(kind, request.get("oldObject"))
    if effect_kind is EffectKind.DELETE and bound:
        # The bound volume (and its disk) goes with the claim unless the volume's reclaim
        # policy is Retain, which the review does not carry: named as deleted (fail closed).
        names += bound
        more += f"; deletes {', '.join(bound)} bound to it unless that is retained"
    return tuple(dict.fromkeys(names)), more


def _host_effects(new: Any, effect: Effect, subresource: str) -> tuple[Effect, ...]:
    """An unknown effect on the node when the created or updated object's pods get it
    (:func:`~keyturn.understand.k8s_host_access.host_access`), named as the object and the
    node(s) it runs on."""
    if subresource or effect.effect not in (EffectKind.CREATE, EffectKind.UPDATE):
        return ()
    found = host_access(new)
    if not found:
        return ()
    names = tuple(dict.fromkeys(effect.resource.names + node_names(new)))
    return (
        Effect(
            EffectKind.UNKNOWN,
            Resource(names, effect.resource.type),
            effect.target,
            "k8s",
            operation=effect.operation,
            detail=f"host access ({', '.join(found)}): arbitrary execution on the node; "
            + effect.detail,
        ),
    )


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
    elif operation == "UPDATE" and subresource in STATUS_SUBRESOURCES:
        meaning += f": {status_line(request.get('object'))}"
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


def _with_ns(target: Target, namespace: str) -> Target:
    return Target(kube_namespace=namespace).merged_over(target)
