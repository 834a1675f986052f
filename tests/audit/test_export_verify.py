"""Chain, checkpoints and the export, without a database: verify offline with the public key."""

from __future__ import annotations

import io
import json

import pytest

from keyturn.audit.chain import GENESIS, chain_hash, extend, leaf_hash
from keyturn.audit.export import export_lines, read_export
from keyturn.audit.record import AuditEntry, AuditKind, StoredRecord
from keyturn.audit.signing import Signer, load_public_key, signature_valid
from keyturn.audit.verify import verify_log
from keyturn.errors import InputError

NOW = 1_800_000_000.0


def _log(n: int, signer: Signer, *, every: int = 4):
    records, checkpoints, prev = [], [], GENESIS
    for seq in range(1, n + 1):
        entry = AuditEntry(
            kind=AuditKind.DECISION,
            at=NOW + seq,
            actor={"agent": "kiro"},
            data={"n": seq, "text": "é ünïcode"},
        )
        canonical = entry.canonical(seq)
        _, prev = extend(prev, canonical)
        records.append(StoredRecord(seq=seq, canonical=canonical.decode(), chain=prev.hex()))
        if seq % every == 0:
            checkpoints.append(signer.sign(seq=seq, chain=prev.hex(), at="t"))
    return records, checkpoints, (n, prev.hex())


def test_hashes_are_domain_separated() -> None:
    data = b'{"a":1}'
    leaf = leaf_hash(data)
    assert leaf != __import__("hashlib").sha256(data).digest()
    assert chain_hash(GENESIS, leaf) != leaf_hash(GENESIS + leaf)


def test_export_round_trip_verifies_with_only_the_public_key() -> None:
    signer = Signer.generate()
    records, checkpoints, head = _log(9, signer)
    text = "\n".join(export_lines(records, checkpoints, head=head)) + "\n"
    public = load_public_key(signer.public_pem(), source="key.pem")
    log = read_export(io.StringIO(text), source="audit.jsonl")
    report = verify_log(log.records, log.checkpoints, public_key=public, head=log.head)
    assert report.ok and report.records == 9 and report.checkpoints == 2


def test_edited_export_line_is_named() -> None:
    signer = Signer.generate()
    records, checkpoints, head = _log(6, signer)
    lines = list(export_lines(records, checkpoints, head=head))
    item = json.loads(lines[3])
    item["record"] = item["record"].replace('"n":3', '"n":30')
    lines[3] = json.dumps(item)
    log = read_export(lines, source="audit.jsonl")
    report = verify_log(log.records, log.checkpoints, public_key=signer.public, head=log.head)
    assert not report.ok and report.bad_seq == 3 and "record 3" in report.summary()


def test_truncated_export_is_caught_by_the_last_checkpoint() -> None:
    signer = Signer.generate()
    records, checkpoints, _ = _log(8, signer)
    report = verify_log(records[:6], checkpoints, public_key=signer.public, head=None)
    assert not report.ok and "beyond the last record 6" in report.problem


def test_malformed_export_is_a_one_line_input_error() -> None:
    with pytest.raises(InputError, match=r"audit.jsonl:2: not an audit export line"):
        read_export(
            [
                '{"type":"header","schema":"keyturn.audit.export/1","head":{"seq":0,"chain":"00"}}',
                "{not json",
            ],
            source="audit.jsonl",
        )
    with pytest.raises(InputError, match="no header"):
        read_export([], source="audit.jsonl")


def test_signature_binds_seq_and_chain() -> None:
    signer = Signer.generate()
    cp = signer.sign(seq=5, chain="ab" * 32, at="t")
    assert signature_valid(cp, signer.public)
    moved = type(cp)(seq=6, chain=cp.chain, at=cp.at, key_id=cp.key_id, signature=cp.signature)
    assert not signature_valid(moved, signer.public)


def test_verify_without_a_key_refuses_checkpoints() -> None:
    signer = Signer.generate()
    records, checkpoints, head = _log(4, signer)
    report = verify_log(records, checkpoints, public_key=None, head=head)
    assert not report.ok and "no public key" in report.problem
