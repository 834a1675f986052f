"""Resource names for an AWS API call, from the operation's identifier parameters.

Which parameters identify the resource acted on is read from the operation's input shape: a
member named like an identifier (``*Identifier``, ``*Name``, ``*Id``, ``*Ids``, ``*Arn``,
``*Url``, ``Bucket``, ``Key``...). Of those given, the ones whose stem is the operation's noun
win (``DeleteDBInstance`` -> ``DBInstanceIdentifier``, ``TerminateInstances`` ->
``InstanceIds``), then the required ones, then any. A list value gives one resource per item.

Names are ARNs with the account and region written as ``*`` when the call does not tell them:

- the main services have their real ARN layout (``arn:aws:rds:*:*:db:prod-db``,
  ``arn:aws:iam::*:role/x``, ``arn:aws:s3:::bucket/key`` plus the alias ``s3://bucket/key``,
  ``arn:aws:sqs:<region>:<account>:<queue>`` from a queue URL, Lambda's function ARN from
  its partial ARN ``<account>:function:<name>``...);
- a value that already is an ARN is used as it is (in another partition than ``aws``, also
  spelled in the ``aws`` one, as a policy's patterns and the names of bare identifiers are);
- any other service gets the generic ``arn:aws:<namespace>:<region>:<account>:<stem>/<value>``
  where ``<stem>`` is the parameter name without its ``Id``/``Name``/``Arn`` suffix in kebab case
  (``ResolverQueryLogConfigId`` -> ``resolver-query-log-config``), or the operation's noun when
  the parameter is just ``Name``/``Id``; for many services this is the real ARN layout;
- an operation with no identifier given names the whole service: ``arn:aws:<service>:*:*:*``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from keyturn.model import Resource
from keyturn.understand.aws_names import partition_aliases

_ID_SUFFIX = re.compile(r"(Identifiers?|Names?|Ids?|IDs?|Arns?|ARNs?|Urls?|URLs?)$", re.I)
_EXTRA_IDS = frozenset(
    {"bucket", "key", "cluster", "service", "taskdefinition", "resources", "eventdatastore"}
)
# Members that look like identifiers but never name the resource acted on.
_NOT_IDS = frozenset({"clienttoken", "nexttoken", "rolesessionname", "dryrun", "hostname"})
_GLOBAL = frozenset({"iam", "route53", "organizations", "s3", "cloudfront", "s3control"})

# (service, parameter name lower-cased, possibly a suffix) -> ARN template.
_ARN: dict[str, dict[str, str]] = {
    "rds": {
        "dbinstanceidentifier": "arn:aws:rds:{r}:{a}:db:{v}",
        "dbclusteridentifier": "arn:aws:rds:{r}:{a}:cluster:{v}",
        "dbsnapshotidentifier": "arn:aws:rds:{r}:{a}:snapshot:{v}",
        "dbclustersnapshotidentifier": "arn:aws:rds:{r}:{a}:cluster-snapshot:{v}",
        "dbsubnetgroupname": "arn:aws:rds:{r}:{a}:subgrp:{v}",
        "dbparametergroupname": "arn:aws:rds:{r}:{a}:pg:{v}",
        "dbclusterparametergroupname": "arn:aws:rds:{r}:{a}:cluster-pg:{v}",
        "optiongroupname": "arn:aws:rds:{r}:{a}:og:{v}",
        "globalclusteridentifier": "arn:aws:rds::{a}:global-cluster:{v}",
        "dbproxyname": "arn:aws:rds:{r}:{a}:db-proxy:{v}",
    },
    "dynamodb": {
        "tablename": "arn:aws:dynamodb:{r}:{a}:table/{v}",
        "globaltablename": "arn:aws:dynamodb::{a}:global-table/{v}",
    },
    "ec2": {
        "groupid": "arn:aws:ec2:{r}:{a}:security-group/{v}",
        "groupname": "arn:aws:ec2:{r}:{a}:security-group/{v}",
        "imageid": "arn:aws:ec2:{r}::image/{v}",
        "keyname": "arn:aws:ec2:{r}:{a}:key-pair/{v}",
        "allocationid": "arn:aws:ec2:{r}:{a}:elastic-ip/{v}",
    },
    "iam": {
        "username": "arn:aws:iam::{a}:user/{v}",
        "rolename": "arn:aws:iam::{a}:role/{v}",
        "groupname": "arn:aws:iam::{a}:group/{v}",
        "policyname": "arn:aws:iam::{a}:policy/{v}",
        "instanceprofilename": "arn:aws:iam::{a}:instance-profile/{v}",
        "servercertificatename": "arn:aws:iam::{a}:server-certificate/{v}",
    },
    "lambda": {
        "functionname": "arn:aws:lambda:{r}:{a}:function:{v}",
        "layername": "arn:aws:lambda:{r}:{a}:layer:{v}",
    },
    "cloudformation": {
        "stackname": "arn:aws:cloudformation:{r}:{a}:stack/{v}/*",
        "changesetname": "arn:aws:cloudformation:{r}:{a}:changeSet/{v}/*",
        "stacksetname": "arn:aws:cloudformation:{r}:{a}:stackset/{v}:*",
    },
    "sqs": {"queuename": "arn:aws:sqs:{r}:{a}:{v}"},
    "sns": {"name": "arn:aws:sns:{r}:{a}:{v}"},
    "secretsmanager": {
        "secretid": "arn:aws:secretsmanager:{r}:{a}:secret:{v}",
        "name": "arn:aws:secretsmanager:{r}:{a}:secret:{v}",
    },
    "eks": {
        "clustername": "arn:aws:eks:{r}:{a}:cluster/{v}",
        "name": "arn:aws:eks:{r}:{a}:cluster/{v}",
    },
    "ecs": {
        "cluster": "arn:aws:ecs:{r}:{a}:cluster/{v}",
        "taskdefinition": "arn:aws:ecs:{r}:{a}:task-definition/{v}",
    },
    "logs": {
        "loggroupname": "arn:aws:logs:{r}:{a}:log-group:{v}",
        "loggroupidentifier": "arn:aws:logs:{r}:{a}:log-group:{v}",
    },
    "cloudtrail": {
        "name": "arn:aws:cloudtrail:{r}:{a}:trail/{v}",
        "trailname": "arn:aws:cloudtrail:{r}:{a}:trail/{v}",
        "eventdatastore": "arn:aws:cloudtrail:{r}:{a}:eventdatastore/{v}",
    },
    # An EMR cluster is a "job flow" in the older operations (TerminateJobFlows JobFlowIds,
    # SetTerminationProtection): one resource, whose ARN says ``cluster/j-…`` either way.
    "emr": {
        "clusterid": "arn:aws:elasticmapreduce:{r}:{a}:cluster/{v}",
        "jobflowid": "arn:aws:elasticmapreduce:{r}:{a}:cluster/{v}",
        "jobflowids": "arn:aws:elasticmapreduce:{r}:{a}:cluster/{v}",
    },
    "autoscaling": {
        "autoscalinggroupname": "arn:aws:autoscaling:{r}:{a}:autoScalingGroup:*:"
        "autoScalingGroupName/{v}",
    },
    "elasticache": {
        "cacheclusterid": "arn:aws:elasticache:{r}:{a}:cluster:{v}",
        "replicationgroupid": "arn:aws:elasticache:{r}:{a}:replicationgroup:{v}",
    },
    "redshift": {"clusteridentifier": "arn:aws:redshift:{r}:{a}:cluster:{v}"},
    "organizations": {"accountid": "arn:aws:organizations::{a}:account/*/{v}"},
    "ecr": {"repositoryname": "arn:aws:ecr:{r}:{a}:repository/{v}"},
    "efs": {"filesystemid": "arn:aws:elasticfilesystem:{r}:{a}:file-system/{v}"},
    "cloudwatch": {
        "alarmname": "arn:aws:cloudwatch:{r}:{a}:alarm:{v}",
        "alarmnames": "arn:aws:cloudwatch:{r}:{a}:alarm:{v}",
        "dashboardname": "arn:aws:cloudwatch::{a}:dashboard/{v}",
        "dashboardnames": "arn:aws:cloudwatch::{a}:dashboard/{v}",
    },
}
# Services whose ARNs do not use the name requests are signed with.
_ARN_NAMESPACE = {"monitoring": "cloudwatch"}
_ARN["docdb"] = _ARN["neptune"] = _ARN["rds"]

# EC2 IDs tell their own resource type, whatever parameter carries them (CreateTags Resources).
_EC2_PREFIXES = {
    "i": "instance",
    "vol": "volume",
    "sg": "security-group",
    "vpc": "vpc",
    "subnet": "subnet",
    "snap": "snapshot",
    "ami": "image",
    "eni": "network-interface",
    "igw": "internet-gateway",
    "nat": "natgateway",
    "rtb": "route-table",
    "eipalloc": "elastic-ip",
    "lt": "launch-template",
    "tgw": "transit-gateway",
    "vpce": "vpc-endpoint",
    "acl": "network-acl",
    "pcx": "vpc-peering-connection",
}


# Services that keep identifiers in lower case whatever case a call gives (RDS: "stored as a
# lowercase string", so ``--db-instance-identifier PROD-MAIN`` deletes ``prod-main``; DocumentDB
# and Neptune are RDS; ElastiCache and Redshift alike): their names are given in lower case
# first, the spelling as written kept as a second name.
_LOWER_CASED = frozenset({"rds", "docdb", "neptune", "elasticache", "redshift"})


def arn_templates() -> tuple[str, ...]:
    """Every ARN layout names are made with here (``arn:aws:rds:{r}:{a}:db:{v}``, EC2's by ID
    prefix): what ``keyturn policy lint`` checks protected and rule patterns against."""
    templates = [t for table in _ARN.values() for t in table.values()]
    templates += [f"arn:aws:ec2:{{r}}:{{a}}:{kind}/{{v}}" for kind in _EC2_PREFIXES.values()]
    return tuple(dict.fromkeys(templates))


def _as_stored(names: list[str]) -> list[str]:
    lower = [n.lower() for n in names]
    return lower + [n for n in names if n not in lower]


@dataclass(frozen=True, slots=True)
class Where:
    """Account and region to write into names; ``*`` when unknown."""

    region: str = "*"
    account: str = "*"


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier parameter given in a call: its name, its values, and whether it is a list
    (one resource per value) or a single value."""

    member: str
    values: tuple[str, ...]
    many: bool = False


def singular(noun: str) -> str:
    """``Instances`` -> ``Instance``, ``Policies`` -> ``Policy``; other words unchanged."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun


def _stem(member: str) -> str:
    return _ID_SUFFIX.sub("", member)


def is_identifier(member: str) -> bool:
    """Whether an input member's name says it identifies a resource."""
    low = member.lower()
    if low in _NOT_IDS:
        return False
    return low in _EXTRA_IDS or bool(_ID_SUFFIX.search(member))


def _values(value: Any) -> list[str] | None:
    """The identifier values of a parameter: a string, a number, or a list of them."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return [str(value)] if str(value) else []
    if isinstance(value, list | tuple) and all(
        isinstance(v, str | int) and not isinstance(v, bool) for v in value
    ):
        return [str(v) for v in value if str(v)]
    return None


def _noun_match(member: str, noun: str) -> bool:
    stem = _stem(member).lower()
    noun_low, one = noun.lower(), singular(noun).lower()
    if not stem:
        return True
    return stem in (noun_low, one) or (
        bool(noun_low) and (noun_low.startswith(stem) or one.endswith(stem))
    )


def names_part(member: str, noun: str) -> bool:
    """Whether ``member`` names a resource of which ``noun`` is a part
    (``RoleName`` of ``RolePolicy``, ``NetworkAclId`` of ``NetworkAclEntry``)."""
    stem, low = _stem(member).lower(), noun.lower()
    return bool(stem) and low.startswith(stem) and stem not in (low, singular(noun).lower())


def choose_identifiers(
    members: Mapping[str, Any], required: frozenset[str], noun: str, params: Mapping[str, Any]
) -> list[Identifier]:
    """The identifier parameters that name the resource acted on, with their values."""
    given = [
        Identifier(m, tuple(vals), many=isinstance(params[m], list | tuple))
        for m in members
        if m in params and is_identifier(m) and (vals := _values(params[m]))
    ]
    tiers = (
        [g for g in given if _noun_match(g.member, noun)],
        [g for g in given if g.member in required],
        given,
    )
    return next((t for t in tiers if t), [])


def _kebab(word: str) -> str:
    from botocore import xform_name

    kebab: str = xform_name(word, "-")
    return kebab


def arn_for(
    service: str, signing_name: str, member: str, value: str, *, noun: str, where: Where
) -> list[str]:
    """The names of one resource: its ARN (and aliases) for one identifier value."""
    if value.startswith("arn:"):
        arn_service = value.split(":", 3)[2:3]
        given = _as_stored([value]) if set(arn_service) & _LOWER_CASED else [value]
        # Another partition's ARN (aws-cn, aws-us-gov) is named in the ``aws`` one too: the
        # policy's ``arn:aws:...`` patterns, and the names given to a bare identifier, use it.
        return list(dict.fromkeys(a for arn in given for a in partition_aliases(arn)))
    region = "" if service in _GLOBAL else where.region
    if service == "s3" and member.lower() == "bucket":
        return [f"arn:aws:s3:::{value}", f"s3://{value}"]
    if service == "sqs" and member.lower() == "queueurl":
        return [queue_arn(value, where=where), value]
    if service == "lambda" and _LAMBDA_PARTIAL.fullmatch(value):
        # ``123456789012:function:NAME``, which Lambda takes for the function's ARN.
        return [f"arn:aws:lambda:{region}:{value}"]
    if service == "route53" and member.lower() in ("hostedzoneid", "id"):
        return [f"arn:aws:route53:::hostedzone/{value.rsplit('/', 1)[-1]}"]
    if service == "kms" and member.lower() in ("keyid", "aliasname", "targetkeyid"):
        prefix = "" if value.startswith("alias/") else "key/"
        return [f"arn:aws:kms:{region}:{where.account}:{prefix}{value}"]
    ec2_kind = _EC2_PREFIXES.get(value.split("-", 1)[0]) if "-" in value else None
    if service == "ec2" and ec2_kind:
        account = "" if ec2_kind == "image" else where.account
        return [f"arn:aws:ec2:{region}:{account}:{ec2_kind}/{value}"]
    table = _ARN.get(service, {})
    if service == "eks" and member.lower() in _EKS_PARTS:
        table = {}
    for key in sorted(table, key=len, reverse=True):
        if member.lower().endswith(key):
            name = table[key].format(r=region, a=where.account, v=value)
            return _as_stored([name]) if service in _LOWER_CASED else [name]
    eks_kind = _EKS_PARTS.get(member.lower()) if service == "eks" else None
    if eks_kind:
        path = value if "/" in value else f"*/{value}"
        return [f"arn:aws:eks:{region}:{where.account}:{eks_kind}/{path}/*"]
    if service == "ecs" and member.lower() in ("service", "servicename"):
        path = value if "/" in value else f"*/{value}"
        return [f"arn:aws:ecs:{region}:{where.account}:service/{path}"]
    if service == "ssm" and "Parameter" in noun:
        return [f"arn:aws:ssm:{region}:{where.account}:parameter/{value.lstrip('/')}"]
    stem = _stem(member) or singular(noun) or member
    namespace = _ARN_NAMESPACE.get(signing_name, signing_name)
    return [f"arn:aws:{namespace}:{region}:{where.account}:{_kebab(stem)}/{value}"]


# EKS's resources inside a cluster (``…:nodegroup/CLUSTER/NAME/UUID``): not the cluster, whose
# ``name`` their parameters' names end with.
_EKS_PARTS = {
    "nodegroupname": "nodegroup",
    "addonname": "addon",
    "fargateprofilename": "fargateprofile",
    "podidentityassociationid": "podidentityassociation",
}


def in_cluster(ident: Identifier, cluster: str) -> Identifier:
    """An EKS identifier of a resource inside ``cluster`` with the cluster in its path."""
    if ident.member.lower() not in _EKS_PARTS:
        return ident
    values = tuple(
        v if "/" in v or v.startswith("arn:") else f"{cluster}/{v}" for v in ident.values
    )
    return Identifier(ident.member, values, ident.many)


# Lambda's partial ARN, ``ACCOUNT:function:NAME[:QUALIFIER]``.
_LAMBDA_PARTIAL = re.compile(r"\d{12}:function:[^:]+(?::[^:]+)?")


def queue_arn(url: str, *, where: Where) -> str:
    """``https://sqs.eu-west-1.amazonaws.com/123456789012/q`` -> its queue ARN."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = [p for p in parts.path.split("/") if p]
    name = path[-1] if path else url
    account = path[-2] if len(path) >= 2 and re.fullmatch(r"\d{12}", path[-2]) else where.account
    host = re.match(r"^(?:sqs\.)?([a-z]{2}(?:-[a-z]+)+-\d+)\.", parts.hostname or "")
    region = host.group(1) if host else where.region
    return f"arn:aws:sqs:{region}:{account}:{name}"


def service_wide(signing_name: str) -> Resource:
    """The name of a whole service, for an operation that names no resource."""
    namespace = _ARN_NAMESPACE.get(signing_name, signing_name)
    return Resource(names=(f"arn:aws:{namespace}:*:*:*",), type="aws-service")
