"""``POST /k8s/admission``: a Kubernetes validating admission webhook (AdmissionReview v1).

The API server authenticates to the webhook with a keyturn token of role ``cluster`` (or
``admin``), set through an AdmissionConfiguration ``kubeConfigFile`` (see docs/kubernetes.md):
without one the review is refused 401, which ``failurePolicy: Fail`` turns into a refused
object; an agent's or a reviewer's token is refused 403. Each review is understood by
``keyturn.understand.kubernetes.understand_admission`` and taken through the same gate as every
other action, the acting user (``userInfo.username``) as both agent and operator, the token's
holder (the cluster) as the requester and part of the action (its digest binds the token's
name: a grant admits the review of the cluster that asked, not the same review another
cluster's token sends). ``allow`` admits; ``deny`` refuses with code 403 and the
reason; ``ask`` refuses with the request id in the message (retrying the same request after
approval uses the grant, once). A review that cannot be read is answered 400, which the API
server treats as a webhook failure: with ``failurePolicy: Fail`` the object is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from starlette.requests import Request

from keyturn.approval.model import Role
from keyturn.model import Action, Actor, Judgement, Target, Verdict
from keyturn.server.api import MAX_BODY_BYTES, submit
from keyturn.server.api_input import parse_json
from keyturn.server.app import backend_of
from keyturn.server.errors import ApiError
from keyturn.server.responses import JSONResponse


def _uid_and_user(review: Any) -> tuple[str, str]:
    request = review.get("request") if isinstance(review, dict) else None
    if not isinstance(request, dict) or not isinstance(request.get("uid"), str):
        raise ApiError(400, "bad_input", "review.json: request.uid: expected a string")
    user = request.get("userInfo") or {}
    name = user.get("username") if isinstance(user, dict) else None
    return request["uid"], name if isinstance(name, str) and name else "system:unknown"


def _understand(raw: bytes, context: str | None) -> Action:
    from keyturn.understand.kubernetes import understand_admission

    return understand_admission(raw, source="review.json", target=Target(kube_context=context))


async def admission(request: Request) -> JSONResponse:
    """Answer one AdmissionReview."""
    backend = backend_of(request)
    # Only the cluster's own token may have reviews judged and recorded (and grants used):
    # an agent's would use up the grants the cluster waits for, and open requests in any
    # user's name.
    cluster = await backend.authenticate(request, cluster=True)
    cluster.require(Role.CLUSTER, Role.ADMIN)
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", "review larger than the limit")
    # Not valid JSON, nested thousands deep, NaN or a lone surrogate: refused, not a crash.
    review = parse_json(raw, what="review.json", code="bad_input")
    uid, user = _uid_and_user(review)
    action = await backend.offload(_understand, raw, request.query_params.get("context"))
    # The cluster that asked is part of the action: a grant its reviewers approved admits its
    # own review, not the same review another cluster's webhook sends with its token.
    action = replace(action, subject={**(action.subject or {}), "cluster_token": cluster.name})
    actor = Actor(agent=user, operator=user)
    outcome, opened = await backend.run(
        submit, backend, action, actor=actor, requester=cluster.name, body={}
    )
    if opened is not None:
        from keyturn.server.api import link_of

        backend.notifier.publish("request.opened", opened, link=link_of(request, opened.id))
    response: dict[str, Any] = {"uid": uid, "allowed": outcome.verdict is Verdict.ALLOW}
    if outcome.verdict is not Verdict.ALLOW:
        response["status"] = {
            "code": 403,
            "reason": "Forbidden",
            "message": f"keyturn: {outcome.message}",
        }
    protected = backend.gate.policy.protected
    warnings = [
        _protected_warning(j, protected) for j in outcome.decision.judgements if j.protected
    ]
    if outcome.verdict is Verdict.ALLOW and outcome.grant_id is not None:
        warnings.append(f"keyturn: admitted once by grant {outcome.grant_id}")
    if warnings:
        response["warnings"] = warnings
    api_version = review.get("apiVersion", "admission.k8s.io/v1")
    return JSONResponse(
        {"apiVersion": api_version, "kind": "AdmissionReview", "response": response}
    )


def _protected_warning(j: Judgement, protected: Sequence[str]) -> str:
    """The webhook's warning for a judgement on a protected resource: the pattern that held it
    when a ``protected[i]`` rule did (a claim's delete is held by its bound volume's pattern:
    the claim's own name would point the operator at the wrong object)."""
    rule = j.rule
    if rule.startswith("protected[") and rule.endswith("]") and rule[10:-1].isdigit():
        index = int(rule[10:-1])
        if index < len(protected):
            return f"keyturn: reaches the protected {protected[index]} ({rule})"
    return f"keyturn: {j.effect.resource.name} is protected"
