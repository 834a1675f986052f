"""The two-person rule, as a pure state machine.

A request moves pending -> approved | rejected | expired | cancelled, and approved -> revoked
while its grant is unused. Approval needs the required number of distinct eligible humans; the
agent, its operator and the requester never count. An approved request yields one grant,
usable once, for that exact action digest, until it expires or is revoked. Nothing here touches
the world: the store runs each transition inside one locked transaction, and the clock arrives
as ``now``. See ``docs/design/approvals.md``.
"""

from __future__ import annotations

from keyturn.approval.machine import (
    Transition,
    approve,
    cancel,
    check_grant,
    expire_if_due,
    may_revoke,
    reject,
    revoke,
    vote_step,
)
from keyturn.approval.model import (
    ApprovalRequest,
    ConflictError,
    Grant,
    RequestDraft,
    RequestState,
    Role,
    Vote,
    VoteKind,
)

__all__ = [
    "ApprovalRequest",
    "ConflictError",
    "Grant",
    "RequestDraft",
    "RequestState",
    "Role",
    "Transition",
    "Vote",
    "VoteKind",
    "approve",
    "cancel",
    "check_grant",
    "expire_if_due",
    "may_revoke",
    "reject",
    "revoke",
    "vote_step",
]
