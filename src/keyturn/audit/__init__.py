"""The tamper-evident audit log: canonical versioned records, a domain-separated hash chain,
Ed25519-signed checkpoints, verification, export, trace and CloudTrail reconciliation.

Pure: records, hashes and signatures are computed here; the store decides where they live.
The format is described in ``docs/design/audit-log.md``.
"""

from __future__ import annotations

from keyturn.audit.chain import GENESIS, chain_hash, leaf_hash
from keyturn.audit.record import RECORD_SCHEMA, AuditEntry, AuditKind, StoredRecord

__all__ = [
    "GENESIS",
    "RECORD_SCHEMA",
    "AuditEntry",
    "AuditKind",
    "StoredRecord",
    "chain_hash",
    "leaf_hash",
]
