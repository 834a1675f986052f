"""Audit records: what happened, canonical and versioned.

A record is a JSON object ``{"schema": "keyturn.audit.record/1", "seq": N, "at": ISO-8601,
"kind": ..., "actor": {...}, "data": {...}}`` encoded with :func:`keyturn.model.canonical_json`.
Its sequence number is inside the hashed bytes, so moving a record is as visible as editing it.
Secrets never enter a record: token values are not recorded, only the token's name and role.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from keyturn.model import canonical_json

RECORD_SCHEMA = "keyturn.audit.record/1"


class AuditKind(StrEnum):
    """Every kind of audit record."""

    DECISION = "decision"
    REQUEST_OPENED = "request.opened"
    REQUEST_FOUND = "request.found"
    VOTE = "vote"
    VOTE_REFUSED = "vote.refused"
    REQUEST_APPROVED = "request.approved"
    REQUEST_REJECTED = "request.rejected"
    REQUEST_EXPIRED = "request.expired"
    REQUEST_CANCELLED = "request.cancelled"
    REQUEST_REVOKED = "request.revoked"
    GRANT_ISSUED = "grant.issued"
    GRANT_USED = "grant.used"
    GRANT_REFUSED = "grant.refused"
    EXECUTION = "execution"
    TOKEN_CREATED = "token.created"  # noqa: S105 (a record kind)
    TOKEN_REVOKED = "token.revoked"  # noqa: S105 (a record kind)
    POLICY_LOADED = "policy.loaded"


def iso_time(epoch: float) -> str:
    """A UTC timestamp with microseconds, as records carry it."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> float:
    """Epoch seconds of a record's ``at``."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A record before the store numbers it: what, when, who, and the details."""

    kind: AuditKind
    at: float
    actor: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def record(self, seq: int) -> dict[str, Any]:
        """The full record as numbered ``seq``."""
        return {
            "schema": RECORD_SCHEMA,
            "seq": seq,
            "at": iso_time(self.at),
            "kind": self.kind.value,
            "actor": {k: v for k, v in self.actor.items() if v is not None},
            "data": self.data,
        }

    def canonical(self, seq: int) -> bytes:
        """The canonical bytes of the record numbered ``seq``: what is hashed."""
        return canonical_json(self.record(seq))


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record as stored: its canonical text and the chain value after it (hex)."""

    seq: int
    canonical: str
    chain: str

    def parsed(self) -> dict[str, Any]:
        """The record as a dict (raises ``ValueError`` when the stored text is not JSON)."""
        value = json.loads(self.canonical)
        if not isinstance(value, dict):
            raise ValueError("record is not a JSON object")
        return value
