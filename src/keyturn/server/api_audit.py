"""``/v1/audit`` and ``/v1/policy``: read, verify and trace the audit log; the policy in force
and its lint findings. Reviewers and admins only (the policy's digest: any token but a
cluster's)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from keyturn.approval.model import Role
from keyturn.errors import InputError
from keyturn.server.api_input import int_param
from keyturn.server.app import Backend, backend_of
from keyturn.server.responses import JSONResponse


def audit_page(backend: Backend, *, after: int, limit: int) -> dict[str, Any]:
    records = []
    for rec in backend.store.audit_records(after=after):
        try:
            parsed = rec.parsed()
        except ValueError:
            # Only a write behind keyturn's back stores this; show what is there (verify names
            # it) rather than fail the whole page.
            parsed = {"unreadable": rec.canonical[:4096]}
        records.append({"seq": rec.seq, "chain": rec.chain, "record": parsed})
        if len(records) >= limit:
            break
    seq, chain = backend.store.audit_head()
    return {"records": records, "head": {"seq": seq, "chain": chain}}


async def audit_list(request: Request) -> JSONResponse:
    backend = backend_of(request)
    (await backend.authenticate(request)).require(Role.REVIEWER, Role.ADMIN)
    after = int_param(request, "after", 0, low=0, high=2**62)
    limit = int_param(request, "limit", 100, low=1, high=1000)
    return JSONResponse(await backend.run(audit_page, backend, after=after, limit=limit))


def verify_report(backend: Backend) -> dict[str, Any]:
    from keyturn.audit.verify import verify_log
    from keyturn.bootstrap import load_public_key_file
    from keyturn.store.interface import state_evidence

    path = backend.settings.public_key_path
    key = load_public_key_file(path) if path.exists() else None
    # One snapshot (a record appended between separate reads would make a sound log look cut),
    # and signatures demanded up to the last multiple of checkpoint_every, as the CLI does.
    state = state_evidence(backend.store)  # before the snapshot: see StateEvidence
    snapshot = backend.store.audit_snapshot()
    report = verify_log(
        snapshot.records,
        snapshot.checkpoints,
        public_key=key,
        head=snapshot.head,
        checkpoint_every=backend.settings.checkpoint_every,
        head_required=True,
        state=state,
    )
    return {
        "ok": report.ok,
        "records": report.records,
        "checkpoints": report.checkpoints,
        "head_chain": report.head_chain,
        "signed_to": report.signed_to,
        "problem": report.problem,
        "summary": report.summary(),
    }


async def audit_verify(request: Request) -> JSONResponse:
    backend = backend_of(request)
    (await backend.authenticate(request)).require(Role.REVIEWER, Role.ADMIN)
    return JSONResponse(await backend.run(verify_report, backend))


async def audit_trace(request: Request) -> JSONResponse:
    from keyturn.audit.trace import readable_records, trace

    backend = backend_of(request)
    (await backend.authenticate(request)).require(Role.REVIEWER, Role.ADMIN)
    pattern = request.query_params.get("resource", "")
    if not pattern:
        raise InputError("resource: expected a resource name or pattern")
    records, unreadable = await backend.run(lambda: readable_records(backend.store.audit_records()))
    stories = trace(records, pattern=pattern)
    return JSONResponse({"stories": [s.to_json() for s in stories], "unreadable": unreadable})


async def policy_info(request: Request) -> JSONResponse:
    """``GET /v1/policy``: the digest of the policy in force for every token; for reviewers
    and admins also where the server reads it and who reviews.

    An agent needs the digest alone (to tell which policy judged it; its decisions carry the
    same digest). The file's path on the server and the reviewers' names would tell a hostile
    agent where to aim and whom to work on, and none of keyturn's clients or hooks reads
    them."""
    backend = backend_of(request)
    principal = await backend.authenticate(request)
    policy = backend.policy
    if principal.role not in (Role.REVIEWER, Role.ADMIN):
        return JSONResponse({"digest": policy.digest})
    return JSONResponse(
        {
            "digest": policy.digest,
            "source": str(backend.settings.policy_path),
            "reviewers": {k: list(v) for k, v in policy.reviewers.items()},
        }
    )


async def policy_lint(request: Request) -> JSONResponse:
    from keyturn.policy.lint import lint

    backend = backend_of(request)
    (await backend.authenticate(request)).require(Role.REVIEWER, Role.ADMIN)
    findings = await backend.offload(lint, backend.policy)
    return JSONResponse(
        {"digest": backend.policy.digest, "findings": [f.to_json() for f in findings]}
    )
