"""Cloud and infrastructure-as-code lines that looked laxer than they are: the
AWS CLI's own aliases and home directory, a profile whose config names another account, the
shell's AWS_PROFILE dropped by a wrapper, parameter, workspace and state files the line
rewrites, commands run on hosts through other run-command roads, local files the storage CLIs
change, the CDK's app and build commands, pulumi's hint-less twin and S3 access points.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy with ``/srv/prod``
protected; the files the understanding reads are real files under ``tmp_path`` where it
matters (LocalFiles), else MemoryFiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import brief_protecting

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import FileReader, MemoryFiles
from keyturn.understand.shell import understand_shell

DEV = {"AWS_PROFILE": "dev"}
DELETE_PROD_DB = "rds delete-db-instance --db-instance-identifier prod-db --skip-final-snapshot"
PROD_ACCOUNT = "111111111111"
# A profile whose name says dev, whose role is in the production account.
ROLE_IN_PROD = (
    "[profile dev]\nregion = us-east-1\n"
    f"role_arn = arn:aws:iam::{PROD_ACCOUNT}:role/admin\nsource_profile = prod-admin\n"
    "[profile dev-tools]\n"
    f"role_arn = arn:aws:iam::{PROD_ACCOUNT}:role/admin\nsource_profile = prod-admin\n"
)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(brief_protecting("file:/srv/prod/**", "file:/srv/prod"))


def _action(
    command: str,
    *,
    home: str = HOME,
    cwd: str = CWD,
    variables: Mapping[str, str] | None = None,
    files: FileReader | Mapping[str, str] | None = None,
    env: str | None = None,
) -> Action:
    reader = MemoryFiles(dict(files)) if isinstance(files, Mapping) else files
    return understand_shell(
        command,
        cwd=cwd,
        home=home,
        env={"HOME": home, **(variables or {})},
        target=Target(environment=env),
        files=reader if reader is not None else MemoryFiles({}),
    )


def _decision(policy: Policy, command: str, **kwargs: object) -> str:
    action = _action(command, **kwargs)  # type: ignore[arg-type]
    return policy.judge(action, actor=ACTOR).decision.value


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# --- 1, 5, 7: the AWS CLI's aliases, home directory and environment ---------------------------


@pytest.fixture()
def alias_home(tmp_path: Path) -> str:
    """A home whose ~/.aws/cli/alias defines aliases over a delete of the protected instance."""
    home = tmp_path / "home"
    _write(
        home / ".aws/cli/alias",
        "[toplevel]\n"
        f"nuke = {DELETE_PROD_DB}\n"
        f"sts = {DELETE_PROD_DB}\n"
        "shnuke = !f() { rm -rf /srv/prod; }; f\n"
        "[command rds]\n"
        "wipe = delete-db-instance --db-instance-identifier prod-db\n",
    )
    return str(home)


@pytest.mark.parametrize(
    "command",
    [
        "aws nuke",
        "aws --profile dev sts",  # an alias over a service's name wins
        "aws shnuke",  # a ``!`` alias runs in a shell
        "aws rds wipe",  # v2's [command rds] section
    ],
)
def test_an_aws_cli_alias_is_judged_as_what_it_runs(
    policy: Policy, alias_home: str, command: str
) -> None:
    assert _decision(policy, command, home=alias_home, variables=DEV, files=LocalFiles()) == "deny"


def test_an_alias_file_written_on_the_line_under_another_home_is_read(
    policy: Policy, tmp_path: Path
) -> None:
    other = tmp_path / "h4"
    line = (
        f"mkdir -p {other}/.aws/cli && printf '[toplevel]\\nnuke = {DELETE_PROD_DB}\\n' > "
        f"{other}/.aws/cli/alias; HOME={other} aws --profile dev nuke"
    )
    assert _decision(policy, line, home=str(tmp_path), files=LocalFiles()) == "deny"


def test_a_word_no_service_has_is_not_a_harmless_read(policy: Policy) -> None:
    assert _decision(policy, "aws nuke", variables=DEV) == "ask"


def test_an_alias_file_that_cannot_be_read_makes_every_aws_command_unknown(
    policy: Policy, tmp_path: Path
) -> None:
    (tmp_path / ".aws/cli/alias").mkdir(parents=True)  # a directory where the file should be
    found = _action("aws sts get-caller-identity", home=str(tmp_path), files=LocalFiles())
    assert [e.effect.value for e in found.effects] == ["unknown"]


def test_an_alias_file_rewritten_on_the_line_in_a_way_not_known_is_unknown() -> None:
    line = "cp /tmp/a /tmp/h/.aws/cli/alias; HOME=/tmp/h aws --profile dev sts get-caller-identity"
    found = _action(line, variables=DEV)
    kinds = {e.effect.value for e in found.effects if e.service != "file"}
    assert kinds == {"unknown"}


@pytest.mark.parametrize(
    "line",
    [
        "HOME={h3} aws --profile dev rds delete-db-instance --db-instance-identifier db2",
        "export HOME={h3}; aws --profile dev rds delete-db-instance --db-instance-identifier db2",
    ],
)
def test_a_home_set_on_the_line_gives_the_profile_another_meaning(
    policy: Policy, tmp_path: Path, line: str
) -> None:
    h3 = tmp_path / "h3"
    _write(h3 / ".aws/config", ROLE_IN_PROD)
    command = line.format(h3=h3)
    assert _decision(policy, command, home=str(tmp_path), files=LocalFiles()) != "allow"


@pytest.mark.parametrize(
    "line",
    [
        "env -u AWS_PROFILE aws rds delete-db-instance --db-instance-identifier db1",
        "env --unset=AWS_PROFILE aws rds delete-db-instance --db-instance-identifier db1",
        "sudo aws rds delete-db-instance --db-instance-identifier db1",
    ],
)
def test_a_wrapper_that_drops_the_sessions_profile_leaves_it_untold(
    policy: Policy, line: str
) -> None:
    assert _decision(policy, line, variables=DEV) != "allow"


# --- 6, 10: the account a profile's config names; pulumi's twin ---------------------------------


def test_a_profile_whose_role_is_in_the_production_account_is_judged_there(
    policy: Policy, tmp_path: Path
) -> None:
    _write(tmp_path / ".aws/config", ROLE_IN_PROD)
    line = "aws --profile dev-tools rds delete-db-instance --db-instance-identifier db1"
    found = _action(line, home=str(tmp_path), files=LocalFiles())
    assert {e.target.aws_account for e in found.effects} == {PROD_ACCOUNT}
    assert policy.judge(found, actor=ACTOR).decision.value != "allow"


def test_a_profile_from_sso_names_its_account(tmp_path: Path) -> None:
    _write(tmp_path / ".aws/config", f"[profile dev]\nsso_account_id = {PROD_ACCOUNT}\n")
    found = _action("aws s3 ls", home=str(tmp_path), variables=DEV, files=LocalFiles())
    assert {e.target.aws_account for e in found.effects} == {PROD_ACCOUNT}


@pytest.mark.parametrize(
    "line", ["pulumi stack select prod && pulumi destroy --yes", "pulumi destroy --yes -s live"]
)
def test_pulumis_hintless_twin_does_not_take_the_shells_profile_back(
    policy: Policy, line: str
) -> None:
    assert _decision(policy, line, variables=DEV) == "ask"


# --- 2, 9: files the line rewrites before the command reads them -------------------------------


@pytest.mark.parametrize(
    "line",
    [
        'echo \'{{"DBInstanceIdentifier":"prod-db"}}\' > x1.json && '
        "aws rds delete-db-instance --cli-input-json file://x1.json",
        "echo prod-db > id.txt && "
        "aws rds delete-db-instance --db-instance-identifier file://id.txt",
        "sed -i s/db1/prod-db/ id.txt && "
        "aws rds delete-db-instance --db-instance-identifier file://id.txt",
    ],
)
def test_a_parameter_file_rewritten_on_the_line_is_not_read_stale(
    policy: Policy, tmp_path: Path, line: str
) -> None:
    _write(tmp_path / "x1.json", '{"DBInstanceIdentifier":"db1"}')
    _write(tmp_path / "id.txt", "db1")
    command = line.format()
    decision = _decision(policy, command, cwd=str(tmp_path), variables=DEV, files=LocalFiles())
    assert decision != "allow"


def test_a_parameter_file_written_on_the_line_is_read_as_written(policy: Policy) -> None:
    line = (
        "echo prod-db > id.txt && aws rds delete-db-instance --db-instance-identifier file://id.txt"
    )
    assert _decision(policy, line, variables=DEV) == "deny"


@pytest.fixture()
def tf_dir(tmp_path: Path) -> Path:
    state = (
        '{"version":4,"resources":[{"mode":"managed","type":"aws_db_instance","name":"main",'
        '"instances":[{"attributes":{"identifier":"prod-db"}}]}]}'
    )
    _write(tmp_path / ".terraform/environment", "default")
    _write(tmp_path / "terraform.tfstate", '{"version":4,"resources":[]}')
    _write(tmp_path / "terraform.tfstate.d/prod/terraform.tfstate", state)
    return tmp_path


@pytest.mark.parametrize(
    "line",
    [
        "echo prod > .terraform/environment && terraform destroy -auto-approve",
        "cp terraform.tfstate.d/prod/terraform.tfstate terraform.tfstate && "
        "terraform destroy -auto-approve",
    ],
)
def test_a_workspace_or_state_rewritten_on_the_line_is_not_read_stale(
    policy: Policy, tf_dir: Path, line: str
) -> None:
    found = _action(line, cwd=str(tf_dir), env="dev", files=LocalFiles())
    assert any(e.effect.value == "unknown" for e in found.effects if e.service == "terraform")
    assert policy.judge(found, actor=ACTOR).decision.value != "allow"


# --- 11: commands run on hosts and in containers -----------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "aws ssm send-command --document-name AWS-RunPowerShellScript --instance-ids i-1 "
            '--parameters commands="rm -rf /srv/prod"',
            "ask",
        ),
        (
            "aws ssm send-command --document-name AWS-RunRemoteScript --instance-ids i-1",
            "ask",
        ),
        (
            "aws ssm send-command --document-name AWS-RunShellScript --instance-ids i-1 "
            '--parameters \'{"commands":["rm -rf prod"],"workingDirectory":["/srv"]}\'',
            "deny",
        ),
        (
            "aws ssm create-association --name AWS-RunShellScript "
            '--targets Key=InstanceIds,Values=i-1 --parameters commands="rm -rf /srv/prod"',
            "deny",
        ),
        (
            "aws ssm start-session --target i-1 --document-name AWS-StartNonInteractiveCommand "
            '--parameters command="rm -rf /srv/prod"',
            "deny",
        ),
        (
            "aws ecs run-task --cluster c --task-definition td --overrides "
            '\'{"containerOverrides":[{"name":"x","command":["rm","-rf","/srv/prod"]}]}\'',
            "deny",
        ),
        ('az aks command invoke -g rg -n aks --command "kubectl delete ns payments"', "deny"),
        (
            'az vm run-command create -g rg --vm-name vm --name c1 --script "rm -rf /srv/prod"',
            "deny",
        ),
        (
            "az vmss run-command invoke -g rg -n vmss --command-id RunShellScript "
            '--instance-id 0 --scripts "rm -rf /srv/prod"',
            "deny",
        ),
        (
            "az vm extension set -g rg --vm-name vm --name CustomScript "
            "--publisher Microsoft.Azure.Extensions "
            '--settings \'{"commandToExecute":"rm -rf /srv/prod"}\'',
            "deny",
        ),
        (
            "az vm extension set -g rg --vm-name vm --name CustomScript "
            "--publisher Microsoft.Azure.Extensions --settings @settings.json",
            "ask",
        ),
    ],
)
def test_a_remote_run_command_is_judged_as_the_line_it_runs(
    policy: Policy, line: str, expected: str
) -> None:
    assert _decision(policy, line, env="dev") == expected


# --- 3, 8, 13: local files the cloud CLIs change ------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("gsutil rsync -d -r ./empty /srv/prod", "deny"),
        (
            "gcloud storage rsync -r --delete-unmatched-destination-objects gs://a /srv/prod",
            "deny",
        ),
        ("gsutil -m mv -r /srv/prod gs://a/", "deny"),
        ("gcloud storage mv --recursive /srv/prod gs://a/", "deny"),
        ("gsutil cp gs://a/x ~/.bashrc", "ask"),
        ("gcloud compute instances export web-1 --destination=/home/kiro/.bashrc", "ask"),
        ("az storage blob download -c c -n x -f /home/kiro/.bashrc", "ask"),
        ("az aks get-credentials -g rg -n main -f ~/.bashrc", "ask"),
    ],
)
def test_a_local_file_a_cloud_cli_writes_or_deletes_is_named(
    policy: Policy, line: str, expected: str
) -> None:
    assert _decision(policy, line, env="dev") == expected


@pytest.mark.parametrize(
    "line",
    [
        "gcloud container clusters get-credentials prod-gke --zone z --project acme",
        "az aks get-credentials -g rg -n main --overwrite-existing",
        "aws eks update-kubeconfig --name main",
    ],
)
def test_getting_cluster_credentials_writes_the_kubeconfig(line: str) -> None:
    found = _action(line, variables={"KUBECONFIG": "/home/kiro/kc/one:/home/kiro/kc/two"})
    writes = [e for e in found.effects if e.effect.value in ("update", "unknown")]
    assert any("file:/home/kiro/kc/one" in e.resource.names for e in writes), found.effects


# --- 4: the CDK's app and build commands ---------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "cdk ls --app 'rm -rf /srv/prod'",
        "cdk ls -a 'rm -rf /srv/prod'",
        "cdk ls --app='rm -rf /srv/prod'",
        "cdk synth --build 'rm -rf /srv/prod'",
        "cdk destroy --all --force --app 'rm -rf /srv/prod'",
        'echo \'{"app": "rm -rf /srv/prod"}\' > cdk.json && cdk synth',
    ],
)
def test_the_cdks_app_and_build_commands_are_judged(policy: Policy, line: str) -> None:
    assert _decision(policy, line, env="dev") == "deny"


def test_the_app_in_cdk_json_is_judged(policy: Policy) -> None:
    files = {f"{CWD}/cdk.json": '{"app": "rm -rf /srv/prod"}'}
    assert _decision(policy, "cdk diff", env="dev", files=files) == "deny"


def test_a_cdk_app_decided_at_run_time_is_unknown(policy: Policy) -> None:
    assert _decision(policy, 'cdk ls --app "$APP"', env="dev") == "ask"


# --- 12: S3 access points ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "aws s3api delete-object --bucket arn:aws:s3:us-east-1:123456789012:accesspoint/ap "
        "--key terraform.tfstate",
        "aws s3 rm s3://ap-abcdefghijklmnop1234567890abcd-s3alias --recursive",
        "aws s3 rm s3://arn:aws:s3:us-east-1:123456789012:accesspoint/ap/terraform.tfstate",
    ],
)
def test_a_delete_through_an_access_point_is_unknown(policy: Policy, line: str) -> None:
    found = _action(line, variables=DEV)
    assert [e.effect.value for e in found.effects] == ["unknown"]
    assert policy.judge(found, actor=ACTOR).decision.value == "ask"


def test_an_access_point_on_a_protected_bucket_is_not_allowed(policy: Policy) -> None:
    line = (
        "aws s3control create-access-point --account-id 123456789012 --name ap "
        "--bucket acme-terraform-state"
    )
    assert _decision(policy, line, variables=DEV) == "deny"


def test_the_profile_in_cdk_json_is_judged_too(policy: Policy) -> None:
    files = {f"{CWD}/cdk.json": '{"app": "true", "profile": "prod-admin"}'}
    line = "cdk destroy --all --force"
    assert _decision(policy, line, variables=DEV, files=files) == "ask"
