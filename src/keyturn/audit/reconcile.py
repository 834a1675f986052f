"""Reconcile what the cloud recorded (CloudTrail) with what keyturn let through.

Each successful mutating CloudTrail event is **gated** only when one used keyturn grant
explains it on everything that was approved:

- the time: from a little before the grant's use until ``window`` after it, and no later than
  the recording of its outcome (the calls of an action precede its exit status);
- what ran: a grant used up without its action running (re-judged under a changed policy, or
  the command changed at the last moment) explains nothing;
- the effects: each of the event's effects is one the grant was approved for, on that
  resource (keyturn's names may hold ``*`` for the account or region: they match as patterns)
  and of a kind that covers it (an approved update explains no delete); a delete is explained
  once per resource; where the caller gives the policy's accounts of each environment, the
  event's account is one of the grant's environment;
- who called: the ``request``/``agent``/``operator`` session tags, the ``keyturn-`` role session
  name and the SourceIdentity keyturn puts on brokered credentials agree with the grant, and an
  action ``keyturn exec`` ran made its calls with those credentials
  (:mod:`keyturn.audit.principals`).

Among the grants that explain an event, one whose action is recorded as run is preferred to
one with no outcome recorded. Anything else is **UNGATED**: something went around keyturn (the
note names the nearest grant and why it does not explain the call). When unsure, UNGATED:
a reconciliation must never hide a bypass. Failed calls (``errorCode``) are attempts, not
changes; read-only events are counted, not flagged. Pure: the CloudTrail interpretation comes
from ``keyturn.understand.cloudtrail``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from keyturn.audit.grants import GrantEffect, RunState, UsedGrant, used_grants
from keyturn.audit.principals import principal_mismatch
from keyturn.model import DESTRUCTIVE_EFFECTS, Effect, EffectKind

__all__ = [
    "DEFAULT_WINDOW_SECONDS",
    "SKEW_SECONDS",
    "Finding",
    "GrantEffect",
    "Reconciliation",
    "UsedGrant",
    "event_time",
    "reconcile",
    "render",
    "used_grants",
]

# A grant is matched to calls made from a little before its use (clock skew) until this long
# after (a long `terraform apply` keeps calling).
DEFAULT_WINDOW_SECONDS = 3600.0
SKEW_SECONDS = 300.0


def _kinds(*kinds: EffectKind) -> frozenset[str]:
    return frozenset(k.value for k in kinds)


# The approved effect kinds that explain a call of each kind on the same resource. Approving
# the destruction of X explains any change to X on the way there, and a call on X keyturn
# cannot name the kind of; nothing weaker explains a delete, and only a create or a replace
# explains making X.
_K = EffectKind
_EXPLAINED_BY: dict[EffectKind, frozenset[str]] = {
    _K.READ: _kinds(*EffectKind),
    _K.CREATE: _kinds(_K.CREATE, _K.REPLACE),
    _K.UPDATE: _kinds(_K.UPDATE, _K.DELETE, _K.REPLACE),
    _K.DELETE: _kinds(_K.DELETE, _K.REPLACE),
    _K.REPLACE: _kinds(_K.REPLACE),
    _K.UNKNOWN: _kinds(_K.UNKNOWN, _K.DELETE, _K.REPLACE),
}
_DESTROYING = _kinds(*DESTRUCTIVE_EFFECTS)


@dataclass(frozen=True, slots=True)
class Finding:
    """One CloudTrail event and what keyturn knows about it."""

    status: str  # "gated", "UNGATED" or "attempt"
    event: str
    time: str
    who: str
    resources: tuple[str, ...]
    destructive: bool
    request: int | None = None
    approvers: tuple[str, ...] = ()
    note: str = ""
    grant: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "event": self.event,
            "time": self.time,
            "who": self.who,
            "resources": list(self.resources),
            "destructive": self.destructive,
            "request": self.request,
            "grant": self.grant,
            "approvers": list(self.approvers),
            "note": self.note,
        }


@dataclass(slots=True)
class Reconciliation:
    """The findings, in the order of the events, and the read-only calls counted by name."""

    findings: list[Finding] = field(default_factory=list)
    read_only: Counter[str] = field(default_factory=Counter)

    @property
    def ungated(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "UNGATED"]


def event_time(text: str) -> float:
    """CloudTrail ``eventTime`` in any of the spellings seen in the wild."""
    cleaned = text.strip().replace(" ", "T").rstrip("Z")
    cleaned = re.sub(r"(\.\d{6})\d+$", r"\1", cleaned)
    return datetime.fromisoformat(cleaned).replace(tzinfo=UTC).timestamp()


def _names_match(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether a grant's names cover an event's: each of ours read as a pattern. Not the other
    way round: an event keyturn could not name (``arn:aws:lambda:R:A:*``) would then be
    covered by any grant in that account, and an action that went around keyturn would pass
    for a gated one."""
    theirs = tuple(theirs)
    return any(fnmatchcase(t, o) for o in ours for t in theirs)


@dataclass(frozen=True, slots=True)
class _Event:
    """A mutating CloudTrail event as the matching reads it."""

    effects: tuple[Effect, ...]
    identity: dict[str, Any]
    who: str
    at: float

    @property
    def to_explain(self) -> tuple[Effect, ...]:
        """The effects a grant must explain: the changes (the reads, when there is nothing
        else: a call CloudTrail says is not read-only)."""
        changes = tuple(e for e in self.effects if e.effect is not EffectKind.READ)
        return changes or self.effects


@dataclass(slots=True)
class _Matcher:
    """Matches events to grants, remembering the deletes each grant already explained."""

    grants: Sequence[UsedGrant]
    window: float
    accounts: Mapping[str, Sequence[str]]
    spent: set[tuple[int, tuple[str, ...]]] = field(default_factory=set)

    def best(self, event: _Event) -> tuple[UsedGrant | None, str]:
        """The grant that explains ``event`` (one that ran before one with no outcome), or
        ``None`` and why the nearest grant does not."""
        found: list[UsedGrant] = []
        nearest = ""
        for g in self.grants:
            why = self._mismatch(g, event)
            if why is None:
                found.append(g)
            elif why and not nearest:
                nearest = why
        if not found:
            return None, nearest
        chosen = min(found, key=lambda g: (g.run is not RunState.RAN, abs(event.at - g.used_at)))
        for e in event.to_explain:
            if e.effect is EffectKind.DELETE:
                self.spent.add((chosen.grant, e.resource.names))
        return chosen, ""

    def _mismatch(self, g: UsedGrant, event: _Event) -> str | None:
        """Why ``g`` does not explain ``event``: ``""`` when it is not even near (another
        time or resource), a reason when it is, ``None`` when it explains it."""
        end = g.used_at + self.window
        if g.ended_at is not None:
            end = min(end, g.ended_at + SKEW_SECONDS)
        names = tuple(n for e in event.effects for n in e.resource.names)
        if not g.used_at - SKEW_SECONDS <= event.at <= end or not _names_match(
            (n for e in g.effects for n in e.names), names
        ):
            return ""
        label = f"grant {g.grant} of request {g.request}"
        if g.run is RunState.NOT_RUN:
            return f"{label} ran nothing ({g.outcome})"
        for e in event.to_explain:
            why = self._unexplained(g, e)
            if why:
                return f"{label}: {why}"
        return principal_mismatch(g, event.identity, event.who)

    def _unexplained(self, g: UsedGrant, e: Effect) -> str:
        """Why no one effect of ``g`` explains the event's effect ``e`` ("" when one does): on
        its resource, of a kind that covers it, switching protection off if it does, and in
        an account of its environment."""
        what = f"{e.effect.value} of {', '.join(e.resource.names)}"
        fitting = [ge for ge in g.effects if _names_match(ge.names, e.resource.names)]
        if not fitting:
            return f"approved nothing on the {what}"
        approved = ", ".join(sorted({ge.kind for ge in fitting}))
        fitting = [ge for ge in fitting if ge.kind in _EXPLAINED_BY[e.effect]]
        if not fitting:
            return f"approved {approved} of it, not the {what}"
        if e.removes_protection:
            fitting = [ge for ge in fitting if _unprotects(ge)]
            if not fitting:
                names = ", ".join(e.resource.names)
                return f"its records do not show it approved switching off {names}'s protection"
        account = e.target.aws_account
        envs = ", ".join(sorted({ge.environment for ge in fitting}))
        fitting = [ge for ge in fitting if not account or self._in_account(ge, account)]
        if not fitting:
            return f"approved it in {envs}, whose accounts do not include {account}"
        if e.effect is EffectKind.DELETE and (g.grant, e.resource.names) in self.spent:
            return f"its delete already explains an earlier call on {', '.join(e.resource.names)}"
        return ""

    def _in_account(self, ge: GrantEffect, account: str) -> bool:
        patterns = self.accounts.get(ge.environment) or ()
        return not patterns or any(fnmatchcase(account, p) for p in patterns)


def _unprotects(ge: GrantEffect) -> bool:
    return ge.removes_protection or ge.kind in _DESTROYING


def reconcile(
    events: Iterable[dict[str, Any]],
    grants: list[UsedGrant],
    *,
    window: float = DEFAULT_WINDOW_SECONDS,
    reader: Any = None,
    environment_accounts: Mapping[str, Sequence[str]] | None = None,
) -> Reconciliation:
    """Match CloudTrail events to used grants. ``reader`` defaults to
    ``keyturn.understand.cloudtrail`` (``cloudtrail_effects``, ``cloudtrail_identity``,
    ``is_read_only``, ``failed``). ``environment_accounts``: the policy's ``aws_accounts`` of
    each environment; an event in another account is not explained by a grant judged there."""
    if reader is None:
        from keyturn.understand import cloudtrail as reader
    matcher = _Matcher(grants, window, environment_accounts or {})
    result = Reconciliation()
    for event in events:
        name = f"{str(event.get('eventSource', '')).split('.')[0]}:{event.get('eventName')}"
        if reader.is_read_only(event):
            result.read_only[name] += 1
            continue
        result.findings.append(_finding(event, name, matcher, reader=reader))
    return result


def _finding(event: dict[str, Any], name: str, matcher: _Matcher, *, reader: Any) -> Finding:
    effects = tuple(reader.cloudtrail_effects(event))
    identity = reader.cloudtrail_identity(event)
    names = tuple(n for e in effects for n in e.resource.names)
    destructive = any(
        e.effect in DESTRUCTIVE_EFFECTS or e.effect is EffectKind.UNKNOWN for e in effects
    )
    who = str(identity.get("arn") or identity.get("principal") or identity.get("type") or "?")
    when = str(event.get("eventTime", ""))
    base = Finding(
        status="UNGATED",
        event=name,
        time=when,
        who=who,
        resources=names,
        destructive=destructive,
        note="no keyturn grant matches: it went around keyturn",
    )
    error = reader.failed(event)
    if error:
        return replace(base, status="attempt", note=f"failed ({error}): no change")
    grant, nearest = matcher.best(_Event(effects, identity, who, event_time(when)))
    if grant is None:
        return replace(base, note=base.note + (f" (nearest: {nearest})" if nearest else ""))
    ran = f"ran: {grant.outcome}" if grant.run is RunState.RAN else str(grant.run)
    return replace(
        base,
        status="gated",
        request=grant.request,
        approvers=grant.approvers,
        grant=grant.grant,
        note=f"grant {grant.grant} used by {grant.agent} for {grant.operator} ({ran})",
    )


def render(result: Reconciliation) -> str:
    """The reconciliation for people: one line per event, then the counts."""
    lines = []
    for f in result.findings:
        kind = "destructive" if f.destructive else "change"
        res = ", ".join(f.resources) or "-"
        extra = f" request {f.request} approved by {', '.join(f.approvers)}" if f.request else ""
        lines.append(
            f"{f.status:<8} {f.time}  {f.event} ({kind}) on {res} by {f.who}{extra}; {f.note}"
        )
    if result.read_only:
        summary = ", ".join(f"{k} x{v}" for k, v in sorted(result.read_only.items()))
        lines.append(f"read-only: {sum(result.read_only.values())} event(s): {summary}")
    lines.append(
        f"{len(result.ungated)} UNGATED, "
        f"{sum(f.status == 'gated' for f in result.findings)} gated, "
        f"{sum(f.status == 'attempt' for f in result.findings)} failed attempt(s)"
    )
    return "\n".join(lines)
