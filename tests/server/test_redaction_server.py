"""What the server answers, keeps, shows and posts carries no secret the agent typed: the
decision's answer, the request (API and page), the audit list, the webhook body, and the
Terraform diff of values the plan marks sensitive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from tests.server.conftest import Server, make_tokens
from tests.server.test_webhooks import Receiver, _until

from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.server import create_app
from keyturn.server.details import SENSITIVE, terraform_details

SECRET = "Sup3rSecretPw"
LINE = f'mysql -h db -uroot -p{SECRET} -e "DROP TABLE scratch.t"'


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def served(tmp_path: Path, brief_policy_text: str, receiver: Receiver) -> Iterator[Server]:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    tokens = make_tokens(store)
    app = create_app(
        settings,
        gate=build_gate(settings, store=store),
        webhooks=[f"{receiver.url}/ok"],
        secret=b"s" * 32,
        poll_seconds=0.05,
        notify_backoff=0.01,
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Server(client=client, tokens=tokens)
    store.close()


def _ask(server: Server, command: str) -> dict:  # type: ignore[type-arg]
    r = server.post(
        "/v1/decisions",
        "kiro",
        {
            "kind": "shell",
            "payload": {"command": command, "cwd": "/srv/app"},
            "environment": "production",
            "actor": {"operator": "bob"},
        },
    )
    assert r.status_code == 200, r.text
    answer: dict = r.json()  # type: ignore[type-arg]
    assert answer["verdict"] == "ask", answer
    return answer


def test_no_secret_in_answers_requests_pages_audit_or_webhooks(
    served: Server, receiver: Receiver
) -> None:
    answer = _ask(served, LINE)
    request_id = int(answer["request_id"])
    assert SECRET not in json.dumps(answer)
    assert "<redacted:" in answer["decision"]["summary"]

    shown = served.get(f"/v1/requests/{request_id}", "alice")
    assert shown.status_code == 200
    assert SECRET not in shown.text
    assert "-p<redacted:" in json.dumps(shown.json()["details"])  # the parsed commands too

    audit = served.get("/v1/audit", "admin")
    assert audit.status_code == 200 and "<redacted:" in audit.text
    assert SECRET not in audit.text
    assert served.get("/v1/audit/verify", "admin").json()["ok"] is True

    browser = served.client
    assert browser.post("/login", data={"token": served.tokens["alice"]}).status_code == 200
    page = browser.get(f"/requests/{request_id}")
    assert page.status_code == 200 and "redacted" in page.text
    assert SECRET not in page.text

    assert _until(lambda: any(b["event"] == "request.opened" for b in receiver.bodies))
    assert SECRET not in json.dumps(receiver.bodies)


def test_the_same_line_is_the_same_request_and_another_password_another(served: Server) -> None:
    first = _ask(served, LINE)
    again = _ask(served, LINE)
    other = _ask(served, LINE.replace(SECRET, "An0therPassword"))
    assert first["request_id"] == again["request_id"]
    assert other["request_id"] != first["request_id"]


def _plan(old: str, new: str) -> dict:  # type: ignore[type-arg]
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "resource_changes": [
            {
                "address": "aws_db_instance.orders",
                "mode": "managed",
                "type": "aws_db_instance",
                "name": "orders",
                "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {
                    "actions": ["delete", "create"],
                    "before": {"identifier": "orders-db", "password": old, "port": 5432},
                    "after": {"identifier": "orders-db", "password": new, "port": 5433},
                    "before_sensitive": {"password": True},
                    "after_sensitive": {"password": True},
                },
            }
        ],
    }


def test_terraform_values_marked_sensitive_are_not_shown() -> None:
    rows = terraform_details(_plan("OldDbPw123", "NewDbPw456"))["terraform"]
    changes = {c["attribute"]: c for c in rows[0]["changes"]}
    assert changes["password"] == {"attribute": "password", "before": SENSITIVE, "after": SENSITIVE}
    assert changes["port"]["before"] == "5432" and changes["port"]["after"] == "5433"


def test_a_sensitive_plan_value_reaches_no_page(served: Server) -> None:
    r = served.post(
        "/v1/decisions",
        "kiro",
        {
            "kind": "terraform",
            "payload": {"document": json.dumps(_plan("OldDbPw123", "NewDbPw456"))},
            "environment": "production",
            "actor": {"operator": "bob"},
        },
    )
    assert r.status_code == 200, r.text
    request_id = r.json()["request_id"]
    assert request_id is not None, r.json()
    shown = served.get(f"/v1/requests/{request_id}", "alice").text
    assert "OldDbPw123" not in shown and "NewDbPw456" not in shown
    assert SENSITIVE in shown


def test_fixture_plan_sensitive_marks_are_honoured(fixtures: Path) -> None:
    """A real plan (terraform-compliance's issue 522): one variable of the Lambda function's
    environment is marked sensitive, so the environment attribute is not shown."""
    name = "tests__functional__test_issue_522__plan.out.json"
    plan = json.loads((fixtures / "terraform/terraform-compliance+cli" / name).read_text())
    rows = {r["address"]: r for r in terraform_details(plan)["terraform"]}
    fn = {c["attribute"]: c for c in rows["aws_lambda_function.lambda"]["changes"]}
    assert fn["environment"]["after"] == SENSITIVE
    assert fn["function_name"]["after"] == "metrics-lambda-primary-lambda"
