"""The ``aws`` command line: ``aws [global options] SERVICE COMMAND [--param value ...]``.

The command is mapped back to the API call it makes through botocore's models (the CLI's
``--db-instance-identifier`` is ``xform_name("DBInstanceIdentifier", "-")``), and the call is
understood by :mod:`keyturn.understand.aws`. The high-level ``aws s3`` commands (``rm``, ``rb``,
``mv``, ``sync``...) are in :mod:`._aws_s3_cli`.

``--profile``/``--region`` (or ``AWS_PROFILE``, ``AWS_REGION``, ``AWS_DEFAULT_REGION`` set on the
line or in the environment) become the effects' target. Parameters hidden in files
(``--cli-input-json file://x.json``, ``file://`` values) are read through ``ctx.files``; one that
cannot be read makes the command ``unknown``. botocore is imported only when an ``aws`` command
is understood.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

# Global options that take a value / that do not (aws help topics: config-vars, global options).
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
        "--no-verify-ssl",
        "--no-paginate",
        "--no-cli-pager",
        "--no-sign-request",
        "--cli-auto-prompt",
        "--no-cli-auto-prompt",
        "--version",
    }
)
# Per-command options the CLI adds to every operation (pagination, input, skeleton).
_CLI_VALUE_OPTIONS = frozenset(
    {"--starting-token", "--page-size", "--max-items", "--cli-input-json", "--cli-input-yaml"}
)


class UnreadableInput(Exception):
    """A ``file://`` parameter or input file that cannot be read or parsed."""


@dataclass(slots=True)
class AwsCommandLine:
    """An ``aws`` command line split into its parts."""

    globals: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)


def split_command_line(args: tuple[str, ...]) -> AwsCommandLine:
    """Pull the global options (allowed anywhere on the line) out of the arguments."""
    line = AwsCommandLine()
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, inline = word.partition("=")
        if name in GLOBAL_VALUE_OPTIONS:
            if eq:
                line.globals[name] = inline
            elif i + 1 < len(args):
                line.globals[name] = args[i + 1]
                i += 1
        elif word in GLOBAL_FLAGS:
            line.flags.add(word)
        else:
            line.words.append(word)
        i += 1
    return line


def target_of(cmd: SimpleCommand, ctx: ShellContext, line: AwsCommandLine) -> Target:
    """Profile and region: flag, then assignment on the line, then environment, then context."""

    def pick(flag: str, *variables: str) -> str | None:
        if line.globals.get(flag):
            return line.globals[flag]
        for source in (cmd.assignments, ctx.env):
            for var in variables:
                if source.get(var):
                    return source[var]
        return None

    own = Target(
        aws_profile=pick("--profile", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"),
        aws_region=pick("--region", "AWS_REGION", "AWS_DEFAULT_REGION"),
    )
    return own.merged_over(ctx.target)


def read_file_value(value: str, ctx: ShellContext) -> str:
    """The text of a ``file://``/``fileb://`` value; raises UnreadableInput when unreadable."""
    path = value.split("://", 1)[1]
    text = ctx.files.read_text(home_path(path, ctx))
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
    line = split_command_line(cmd.args)
    target = target_of(cmd, ctx, line)
    words = line.words
    if not words or words[0] in ("help", "--help") or "--version" in line.flags:
        return [_cli_read(cmd, target, "aws: help or version, nothing is called")]
    service, rest = words[0], words[1:]
    if service == "configure":
        return _configure(cmd, ctx, target, rest)
    if not rest or rest[0] in ("help", "wait") or "help" in rest[1:2]:
        return [_cli_read(cmd, target, f"aws {service}: help or waiter, nothing is changed")]
    if service == "s3":
        from keyturn.understand.shell.commands._aws_s3_cli import s3_effects

        found = s3_effects(rest, ctx=ctx, target=target)
        return _stamp(found, cmd) if found is not None else None
    return _stamp(_api_effects(cmd, ctx, target, service, rest), cmd)


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
    cmd: SimpleCommand, ctx: ShellContext, target: Target, service: str, rest: list[str]
) -> list[Effect]:
    from keyturn.understand.aws import aws_effects
    from keyturn.understand.aws.catalog import operation_model, resolve_operation, resolve_service
    from keyturn.understand.shell.commands._aws_cli_params import options_to_params

    fallback = f"arn:aws:{service}:*:*:*"
    try:
        name = resolve_service(service)
        op = resolve_operation(name, rest[0])
        fallback = f"arn:aws:{name}:*:*:*"
        params = options_to_params(operation_model(name, op), rest[1:], ctx=ctx)
        if params is None:
            return [_cli_read(cmd, target, "--generate-cli-skeleton: nothing is called")]
        return aws_effects(name, op, params, target=target)
    except (InputError, UnreadableInput) as exc:
        return [unknown_effect(cmd, target, str(exc), name=fallback)]


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
