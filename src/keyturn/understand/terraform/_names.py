"""Names and services of Terraform resources (BRIEF §4.2).

A resource is named by its address, by the ID/ARN the plan knows, and by names derived from its
type (an ``aws_db_instance``'s identifier gives ``arn:aws:rds:*:*:db:<identifier>``; a
``kubernetes_namespace``'s ``metadata.name`` (or a ``kubectl_manifest``'s ``kind`` and
``name``, a ``kustomization_resource``'s JSON ``manifest``) gives ``k8s:namespace/<name>``;
an ``aws_s3_object`` is ``arn:aws:s3:::<bucket>/<key>``, as the AWS CLI names it; an
``awscc_*`` resource is named from its ``id``, its physical name (``bucket_name``...) and its
own ARN as the CloudFormation type it is generated from (:mod:`._awscc`);
a ``local_file`` is ``file:<filename>``), so a policy pattern written for any surface matches
a plan too. An ARN of another partition (``arn:aws-cn:...``) is also named in the ``aws`` one.

An instance of a resource with ``count`` or ``for_each`` (``aws_db_instance.main[0]``,
``module.db["a"].aws_db_instance.main["x"]``) is also named by its address without instance
keys (:func:`address_names`): a protected ``aws_db_instance.main`` protects each of its
instances. A module path stays part of the address (``module.x.aws_db_instance.main`` is
another resource).
"""

from __future__ import annotations

import json
import re
from typing import Any

from keyturn.model import Target
from keyturn.understand.aws_names import (
    TERRAFORM_TYPES,
    cloudformation_names,
    partition_aliases,
    resource_names,
)
from keyturn.understand.k8s_kinds import (
    custom_resource_names,
    is_cluster_scoped,
    normalize_kind,
    object_names,
)
from keyturn.understand.terraform._awscc import awscc_names
from keyturn.understand.terraform._local_files import LOCAL_FILE_TYPES, local_file_names

# Prefix of a resource type after "aws_" -> the service a ``service:`` rule names.
_AWS_SERVICES: dict[str, str] = {
    "db": "rds",
    "rds": "rds",
    "docdb": "rds",
    "neptune": "rds",
    "instance": "ec2",
    "ebs": "ec2",
    "vpc": "ec2",
    "subnet": "ec2",
    "security": "ec2",
    "nat": "ec2",
    "eip": "ec2",
    "ami": "ec2",
    "launch": "ec2",
    "key": "ec2",
    "network": "ec2",
    "route": "ec2",
    "internet": "ec2",
    "default": "ec2",
    "ec2": "ec2",
    "lb": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "elb": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "opensearch": "es",
    "elasticsearch": "es",
    "sfn": "states",
    "api": "apigateway",
    "route53": "route53",
    "autoscaling": "autoscaling",
}
_CLOUDWATCH = {"log": "logs", "event": "events"}
# CloudFormation's service word (``awscc_<service>_...``) -> the service a rule names.
_AWSCC_SERVICES = {
    "docdb": "rds",
    "neptune": "rds",
    "efs": "elasticfilesystem",
    "opensearchservice": "es",
    "elasticsearch": "es",
    "stepfunctions": "states",
    "elasticloadbalancingv2": "elasticloadbalancing",
}
_PROVIDER_SERVICES = {
    "kubernetes": "k8s",
    "helm": "k8s",
    "google": "gcp",
    "azurerm": "azure",
    "azuread": "azure",
    "terraform": "terraform",
}
_K8S_VERSION = re.compile(r"_v\d+(?:(?:alpha|beta)\d+)?$")
# An instance key in an address: ``[0]`` or ``["a"]`` (a string key may hold ``]`` or ``"``).
_INSTANCE_KEY = r'\[(?:\d+|"(?:[^"\\]|\\.)*")\]'
_ANY_INSTANCE_KEY = re.compile(_INSTANCE_KEY)
_LAST_INSTANCE_KEY = re.compile(_INSTANCE_KEY + r"\Z")
# Objects in a bucket (``bucket`` and ``key``); a copy is named by where it is written.
_S3_OBJECT_TYPES = frozenset({"aws_s3_object", "aws_s3_bucket_object", "aws_s3_object_copy"})
_SERVICE_CACHE: dict[str, str] = {}


def service_of(resource_type: str) -> str:
    """The service of a Terraform resource type: ``aws_iam_role`` -> ``iam``,
    ``aws_db_instance`` -> ``rds``, ``kubernetes_namespace`` -> ``k8s``."""
    cached = _SERVICE_CACHE.get(resource_type)
    if cached is None:
        cached = _SERVICE_CACHE[resource_type] = _service(resource_type)
    return cached


def _service(resource_type: str) -> str:
    provider, _, rest = resource_type.partition("_")
    if provider == "awscc":
        # Named after CloudFormation's service: a ``service: iam`` rule holds for awscc_iam_*.
        service = rest.split("_", 1)[0]
        return _AWSCC_SERVICES.get(service, service or "awscc")
    if provider != "aws":
        return _PROVIDER_SERVICES.get(provider, provider or "terraform")
    words = rest.split("_")
    if words[0] == "cloudwatch" and len(words) > 1:
        return _CLOUDWATCH.get(words[1], "cloudwatch")
    return _AWS_SERVICES.get(words[0], words[0])


def address_names(address: str) -> tuple[str, ...]:
    """``address`` and, for an instance (``aws_db_instance.main[0]``), the address of its
    resource (``aws_db_instance.main``) and that without module instance keys as well, so that
    a pattern naming the resource names each of its instances."""
    if "[" not in address:
        return (address,)
    resource = _LAST_INSTANCE_KEY.sub("", address)
    bare = _ANY_INSTANCE_KEY.sub("", address)
    return tuple(dict.fromkeys((address, resource, bare)))


def derived_names(resource_type: str, values: Any) -> list[str]:
    """Names the plan's values give a resource: its ``arn``, ``id`` and type-derived names."""
    if not isinstance(values, dict):
        return []
    names: list[str] = []
    arn = values.get("arn")
    if arn and isinstance(arn, str):
        names.extend(partition_aliases(arn))
    ident = values.get("id")
    if ident and isinstance(ident, str):
        names.extend(partition_aliases(ident))
    known = TERRAFORM_TYPES.get(resource_type)
    if known is not None:
        value = values.get(known[1])
        if value and isinstance(value, str):
            names.extend(resource_names(known[0], value))
    elif resource_type.startswith("awscc_"):
        # The Cloud Control provider's ``id`` is the Cloud Control identifier: named as the
        # native resource, as Cloud Control's own API names it
        # (``aws.call_resources.cloud_control_names``); a create by its physical name.
        names.extend(awscc_names(resource_type, values))
    elif resource_type == "aws_cloudcontrolapi_resource":
        names.extend(_cloud_control_names(values))
    elif resource_type in LOCAL_FILE_TYPES:
        names.extend(local_file_names(resource_type, values))
    elif resource_type in _S3_OBJECT_TYPES:
        names.extend(_s3_object_names(values))
    elif resource_type.startswith("kubernetes_"):
        names.extend(_kubernetes_names(resource_type, values))
    elif resource_type == "kubectl_manifest":
        names.extend(_kubectl_manifest_names(values))
    elif resource_type == "kustomization_resource":
        names.extend(_manifest_names(_json_manifest(values)))
    elif resource_type == "helm_release":
        name, namespace = values.get("name"), values.get("namespace") or "default"
        if isinstance(name, str) and name and isinstance(namespace, str):
            names.append(f"helm:{namespace}/{name}")
    return names


def _cloud_control_names(values: dict[str, Any]) -> list[str]:
    """``aws_cloudcontrolapi_resource`` reaches any resource by its CloudFormation type and
    identifier: named as the native resource (``AWS::RDS::DBInstance`` ``prod-main`` is the
    RDS instance's ARN) and by its type, which tells the service a ``service:`` rule names,
    as Cloud Control's own API calls are (``aws.call_resources.cloud_control_names``)."""
    type_name, ident = values.get("type_name"), values.get("id")
    if not isinstance(type_name, str) or not type_name:
        return []
    names = [f"arn:aws:cloudcontrolapi:*:*:type/{type_name}"]
    if isinstance(ident, str) and ident:
        names.extend(cloudformation_names(type_name, ident))
    return names


def crd_objects(resource_type: str, values: Any) -> tuple[str, ...]:
    """For a ``kubernetes_manifest`` (or ``kubectl_manifest``, ``kustomization_resource``)
    holding a CustomResourceDefinition, the names of every object of the kind it defines (they
    go when it goes); ``()`` for anything else."""
    if not isinstance(values, dict):
        return ()
    if resource_type == "kubectl_manifest":
        name = values.get("name")
        if values.get("kind") != "CustomResourceDefinition" or not isinstance(name, str):
            return ()
        return custom_resource_names(name)  # kind and scope are in the YAML: from the name
    if resource_type == "kustomization_resource":
        manifest = _json_manifest(values)
    elif resource_type == "kubernetes_manifest":
        manifest = values.get("manifest")
    else:
        return ()
    if not isinstance(manifest, dict) or manifest.get("kind") != "CustomResourceDefinition":
        return ()
    metadata = manifest.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return custom_resource_names(name if isinstance(name, str) else "", manifest)


def _s3_object_names(values: dict[str, Any]) -> tuple[str, ...]:
    """An object's ARN and ``s3://`` alias; everything in the bucket when the key is unknown."""
    bucket, key = values.get("bucket"), values.get("key")
    if not isinstance(bucket, str) or not bucket:
        return ()
    key = key if isinstance(key, str) and key else "*"
    return (f"arn:aws:s3:::{bucket}/{key}", f"s3://{bucket}/{key}")


def _kubectl_manifest_names(values: dict[str, Any]) -> tuple[str, ...]:
    """The object of the (gavinbunney/alekc) kubectl provider's ``kubectl_manifest``, from the
    ``kind``, ``name`` and ``namespace`` it records beside its ``yaml_body``."""
    kind, name, namespace = values.get("kind"), values.get("name"), values.get("namespace")
    if not (isinstance(kind, str) and kind and isinstance(name, str) and name):
        return ()
    if not isinstance(namespace, str) or not namespace:
        namespace = None if is_cluster_scoped(kind) else "default"
    return object_names(normalize_kind(kind), name, namespace)


def _json_manifest(values: dict[str, Any]) -> Any:
    """The object a (kbst) ``kustomization_resource`` manages: its ``manifest``, the object's
    JSON text; None when it is not such text."""
    text = values.get("manifest")
    try:
        return json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        return None


def _manifest_names(manifest: Any) -> tuple[str, ...]:
    """``k8s:`` names of a whole Kubernetes object (``kind`` and ``metadata``)."""
    if not isinstance(manifest, dict):
        return ()
    return _object_names(manifest.get("kind"), manifest.get("metadata"))


def _kubernetes_names(resource_type: str, values: dict[str, Any]) -> tuple[str, ...]:
    """``k8s:`` names from the kubernetes provider's ``metadata`` block (or ``manifest``)."""
    if resource_type == "kubernetes_manifest":
        return _manifest_names(values.get("manifest"))
    kind = _K8S_VERSION.sub("", resource_type.removeprefix("kubernetes_")).replace("_", "")
    return _object_names(kind, values.get("metadata"))


def _object_names(kind: Any, metadata: Any) -> tuple[str, ...]:
    """``k8s:`` names of the object of ``kind`` its ``metadata`` (an object, or a block: a list
    of one) names; in ``default`` when a namespaced kind gives no namespace."""
    if isinstance(metadata, list):
        metadata = metadata[0] if metadata else None
    if not isinstance(kind, str) or not kind or not isinstance(metadata, dict):
        return ()
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        return ()
    namespace = metadata.get("namespace")
    if not isinstance(namespace, str) or not namespace:
        namespace = None if is_cluster_scoped(kind) else "default"
    return object_names(normalize_kind(kind), name, namespace)


# arn:PARTITION:SERVICE:REGION:ACCOUNT:...; the account is twelve digits when given.
_ARN_PLACE = re.compile(r"arn:[\w-]+:[\w-]*:(?P<region>[a-z0-9-]*):(?P<account>\d{12}):")


def arn_target(values: Any, target: Target) -> Target:
    """``target`` with the account and region the resource's own ARN tells, where ``target``
    leaves them unset.

    A plan's workspace name is what the agent was told; the ARNs are where the plan lands. A
    "dev" workspace whose state points at the production account (a stale or copied state) is
    judged by the account's environment when the policy lists it under ``aws_accounts``."""
    if target.aws_account is not None or not isinstance(values, dict):
        return target
    arn = values.get("arn")
    match = _ARN_PLACE.match(arn) if isinstance(arn, str) else None
    if match is None:
        return target
    # A plan's objects share a few accounts and regions: one target each, not one per object.
    key = (target, match["account"], match["region"])
    found = _ARN_TARGETS.get(key)
    if found is None:
        if len(_ARN_TARGETS) >= 1024:
            _ARN_TARGETS.clear()
        place = Target(aws_account=match["account"], aws_region=match["region"] or None)
        found = _ARN_TARGETS[key] = place.merged_over(target)
    return found


_ARN_TARGETS: dict[tuple[Target, str, str], Target] = {}
