"""What keeps an object's data when the object goes, and what a claim's delete takes with it.

Many Kubernetes objects stand for data kept elsewhere: a PersistentVolume for a disk, a
VolumeSnapshotContent for a snapshot, an AWS Controllers for Kubernetes (ACK) or Crossplane
managed resource for a cloud resource. A switch on the object decides whether deleting the
object destroys that data too: the volume's reclaim policy, a snapshot's or a managed
resource's ``deletionPolicy``, an annotation that retains or abandons, the cloud's own deletion
protection. An UPDATE taking such a switch off its safe value removes the object's protection
(toggle, then delete), as turning off deletion protection does (BRIEF §4.1):
:func:`protection_dropped`.

A namespace's Pod Security Admission level (``pod-security.kubernetes.io/enforce``) is a guard of
the same sort: ``baseline`` or ``restricted`` refuses privileged pods, host namespaces and the
host's paths, whose containers reach the node (:mod:`~keyturn.understand.k8s_host_access`).
Labelled ``privileged``, or the label taken off (the cluster's default, ``privileged`` unless the
API server is configured otherwise, applies), the namespace admits them: an update that removes
the namespace's protection, as taking a lock off is -- refused on a protected namespace, a
plain update elsewhere. Only the ``enforce`` level is read (``warn`` and ``audit`` refuse
nothing).

A whole-object write (``kubectl replace``, an API ``PUT``) sets what it leaves out to nothing,
so a switch missing from it is taken off as surely as one set off (:func:`left_out`), save
where the API server puts the safe value back (a PersistentVolume's reclaim policy defaults to
``Retain``) or the object's kind has no such switch.

Deleting a claim reaches further than the claim: the PersistentVolume bound to a
PersistentVolumeClaim (and its disk) is deleted with it unless the volume's reclaim policy is
``Retain``, which is the volume's, not in the review: the bound object is named as deleted
(fail closed), :func:`bound_names`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["bound_names", "left_out", "protection_dropped", "retains_on_delete", "switches"]


def _every(_group: str, _kind: str) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class _Switch:
    """One switch: where it is (``path`` from the object's top), what it is called for people,
    which values are safe, and whether its safe value keeps the data when the object is
    deleted through the API (Helm's ``keep`` and deletion protection do not: the first is
    about ``helm uninstall``, the second makes the cloud refuse, not keep)."""

    path: tuple[str, ...]
    label: str
    safe: Callable[[Any], bool]
    keeps_on_delete: bool = True
    # Whether an object of (API group, kind) loses the switch when a whole-object write leaves
    # it out: it may carry it, and the API server does not put a safe value back.
    lost_when_left_out: Callable[[str, str], bool] = _every


def _one_of(*values: str) -> Callable[[Any], bool]:
    wanted = frozenset(v.casefold() for v in values)
    return lambda value: isinstance(value, str) and value.strip().casefold() in wanted


def _is_true(value: Any) -> bool:
    return value is True


def _sync_option(*wanted: str) -> Callable[[Any], bool]:
    """Argo CD's ``argocd.argoproj.io/sync-options``: comma-separated options, blanks trimmed
    (Argo CD's sync-options documentation); safe when one of ``wanted`` is among them."""
    return lambda value: (
        isinstance(value, str) and bool({o.strip() for o in value.split(",")} & set(wanted))
    )


def _no_delete(value: Any) -> bool:
    """Crossplane's ``managementPolicies`` without ``Delete`` (nor ``*``): the provider leaves
    the external resource when the managed resource goes."""
    return isinstance(value, list) and not {"*", "Delete"} & {str(v) for v in value}


def _never(_group: str, _kind: str) -> bool:
    return False


def _ack(group: str, _kind: str) -> bool:
    return group.endswith(".services.k8s.aws")


def _config_connector(group: str, _kind: str) -> bool:
    return group.endswith("cnrm.cloud.google.com")


def _custom(group: str, _kind: str) -> bool:
    """A custom resource's group (dotted, not one of Kubernetes' own ``*.k8s.io``); an object
    whose group is not known (``?``) may be one."""
    return group == "?" or ("." in group and not group.endswith(".k8s.io"))


def _managed(group: str, kind: str) -> bool:
    """A Crossplane-style managed resource (``deletionPolicy`` defaults to ``Delete``,
    ``managementPolicies`` to ``["*"]``): a custom resource neither ACK's nor Config
    Connector's (a VolumeSnapshotContent's ``deletionPolicy`` is required: never left out)."""
    return _custom(group, kind) and not _ack(group, kind) and not _config_connector(group, kind)


def _namespace(group: str, kind: str) -> bool:
    return group in ("", "?") and kind in ("namespace", "?")


_ANNOTATIONS = ("metadata", "annotations")
_SWITCHES = (
    # Left out, a PersistentVolume's reclaim policy is defaulted to Retain (the API's
    # defaulting; "Retain (default for manually created PersistentVolumes)", its reference).
    _Switch(
        ("spec", "persistentVolumeReclaimPolicy"),
        "reclaim policy",
        _one_of("Retain"),
        lost_when_left_out=_never,
    ),
    # VolumeSnapshotContent/VolumeSnapshotClass (Retain) and Crossplane managed resources
    # (Orphan): Delete deletes the snapshot or the external resource with the object.
    _Switch(
        ("spec", "deletionPolicy"),
        "deletion policy",
        _one_of("Retain", "Orphan"),
        lost_when_left_out=_managed,
    ),
    _Switch(
        ("spec", "managementPolicies"),
        "management policies",
        _no_delete,
        lost_when_left_out=_managed,
    ),
    _Switch(
        (*_ANNOTATIONS, "services.k8s.aws/deletion-policy"),
        "ACK deletion policy",
        _one_of("retain"),
        lost_when_left_out=_ack,
    ),
    _Switch(
        (*_ANNOTATIONS, "cnrm.cloud.google.com/deletion-policy"),
        "Config Connector deletion policy",
        _one_of("abandon"),
        lost_when_left_out=_config_connector,
    ),
    _Switch(
        (*_ANNOTATIONS, "helm.sh/resource-policy"),
        "Helm resource policy",
        _one_of("keep"),
        keeps_on_delete=False,
    ),
    # GitOps controllers' own guards (their documentation): Argo CD neither prunes an object
    # marked ``Prune=false`` (``confirm``: not without a person's confirmation) nor deletes one
    # marked ``Delete=false`` with its app; Flux does not prune ``prune: disabled``. Taken off,
    # the next sync deletes what the repository no longer holds. Neither keeps the object on a
    # delete through the API.
    _Switch(
        (*_ANNOTATIONS, "argocd.argoproj.io/sync-options"),
        "Argo CD Prune=false",
        _sync_option("Prune=false", "Prune=confirm"),
        keeps_on_delete=False,
    ),
    _Switch(
        (*_ANNOTATIONS, "argocd.argoproj.io/sync-options"),
        "Argo CD Delete=false",
        _sync_option("Delete=false", "Delete=confirm"),
        keeps_on_delete=False,
    ),
    _Switch(
        (*_ANNOTATIONS, "kustomize.toolkit.fluxcd.io/prune"),
        "Flux prune",
        _one_of("disabled"),
        keeps_on_delete=False,
    ),
    # The cloud's own deletion protection set through the object (ACK's RDS spec, Crossplane's
    # forProvider): switched off through Kubernetes as surely as through the cloud's API.
    _Switch(
        ("spec", "deletionProtection"),
        "deletion protection",
        _is_true,
        keeps_on_delete=False,
        lost_when_left_out=_custom,
    ),
    _Switch(
        ("spec", "forProvider", "deletionProtection"),
        "deletion protection",
        _is_true,
        keeps_on_delete=False,
        lost_when_left_out=_managed,
    ),
    # Pod Security Admission's level for the namespace (the module docstring).
    _Switch(
        ("metadata", "labels", "pod-security.kubernetes.io/enforce"),
        "Pod Security enforce",
        _one_of("baseline", "restricted"),
        keeps_on_delete=False,
        lost_when_left_out=_namespace,
    ),
)


def protection_dropped(old: Any, new: Any) -> str | None:
    """What of the object's retention an UPDATE from ``old`` to ``new`` switches off (each
    switch safe before, not after), for people; ``None`` when nothing is."""
    dropped = [
        f"{s.label} {_shown(before)} -> {_shown(after)}"
        for s in _SWITCHES
        if s.safe(before := _at(old, s.path)) and not s.safe(after := _at(new, s.path))
    ]
    return ", ".join(dropped) or None


def switches() -> tuple[tuple[tuple[str, ...], str, Callable[[Any], bool]], ...]:
    """(path, label, whether a value is safe) of every switch, for readers of a partial write
    (a patch, a manifest) whose ``old`` object is not at hand."""
    return tuple((s.path, s.label, s.safe) for s in _SWITCHES)


def left_out(obj: Any) -> tuple[str, ...]:
    """The switches (for people) a whole-object write of ``obj`` takes off by leaving them out:
    missing from it, and lost by an object of its kind (its group from ``apiVersion``; ``?``,
    any, when it does not say)."""
    api_version, kind = _at(obj, ("apiVersion",)), _at(obj, ("kind",))
    group = api_version.rpartition("/")[0] if isinstance(api_version, str) else "?"
    kind = kind.lower() if isinstance(kind, str) and kind else "?"
    found = (
        s.label for s in _SWITCHES if _at(obj, s.path) is None and s.lost_when_left_out(group, kind)
    )
    return tuple(dict.fromkeys(found))


def retains_on_delete(obj: Any) -> bool:
    """Whether ``obj`` says its external data stays when it is deleted (ACK's ``retain``,
    Crossplane's ``Orphan`` or management policies without ``Delete``, a ``Retain`` policy,
    Config Connector's ``abandon``)."""
    return any(s.keeps_on_delete and s.safe(_at(obj, s.path)) for s in _SWITCHES)


def bound_names(kind: str, obj: Any) -> tuple[str, ...]:
    """The names of what a delete of the claim ``obj`` (a ``kind`` object) deletes with it:
    a PersistentVolumeClaim's bound volume (``spec.volumeName``), a VolumeSnapshot's bound
    content (``status.boundVolumeSnapshotContentName``, or the pre-provisioned
    ``spec.source.volumeSnapshotContentName``). Both are cluster-scoped."""
    if kind == "persistentvolumeclaim":
        found = [("persistentvolume", _at(obj, ("spec", "volumeName")))]
    elif kind == "volumesnapshot":
        found = [
            ("volumesnapshotcontent", _at(obj, ("status", "boundVolumeSnapshotContentName"))),
            ("volumesnapshotcontent", _at(obj, ("spec", "source", "volumeSnapshotContentName"))),
        ]
    else:
        return ()
    names = (
        f"k8s:{bound}/{name.strip()}"
        for bound, name in found
        if isinstance(name, str) and name.strip()
    )
    return tuple(dict.fromkeys(names))


def _at(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)
    return obj


def _shown(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return value if isinstance(value, str) else str(value).lower()
