"""The ``aws`` command line: ``aws [global options] SERVICE COMMAND [--param value ...]``.

The command is mapped back to the API call it makes through botocore's models (the CLI's
``--db-instance-identifier`` is ``xform_name("DBInstanceIdentifier", "-")``), and the call is
understood by :mod:`keyturn.understand.aws`. Around that:

- the words are read as the CLI's argparse reads them, abbreviations and words decided at run
  time included (:mod:`._aws_cli_words`, :mod:`._aws_cli_params`);
- the profile and account follow the CLI's own precedence, judged under both CLI versions'
  when they differ (:mod:`._aws_cli_profiles`), from the config and credentials files read as
  botocore reads them (:mod:`._aws_cli_config`);
- settings that run a program or replace the service models (a ``credential_process`` in a
  config file the line names, ``AWS_DATA_PATH``) are judged or make the call ``unknown``
  (:mod:`._aws_cli_settings`);
- local files the call reads or writes (``file://`` values, ``--body PATH``, a streaming
  operation's ``outfile``) are judged as the shell's own reads and writes are
  (:mod:`._aws_cli_files`); the high-level ``aws s3`` commands are in :mod:`._aws_s3_cli`,
  the CLI's aliases in :mod:`._aws_cli_aliases`, its own ``aws emr`` commands in
  :mod:`._aws_cli_emr`, its ``aws cloudformation deploy`` in :mod:`._aws_cli_cloudformation`;
  what a call runs on hosts (``ssm send-command``) is judged there, as :mod:`._aws_cli_remote`
  says.
- the API call itself and its effects, once the line is read, are in :mod:`._aws_cli_call`.

Parameters hidden in files (``--cli-input-json file://x.json``, ``file://`` values) are read
through ``ctx.files``; one that cannot be read makes the command ``unknown``.

Words decided at run time (``$ARGS``, ``"$@"``, ``$(cat f)``, what ``xargs`` reads): one where the
service or operation stands makes the command ``unknown``; one that may stand for options
(``--profile x``, ``--no-dry-run``) makes the profile unknown and every call that is not a
plain read ``unknown``. botocore is imported only when an ``aws`` command is understood.
"""

from __future__ import annotations

from dataclasses import replace
from importlib import import_module

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._aws_cli_call import (
    _api_effects,
    _cli_read,
    unknown_effect,
)
from keyturn.understand.shell.commands._aws_cli_call import loosened as loosened
from keyturn.understand.shell.commands._aws_cli_profiles import (
    UNKNOWN_ACCOUNT as UNKNOWN_ACCOUNT,
)
from keyturn.understand.shell.commands._aws_cli_profiles import (
    V1_ORDER,
    ProfileOrder,
    decided_at_run_time,
    profile_in_use,
    profile_orders,
    target_of,
)
from keyturn.understand.shell.commands._aws_cli_words import (
    GLOBAL_FLAGS as GLOBAL_FLAGS,
)
from keyturn.understand.shell.commands._aws_cli_words import (
    GLOBAL_VALUE_OPTIONS as GLOBAL_VALUE_OPTIONS,
)
from keyturn.understand.shell.commands._aws_cli_words import (
    AmbiguousOption,
    AwsCommandLine,
    run_time_words,
    split_command_line,
)
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command


@command("aws")
def aws_handler(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Effects of one ``aws`` command line."""
    try:
        line = split_command_line(cmd.args, run_time_words(cmd))
    except AmbiguousOption as exc:
        target = target_of(cmd, ctx, AwsCommandLine())
        return [unknown_effect(cmd, decided_at_run_time(target), str(exc), name="aws:*")]
    judged: list[list[Effect]] = []
    for order in profile_orders(cmd, ctx, line):
        found = _line_effects(cmd, ctx, line, expansions=0, order=order)
        if found is None:
            return None
        judged.append(_with_settings(cmd, ctx, line, found, order=order))
    # v1's judgement last (the one botocore's own order gives), the other's beside it.
    v1 = judged[0]
    found = list(dict.fromkeys([*(e for j in judged[1:] for e in j if e not in v1), *v1]))
    if _environment_reset(cmd, ctx, line):
        # ``sudo aws …``, ``env -u AWS_PROFILE aws …``, ``HOME=… aws …``: the profile's name
        # may mean another profile (another home's config) or none be in effect at all.
        found = [*found, *untold(found)]
    return found


def _with_settings(
    cmd: SimpleCommand,
    ctx: ShellContext,
    line: AwsCommandLine,
    found: list[Effect],
    *,
    order: ProfileOrder,
) -> list[Effect]:
    """``found`` with what the CLI's settings change: service models from elsewhere make the
    call ``unknown``, and a program a settings file of the line names is judged (see
    :mod:`._aws_cli_settings`). Help and ``--version`` call nothing."""
    from keyturn.understand.shell.commands._aws_cli_settings import (
        models_replaced,
        settings_effects,
        with_models_replaced,
    )

    words = line.words
    if not words or words[0] in ("help", "--help") or "--version" in line.flags:
        return found
    if "help" in words[1:3] or "--generate-cli-skeleton" in words:
        return found
    profile = profile_in_use(cmd, ctx, line, order=order)
    reason = models_replaced(cmd, ctx, profile=profile, service=_service_name(words[0]))
    if reason is not None:
        found = with_models_replaced(found, reason)
    target = target_of(cmd, ctx, line, order=order)
    return [*found, *settings_effects(cmd, ctx, target, profile=profile)]


def _service_name(word: str) -> str | None:
    """botocore's name of the CLI's service ``word`` (``s3api`` is ``s3``), if it is one."""
    from keyturn.understand.aws.catalog import resolve_service

    try:
        return resolve_service(word)
    except InputError:
        return None


# Alias expansions followed on one command (an alias may name another alias).
_MAX_EXPANSIONS = 8
# Top-level words of the CLI that are no service: nothing is called by them alone.
_NO_SERVICE_COMMANDS = frozenset({"s3", "ddb", "history", "cli-dev"})


def _line_effects(
    cmd: SimpleCommand,
    ctx: ShellContext,
    line: AwsCommandLine,
    *,
    expansions: int | None,
    order: ProfileOrder = V1_ORDER,
) -> list[Effect] | None:
    """Effects of the ``aws`` command ``line`` (after ``expansions`` aliases; None: the
    built-in an alias shadows runs, aliases are not looked at again), with the profile
    variables read in ``order``."""
    target = target_of(cmd, ctx, line, order=order)
    words, run_time = line.words, line.run_time
    if run_time.dynamic & {0, 1} or (line.loose and line.loose_at < 2):
        # ``aws $ARGS``, ``aws "$@"``, ``xargs aws``, ``aws --profile $P rds …`` ($P may be
        # ``x ec2``): the call itself is decided at run time.
        reason = "the service or operation is decided at run time"
        return [unknown_effect(cmd, decided_at_run_time(target), reason, name="aws:*")]
    if words and expansions is not None and "--version" not in line.flags:
        aliased = _aliased(cmd, ctx, line, target, expansions=expansions, order=order)
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
            found = s3_effects(rest, cmd=cmd, ctx=ctx, target=target, run_time=run_time.shifted(1))
        except AmbiguousOption as exc:
            return [unknown_effect(cmd, target, str(exc), name="arn:aws:s3:::*")]
        if found is not None and line.loose:
            found = loosened(found, keep_reads=True)
        return _stamp(found, cmd) if found is not None else None
    if service in _CUSTOM:
        module, function, namespace = _CUSTOM[service]
        custom_effects = getattr(import_module(f"{__package__}.{module}"), function)
        try:
            shifted = run_time.shifted(1)
            custom = custom_effects(rest, cmd=cmd, ctx=ctx, target=target, run_time=shifted)
        except AmbiguousOption as exc:
            return [unknown_effect(cmd, target, str(exc), name=f"arn:aws:{namespace}:*:*:*")]
        if custom is not None:  # one of the CLI's own commands (``emr ssh``, ``deploy``)
            made, loose = custom
            return _stamp(loosened(made, keep_reads=True) if loose or line.loose else made, cmd)
    return _stamp(_api_effects(cmd, ctx, target, line), cmd)


# Services with commands of the CLI's own (no API operation): the module that reads them, its
# function (``(effects, loose)``, or None for an API operation) and the service's ARN name.
_CUSTOM = {
    "emr": ("_aws_cli_emr", "emr_effects", "elasticmapreduce"),
    "cloudformation": ("_aws_cli_cloudformation", "cloudformation_effects", "cloudformation"),
}


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
    cmd: SimpleCommand,
    ctx: ShellContext,
    line: AwsCommandLine,
    target: Target,
    *,
    expansions: int,
    order: ProfileOrder,
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
            then = _line_effects(cmd, ctx, expansion.line, expansions=more, order=order)
            out.extend(then or [])
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


def _stamp(effects: list[Effect], cmd: SimpleCommand) -> list[Effect]:
    return [e if e.command else replace(e, command=cmd.text or None) for e in effects]


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
