"""Reconcile what the cloud recorded (CloudTrail) with what keyturn let through.

Each successful mutating CloudTrail event is matched to a used keyturn grant on: a resource
name (keyturn's names may hold ``*`` for the account or region: they match as patterns), a
time window around the grant's use, and -- when the event carries them -- the SourceIdentity or
the ``request`` session tag keyturn sets on brokered credentials. A match marks the event
**gated** (with its request and approvers); no match marks it **UNGATED**: something went
around keyturn. Failed calls (``errorCode``) are attempts, not changes; read-only events are
counted, not flagged. Pure: the CloudTrail interpretation comes from
``keyturn.understand.cloudtrail``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from typing import Any

from keyturn.audit.record import AuditKind, parse_time
from keyturn.model import DESTRUCTIVE_EFFECTS, EffectKind

# A grant is matched to calls made from a little before its use (clock skew) until this long
# after (a long `terraform apply` keeps calling).
DEFAULT_WINDOW_SECONDS = 3600.0
SKEW_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class UsedGrant:
    """A grant keyturn let be used, with what it was for and who approved it."""

    grant: int
    request: int
    digest: str
    used_at: float
    agent: str
    operator: str
    resources: tuple[str, ...]
    approvers: tuple[str, ...]


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

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "event": self.event,
            "time": self.time,
            "who": self.who,
            "resources": list(self.resources),
            "destructive": self.destructive,
            "request": self.request,
            "approvers": list(self.approvers),
            "note": self.note,
        }


@dataclass(slots=True)
class Reconciliation:
    findings: list[Finding] = field(default_factory=list)
    read_only: Counter[str] = field(default_factory=Counter)

    @property
    def ungated(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "UNGATED"]


def used_grants(records: Iterable[dict[str, Any]]) -> list[UsedGrant]:
    """The grants used, from audit records (decision -> resources, approvals -> approvers)."""
    resources: dict[str, tuple[str, ...]] = {}
    approvers: dict[int, tuple[str, ...]] = {}
    out: list[UsedGrant] = []
    for rec in records:
        kind, data = rec.get("kind"), rec.get("data", {})
        if kind == AuditKind.DECISION:
            names = tuple(n for e in data.get("effects", []) for n in e.get("resource", []))
            resources.setdefault(data.get("digest", ""), names)
        elif kind == AuditKind.REQUEST_APPROVED:
            approvers[int(data["request"])] = tuple(data.get("approvers", ()))
        elif kind == AuditKind.GRANT_USED:
            request = int(data["request"])
            out.append(
                UsedGrant(
                    grant=int(data["grant"]),
                    request=request,
                    digest=data.get("digest", ""),
                    used_at=parse_time(rec["at"]),
                    agent=data.get("agent", ""),
                    operator=data.get("operator", ""),
                    resources=resources.get(data.get("digest", ""), ()),
                    approvers=approvers.get(request, ()),
                )
            )
    return out


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


def _request_hint(identity: dict[str, Any]) -> int | None:
    """The keyturn request an event's credentials name (session tag ``request`` or a
    SourceIdentity ending in the request number), if any."""
    tags = identity.get("session_tags") or identity.get("tags") or {}
    raw = tags.get("request") if isinstance(tags, dict) else None
    raw = raw or identity.get("source_identity") or identity.get("sourceIdentity")
    match = re.search(r"(\d+)$", str(raw)) if raw else None
    return int(match.group(1)) if match else None


def reconcile(
    events: Iterable[dict[str, Any]],
    grants: list[UsedGrant],
    *,
    window: float = DEFAULT_WINDOW_SECONDS,
    reader: Any = None,
) -> Reconciliation:
    """Match CloudTrail events to used grants. ``reader`` defaults to
    ``keyturn.understand.cloudtrail`` (``cloudtrail_effects``, ``cloudtrail_identity``,
    ``is_read_only``, ``failed``)."""
    if reader is None:
        from keyturn.understand import cloudtrail as reader
    result = Reconciliation()
    for event in events:
        name = f"{str(event.get('eventSource', '')).split('.')[0]}:{event.get('eventName')}"
        if reader.is_read_only(event):
            result.read_only[name] += 1
            continue
        result.findings.append(_finding(event, name, grants, window=window, reader=reader))
    return result


def _finding(
    event: dict[str, Any], name: str, grants: list[UsedGrant], *, window: float, reader: Any
) -> Finding:
    effects = reader.cloudtrail_effects(event)
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
    at = event_time(when)
    hint = _request_hint(identity)
    for g in grants:
        if hint is not None and g.request != hint:
            continue
        if g.used_at - SKEW_SECONDS <= at <= g.used_at + window and _names_match(
            g.resources, names
        ):
            return replace(
                base,
                status="gated",
                request=g.request,
                approvers=g.approvers,
                note=f"grant {g.grant} used by {g.agent} for {g.operator}",
            )
    return base


def render(result: Reconciliation) -> str:
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
