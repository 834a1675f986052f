"""A database made public from another's data, and a bucket policy's perimeter taken away:
judged as removing the protection of the store whose data is opened (docs/security.md,
"Opening a store to the world removes its protection").

The decisions:

- A database *created* publicly accessible holds no data of its own (judged a create, as
  before), but one created from a snapshot, as a read replica, restored to a point in time of
  another instance or loaded from an S3 backup holds the *source*'s data from its first
  moment: the change is an ``update`` of the source that removes its protection, the source
  named as the plan names RDS instances (``arn:aws:rds:*:*:db:<id>`` and the identifier) or as
  the AWS CLI names snapshots (``arn:aws:rds:*:*:snapshot:<id>``). A value known only on apply
  stays ``unknown``. Evidence: a real ``terraform plan`` with hashicorp/aws 5.100.0 (run here,
  ``terraform providers schema -json`` too): ``snapshot_identifier`` is optional *and
  computed*, so a plan marks it known only on apply when it is unset as well (an unset one
  and one from another resource cannot be told apart from the values: ``unknown``, held);
  ``aws_rds_cluster`` has no ``publicly_accessible`` (an Aurora cluster is opened by its
  ``aws_rds_cluster_instance``, which names the cluster: not covered here); a block with
  nothing unknown is marked ``[{}]`` in ``after_unknown``. The provider's create takes one
  source (its ``resourceDBInstanceCreate`` if/else chain: replica, S3, snapshot, point in time).
- Destroying an ``aws_s3_bucket_policy`` (or updating it without the statement) whose Deny for
  everyone kept the world out -- no condition, or only conditions on who or where
  (``aws:SourceVpce``, ``aws:PrincipalOrgID``, ``aws:SourceIp``...) -- on a reading action
  opens the bucket to whatever else grants access: it removes the bucket's protection. A Deny
  keyed on anything else (``aws:SecureTransport`` false, an encryption header) refuses some
  requests of the same principals and keeps nobody out: not an exposure.
- CloudFormation: ``AWS::RDS::DBCluster`` ``PubliclyAccessible`` (Multi-AZ DB clusters, per the
  resource schema cfn-lint ships) is read as ``AWS::RDS::DBInstance``'s is; an ``Add`` whose
  ``AfterContext`` shows a public database made from a snapshot or a replica removes the
  source's protection. ``AfterContext`` holds the resource with its properties under
  ``Properties`` (the CloudFormation User Guide's "View a change set" example); without it an
  ``Add`` shows no property, and is judged as the create it is.

Judged under the BRIEF policy (``arn:aws:rds:*:*:db:prod-*`` and
``arn:aws:s3:::acme-terraform-state*`` protected) in ``dev``, where an unprotected change is
allowed, with the snapshot ``prod-main-final`` protected as well.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.adversarial._judging import (
    decision_of,
    policy_protecting,
    protecting,
    unprotected,
)
from tests.adversarial.conftest import ACTOR

from keyturn.model import Action, EffectKind, Target
from keyturn.policy import Policy
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.terraform import understand_terraform

DEV = Target(environment="dev")
STATE = "acme-terraform-state"
SNAPSHOT_ARN = "arn:aws:rds:*:*:snapshot:prod-main-final"


policy = policy_protecting(SNAPSHOT_ARN)


def _plan(*changes: dict[str, Any]) -> Action:
    plan = json.dumps({"format_version": "1.2", "resource_changes": list(changes)})
    return understand_terraform(plan, target=DEV)


# As the real plan (hashicorp/aws 5.100.0) writes a create: the computed snapshot_identifier
# marked unknown when not set, empty blocks as [] and a block with nothing unknown as [{}].
_UNKNOWN = {"id": True, "arn": True, "snapshot_identifier": True,
            "restore_to_point_in_time": [], "s3_import": []}  # fmt: skip


def _db(actions: list[str], after: dict[str, Any], *, before: Any = None,
        unknown: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    values = {"identifier": "reports", "publicly_accessible": True, "snapshot_identifier": None,
              "replicate_source_db": None, "restore_to_point_in_time": [],
              "s3_import": []} | after  # fmt: skip
    marks = dict(_UNKNOWN if unknown is None else unknown)
    if values["snapshot_identifier"]:
        marks.pop("snapshot_identifier", None)
    for block in ("restore_to_point_in_time", "s3_import"):
        if values[block] and marks.get(block) == []:
            marks[block] = [{}]  # present, nothing in it unknown: as the real plan marks it
    change = {"actions": actions, "before": before, "after": values, "after_unknown": marks}
    return {"address": "aws_db_instance.reports", "mode": "managed", "type": "aws_db_instance",
            "name": "reports", "change": change}  # fmt: skip


PITR = [{"source_db_instance_identifier": "prod-main", "use_latest_restorable_time": True,
         "restore_time": None, "source_dbi_resource_id": None,
         "source_db_instance_automated_backups_arn": None}]  # fmt: skip

SOURCES = [
    ("snapshot", {"snapshot_identifier": "prod-main-final"}, SNAPSHOT_ARN),
    (
        "snapshot-arn",
        {"snapshot_identifier": "arn:aws:rds:us-east-1:111111111111:snapshot:prod-main-final"},
        "arn:aws:rds:us-east-1:111111111111:snapshot:prod-main-final",
    ),
    ("replica", {"replicate_source_db": "prod-main"}, "arn:aws:rds:*:*:db:prod-main"),
    (
        "replica-of-an-arn",
        {"replicate_source_db": "arn:aws:rds:eu-west-1:1:db:PROD-MAIN"},
        "arn:aws:rds:eu-west-1:1:db:prod-main",
    ),
    ("point-in-time", {"restore_to_point_in_time": PITR}, "arn:aws:rds:*:*:db:prod-main"),
    (
        "s3-backup",
        {"s3_import": [{"bucket_name": STATE, "bucket_prefix": "dumps"}]},
        f"arn:aws:s3:::{STATE}",
    ),
]


@pytest.mark.parametrize(("case", "after", "source"), SOURCES, ids=[c for c, _, _ in SOURCES])
@pytest.mark.parametrize("actions", [["create"], ["delete", "create"]], ids=["create", "replace"])
def test_a_database_made_public_from_protected_data_is_refused(
    case: str, after: dict[str, Any], source: str, actions: list[str], policy: Policy
) -> None:
    """Allowed before the fix (a create in dev; a replace of an unprotected instance): the
    source's protection is removed now, and refused. The change keeps its own kind."""
    before = {"identifier": "reports", "publicly_accessible": False} if len(actions) > 1 else None
    action = _plan(_db(actions, after, before=before))
    assert source in unprotected(action), [e.canonical() for e in action.effects]
    assert action.effects[0].removes_protection
    assert action.effects[0].effect in (EffectKind.CREATE, EffectKind.REPLACE)
    assert decision_of(action, policy, ACTOR) == "deny", case


def test_the_source_is_named_as_rds_names_it() -> None:
    """A replica's source in upper case is named in lower case too (RDS keeps identifiers
    lower-cased), with the identifier the plan gives."""
    action = _plan(_db(["create"], {"replicate_source_db": "PROD-Main"}))
    [source] = [e for e in action.effects[1:] if e.removes_protection]
    assert source.effect is EffectKind.UPDATE
    assert {"arn:aws:rds:*:*:db:prod-main", "PROD-Main"} <= set(source.resource.names)


@pytest.mark.parametrize(
    ("case", "after", "unknown"),
    [
        ("snapshot-from-another-resource", {}, None),
        ("public-known-only-on-apply", {"replicate_source_db": "prod-main",
                                        "publicly_accessible": None},
         _UNKNOWN | {"publicly_accessible": True}),
        ("point-in-time-source-unknown", {"restore_to_point_in_time": [{}]},
         _UNKNOWN | {"restore_to_point_in_time": [{"source_db_instance_identifier": True}]}),
        ("resource-id-source", {"restore_to_point_in_time": [
            {"source_dbi_resource_id": "db-ABCDEFGHIJKL"}]}, None),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)  # fmt: skip
def test_a_source_known_only_on_apply_is_unknown(
    case: str, after: dict[str, Any], unknown: dict[str, Any] | None
) -> None:
    """A source (or whether the database is public) that the plan knows only on apply, or a
    source named by a resource id no policy can name: ``unknown`` (held), not a plain create."""
    action = _plan(_db(["create"], after, unknown=unknown))
    held = [e for e in action.effects if e.effect is EffectKind.UNKNOWN]
    assert held, (case, [e.canonical() for e in action.effects])


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("private-from-a-snapshot", _db(["create"], {"snapshot_identifier": "prod-main-final",
                                                     "publicly_accessible": False})),
        ("private-replica", _db(["create"], {"replicate_source_db": "prod-main",
                                             "publicly_accessible": None})),
        ("replaced-but-already-public-from-it", _db(
            ["delete", "create"], {"snapshot_identifier": "prod-main-final"},
            before={"identifier": "reports", "publicly_accessible": True,
                    "snapshot_identifier": "prod-main-final"})),
        ("public-but-made-from-nothing", _db(["create"], {}, unknown={"id": True})),
        ("public-replica-snapshot-computed", _db(["create"], {"replicate_source_db": "dev-main"})),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)  # fmt: skip
def test_a_database_that_opens_no_source_is_the_create_it_is(
    case: str, change: dict[str, Any], policy: Policy
) -> None:
    """False-alarm guard: a private database from a snapshot, a replace that keeps an opening
    the old object had, a public database made from nothing (no source, none unknown), and a
    replica of an unprotected instance (its computed snapshot not held: the replica is the
    one source the provider uses) are judged as before: allowed in dev, nothing held."""
    action = _plan(change)
    assert not any(e.effect is EffectKind.UNKNOWN for e in action.effects), case
    assert not (unprotected(action) & {SNAPSHOT_ARN, "arn:aws:rds:*:*:db:prod-main"}), case
    assert decision_of(action, policy, ACTOR) == "allow", case


# --- a bucket policy's perimeter taken away --------------------------------------------------


def _policy_doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _deny(condition: dict[str, Any] | None = None, action: Any = "s3:*") -> dict[str, Any]:
    statement = {"Sid": "Perimeter", "Effect": "Deny", "Principal": "*", "Action": action,
                 "Resource": [f"arn:aws:s3:::{STATE}", f"arn:aws:s3:::{STATE}/*"]}  # fmt: skip
    return statement | ({"Condition": condition} if condition else {})


_VPCE = {"StringNotEquals": {"aws:SourceVpce": "vpce-0abc"}}
_ORG = {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc"}}
_TLS = {"Bool": {"aws:SecureTransport": "false"}}
_READER = {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/r"},
           "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{STATE}/*"}  # fmt: skip


def _bucket_policy(actions: list[str], before: str, after: str | None) -> dict[str, Any]:
    old = {"bucket": STATE, "id": STATE, "policy": before}
    new = None if after is None else {"bucket": STATE, "id": STATE, "policy": after}
    return {"address": "aws_s3_bucket_policy.perimeter", "mode": "managed",
            "type": "aws_s3_bucket_policy", "name": "perimeter",
            "change": {"actions": actions, "before": old, "after": new}}  # fmt: skip


PERIMETER_LOST = [
    ("destroyed-vpce-perimeter", _bucket_policy(["delete"], _policy_doc(_deny(_VPCE)), None)),
    ("destroyed-org-perimeter", _bucket_policy(["delete"], _policy_doc(_deny(_ORG), _READER),
                                               None)),
    ("destroyed-blanket-deny", _bucket_policy(["delete"], _policy_doc(_deny(None, "s3:GetObject")),
                                              None)),
    ("updated-without-it", _bucket_policy(["update"], _policy_doc(_deny(_VPCE), _READER),
                                          _policy_doc(_READER))),
    ("replaced-without-it", _bucket_policy(["delete", "create"], _policy_doc(_deny(_ORG)),
                                           _policy_doc(_READER))),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change"), PERIMETER_LOST, ids=[c for c, _ in PERIMETER_LOST])
def test_a_bucket_policys_perimeter_taken_away_is_refused(
    case: str, change: dict[str, Any], policy: Policy
) -> None:
    """Allowed before the fix (a delete or update of a policy resource in dev); the bucket
    the Deny kept the world out of loses its protection now: refused."""
    action = _plan(change)
    assert f"arn:aws:s3:::{STATE}" in unprotected(action), [e.canonical() for e in action.effects]
    assert decision_of(action, policy, ACTOR) == "deny", case


PERIMETER_KEPT = [
    ("destroyed-tls-only-deny", _bucket_policy(["delete"], _policy_doc(_deny(_TLS)), None)),
    ("destroyed-tls-and-vpce-deny", _bucket_policy(
        ["delete"], _policy_doc(_deny(_TLS | _VPCE)), None)),
    ("destroyed-deny-of-deletes", _bucket_policy(
        ["delete"], _policy_doc(_deny(None, "s3:DeleteObject")), None)),
    ("destroyed-deny-one-role", _bucket_policy(["delete"], _policy_doc(
        _deny(_VPCE) | {"Principal": {"AWS": "arn:aws:iam::1:role/r"}}), None)),
    ("updated-keeping-it", _bucket_policy(["update"], _policy_doc(_deny(_VPCE)),
                                          _policy_doc(_deny(_VPCE), _READER))),
    ("destroyed-allow-only", _bucket_policy(["delete"], _policy_doc(_READER), None)),
    ("forgotten", _bucket_policy(["forget"], _policy_doc(_deny(_VPCE)), None)),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change"), PERIMETER_KEPT, ids=[c for c, _ in PERIMETER_KEPT])
def test_a_deny_that_kept_nobody_out_removes_nothing(
    case: str, change: dict[str, Any], policy: Policy
) -> None:
    """False-alarm guard: a Deny keyed on TLS (alone or with a VPC endpoint: both must hold),
    one of deletes or of one role, a perimeter kept, a policy of Allows only, a forgotten one:
    nothing opened, judged as before."""
    action = _plan(change)
    assert not unprotected(action), (case, [e.canonical() for e in action.effects])
    assert decision_of(action, policy, ACTOR) == "allow", case


# --- CloudFormation ----------------------------------------------------------------------------


def _change_set(*changes: dict[str, Any]) -> Action:
    doc = {"StackName": "reports", "Status": "CREATE_COMPLETE",
           "Changes": [{"Type": "Resource", "ResourceChange": c} for c in changes]}  # fmt: skip
    return understand_change_set(json.dumps(doc), target=DEV)


def _added(rtype: str, properties: dict[str, Any] | None) -> dict[str, Any]:
    """An ``Add``; its ``AfterContext`` as DescribeChangeSet writes it (values as strings)."""
    change = {"Action": "Add", "LogicalResourceId": "Db", "ResourceType": rtype, "Scope": [],
              "Details": []}  # fmt: skip
    if properties is not None:
        change["AfterContext"] = json.dumps(
            {"Properties": properties, "DeletionPolicy": "Snapshot"}
        )
    return change


_INSTANCE, _CLUSTER = "AWS::RDS::DBInstance", "AWS::RDS::DBCluster"

CFN_SOURCES = [
    ("instance-from-snapshot", _added(_INSTANCE, {"DBSnapshotIdentifier": "prod-main-final",
                                                  "PubliclyAccessible": "true"}), SNAPSHOT_ARN),
    ("instance-replica", _added(_INSTANCE, {"SourceDBInstanceIdentifier": "prod-main",
                                            "PubliclyAccessible": "true"}),
     "arn:aws:rds:*:*:db:prod-main"),
    ("cluster-point-in-time", _added(_CLUSTER, {"SourceDBClusterIdentifier": "prod-main",
                                                "PubliclyAccessible": "true",
                                                "UseLatestRestorableTime": "true"}),
     "arn:aws:rds:*:*:cluster:prod-main"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "source"), CFN_SOURCES,
                         ids=[c for c, _, _ in CFN_SOURCES])  # fmt: skip
def test_a_change_set_adding_a_public_database_from_protected_data_is_refused(
    case: str, change: dict[str, Any], source: str
) -> None:
    """Allowed before the fix (an ``Add`` in dev): the source's protection removed now."""
    policy = protecting(SNAPSHOT_ARN, "arn:aws:rds:*:*:cluster:prod-*")
    action = _change_set(change)
    assert source in unprotected(action), [e.canonical() for e in action.effects]
    assert action.effects[0].effect is EffectKind.CREATE
    assert decision_of(action, policy, ACTOR) == "deny", case


def test_a_change_set_source_known_only_after_apply_is_unknown() -> None:
    """A source a resource of the same change set makes is ``{{changeSet:KNOWN_AFTER_APPLY}}``:
    held as ``unknown``."""
    change = _added(_INSTANCE, {"DBSnapshotIdentifier": "{{changeSet:KNOWN_AFTER_APPLY}}",
                                "PubliclyAccessible": "true"})  # fmt: skip
    action = _change_set(change)
    assert any(e.effect is EffectKind.UNKNOWN for e in action.effects)


@pytest.mark.parametrize(
    "change",
    [
        _added(_INSTANCE, {"DBSnapshotIdentifier": "prod-main-final",
                           "PubliclyAccessible": "false"}),
        _added(_INSTANCE, {"DBSnapshotIdentifier": "prod-main-final"}),
        _added(_INSTANCE, None),
        _added(_INSTANCE, {"PubliclyAccessible": "true", "Engine": "postgres"}),
    ],
    ids=["private", "public-not-said", "no-after-context", "public-from-nothing"],
)  # fmt: skip
def test_a_change_set_adding_a_database_that_opens_no_source_is_a_create(
    change: dict[str, Any], policy: Policy
) -> None:
    """False-alarm guard: judged as the create it is (allowed in dev), as before."""
    action = _change_set(change)
    assert not unprotected(action)
    assert decision_of(action, policy, ACTOR) == "allow"


def _modify_public(rtype: str) -> dict[str, Any]:
    target = {"Attribute": "Properties", "Name": "PubliclyAccessible", "RequiresRecreation":
              "Never", "BeforeValue": "false", "AfterValue": "true"}  # fmt: skip
    return {"Action": "Modify", "LogicalResourceId": "Db", "PhysicalResourceId": "prod-multiaz",
            "ResourceType": rtype, "Replacement": "False", "Scope": ["Properties"],
            "Details": [{"Target": target, "Evaluation": "Static",
                         "ChangeSource": "DirectModification"}]}  # fmt: skip


def test_a_multi_az_cluster_made_public_removes_its_protection() -> None:
    """``AWS::RDS::DBCluster`` ``PubliclyAccessible`` turned on is judged as a DBInstance's:
    before the fix an update (allowed in dev), refused now where the cluster is protected."""
    policy = protecting("arn:aws:rds:*:*:cluster:prod-*")
    action = _change_set(_modify_public(_CLUSTER))
    assert action.effects[0].removes_protection
    assert "arn:aws:rds:*:*:cluster:prod-multiaz" in unprotected(action)
    assert decision_of(action, policy, ACTOR) == "deny"


def test_a_bucket_policy_add_as_change_sets_write_it_is_read() -> None:
    """``AfterContext`` nests the properties under ``Properties``: a policy letting only a
    role in is read as such (before the fix its document was not found and the bucket held
    as opened: a false alarm), a public one opens its bucket."""

    def added(statement: dict[str, Any]) -> dict[str, Any]:
        properties = {"Bucket": STATE, "PolicyDocument": {"Statement": [statement]}}
        return {"Action": "Add", "LogicalResourceId": "P", "ResourceType": "AWS::S3::BucketPolicy",
                "AfterContext": json.dumps({"Properties": properties})}  # fmt: skip

    quiet = _change_set(added(_READER))
    assert not unprotected(quiet), [e.canonical() for e in quiet.effects]
    opened = _change_set(added(_READER | {"Principal": "*"}))
    assert f"arn:aws:s3:::{STATE}" in unprotected(opened)
