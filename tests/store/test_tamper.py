"""Editing, deleting, inserting or reordering audit rows behind keyturn's back is detected, and
the first bad record is named -- on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from keyturn.audit.signing import Signer
from keyturn.audit.verify import VerifyReport, verify_log
from keyturn.store.interface import Store

from .helpers import note, raw_sql


def _verify(store: Store, signer: Signer) -> VerifyReport:
    return verify_log(
        store.audit_records(),
        store.checkpoints(),
        public_key=signer.public,
        head=store.audit_head(),
    )


@pytest.fixture()
def log(store: Store, signer: Signer) -> Store:
    for i in range(8):
        store.append_audit([note(i)])
    assert _verify(store, signer).ok
    return store


def test_untouched_log_verifies(log: Store, signer: Signer) -> None:
    report = _verify(log, signer)
    assert report.ok and report.records == 8 and report.checkpoints == 1


def test_edited_record_is_named(log: Store, signer: Signer, backend: dict[str, str]) -> None:
    raw_sql(
        backend, "UPDATE audit_log SET record = replace(record, '\"n\":3', '\"n\":4') WHERE seq = 4"
    )
    report = _verify(log, signer)
    assert not report.ok and report.bad_seq == 4
    assert "record 4" in report.problem and "edited" in report.problem


def test_edit_with_rehashed_chain_is_caught_by_the_signed_checkpoint(
    log: Store, signer: Signer, backend: dict[str, str]
) -> None:
    # The attacker edits record 2 and recomputes every chain value after it (no key needed):
    # only the signed checkpoint at record 5 can tell.
    from keyturn.audit.chain import GENESIS, extend

    records = list(log.audit_records())
    forged = records[1].canonical.replace('"n":1', '"n":9')
    prev = GENESIS
    for rec in records:
        text = forged if rec.seq == 2 else rec.canonical
        _, prev = extend(prev, text.encode())
        raw_sql(
            backend,
            "UPDATE audit_log SET record = ?, chain = ? WHERE seq = ?",
            (text, prev.hex(), rec.seq),
        )
    raw_sql(backend, "UPDATE audit_head SET chain = ? WHERE id = 1", (prev.hex(),))
    report = _verify(log, signer)
    assert not report.ok and report.bad_seq == 5
    assert "checkpoint at record 5" in report.problem


def test_deleted_record_is_named(log: Store, signer: Signer, backend: dict[str, str]) -> None:
    raw_sql(backend, "DELETE FROM audit_log WHERE seq = 3")
    report = _verify(log, signer)
    assert not report.ok and report.bad_seq == 3 and "missing" in report.problem


def test_deleted_tail_is_detected(log: Store, signer: Signer, backend: dict[str, str]) -> None:
    raw_sql(backend, "DELETE FROM audit_log WHERE seq > 6")
    report = _verify(log, signer)
    assert not report.ok and report.bad_seq == 7


def test_inserted_record_is_named(log: Store, signer: Signer, backend: dict[str, str]) -> None:
    # Make room at 5 by shifting the later rows up, then slip a forged record in.
    for seq in range(8, 4, -1):
        raw_sql(backend, "UPDATE audit_log SET seq = ? WHERE seq = ?", (seq + 1, seq))
    records = {r.seq: r for r in log.audit_records()}
    forged = records[4].canonical.replace('"seq":4}', '"seq":5}')
    raw_sql(
        backend,
        "INSERT INTO audit_log (seq, record, chain) VALUES (?, ?, ?)",
        (5, forged, records[4].chain),
    )
    report = _verify(log, signer)
    assert not report.ok and report.bad_seq == 5


def test_appended_forgery_is_detected(log: Store, signer: Signer, backend: dict[str, str]) -> None:
    last = list(log.audit_records())[-1]
    raw_sql(
        backend,
        "INSERT INTO audit_log (seq, record, chain) VALUES (?, ?, ?)",
        (9, last.canonical.replace('"seq":8}', '"seq":9}'), last.chain),
    )
    report = _verify(log, signer)
    assert not report.ok and report.bad_seq == 9


def test_reordered_records_are_named(log: Store, signer: Signer, backend: dict[str, str]) -> None:
    records = {r.seq: r for r in log.audit_records()}
    raw_sql(
        backend,
        "UPDATE audit_log SET record = ?, chain = ? WHERE seq = 3",
        (records[6].canonical, records[6].chain),
    )
    raw_sql(
        backend,
        "UPDATE audit_log SET record = ?, chain = ? WHERE seq = 6",
        (records[3].canonical, records[3].chain),
    )
    report = _verify(log, signer)
    assert not report.ok and report.bad_seq == 3


def test_forged_checkpoint_signature_is_detected(
    log: Store, signer: Signer, backend: dict[str, str]
) -> None:
    raw_sql(backend, "UPDATE audit_checkpoints SET signature = ? WHERE seq = 5", ("A" * 88,))
    report = _verify(log, signer)
    assert not report.ok and "bad signature" in report.problem


def test_another_key_does_not_verify(log: Store) -> None:
    report = verify_log(
        log.audit_records(),
        log.checkpoints(),
        public_key=Signer.generate().public,
        head=log.audit_head(),
    )
    assert not report.ok and "signed by key" in report.problem
