"""The use case: understand -> judge -> (ask -> approval) -> audit.

Every entry point (CLI ``exec``, agent hooks, the MCP proxy, the server, the boto3 guard) hands an
understood :class:`~keyturn.model.Action` to :meth:`Gate.submit` and acts on the
:class:`Outcome`. The gate is where fail-closed is enforced: if the decision cannot be recorded
in the audit log, or the approval state cannot be reached, the outcome is ``deny``.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from keyturn.approval.codec import decision_from_json
from keyturn.approval.drafts import draft_of, grant_refusal
from keyturn.approval.machine import approval_covers
from keyturn.approval.model import ApprovalRequest, Grant, RequestDraft, RequestState
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.audit.redaction import Redactor
from keyturn.errors import ApprovalError
from keyturn.gate_audit import _actor_json, _decision_entry
from keyturn.gate_environments import with_hinted_environments as with_hinted_environments
from keyturn.model import Action, Actor, Decision, Verdict

if TYPE_CHECKING:
    from keyturn.policy import Policy
    from keyturn.store.interface import Store


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the caller must do with an action.

    - ``verdict``: the final word: ``allow`` (allowed by policy, or an approved grant for this
      exact digest was consumed), ``ask`` (held: ``request_id`` names the open request), or
      ``deny``.
    - ``decision``: the policy's decision on the action (may be ``ask`` while verdict is
      ``allow`` when a grant was used).
    - ``message``: one line for the agent or the person, saying what happened and what next.
    """

    verdict: Verdict
    decision: Decision
    message: str
    request_id: str | None = None
    grant_id: str | None = None


@dataclass(frozen=True, slots=True)
class Judged:
    """An action judged and its audit record made, not yet recorded (see :meth:`Gate.judged`).

    ``failure`` is set when the record could not even be made (then nothing may be appended
    and the outcome is ``deny``)."""

    decision: Decision
    entries: tuple[AuditEntry, ...]
    requester: str
    now: float
    failure: Exception | None = None

    @property
    def holds(self) -> bool:
        """Whether settling it needs the store (an ``ask``: a grant, or a request to open)."""
        return self.failure is None and self.decision.decision is Verdict.ASK

    def unrecorded(self, exc: Exception) -> Outcome:
        """The refusal of an action whose decision could not be recorded."""
        return Outcome(
            verdict=Verdict.DENY,
            decision=self.decision,
            message=f"denied: the decision could not be recorded in the audit log ({exc})",
        )


def judge(action: Action, *, policy: Policy, actor: Actor) -> Decision:
    """Judge an understood action against the policy (pure; records nothing), an environment
    given outright judged beside the one the hints tell (:func:`with_hinted_environments`)."""
    return policy.judge(with_hinted_environments(action, policy=policy), actor=actor)


class Gate:
    """Judge, record, and hold: the one path every action takes.

    Fail closed: if the decision cannot be appended to the audit log, or the approval state
    cannot be reached, the outcome is ``deny`` -- nothing runs unrecorded or unreviewed.
    Secrets in the action are redacted once it is judged, before anything is recorded or
    answered (``redactor``: keyed by the install's secret; a gate made without one uses a key
    of its own, so its digests of actions with secrets are its own too).
    ``clock`` and ``sleep`` are the world, passed in.
    """

    def __init__(
        self,
        *,
        policy: Policy,
        store: Store,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        redactor: Redactor | None = None,
    ) -> None:
        self.policy = policy
        self.store = store
        self.redactor = redactor or Redactor(secrets.token_bytes(32))
        self._clock = clock
        self._sleep = sleep

    def submit(
        self,
        action: Action,
        *,
        actor: Actor,
        consume_grant: bool = True,
        requester: str | None = None,
    ) -> Outcome:
        """Judge ``action`` for ``actor`` and say what to do. ``ask`` is answered by consuming
        an approved grant for this exact digest (once) or by opening -- or finding -- the
        request that waits for reviewers. ``requester`` is who submits (a token's name); it
        defaults to the operator."""
        judged = self.judged(action, actor=actor, requester=requester)
        try:
            self.store.append_audit(judged.entries)
        except Exception as exc:  # any failure to record is a refusal, whatever its type
            return judged.unrecorded(exc)
        return self.recorded(judged, consume_grant=consume_grant)

    def judged(self, action: Action, *, actor: Actor, requester: str | None = None) -> Judged:
        """The first half of :meth:`submit`, touching no store: the decision, redacted, and
        the audit record that must be durable before anyone acts on it. A caller that
        appends the record its own way (the server, sharing one commit among the decisions
        in flight) hands it to :meth:`recorded` once the append returned, or answers
        :meth:`Judged.unrecorded` when it failed."""
        decision = judge(action, policy=self.policy, actor=actor)
        now = self._clock()
        who = requester or actor.operator
        try:
            redacted_decision, redacted = self.redactor.decision(decision)
            entry = _decision_entry(redacted_decision, requester=who, now=now, redacted=redacted)
        except Exception as exc:  # what cannot be recorded is refused, as in submit
            return Judged(decision=decision, entries=(), requester=who, now=now, failure=exc)
        return Judged(decision=redacted_decision, entries=(entry,), requester=who, now=now)

    def recorded(self, judged: Judged, *, consume_grant: bool = True) -> Outcome:
        """The second half of :meth:`submit`, once ``judged.entries`` are durable: allow and
        deny are answered as judged; ask consumes a grant or opens (or finds) the request,
        which uses the store."""
        if judged.failure is not None:
            return judged.unrecorded(judged.failure)
        decision = judged.decision
        if decision.decision is Verdict.ALLOW:
            return Outcome(verdict=Verdict.ALLOW, decision=decision, message=decision.describe())
        if decision.decision is Verdict.DENY:
            return Outcome(verdict=Verdict.DENY, decision=decision, message=decision.describe())
        try:
            return self._hold(
                decision, requester=judged.requester, consume_grant=consume_grant, now=judged.now
            )
        except ApprovalError:
            raise
        except Exception as exc:
            return Outcome(
                verdict=Verdict.DENY,
                decision=decision,
                message=f"denied: the approval state could not be reached ({exc})",
            )

    def _hold(
        self, decision: Decision, *, requester: str, consume_grant: bool, now: float
    ) -> Outcome:
        actor = decision.actor
        if consume_grant:
            grant = self.store.consume_grant(
                digest=decision.digest,
                agent=actor.agent,
                operator=actor.operator,
                now=now,
                actor=_actor_json(actor, requester),
            )
            if grant is not None:
                spent = self._spent_under_another_policy(
                    grant, decision, requester=requester, now=now
                )
                if spent is not None:
                    return self._reheld(decision, requester=requester, now=now, why=spent)
                return Outcome(
                    verdict=Verdict.ALLOW,
                    decision=decision,
                    message=f"allowed once by grant {grant.id} of approved request "
                    f"{grant.request_id}: {decision.action.summary}",
                    request_id=str(grant.request_id),
                    grant_id=str(grant.id),
                )
        return self._reheld(decision, requester=requester, now=now, why=None)

    def _reheld(
        self, decision: Decision, *, requester: str, now: float, why: str | None
    ) -> Outcome:
        """Open (or find) the request for ``decision``; ``why`` says why a grant did not do."""
        actor = decision.actor
        draft = self._draft(decision, requester=requester)
        entry = AuditEntry(
            kind=AuditKind.REQUEST_OPENED,
            at=now,
            actor=_actor_json(actor, requester),
            data={
                "digest": decision.digest,
                "policy_digest": decision.policy_digest,
                "approvals_required": draft.approvals_required,
                "reviewer_groups": list(draft.reviewer_groups),
                "environment": draft.environment,
                "summary": draft.summary,
            },
        )
        request, _ = self.store.open_request(draft, now=now, entry=entry)
        held = self._held(decision, request)
        return held if why is None else replace(held, message=f"{why}; {held.message}")

    def grant_refusal(self, request: ApprovalRequest, *, requester: str) -> str | None:
        """Why the grant of approved ``request`` may not be used now, under this gate's policy
        (:func:`~keyturn.approval.drafts.grant_refusal`), or ``None``."""
        return grant_refusal(request, policy=self.policy, requester=requester)

    def _spent_under_another_policy(
        self, grant: Grant, decision: Decision, *, requester: str, now: float
    ) -> str | None:
        """After a grant was consumed for ``decision`` (an ask under the current policy): why
        its approvals do not cover what this policy asks, or ``None``. Only a request approved
        under another policy is looked at; a grant that does not cover is used up without
        the action running, and that is recorded."""
        request = self.store.get_request(grant.request_id)
        if request.draft.policy_digest == decision.policy_digest:
            return None
        why = approval_covers(request, self._draft(decision, requester=requester))
        if why is not None:
            self.store.append_audit(
                [
                    AuditEntry(
                        kind=AuditKind.GRANT_REFUSED,
                        at=now,
                        actor=_actor_json(decision.actor, requester),
                        data={
                            "grant": grant.id,
                            "request": grant.request_id,
                            "digest": decision.digest,
                            "reason": f"used up without running: {why}",
                        },
                    )
                ]
            )
        return why

    def _draft(self, decision: Decision, *, requester: str) -> RequestDraft:
        return draft_of(decision, policy=self.policy, requester=requester)

    @staticmethod
    def _held(decision: Decision, request: ApprovalRequest) -> Outcome:
        groups = ", ".join(request.draft.reviewer_groups) or "any reviewer"
        n = request.draft.approvals_required
        have = len(request.approvals)
        progress = f" ({have} of {n} so far)" if have else ""
        return Outcome(
            verdict=Verdict.ASK,
            decision=decision,
            message=f"held for {n} review{'s' if n != 1 else ''} from {groups}{progress}: "
            f"request {request.id}; retry the same command after approval",
            request_id=str(request.id),
        )

    def wait(
        self,
        request_id: str,
        *,
        timeout: float,
        poll_seconds: float = 1.0,
        on_progress: Callable[[ApprovalRequest], None] | None = None,
    ) -> Outcome:
        """Wait until the request is decided or ``timeout`` seconds pass. ``allow`` once it is
        approved (submit the same action again to use the grant), ``deny`` when it is
        rejected, expired or cancelled, ``ask`` when time ran out. ``on_progress`` is called
        with the request whenever its votes change."""
        deadline = self._clock() + timeout
        seen: tuple[object, ...] | None = None
        while True:
            now = self._clock()
            self.store.expire_due(now=now)
            request = self.store.get_request(int(request_id))
            decision = decision_from_json(request.draft.decision)
            state = (request.state, request.votes)
            if state != seen and on_progress is not None:
                on_progress(request)
            seen = state
            if request.state is RequestState.APPROVED:
                who = ", ".join(request.approvals)
                return Outcome(
                    verdict=Verdict.ALLOW,
                    decision=decision,
                    message=f"request {request.id} approved by {who}",
                    request_id=str(request.id),
                    grant_id=None if request.grant is None else str(request.grant.id),
                )
            if request.state is not RequestState.PENDING:
                return Outcome(
                    verdict=Verdict.DENY,
                    decision=decision,
                    message=f"request {request.id} {request.state}: {request.close_reason}",
                    request_id=str(request.id),
                )
            if now >= deadline:
                held = self._held(decision, request)
                return replace(held, message=f"still waiting: {held.message}")
            self._sleep(min(poll_seconds, max(0.0, deadline - now)))

    def record_execution(
        self, outcome: Outcome, *, exit_status: int | None, detail: str = ""
    ) -> None:
        """Audit what happened when an allowed action ran (its exit status)."""
        decision = outcome.decision
        data = {
            "request": None if outcome.request_id is None else int(outcome.request_id),
            "grant": None if outcome.grant_id is None else int(outcome.grant_id),
            "exit_status": exit_status,
            "detail": self.redactor.text(detail, []),
        }
        self._append_execution(decision.action, actor=decision.actor, data=data)

    def record_outcome(
        self, action: Action, *, actor: Actor, status: str, exit_status: int | None
    ) -> str:
        """Audit what came of an action an agent ran after its hook let it through
        (``completed`` or ``failed``, and the exit status when the agent reports one); the
        digest it is recorded under (the decision's)."""
        # Placed as judging places it (given environments beside the hints): the digest is
        # the decision's.
        placed = with_hinted_environments(action, policy=self.policy)
        recorded, _ = self.redactor.action(placed)
        data = {"request": None, "grant": None, "exit_status": exit_status, "detail": status}
        self._append_execution(recorded, actor=actor, data=data)
        return recorded.digest

    def _append_execution(self, action: Action, *, actor: Actor, data: dict[str, Any]) -> None:
        entry = AuditEntry(
            kind=AuditKind.EXECUTION,
            at=self._clock(),
            actor=_actor_json(actor, None),
            data={"digest": action.digest, "summary": action.summary, **data},
        )
        self.store.append_audit([entry])
