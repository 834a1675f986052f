"""The export: JSON Lines that verify offline with only the public key.

Line 1 is a header; then one line per record (its canonical text kept as a string, so the
exact hashed bytes survive any JSON tooling) and one per signed checkpoint::

    {"type": "header", "schema": "keyturn.audit.export/1", "records": N, "head": {...}}
    {"type": "record", "seq": 1, "record": "{\\"actor\\":...}", "chain": "<hex>"}
    {"type": "checkpoint", "seq": 100, "chain": "<hex>", "at": ..., "key_id": ..., "signature": ...}

The header is informative only: verification trusts nothing but the records, the checkpoints
and the public key given to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from keyturn.audit.record import StoredRecord
from keyturn.audit.signing import Checkpoint
from keyturn.errors import InputError

EXPORT_SCHEMA = "keyturn.audit.export/1"


@dataclass(frozen=True, slots=True)
class ExportedLog:
    """An export read back: records in file order, checkpoints, and the head it claims."""

    records: tuple[StoredRecord, ...]
    checkpoints: tuple[Checkpoint, ...]
    head: tuple[int, str] | None


def export_lines(
    records: Iterable[StoredRecord], checkpoints: Sequence[Checkpoint], *, head: tuple[int, str]
) -> Iterator[str]:
    """The export, one JSON line at a time."""
    header = {
        "type": "header",
        "schema": EXPORT_SCHEMA,
        "records": head[0],
        "head": {"seq": head[0], "chain": head[1]},
    }
    yield json.dumps(header, sort_keys=True)
    for rec in records:
        yield json.dumps(
            {"type": "record", "seq": rec.seq, "record": rec.canonical, "chain": rec.chain},
            sort_keys=True,
            ensure_ascii=False,
        )
    for cp in checkpoints:
        yield json.dumps({"type": "checkpoint", **cp.to_json()}, sort_keys=True)


def read_export(lines: Iterable[str], *, source: str) -> ExportedLog:
    """Parse an export; ``InputError`` naming the file and line when it is malformed."""
    records: list[StoredRecord] = []
    checkpoints: list[Checkpoint] = []
    head: tuple[int, str] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            kind = item["type"]
            if kind == "header":
                if item.get("schema") != EXPORT_SCHEMA:
                    raise ValueError(f"unknown schema {item.get('schema')!r}")
                head = (int(item["head"]["seq"]), str(item["head"]["chain"]))
            elif kind == "record":
                records.append(
                    StoredRecord(
                        seq=int(item["seq"]),
                        canonical=str(item["record"]),
                        chain=str(item["chain"]),
                    )
                )
            elif kind == "checkpoint":
                checkpoints.append(
                    Checkpoint(
                        seq=int(item["seq"]),
                        chain=str(item["chain"]),
                        at=str(item["at"]),
                        key_id=str(item["key_id"]),
                        signature=str(item["signature"]),
                    )
                )
            else:
                raise ValueError(f"unknown line type {kind!r}")
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{source}:{number}: not an audit export line ({exc})") from None
    if head is None:
        raise InputError(f"{source}: not an audit export (no header line)")
    return ExportedLog(records=tuple(records), checkpoints=tuple(checkpoints), head=head)
