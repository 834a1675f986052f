"""CloudFormation calls whose template, or change set, is not at hand: what they may run.

:mod:`.stack_updates` reads a template given in the call (``TemplateBody``). Here is what is
left when it is not:

- ``CreateStack`` from a template not at hand (``TemplateURL``, a body that cannot be read):
  the template may hold custom resources (their Lambda or SNS handlers run code as the stack is
  made), macros (Lambda code that rewrites the template) and nested stacks, as :mod:`.stack_updates`
  finds in one at hand. ``unknown`` on the stack's resources (``cfn:<stack>/*``), as
  ``update-stack`` without a template is;
- ``CreateChangeSet`` changes no resource until it is run, but CloudFormation runs the
  template's macros as it makes the change set (the CloudFormation guide: "When you create a
  change set, CloudFormation generates a change set that includes the processed template
  content"): a template at hand whose ``Transform`` or ``Fn::Transform`` names a macro of the
  account's own (not ``AWS::Serverless-2016-10-31`` or ``AWS::LanguageExtensions``), or one not
  at hand (``TemplateURL``, ``UsePreviousTemplate``, a body that cannot be read), which may, is
  ``unknown`` on the stack's resources. Custom resources run only when the change set runs;
- ``ExecuteChangeSet`` makes every change the change set holds -- adds, removes, replaces,
  custom resources run -- none of which is in the call: ``unknown`` on the stack's resources,
  never looser than judging the change set itself (``keyturn check cloudformation`` on its
  ``describe-change-set`` output), which is the road to take to know what it does. The call's
  own ``update`` of the stack stays with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws_names import cloudformation_names

__all__ = ["stack_create_effects"]

_REVIEW = (
    "judge the change set instead: aws cloudformation describe-change-set output, with "
    "keyturn check cloudformation"
)
_AWS_TRANSFORMS = frozenset({"AWS::Serverless-2016-10-31", "AWS::LanguageExtensions"})


def stack_create_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """What ``CreateStack``, ``CreateChangeSet`` or ``ExecuteChangeSet`` may run that the call
    does not show (see the module's docstring); ``[]`` for another call, or one the API
    refuses."""
    from keyturn.understand.aws.stack_updates import (
        _macros,
        _transformed,
        read_template,
        stack_name,
    )

    if qualified == "cloudformation:ExecuteChangeSet" and "ChangeSetName" in params:
        return [_executed(params, target)]
    if qualified not in ("cloudformation:CreateStack", "cloudformation:CreateChangeSet"):
        return []
    if "StackName" not in params:
        return []  # the API refuses the call: judged by its name alone
    stack = stack_name(params.get("StackName"))
    body = params.get("TemplateBody")
    template = read_template(body) if isinstance(body, str) else None
    if template is None:
        return [_unseen_template(qualified, params, stack, body, target)]
    if qualified == "cloudformation:CreateStack":
        return []  # its custom resources, macros and nested stacks: :mod:`.stack_updates`
    macros = [m for m in _macros(template.get("Transform")) if m not in _AWS_TRANSFORMS]
    if _transformed({k: v for k, v in template.items() if k != "Transform"}):
        macros.append("Fn::Transform")
    if not macros:
        return []
    detail = (
        f"the template's macros ({', '.join(dict.fromkeys(macros))}) run their Lambda code on "
        "it as the change set is made"
    )
    return [_effect(qualified, stack, detail, target)]


def _unseen_template(
    qualified: str, params: Mapping[str, Any], stack: str, body: Any, target: Target
) -> Effect:
    if params.get("UsePreviousTemplate") is True:
        where = "the stack's previous template, not at hand"
    elif isinstance(body, str):
        where = "a template that could not be read"
    elif params.get("TemplateURL"):
        where = f"a template from {params['TemplateURL']}, not at hand"
    else:
        where = "a template not at hand"
    if qualified == "cloudformation:CreateStack":
        detail = (
            f"creates the stack from {where}: it may hold custom resources (their code runs as "
            "the stack is made), macros and nested stacks; give the template with "
            "--template-body file://… to judge it, or make a change set and judge it"
        )
    else:
        detail = (
            f"makes a change set from {where}: macros it names run their Lambda code as the "
            "change set is made; give the template with --template-body file://… to judge it"
        )
    return _effect(qualified, stack, detail, target)


def _executed(params: Mapping[str, Any], target: Target) -> Effect:
    """``ExecuteChangeSet``: every change of the change set, none of them in the call."""
    from keyturn.understand.aws.stack_updates import stack_name

    change_set = params.get("ChangeSetName")
    shown = change_set if isinstance(change_set, str) and change_set else "*"
    stack = stack_name(params.get("StackName"))
    names = [
        f"cfn:{stack}/*",
        f"cfn:{stack}",
        *cloudformation_names("AWS::CloudFormation::Stack", stack),
    ]
    if shown.startswith("arn:"):
        names.append(shown)
    else:
        names.append(f"arn:aws:cloudformation:*:*:changeSet/{shown}/*")
    detail = (
        f"runs the change set {shown}: what it adds, removes or replaces, and the custom "
        f"resources it runs, are in the change set, not in the call; {_REVIEW}"
    )
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(tuple(dict.fromkeys(names)), "AWS::CloudFormation::Stack"),
        target=target,
        service="cloudformation",
        operation="cloudformation:ExecuteChangeSet",
        detail=detail,
    )


def _effect(qualified: str, stack: str, detail: str, target: Target) -> Effect:
    names = (
        f"cfn:{stack}/*",
        f"cfn:{stack}",
        *cloudformation_names("AWS::CloudFormation::Stack", stack),
    )
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(tuple(dict.fromkeys(names)), "AWS::CloudFormation::Stack"),
        target=target,
        service="cloudformation",
        operation=qualified,
        detail=detail,
    )
