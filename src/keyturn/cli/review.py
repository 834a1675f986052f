"""``keyturn approve ID --reason ...``, ``keyturn reject ID --reason ...``, ``keyturn cancel ID``.

Act as the holder of ``$KEYTURN_TOKEN``. A refused step says why and exits 4; an unknown
request exits 2. Names and states from the store or the server are printed with their hidden
characters spelled out (:func:`~keyturn.approval.display.visible`).
"""

from __future__ import annotations

import os
import time
from typing import Any

from keyturn.approval import vote_step
from keyturn.approval.display import visible
from keyturn.approval.model import ApprovalRequest, RequestState
from keyturn.audit.redaction import Redactor
from keyturn.bootstrap import install_secret, open_state
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options, current_holder, settings_of
from keyturn.cli.requests import parse_id
from keyturn.errors import UsageError

_HELP = {
    "approve": "Approve a pending request (counts once per distinct eligible reviewer).",
    "reject": "Reject a pending request (one rejection rejects).",
    "cancel": "Withdraw a pending request (its requester, agent, operator, or an admin).",
}


def run(argv: list[str]) -> int:
    if not argv or argv[0] not in _HELP:
        raise UsageError("expected approve, reject or cancel")
    verb = argv[0]
    p = parser(verb, _HELP[verb])
    add_state_options(p)
    p.add_argument("id", metavar="ID")
    p.add_argument("--reason", required=verb != "cancel", default="", help="why (recorded)")
    args = p.parse_args(argv[1:])
    request_id = parse_id(args.id)
    if os.environ.get("KEYTURN_SERVER"):
        from keyturn.client import Client

        answer = Client.from_env().vote(verb, request_id, reason=args.reason)
        approvals = ", ".join(str(a) for a in answer.get("approvals") or ())
        print(
            f"request {visible(answer.get('id'))}: {visible(answer.get('state'))}; "
            f"approvals: {visible(approvals) or '-'}"
        )
        return 0
    result, who = local_step(args, request_id, verb, args.reason)
    print(_describe(result, verb=verb, who=who))
    return 0


def local_step(args: Any, request_id: int, verb: str, reason: str) -> tuple[ApprovalRequest, str]:
    """Run ``verb`` on request ``request_id`` in the local store as the token's holder: the
    request after it, and the holder's name."""
    settings = settings_of(args)
    store = open_state(settings)
    try:
        holder = current_holder(store)
        now = time.time()
        store.get_request(request_id)  # unknown id -> exit 2 before anything is recorded
        # A typed reason may hold a pasted token: its secrets replaced, as the audit does.
        redacted = Redactor(install_secret(settings.home)).text(reason, [])
        step = vote_step(verb, by=holder.name, role=holder.role, reason=redacted, now=now)
        return store.transition(request_id, step, now=now), holder.name
    finally:
        store.close()


def _describe(r: ApprovalRequest, *, verb: str, who: str) -> str:
    who = visible(who)
    if r.state is RequestState.PENDING:
        return f"request {r.id}: {verb}d by {who}; still pending: {visible(r.describe_needed())}"
    if r.state is RequestState.APPROVED:
        grant = f"; grant {visible(r.grant.id)} usable once until it expires" if r.grant else ""
        return f"request {r.id}: approved by {visible(', '.join(r.approvals))}{grant}"
    return f"request {r.id}: {r.state.value} by {who}"
