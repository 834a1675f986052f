"""A property-based run against ``/openapi.json`` (schemathesis, bounded): no 500s, and every
response matches the documented schema, as an admin (who may call everything)."""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from tests.conftest import BRIEF_POLICY
from tests.server.conftest import make_tokens

from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.server import create_app


def _app(root: Path):  # type: ignore[no-untyped-def]
    policy = root / "keyturn.yaml"
    policy.write_text(BRIEF_POLICY)
    cfg = load_settings(home=str(root / "home"), policy=str(policy), environ={})
    store = open_store(cfg)
    tokens = make_tokens(store)
    return create_app(
        cfg, gate=build_gate(cfg, store=store), secret=b"s" * 32, poll_seconds=0.05
    ), tokens


import tempfile  # noqa: E402

_ROOT = Path(tempfile.mkdtemp(prefix="keyturn-schemathesis-"))
APP, TOKENS = _app(_ROOT)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


def test_the_document_is_openapi_3_1() -> None:
    from starlette.testclient import TestClient

    doc = TestClient(APP).get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    assert "/v1/decisions" in doc["paths"] and "/k8s/admission" in doc["paths"]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_against_its_schema(case) -> None:  # type: ignore[no-untyped-def]
    if case.path.endswith("/wait"):
        case.query = {**(case.query or {}), "timeout": 0}
    if case.method.upper() == "DELETE" and case.path.startswith("/v1/tokens/"):
        case.path_parameters = {"name": "no-such-token"}  # never revoke the admin mid-run
    response = case.call(headers={"Authorization": f"Bearer {TOKENS['admin']}"})
    assert response.status_code < 500, response.text
    case.validate_response(response, checks=(response_schema_conformance, content_type_conformance))
