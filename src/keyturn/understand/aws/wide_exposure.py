"""The stores an opening reaches besides the resources its call names: every bucket of an
account whose public access block is switched off (or every AMI and snapshot of a region), the
log groups CloudWatch Logs' resource policy (an account's, not a group's) opens, and the
database a public replica or point-in-time restore copies its data from, and the bucket a
Cloud Control patch of its policy opens.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws.call_hints import where_of
from keyturn.understand.aws.public_exposure import exposure
from keyturn.understand.aws.resolved_call import AwsCall, call_effect
from keyturn.understand.aws_names import s3_bucket_names
from keyturn.understand.cloud_control_exposure import BUCKET_POLICY

__all__ = ["account_wide_exposure", "policy_bucket_exposure", "source_exposure"]

# Account- or region-wide switches: every resource of the kind they guard, by a wide name.
_EVERY_BUCKET = (("arn:aws:s3:::*", "s3://*"), "s3-bucket", "every bucket in the account")
_WIDE = {
    "s3control:DeletePublicAccessBlock": _EVERY_BUCKET,
    "s3control:PutPublicAccessBlock": _EVERY_BUCKET,
    "ec2:DisableImageBlockPublicAccess": (("arn:aws:ec2:{region}::image/*",), "", "every AMI"),
    "ec2:DisableSnapshotBlockPublicAccess": (
        ("arn:aws:ec2:{region}:{account}:snapshot/*",),
        "",
        "every EBS snapshot",
    ),
}


def account_wide_exposure(call: AwsCall, target: Target) -> list[Effect]:
    """For a switch that guards a whole account or region (S3's account public access block,
    EC2's block public access for AMIs and snapshots): an ``update`` that removes the protection
    of every resource it guards, by a wide name a protected pattern is reached through. (The
    account's CloudWatch Logs resource policy: :func:`_log_groups`.)"""
    if call.qualified == "logs:PutResourcePolicy":
        return _log_groups(call, target)
    wide = _WIDE.get(call.qualified)
    why = exposure(call) if wide is not None else None
    if why is None or wide is None:
        return []
    where = where_of(target)
    names, kind, whom = wide
    resource = Resource(
        names=tuple(n.format(region=where.region, account=where.account) for n in names),
        type=kind,
    )
    note = f"removes protection: {why}: {whom} may be opened to anyone"
    return [call_effect(call, EffectKind.UPDATE, resource, target, [note], removes=True)]


def _log_groups(call: AwsCall, target: Target) -> list[Effect]:
    """``logs PutResourcePolicy`` letting anyone in: an ``update`` that removes the protection
    of each log group its open statements' ``Resource`` names (every log group of the account
    for ``*``), which the call names only when given one ``resourceArn``."""
    from keyturn.understand.aws.cloud_control_attached import logs_stores

    why = exposure(call)
    if why is None:
        return []
    where = where_of(target)
    every = f"arn:aws:logs:{where.region}:{where.account}:log-group:*"
    named = call.params.get("resourceArn")
    groups = [g for g in logs_stores(call.params.get("policyDocument"), every) if g != named]
    note = f"removes protection: {why}: a log group the account's resource policy opens"
    return [
        call_effect(call, EffectKind.UPDATE, Resource(names=(g,)), target, [note], removes=True)
        for g in groups
    ]


# Calls that copy another database's data into a new one, by the parameter naming the source
# when the call's own resource names do not (a snapshot restore names its snapshot already).
_SOURCES = {
    "rds:CreateDBInstanceReadReplica": "SourceDBInstanceIdentifier",
    "rds:RestoreDBInstanceToPointInTime": "SourceDBInstanceIdentifier",
}


def source_exposure(call: AwsCall, target: Target) -> list[Effect]:
    """For a database made publicly accessible from another's data (a replica, a point in
    time): an ``update`` of the source that removes its protection, its data being opened."""
    member = _SOURCES.get(call.qualified)
    source = call.params.get(member) if member else None
    why = exposure(call) if isinstance(source, str) and source else None
    if why is None or not isinstance(source, str):
        return []
    where = where_of(target)
    arn = (
        source
        if source.startswith("arn:")
        else f"arn:aws:rds:{where.region}:{where.account}:db:{source}"
    )
    resource = Resource(names=tuple(dict.fromkeys((arn, arn.lower()))), type="rds-db")
    note = f"removes protection: {why}: a copy of this database's data"
    return [call_effect(call, EffectKind.UPDATE, resource, target, [note], removes=True)]


def policy_bucket_exposure(call: AwsCall, target: Target) -> list[Effect]:
    """A Cloud Control patch of an ``AWS::S3::BucketPolicy`` that opens it: an ``update`` of
    the bucket the policy is on (its identifier is the bucket's name), which removes the
    bucket's protection -- the patch's own effect names only the policy."""
    params = call.params
    bucket = params.get("Identifier")
    if call.qualified != "cloudcontrol:UpdateResource" or params.get("TypeName") != BUCKET_POLICY:
        return []
    why = exposure(call) if isinstance(bucket, str) and bucket else None
    if why is None or not isinstance(bucket, str):
        return []
    resource = Resource(names=s3_bucket_names(bucket), type="s3-bucket")
    note = f"removes protection: {why}: the policy of this bucket"
    return [call_effect(call, EffectKind.UPDATE, resource, target, [note], removes=True)]
