"""The credential broker against moto's server: the command's environment holds no operator
credentials; brokered ones come from STS AssumeRole with SourceIdentity and session tags.

moto (5.x) answers AssumeRole and GetCallerIdentity for real but does not record
``SourceIdentity`` or session tags; so the tests check the assumed-role ARN through moto and the
``SourceIdentity``/tags in the AssumeRole request that actually went to moto's server.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

import boto3
import pytest

from keyturn.errors import PolicyError
from keyturn.integrations.credentials import (
    broker_credentials,
    sanitized_identity,
    scrubbed_environment,
)
from keyturn.model import Actor
from keyturn.policy import load_policy

ROLE = "arn:aws:iam::111111111111:role/agent-prod"


OPERATOR_ENV = {
    "PATH": "/usr/bin",
    "HOME": "/home/olivia",
    "AWS_ACCESS_KEY_ID": "AKIAOPERATOR",
    "AWS_SECRET_ACCESS_KEY": "operator-secret",
    "AWS_SESSION_TOKEN": "operator-token",
    "AWS_PROFILE": "prod-admin",
    "AWS_DEFAULT_PROFILE": "prod-admin",
    "AWS_CONFIG_FILE": "/home/olivia/.aws/config",
    "AWS_SHARED_CREDENTIALS_FILE": "/home/olivia/.aws/credentials",
    "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token",
    "AWS_ROLE_ARN": "arn:aws:iam::111111111111:role/admin",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.2/creds",
    "AWS_REGION": "eu-west-1",
}


def test_scrubbed_environment_has_no_operator_credentials(tmp_path: Path, moto_url: str):
    env = scrubbed_environment(OPERATOR_ENV, state_dir=tmp_path / "state")
    assert not {k for k in env if k.startswith("AWS_")} - {
        "AWS_REGION",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_EC2_METADATA_DISABLED",
    }
    assert env["PATH"] == "/usr/bin" and env["AWS_REGION"] == "eu-west-1"
    for key in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        managed = Path(env[key])
        assert managed.is_relative_to(tmp_path / "state")
        assert managed.read_text() == "" and managed.stat().st_mode & 0o777 == 0o600
    assert env["AWS_EC2_METADATA_DISABLED"] == "true"
    # A real child process sees no credentials at all: the AWS CLI's own lookup comes up empty.
    probe = "import boto3; s = boto3.Session(); print(s.get_credentials() is None, s.profile_name)"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env={**env, "AWS_ENDPOINT_URL": moto_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["True", "default"], done.stderr


def brokering_policy(brief_policy_text: str):
    return load_policy(
        brief_policy_text
        + f"""
credentials:
  aws:
    production: {{role_arn: "{ROLE}", duration_seconds: 900}}
"""
    )


def _text(body: bytes | str) -> str:
    return body.decode() if isinstance(body, bytes) else body


def test_brokered_credentials_are_the_assumed_role(moto_url: str, brief_policy_text: str):
    sent: list[dict[str, list[str]]] = []

    def sts_client():
        client = boto3.client(
            "sts",
            endpoint_url=moto_url,
            region_name="us-east-1",
            aws_access_key_id="broker",
            aws_secret_access_key="broker",
        )
        client.meta.events.register(
            "before-send.sts.AssumeRole",
            lambda request, **_: sent.append(parse_qs(_text(request.body))),
        )
        return client

    actor = Actor(agent="claude-code", operator="olivia", session="0b5c/session id!")
    creds = broker_credentials(
        policy=brokering_policy(brief_policy_text),
        environment="production",
        actor=actor,
        request_id="42",
        sts_client_factory=sts_client,
    )
    assert set(creds) == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}
    assert creds["AWS_ACCESS_KEY_ID"] != "broker"
    who = boto3.client(
        "sts",
        endpoint_url=moto_url,
        region_name="us-east-1",
        aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=creds["AWS_SESSION_TOKEN"],
    ).get_caller_identity()
    assert who["Arn"] == "arn:aws:sts::111111111111:assumed-role/agent-prod/keyturn-claude-code-42"
    [request] = sent
    assert request["RoleArn"] == [ROLE]
    assert request["SourceIdentity"] == ["0b5c-session-id"]
    assert request["DurationSeconds"] == ["900"]
    tags = {
        request[f"Tags.member.{i}.Key"][0]: request[f"Tags.member.{i}.Value"][0] for i in (1, 2, 3)
    }
    assert tags == {"agent": "claude-code", "operator": "olivia", "request": "42"}
    transitive = {request[f"TransitiveTagKeys.member.{i}"][0] for i in (1, 2, 3)}
    assert transitive == {"agent", "operator", "request"}


def test_no_role_for_the_environment_brokers_nothing(brief_policy_text: str):
    def never():
        raise AssertionError("STS must not be called")

    with pytest.raises(PolicyError, match=r"credentials\.aws\.staging"):
        broker_credentials(
            policy=brokering_policy(brief_policy_text),
            environment="staging",
            actor=Actor(agent="a", operator="o"),
            request_id=None,
            sts_client_factory=never,
        )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("alice@example.com", "alice@example.com"),
        ("x", "kt-x"),
        ("a b/c", "a-b-c"),
        ("aws:thing", "aws-thing"),
        ("é" * 80, "kt-"),
    ],
)
def test_source_identity_is_sanitised(raw: str, clean: str):
    out = sanitized_identity(raw)
    assert 2 <= len(out) <= 64
    assert out == clean
