"""Server and approval-flow gaps found by the second red-team pass (surface ``server``), each
case named by what an agent or an outsider sent and what keyturn must answer.

- A decision's ``environment`` given outright (``POST /v1/decisions {"environment"}``,
  ``keyturn check --env``, ``keyturn exec --env``) never judges an effect looser than its own
  hints place it (a kube context, an AWS profile or account, a resource name).
- What reviewers see of a Terraform plan (the diff, sensitive marks, dependents) is bound to
  what they approve: a submission with the same changes but another view is another request.
- ``/k8s/admission`` answers the cluster's token (role ``cluster``) only; an agent's is 403.
- The author of a Kubernetes change cannot approve it under another spelling of her name
  (``alice@acme.com`` for ``alice``).
- Malformed bodies are one-line 4xx errors, never 500.
- ``X-Forwarded-For`` counts for the failed-sign-in limiter only from a configured proxy.
- ``/login`` refuses a cross-site form post (login CSRF).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.server.conftest import Server

from keyturn.approval.model import Role
from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.gate import Gate
from keyturn.model import Actor, Target, Verdict, person_key
from keyturn.understand.shell import understand_shell

REPO = Path(__file__).resolve().parents[2]
DEMO_PLAN = REPO / "src/keyturn/server/demo/prod-recreate.plan.json"


def _decide(server: Server, body: dict[str, Any], who: str = "kiro") -> dict[str, Any]:
    r = server.post("/v1/decisions", who, body)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def _environments(answer: dict[str, Any]) -> set[str]:
    return {e["environment"] for e in answer["decision"]["effects"]}


# -- 3. an environment given outright never loosens what the hints tell ----------------------

PROD_KUBECTL = "kubectl --context prod-eu delete deployment api -n orders"


def test_given_dev_does_not_loosen_a_kubectl_delete_on_the_prod_context(server: Server) -> None:
    """Finding 3, first repro: ``{"environment": "dev"}`` with ``kubectl --context prod-eu
    delete`` was allowed (``agents.*.allow[1]``, judged in dev). kubectl lands where its
    ``--context`` says whatever else is claimed (kubectl docs: ``--context`` selects the
    kubeconfig context); the delete is judged in production too, and held for two reviews."""
    plain = _decide(server, {"kind": "shell", "payload": {"command": PROD_KUBECTL, "cwd": "/w"}})
    given = _decide(
        server,
        {"kind": "shell", "environment": "dev", "payload": {"command": PROD_KUBECTL, "cwd": "/w"}},
    )
    assert plain["verdict"] == "ask"
    assert given["verdict"] == "ask", given
    assert given["decision"]["approvals_required"] == 2
    assert "production" in _environments(given)


def test_given_dev_does_not_loosen_an_rds_delete_with_the_prod_profile(server: Server) -> None:
    """Finding 3, second repro: an AWS ``DeleteDBInstance`` under profile ``prod-admin`` in
    account 111111111111 (both production hints) with ``environment: dev`` was allowed."""
    payload = {
        "service": "rds",
        "operation": "DeleteDBInstance",
        "params": {"DBInstanceIdentifier": "orders-db"},
        "profile": "prod-admin",
        "account": "111111111111",
    }
    given = _decide(server, {"kind": "aws", "environment": "dev", "payload": payload})
    assert given["verdict"] == "ask", given
    assert "production" in _environments(given)


def test_a_canonical_action_naming_dev_beside_a_prod_context_is_judged_in_production(
    server: Server,
) -> None:
    """The same field inside an understood action (what client-mode hooks send): an effect
    whose target says ``environment: dev`` and ``kube_context: prod-eu`` is judged in
    production too."""
    action = {
        "kind": "k8s",
        "effects": [
            {
                "effect": "delete",
                "resource": {"names": ["k8s:orders/deployment/api"]},
                "target": {"environment": "dev", "kube_context": "prod-eu"},
                "service": "k8s",
            }
        ],
        "target": {"environment": "dev"},
    }
    answer = _decide(server, {"action": action})
    assert answer["verdict"] == "ask", answer


def test_given_dev_still_places_what_no_hint_places(server: Server) -> None:
    """What the hints do not place (a relative path, no context, no profile) stays where the
    caller says: ``--env dev`` keeps its use."""
    answer = _decide(
        server,
        {
            "kind": "shell",
            "environment": "dev",
            "payload": {"command": "rm -rf ./build", "cwd": "/srv/app"},
        },
    )
    assert answer["verdict"] == "allow", answer
    assert _environments(answer) == {"dev"}


def test_given_production_is_not_loosened_by_dev_hints(server: Server) -> None:
    """The stricter of the two stands either way: ``environment: production`` with a kind-*
    (dev) context stays held."""
    command = "kubectl --context kind-local delete deployment api -n orders"
    answer = _decide(
        server,
        {"kind": "shell", "environment": "production", "payload": {"command": command}},
    )
    assert answer["verdict"] == "ask", answer


def test_the_retry_of_a_given_environment_action_has_the_same_digest(server: Server) -> None:
    """The judgement under the hints is part of the action, deterministically: the same body
    sent again finds the same request (a grant would be used by the same retry)."""
    body = {"kind": "shell", "environment": "dev", "payload": {"command": PROD_KUBECTL}}
    first, second = _decide(server, body), _decide(server, body)
    assert first["request_id"] == second["request_id"] is not None
    assert first["decision"]["digest"] == second["decision"]["digest"]


def test_keyturn_check_env_dev_asks_as_the_server_does(
    tmp_path: Path,
    brief_policy_text: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``keyturn check --env dev shell 'kubectl --context prod-eu delete ...'`` printed ALLOW
    (finding 3); it answers what the gate answers: held (exit 3)."""
    from keyturn.cli import main

    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    code = main(["check", "--policy", str(policy), "--env", "dev", "shell", PROD_KUBECTL])
    out = capsys.readouterr().out
    assert code == 3, out
    assert "production" in out


def test_the_gate_holds_an_exec_env_dev_kubectl_on_the_prod_context(
    tmp_path: Path, brief_policy_text: str
) -> None:
    """``keyturn exec --env dev -- kubectl --context prod-eu delete ...`` ran the command
    (finding 3, exit 0). exec understands with ``Target(environment="dev")`` and submits to the
    gate: the gate holds it."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    gate: Gate = build_gate(settings, store=store)
    action = understand_shell(
        PROD_KUBECTL, cwd="/w", home="/root", env={}, target=Target(environment="dev")
    )
    outcome = gate.submit(action, actor=Actor(agent="kiro", operator="bob"))
    store.close()
    assert outcome.verdict is Verdict.ASK, outcome.message


# -- 4. what reviewers see is bound to what they approve ---------------------------------------


def _plans() -> tuple[str, str]:
    """The demo plan with one tag changed (a new action), and a decoy of it: the same changes,
    every value marked sensitive and the configuration's references gone."""
    plan = json.loads(DEMO_PLAN.read_text())
    plan["resource_changes"][0]["change"]["after"]["tags"] = {"Name": "decoy"}
    decoy = json.loads(json.dumps(plan))
    for rc in decoy["resource_changes"]:
        rc["change"]["before_sensitive"] = True
        rc["change"]["after_sensitive"] = True
    decoy["configuration"] = {"root_module": {"resources": []}}
    return json.dumps(plan), json.dumps(decoy)


def _terraform(document: str) -> dict[str, Any]:
    return {
        "kind": "terraform",
        "payload": {"document": document, "workspace": "prod"},
        "actor": {"operator": "bob"},
    }


def test_a_decoy_view_of_the_same_plan_does_not_become_the_real_plans_view(
    server: Server,
) -> None:
    """Finding 4: the decoy (every value ``(sensitive)``, no dependents) sent first, then the
    real plan: both landed on one request (same digest) showing the decoy's view. Now each
    submission's view is part of its digest: the real plan opens a request of its own, which
    shows its values and its dependents; the decoy's request shows the decoy's."""
    real, decoy = _plans()
    first = _decide(server, _terraform(decoy))
    second = _decide(server, _terraform(real))
    assert first["verdict"] == second["verdict"] == "ask"
    assert first["request_id"] != second["request_id"]
    assert first["decision"]["digest"] != second["decision"]["digest"]
    shown = server.get(f"/v1/requests/{second['request_id']}", "alice").json()["details"]
    rows = {row["address"]: row for row in shown["terraform"]}
    assert rows["aws_vpc.main"]["dependents"] == 4
    cidr = [c for c in rows["aws_vpc.main"]["changes"] if c["attribute"] == "cidr_block"]
    assert cidr and "(sensitive)" not in (cidr[0]["before"], cidr[0]["after"])
    decoy_rows = server.get(f"/v1/requests/{first['request_id']}", "alice").json()["details"]
    assert {r["dependents"] for r in decoy_rows["terraform"]} == {0}


def test_the_same_plan_sent_again_finds_its_request(server: Server) -> None:
    """Binding the view keeps retries working: the same plan twice is one request."""
    real, _ = _plans()
    first, second = _decide(server, _terraform(real)), _decide(server, _terraform(real))
    assert first["request_id"] == second["request_id"] is not None


def test_a_request_opened_without_a_view_is_not_given_one_later(server: Server) -> None:
    """A client-mode hook opens a request with ``{action}`` (no plan: the page says the diff
    was not kept). A raw plan with the same changes sent afterwards used to fill that
    request's empty view (details were kept per digest, first write wins); now it is another
    request, and the first stays without a view."""
    from keyturn.understand.terraform import understand_terraform

    _, decoy = _plans()
    action = understand_terraform(decoy, target=Target(terraform_workspace="prod"))
    opened = _decide(server, {"action": action.canonical(), "actor": {"operator": "bob"}})
    later = _decide(server, _terraform(decoy))
    assert opened["request_id"] != later["request_id"]
    shown = server.get(f"/v1/requests/{opened['request_id']}", "alice").json()
    assert shown["details"] is None


# -- 6. the admission webhook answers the cluster's token only ---------------------------------


def _review(user: str, name: str = "api3", uid: str = "u1") -> dict[str, Any]:
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
            "name": name,
            "namespace": "orders",
            "operation": "DELETE",
            "userInfo": {"username": user},
        },
    }


def _cluster_token(server: Server, name: str = "cluster-prod") -> str:
    r = server.post("/v1/tokens", "admin", {"name": name, "role": "cluster"})
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    return token


def _admit(server: Server, token: str, review: dict[str, Any]) -> httpx.Response:
    return server.client.post(
        "/k8s/admission?context=prod-eu",
        json=review,
        headers={"Authorization": f"Bearer {token}"},
    )


def test_an_agent_token_cannot_use_the_clusters_grant(server: Server) -> None:
    """Finding 6: kiro's own agent token, posting the cluster's review after alice and carol
    approved, was admitted ("admitted once by grant 1") and used up the cluster's grant. Now an
    agent token is refused 403 and the grant stays for the cluster's real retry."""
    cluster = _cluster_token(server)
    held = _admit(server, cluster, _review("deployer")).json()["response"]
    assert held["allowed"] is False
    request_id = int(held["status"]["message"].split("request ")[1].split(";")[0])
    for who in ("alice", "carol"):
        r = server.post(f"/v1/requests/{request_id}/approve", who, {"reason": "ok"})
        assert r.status_code == 200, r.text
    stolen = server.client.post(
        "/k8s/admission?context=prod-eu", json=_review("deployer"), headers=server.h("kiro")
    )
    assert stolen.status_code == 403, stolen.text
    assert stolen.json()["error"]["code"] == "forbidden"
    retry = _admit(server, cluster, _review("deployer")).json()["response"]
    assert retry["allowed"] is True, retry
    assert any("grant" in w for w in retry["warnings"])


def test_an_agent_token_cannot_open_requests_in_another_agents_name(server: Server) -> None:
    """Finding 6: kiro opened a request attributed to
    ``system:serviceaccount:agents:other-agent`` through the webhook. Refused now."""
    review = _review("system:serviceaccount:agents:other-agent")
    r = server.client.post("/k8s/admission?context=prod-eu", json=review, headers=server.h("kiro"))
    assert r.status_code == 403
    assert server.get("/v1/requests", "alice").json()["requests"] == []


def test_a_cluster_token_answers_admission_and_nothing_else(server: Server) -> None:
    """The cluster's token is for the webhook: it cannot ask decisions, read requests or the
    policy, vote, or sign in to the pages."""
    cluster = _cluster_token(server)
    bearer = {"Authorization": f"Bearer {cluster}"}
    assert _admit(server, cluster, _review("deployer")).status_code == 200
    body = {"kind": "shell", "payload": {"command": "ls"}}
    for method, path, payload in (
        ("post", "/v1/decisions", body),
        ("get", "/v1/requests", None),
        ("get", "/v1/requests/1", None),
        ("post", "/v1/requests/1/approve", {"reason": "x"}),
        ("post", "/v1/requests/1/cancel", {}),
        ("get", "/v1/policy", None),
        ("post", "/v1/grants/use", {"request_id": 1}),
    ):
        call = getattr(server.client, method)
        r = (
            call(path, headers=bearer, json=payload)
            if payload is not None
            else call(path, headers=bearer)
        )
        assert r.status_code == 403, (path, r.text)
    login = server.client.post("/login", data={"token": cluster}, follow_redirects=False)
    assert login.status_code == 403
    assert "keyturn_session" not in login.headers.get("set-cookie", "")


def test_a_reviewer_token_still_cannot_have_reviews_judged(server: Server) -> None:
    r = server.client.post("/k8s/admission", json=_review("deployer"), headers=server.h("alice"))
    assert r.status_code == 403


def test_the_cluster_role_never_votes() -> None:
    """Defence in depth in the state machine: a cluster token is refused a vote as an agent's
    is, even where its name is among the eligible."""
    from keyturn.approval.machine import approve, reject
    from keyturn.approval.model import ApprovalRequest, RequestDraft, RequestState

    draft = RequestDraft(
        digest="sha256:x",
        policy_digest="p",
        agent="deployer",
        operator="deployer",
        requester="cluster-prod",
        session=None,
        environment="production",
        summary="delete",
        approvals_required=1,
        reviewer_groups=("sre",),
        eligible=("cluster-prod", "alice"),
        decision={},
        ttl_seconds=60.0,
        grant_ttl_seconds=60.0,
    )
    req = ApprovalRequest(
        id=1, draft=draft, state=RequestState.PENDING, created_at=0.0, expires_at=100.0
    )
    voted = approve(req, reviewer="cluster-prod", role=Role.CLUSTER, reason="", now=1.0)
    assert voted.refusal is not None and voted.request.state is RequestState.PENDING
    assert reject(req, reviewer="cluster-prod", role=Role.CLUSTER, reason="", now=1.0).refusal


# -- 7. the author cannot approve her own change under another spelling ------------------------


@pytest.mark.parametrize(
    "username",
    ["alice@acme.com", "Alice@ACME.example", "oidc:alice", "https://idp.acme.com#alice"],
)
def test_the_author_of_a_kubectl_change_cannot_approve_it(server: Server, username: str) -> None:
    """Finding 7: a review from ``userInfo.username: alice@acme.com`` was held; alice approved
    it (200, her vote counted as one of the two). A Kubernetes user is compared by the person
    part of the name (the local part of an e-mail address, after an OIDC prefix or issuer),
    folded like every name: alice is the author, and 403."""
    cluster = _cluster_token(server)
    held = _admit(server, cluster, _review(username, name="api2")).json()["response"]
    request_id = int(held["status"]["message"].split("request ")[1].split(";")[0])
    r = server.post(f"/v1/requests/{request_id}/approve", "alice", {"reason": "mine, fine"})
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "approval_refused"
    shown = server.get(f"/v1/requests/{request_id}", "carol").json()
    assert shown["votes"] == []


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("alice@acme.com", "alice"),
        ("ALICE@acme.com", "alice"),
        ("oidc:alice@acme.com", "alice"),
        ("system:serviceaccount:agents:kiro", "kiro"),
        ("ACME\\alice", "alice"),
    ],
)
def test_person_key_maps_account_spellings_to_the_person(one: str, other: str) -> None:
    assert person_key(one) == person_key(other)


def test_person_key_still_tells_different_people_apart() -> None:
    assert person_key("alice@acme.com") != person_key("carol@acme.com")
    assert person_key("@") != person_key("")  # a name of no person part is itself


# -- 9. every malformed body is a one-line 4xx ------------------------------------------------

EFFECT = {"effect": "read", "resource": {"names": ["x"]}}
HOSTILE: list[Any] = ["prod", ["prod"], {"a": 1}, 5, True, None, 1.5, [], {}]

MALFORMED_DECISIONS: list[str] = [
    # Finding 9's list, as sent.
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]},'
    r'"target":"prod"}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]}}],'
    r'"target":{"aws_profile":["prod"]}}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]},'
    r'"command":{"a":1}}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]},'
    r'"service":["iam"]}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]}}],'
    r'"subject":{"a":NaN}}}',
    r'{"kind":"terraform","payload":{"document":"{\"format_version\":\"1.2\",'
    r"\"resource_changes\":[{\"address\":\"a.b\",\"change\":{\"actions\":[\"delete\"],"
    r'\"before\":{\"x\":1e999}}}]}"}}',
    r'{"kind":"shell","payload":{"command":"echo \ud800"}}',
    # Accepted before without complaint.
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":"abc"}}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]},'
    r'"target":{"environment":5}}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]},'
    r'"removes_protection":"false"}]}}',
    # More of the same families.
    r'{"kind":"shell","payload":{"command":"ls"},"x":Infinity}',
    r'{"kind":"shell","payload":{"command":"ls"},"x":-Infinity}',
    r'{"kind":"shell","payload":{"command":"ls"},"x":1e400}',
    r'{"kind":"terraform","payload":{"document":{"format_version":"1.2",'
    r'"resource_changes":[{"address":"a.b","change":{"actions":["delete"],"before":{"x":1e999}}}]}}}',
    "[" * 200_000 + "]" * 200_000,
    '{"a":' * 50_000 + "1" + "}" * 50_000,
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["\udfff"]}}]}}',
    r'{"action":{"kind":"nope","effects":[{"effect":"read","resource":{"names":["x"]}}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"nope","resource":{"names":["x"]}}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":[]}}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":"x"}]}}',
    r'{"action":{"kind":"shell","effects":["x"]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"],'
    r'"type":[1]}}]}}',
    r'{"action":{"kind":"shell","effects":[{"effect":"read","resource":{"names":["x"]}}],'
    r'"subject":{"a":{"b":[1e999]}}}}',
]


def _effect_with(field: str, value: Any) -> dict[str, Any]:
    effect = json.loads(json.dumps(EFFECT))
    if field.startswith("target."):
        effect["target"] = {field.removeprefix("target."): value}
    elif field.startswith("resource."):
        effect["resource"][field.removeprefix("resource.")] = value
    else:
        effect[field] = value
    return effect


FIELDS = [
    "target",
    "target.environment",
    "target.aws_profile",
    "target.kube_context",
    "service",
    "command",
    "tool",
    "operation",
    "protected_by",
    "catastrophic",
    "removes_protection",
    "resource.names",
    "resource.type",
    "effect",
    "resource",
]


def _assert_one_line_4xx(r: httpx.Response) -> None:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert "\n" not in body["error"]["message"]


@pytest.mark.parametrize("raw", MALFORMED_DECISIONS, ids=range(len(MALFORMED_DECISIONS)))
def test_a_malformed_decision_is_a_one_line_4xx(server: Server, raw: str) -> None:
    r = server.client.post("/v1/decisions", headers=server.h("kiro"), content=raw.encode())
    _assert_one_line_4xx(r)


@pytest.mark.parametrize("field", FIELDS)
def test_every_canonical_field_of_the_wrong_type_is_a_4xx(server: Server, field: str) -> None:
    """Every field of an understood effect, given each JSON type it is not: a 4xx, or (for
    the one type it is) a judged answer -- never a 500."""
    for value in HOSTILE:
        body = {"action": {"kind": "shell", "effects": [_effect_with(field, value)]}}
        r = server.post("/v1/decisions", "kiro", body)
        assert r.status_code != 500, (field, value, r.text)
        if r.status_code != 200:
            _assert_one_line_4xx(r)
    for value in HOSTILE:
        top = {"action": {"kind": "shell", "effects": [EFFECT], "target": value}}
        r = server.post("/v1/decisions", "kiro", top)
        assert r.status_code != 500, (value, r.text)


def test_what_is_accepted_is_what_was_meant(server: Server) -> None:
    """A string where the list of names belongs is not read as one-letter names, and
    ``removes_protection: "false"`` is not a truth: both refused."""
    for effect in (
        {"effect": "read", "resource": {"names": "abc"}},
        {"effect": "delete", "resource": {"names": ["x"]}, "removes_protection": "false"},
        {"effect": "read", "resource": {"names": ["x"]}, "target": {"environment": 5}},
    ):
        r = server.post("/v1/decisions", "kiro", {"action": {"kind": "shell", "effects": [effect]}})
        _assert_one_line_4xx(r)


@pytest.mark.parametrize(
    "raw",
    [
        '{"reason": NaN}',
        '{"reason": "\\ud800"}',
        '{"reason": ["x"]}',
        "[" * 200_000 + "]" * 200_000,
        '{"reason": 1e999}',
    ],
)
def test_a_malformed_vote_is_a_one_line_4xx(server: Server, raw: str) -> None:
    rid = server.ask_rm()["request_id"]
    r = server.client.post(
        f"/v1/requests/{rid}/approve", headers=server.h("alice"), content=raw.encode()
    )
    _assert_one_line_4xx(r)
    assert server.get(f"/v1/requests/{rid}", "alice").json()["votes"] == []


@pytest.mark.parametrize(
    "raw",
    [
        '{"name": "\\ud800", "role": "agent"}',
        '{"name": "a\\u0000b", "role": "agent"}',
        '{"name": "ok1", "role": "agent", "x": NaN}',
        '{"name": ["x"], "role": "agent"}',
        '{"name": "ok2", "role": ["agent"]}',
        '{"name": "ok3", "role": null}',
        "[" * 200_000 + "]" * 200_000,
    ],
)
def test_a_malformed_token_body_is_a_one_line_4xx(server: Server, raw: str) -> None:
    r = server.client.post("/v1/tokens", headers=server.h("admin"), content=raw.encode())
    _assert_one_line_4xx(r)


@pytest.mark.parametrize(
    "raw",
    ['{"request_id": NaN}', '{"request_id": 1e999}', '{"request_id": "\\ud800"}'],
)
def test_a_malformed_grant_use_is_a_one_line_4xx(server: Server, raw: str) -> None:
    r = server.client.post("/v1/grants/use", headers=server.h("kiro"), content=raw.encode())
    _assert_one_line_4xx(r)


# -- 10. X-Forwarded-For counts only from a configured proxy -----------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture()
def served(tmp_path: Path, brief_policy_text: str) -> Iterator[Any]:
    """``keyturn serve`` as a real process (uvicorn, proxy headers and all) on a free port;
    ``start(**env)`` launches it with extra environment, and returns (url, alice's token)."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    home = tmp_path / "home"
    settings = load_settings(home=str(home), policy=str(policy), environ={})
    store = open_store(settings)
    from tests.server.conftest import make_tokens

    tokens = make_tokens(store, {"alice": Role.REVIEWER})
    store.close()
    procs: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> tuple[str, str]:
        port = _free_port()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("KEYTURN_") and k != "FORWARDED_ALLOW_IPS"
        }
        env.update(extra)
        command = [sys.executable, "-m", "keyturn", "serve", "--home", str(home)]
        command += ["--policy", str(policy), "--port", str(port), "--log-level", "warning"]
        log = tmp_path / f"serve-{port}.log"
        with log.open("wb") as sink:
            proc = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/v1/health", timeout=1).status_code == 200:
                    return url, tokens["alice"]
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"keyturn serve did not start: {log.read_text()}")

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_local_guesser_cannot_spread_failures_over_forwarded_addresses(served: Any) -> None:
    """Finding 10: from 127.0.0.1, 22 wrong tokens each with another ``X-Forwarded-For`` were
    all 401, never 429 (uvicorn trusts the header from loopback by default). Without a
    configured proxy the failures count against the socket's address: 429 after 20."""
    url, _ = served()
    codes = [
        httpx.get(
            url + "/v1/requests",
            headers={"X-Forwarded-For": f"10.0.0.{i}", "Authorization": f"Bearer kt_wrong{i}"},
        ).status_code
        for i in range(22)
    ]
    assert codes[-1] == 429, codes


def test_a_forwarded_address_from_another_than_the_proxy_is_ignored(served: Any) -> None:
    """Finding 10: 21 failures sent with ``X-Forwarded-For: 192.168.1.50`` locked out alice,
    whose proxy forwards that address. With ``KEYTURN_TRUSTED_PROXIES`` naming the proxy
    (10.255.255.1 here), a request from anywhere else is counted under its own address,
    whatever it forwards: the failures are loopback's, and so is the lock."""
    url, alice = served(KEYTURN_TRUSTED_PROXIES="10.255.255.1")
    for i in range(21):
        httpx.get(
            url + "/v1/requests",
            headers={"X-Forwarded-For": "192.168.1.50", "Authorization": f"Bearer kt_wrong{i}"},
        )
    # 127.0.0.1 is not the configured proxy: its header is ignored, the failures are its own.
    locked = httpx.get(
        url + "/v1/requests",
        headers={"X-Forwarded-For": "192.168.1.51", "Authorization": f"Bearer {alice}"},
    )
    assert locked.status_code == 429


def test_a_configured_proxy_is_believed(served: Any) -> None:
    """With ``KEYTURN_TRUSTED_PROXIES=127.0.0.1`` (a TLS proxy on the same host), requests
    from it are counted under the address it forwards: one client's failures do not lock
    out another."""
    url, alice = served(KEYTURN_TRUSTED_PROXIES="127.0.0.1")
    for i in range(21):
        httpx.get(
            url + "/v1/requests",
            headers={"X-Forwarded-For": "192.168.1.50", "Authorization": f"Bearer kt_wrong{i}"},
        )
    other = httpx.get(
        url + "/v1/requests",
        headers={"X-Forwarded-For": "192.168.1.51", "Authorization": f"Bearer {alice}"},
    )
    assert other.status_code == 200, other.text


# -- 11. login CSRF ----------------------------------------------------------------------------


def test_a_cross_site_sign_in_is_refused(server: Server) -> None:
    """Finding 11: ``POST /login`` with ``Origin: https://evil.example`` and the attacker's
    token answered 303 with a session cookie: a page on another site could sign a reviewer in
    as someone else. Refused 403, no cookie."""
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://sub.testserver"},
        {"Referer": "https://evil.example/page"},
    ):
        r = server.client.post(
            "/login",
            data={"token": server.tokens["kiro"]},
            headers=headers,
            follow_redirects=False,
        )
        assert r.status_code == 403, (headers, r.status_code)
        assert "keyturn_session" not in r.headers.get("set-cookie", ""), headers
    assert "keyturn_session" not in server.client.cookies


def test_a_same_origin_sign_in_still_works(server: Server) -> None:
    """What a browser sends for keyturn's own form (``Sec-Fetch-Site: same-origin``, the
    page's own ``Origin``) and what a script without a browser sends (neither) sign in."""
    for headers in (
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Origin": "http://testserver"},
        {},
    ):
        r = server.client.post(
            "/login",
            data={"token": server.tokens["alice"]},
            headers=headers,
            follow_redirects=False,
        )
        assert r.status_code == 303, (headers, r.text)
        assert "keyturn_session" in r.headers.get("set-cookie", "")


@pytest.mark.browser
@pytest.mark.slow
def test_chromium_refuses_a_sign_in_posted_from_another_site(served: Any, tmp_path: Path) -> None:
    """Finding 11 in a real browser: a page on another site (``localhost`` against keyturn on
    ``127.0.0.1``: another site to the browser) holds a form posting kiro's token to
    ``/login``. Debian's Chromium sends ``Sec-Fetch-Site: cross-site``; keyturn answers 403
    and sets no session, so keyturn's own pages still ask to sign in."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright
    from tests.browser.test_review_pages import ARGS, CHROMIUM

    url, _ = served()
    settings = load_settings(home=str(tmp_path / "home"), environ={})
    store = open_store(settings)
    from tests.server.conftest import make_tokens

    kiro = make_tokens(store, {"kiro": Role.AGENT})["kiro"]
    store.close()
    form = (
        f'<form method="post" action="{url}/login"><input name="token" value="{kiro}">'
        '<button id="go" type="submit">win a prize</button></form>'
    ).encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(form)

        def log_message(self, *args: object) -> None:
            pass

    evil = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://localhost:{evil.server_address[1]}/")
            with page.expect_navigation() as posted:
                page.click("#go")
            response = posted.value
            assert response is not None and response.status == 403
            assert "posted from another site" in page.content()
            page.goto(url + "/")
            assert page.url.endswith("/login")
            browser.close()
    finally:
        evil.shutdown()
        evil.server_close()


def test_exec_env_dev_with_a_prod_profile_in_the_shell(
    tmp_path: Path, brief_policy_text: str
) -> None:
    """The operator's ``AWS_PROFILE=prod-admin`` in the shell: ``keyturn exec --env dev -- aws
    s3 rm s3://b/k`` runs the aws CLI under that profile (the effect carries it), so it is
    judged in production too; a local ``rm -rf ./build`` does not use the profile and stays in
    dev (the brokered-credentials flow of ``keyturn exec --env`` keeps working)."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    gate: Gate = build_gate(settings, store=store)
    actor = Actor(agent="kiro", operator="bob")
    env = {"AWS_PROFILE": "prod-admin"}

    def submit(command: str) -> Verdict:
        action = understand_shell(
            command, cwd="/w", home="/root", env=env, target=Target(environment="dev")
        )
        return gate.submit(action, actor=actor).verdict

    try:
        assert submit("aws s3 rm s3://orders-exports/2025.csv") is Verdict.ASK
        assert submit("rm -rf ./build") is Verdict.ALLOW
    finally:
        store.close()
