"""The two-person review bound to the exact action: who may approve, what a grant still runs.

Each case names the way around the review it closes: an operator approving their own agent's
request under another claimed name, a grant used after the policy came to deny its action or to
ask more of it, a command whose files changed while it waited for review; and what reaches the
people on the other side: the CLI's exit code for a refusal, the webhook URLs in logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.server.conftest import (
    Receiver,
    Server,
    make_tokens,
    receiver,  # noqa: F401  (the fixture)
)
from tests.server.test_api import assert_error

from keyturn.approval import (
    ApprovalRequest,
    RequestDraft,
    RequestState,
    Role,
    approve,
    vote_step,
)
from keyturn.bootstrap import build_gate, load_settings, open_state, open_store
from keyturn.cli import main
from keyturn.server import create_app
from keyturn.server.notify import Notifier, redact

# kiro is run by bob; bob also reviews in sre.
KIRO_RUN_BY_BOB = "  kiro:\n    operators: [bob]\n"


def _policy_text(brief: str, *, extra_protected: str = "", operators: bool = True) -> str:
    text = brief.replace("  kiro:\n", KIRO_RUN_BY_BOB) if operators else brief
    if extra_protected:
        text = text.replace("protected:", f'protected:\n  - "{extra_protected}"', 1)
    return text


class Install:
    """One state directory; servers started on it with whichever policy a case needs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.tokens: dict[str, str] = {}

    def serve(self, policy_text: str) -> Iterator[Server]:
        policy = self.root / "keyturn.yaml"
        policy.write_text(policy_text)
        settings = load_settings(home=str(self.home), policy=str(policy), environ={})
        store = open_store(settings)
        if not self.tokens:
            self.tokens = make_tokens(store)
        app = create_app(
            settings, gate=build_gate(settings, store=store), secret=b"s" * 32, poll_seconds=0.05
        )
        try:
            with TestClient(app, raise_server_exceptions=False) as client:
                yield Server(client=client, tokens=self.tokens)
        finally:
            store.close()


@pytest.fixture()
def install(tmp_path: Path) -> Install:
    return Install(tmp_path)


def _ask_rm(server: Server, actor: dict[str, str]) -> dict:  # type: ignore[type-arg]
    r = server.post(
        "/v1/decisions",
        "kiro",
        {
            "kind": "shell",
            "payload": {"command": "rm -rf ./scratch", "cwd": "/srv/app"},
            "environment": "production",
            "actor": actor,
        },
    )
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


# -- who may approve ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "claimed",
    [
        pytest.param({"session": "s1"}, id="OP-operator-not-claimed"),
        pytest.param({"operator": "robert"}, id="OP-operator-claimed-under-another-name"),
        pytest.param({"operator": "Bob"}, id="OP-operator-claimed-re-cased"),
    ],
)
def test_the_policys_operators_of_an_agent_never_approve_its_requests(
    install: Install, brief_policy_text: str, claimed: dict[str, str]
) -> None:
    """``operators: [bob]`` for kiro: bob is refused on kiro's requests whatever operator the
    agent claims (none, another login name, another spelling)."""
    for server in install.serve(_policy_text(brief_policy_text)):
        held = _ask_rm(server, claimed)
        assert held["verdict"] == "ask"
        rid = held["request_id"]
        shown = server.get(f"/v1/requests/{rid}", "alice").json()
        assert "bob" not in shown["eligible"]
        r = server.post(f"/v1/requests/{rid}/approve", "bob", {"reason": "mine, but fine"})
        assert_error(r, 403, "approval_refused")
        assert (
            "operates agent kiro" in r.json()["error"]["message"]
            or "operator" in (r.json()["error"]["message"])
        )
        # Two others still approve it; the refused vote is not among the approvals.
        server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "ok"})
        done = server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"}).json()
        assert done["state"] == "approved" and done["approvals"] == ["alice", "carol"]


def test_a_glob_or_star_sections_operators_bar_them_too(
    install: Install, brief_policy_text: str
) -> None:
    """OP-star-section: operators named on the ``*`` section run every agent."""
    text = brief_policy_text.replace('  "*":', '  "*":\n    operators: [carol]', 1)
    for server in install.serve(text):
        rid = _ask_rm(server, {"operator": "bob"})["request_id"]
        r = server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"})
        assert_error(r, 403, "approval_refused")


def _pending(**draft: object) -> ApprovalRequest:
    base = RequestDraft(
        digest="sha256:d",
        policy_digest="sha256:p",
        agent="kiro",
        operator="bob",
        requester="kiro",
        session=None,
        environment="production",
        summary="rm",
        approvals_required=2,
        reviewer_groups=("sre",),
        eligible=("Alice", "alice", "bob", "carol"),
        decision={},
        ttl_seconds=3600,
        grant_ttl_seconds=900,
    )
    return ApprovalRequest(
        id=4,
        draft=replace(base, **draft),  # type: ignore[arg-type]
        state=RequestState.PENDING,
        created_at=1000.0,
        expires_at=4600.0,
    )


@pytest.mark.parametrize(
    "claimed", ["Bob", " bob", "BOB ", "\uff42\uff4f\uff42"], ids=lambda c: f"ID-operator-{c!r}"
)
def test_a_respelled_operator_claim_does_not_make_the_operator_a_reviewer(claimed: str) -> None:
    refused = approve(
        _pending(operator=claimed), reviewer="bob", role=Role.REVIEWER, reason="", now=1001.0
    )
    assert refused.refusal is not None and "operator" in refused.refusal


def test_one_person_listed_in_two_spellings_counts_once() -> None:
    """ID-same-person-two-spellings: ``Alice`` and ``alice`` in the group are one reviewer."""
    once = approve(_pending(), reviewer="alice", role=Role.REVIEWER, reason="", now=1001.0)
    assert once.refusal is None
    twice = approve(once.request, reviewer="Alice", role=Role.REVIEWER, reason="", now=1002.0)
    assert twice.refusal is not None and "already voted" in twice.refusal
    assert twice.request.state is RequestState.PENDING


# -- what a grant still runs once the policy changed ------------------------------------------


def _approved_rm(server: Server) -> int:
    """kiro's production delete, approved by alice and carol; its request id."""
    rid = _ask_rm(server, {"operator": "bob"})["request_id"]
    server.post(f"/v1/requests/{rid}/approve", "alice", {"reason": "ok"})
    done = server.post(f"/v1/requests/{rid}/approve", "carol", {"reason": "ok"}).json()
    assert done["state"] == "approved"
    return int(rid)


def _since(brief: str, change: str) -> str:
    if change == "protected":
        return _policy_text(brief, extra_protected="file:/srv/app/scratch")
    if change == "deny-rule":
        return brief.replace('      - command: "git push --force*"', '      - command: "rm *"')
    if change == "more-approvals":
        return brief.replace("approvals: 2", "approvals: 3").replace(
            "sre: [alice, bob, carol]", "sre: [alice, bob, carol, erin]"
        )
    if change == "approver-removed":
        return brief.replace("sre: [alice, bob, carol]", "sre: [alice, bob, erin]")
    if change == "approver-now-operates":
        return brief.replace("  kiro:\n", "  kiro:\n    operators: [carol]\n")
    raise AssertionError(change)


CHANGES = [
    pytest.param("protected", "now denied", id="GR-resource-protected-since-approval"),
    pytest.param("deny-rule", "now denied", id="GR-deny-rule-added-since-approval"),
    pytest.param("more-approvals", "a new review", id="GR-more-approvals-asked-since"),
    pytest.param("approver-removed", "a new review", id="GR-approver-left-the-group-since"),
    pytest.param("approver-now-operates", "a new review", id="GR-approver-now-runs-the-agent"),
]


@pytest.mark.parametrize(("change", "why"), CHANGES)
def test_the_grant_use_endpoint_judges_the_action_again_under_the_policy_of_now(
    install: Install, brief_policy_text: str, change: str, why: str
) -> None:
    """``POST /v1/grants/use`` refuses a grant whose action the policy now denies or asks
    more of; the grant stays unused and the refusal is recorded."""
    for server in install.serve(brief_policy_text):
        rid = _approved_rm(server)
    for server in install.serve(_since(brief_policy_text, change)):
        r = server.post("/v1/grants/use", "kiro", {"request_id": rid})
        assert_error(r, 403, "approval_refused")
        assert why in r.json()["error"]["message"]
        shown = server.get(f"/v1/requests/{rid}", "alice").json()
        assert shown["grant"]["used_at"] is None
        audit = server.get("/v1/audit?limit=1000", "admin").json()["records"]
        refused = [a["record"] for a in audit if a["record"]["kind"] == "grant.refused"]
        assert refused and refused[-1]["data"]["request"] == rid


@pytest.mark.parametrize(("change", "why"), CHANGES)
def test_a_retried_decision_does_not_use_a_grant_the_policy_of_now_would_not_give(
    install: Install, brief_policy_text: str, change: str, why: str
) -> None:
    """The same action sent again to ``/v1/decisions`` is denied, or held for a new review,
    never allowed by the earlier grant."""
    for server in install.serve(brief_policy_text):
        rid = _approved_rm(server)
    for server in install.serve(_since(brief_policy_text, change)):
        again = _ask_rm(server, {"operator": "bob"})
        assert again["verdict"] in ("deny", "ask")
        if again["verdict"] == "ask":
            assert again["request_id"] != rid and why in again["message"]


def test_an_unchanged_policy_still_lets_the_grant_run_once(
    install: Install, brief_policy_text: str
) -> None:
    """GR-same-policy-after-restart: a restart with the same policy changes nothing."""
    for server in install.serve(brief_policy_text):
        rid = _approved_rm(server)
    for server in install.serve(brief_policy_text):
        used = server.post("/v1/grants/use", "kiro", {"request_id": rid}).json()
        assert used["verdict"] == "allow"
        assert _ask_rm(server, {"operator": "bob"})["verdict"] == "ask"


# -- what keyturn exec runs once approved -------------------------------------------------------


def _approve_first_request(*, before_approving: Callable[[], object]) -> None:
    store = open_state(load_settings())
    try:
        for _ in range(400):
            if store.list_requests():
                break
            time.sleep(0.05)
        request = store.list_requests()[0]
        assert request.state is RequestState.PENDING
        before_approving()
        now = time.time()
        for who in ("alice", "carol"):
            step = vote_step("approve", by=who, role=Role.REVIEWER, reason="ok", now=now)
            store.transition(request.id, step, now=now)
    finally:
        store.close()


def test_a_script_changed_while_its_review_was_pending_does_not_run_on_the_approval(
    exec_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EX-script-changed-during-wait: ``keyturn exec -- bash deploy.sh`` is held for review of
    what deploy.sh said then (delete ./scratch); deploy.sh is rewritten before the approval
    (delete ./precious). The approval is not used for the new text: nothing runs, a new review
    is asked."""
    (exec_home / "scratch").mkdir()
    (exec_home / "precious").mkdir()
    script = exec_home / "deploy.sh"
    script.write_text("rm -rf ./scratch\n")
    argv = ["exec", "--poll", "0.05", "--env", "production", "--agent", "kiro", "--"]
    result: list[int] = []
    waiter = threading.Thread(target=lambda: result.append(main([*argv, "bash", "deploy.sh"])))
    waiter.start()
    try:
        _approve_first_request(before_approving=lambda: script.write_text("rm -rf ./precious\n"))
    finally:
        waiter.join(timeout=60)
    assert result == [3]
    assert (exec_home / "precious").exists() and (exec_home / "scratch").exists()
    assert "changed while it waited for review" in capsys.readouterr().err
    store = open_state(load_settings())
    try:
        requests = store.list_requests()
        assert [r.state for r in requests] == [RequestState.APPROVED, RequestState.PENDING]
        assert requests[0].grant is not None and requests[0].grant.used_at is None
    finally:
        store.close()


def test_an_unchanged_script_runs_once_on_the_approval(exec_home: Path) -> None:
    """EX-script-unchanged: the same flow without the change runs the approved script."""
    (exec_home / "scratch").mkdir()
    (exec_home / "deploy.sh").write_text("rm -rf ./scratch\n")
    argv = ["exec", "--poll", "0.05", "--env", "production", "--agent", "kiro", "--"]
    result: list[int] = []
    waiter = threading.Thread(target=lambda: result.append(main([*argv, "bash", "deploy.sh"])))
    waiter.start()
    try:
        _approve_first_request(before_approving=lambda: None)
    finally:
        waiter.join(timeout=60)
    assert result == [0]
    assert not (exec_home / "scratch").exists()


# -- the CLI as a client of the server: a refusal exits as one ---------------------------------


@pytest.mark.parametrize(
    ("status", "code", "argv", "exit_code"),
    [
        pytest.param(
            403, "forbidden", ["approve", "7", "--reason", "x"], 4, id="CL-agent-token-approves"
        ),
        pytest.param(
            403, "approval_refused", ["approve", "7", "--reason", "x"], 4, id="CL-operator-approves"
        ),
        pytest.param(403, "forbidden", ["exec", "--", "true"], 4, id="CL-reviewer-token-execs"),
        pytest.param(
            404, "not_found", ["reject", "7", "--reason", "x"], 2, id="CL-unknown-request"
        ),
        pytest.param(429, "rate_limited", ["requests"], 2, id="CL-rate-limited"),
        pytest.param(503, "store_failure", ["requests"], 1, id="CL-server-failing"),
    ],
)
def test_the_servers_refusals_exit_as_refusals(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    status: int,
    code: str,
    argv: list[str],
    exit_code: int,
) -> None:
    import httpx

    def answer(method: str, url: str, **_: object) -> httpx.Response:
        return httpx.Response(status, json={"error": {"code": code, "message": f"{code}: no"}})

    monkeypatch.setattr(httpx, "request", answer)
    monkeypatch.setenv("KEYTURN_SERVER", "http://127.0.0.1:9")
    monkeypatch.setenv("KEYTURN_TOKEN", "kt_test")
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    assert main(argv) == exit_code
    assert f"{code}: no" in capsys.readouterr().err


# -- webhook URLs are secrets -------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret_url",
    [
        pytest.param("{base}/ok", id="WH-secret-path"),
        pytest.param("{user}@{host}/ok", id="WH-secret-user-part"),
    ],
)
def test_a_webhook_url_reaches_no_log_line_and_no_delivery_record(
    secret_url: str,
    receiver: Receiver,  # noqa: F811  (the fixture)
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A delivery is logged by httpx at INFO (``keyturn serve``'s level) with its URL, and the
    admin's delivery list showed a URL with no path whole (its user part, its query): both
    now show the scheme and host only."""
    base = receiver.url
    host = base.removeprefix("http://")
    url = secret_url.format(base=base, user="http://hook:pw-s3cret", host=host)
    notifier = Notifier(urls=[url], backoff=0.01)

    async def deliver() -> None:
        notifier.start()
        notifier.publish("request.opened", _pending(), link=None)
        for _ in range(400):
            if notifier.deliveries[0].status != "pending":
                break
            await asyncio.sleep(0.01)
        await notifier.stop()

    caplog.set_level(logging.INFO)
    asyncio.run(deliver())
    assert notifier.deliveries[0].status == "delivered"
    shown = json.dumps([d.to_json() for d in notifier.deliveries])
    for secret in ("/ok", "pw-s3cret", "hook:"):
        assert secret not in caplog.text and secret not in shown
    assert "HTTP Request" in caplog.text  # the line is there, without the secret


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T0/B0/XYZ", "https://hooks.slack.com/…"),
        ("https://chat.example/?token=XYZ", "https://chat.example/…"),
        ("https://me:XYZ@chat.example", "https://chat.example/…"),
        ("https://chat.example:8443/", "https://chat.example:8443/"),
    ],
    ids=["WH-path", "WH-query", "WH-user-part", "WH-nothing-secret"],
)
def test_a_shown_webhook_url_keeps_only_scheme_and_host(url: str, shown: str) -> None:
    assert redact(url) == shown
