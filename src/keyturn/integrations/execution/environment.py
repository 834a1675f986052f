"""The environment ``keyturn exec`` gives the command it runs.

The agent must never hold its operator's cloud credentials (the root cause of the December 2025
incident). Every command therefore starts from :func:`base_environment`:
:func:`~keyturn.integrations.credentials.scrubbed_environment` (no ``AWS_*`` credential, profile
or session variable, the AWS config and credentials files pointed at empty keyturn-managed files
under ``$KEYTURN_HOME``, no other cloud's credential variables) without the settings that make
a program run or load code (:mod:`.code_variables`).

Only an allowed or approved command gets cloud credentials, only those of the role the policy
names for the command's environment (``credentials.aws.<env>``), assumed with STS for this one
command with the agent session as ``SourceIdentity`` -- and only when handing them over gives
code the command may run nothing the agent could not do anyway (:func:`role_refusal`). A read
the policy allows without review may still run code nobody judged: ``terraform plan`` runs the
providers and any ``credential_process`` the project's configuration names, ``alembic current``
runs ``env.py``, ``cdk diff`` the CDK app. With production's role that code would reach
production unreviewed. So the role goes to a command that reviewers approved, to one made only
of AWS CLI calls on AWS resources (the CLI runs no project code: its config file is keyturn's
empty one and its aliases are judged), or to any allowed command in an environment where the
policy lets the agent create, change, delete and replace without review (there the role gives
nothing more). Anything else runs without credentials, and the note says why.
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
from keyturn.integrations.execution.code_variables import without_code_settings
from keyturn.model import (
    Action,
    ActionKind,
    Actor,
    Decision,
    Effect,
    EffectKind,
    Resource,
    Target,
    Verdict,
)

if TYPE_CHECKING:
    from keyturn.gate import Outcome
    from keyturn.policy import Policy

# What every note without brokered credentials ends with: true of the variables, not of a
# CLI's own login file the command reads by its path (~/.kube/config: see credentials.py).
NO_CREDENTIALS = "the command runs with no cloud credentials in its environment"


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


def base_environment(
    environ: Mapping[str, str], *, state_dir: str | os.PathLike[str]
) -> tuple[dict[str, str], str]:
    """What every command starts from (see the module doc), and a note naming the settings
    that run code which were not passed on (``""`` when there were none)."""
    base, removed = without_code_settings(scrubbed_environment(environ, state_dir=state_dir))
    if not removed:
        return base, ""
    return base, (
        f"not passed on, as they make programs run or load code: {', '.join(removed)} "
        "(set one on the command line to have it judged)"
    )


def child_environment(
    outcome: Outcome,
    *,
    policy: Policy,
    environ: Mapping[str, str],
    state_dir: str | os.PathLike[str],
    environment: str | None = None,
    sts_client_factory: Callable[[], Any] | None = None,
) -> ChildEnvironment:
    """The environment for the command of ``outcome``: always :func:`base_environment`; with
    brokered credentials only when the outcome is ``allow``, the policy names a role for the
    command's environment and :func:`role_refusal` finds nothing against it. A broker failure
    leaves the command without credentials (it never falls back to the operator's).
    ``sts_client_factory`` defaults to :func:`sts_client_from_process`."""
    base, withheld = base_environment(environ, state_dir=state_dir)

    def without(why: str) -> ChildEnvironment:
        return ChildEnvironment(base, None, _joined(f"{why}: {NO_CREDENTIALS}", withheld))

    if outcome.verdict is not Verdict.ALLOW:
        return without("not allowed")
    env_name = command_environment(outcome.decision, explicit=environment)
    if env_name is None:
        spread = sorted({j.environment for j in outcome.decision.judgements})
        return without(f"the command acts on several environments ({', '.join(spread)})")
    role = policy.credentials.aws.get(env_name)
    if role is None:
        return without(f"no role configured for {env_name} (credentials.aws.{env_name})")
    refused = role_refusal(outcome, policy=policy, environment=env_name, environ=environ)
    if refused is not None and role.read_role_arn is None:
        return without(
            f"{role.role_arn} is not given to this command: {refused} (a read-only role, "
            f"credentials.aws.{env_name}.read_role_arn, would be)"
        )
    # Refused the role: the read-only one, if the policy names it (code the command runs
    # unjudged can then read, never change: ``terraform plan`` refreshes, nothing more).
    read_only = refused is not None
    role_arn = role.read_role_arn if read_only and role.read_role_arn else role.role_arn
    actor = outcome.decision.actor
    try:
        brokered = broker_credentials(
            policy=policy,
            environment=env_name,
            actor=actor,
            request_id=outcome.request_id,
            sts_client_factory=sts_client_factory or sts_client_from_process,
            read_only=read_only,
        )
    except KeyturnError as exc:
        return without(exc.message)
    identity = sanitized_identity(actor.session or actor.agent)
    kind = "read-only credentials" if read_only else "credentials"
    note = f"short-lived {kind} of {role_arn} for {env_name} (source identity {identity})"
    if read_only:
        note += f"; {role.role_arn} is not given to this command: {refused}"
    return ChildEnvironment({**base, **brokered}, role_arn, _joined(note, withheld))


def _joined(note: str, more: str) -> str:
    return f"{note}; {more}" if more else note


def role_refusal(
    outcome: Outcome,
    *,
    policy: Policy,
    environment: str,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """Why the role of ``environment`` must not go to the allowed command of ``outcome`` (see
    the module doc), or ``None`` when it may: reviewers approved the command (a grant was
    used), every effect is an AWS CLI call on AWS resources that mints no credentials and the
    CLI reads no service models of the user's (``environ``'s ``HOME``), or the policy lets the
    agent make every kind of change in ``environment`` without review."""
    decision = outcome.decision
    if outcome.grant_id is not None:
        return None
    aws_only = _aws_cli_calls_only(decision)
    models = _user_models(environ or {}) if aws_only else None
    if aws_only and models is None:
        return None
    if may_change_freely(policy, actor=decision.actor, environment=environment):
        return None
    if models is not None:
        return (
            f"it was allowed without review in {environment}, where changes need review, and "
            f"the AWS CLI would read the service models in {models}, which say what each "
            "command sends (a read there may be a delete)"
        )
    return (
        f"it was allowed without review in {environment}, where changes need review, and it "
        "may run code keyturn does not judge (a tool's providers or plugins, the project's "
        "configuration) or mint credentials that outlive it; an approved command or an AWS "
        "CLI call gets the role"
    )


def _user_models(environ: Mapping[str, str]) -> str | None:
    """The user's ``~/.aws/models`` when it holds anything: botocore reads service models
    there before its own, so a model there can make ``get-function`` send a DELETE."""
    home = environ.get("HOME") or os.path.expanduser("~")
    folder = os.path.join(home, ".aws", "models")
    try:
        return folder if any(os.scandir(folder)) else None
    except OSError:
        return None


# The AWS CLI, and the resources it names: only AWS's own (a file it reads or writes, or the
# terminal, is not a call; ``aws configure export-credentials`` reads no AWS resource and
# would print the role's keys).
_AWS_CLI = frozenset({"aws", "aws.exe", "aws.cmd"})
_AWS_NAMES = ("arn:aws:", "arn:aws-", "s3://")
# Calls that read nothing but hand out credentials usable after the command ends (a registry's
# push token, a database user's password, a presigned URL, another session): the role's
# power, kept. Compared by the operation's name, whatever the service.
_MINTS_CREDENTIALS = frozenset(
    {"getauthorizationtoken", "getclustercredentials", "getclustercredentialswithiam"}
    | {"getcredentials", "presign", "getsessiontoken", "getfederationtoken", "assumerole"}
    | {"assumerolewithsaml", "assumerolewithwebidentity", "getrolecredentials"}
    | {"getcredentialsforidentity", "getopenidtoken", "getopenidtokenfordeveloperidentity"}
    | {"createaccesskey", "createloginprofile", "createservicespecificcredential"}
)


def _aws_cli_calls_only(decision: Decision) -> bool:
    for j in decision.judgements:
        effect = j.effect
        words = (effect.command or "").split(maxsplit=1)
        if effect.effect is EffectKind.UNKNOWN or not words:
            return False
        if os.path.basename(words[0]) not in _AWS_CLI:
            return False
        if not all(name.startswith(_AWS_NAMES) for name in effect.resource.names):
            return False
        if (effect.operation or "").rpartition(":")[2].lower() in _MINTS_CREDENTIALS:
            return False
    return bool(decision.judgements)


_CHANGES = (EffectKind.CREATE, EffectKind.UPDATE, EffectKind.DELETE, EffectKind.REPLACE)
# The name of "any resource of the environment" in the probe below: one no rule names.
_ANY_RESOURCE = "keyturn:any-resource"


def may_change_freely(policy: Policy, *, actor: Actor, environment: str) -> bool:
    """Whether the policy lets ``actor``'s agent create, update, delete and replace in
    ``environment`` without review: any resource, each service and each resource its deny and
    ask rules there name (``kiro: deny: service: iam`` makes no environment free for kiro)."""
    services: set[str | None] = {None}
    names = {_ANY_RESOURCE}
    for section in policy.rules_for(actor.agent).sections:
        for rule in section.rules:
            if rule.verdict is Verdict.ALLOW:
                continue
            if rule.environments is not None and environment not in rule.environments:
                continue
            if rule.services is not None:
                services.update(rule.services.patterns)
            if rule.resources is not None:
                names.update(rule.resources.patterns)
    where = Target(environment=environment)
    probes = [
        Effect(kind, Resource((name,)), where, service=service)
        for kind in _CHANGES
        for name in sorted(names)
        for service in sorted(services, key=lambda s: s or "")
    ]
    probe = Action(ActionKind.AWS, "what the role could do", tuple(probes), where)
    return policy.judge(probe, actor=actor).decision is Verdict.ALLOW
