"""Attribution from audit records, and CloudTrail reconciliation on the real fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from keyturn.audit.reconcile import event_time, reconcile, used_grants
from keyturn.audit.trace import render, trace


def _rec(seq: int, at: str, kind: str, actor: dict[str, Any], data: dict[str, Any]) -> dict:
    return {
        "seq": seq,
        "at": at,
        "kind": kind,
        "actor": actor,
        "data": data,
        "schema": "keyturn.audit.record/1",
    }


DIGEST = "sha256:" + "d" * 64
RDS = "arn:aws:rds:*:*:db:production-mysql-db"


def _story(at_used: str = "2024-01-15T14:29:00.000000Z") -> list[dict]:
    who = {"agent": "kiro", "operator": "bob", "session": "s-9"}
    effects = [
        {
            "effect": "delete",
            "resource": [RDS],
            "environment": "production",
            "decision": "ask",
            "rule": "agents.*.ask[1]",
            "reason": "needs 2",
        }
    ]
    return [
        _rec(
            1,
            "2024-01-15T14:00:00.000000Z",
            "decision",
            who,
            {
                "digest": DIGEST,
                "summary": "aws rds delete-db-instance",
                "decision": "ask",
                "effects": effects,
            },
        ),
        _rec(
            2,
            "2024-01-15T14:00:00.000000Z",
            "request.opened",
            who,
            {"digest": DIGEST, "request": 7},
        ),
        _rec(
            3,
            "2024-01-15T14:05:00.000000Z",
            "vote.refused",
            {"name": "bob"},
            {"digest": DIGEST, "request": 7, "reason": "bob is the operator"},
        ),
        _rec(
            4,
            "2024-01-15T14:10:00.000000Z",
            "vote",
            {"name": "alice"},
            {"digest": DIGEST, "request": 7, "vote": "approve"},
        ),
        _rec(
            5,
            "2024-01-15T14:20:00.000000Z",
            "vote",
            {"name": "carol"},
            {"digest": DIGEST, "request": 7, "vote": "approve"},
        ),
        _rec(
            6,
            "2024-01-15T14:20:00.000000Z",
            "request.approved",
            {"name": "carol"},
            {"digest": DIGEST, "request": 7, "approvers": ["alice", "carol"]},
        ),
        _rec(
            7,
            at_used,
            "grant.used",
            who,
            {"digest": DIGEST, "request": 7, "grant": 3, "agent": "kiro", "operator": "bob"},
        ),
        _rec(8, at_used, "execution", who, {"digest": DIGEST, "exit_status": 0}),
    ]


def test_trace_answers_who_asked_who_approved_what_happened() -> None:
    stories = trace(_story(), pattern="*production-mysql*")
    assert len(stories) == 1
    s = stories[0]
    assert (s.agent, s.operator, sorted(s.sessions)) == ("kiro", "bob", ["s-9"])
    assert s.approvers == ["alice", "carol"] and s.requests == [7]
    assert s.refused == ["bob: bob is the operator"]
    assert s.rules == ["agents.*.ask[1]: needs 2"]
    assert "ran at 2024-01-15T14:29:00.000000Z: exit status 0" in s.outcomes
    text = render(stories)
    assert "agent kiro (session s-9) for operator bob" in text and "approvers: alice, carol" in text


def test_trace_filters_by_resource_and_time() -> None:
    assert trace(_story(), pattern="k8s:*") == []
    assert trace(_story(), pattern="production-mysql", since=2e9) == []


def _ct(fixtures: Path, name: str) -> dict:
    return json.loads((fixtures / "cloudtrail" / "derived" / name).read_text())


def test_destructive_event_with_a_matching_grant_is_gated(fixtures: Path) -> None:
    result = reconcile([_ct(fixtures, "ct-001.json")], used_grants(_story()))
    [finding] = result.findings
    assert finding.status == "gated" and finding.request == 7
    assert finding.approvers == ("alice", "carol") and finding.destructive


def test_event_outside_the_window_or_on_another_resource_is_ungated(fixtures: Path) -> None:
    late = used_grants(_story(at_used="2024-01-14T10:00:00.000000Z"))
    assert reconcile([_ct(fixtures, "ct-001.json")], late).findings[0].status == "UNGATED"
    other = reconcile([_ct(fixtures, "ct-002.json")], used_grants(_story()))
    assert other.findings[0].status == "UNGATED"


def test_a_session_tag_naming_another_request_does_not_match(fixtures: Path) -> None:
    event = _ct(fixtures, "ct-001.json")
    event["userIdentity"]["principalTags"] = {"request": "99"}
    assert reconcile([event], used_grants(_story())).findings[0].status == "UNGATED"


def test_failed_calls_are_attempts_and_reads_are_counted(fixtures: Path) -> None:
    failed = _ct(fixtures, "ct-003.json")
    read = dict(_ct(fixtures, "ct-001.json"), readOnly=True, eventName="DescribeDBInstances")
    result = reconcile([failed, read], [])
    assert [f.status for f in result.findings] == ["attempt"]
    assert "AccessDenied" in result.findings[0].note
    assert result.read_only == {"rds:DescribeDBInstances": 1}
    assert result.ungated == []


def test_every_fixture_reconciles(fixtures: Path) -> None:
    from keyturn.cli.audit import _cloudtrail_events

    paths = sorted((fixtures / "cloudtrail" / "derived").glob("*.json"))
    events = [e for p in paths for e in _cloudtrail_events(str(p))]
    assert len(events) >= len(paths)
    result = reconcile(events, [])
    assert len(result.findings) + sum(result.read_only.values()) == len(events)
    assert {f.status for f in result.findings} <= {"UNGATED", "attempt"}


def test_event_time_spellings() -> None:
    a = event_time("2024-11-27 18:18:58.000000000")
    assert a == event_time("2024-11-27T18:18:58Z")


def test_an_event_keyturn_cannot_name_is_not_taken_for_a_granted_one() -> None:
    """A grant covers an event when the grant's names, read as patterns, match the event's;
    an event named only by a wildcard (what the reader could not tell) is covered by no grant
    of another resource."""

    class Reader:
        @staticmethod
        def cloudtrail_effects(event: dict) -> list:  # type: ignore[type-arg]
            from keyturn.model import Effect, EffectKind, Resource, Target

            name = event["name"]
            return [Effect(EffectKind.UNKNOWN, Resource((name,), "rds"), Target(), "rds")]

        @staticmethod
        def cloudtrail_identity(event: dict) -> dict:  # type: ignore[type-arg]
            return {}

        @staticmethod
        def is_read_only(event: dict) -> bool:  # type: ignore[type-arg]
            return False

        @staticmethod
        def failed(event: dict) -> str | None:  # type: ignore[type-arg]
            return None

    from dataclasses import replace

    concrete = "arn:aws:rds:us-east-1:111111111111:db:production-mysql-db"
    grants = [replace(g, resources=(concrete,)) for g in used_grants(_story())]
    at = "2024-01-15T14:29:30Z"
    wild = {"name": "arn:aws:rds:us-east-1:111111111111:*", "eventTime": at, "eventName": "X"}
    exact = {
        "name": "arn:aws:rds:us-east-1:111111111111:db:production-mysql-db",
        "eventTime": at,
        "eventName": "X",
    }
    findings = reconcile([wild, exact], grants, reader=Reader).findings
    assert [f.status for f in findings] == ["UNGATED", "gated"]


def test_records_written_behind_keyturns_back_are_left_out_and_named() -> None:
    from keyturn.audit.record import StoredRecord
    from keyturn.audit.trace import readable_records

    good = _story()
    stored = [StoredRecord(seq=r["seq"], canonical=json.dumps(r), chain="00") for r in good]
    forged = [
        StoredRecord(seq=100, canonical="not json at all", chain="00"),
        StoredRecord(seq=101, canonical="[1, 2]", chain="00"),
        StoredRecord(seq=102, canonical=json.dumps({**good[0], "data": "x"}), chain="00"),
        StoredRecord(
            seq=103,
            canonical=json.dumps({**good[0], "data": {"effects": [{"resource": "arn"}]}}),
            chain="00",
        ),
        StoredRecord(seq=104, canonical=json.dumps({**good[0], "at": "yesterday"}), chain="00"),
        StoredRecord(
            seq=105,
            canonical=json.dumps({**good[-1], "kind": "grant.used", "data": {"request": "1"}}),
            chain="00",
        ),
    ]
    readable, unreadable = readable_records(stored[:2] + forged + stored[2:])
    assert unreadable == [100, 101, 102, 103, 104, 105]
    assert readable == good
    stories = trace(readable, pattern="production-mysql")
    assert stories and stories[0].approvers
    assert used_grants(readable)


def test_a_revoked_grant_is_what_happened() -> None:
    records = [
        *_story()[:6],
        _rec(
            7,
            "2024-01-15T14:25:00.000000Z",
            "request.revoked",
            {"name": "dave", "role": "admin"},
            {"digest": DIGEST, "request": 7, "grant": 3, "reason": "incident started"},
        ),
    ]
    story = trace(records, pattern="*production-mysql*")[0]
    assert story.outcomes == ["grant 3 of request 7 revoked by dave: incident started"]
    assert "happened:  grant 3 of request 7 revoked by dave" in render([story])
    assert not used_grants(records)
