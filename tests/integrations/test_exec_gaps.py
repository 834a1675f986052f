"""``keyturn exec``: gaps found by the red team (server findings 1, 2, 8; integrations findings
2, 3, 5, 6), each pinned by what really happens when the command runs.

- Client mode (``KEYTURN_SERVER``) understands the command on the agent's disk, as local mode
  and the hooks do, and sends the understood action: a link into a protected tree and a
  ``core.fsmonitor`` planted in ``.git/config`` are judged as local mode judges them, and the
  grant binds the same digest either way. The server here is the real app, in process
  (Starlette's TestClient, which ``keyturn.client`` reaches through ``httpx.request``).
- Settings inherited from exec's own environment that make a program run or load code
  (``GIT_EXTERNAL_DIFF``, ``BASH_ENV``...) are not passed to the command.
- A role is brokered only to a command reviewers approved, to AWS CLI calls, or in an
  environment the agent may change without review: an allowed ``terraform plan`` in production
  gets no production credentials.
- ``terraform apply`` is judged in the workspace terraform uses (``TF_DATA_DIR``).
- Other clouds' credential variables are scrubbed too; IMDS stays off in the child.

Real programs run throughout (``rm``, ``git``, ``bash``, ``env``, Python with botocore); only
``terraform`` and ``aws`` are stand-ins (shell scripts on ``PATH`` that record what they see).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient
from tests.integrations._sts import StsRecorder
from tests.server.conftest import make_tokens

from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.cli import main
from keyturn.integrations.credentials import scrubbed_environment
from keyturn.integrations.execution import environment as exec_environment
from keyturn.integrations.execution.code_variables import runs_code, without_code_settings
from keyturn.integrations.execution.terraform_apply import parse_apply
from keyturn.integrations.execution.understood import understand_command
from keyturn.server import create_app
from keyturn.understand.shell.code_settings import COMMAND_VARIABLES, LOADING_VARIABLES

_LAST_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'
_TF_STANDIN = Path(__file__).parent / "assets" / "terraform"
_DELETE_PLAN = (
    "hashicorp+terraform/internal__command__testdata__show-json__basic-delete__output.json"
)


def _clean_keyturn_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("KEYTURN_TOKEN", "KEYTURN_DATABASE", "KEYTURN_AGENT", "KEYTURN_SESSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("KEYTURN_SERVER", raising=False)
    monkeypatch.setenv("USER", "bob")


def _evil(tmp_path: Path) -> tuple[Path, Path]:
    """A program that leaves a mark when run (what a planted hook or pager would do)."""
    mark = tmp_path / "pwned.txt"
    evil = tmp_path / "evil.sh"
    evil.write_text(f"#!/bin/sh\necho PWNED >> {mark}\n")
    evil.chmod(0o755)
    return evil, mark


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


# -- client mode against the real server ----------------------------------------------------


@dataclass
class Remote:
    """The server app in process, its people's tokens, the agent's working directory and the
    protected tree ``prod/`` (``file:<prod>`` and ``file:<prod>/**`` in its policy)."""

    http: TestClient
    tokens: dict[str, str]
    work: Path
    prod: Path

    def call(self, who: str, method: str, path: str, body: Any = None) -> Any:
        answer = self.http.request(
            method, path, json=body, headers={"Authorization": f"Bearer {self.tokens[who]}"}
        )
        assert answer.status_code < 400, answer.text
        return answer.json()


@pytest.fixture()
def remote(
    tmp_path: Path, brief_policy_text: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Remote]:
    prod = tmp_path / "prod"
    prod.mkdir()
    (prod / "db.sqlite").write_text("customer data\n")
    assert _LAST_PROTECTED in brief_policy_text
    policy = brief_policy_text.replace(
        _LAST_PROTECTED, f'{_LAST_PROTECTED}  - "file:{prod}/**"\n  - "file:{prod}"\n'
    )
    (tmp_path / "server.yaml").write_text(policy)
    settings = load_settings(
        home=str(tmp_path / "server-home"), policy=str(tmp_path / "server.yaml"), environ={}
    )
    store = open_store(settings)
    tokens = make_tokens(store)
    app = create_app(settings, gate=build_gate(settings, store=store), secret=b"s" * 32,
                     poll_seconds=0.05)  # fmt: skip
    _clean_keyturn_settings(monkeypatch)
    with TestClient(app, raise_server_exceptions=False) as http:

        def request(method: str, url: str, *, timeout: float, **kw: Any) -> Any:
            return http.request(method, url, **kw)  # the TestClient takes no timeout

        monkeypatch.setattr(httpx, "request", request)
        monkeypatch.setenv("KEYTURN_SERVER", "http://testserver")
        monkeypatch.setenv("KEYTURN_TOKEN", tokens["kiro"])
        monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "client-home"))
        work = tmp_path / "work"
        work.mkdir()
        monkeypatch.chdir(work)
        yield Remote(http=http, tokens=tokens, work=work, prod=prod)
    store.close()


@pytest.mark.parametrize("env", [["--env", "dev"], []], ids=["env-dev", "no-env"])
def test_client_mode_exec_follows_a_link_into_the_protected_tree(
    remote: Remote, env: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    """Server finding 1. ``work/cache`` links to the protected ``prod/``: ``rm -rf
    cache/db.sqlite`` deletes ``prod/db.sqlite`` (real ``rm``). Before, client mode sent the
    raw line and the server, without the disk, judged an unprotected ``work/cache/...``:
    allowed with ``--env dev`` (the file was gone), else held for a review that showed the
    wrong name. Now the line is understood here: the link is followed and the delete of a
    protected file is denied, whatever the environment; nothing runs."""
    (remote.work / "cache").symlink_to(remote.prod)
    code = main(["exec", *env, "--no-wait", "--", "rm", "-rf", "cache/db.sqlite"])
    err = capfd.readouterr().err
    assert code == 4, err
    assert "protected" in err
    assert (remote.prod / "db.sqlite").read_text() == "customer data\n"


def test_client_mode_exec_holds_git_status_in_a_repository_with_planted_code(
    remote: Remote, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Server finding 2. ``git status`` runs the ``core.fsmonitor`` program ``.git/config``
    names (real git 2.39 ran it: the mark appeared). The server cannot read the repository, so
    it allowed a plain read; understood here, as local mode does, it is held."""
    evil, mark = _evil(tmp_path)
    _git("init", "-q", cwd=remote.work)
    _git("config", "core.fsmonitor", str(evil), cwd=remote.work)
    code = main(["exec", "--no-wait", "--", "git", "status", "--short"])
    captured = capfd.readouterr()
    assert code == 3, captured.err
    assert captured.out.strip().isdigit()  # the request id
    assert not mark.exists()


def test_client_mode_binds_the_digest_local_mode_judges_and_runs_once_approved(
    remote: Remote, capfd: pytest.CaptureFixture[str]
) -> None:
    """The request the server opens is for the digest local mode would submit (the action
    understood here); two sre reviewers approve it; the same ``keyturn exec`` then runs the
    command once (real ``rm``), and a third run is held again."""
    (remote.work / "scratch").mkdir()
    argv = ["exec", "--env", "production", "--no-wait", "--", "rm", "-rf", "./scratch"]
    assert main(argv) == 3
    request_id = int(capfd.readouterr().out.strip())
    local = understand_command(["rm", "-rf", "./scratch"], environment="production")
    shown = remote.call("alice", "GET", f"/v1/requests/{request_id}")
    assert shown["digest"] == local.digest
    for reviewer in ("alice", "carol"):
        remote.call(reviewer, "POST", f"/v1/requests/{request_id}/approve", {"reason": "ok"})
    assert main(argv) == 0, capfd.readouterr().err
    assert not (remote.work / "scratch").exists()
    (remote.work / "scratch").mkdir()
    assert main(argv) == 3
    assert (remote.work / "scratch").exists()


def test_client_mode_does_not_run_a_script_rewritten_after_its_approval(
    remote: Remote, capfd: pytest.CaptureFixture[str]
) -> None:
    """The script ``bash deploy.sh`` runs is read and bound here (the server never sees it):
    rewritten after the approval, it gives another digest, a new request, and does not run."""
    script = remote.work / "deploy.sh"
    script.write_text("rm -rf ./scratch\n")
    (remote.work / "scratch").mkdir()
    argv = ["exec", "--env", "production", "--no-wait", "--", "bash", "deploy.sh"]
    assert main(argv) == 3
    request_id = int(capfd.readouterr().out.strip())
    for reviewer in ("alice", "carol"):
        remote.call(reviewer, "POST", f"/v1/requests/{request_id}/approve", {"reason": "ok"})
    script.write_text("rm -rf ./scratch ./other\n")
    assert main(argv) == 3
    assert int(capfd.readouterr().out.strip()) != request_id
    assert (remote.work / "scratch").exists()


# -- inherited settings that run code (server finding 8) ------------------------------------


@pytest.fixture()
def local(tmp_path: Path, brief_policy_text: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Local mode: an initialised home with the BRIEF policy; ``work/`` the working directory."""
    (tmp_path / "keyturn.yaml").write_text(brief_policy_text)
    _clean_keyturn_settings(monkeypatch)
    monkeypatch.setenv("KEYTURN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("KEYTURN_POLICY", str(tmp_path / "keyturn.yaml"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert main(["init"]) == 0
    return work


@pytest.fixture(params=["local", "client"])
def either_mode(request: pytest.FixtureRequest) -> Path:
    """The working directory of local mode or of client mode (same policy)."""
    if request.param == "local":
        return Path(request.getfixturevalue("local"))
    return Path(request.getfixturevalue("remote").work)


def test_an_inherited_external_diff_program_is_not_run(
    either_mode: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Server finding 8. ``GIT_EXTERNAL_DIFF=./evil git diff`` written on the line is judged
    (unknown); inherited from exec's environment it was not, and real git ran it. It is no
    longer passed to the command: git shows its own diff."""
    evil, mark = _evil(tmp_path)
    (either_mode / "f.txt").write_text("one\n")
    _git("init", "-q", cwd=either_mode)
    _git("add", "f.txt", cwd=either_mode)
    _git("commit", "-qm", "one", cwd=either_mode)
    (either_mode / "f.txt").write_text("two\n")
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(evil))
    assert main(["exec", "--", "git", "--no-pager", "diff"]) == 0
    out, err = capfd.readouterr()
    assert not mark.exists()
    assert "+two" in out
    assert "GIT_EXTERNAL_DIFF" in err  # the note names what was not passed on


def test_an_inherited_bash_env_is_not_sourced(
    either_mode: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Server finding 8. Every non-interactive ``bash`` sources ``$BASH_ENV`` first (real bash
    5 ran it under ``keyturn exec -- bash -c 'echo hi'`` in both modes)."""
    evil, mark = _evil(tmp_path)
    monkeypatch.setenv("BASH_ENV", str(evil))
    monkeypatch.setenv("LD_PRELOAD", str(tmp_path / "nothing.so"))
    assert main(["exec", "--", "bash", "-c", "echo hi"]) == 0
    out, err = capfd.readouterr()
    assert out.strip() == "hi"
    assert not mark.exists()
    assert "BASH_ENV" in err and "LD_PRELOAD" in err


def test_every_variable_the_line_judges_as_code_is_withheld() -> None:
    """The list is the shell understanding's own (code_settings): each of its variables, the
    pattern-matched ones (git config pairs, cargo runners, go flags, less options) and npm's
    code-running settings in any case; other variables pass; relative PATH folders go."""
    pattern_names = ["GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_3", "CARGO_TARGET_X86_64_RUNNER",
                     "CARGO_REGISTRIES_CREDENTIAL_PROVIDER", "GOFLAGS", "LESS", "MANOPT",
                     "npm_config_script_shell", "NPM_CONFIG_NODE_OPTIONS"]  # fmt: skip
    for name in [*COMMAND_VARIABLES, *LOADING_VARIABLES, *pattern_names]:
        assert runs_code(name), name
    for name in ("HOME", "LANG", "KUBECONFIG", "GOPATH", "npm_config_registry", "TERM"):
        assert not runs_code(name), name
    kept, removed = without_code_settings(
        {"PATH": f".:/usr/bin::tools:{os.sep}opt/bin", "PAGER": "less", "HOME": "/h"}
    )
    assert kept == {"PATH": "/usr/bin:/opt/bin", "HOME": "/h"}
    assert removed == ("PAGER", "PATH (relative folders)")


# -- which command gets the brokered role (integrations finding 2) ---------------------------


PROD_ROLE = "arn:aws:iam::111111111111:role/agent-prod"
STAGING_ROLE = "arn:aws:iam::333333333333:role/agent-staging"
DEV_ROLE = "arn:aws:iam::222222222222:role/agent-dev"
_RECORDER = '#!/bin/sh\nenv > "$STUB_ENV_OUT"\necho "$0 $*" >> "$STUB_ENV_OUT.calls"\n'


@pytest.fixture()
def brokering(
    local: Path, tmp_path: Path, brief_policy_text: str, monkeypatch: pytest.MonkeyPatch
) -> StsRecorder:
    """Local mode with a role for production, staging and dev; the operator's own keys and
    ``prod-admin`` profile in the environment; ``terraform`` and ``aws`` stand-ins on PATH that
    write the environment they got to ``$STUB_ENV_OUT``."""
    roles = "\ncredentials:\n  aws:\n" + "".join(
        f'    {env}: {{role_arn: "{role}"}}\n'
        for env, role in (("production", PROD_ROLE), ("staging", STAGING_ROLE), ("dev", DEV_ROLE))
    )
    (tmp_path / "keyturn.yaml").write_text(brief_policy_text + roles)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("terraform", "aws"):
        (bin_dir / tool).write_text(_RECORDER)
        (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    operator_home = tmp_path / "operator-home"
    (operator_home / ".aws").mkdir(parents=True)
    (operator_home / ".aws" / "config").write_text("[profile prod-admin]\nregion = eu-west-1\n")
    monkeypatch.setenv("HOME", str(operator_home))
    monkeypatch.setenv("STUB_ENV_OUT", str(tmp_path / "stub.env"))
    monkeypatch.setenv("AWS_PROFILE", "prod-admin")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOPERATORKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "operator-secret")
    sts = StsRecorder()
    monkeypatch.setattr(exec_environment, "sts_client_from_process", sts)
    return sts


def _stub_env(tmp_path: Path) -> dict[str, str]:
    text = (tmp_path / "stub.env").read_text()
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_an_allowed_terraform_plan_in_production_gets_no_production_role(
    brokering: StsRecorder, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Integrations finding 2. ``terraform plan`` is an allowed read, but it runs the providers
    and any ``credential_process`` the project's configuration names (the red team's real
    terraform 1.11 ran a planted one that deleted a database with the brokered production
    role). No role is assumed for it now; the note says why."""
    assert main(["exec", "--", "terraform", "plan", "-input=false"]) == 0
    err = capfd.readouterr().err
    assert brokering.assumed == []
    seen = _stub_env(tmp_path)
    assert "AWS_ACCESS_KEY_ID" not in seen and "AWS_SESSION_TOKEN" not in seen
    assert f"{PROD_ROLE} is not given to this command" in err
    assert "no cloud credentials" in err


def test_printing_the_environment_in_production_prints_no_role(
    brokering: StsRecorder, capfd: pytest.CaptureFixture[str]
) -> None:
    """Integrations finding 5 (first half). ``printenv`` is an allowed read: it printed the
    brokered production role's keys. It gets no role now (and there is nothing to print)."""
    code = main(["exec", "--", "printenv", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
    out = capfd.readouterr().out
    assert code == 1  # printenv: none of them is set
    assert brokering.assumed == []
    assert "ASIABROKERED" not in out and "AKIAOPERATORKEY" not in out


def test_an_aws_cli_read_in_production_still_gets_the_role(
    brokering: StsRecorder, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """An AWS CLI call on AWS resources runs no project code (its config file is keyturn's
    empty one, its aliases are judged): ``aws rds describe-db-instances`` keeps working."""
    assert main(["exec", "--", "aws", "rds", "describe-db-instances"]) == 0
    assert brokering.assumed == [PROD_ROLE]
    assert _stub_env(tmp_path)["AWS_ACCESS_KEY_ID"] == "ASIABROKERED"
    assert f"short-lived credentials of {PROD_ROLE}" in capfd.readouterr().err


def test_aws_configure_export_credentials_is_not_an_aws_call(
    brokering: StsRecorder, capfd: pytest.CaptureFixture[str]
) -> None:
    """``aws configure export-credentials`` reads no AWS resource: it prints the credentials
    it was given. It is not an AWS call, so it gets no role to print."""
    assert main(["exec", "--", "aws", "configure", "export-credentials"]) == 0
    assert brokering.assumed == []


@pytest.mark.parametrize(
    ("agent", "env", "brokered"),
    [
        ("agent", "dev", [DEV_ROLE]),  # dev: every change allowed without review
        ("kiro", "dev", []),  # kiro may never touch IAM: the dev role would let it
        ("agent", "staging", []),  # staging: deletes need two reviews
    ],
)
def test_a_read_gets_the_role_only_where_the_agent_may_change_everything_freely(
    brokering: StsRecorder, agent: str, env: str, brokered: list[str]
) -> None:
    """A read elsewhere than production: the role goes to it only when the policy lets the
    agent create, change, delete and replace there without review (then the role gives code
    it runs nothing more)."""
    assert main(["exec", "--env", env, "--agent", agent, "--", "terraform", "plan"]) == 0
    assert brokering.assumed == brokered


# -- the workspace of a planned apply (integrations finding 3) -------------------------------


def test_the_apply_workspace_is_read_where_terraform_reads_it(tmp_path: Path) -> None:
    """terraform reads the selected workspace from ``$TF_DATA_DIR/environment`` (relative to
    the ``-chdir`` directory), else ``.terraform/environment``; ``TF_WORKSPACE`` wins over both
    (terraform docs, "TF_DATA_DIR" and "TF_WORKSPACE")."""
    infra = tmp_path / "infra"
    for data_dir, name in ((".terraform", "dev"), (".tfprod", "prod"), ("abs", "prod-abs")):
        (infra / data_dir).mkdir(parents=True)
        (infra / data_dir / "environment").write_text(f"{name}\n")

    def workspace(environ: dict[str, str]) -> str:
        apply = parse_apply(["terraform", "-chdir=infra", "apply"], cwd=str(tmp_path),
                            environ=environ)  # fmt: skip
        assert apply is not None
        return apply.workspace

    assert workspace({}) == "dev"
    assert workspace({"TF_DATA_DIR": ".tfprod"}) == "prod"
    assert workspace({"TF_DATA_DIR": str(infra / "abs")}) == "prod-abs"
    assert workspace({"TF_DATA_DIR": ".tfprod", "TF_WORKSPACE": "staging"}) == "staging"
    assert workspace({"TF_DATA_DIR": ".missing"}) == "default"


def _plan_file(tmp_path: Path, snapshot: str | None) -> Path | None:
    """A saved plan file as terraform writes one (a zip holding ``tfconfig/``, the
    configuration it was planned from) whose main.tf is ``snapshot``; None: no such file."""
    if snapshot is None:
        return None
    path = tmp_path / "saved.tfplan"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tfplan", b"\x00stand-in")
        archive.writestr("tfconfig/modules.json", '[{"Key": "", "Dir": "."}]')
        archive.writestr("tfconfig/m-/main.tf", snapshot)
    return path


_REMOVED_BLOCK = """removed {
  from = aws_instance.web
  lifecycle { destroy = true }
  provisioner "local-exec" {
    when    = destroy
    command = "aws rds delete-db-instance --db-instance-identifier prod-main"
  }
}
"""


@pytest.mark.parametrize(
    ("snapshot", "code"),
    [
        # Not a plan file with a configuration snapshot: a removed block may run provisioners
        # the plan does not show (unknown, in production: denied).
        (None, 4),
        # The plan's own configuration holds no removed block: the delete, for two reviews.
        ('resource "aws_s3_bucket" "logs" {}\n# removed { is only a comment here\n', 3),
        (_REMOVED_BLOCK, 4),
    ],
)
def test_a_production_destroy_kept_under_tf_data_dir_is_not_applied_as_dev(
    snapshot: str | None, code: int,
    local: Path, tmp_path: Path, brief_policy_text: str, fixtures: Path,
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Integrations finding 3. The operator keeps production's data in ``TF_DATA_DIR=.tfprod``
    (workspace ``prod``); ``.terraform/environment`` says ``default``, a dev workspace in this
    policy. Real terraform destroyed the production queue after keyturn judged the plan in dev.
    Now the plan is judged in ``prod``: its delete waits for two reviews; nothing is applied.
    Whether a removed block may run hidden provisioners is read from the saved plan's own
    configuration snapshot when it has one."""
    dev_default = brief_policy_text.replace(
        '    kube_contexts: ["kind-*", "dev-*"]\n',
        '    kube_contexts: ["kind-*", "dev-*"]\n    terraform_workspaces: ["dev*", "default"]\n',
    )
    (tmp_path / "keyturn.yaml").write_text(dev_default)
    (local / ".terraform").mkdir()
    (local / ".terraform" / "environment").write_text("default\n")
    (local / ".tfprod").mkdir()
    (local / ".tfprod" / "environment").write_text("prod\n")
    monkeypatch.setenv("TF_DATA_DIR", ".tfprod")
    monkeypatch.setenv("PATH", f"{_TF_STANDIN.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("STANDIN_TF_LOG", str(tmp_path / "tf.log"))
    monkeypatch.setenv("STANDIN_TF_PLAN", str(fixtures / "terraform" / _DELETE_PLAN))
    planned = _plan_file(tmp_path, snapshot)
    if planned is not None:
        monkeypatch.setenv("STANDIN_TF_PLANFILE", str(planned))
    exit_code = main(["exec", "--no-wait", "--agent", "kiro", "--", "terraform", "apply"])
    err = capfd.readouterr().err
    assert exit_code == code, err
    assert ("removed block" in err) is (code == 4), err
    assert "2 approval" in err or "2 more" in err or "2 reviews" in err, err
    applied = [line for line in (tmp_path / "tf.log").read_text().splitlines()
               if line.startswith("apply")]  # fmt: skip
    assert applied == []


def test_a_plan_step_understood_in_another_workspace_is_not_planned() -> None:
    """The plan step and the plan must be judged in one workspace; should the two ever
    disagree, nothing is planned (one of them would be judged in the wrong environment)."""
    from keyturn.integrations.execution.terraform_apply import PlanFailed, _same_workspace
    from keyturn.understand.shell import understand_shell

    apply = parse_apply(["terraform", "apply"], cwd="/w", environ={"TF_WORKSPACE": "dev"})
    assert apply is not None
    step = understand_shell("terraform plan", cwd="/w", env={"TF_WORKSPACE": "prod"})
    with pytest.raises(PlanFailed, match="workspace prod"):
        _same_workspace(step, apply)
    _same_workspace(understand_shell("terraform plan", cwd="/w", env={"TF_WORKSPACE": "dev"}),
                    apply)  # fmt: skip


# -- other clouds' credentials (integrations finding 5) --------------------------------------


OTHER_CLOUDS = {
    "VAULT_TOKEN": "hvs.operator",
    "GOOGLE_APPLICATION_CREDENTIALS": "/secrets/sa.json",
    "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.operator",
    "AZURE_CLIENT_SECRET": "azure-secret",
    "ARM_CLIENT_SECRET": "arm-secret",
    "TF_TOKEN_app_terraform_io": "tfc-token",
    "KUBE_TOKEN": "cluster-admin-token",
    "DIGITALOCEAN_TOKEN": "do-token",
}
# Where a tool keeps its login: kept, or the tool would fall back to its default file (another
# cluster or account than the one the command was judged on).
LOGIN_PLACES = {
    "KUBECONFIG": "/home/op/.kube/prod",
    "CLOUDSDK_CONFIG": "/home/op/.gcloud",
    "AZURE_CONFIG_DIR": "/home/op/.azure",
}


def test_other_clouds_credential_variables_are_scrubbed(tmp_path: Path) -> None:
    """Integrations finding 5. Only ``AWS_*`` was scrubbed: ``echo $VAULT_TOKEN
    $GOOGLE_APPLICATION_CREDENTIALS`` printed the operator's. Their credential variables go
    now; the places naming a tool's login stay (see LOGIN_PLACES)."""
    env = scrubbed_environment({**OTHER_CLOUDS, **LOGIN_PLACES, "LANG": "C"},
                               state_dir=tmp_path)  # fmt: skip
    assert not set(OTHER_CLOUDS) & set(env)
    assert {k: env[k] for k in LOGIN_PLACES} == LOGIN_PLACES
    assert env["LANG"] == "C"


def test_exec_prints_no_other_clouds_credentials(
    local: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The same through a real ``env`` run by ``keyturn exec``; the note says the environment
    holds no cloud credentials -- and no more than that (a login file stays readable)."""
    for name, value in OTHER_CLOUDS.items():
        monkeypatch.setenv(name, value)
    assert main(["exec", "--env", "dev", "--", "env"]) == 0
    out, err = capfd.readouterr()
    assert not [v for v in OTHER_CLOUDS.values() if v in out]
    assert "no cloud credentials in its environment" in err


def test_a_policy_can_deny_reading_the_operators_credential_files(
    local: Path, tmp_path: Path, brief_policy_text: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """What exec does not hide: a credentials file read by its path is a plain read (keyturn
    has no notion of the operator's secrets besides its own). A deny rule on those reads is
    the documented way to keep them from the agent; ``cat`` then never runs."""
    home = Path(os.path.expanduser("~"))
    rule = ('    deny:\n      - effect: read\n        resource: ["file:*/.aws/credentials", '
            '"file:*/.aws/config", "file:*/.kube/config"]\n')  # fmt: skip
    policy = brief_policy_text.replace(
        '    deny:\n      - command: "git push --force*"\n',
        rule + '      - command: "git push --force*"\n',
    )
    assert policy != brief_policy_text
    (tmp_path / "keyturn.yaml").write_text(policy)
    assert main(["exec", "--", "cat", str(home / ".aws" / "credentials")]) == 4
    assert main(["exec", "--", "aws", "configure", "export-credentials"]) == 4
    assert "denied" in capfd.readouterr().err


# -- instance metadata stays off (integrations finding 6) ------------------------------------


@pytest.mark.parametrize("given", ["false", "TRUE", None])
def test_the_child_cannot_reach_instance_metadata_credentials(
    tmp_path: Path, given: str | None
) -> None:
    """Integrations finding 6 (exec's part). botocore turns IMDS off only when
    ``AWS_EC2_METADATA_DISABLED`` is ``true`` in any case (botocore/utils.py, IMDSFetcher). The
    command's environment (exec's, before any brokered keys) holds exactly ``true`` whatever
    the operator's says, and none of the variables that point botocore at another metadata or
    container endpoint: botocore in a real child process has IMDS off. (A line that undoes it
    itself, ``AWS_EC2_METADATA_DISABLED=false aws …`` or ``unset``, is the shell
    understanding's to judge.)"""
    operator = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://169.254.169.254",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.2/creds"}  # fmt: skip
    if given is not None:
        operator["AWS_EC2_METADATA_DISABLED"] = given
    child, _ = exec_environment.base_environment(operator, state_dir=tmp_path / "state")
    probe = ("import json, os, botocore.utils as u; print(json.dumps({'off': u.IMDSFetcher()."
             "_disabled, 'vars': sorted(k for k in os.environ if 'METADATA' in k or "
             "'CONTAINER' in k)}))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", probe], env=child, capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"off": True, "vars": ["AWS_EC2_METADATA_DISABLED"]}
    assert child["AWS_EC2_METADATA_DISABLED"] == "true"
