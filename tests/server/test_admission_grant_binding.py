"""A grant opened by one cluster's webhook admits that cluster's review only.

Several clusters may share one keyturn server, each calling the webhook with its own
``cluster`` token. A review is judged with the acting user as agent and operator; a grant was
bound to the review's digest and that user only, so a second cluster sending the same review
(the same user name -- ``kubernetes-admin``, ``system:serviceaccount:ci:deployer`` -- and the
same object) used the grant the first cluster's reviewers approved. The digest now binds the
token that asked, as the webhook's documentation in docs/kubernetes.md says.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.server.conftest import PEOPLE, Server, make_tokens
from tests.server.test_admission import _namespace_delete

from keyturn.approval.model import Role
from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.server import create_app


@pytest.fixture()
def clusters(tmp_path: Path, brief_policy_text: str) -> Iterator[Server]:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    tokens = make_tokens(store, {**PEOPLE, "cluster-b": Role.CLUSTER})
    gate = build_gate(settings, store=store)
    app = create_app(settings, gate=gate, secret=b"s" * 32, poll_seconds=0.05)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(client=client, tokens=tokens)
    store.close()


def _review(server: Server, who: str) -> dict:  # type: ignore[type-arg]
    r = server.client.post(
        "/k8s/admission?context=prod-eu",
        json=_namespace_delete("reports", uid=f"uid-{time.monotonic_ns()}"),
        headers=server.h(who),
    )
    assert r.status_code == 200, r.text
    response: dict = r.json()["response"]  # type: ignore[type-arg]
    return response


def test_another_clusters_identical_review_does_not_use_the_grant(clusters: Server) -> None:
    held = _review(clusters, "cluster")
    assert held["allowed"] is False
    request_id = re.search(r"request (\d+)", held["status"]["message"]).group(1)  # type: ignore[union-attr]
    for reviewer in ("alice", "carol"):
        r = clusters.post(f"/v1/requests/{request_id}/approve", reviewer, {"reason": "ok"})
        assert r.status_code == 200, r.text
    state = clusters.get(f"/v1/requests/{request_id}", "admin").json()
    assert state["state"] == "approved", state

    other = _review(clusters, "cluster-b")
    assert other["allowed"] is False
    assert f"request {request_id}" not in other["status"]["message"]

    mine = _review(clusters, "cluster")
    assert mine["allowed"] is True
    assert any("admitted once by grant" in w for w in mine.get("warnings", []))
