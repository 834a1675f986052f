"""``terraform plan`` is no read when the configuration's data sources act when read.

Terraform reads every data source whose arguments are known while it plans (Terraform's
documentation, "Data Sources": "read during the planning phase"; so do ``apply`` and
``destroy`` without a saved plan, ``refresh``, ``import``, ``console`` and ``test``, which
plan first). The hashicorp/external data source runs its ``program`` then (its documentation:
"the program is run … during the plan"), hashicorp/http sends its request with the configured
``method`` (``GET`` by default), azapi_resource_action calls its action (``POST`` by default),
aws_lambda_invocation invokes the function. So a planted ``data "external"`` runs any command
on the operator's machine at the next ``terraform plan`` -- which keyturn judged a read.
Confirmed here with terraform 1.11's own reading of the files only (no provider but AWS's is
installable on this machine); what each data source does is from its provider's documentation.
"""

from __future__ import annotations

import json

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import Effect, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_EXTERNAL = 'data "external" "x" {\n  program = ["sh", "-c", "rm -rf ~"]\n}\n'
_BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "acme-logs"\n}\n'


def effects(command: str, files: dict[str, str], env: dict[str, str] | None = None) -> list[Effect]:
    action = understand_shell(command, cwd=CWD, home=HOME, env=env, files=MemoryFiles(files))
    return list(action.effects)


def unknown_names(command: str, files: dict[str, str]) -> set[str]:
    return {
        name
        for e in effects(command, files)
        if e.effect is EffectKind.UNKNOWN
        for name in e.resource.names
    }


@pytest.mark.parametrize(
    "command",
    [
        "terraform plan",
        "terraform plan -destroy",
        "terraform plan -refresh=false",
        "terraform apply",
        "terraform apply -auto-approve",
        "terraform destroy",
        "terraform refresh",
        "terraform console",
        "terraform test",
        "terraform import aws_s3_bucket.b acme-logs",
        "tofu plan",
    ],
)
def test_a_command_that_plans_runs_an_external_data_source(command: str) -> None:
    files = {f"{CWD}/main.tf": _BUCKET + _EXTERNAL}
    assert "data.external.x" in unknown_names(command, files)


@pytest.mark.parametrize("command", ["terraform validate", "terraform init", "terraform fmt"])
def test_commands_that_do_not_plan_read_no_data_source(command: str) -> None:
    files = {f"{CWD}/main.tf": _BUCKET + _EXTERNAL}
    assert "data.external.x" not in unknown_names(command, files)


def test_the_plan_is_held_for_the_program_it_runs(judge_shell: JudgeShell) -> None:
    plain = judge_shell("terraform plan", env="dev", files={f"{CWD}/main.tf": _BUCKET})
    planted = judge_shell(
        "terraform plan", env="dev", files={f"{CWD}/main.tf": _BUCKET + _EXTERNAL}
    )
    assert plain.decision is Verdict.ALLOW
    assert planted.decision is not Verdict.ALLOW


@pytest.mark.parametrize(
    ("config", "acts"),
    [
        ('data "http" "x" {\n  url = "https://example.com"\n}\n', False),
        ('data "http" "x" {\n  url = "https://e.com"\n  method = "GET"\n}\n', False),
        ('data "http" "x" {\n  url = "https://e.com"\n  method = "head"\n}\n', False),
        ('data "http" "x" {\n  url = "https://e.com"\n  method = "DELETE"\n}\n', True),
        ('data "http" "x" {\n  url = "https://e.com"\n  method = var.method\n}\n', True),
        ('data "http" "x" {\n  url = "https://e.com"\n  method = "${var.m}"\n}\n', True),
        ('data "azapi_resource_action" "x" {\n  type = "a@1"\n}\n', True),
        ('data "azapi_resource_action" "x" {\n  type = "a@1"\n  method = "GET"\n}\n', False),
        ('data "aws_lambda_invocation" "x" {\n  function_name = "f"\n  input = "{}"\n}\n', True),
        ('data "local_command" "x" {\n  command = "id"\n}\n', True),
        ('data "aws_s3_bucket" "x" {\n  bucket = "b"\n}\n', False),
    ],
)
def test_only_data_sources_that_act_when_read(config: str, acts: bool) -> None:
    found = unknown_names("terraform plan", {f"{CWD}/main.tf": config})
    assert any(n.startswith("data.") for n in found) is acts, found


def test_a_check_blocks_scoped_data_source_is_read_while_planning() -> None:
    config = 'check "up" {\n  data "external" "probe" {\n    program = ["id"]\n  }\n}\n'
    assert "data.external.probe" in unknown_names("terraform plan", {f"{CWD}/c.tf": config})


@pytest.mark.parametrize(
    "config",
    [
        '# data "external" "x" {\n#   program = ["id"]\n# }\n',
        '/* data "external" "x" {\n  program = ["id"]\n} */\n',
        'locals {\n  text = <<EOT\ndata "external" "x" {\n}\nEOT\n}\n',
        'locals {\n  text = "data \\"external\\" \\"x\\" {}"\n}\n',
        # A block of that shape nested in a resource is no data source.
        'resource "null_resource" "r" {\n  data "external" "x" {\n  }\n}\n',
    ],
)
def test_text_that_is_no_data_block_is_not_one(config: str) -> None:
    assert not unknown_names("terraform plan", {f"{CWD}/main.tf": config})


def test_the_json_syntax_is_read_too() -> None:
    config = {"data": {"external": {"x": {"program": ["id"]}}}}
    scoped = {"check": {"c": {"data": {"http": {"y": {"url": "u", "method": "POST"}}}}}}
    found = unknown_names(
        "terraform plan",
        {f"{CWD}/a.tf.json": json.dumps(config), f"{CWD}/b.tf.json": json.dumps(scoped)},
    )
    assert {"data.external.x", "data.http.y"} <= found


def test_local_modules_are_followed() -> None:
    files = {
        f"{CWD}/main.tf": 'module "net" {\n  source = "./modules/net"\n}\n',
        f"{CWD}/modules/net/main.tf": 'module "deep" {\n  source = "../deep"\n}\n',
        f"{CWD}/modules/deep/x.tf": _EXTERNAL,
    }
    assert "module.net.module.deep.data.external.x" in unknown_names("terraform plan", files)


def test_installed_modules_are_read_where_init_put_them() -> None:
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {
                "Key": "vpc",
                "Source": "registry.terraform.io/x/vpc/aws",
                "Dir": ".terraform/modules/vpc",
            },
        ]
    }
    files = {
        f"{CWD}/main.tf": 'module "vpc" {\n  source = "x/vpc/aws"\n}\n',
        f"{CWD}/.terraform/modules/modules.json": json.dumps(manifest),
        f"{CWD}/.terraform/modules/vpc/data.tf": _EXTERNAL,
    }
    assert "module.vpc.data.external.x" in unknown_names("terraform plan", files)


def test_chdir_reads_that_directory() -> None:
    files = {f"{CWD}/infra/main.tf": _EXTERNAL, f"{CWD}/main.tf": _BUCKET}
    assert "data.external.x" in unknown_names("terraform -chdir=infra plan", files)
    assert not unknown_names("terraform plan", files)


def test_a_configuration_written_on_the_line_is_not_known() -> None:
    files = {f"{CWD}/main.tf": _BUCKET}
    line = 'echo "$PAYLOAD" > extra.tf && terraform plan'
    assert any(
        e.effect is EffectKind.UNKNOWN and "writes the configuration" in (e.detail or "")
        for e in effects(line, files)
    )


def test_a_saved_plan_is_judged_by_its_json_not_the_files() -> None:
    files = {f"{CWD}/main.tf": _EXTERNAL}
    assert "data.external.x" not in unknown_names("terraform apply tfplan", files)


def test_a_file_terraform_cannot_read_makes_the_reads_unknown() -> None:
    files = {f"{CWD}/main.tf": 'data "external" "x" {\n  program = ["id"]\n'}
    assert any(
        "cannot be read" in (e.detail or "")
        for e in effects("terraform plan", files)
        if e.effect is EffectKind.UNKNOWN
    )


@pytest.mark.parametrize(
    ("config", "acts"),
    [
        ('data "helm_template" "x" {\n  name = "a"\n  chart = "b"\n}\n', False),
        (
            'data "helm_template" "x" {\n  name = "a"\n  chart = "b"\n'
            '  postrender {\n    binary_path = "./render.sh"\n  }\n}\n',
            True,
        ),
    ],
)
def test_a_helm_template_runs_its_post_renderer(config: str, acts: bool) -> None:
    """The helm provider's ``helm_template`` data source pipes the rendered chart through its
    ``postrender`` binary (the provider's documentation)."""
    found = unknown_names("terraform plan", {f"{CWD}/main.tf": config})
    assert ("data.helm_template.x" in found) is acts, found


def test_a_planned_helm_template_with_a_post_renderer_is_unknown() -> None:
    from keyturn.understand.terraform import understand_terraform

    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "data.helm_template.x",
                "mode": "data",
                "type": "helm_template",
                "name": "x",
                "provider_name": "registry.terraform.io/hashicorp/helm",
                "change": {
                    "actions": ["read"],
                    "before": None,
                    "after": {"name": "a", "postrender": [{"binary_path": "./render.sh"}]},
                    "after_unknown": {},
                },
            }
        ],
    }
    action = understand_terraform(json.dumps(plan))
    assert any(
        e.effect is EffectKind.UNKNOWN and "./render.sh" in (e.detail or "") for e in action.effects
    ), action.effects
