"""A bounded soak: mixed decisions, approvals and grant uses from two processes sharing one
PostgreSQL store. Prints errors, records written vs found, and each worker's RSS over time.

``python -m bench.soak [--seconds 180] [--database postgresql://...]`` (loopback only).
Exits 1 when a worker errored, a record is missing, the chain does not verify, or RSS grew by
more than 25% between the first and last third of the run.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
import uuid
from typing import Any

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Pods named from a working set of this many: the policy engine memoises up to 65,536
# judgements by design, so with ever-new names RSS would grow until that cache is full.
_NAMES = 2000
POLICY = """\
version: 1
default: ask
environments:
  production: {kube_contexts: ["prod-*"]}
  dev: {kube_contexts: ["dev-*"]}
reviewers:
  sre: [alice, bob, carol]
agents:
  "*":
    allow:
      - effect: read
      - {effect: [create, update, delete], environment: dev}
    ask:
      - {effect: [delete], environment: production, approvals: 2, reviewers: [sre]}
"""


def _rss_kib() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def _worker(name: str, url: str, schema: str, seconds: float, out: Any) -> None:
    from keyturn.approval import Role, approve
    from keyturn.gate import Gate
    from keyturn.model import Actor, Verdict
    from keyturn.policy import load_policy
    from keyturn.store.postgres import PostgresStore
    from keyturn.understand.shell import understand_shell

    store = PostgresStore(url, schema=schema)
    gate = Gate(policy=load_policy(POLICY), store=store, clock=time.time, sleep=time.sleep)
    actor = Actor(agent=f"soak-{name}", operator="olivia")
    counts = {"decisions": 0, "approvals": 0, "grants": 0, "errors": 0}
    rss: list[int] = []
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        n += 1
        try:
            if n % 5:  # four in five: a plain decision
                command = f"kubectl --context dev-1 delete pod {name}{n % _NAMES}"
                gate.submit(understand_shell(command), actor=actor)
                counts["decisions"] += 1
                continue
            action = understand_shell(f"kubectl --context prod-1 delete pod {name}{n % _NAMES}")
            held = gate.submit(action, actor=actor)
            counts["decisions"] += 1
            rid = int(held.request_id) if held.request_id else None
            if rid is None:
                continue
            for who in ("alice", "carol"):
                store.transition(rid, lambda r, w=who: approve(  # type: ignore[misc]
                    r, reviewer=w, role=Role.REVIEWER, reason="soak", now=time.time()),
                    now=time.time())  # fmt: skip
                counts["approvals"] += 1
            used = gate.submit(action, actor=actor)
            counts["decisions"] += 1
            if used.verdict is Verdict.ALLOW:
                counts["grants"] += 1
        except Exception as exc:  # counted and shown: the soak fails on any
            counts["errors"] += 1
            print(f"{name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        if n % 50 == 0:
            rss.append(_rss_kib())
    store.close()
    out.put({"name": name, **counts, "rss": rss})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--database", default=DEFAULT_URL)
    args = parser.parse_args(argv)
    if not (args.seconds > 0 and args.seconds <= 3600):
        parser.error("--seconds: between 0 and 3600")
    import psycopg

    from keyturn.audit.verify import verify_log
    from keyturn.store.postgres import PostgresStore

    schema = "kt_soak_" + uuid.uuid4().hex[:10]
    PostgresStore(args.database, schema=schema).migrate()
    queue: Any = mp.get_context("spawn").Queue()
    workers = [
        mp.get_context("spawn").Process(
            target=_worker, args=(name, args.database, schema, args.seconds, queue)
        )
        for name in ("a", "b")
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=args.seconds + 120) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    store = PostgresStore(args.database, schema=schema)
    try:
        records = list(store.audit_records())
        report = verify_log(records, store.checkpoints(), public_key=None, head=store.audit_head())
        found = sum(1 for r in records if r.parsed()["kind"] == "decision")
    finally:
        store.close()
        with psycopg.connect(args.database, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return _report(results, found=found, verified=report.ok, summary=report.summary())


def _report(results: list[dict[str, Any]], *, found: int, verified: bool, summary: str) -> int:
    ok = verified
    written = sum(r["decisions"] for r in results)
    for r in results:
        rss = r["rss"] or [0]
        third = max(1, len(rss) // 3)
        early, late = max(rss[:third]), max(rss[-third:])
        growth = (late - early) / early if early else 0.0
        print(f"worker {r['name']}: {r['decisions']} decisions, {r['approvals']} approvals, "
              f"{r['grants']} grant uses, {r['errors']} errors; RSS {early} KiB -> {late} KiB "
              f"({growth:+.1%})")  # fmt: skip
        ok = ok and r["errors"] == 0 and growth <= 0.25
    print(f"decision records: {found} found, at least {written} expected; {summary}")
    ok = ok and found >= written
    print("soak: OK" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
