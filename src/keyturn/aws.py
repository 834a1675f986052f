"""The boto3 guard: judge every AWS call a Python agent makes before it is sent.

::

    import boto3, keyturn.aws

    session = keyturn.aws.guard(boto3.Session(), policy="keyturn.yaml", agent="my-agent")
    rds = session.client("rds")
    rds.delete_db_instance(DBInstanceIdentifier="prod-db")   # raises keyturn.aws.ActionRefused

The guard listens on two botocore events. ``before-parameter-build`` gives the call as its
parameters were given, before they are validated or serialised; the guard keeps them with the
request. ``before-sign`` fires just before a request is signed, and every request is signed
before it is sent: there the call is judged, with the credentials that are about to sign it, and
a refused call raises :class:`ActionRefused` before it is signed or sent (formats.md §7.1). A
presigned URL or POST is signed the same way, so it is judged when it is made (a presigned POST
as the upload it allows, not as the ``CreateBucket`` botocore borrows to build it).

Where a call lands is told by the credentials that sign it, as the ``aws`` CLI's reader tells it
(:mod:`keyturn.understand.shell.commands.aws_cli`): the session's profile places the call only
while the session's own credentials, resolved from that profile (its keys, its role, its SSO or
credential process), sign it. Keys given to the session or to a client, keys in the environment
(botocore prefers them to a profile named by ``AWS_PROFILE``), an instance or container role,
credentials set later: the account is not told, and the policy's ``unknown_environment``
applies. The session's credentials are resolved when it is guarded, so that they are those of
the profile named then.

Guarding a session again with other settings (another policy, agent or gate) adds a second
judge: a call must pass both. Guarding it again with the same settings changes nothing.

**Caveat: register before creating clients.** Each botocore client copies its session's event
handlers when it is created, so :func:`guard` on a session does *not* reach clients created
from it earlier: those keep calling AWS unjudged. Guard the session first, or guard each
earlier client with :func:`guard_client`. The AWS CLI runs in its own process with its own
botocore and is judged at the shell level instead (``keyturn hook``, ``keyturn exec``).
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from keyturn.aws_calls import _Call, _given_call, _operation
from keyturn.errors import EXIT_DENY, KeyturnError
from keyturn.model import Action, Actor, Decision, Target, Verdict

if TYPE_CHECKING:
    from keyturn.gate import Gate, Outcome
    from keyturn.policy import Policy

_PARAMETERS_EVENT = "before-parameter-build"
_SIGN_EVENT = "before-sign"
# An event of keyturn's own, which every installed judge answers: how a guard finds the judges
# already there (botocore has no public way to list an event's handlers).
_PROBE_EVENT = "keyturn-aws-guard.probe"
# Kept in botocore's request context: the call as given, and the judges that let it through
# (a retried request is signed again; it is judged once).
_CALL = "keyturn.aws.call"
_JUDGED = "keyturn.aws.judged"

UNTOLD_ACCOUNT = "(credentials other than the session profile's)"
"""The profile and account of a call signed by credentials that are not the guarded session
profile's own: no environment's pattern names it, so the policy's unknown_environment applies."""

# How botocore says it found credentials of the profile itself (``Credentials.method``). The
# others are not the profile's: ``explicit`` (keys given in code), ``env``, ``iam-role``,
# ``container-role``, ``assume-role-with-web-identity`` (its variables win over the profile's),
# ``boto-config``, ``ec2-credentials-file``, or none (``set_credentials``).
_PROFILE_METHODS = frozenset(
    {"shared-credentials-file", "config-file", "assume-role", "sso", "custom-process", "login"}
)
# The credentials whose refresh is running: botocore refreshes a role or SSO profile's
# credentials with calls of its own (``sts:AssumeRole``, ``sso:GetRoleCredentials``), signed by
# the profile's source credentials; they are the profile's calls.
_REFRESHING: ContextVar[object | None] = ContextVar("keyturn_aws_refreshing", default=None)


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


class GuardNotInstalled(KeyturnError):
    """The guard's handlers did not take on the session or client: nothing would be judged."""

    code = "guard_not_installed"


@dataclass(frozen=True, slots=True, eq=False)
class _Placement:
    """Where the guarded session's calls land: its profile, while its own credentials (the
    object resolved when it was guarded) sign them."""

    profile: str | None
    credentials: Any

    def target(self, signer: Any, context: Mapping[str, Any], region: str | None) -> Target:
        signing = context.get("signing")
        per_request = isinstance(signing, Mapping) and signing.get("request_credentials")
        credentials = getattr(signer, "_credentials", None)
        own = (
            credentials is not None
            and credentials is self.credentials
            and not per_request
            and getattr(credentials, "method", None) in _PROFILE_METHODS
        )
        refreshing = self.credentials is not None and _REFRESHING.get() is self.credentials
        if self.profile and (own or refreshing):
            return Target(aws_region=region, aws_profile=self.profile)
        return Target(aws_region=region, aws_profile=UNTOLD_ACCOUNT, aws_account=UNTOLD_ACCOUNT)


@dataclass(frozen=True, slots=True, eq=False)
class _Judge:
    """The event handlers: keep the call as given, then judge it when it is about to be
    signed, refusing it unless allowed."""

    policy: Policy
    actor: Actor
    gate: Gate | None
    placement: _Placement
    token: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex)

    def same_as(self, other: _Judge) -> bool:
        """Whether ``other`` judges as this one does (guarding twice alike adds nothing)."""
        return (
            self.policy is other.policy
            and self.actor == other.actor
            and self.gate is other.gate
            and self.placement.profile == other.placement.profile
            and self.placement.credentials is other.placement.credentials
        )

    def keep(self, params: Mapping[str, Any], model: Any, context: Any = None, **_: Any) -> None:
        """``before-parameter-build``: keep the call, as given, with the request."""
        try:
            if not isinstance(context, dict):
                raise TypeError("botocore gave no request context to keep the call in")
            context[_CALL] = _given_call(params, model)
        except Exception as exc:  # what cannot be understood is not sent
            raise ActionRefused(
                f"refused: {_operation(model)} could not be judged ({exc})"
            ) from exc

    def judge(
        self, request: Any = None, request_signer: Any = None, region_name: Any = None, **_: Any
    ) -> None:
        """``before-sign``: judge the call kept with this request."""
        context = getattr(request, "context", None)
        call = context.get(_CALL) if isinstance(context, dict) else None
        if not isinstance(call, _Call) or not isinstance(context, dict):
            raise ActionRefused(
                "refused: a request signed without going through an API call keyturn saw "
                "could not be judged"
            )
        judged = context.setdefault(_JUDGED, set())
        if self.token in judged:
            return  # the same request signed again for a retry
        region = context.get("client_region") or region_name or None
        target = self.placement.target(request_signer, context, region)
        try:
            action = call.action(target, context)
        except Exception as exc:
            raise ActionRefused(
                f"refused: {call.service}:{call.operation} could not be judged ({exc})"
            ) from exc
        self._refuse_unless_allowed(action)
        judged.add(self.token)

    def answer(self, **_: Any) -> _Judge:
        """The probe: this judge is installed."""
        return self

    def _refuse_unless_allowed(self, action: Action) -> None:
        if self.gate is not None:
            outcome = self.gate.submit(action, actor=self.actor)
            if outcome.verdict is not Verdict.ALLOW:
                raise ActionRefused(outcome.message, decision=outcome.decision, outcome=outcome)
            return
        decision = self.policy.judge(action, actor=self.actor)
        if decision.decision is not Verdict.ALLOW:
            raise ActionRefused(decision.describe(), decision=decision)


def _judge(
    *,
    policy: Policy | str | os.PathLike[str] | None,
    agent: str | None,
    operator: str | None,
    gate: Gate | None,
    placement: _Placement,
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
    return _Judge(policy=loaded, actor=actor, gate=gate, placement=placement)


def _session_placement(session: Any) -> _Placement:
    """The profile the session names now, and the credentials it resolves from it now (a
    failure to resolve them leaves every call untold)."""
    core = getattr(session, "_session", session)  # a boto3.Session wraps a botocore one
    try:
        profile = core.get_config_variable("profile") or "default"
        credentials = core.get_credentials()
    except Exception:  # resolved again by botocore when a client signs
        return _Placement(profile=None, credentials=None)
    _mark_refreshes(credentials)
    return _Placement(profile=profile, credentials=credentials)


def _mark_refreshes(credentials: Any) -> None:
    """Make a refresh of ``credentials`` (a role's, SSO's) say so while it runs: the calls
    botocore makes to refresh them are the profile's own (:data:`_REFRESHING`)."""
    refresh = getattr(credentials, "_refresh_using", None)
    if not callable(refresh) or getattr(refresh, "keyturn_marked", False):
        return

    def refreshing() -> Any:
        token = _REFRESHING.set(credentials)
        try:
            return refresh()
        finally:
            _REFRESHING.reset(token)

    refreshing.keyturn_marked = True  # type: ignore[attr-defined]
    credentials._refresh_using = refreshing


def _installed(events: Any) -> list[_Judge]:
    try:
        answers = events.emit(_PROBE_EVENT)
    except Exception:  # an emitter that cannot answer holds no judge of ours
        return []
    return [judge for _, judge in answers if isinstance(judge, _Judge)]


def _install(events: Any, judge: _Judge) -> None:
    """Register ``judge`` beside any judge already there (a call must pass them all), unless
    one judging alike is; raise when the registration did not take.

    No ``unique_id``: botocore silently skips a registration whose id is taken, so a handler
    registered first under the guard's id would have switched the guard off."""
    if any(judge.same_as(other) for other in _installed(events)):
        return
    events.register(_PARAMETERS_EVENT, judge.keep)
    events.register(_SIGN_EVENT, judge.judge)
    events.register(_PROBE_EVENT, judge.answer)
    if not any(other is judge for other in _installed(events)):
        raise GuardNotInstalled(
            "keyturn.aws: the guard's handlers were not registered on this session's events; "
            "nothing would be judged. Pass a boto3.Session, a botocore session or a client."
        )


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
    use :func:`guard_client` for them. Guarding again with other settings adds a judge: a call
    must pass every one.
    """
    placement = _session_placement(session)
    judge = _judge(policy=policy, agent=agent, operator=operator, gate=gate, placement=placement)
    _install(session.events, judge)
    return session


def guard_client(
    client: Any,
    *,
    policy: Policy | str | os.PathLike[str] | None = None,
    agent: str | None = None,
    operator: str | None = None,
    gate: Gate | None = None,
) -> Any:
    """Judge every call of one already-created ``client``; returns the client. Which profile
    it was made with is not known: its calls land in the policy's unknown environment."""
    placement = _Placement(profile=None, credentials=None)
    judge = _judge(policy=policy, agent=agent, operator=operator, gate=gate, placement=placement)
    _install(client.meta.events, judge)
    return client
