"""The environment ``keyturn exec`` gives the command it runs.

The agent must never hold its operator's cloud credentials (the root cause of the December 2025
incident). Every command therefore starts from
:func:`~keyturn.integrations.credentials.scrubbed_environment`: no ``AWS_*`` credential, profile
or session variable, and the AWS config and credentials files pointed at empty keyturn-managed
files under ``$KEYTURN_HOME``. Only an allowed or approved command gets cloud credentials, and
only those of the role the policy names for the command's environment (``credentials.aws.<env>``),
assumed with STS for this one command, with the agent session as ``SourceIdentity``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from keyturn.errors import KeyturnError
from keyturn.integrations.credentials import (
    broker_credentials,
    sanitized_identity,
    scrubbed_environment,
)
from keyturn.model import Decision, Verdict

if TYPE_CHECKING:
    from keyturn.gate import Outcome
    from keyturn.policy import Policy


@dataclass(frozen=True, slots=True)
class ChildEnvironment:
    """The variables the command runs with, the role brokered (``None``: no cloud credentials
    at all) and one line for the person at the terminal saying which."""

    variables: Mapping[str, str]
    role_arn: str | None
    note: str


def sts_client_from_process() -> Any:
    """An STS client with keyturn's own credentials (the operator's, which keyturn holds and
    the command does not). ``AWS_ENDPOINT_URL`` / ``AWS_ENDPOINT_URL_STS`` are honoured."""
    import boto3

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return boto3.Session().client("sts", region_name=region)


def command_environment(decision: Decision, *, explicit: str | None = None) -> str | None:
    """The one environment the command acts on: ``--env`` when given, else the environment of
    its judged effects when they agree. ``None`` when they span several: then no role fits."""
    if explicit:
        return explicit
    environments = {j.environment for j in decision.judgements}
    return environments.pop() if len(environments) == 1 else None


def child_environment(
    outcome: Outcome,
    *,
    policy: Policy,
    environ: Mapping[str, str],
    state_dir: str | os.PathLike[str],
    environment: str | None = None,
    sts_client_factory: Callable[[], Any] | None = None,
) -> ChildEnvironment:
    """The environment for the command of ``outcome``: always scrubbed; with brokered
    credentials only when the outcome is ``allow`` and the policy names a role for the
    command's environment. A broker failure leaves the command without credentials (it never
    falls back to the operator's). ``sts_client_factory`` defaults to
    :func:`sts_client_from_process`."""
    base = scrubbed_environment(environ, state_dir=state_dir)
    if outcome.verdict is not Verdict.ALLOW:
        return ChildEnvironment(base, None, "not allowed: no cloud credentials")
    env_name = command_environment(outcome.decision, explicit=environment)
    if env_name is None:
        spread = sorted({j.environment for j in outcome.decision.judgements})
        return ChildEnvironment(
            base,
            None,
            f"the command acts on several environments ({', '.join(spread)}): "
            "it runs with no cloud credentials",
        )
    role = policy.credentials.aws.get(env_name)
    if role is None:
        return ChildEnvironment(
            base,
            None,
            f"no role configured for {env_name} (credentials.aws.{env_name}): "
            "the command runs with no cloud credentials",
        )
    actor = outcome.decision.actor
    try:
        brokered = broker_credentials(
            policy=policy,
            environment=env_name,
            actor=actor,
            request_id=outcome.request_id,
            sts_client_factory=sts_client_factory or sts_client_from_process,
        )
    except KeyturnError as exc:
        return ChildEnvironment(
            base, None, f"{exc.message}: the command runs with no cloud credentials"
        )
    identity = sanitized_identity(actor.session or actor.agent)
    return ChildEnvironment(
        {**base, **brokered},
        role.role_arn,
        f"short-lived credentials of {role.role_arn} for {env_name} (source identity {identity})",
    )
