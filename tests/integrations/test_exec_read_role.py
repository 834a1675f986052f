"""``credentials.aws.<env>.read_role_arn``: the read-only role ``keyturn exec`` gives a command
the policy allows without review where changes need review, and which may run code nobody
judged (``terraform plan`` runs the providers and any ``credential_process`` the project
names). Such a command never gets ``role_arn``; with a read-only role named it can still read
(the plan step of ``keyturn exec -- terraform apply`` refreshes), without one it gets nothing.

Local mode under the BRIEF policy, AWS_PROFILE=prod-admin (production); ``terraform`` and
``aws`` are stand-ins on PATH that write the environment they got; STS is a recorder.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.integrations._sts import StsRecorder

from keyturn.cli import main
from keyturn.errors import PolicyError
from keyturn.integrations.execution import environment as exec_environment
from keyturn.policy import load_policy

PROD_ROLE = "arn:aws:iam::111111111111:role/agent-prod"
PROD_READ_ROLE = "arn:aws:iam::111111111111:role/agent-prod-read"
_RECORDER = '#!/bin/sh\nenv > "$STUB_ENV_OUT"\n'


def _roles(*, read_role: bool) -> str:
    read = f', read_role_arn: "{PROD_READ_ROLE}"' if read_role else ""
    return f'\ncredentials:\n  aws:\n    production: {{role_arn: "{PROD_ROLE}"{read}}}\n'


@pytest.fixture()
def sts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StsRecorder:
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE", "KEYTURN_AGENT", "KEYTURN_SESSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("KEYTURN_SERVER", raising=False)
    monkeypatch.setenv("USER", "bob")
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KEYTURN_POLICY", str(tmp_path / "keyturn.yaml"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("terraform", "aws"):
        (bin_dir / tool).write_text(_RECORDER)
        (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STUB_ENV_OUT", str(tmp_path / "stub.env"))
    monkeypatch.setenv("AWS_PROFILE", "prod-admin")
    operator_home = tmp_path / "operator-home"
    (operator_home / ".aws").mkdir(parents=True)
    (operator_home / ".aws" / "config").write_text("[profile prod-admin]\nregion = eu-west-1\n")
    monkeypatch.setenv("HOME", str(operator_home))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    recorder = StsRecorder()
    monkeypatch.setattr(exec_environment, "sts_client_from_process", recorder)
    return recorder


def _policy(tmp_path: Path, text: str) -> None:
    (tmp_path / "keyturn.yaml").write_text(text)
    assert main(["init"]) == 0


def _seen(tmp_path: Path) -> dict[str, str]:
    text = (tmp_path / "stub.env").read_text()
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_a_plan_allowed_without_review_gets_the_read_only_role(
    sts: StsRecorder, tmp_path: Path, brief_policy_text: str, capfd: pytest.CaptureFixture[str]
) -> None:
    _policy(tmp_path, brief_policy_text + _roles(read_role=True))
    assert main(["exec", "--", "terraform", "plan", "-input=false"]) == 0
    assert sts.assumed == [PROD_READ_ROLE]
    assert _seen(tmp_path)["AWS_ACCESS_KEY_ID"] == "ASIABROKERED"
    err = capfd.readouterr().err
    assert f"short-lived read-only credentials of {PROD_READ_ROLE}" in err
    assert f"{PROD_ROLE} is not given to this command" in err


def test_without_a_read_only_role_the_plan_gets_nothing_and_is_told_what_would_help(
    sts: StsRecorder, tmp_path: Path, brief_policy_text: str, capfd: pytest.CaptureFixture[str]
) -> None:
    _policy(tmp_path, brief_policy_text + _roles(read_role=False))
    assert main(["exec", "--", "terraform", "plan", "-input=false"]) == 0
    assert sts.assumed == []
    assert "AWS_ACCESS_KEY_ID" not in _seen(tmp_path)
    assert "credentials.aws.production.read_role_arn" in capfd.readouterr().err


def test_an_aws_cli_call_still_gets_the_full_role(
    sts: StsRecorder, tmp_path: Path, brief_policy_text: str
) -> None:
    """The AWS CLI runs no project code: its read keeps ``role_arn`` even where a read-only
    role is named."""
    _policy(tmp_path, brief_policy_text + _roles(read_role=True))
    assert main(["exec", "--", "aws", "rds", "describe-db-instances"]) == 0
    assert sts.assumed == [PROD_ROLE]


def test_the_read_only_role_is_checked_and_leaves_other_policies_digest_alone(
    brief_policy_text: str,
) -> None:
    with_read = load_policy(brief_policy_text + _roles(read_role=True))
    assert with_read.credentials.aws["production"].read_role_arn == PROD_READ_ROLE
    without = load_policy(brief_policy_text + _roles(read_role=False))
    assert "read_role_arn" not in without.credentials.canonical()["aws"]["production"]
    assert with_read.digest != without.digest
    broken = brief_policy_text + _roles(read_role=False).replace("}", ', read_role_arn: "x"}')
    with pytest.raises(PolicyError, match=r"credentials\.aws\.production\.read_role_arn"):
        load_policy(broken)


# -- an AWS CLI read keeps the role only while it is one ---------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["aws", "ecr", "get-authorization-token"],  # a registry push token, valid 12 hours
        ["aws", "codeartifact", "get-authorization-token", "--domain", "d"],
        [
            "aws",
            "redshift",
            "get-cluster-credentials",
            "--cluster-identifier",
            "c",
            "--db-user",
            "u",
            "--auto-create",
        ],
        ["aws", "redshift-serverless", "get-credentials", "--workgroup-name", "w"],
        ["aws", "s3", "presign", "s3://acme-data/k"],
        ["aws", "sts", "get-session-token"],
    ],
)
def test_an_aws_call_that_mints_credentials_gets_no_role(
    sts: StsRecorder, tmp_path: Path, brief_policy_text: str, argv: list[str]
) -> None:
    """These read nothing but hand out credentials that outlive the command (the red team
    confirmed each was given the full production role as an allowed read)."""
    _policy(tmp_path, brief_policy_text + _roles(read_role=False))
    main(["exec", "--", *argv])
    assert sts.assumed == []


def test_service_models_of_the_users_make_an_aws_read_no_aws_read(
    sts: StsRecorder, tmp_path: Path, brief_policy_text: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """botocore reads ``~/.aws/models`` before its own models: one there made ``aws lambda
    get-function`` send ``DELETE /2015-03-31/functions/prod-payments`` with the role (AWS CLI
    1.45, confirmed by the red team on a local endpoint)."""
    _policy(tmp_path, brief_policy_text + _roles(read_role=False))
    models = Path(os.environ["HOME"]) / ".aws" / "models" / "lambda" / "2015-03-31"
    models.mkdir(parents=True)
    (models / "service-2.json").write_text("{}")
    assert main(["exec", "--", "aws", "rds", "describe-db-instances"]) == 0
    assert sts.assumed == []
    assert "service models" in capfd.readouterr().err


def test_an_inherited_bash_function_is_not_passed_on() -> None:
    """``export -f aws`` leaves ``BASH_FUNC_aws%%`` in the environment: a bash the command starts
    runs it for ``aws`` (it printed the brokered token)."""
    from keyturn.integrations.execution.code_variables import without_code_settings

    kept, removed = without_code_settings({"BASH_FUNC_aws%%": "() {  env\n}", "HOME": "/h"})
    assert kept == {"HOME": "/h"}
    assert removed == ("BASH_FUNC_aws%%",)
