"""What a rule an AWS call sets deletes on its own later, with no call keyturn sees then: an
ECR lifecycle policy expiring images, a DynamoDB TTL turned on, a log group's retention, a
lifecycle set through a Cloud Control patch. Judged as the deletion it brings, on the call."""

from __future__ import annotations

from collections.abc import Mapping

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws import cloud_control_expiry, lifecycle
from keyturn.understand.aws.resolved_call import AwsCall, call_effect

__all__ = ["deletes_later"]


def deletes_later(call: AwsCall, resources: list[Resource], target: Target) -> list[Effect]:
    """What a rule set by the call deletes on its own later (:mod:`.lifecycle`): an ECR
    policy expiring images, a DynamoDB TTL turned on, a log group's retention, a bucket
    lifecycle set through Cloud Control; judged as the deletion it brings, on the resources
    the call names."""
    params = call.params
    kind, how = EffectKind.DELETE, None
    if call.qualified == "ecr:PutLifecyclePolicy" and "lifecyclePolicyText" in params:
        expires = lifecycle.ecr_policy_expires(params["lifecyclePolicyText"])
        if expires is None:
            kind, how = EffectKind.UNKNOWN, "its rules could not be read: they may expire images"
        elif expires:
            how = "a lifecycle rule expires (deletes) the repository's images"
    elif call.qualified == "dynamodb:UpdateTimeToLive":
        spec = params.get("TimeToLiveSpecification")
        if isinstance(spec, Mapping) and spec.get("Enabled") is not False:
            attribute = spec.get("AttributeName")
            how = f"TTL deletes every item whose {attribute or 'TTL attribute'} is a past time"
    elif call.qualified == "logs:PutRetentionPolicy":
        # Always a finite retention, and the one before is not in the call: fail closed.
        days = params.get("retentionInDays")
        how = f"a retention of {days if isinstance(days, int) else 'some'} days deletes the "
        how += "log group's older events"
        events = [lifecycle.log_events(r.names) for r in resources]
        return [call_effect(call, kind, r, target, [how]) for r in events]
    elif call.qualified == "cloudcontrol:UpdateResource":
        return _cloud_control_lifecycle(call, resources, target)
    if how is None:
        return []
    return [call_effect(call, kind, r, target, [how]) for r in resources]


def _cloud_control_lifecycle(
    call: AwsCall, resources: list[Resource], target: Target
) -> list[Effect]:
    """A rule that deletes later set through a Cloud Control patch (a bucket's lifecycle, a
    table's TTL, a repository's lifecycle policy): judged as the deletion it brings, as the
    service's own call would be (:mod:`.cloud_control_expiry`)."""
    return [
        call_effect(call, kind, deleted, target, [why])
        for kind, what, why in cloud_control_expiry.patch_deletions(call.params)
        for deleted in ([what] if what is not None else resources)
    ]
