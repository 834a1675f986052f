"""Effects through APIs that change other services' resources (Cloud Control, CloudFormation):
Cloud Control's delete of an ``AWS::IAM::Role`` is a delete of an IAM role, so the deny and ask
rules naming ``iam`` hold it too, besides the rules naming ``cloudcontrol``."""

from __future__ import annotations

import re
from dataclasses import replace

from keyturn.model import ActionKind, Effect, Verdict
from keyturn.policy.matching import GlobSet
from keyturn.policy.outcome import Outcome
from keyturn.policy.plan import SlotPlan

# APIs that create, change and delete other services' resources by name: an effect through
# them is an effect on that service's resource.
_PROXY_SERVICES = frozenset({"cloudcontrol", "cloudcontrolapi", "cloudformation"})
# The service part of a CloudFormation resource type (``AWS::IAM::Role`` -> IAM).
_TYPE_SERVICE = re.compile(r"\bAWS::([A-Za-z0-9]+)::")


def stricter_through_services(
    effect: Effect,
    outcome: Outcome,
    held: GlobSet,
    kind: ActionKind,
    plan: SlotPlan,
    protected: bool,
) -> Outcome:
    """``outcome``, or what a deny or ask rule decides on ``effect`` read as an effect of a
    service whose ARN it names, when that is stricter; ``held``: the services the policy's deny
    and ask rules name (positional: this runs for every judged effect of such a policy)."""
    for service in _arn_services(effect):
        if held.match(service):
            outcome = _stricter(
                outcome, _as_service(effect, service, kind, plan, protected=protected)
            )
    return outcome


def _arn_services(effect: Effect) -> tuple[str, ...]:
    """The services the ARNs ``effect`` names belong to (``arn:PARTITION:SERVICE:...``, and
    the service of a CloudFormation type an ARN names, ``type/AWS::IAM::User``), besides its
    own: Cloud Control's delete of an ``AWS::IAM::Role`` names the role's ``arn:aws:iam::``
    ARN, its create only the type, while its service is ``cloudcontrol``."""
    found: list[str] = []
    own = effect.service
    if own not in _PROXY_SERVICES:
        # Another service's ARN in a call of its own is a resource it uses, not one it
        # changes (``sts assume-role --role-arn``, ``lambda create-function --role``).
        return ()
    for name in effect.resource.names:
        if not name.startswith("arn:"):
            continue
        parts = name.split(":", 3)
        services = [parts[2] if len(parts) > 3 else ""]
        if "AWS::" in name:
            services.extend(m.lower() for m in _TYPE_SERVICE.findall(name))
        for service in services:
            if service and service != "*" and service != own and service not in found:
                found.append(service)
    return tuple(found)


def _as_service(
    effect: Effect, service: str, kind: ActionKind, plan: SlotPlan, *, protected: bool
) -> Outcome | None:
    """What a deny or ask rule decides on ``effect`` read as an effect of ``service`` (None
    when none matches). Only deny and ask rules count: read so, an ``allow`` of ``service``
    could loosen what the effect's own service decides; the stricter of both readings holds."""
    other = replace(effect, service=service)
    best = plan.winning_rank(other, kind)
    if other.resource.wide_starts and other.resource.open_names:
        best = plan.reaching_rank(other, kind, best)
    return plan.ranked[best].outcomes[protected] if best < plan.ask_end else None


def _stricter(current: Outcome, other: Outcome | None) -> Outcome:
    """The stricter outcome (on two asks, the one asking more approvals)."""
    if other is None:
        return current
    if other.decision.strictness > current.decision.strictness:
        return other
    if other.decision is current.decision is Verdict.ASK and other.approvals > current.approvals:
        return other
    return current
