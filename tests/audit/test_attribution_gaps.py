"""Attribution after the fact, on records a real gate wrote: `audit reconcile` gates a
CloudTrail call only when a grant explains it on what was approved (the kind of change, the
resource, the account, the time, that the action ran, and who called); `audit trace` tells one
story per agent and operator, request by request, and says when a grant ran nothing; `audit
verify` fails when a rehashed record contradicts the store's votes, requests and grants."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from tests.store.helpers import PG_URL

from keyturn.approval.machine import vote_step
from keyturn.approval.model import Role
from keyturn.audit.chain import GENESIS, extend
from keyturn.audit.reconcile import reconcile, used_grants
from keyturn.audit.trace import readable_records, render, trace
from keyturn.bootstrap import build_gate, load_settings
from keyturn.errors import ApprovalError
from keyturn.gate import Gate, Outcome
from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Resource, Target, Verdict

KIRO = Actor(agent="kiro", operator="bob", session="s1")
CLAUDE = Actor(agent="claude", operator="zed", session="s2")
DB = "orders-db"
ARN = f"arn:aws:rds:*:*:db:{DB}"


def _action(kind: EffectKind, name: str = DB) -> Action:
    """An AWS call on one RDS instance, judged in production (BRIEF policy: an update needs
    one review from sre, a delete two)."""
    where = Target(environment="production")
    effect = Effect(kind, Resource((f"arn:aws:rds:*:*:db:{name}",), "rds"), where, "rds")
    return Action(ActionKind.AWS, f"aws rds {kind.value} {name}", (effect,), where)


def _gate(tmp_path: Path, policy: str, *, database: str | None = None) -> Gate:
    (tmp_path / "keyturn.yaml").write_text(policy)
    settings = load_settings(
        home=str(tmp_path / "home"),
        policy=str(tmp_path / "keyturn.yaml"),
        database=database,
        environ={},
    )
    return build_gate(settings)


def _vote(gate: Gate, request: int, verb: str, by: str, *, role: Role = Role.REVIEWER) -> None:
    now = time.time()
    step = vote_step(verb, by=by, role=role, reason=f"{by} says {verb}", now=now)
    gate.store.transition(request, step, now=now)


def _approved(gate: Gate, action: Action, actor: Actor, *approvers: str) -> int:
    asked = gate.submit(action, actor=actor)
    assert asked.verdict is Verdict.ASK and asked.request_id is not None
    for who in approvers:
        _vote(gate, int(asked.request_id), "approve", who)
    return int(asked.request_id)


def _used(gate: Gate, action: Action, actor: Actor, *approvers: str) -> Outcome:
    _approved(gate, action, actor, *approvers)
    used = gate.submit(action, actor=actor)
    assert used.verdict is Verdict.ALLOW, used.message
    return used


def _records(gate: Gate) -> list[dict[str, Any]]:
    records, unreadable = readable_records(gate.store.audit_records())
    assert not unreadable
    return records


def _event(
    fixtures: Path, name: str, *, at: float, params: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The fixture's RDS call (DBARole/admin, account 123456789012) made as ``name`` on DB."""
    event: dict[str, Any] = json.loads((fixtures / "cloudtrail/derived/ct-001.json").read_text())
    event["eventName"] = name
    event["eventTime"] = datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event["requestParameters"] = {"dBInstanceIdentifier": DB, **(params or {})}
    return event


def _brokered(event: dict[str, Any], *, session: str, **tags: str) -> dict[str, Any]:
    """``event`` made with a role session keyturn exec brokers (its name and session tags)."""
    arn = f"arn:aws:sts::123456789012:assumed-role/KeyturnProd/{session}"
    event["userIdentity"] = {**event["userIdentity"], "arn": arn, "principalTags": tags}
    return event


# -- reconcile -----------------------------------------------------------------------------------


def test_a_delete_is_not_gated_by_an_approved_update(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), CLAUDE, "alice")
    grants = used_grants(_records(gate))
    soon = grants[0].used_at + 600
    modify = _event(fixtures, "ModifyDBInstance", at=soon, params={"backupRetentionPeriod": 7})
    delete = _event(fixtures, "DeleteDBInstance", at=soon, params={"skipFinalSnapshot": True})
    gated, ungated = reconcile([modify, delete], grants).findings
    assert (gated.status, gated.request, gated.approvers) == ("gated", 1, ("alice",))
    assert ungated.status == "UNGATED" and ungated.request is None
    assert "grant 1 of request 1: approved update of it, not the delete" in ungated.note


def test_reconcile_exits_1_for_a_delete_only_an_update_was_approved_for(
    tmp_path: Path,
    fixtures: Path,
    brief_policy_text: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from keyturn.cli import main

    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), CLAUDE, "alice")
    at = used_grants(_records(gate))[0].used_at + 600
    trail = tmp_path / "trail.json"
    trail.write_text(json.dumps({"Records": [_event(fixtures, "DeleteDBInstance", at=at)]}))
    argv = ["audit", "reconcile", "cloudtrail", str(trail), "--home", str(tmp_path / "home")]
    assert main(argv) == 1
    assert "1 UNGATED, 0 gated" in capsys.readouterr().out


def test_a_grant_used_up_without_running_gates_nothing(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    """Approved under a policy asking one review; used under one asking two: the gate spends
    the grant, records that nothing ran, and opens a new request."""
    gate = _gate(tmp_path, brief_policy_text)
    _approved(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    stricter = brief_policy_text.replace("approvals: 1", "approvals: 2")
    assert stricter != brief_policy_text
    regate = _gate(tmp_path, stricter)
    assert regate.submit(_action(EffectKind.UPDATE), actor=KIRO).verdict is Verdict.ASK
    grants = used_grants(_records(regate))
    [finding] = reconcile(
        [_event(fixtures, "ModifyDBInstance", at=grants[0].used_at + 60)], grants
    ).findings
    assert finding.status == "UNGATED"
    assert "grant 1 of request 1 ran nothing (used up without running" in finding.note


def test_a_command_exec_did_not_run_gates_nothing(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    used = _used(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    detail = "not run: changed since it was judged: ./migrate.sh"
    gate.record_execution(used, exit_status=None, detail=detail)
    grants = used_grants(_records(gate))
    event = _event(fixtures, "ModifyDBInstance", at=grants[0].used_at + 30)
    [finding] = reconcile([event], grants).findings
    assert finding.status == "UNGATED" and "ran nothing" in finding.note


def test_a_call_in_an_account_the_environment_does_not_name_is_ungated(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    grants = used_grants(_records(gate))
    event = _event(fixtures, "ModifyDBInstance", at=grants[0].used_at + 60)  # 123456789012
    production = {"production": ["111111111111"]}
    [other] = reconcile([event], grants, environment_accounts=production).findings
    assert other.status == "UNGATED"
    assert "approved it in production, whose accounts do not include 123456789012" in other.note
    ours = {"production": ["1234567890*"]}
    assert reconcile([event], grants, environment_accounts=ours).findings[0].status == "gated"


def test_reconcile_compares_accounts_with_the_policys_environments(
    tmp_path: Path,
    fixtures: Path,
    brief_policy_text: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``keyturn audit reconcile`` reads the policy's accounts: the BRIEF's production is
    111111111111, so the fixture's call in 123456789012 is not the one approved there."""
    from keyturn.cli import main

    monkeypatch.delenv("KEYTURN_POLICY", raising=False)
    monkeypatch.chdir(tmp_path / "..")  # no ./keyturn.yaml where the default is looked for
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    at = used_grants(_records(gate))[0].used_at + 60
    trail = tmp_path / "trail.json"
    trail.write_text(json.dumps({"Records": [_event(fixtures, "ModifyDBInstance", at=at)]}))
    argv = ["audit", "reconcile", "cloudtrail", str(trail), "--home", str(tmp_path / "home")]
    assert main([*argv, "--policy", str(tmp_path / "keyturn.yaml")]) == 1
    out = capsys.readouterr().out
    assert "1 UNGATED, 0 gated" in out and "123456789012" in out
    # No policy where the default one would be: accounts are not compared, and it says so.
    assert main([*argv, "--policy", str(tmp_path / "absent.yaml")]) == 2
    capsys.readouterr()
    assert main(argv) == 0
    assert "accounts of calls are not compared" in capsys.readouterr().err


def test_keyturn_session_marks_on_a_call_must_be_the_grants(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    grants = used_grants(_records(gate))
    at = grants[0].used_at + 60

    def status(session: str, **tags: str) -> str:
        event = _brokered(_event(fixtures, "ModifyDBInstance", at=at), session=session, **tags)
        return reconcile([event], grants).findings[0].status

    assert status("keyturn-kiro-1", request="1", agent="kiro", operator="bob") == "gated"
    assert status("keyturn-kiro-2", request="2", agent="kiro", operator="bob") == "UNGATED"
    assert status("keyturn-kiro-1", request="1", agent="claude", operator="bob") == "UNGATED"
    assert status("keyturn-claude-1") == "UNGATED"
    assert status("role-chained", request="1", agent="kiro", operator="bob") == "gated"


def test_an_action_exec_ran_made_its_calls_as_its_brokered_session_and_before_its_end(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    used = _used(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    gate.record_execution(used, exit_status=0)
    grants = used_grants(_records(gate))
    assert grants[0].exec_ran
    at = grants[0].used_at + 30
    marks = {"session": "keyturn-kiro-1", "request": "1", "agent": "kiro", "operator": "bob"}
    ours = _brokered(_event(fixtures, "ModifyDBInstance", at=at), **marks)
    theirs = _event(fixtures, "ModifyDBInstance", at=at)  # DBARole/admin
    late = _brokered(_event(fixtures, "ModifyDBInstance", at=at + 1800), **marks)
    findings = reconcile([ours, theirs, late], grants).findings
    assert [f.status for f in findings] == ["gated", "UNGATED", "UNGATED"]
    assert "(ran: exit status 0)" in findings[0].note
    assert "is not the role session keyturn exec brokers for request 1" in findings[1].note


def test_a_grant_whose_action_ran_is_preferred_to_one_with_no_outcome(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    _used(gate, _action(EffectKind.UPDATE), CLAUDE, "alice")
    gate.record_outcome(_action(EffectKind.UPDATE), actor=CLAUDE, status="completed", exit_status=0)
    grants = used_grants(_records(gate))
    assert [g.run.value for g in grants] == ["no outcome recorded", "ran"]
    # Closer in time to kiro's use (the first), yet claude's action is the one that ran.
    event = _event(fixtures, "ModifyDBInstance", at=grants[0].used_at)
    [finding] = reconcile([event], grants).findings
    assert (finding.status, finding.grant, finding.request) == ("gated", 2, 2)


def test_one_delete_grant_explains_one_delete_of_its_resource(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.DELETE), KIRO, "alice", "carol")
    grants = used_grants(_records(gate))
    at = grants[0].used_at + 60
    twice = [_event(fixtures, "DeleteDBInstance", at=at + i) for i in range(2)]
    findings = reconcile(twice, grants).findings
    assert [f.status for f in findings] == ["gated", "UNGATED"]
    assert "its delete already explains an earlier call" in findings[1].note


def test_switching_protection_off_is_gated_only_by_a_grant_to_destroy(
    tmp_path: Path, fixtures: Path, brief_policy_text: str
) -> None:
    """The decision records do not say whether an approved update switched a protection off."""
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), CLAUDE, "alice")
    grants = used_grants(_records(gate))
    unprotect = {"deletionProtection": False}
    event = _event(fixtures, "ModifyDBInstance", at=grants[0].used_at + 60, params=unprotect)
    [finding] = reconcile([event], grants).findings
    assert finding.status == "UNGATED"
    assert "do not show it approved switching off arn:aws:rds:" in finding.note
    _used(gate, _action(EffectKind.DELETE), KIRO, "alice", "carol")
    assert reconcile([event], used_grants(_records(gate))).findings[0].status == "gated"


def test_session_spellings_are_the_brokers() -> None:
    from keyturn.audit.principals import identity_text, tag_text
    from keyturn.integrations.credentials import _tag_value, sanitized_identity

    for value in ("keyturn-kiro-7", "a", "x:y/z w", "ünï", "k" * 90, "aws:thing", "-"):
        assert identity_text(value) == sanitized_identity(value)
        assert tag_text(value) == _tag_value(value)


# -- trace ---------------------------------------------------------------------------------------


def test_two_agents_sending_one_command_are_two_stories(
    tmp_path: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    delete = _action(EffectKind.DELETE)
    _used(gate, delete, CLAUDE, "alice", "bob")
    asked = gate.submit(delete, actor=KIRO)
    assert asked.request_id == "2"
    _vote(gate, 2, "reject", "carol")
    gate.record_outcome(delete, actor=KIRO, status="completed", exit_status=0)
    claude, kiro = trace(_records(gate), pattern=DB)
    assert (claude.agent, claude.operator, claude.sessions) == ("claude", "zed", {"s2"})
    assert (claude.requests, claude.approvers) == ([1], ["alice", "bob"])
    assert claude.outcomes == [
        "grant 1 of request 1 used by agent claude for operator zed (session s2)"
    ]
    assert (kiro.agent, kiro.operator, kiro.requests, kiro.approvers) == ("kiro", "bob", [2], [])
    request = kiro.by_request[2]
    assert (request.requester, request.state, request.closed_by) == ("bob", "rejected", "carol")
    assert kiro.outcomes[0] == "request 2 rejected by carol: carol says reject"
    assert kiro.outcomes[1].startswith("ran at ") and kiro.happened[1].by.startswith("agent kiro")
    text = render([claude, kiro])
    assert "request 1: asked by zed (session s2); approvers: alice, bob; approved by bob" in text
    assert "request 2: asked by bob (session s1); approvers: -; rejected by carol" in text
    assert ", by agent kiro for operator bob (session s1); no allow or grant for them" in text


def test_a_grant_that_ran_nothing_is_not_told_as_run(
    tmp_path: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    used = _used(gate, _action(EffectKind.UPDATE), KIRO, "alice")
    gate.record_execution(used, exit_status=None, detail="not run: changed since it was judged: x")
    _approved(gate, _action(EffectKind.UPDATE, "billing-db"), KIRO, "alice")
    regate = _gate(tmp_path, brief_policy_text.replace("approvals: 1", "approvals: 2"))
    regate.submit(_action(EffectKind.UPDATE, "billing-db"), actor=KIRO)
    [orders] = trace(_records(regate), pattern=DB)
    assert orders.outcomes[1].startswith("not run at ")
    assert orders.outcomes[1].endswith(": changed since it was judged: x")
    [billing] = trace(_records(regate), pattern="billing-db")
    assert billing.outcomes[1].startswith(
        "grant 2 of request 2 used up by agent kiro for operator bob (session s1) without "
        "running: request 2 was approved by alice under another policy"
    )
    assert not any(o.startswith("ran ") for o in orders.outcomes + billing.outcomes)


# -- verify --------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Where a gate keeps its state, and how to write behind its back."""
    if request.param == "sqlite":
        yield {"kind": "sqlite", "path": str(tmp_path / "home" / "keyturn.db")}
        return
    schema = "kt_" + uuid.uuid4().hex[:12]
    yield {"kind": "postgres", "schema": schema, "database": f"{PG_URL}?schema={schema}"}
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def _rehash(gate: Gate, spec: dict[str, str], edit: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite records with ``edit`` and recompute the chain and the head, as someone with
    write access to the database can for the unsigned tail."""
    rows: list[tuple[str, str, int]] = []
    chain = GENESIS
    for rec in gate.store.audit_records():
        value = json.loads(rec.canonical)
        edit(value)
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        _, chain = extend(chain, text.encode())
        rows.append((text, chain.hex(), rec.seq))
    statements: list[tuple[str, tuple[Any, ...]]] = [
        ("UPDATE audit_log SET record = ?, chain = ? WHERE seq = ?", row) for row in rows
    ]
    statements.append(("UPDATE audit_head SET chain = ? WHERE id = 1", (chain.hex(),)))
    if spec["kind"] == "sqlite":
        with sqlite3.connect(spec["path"]) as conn:
            conn.executemany(statements[0][0], rows)
            conn.execute(*statements[-1])
        return
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"SET search_path TO {spec['schema']}")
        for sql, params in statements:
            conn.execute(sql.replace("?", "%s"), params)


def _verified(gate: Gate) -> tuple[bool, str, int | None]:
    from keyturn.audit.verify import verify_log
    from keyturn.store.interface import state_evidence

    state = state_evidence(gate.store)  # as `keyturn audit verify` reads it: before the snapshot
    snapshot = gate.store.audit_snapshot()
    report = verify_log(
        snapshot.records,
        snapshot.checkpoints,
        public_key=None,
        head=snapshot.head,
        head_required=True,
        state=state,
    )
    return report.ok, report.problem, report.bad_seq


def _renamed(kinds: set[str], old: str, new: str) -> Callable[[dict[str, Any]], None]:
    def edit(record: dict[str, Any]) -> None:
        if record["kind"] in kinds:
            text = json.dumps(record).replace(f'"{old}"', f'"{new}"')
            record.update(json.loads(text))

    return edit


def test_a_rehashed_approver_that_the_votes_table_contradicts_fails_verification(
    tmp_path: Path, brief_policy_text: str, state: dict[str, str]
) -> None:
    gate = _gate(tmp_path, brief_policy_text, database=state.get("database"))
    _used(gate, _action(EffectKind.DELETE), CLAUDE, "alice", "bob")
    assert _verified(gate)[0]
    _rehash(gate, state, _renamed({"vote", "request.approved"}, "bob", "carol"))
    ok, problem, seq = _verified(gate)
    assert not ok and seq is not None
    assert problem.startswith(f"record {seq}: the votes table holds bob's approve on request 1")
    assert "\n" not in problem


def _approvers_renamed(record: dict[str, Any]) -> None:
    if record["kind"] == "request.approved":
        record["data"]["approvers"] = ["alice", "carol"]


def _second_request_asked_by_kiro(record: dict[str, Any]) -> None:
    if record["kind"] == "request.opened" and record["data"]["request"] == 2:
        record["actor"]["agent"] = "kiro"


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (_approvers_renamed, "request 1 was approved by alice, bob (the votes table)"),
        (_renamed({"request.approved"}, "bob", "carol"), "request 1 was approved by bob"),
        (_renamed({"request.rejected"}, "carol", "dave"), "request 2 was rejected by carol"),
        (_renamed({"grant.issued"}, "claude", "kiro"), "grant 1 of request 1 is for agent claude"),
        (_second_request_asked_by_kiro, "request 2 was asked by agent claude"),
    ],
)
def test_a_rehashed_rejection_approval_asker_or_grant_holder_fails_verification(
    tmp_path: Path, brief_policy_text: str, edit: Callable[[dict[str, Any]], None], says: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.DELETE), CLAUDE, "alice", "bob")
    gate.submit(_action(EffectKind.DELETE, "billing-db"), actor=CLAUDE)
    _vote(gate, 2, "reject", "carol")
    assert _verified(gate)[0]
    _rehash(gate, {"kind": "sqlite", "path": str(tmp_path / "home" / "keyturn.db")}, edit)
    ok, problem, _ = _verified(gate)
    assert not ok and says in problem, problem


def test_a_vote_forged_onto_a_closed_request_fails_verification(
    tmp_path: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    _used(gate, _action(EffectKind.UPDATE), CLAUDE, "alice")
    spec = {"kind": "sqlite", "path": str(tmp_path / "home" / "keyturn.db")}

    def edit(record: dict[str, Any]) -> None:  # the decision before the use: another approval
        if record["kind"] == "decision" and record["seq"] > 2:
            record.update(kind="vote", actor={"name": "carol", "role": "reviewer"})
            record["data"] = {"request": 1, "vote": "approve", "reason": "ok"}

    _rehash(gate, spec, edit)
    ok, problem, _ = _verified(gate)
    assert not ok and "a vote on closed request 1 that the votes table does not hold" in problem


def test_a_log_with_every_ending_verifies_against_the_state_tables(
    tmp_path: Path, brief_policy_text: str
) -> None:
    gate = _gate(tmp_path, brief_policy_text)
    used = _used(gate, _action(EffectKind.DELETE), KIRO, "alice", "carol")  # 1: approved, used
    gate.record_execution(used, exit_status=0)
    gate.submit(_action(EffectKind.DELETE, "b-db"), actor=KIRO)  # 2: rejected
    _vote(gate, 2, "approve", "alice")
    _vote(gate, 2, "reject", "carol")
    gate.submit(_action(EffectKind.DELETE, "c-db"), actor=KIRO)  # 3: cancelled
    _vote(gate, 3, "cancel", "bob")
    _approved(gate, _action(EffectKind.UPDATE, "d-db"), KIRO, "alice")  # 4: revoked
    _vote(gate, 4, "revoke", "dave", role=Role.ADMIN)
    gate.submit(_action(EffectKind.UPDATE, "e-db"), actor=KIRO)  # 5: a refused vote, approved
    with pytest.raises(ApprovalError):
        _vote(gate, 5, "approve", "bob")  # the operator
    _vote(gate, 5, "approve", "alice")
    gate.submit(_action(EffectKind.UPDATE, "f-db"), actor=KIRO)  # 6: expires
    gate.store.expire_due(now=time.time() + 10**7)
    states = [r.state.value for r in gate.store.list_requests()]
    assert states == ["approved", "rejected", "cancelled", "revoked", "approved", "expired"]
    assert _verified(gate) == (True, "", None)
