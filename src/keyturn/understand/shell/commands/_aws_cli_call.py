"""The API call an ``aws`` command line makes, and its effects.

From the command line split by :mod:`._aws_cli_words`: the botocore operation and its
parameters (:mod:`._aws_cli_params`), the local files the call reads and writes
(:mod:`._aws_cli_files`), what it runs on hosts (:mod:`._aws_cli_remote`), and the call's
effects from :mod:`keyturn.understand.aws`; with the ``unknown`` and loosened effects of a
call that cannot be read or whose options are decided at run time.

Moved out of :mod:`.aws_cli` to keep that module small (STYLE.md: small modules, one concept
each); :mod:`.aws_cli` reads the command line around the call (aliases, ``aws s3``, the
CLI's own commands, settings) and still offers :func:`loosened` and :func:`unknown_effect`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from keyturn.errors import InputError
from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.openings import opening
from keyturn.understand.shell.commands._aws_cli_profiles import decided_at_run_time
from keyturn.understand.shell.commands._aws_cli_words import AwsCommandLine, UnreadableInput
from keyturn.understand.shell.effects import changes_unknown
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

if TYPE_CHECKING:
    from keyturn.understand.shell.commands._aws_cli_params import OptionWords


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


_LOOSE = "a word decided at run time may stand for options (another profile, --no-dry-run...)"


def _opened_at_run_time(effects: list[Effect], qualified: str, words: OptionWords) -> list[Effect]:
    """``effects`` of the call ``qualified``, each change marked as removing protection when a
    parameter deciding whether it opens what it names to anyone is decided at run time
    (``s3api put-object --acl "$X"``: ``$X`` may be ``public-read``)."""
    from keyturn.understand.aws.run_time_exposure import exposure_at_run_time

    members = {g.spec.member for g in words.given if g.at_run_time and g.spec.member}
    why = exposure_at_run_time(qualified, members) if members else None
    if why is None:
        return effects
    return opening(effects, f"removes protection: {why}", where=lambda e: e.operation == qualified)


def loosened(effects: list[Effect], *, keep_reads: bool) -> list[Effect]:
    """``effects`` when a word decided at run time may stand for options: the profile and
    account are not known, and every effect is ``unknown`` but, with ``keep_reads``, a read (a
    read-only operation stays one whatever its options)."""
    return [
        replace(e, target=decided_at_run_time(e.target))
        for e in changes_unknown(effects, _LOOSE, keep_reads=keep_reads)
    ]


def _cli_read(cmd: SimpleCommand, target: Target, detail: str) -> Effect:
    return Effect(
        effect=EffectKind.READ,
        resource=Resource(names=("aws:cli",)),
        target=target,
        service="aws",
        command=cmd.text or None,
        detail=detail,
    )


def _api_effects(
    cmd: SimpleCommand, ctx: ShellContext, target: Target, line: AwsCommandLine
) -> list[Effect]:
    """The API call's effects, after those on the local files it reads and writes."""
    from keyturn.understand.aws import aws_effects
    from keyturn.understand.aws.catalog import operation_model, resolve_operation, resolve_service
    from keyturn.understand.aws.special import is_dry_run
    from keyturn.understand.aws.verbs import classify
    from keyturn.understand.shell.commands._aws_cli_files import local_file_effects
    from keyturn.understand.shell.commands._aws_cli_params import (
        named_anyway,
        options_to_params,
        split_options,
    )
    from keyturn.understand.shell.commands._aws_cli_remote import remote_effects

    service, operation = line.words[0], line.words[1]
    fallback = f"arn:aws:{service}:*:*:*"
    files: list[Effect] = []
    named: list[Effect] = []
    try:
        name = resolve_service(service)
        fallback = f"arn:aws:{name}:*:*:*"
        op = resolve_operation(name, operation)
        model = operation_model(name, op)
        words = split_options(model, line.words[2:], line.run_time.shifted(2))
        # What the call names even when a file it reads for a parameter cannot be read.
        named = named_anyway(model, words, ctx=ctx, target=target)
        # Before the parameters: a file the CLI reads is read even when its text is not known.
        files = local_file_effects(model, words, cmd, ctx, shown=f"aws {service} {operation}")
        parsed = options_to_params(model, words, ctx=ctx)
        if parsed.params is None:
            return [*files, _cli_read(cmd, target, "--generate-cli-skeleton: nothing is called")]
        effects = _opened_at_run_time(
            aws_effects(name, op, parsed.params, target=target), f"{name}:{op}", words
        )
        effects = [*files, *effects, *remote_effects(name, op, parsed.params, cmd, ctx, target)]
        if line.loose or parsed.loose:
            # ``--dry-run $X``: the last of --dry-run/--no-dry-run wins, and $X may be either.
            reads = classify(name, op).effect is EffectKind.READ
            return loosened(effects, keep_reads=reads and not is_dry_run(parsed.params))
        return effects
    except (InputError, UnreadableInput) as exc:
        # A call naming no resource is the service-wide ``unknown`` below already.
        named = [e for e in named if e.resource.type != "aws-service"]
        found = [replace(e, effect=EffectKind.UNKNOWN, detail=str(exc)) for e in named]
        return [*files, *found, unknown_effect(cmd, target, str(exc), name=fallback)]
