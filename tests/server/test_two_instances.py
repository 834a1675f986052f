"""Two ``keyturn serve`` processes on one PostgreSQL act as one: a request opened through one
is approved through the other, the agent waiting on the first is released, and the audit log
stays one chain. Each test uses its own schema."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.browser.test_review_pages import free_port
from tests.server.conftest import make_tokens

from keyturn.bootstrap import load_settings, open_store

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PG = os.environ.get("KEYTURN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _serve(home: Path, policy: Path, url: str, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env.update(KEYTURN_HOME=str(home), KEYTURN_SESSION_SECRET="shared-secret-for-both")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "keyturn",
            "serve",
            "--port",
            str(port),
            "--database",
            url,
            "--policy",
            str(policy),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _ready(base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("server exited: " + (proc.stdout.read() if proc.stdout else ""))
        try:
            if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("server did not start")


@pytest.fixture()
def pair(tmp_path: Path, brief_policy_text: str) -> Iterator[tuple[str, str, dict[str, str], str]]:
    import psycopg

    try:
        psycopg.connect(PG, connect_timeout=3).close()
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL at {PG} is needed for this test: {exc}")
    schema = "kt_" + uuid.uuid4().hex[:12]
    url = f"{PG}?schema={schema}"
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    store = open_store(
        load_settings(home=str(tmp_path), database=url, policy=str(policy), environ={})
    )
    tokens = make_tokens(store)
    store.close()
    ports = free_port(), free_port()
    procs = [_serve(tmp_path / "home", policy, url, port) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, proc in zip(bases, procs, strict=True):
            _ready(base, proc)
        yield bases[0], bases[1], tokens, schema
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
        with psycopg.connect(PG, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_opened_on_one_approved_on_the_other_waiter_released(pair) -> None:  # type: ignore[no-untyped-def]
    a, b, tokens, _ = pair

    def h(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[who]}"}

    body = {
        "kind": "shell",
        "payload": {"command": "rm -rf ./scratch", "cwd": "/srv"},
        "environment": "production",
        "actor": {"operator": "bob"},
    }
    asked = httpx.post(a + "/v1/decisions", json=body, headers=h("kiro"), timeout=30).json()
    assert asked["verdict"] == "ask"
    rid = asked["request_id"]
    # The other server sees it (same database).
    seen = httpx.get(f"{b}/v1/requests/{rid}", headers=h("alice"), timeout=30).json()
    assert seen["state"] == "pending" and seen["agent"] == "kiro"

    released: dict[str, object] = {}

    def wait_on_a() -> None:
        started = time.monotonic()
        r = httpx.get(f"{a}/v1/requests/{rid}/wait?timeout=60", headers=h("kiro"), timeout=90)
        released["body"], released["after"] = r.json(), time.monotonic() - started

    waiter = threading.Thread(target=wait_on_a)
    waiter.start()
    time.sleep(0.5)
    refused = httpx.post(
        f"{b}/v1/requests/{rid}/approve", json={"reason": "mine"}, headers=h("bob"), timeout=30
    )
    assert refused.status_code == 403 and "operator" in refused.json()["error"]["message"]
    assert (
        httpx.post(
            f"{b}/v1/requests/{rid}/approve", json={"reason": "ok"}, headers=h("alice"), timeout=30
        ).json()["state"]
        == "pending"
    )
    assert (
        httpx.post(
            f"{a}/v1/requests/{rid}/approve", json={"reason": "ok"}, headers=h("carol"), timeout=30
        ).json()["state"]
        == "approved"
    )
    waiter.join(timeout=90)
    body_seen = released["body"]
    assert isinstance(body_seen, dict) and body_seen["verdict"] == "allow"
    assert float(released["after"]) < 50  # type: ignore[arg-type]  # released by the vote, not the timeout
    # The retry through the other server uses the grant once.
    retry = httpx.post(b + "/v1/decisions", json=body, headers=h("kiro"), timeout=30).json()
    assert retry["verdict"] == "allow" and retry["grant_id"] is not None
    # One chain: both servers verify the same head.
    va = httpx.get(a + "/v1/audit/verify", headers=h("admin"), timeout=30).json()
    vb = httpx.get(b + "/v1/audit/verify", headers=h("admin"), timeout=30).json()
    assert va["ok"] and vb["ok"] and va["head_chain"] == vb["head_chain"] and va["records"] >= 6


def test_concurrent_decisions_on_both_servers_keep_one_chain(pair) -> None:  # type: ignore[no-untyped-def]
    a, b, tokens, _ = pair
    headers = {"Authorization": f"Bearer {tokens['kiro']}"}

    def burst(base: str) -> None:
        with httpx.Client(timeout=30) as client:
            for i in range(15):
                r = client.post(
                    base + "/v1/decisions",
                    headers=headers,
                    json={"kind": "shell", "payload": {"command": f"ls /tmp/{i}"}},
                )
                assert r.status_code == 200

    threads = [threading.Thread(target=burst, args=(base,)) for base in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = httpx.get(
        a + "/v1/audit/verify", headers={"Authorization": f"Bearer {tokens['admin']}"}, timeout=30
    ).json()
    assert report["ok"] is True and report["records"] >= 30
