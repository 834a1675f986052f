"""terraform and tofu command lines."""

from __future__ import annotations

import json
import shlex

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, handler_for

E = EffectKind


def run(line: str, assignments: dict[str, str] | None = None, **ctx: object) -> list[Effect]:
    argv = tuple(shlex.split(line))
    cmd = SimpleCommand(argv=argv, program=argv[0], text=line, assignments=assignments or {})
    handler = handler_for(argv[0])
    assert handler is not None
    effects = handler(cmd, ShellContext(**ctx))  # type: ignore[arg-type]
    assert effects
    return effects


@pytest.mark.parametrize("tool", ["terraform", "tofu"])
@pytest.mark.parametrize("line", ["{} destroy -auto-approve", "{} apply -destroy"])
def test_destroy_deletes_the_workspace(tool: str, line: str) -> None:
    (effect,) = run(line.format(tool), cwd="/srv/infra")
    assert effect.effect is E.DELETE
    assert effect.resource.names == ("terraform:workspace/default", "terraform:dir:/srv/infra")
    assert effect.service == "terraform"


def test_plan_destroy_only_reads() -> None:
    assert [e.effect for e in run("terraform plan -destroy")] == [E.READ]


def test_workspace_from_env_and_chdir() -> None:
    (effect,) = run("terraform -chdir=prod destroy", {"TF_WORKSPACE": "prod-eu"}, cwd="/w")
    assert effect.resource.names == ("terraform:workspace/prod-eu", "terraform:dir:/w/prod")
    assert effect.target.terraform_workspace == "prod-eu"
    (from_env,) = run("terraform destroy", env={"TF_WORKSPACE": "stage"})
    assert from_env.target.terraform_workspace == "stage"


def test_tf_cli_args_can_turn_apply_into_destroy() -> None:
    (effect,) = run("terraform apply", {"TF_CLI_ARGS_apply": "-destroy"})
    assert effect.effect is E.DELETE


STATE = {
    "version": 4,
    "resources": [
        {
            "mode": "managed",
            "type": "aws_db_instance",
            "name": "main",
            "instances": [{"attributes": {"identifier": "prod-main", "id": "db-1"}}],
        },
        {
            "mode": "managed",
            "type": "aws_instance",
            "name": "web",
            "module": "module.app",
            "instances": [{"index_key": 0, "attributes": {"id": "i-1"}}, {"index_key": "b"}],
        },
        {"mode": "data", "type": "aws_ami", "name": "x", "instances": [{"attributes": {}}]},
    ],
}


@pytest.mark.parametrize(
    ("line", "state_path"),
    [
        ("terraform destroy", "/w/terraform.tfstate"),
        ("terraform apply -destroy -auto-approve", "/w/terraform.tfstate"),
        ("terraform -chdir=infra destroy", "/w/infra/terraform.tfstate"),
        ("terraform destroy -state=old/prod.tfstate", "/w/old/prod.tfstate"),
    ],
)
def test_destroy_deletes_what_the_local_state_lists(line: str, state_path: str) -> None:
    files = MemoryFiles({state_path: json.dumps(STATE)})
    effects = run(line, cwd="/w", files=files)
    assert [e.effect for e in effects] == [E.DELETE] * 4  # the workspace, then each instance
    listed = [e.resource.names[0] for e in effects[1:]]
    assert listed == ["aws_db_instance.main", "module.app.aws_instance.web[0]",
                      'module.app.aws_instance.web["b"]']  # fmt: skip
    assert "arn:aws:rds:*:*:db:prod-main" in effects[1].resource.names
    assert effects[1].service == "rds" and state_path in effects[1].detail


def test_a_workspace_reads_its_own_state() -> None:
    files = MemoryFiles({"/w/terraform.tfstate.d/prod/terraform.tfstate": json.dumps(STATE)})
    assert len(run("terraform destroy", {"TF_WORKSPACE": "prod"}, cwd="/w", files=files)) == 4
    assert len(run("terraform destroy", cwd="/w", files=files)) == 1  # default: no local state


@pytest.mark.parametrize("text", ["not json", "[]", '{"resources": 5}', '{"resources": [7]}'])
def test_a_state_not_understood_adds_nothing(text: str) -> None:
    files = MemoryFiles({"/w/terraform.tfstate": text})
    assert len(run("terraform destroy", cwd="/w", files=files)) == 1


def test_aws_hints_are_judged_both_ways() -> None:
    """AWS_PROFILE is only the provider's default: each change is also judged without it."""
    from keyturn.model import Target

    hinted = Target(aws_profile="dev")
    effects = run("terraform destroy", cwd="/w", target=hinted)
    assert [e.target.aws_profile for e in effects] == ["dev", None]
    assert effects[0].resource == effects[1].resource
    (plan,) = run("terraform plan", target=hinted)  # a read is judged once
    assert plan.target.aws_profile == "dev"


def test_destroy_with_targets_names_them() -> None:
    (effect,) = run("terraform destroy -target=aws_db_instance.main")
    assert effect.resource.names[0] == "aws_db_instance.main"


def test_apply_replace_and_unplanned_apply() -> None:
    effects = run("terraform apply -replace=aws_instance.a -replace=aws_instance.b")
    assert [e.effect for e in effects] == [E.REPLACE, E.REPLACE, E.UNKNOWN]
    assert [e.resource.names[0] for e in effects[:2]] == ["aws_instance.a", "aws_instance.b"]
    (unknown,) = run("terraform apply -auto-approve")
    assert unknown.effect is E.UNKNOWN and "not known until planned" in unknown.detail


def test_apply_plan_file_uses_its_json() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "aws_db_instance.main", "type": "aws_db_instance",
             "change": {"actions": ["delete"], "before": {"identifier": "prod-db"}}}
        ],
    }  # fmt: skip
    files = MemoryFiles({"/w/tfplan": "PK\x03\x04 binary plan", "/w/tfplan.json": json.dumps(plan)})
    # The JSON's effects, and an unknown: nothing ties the JSON to the binary plan applied.
    effect, untied = run("terraform apply tfplan", cwd="/w", files=files)
    assert effect.effect is E.DELETE
    assert "arn:aws:rds:*:*:db:prod-db" in effect.resource.names
    assert untied.effect is E.UNKNOWN and "cannot be shown" in untied.detail
    (unknown,) = run("terraform apply other.tfplan", cwd="/w", files=files)
    assert unknown.effect is E.UNKNOWN and "/w/other.tfplan" in unknown.resource.names
    bad = MemoryFiles({"/w/tfplan": "PK", "/w/tfplan.json": '{"format_version": "9.0"}'})
    (rejected,) = run("terraform apply tfplan", cwd="/w", files=bad)
    assert rejected.effect is E.UNKNOWN and "unknown major" in rejected.detail


@pytest.mark.parametrize(
    ("line", "kind", "name"),
    [
        ("terraform taint aws_instance.a", E.REPLACE, "aws_instance.a"),
        ("terraform untaint aws_instance.a", E.UPDATE, "aws_instance.a"),
        ("terraform state rm aws_instance.a", E.UPDATE, "aws_instance.a"),
        ("terraform state mv aws_instance.a aws_instance.b", E.UPDATE, "aws_instance.a"),
        ("terraform import aws_instance.a i-1", E.UPDATE, "aws_instance.a"),
        ("terraform workspace delete prod", E.DELETE, "terraform:workspace/prod"),
        ("terraform force-unlock 123", E.UPDATE, "terraform:workspace/default"),
        ("terraform state list", E.READ, "terraform:workspace/default"),
        ("terraform init -upgrade", E.READ, "terraform:workspace/default"),
        ("tofu validate", E.READ, "terraform:workspace/default"),
        ("terraform fmt -check -recursive", E.READ, "terraform:workspace/default"),
        ("terraform show -json tfplan", E.READ, "terraform:workspace/default"),
        ("terraform output", E.READ, "terraform:workspace/default"),
        ("terraform version", E.READ, "terraform:workspace/default"),
        ("terraform providers", E.READ, "terraform:workspace/default"),
        ("terraform test", E.UNKNOWN, "terraform:workspace/default"),
    ],
)
def test_subcommands(line: str, kind: EffectKind, name: str) -> None:
    (effect,) = run(line)
    assert effect.effect is kind
    assert effect.resource.names[0] == name


def test_state_rm_says_forgotten() -> None:
    (effect,) = run("terraform state rm module.db.aws_db_instance.main")
    assert "forgotten" in effect.detail


# --- the workspace terraform workspace select left -------------------------------------------

PROD_STATE = {"/w/terraform.tfstate.d/prod/terraform.tfstate": json.dumps(STATE)}


def test_the_selected_workspace_is_read_from_the_data_directory() -> None:
    """``terraform workspace select prod`` run earlier leaves ``.terraform/environment``: a
    later destroy acts on prod, and reads prod's state."""
    files = MemoryFiles({"/w/.terraform/environment": "prod\n", **PROD_STATE})
    effects = run("terraform destroy -auto-approve", cwd="/w", files=files)
    assert effects[0].resource.names[0] == "terraform:workspace/prod"
    assert {e.target.terraform_workspace for e in effects} == {"prod"}
    assert "aws_db_instance.main" in [e.resource.names[0] for e in effects]


def test_tf_workspace_overrides_the_selected_one() -> None:
    files = MemoryFiles({"/w/.terraform/environment": "prod", **PROD_STATE})
    (effect,) = run("terraform destroy", {"TF_WORKSPACE": "stage"}, cwd="/w", files=files)
    assert effect.target.terraform_workspace == "stage"


@pytest.mark.parametrize(
    ("line", "assignments", "environment_file"),
    [
        ("terraform -chdir=infra destroy", {}, "/w/infra/.terraform/environment"),
        ("terraform destroy", {"TF_DATA_DIR": "/data/tf"}, "/data/tf/environment"),
        ("terraform -chdir=infra destroy", {"TF_DATA_DIR": "d"}, "/w/infra/d/environment"),
    ],
)
def test_the_data_directory_follows_chdir_and_tf_data_dir(
    line: str, assignments: dict[str, str], environment_file: str
) -> None:
    files = MemoryFiles({environment_file: "prod-eu"})
    (effect,) = run(line, assignments, cwd="/w", files=files)
    assert effect.target.terraform_workspace == "prod-eu"


# --- options written with a space (Go's flag package) ----------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "terraform destroy -target aws_db_instance.main -auto-approve",
        "terraform destroy --target aws_db_instance.main",
        "terraform destroy --target=aws_db_instance.main",
        "terraform apply -destroy -target aws_db_instance.main",
    ],
)
def test_a_target_written_with_a_space_is_named(line: str) -> None:
    (effect,) = run(line)
    assert effect.effect is E.DELETE
    assert effect.resource.names[0] == "aws_db_instance.main"


def test_a_replace_written_with_a_space_is_no_plan_file() -> None:
    replaced, unplanned = run("terraform apply -auto-approve -replace aws_db_instance.main")
    assert replaced.effect is E.REPLACE and replaced.resource.names[0] == "aws_db_instance.main"
    assert unplanned.effect is E.UNKNOWN and "not known until planned" in unplanned.detail


def test_a_state_written_with_a_space_is_read() -> None:
    files = MemoryFiles({"/w/old/prod.tfstate": json.dumps(STATE)})
    assert len(run("terraform destroy -state old/prod.tfstate", cwd="/w", files=files)) == 4


def test_a_valued_option_before_the_plan_file_leaves_it_the_plan_file() -> None:
    (unknown,) = run("terraform apply -var region=eu -lock-timeout 5s tfplan", cwd="/w")
    assert "/w/tfplan" in unknown.resource.names


# --- TF_CLI_ARGS ------------------------------------------------------------------------------


def test_tf_cli_args_of_a_nested_command_go_after_its_words() -> None:
    (effect,) = run("terraform state rm", {"TF_CLI_ARGS_state_rm": "aws_db_instance.main"})
    assert effect.resource.names[0] == "aws_db_instance.main"
    (destroy,) = run(
        "terraform apply", {"TF_CLI_ARGS": "-target x.y", "TF_CLI_ARGS_apply": "-destroy"}
    )
    assert destroy.effect is E.DELETE and destroy.resource.names[0] == "x.y"


@pytest.mark.parametrize("value", ["$ARGS", "$(cat args)", "(decided at run time)"])
def test_tf_cli_args_decided_at_run_time_are_unknown(value: str) -> None:
    effects = run("terraform destroy -auto-approve", {"TF_CLI_ARGS_destroy": value})
    assert [e.effect for e in effects] == [E.DELETE, E.UNKNOWN]
    assert "TF_CLI_ARGS_destroy is decided at run time" in effects[1].detail


# --- saved plans: the JSON beside a binary plan is not that plan ------------------------------

EMPTY_PLAN = json.dumps({"format_version": "1.2", "resource_changes": []})


def test_a_forged_or_stale_json_beside_the_plan_leaves_the_apply_unknown() -> None:
    files = MemoryFiles({"/w/tfplan": "PK\x03\x04 a destroy", "/w/tfplan.json": EMPTY_PLAN})
    shown, untied = run("terraform apply -auto-approve tfplan", cwd="/w", files=files)
    assert shown.effect is E.READ  # what the JSON says
    assert untied.effect is E.UNKNOWN and "/w/tfplan" in untied.resource.names
    assert "may be stale or forged" in untied.detail


def test_a_json_without_its_binary_plan_is_no_plan_of_it() -> None:
    files = MemoryFiles({"/w/tfplan.json": EMPTY_PLAN})
    shown, untied = run("terraform apply tfplan", cwd="/w", files=files)
    assert shown.effect is E.READ
    assert untied.effect is E.UNKNOWN and "tfplan is not at hand" in untied.detail


def test_a_plan_file_that_is_its_own_json_is_judged_by_it() -> None:
    files = MemoryFiles({"/w/plan.json": EMPTY_PLAN})
    (shown,) = run("terraform apply plan.json", cwd="/w", files=files)
    assert shown.effect is E.READ


# --- instances of a resource are named by the resource too ----------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "terraform destroy -target=aws_db_instance.main[0]",
        "terraform destroy -target 'aws_db_instance.main[\"a\"]'",
        "terraform taint aws_db_instance.main[1]",
        "terraform state rm aws_db_instance.main[0]",
        "terraform apply -replace=aws_db_instance.main[0]",
    ],
)
def test_an_instance_address_is_also_named_without_its_key(line: str) -> None:
    effect = run(line)[0]
    assert effect.resource.names[0].startswith("aws_db_instance.main[")
    assert "aws_db_instance.main" in effect.resource.names


def test_a_state_instance_is_also_named_without_its_key() -> None:
    files = MemoryFiles({"/w/terraform.tfstate": json.dumps(STATE)})
    effects = run("terraform destroy", cwd="/w", files=files)
    web = [e for e in effects if e.resource.names[0] == "module.app.aws_instance.web[0]"]
    assert "module.app.aws_instance.web" in web[0].resource.names


def test_the_twin_without_aws_hints_names_the_workspace() -> None:
    """A twin with no hint at all would take the line's AWS hints back from the judge."""
    from keyturn.model import Target

    _, twin = run("terraform destroy", cwd="/w", target=Target(aws_profile="dev"))
    assert twin.target == Target(terraform_workspace="default")
