"""Which profile an ``aws`` command runs with, and the account that profile acts in.

The profile: ``--profile``, else the profile variables, else ``default``. Which variable wins
depends on the CLI installed, which keyturn cannot see: v1's botocore reads
``AWS_DEFAULT_PROFILE`` before ``AWS_PROFILE`` (``'profile': (None, ['AWS_DEFAULT_PROFILE',
'AWS_PROFILE'], …)``), v2's the reverse. When the two name different profiles the command is
judged under both (:func:`profile_orders`), and the stricter judgement stands.

Keys in the environment (``AWS_ACCESS_KEY_ID``, or ``AWS_ROLE_ARN`` with a web identity token)
sign the call instead of a profile named by a variable (botocore drops them only for an
explicit ``--profile``), and a config or credentials file named on the line gives profile
names another meaning: the account is then not known, and the policy's unknown environment
applies.

A profile's name need not tell where it lands: ``[profile dev-tools]`` with ``role_arn =
arn:aws:iam::111111111111:role/admin`` assumes a role in that account, ``sso_account_id``
signs in to one. The files are read as botocore reads them (:mod:`._aws_cli_config`), and such
an account is told beside the profile's name, so a policy's ``aws_accounts`` judges it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from keyturn.model import Target
from keyturn.understand.shell.commands._aws_cli_config import Profiles, read_profiles
from keyturn.understand.shell.commands._aws_cli_words import AwsCommandLine
from keyturn.understand.shell.dispatch import RUN_TIME_HINT
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# The order each CLI reads the profile variables in (see the module docstring).
V1_ORDER = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
V2_ORDER = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")
ProfileOrder = tuple[str, str]

# Variables that make the CLI sign with other credentials than the profile's (botocore's
# EnvProvider and its web-identity provider, both ahead of the profile unless --profile is
# given), and those that give profile names another meaning.
_KEY_VARIABLES = ("AWS_ACCESS_KEY_ID",)
_ROLE_VARIABLES = ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")
_CONFIG_VARIABLES = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
# What the account is called when the line's own credentials or config decide it: no
# environment's pattern names it, so the policy's unknown_environment applies.
UNKNOWN_ACCOUNT = "(credentials or config given on the command line)"


def variable(cmd: SimpleCommand, ctx: ShellContext, name: str) -> str | None:
    """The variable ``name`` as the command sees it: the line's, else the caller's."""
    value = cmd.assignments.get(name)
    return value if value is not None else ctx.env.get(name)


def _first(cmd: SimpleCommand, ctx: ShellContext, names: tuple[str, ...]) -> str | None:
    return next((v for n in names if (v := variable(cmd, ctx, n))), None)


def profile_orders(
    cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine
) -> tuple[ProfileOrder, ...]:
    """The orders to judge the command in: v1's, and v2's too when it picks another profile."""
    if line.globals.get("--profile"):
        return (V1_ORDER,)
    if _first(cmd, ctx, V1_ORDER) == _first(cmd, ctx, V2_ORDER):
        return (V1_ORDER,)
    return (V1_ORDER, V2_ORDER)


def profile_in_use(
    cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine, *, order: ProfileOrder
) -> str | None:
    """The profile's name as the CLI reading the variables in ``order`` picks it; None when a
    word decided at run time may name it."""
    if "--profile" in line.run_time_globals or line.loose:
        return None
    name = line.globals.get("--profile") or _first(cmd, ctx, order) or ctx.target.aws_profile
    return None if name == RUN_TIME_HINT else name or "default"


def target_of(
    cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine, *, order: ProfileOrder = V1_ORDER
) -> Target:
    """Profile and region as the CLI picks them (see the module docstring), over the context."""
    flag = line.globals.get("--profile")
    profile = flag or _first(cmd, ctx, order)
    region = line.globals.get("--region") or _first(cmd, ctx, ("AWS_REGION", "AWS_DEFAULT_REGION"))
    own = Target(aws_profile=profile, aws_region=region)
    if "--profile" in line.run_time_globals or line.loose:
        own = decided_at_run_time(own)
    elif (
        any(cmd.assignments.get(n) for n in _CONFIG_VARIABLES)
        or (not flag and _first(cmd, ctx, _KEY_VARIABLES))
        or (not flag and all(variable(cmd, ctx, n) for n in _ROLE_VARIABLES))
    ):
        own = replace(own, aws_profile=UNKNOWN_ACCOUNT, aws_account=UNKNOWN_ACCOUNT)
    return _with_profile_account(cmd, ctx, own.merged_over(ctx.target))


def decided_at_run_time(target: Target) -> Target:
    """``target`` with the profile and account a run-time word may change."""
    return replace(target, aws_profile=RUN_TIME_HINT, aws_account=RUN_TIME_HINT)


def _with_profile_account(cmd: SimpleCommand, ctx: ShellContext, target: Target) -> Target:
    """``target`` with the account its profile's settings name, when no account is told yet;
    neither profile nor account told when the line rewrote a settings file in a way not known
    or the profile's sections name several accounts."""
    profile = target.aws_profile or "default"
    if target.aws_account or profile in (UNKNOWN_ACCOUNT, RUN_TIME_HINT):
        return target
    profiles, unread = read_profiles(cmd, ctx)
    account = profile_account(profiles, profile)
    if account == UNKNOWN_ACCOUNT or any(file.wrote for file in unread):
        # Not told: the profile's name must not place it either (``dev`` may be production).
        return replace(target, aws_profile=UNKNOWN_ACCOUNT, aws_account=UNKNOWN_ACCOUNT)
    return target if account is None else replace(target, aws_account=account)


def profile_account(profiles: Profiles, profile: str) -> str | None:
    """The account ``profile`` acts in (its ``role_arn``'s, else its ``sso_account_id``);
    None when its settings name none. Every section naming the profile counts, those botocore
    lets a later one replace too (a CLI version may read duplicates otherwise): several
    accounts named make it not told."""
    found = {
        account
        for settings in (profiles.profiles.get(profile, {}), *profiles.every.get(profile, ()))
        if (account := _account(settings))
    }
    if len(found) > 1:
        return UNKNOWN_ACCOUNT
    return next(iter(found), None)


def _account(settings: Mapping[str, str]) -> str | None:
    account = settings.get("sso_account_id", "").strip()
    role = settings.get("role_arn", "").strip()
    if role.startswith("arn:") and len(role.split(":")) > 4:
        account = role.split(":")[4] or account
    return account or None
