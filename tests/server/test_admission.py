"""``POST /k8s/admission`` with every AdmissionReview fixture: an AdmissionReview v1 answer with
the uid copied, judged through the same gate as everything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.server.conftest import Server


def reviews(root: Path) -> list[Path]:
    return sorted((root / "k8s").rglob("*.json"))


def test_every_fixture_gets_an_admission_answer(server: Server, fixtures: Path) -> None:
    files = reviews(fixtures)
    assert len(files) >= 20
    for path in files:
        review = json.loads(path.read_text())
        r = server.client.post(
            "/k8s/admission?context=prod-eu", content=path.read_bytes(), headers=server.h("cluster")
        )
        if not isinstance(review.get("request"), dict) or "uid" not in review["request"]:
            assert r.status_code in (400, 422), path.name
            continue
        if r.status_code in (400, 422):  # unreadable review: an error, which fails closed
            assert set(r.json()) == {"error"}, path.name
            continue
        assert r.status_code == 200, (path.name, r.text)
        body = r.json()
        assert body["kind"] == "AdmissionReview"
        resp = body["response"]
        assert resp["uid"] == review["request"]["uid"]
        if not resp["allowed"]:
            assert resp["status"]["code"] == 403 and resp["status"]["message"].startswith(
                "keyturn:"
            )


def _namespace_delete(name: str, uid: str = "705ab4f5-6393-11e8-b7cc-42010a800002") -> dict:  # type: ignore[type-arg]
    return {
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": {"group": "", "version": "v1", "kind": "Namespace"},
            "resource": {"group": "", "version": "v1", "resource": "namespaces"},
            "name": name,
            "operation": "DELETE",
            "userInfo": {"username": "kiro"},
            "oldObject": {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}},
        },
    }


def test_delete_of_the_protected_namespace_is_refused(server: Server) -> None:
    r = server.client.post(
        "/k8s/admission", json=_namespace_delete("payments"), headers=server.h("cluster")
    )
    resp = r.json()["response"]
    assert resp["allowed"] is False and resp["status"]["code"] == 403
    assert "protected" in resp["status"]["message"] or "denied" in resp["status"]["message"]
    assert resp["uid"] == "705ab4f5-6393-11e8-b7cc-42010a800002"
    # The warning names the pattern that held it, with its rule.
    assert any(
        w.startswith("keyturn: reaches the protected k8s:namespace/payments (protected[")
        for w in resp["warnings"]
    ), resp["warnings"]


def test_an_ask_is_refused_with_the_request_id(server: Server) -> None:
    r = server.client.post(
        "/k8s/admission?context=prod-eu",
        json=_namespace_delete("reports"),
        headers=server.h("cluster"),
    )
    resp = r.json()["response"]
    assert resp["allowed"] is False
    assert "request " in resp["status"]["message"]
    pending = server.get("/v1/requests", "alice").json()["requests"]
    assert any(str(p["id"]) in resp["status"]["message"] for p in pending)


@pytest.mark.parametrize("body", [b"not json", b"{}", b'{"request": {"uid": 5}}'])
def test_unreadable_reviews_fail_closed(server: Server, body: bytes) -> None:
    r = server.client.post("/k8s/admission", content=body, headers=server.h("cluster"))
    assert r.status_code == 400 and set(r.json()) == {"error"}


def test_the_webhook_needs_the_clusters_token(server: Server) -> None:
    review = _namespace_delete("reports")
    anonymous = server.client.post("/k8s/admission", json=review)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthorized"
    reviewer = server.client.post("/k8s/admission", json=review, headers=server.h("alice"))
    assert reviewer.status_code == 403
    agent = server.client.post("/k8s/admission", json=review, headers=server.h("kiro"))
    assert agent.status_code == 403
