"""Verify the audit log: recompute the chain from the stored bytes and check every signed
checkpoint. Works the same on the database and on an export (only the public key is needed).

The first problem found is named by record number; verification stops there, because nothing
after a broken link can be trusted.

Checking the checkpoints that are there is not enough: someone who can write the database can
delete the checkpoint rows (or drop the checkpoint lines of an export) and then rewrite and
re-hash every record, and a log with no signature left to contradict it would verify. So the
caller says how far the signatures must reach: a store signs at least once every
``checkpoint_every`` records, so its last checkpoint is at or after the last multiple of that
number; an export is signed at its head, so its last record is signed.

The records after the last signature are held by the chain and the store's head row only, which
anyone who can write the database can recompute; but the store keeps other evidence of what
happened: its requests, votes and grants, each written in the same transaction as its record.
A request or grant the log does not mention shows a log emptied, cut or rewritten without
them; a record naming another asker, approver, voter, closer or grant holder than the rows
shows a record rewritten (:mod:`keyturn.audit.evidence`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from keyturn.audit.chain import CHAIN_PREFIX, GENESIS, LEAF_PREFIX
from keyturn.audit.evidence import StateEvidence, check_state
from keyturn.audit.record import StoredRecord
from keyturn.audit.signing import Checkpoint, key_id, signature_valid


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The result of verifying a log: ``ok``, how much was checked, and the first problem."""

    ok: bool
    records: int
    checkpoints: int
    head_chain: str
    problem: str = ""
    bad_seq: int | None = None
    signed_to: int = 0
    signed_at: str = ""

    def summary(self) -> str:
        if self.ok:
            signed = f"{self.checkpoints} signed checkpoint(s)"
            if self.signed_to:
                signed += f" (signed up to record {self.signed_to} at {self.signed_at})"
            return f"audit log verifies: {self.records} record(s), {signed}, head {self.head_chain}"
        return f"audit log does NOT verify: {self.problem}"


class _Failure(Exception):
    def __init__(self, problem: str, seq: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.seq = seq


def verify_log(
    records: Iterable[StoredRecord],
    checkpoints: Sequence[Checkpoint],
    *,
    public_key: Ed25519PublicKey | None,
    head: tuple[int, str] | None = None,
    checkpoint_every: int | None = None,
    signed_to_head: bool = False,
    head_required: bool = False,
    state: StateEvidence | None = None,
) -> VerifyReport:
    """Verify ``records`` (in stored order) against ``checkpoints`` and, when given, the store's
    head ``(seq, chain hex)``. Without a public key the signatures cannot be checked, and the
    report says the log does not verify as soon as there is a checkpoint to check.

    With a public key, ``checkpoint_every`` (a store's signing interval) demands a signed
    checkpoint at or after the last multiple of it, and ``signed_to_head`` (an export) one at
    the last record: without them, deleting the checkpoints and re-hashing the records would
    go unseen.

    ``head_required``: ``head`` is ``None`` because the store's head row is gone (a store
    always has one), which fails. ``state``: what the store's state tables say the log must
    hold (:class:`~keyturn.audit.evidence.StateEvidence`)."""
    pending = sorted(checkpoints, key=lambda c: c.seq)
    records = tuple(records)
    try:
        if head is None and head_required:
            raise _Failure(
                "the log head (the audit_head row) is missing: it was deleted behind "
                "keyturn's back, and the end of the log cannot be checked",
                None,
            )
        count, chain = _walk(records, pending, public_key)
        for cp in pending:
            if cp.seq > count:
                raise _Failure(
                    f"signed checkpoint at record {cp.seq} is beyond the last record {count}: "
                    "records were deleted from the end",
                    count + 1,
                )
        if head is not None and (head[0] != count or head[1] != chain.hex()):
            raise _Failure(
                f"the log head says record {head[0]} but the records end at {count} with a "
                "different chain value: records were added or removed at the end",
                min(head[0], count) + 1,
            )
        last_signed = max(
            (cp for cp in pending if 0 < cp.seq <= count), key=lambda c: c.seq, default=None
        )
        signed_to = 0 if last_signed is None else last_signed.seq
        if public_key is not None:
            _check_coverage(count, signed_to, every=checkpoint_every, to_head=signed_to_head)
        if state is not None:
            _check_state(records, state)
    except _Failure as failure:
        return VerifyReport(
            ok=False,
            records=0,
            checkpoints=len(pending),
            head_chain="",
            problem=failure.problem,
            bad_seq=failure.seq,
        )
    return VerifyReport(
        ok=True,
        records=count,
        checkpoints=len(pending),
        head_chain=chain.hex(),
        signed_to=signed_to,
        signed_at="" if last_signed is None else last_signed.at,
    )


def _check_coverage(count: int, signed_to: int, *, every: int | None, to_head: bool) -> None:
    """Fail when the signatures stop short of where the log's writer signed it."""
    if to_head and signed_to < count:
        raise _Failure(
            f"the last record {count} is not covered by a signed checkpoint (the signatures "
            f"end at record {signed_to}): an export is signed at its head, so records after "
            f"{signed_to} were added, changed or re-hashed, or its checkpoints were removed",
            signed_to + 1,
        )
    if every is not None and every > 0:
        due = count // every * every
        if signed_to < due:
            raise _Failure(
                f"no signed checkpoint at or after record {due} (the signatures end at record "
                f"{signed_to}; one is signed at least every {every} records): checkpoints were "
                "deleted and the records after them cannot be trusted, or the signing key was "
                "made after them ('keyturn audit checkpoint' signs the head)",
                signed_to + 1,
            )


def _check_state(records: Sequence[StoredRecord], state: StateEvidence) -> None:
    """Fail when the log contradicts the store's state tables (:func:`check_state`)."""
    found = check_state(records, state)
    if found is not None:
        raise _Failure(*found)


def _walk(
    records: Iterable[StoredRecord],
    checkpoints: list[Checkpoint],
    public_key: Ed25519PublicKey | None,
) -> tuple[int, bytes]:
    """Recompute the chain over the records; check each checkpoint as its record passes."""
    expected_key = key_id(public_key) if public_key is not None else None
    # Checkpoints are met in order: compare one integer per record instead of a dict lookup.
    queue = iter(checkpoints)
    next_cp = next(queue, None)
    sha256 = hashlib.sha256
    leaf_prefix, chain_prefix = LEAF_PREFIX, CHAIN_PREFIX
    chain = GENESIS
    seq = 0
    for rec in records:
        seq += 1
        if rec.seq != seq:
            what = "missing (deleted)" if rec.seq > seq else "out of order (inserted or moved)"
            raise _Failure(f"record {seq}: {what}; found record {rec.seq} in its place", seq)
        text = rec.canonical
        # The record's own number is its last key (sorted keys: ..., "schema", "seq"), so a
        # record copied to another position is caught even before the chain is compared.
        if not text.endswith(f',"seq":{seq}}}'):
            raise _Failure(f"record {seq}: its content does not carry its own number", seq)
        chain = sha256(chain_prefix + chain + sha256(leaf_prefix + text.encode()).digest()).digest()
        if chain.hex() != rec.chain:
            raise _Failure(
                f"record {seq}: hash does not match the chain (the record was edited, inserted "
                "or moved)",
                seq,
            )
        while next_cp is not None and next_cp.seq <= seq:
            if next_cp.seq == seq:
                _check_checkpoint(next_cp, chain, expected_key, public_key)
            next_cp = next(queue, None)
    return seq, chain


def _check_checkpoint(
    cp: Checkpoint,
    chain: bytes,
    expected_key: str | None,
    public_key: Ed25519PublicKey | None,
) -> None:
    if public_key is None:
        raise _Failure(f"checkpoint at record {cp.seq}: no public key to check it with", cp.seq)
    if cp.key_id != expected_key:
        raise _Failure(
            f"checkpoint at record {cp.seq}: signed by key {cp.key_id}, not {expected_key}",
            cp.seq,
        )
    if not signature_valid(cp, public_key):
        raise _Failure(f"checkpoint at record {cp.seq}: bad signature", cp.seq)
    if cp.chain != chain.hex():
        raise _Failure(
            f"checkpoint at record {cp.seq}: the records up to {cp.seq} do not hash to the "
            "signed chain value (a record at or before it was changed and re-hashed)",
            cp.seq,
        )
