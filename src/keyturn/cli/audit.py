"""``keyturn audit verify|export|public-key|checkpoint|trace|reconcile``.

``verify`` exits 0 when the log verifies and 1 when it does not (naming the first bad record);
it checks the database, or an export (``--export FILE --public-key FILE``) with nothing but the
public key.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from keyturn.audit.export import export_lines, read_export
from keyturn.audit.record import parse_time
from keyturn.audit.verify import verify_log
from keyturn.bootstrap import load_public_key_file, load_signer, open_state
from keyturn.cli._args import ArgumentParser, parser
from keyturn.cli._state import add_state_options, settings_of
from keyturn.errors import EXIT_INTERNAL, AuditError, InputError, UsageError
from keyturn.store.interface import state_evidence


def run(argv: list[str]) -> int:
    p = parser("audit", "Verify, export and query the tamper-evident audit log.")
    sub = p.add_subparsers(dest="action", required=True, parser_class=ArgumentParser)
    verify = sub.add_parser("verify", help="check the chain and checkpoint signatures")
    verify.add_argument("--export", metavar="FILE", help="verify this export instead")
    verify.add_argument("--public-key", metavar="FILE", help="the audit public key (PEM)")
    verify.add_argument("--json", action="store_true")
    export = sub.add_parser("export", help="write the log as JSON Lines")
    export.add_argument("-o", "--output", metavar="FILE", help="file to write (default: stdout)")
    sub.add_parser("public-key", help="print the audit public key (PEM)")
    sub.add_parser("checkpoint", help="sign a checkpoint at the head now")
    tr = sub.add_parser("trace", help="everything that touched matching resources")
    tr.add_argument("--resource", required=True, metavar="PATTERN")
    tr.add_argument("--since", metavar="T", help="ISO time (2026-01-31T12:00:00Z) or 2h / 3d ago")
    tr.add_argument("--json", action="store_true")
    rc = sub.add_parser(
        "reconcile",
        help="match CloudTrail records to keyturn grants (exit 1 when any change is UNGATED)",
    )
    rc.add_argument("source", choices=["cloudtrail"])
    rc.add_argument("files", nargs="+", metavar="FILE")
    rc.add_argument("--window", type=float, default=3600.0, metavar="SECONDS")
    rc.add_argument("--json", action="store_true")
    for name, sp in sub.choices.items():
        add_state_options(sp, policy=name == "reconcile")
    args = p.parse_args(argv)
    handler = {
        "verify": _verify,
        "export": _export,
        "public-key": _public_key,
        "checkpoint": _checkpoint,
        "trace": _trace,
        "reconcile": _reconcile,
    }[args.action]
    return handler(args)


def _verify(args: Any) -> int:
    settings = settings_of(args)
    key_path = Path(args.public_key) if args.public_key else settings.public_key_path
    public = load_public_key_file(key_path) if key_path.exists() or args.public_key else None
    if args.export:
        try:
            with open(args.export, encoding="utf-8") as handle:
                log = read_export(handle, source=args.export)
        except OSError as exc:
            raise InputError(f"{args.export}: cannot read ({exc.strerror})") from None
        if public is None:
            raise UsageError("verifying an export needs --public-key FILE")
        # An export is signed at its head: its last record must be covered by a signature.
        report = verify_log(
            log.records, log.checkpoints, public_key=public, head=log.head, signed_to_head=True
        )
    else:
        store = open_state(settings)
        try:
            # The requests and grants first: each was written with its record, so the
            # snapshot read after holds the record of every one of them.
            state = state_evidence(store)
            # One snapshot: a record a running server appends between separate reads would
            # make a sound log look cut or extended.
            snapshot = store.audit_snapshot()
            # The store signs at least every `checkpoint_every` records: signatures that stop
            # short of that were deleted (and the records after them may be rewritten).
            report = verify_log(
                snapshot.records,
                snapshot.checkpoints,
                public_key=public,
                head=snapshot.head,
                checkpoint_every=settings.checkpoint_every,
                head_required=True,
                state=state,
            )
        finally:
            store.close()
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "records": report.records,
                    "checkpoints": report.checkpoints,
                    "problem": report.problem,
                    "bad_record": report.bad_seq,
                    "signed_to": report.signed_to,
                }
            )
        )
    else:
        print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else EXIT_INTERNAL


def _export(args: Any) -> int:
    store = open_state(settings_of(args))
    try:
        # Sign the head first, so that the export is covered to its last record.
        signed = store.checkpoint(now=time.time())
        snapshot = store.audit_snapshot()
        records, checkpoints, head = snapshot.records, snapshot.checkpoints, snapshot.head
        if head is None:
            raise AuditError(
                "the audit log head is missing (deleted behind keyturn's back): run "
                "'keyturn audit verify'; nothing was exported"
            )
        if signed is not None:
            # The export ends at the record just signed (its verification demands a signature
            # at the last record); what a running server appended since waits for the next.
            records = tuple(r for r in records if r.seq <= signed.seq)
            checkpoints = tuple(c for c in checkpoints if c.seq <= signed.seq)
            head = (signed.seq, signed.chain)
        lines = export_lines(records, checkpoints, head=head)
        if args.output:
            tmp = Path(args.output + ".tmp")
            with tmp.open("w", encoding="utf-8") as out:
                for line in lines:
                    out.write(line + "\n")
            tmp.replace(args.output)
        else:
            for line in lines:
                sys.stdout.write(line + "\n")
    finally:
        store.close()
    return 0


def _public_key(args: Any) -> int:
    settings = settings_of(args)
    signer = load_signer(settings)
    if signer is None:
        raise InputError(f"no audit signing key in {settings.home}: run 'keyturn init'")
    sys.stdout.write(signer.public_pem().decode("ascii"))
    return 0


def _checkpoint(args: Any) -> int:
    store = open_state(settings_of(args))
    try:
        cp = store.checkpoint(now=time.time())
    finally:
        store.close()
    if cp is None:
        raise InputError("nothing to sign (no records, or no signing key: run 'keyturn init')")
    print(f"checkpoint at record {cp.seq}: chain {cp.chain} signed by key {cp.key_id}")
    return 0


def _readable_records(args: Any) -> tuple[list[dict[str, Any]], bool]:
    """The records of the log, and whether some had to be left out (said on stderr)."""
    from keyturn.audit.trace import readable_records

    store = open_state(settings_of(args))
    try:
        records, unreadable = readable_records(store.audit_records())
    finally:
        store.close()
    if unreadable:
        # Only a write behind keyturn's back makes these; the answer goes on without them, and
        # the command exits 1 as a failed `audit verify` does.
        numbers = ", ".join(str(n) for n in unreadable[:10]) + (", ..." if unreadable[10:] else "")
        print(
            f"keyturn: audit record(s) {numbers} are not as keyturn writes them and are left "
            "out: run 'keyturn audit verify'",
            file=sys.stderr,
        )
    return records, bool(unreadable)


def _since(text: str | None) -> float | None:
    if not text:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text[:-1].isdigit() and text[-1] in units:
        return time.time() - int(text[:-1]) * units[text[-1]]
    try:
        return parse_time(text.rstrip("Z") + (".000000Z" if "." not in text else "Z"))
    except ValueError:
        raise UsageError(f"--since {text!r}: expected 2026-01-31T12:00:00Z or 2h / 3d") from None


def _trace(args: Any) -> int:
    from keyturn.approval.display import visible
    from keyturn.audit.trace import render, trace

    since = _since(args.since)
    records, damaged = _readable_records(args)
    stories = trace(records, pattern=args.resource, since=since)
    if args.json:
        print(json.dumps([s.to_json() for s in stories], indent=2))
    else:
        # What agents wrote (commands, names, reasons) is shown with its hiding characters
        # spelled out, line by line: an escape sequence must not rewrite the trace on screen.
        print("\n".join(visible(line) for line in render(stories).split("\n")))
    return 1 if damaged else 0


def _reconcile(args: Any) -> int:
    from keyturn.audit.reconcile import reconcile, render, used_grants

    events: list[dict[str, Any]] = []
    for name in args.files:
        events.extend(_cloudtrail_events(name))
    records, damaged = _readable_records(args)
    result = reconcile(
        events,
        used_grants(records),
        window=args.window,
        environment_accounts=_environment_accounts(args),
    )
    if args.json:
        print(
            json.dumps(
                {
                    "findings": [f.to_json() for f in result.findings],
                    "read_only": dict(result.read_only),
                },
                indent=2,
            )
        )
    else:
        print(render(result))
    # Like `audit verify` and `policy lint`: a finding that needs someone's attention is exit 1,
    # so a scheduled reconcile can alert on it.
    return 1 if result.ungated or damaged else 0


def _environment_accounts(args: Any) -> dict[str, tuple[str, ...]] | None:
    """The policy's ``aws_accounts`` of each environment, so that a call in another account
    is not taken as one a grant judged there. A policy named with ``--policy`` must load; the
    default one may be absent (then accounts are not compared, and stderr says so)."""
    from keyturn.policy import load_policy_file

    settings = settings_of(args)
    if args.policy is None and not settings.policy_path.exists():
        print(
            f"keyturn audit reconcile: no policy at {settings.policy_path}: the accounts of "
            "calls are not compared with the environments' (give --policy)",
            file=sys.stderr,
        )
        return None
    policy = load_policy_file(settings.policy_path)
    return {
        spec.name: spec.aws_accounts.patterns
        for spec in policy.document.environments
        if spec.aws_accounts is not None
    }


def _cloudtrail_events(name: str) -> list[dict[str, Any]]:
    """The records of a CloudTrail file: a log file ``{"Records": [...]}``, a list, or one."""
    try:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    except ValueError as exc:
        raise InputError(f"{name}: not JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("Records"), list):
        data = data["Records"]
    items = data if isinstance(data, list) else [data]
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "eventName" not in item:
            raise InputError(f"{name}: record {i}: not a CloudTrail record (no eventName)")
    return items
