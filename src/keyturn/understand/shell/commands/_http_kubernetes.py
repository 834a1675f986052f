"""What an HTTP request to the Kubernetes API does: the Kubernetes part of :mod:`._http_meaning`.

A path such as ``/api/v1/namespaces/prod`` or ``/apis/apps/v1/namespaces/x/deployments/web``,
found behind any prefix (Rancher's ``/k8s/clusters/<id>/``, ``kubectl proxy --api-prefix``), is
named as ``kubectl`` and admission reviews name the object
(:func:`keyturn.understand.k8s_kinds.object_names`); a collection is ``.../<kind>/*``, and a
DELETE of one is also named as the namespace it empties (``k8s:namespace/<ns>``). A PUT or
PATCH is read for the protection or finalizers it takes off (:mod:`._kube_patches`, as
``kubectl patch`` is); a PUT of a namespace's ``finalize`` sets its finalizers, so it is the
delete it may force through.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.k8s_kinds import (
    collection_delete_names,
    custom_resource_names,
    is_cluster_scoped,
    normalize_kind,
    object_names,
)
from keyturn.understand.shell.commands._http_request import READ_METHODS, Request, json_object
from keyturn.understand.shell.commands._kube_patches import Unprotects, marked, request_unprotects

_K8S_VERBS = {
    "DELETE": EffectKind.DELETE,
    "PUT": EffectKind.UPDATE,
    "PATCH": EffectKind.UPDATE,
    "POST": EffectKind.CREATE,
}
_K8S_EXEC = frozenset({"exec", "attach", "portforward", "proxy"})


def _k8s_object(segs: list[str]) -> tuple[str | None, str, str, str] | None:
    """(namespace, kind, name or ``*``, subresource) of an API path, or ``None``."""
    rest = segs[2:] if segs[0] == "api" else segs[3:]
    if (segs[0] == "apis" and len(segs) < 3) or not rest:
        return None
    if rest[0] == "namespaces" and len(rest) >= 4:
        return rest[1], rest[2], rest[3] if len(rest) > 3 else "*", "/".join(rest[4:])
    if rest[0] == "namespaces" and len(rest) == 3 and rest[2] not in ("status", "finalize"):
        return rest[1], rest[2], "*", ""
    return None, rest[0], rest[1] if len(rest) > 1 else "*", "/".join(rest[2:])


_K8S_VERSION = re.compile(r"v\d+(?:(?:alpha|beta)\d+)?")


def _k8s_paths(segs: list[str]) -> list[list[str]]:
    """Every Kubernetes API path inside ``segs``: from each ``api/<version>`` or
    ``apis/<group>/<version>``, wherever it stands -- the API is often served under a prefix
    (Rancher's ``/k8s/clusters/<id>/``, ``kubectl proxy --api-prefix``)."""
    found = []
    for i, seg in enumerate(segs):
        version = i + 1 if seg == "api" else i + 2 if seg == "apis" else -1
        if 0 < version < len(segs) and _K8S_VERSION.fullmatch(segs[version]):
            found.append(segs[i:])
    return found


def kubernetes(req: Request, segments: list[str], target: Target) -> list[Effect]:
    """Effects of a Kubernetes API call (path ``segments``, see
    :func:`._http_meaning.api_segments`) landing in ``target``, or ``[]`` when the path is not
    one. A path holding more than one API path (a prefix that looks like one) is judged as each
    of them."""
    effects: list[Effect] = []
    for segs in _k8s_paths(segments):
        effects += _kubernetes_object(req, segs, target)
    return effects


def _kubernetes_object(req: Request, segs: list[str], target: Target) -> list[Effect]:
    found = _k8s_object(segs)
    if found is None:
        return []
    namespace, plural, name, sub = found
    kind, method = normalize_kind(plural), req.method.upper()
    effect = EffectKind.READ if method in READ_METHODS else _K8S_VERBS.get(method)
    detail = "every object of the collection" if name == "*" else ""
    if method == "POST" and not sub:
        # POST creates into a collection; the new object's name is in the body
        body = json_object(req.body) or {}
        metadata = body.get("metadata")
        name = str(metadata.get("name") or "*") if isinstance(metadata, dict) else "*"
        detail = ""
    elif method == "POST" and sub == "eviction":
        effect, detail = EffectKind.DELETE, "evicts the pod"
    unprotects = Unprotects()
    if method in ("PUT", "PATCH") and sub in ("", "finalize"):
        text = None if req.body_unknown else req.body or ""
        content = next((v for k, v in req.headers if k.strip().lower() == "content-type"), "")
        unprotects = request_unprotects(method, text, content)
        if kind == "namespace" and sub == "finalize":
            # What the body's spec.finalizers leaves out the namespace controller skips: a
            # namespace being deleted goes there and then (the usual "unstick" recipe).
            unprotects = Unprotects(unprotects.dropped, finalizers=True)
    if sub.split("/")[0] in _K8S_EXEC:
        effect, detail = EffectKind.UNKNOWN, f"runs commands in the cluster ({sub})"
    if namespace is None and not is_cluster_scoped(kind):
        namespace = "*"  # a namespaced kind listed across every namespace
    names = object_names(kind, name, namespace)
    if effect is EffectKind.DELETE and name == "*" and not sub:
        # A DELETE on a collection (deletecollection) empties the namespace of that kind.
        names = collection_delete_names(kind, namespace)
        if namespace and not is_cluster_scoped(kind) and kind != "namespace":
            detail = f"deletes the contents of namespace {namespace} (every {kind})"
    if effect is EffectKind.DELETE and kind == "customresourcedefinition" and not sub:
        # A definition takes every object of its kind with it (every kind, for them all).
        wide = custom_resource_names(name) if name != "*" else ("k8s:*", "k8s:namespace/*")
        names = tuple(dict.fromkeys(names + wide))
    judged = Effect(
        effect=effect or EffectKind.UNKNOWN,
        resource=Resource(names=names, type=kind),
        target=target,
        service="k8s",
        operation=f"k8s:{method} {kind}" + (f"/{sub}" if sub else ""),
        detail=detail if effect else f"HTTP method {method} not understood",
    )
    return marked([judged], unprotects)
