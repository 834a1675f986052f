"""What an approval of an AdmissionReview binds to: the request as asked, not as it drifts.

The action's digest (what approvals and grants are bound to) covers the review's operation,
object, old object and options, without what the API server changes on its own (uid,
``resourceVersion``, ``managedFields``...). A status is left out too unless it is what is
asked: the API server keeps the stored status on an ordinary update, and controllers keep
changing it, so a request that comes back after its approval is still the same action. On a
``status`` or ``approval`` subresource, though, the status is the whole change (a CSR's
``Approved`` condition issues a credential; a Node's ``Ready`` one decides whether its pods are
evicted): kept, so approving ``Denied`` does not admit ``Approved``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["STATUS_SUBRESOURCES", "review_subject", "status_line"]

# Metadata the API server changes on its own: not part of what is asked.
_VOLATILE_METADATA = ("managedFields", "resourceVersion", "uid", "creationTimestamp", "generation")
# Subresources whose object's change is its status.
STATUS_SUBRESOURCES = frozenset({"status", "approval"})


def review_subject(
    request: Mapping[str, Any],
    *,
    operation: str,
    kind: str,
    subresource: str,
    namespace: str | None,
    name: str,
) -> dict[str, Any]:
    """What the digest binds to: the request without its uid and server-set metadata, and
    without the status unless the status is what is asked (:func:`_status_bound`)."""
    keep = _status_bound(request, operation, subresource)
    return {
        "operation": operation,
        "kind": kind,
        "subresource": subresource,
        "namespace": namespace or "",
        "name": name,
        "dry_run": request.get("dryRun") is True,
        "object": _stable(request.get("object"), keep_status=keep),
        "old_object": _stable(request.get("oldObject"), keep_status=keep),
        "options": request.get("options"),
    }


def status_line(obj: Any) -> str:
    """The status an update sets, for people: its conditions (``Approved=True``)."""
    status = _status(obj)
    listed = status.get("conditions") if isinstance(status, dict) else None
    conditions = [c for c in listed if isinstance(c, dict)] if isinstance(listed, list) else []
    shown = [f"{c.get('type')}={c.get('status')}" for c in conditions if c.get("type")]
    return f"status conditions {', '.join(shown)}" if shown else "status changed"


def _status_bound(request: Mapping[str, Any], operation: str, subresource: str) -> bool:
    """Whether the status is part of what is asked: always on a ``status`` or ``approval``
    subresource; on any other UPDATE (but ``scale``'s and ``eviction``'s, whose objects are
    not the parent) when it changes the status, as an update of a custom resource without a
    status subresource does."""
    if subresource in STATUS_SUBRESOURCES:
        return True
    if operation != "UPDATE" or subresource in ("scale", "eviction"):
        return False
    return bool(_status(request.get("object")) != _status(request.get("oldObject")))


def _status(obj: Any) -> Any:
    return obj.get("status") if isinstance(obj, dict) else None


def _stable(obj: Any, *, keep_status: bool) -> Any:
    if not isinstance(obj, dict) or not isinstance(obj.get("metadata"), dict):
        return obj
    metadata = {k: v for k, v in obj["metadata"].items() if k not in _VOLATILE_METADATA}
    kept = {k: v for k, v in obj.items() if keep_status or k != "status"}
    return {**kept, "metadata": metadata}
