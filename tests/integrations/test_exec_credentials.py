"""Credentials in ``keyturn exec``, against moto's server on a loopback port.

The command never sees the operator's credentials; an approved (or allowed) command runs with
short-lived credentials of the role the policy names for its environment, obtained with STS
AssumeRole. What moto 5.2 really supports: AssumeRole returns working credentials whose
GetCallerIdentity is the assumed-role ARN (checked from inside the child process); it does NOT
record ``SourceIdentity`` or session tags anywhere (its AssumeRole ignores both), so those are
checked on the AssumeRole request as it was sent to moto's server.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import boto3
import pytest

from keyturn.approval import Role, approve
from keyturn.bootstrap import load_settings, open_state
from keyturn.cli import main
from keyturn.integrations.execution import environment as exec_environment

ROLE = "arn:aws:iam::222222222222:role/agent-dev"
OPERATOR = {
    "AWS_ACCESS_KEY_ID": "AKIAOPERATORBROADKEY",
    "AWS_SECRET_ACCESS_KEY": "operator-secret",
    "AWS_SESSION_TOKEN": "operator-session-token",
    "AWS_PROFILE": "prod-admin",
    "AWS_DEFAULT_PROFILE": "prod-admin",
    "AWS_ROLE_ARN": "arn:aws:iam::111111111111:role/admin",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
}
WHO = """\
import json, os, boto3
who = boto3.client("sts", region_name="us-east-1").get_caller_identity()
print(json.dumps({"arn": who["Arn"], "key": os.environ.get("AWS_ACCESS_KEY_ID"),
                  "profile": os.environ.get("AWS_PROFILE")}))
"""


def _write_policy(path: Path, text: str, *, role: bool) -> None:
    extra = f'\ncredentials:\n  aws:\n    dev: {{role_arn: "{ROLE}", duration_seconds: 900}}\n'
    path.write_text(text + (extra if role else ""))


@pytest.fixture()
def home(tmp_path: Path, brief_policy_text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    _write_policy(tmp_path / "keyturn.yaml", brief_policy_text, role=False)
    _write_policy(tmp_path / "brokering.yaml", brief_policy_text, role=True)
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE", "KEYTURN_AGENT", "KEYTURN_SESSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KEYTURN_POLICY", str(tmp_path / "keyturn.yaml"))
    monkeypatch.setenv("USER", "bob")
    for key, value in OPERATOR.items():
        monkeypatch.setenv(key, value)
    # The operator's own AWS files, with the profile keyturn itself (the broker) runs under.
    aws = tmp_path / "operator-aws"
    aws.mkdir()
    (aws / "config").write_text("[profile prod-admin]\nregion = us-east-1\n")
    (aws / "credentials").write_text(
        "[prod-admin]\naws_access_key_id = AKIAOPERATORFILEKEY\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(aws / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(aws / "credentials"))
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    return tmp_path


def test_the_command_sees_no_operator_credentials(
    home: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert main(["exec", "--env", "dev", "--agent", "kiro", "--", "env"]) == 0
    out, err = capfd.readouterr()
    seen = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    leaked = {k for k, v in seen.items() if v in OPERATOR.values() or "operator-aws" in v}
    assert leaked == set()
    assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} & set(seen)
    assert not {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN"} & set(seen)
    for key in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        managed = Path(seen[key])
        assert managed.is_relative_to(home / "home") and managed.read_text() == ""
    assert "no role configured for dev" in err and "no cloud credentials" in err


def _recording_sts(moto_url: str, sent: list[dict[str, list[str]]]) -> Any:
    """keyturn's own STS client, as exec makes it, with the AssumeRole request recorded."""

    def factory() -> Any:
        client = boto3.Session().client("sts", region_name="us-east-1", endpoint_url=moto_url)
        client.meta.events.register(
            "before-send.sts.AssumeRole",
            lambda request, **_: sent.append(parse_qs(_text(request.body))),
        )
        return client

    return factory


def _approve(request_id: int, reviewer: str) -> None:
    store = open_state(load_settings())
    try:
        now = time.time()
        store.transition(
            request_id,
            lambda r: approve(r, reviewer=reviewer, role=Role.REVIEWER, reason="ok", now=now),
            now=now,
        )
    finally:
        store.close()


def test_an_approved_command_runs_as_the_assumed_role(
    home: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEYTURN_POLICY", str(home / "brokering.yaml"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)  # kept for the child: where to call
    sent: list[dict[str, list[str]]] = []
    monkeypatch.setattr(exec_environment, "sts_client_from_process", _recording_sts(moto_url, sent))
    (home / "who.py").write_text(WHO)
    argv = ["exec", "--no-wait", "--env", "dev", "--agent", "kiro", "--session", "kiro-s1"]
    argv += ["--", sys.executable, str(home / "who.py")]

    assert main(argv) == 3  # running a program is not understood: held for review
    request_id = int(capfd.readouterr().out.strip())
    assert sent == []  # nothing brokered for a command that is not allowed
    _approve(request_id, "alice")

    assert main(argv) == 0
    out, err = capfd.readouterr()
    child = json.loads(out.strip().splitlines()[-1])
    session = f"keyturn-kiro-{request_id}"
    assert child["arn"] == f"arn:aws:sts::222222222222:assumed-role/agent-dev/{session}"
    assert child["key"] not in (None, OPERATOR["AWS_ACCESS_KEY_ID"])
    assert child["profile"] is None
    assert f"short-lived credentials of {ROLE} for dev (source identity kiro-s1)" in err
    [request] = sent
    assert request["RoleArn"] == [ROLE]
    assert request["SourceIdentity"] == ["kiro-s1"]
    tags = {
        request[f"Tags.member.{i}.Key"][0]: request[f"Tags.member.{i}.Value"][0] for i in (1, 2, 3)
    }
    assert tags == {"agent": "kiro", "operator": "bob", "request": str(request_id)}


def test_an_allowed_command_in_an_environment_without_a_role_gets_none(
    home: Path, moto_url: str, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KEYTURN_POLICY", str(home / "brokering.yaml"))
    sent: list[dict[str, list[str]]] = []
    monkeypatch.setattr(exec_environment, "sts_client_from_process", _recording_sts(moto_url, sent))
    assert main(["exec", "--env", "staging", "--", "env"]) == 0
    out, err = capfd.readouterr()
    assert "AWS_ACCESS_KEY_ID=" not in out
    assert "no role configured for staging (credentials.aws.staging)" in err
    assert sent == []


def test_sts_refusing_leaves_the_command_without_credentials(
    home: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    class Refusing:
        def assume_role(self, **_: Any) -> Any:
            raise RuntimeError("AccessDenied")

    monkeypatch.setenv("KEYTURN_POLICY", str(home / "brokering.yaml"))
    monkeypatch.setattr(exec_environment, "sts_client_from_process", Refusing)
    assert main(["exec", "--env", "dev", "--", "env"]) == 0
    out, err = capfd.readouterr()
    assert "AWS_ACCESS_KEY_ID=" not in out and "AWS_SESSION_TOKEN=" not in out
    assert f"could not assume {ROLE} for dev" in err and "no cloud credentials" in err


def _text(body: bytes | str) -> str:
    return body.decode() if isinstance(body, bytes) else body
