"""What a CloudFormation stack set call does in the accounts and regions it reaches.

A stack set deploys one template as a stack in each of many accounts and regions (its *stack
instances*; each stack is named ``StackSet-<stack set>-<uuid>`` in its account). The calls on
them act there, not in the caller's account, and with a template the call mostly does not hold:

- ``CreateStackInstances`` creates a stack of the stack set's template (not in the call: it may
  hold custom resources that run code) in each account and region: ``unknown`` there;
- ``UpdateStackInstances`` (overridden parameter values) and ``UpdateStackSet`` (a new template
  or parameters, on every instance or those it lists) update those stacks, which may delete or
  replace any of their resources: ``unknown`` there;
- ``DeleteStackInstances`` with ``RetainStacks`` false deletes those stacks and every resource
  they hold: a ``delete`` there; with ``RetainStacks`` true the stacks stay, only leaving the
  stack set: an ``update`` of them.

(``DeleteStackSet`` refuses a stack set that still has instances: the delete of the stack set
its name gives is all it does.)

Where: each account of ``Accounts`` (or ``DeploymentTargets.Accounts``) and region of
``Regions``; accounts picked by organizational unit or a file (``OrganizationalUnitIds``,
``AccountsUrl``), or every instance when the call lists none, are not known. Each effect is
judged in its own account -- never under the caller's profile, whose environment tells nothing
of another account's -- so that a policy's ``aws_accounts`` sees it, and an account not known
is the policy's unknown environment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target

__all__ = ["STACK_SET_CALLS", "in_each_place", "instance_stack", "stack_set_effects"]

_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")
_TEMPLATE_NOT_HERE = "the stack set's template, not in the call"
STACK_SET_CALLS = frozenset(
    {
        "cloudformation:CreateStackInstances",
        "cloudformation:UpdateStackInstances",
        "cloudformation:UpdateStackSet",
        "cloudformation:DeleteStackInstances",
    }
)


def stack_set_effects(qualified: str, params: Mapping[str, Any], target: Target) -> list[Effect]:
    """The effects of the stack set call ``qualified`` in each account and region it reaches
    (see the module's docstring); ``[]`` for another call, or one the API refuses."""
    if qualified not in STACK_SET_CALLS or "StackSetName" not in params:
        return []
    name = _stack_set_name(params.get("StackSetName"))
    if qualified == "cloudformation:DeleteStackInstances":
        retain = params.get("RetainStacks")
        if retain is True:
            kind = EffectKind.UPDATE
            what = "removes these stacks from the stack set {name}: the stacks and their "
            what += "resources stay"
        elif retain is False:
            kind, what = EffectKind.DELETE, "deletes the stack set {name}'s stacks, and every "
            what += "resource they hold"
        else:
            return []  # RetainStacks is required: the API refuses the call
    elif qualified == "cloudformation:CreateStackInstances":
        kind = EffectKind.UNKNOWN
        what = f"creates stacks of {_TEMPLATE_NOT_HERE} (it may hold custom resources that "
        what += "run code) from the stack set {name}"
    elif qualified == "cloudformation:UpdateStackInstances":
        kind = EffectKind.UNKNOWN
        what = "updates the stack set {name}'s stacks with overridden parameter values, which "
        what += "may delete or replace any of their resources"
    else:
        kind = EffectKind.UNKNOWN
        what = "updates the stack set {name}'s stacks with a new template or parameters, "
        what += "which may delete or replace any of their resources (or run custom resources' "
        what += "code)"
    found: list[Effect] = []
    for account, region in _places(qualified, params):
        where = f"account {account or 'not known'}, region {region}"
        names = _instance_names(name, account, region)
        detail = f"{what.format(name=name)}, in {where} ({qualified})"
        found.append(
            Effect(
                effect=kind,
                resource=Resource(names=names, type="AWS::CloudFormation::Stack"),
                target=_there(target, account, region),
                service="cloudformation",
                operation=qualified,
                detail=detail,
            )
        )
    return found


def instance_stack(value: Any) -> str:
    """The name of the stack set ``value``'s stack in each account: ``StackSet-<name>-*``."""
    return f"StackSet-{_stack_set_name(value)}-*"


def in_each_place(
    qualified: str, params: Mapping[str, Any], target: Target, effects: list[Effect]
) -> list[Effect]:
    """``effects`` (of the stack set's template) in each account and region the call
    reaches, judged there."""
    return [
        replace(effect, target=_there(target, account, region),
                detail=f"{effect.detail}, in account {account or 'not known'}, region {region}")
        for account, region in _places(qualified, params)
        for effect in effects
    ]  # fmt: skip


def _stack_set_name(value: Any) -> str:
    """The stack set's name from its name, ``name:uuid`` id or ARN; ``*`` when not told."""
    if not isinstance(value, str) or not value:
        return "*"
    if ":stackset/" in value:
        value = value.split(":stackset/", 1)[1]
    return value.split(":", 1)[0] or "*"


def _places(qualified: str, params: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """``(account, region)`` pairs the call reaches; an account ``None`` when not known."""
    regions = _strings(params.get("Regions")) or ["*"]
    accounts: list[str | None] = list(_strings(params.get("Accounts")))
    targets = params.get("DeploymentTargets")
    if isinstance(targets, Mapping):
        accounts += _strings(targets.get("Accounts"))
        if targets.get("OrganizationalUnitIds") or targets.get("AccountsUrl"):
            accounts.append(None)  # accounts of an organizational unit or a file
    elif targets is not None:
        accounts.append(None)
    if not accounts:
        # UpdateStackSet without accounts: every instance; another call names none only to be
        # refused by the API, judged here at its widest.
        accounts = [None]
    pairs = [
        (a if a is None or _ACCOUNT.fullmatch(a) else None, r) for a in accounts for r in regions
    ]
    return list(dict.fromkeys(pairs))


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


def _instance_names(name: str, account: str | None, region: str) -> tuple[str, ...]:
    """The stack instance's stack, in its account and region, and the stack set."""
    where = f"{region if _REGION.fullmatch(region) else '*'}:{account or '*'}"
    return (
        f"arn:aws:cloudformation:{where}:stack/StackSet-{name}-*/*",
        f"cfn:StackSet-{name}-*/*",
        f"arn:aws:cloudformation:*:*:stackset/{name}:*",
    )


def _there(target: Target, account: str | None, region: str) -> Target:
    """``target`` in the stack instance's account and region: the caller's profile and
    account hold there only when it is the caller's own account."""
    in_region = region if _REGION.fullmatch(region) else None
    if account is not None and account == target.aws_account:
        return replace(target, aws_region=in_region or target.aws_region)
    return replace(target, aws_account=account, aws_profile=None, aws_region=in_region)
