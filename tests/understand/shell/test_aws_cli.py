"""The ``aws`` command line, understood as the API calls it makes."""

from __future__ import annotations

import shlex

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand import MemoryFiles
from keyturn.understand.shell.commands.aws_cli import aws_handler
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

D, U, C, R = EffectKind.DELETE, EffectKind.UPDATE, EffectKind.CREATE, EffectKind.READ


def run(
    line: str,
    *,
    assignments: dict[str, str] | None = None,
    ctx: ShellContext | None = None,
) -> list[Effect]:
    argv = tuple(shlex.split(line))
    cmd = SimpleCommand(argv=argv, program=argv[0], assignments=assignments or {}, text=line)
    found = aws_handler(cmd, ctx or ShellContext())
    assert found is not None
    return found


def pairs(effects: list[Effect]) -> list[tuple[EffectKind, str]]:
    return [(e.effect, e.resource.name) for e in effects]


def test_delete_db_instance_with_globals_before_and_after() -> None:
    effects = run(
        "aws --profile prod-admin --no-cli-pager rds delete-db-instance "
        "--db-instance-identifier prod-db --skip-final-snapshot --region eu-west-1 --output json"
    )
    assert pairs(effects) == [(D, "arn:aws:rds:eu-west-1:*:db:prod-db")]
    assert effects[0].target.aws_profile == "prod-admin"
    assert effects[0].target.aws_region == "eu-west-1"
    assert effects[0].operation == "rds:DeleteDBInstance"
    assert effects[0].command is not None


def test_equals_form_of_global_options() -> None:
    effects = run("aws --region=us-east-2 --profile=dev iam delete-user --user-name bob")
    assert pairs(effects) == [(D, "arn:aws:iam::*:user/bob")]
    assert effects[0].target == Target(aws_profile="dev", aws_region="us-east-2")


def test_profile_and_region_from_assignments_and_environment() -> None:
    ctx = ShellContext(env={"AWS_PROFILE": "staging", "AWS_DEFAULT_REGION": "us-west-1"})
    effects = run("aws ec2 describe-instances", ctx=ctx)
    assert effects[0].target.aws_profile == "staging"
    assert effects[0].target.aws_region == "us-west-1"
    effects = run("aws ec2 describe-instances", assignments={"AWS_PROFILE": "prod"}, ctx=ctx)
    assert effects[0].target.aws_profile == "prod"
    effects = run("aws --profile dev ec2 describe-instances", assignments={"AWS_PROFILE": "prod"})
    assert effects[0].target.aws_profile == "dev"
    assert effects[0].effect is R


def test_context_target_is_kept_under_own_flags() -> None:
    ctx = ShellContext(target=Target(aws_account="111111111111", aws_profile="x"))
    effect = run("aws --profile y s3api delete-bucket --bucket b", ctx=ctx)[0]
    assert effect.target == Target(aws_account="111111111111", aws_profile="y")


def test_no_deletion_protection_removes_protection() -> None:
    effect = run(
        "aws rds modify-db-instance --db-instance-identifier prod-db --no-deletion-protection "
        "--apply-immediately"
    )[0]
    assert (effect.effect, effect.removes_protection) == (U, True)
    kept = run("aws rds modify-db-instance --db-instance-identifier prod-db --deletion-protection")
    assert kept[0].removes_protection is False


def test_ec2_boolean_attribute_and_lists_and_dry_run() -> None:
    effect = run(
        "aws ec2 modify-instance-attribute --instance-id i-1 --no-disable-api-termination"
    )[0]
    assert effect.removes_protection
    effects = run("aws ec2 terminate-instances --instance-ids i-1 i-2")
    assert pairs(effects) == [
        (D, "arn:aws:ec2:*:*:instance/i-1"),
        (D, "arn:aws:ec2:*:*:instance/i-2"),
    ]
    dry = run("aws ec2 terminate-instances --dry-run --instance-ids i-1 i-2")
    assert [e.effect for e in dry] == [R, R]


def test_shorthand_and_json_values() -> None:
    effect = run(
        "aws elbv2 modify-load-balancer-attributes --load-balancer-arn "
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1 "
        "--attributes Key=deletion_protection.enabled,Value=false"
    )[0]
    assert effect.removes_protection
    assert effect.target.aws_account == "123456789012"
    effects = run(
        """aws s3api delete-objects --bucket b --delete '{"Objects":[{"Key":"a"},{"Key":"b"}]}'"""
    )
    assert pairs(effects) == [(D, "arn:aws:s3:::b/a"), (D, "arn:aws:s3:::b/b")]
    suspended = run(
        "aws s3api put-bucket-versioning --bucket b --versioning-configuration Status=Suspended"
    )[0]
    assert suspended.removes_protection


def test_integers_from_the_command_line() -> None:
    effect = run(
        "aws autoscaling set-desired-capacity --auto-scaling-group-name web --desired-capacity 0"
    )[0]
    assert "scales to zero" in effect.detail


def _api(effects: list[Effect]) -> list[Effect]:
    """The call's own effects, without the reads of the local files it takes parameters from."""
    return [e for e in effects if e.service != "file"]


def _files_read(effects: list[Effect]) -> list[str]:
    return [e.resource.name for e in effects if e.service == "file" and e.effect is EffectKind.READ]


def test_file_values_read_through_the_file_reader() -> None:
    files = MemoryFiles(
        {
            "/work/batch.json": '{"Changes":[{"Action":"DELETE",'
            '"ResourceRecordSet":{"Name":"a.example.com","Type":"A"}}]}',
            "/work/in.json": '{"DBInstanceIdentifier": "prod-x"}',
            "/root/in.yaml": "DBInstanceIdentifier: prod-y\n",
        }
    )
    ctx = ShellContext(cwd="/work", files=files)
    change = run(
        "aws route53 change-resource-record-sets --hosted-zone-id Z1 "
        "--change-batch file://batch.json",
        ctx=ctx,
    )
    assert [e.effect for e in _api(change)] == [D]
    # The local file the parameter comes from is read (keyturn's own files are held so).
    assert _files_read(change) == ["file:/work/batch.json"]
    hidden = run("aws rds delete-db-instance --cli-input-json file://in.json", ctx=ctx)
    assert pairs(_api(hidden)) == [(D, "arn:aws:rds:*:*:db:prod-x")]
    assert _files_read(hidden) == ["file:/work/in.json"]
    absolute = run("aws rds delete-db-instance --cli-input-json file:///work/in.json", ctx=ctx)
    assert pairs(absolute) == pairs(hidden)
    yaml = run("aws rds delete-db-instance --cli-input-yaml file://~/in.yaml", ctx=ctx)
    assert pairs(_api(yaml)) == [(D, "arn:aws:rds:*:*:db:prod-y")]
    # Options on the line win over the input file.
    both = run(
        "aws rds delete-db-instance --cli-input-json file://in.json --db-instance-identifier other",
        ctx=ctx,
    )
    assert pairs(_api(both)) == [(D, "arn:aws:rds:*:*:db:other")]


def test_missing_input_file_is_unknown_with_reason() -> None:
    effects = _api(run("aws rds delete-db-instance --cli-input-json file://gone.json"))
    assert [e.effect for e in effects] == [EffectKind.UNKNOWN]
    assert "gone.json" in effects[0].detail


def test_unknown_operation_is_unknown_with_suggestion() -> None:
    effects = run("aws rds delete-db-instanz --db-instance-identifier x")
    assert [e.effect for e in effects] == [EffectKind.UNKNOWN]
    assert "delete-db-instance" in effects[0].detail
    assert run("aws nosuchservice do-thing")[0].effect is EffectKind.UNKNOWN


def test_service_aliases() -> None:
    assert run("aws configservice stop-configuration-recorder --configuration-recorder-name d")[
        0
    ].operation == ("config:StopConfigurationRecorder")
    assert run("aws deploy delete-application --application-name a")[0].effect is D


def test_help_wait_skeleton_and_version_are_reads() -> None:
    for line in (
        "aws help",
        "aws --version",
        "aws rds help",
        "aws rds delete-db-instance help",
        "aws ec2 wait instance-running --instance-ids i-1",
        "aws rds delete-db-instance --generate-cli-skeleton",
    ):
        assert [e.effect for e in run(line)] == [R], line


def test_configure_writes_local_files() -> None:
    effects = run("aws configure set region eu-west-1")
    assert {e.resource.name for e in effects} == {
        "file:/root/.aws/config",
        "file:/root/.aws/credentials",
    }
    assert {e.effect for e in effects} == {U}
    assert {e.effect for e in run("aws configure list")} == {R}


def test_s3_high_level_commands() -> None:
    ctx = ShellContext(cwd="/site")
    assert pairs(run("aws s3 rm s3://b/logs/x.txt")) == [(D, "arn:aws:s3:::b/logs/x.txt")]
    assert pairs(run("aws s3 rm s3://b/logs --recursive")) == [(D, "arn:aws:s3:::b/logs*")]
    rb = run("aws s3 rb s3://b --force")
    assert pairs(rb) == [(D, "arn:aws:s3:::b/*"), (D, "arn:aws:s3:::b")]
    assert pairs(run("aws s3 rb s3://b")) == [(D, "arn:aws:s3:::b")]
    mv = run("aws s3 mv s3://b/a s3://c/a")
    assert pairs(mv) == [(D, "arn:aws:s3:::b/a"), (U, "arn:aws:s3:::c/a")]
    sync = run("aws s3 sync . s3://b/site --delete --exclude '*.tmp'", ctx=ctx)
    assert pairs(sync) == [
        (R, "file:/site/*"),
        (U, "arn:aws:s3:::b/site*"),
        (D, "arn:aws:s3:::b/site*"),
    ]
    cp = run("aws s3 cp ./index.html s3://b/index.html", ctx=ctx)
    assert pairs(cp) == [(R, "file:/site/index.html"), (U, "arn:aws:s3:::b/index.html")]
    down = run("aws s3 cp s3://b/k ./k", ctx=ctx)
    assert pairs(down) == [(R, "arn:aws:s3:::b/k"), (U, "file:/site/k")]
    assert pairs(run("aws s3 mb s3://new")) == [(C, "arn:aws:s3:::new")]
    assert [e.effect for e in run("aws s3 ls s3://b/")] == [R]
    assert [e.effect for e in run("aws s3 rm s3://b/p --recursive --dryrun")] == [R]
    assert "s3://b/logs*" in run("aws s3 rm s3://b/logs --recursive")[0].resource.names


def test_unrecognised_s3_form_is_left_to_the_structure_side() -> None:
    cmd = SimpleCommand(argv=("aws", "s3", "frob", "x"), program="aws", text="aws s3 frob x")
    assert aws_handler(cmd, ShellContext()) is None


def test_equal_commands_give_equal_effects() -> None:
    a = run("aws rds delete-db-instance --db-instance-identifier x --skip-final-snapshot")
    b = run("aws rds delete-db-instance --skip-final-snapshot --db-instance-identifier=x")
    from dataclasses import replace

    assert [replace(e, command=None) for e in a] == [replace(e, command=None) for e in b]
