"""Cloud-controller objects that open a store to anyone on the internet.

An ACK, Config Connector or Crossplane object stands for a cloud resource
(:mod:`~keyturn.understand.k8s_cloud`): its controller writes the object's spec to the cloud.
So an object that makes a bucket public, or a database reachable from every address, opens
that store as surely as ``aws s3api put-bucket-acl`` or ``gcloud storage buckets update`` does,
and is judged as they are (docs/security.md, "Opening a store to the world removes its
protection"): the write keeps its own effect kind and removes the protection of the object
and of the store, which is named as the other surfaces name it (``arn:aws:s3:::<b>``,
``gs://<b>``, ``azure:storage/account/<a>``...).

What opens a store is read by the Terraform plan's readers
(:mod:`keyturn.understand.terraform._public_values`): these controllers' fields are the same
provider attributes, camel-cased (Crossplane's are generated from the Terraform providers).
The fields, from the controllers' published CRDs:

- ACK ``s3.services.k8s.aws`` Bucket: ``spec.publicAccessBlock`` (``blockPublicACLs``,
  ``blockPublicPolicy``, ``ignorePublicACLs``, ``restrictPublicBuckets``), ``spec.acl`` (canned),
  ``spec.grant*`` (S3's grant headers), ``spec.policy`` (a JSON string); ACK
  ``rds.services.k8s.aws`` DBInstance: ``spec.publiclyAccessible``.
- Crossplane AWS (``s3``/``rds`` ``.aws.upbound.io``): BucketPublicAccessBlock, BucketACL
  (``acl``, ``accessControlPolicy.grant``), BucketPolicy (``policy``), Instance and
  ClusterInstance (``publiclyAccessible``), in ``spec.forProvider`` (or ``spec.initProvider``,
  merged into it on create).
- Config Connector: StorageBucket ``spec.publicAccessPrevention`` (anything but ``enforced``);
  IAMPolicyMember ``spec.member``, IAMPolicy/IAMPartialPolicy ``spec.bindings`` giving
  ``allUsers``/``allAuthenticatedUsers`` a role, on ``spec.resourceRef``.
- Crossplane GCP (``storage.gcp.upbound.io``): Bucket ``publicAccessPrevention``,
  BucketIAMMember ``member``, BucketIAMBinding ``members``.
- Crossplane Azure (``storage.azure.upbound.io``): Account ``allowNestedItemsToBePublic``,
  ``publicNetworkAccessEnabled``, ``networkRules.defaultAction: Allow``; Container
  ``containerAccessType`` ``blob``/``container``.

Unlike a Terraform plan, a create counts: the object may take over a store that exists (a
Crossplane object's external name defaults to its own name, and the provider observes before it
creates), and a block, ACL, policy or IAM member applies to a store that exists. An update
opens what the old object did not; where the old object is not at hand (``kubectl apply``, a
patch) the new value is judged alone. Which store a separate block, ACL, policy or member
applies to is read from the object (``bucket``, its ``bucketRef``'s name -- that object's
default external name --, ``resourceRef``); one picked by a selector is decided in the cluster,
so the store is ``unknown`` (held).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.k8s_exposure_stores import (
    Resolver,
    Store,
    ack_bucket_itself,
    azure_account_itself,
    azure_container,
    bucket_of,
    database_itself,
    gcs_bucket_itself,
    gcs_bucket_of,
    kcc_resource,
)
from keyturn.understand.terraform._public_values import NEVER_UNKNOWN, READERS

__all__ = [
    "Exposure",
    "Store",
    "admission_exposure",
    "kinds_named",
    "object_exposure",
    "patch_exposure",
]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_FAMILIES = (
    ("ack", (".services.k8s.aws",)),
    ("aws", (".aws.upbound.io", ".aws.m.upbound.io", ".aws.crossplane.io")),
    ("gcp", (".gcp.upbound.io", ".gcp.m.upbound.io")),
    ("azure", (".azure.upbound.io", ".azure.m.upbound.io")),
    ("kcc", (".cnrm.cloud.google.com",)),
)
_S3_FLAGS = (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
)
_PUBLIC_GRANTEES = ("/groups/global/AllUsers", "/groups/global/AuthenticatedUsers")
_PUBLIC_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})


@dataclass(frozen=True, slots=True)
class Exposure:
    """How an object opens its store(s) (``whys``, for people) and the stores it opens."""

    whys: tuple[str, ...]
    stores: tuple[Store, ...]

    def detail(self) -> str:
        return "opened to the world: " + "; ".join(self.whys)

    def marked(self, own: Effect) -> Effect:
        """``own`` (the object's write) marked as removing protection, its kind kept."""
        detail = "; ".join(p for p in (own.detail, self.detail()) if p)
        return replace(own, removes_protection=True, detail=detail)

    def store_effects(self, own: Effect) -> list[Effect]:
        """An update that removes the protection of each store known; an ``unknown`` on the
        stores one may be when which one is decided in the cluster."""
        out = []
        for store in self.stores:
            where = Target(aws_account=store.account, aws_region=store.region)
            kind = EffectKind.UPDATE if store.known else EffectKind.UNKNOWN
            what = self.detail() if store.known else f"may be opened to the world: {store.how}"
            out.append(
                replace(
                    own,
                    effect=kind,
                    resource=Resource(store.names, store.rtype),
                    target=where.merged_over(own.target),
                    service=store.service,
                    removes_protection=store.known,
                    detail="; ".join(p for p in (store.how if store.known else "", what) if p),
                )
            )
        return out


Reader = Callable[[Mapping[str, Any], bool], dict[str, str]]


def object_exposure(
    new: Any, *, old: Any, group: str, kind: str, line: bool = False
) -> Exposure | None:
    """How the object ``new`` (of API ``group`` and lower-case ``kind``) opens its store that
    ``old`` (the same object before an update; ``None`` when not at hand) did not; ``line``:
    only the object's name is known besides ``new`` (a patch: its fields are what it writes)."""
    entry = _entry(group, kind)
    if entry is None or not isinstance(new, Mapping):
        return None
    reader, resolver = entry
    fields = _fields(new, group)
    now = reader(fields, line)
    was = reader(_fields(old, group), False) if isinstance(old, Mapping) else {}
    whys = tuple(why for key, why in now.items() if key not in was)
    if not whys:
        return None
    return Exposure(whys, tuple(resolver(new, fields, line)))


def patch_exposure(body: Any, *, group: str, kind: str, name: str) -> Exposure | None:
    """How a merge patch ``body`` of the object ``name`` opens its store (what it leaves out
    it leaves alone)."""
    if not isinstance(body, Mapping):
        return None
    metadata = body.get("metadata")
    metadata = dict(metadata) if isinstance(metadata, Mapping) else {}
    metadata.setdefault("name", name)
    return object_exposure(
        {**body, "metadata": metadata}, old=None, group=group, kind=kind, line=True
    )


def admission_exposure(
    effect: Effect, *, operation: str, old: Any, new: Any, group: str, kind: str
) -> tuple[Effect, list[Effect]]:
    """An admission review's own ``effect`` (marked when the CREATE or UPDATE opens a store)
    and the effects on the stores it opens."""
    if operation not in ("CREATE", "UPDATE") or effect.effect not in (
        EffectKind.CREATE,
        EffectKind.UPDATE,
    ):
        return effect, []
    found = object_exposure(new, old=old if operation == "UPDATE" else None, group=group, kind=kind)
    if found is None:
        return effect, []
    marked = found.marked(effect)
    return marked, found.store_effects(marked)


# --- what opens a store --------------------------------------------------------------------


def _terraform(resource_type: str) -> Reader:
    """The Terraform plan's reader of ``resource_type``, on the object's fields snake-cased
    (the providers' own attribute names)."""
    read = READERS[resource_type]

    def reader(fields: Mapping[str, Any], _line: bool) -> dict[str, str]:
        values = _snake(fields)
        if isinstance(values.get("network_rules"), dict):
            values["network_rules"] = [values["network_rules"]]
        return _said(read(values, NEVER_UNKNOWN))

    return reader


def _s3_block(fields: Mapping[str, Any], line: bool) -> dict[str, str]:
    """A public access block's flags (Crossplane's ``forProvider``): one left out is off (the
    provider's default), save in a patch, which leaves it as it was."""
    values = _snake(fields)
    if line:
        values = {f: values.get(f, True) for f in _S3_FLAGS}
    return _said(READERS["aws_s3_bucket_public_access_block"](values, NEVER_UNKNOWN))


def _ack_bucket(spec: Mapping[str, Any], line: bool) -> dict[str, str]:
    found: dict[str, str] = {}
    if "publicAccessBlock" in spec:
        block = spec.get("publicAccessBlock")
        block = block if isinstance(block, Mapping) else {f: None for f in _S3_FLAGS}
        found |= _s3_block(block, line)  # null: the block taken away
    acl = spec.get("acl")
    if isinstance(acl, str) and acl.strip().lower() in _PUBLIC_ACLS:
        found["acl"] = f"acl {acl}"
    for field in ("grantRead", "grantWrite", "grantReadACP", "grantWriteACP"):
        grant = spec.get(field)
        if isinstance(grant, str) and any(g in grant for g in _PUBLIC_GRANTEES):
            found[field] = f"{field} to everyone ({grant[:60]})"
    grant = spec.get("grantFullControl")
    if isinstance(grant, str) and any(g in grant for g in _PUBLIC_GRANTEES):
        found["grantFullControl"] = "grantFullControl to everyone"
    return found | _terraform("aws_s3_bucket_policy")({"policy": spec.get("policy")}, line)


def _s3_acl(fields: Mapping[str, Any], line: bool) -> dict[str, str]:
    acl = fields.get("acl")
    if isinstance(acl, str) and acl.strip().lower() not in _PUBLIC_ACLS:
        fields = {k: v for k, v in fields.items() if k != "acl"}  # grants may still open
    return _terraform("aws_s3_bucket_acl")(fields, line)


def _kcc_bindings(spec: Mapping[str, Any], line: bool) -> dict[str, str]:
    """IAMPolicy's ``bindings[].members`` (strings), IAMPartialPolicy's (``{member: ...}``)."""
    found: dict[str, str] = {}
    bindings = spec.get("bindings")
    for binding in bindings if isinstance(bindings, list) else ():
        if not isinstance(binding, Mapping):
            continue
        members = binding.get("members")
        members = [
            m.get("member") if isinstance(m, Mapping) else m
            for m in (members if isinstance(members, list) else ())
        ]
        values = {"role": binding.get("role"), "members": members}
        found |= _said(READERS["google_storage_bucket_iam_binding"](values, NEVER_UNKNOWN))
    return found


def _said(openings: Mapping[str, str | None]) -> dict[str, str]:
    """Openings with a reason each: one Terraform knows only on apply is, in an object, a value
    not read here (an unreadable policy) that may open the store."""
    return {k: why or f"{k}: not readable here, may open the store" for k, why in openings.items()}


# (family, API group's first label, kind) -> (what opens, which store).
_KINDS: dict[tuple[str, str, str], tuple[Reader, Resolver]] = {
    ("ack", "s3", "bucket"): (_ack_bucket, ack_bucket_itself),
    ("ack", "rds", "dbinstance"): (
        _terraform("aws_db_instance"),
        database_itself("rds.services.k8s.aws", "dbinstance"),
    ),
    ("aws", "s3", "bucketpublicaccessblock"): (_s3_block, bucket_of),
    ("aws", "s3", "bucketacl"): (_s3_acl, bucket_of),
    ("aws", "s3", "bucketpolicy"): (_terraform("aws_s3_bucket_policy"), bucket_of),
    **{
        ("aws", service, kind): (
            _terraform("aws_db_instance"),
            database_itself(f"{service}.aws.upbound.io", kind),
        )
        for service, kind in (
            ("rds", "instance"),
            ("rds", "clusterinstance"),
            ("database", "rdsinstance"),
        )
    },
    ("kcc", "storage", "storagebucket"): (
        _terraform("google_storage_bucket"),
        gcs_bucket_itself("resourceID"),
    ),
    ("kcc", "iam", "iampolicymember"): (
        _terraform("google_storage_bucket_iam_member"),
        kcc_resource,
    ),
    ("kcc", "iam", "iampolicy"): (_kcc_bindings, kcc_resource),
    ("kcc", "iam", "iampartialpolicy"): (_kcc_bindings, kcc_resource),
    ("gcp", "storage", "bucket"): (_terraform("google_storage_bucket"), gcs_bucket_itself(None)),
    ("gcp", "storage", "bucketiammember"): (
        _terraform("google_storage_bucket_iam_member"),
        gcs_bucket_of,
    ),
    ("gcp", "storage", "bucketiambinding"): (
        _terraform("google_storage_bucket_iam_binding"),
        gcs_bucket_of,
    ),
    ("azure", "storage", "account"): (
        _terraform("azurerm_storage_account"),
        azure_account_itself,
    ),
    ("azure", "storage", "container"): (
        _terraform("azurerm_storage_container"),
        azure_container,
    ),
}


# A group each family's kinds are found in, for a kind written without its group.
_GROUPS = {family: ends[0] for family, ends in _FAMILIES}


def kinds_named(kind: str) -> list[tuple[str, str]]:
    """(API group, ``kind``) of every kind of that name that may open a store."""
    return [(f"{service}{_GROUPS[f]}", k) for f, service, k in _KINDS if k == kind]


def _entry(group: str, kind: str) -> tuple[Reader, Resolver] | None:
    family = next((f for f, ends in _FAMILIES if group.endswith(ends)), None)
    return _KINDS.get((family, group.split(".", 1)[0], kind)) if family else None


def _fields(obj: Any, group: str) -> Mapping[str, Any]:
    """Where the object's settings are: the spec (ACK, Config Connector), else Crossplane's
    ``forProvider`` over ``initProvider`` (merged into it on create)."""
    spec = obj.get("spec") if isinstance(obj, Mapping) else None
    if not isinstance(spec, Mapping):
        return {}
    if group.endswith((".services.k8s.aws", ".cnrm.cloud.google.com")):
        return spec
    given = [spec.get(f) for f in ("initProvider", "forProvider")]
    return {k: v for part in given if isinstance(part, Mapping) for k, v in part.items()}


def _snake(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields with camel-cased keys snake-cased, nested ones too (``blockPublicACLs`` ->
    ``block_public_acls``, ``networkRules.defaultAction`` -> ``network_rules.default_action``)."""
    return {_CAMEL.sub("_", str(k)).lower(): _snaked(v) for k, v in fields.items()}


def _snaked(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _snake(value)
    if isinstance(value, list):
        return [_snaked(v) for v in value]
    return value
