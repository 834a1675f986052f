"""A keyturn server app on a fresh SQLite state with the BRIEF's policy and one token per
person: admin, alice/carol (sre reviewers), bob (sre reviewer and kiro's operator), dave (dba
reviewer), kiro and other (agents), cluster (the Kubernetes API server's token for the
admission webhook)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from keyturn.approval.model import Role
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.bootstrap import build_gate, hash_token, load_settings, new_token, open_store
from keyturn.server import create_app

PEOPLE = {
    "admin": Role.ADMIN,
    "alice": Role.REVIEWER,
    "bob": Role.REVIEWER,
    "carol": Role.REVIEWER,
    "dave": Role.REVIEWER,
    "kiro": Role.AGENT,
    "other": Role.AGENT,
    "cluster": Role.CLUSTER,
}


@dataclass
class Server:
    client: TestClient
    tokens: dict[str, str]

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def get(self, path: str, who: str, **kw):  # type: ignore[no-untyped-def]
        return self.client.get(path, headers=self.h(who), **kw)

    def post(self, path: str, who: str, body: object = None, **kw):  # type: ignore[no-untyped-def]
        return self.client.post(
            path, headers=self.h(who), json=body if body is not None else {}, **kw
        )

    def ask_rm(self, who: str = "kiro", *, path: str = "./scratch") -> dict:  # type: ignore[type-arg]
        """kiro asks to run a production delete that needs two sre approvals."""
        r = self.post(
            "/v1/decisions",
            who,
            {
                "kind": "shell",
                "payload": {"command": f"rm -rf {path}", "cwd": "/srv/app"},
                "environment": "production",
                "actor": {"operator": "bob", "session": "s1"},
            },
        )
        assert r.status_code == 200, r.text
        answer: dict = r.json()  # type: ignore[type-arg]
        return answer


def make_tokens(store, names=PEOPLE) -> dict[str, str]:  # type: ignore[no-untyped-def]
    tokens = {}
    for name, role in names.items():
        token = new_token()
        entry = AuditEntry(
            kind=AuditKind.TOKEN_CREATED,
            at=time.time(),
            actor={"name": "test"},
            data={"token": name},
        )
        store.create_token(name=name, role=role, token_hash=hash_token(token), entry=entry)
        tokens[name] = token
    return tokens


@pytest.fixture()
def server(tmp_path: Path, brief_policy_text: str) -> Iterator[Server]:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    tokens = make_tokens(store)
    gate = build_gate(settings, store=store)
    app = create_app(settings, gate=gate, secret=b"s" * 32, poll_seconds=0.05)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(client=client, tokens=tokens)
    store.close()


# -- webhooks ----------------------------------------------------------------------------------


class Receiver:
    """A loopback HTTP endpoint: /ok answers 204, /fail answers 500, /hang answers late."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.failures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                if self.path == "/ok":
                    receiver.bodies.append(body)
                    self.send_response(204)
                elif self.path == "/hang":
                    time.sleep(3)
                    self.send_response(204)
                else:
                    receiver.failures += 1
                    self.send_response(500)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def notifying_server(
    tmp_path: Path, brief_policy_text: str, receiver: Receiver
) -> Iterator[Server]:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    tokens = make_tokens(store)
    app = create_app(
        settings,
        gate=build_gate(settings, store=store),
        webhooks=[f"{receiver.url}/ok", f"{receiver.url}/fail", f"{receiver.url}/hang"],
        secret=b"s" * 32,
        poll_seconds=0.05,
        notify_backoff=0.01,
        public_url="https://keyturn.example/",
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(client=client, tokens=tokens)
    store.close()


def until(predicate: Any, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
