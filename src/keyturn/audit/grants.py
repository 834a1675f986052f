"""The grants keyturn let be used, read back from the audit log.

For each ``grant.used`` record: what the grant was for (its effects, kind by kind, on which
names, in which environment), who approved it, who used it, and what came of it. "Used" is not
"ran": a grant re-judged under a changed policy is used up without the action running (a
``grant.refused`` record saying so follows its use), ``keyturn exec`` records "not run" (no exit
status) when the command changed at the last moment, and an agent's hook may never report at
all. :func:`run_state` reads those outcome records; ``keyturn audit reconcile`` and
``keyturn audit trace`` both rely on it. Pure: it reads records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from keyturn.audit.record import AuditKind, parse_time

# What the gate's grant.refused reason starts with when a grant was spent and nothing ran.
USED_UP_WITHOUT_RUNNING = "used up without running"
# The details an agent's hook reports for an action it ran (``POST /v1/executions``,
# ``Gate.record_outcome``); any other execution record without an exit status is keyturn's
# own "not run".
HOOK_OUTCOMES = frozenset({"completed", "failed"})


class RunState(StrEnum):
    """What the records say came of a used grant's action."""

    RAN = "ran"
    NOT_RUN = "not run"
    UNTOLD = "no outcome recorded"


def run_state(data: dict[str, Any]) -> RunState:
    """Whether the ``execution`` record ``data`` says the action ran: an exit status, or a
    hook's ``completed``/``failed``, is a run; keyturn's own records without an exit status
    (``not run: changed since it was judged``, a plan file changed) are not."""
    if data.get("exit_status") is not None or data.get("detail") in HOOK_OUTCOMES:
        return RunState.RAN
    return RunState.NOT_RUN


def used_up_without_running(data: dict[str, Any]) -> bool:
    """Whether a ``grant.refused`` record says its (already used) grant ran nothing."""
    return str(data.get("reason", "")).startswith(USED_UP_WITHOUT_RUNNING)


@dataclass(frozen=True, slots=True)
class GrantEffect:
    """One effect a grant was approved for: its kind (``EffectKind`` value), the resource
    names (patterns: keyturn writes ``*`` for what the call did not tell) and environment."""

    kind: str
    names: tuple[str, ...]
    environment: str
    removes_protection: bool = False


@dataclass(frozen=True, slots=True)
class UsedGrant:
    """A grant keyturn let be used: what it was for, who approved and used it, what came of it.

    ``effects``: empty when no decision record tells them (nothing is then explained by it).
    ``run``/``outcome``: what the records say came of it, and how they said it.
    ``ended_at``: when its outcome was recorded (calls made for it precede that).
    ``exec_ran``: run by ``keyturn exec``, which gives a command no cloud credentials but the
    role session it brokers (named ``keyturn-<agent>-<request>``, tagged with the request).
    """

    grant: int
    request: int
    digest: str
    used_at: float
    agent: str
    operator: str
    resources: tuple[str, ...]
    approvers: tuple[str, ...]
    effects: tuple[GrantEffect, ...] = ()
    session: str = ""
    run: RunState = RunState.UNTOLD
    outcome: str = ""
    ended_at: float | None = None
    exec_ran: bool = False


def _effects(data: dict[str, Any]) -> tuple[GrantEffect, ...]:
    out = []
    for e in data.get("effects", []):
        if not isinstance(e, dict):
            continue
        names = tuple(n for n in e.get("resource", []) if isinstance(n, str))
        out.append(
            GrantEffect(
                kind=str(e.get("effect", "")),
                names=names,
                environment=str(e.get("environment", "")),
                removes_protection=e.get("removes_protection") is True,
            )
        )
    return tuple(out)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


class _Reader:
    """One pass over the records, in order."""

    def __init__(self) -> None:
        self.by_actor: dict[tuple[str, str, str], tuple[GrantEffect, ...]] = {}
        self.by_digest: dict[str, tuple[GrantEffect, ...]] = {}
        self.approvers: dict[int, tuple[str, ...]] = {}
        self.grants: dict[int, UsedGrant] = {}
        # Used grants a hook may still report on, by (digest, agent, operator), oldest first.
        self.awaiting: dict[tuple[str, str, str], list[int]] = {}

    def read(self, rec: dict[str, Any]) -> None:
        kind, data, actor = rec.get("kind"), rec.get("data", {}), rec.get("actor", {})
        digest = _text(data.get("digest"))
        if kind == AuditKind.DECISION:
            effects = _effects(data)
            who = (digest, _text(actor.get("agent")), _text(actor.get("operator")))
            self.by_actor[who] = self.by_digest[digest] = effects
        elif kind == AuditKind.REQUEST_APPROVED:
            named = data.get("approvers")
            self.approvers[int(data["request"])] = tuple(
                str(a) for a in (named if isinstance(named, list) else ())
            )
        elif kind == AuditKind.GRANT_USED:
            self._used(rec, data, digest)
        elif kind == AuditKind.GRANT_REFUSED and used_up_without_running(data):
            self._settle(data.get("grant"), RunState.NOT_RUN, str(data.get("reason")), rec)
        elif kind == AuditKind.EXECUTION:
            self._executed(rec, data, digest, actor)

    def _used(self, rec: dict[str, Any], data: dict[str, Any], digest: str) -> None:
        agent, operator = _text(data.get("agent")), _text(data.get("operator"))
        # The decision just judged for this agent tells the effects; else any of this digest.
        effects = self.by_actor.get((digest, agent, operator), self.by_digest.get(digest, ()))
        grant, request = int(data["grant"]), int(data["request"])
        self.grants.setdefault(
            grant,
            UsedGrant(
                grant=grant,
                request=request,
                digest=digest,
                used_at=parse_time(rec["at"]),
                agent=agent,
                operator=operator,
                resources=tuple(n for e in effects for n in e.names),
                approvers=self.approvers.get(request, ()),
                effects=effects,
                session=_text(rec.get("actor", {}).get("session")),
            ),
        )
        self.awaiting.setdefault((digest, agent, operator), []).append(grant)

    def _executed(
        self, rec: dict[str, Any], data: dict[str, Any], digest: str, actor: dict[str, Any]
    ) -> None:
        state = run_state(data)
        code, detail = data.get("exit_status"), _text(data.get("detail"))
        told = detail or f"exit status {code}"
        if isinstance(data.get("grant"), int):
            # keyturn exec (or its terraform apply) ran the grant's action itself.
            self._settle(data["grant"], state, told, rec, exec_ran=state is RunState.RAN)
        elif detail in HOOK_OUTCOMES:
            key = (digest, _text(actor.get("agent")), _text(actor.get("operator")))
            waiting = self.awaiting.get(key, [])
            while waiting and self.grants[waiting[0]].run is not RunState.UNTOLD:
                waiting.pop(0)
            if waiting:
                self._settle(waiting.pop(0), state, told, rec)

    def _settle(
        self, grant: Any, state: RunState, told: str, rec: dict[str, Any], *, exec_ran: bool = False
    ) -> None:
        """Record the first outcome of a used grant; a "not run" overrides an earlier silence
        only, never a run (the record that said it ran came first)."""
        found = self.grants.get(grant) if isinstance(grant, int) else None
        if found is None or found.run is not RunState.UNTOLD:
            return
        self.grants[grant] = replace(
            found, run=state, outcome=told, ended_at=parse_time(rec["at"]), exec_ran=exec_ran
        )


def used_grants(records: Iterable[dict[str, Any]]) -> list[UsedGrant]:
    """The grants used, in the order used, from audit records (decisions give the effects,
    approvals the approvers, ``grant.refused`` and ``execution`` records what came of them)."""
    reader = _Reader()
    for rec in records:
        reader.read(rec)
    return list(reader.grants.values())
