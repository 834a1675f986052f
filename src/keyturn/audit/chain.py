"""The hash chain: domain-separated SHA-256 over canonical record bytes.

``leaf = sha256(b"keyturn.audit.record/1\\x00" + canonical)`` and
``chain = sha256(b"keyturn.audit.chain/1\\x00" + prev_chain + leaf)`` (raw 32-byte digests).
The prefixes keep a record hash from ever being mistaken for a chain hash or a checkpoint
signature input (the RFC 6962 habit).
"""

from __future__ import annotations

import hashlib

LEAF_PREFIX = b"keyturn.audit.record/1\x00"
CHAIN_PREFIX = b"keyturn.audit.chain/1\x00"
# The chain value "before" record 1.
GENESIS = bytes(32)


def leaf_hash(canonical: bytes) -> bytes:
    """The hash of one record's canonical bytes."""
    return hashlib.sha256(LEAF_PREFIX + canonical).digest()


def chain_hash(prev: bytes, leaf: bytes) -> bytes:
    """The chain value after appending ``leaf`` to a chain whose last value is ``prev``."""
    return hashlib.sha256(CHAIN_PREFIX + prev + leaf).digest()


def extend(prev: bytes, canonical: bytes) -> tuple[bytes, bytes]:
    """``(leaf, chain)`` for appending ``canonical`` after ``prev``."""
    leaf = leaf_hash(canonical)
    return leaf, chain_hash(prev, leaf)
