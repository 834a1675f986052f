"""The credential broker: the agent's commands never hold the operator's cloud credentials.

The root cause of the December 2025 incident was an agent running with its operator's broad
production credentials. ``keyturn exec`` therefore runs the agent's command in
:func:`scrubbed_environment`: every AWS credential source the operator's environment offers is
taken away (keys, profiles, config and credentials files, SSO, web identity, container and
instance metadata credentials). Only for an allowed or approved command does it add
:func:`broker_credentials`: short-lived credentials of the role the policy names for that
environment (``credentials.aws.<env>``), assumed with STS ``AssumeRole`` with the agent session
as ``SourceIdentity`` and agent / operator / request as transitive session tags, so that
CloudTrail attributes every call (formats.md §7.2).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyturn.errors import KeyturnError, PolicyError

if TYPE_CHECKING:
    from keyturn.model import Actor
    from keyturn.policy import Policy

# AWS_* variables that say where and how to call, not who calls: kept.
_KEPT_AWS_VARIABLES = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_DEFAULT_OUTPUT",
        "AWS_PAGER",
        "AWS_CA_BUNDLE",
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
        "AWS_USE_FIPS_ENDPOINT",
        "AWS_USE_DUALSTACK_ENDPOINT",
        "AWS_STS_REGIONAL_ENDPOINTS",
        "AWS_ENDPOINT_URL",
        "AWS_CLI_AUTO_PROMPT",
    }
)
_ALLOWED = re.compile(r"[^\w+=,.@-]", re.ASCII)
_TAG_VALUE = re.compile(r"[^\w .:/=+@-]", re.ASCII)
MIN_DURATION, MAX_DURATION = 900, 3600


class CredentialError(KeyturnError):
    """Brokered credentials could not be obtained: the command runs without any."""

    code = "credentials_unavailable"


def scrubbed_environment(
    env: Mapping[str, str], *, state_dir: str | os.PathLike[str]
) -> dict[str, str]:
    """``env`` without the operator's AWS credentials, pointing the AWS config and credentials
    files at empty keyturn-managed files in ``state_dir`` (created, mode 0600).

    Kept: region, endpoint and output settings (``AWS_REGION``, ``AWS_ENDPOINT_URL*``...).
    ``AWS_EC2_METADATA_DISABLED`` is set so that an instance profile is not picked up either.
    """
    aws_dir = Path(state_dir) / "aws"
    aws_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config, credentials = aws_dir / "config", aws_dir / "credentials"
    for path in (config, credentials):
        _write_private(path, "")
    out = {k: v for k, v in env.items() if not k.startswith("AWS_") or _kept(k)}
    out["AWS_CONFIG_FILE"] = str(config)
    out["AWS_SHARED_CREDENTIALS_FILE"] = str(credentials)
    out["AWS_EC2_METADATA_DISABLED"] = "true"
    return out


def _kept(name: str) -> bool:
    return name in _KEPT_AWS_VARIABLES or name.startswith("AWS_ENDPOINT_URL_")


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def sanitized_identity(value: str) -> str:
    """A ``SourceIdentity`` / ``RoleSessionName``: ``[\\w+=,.@-]``, 2 to 64 characters."""
    # ":" is replaced too, so the reserved "aws:" prefix cannot survive.
    cleaned = _ALLOWED.sub("-", value).strip("-")[:64]
    return cleaned if len(cleaned) >= 2 else "kt-" + cleaned


def _tag_value(value: str) -> str:
    return _TAG_VALUE.sub("_", value)[:256]


def broker_credentials(
    *,
    policy: Policy,
    environment: str,
    actor: Actor,
    request_id: str | None,
    sts_client_factory: Callable[[], Any],
) -> dict[str, str]:
    """Short-lived credentials of the role configured for ``environment``, as the three
    ``AWS_*`` variables for the child process.

    Raises :class:`~keyturn.errors.PolicyError` when the policy names no role for that
    environment, and :class:`CredentialError` when STS refuses: the command then gets none.
    """
    role = policy.credentials.aws.get(environment)
    if role is None:
        raise PolicyError(f"credentials.aws.{environment}: no role configured to broker")
    identity = sanitized_identity(actor.session or actor.agent)
    request = str(request_id or "none")
    tags = [
        {"Key": "agent", "Value": _tag_value(actor.agent)},
        {"Key": "operator", "Value": _tag_value(actor.operator)},
        {"Key": "request", "Value": _tag_value(request)},
    ]
    try:
        answer = sts_client_factory().assume_role(
            RoleArn=role.role_arn,
            RoleSessionName=sanitized_identity(f"keyturn-{actor.agent}-{request}"),
            SourceIdentity=identity,
            Tags=tags,
            TransitiveTagKeys=[t["Key"] for t in tags],
            DurationSeconds=min(max(int(role.duration_seconds), MIN_DURATION), MAX_DURATION),
        )
        creds = answer["Credentials"]
        return {
            "AWS_ACCESS_KEY_ID": str(creds["AccessKeyId"]),
            "AWS_SECRET_ACCESS_KEY": str(creds["SecretAccessKey"]),
            "AWS_SESSION_TOKEN": str(creds["SessionToken"]),
        }
    except KeyturnError:
        raise
    except Exception as exc:
        raise CredentialError(
            f"could not assume {role.role_arn} for {environment}: {type(exc).__name__}: {exc}"
        ) from None
