"""A database made public from another's data exposes that data (:mod:`._exposure`).

An ``aws_db_instance`` created (or replaced) publicly accessible from a snapshot
(``snapshot_identifier``), as a read replica (``replicate_source_db``), restored to a point in
time of another instance (``restore_to_point_in_time``) or loaded from an S3 backup
(``s3_import``) holds the source's data from its first moment: whoever may reach it from
anywhere may copy that data away. So the change removes the protection of the *source*, named
as the plan names RDS instances (``arn:aws:rds:*:*:db:<id>``, and the identifier itself) or
as the AWS CLI names snapshots (``arn:aws:rds:*:*:snapshot:<id>``); an ARN as it is given.

What decides is read as the AWS provider's schema gives it (``terraform providers schema
-json``, hashicorp/aws 5.100.0, run here): ``publicly_accessible`` is optional, not computed;
``snapshot_identifier`` is optional *and computed*, so a plan marks it known only on apply
both when it comes from another resource and when it is not set at all: the two cannot be
told apart from the plan's values, and a public database with such a snapshot is ``unknown``
(held), never taken as made from nothing. A source named only by a resource id
(``source_dbi_resource_id``) or an automated backups ARN is not tied to a name a policy can
protect: ``unknown`` too. ``aws_rds_cluster`` has no ``publicly_accessible`` in that schema (an
Aurora cluster is reached through its ``aws_rds_cluster_instance``, which names its cluster,
not the snapshot), so a restored cluster is not read here.

A replace whose old object was already public from the same source opens nothing new.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from keyturn.understand.aws_names import resource_names, s3_bucket_names
from keyturn.understand.terraform._public_values import NEVER_UNKNOWN, Unknown

__all__ = ["SOURCE_TYPES", "Source", "exposed_sources"]

SOURCE_TYPES = frozenset({"aws_db_instance"})

_ARNS = {"db": "arn:aws:rds:*:*:db:{}", "snapshot": "arn:aws:rds:*:*:snapshot:{}"}


@dataclass(frozen=True, slots=True)
class Source:
    """Whose data a new public database holds: its names and type, why for people, and
    whether that is known (``False``: held as ``unknown``)."""

    names: tuple[str, ...]
    type: str
    why: str
    known: bool


def exposed_sources(
    values: dict[str, Any], before: dict[str, Any] | None, *, address: str, unknown: Unknown,
    unknown_within: Callable[[str], bool],
) -> list[Source]:  # fmt: skip
    """The sources whose data the database of ``values`` (created) opens to the world;
    ``before``: the replaced object, whose openings are not new. ``unknown_within(attr)``
    tells whether anything inside a block is known only on apply."""
    public = _public(values, unknown)
    if public is None:
        return []
    found = _sources(values, address, unknown, unknown_within)
    if before is not None and _public(before, NEVER_UNKNOWN):
        had = _sources(before, address, NEVER_UNKNOWN, lambda _: False)
        found = {k: v for k, v in found.items() if k not in had}
    out = []
    for source in found.values():
        if public:
            out.append(source)
        else:  # publicly_accessible known only on apply
            why = f"{source.why}; publicly_accessible known only on apply"
            out.append(Source(source.names, source.type, why, known=False))
    return out


def _public(values: dict[str, Any], unknown: Unknown) -> bool | None:
    """True when public, False when that is known only on apply, None when not public."""
    if values.get("publicly_accessible") is True:
        return True
    return False if unknown("publicly_accessible") else None


def _sources(
    values: dict[str, Any], address: str, unknown: Unknown, unknown_within: Callable[[str], bool]
) -> dict[str, Source]:
    found: dict[str, Source] = {}
    replica = _text(values, "replicate_source_db")
    if replica:
        found[f"db {replica}"] = Source(
            _rds_names("db", replica), "aws_db_instance", f"read replica of {replica}",
            known=True,
        )  # fmt: skip
    elif unknown("replicate_source_db"):
        found["replica"] = _unknown_source(address, "replicate_source_db known only on apply")
    imported = _s3_import(values, address, unknown_within)
    found |= imported
    snapshot = _text(values, "snapshot_identifier")
    if snapshot:
        found[f"snapshot {snapshot}"] = Source(
            _rds_names("snapshot", snapshot), "aws_db_snapshot",
            f"restored from snapshot {snapshot}", known=True,
        )  # fmt: skip
    elif unknown("snapshot_identifier") and not (replica or imported):
        # The provider's create takes one source, a replica's or an S3 backup's before a
        # snapshot's (resourceDBInstanceCreate's if/else chain): beside those, the unknown
        # snapshot is the computed one, never used.
        found["snapshot"] = _unknown_source(address, "snapshot_identifier known only on apply "
                                            "(or not set: the provider computes it)")  # fmt: skip
    found |= _point_in_time(values, address, unknown_within)
    return found


def _point_in_time(
    values: dict[str, Any], address: str, unknown_within: Callable[[str], bool]
) -> dict[str, Source]:
    block = _block(values.get("restore_to_point_in_time"))
    if unknown_within("restore_to_point_in_time"):
        return {"point in time": _unknown_source(address, "restore_to_point_in_time known only "
                                                 "on apply")}  # fmt: skip
    source = _text(block, "source_db_instance_identifier")
    if source:
        return {
            f"db {source}": Source(
                _rds_names("db", source), "aws_db_instance",
                f"restored to a point in time of {source}", known=True,
            )
        }  # fmt: skip
    for attr in ("source_dbi_resource_id", "source_db_instance_automated_backups_arn"):
        other = _text(block, attr)
        if other:
            why = f"restored from {attr} {other}: not a name a policy protects"
            return {f"{attr} {other}": Source((other,), "aws_db_instance", why, known=False)}
    return {}


def _s3_import(
    values: dict[str, Any], address: str, unknown_within: Callable[[str], bool]
) -> dict[str, Source]:
    if unknown_within("s3_import"):
        return {"s3": _unknown_source(address, "s3_import known only on apply")}
    bucket = _text(_block(values.get("s3_import")), "bucket_name")
    if not bucket:
        return {}
    names = (*s3_bucket_names(bucket), bucket)
    why = f"loaded from S3 bucket {bucket}"
    return {f"s3 {bucket}": Source(names, "s3-bucket", why, known=True)}


def _unknown_source(address: str, why: str) -> Source:
    return Source((f"{address} (source)",), "aws_db_instance", why, known=False)


def _rds_names(kind: str, value: str) -> tuple[str, ...]:
    """An RDS instance or snapshot as policies name it: its ARN (lower-cased too: RDS keeps
    identifiers in lower case), in the ``aws`` partition too, and the identifier given."""
    arn = value if value.startswith("arn:") else _ARNS[kind].format(value)
    return tuple(dict.fromkeys((*resource_names(f"rds:{kind}", arn), value)))


def _block(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else {}


def _text(values: dict[str, Any], attr: str) -> str:
    value = values.get(attr)
    return value if isinstance(value, str) else ""
