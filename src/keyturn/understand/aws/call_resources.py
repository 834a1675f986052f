"""The resources one AWS call acts on, named from its identifier parameters (:mod:`.naming`),
with the services whose names need more than one parameter (an S3 object, an ECS service in
its cluster, an IAM inline policy, a resource reached through Cloud Control)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from keyturn.model import Resource
from keyturn.understand.aws import catalog, naming
from keyturn.understand.aws.lambda_code import alias_identifier
from keyturn.understand.aws.resolved_call import AwsCall
from keyturn.understand.aws_names import cloudformation_names

__all__ = ["cloud_control_names", "resources_of", "s3_resource"]


def resources_of(call: AwsCall, where: naming.Where) -> tuple[list[Resource], bool]:
    """The resources a call acts on, one per identifier value (lists fan out), and whether
    the call acts on a part of them (``DeleteBucketPolicy`` names the bucket, ``DeleteTags`` the
    tagged instance) rather than on the resources themselves."""
    model = catalog.operation_model(call.service, call.operation)
    signing = model.service_model.signing_name or call.service
    params, noun = call.params, call.meaning.noun
    if call.service == "s3" and isinstance(params.get("Bucket"), str):
        key = params.get("Key")
        whole = ("Object", "Objects") if isinstance(key, str) and key else ("Bucket",)
        return [s3_resource(params["Bucket"], key)], noun not in whole
    if call.service == "events" and noun == "Rule" and "Name" in params:
        from keyturn.understand.aws.rule_runs import rule_names

        return [Resource(names=rule_names(params, where))], False
    shape = model.input_shape
    members = shape.members if shape is not None else {}
    required = frozenset(shape.required_members) if shape is not None else frozenset()
    chosen = naming.choose_identifiers(members, required, noun, params)
    chosen = _drop_qualifiers(call, chosen)
    if not chosen:
        return [naming.service_wide(signing)], False
    part = noun.startswith("Tag") or all(naming.names_part(c.member, noun) for c in chosen)

    def names_of(member: str, value: str) -> list[str]:
        return naming.arn_for(
            call.service, signing, member, value, noun=call.meaning.noun, where=where
        )

    resources: list[Resource] = []
    scalars: list[str] = []
    for ident in chosen:
        if ident.many:
            resources += [Resource(names=tuple(names_of(ident.member, v))) for v in ident.values]
        else:
            scalars += [n for n in names_of(ident.member, ident.values[0]) if n not in scalars]
    if scalars:
        resources.insert(0, Resource(names=tuple(scalars)))
    return resources, part


def _drop_qualifiers(call: AwsCall, chosen: list[naming.Identifier]) -> list[naming.Identifier]:
    """Leave out identifiers that only qualify another (an inline policy's name, an ECS
    service's cluster), folding them into the qualified name where the ARN needs them."""
    by_member = {c.member: c for c in chosen}
    noun = call.meaning.noun
    stack = call.params.get("StackName")
    if call.qualified == "cloudformation:ExecuteChangeSet" and isinstance(stack, str) and stack:
        rest = [c for c in chosen if c.member != "StackName"]
        return [naming.Identifier("StackName", (stack,)), *rest]
    if call.service == "iam" and by_member.keys() & {"RoleName", "UserName", "GroupName"}:
        return [c for c in chosen if c.member != "PolicyName"]
    policy = call.params.get("PolicyArn")
    versioned = "VersionId" in by_member and "PolicyArn" not in by_member
    if call.service == "iam" and versioned and isinstance(policy, str) and policy:
        # A version is the policy's own (SetDefaultPolicyVersion swaps what it grants).
        return [naming.Identifier("PolicyArn", (policy,)), *chosen]
    alias = alias_identifier(noun, call.params) if call.service == "lambda" else None
    if alias is not None:
        # An alias is named inside its function (``function:NAME:ALIAS``), not by ``Name``.
        return [alias]
    cluster = call.params.get("clusterName")
    if call.service == "eks" and isinstance(cluster, str) and cluster:
        # A node group, add-on or Fargate profile is named inside its cluster's path.
        return [naming.in_cluster(c, cluster) for c in chosen]
    cluster_param = call.params.get("cluster")
    if call.service == "ecs" and "service" in by_member and isinstance(cluster_param, str):
        cluster = cluster_param.rsplit("/", 1)[-1]
        service = by_member["service"].values[0]
        value = service if service.startswith("arn:") else f"{cluster}/{service}"
        rest = [c for c in chosen if c.member not in ("cluster", "service")]
        return [naming.Identifier("service", (value,)), *rest]
    return chosen


def s3_resource(bucket: str, key: Any) -> Resource:
    """An S3 object (``key`` given) or bucket, by its ARN and its ``s3://`` name."""
    if isinstance(key, str) and key:
        return Resource(
            names=(f"arn:aws:s3:::{bucket}/{key}", f"s3://{bucket}/{key}"), type="s3-object"
        )
    return Resource(names=(f"arn:aws:s3:::{bucket}", f"s3://{bucket}"), type="s3-bucket")


def cloud_control_names(resource: Resource, params: Mapping[str, Any]) -> Resource:
    """Cloud Control reaches any resource by its CloudFormation type and identifier
    (``AWS::RDS::DBInstance``, ``prod-main``): the resource is named as the service's own API
    names it too, so that a protected pattern on the RDS instance holds against this road to it
    (for the types ``aws_names.CLOUDFORMATION_TYPES`` knows; another keeps Cloud Control's name
    only)."""
    type_name, identifier = params.get("TypeName"), params.get("Identifier")
    if not isinstance(type_name, str) or not isinstance(identifier, str) or not identifier:
        return resource
    # The type is named too, so that a type no native name is known for (``AWS::IAM::RolePolicy``)
    # still tells which service's resource the call changes (a ``service:`` rule holds it).
    typed = f"arn:aws:cloudcontrolapi:*:*:type/{type_name}"
    native = cloudformation_names(type_name, identifier)
    names = (*resource.names, *native, typed)
    return Resource(names=tuple(dict.fromkeys(names)), type=type_name)
