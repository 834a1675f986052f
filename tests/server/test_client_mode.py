"""The CLI as a client of a real server (``KEYTURN_SERVER``): exec held, approved by two
reviewers through ``keyturn approve``, then run once."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest
from tests.browser.test_review_pages import demo  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow


# The client's own state (the AWS settings exec isolates) goes here, not to ~/.keyturn.
_CLIENT_STATE = tempfile.TemporaryDirectory(prefix="keyturn-client-")


def cli(url: str, token: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env.update(KEYTURN_SERVER=url, KEYTURN_TOKEN=token, KEYTURN_HOME=_CLIENT_STATE.name)
    return subprocess.run(
        [sys.executable, "-m", "keyturn", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_exec_requests_approve_through_the_server(demo) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, tokens = demo
    cmd = [
        "exec",
        "--no-wait",
        "--env",
        "production",
        "--operator",
        "bob",
        "--",
        "rm",
        "-rf",
        "./nothing-here",
    ]
    held = cli(url, tokens["kiro"], *cmd)
    assert held.returncode == 3, held.stderr
    rid = held.stdout.strip()
    listed = cli(url, tokens["alice"], "requests")
    assert listed.returncode == 0 and rid in listed.stdout
    # One request shown as the local CLI shows it, not as the server's JSON.
    shown = cli(url, tokens["alice"], "requests", "show", rid)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith(f"request {rid}: pending"), shown.stdout
    assert "  still:     2 more approvals from sre" in shown.stdout, shown.stdout
    assert "effect:    delete" in shown.stdout and not shown.stdout.lstrip().startswith("{")
    as_json = cli(url, tokens["alice"], "requests", "show", rid, "--json")
    assert as_json.returncode == 0 and as_json.stdout.lstrip().startswith("{")
    refused = cli(url, tokens["bob"], "approve", rid, "--reason", "mine")
    assert refused.returncode == 4 and "operator" in refused.stderr
    assert cli(url, tokens["alice"], "approve", rid, "--reason", "ok").returncode == 0
    done = cli(url, tokens["carol"], "approve", rid, "--reason", "ok")
    assert done.returncode == 0 and "approved" in done.stdout
    ran = cli(url, tokens["kiro"], *cmd)
    assert ran.returncode == 0, ran.stderr
    again = cli(url, tokens["kiro"], *cmd)
    assert again.returncode == 3  # the grant was used once


def test_exec_through_the_server_runs_without_the_operators_credentials(demo, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, tokens = demo
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYTURN_", "AWS_"))}
    env.update(
        KEYTURN_SERVER=url,
        KEYTURN_TOKEN=tokens["kiro"],
        KEYTURN_HOME=str(tmp_path / "home"),
        AWS_ACCESS_KEY_ID="AKIAOPERATORKEY00000",
        AWS_SECRET_ACCESS_KEY="operator-secret",
        AWS_PROFILE="prod-admin",
    )
    ran = subprocess.run(
        [sys.executable, "-m", "keyturn", "exec", "--operator", "bob", "--", "env"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert "AKIAOPERATORKEY00000" not in ran.stdout
    assert "operator-secret" not in ran.stdout
    assert "AWS_PROFILE=" not in ran.stdout
    assert f"AWS_SHARED_CREDENTIALS_FILE={tmp_path / 'home'}" in ran.stdout


def test_terraform_apply_through_the_server_is_refused(demo) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    url, tokens = demo
    refused = cli(url, tokens["kiro"], "exec", "--", "terraform", "apply", "-auto-approve")
    assert refused.returncode == 2
    assert len(refused.stderr.strip().splitlines()) == 1
    assert "local mode" in refused.stderr


def test_a_hooks_outcome_is_recorded_by_the_server(demo, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Client mode: the after-tool event goes to ``POST /v1/executions``, under the digest the
    server gave the decision."""
    import json

    import httpx

    url, tokens = demo
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEYTURN_")}
    env.update(
        KEYTURN_SERVER=url,
        KEYTURN_TOKEN=tokens["kiro"],
        KEYTURN_HOOK_DAEMON="off",
        KEYTURN_HOME=str(tmp_path / "state"),
        USER="bob",
    )
    event = {
        "session_id": "s-out",
        "cwd": str(tmp_path),
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "ls -la"},
    }
    for name, extra in (("PreToolUse", {}), ("PostToolUse", {"tool_response": {"exit_code": 0}})):
        done = subprocess.run(
            [sys.executable, "-m", "keyturn", "hook", "claude-code", "--agent", "kiro"],
            input=json.dumps({**event, "hook_event_name": name, **extra}),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    auth = {"Authorization": f"Bearer {tokens['admin']}"}
    records = [
        r["record"] for r in httpx.get(f"{url}/v1/audit?limit=1000", headers=auth).json()["records"]
    ]
    decided = [
        r for r in records if r["kind"] == "decision" and r["actor"].get("session") == "s-out"
    ]
    ran = [r for r in records if r["kind"] == "execution" and r["actor"].get("session") == "s-out"]
    assert len(decided) == 1 and len(ran) == 1, records[-3:]
    assert ran[0]["data"]["digest"] == decided[0]["data"]["digest"]
    assert (ran[0]["data"]["detail"], ran[0]["data"]["exit_status"]) == ("completed", 0)
