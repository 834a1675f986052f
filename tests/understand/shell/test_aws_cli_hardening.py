"""The ``aws`` command line read the way the CLI reads it: words decided at run time, the
options argparse lets one abbreviate, which profile and credentials sign the call.

Judged under the BRIEF policy (``arn:aws:rds:*:*:db:prod-*`` and ``acme-terraform-state*``
protected; profiles ``prod*`` are production, ``dev*`` dev; unknown environments production).
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Actor, EffectKind, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

DEV = {"AWS_PROFILE": "dev"}
_POLICY: list[Policy] = []


def understood(line: str, variables: Mapping[str, str] | None = None) -> Action:
    return understand_shell(
        line, cwd="/w", home="/home/u", env=variables or {}, files=MemoryFiles({})
    )


def verdict(line: str, variables: Mapping[str, str] | None = None) -> Verdict:
    if not _POLICY:
        _POLICY.append(load_policy(BRIEF_POLICY, source="brief.yaml"))
    action = understood(line, variables)
    return _POLICY[0].judge(action, actor=Actor(agent="kiro", operator="bob")).decision


def aws_effects(line: str, variables: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``(effect, primary name)`` of the effects the aws command itself has."""
    return [
        (e.effect.value, e.resource.name)
        for e in understood(line, variables).effects
        if e.service not in ("shell", "file")
    ]


# -- words decided at run time -----------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "aws $(cat cmd.txt)",
        "aws $ARGS",
        'aws "${ARR[@]}"',
        "xargs aws < cmd.txt",
        'f(){ aws "$@"; }; f rds delete-db-instance --db-instance-identifier prod-main',
        "bash -c 'aws \"$@\"' _ rds delete-db-instance --db-instance-identifier prod-main",
        "aws rds $OP --db-instance-identifier prod-main",
        "aws --profile $P ec2 describe-instances",  # $P may be "x rds delete-db-instance …"
    ],
)
def test_a_call_decided_at_run_time_is_unknown(line: str) -> None:
    # Was read as "help or waiter, nothing is changed", allowed everywhere.
    assert ("unknown", "aws:*") in aws_effects(line, DEV)
    assert verdict(line, DEV) is not Verdict.ALLOW
    assert verdict(line) is Verdict.DENY


@pytest.mark.parametrize(
    "line",
    [
        "aws help",
        "aws rds help",
        "aws rds delete-db-instance help",
        "aws rds wait db-instance-available --db-instance-identifier prod-main",
    ],
)
def test_literal_help_and_waiters_stay_reads(line: str) -> None:
    assert verdict(line, DEV) is Verdict.ALLOW


def test_a_run_time_word_after_dry_run_may_cancel_it() -> None:
    # The CLI's last --dry-run/--no-dry-run wins, and $X may be --no-dry-run.
    line = "aws ec2 terminate-instances --instance-ids i-1 --dry-run $X"
    assert aws_effects(line, DEV) == [("unknown", "arn:aws:ec2:*:*:instance/i-1")]
    assert verdict(line, DEV) is not Verdict.ALLOW
    quoted = 'aws ec2 terminate-instances --instance-ids i-1 --dry-run "$X"'
    assert verdict(quoted, DEV) is not Verdict.ALLOW
    literal = "aws ec2 terminate-instances --instance-ids i-1 --dry-run"
    assert aws_effects(literal, DEV) == [("read", "arn:aws:ec2:*:*:instance/i-1")]


def test_run_time_options_make_the_call_and_its_profile_unknown() -> None:
    # $FLAGS may name the database, another profile, anything.
    assert aws_effects("aws rds delete-db-instance $FLAGS") == [("unknown", "arn:aws:rds:*:*:*")]
    assert verdict("aws rds delete-db-instance $FLAGS") is Verdict.DENY
    # $X may be --profile prod-admin: a terminate "in dev" is not known to be in dev.
    line = "aws ec2 terminate-instances --instance-ids i-1 $X"
    assert verdict(line, DEV) is not Verdict.ALLOW
    # A read stays a read whatever its options, but no longer lands in dev for sure.
    effect = understood("aws ec2 describe-instances $X", DEV).effects[-1]
    assert effect.effect is EffectKind.READ
    assert effect.target.aws_profile != "dev"


def test_an_unquoted_run_time_value_may_split_into_options() -> None:
    # $(cat f) may be "prod-main --no-deletion-protection": more options than one value.
    split = (
        "aws rds modify-db-instance --db-instance-identifier $(cat f) --backup-retention-period 7"
    )
    assert verdict(split, DEV) is not Verdict.ALLOW
    # Quoted, it is one value (argparse would refuse an option in its place): judged as before.
    one = 'aws rds modify-db-instance --db-instance-identifier "$DB" --backup-retention-period 7'
    assert verdict(one, DEV) is Verdict.ALLOW


def test_names_never_carry_a_run_time_account_or_region() -> None:
    line = 'aws --profile "$P" --region "$R" rds delete-db-instance --db-instance-identifier prod-x'
    effect = understood(line).effects[-1]
    assert effect.target.aws_profile == effect.target.aws_account == "(decided at run time)"
    assert effect.resource.names == ("arn:aws:rds:*:*:db:prod-x",)
    assert verdict(line) is Verdict.DENY


# -- abbreviated options ----------------------------------------------------------------------


def test_abbreviated_global_options() -> None:
    line = "aws ec2 terminate-instances --instance-ids i-1 --prof prod-admin"
    effect = understood(line, DEV).effects[-1]
    assert effect.target.aws_profile == "prod-admin"
    assert verdict(line, DEV) is Verdict.ASK
    assert understood("aws --p prod-x ec2 describe-instances").effects[-1].target.aws_profile == (
        "prod-x"
    )


def test_abbreviated_operation_options() -> None:
    assert aws_effects("aws rds delete-db-instance --db-inst prod-main") == [
        ("delete", "arn:aws:rds:*:*:db:prod-main")
    ]
    assert verdict("aws rds delete-db-instance --db-inst prod-main") is Verdict.DENY
    toggle = "aws rds modify-db-instance --db-instance-identifier prod-main --no-deletion-prot"
    assert understood(toggle).effects[-1].removes_protection
    assert verdict(toggle) is Verdict.DENY
    hidden = """aws rds delete-db-instance --cli-input-j '{"DBInstanceIdentifier": "prod-main"}'"""
    assert aws_effects(hidden) == [("delete", "arn:aws:rds:*:*:db:prod-main")]


def test_abbreviated_s3_options() -> None:
    line = "aws s3 sync s3://acme-empty s3://acme-terraform-state-prod --del"
    assert ("delete", "arn:aws:s3:::acme-terraform-state-prod/*") in aws_effects(line)
    assert verdict(line) is Verdict.DENY
    assert [k for k, _ in aws_effects("aws s3 rm s3://b/k --dry")] == ["read"]


@pytest.mark.parametrize(
    "line",
    [
        "aws ec2 terminate-instances --instance-ids i-1 --c x",  # --color, --ca-bundle, --cli-…
        "aws rds delete-db-instance --db-instance-identifier x --s",  # skip-…, starting-token
        "aws s3 sync . s3://b --s",  # --sse, --sse-c, --size-only...
    ],
)
def test_an_ambiguous_abbreviation_is_unknown(line: str) -> None:
    assert [k for k, _ in aws_effects(line, DEV)] == ["unknown"]
    assert verdict(line, DEV) is not Verdict.ALLOW


# -- which profile and credentials sign the call --------------------------------------------


def test_aws_default_profile_wins_over_aws_profile() -> None:
    # botocore's configprovider: 'profile' <- ['AWS_DEFAULT_PROFILE', 'AWS_PROFILE'].
    both = "AWS_PROFILE=dev AWS_DEFAULT_PROFILE=prod-admin "
    line = both + "aws ec2 terminate-instances --instance-ids i-1"
    assert understood(line).effects[-1].target.aws_profile == "prod-admin"
    assert verdict(line) is Verdict.ASK
    from_env = {"AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "prod-admin"}
    assert verdict("aws ec2 terminate-instances --instance-ids i-1", from_env) is Verdict.ASK
    flag = "aws --profile dev ec2 terminate-instances --instance-ids i-1"
    assert verdict(flag, from_env) is Verdict.ALLOW


def test_credentials_on_the_line_leave_the_account_unknown() -> None:
    keys = "AWS_ACCESS_KEY_ID=AKIAPRODKEY AWS_SECRET_ACCESS_KEY=y "
    line = keys + "aws ec2 terminate-instances --instance-ids i-1"
    assert verdict(line, DEV) is Verdict.ASK  # production (unknown), not dev
    assert understood(line, DEV).effects[-1].target.aws_profile != "dev"
    # An explicit --profile makes botocore skip the environment's keys.
    flagged = keys + "aws --profile dev ec2 terminate-instances --instance-ids i-1"
    assert verdict(flagged) is Verdict.ALLOW
    # Keys in the environment sign the call too.
    env = {**DEV, "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "y"}
    assert verdict("aws ec2 terminate-instances --instance-ids i-1", env) is Verdict.ASK
    # A config file named on the line gives "dev" another meaning.
    other = "AWS_CONFIG_FILE=/tmp/c aws --profile dev ec2 terminate-instances --instance-ids i-1"
    assert verdict(other) is Verdict.ASK


# -- protections switched off ----------------------------------------------------------------


def test_rds_identifiers_are_named_in_lower_case() -> None:
    line = "aws rds delete-db-instance --db-instance-identifier PROD-MAIN --skip-final-snapshot"
    names = understood(line).effects[-1].resource.names
    assert names[:2] == ("arn:aws:rds:*:*:db:prod-main", "arn:aws:rds:*:*:db:PROD-MAIN")
    assert verdict(line) is Verdict.DENY


@pytest.mark.parametrize(
    "toggle",
    [
        "--attribute disableApiTermination --value false",
        "--disable-api-termination Value=false",
        """--disable-api-termination '{"Value": false}'""",
        "--no-disable-api-termination",
        "--enable-api-termination",
    ],
)
def test_ec2_termination_protection_toggles(toggle: str) -> None:
    line = f"aws ec2 modify-instance-attribute --instance-id i-1 {toggle}"
    assert understood(line).effects[-1].removes_protection
    # Then a terminate on the same line deletes an instance whose protection went first.
    both = f"{line} && aws ec2 terminate-instances --instance-ids i-1"
    assert verdict(both) is Verdict.DENY


def test_ec2_protection_switched_on_is_no_removal() -> None:
    for toggle in ("--disable-api-termination", "--disable-api-termination Value=true"):
        line = f"aws ec2 modify-instance-attribute --instance-id i-1 {toggle}"
        assert not understood(line).effects[-1].removes_protection


def test_renaming_a_protected_database_unprotects_it() -> None:
    line = (
        "aws rds modify-db-instance --db-instance-identifier prod-main "
        "--new-db-instance-identifier tmp-x --apply-immediately && "
        "aws rds delete-db-instance --db-instance-identifier tmp-x --skip-final-snapshot"
    )
    assert verdict(line) is Verdict.DENY
    plain = "aws rds modify-db-instance --db-instance-identifier dev-a --apply-immediately"
    assert not understood(plain).effects[-1].removes_protection
