"""Someone with database access (or holding an export) against ``keyturn audit verify``.

Each case tampers the way such a person would -- with SQL behind keyturn's back, or by editing
an export -- and then runs the real ``audit verify`` verb on it. The signing key never leaves
the state directory, so a forger can recompute every hash but sign nothing.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from tests.store.helpers import note, open_backend, raw_sql

from keyturn.audit.chain import GENESIS, extend
from keyturn.audit.signing import Signer
from keyturn.audit.verify import verify_log
from keyturn.bootstrap import PUBLIC_KEY_FILE
from keyturn.cli import audit as audit_cli
from keyturn.store.interface import Store

# The store's own signing interval (Settings.checkpoint_every), which `audit verify` assumes.
EVERY = 100


@pytest.fixture()
def state(audit_state: dict[str, str]) -> dict[str, str]:
    """A state home holding a signing key, and how to reach its store (conftest's
    ``audit_state``, on SQLite and on PostgreSQL)."""
    return audit_state


def _store(state: dict[str, str], *, signed: bool = True) -> Store:
    signer = Signer.from_pem(state["pem"].encode()) if signed else None
    return open_backend(state, signer=signer, every=EVERY)


def _fill(state: dict[str, str], count: int, *, signed: bool = True, batch: int = 10) -> None:
    store = _store(state, signed=signed)
    try:
        for start in range(0, count, batch):
            store.append_audit([note(i) for i in range(start, min(count, start + batch))])
    finally:
        store.close()


def _cli(state: dict[str, str], *args: str) -> list[str]:
    argv = [*args, "--home", state["home"]]
    if "database" in state:
        argv += ["--database", state["database"]]
    return argv


def _verify(state: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = audit_cli.run(_cli(state, "verify"))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _rehash_all(state: dict[str, str], edit: dict[int, tuple[str, str]]) -> None:
    """Rewrite the stored chain from record 1 on, after applying ``edit`` to some records."""
    store = _store(state, signed=False)
    try:
        records = list(store.audit_records())
    finally:
        store.close()
    prev = GENESIS
    for rec in records:
        text = rec.canonical
        if rec.seq in edit:
            text = text.replace(*edit[rec.seq])
        _, prev = extend(prev, text.encode())
        raw_sql(
            state,
            "UPDATE audit_log SET record = ?, chain = ? WHERE seq = ?",
            (text, prev.hex(), rec.seq),
        )
    raw_sql(state, "UPDATE audit_head SET chain = ? WHERE id = 1", (prev.hex(),))


def test_IA_db_checkpoints_deleted_and_chain_rehashed_is_detected(
    state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(state, 120)
    assert _verify(state, capsys)[0] == 0
    # The forger deletes every signature, rewrites record 42 and re-hashes the whole chain:
    # every stored hash and the head agree with the records again.
    raw_sql(state, "DELETE FROM audit_checkpoints")
    _rehash_all(state, {42: ('"n":41', '"n":4100')})
    code, text = _verify(state, capsys)
    assert code == 1, text
    assert "no signed checkpoint at or after record 100" in text


def test_IA_db_latest_checkpoint_deleted_and_tail_rehashed_is_detected(
    state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(state, 205)
    # Only the newest signature (at 200) goes; the one at 100 stays and still verifies.
    raw_sql(state, "DELETE FROM audit_checkpoints WHERE seq >= 200")
    _rehash_all(state, {150: ('"n":149', '"n":14900')})
    code, text = _verify(state, capsys)
    assert code == 1, text
    assert "no signed checkpoint at or after record 200" in text


def test_IA_signing_key_made_after_the_records_is_signed_on_demand(
    state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # A log written before `keyturn init` made the key has no checkpoint. Nothing signs it by
    # itself (that would seal whatever the database holds); verify says what to do, and once
    # a person signs the head the store signs again at each multiple.
    _fill(state, 150, signed=False)
    _fill_more(state, 150, 160)
    code, text = _verify(state, capsys)
    assert code == 1 and "'keyturn audit checkpoint' signs the head" in text, text
    assert audit_cli.run(_cli(state, "checkpoint")) == 0
    _fill_more(state, 160, 210)
    store = _store(state)
    try:
        assert [cp.seq for cp in store.checkpoints()] == [160, 200]
    finally:
        store.close()
    assert _verify(state, capsys)[0] == 0


def _fill_more(state: dict[str, str], start: int, end: int) -> None:
    """keyturn carrying on: appends by a store holding the key, ten records at a time."""
    store = _store(state)
    try:
        for first in range(start, end, 10):
            store.append_audit([note(n) for n in range(first, min(end, first + 10))])
    finally:
        store.close()


@pytest.mark.parametrize("deleted", ["all", "the latest"])
def test_IA_rewrite_is_not_sealed_by_the_next_signature(
    state: dict[str, str], capsys: pytest.CaptureFixture[str], deleted: str
) -> None:
    # At record 250 the forger deletes signatures (all of them, or the one at 200), rewrites
    # record 150 and re-hashes. keyturn carries on past 300: were it to sign there, it would
    # seal the forgery, and the log would verify.
    _fill(state, 250)
    where = "" if deleted == "all" else " WHERE seq = 200"
    raw_sql(state, "DELETE FROM audit_checkpoints" + where)
    _rehash_all(state, {150: ('"n":149', '"n":14900')})
    _fill_more(state, 250, 320)
    store = _store(state)
    try:
        assert all(cp.seq < 200 for cp in store.checkpoints())
    finally:
        store.close()
    code, text = _verify(state, capsys)
    assert code == 1, text
    assert "no signed checkpoint at or after record 300" in text


def _export(state: dict[str, str], path: Path) -> list[dict[str, object]]:
    assert audit_cli.run(_cli(state, "export", "-o", str(path))) == 0
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write_export(path: Path, lines: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(item) + "\n" for item in lines), encoding="utf-8")


def _rehash_export(lines: list[dict[str, object]]) -> list[dict[str, object]]:
    prev = GENESIS
    out = []
    for item in lines:
        if item["type"] == "record":
            _, prev = extend(prev, str(item["record"]).encode())
            item = {**item, "chain": prev.hex()}
        out.append(item)
    header = next(i for i in out if i["type"] == "header")
    header["head"] = {**header["head"], "chain": prev.hex()}  # type: ignore[dict-item]
    return out


def _verify_export(
    state: dict[str, str], path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    capsys.readouterr()
    public = str(Path(state["home"]) / PUBLIC_KEY_FILE)
    code = audit_cli.run(["verify", "--export", str(path), "--public-key", public])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize("state", ["sqlite"], indirect=True)
def test_IA_export_without_its_checkpoints_and_rehashed_is_detected(
    state: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(state, 12)
    path = tmp_path / "audit.jsonl"
    lines = _export(state, path)
    assert _verify_export(state, path, capsys)[0] == 0
    doctored = [item for item in lines if item["type"] != "checkpoint"]
    for item in doctored:
        if item.get("seq") == 3 and item["type"] == "record":
            item["record"] = str(item["record"]).replace('"n":2', '"n":200')
    _write_export(path, _rehash_export(doctored))
    code, text = _verify_export(state, path, capsys)
    assert code == 1, text
    assert "last record 12 is not covered by a signed checkpoint" in text


@pytest.mark.parametrize("state", ["sqlite"], indirect=True)
def test_IA_export_tail_past_an_earlier_signature_rewritten_is_detected(
    state: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(state, 110)
    path = tmp_path / "audit.jsonl"
    lines = _export(state, path)
    assert [i["seq"] for i in lines if i["type"] == "checkpoint"] == [100, 110]
    # Keep the signature at 100, drop the one at the head, rewrite record 105.
    doctored = [i for i in lines if not (i["type"] == "checkpoint" and i["seq"] == 110)]
    for item in doctored:
        if item.get("seq") == 105 and item["type"] == "record":
            item["record"] = str(item["record"]).replace('"n":104', '"n":999')
    _write_export(path, _rehash_export(doctored))
    code, text = _verify_export(state, path, capsys)
    assert code == 1, text
    assert "the signatures end at record 100" in text


def test_IA_verify_while_a_server_appends_is_not_a_false_alarm(
    state: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # Read in separate transactions, the head and the records of a log that grows meanwhile
    # disagree, and a sound log is reported as cut or extended.
    _fill(state, 5)
    stop = threading.Event()

    def write() -> None:
        store = _store(state)
        try:
            for i in range(2000):
                if stop.is_set():
                    break
                store.append_audit([note(i)])
                stop.wait(0.002)
        finally:
            store.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        results = [_verify(state, capsys) for _ in range(15)]
    finally:
        stop.set()
        writer.join()
    failures = [text for code, text in results if code != 0]
    assert not failures, failures[0]


def test_IA_verify_log_demands_the_interval_only_with_a_public_key() -> None:
    # A log checked without a key (a state never given one) has nothing to demand.
    records, prev = [], GENESIS
    from keyturn.audit.record import StoredRecord

    for seq in range(1, 8):
        canonical = note(seq).canonical(seq)
        _, prev = extend(prev, canonical)
        records.append(StoredRecord(seq=seq, canonical=canonical.decode(), chain=prev.hex()))
    head = (7, prev.hex())
    assert verify_log(records, (), public_key=None, head=head, checkpoint_every=5).ok
    signed = verify_log(
        records, (), public_key=Signer.generate().public, head=head, checkpoint_every=5
    )
    assert not signed.ok and signed.bad_seq == 1


def test_IA_the_servers_verify_demands_the_same_signatures(state: dict[str, str]) -> None:
    """``GET /v1/audit/verify`` checks what ``keyturn audit verify`` checks: a log whose
    checkpoints were deleted and whose chain was recomputed does not verify there either."""
    from types import SimpleNamespace

    from keyturn.server.api_audit import verify_report

    _fill(state, 120)
    raw_sql(state, "DELETE FROM audit_checkpoints")
    _rehash_all(state, {42: ('"n":41', '"n":4100')})
    settings = SimpleNamespace(
        public_key_path=Path(state["home"]) / PUBLIC_KEY_FILE, checkpoint_every=EVERY
    )
    store = _store(state, signed=False)
    try:
        report = verify_report(SimpleNamespace(settings=settings, store=store))  # type: ignore[arg-type]
    finally:
        store.close()
    assert not report["ok"] and "no signed checkpoint at or after record 100" in report["problem"]
