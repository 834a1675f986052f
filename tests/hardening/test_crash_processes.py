"""Crash safety of every long- or short-lived keyturn process: ``kill -9`` of ``keyturn serve``
(SQLite and PostgreSQL), of ``keyturn hook claude-code`` and of ``keyturn mcp-proxy`` during a
load of decisions, approvals and grant uses.

After a restart: nothing acknowledged (an HTTP response or the process's output received before
the kill) is missing from the audit log, ``keyturn audit verify`` passes, and no grant has
been used twice -- counted per grant both in the audit log and in the store.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from keyturn.approval import Role, approve
from keyturn.approval.model import RequestState
from keyturn.bootstrap import load_settings, open_store

from ._cli import KEYTURN, keyturn, pg_schema_url
from ._serve import Served, make_tokens, serve_env, start_serve

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


@dataclass
class Acks:
    """What the processes acknowledged before the kill."""

    decisions: list[str] = field(default_factory=list)
    votes: list[tuple[int, str]] = field(default_factory=list)
    grants: list[int] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def total(self) -> int:
        return len(self.decisions) + len(self.votes) + len(self.grants)


def check_after_restart(env: dict[str, str], acks: Acks) -> dict[str, Any]:
    """The audit log holds every acknowledged record, the chain verifies, no grant is used
    twice (audit and store agree). Returns counts for the caller's own checks."""
    verified = keyturn(env, "audit", "verify")
    assert verified.code == 0, verified
    store = open_store(load_settings(environ=env))
    try:
        records = [r.parsed() for r in store.audit_records()]
        requests = store.list_requests(states=None)
    finally:
        store.close()
    decisions = {r["data"].get("digest") for r in records if r["kind"] == "decision"}
    votes = {(r["data"]["request"], r["actor"]["name"]) for r in records if r["kind"] == "vote"}
    used = Counter(r["data"]["grant"] for r in records if r["kind"] == "grant.used")
    opened = {r["data"]["request"] for r in records if r["kind"] == "request.opened"}
    assert not [q for q in acks.requests if q not in opened], "acknowledged request lost"
    assert not [d for d in acks.decisions if d not in decisions], "acknowledged decision lost"
    assert not [v for v in acks.votes if v not in votes], "acknowledged vote lost"
    assert not [g for g in acks.grants if g not in used], "acknowledged grant use lost"
    twice = {g: n for g, n in used.items() if n > 1}
    assert not twice, f"grants used more than once: {twice}"
    in_store = {r.grant.id for r in requests if r.grant is not None and r.grant.used_at}
    assert in_store == set(used), "the store and the audit log disagree on used grants"
    return {"decisions": len(decisions), "votes": len(votes), "grants": len(used)}


# -- keyturn serve ---------------------------------------------------------------------------


def _command(context: str, pod: str) -> dict[str, Any]:
    return {
        "kind": "shell",
        "payload": {"command": f"kubectl --context {context} delete pod {pod}"},
        "actor": {"operator": "olivia"},
    }


def _serve_load(served: Served, acks: Acks, stop: threading.Event, name: str) -> None:
    """Decisions, two approvals and a grant use per held request, until the server dies."""
    with httpx.Client(base_url=served.url, timeout=20) as http:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                _serve_round(http, served, acks, pod=f"{name}-{n}", held=n % 3 == 0)
            except httpx.TransportError:
                return  # the server is gone: whatever was in flight is not acknowledged


def _serve_round(http: httpx.Client, served: Served, acks: Acks, *, pod: str, held: bool) -> None:
    def ok(r: httpx.Response) -> dict[str, Any]:
        if r.status_code != 200:
            with acks.lock:
                acks.problems.append(f"{r.request.url.path}: {r.status_code} {r.text[:200]}")
            raise httpx.TransportError("stop")
        body: dict[str, Any] = r.json()
        return body

    context = "prod-1" if held else "dev-1"
    out = ok(http.post("/v1/decisions", json=_command(context, pod), headers=served.auth("kiro")))
    with acks.lock:
        acks.decisions.append(out["decision"]["digest"])
    if not held:
        return
    rid = out["request_id"]
    for who in ("alice", "carol"):
        ok(http.post(f"/v1/requests/{rid}/approve", json={}, headers=served.auth(who)))
        with acks.lock:
            acks.votes.append((rid, who))
    used = ok(http.post("/v1/grants/use", json={"request_id": rid}, headers=served.auth("kiro")))
    with acks.lock:
        acks.grants.append(used["grant_id"])
    again = http.post("/v1/grants/use", json={"request_id": rid}, headers=served.auth("kiro"))
    if again.status_code != 403:
        with acks.lock:
            acks.problems.append(f"second use of grant {used['grant_id']}: {again.status_code}")


def _kill_serve_under_load(env: dict[str, str], tmp: Path, *, kill_after: int) -> Acks:
    tokens = make_tokens(env)
    acks = Acks()
    for round_ in range(2):  # killed twice, restarted twice
        served = start_serve(env, tmp, name=f"serve{round_}")
        served.tokens = tokens
        stop = threading.Event()
        workers = [
            threading.Thread(target=_serve_load, args=(served, acks, stop, f"r{round_}w{i}"))
            for i in range(3)
        ]
        for w in workers:
            w.start()
        target = acks.total() + kill_after
        deadline = time.monotonic() + 60
        while acks.total() < target and time.monotonic() < deadline and not acks.problems:
            time.sleep(0.005)
        served.kill()  # mid-load: three clients have requests in flight
        stop.set()
        for w in workers:
            w.join(timeout=30)
        assert served.process.returncode == -signal.SIGKILL
        assert not acks.problems, acks.problems
    # A third server on the same state serves, and refuses every grant used before the kills.
    served = start_serve(env, tmp, name="serve-after")
    served.tokens = tokens
    try:
        with httpx.Client(base_url=served.url, timeout=20) as http:
            _serve_round(http, served, acks, pod="after", held=True)
            store_requests = _requests(env)
            for req in store_requests:
                if req.grant is not None and req.grant.used_at:
                    r = http.post(
                        "/v1/grants/use", json={"request_id": req.id}, headers=served.auth("kiro")
                    )
                    assert r.status_code == 403, r.text
    finally:
        served.stop()
    assert not acks.problems, acks.problems
    return acks


def _requests(env: dict[str, str]) -> list[Any]:
    store = open_store(load_settings(environ=env))
    try:
        return store.list_requests(states=None)
    finally:
        store.close()


def test_kill_9_serve_sqlite(tmp_path: Path) -> None:
    env = serve_env(tmp_path)
    acks = _kill_serve_under_load(env, tmp_path, kill_after=60)
    counts = check_after_restart(env, acks)
    assert len(acks.votes) >= 2 and len(acks.grants) >= 1
    assert counts["grants"] >= len(acks.grants)


@pytest.mark.postgres
def test_kill_9_serve_postgres(tmp_path: Path) -> None:
    with pg_schema_url() as url:
        env = serve_env(tmp_path, database=url)
        acks = _kill_serve_under_load(env, tmp_path, kill_after=60)
        counts = check_after_restart(env, acks)
        assert len(acks.votes) >= 2 and len(acks.grants) >= 1
        assert counts["grants"] >= len(acks.grants)


# -- keyturn hook claude-code ----------------------------------------------------------------


def _event(pod: str) -> bytes:
    return json.dumps(
        {
            "session_id": "s1",
            "hook_event_name": "PreToolUse",
            "tool_name": "Bash",
            "tool_input": {"command": f"kubectl --context prod-1 delete pod {pod}"},
            "cwd": "/tmp",
        }
    ).encode()


def _hook(env: dict[str, str], pod: str, *, kill_at: float | None) -> tuple[int, str]:
    """One hook run; with ``kill_at``, ``kill -9`` after that many seconds if still running."""
    child = subprocess.Popen(
        [KEYTURN, "hook", "claude-code"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdin is not None
    child.stdin.write(_event(pod))
    child.stdin.close()
    child.stdin = None  # written in full; communicate() only reads
    if kill_at is not None:
        try:
            child.wait(timeout=kill_at)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=60)
    return child.returncode, out.decode()


def _decision_of(stdout: str) -> str:
    return str(json.loads(stdout)["hookSpecificOutput"]["permissionDecision"])


def _complete_allow(stdout: str) -> bool:
    """Whether ``stdout`` is a whole, well-formed allow answer (what an agent would act on)."""
    try:
        return _decision_of(stdout) == "allow"
    except (ValueError, KeyError, TypeError):
        return False


def _approve_all(env: dict[str, str], request_id: int, acks: Acks) -> None:
    store = open_store(load_settings(environ=env))
    try:
        for who in ("alice", "carol"):
            now = time.time()
            store.transition(
                request_id,
                lambda r, w=who, t=now: approve(
                    r, reviewer=w, role=Role.REVIEWER, reason="ok", now=t
                ),
                now=now,
            )
            acks.votes.append((request_id, who))
    finally:
        store.close()


def _request_ids(env: dict[str, str]) -> dict[str, int]:
    """Open or approved requests by pod name (the last word of their summary)."""
    found: dict[str, int] = {}
    for req in _requests(env):
        if req.state in (RequestState.PENDING, RequestState.APPROVED):
            found[req.draft.summary.split()[-1]] = req.id
    return found


def test_kill_9_hook_gives_the_agent_no_allow(tmp_path: Path) -> None:
    env = serve_env(tmp_path)
    env["USER"] = "olivia"
    # The in-process hook is what gets killed here (a resident hook daemon would answer
    # before any kill lands; its own tests are tests/integrations/hooks/test_daemon*.py).
    env["KEYTURN_HOOK_DAEMON"] = "off"
    rng = random.Random(7)
    acks = Acks()
    killed = 0
    for i in range(8):
        pod = f"p{i}"
        # Ask: held, which opens the request. A kill may land before or after the answer.
        code, out = _hook(env, pod, kill_at=rng.uniform(0.05, 0.6) if i % 2 else None)
        if code == -signal.SIGKILL:
            killed += 1
            assert "allow" not in out, "a killed hook must not have said allow"
            code, out = _hook(env, pod, kill_at=None)
        assert code == 0 and _decision_of(out) in ("ask", "deny"), out
        request_id = _request_ids(env)[pod]
        assert f"request {request_id}" in out, out
        acks.requests.append(request_id)
        _approve_all(env, request_id, acks)
        # The retry uses the grant once. Killed before answering: the agent saw no allow.
        code, out = _hook(env, pod, kill_at=rng.uniform(0.05, 0.6) if i % 2 == 0 else None)
        if code == -signal.SIGKILL:
            killed += 1
            if _complete_allow(out):
                # Killed while exiting, after its whole answer was out: that allow was given,
                # and the grant it used must be in the audit exactly once.
                acks.grants.append(_grant_of(env, request_id))
            else:
                assert "allow" not in out, "a hook cut off mid-answer must not read as allow"
        else:
            assert code == 0 and _decision_of(out) == "allow", out
            acks.grants.append(_grant_of(env, request_id))
    assert killed >= 1, "no run was killed mid-way: raise the kill delays"
    check_after_restart(env, acks)


def _grant_of(env: dict[str, str], request_id: int) -> int:
    store = open_store(load_settings(environ=env))
    try:
        grant = store.get_request(request_id).grant
    finally:
        store.close()
    assert grant is not None
    return grant.id


# -- keyturn mcp-proxy -----------------------------------------------------------------------

INVENTORY = Path(__file__).resolve().parents[1] / "integrations" / "assets" / "inventory_server.py"
PROXY_POLICY = """\
version: 1
default: ask
unknown_environment: dev
reviewers:
  sre: [alice, bob, carol]
protected:
  - "db:inventory/orders"
mcp:
  servers:
    inventory:
      tools:
        list_dbs: {effect: read}
        slow: {effect: read}
        drop_db: {effect: delete, resources: ["db:inventory/{name}"]}
        wipe_all: {effect: delete, resources: ["db:inventory/*"]}
agents:
  "*":
    allow:
      - effect: read
    ask:
      - {effect: delete, approvals: 2, reviewers: [sre]}
    deny:
      - tool: "mcp:inventory/wipe_all"
"""


class Proxy:
    """``keyturn mcp-proxy`` spoken to line by line (JSON-RPC over stdio)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.child = subprocess.Popen(
            [KEYTURN, "mcp-proxy", "--name", "inventory", "--agent", "claude", "--operator",
             "olivia", "--", sys.executable, str(INVENTORY)],
            env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.next_id = 0
        init = self.request(
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "crash-test", "version": "1"},
            },
        )
        assert "result" in init, init
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message: dict[str, Any]) -> None:
        assert self.child.stdin is not None
        self.child.stdin.write(json.dumps(message).encode() + b"\n")
        self.child.stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """The answer; ``{"eof": True}`` when the proxy died before answering."""
        self.next_id += 1
        try:
            self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        except BrokenPipeError:
            return {"eof": True}
        assert self.child.stdout is not None
        while True:
            line = self.child.stdout.readline()
            if not line:
                return {"eof": True}
            message: dict[str, Any] = json.loads(line)
            if message.get("id") == self.next_id:
                return message

    def call(self, tool: str, arguments: dict[str, Any]) -> tuple[bool, str]:
        """(is_error, text) of a tool call; the client's view of a dead proxy is an error."""
        answer = self.request("tools/call", {"name": tool, "arguments": arguments})
        if "eof" in answer or "error" in answer:
            return True, str(answer.get("error", "the proxy died"))
        result = answer["result"]
        text = " ".join(block.get("text", "") for block in result.get("content", []))
        return bool(result.get("isError")), text

    def kill_in(self, seconds: float) -> threading.Timer:
        timer = threading.Timer(seconds, lambda: self.child.send_signal(signal.SIGKILL))
        timer.start()
        return timer

    def close(self) -> None:
        if self.child.poll() is None:
            assert self.child.stdin is not None
            self.child.stdin.close()
            try:
                self.child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.child.send_signal(signal.SIGKILL)
        self.child.wait(timeout=15)
        if self.child.stdout is not None:
            self.child.stdout.close()


def _upstream_calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_kill_9_mcp_proxy_mid_call(tmp_path: Path) -> None:
    env = serve_env(tmp_path)
    (tmp_path / "keyturn.yaml").write_text(PROXY_POLICY, encoding="utf-8")
    log = tmp_path / "upstream.log"
    env["INVENTORY_LOG"] = str(log)
    acks = Acks()
    rng = random.Random(11)
    killed = 0
    for i in range(4):
        proxy = Proxy(env)
        try:
            assert proxy.call("list_dbs", {}) == (False, "orders, billing")
            for denied in (("wipe_all", {}), ("drop_db", {"name": "orders"})):
                is_error, text = proxy.call(*denied)
                assert is_error and "keyturn denied" in text, text
            is_error, text = proxy.call("drop_db", {"name": f"db{i}"})
            assert is_error and "held" in text, text
            request_id = int(text.split("request ")[1].split(";")[0])
            acks.requests.append(request_id)
            _approve_all(env, request_id, acks)
            # Kill mid-call: during a slow read (odd rounds) or around the approved drop.
            timer = proxy.kill_in(rng.uniform(0.1, 0.8))
            if i % 2:
                is_error, _ = proxy.call("slow", {"seconds": 3})
                assert is_error, "a call cut by the kill must reach the client as an error"
            is_error, text = proxy.call("drop_db", {"name": f"db{i}"})
            timer.join()
            assert proxy.child.wait(timeout=15) == -signal.SIGKILL
            killed += 1
        finally:
            proxy.close()
        if not is_error:
            assert text == f"dropped db{i}", text
            acks.grants.append(_grant_of(env, request_id))
    time.sleep(3.5)  # orphaned upstreams finish their sleeps and log what they ran
    assert killed >= 1
    calls = _upstream_calls(log)
    assert "wipe_all" not in calls and "drop_db orders" not in calls, calls
    drops = Counter(c for c in calls if c.startswith("drop_db"))
    assert all(n == 1 for n in drops.values()), drops  # each approved drop ran at most once
    check_after_restart(env, acks)
