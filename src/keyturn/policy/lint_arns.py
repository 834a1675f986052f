"""AWS patterns of ``keyturn policy lint`` that name no resource although they look right.

``arn:aws:rds:*:*:db/legacy-*`` starts like an ARN, yet RDS writes ``db:NAME``: the pattern
protects nothing and no warning said so. The resource types and their separators are read from
the table the AWS understanding names resources with (:mod:`keyturn.understand.aws.naming`), so
lint and the names it checks against cannot drift apart. Only a type that table knows is judged,
and only its separator or its case: a type it does not know may well exist.

S3 adds two slips: a bucket ARN ending in ``/`` (no name does) and capitals in a bucket name
(bucket names are lower-case).

The fields before the resource have theirs (:func:`field_problem`): the AWS understanding writes
the partition ``aws`` in every region -- the mainland-China region of the December 2025 incident
too -- so ``arn:aws-cn:…`` misses every CLI and API call; a region or account left empty where
the service's names carry one (``arn:aws:rds:::db:x``) matches only calls that do not name it;
and an account is twelve digits.
"""

from __future__ import annotations

import re
from functools import cache

from keyturn.policy.matching import is_literal

__all__ = ["arn_problem", "field_problem", "s3_problem"]

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
# The resource type at the start of an ARN's last field (``db`` of ``db:x``, ``table`` of
# ``table/x``); none for the services whose names have no type (``arn:aws:sqs:r:a:queue``).
_TYPE = re.compile(r"(?P<type>[A-Za-z-]+)[:/]")
_ACCOUNT = re.compile(r"\d{12}|aws\Z")  # ``aws``: AWS-managed IAM policies (arn:aws:iam::aws:…)
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


@cache
def _fields() -> dict[str, dict[str, frozenset[tuple[bool, bool]]]]:
    """service -> resource type ("" for none) -> the ways its names carry a region and an
    account (an EC2 image is named both with and without the account: either matches)."""
    from keyturn.understand.aws.naming import arn_templates

    layouts: dict[str, dict[str, set[tuple[bool, bool]]]] = {"s3": {"": {(False, False)}}}
    for template in (*arn_templates(), *_BESIDE_THE_TABLE):
        _, _, service, region, account, rest = template.split(":", 5)
        kind = _TYPE.match(rest)
        types = layouts.setdefault(service, {})
        types.setdefault(kind["type"] if kind else "", set()).add((region != "", account != ""))
    return {s: {t: frozenset(ways) for t, ways in types.items()} for s, types in layouts.items()}


def arn_problem(pattern: str) -> str | None:
    """Why the ARN ``pattern`` names no resource: a resource type the service writes with the
    other separator (``db/`` for RDS's ``db:``) or in another case, or a field before it that
    names do not have (:func:`field_problem`); or ``None``."""
    return _type_problem(pattern) or field_problem(pattern)


def field_problem(pattern: str) -> str | None:
    """Why the partition, region or account of the ARN ``pattern`` misses the names keyturn
    writes: a partition other than ``aws``, an empty region or account where the service's
    names carry one (or one given where they have none), an account that is not 12 digits."""
    parts = pattern.split(":", 5)
    if len(parts) < 6 or not all(map(is_literal, parts[1:3])):
        return None  # a * before the service may span fields: nothing to tell
    _, partition, service, region, account, rest = parts
    if partition != "aws":
        return (
            f"has partition '{partition}': keyturn names what AWS calls change arn:aws:… in "
            "every partition and region (only a Terraform plan's own ARN keeps its partition), "
            f"so it misses the AWS CLI and API: write arn:aws:{service}:…"
        )
    layout = _layout(service, rest)
    if layout is None:
        return None
    regional, owned = layout
    for what, value, carried in (("region", region, regional), ("account", account, owned)):
        if not is_literal(value):
            continue
        if carried and value == "":
            return (
                f"has no {what}: {service} names carry one ('*' when the call does not tell), "
                f"so it misses every call that names its {what}"
            )
        if not carried and value != "":
            return f"has {what} '{value}': {service} names have none (write '::')"
    if is_literal(account) and account and not _ACCOUNT.match(account):
        return f"has account '{account}': AWS account IDs are 12 digits"
    return None


def _layout(service: str, rest: str) -> tuple[bool, bool] | None:
    """Whether names of ``service`` whose last field is ``rest`` carry a region and account:
    by the resource type, else by the service when all its types agree; ``None`` if unknown."""
    types = _fields().get(service)
    if not types:
        return None
    kind = _TYPE.match(rest)
    if kind and kind["type"] in types:
        ways = types[kind["type"]]
    elif not kind and "" in types:
        ways = types[""]
    else:
        ways = frozenset().union(*types.values())
    return next(iter(ways)) if len(ways) == 1 else None


def _type_problem(pattern: str) -> str | None:
    """The separator or case of the resource type (see :func:`arn_problem`)."""
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
