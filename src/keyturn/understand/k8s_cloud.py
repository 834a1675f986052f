"""The cloud resources behind Kubernetes custom resources (ACK, Crossplane), by their AWS names.

An AWS Controllers for Kubernetes (ACK) resource or a Crossplane managed resource stands for a
resource in a cloud account: deleting the object deletes that resource first ("the underlying
AWS resource is first deleted", ACK; "the Provider deletes the external resource", Crossplane),
unless the object retains or orphans it (:mod:`keyturn.understand.k8s_retention`). So such a
delete is also a delete of the cloud resource, named as every other surface names it (its ARN,
BRIEF §4.2) and placed by its account: a protected production database is refused from a dev
cluster as it is from the AWS CLI. An update that changes which resource the object stands for
(its external name, its ARN), changes its spec, or takes its retention off is an update of the
cloud resource too.

Where the names come from: the ARN ACK records (``status.ackResourceMetadata.arn``, with
``ownerAccountID`` and ``region``); the ARN a Crossplane provider records
(``status.atProvider.arn``); Crossplane's ``crossplane.io/external-name`` annotation (or, before
it is set, ``metadata.name``) read with the provider's kind; an ACK resource's identifier in its
spec (an adopted resource has no ARN recorded yet).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.aws_names import partition_aliases, resource_names
from keyturn.understand.k8s_retention import retains_on_delete

__all__ = ["CloudKind", "CloudName", "cloud_effects", "cloud_kind", "cloud_names"]

_ACCOUNT = re.compile(r"\d{12}")
_CROSSPLANE_AWS = (".aws.upbound.io", ".aws.m.upbound.io", ".aws.crossplane.io")
_ACK = ".services.k8s.aws"
_EXTERNAL_NAME = "crossplane.io/external-name"

# Crossplane AWS providers (upbound's and the classic provider-aws): (API group's first label,
# kind) -> the AWS kind of :mod:`keyturn.understand.aws_names`, named by the external name.
_CROSSPLANE_KINDS: dict[tuple[str, str], str] = {
    ("rds", "instance"): "rds:db",
    ("rds", "clusterinstance"): "rds:db",
    ("rds", "cluster"): "rds:cluster",
    ("rds", "dbinstance"): "rds:db",
    ("rds", "dbcluster"): "rds:cluster",
    ("database", "rdsinstance"): "rds:db",
    ("docdb", "cluster"): "rds:cluster",
    ("neptune", "cluster"): "rds:cluster",
    ("s3", "bucket"): "s3:bucket",
    ("dynamodb", "table"): "dynamodb:table",
    ("ec2", "instance"): "ec2:instance",
    ("ec2", "vpc"): "ec2:vpc",
    ("ec2", "subnet"): "ec2:subnet",
    ("ec2", "ebsvolume"): "ec2:volume",
    ("ec2", "securitygroup"): "ec2:security-group",
    ("iam", "role"): "iam:role",
    ("iam", "user"): "iam:user",
    ("iam", "group"): "iam:group",
    ("iam", "policy"): "iam:policy",
    ("iam", "instanceprofile"): "iam:instance-profile",
    ("lambda", "function"): "lambda:function",
    ("eks", "cluster"): "eks:cluster",
    ("ecs", "cluster"): "ecs:cluster",
    ("ecr", "repository"): "ecr:repository",
    ("kms", "key"): "kms:key",
    ("sqs", "queue"): "sqs:queue",
    ("sns", "topic"): "sns:topic",
    ("cloudwatchlogs", "group"): "logs:log-group",
    ("secretsmanager", "secret"): "secretsmanager:secret",
    ("elasticache", "cluster"): "elasticache:cluster",
    ("elasticache", "replicationgroup"): "elasticache:replicationgroup",
    ("redshift", "cluster"): "redshift:cluster",
    ("opensearch", "domain"): "es:domain",
    ("kinesis", "stream"): "kinesis:stream",
    ("efs", "filesystem"): "elasticfilesystem:file-system",
    ("route53", "zone"): "route53:hostedzone",
    ("backup", "vault"): "backup:backup-vault",
    ("ssm", "parameter"): "ssm:parameter",
    ("sfn", "statemachine"): "states:stateMachine",
}

# ACK: (API group's first label, kind) -> (AWS kind, the spec field holding the identifier).
_ACK_KINDS: dict[tuple[str, str], tuple[str, str]] = {
    ("rds", "dbinstance"): ("rds:db", "dbInstanceIdentifier"),
    ("rds", "dbcluster"): ("rds:cluster", "dbClusterIdentifier"),
    ("s3", "bucket"): ("s3:bucket", "name"),
    ("dynamodb", "table"): ("dynamodb:table", "tableName"),
    ("iam", "role"): ("iam:role", "name"),
    ("iam", "user"): ("iam:user", "name"),
    ("eks", "cluster"): ("eks:cluster", "name"),
    ("ecr", "repository"): ("ecr:repository", "repositoryName"),
    ("lambda", "function"): ("lambda:function", "name"),
    ("sqs", "queue"): ("sqs:queue", "queueName"),
    ("sns", "topic"): ("sns:topic", "name"),
    ("secretsmanager", "secret"): ("secretsmanager:secret", "name"),
    ("elasticache", "replicationgroup"): ("elasticache:replicationgroup", "replicationGroupID"),
}


@dataclass(frozen=True, slots=True)
class CloudKind:
    """The cloud resource kind behind a custom resource kind: ``aws_kind`` (of
    :mod:`keyturn.understand.aws_names`, empty when the provider's kind is not in the tables),
    the ARN's ``service``, and whether the object's name is its default external name
    (Crossplane) or the identifier lives in its spec (ACK)."""

    aws_kind: str
    service: str
    named_by_object: bool


def cloud_kind(group: str, kind: str) -> CloudKind | None:
    """The cloud kind behind objects of API ``group`` and lower-case ``kind``; ``None`` for a
    kind that stands for no cloud resource keyturn knows."""
    service = group.split(".", 1)[0]
    if group.endswith(_CROSSPLANE_AWS):
        return CloudKind(_CROSSPLANE_KINDS.get((service, kind), ""), service, True)
    if group.endswith(_ACK):
        return CloudKind(_ACK_KINDS.get((service, kind), ("", ""))[0], service, False)
    return None


@dataclass(frozen=True, slots=True)
class CloudName:
    """One cloud resource: its names (ARN first) and, when told, its account and region."""

    names: tuple[str, ...]
    account: str | None = None
    region: str | None = None

    @property
    def service(self) -> str:
        """The ARN's service (``rds``, ``s3``, ``iam``...), for ``service:`` rules."""
        parts = self.names[0].split(":")
        return parts[2] if len(parts) > 2 and parts[2] else "aws"


def cloud_names(obj: Any, *, group: str, kind: str) -> CloudName | None:
    """The cloud resource the custom resource ``obj`` (of API ``group``, lower-case ``kind``)
    stands for, by every name found (in the first account and region told); ``None`` for an
    object that is no cloud-backed resource keyturn knows."""
    if not isinstance(obj, Mapping):
        return None
    service = group.split(".", 1)[0]
    ack = _at(obj, "status", "ackResourceMetadata")
    ack = ack if isinstance(ack, Mapping) else {}
    account, region = _text(ack.get("ownerAccountID")), _text(ack.get("region"))
    recorded = (ack.get("arn"), _at(obj, "status", "atProvider", "arn"))
    found = [_from_arn(arn, account, region) for arn in recorded]
    if group.endswith(_ACK) and (service, kind) in _ACK_KINDS:
        aws_kind, field = _ACK_KINDS[(service, kind)]
        found.append(_named(aws_kind, _at(obj, "spec", field), account, region))
    external = _text(_at(obj, "metadata", "annotations", _EXTERNAL_NAME))
    if group.endswith(_CROSSPLANE_AWS):
        # Before the provider sets the annotation, the external name is the object's name.
        external = external or _text(_at(obj, "metadata", "name"))
        aws_kind = _CROSSPLANE_KINDS.get((service, kind), "")
        where = _text(_at(obj, "spec", "forProvider", "region"))
        found.append(_from_arn(external, None, where) or _named(aws_kind, external, None, where))
    elif external:  # another provider's: named only when the external name is an ARN
        found.append(_from_arn(external, None, None))
    return _merged([f for f in found if f is not None])


def cloud_effects(
    base: Effect, *, operation: str, old: Any, new: Any, group: str, kind: str
) -> tuple[Effect, ...]:
    """The effects on the cloud resources behind the object that ``base`` (the object's own
    effect of the review's ``operation``) changes, one per account, region and service: a
    DELETE deletes those of ``old`` unless it retains them; an UPDATE changes those of both
    ``old`` and ``new`` when it changes their names or the spec, or takes retention off."""
    if base.effect is EffectKind.DELETE and operation == "DELETE":
        if retains_on_delete(old):
            return ()
        found = [cloud_names(old, group=group, kind=kind)]
        what = "deleted with it (its controller deletes it first)"
    elif base.effect is EffectKind.UPDATE and operation == "UPDATE":
        found = [cloud_names(o, group=group, kind=kind) for o in (old, new)]
        changed = found[0] != found[1] or _at(old, "spec") != _at(new, "spec")
        if not (changed or base.removes_protection):
            return ()
        before, after = found
        if before and after and set(before.names) & set(after.names):
            found = [_merged([before, after])]  # one resource: where either says it is
        what = "changed through it"
    else:
        return ()
    groups: dict[tuple[str | None, str | None, str], list[str]] = {}
    for cloud in filter(None, found):
        groups.setdefault((cloud.account, cloud.region, cloud.service), []).extend(cloud.names)
    return tuple(
        replace(
            base,
            resource=Resource(tuple(dict.fromkeys(names)), f"aws:{service}"),
            target=Target(aws_account=account, aws_region=region).merged_over(base.target),
            service=service,
            detail=f"the cloud resource behind this {kind} is {what}; {base.detail}",
        )
        for (account, region, service), names in groups.items()
    )


def _merged(found: list[CloudName]) -> CloudName | None:
    """One resource's names found in several places, with the first account and region told."""
    if not found:
        return None
    names = tuple(dict.fromkeys(n for cloud in found for n in cloud.names))
    account = next((c.account for c in found if c.account), None)
    region = next((c.region for c in found if c.region), None)
    return CloudName(names, account, region)


def _from_arn(arn: Any, account: str | None, region: str | None) -> CloudName | None:
    arn = _text(arn)
    parts = arn.split(":", 5) if arn else []
    if len(parts) != 6 or parts[0] != "arn":
        return None
    names = resource_names(f"{parts[2]}:", arn) or partition_aliases(arn)
    own = parts[4] if _ACCOUNT.fullmatch(parts[4]) else None
    return CloudName(names, own or _account(account), parts[3] or region)


def _named(
    aws_kind: str, identifier: Any, account: str | None, region: str | None
) -> CloudName | None:
    ident = _text(identifier)
    names = resource_names(aws_kind, ident) if aws_kind and ident else ()
    return CloudName(names, _account(account), region) if names else None


def _account(value: str | None) -> str | None:
    return value if value and _ACCOUNT.fullmatch(value) else None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _at(obj: Any, *path: str) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, Mapping) else None
    return obj
