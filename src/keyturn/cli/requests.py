"""``keyturn requests [--all] [--json]`` and ``keyturn requests show ID``: what waits for
review, for how long, for whom, and what it still needs."""

from __future__ import annotations

import argparse
import json
import os
import time

from keyturn.approval.model import ApprovalRequest, RequestState
from keyturn.bootstrap import open_state
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options, age, settings_of, when
from keyturn.errors import UsageError


def run(argv: list[str]) -> int:
    p = parser("requests", "List approval requests, or show one: 'keyturn requests show ID'.")
    add_state_options(p)
    p.add_argument("--all", action="store_true", help="every request, not only pending ones")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("words", nargs="*", metavar="show ID")
    args = p.parse_args(argv)
    if os.environ.get("KEYTURN_SERVER"):
        return _remote(args)
    store = open_state(settings_of(args))
    try:
        now = time.time()
        store.expire_due(now=now)
        if args.words:
            if len(args.words) != 2 or args.words[0] != "show":
                raise UsageError(
                    "expected 'keyturn requests show ID' (see 'keyturn requests --help')"
                )
            request = store.get_request(parse_id(args.words[1]))
            print(
                json.dumps(request.to_json(), indent=2) if args.json else render(request, now=now)
            )
            return 0
        states = None if args.all else [RequestState.PENDING]
        requests = store.list_requests(states=states)
    finally:
        store.close()
    if args.json:
        print(json.dumps([r.to_json() for r in requests], indent=2))
        return 0
    if not requests:
        print("no pending requests" if not args.all else "no requests")
        return 0
    print(
        f"{'ID':>5}  {'AGE':>4}  {'STATE':<9}  {'AGENT':<12} {'OPERATOR':<10} {'ENV':<11} "
        "NEEDS / ACTION"
    )
    for r in requests:
        needs = r.describe_needed() if r.state is RequestState.PENDING else r.close_reason
        print(
            f"{r.id:>5}  {age(now - r.created_at):>4}  {r.state.value:<9}  {r.draft.agent:<12} "
            f"{r.draft.operator:<10} {r.draft.environment:<11} {needs}\n"
            f"{'':>7}{r.draft.summary}"
        )
    return 0


def parse_id(text: str) -> int:
    """A request id from the command line (``UsageError`` when it is not a number)."""
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"request id {text!r}: expected a number") from None
    if value <= 0:
        raise UsageError(f"request id {text!r}: expected a positive number")
    return value


def render(r: ApprovalRequest, *, now: float) -> str:
    """A request for people: what, who, why held, who voted, what is still needed."""
    d = r.draft
    lines = [
        f"request {r.id}: {r.state.value}",
        f"  action:    {d.summary}",
        f"  digest:    {d.digest}",
        f"  agent:     {d.agent} (session {d.session or '-'}) for operator {d.operator}",
        f"  requester: {d.requester}",
        f"  env:       {d.environment}",
        f"  opened:    {when(r.created_at)} ({age(now - r.created_at)} ago), "
        f"expires {when(r.expires_at)}",
        f"  needs:     {d.approvals_required} approval(s) from {', '.join(d.reviewer_groups)}"
        f" ({', '.join(d.eligible) or 'nobody eligible'})",
    ]
    for effect in d.decision.get("decision", {}).get("effects", []):
        names = ", ".join(effect.get("resource", []))
        lines.append(
            f"  effect:    {effect.get('effect')} {names} [{effect.get('environment')}] -> "
            f"{effect.get('decision')} ({effect.get('rule')}: {effect.get('reason')})"
        )
    for v in r.votes:
        lines.append(f"  vote:      {v.reviewer} {v.vote.value}d at {when(v.at)}: {v.reason}")
    if r.state is RequestState.PENDING:
        lines.append(f"  still:     {r.describe_needed()}")
    elif r.close_reason:
        lines.append(f"  closed:    by {r.closed_by}: {r.close_reason}")
    if r.grant is not None:
        used = (
            f"used {when(r.grant.used_at)}"
            if r.grant.used_at
            else f"unused, expires {when(r.grant.expires_at)}"
        )
        lines.append(f"  grant:     {r.grant.id} ({used})")
    return "\n".join(lines)


def _remote(args: argparse.Namespace) -> int:
    """The same listing from the server at ``$KEYTURN_SERVER``."""
    from keyturn.client import Client

    client = Client.from_env()
    if args.words:
        if len(args.words) != 2 or args.words[0] != "show":
            raise UsageError("expected 'keyturn requests show ID' (see 'keyturn requests --help')")
        print(json.dumps(client.request(parse_id(args.words[1])), indent=2))
        return 0
    found = client.requests(state="all" if args.all else "pending")
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    if not found:
        print("no pending requests" if not args.all else "no requests")
    for r in found:
        print(
            f"{r['id']:>5}  {r['state']:<9}  {r['agent']:<12} {r['operator']:<10} "
            f"{r['environment']:<11} {r['summary']}"
        )
    return 0
