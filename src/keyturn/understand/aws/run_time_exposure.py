"""A call whose parameters deciding whether it opens what it names are given at run time.

On the shell a value may be decided only when the line runs (``s3api put-object --acl "$X"``,
``put-bucket-policy --policy "$(cat p.json)"``): it may be a public one, so the call may open
what it names, as an unreadable public access block may (:mod:`.public_exposure`). The table
below says which parameters each check of :mod:`.public_exposure` reads.
"""

from __future__ import annotations

from collections.abc import Iterable

from keyturn.understand.aws.public_exposure import GRANTS, PUBLIC_DATABASE_CALLS

__all__ = ["exposure_at_run_time"]

_ACL_PARAMETERS = frozenset({"ACL", "AccessControlPolicy", *GRANTS})
# The parameters each check reads. One whose value is decided at run time (``--acl "$X"``,
# ``--policy "$(cat p.json)"`` on the shell) may be a public one: the call may open what it
# names, as an unreadable public access block may.
_DECIDING: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("s3:PutPublicAccessBlock", "s3control:PutPublicAccessBlock"),
        frozenset({"PublicAccessBlockConfiguration"}),
    ),
    **dict.fromkeys(
        (
            "s3:PutBucketAcl",
            "s3:PutObjectAcl",
            "s3:CreateBucket",
            "s3:PutObject",
            "s3:CopyObject",
            "s3:CreateMultipartUpload",
        ),
        _ACL_PARAMETERS,
    ),
    "s3:PutBucketPolicy": frozenset({"Policy"}),
    "s3control:PutAccessPointPolicy": frozenset({"Policy"}),
    "s3control:PutAccessPointPolicyForObjectLambda": frozenset({"Policy"}),
    "s3control:PutMultiRegionAccessPointPolicy": frozenset({"Details"}),
    "s3control:PutBucketPolicy": frozenset({"Policy"}),
    "s3tables:PutTableBucketPolicy": frozenset({"resourcePolicy"}),
    "ecr:SetRepositoryPolicy": frozenset({"policyText"}),
    "kinesis:PutResourcePolicy": frozenset({"Policy"}),
    "kafka:PutClusterPolicy": frozenset({"Policy"}),
    "logs:PutResourcePolicy": frozenset({"policyDocument"}),
    "events:PutPermission": frozenset({"Policy", "Principal", "Condition"}),
    "kms:PutKeyPolicy": frozenset({"Policy"}),
    "kms:CreateKey": frozenset({"Policy"}),
    "secretsmanager:PutResourcePolicy": frozenset({"ResourcePolicy"}),
    "iam:UpdateAssumeRolePolicy": frozenset({"PolicyDocument"}),
    "iam:CreateRole": frozenset({"AssumeRolePolicyDocument"}),
    "sns:SetTopicAttributes": frozenset({"AttributeName", "AttributeValue"}),
    "sns:CreateTopic": frozenset({"Attributes"}),
    "sqs:SetQueueAttributes": frozenset({"Attributes"}),
    "sqs:CreateQueue": frozenset({"Attributes"}),
    "lambda:AddPermission": frozenset({"Principal"}),
    "lambda:AddLayerVersionPermission": frozenset({"Principal"}),
    **dict.fromkeys(PUBLIC_DATABASE_CALLS, frozenset({"PubliclyAccessible"})),
    "rds:ModifyDBSnapshotAttribute": frozenset({"AttributeName", "ValuesToAdd"}),
    "rds:ModifyDBClusterSnapshotAttribute": frozenset({"AttributeName", "ValuesToAdd"}),
    "ec2:ModifySnapshotAttribute": frozenset(
        {"OperationType", "GroupNames", "CreateVolumePermission"}
    ),
    "ec2:ModifyImageAttribute": frozenset({"OperationType", "UserGroups", "LaunchPermission"}),
    "cloudcontrol:UpdateResource": frozenset({"TypeName", "PatchDocument"}),
    "cloudcontrol:CreateResource": frozenset({"TypeName", "DesiredState"}),
}


def exposure_at_run_time(qualified: str, decided_at_run_time: Iterable[str]) -> str | None:
    """Why the call ``qualified`` may open what it names when the parameters
    ``decided_at_run_time`` are not known until it runs (one the check reads may be a public
    value), or None."""
    found = sorted(_DECIDING.get(qualified, frozenset()).intersection(decided_at_run_time))
    if not found:
        return None
    return f"{', '.join(found)} decided at run time: it may open it to anyone"
