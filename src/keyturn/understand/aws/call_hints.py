"""Where a call lands, as far as its parameters tell: the region and account an ARN (or a
queue URL, or Lambda's partial ARN) among them spells, merged under the caller's hints; and
the account and region its resources are named with."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from keyturn.model import Target
from keyturn.understand.aws import naming
from keyturn.understand.aws.resolved_call import AwsCall

__all__ = ["arn_hints", "call_target", "where_of"]


def arn_hints(params: Any, *, service: str = "") -> tuple[str | None, str | None]:
    """``(region, account)`` from the first name among the parameters that tells them: an ARN,
    and for ``service`` ``sqs`` a queue URL (``https://sqs.R.amazonaws.com/ACCOUNT/q``), for
    ``lambda`` a partial ARN (``ACCOUNT:function:NAME``), which the service takes in their
    place and which name the account as plainly."""
    region = account = None
    stack: list[tuple[str, Any]] = [("", params)]
    while stack and not (region and account):
        key, value = stack.pop(0)
        if isinstance(value, Mapping):
            stack.extend((k, value[k]) for k in sorted(value))
        elif isinstance(value, list):
            stack.extend((key, v) for v in value)
        elif isinstance(value, str):
            found_region, found_account = _name_hints(service, key, value)
            region = region or found_region
            account = account or found_account
    return region, account


def _name_hints(service: str, key: str, value: str) -> tuple[str | None, str | None]:
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        if len(parts) < 6:
            return None, None
        region = parts[3] if parts[3] not in ("", "*") else None
        return region, parts[4] if parts[4].isdigit() else None
    if service == "sqs" and key.lower() in ("queueurl", "queueurls"):
        return _name_hints("", "", naming.queue_arn(value, where=naming.Where("", "")))
    if service == "lambda" and (match := _LAMBDA_PARTIAL.fullmatch(value)):
        return None, match.group(1)
    return None, None


# Lambda's partial ARN, ``123456789012:function:NAME[:QUALIFIER]``: the account is spelt.
_LAMBDA_PARTIAL = re.compile(r"(\d{12}):function:[^:]+(?::[^:]+)?")


def call_target(call: AwsCall, target: Target) -> Target:
    """The target hints of a call: the caller's, then what names among the parameters tell
    (:func:`arn_hints`)."""
    region, account = arn_hints(call.params, service=call.service)
    return target.merged_over(Target(aws_region=region, aws_account=account))


_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")


def where_of(target: Target) -> naming.Where:
    """The account and region names are written with: ``*`` for what is not a real account or
    region (``$R``, an account decided at run time), which no name may pin down."""
    region, account = target.aws_region or "", target.aws_account or ""
    return naming.Where(
        region=region if _REGION.fullmatch(region) else "*",
        account=account if _ACCOUNT.fullmatch(account) else "*",
    )
