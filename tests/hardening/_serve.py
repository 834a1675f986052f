"""A real ``keyturn serve`` process on a free loopback port, with tokens made up front."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from bench.soak import POLICY as SOAK_POLICY

from keyturn.approval.model import Role
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.bootstrap import hash_token, load_settings, new_token, open_store

from ._cli import KEYTURN

# kube contexts name the environment; two other sre reviewers approve a production delete: the
# soak's policy, so the crash tests and `make soak` load the same server.
SERVE_POLICY = SOAK_POLICY

PEOPLE = {
    "admin": Role.ADMIN,
    "alice": Role.REVIEWER,
    "bob": Role.REVIEWER,
    "carol": Role.REVIEWER,
    "kiro": Role.AGENT,
    "other": Role.AGENT,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_env(tmp: Path, *, database: str | None = None) -> dict[str, str]:
    """The environment of a server (and of ``keyturn audit verify``) on this state."""
    policy = tmp / "keyturn.yaml"
    if not policy.exists():
        policy.write_text(SERVE_POLICY, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYTURN_", "AWS_"))}
    env.update(KEYTURN_POLICY=str(policy), KEYTURN_HOME=str(tmp / "home"))
    if database:
        env["KEYTURN_DATABASE"] = database
    return env


def make_tokens(env: dict[str, str]) -> dict[str, str]:
    """One token per person in :data:`PEOPLE`, written to the state before a server starts."""
    settings = load_settings(environ=env)
    store = open_store(settings)
    tokens: dict[str, str] = {}
    try:
        for name, role in PEOPLE.items():
            token = new_token()
            entry = AuditEntry(
                kind=AuditKind.TOKEN_CREATED,
                at=time.time(),
                actor={"name": "setup"},
                data={"token": name},
            )
            store.create_token(name=name, role=role, token_hash=hash_token(token), entry=entry)
            tokens[name] = token
    finally:
        store.close()
    return tokens


@dataclass
class Served:
    """A running server: its process, base URL and log files."""

    process: subprocess.Popen[bytes]
    url: str
    logs: tuple[Path, Path]
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def kill(self) -> None:
        """``kill -9``, and reap it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.logs if p.exists())


def start_serve(
    env: dict[str, str], tmp: Path, *, name: str = "serve", extra: tuple[str, ...] = ()
) -> Served:
    """Start ``keyturn serve`` on a free port; returns once ``/v1/health`` answers."""
    port = free_port()
    out, err = tmp / f"{name}.out", tmp / f"{name}.err"
    with out.open("ab") as o, err.open("ab") as e:
        process = subprocess.Popen(
            [KEYTURN, "serve", "--host", "127.0.0.1", "--port", str(port), *extra],
            env=env,
            stdout=o,
            stderr=e,
        )
    scheme = "https" if "--tls-cert" in extra else "http"
    served = Served(process=process, url=f"{scheme}://127.0.0.1:{port}", logs=(out, err))
    if scheme == "http":
        wait_healthy(served)
    return served


def wait_healthy(served: Served, *, verify: object = True, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise AssertionError(f"keyturn serve exited: {served.output()[-2000:]}")
        try:
            r = httpx.get(f"{served.url}/v1/health", timeout=2, verify=verify)  # type: ignore[arg-type]
            if r.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    served.kill()
    raise AssertionError(f"keyturn serve did not answer: {served.output()[-2000:]}")
