"""The boto3 guard: judge every AWS call a Python agent makes before it is sent.

::

    import boto3, keyturn.aws

    session = keyturn.aws.guard(boto3.Session(), policy="keyturn.yaml", agent="my-agent")
    rds = session.client("rds")
    rds.delete_db_instance(DBInstanceIdentifier="prod-db")   # raises keyturn.aws.ActionRefused

The guard registers on botocore's ``before-parameter-build`` event, which fires before the
parameters are validated, serialised, signed or sent (formats.md §7.1): a refused call raises
:class:`ActionRefused` there and never reaches the network.

**Caveat: register before creating clients.** Each botocore client copies its session's event
handlers when it is created, so :func:`guard` on a session does *not* reach clients created
from it earlier: those keep calling AWS unjudged. Guard the session first, or guard each
earlier client with :func:`guard_client`. The AWS CLI runs in its own process with its own
botocore and is judged at the shell level instead (``keyturn hook``, ``keyturn exec``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from keyturn.errors import EXIT_DENY, KeyturnError
from keyturn.model import Actor, Decision, Target, Verdict

if TYPE_CHECKING:
    from keyturn.gate import Gate, Outcome
    from keyturn.policy import Policy

_EVENT = "before-parameter-build"
_UNIQUE_ID = "keyturn-aws-guard"


class ActionRefused(KeyturnError):
    """An AWS call keyturn refused (denied, or held for review); raised before it is sent.

    ``decision`` is the policy's decision (``None`` when the call could not even be judged),
    ``outcome`` the gate's outcome when a gate was used (its ``request_id`` names a held
    request: retry the same call after approval).
    """

    code = "action_refused"
    exit_code = EXIT_DENY

    def __init__(
        self, message: str, *, decision: Decision | None = None, outcome: Outcome | None = None
    ) -> None:
        super().__init__(message)
        self.decision = decision
        self.outcome = outcome


@dataclass(frozen=True, slots=True)
class _Judge:
    """The event handler: understand the call, judge it, refuse it unless allowed."""

    policy: Policy
    actor: Actor
    gate: Gate | None
    profile: str | None

    def __call__(
        self, params: Mapping[str, Any], model: Any, context: Any = None, **_: Any
    ) -> None:
        try:
            action = self._understand(params, model, context)
        except Exception as exc:  # what cannot be understood is not sent
            raise ActionRefused(
                f"refused: {_operation(model)} could not be judged ({exc})"
            ) from exc
        if self.gate is not None:
            outcome = self.gate.submit(action, actor=self.actor)
            if outcome.verdict is not Verdict.ALLOW:
                raise ActionRefused(outcome.message, decision=outcome.decision, outcome=outcome)
            return
        decision = self.policy.judge(action, actor=self.actor)
        if decision.decision is not Verdict.ALLOW:
            raise ActionRefused(decision.describe(), decision=decision)

    def _understand(self, params: Mapping[str, Any], model: Any, context: Any) -> Any:
        from keyturn.understand.aws import understand_aws

        service = model.service_model.service_id.hyphenize()
        region = context.get("client_region") if isinstance(context, Mapping) else None
        target = Target(aws_region=region or None, aws_profile=self.profile)
        return understand_aws(service, model.name, dict(params), target=target)


def _operation(model: Any) -> str:
    try:
        return f"{model.service_model.service_id.hyphenize()}:{model.name}"
    except AttributeError:
        return "the AWS call"


def _handler(
    *,
    policy: Policy | str | os.PathLike[str] | None,
    agent: str | None,
    operator: str | None,
    gate: Gate | None,
    profile: str | None,
) -> _Judge:
    from keyturn.policy import Policy as PolicyType
    from keyturn.policy import load_policy_file

    if gate is not None and policy is None:
        loaded = gate.policy
    elif isinstance(policy, PolicyType):
        loaded = policy
    else:
        # No policy given: the one keyturn would use; a policy that does not load raises
        # here, so no unguarded session is handed back.
        from keyturn.paths import policy_path

        loaded = load_policy_file(policy or policy_path())
    actor = Actor(
        agent=agent or os.environ.get("KEYTURN_AGENT") or "agent",
        operator=operator or os.environ.get("USER") or "unknown",
        session=os.environ.get("KEYTURN_SESSION"),
    )
    return _Judge(policy=loaded, actor=actor, gate=gate, profile=profile)


def guard(
    session: Any,
    *,
    policy: Policy | str | os.PathLike[str] | None = None,
    agent: str | None = None,
    operator: str | None = None,
    gate: Gate | None = None,
) -> Any:
    """Judge every call of every client created *from now on* from ``session`` (a
    ``boto3.Session`` or botocore session); returns the session.

    ``policy``: a Policy, a policy file, or None for the usual chain (``$KEYTURN_POLICY``,
    ``./keyturn.yaml``, ``$KEYTURN_HOME/keyturn.yaml``).
    ``gate``: when given, calls go through it (recorded; an ``ask`` opens or finds its request
    and an approved grant lets the same call through once); else the policy alone judges and
    anything short of ``allow`` is refused. Clients created before this call are *not* guarded:
    use :func:`guard_client` for them.
    """
    profile = getattr(session, "profile_name", None)
    handler = _handler(policy=policy, agent=agent, operator=operator, gate=gate, profile=profile)
    session.events.register(_EVENT, handler, unique_id=_UNIQUE_ID)
    return session


def guard_client(
    client: Any,
    *,
    policy: Policy | str | os.PathLike[str] | None = None,
    agent: str | None = None,
    operator: str | None = None,
    gate: Gate | None = None,
) -> Any:
    """Judge every call of one already-created ``client``; returns the client."""
    handler = _handler(policy=policy, agent=agent, operator=operator, gate=gate, profile=None)
    client.meta.events.register(_EVENT, handler, unique_id=_UNIQUE_ID)
    return client
