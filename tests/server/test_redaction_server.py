"""What the server answers, keeps, shows and posts carries no secret the agent typed: the
decision's answer, the request (API and page), the audit list, the webhook body, and the
Terraform diff of values the plan marks sensitive."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.testclient import TestClient
from tests.server.conftest import Receiver, Server, until

from keyturn.server.details import SENSITIVE, terraform_details

SECRET = "Sup3rSecretPw"
LINE = f'mysql -h db -uroot -p{SECRET} -e "DROP TABLE scratch.t"'


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
    notifying_server: Server, receiver: Receiver
) -> None:
    answer = _ask(notifying_server, LINE)
    request_id = int(answer["request_id"])
    assert SECRET not in json.dumps(answer)
    assert "<redacted:" in answer["decision"]["summary"]

    shown = notifying_server.get(f"/v1/requests/{request_id}", "alice")
    assert shown.status_code == 200
    assert SECRET not in shown.text
    assert "-p<redacted:" in json.dumps(shown.json()["details"])  # the parsed commands too

    audit = notifying_server.get("/v1/audit", "admin")
    assert audit.status_code == 200 and "<redacted:" in audit.text
    assert SECRET not in audit.text
    assert notifying_server.get("/v1/audit/verify", "admin").json()["ok"] is True

    # The server's public address is https (a TLS proxy in front): the reviewer's browser
    # reaches it over https, so its session cookie is Secure and travels only there.
    browser = TestClient(notifying_server.client.app, base_url="https://keyturn.example")
    assert (
        browser.post("/login", data={"token": notifying_server.tokens["alice"]}).status_code == 200
    )
    assert "__Host-keyturn_session" in browser.cookies
    page = browser.get(f"/requests/{request_id}")
    assert page.status_code == 200 and "redacted" in page.text
    assert SECRET not in page.text

    assert until(lambda: any(b["event"] == "request.opened" for b in receiver.bodies))
    assert SECRET not in json.dumps(receiver.bodies)


def test_the_same_line_is_the_same_request_and_another_password_another(
    notifying_server: Server,
) -> None:
    first = _ask(notifying_server, LINE)
    again = _ask(notifying_server, LINE)
    other = _ask(notifying_server, LINE.replace(SECRET, "An0therPassword"))
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


def test_a_sensitive_plan_value_reaches_no_page(notifying_server: Server) -> None:
    r = notifying_server.post(
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
    shown = notifying_server.get(f"/v1/requests/{request_id}", "alice").text
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
