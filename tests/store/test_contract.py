"""The storage contract, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest

from keyturn.approval import RequestState, Role, approve, cancel, reject
from keyturn.audit.record import AuditEntry, AuditKind
from keyturn.audit.verify import verify_log
from keyturn.errors import ApprovalError, InputError, NotFoundError
from keyturn.store.interface import Store
from keyturn.store.migrations import LATEST

from .helpers import NOW, draft, note, open_backend, opened


def _approve(store: Store, rid: int, who: str, *, now: float = NOW, role: Role = Role.REVIEWER):
    return store.transition(
        rid, lambda r: approve(r, reviewer=who, role=role, reason="ok", now=now), now=now
    )


def _approved(store: Store, digest: str = "sha256:" + "a" * 64) -> int:
    req, _ = store.open_request(draft(digest), now=NOW, entry=opened())
    _approve(store, req.id, "alice")
    _approve(store, req.id, "carol")
    return req.id


def _kinds(store: Store) -> list[str]:
    return [r.parsed()["kind"] for r in store.audit_records()]


def test_migrate_is_idempotent_and_versioned(store: Store, backend: dict[str, str]) -> None:
    assert store.schema_version() == LATEST
    assert store.migrate() == LATEST
    again = open_backend(backend)
    assert again.schema_version() == LATEST
    again.close()


def test_tokens_are_stored_by_hash_and_names_are_unique(store: Store) -> None:
    entry = AuditEntry(kind=AuditKind.TOKEN_CREATED, at=NOW, actor={"name": "root"}, data={})
    made = store.create_token(name="alice", role=Role.REVIEWER, token_hash="h-alice", entry=entry)
    found = store.find_token("h-alice")
    assert found is not None and found.name == "alice" and found.role is Role.REVIEWER
    assert found.id == made.id
    assert store.find_token("h-other") is None
    with pytest.raises(InputError, match="exists"):
        store.create_token(name="alice", role=Role.ADMIN, token_hash="h-2", entry=entry)
    store.revoke_token(name="alice", entry=entry)
    assert store.find_token("h-alice") is None
    with pytest.raises(NotFoundError):
        store.revoke_token(name="alice", entry=entry)
    assert _kinds(store) == ["token.created", "token.created"]


def test_asking_again_finds_the_open_request(store: Store) -> None:
    first, created = store.open_request(draft(), now=NOW, entry=opened())
    again, created_again = store.open_request(draft(), now=NOW + 5, entry=opened())
    other_agent, created_other = store.open_request(draft(agent="claude"), now=NOW, entry=opened())
    assert created and not created_again and created_other
    assert again.id == first.id
    assert other_agent.id != first.id
    assert first.state is RequestState.PENDING
    assert store.audit_records() is not None
    opened_records = [r.parsed() for r in store.audit_records()]
    assert [r["data"]["request"] for r in opened_records] == [first.id, other_agent.id]


def test_two_distinct_reviewers_approve_and_yield_one_grant(store: Store) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    after_one = _approve(store, req.id, "alice")
    assert after_one.state is RequestState.PENDING and after_one.approvals == ("alice",)
    assert after_one.grant is None
    done = _approve(store, req.id, "carol")
    assert done.state is RequestState.APPROVED
    assert done.approvals == ("alice", "carol")
    assert done.grant is not None and done.grant.expires_at == NOW + 900
    assert _kinds(store) == ["request.opened", "vote", "vote", "request.approved", "grant.issued"]


@pytest.mark.parametrize(
    ("who", "why"),
    [
        ("bob", "bob is the operator of this agent and cannot approve its requests"),
        ("kiro", "kiro is the agent of this request and cannot approve it"),
        ("dave", "dave is not in the reviewer group"),
    ],
)
def test_refused_approvals_say_why_and_are_audited(store: Store, who: str, why: str) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    with pytest.raises(ApprovalError, match=why):
        _approve(store, req.id, who)
    assert store.get_request(req.id).approvals == ()
    assert _kinds(store)[-1] == "vote.refused"


def test_the_requester_never_counts(store: Store) -> None:
    req, _ = store.open_request(draft(requester="carol"), now=NOW, entry=opened())
    with pytest.raises(ApprovalError, match="carol made this request"):
        _approve(store, req.id, "carol")


def test_the_same_reviewer_counts_once(store: Store) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    _approve(store, req.id, "alice")
    with pytest.raises(ApprovalError, match="already voted"):
        _approve(store, req.id, "alice")
    assert store.get_request(req.id).state is RequestState.PENDING


def test_one_rejection_rejects(store: Store) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    _approve(store, req.id, "alice")
    rejected = store.transition(
        req.id,
        lambda r: reject(r, reviewer="carol", role=Role.REVIEWER, reason="no", now=NOW),
        now=NOW,
    )
    assert rejected.state is RequestState.REJECTED and rejected.grant is None
    with pytest.raises(ApprovalError, match="is rejected, not pending"):
        _approve(store, req.id, "bob")


def test_cancel_by_requester_but_not_by_a_stranger(store: Store) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    with pytest.raises(ApprovalError, match="cannot cancel"):
        store.transition(
            req.id, lambda r: cancel(r, by="erin", role=Role.REVIEWER, reason="", now=NOW), now=NOW
        )
    done = store.transition(
        req.id, lambda r: cancel(r, by="kiro", role=Role.AGENT, reason="", now=NOW), now=NOW
    )
    assert done.state is RequestState.CANCELLED


def test_requests_expire_and_a_new_one_opens(store: Store) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    late = NOW + 3600
    with pytest.raises(ApprovalError, match="expired"):
        _approve(store, req.id, "alice", now=late)
    assert store.get_request(req.id).state is RequestState.EXPIRED
    fresh, created = store.open_request(draft(), now=late, entry=opened(late))
    assert created and fresh.id != req.id
    assert "request.expired" in _kinds(store)


def test_expire_due_sweeps_pending_requests(store: Store) -> None:
    store.open_request(draft("sha256:1"), now=NOW, entry=opened())
    store.open_request(draft("sha256:2", ttl_seconds=10_000), now=NOW, entry=opened())
    assert store.expire_due(now=NOW + 3601) == 1
    states = sorted(r.state.value for r in store.list_requests())
    assert states == ["expired", "pending"]
    assert len(store.list_requests(states=[RequestState.PENDING])) == 1


def test_a_grant_is_used_exactly_once(store: Store) -> None:
    rid = _approved(store)
    actor = {"agent": "kiro"}
    used = store.consume_grant(
        digest="sha256:" + "a" * 64, agent="kiro", operator="bob", now=NOW + 1, actor=actor
    )
    assert used is not None and used.request_id == rid and used.used_at == NOW + 1
    again = store.consume_grant(
        digest="sha256:" + "a" * 64, agent="kiro", operator="bob", now=NOW + 2, actor=actor
    )
    assert again is None
    with pytest.raises(ApprovalError, match="already used"):
        store.consume_grant(
            digest="sha256:" + "a" * 64,
            agent="kiro",
            operator="bob",
            now=NOW + 2,
            actor=actor,
            grant_id=used.id,
        )


def test_a_grant_for_another_digest_or_agent_fails(store: Store) -> None:
    _approved(store)
    grant = store.get_request(1).grant
    assert grant is not None
    assert (
        store.consume_grant(digest="sha256:other", agent="kiro", operator="bob", now=NOW, actor={})
        is None
    )
    assert (
        store.consume_grant(digest=grant.digest, agent="claude", operator="bob", now=NOW, actor={})
        is None
    )
    with pytest.raises(ApprovalError, match="for another action"):
        store.consume_grant(
            digest="sha256:other",
            agent="kiro",
            operator="bob",
            now=NOW,
            actor={},
            grant_id=grant.id,
        )
    assert _kinds(store)[-1] == "grant.refused"


def test_grants_expire(store: Store) -> None:
    _approved(store)
    assert (
        store.consume_grant(
            digest="sha256:" + "a" * 64, agent="kiro", operator="bob", now=NOW + 901, actor={}
        )
        is None
    )


def test_unknown_request_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no request 99"):
        store.get_request(99)
    with pytest.raises(NotFoundError):
        store.transition(
            99, lambda r: approve(r, reviewer="a", role=Role.REVIEWER, reason="", now=NOW), now=NOW
        )


def test_audit_chain_checkpoints_and_head(store: Store, signer) -> None:
    stored = [rec for i in range(12) for rec in store.append_audit([note(i)])]
    assert [r.seq for r in stored] == list(range(1, 13))
    assert store.audit_head() == (12, stored[-1].chain)
    assert [cp.seq for cp in store.checkpoints()] == [5, 10]
    on_demand = store.checkpoint(now=NOW)
    assert on_demand is not None and on_demand.seq == 12
    report = verify_log(
        store.audit_records(),
        store.checkpoints(),
        public_key=signer.public,
        head=store.audit_head(),
    )
    assert report.ok and report.records == 12 and report.checkpoints == 3
    assert [r.seq for r in store.audit_records(after=10)] == [11, 12]


def test_policy_changes_are_noted_once(store: Store) -> None:
    assert store.note_policy(digest="sha256:p1", source="k.yaml", now=NOW)
    assert not store.note_policy(digest="sha256:p1", source="k.yaml", now=NOW)
    assert store.note_policy(digest="sha256:p2", source="k.yaml", now=NOW)
    last = list(store.audit_records())[-1].parsed()
    assert last["kind"] == "policy.loaded" and last["data"]["previous"] == "sha256:p1"


def test_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    entry = AuditEntry(kind=AuditKind.TOKEN_CREATED, at=NOW, actor={}, data={})
    store.create_token(name="x", role=Role.AGENT, token_hash="h", entry=entry)
    with pytest.raises(InputError):
        store.create_token(name="x", role=Role.AGENT, token_hash="h2", entry=entry)
    assert store.audit_head()[0] == 1
    assert len(store.list_tokens()) == 1


def test_details_are_kept_once_per_digest(store: Store) -> None:
    digest = "sha256:" + "d" * 64
    assert store.details(digest) is None  # before the table exists
    store.keep_details(digest=digest, text='{"diff": 1}')
    store.keep_details(digest=digest, text='{"diff": 2}')  # the first write wins
    assert store.details(digest) == '{"diff": 1}'
    assert store.details("sha256:" + "e" * 64) is None
