"""S3 access points: other names for a bucket (its ARN, ``arn:aws:s3:…:accesspoint/NAME``, or
its alias, ``NAME-…-s3alias``), which object operations take in place of the bucket's name.

Which bucket one reaches is decided when the access point is made, not in the call: a write or
delete through one cannot be placed by the bucket's name (a protected ``arn:aws:s3:::state*``
would not see ``aws s3 rm s3://ap-…-s3alias --recursive``), so it is ``unknown``. Making an
access point names its bucket (``s3control create-access-point --bucket``), which is what keeps
the bucket's protection: the call is judged as a change of that bucket too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["access_point_bucket", "is_access_point"]

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
