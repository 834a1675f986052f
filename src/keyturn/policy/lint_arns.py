"""AWS patterns of ``keyturn policy lint`` that name no resource although they look right.

``arn:aws:rds:*:*:db/legacy-*`` starts like an ARN, yet RDS writes ``db:NAME``: the pattern
protects nothing and no warning said so. The resource types and their separators are read from
the table the AWS understanding names resources with (:mod:`keyturn.understand.aws.naming`), so
lint and the names it checks against cannot drift apart. Only a type that table knows is judged,
and only its separator or its case: a type it does not know may well exist.

S3 adds two slips: a bucket ARN ending in ``/`` (no name does) and capitals in a bucket name
(bucket names are lower-case).
"""

from __future__ import annotations

import re
from functools import cache

from keyturn.policy.matching import is_literal

__all__ = ["arn_problem", "s3_problem"]

# arn:PARTITION:SERVICE:REGION:ACCOUNT:TYPE<sep>..., the service, type and separator literal.
_ARN = re.compile(
    r"arn:[^:*?]*:(?P<service>[a-z0-9-]+):[^:]*:[^:]*:(?P<type>[A-Za-z-]+)(?P<sep>[:/])"
)
# The names arn_for writes outside its table (kms, route53, ssm, ecs services).
_BESIDE_THE_TABLE = (
    "arn:aws:kms:{r}:{a}:key/{v}",
    "arn:aws:kms:{r}:{a}:alias/{v}",
    "arn:aws:route53:::hostedzone/{v}",
    "arn:aws:ssm:{r}:{a}:parameter/{v}",
    "arn:aws:ecs:{r}:{a}:service/{v}",
)
_S3 = re.compile(r"(?P<prefix>arn:[^:*?]*:s3:::|s3://)(?P<bucket>[^/]*)(?P<rest>.*)\Z", re.DOTALL)


@cache
def _separators() -> dict[str, dict[str, str]]:
    """service -> resource type -> the separator its ARNs put after the type."""
    # The very layouts the AWS understanding makes names with.
    from keyturn.understand.aws.naming import arn_templates

    layouts: dict[str, dict[str, str]] = {}
    for template in (*arn_templates(), *_BESIDE_THE_TABLE):
        match = _ARN.match(template.replace("{r}", "r").replace("{a}", "a"))
        if match:
            layouts.setdefault(match["service"], {})[match["type"]] = match["sep"]
    return layouts


def arn_problem(pattern: str) -> str | None:
    """Why the ARN ``pattern`` names no resource: a resource type the service writes with the
    other separator (``db/`` for RDS's ``db:``) or in another case; or ``None``."""
    match = _ARN.match(pattern)
    if match is None:
        return s3_problem(pattern)
    service, kind, sep = match["service"], match["type"], match["sep"]
    types = _separators().get(service, {})
    if types.get(kind) == sep:
        return None
    known = next((t for t in types if t.lower() == kind.lower()), None)
    if known is None:
        return s3_problem(pattern)
    right = f"{known}{types[known]}"
    return f"has '{kind}{sep}' where {service} ARNs have '{right}' ({right}NAME)"


def s3_problem(pattern: str) -> str | None:
    """Why the S3 ``pattern`` (``arn:aws:s3:::…`` or ``s3://…``) names no bucket or object:
    a bucket name with capitals, or a bucket followed by a bare ``/``; or ``None``."""
    match = _S3.match(pattern)
    if match is None:
        return None
    prefix, bucket, rest = match["prefix"], match["bucket"], match["rest"]
    if bucket != bucket.lower():
        # Only us-east-1 buckets made before March 2018 could have capitals.
        return f"has bucket '{bucket}': S3 bucket names are lower-case"
    if rest == "/" and bucket and is_literal(bucket):
        return (
            f"ends with '/': no name does ({prefix}{bucket} is the bucket, "
            f"{prefix}{bucket}/* what is in it)"
        )
    return None
