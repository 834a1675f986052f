"""``keyturn requests [--all] [--json]`` and ``keyturn requests show ID``: what waits for
review, for how long, for whom, and what it still needs.

A request's headline is keyturn's account of its effects, worst first; the text that came with
it is shown after, labelled. Every value an agent could choose is printed through
:func:`~keyturn.approval.display.visible`: an escape sequence, a carriage return or a bidi
override in a command or a name is shown spelled out, never sent to the terminal."""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Mapping
from typing import Any

from keyturn.approval.display import ranked_effects, request_headline, shorten, visible
from keyturn.approval.model import MAX_REQUEST_ID, RequestState
from keyturn.bootstrap import open_state
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options, age, settings_of, when
from keyturn.errors import NotFoundError, UsageError


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
            shown = request.to_json()
            print(json.dumps(shown, indent=2) if args.json else render(shown, now=now))
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
            f"{r.id:>5}  {age(now - r.created_at):>4}  {r.state.value:<9}  "
            f"{_v(r.draft.agent):<12} {_v(r.draft.operator):<10} {_v(r.draft.environment):<11} "
            f"{_v(needs)}\n"
            f"{'':>7}{_v(request_headline(r))}\n"
            f"{'':>7}as submitted: {shorten(_v(r.draft.summary), LISTED_SUMMARY_CHARS)}"
        )
    return 0


# How much of the submitted text a listing line shows (``requests show`` shows it whole).
LISTED_SUMMARY_CHARS = 200


def _v(value: object) -> str:
    """``value`` as the terminal may print it (hidden characters spelled out)."""
    return visible(value)


def parse_id(text: str) -> int:
    """A request id from the command line (``UsageError`` when it is not a number)."""
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"request id {text!r}: expected a number") from None
    if value <= 0:
        raise UsageError(f"request id {text!r}: expected a positive number")
    if value > MAX_REQUEST_ID:
        raise NotFoundError(f"no request {value}")  # as for any id the store does not hold
    return value


def render(r: Mapping[str, Any], *, now: float) -> str:
    """A request (as :meth:`ApprovalRequest.to_json` and the server give it) for people: what,
    who, why held, who voted, what is still needed."""
    eligible = _v(", ".join(r["eligible"])) or "nobody eligible"
    lines = [
        f"request {r['id']}: {r['state']}",
        f"  action:    {_v(request_headline(r))}",
        f"  submitted: {_v(r['summary'])}  (the text that came with it, not what was judged)",
        f"  digest:    {_v(r['digest'])}",
        f"  agent:     {_v(r['agent'])} (session {_v(r.get('session') or '-')}) for operator "
        f"{_v(r['operator'])}",
        f"  requester: {_v(r['requester'])}",
        f"  env:       {_v(r['environment'])}",
        f"  opened:    {when(r['created_at'])} ({age(now - r['created_at'])} ago), "
        f"expires {when(r['expires_at'])}",
        f"  needs:     {r['approvals_required']} approval(s) from "
        f"{_v(', '.join(r['reviewer_groups']))} ({eligible})",
    ]
    for effect in ranked_effects(r["decision"]):
        names = ", ".join(str(n) for n in effect.get("resource", []))
        protected = " PROTECTED" if effect.get("protected") else ""
        lines.append(
            f"  effect:    {_v(effect.get('effect'))} {_v(names)}{protected} "
            f"[{_v(effect.get('environment'))}] -> {_v(effect.get('decision'))} "
            f"({_v(effect.get('rule'))}: {_v(effect.get('reason'))})"
        )
    for v in r["votes"]:
        lines.append(
            f"  vote:      {_v(v['reviewer'])} {_v(v['vote'])}d at {when(v['at'])}: "
            f"{_v(v['reason'])}"
        )
    if r["state"] == RequestState.PENDING.value:
        lines.append(f"  still:     {_v(r['needs'])}")
    elif r["close_reason"]:
        lines.append(f"  closed:    by {_v(r['closed_by'])}: {_v(r['close_reason'])}")
    grant = r.get("grant")
    if grant is not None:
        used = (
            f"used {when(grant['used_at'])}"
            if grant["used_at"]
            else f"revoked {when(grant['revoked_at'])}, never usable"
            if grant["revoked_at"]
            else f"unused, expires {when(grant['expires_at'])}"
        )
        lines.append(f"  grant:     {grant['id']} ({used})")
    return "\n".join(lines)


def _remote(args: argparse.Namespace) -> int:
    """The same listing from the server at ``$KEYTURN_SERVER``."""
    from keyturn.client import Client

    client = Client.from_env()
    if args.words:
        if len(args.words) != 2 or args.words[0] != "show":
            raise UsageError("expected 'keyturn requests show ID' (see 'keyturn requests --help')")
        found_one = client.request(parse_id(args.words[1]))
        print(json.dumps(found_one, indent=2) if args.json else render(found_one, now=time.time()))
        return 0
    found = client.requests(state="all" if args.all else "pending")
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    if not found:
        print("no pending requests" if not args.all else "no requests")
    for r in found:
        print(
            f"{r['id']:>5}  {_v(r['state']):<9}  {_v(r['agent']):<12} {_v(r['operator']):<10} "
            f"{_v(r['environment']):<11} {_v(request_headline(r))}\n"
            f"{'':>7}as submitted: {shorten(_v(r['summary']), LISTED_SUMMARY_CHARS)}"
        )
    return 0
