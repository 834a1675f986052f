"""Revoking a grant, on SQLite and PostgreSQL alike: kept, audited, never usable afterwards;
a grant already used is never revoked, even by a step that read the request before the use."""

from __future__ import annotations

import pytest

from keyturn.approval import (
    ApprovalRequest,
    ConflictError,
    Grant,
    RequestState,
    Role,
    approve,
    revoke,
)
from keyturn.audit.signing import Signer
from keyturn.audit.verify import verify_log
from keyturn.errors import ApprovalError
from keyturn.store import sql_base
from keyturn.store.interface import Store
from keyturn.store.migrations import LATEST, MIGRATIONS
from keyturn.store.sql_requests import _REQUEST_COLUMNS, _draft_params

from .helpers import NOW, draft, open_backend, opened, raw_sql

DIGEST = "sha256:" + "a" * 64


def _approved(store: Store, digest: str = DIGEST) -> int:
    req, _ = store.open_request(draft(digest), now=NOW, entry=opened())
    for who in ("alice", "carol"):
        store.transition(
            req.id,
            lambda r, w=who: approve(r, reviewer=w, role=Role.REVIEWER, reason="ok", now=NOW),
            now=NOW,
        )
    return req.id


def _revoke(store: Store, rid: int, *, by: str = "alice", now: float = NOW + 5) -> ApprovalRequest:
    return store.transition(
        rid,
        lambda r: revoke(r, by=by, role=Role.REVIEWER, reason="wrong cluster", now=now),
        now=now,
    )


def _use(store: Store, *, grant_id: int | None = None, now: float = NOW + 10) -> Grant | None:
    return store.consume_grant(
        digest=DIGEST, agent="kiro", operator="bob", now=now, actor={"agent": "kiro"},
        grant_id=grant_id,
    )  # fmt: skip


def _records(store: Store) -> list[dict]:  # type: ignore[type-arg]
    return [r.parsed() for r in store.audit_records()]


def test_a_revoked_grant_is_kept_audited_and_never_usable(store: Store, signer: Signer) -> None:
    rid = _approved(store)
    revoked = _revoke(store, rid)
    assert revoked.state is RequestState.REVOKED and revoked.closed_by == "alice"
    assert revoked.close_reason == "wrong cluster" and revoked.approvals == ("alice", "carol")
    again = store.get_request(rid)
    assert again == revoked and again.grant is not None
    assert again.grant.revoked_at == NOW + 5 and again.grant.used_at is None
    assert [r.id for r in store.list_requests(states=[RequestState.REVOKED])] == [rid]
    # The agent's retry finds no usable grant; naming the grant is refused, and recorded.
    assert _use(store) is None
    with pytest.raises(ApprovalError, match=r"grant \d+ was revoked at"):
        _use(store, grant_id=again.grant.id)
    kinds = [r["kind"] for r in _records(store)]
    assert kinds[-2:] == ["request.revoked", "grant.refused"]
    record = _records(store)[-2]
    assert record["actor"] == {"name": "alice", "role": "reviewer"}
    assert record["data"]["reason"] == "wrong cluster"
    assert record["data"]["grant"] == again.grant.id and record["data"]["request"] == rid
    assert store.get_request(rid).grant.used_at is None  # type: ignore[union-attr]
    report = verify_log(
        store.audit_records(), store.checkpoints(), public_key=signer.public,
        head=store.audit_head(),
    )  # fmt: skip
    assert report.ok


def test_a_used_grant_cannot_be_revoked_and_nothing_is_written(store: Store) -> None:
    rid = _approved(store)
    assert _use(store) is not None
    head = store.audit_head()
    with pytest.raises(ConflictError, match=r"already used .*cannot be revoked"):
        _revoke(store, rid)
    assert store.audit_head() == head
    assert store.get_request(rid).state is RequestState.APPROVED


def test_a_step_that_read_the_request_before_the_use_loses(store: Store) -> None:
    """The conditional update alone (not only the write lock) keeps a revocation computed on
    a stale view of the request from marking a grant that was used since: the whole step is
    rolled back."""
    rid = _approved(store)
    stale = store.get_request(rid)
    assert _use(store) is not None
    head = store.audit_head()
    with pytest.raises(ConflictError, match="used or revoked meanwhile"):
        store.transition(
            rid,
            lambda _fresh: revoke(stale, by="alice", role=Role.REVIEWER, reason="x", now=NOW),
            now=NOW,
        )
    after = store.get_request(rid)
    assert after.state is RequestState.APPROVED and after.grant is not None
    assert after.grant.revoked_at is None and after.grant.used_at == NOW + 10
    assert store.audit_head() == head  # not even the revocation's record


def test_not_approved_or_not_allowed(store: Store) -> None:
    pending, _ = store.open_request(draft("sha256:" + "b" * 64), now=NOW, entry=opened())
    with pytest.raises(ConflictError, match="is pending, not approved"):
        _revoke(store, pending.id)
    rid = _approved(store)
    with pytest.raises(ApprovalError, match="dave may not revoke"):
        _revoke(store, rid, by="dave")
    assert store.get_request(rid).state is RequestState.APPROVED
    _revoke(store, rid)
    with pytest.raises(ConflictError, match="already revoked by alice"):
        _revoke(store, rid, by="carol")


def test_a_grant_issued_before_the_upgrade_can_be_revoked(
    backend: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database of schema 1 (no ``revoked_at``) holding an approved request and its unused
    grant, as the previous version wrote them, is migrated and the grant revoked."""
    assert LATEST == 2
    monkeypatch.setattr(sql_base, "MIGRATIONS", MIGRATIONS[:1])
    open_backend(backend).close()
    columns = _REQUEST_COLUMNS.removeprefix("id, ")
    params = _draft_params(draft(), now=NOW)
    raw_sql(
        backend,
        f"INSERT INTO requests ({columns}) VALUES ({', '.join('?' * len(params))})",
        params,
    )
    raw_sql(backend, "UPDATE requests SET state = 'approved', closed_at = ?", (NOW,))
    raw_sql(
        backend,
        "INSERT INTO grants (request_id, digest, agent, operator, created_at, expires_at) "
        "VALUES (1, ?, 'kiro', 'bob', ?, ?)",
        (DIGEST, NOW, NOW + 900),
    )
    monkeypatch.setattr(sql_base, "MIGRATIONS", MIGRATIONS)
    new = open_backend(backend)
    try:
        assert new.schema_version() == 2
        grant = new.get_request(1).grant
        assert grant is not None and grant.revoked_at is None
        assert _revoke(new, 1).state is RequestState.REVOKED
        assert _use(new) is None
    finally:
        new.close()
