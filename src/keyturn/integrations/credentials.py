"""The credential broker: the agent's commands never hold the operator's cloud credentials.

The root cause of the December 2025 incident was an agent running with its operator's broad
production credentials. ``keyturn exec`` therefore runs the agent's command in
:func:`scrubbed_environment`: every AWS credential source the operator's environment offers is
taken away (keys, profiles, config and credentials files, SSO, web identity, container and
instance metadata credentials), and so are the other clouds' and clusters' credentials carried
in variables (``VAULT_TOKEN``, ``GOOGLE_APPLICATION_CREDENTIALS``, ``AZURE_CLIENT_SECRET``,
``TF_TOKEN_<host>``...). Only for a command :mod:`keyturn.integrations.execution.environment`
finds fit does it add :func:`broker_credentials`: short-lived credentials of the role the policy
names for that environment (``credentials.aws.<env>``), assumed with STS ``AssumeRole`` with the
agent session as ``SourceIdentity`` and agent / operator / request as transitive session tags,
so that CloudTrail attributes every call (formats.md §7.2).

What this does not hide: a file the command reads by its path. ``cat ~/.aws/credentials`` or
``cat ~/.kube/config`` is a read the policy judges like any other (keyturn has no notion of the
operator's secrets besides its own); a policy that must keep them from the agent denies those
reads by name. The variables naming where a tool keeps its login (``KUBECONFIG``,
``CLOUDSDK_CONFIG``, ``AZURE_CONFIG_DIR``) stay: without them the tool would fall back to its
default file -- another cluster or account than the one the command was judged on.
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
# Other clouds' and clusters' credentials carried in variables: the secret itself, or where a
# key file is. The names the common tools read (Google's auth libraries and gcloud, Azure's
# EnvironmentCredential and terraform's azurerm, terraform's kubernetes and helm providers,
# Vault, Consul, Nomad, Terraform Cloud, OpenStack and the smaller clouds' CLIs).
_CREDENTIAL_VARIABLES = frozenset(
    {
        *("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CREDENTIALS", "GOOGLE_CLOUD_KEYFILE_JSON"),
        *("GCLOUD_KEYFILE_JSON", "GOOGLE_OAUTH_ACCESS_TOKEN", "CLOUDSDK_AUTH_ACCESS_TOKEN_FILE"),
        "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
        *("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_USERNAME"),
        *("AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE"),
        *("ARM_CLIENT_SECRET", "ARM_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PASSWORD"),
        *("ARM_ACCESS_KEY", "ARM_SAS_TOKEN", "ARM_OIDC_TOKEN", "ARM_OIDC_TOKEN_FILE_PATH"),
        *("ARM_OIDC_REQUEST_TOKEN", "KUBE_TOKEN", "KUBE_PASSWORD", "KUBE_CLIENT_KEY_DATA"),
        *("HELM_KUBETOKEN", "VAULT_TOKEN", "CONSUL_HTTP_TOKEN", "NOMAD_TOKEN", "TFE_TOKEN"),
        *("ATLAS_TOKEN", "DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "HCLOUD_TOKEN"),
        *("LINODE_TOKEN", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "ALICLOUD_ACCESS_KEY"),
        *("ALICLOUD_SECRET_KEY", "OS_PASSWORD", "OS_TOKEN", "OS_APPLICATION_CREDENTIAL_SECRET"),
        *("SCW_SECRET_KEY", "IBMCLOUD_API_KEY", "IC_API_KEY"),
    }
)
# Terraform's per-host API tokens (``TF_TOKEN_app_terraform_io``).
_CREDENTIAL_PREFIXES = ("TF_TOKEN_",)
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
    files at empty keyturn-managed files in ``state_dir`` (created, mode 0600), and without the
    other clouds' credential variables (see the module doc).

    Kept: region, endpoint and output settings (``AWS_REGION``, ``AWS_ENDPOINT_URL*``...).
    ``AWS_EC2_METADATA_DISABLED`` is set to ``true`` (botocore compares it, lower-cased, with
    ``"true"``) so that an instance profile is not picked up either.
    """
    aws_dir = Path(state_dir) / "aws"
    aws_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config, credentials = aws_dir / "config", aws_dir / "credentials"
    for path in (config, credentials):
        _write_private(path, "")
    out = {k: v for k, v in env.items() if _kept(k)}
    out["AWS_CONFIG_FILE"] = str(config)
    out["AWS_SHARED_CREDENTIALS_FILE"] = str(credentials)
    out["AWS_EC2_METADATA_DISABLED"] = "true"
    return out


def _kept(name: str) -> bool:
    if name in _CREDENTIAL_VARIABLES or name.startswith(_CREDENTIAL_PREFIXES):
        return False
    if not name.startswith("AWS_"):
        return True
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
    read_only: bool = False,
) -> dict[str, str]:
    """Short-lived credentials of the role configured for ``environment`` (its read-only
    ``read_role_arn`` when ``read_only``), as the three ``AWS_*`` variables for the child
    process.

    Raises :class:`~keyturn.errors.PolicyError` when the policy names no such role for that
    environment, and :class:`CredentialError` when STS refuses: the command then gets none.
    """
    configured = policy.credentials.aws.get(environment)
    if configured is None:
        raise PolicyError(f"credentials.aws.{environment}: no role configured to broker")
    role_arn = configured.read_role_arn if read_only else configured.role_arn
    if role_arn is None:
        raise PolicyError(f"credentials.aws.{environment}.read_role_arn: no read-only role")
    identity = sanitized_identity(actor.session or actor.agent)
    request = str(request_id or "none")
    tags = [
        {"Key": "agent", "Value": _tag_value(actor.agent)},
        {"Key": "operator", "Value": _tag_value(actor.operator)},
        {"Key": "request", "Value": _tag_value(request)},
    ]
    try:
        answer = sts_client_factory().assume_role(
            RoleArn=role_arn,
            RoleSessionName=sanitized_identity(f"keyturn-{actor.agent}-{request}"),
            SourceIdentity=identity,
            Tags=tags,
            TransitiveTagKeys=[t["Key"] for t in tags],
            DurationSeconds=min(max(int(configured.duration_seconds), MIN_DURATION), MAX_DURATION),
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
            f"could not assume {role_arn} for {environment}: {type(exc).__name__}: {exc}"
        ) from None
