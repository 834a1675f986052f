"""A bounded soak through HTTP: two ``keyturn serve`` processes share one PostgreSQL schema;
clients send mixed decisions, approvals by two reviewers (one on each server), waits and grant
uses, alternating servers. Loopback only.

``python -m bench.soak [--seconds 180] [--clients 4] [--database postgresql://...]``

Prints requests by kind, errors, decision and grant records written vs found in the audit log,
whether the chain verifies, and each server's RSS at start (after warm-up), middle and end.
Exits 1 on any error, a missing record, a chain that does not verify, a grant used twice, or
RSS growing more than 20% from the middle to the end of the run.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
# Pods named from a bounded working set: the policy engine memoises judgements (bounded), so
# ever-new names would only measure that cache filling up.
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
PEOPLE = {"admin": "admin", "alice": "reviewer", "carol": "reviewer", "kiro": "agent"}


@dataclass
class Tally:
    """What the clients did and saw (shared by the client threads, under a lock)."""

    kinds: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    grants: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str) -> None:
        with self.lock:
            self.kinds[kind] += 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _setup(home: Path, url: str) -> tuple[dict[str, str], dict[str, str]]:
    """The servers' environment and one token per person, made in the shared store."""
    from keyturn.approval.model import Role
    from keyturn.audit.record import AuditEntry, AuditKind
    from keyturn.bootstrap import hash_token, load_settings, new_token, open_store

    policy = home / "keyturn.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYTURN_", "AWS_"))}
    env.update(KEYTURN_POLICY=str(policy), KEYTURN_HOME=str(home / "state"))
    env["KEYTURN_DATABASE"] = url
    store = open_store(load_settings(environ=env))
    tokens = {}
    try:
        for name, role in PEOPLE.items():
            token = new_token()
            entry = AuditEntry(
                kind=AuditKind.TOKEN_CREATED, at=time.time(), actor={"name": "soak"},
                data={"token": name},
            )  # fmt: skip
            store.create_token(
                name=name, role=Role(role), token_hash=hash_token(token), entry=entry
            )
            tokens[name] = token
    finally:
        store.close()
    return env, tokens


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    import httpx

    port = _free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "keyturn", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"soak: a server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("soak: a server did not start")


class Client:
    """One client thread's calls, alternating between the two servers."""

    def __init__(self, bases: list[str], tokens: dict[str, str], tally: Tally, name: str):
        import httpx

        self.http = [httpx.Client(base_url=b, timeout=30) for b in bases]
        self.tokens, self.tally, self.name = tokens, tally, name

    def call(self, server: int, kind: str, method: str, path: str, who: str, **kw: Any) -> Any:
        r = self.http[server % 2].request(
            method, path, headers={"Authorization": f"Bearer {self.tokens[who]}"}, **kw
        )
        self.tally.count(kind)
        if r.status_code != 200:
            raise RuntimeError(f"{kind}: {r.status_code} {r.text[:200]}")
        return r.json()

    def decide(self, server: int, context: str, pod: str) -> Any:
        body = {
            "kind": "shell",
            "payload": {"command": f"kubectl --context {context} delete pod {pod}"},
            "actor": {"operator": "olivia"},
        }
        return self.call(server, "decision", "POST", "/v1/decisions", "kiro", json=body)

    def held_round(self, n: int) -> None:
        """Ask on one server; approve on each; wait and use the grant across them."""
        rid = self.decide(n, "prod-1", f"{self.name}-{n}")["request_id"]
        waited = self.call(n + 1, "wait", "GET", f"/v1/requests/{rid}/wait?timeout=0", "kiro")
        if waited["verdict"] != "ask":
            raise RuntimeError(f"request {rid} decided before any vote: {waited['verdict']}")
        for i, who in enumerate(("alice", "carol")):
            self.call(n + i, "approval", "POST", f"/v1/requests/{rid}/approve", who, json={})
        waited = self.call(n + 1, "wait", "GET", f"/v1/requests/{rid}/wait?timeout=5", "kiro")
        if waited["verdict"] != "allow":
            raise RuntimeError(f"request {rid} not approved after two votes: {waited}")
        used = self.call(n, "grant use", "POST", "/v1/grants/use", "kiro", json={"request_id": rid})
        with self.tally.lock:
            self.tally.grants.append(used["grant_id"])

    def run(self, end: float) -> None:
        n = 0
        while time.monotonic() < end:
            n += 1
            try:
                if n % 5:
                    self.decide(n, "dev-1", f"{self.name}{n % _NAMES}")
                else:
                    self.held_round(n)
            except Exception as exc:  # counted and shown: the soak fails on any
                with self.tally.lock:
                    self.tally.errors.append(f"{self.name}: {type(exc).__name__}: {exc}")
        for h in self.http:
            h.close()


def _load(bases: list[str], pids: list[int], tokens: dict[str, str], args: Any) -> Any:
    """Run the clients; sample each server's RSS at start (after warm-up), middle and end."""
    tally = Tally()
    start = time.monotonic()
    end = start + args.seconds
    clients = [Client(bases, tokens, tally, f"c{i}") for i in range(args.clients)]
    threads = [threading.Thread(target=c.run, args=(end,)) for c in clients]
    for t in threads:
        t.start()
    rss: dict[str, list[int]] = {"start": [], "middle": [], "end": []}
    warm = min(10.0, args.seconds / 6)
    for label, at in (("start", warm), ("middle", args.seconds / 2), ("end", args.seconds - 0.5)):
        time.sleep(max(0.0, start + at - time.monotonic()))
        rss[label] = [_rss_kib(pid) for pid in pids]
    for t in threads:
        t.join()
    return tally, rss, time.monotonic() - start


def _audit(url: str, schema: str) -> tuple[Counter[str], Counter[int], bool, str]:
    from keyturn.audit.verify import verify_log
    from keyturn.store.postgres import PostgresStore

    store = PostgresStore(url, schema=schema)
    try:
        records = [r.parsed() for r in store.audit_records()]
        report = verify_log(
            store.audit_records(), store.checkpoints(), public_key=None, head=store.audit_head()
        )
    finally:
        store.close()
    kinds = Counter(str(r["kind"]) for r in records)
    used = Counter(int(r["data"]["grant"]) for r in records if r["kind"] == "grant.used")
    return kinds, used, report.ok, report.summary()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database", default=DEFAULT_URL)
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 3600 or not 1 <= args.clients <= 64:
        parser.error("--seconds: 0..3600; --clients: 1..64")
    if "127.0.0.1" not in args.database and "localhost" not in args.database:
        parser.error("--database: loopback only")
    import psycopg

    schema = "kt_soak_" + uuid.uuid4().hex[:10]
    sep = "&" if "?" in args.database else "?"
    url = f"{args.database}{sep}schema={schema}"
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="keyturn-soak-") as tmp:
        try:
            env, tokens = _setup(Path(tmp), url)
            started = [_start(env, Path(tmp) / f"server{i}.log") for i in range(2)]
            servers = [p for p, _ in started]
            tally, rss, took = _load(
                [b for _, b in started], [p.pid for p in servers], tokens, args
            )
        finally:
            for p in servers:
                p.terminate()
            for p in servers:
                p.wait(timeout=30)
        try:
            kinds, used, verified, summary = _audit(args.database, schema)
        finally:
            with psycopg.connect(args.database, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    return _report(tally, rss, took, kinds=kinds, used=used, verified=verified, summary=summary)


def _report(
    tally: Tally, rss: dict[str, list[int]], took: float, *, kinds: Counter[str],
    used: Counter[int], verified: bool, summary: str,
) -> int:  # fmt: skip
    total = sum(tally.kinds.values())
    by_kind = ", ".join(f"{n} {k}s" for k, n in sorted(tally.kinds.items()))
    print(f"soak: {took:.0f} s, {total} requests ({total / took:.0f}/s): {by_kind}")
    print(f"soak: {len(tally.errors)} errors")
    for line in tally.errors[:10]:
        print(f"  {line}")
    decisions = tally.kinds["decision"]
    print(f"soak: decision records {kinds['decision']} found, {decisions} written")
    twice = sum(1 for n in used.values() if n > 1)
    missing = sum(1 for g in tally.grants if g not in used)
    print(f"soak: grant uses {len(used)} found, {len(tally.grants)} written, {twice} used twice")
    print(f"soak: votes {kinds['vote']} found, {tally.kinds['approval']} written; {summary}")
    ok = not tally.errors and verified and kinds["decision"] >= decisions and not twice
    ok = ok and not missing and kinds["vote"] >= tally.kinds["approval"]
    for i in range(len(rss["start"])):
        start, middle, end = rss["start"][i], rss["middle"][i], rss["end"][i]
        growth = (end - middle) / middle if middle else 0.0
        print(f"soak: server {i + 1} RSS {start} -> {middle} -> {end} KiB "
              f"(middle to end {growth:+.1%})")  # fmt: skip
        ok = ok and growth <= 0.20
    print("soak: OK" if ok else "soak: FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
