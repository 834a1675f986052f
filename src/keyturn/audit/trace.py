"""Attribution: everything the audit log says about the resources matching a pattern.

The records are grouped by action digest **and by who acted** (agent and operator): a grant is
bound to all three, and two agents sending the same command are two stories, never one. Each
story answers: who asked (agent, sessions, operator), what effects on what, which rule decided;
then, request by request, who asked for it (the requester), who approved it (and who was
refused) and how it ended; and what happened, each with who it was for: a grant used (or used
up without the action running, or refused), the action run (its exit status) or not run.
Pure: it reads records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from keyturn.audit.grants import RunState, run_state, used_up_without_running
from keyturn.audit.record import AuditKind, StoredRecord, parse_time

_GLOB = set("*?[")
# A story's key: the action's digest, the agent and the operator it acted for.
StoryKey = tuple[str, str, str]


def resource_matcher(pattern: str) -> Any:
    """A predicate on resource names. A pattern without wildcards matches names containing it."""
    glob = pattern if _GLOB & set(pattern) else f"*{pattern}*"
    return lambda name: fnmatchcase(name, glob)


@dataclass(frozen=True, slots=True)
class Happening:
    """One thing that came of an action: ``what``, for whom (``by``: agent and operator) and,
    for a run, ``note`` when nothing recorded before it let the action through for them."""

    what: str
    by: str
    at: str
    seq: int
    note: str = ""

    def line(self) -> str:
        """The text for people: a run says whose it was (a grant's use already does)."""
        ran = self.by and self.what.startswith(("ran ", "not run "))
        return (
            self.what + (f", by {self.by}" if ran else "") + (f"; {self.note}" if self.note else "")
        )

    def to_json(self) -> dict[str, Any]:
        return {"what": self.what, "by": self.by, "at": self.at, "seq": self.seq, "note": self.note}


@dataclass(slots=True)
class RequestStory:
    """One approval request of a story: who asked for it, who approved, how it ended."""

    id: int
    requester: str = ""
    session: str = ""
    approvers: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    state: str = "pending"
    closed_by: str = ""
    reason: str = ""
    grant: int | None = None

    def line(self) -> str:
        """``request 7: asked by bob (session s-9); approvers: alice, carol; approved by
        carol; grant 3``."""
        asked = self.requester or "-"
        if self.session:
            asked += f" (session {self.session})"
        ended = self.state + (f" by {self.closed_by}" if self.closed_by else "")
        ended += f": {self.reason}" if self.reason else ""
        grant = f"; grant {self.grant}" if self.grant is not None else ""
        approvers = ", ".join(self.approvers) or "-"
        return f"request {self.id}: asked by {asked}; approvers: {approvers}; {ended}{grant}"

    def to_json(self) -> dict[str, Any]:
        return {
            "request": self.id,
            "requester": self.requester,
            "session": self.session,
            "approvers": self.approvers,
            "refused": self.refused,
            "state": self.state,
            "closed_by": self.closed_by,
            "reason": self.reason,
            "grant": self.grant,
        }


@dataclass(slots=True)
class ActionStory:
    """One action (one digest) asked by one agent for one operator, and everything recorded
    about it. ``approvers`` and ``refused`` gather those of its requests (see ``by_request``
    for each); ``outcomes`` is what happened, as text (``happened``: with whom it was for)."""

    digest: str
    agent: str = ""
    operator: str = ""
    summary: str = ""
    sessions: set[str] = field(default_factory=set)
    effects: list[dict[str, Any]] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    by_request: dict[int, RequestStory] = field(default_factory=dict)
    approvers: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    happened: list[Happening] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    # Whether a record so far let it through for them (an allow, a grant used).
    let_through: bool = False

    @property
    def outcomes(self) -> list[str]:
        """What happened, as text."""
        return [h.what for h in self.happened]

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
            "by_request": [r.to_json() for r in self.by_request.values()],
            "approvers": self.approvers,
            "refused": self.refused,
            "outcomes": self.outcomes,
            "happened": [h.to_json() for h in self.happened],
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
    """The stories of the actions touching resources matching ``pattern`` (since ``since``),
    one per action digest, agent and operator."""
    matches = resource_matcher(pattern)
    stories: dict[StoryKey, ActionStory] = {}
    owners = _Owners()
    for rec in records:
        data = rec.get("data", {})
        digest = data.get("digest")
        if not isinstance(digest, str):
            continue
        if since is not None and parse_time(rec["at"]) < since:
            continue
        key = owners.key_of(rec, digest)
        if rec.get("kind") == AuditKind.DECISION and key not in stories:
            effects = data.get("effects", [])
            if any(matches(n) for e in effects for n in e.get("resource", [])):
                stories[key] = ActionStory(digest=digest, agent=key[1], operator=key[2])
        story = stories.get(key)
        if story is not None:
            owners.note(rec, key)
            _add(story, rec)
    return list(stories.values())


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _Owners:
    """Which story each request and grant belongs to: the one whose records opened it. The
    records of a request (votes, approval, grant) name its agent and operator; a grant's use
    refused or an execution name them as the actor."""

    def __init__(self) -> None:
        self.requests: dict[int, StoryKey] = {}
        self.grants: dict[int, StoryKey] = {}

    def key_of(self, rec: dict[str, Any], digest: str) -> StoryKey:
        data, actor = rec.get("data", {}), rec.get("actor", {})
        request, grant = _number(data.get("request")), _number(data.get("grant"))
        if request is not None and request in self.requests:
            return self.requests[request]
        if grant is not None and grant in self.grants:
            return self.grants[grant]
        agent = _text(data.get("agent")) or _text(actor.get("agent"))
        operator = _text(data.get("operator")) or _text(actor.get("operator"))
        return (digest, agent, operator)

    def note(self, rec: dict[str, Any], key: StoryKey) -> None:
        data = rec.get("data", {})
        request, grant = _number(data.get("request")), _number(data.get("grant"))
        if request is not None:
            self.requests.setdefault(request, key)
        if grant is not None:
            self.grants.setdefault(grant, key)


def _for_whom(actor: dict[str, Any]) -> str:
    """``agent kiro for operator bob (session s-9)``; and who sent it, when someone else."""
    agent, operator = _text(actor.get("agent")) or "-", _text(actor.get("operator")) or "-"
    text = f"agent {agent} for operator {operator}"
    extra = [f"session {actor['session']}"] if _text(actor.get("session")) else []
    requester = _text(actor.get("requester"))
    if requester and requester not in (agent, operator):
        extra.append(f"sent by {requester}")
    return text + (f" ({', '.join(extra)})" if extra else "")


def _add(story: ActionStory, rec: dict[str, Any]) -> None:
    kind, data, actor = rec.get("kind"), rec.get("data", {}), rec.get("actor", {})
    story.events.append(
        {"seq": rec["seq"], "at": rec["at"], "kind": kind, "actor": actor, "data": data}
    )
    if kind == AuditKind.DECISION:
        _add_decision(story, data, actor)
    elif kind in (AuditKind.GRANT_USED, AuditKind.GRANT_REFUSED, AuditKind.EXECUTION):
        _add_happening(story, rec)
    else:
        request = _number(data.get("request"))
        if request is not None:
            _add_to_request(story, _request(story, request), rec)


def _add_decision(story: ActionStory, data: dict[str, Any], actor: dict[str, Any]) -> None:
    story.summary = data.get("summary", story.summary)
    if _text(actor.get("session")):
        story.sessions.add(actor["session"])
    if not story.effects:
        story.effects = [
            {k: e.get(k) for k in ("effect", "resource", "environment", "decision")}
            for e in data.get("effects", [])
        ]
    story.decisions.append(data.get("decision", ""))
    story.let_through = story.let_through or data.get("decision") == "allow"
    for e in data.get("effects", []):
        rule = f"{e.get('rule')}: {e.get('reason')}"
        if rule not in story.rules:
            story.rules.append(rule)


def _request(story: ActionStory, request: int) -> RequestStory:
    if request not in story.by_request:
        story.by_request[request] = RequestStory(id=request)
        story.requests.append(request)
    return story.by_request[request]


def _add_to_request(story: ActionStory, req: RequestStory, rec: dict[str, Any]) -> None:
    kind, data, actor = rec.get("kind"), rec.get("data", {}), rec.get("actor", {})
    name, reason = _text(actor.get("name")), _text(data.get("reason"))
    if kind == AuditKind.REQUEST_OPENED:
        req.requester = _text(actor.get("requester")) or _text(actor.get("operator"))
        req.session = _text(actor.get("session"))
    elif kind == AuditKind.VOTE and data.get("vote") == "approve":
        req.approvers.append(name)
        story.approvers.append(name)
    elif kind == AuditKind.VOTE_REFUSED:
        req.refused.append(f"{name}: {reason}")
        story.refused.append(f"{name}: {reason}")
    elif kind == AuditKind.GRANT_ISSUED:
        req.grant = _number(data.get("grant"))
    elif kind == AuditKind.REQUEST_REVOKED:
        req.state, req.closed_by, req.reason = "revoked", name, reason
        what = f"grant {data.get('grant')} of request {req.id} revoked by {name or '-'}: {reason}"
        story.happened.append(Happening(what, "", rec["at"], rec["seq"]))
    elif kind in _CLOSING:
        req.state, req.closed_by, req.reason = _CLOSING[kind], name, reason
        if kind != AuditKind.REQUEST_APPROVED:
            by = f" by {name}" if name and name != "keyturn" else ""
            what = f"request {req.id} {req.state}{by}" + (f": {reason}" if reason else "")
            story.happened.append(Happening(what, "", rec["at"], rec["seq"]))


_CLOSING = {
    AuditKind.REQUEST_APPROVED: "approved",
    AuditKind.REQUEST_REJECTED: "rejected",
    AuditKind.REQUEST_EXPIRED: "expired",
    AuditKind.REQUEST_CANCELLED: "cancelled",
}


def _add_happening(story: ActionStory, rec: dict[str, Any]) -> None:
    """A grant used, used up without running or refused; an action run or not run."""
    kind, data, actor = rec.get("kind"), rec.get("data", {}), rec.get("actor", {})
    by = _for_whom(actor)
    grant = f"grant {data.get('grant')} of request {data.get('request')}"
    reason = _text(data.get("reason"))
    if kind == AuditKind.GRANT_USED:
        what = f"{grant} used by {by}"
        story.let_through = True
    elif kind == AuditKind.GRANT_REFUSED and used_up_without_running(data):
        why = reason.split(":", 1)[1].strip() if ":" in reason else reason
        what = f"{grant} used up by {by} without running: {why}"
    elif kind == AuditKind.GRANT_REFUSED:
        what = f"{grant} refused to {by}, not used: {reason}"
    else:
        what = _execution(rec)
    # An agent's hook reports runs too: a run nothing recorded let through is said to be one.
    unlet = kind == AuditKind.EXECUTION and not story.let_through
    note = "no allow or grant for them precedes it" if unlet else ""
    story.happened.append(Happening(what, by, rec["at"], rec["seq"], note))


def _execution(rec: dict[str, Any]) -> str:
    data = rec.get("data", {})
    code, detail = data.get("exit_status"), _text(data.get("detail"))
    if run_state(data) is RunState.NOT_RUN:
        return f"not run at {rec['at']}: {detail.removeprefix('not run: ') or 'no exit status'}"
    said = [detail] if detail else []
    said += [f"exit status {code}"] if code is not None or not detail else []
    return f"ran at {rec['at']}: {', '.join(said)}"


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
        for req in s.by_request.values():
            out.append(f"  {req.line()}")
        for r in s.refused:
            out.append(f"  refused:   {r}")
        for h in s.happened:
            out.append(f"  happened:  {h.line()}")
        if not s.happened:
            out.append("  happened:  not run")
        for ev in s.events:
            who = ev["actor"].get("name") or ev["actor"].get("agent") or "-"
            out.append(f"    #{ev['seq']:<5} {ev['at']}  {ev['kind']:<18} {who}")
    return "\n".join(out)
