"""The AWS CLI's own ``aws cloudformation deploy``, which is no API operation of the model
(and its ``package``, read in :mod:`._aws_cli_cfn_package`).

awscli 1.46's ``customizations/cloudformation/deploy.py`` reads the local ``--template-file``
(a path, not a ``file://`` value), uploads it to ``--s3-bucket`` under ``--s3-prefix`` when one
is given (``PutObject``), makes a change set for the stack ``--stack-name`` (``CreateChangeSet``,
of type ``CREATE`` for a new stack, ``UPDATE`` for one that exists) with the template, each
``--parameter-overrides Key=Value`` and ``UsePreviousValue`` for every other parameter the
template declares, and runs it (``ExecuteChangeSet``) unless ``--no-execute-changeset``.

The change set is never shown before it runs: ``deploy`` is judged as the stack update it is
(``cloudformation:UpdateStack`` with that template and those parameters:
:mod:`keyturn.understand.aws.stack_updates` -- the template's resources may be replaced, those
it leaves out deleted), plus the read of the template and the upload. With
``--no-execute-changeset`` it only makes the change set (``CreateChangeSet`` with that template),
which changes nothing until it is run, the reviewed road: only macros the template names run
then (:mod:`keyturn.understand.aws.stack_creates`). Options may be abbreviated, as argparse allows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Target
from keyturn.understand.shell.commands._aws_cli_emr import api_effects, split_custom
from keyturn.understand.shell.commands._aws_cli_words import RunTimeWords
from keyturn.understand.shell.effects import file_effect, file_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

# ``deploy``'s options (awscli's ARG_TABLE) -> how many words they take.
_DEPLOY: dict[str, str] = {
    **{f"--{o}": "1" for o in ("template-file", "stack-name", "s3-bucket", "s3-prefix")},
    **{f"--{o}": "1" for o in ("kms-key-id", "role-arn")},
    **{f"--{o}": "+" for o in ("parameter-overrides", "capabilities", "notification-arns")},
    "--tags": "+",
    **{f"--{o}": "0" for o in ("force-upload", "no-execute-changeset", "disable-rollback")},
    **{f"--{o}": "0" for o in ("no-disable-rollback", "fail-on-empty-changeset")},
    "--no-fail-on-empty-changeset": "0",
}
# The change set's name: awscli's prefix and the time it is made.
_CHANGE_SET = "awscli-cloudformation-package-deploy-*"


def cloudformation_effects(
    words: list[str],
    *,
    cmd: SimpleCommand,
    ctx: ShellContext,
    target: Target,
    run_time: RunTimeWords,
) -> tuple[list[Effect], bool] | None:
    """``(effects, loose)`` of ``aws cloudformation deploy …`` (``words`` from the command
    on), else None (an API operation). ``loose``: a word decided at run time may stand for
    options. Raises AmbiguousOption for an abbreviation several options share."""
    if words[0] == "package":
        from keyturn.understand.shell.commands._aws_cli_cfn_package import package_effects

        return package_effects(
            words[1:], cmd=cmd, ctx=ctx, target=target, run_time=run_time.shifted(1)
        )
    if words[0] != "deploy":
        return None
    given, loose = split_custom(words[1:], _DEPLOY, run_time.shifted(1))
    stack = (given.get("--stack-name") or ["*"])[0]
    found: list[Effect] = []
    text: str | None = None
    for template in given.get("--template-file", [])[:1]:
        from keyturn.understand.shell.line_writes import one_text_on_line

        path = file_path(template, ctx)
        detail = "aws cloudformation deploy reads the template"
        found.append(file_effect(EffectKind.READ, [path], cmd, ctx, detail=detail))
        text = one_text_on_line(path, ctx)
    for bucket in given.get("--s3-bucket", [])[:1]:
        prefix = (given.get("--s3-prefix") or [""])[0].strip("/")
        key = f"{prefix}/*" if prefix else "*"
        found += api_effects("s3", "PutObject", {"Bucket": bucket, "Key": key}, target)
    if "--no-execute-changeset" in given:
        params: dict[str, Any] = {"StackName": stack, "ChangeSetName": _CHANGE_SET}
        if text is not None:  # the template it sends: macros in it run as the change set is made
            params["TemplateBody"] = text
        note = "aws cloudformation deploy --no-execute-changeset: makes a change set only"
        made = api_effects("cloudformation", "CreateChangeSet", params, target)
        return [*found, *_noted(made, note)], loose
    params = {"StackName": stack, "Parameters": _parameters(given, text)}
    if text is not None:
        params["TemplateBody"] = text
    note = "aws cloudformation deploy: makes a change set and runs it, unseen"
    found += _noted(api_effects("cloudformation", "UpdateStack", params, target), note)
    return found, loose


def _parameters(given: dict[str, list[str]], text: str | None) -> list[dict[str, Any]]:
    """The stack's parameters as ``deploy`` sends them: each override's value, and the
    previous value of every other parameter the template declares."""
    from keyturn.understand.aws.stack_updates import template_parameters

    overrides = dict(
        word.split("=", 1) for word in given.get("--parameter-overrides", []) if "=" in word
    )
    declared = template_parameters(text) if text is not None else []
    out: list[dict[str, Any]] = [
        {"ParameterKey": key, "ParameterValue": value} for key, value in overrides.items()
    ]
    out += [{"ParameterKey": k, "UsePreviousValue": True} for k in declared if k not in overrides]
    return out


def _noted(effects: list[Effect], note: str) -> list[Effect]:
    return [replace(e, detail=f"{e.detail}; {note}" if e.detail else note) for e in effects]
