"""A variable a tool reads, exported earlier on the line, reaches the commands after it as it
does when written before the command: ``export KUBECONFIG=…; kubectl delete …`` is judged
like ``KUBECONFIG=… kubectl delete …``. The caller's own environment says dev."""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import HOME

DEV = {"AWS_PROFILE": "dev"}
FILES = {
    f"{HOME}/.kube/config": "current-context: dev-1\n",
    "/tmp/prod.conf": "current-context: prod-eu\n",
    "/tmp/tf/environment": "prod\n",
}
TERMINATE = "aws ec2 terminate-instances --instance-ids i-1"


@pytest.mark.parametrize(
    "command",
    [
        f"export AWS_ACCESS_KEY_ID=AKIAEXAMPLE; {TERMINATE}",
        f"export AWS_CONFIG_FILE=/tmp/c; {TERMINATE}",
        "export AWS_CONFIG_FILE=/tmp/c; aws --profile dev ec2 terminate-instances",
        f"export AWS_SHARED_CREDENTIALS_FILE=/tmp/c; {TERMINATE}",
        f"export AWS_ROLE_ARN=arn:aws:iam::1:role/x AWS_WEB_IDENTITY_TOKEN_FILE=/t; {TERMINATE}",
        f"export AWS_DEFAULT_PROFILE=prod AWS_PROFILE=dev; {TERMINATE}",
        "export KUBECONFIG=/tmp/prod.conf; kubectl delete deploy api",
        "export KUBECONFIG=/tmp/prod.conf && helm uninstall pay",
        "export HELM_KUBECONTEXT=prod-eu; helm uninstall pay",
        "export HELM_KUBEAPISERVER=https://prod:6443; helm uninstall pay",
        "export PGHOST=db.prod.internal; psql -d shop -c 'DROP TABLE users'",
        "export PGHOST=db.prod.internal; pg_restore --clean -d shop dump.sql",
        "export MYSQL_HOST=db.prod.internal; mysql shop -e 'DROP TABLE users'",
        "export NOMAD_ADDR=https://nomad.prod.internal; nomad job stop web",
        "export ARGOCD_SERVER=argocd.prod.internal; argocd app delete shop",
        "export CLOUDSDK_CORE_PROJECT=acme-prod; gcloud compute instances delete web-1",
    ],
)
def test_an_exported_variable_moves_what_follows(command: str, judge_shell) -> None:
    judged = judge_shell(command, variables=DEV, files=FILES)
    changes = [j for j in judged.judgements if j.effect.effect.value != "read"]
    assert "production" in {j.environment for j in changes}, list(judged.reasons)


@pytest.mark.parametrize(
    "command",
    [
        "export TF_CLI_ARGS_apply=-destroy; terraform apply -auto-approve",
        "export TF_CLI_ARGS=-destroy; terraform apply -auto-approve",
        "TF_CLI_ARGS_apply=-destroy; terraform apply -auto-approve",  # exported already, maybe
    ],
)
def test_exported_terraform_arguments_are_read(command: str, judge_shell) -> None:
    judged = judge_shell(command, variables=DEV)
    kinds = {j.effect.effect.value for j in judged.judgements}
    assert "delete" in kinds, list(judged.reasons)


def test_an_exported_data_directory_tells_the_workspace(judge_shell) -> None:
    judged = judge_shell("export TF_DATA_DIR=/tmp/tf; terraform destroy", files=FILES)
    names = {n for j in judged.judgements for n in j.effect.resource.names}
    assert "terraform:workspace/prod" in names, names


def test_an_exported_argument_decided_at_run_time_is_unknown(judge_shell) -> None:
    judged = judge_shell("export TF_CLI_ARGS_apply=$X; terraform apply", variables=DEV)
    details = [j.effect.detail for j in judged.judgements]
    assert any("TF_CLI_ARGS_apply is decided at run time" in d for d in details), details
