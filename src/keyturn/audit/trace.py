"""Attribution: everything the audit log says about the resources matching a pattern.

For every action whose decision touched a matching resource the trace answers: who asked
(agent, session, operator, requester), what effects on what, which rule decided, who approved
(and who was refused), and what happened when it ran (exit status). Pure: it reads records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from keyturn.audit.record import AuditKind, StoredRecord, parse_time

_GLOB = set("*?[")


def resource_matcher(pattern: str) -> Any:
    """A predicate on resource names. A pattern without wildcards matches names containing it."""
    glob = pattern if _GLOB & set(pattern) else f"*{pattern}*"
    return lambda name: fnmatchcase(name, glob)


@dataclass(slots=True)
class ActionStory:
    """One action (one digest) and everything recorded about it."""

    digest: str
    summary: str = ""
    agent: str = ""
    operator: str = ""
    sessions: set[str] = field(default_factory=set)
    effects: list[dict[str, Any]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    approvers: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "summary": self.summary,
            "agent": self.agent,
            "operator": self.operator,
            "sessions": sorted(self.sessions),
            "effects": self.effects,
            "rules": self.rules,
            "decisions": self.decisions,
            "requests": self.requests,
            "approvers": self.approvers,
            "refused": self.refused,
            "outcomes": self.outcomes,
            "events": self.events,
        }


def readable_records(stored: Iterable[StoredRecord]) -> tuple[list[dict[str, Any]], list[int]]:
    """The records shaped as keyturn writes them, and the numbers of those that are not.

    Only someone writing to the store behind keyturn's back makes a record that is not JSON, or
    whose fields have other types; `audit verify` names them. A trace is read during an
    incident, so it goes on with the rest and says which it left out, instead of failing.
    """
    readable: list[dict[str, Any]] = []
    unreadable: list[int] = []
    for rec in stored:
        try:
            parsed = rec.parsed()
        except ValueError:
            parsed = None
        if parsed is not None and _well_formed(parsed):
            readable.append(parsed)
        else:
            unreadable.append(rec.seq)
    return readable, unreadable


def _well_formed(rec: dict[str, Any]) -> bool:
    """Every field the trace reads has the type keyturn writes."""
    data, actor = rec.get("data"), rec.get("actor")
    if not (
        isinstance(rec.get("seq"), int)
        and isinstance(rec.get("kind"), str)
        and isinstance(data, dict)
        and isinstance(actor, dict)
        and all(isinstance(v, str) for v in actor.values())
    ):
        return False
    try:
        parse_time(str(rec.get("at")))
    except ValueError:
        return False
    numbered = {"request.approved": ("request",), "grant.used": ("request", "grant")}
    if not all(isinstance(data.get(k), int) for k in numbered.get(rec["kind"], ())):
        return False
    effects = data.get("effects", [])
    return isinstance(effects, list) and all(
        isinstance(e, dict)
        and isinstance(e.get("resource", []), list)
        and all(isinstance(n, str) for n in e.get("resource", []))
        for e in effects
    )


def trace(
    records: Iterable[dict[str, Any]], *, pattern: str, since: float | None = None
) -> list[ActionStory]:
    """The stories of the actions touching resources matching ``pattern`` (since ``since``)."""
    matches = resource_matcher(pattern)
    stories: dict[str, ActionStory] = {}
    for rec in records:
        data = rec.get("data", {})
        digest = data.get("digest")
        if not isinstance(digest, str):
            continue
        if since is not None and parse_time(rec["at"]) < since:
            continue
        if rec.get("kind") == AuditKind.DECISION and digest not in stories:
            effects = data.get("effects", [])
            if any(matches(n) for e in effects for n in e.get("resource", [])):
                stories[digest] = ActionStory(digest=digest)
        story = stories.get(digest)
        if story is not None:
            _add(story, rec)
    return list(stories.values())


def _add(story: ActionStory, rec: dict[str, Any]) -> None:
    kind, data, actor = rec.get("kind"), rec.get("data", {}), rec.get("actor", {})
    story.events.append(
        {"seq": rec["seq"], "at": rec["at"], "kind": kind, "actor": actor, "data": data}
    )
    if kind == AuditKind.DECISION:
        story.summary = data.get("summary", story.summary)
        story.agent, story.operator = actor.get("agent", ""), actor.get("operator", "")
        if actor.get("session"):
            story.sessions.add(actor["session"])
        if not story.effects:
            story.effects = [
                {k: e.get(k) for k in ("effect", "resource", "environment", "decision")}
                for e in data.get("effects", [])
            ]
        story.decisions.append(data.get("decision", ""))
        for e in data.get("effects", []):
            rule = f"{e.get('rule')}: {e.get('reason')}"
            if rule not in story.rules:
                story.rules.append(rule)
    elif kind == AuditKind.REQUEST_OPENED and data.get("request") not in story.requests:
        story.requests.append(data.get("request"))
    elif kind == AuditKind.VOTE and data.get("vote") == "approve":
        story.approvers.append(actor.get("name", ""))
    elif kind == AuditKind.VOTE_REFUSED:
        story.refused.append(f"{actor.get('name')}: {data.get('reason')}")
    elif kind in (
        AuditKind.REQUEST_REJECTED,
        AuditKind.REQUEST_EXPIRED,
        AuditKind.REQUEST_CANCELLED,
    ):
        story.outcomes.append(f"request {data.get('request')} {str(kind).split('.')[1]}")
    elif kind == AuditKind.REQUEST_REVOKED:
        who = actor.get("name") or "-"
        story.outcomes.append(
            f"grant {data.get('grant')} of request {data.get('request')} revoked by {who}: "
            f"{data.get('reason')}"
        )
    elif kind == AuditKind.GRANT_USED:
        story.outcomes.append(f"grant {data.get('grant')} of request {data.get('request')} used")
    elif kind == AuditKind.EXECUTION:
        code, detail = data.get("exit_status"), data.get("detail") or ""
        said = [detail] if detail else []
        said += [f"exit status {code}"] if code is not None or not detail else []
        story.outcomes.append(f"ran at {rec['at']}: {', '.join(said)}")


def render(stories: list[ActionStory]) -> str:
    """The trace for people."""
    if not stories:
        return "no recorded action touched a matching resource"
    out: list[str] = []
    for s in stories:
        sessions = ", ".join(sorted(s.sessions)) or "-"
        out.append(f"{s.summary}  [{s.digest[:19]}]")
        out.append(f"  asked by:  agent {s.agent} (session {sessions}) for operator {s.operator}")
        for e in s.effects:
            out.append(
                f"  effect:    {e['effect']} {', '.join(e['resource'] or [])} "
                f"[{e['environment']}] -> {e['decision']}"
            )
        for rule in s.rules:
            out.append(f"  rule:      {rule}")
        if s.requests:
            out.append(f"  requests:  {', '.join(str(r) for r in s.requests)}")
        out.append(f"  approvers: {', '.join(s.approvers) or '-'}")
        for r in s.refused:
            out.append(f"  refused:   {r}")
        for o in s.outcomes or ["not run"]:
            out.append(f"  happened:  {o}")
        for ev in s.events:
            who = ev["actor"].get("name") or ev["actor"].get("agent") or "-"
            out.append(f"    #{ev['seq']:<5} {ev['at']}  {ev['kind']:<18} {who}")
    return "\n".join(out)
