"""Which store a cloud-controller object opens (:mod:`~keyturn.understand.k8s_exposure`), named
as the other surfaces name it: ``arn:aws:s3:::<b>`` (with ``s3://<b>`` and ``<b>``), the
database's ARN (:func:`~keyturn.understand.k8s_cloud.cloud_names`), ``gs://<b>``,
``azure:storage/account/<a>``, ``azure:storage/<a>/<c>``.

A store's own object names it by its spec, Crossplane's external name or, before that is set,
its own name. A separate block, ACL, policy or IAM member names the store it applies to by a
field (``bucket``), else by a reference to the store's object (``bucketRef``: that object's
name, its default external name), else a selector picks it in the cluster: which store is then
not told (``known=False``), and the names cover every store of the kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from keyturn.understand.aws_names import s3_bucket_names
from keyturn.understand.k8s_cloud import cloud_names

__all__ = [
    "Resolver",
    "Store",
    "ack_bucket_itself",
    "azure_account_itself",
    "azure_container",
    "bucket_of",
    "database_itself",
    "gcs_bucket_itself",
    "gcs_bucket_of",
    "kcc_resource",
]

_EXTERNAL_NAME = "crossplane.io/external-name"


@dataclass(frozen=True, slots=True)
class Store:
    """A store an object opens: its names as the other surfaces give them, and whether the
    object tells which one it is (``known``; else the names cover every store of the kind)."""

    names: tuple[str, ...]
    rtype: str
    service: str
    known: bool = True
    how: str = ""
    account: str | None = None
    region: str | None = None


Resolver = Callable[[Any, Mapping[str, Any], bool], list[Store]]


def _s3(bucket: str | None, how: str, region: str | None = None) -> Store:
    if bucket:
        return Store((*s3_bucket_names(bucket), bucket), "aws:s3", "s3", how=how, region=region)
    return Store(("arn:aws:s3:::*", "s3://*"), "aws:s3", "s3", known=False, how=how)


def _gs(bucket: str | None, how: str) -> Store:
    bucket = bucket.removeprefix("b/").rpartition("/")[2] if bucket else None
    if bucket:
        return Store((bucket, f"gs://{bucket}"), "gcs-bucket", "storage", how=how)
    return Store(("gs://*",), "gcs-bucket", "storage", known=False, how=how)


def _referred(fields: Mapping[str, Any], field: str, line: bool) -> tuple[str | None, str]:
    """The store a Crossplane reference field names: the value, else its ``<field>Ref``'s name
    (that object's default external name); None with why when a selector picks it."""
    value = _text(fields.get(field))
    if value:
        return value, ""
    ref = fields.get(f"{field}Ref")
    name = _text(ref.get("name")) if isinstance(ref, Mapping) else None
    if name:
        return name, f"the one its {field}Ref {name} names by default"
    if line:  # a patch that does not write it: in the object, not on the line
        return None, f"which one it applies to ({field}) is in the object, not on the line"
    return None, f"which one its {field}Selector picks is decided in the cluster"


def _own_name(obj: Any, field: str | None = None) -> str | None:
    """A store's name from its own object: a spec field, else Crossplane's external name, else
    the object's name (its default)."""
    spec = obj.get("spec") if isinstance(obj, Mapping) else None
    named = _text(spec.get(field)) if field and isinstance(spec, Mapping) else None
    metadata = obj.get("metadata") if isinstance(obj, Mapping) else None
    metadata = metadata if isinstance(metadata, Mapping) else {}
    annotations = metadata.get("annotations")
    external = annotations.get(_EXTERNAL_NAME) if isinstance(annotations, Mapping) else None
    return named or _text(external) or _text(metadata.get("name"))


def _unsure(line: bool, store: Store, every: Store) -> list[Store]:
    """``store``, and when only the line is known (not the object, which may name another
    resource by its annotation or spec) the ``unknown`` on ``every`` store of the kind too."""
    return [store, every] if line else [store]


def bucket_of(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
    bucket, how = _referred(fields, "bucket", line)
    return [_s3(bucket, how, _text(fields.get("region")))]


def gcs_bucket_of(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
    return [_gs(*_referred(fields, "bucket", line))]


def ack_bucket_itself(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
    found = cloud_names(obj, group="s3.services.k8s.aws", kind="bucket")
    bucket = _text(fields.get("name"))
    if found is None and not bucket:
        return [_s3(None, "its bucket's name is in the object (spec.name), not on the line")]
    names = (*(found.names if found else ()), *(_s3(bucket, "").names if bucket else ()))
    store = Store(
        tuple(dict.fromkeys(names)),
        "aws:s3",
        "s3",
        account=found.account if found else None,
        region=found.region if found else None,
    )
    return [store]


def database_itself(group: str, kind: str) -> Resolver:
    def resolve(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
        every = Store(
            ("arn:aws:rds:*:*:db:*",),
            "aws:rds",
            "rds",
            known=False,
            how="which database the object stands for is in it, not on the line",
        )
        found = cloud_names(obj, group=group, kind=kind)
        if found is None:
            return [every]
        store = Store(found.names, "aws:rds", "rds", account=found.account, region=found.region)
        return _unsure(line, store, every)

    return resolve


def gcs_bucket_itself(field: str | None) -> Resolver:
    def resolve(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
        every = _gs(None, "which bucket the object stands for is in it, not on the line")
        return _unsure(line, _gs(_own_name(obj, field), ""), every)

    return resolve


def kcc_resource(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
    """Config Connector's ``resourceRef``: a StorageBucket by its ``external`` name or its
    object's name (whose ``resourceID`` defaults to it); another kind's store is not named."""
    ref = fields.get("resourceRef")
    ref = ref if isinstance(ref, Mapping) else {}
    if str(ref.get("kind", "")).lower() != "storagebucket":
        return []
    external, name = _text(ref.get("external")), _text(ref.get("name"))
    how = "" if external else f"the one its StorageBucket {name} names by default"
    return [_gs(external or name, how if name else "its resourceRef is not told")]


def azure_account_itself(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
    account = _own_name(obj)
    every = Store(
        ("azure:storage/account/*",),
        "azure-storage",
        "storage",
        known=False,
        how="which account the object stands for is in it, not on the line",
    )
    own = Store((f"azure:storage/account/{account}",), "azure-storage", "storage")
    return _unsure(line, own, every) if account else [every]


def azure_container(obj: Any, fields: Mapping[str, Any], line: bool) -> list[Store]:
    name = (_own_name(obj) or "").rpartition("/")[2] or "*"
    account_id = _text(fields.get("storageAccountId"))
    account, how = _referred(fields, "storageAccountName", line)
    account = account or (account_id.rpartition("/")[2] if account_id else None)
    if account and name != "*":
        names = (f"azure:storage/{account}/{name}", f"azure:storage/{account}/{name}/*")
        return [Store(names, "azure-storage", "storage", how=how)]
    return [
        Store(
            (f"azure:storage/*/{name}",),
            "azure-storage",
            "storage",
            known=False,
            how=how or "its account is not told",
        )
    ]


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
