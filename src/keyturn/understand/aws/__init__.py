"""Understanding AWS API calls, for every service and operation botocore's models know.

``understand_aws("rds", "delete-db-instance", {"DBInstanceIdentifier": "prod-db"})`` is a
``delete`` of ``arn:aws:rds:*:*:db:prod-db``. The service may be the boto3/CLI name
(``secretsmanager``), the hyphenised service id (``secrets-manager``) or a CLI alias (``s3api``);
the operation CamelCase (``DeleteDBInstance``) or kebab case (``delete-db-instance``).

The effect comes from the operation name's verb (:mod:`.verbs`), refined by the parameters where
they decide it (:mod:`.special`); resources are named from the identifier parameters
(:mod:`.naming`, whose docstring gives the naming scheme). botocore is imported only when a call
is understood, and its models are cached per service (:mod:`.catalog`).

A call that runs commands on hosts or containers (``ssm send-command``, ``ecs execute-command``)
is also what those commands do there (:mod:`.remote_effects`): :func:`understand_aws` judges
them as command lines. :func:`aws_effects` leaves them out: the shell's ``aws`` reader, its
caller, judges them itself with what it knows of the line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import Action, ActionKind, Effect, Target
from keyturn.understand.aws.calls import AwsCall, call_target, effects_of, resolve_call
from keyturn.understand.aws.remote_effects import remote_effects

__all__ = ["AwsCall", "aws_effects", "resolve_call", "understand_aws"]


def aws_effects(
    service: str, operation: str, params: Mapping[str, Any] | None, *, target: Target
) -> list[Effect]:
    """The effects of one AWS API call (never empty). Raises InputError for an unknown
    service or operation, or parameters that are not a JSON object."""
    return effects_of(resolve_call(service, operation, params), target)


def understand_aws(
    service: str,
    operation: str,
    params: Mapping[str, Any] | None = None,
    *,
    target: Target = Target(),  # noqa: B008 - frozen value, safe as a default
) -> Action:
    """One AWS API call as an Action; ``subject`` is the normalised call
    ``{service, operation, params}`` so that equal calls have equal digests."""
    call = resolve_call(service, operation, params)
    effects = effects_of(call, target)
    effects += remote_effects(
        call.service, call.operation, call.params, target=call_target(call, target)
    )
    names = sorted({e.resource.name for e in effects})
    shown = ", ".join(names[:3]) + (f" (+{len(names) - 3} more)" if len(names) > 3 else "")
    return Action(
        kind=ActionKind.AWS,
        summary=f"aws {call.qualified} {shown}".strip(),
        effects=tuple(effects),
        target=call_target(call, target),
        subject=call.subject(),
    )
