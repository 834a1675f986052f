"""Decisions per second and p99 latency on ``POST /v1/decisions`` (audit durable: SQLite with
``synchronous=FULL``, every decision appended before the answer), at concurrency 1 and 32,
against the trivial ``GET /v1/health`` on the same server stack in the same run (target: at
least 0.5x its throughput). The server is a real ``keyturn serve`` process on a loopback port;
the load comes from a bounded httpx async generator (a fixed count of requests, and a time
limit per phase). Trivial and decision phases alternate over three rounds."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._stats import percentile

REQUESTS = {1: 600, 32: 1500}
ROUNDS = 3
PHASE_LIMIT_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _phase(
    base: str, *, decide: bool, concurrency: int, count: int, token: str
) -> tuple[float, list[float]]:
    """(seconds taken, each request's latency in seconds) for ``count`` requests from
    ``concurrency`` workers."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    body = {"kind": "shell", "payload": {"command": "ls -la /srv/app", "cwd": "/srv"}}
    latencies: list[float] = []
    left = [count]
    deadline = time.monotonic() + PHASE_LIMIT_SECONDS
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=30
    ) as client:

        async def worker() -> None:
            while left[0] > 0 and time.monotonic() < deadline:
                left[0] -= 1
                start = time.perf_counter()
                r = await (
                    client.post("/v1/decisions", json=body) if decide else client.get("/v1/health")
                )
                r.raise_for_status()
                latencies.append(time.perf_counter() - start)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies


def _measure(base: str, *, concurrency: int, count: int, token: str) -> dict[bool, list[Any]]:
    """Trivial and decision phases in alternating rounds, so that the machine's drift over the
    run (a shared host speeds up and slows down by tens of percent) falls on both alike.
    ``{decide: [seconds, latencies]}`` summed over the rounds."""
    totals: dict[bool, list[Any]] = {False: [0.0, []], True: [0.0, []]}
    for _ in range(ROUNDS):
        for decide in (False, True):
            elapsed, latencies = asyncio.run(
                _phase(
                    base,
                    decide=decide,
                    concurrency=concurrency,
                    count=count // ROUNDS,
                    token=token,
                )
            )
            totals[decide][0] += elapsed
            totals[decide][1].extend(latencies)
    return totals


def run() -> list[str]:
    from keyturn.approval.model import Role
    from keyturn.audit.record import AuditEntry, AuditKind
    from keyturn.bootstrap import hash_token, load_settings, new_token, open_store

    home = Path(tempfile.mkdtemp(prefix="keyturn-bench-"))
    policy = Path(__file__).resolve().parent.parent / "src/keyturn/server/demo/keyturn.yaml"
    settings = load_settings(home=str(home), policy=str(policy), environ={})
    store = open_store(settings)
    token = new_token()
    store.create_token(
        name="kiro",
        role=Role.AGENT,
        token_hash=hash_token(token),
        entry=AuditEntry(kind=AuditKind.TOKEN_CREATED, at=time.time(), data={"token": "kiro"}),
    )
    store.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env["KEYTURN_HOME"] = str(home)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "keyturn",
            "serve",
            "--port",
            str(port),
            "--policy",
            str(policy),
            "--log-level",
            "error",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    lines = []
    try:
        _wait_ready(base)
        for concurrency, count in REQUESTS.items():
            totals = _measure(base, concurrency=concurrency, count=count, token=token)
            (t_seconds, t_lat), (d_seconds, d_lat) = totals[False], totals[True]
            trivial, trivial_p99 = len(t_lat) / t_seconds, percentile(t_lat, 99) * 1000
            decided, decided_p99 = len(d_lat) / d_seconds, percentile(d_lat, 99) * 1000
            ratio = decided / trivial
            lines.append(
                f"concurrency {concurrency:>2}: decisions {decided:7.0f}/s "
                f"p99 {decided_p99:6.1f} ms | trivial {trivial:7.0f}/s p99 {trivial_p99:6.1f} ms"
                f" | ratio {ratio:.2f}x (target >= 0.5x) "
                f"{'ok' if ratio >= 0.5 else 'BELOW TARGET'}"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return lines


def _wait_ready(base: str) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("keyturn serve did not start")


if __name__ == "__main__":
    for line in run():
        print(line)
