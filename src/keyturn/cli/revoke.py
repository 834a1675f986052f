"""``keyturn revoke ID --reason ...``: withdraw the grant of an approved request before it is
used (a reviewer's mistake found, an incident begun).

Acts as the holder of ``$KEYTURN_TOKEN``, locally or through ``$KEYTURN_SERVER``. Who may: an
admin, an eligible reviewer of the request, or its requester, agent or operator. Exit 0 when
revoked; 4 when this person may not; 2 when the grant was already used (the action ran), the
request is not approved, the reason is missing, or the request is unknown.
"""

from __future__ import annotations

import os

from keyturn.approval.model import ApprovalRequest
from keyturn.cli._args import parser
from keyturn.cli._state import add_state_options
from keyturn.cli.requests import parse_id
from keyturn.cli.review import local_step
from keyturn.errors import UsageError

_HELP = (
    "Revoke the unused grant of an approved request (an admin, an eligible reviewer, or its "
    "requester, agent or operator)."
)


def run(argv: list[str]) -> int:
    p = parser("revoke", _HELP)
    add_state_options(p)
    p.add_argument("id", metavar="ID", help="the request id")
    p.add_argument("--reason", required=True, help="why the grant is withdrawn (recorded)")
    args = p.parse_args(argv)
    request_id = parse_id(args.id)
    if not args.reason.strip():
        raise UsageError("--reason: a revocation needs a reason")
    if os.environ.get("KEYTURN_SERVER"):
        from keyturn.client import Client

        answer = Client.from_env().vote("revoke", request_id, reason=args.reason.strip())
        grant = answer.get("grant") or {}
        print(_line(answer["id"], answer.get("closed_by") or "", grant.get("id")))
        return 0
    result, _ = local_step(args, request_id, "revoke", args.reason.strip())
    print(_describe(result))
    return 0


def _describe(r: ApprovalRequest) -> str:
    return _line(r.id, r.closed_by or "", None if r.grant is None else r.grant.id)


def _line(request_id: int, by: str, grant_id: int | None) -> str:
    grant = f"grant {grant_id}" if grant_id is not None else "its grant"
    return f"request {request_id}: revoked by {by}; {grant} can no longer be used"
