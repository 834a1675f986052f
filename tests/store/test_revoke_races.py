"""A revocation and a use of one grant, in two real processes released together: exactly one of
them wins, on SQLite and PostgreSQL, and the stored state and audit agree on which."""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

import pytest

from keyturn.approval import ConflictError, RequestState, Role, approve, revoke
from keyturn.errors import ApprovalError
from keyturn.store.interface import Store

from .helpers import NOW, draft, open_backend, opened

pytestmark = pytest.mark.slow
_ctx = mp.get_context("fork")


def _revoke_child(spec: dict[str, str], rid: int, barrier: Any, out: Any) -> None:
    store = open_backend(spec)
    barrier.wait(timeout=30)
    try:
        store.transition(
            rid,
            lambda r: revoke(r, by="alice", role=Role.REVIEWER, reason="incident", now=NOW + 1),
            now=NOW + 1,
        )
        out.put(("revoke", "won"))
    except ConflictError as exc:
        out.put(("revoke", f"lost: {exc}"))
    finally:
        store.close()


def _use_child(spec: dict[str, str], grant_id: int, digest: str, barrier: Any, out: Any) -> None:
    store = open_backend(spec)
    barrier.wait(timeout=30)
    try:
        store.consume_grant(
            digest=digest, agent="kiro", operator="bob", now=NOW + 1, actor={"agent": "kiro"},
            grant_id=grant_id,
        )  # fmt: skip
        out.put(("use", "won"))
    except ApprovalError as exc:
        out.put(("use", f"lost: {exc}"))
    finally:
        store.close()


def _approved(store: Store, digest: str) -> tuple[int, int]:
    req, _ = store.open_request(draft(digest), now=NOW, entry=opened())
    for who in ("alice", "carol"):
        req = store.transition(
            req.id,
            lambda r, w=who: approve(r, reviewer=w, role=Role.REVIEWER, reason="", now=NOW),
            now=NOW,
        )
    assert req.grant is not None
    return req.id, req.grant.id


def test_a_revocation_and_a_use_racing_have_one_winner(
    store: Store, backend: dict[str, str]
) -> None:
    for n in range(6):
        digest = f"sha256:{n:064x}"
        rid, gid = _approved(store, digest)
        barrier = _ctx.Barrier(2)
        out = _ctx.Queue()
        procs = [
            _ctx.Process(target=_revoke_child, args=(backend, rid, barrier, out)),
            _ctx.Process(target=_use_child, args=(backend, gid, digest, barrier, out)),
        ]
        for p in procs:
            p.start()
        results = dict(out.get(timeout=60) for _ in procs)
        for p in procs:
            p.join(timeout=60)
            assert p.exitcode == 0
        winners = [who for who, how in results.items() if how == "won"]
        assert len(winners) == 1, results
        final = store.get_request(rid)
        assert final.grant is not None
        kinds = [r.parsed()["kind"] for r in store.audit_records()]
        revoked_records = [
            r for r in store.audit_records() if '"kind":"request.revoked"' in r.canonical
        ]
        revoked_here = [r for r in revoked_records if r.parsed()["data"]["request"] == rid]
        if winners == ["revoke"]:
            assert final.state is RequestState.REVOKED and final.grant.used_at is None
            assert "was revoked" in results["use"] and len(revoked_here) == 1
        else:
            assert final.state is RequestState.APPROVED and final.grant.revoked_at is None
            assert "already used" in results["revoke"] and revoked_here == []
        assert kinds.count("grant.used") + len(revoked_records) == n + 1
