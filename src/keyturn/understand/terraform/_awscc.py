"""The Cloud Control provider's ``awscc_*`` resources, read as the CloudFormation types they are.

The ``awscc`` provider is generated from the CloudFormation registry: each type is one
CloudFormation type (``awscc_`` + the service + the snake_case of the resource's name:
``awscc_rds_db_instance`` is ``AWS::RDS::DBInstance``) and each attribute the snake_case of a
property (``public_access_block_configuration.block_public_policy`` is
``PublicAccessBlockConfiguration.BlockPublicPolicy``). So rather than a second table of what
each type means, a change is read by the CloudFormation readers over :class:`CfnProperties`, a
view of the plan's values that answers to the property names those readers ask for:

- names (:func:`awscc_names`): the ``id`` (Cloud Control's identifier) as a change set's
  physical id is named, the property a template names the resource by (``bucket_name``,
  ``db_instance_identifier``, ``role_name``...: :mod:`keyturn.understand.aws.stack_updates`) --
  which a create knows before its ``id`` -- and the resource's own ARN (``<resource>_arn``);
- protection removed: the attributes the ``aws`` provider shares (``deletion_protection``,
  ``deletion_protection_enabled``, ``backup_retention_period``...: :mod:`._protection`) and a
  bucket's ``versioning_configuration.status`` leaving ``Enabled`` (:func:`protection_removed`);
- a store opened to the world (:mod:`._exposure`): a bucket's public access block weakened or
  taken away or a public ``access_control``, a database made ``publicly_accessible`` (on update,
  as their ``aws_*`` counterparts); a public database created from a snapshot or another
  database opens that source (read as a change set's ``Add``); the policy a store holds (a
  key's ``key_policy``, a role's ``assume_role_policy_document``...: :data:`SELF`); each type
  that attaches access to a store (``awscc_s3_bucket_policy``, ``awscc_lambda_permission``,
  topic and queue policies...: :func:`attached_reader`, every type of
  :mod:`keyturn.understand.aws.cloud_control_attached`).

More read as their ``aws_*`` counterparts are, which no CloudFormation reader reads: a
Redshift cluster made ``publicly_accessible`` (its other access attributes, such as its
``namespace_resource_policy``, held by the rule below: :data:`PARTLY_READ`); a Lambda function
URL (``awscc_lambda_url``) with ``auth_type`` ``NONE`` opens the function its
``target_function_arn`` names, on create too (:data:`OPENERS`); an OpenSearch domain's open
``access_policies`` read apart when it has no ``vpc_options`` (its endpoint on the internet), so
that a domain taken out of its VPC opens it; a database created from a snapshot or another
database whose ``publicly_accessible`` is known only on apply holds that source (``unknown``).
An ``awscc_ecr_public_repository`` is public by design (anyone may pull from it): a new one
holds no image, and its ``repository_policy_text`` (who may push) is held by the rule below.

A type none of those read is judged as Cloud Control's ``UpdateResource`` of it is
(:func:`keyturn.understand.cloud_control_exposure.patch_exposure`): an update changing an
attribute whose name says it governs who may reach the resource (policy, public, access,
principal, permission...) is ``unknown`` (:func:`access_changed`). A value known only on apply
is ``unknown``, never a pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from keyturn.model import Effect
from keyturn.understand.aws.cloud_control_attached import ATTACHING
from keyturn.understand.aws.stack_updates import PHYSICAL_NAMES
from keyturn.understand.aws_names import (
    AWSCC_TYPES,
    awscc_type,
    cloudformation_names,
    partition_aliases,
    resource_names,
    snake_case,
)
from keyturn.understand.cloud_control_exposure import patch_exposure
from keyturn.understand.cloudformation_exposure import change_exposure, restored_exposure
from keyturn.understand.terraform._expiry import camel_word
from keyturn.understand.terraform._protection import first_block
from keyturn.understand.terraform._public_values import (
    READERS,
    Openings,
    Reader,
    Unknown,
    access_block_openings,
    function_url,
    public_statements,
)

__all__ = [
    "CFN_TYPES",
    "OPENERS",
    "PARTLY_READ",
    "READ_TYPES",
    "SELF",
    "SOURCE_TYPES",
    "CfnProperties",
    "access_changed",
    "access_changed_besides",
    "as_policy_text",
    "attached_reader",
    "awscc_names",
    "protection_removed",
    "sources_opened",
]

# awscc type -> its CloudFormation type, for every type a CloudFormation reader knows.
CFN_TYPES: dict[str, str] = AWSCC_TYPES | {
    awscc_type(t): t for t in (*PHYSICAL_NAMES, *ATTACHING, "AWS::RDS::DBCluster")
}
# A value a change set does not know yet: what the CloudFormation readers hold as such.
_KNOWN_AFTER = "{{changeSet:KNOWN_AFTER_APPLY}}"


class CfnProperties(Mapping[str, Any]):
    """A plan's snake_case values as CloudFormation's properties: ``view["BucketName"]`` is
    ``values["bucket_name"]``, nested blocks alike. An object whose keys are not snake_case (a
    policy document given as an object) is given as it is. ``unknown`` values (known only on
    apply) read as a change set's ``KNOWN_AFTER_APPLY``; ``read`` records each property asked
    for, so that a decision resting on an unknown one can be told."""

    __slots__ = ("_unknown", "_values", "read")

    def __init__(self, values: Mapping[str, Any], unknown: Unknown | None = None) -> None:
        self._values = values
        self._unknown = unknown
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        attr = snake_case(key) if isinstance(key, str) else key
        self.read.add(attr)
        if attr not in self._values or self._values[attr] is None:
            if self._unknown is not None and self._unknown(attr):
                return _KNOWN_AFTER
            raise KeyError(key)
        return _cfn_value(self._values[attr])

    def __iter__(self) -> Iterator[str]:
        return (camel_word(str(k)) for k, v in self._values.items() if v is not None)

    def __len__(self) -> int:
        return sum(1 for v in self._values.values() if v is not None)


def _cfn_value(value: Any) -> Any:
    if isinstance(value, dict) and all(isinstance(k, str) and k == k.lower() for k in value):
        return CfnProperties(value)
    if isinstance(value, list):
        return [_cfn_value(v) for v in value]
    return value


def awscc_names(resource_type: str, values: dict[str, Any]) -> list[str]:
    """The names of an awscc resource beyond its ``id`` and ``arn`` as given: as its
    CloudFormation type names its identifier and its physical name, and its own ARN."""
    names: list[str] = []
    cfn = CFN_TYPES.get(resource_type)
    ident = values.get("id")
    if cfn is not None and isinstance(ident, str) and ident:
        names.extend(cloudformation_names(cfn, ident))
    physical = PHYSICAL_NAMES.get(cfn or "")
    value = values.get(snake_case(physical[0])) if physical else None
    if physical and isinstance(value, str) and value:
        names.extend(resource_names(physical[1], value))
    noun = resource_type.removeprefix("awscc_").partition("_")[2]
    own_arn = values.get(f"{noun}_arn")  # ``db_instance_arn``, ``topic_arn``...
    if isinstance(own_arn, str) and own_arn.startswith("arn:"):
        names.extend(partition_aliases(own_arn))
    return names


def protection_removed(resource_type: str, before: Any, after: Any) -> str | None:
    """What an awscc change switches off that the ``aws`` provider's attributes do not say: a
    bucket's ``versioning_configuration.status`` no longer ``Enabled`` (unknown counts)."""
    if resource_type != "awscc_s3_bucket" or not isinstance(before, dict):
        return None
    was = first_block(before, "versioning_configuration").get("status")
    now = first_block(after if isinstance(after, dict) else {}, "versioning_configuration")
    return "versioning suspended" if was == "Enabled" and now.get("status") != "Enabled" else None


def _bucket(values: dict[str, Any], unknown: Unknown) -> Openings:
    """An ``awscc_s3_bucket``'s ``public_access_block_configuration`` (each flag off, or the
    whole block taken away: Cloud Control deletes it) and its ``access_control``."""
    found: Openings = {}
    block = values.get("public_access_block_configuration")
    if unknown("public_access_block_configuration"):
        found["block"] = None
    elif isinstance(block, dict):
        found |= access_block_openings(block, lambda _: False)  # a flag left out is false
    else:
        found["block"] = "public_access_block_configuration taken away"
    acl = values.get("access_control")
    if unknown("access_control"):
        found["acl"] = None
    elif isinstance(acl, str) and acl:
        why = change_exposure("AWS::S3::Bucket", [("AccessControl", "", None, acl)])
        found |= {"acl": why} if why else {}
    return found


def as_policy_text(document: Any) -> Any:
    """A policy document as the ``aws`` provider gives it, JSON text: the ``awscc`` provider
    gives one as an object (``policy_document``...) where its schema types it so."""
    return json.dumps(document) if isinstance(document, dict | list) else document


def _document(attr: str) -> Reader:
    """A policy document in ``attr`` (its JSON text, or an object) letting anyone in."""

    def read(values: dict[str, Any], unknown: Unknown) -> Openings:
        return public_statements({attr: as_policy_text(values.get(attr))}, attr, unknown)

    return read


def _domain(values: dict[str, Any], unknown: Unknown) -> Openings:
    """An OpenSearch domain's ``access_policies`` letting anyone in, keyed apart when it has no
    ``vpc_options`` (its endpoint on the internet): a domain taken out of its VPC opens it. An
    open policy inside a VPC still counts, as the ``aws_opensearch_domain``'s does."""
    found = _document("access_policies")(values, unknown)
    vpc = values.get("vpc_options")
    if not found or (isinstance(vpc, dict) and vpc.get("subnet_ids")):
        return found
    where = None if unknown("vpc_options") else "no vpc_options: its endpoint is on the internet"
    return {
        f"{key} outside a VPC": None if why is None or where is None else f"{why}; {where}"
        for key, why in found.items()
    }


# Types whose own settings open them (on update: a new store holds no data yet).
READ_TYPES: dict[str, Reader] = {
    "awscc_s3_bucket": _bucket,
    "awscc_rds_db_instance": READERS["aws_db_instance"],
    "awscc_rds_db_cluster": READERS["aws_db_instance"],
    "awscc_redshift_cluster": READERS["aws_redshift_cluster"],
}
# Read types whose other attributes may govern access too (``namespace_resource_policy``...):
# those still held as :func:`access_changed` holds a type read nowhere.
PARTLY_READ: dict[str, frozenset[str]] = {
    "awscc_redshift_cluster": frozenset({"publicly_accessible"}),
}
# Types that open another store, as the ``aws_*`` one does: the attribute naming that store.
OPENERS: dict[str, tuple[Reader, str]] = {
    "awscc_lambda_url": (function_url("auth_type", "target_function_arn"), "target_function_arn"),
}
# Stores whose own values hold the policy that may open them (the CloudFormation schemas).
SELF: dict[str, Reader] = {
    "awscc_kms_key": _document("key_policy"),
    "awscc_iam_role": _document("assume_role_policy_document"),
    "awscc_opensearchservice_domain": _domain,
    "awscc_ecr_repository": _document("repository_policy_text"),
    "awscc_backup_backup_vault": _document("access_policy"),
    "awscc_efs_file_system": _document("file_system_policy"),
}


def attached_reader(cfn_type: str) -> Reader:
    """What opens the stores an awscc type that attaches access (``cfn_type`` of
    :data:`~keyturn.understand.aws.cloud_control_attached.ATTACHING`) names: read by that
    type's own reading over the plan's values; unknown when it asked for a value known only on
    apply."""
    opens = ATTACHING[cfn_type].opens

    def read(values: dict[str, Any], unknown: Unknown) -> Openings:
        view = CfnProperties(values)
        why = opens(view)
        if any(unknown(attr) for attr in view.read):
            return {cfn_type: None}
        return {cfn_type: why} if why else {}

    return read


SOURCE_TYPES = frozenset({"awscc_rds_db_instance", "awscc_rds_db_cluster"})


def sources_opened(
    resource_type: str, effects: list[Effect], values: dict[str, Any], unknown: Unknown
) -> list[Effect]:
    """A database created publicly accessible from a snapshot, a replica or another's point in
    time opens that source: read as a change set's ``Add`` of it (its own effect marked, an
    ``update`` of each source removing its protection, ``unknown`` where a source is known
    only on apply). The provider leaves an optional value unset known only on apply, so a
    database whose ``publicly_accessible`` is so (RDS makes it public in a default VPC with an
    internet gateway) holds only the sources it names: each ``unknown``."""
    public = values.get("publicly_accessible")
    if public is not True:
        if public is not None or not unknown("publicly_accessible"):
            return effects
        unknown = _only("publicly_accessible", unknown)  # an unset source is no source
    change = {
        "ResourceType": CFN_TYPES[resource_type],
        "Action": "Add",
        "AfterContext": CfnProperties(values, unknown),
    }
    return restored_exposure(change, effects)


def _only(attr: str, unknown: Unknown) -> Unknown:
    return lambda name: name == attr and unknown(name)


def access_changed(resource_type: str, before: Any, after: Any, unknown: Unknown) -> str | None:
    """Why an update of an awscc type read nowhere else may open it to anyone, as Cloud
    Control's ``UpdateResource`` patch of it is read: an attribute that governs who may reach
    it changed (or known only on apply). None: no such attribute changed."""
    if not isinstance(before, dict):
        return None
    now = after if isinstance(after, dict) else {}
    changed = [
        attr
        for attr in dict.fromkeys((*before, *now))
        if isinstance(attr, str) and (before.get(attr) != now.get(attr) or unknown(attr))
    ]
    operations = [{"op": "replace", "path": "/" + camel_word(attr)} for attr in changed]
    why = patch_exposure(CFN_TYPES.get(resource_type, resource_type), operations)
    return None if why is None else f"{resource_type}: {why}"


def access_changed_besides(
    resource_type: str, before: Any, after: Any, unknown: Unknown
) -> str | None:
    """:func:`access_changed` for a type of :data:`PARTLY_READ`, over the attributes its own
    reading does not read."""
    read = PARTLY_READ[resource_type]
    if not isinstance(before, dict):
        return None
    now = after if isinstance(after, dict) else {}
    rest = {k: v for k, v in before.items() if k not in read}
    later = {k: v for k, v in now.items() if k not in read}
    return access_changed(resource_type, rest, later, lambda a: a not in read and unknown(a))
