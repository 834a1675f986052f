"""``keyturn mcp-proxy`` end to end: an SDK client talks through the proxy (a real process) to
real upstream MCP servers: an SDK ``MCPServer`` (tests/integrations/assets) in both protocol
revisions, and the published npm ``@modelcontextprotocol/server-filesystem``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters

REPO = Path(__file__).resolve().parents[2]
ASSET = REPO / "tests" / "integrations" / "assets" / "inventory_server.py"
NPM_FILESYSTEM = (
    REPO / "tests/.npm/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js"
)
MODES = ["legacy", "2026-07-28"]
EXPECTED_VERSION = {"legacy": "2025-11-25", "2026-07-28": "2026-07-28"}

INVENTORY_POLICY = """\
version: 1
default: ask
unknown_environment: dev
environments:
  dev:
    kube_contexts: ["kind-*"]
reviewers:
  sre: [alice, bob]
protected:
  - "db:inventory/orders"
mcp:
  servers:
    inventory:
      tools:
        list_dbs: {effect: read}
        slow: {effect: read}
        crash: {effect: read}
        rename_db: {effect: update, resources: ["db:inventory/{name}"]}
        drop_db: {effect: delete, resources: ["db:inventory/{name}"]}
        wipe_all: {effect: delete, resources: ["db:inventory/*"]}
agents:
  "*":
    allow:
      - effect: [read, update]
    ask:
      - effect: delete
        approvals: 2
        reviewers: [sre]
    deny:
      - tool: "mcp:inventory/wipe_all"
"""


def proxy_params(
    policy: Path, upstream: list[str], *, env: dict[str, str], extra: tuple[str, ...] = ()
) -> StdioServerParameters:
    """``keyturn mcp-proxy`` as an agent would launch it, its state beside the policy."""
    args = ["-m", "keyturn", "mcp-proxy", "--policy", str(policy), "--agent", "claude", *extra]
    env = {"KEYTURN_HOME": str(policy.parent / "home"), **env}
    return StdioServerParameters(
        command=sys.executable, args=[*args, "--", *upstream], env=env, cwd=str(REPO)
    )


def texts(result: Any) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


def run(fn: Callable[[], Awaitable[None]]) -> None:
    anyio.run(fn)


@pytest.fixture()
def inventory(tmp_path: Path) -> tuple[Path, Path]:
    """The test policy and the upstream's call log."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(INVENTORY_POLICY)
    return policy, tmp_path / "calls.log"


def inventory_params(policy: Path, log: Path, *extra: str) -> StdioServerParameters:
    return proxy_params(
        policy,
        [sys.executable, str(ASSET)],
        env={"INVENTORY_LOG": str(log)},
        extra=("--name", "inventory", *extra),
    )


def forwarded(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


@pytest.mark.parametrize("mode", MODES)
def test_sdk_server_through_the_proxy_in_both_revisions(
    inventory: tuple[Path, Path], mode: str
) -> None:
    policy, log = inventory

    async def scenario() -> None:
        async with Client(inventory_params(policy, log), mode=mode) as client:
            assert client.protocol_version == EXPECTED_VERSION[mode]
            listed = [t.name for t in (await client.list_tools()).tools]
            assert "wipe_all" not in listed, "a tool the policy denies outright is hidden"
            assert {"list_dbs", "rename_db", "drop_db"} <= set(listed)

            allowed = await client.call_tool("list_dbs", {})
            assert not allowed.is_error
            assert texts(allowed) == "orders, billing"

            update = await client.call_tool("rename_db", {"name": "a", "new_name": "b"})
            assert not update.is_error
            assert texts(update) == "renamed a to b"

            protected = await client.call_tool("drop_db", {"name": "orders"})
            assert protected.is_error
            assert texts(protected).startswith("keyturn denied mcp:inventory/drop_db: ")
            assert "protected" in texts(protected)

            held = await client.call_tool("drop_db", {"name": "billing"})
            assert held.is_error
            assert "keyturn held mcp:inventory/drop_db: held for 2 approval(s)" in texts(held)
            assert re.search(r"request \d+; retry after approval", texts(held)), texts(held)

            hidden = await client.call_tool("wipe_all", {})
            assert hidden.is_error
            assert texts(hidden).startswith("keyturn denied mcp:inventory/wipe_all")

    run(scenario)
    assert forwarded(log) == ["list_dbs", "rename_db a b"], "refused calls never reach upstream"


def test_a_slow_upstream_fails_the_call_closed(inventory: tuple[Path, Path]) -> None:
    policy, log = inventory

    async def scenario() -> None:
        async with Client(inventory_params(policy, log, "--timeout", "1"), mode="legacy") as c:
            result = await c.call_tool("slow", {"seconds": 30})
            assert result.is_error
            assert texts(result).startswith("keyturn could not complete mcp:inventory/slow")

    run(scenario)


def test_an_upstream_dying_mid_call_fails_closed(inventory: tuple[Path, Path]) -> None:
    policy, log = inventory

    async def scenario() -> None:
        async with Client(inventory_params(policy, log), mode="2026-07-28") as client:
            result = await client.call_tool("crash", {})
            assert result.is_error
            assert "keyturn could not complete mcp:inventory/crash" in texts(result)
            after = await client.call_tool("list_dbs", {})
            assert after.is_error, "a dead upstream refuses every later call"

    run(scenario)
    assert forwarded(log) == ["crash"]


def test_an_upstream_that_does_not_start_refuses_every_call(
    inventory: tuple[Path, Path], tmp_path: Path
) -> None:
    policy, _ = inventory
    params = proxy_params(
        policy,
        [sys.executable, "-c", "import sys; sys.exit(3)"],
        env={},
        extra=("--name", "inventory"),
    )

    async def scenario() -> None:
        async with Client(params, mode="legacy") as client:
            assert (await client.list_tools()).tools == []
            result = await client.call_tool("list_dbs", {})
            assert result.is_error
            assert "keyturn" in texts(result)

    run(scenario)


def test_a_policy_that_does_not_load_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "keyturn.yaml"
    bad.write_text("version: 1\ndefault: perhaps\n")
    proc = subprocess.run(
        [sys.executable, "-m", "keyturn", "mcp-proxy", "--policy", str(bad), "--", "true"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 2
    assert proc.stdout == "", "stdout is the protocol: nothing else goes there"
    assert len(proc.stderr.strip().splitlines()) == 1
    assert str(bad) in proc.stderr


def test_the_proxy_exits_2_once_its_upstream_never_started(
    inventory: tuple[Path, Path],
) -> None:
    """Calls were refused all along (above); when the client goes away the proxy says on its
    exit code that the server it was given never started, in one log line."""
    policy, _ = inventory
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "keyturn", "mcp-proxy", "--policy", str(policy)),
            *("--no-store", "--name", "gone", "--", "/nonexistent/mcp-server"),
        ],
        input=json.dumps(hello) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KEYTURN_HOME": str(policy.parent / "home")},
    )
    assert proc.returncode == 2, proc.stderr
    failed = [line for line in proc.stderr.splitlines() if "did not start" in line]
    assert failed == [
        "keyturn mcp-proxy: gone: upstream MCP server did not start: [Errno 2] "
        "No such file or directory: '/nonexistent/mcp-server'"
    ]


def test_missing_upstream_command_is_a_usage_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "keyturn", "mcp-proxy", "--name", "x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "after '--'" in proc.stderr


@pytest.fixture()
def npm_filesystem() -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the published npm MCP server cannot run")
    if not NPM_FILESYSTEM.exists():
        pytest.fail(
            "@modelcontextprotocol/server-filesystem is not installed: run "
            "'npm install --prefix tests/.npm @modelcontextprotocol/server-filesystem' "
            "(make test does it)"
        )
    return NPM_FILESYSTEM


@pytest.mark.parametrize("mode", ["auto", "legacy"])
def test_published_filesystem_server_read_passes_write_is_refused(
    npm_filesystem: Path, tmp_path: Path, mode: str
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    notes = shared / "notes.txt"
    notes.write_text("original")
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(
        "version: 1\ndefault: ask\nunknown_environment: dev\n"
        'environments:\n  dev:\n    kube_contexts: ["kind-*"]\n'
        'agents:\n  "*":\n    allow:\n      - effect: read\n'
        "    deny:\n      - effect: [create, update, delete, replace]\n"
        f'        resource: "file:{shared}/*"\n'
    )
    params = proxy_params(policy, ["node", str(npm_filesystem), str(shared)], env={})

    async def scenario() -> None:
        async with Client(params, mode=mode) as client:
            listed = {t.name for t in (await client.list_tools()).tools}
            assert {"read_text_file", "write_file", "list_directory"} <= listed
            read = await client.call_tool("read_text_file", {"path": str(notes)})
            assert not read.is_error
            assert texts(read) == "original"
            write = await client.call_tool("write_file", {"path": str(notes), "content": "pwned"})
            assert write.is_error
            assert texts(write).startswith("keyturn denied mcp:filesystem/write_file: ")
            new = await client.call_tool(
                "write_file", {"path": str(shared / "new.txt"), "content": "x"}
            )
            assert new.is_error

    run(scenario)
    assert notes.read_text() == "original"
    assert not (shared / "new.txt").exists()


def _keyturn(home: Path, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env.update(KEYTURN_HOME=str(home), USER="olivia")
    if token:
        env["KEYTURN_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "keyturn", *args], env=env, capture_output=True, text=True,
        timeout=60, cwd=str(REPO),
    )  # fmt: skip


def test_a_call_waiting_for_reviewers_does_not_hold_up_the_proxy(
    inventory: tuple[Path, Path],
) -> None:
    policy, log = inventory
    policy.write_text(INVENTORY_POLICY + "settings:\n  mcp_wait: 60s\n")
    home = policy.parent / "home"
    tokens = {}
    for who in ("alice", "bob"):
        made = _keyturn(home, "token", "create", who, "--role", "reviewer")
        assert made.returncode == 0, made.stderr
        tokens[who] = re.findall(r"kt_[\w-]+", made.stdout)[0]
    params = inventory_params(policy, log, "--wait", "--operator", "olivia")

    async def scenario() -> None:
        async with Client(params, mode="legacy") as client:
            results: dict[str, Any] = {}

            async def held_call() -> None:
                results["held"] = await client.call_tool("drop_db", {"name": "billing"})

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(held_call)
                pending: list[str] = []
                with anyio.fail_after(30):
                    while not pending:  # the held call opened its request and is waiting
                        await anyio.sleep(0.2)
                        listed = await anyio.to_thread.run_sync(
                            lambda: _keyturn(home, "requests", token=tokens["alice"])
                        )
                        pending = re.findall(r"^\s*(\d+)\s+\S+\s+pending", listed.stdout, re.M)
                # Meanwhile the proxy answers other calls at once.
                with anyio.fail_after(10):
                    other = await client.call_tool("list_dbs", {})
                assert not other.is_error and "held" not in results
                for who in ("alice", "bob"):
                    voted = await anyio.to_thread.run_sync(
                        lambda who=who: _keyturn(
                            home, "approve", pending[0], "--reason", "ok", token=tokens[who]
                        )
                    )
                    assert voted.returncode == 0, voted.stderr
            assert not results["held"].is_error, texts(results["held"])
            assert forwarded(log) == ["list_dbs", "drop_db billing"]  # once, after approval

    run(scenario)
