"""``kubectl delete`` of a cloud-backed custom resource: the cloud resource is deleted too.

Deleting a Crossplane managed resource or an AWS Controllers for Kubernetes (ACK) resource
deletes the AWS resource it stands for (:mod:`keyturn.understand.k8s_cloud`). The admission
review carries the object, so the webhook names that resource exactly; a command line carries
only the kind and the object's name. So ``kubectl delete instance.rds.aws.upbound.io prod-db``
is also

- a delete of the AWS resource named by the object's name, Crossplane's external name unless
  the object's ``crossplane.io/external-name`` annotation says another (a protected
  ``arn:aws:rds:*:*:db:prod-*`` refuses it), and
- an ``unknown`` on every resource of that AWS kind: which one the object stands for is in the
  object (an imported resource's annotation, an ACK object's spec), not on the line.

A manifest at hand (``kubectl delete -f db.yaml``) holds the object: the resource it stands
for is named exactly, as the webhook names it, and one the object retains
(``deletionPolicy: Orphan``, ACK's ``deletion-policy: retain``) is not deleted.

Only a kind spelled with its API group (``TYPE.GROUP``, ``TYPE.VERSION.GROUP``) is known to be
cloud-backed; a short name (``kubectl delete bucket x``) is resolved by the cluster's discovery,
not known here.
"""

from __future__ import annotations

import re

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.aws_names import resource_names
from keyturn.understand.k8s_cloud import CloudKind, cloud_effects, cloud_kind
from keyturn.understand.k8s_kinds import normalize_kind
from keyturn.understand.shell.commands._kube_call import KubeCall, typed_targets
from keyturn.understand.shell.commands._kube_manifests import manifest_documents
from keyturn.understand.shell.registry import evolve

__all__ = ["cloud_deletes"]

_VERSION = re.compile(r"v\d+(?:(?:alpha|beta)\d*)?")


def cloud_deletes(call: KubeCall, words: tuple[str, ...] | list[str]) -> list[Effect]:
    """The AWS resources ``kubectl delete WORDS`` deletes through their controllers."""
    if call.args.flags.get("--filename"):
        return _manifest_deletes(call)
    out: list[Effect] = []
    for type_word, name in typed_targets(call, words):
        kind_word, _, group = type_word.partition(".")
        head, _, rest = group.partition(".")
        group = rest if _VERSION.fullmatch(head) and rest else group
        found = cloud_kind(group, normalize_kind(kind_word)) if group else None
        if found is not None:
            out += _deletes(call, found, name, f"{normalize_kind(kind_word)}.{group}/{name}")
    return out


def _manifest_deletes(call: KubeCall) -> list[Effect]:
    """The cloud resources behind the objects of the manifests (none when they cannot be
    read: the object deletes are unknown then)."""
    out: list[Effect] = []
    for doc in manifest_documents(call) or ():
        if not isinstance(doc, dict):
            continue
        api, kind = doc.get("apiVersion"), doc.get("kind")
        if not isinstance(api, str) or not isinstance(kind, str) or "/" not in api:
            continue
        group, kind = api.rpartition("/")[0], normalize_kind(kind)
        base = call.effect(EffectKind.DELETE, (f"k8s:{kind}",), kind, "delete")
        out += cloud_effects(base, operation="DELETE", old=doc, new=None, group=group, kind=kind)
    return out


def _deletes(call: KubeCall, cloud: CloudKind, name: str, shown: str) -> list[Effect]:
    every = _names(cloud, "*")
    base = call.effect(EffectKind.UNKNOWN, every, f"aws:{cloud.service}", "")
    what = f"{shown}: its controller deletes the AWS resource it stands for"
    out = [
        evolve(
            base,
            service=cloud.service,
            detail=f"{what}; which one is in the object (not on the line)",
        )
    ]
    if cloud.named_by_object and name != "*" and cloud.aws_kind:
        named = evolve(
            base,
            effect=EffectKind.DELETE,
            resource=Resource(_names(cloud, name), f"aws:{cloud.service}"),
            detail=f"{what}: by default the one named {name} (its external name)",
        )
        out.insert(0, named)
    return out


def _names(cloud: CloudKind, identifier: str) -> tuple[str, ...]:
    if cloud.aws_kind:
        return resource_names(cloud.aws_kind, identifier)
    return (f"arn:aws:{cloud.service}:*:*:*",)
