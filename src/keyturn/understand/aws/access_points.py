"""S3 access points: other names for a bucket (its ARN, ``arn:aws:s3:…:accesspoint/NAME``, or
its alias, ``NAME-…-s3alias``), which object operations take in place of the bucket's name.

Which bucket one reaches is decided when the access point is made, not in the call: a write or
delete through one cannot be placed by the bucket's name (a protected ``arn:aws:s3:::state*``
would not see ``aws s3 rm s3://ap-…-s3alias --recursive``), so it is ``unknown``. Making an
access point names its bucket (``s3control create-access-point --bucket``), which is what keeps
the bucket's protection: the call is judged as a change of that bucket too.

An access point's policy letting anyone in (``s3control put-access-point-policy``, its Object
Lambda and Multi-Region forms; :func:`~.public_exposure.public_statement`) opens the access
point, and through it the data of the bucket behind it (S3's "Blocking public access": an
access point whose own block allows it is public by its policy). The access point is named as
its ARN, an ``update`` that removes its protection; the bucket behind it is not in the call, so
its opening is ``unknown`` on every bucket (held for a human) -- a bucket a Cloud Control
``AWS::S3::AccessPoint`` names is opened by name (:mod:`.cloud_control_openings`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.call_hints import where_of
from keyturn.understand.aws.public_exposure import exposure
from keyturn.understand.aws.resolved_call import AwsCall, call_effect

__all__ = ["access_point_bucket", "is_access_point", "policy_exposure"]

# An access point's ARN (also multi-Region, Object Lambda and Outposts ones), or its alias:
# ``<name>-<random>-s3alias`` (``--op-s3`` for Object Lambda, ``--ol-s3`` for Outposts).
_ACCESS_POINT = re.compile(
    r"^(?:arn:aws[a-z-]*:s3(?:-object-lambda|-outposts)?:[^:]*:\d*:(?:accesspoint|outpost)[/:]"
    r"|.+-s3alias$|.+--(?:op|ol)-s3$)"
)


def is_access_point(bucket: str) -> bool:
    """Whether a ``Bucket`` value (or an ``s3://`` URL's host) names an access point."""
    return _ACCESS_POINT.match(bucket) is not None


def access_point_bucket(service: str, operation: str, params: Mapping[str, Any]) -> str | None:
    """The bucket an ``s3control`` call making an access point puts it on, if any."""
    if service != "s3control" or not operation.startswith("CreateAccessPoint"):
        return None
    bucket = params.get("Bucket")
    return bucket if isinstance(bucket, str) and bucket else None


# The calls that set an access point's policy, by the ARN service its name is under (None: a
# Multi-Region access point, whose ARN is spelt with its alias, which the call does not give).
_POLICIES = {
    "s3control:PutAccessPointPolicy": "s3",
    "s3control:PutAccessPointPolicyForObjectLambda": "s3-object-lambda",
    "s3control:PutMultiRegionAccessPointPolicy": None,
}
_BEHIND = "the bucket behind the access point is not in the call: any bucket may be opened"


def policy_exposure(call: AwsCall, target: Target) -> list[Effect]:
    """A policy letting anyone into an access point: an ``update`` of the access point (by its
    ARN) that removes its protection, and an ``unknown`` on the buckets it may front."""
    if call.qualified not in _POLICIES:
        return []
    why = exposure(call)
    if why is None:
        return []
    found: list[Effect] = []
    name, arn_service = call.params.get("Name"), _POLICIES[call.qualified]
    # (An ARN given as the name is what the call's own effect names already.)
    if isinstance(name, str) and name and not name.startswith("arn:") and arn_service:
        where = where_of(target)
        account = call.params.get("AccountId")
        account = account if isinstance(account, str) and account else where.account
        arn = f"arn:aws:{arn_service}:{where.region}:{account}:accesspoint/{name}"
        point = Resource(names=(arn,), type="s3-access-point")
        note = f"removes protection: {why}: the access point is open to anyone"
        found.append(call_effect(call, EffectKind.UPDATE, point, target, [note], removes=True))
    buckets = Resource(names=("arn:aws:s3:::*", "s3://*"), type="s3-bucket")
    note = f"opened to the world through an access point ({why}): {_BEHIND}"
    found.append(call_effect(call, EffectKind.UNKNOWN, buckets, target, [note]))
    return found
