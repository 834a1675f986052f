"""The ``aws`` command line: ``aws [global options] SERVICE COMMAND [--param value ...]``.

The command is mapped back to the API call it makes through botocore's models (the CLI's
``--db-instance-identifier`` is ``xform_name("DBInstanceIdentifier", "-")``), and the call is
understood by :mod:`keyturn.understand.aws`. The high-level ``aws s3`` commands (``rm``, ``rb``,
``mv``, ``sync``...) are in :mod:`._aws_s3_cli`.

Options are read the way the CLI's argparse reads them (verified against awscli 1.46 on
Python 3.11): an option may be abbreviated to any prefix that only it starts with (``--prof``
is ``--profile``, ``--db-inst`` ``--db-instance-identifier``), first among the global options,
then among the command's; a prefix several options start with makes the command ``unknown``.

Where the call lands follows the CLI's own precedence exactly: ``--profile``, else
``AWS_DEFAULT_PROFILE``, else ``AWS_PROFILE`` (botocore's configprovider reads the two variables
in that order: ``'profile': (None, ['AWS_DEFAULT_PROFILE', 'AWS_PROFILE'], …)``), with
``--region``/``AWS_REGION``/``AWS_DEFAULT_REGION``. Keys in the environment
(``AWS_ACCESS_KEY_ID``, or ``AWS_ROLE_ARN`` with a web identity token) sign the call instead of a
profile named by a variable (botocore drops them only for an explicit ``--profile``), and a
config file named on the line gives profile names another meaning: the account is then not
known, and the policy's unknown environment applies.

Parameters hidden in files (``--cli-input-json file://x.json``, ``file://`` values) are read
through ``ctx.files``; one that cannot be read makes the command ``unknown``.

Words decided at run time (``$ARGS``, ``"$@"``, ``$(cat f)``, what ``xargs`` reads): one where the
service or operation stands makes the command ``unknown``; one that may stand for options
(``--profile x``, ``--no-dry-run``) makes the profile unknown and every call that is not a
plain read ``unknown``. botocore is imported only when an ``aws`` command is understood.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.dispatch import RUN_TIME_HINT
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

# Global options that take a value / that do not: awscli v1's ``data/cli.json`` options, and the
# v2 additions (``--cli-binary-format``, ``--no-cli-pager``, ``--cli-auto-prompt``).
GLOBAL_VALUE_OPTIONS = frozenset(
    {
        "--profile",
        "--region",
        "--endpoint-url",
        "--output",
        "--query",
        "--color",
        "--ca-bundle",
        "--cli-read-timeout",
        "--cli-connect-timeout",
        "--cli-binary-format",
    }
)
GLOBAL_FLAGS = frozenset(
    {
        "--debug",
        "--v2-debug",
        "--no-verify-ssl",
        "--no-paginate",
        "--no-cli-pager",
        "--no-sign-request",
        "--cli-auto-prompt",
        "--no-cli-auto-prompt",
        "--version",
    }
)
_GLOBAL_OPTIONS = GLOBAL_VALUE_OPTIONS | GLOBAL_FLAGS

# Variables that make the CLI sign with other credentials than the profile's (botocore's
# EnvProvider and its web-identity provider, both ahead of the profile unless --profile is
# given), and those that give profile names another meaning.
_KEY_VARIABLES = ("AWS_ACCESS_KEY_ID",)
_ROLE_VARIABLES = ("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE")
_CONFIG_VARIABLES = ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
# What the account is called when the line's own credentials or config decide it: no
# environment's pattern names it, so the policy's unknown_environment applies.
UNKNOWN_ACCOUNT = "(credentials or config given on the command line)"

# A word bash keeps as one word whatever its value: one double-quoted string without ``$@`` or
# ``${a[@]}`` (which expand to several), after an optional ``--name=``.
_ONE_WORD = re.compile(r'(?:--[A-Za-z0-9-]+=)?"[^"@]*"')


class UnreadableInput(Exception):
    """A ``file://`` parameter or input file that cannot be read or parsed."""


class AmbiguousOption(UnreadableInput):
    """An abbreviated option that several options start with."""


def resolve_option(name: str, options: Collection[str]) -> str | None:
    """The option ``name`` (``--prof``) stands for: itself when it is one, else the only one it
    starts (argparse's abbreviations, on in the AWS CLI); None when it starts none. Raises
    AmbiguousOption when it starts several: the CLI refuses it, and which ones exist differs
    between CLI versions."""
    if name in options:
        return name
    if len(name) < 3 or not name.startswith("--"):
        return None
    found = sorted(o for o in options if o.startswith(name))
    if len(found) > 1:
        raise AmbiguousOption(f"{name} is short for several options ({', '.join(found[:4])})")
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class RunTimeWords:
    """Which words of a list are decided at run time (``dynamic``), and which of those bash may
    split into several words (``splits``: an unquoted ``$X``, ``"$@"``), by index."""

    dynamic: frozenset[int] = frozenset()
    splits: frozenset[int] = frozenset()

    def shifted(self, by: int) -> RunTimeWords:
        """The same words, indexed in the list that starts ``by`` words later."""
        return RunTimeWords(
            frozenset(i - by for i in self.dynamic if i >= by),
            frozenset(i - by for i in self.splits if i >= by),
        )

    def names_option(self, index: int, word: str) -> bool:
        """Whether word ``index`` is an option whose name is written out: ``--x`` or
        ``--x=$VALUE`` (only the value decided at run time), not ``--$NAME``."""
        if not word.startswith("--"):
            return False
        name, eq, _ = word.partition("=")
        return index not in self.dynamic or (bool(eq) and not any(c in name for c in "$`{"))

    def loose(self, index: int, text: str, *, bound: bool) -> bool:
        """Whether word ``index`` (``text``) may stand for options: decided at run time, and
        either split into several words or, when not the value of an option taking exactly one
        (``bound``; argparse refuses an option there), able to start with ``-``."""
        if index not in self.dynamic:
            return False
        return index in self.splits or (not bound and could_start_option(text))


NO_RUN_TIME_WORDS = RunTimeWords()


def could_start_option(text: str) -> bool:
    """Whether a word decided at run time can begin with ``-``: its known start is empty."""
    return text[:1] in ("-", "$", "`", "{", "")


def run_time_words(cmd: SimpleCommand) -> RunTimeWords:
    """The run-time words of ``cmd.args`` (argv without the program)."""
    dynamic = frozenset(i - 1 for i in cmd.dynamic_words if i > 0)
    if not dynamic:
        return NO_RUN_TIME_WORDS
    raw = cmd.raw_argv if len(cmd.raw_argv) == len(cmd.argv) else ()
    splits = frozenset(i for i in dynamic if not raw or not _ONE_WORD.fullmatch(raw[i + 1]))
    return RunTimeWords(dynamic, splits)


@dataclass(slots=True)
class AwsCommandLine:
    """An ``aws`` command line split into its parts.

    ``run_time`` indexes ``words``; ``run_time_globals`` are the global options whose value is
    decided at run time; ``loose`` says a run-time word among the global options' values may
    stand for more words, the first of them after ``loose_at`` of ``words`` (before the
    service or operation, those may be among them)."""

    globals: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)
    run_time: RunTimeWords = field(default_factory=RunTimeWords)
    run_time_globals: set[str] = field(default_factory=set)
    loose: bool = False
    loose_at: int = 0


def split_command_line(
    args: tuple[str, ...], run_time: RunTimeWords = NO_RUN_TIME_WORDS
) -> AwsCommandLine:
    """Pull the global options (allowed anywhere on the line, abbreviated or not) out of the
    arguments. Raises AmbiguousOption for an abbreviation several global options share."""
    line = AwsCommandLine()
    dynamic: set[int] = set()
    splits: set[int] = set()
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, inline = word.partition("=")
        named = run_time.names_option(i, word)
        option = resolve_option(name, _GLOBAL_OPTIONS) if named else None
        if option in GLOBAL_VALUE_OPTIONS:
            value_at = i if eq else i + 1
            if value_at < len(args):
                line.globals[option] = inline if eq else args[value_at]
                if value_at in run_time.dynamic:
                    line.run_time_globals.add(option)
                    if value_at in run_time.splits and not line.loose:
                        line.loose, line.loose_at = True, len(line.words)
                else:
                    line.run_time_globals.discard(option)
            i = value_at
        elif option is not None:
            line.flags.add(option)
        else:
            if i in run_time.dynamic:
                dynamic.add(len(line.words))
            if i in run_time.splits:
                splits.add(len(line.words))
            line.words.append(word)
        i += 1
    line.run_time = RunTimeWords(frozenset(dynamic), frozenset(splits))
    return line


def _variable(cmd: SimpleCommand, ctx: ShellContext, name: str) -> str | None:
    value = cmd.assignments.get(name)
    return value if value is not None else ctx.env.get(name)


def target_of(cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine) -> Target:
    """Profile and region as the CLI picks them (see the module docstring), over the context."""

    def first(*variables: str) -> str | None:
        return next((v for n in variables if (v := _variable(cmd, ctx, n))), None)

    flag = line.globals.get("--profile")
    profile = flag or first("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
    region = line.globals.get("--region") or first("AWS_REGION", "AWS_DEFAULT_REGION")
    own = Target(aws_profile=profile, aws_region=region)
    if "--profile" in line.run_time_globals or line.loose:
        own = replace(own, aws_profile=RUN_TIME_HINT, aws_account=RUN_TIME_HINT)
    elif (
        any(cmd.assignments.get(n) for n in _CONFIG_VARIABLES)
        or (not flag and first(*_KEY_VARIABLES))
        or (not flag and all(_variable(cmd, ctx, n) for n in _ROLE_VARIABLES))
    ):
        own = replace(own, aws_profile=UNKNOWN_ACCOUNT, aws_account=UNKNOWN_ACCOUNT)
    return _with_profile_account(cmd, ctx, own.merged_over(ctx.target))


def _with_profile_account(cmd: SimpleCommand, ctx: ShellContext, target: Target) -> Target:
    """``target`` with the account its profile's config names (see :mod:`._aws_cli_profiles`),
    when no account is told yet; the account not known when the line rewrote the config."""
    from keyturn.understand.shell.commands._aws_cli_profiles import config_path, profile_account

    profile = target.aws_profile or "default"
    if target.aws_account or profile in (UNKNOWN_ACCOUNT, RUN_TIME_HINT):
        return target
    path = config_path(cmd, ctx)
    account = profile_account(path, profile, ctx) if path is not None else None
    if account is None:
        return target
    return replace(target, aws_account=account or UNKNOWN_ACCOUNT)


def decided_at_run_time(target: Target) -> Target:
    """``target`` with the profile and account a run-time word may change."""
    return replace(target, aws_profile=RUN_TIME_HINT, aws_account=RUN_TIME_HINT)


def read_file_value(value: str, ctx: ShellContext) -> str:
    """The text of a ``file://``/``fileb://`` value as the line leaves the file; raises
    UnreadableInput when unreadable or rewritten on the line in a way not known."""
    from keyturn.understand.shell.line_writes import one_text_on_line

    # As the line leaves it: ``echo prod-db > id.txt && aws … file://id.txt`` reads prod-db.
    text = one_text_on_line(home_path(value.split("://", 1)[1], ctx), ctx)
    if text is None:
        raise UnreadableInput(f"{value} could not be read")
    return text


def unknown_effect(cmd: SimpleCommand, target: Target, reason: str, *, name: str) -> Effect:
    """An ``unknown`` effect for an aws command keyturn could not interpret."""
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=(name,)),
        target=target,
        service=name.split(":")[2] if name.startswith("arn:aws:") else "aws",
        command=cmd.text or None,
        detail=reason,
    )


@command("aws")
def aws_handler(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Effects of one ``aws`` command line."""
    try:
        line = split_command_line(cmd.args, run_time_words(cmd))
    except AmbiguousOption as exc:
        target = target_of(cmd, ctx, AwsCommandLine())
        return [unknown_effect(cmd, decided_at_run_time(target), str(exc), name="aws:*")]
    found = _line_effects(cmd, ctx, line, expansions=0)
    if found is not None and _environment_reset(cmd, ctx, line):
        # ``sudo aws …``, ``env -u AWS_PROFILE aws …``, ``HOME=… aws …``: the profile's name
        # may mean another profile (another home's config) or none be in effect at all.
        found = [*found, *untold(found)]
    return found


# Alias expansions followed on one command (an alias may name another alias).
_MAX_EXPANSIONS = 8
# Top-level words of the CLI that are no service: nothing is called by them alone.
_NO_SERVICE_COMMANDS = frozenset({"s3", "ddb", "history", "cli-dev"})


def _line_effects(
    cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine, *, expansions: int | None
) -> list[Effect] | None:
    """Effects of the ``aws`` command ``line`` (after ``expansions`` aliases; None: the
    built-in an alias shadows runs, aliases are not looked at again)."""
    target = target_of(cmd, ctx, line)
    words, run_time = line.words, line.run_time
    if run_time.dynamic & {0, 1} or (line.loose and line.loose_at < 2):
        # ``aws $ARGS``, ``aws "$@"``, ``xargs aws``, ``aws --profile $P rds …`` ($P may be
        # ``x ec2``): the call itself is decided at run time.
        reason = "the service or operation is decided at run time"
        return [unknown_effect(cmd, decided_at_run_time(target), reason, name="aws:*")]
    if words and expansions is not None and "--version" not in line.flags:
        aliased = _aliased(cmd, ctx, line, target, expansions=expansions)
        if aliased is not None:
            return aliased
    if not words or words[0] in ("help", "--help") or "--version" in line.flags:
        return [_cli_read(cmd, target, "aws: help or version, nothing is called")]
    service, rest = words[0], words[1:]
    if service == "configure":
        return _configure(cmd, ctx, target, rest)
    if not rest and not _known_service(service):
        reason = f"aws {service}: no service of that name (an alias, or a command keyturn lacks)"
        return [unknown_effect(cmd, target, reason, name="aws:*")]
    if not rest or rest[0] in ("help", "wait") or "help" in rest[1:2]:
        return [_cli_read(cmd, target, f"aws {service}: help or waiter, nothing is changed")]
    if service == "eks" and rest[0] == "update-kubeconfig":
        return _stamp(
            [*_api_effects(cmd, ctx, target, line), _kubeconfig_write(cmd, ctx, rest)], cmd
        )
    if service == "s3":
        from keyturn.understand.shell.commands._aws_s3_cli import s3_effects

        try:
            found = s3_effects(rest, ctx=ctx, target=target, run_time=run_time.shifted(1))
        except AmbiguousOption as exc:
            return [unknown_effect(cmd, target, str(exc), name="arn:aws:s3:::*")]
        if found is not None and line.loose:
            found = loosened(found, keep_reads=True)
        return _stamp(found, cmd) if found is not None else None
    return _stamp(_api_effects(cmd, ctx, target, line), cmd)


def _kubeconfig_write(cmd: SimpleCommand, ctx: ShellContext, rest: list[str]) -> Effect:
    """``aws eks update-kubeconfig`` writes the kubeconfig (``--kubeconfig``, else the first
    file of ``KUBECONFIG``, else ``~/.kube/config``) and makes the cluster's context current."""
    from keyturn.understand.shell.commands._kube_call import kubeconfig_write
    from keyturn.understand.shell.effects import file_effect

    given = [w.partition("=")[2] for w in rest if w.startswith("--kubeconfig=")]
    given += [rest[i + 1] for i, w in enumerate(rest[:-1]) if w == "--kubeconfig"]
    detail = "aws eks update-kubeconfig: adds the cluster and makes it current"
    if given:
        return file_effect(EffectKind.UPDATE, [home_path(given[-1], ctx)], cmd, ctx, detail=detail)
    return kubeconfig_write(cmd, ctx, detail)


def _known_service(word: str) -> bool:
    from keyturn.understand.aws.catalog import resolve_service

    if word in _NO_SERVICE_COMMANDS:
        return True
    try:
        resolve_service(word)
    except InputError:
        return False
    return True


def _aliased(
    cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine, target: Target, *, expansions: int
) -> list[Effect] | None:
    """The effects of ``line`` when an alias in the CLI's alias file names its command (see
    :mod:`._aws_cli_aliases`); None when no alias applies."""
    from keyturn.understand.shell.commands._aws_cli_aliases import (
        ShellAlias,
        UnreadableAliases,
        alias_expansions,
    )

    found = alias_expansions(cmd, ctx, line)
    if not found:
        return None
    out: list[Effect] = []
    for expansion in found:
        if isinstance(expansion, UnreadableAliases):
            out.append(
                unknown_effect(cmd, decided_at_run_time(target), expansion.reason, name="aws:*")
            )
        elif isinstance(expansion, ShellAlias):
            if expansion.text is None or ctx.understand_nested is None:
                reason = "an AWS CLI alias runs shell commands that cannot be judged here"
                out.append(unknown_effect(cmd, target, reason, name="aws:*"))
            else:
                out.extend(ctx.understand_nested(expansion.text))
        elif expansions >= _MAX_EXPANSIONS:
            reason = f"AWS CLI aliases name each other more than {_MAX_EXPANSIONS} times"
            out.append(unknown_effect(cmd, target, reason, name="aws:*"))
        else:
            # An alias naming itself runs the built-in it shadows (awscli's
            # ``shadow_proxy_command``): judged without aliases from there on.
            more = None if expansion.shadows else expansions + 1
            out.extend(_line_effects(cmd, ctx, expansion.line, expansions=more) or [])
    return out or [unknown_effect(cmd, target, "an AWS CLI alias did nothing judged", name="aws:*")]


def _environment_reset(cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine) -> bool:
    """Whether the command may run with other AWS settings than the context's: under ``env``
    without ``--profile`` (``-u AWS_PROFILE``, ``-i``: which variables it drops is not kept),
    under ``sudo`` (env_reset: no ``AWS_PROFILE``, root's home), or with another home."""
    from keyturn.understand.shell.commands._aws_cli_aliases import home_changed

    if "env" in {w.split(":")[0] for w in cmd.wrappers} and "--profile" not in line.globals:
        return True
    return home_changed(cmd, ctx)


def untold(effects: list[Effect]) -> list[Effect]:
    """``effects`` again where the profile and account cannot be told (the policy's unknown
    environment): judged beside the named ones, the stricter decides."""
    return [
        replace(
            e, target=replace(e.target, aws_profile=UNKNOWN_ACCOUNT, aws_account=UNKNOWN_ACCOUNT)
        )
        for e in effects
        if e.target.aws_profile != UNKNOWN_ACCOUNT
    ]


_LOOSE = "a word decided at run time may stand for options (another profile, --no-dry-run...)"


def loosened(effects: list[Effect], *, keep_reads: bool) -> list[Effect]:
    """``effects`` when a word decided at run time may stand for options: the profile and
    account are not known, and every effect is ``unknown`` but, with ``keep_reads``, a read (a
    read-only operation stays one whatever its options)."""
    out: list[Effect] = []
    for e in effects:
        target = decided_at_run_time(e.target)
        if keep_reads and e.effect is EffectKind.READ:
            out.append(replace(e, target=target))
        else:
            detail = e.detail if _LOOSE in e.detail else f"{e.detail}; {_LOOSE}".lstrip("; ")
            out.append(replace(e, effect=EffectKind.UNKNOWN, target=target, detail=detail))
    return out


def _stamp(effects: list[Effect], cmd: SimpleCommand) -> list[Effect]:
    return [e if e.command else replace(e, command=cmd.text or None) for e in effects]


def _cli_read(cmd: SimpleCommand, target: Target, detail: str) -> Effect:
    return Effect(
        effect=EffectKind.READ,
        resource=Resource(names=("aws:cli",)),
        target=target,
        service="aws",
        command=cmd.text or None,
        detail=detail,
    )


def _configure(
    cmd: SimpleCommand, ctx: ShellContext, target: Target, rest: list[str]
) -> list[Effect]:
    """``aws configure list|get`` read the local configuration; anything else writes it."""
    reads = bool(rest) and rest[0] in ("list", "get", "list-profiles", "export-credentials")
    return [
        Effect(
            effect=EffectKind.READ if reads else EffectKind.UPDATE,
            resource=Resource(names=(f"file:{home_path(f'~/.aws/{n}', ctx)}",), type="file"),
            target=target,
            service="file",
            command=cmd.text or None,
            detail=f"aws configure {' '.join(rest[:1])}".strip(),
        )
        for n in ("config", "credentials")
    ]


def _api_effects(
    cmd: SimpleCommand, ctx: ShellContext, target: Target, line: AwsCommandLine
) -> list[Effect]:
    from keyturn.understand.aws import aws_effects
    from keyturn.understand.aws.catalog import operation_model, resolve_operation, resolve_service
    from keyturn.understand.aws.special import is_dry_run
    from keyturn.understand.aws.verbs import classify
    from keyturn.understand.shell.commands._aws_cli_params import options_to_params

    service, operation = line.words[0], line.words[1]
    fallback = f"arn:aws:{service}:*:*:*"
    try:
        name = resolve_service(service)
        op = resolve_operation(name, operation)
        fallback = f"arn:aws:{name}:*:*:*"
        parsed = options_to_params(
            operation_model(name, op), line.words[2:], ctx=ctx, run_time=line.run_time.shifted(2)
        )
        if parsed.params is None:
            return [_cli_read(cmd, target, "--generate-cli-skeleton: nothing is called")]
        effects = aws_effects(name, op, parsed.params, target=target)
        effects += _remote_effects(name, op, parsed.params, cmd, ctx, target)
        if line.loose or parsed.loose:
            # ``--dry-run $X``: the last of --dry-run/--no-dry-run wins, and $X may be either.
            reads = classify(name, op).effect is EffectKind.READ
            return loosened(effects, keep_reads=reads and not is_dry_run(parsed.params))
        return effects
    except (InputError, UnreadableInput) as exc:
        return [unknown_effect(cmd, target, str(exc), name=fallback)]


def _remote_effects(
    service: str,
    operation: str,
    params: Mapping[str, Any],
    cmd: SimpleCommand,
    ctx: ShellContext,
    target: Target,
) -> list[Effect]:
    """What the shell commands a call runs on hosts or containers do (``ssm send-command``
    with ``AWS-RunShellScript``, ``ecs execute-command``): judged as the command lines they
    are; ``unknown`` when the call does not spell them out."""
    from keyturn.understand.aws.remote_commands import NOT_SPELT, remote_commands

    out: list[Effect] = []
    for text in remote_commands(service, operation, params):
        if text == NOT_SPELT or ctx.understand_nested is None:
            reason = f"runs shell commands on hosts that cannot be judged here: {text}"
            out.append(unknown_effect(cmd, target, reason, name=f"arn:aws:{service}:*:*:*"))
        else:
            out.extend(ctx.understand_nested(text))
    return out


def parse_value(text: str) -> Any:
    """A CLI value: JSON when it looks like JSON, else the text itself."""
    stripped = text.strip()
    if stripped[:1] in ("{", "[", '"'):
        try:
            return json.loads(stripped)
        except ValueError:
            return text
    return text


def as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    """``value`` when it is a JSON object; raises UnreadableInput otherwise."""
    if not isinstance(value, Mapping):
        raise UnreadableInput(f"{what}: expected a JSON object")
    return value
