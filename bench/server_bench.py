"""Decisions per second and p99 latency on ``POST /v1/decisions`` (audit durable: SQLite with
``synchronous=FULL``, every decision appended before the answer), at concurrency 1 and 32,
against the trivial ``GET /v1/health`` on the same server stack in the same run (target: at
least 0.5x its throughput). The server is a real ``keyturn serve`` process on a loopback port;
the load comes from a bounded generator (a fixed count of requests, and a time limit per
phase). Trivial and decision phases alternate over three rounds.

The generator writes ready-made HTTP/1.1 requests on keep-alive connections and reads the
answers, nothing more. An httpx client costs about a millisecond of CPU per request on this
machine; counted in the trivial and the decision round trip alike, it hid most of the gap
between them (it showed 0.5x and 0.9x where this generator shows about 0.25x and 0.15x)."""

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

REQUESTS = {1: 1500, 32: 3000}
ROUNDS = 3
PHASE_LIMIT_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _requests(base: str, token: str) -> dict[bool, tuple[str, int, bytes]]:
    """(host, port, the request's bytes) of the trivial (False) and the decision (True) call."""
    import json
    from urllib.parse import urlsplit

    url = urlsplit(base)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    head = f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
    body = json.dumps({"kind": "shell", "payload": {"command": "ls -la /srv/app", "cwd": "/srv"}})
    decide = (
        f"POST /v1/decisions HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n{body}"
    )
    trivial = f"GET /v1/health HTTP/1.1\r\n{head}\r\n"
    return {False: (host, port, trivial.encode()), True: (host, port, decide.encode())}


async def _answer(reader: asyncio.StreamReader) -> None:
    """Read one response (the server sends ``Content-Length``); anything but 200 fails."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise RuntimeError(f"no Content-Length in the answer ({status!r})")
    await reader.readexactly(length)
    if not status.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"answered {status!r}")


async def _phase(
    request: tuple[str, int, bytes], *, concurrency: int, count: int
) -> tuple[float, list[float]]:
    """(seconds taken, each request's latency in seconds) for ``count`` requests from
    ``concurrency`` keep-alive connections."""
    host, port, data = request
    latencies: list[float] = []
    left = [count]
    deadline = time.monotonic() + PHASE_LIMIT_SECONDS

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while left[0] > 0 and time.monotonic() < deadline:
                left[0] -= 1
                start = time.perf_counter()
                writer.write(data)
                await asyncio.wait_for(_answer(reader), timeout=30)
                latencies.append(time.perf_counter() - start)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


def _measure(base: str, *, concurrency: int, count: int, token: str) -> dict[bool, list[Any]]:
    """Trivial and decision phases in alternating rounds, so that the machine's drift over the
    run (a shared host speeds up and slows down by tens of percent) falls on both alike.
    ``{decide: [seconds, latencies]}`` summed over the rounds."""
    requests = _requests(base, token)
    totals: dict[bool, list[Any]] = {False: [0.0, []], True: [0.0, []]}
    for _ in range(ROUNDS):
        for decide in (False, True):
            elapsed, latencies = asyncio.run(
                _phase(requests[decide], concurrency=concurrency, count=count // ROUNDS)
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
