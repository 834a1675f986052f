"""Two real processes at the same moment: exactly one wins, on SQLite and PostgreSQL.

Each child opens its own connection, waits at a barrier, then acts; results come back through
a queue. The store's write lock (``BEGIN IMMEDIATE`` / the audit-head row lock) is what makes
one of them wait and then see the other's result.
"""

from __future__ import annotations

import multiprocessing as mp
from typing import Any

import pytest

from keyturn.approval import RequestState, Role, approve
from keyturn.audit.verify import verify_log
from keyturn.errors import ApprovalError
from keyturn.store.interface import Store

from .helpers import NOW, draft, note, open_backend, opened

pytestmark = pytest.mark.slow
_ctx = mp.get_context("fork")
DIGEST = "sha256:" + "a" * 64


def _approve_child(spec: dict[str, str], rid: int, who: str, barrier: Any, out: Any) -> None:
    store = open_backend(spec)
    barrier.wait(timeout=30)
    try:
        store.transition(
            rid,
            lambda r: approve(r, reviewer=who, role=Role.REVIEWER, reason="", now=NOW),
            now=NOW,
        )
        out.put(("ok", who))
    except ApprovalError as exc:
        out.put(("refused", str(exc)))
    finally:
        store.close()


def _consume_child(spec: dict[str, str], barrier: Any, out: Any) -> None:
    store = open_backend(spec)
    barrier.wait(timeout=30)
    grant = store.consume_grant(
        digest=DIGEST, agent="kiro", operator="bob", now=NOW + 1, actor={"agent": "kiro"}
    )
    out.put(("ok", grant.id) if grant is not None else ("none", None))
    store.close()


def _append_child(spec: dict[str, str], n: int, barrier: Any, out: Any) -> None:
    store = open_backend(spec)
    barrier.wait(timeout=30)
    for i in range(n):
        store.append_audit([note(i)])
    out.put(("ok", n))
    store.close()


def _race(target: Any, argsets: list[tuple[Any, ...]]) -> list[tuple[str, Any]]:
    barrier = _ctx.Barrier(len(argsets))
    out = _ctx.Queue()
    procs = [_ctx.Process(target=target, args=(*a, barrier, out)) for a in argsets]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    return results


def test_two_reviewers_racing_for_the_last_approval(store: Store, backend: dict[str, str]) -> None:
    req, _ = store.open_request(draft(approvals_required=1), now=NOW, entry=opened())
    results = _race(_approve_child, [(backend, req.id, "alice"), (backend, req.id, "carol")])
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    refusal = next(r[1] for r in results if r[0] == "refused")
    assert "is approved, not pending" in refusal
    final = store.get_request(req.id)
    assert final.state is RequestState.APPROVED and len(final.approvals) == 1
    assert final.grant is not None


def test_one_reviewer_twice_counts_once(store: Store, backend: dict[str, str]) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    results = _race(_approve_child, [(backend, req.id, "alice"), (backend, req.id, "alice")])
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    final = store.get_request(req.id)
    assert final.state is RequestState.PENDING and final.approvals == ("alice",)


def test_two_processes_using_one_grant(store: Store, backend: dict[str, str]) -> None:
    req, _ = store.open_request(draft(), now=NOW, entry=opened())
    for who in ("alice", "carol"):
        store.transition(
            req.id,
            lambda r, w=who: approve(r, reviewer=w, role=Role.REVIEWER, reason="", now=NOW),
            now=NOW,
        )
    results = _race(_consume_child, [(backend,), (backend,), (backend,)])
    assert sorted(r[0] for r in results) == ["none", "none", "ok"]
    used = [r for r in store.audit_records() if '"kind":"grant.used"' in r.canonical]
    assert len(used) == 1


def test_concurrent_writers_never_fork_the_chain(
    store: Store, backend: dict[str, str], signer
) -> None:
    results = _race(_append_child, [(backend, 40), (backend, 40)])
    assert [r[0] for r in results] == ["ok", "ok"]
    report = verify_log(
        store.audit_records(),
        store.checkpoints(),
        public_key=signer.public,
        head=store.audit_head(),
    )
    assert report.ok and report.records == 80
