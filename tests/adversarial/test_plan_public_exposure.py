"""Terraform plans that open a protected store to anyone on the internet: judged as removing the
store's protection, as the ``gcloud``/``az`` command lines that do it are
(``tests/adversarial/test_cloud_public_access.py``). Each case is judged for agent ``kiro``
acting for ``bob`` in the ``dev`` environment (an unprotected change is allowed there, so only
the protection stops it) under the BRIEF policy, with the stores below protected as well.

The decision: a change opening a store keeps its own effect kind, is marked
``removes_protection``, and the store it opens is named as the plan names it (an S3 bucket
``arn:aws:s3:::<bucket>``/``s3://<bucket>``, a Cloud Storage bucket ``<bucket>``/``gs://
<bucket>``, an Azure account ``azure:storage/account/<account>``), also when the opening
resource is one of its own (a public access block, an ACL, a policy, an IAM member). What the
plan knows only on apply is ``unknown``.

How the values relied on were confirmed (provider documentation, ``website/docs/r`` of
``hashicorp/terraform-provider-aws``, and the Google and AzureRM provider references):
``aws_s3_bucket_acl``'s ``acl`` canned values and ``access_control_policy.grant.grantee.uri``;
``aws_ami_launch_permission``'s ``group`` (valid value ``"all"``: public);
``aws_snapshot_create_volume_permission`` has only ``snapshot_id`` and ``account_id`` (no public
group: not covered); the four ``aws_s3_bucket_public_access_block`` flags default to false
(and AWS turns Block Public Access on for new buckets since April 2023, so a block created with
a flag off loosens a bucket); ``google_storage_bucket``'s ``public_access_prevention``
(``enforced``/``inherited``), the bucket IAM ``bucket`` stored as ``b/<name>``;
``azurerm_storage_account``'s ``allow_nested_items_to_be_public`` and
``public_network_access_enabled``, ``azurerm_storage_container``'s ``container_access_type``
(``private``, ``blob``, ``container``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from tests.adversarial._judging import decision_of, each_case, policy_protecting, unprotected
from tests.adversarial.conftest import ACTOR
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Effect, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.terraform import understand_terraform

DEV = Target(environment="dev")
PROD = Target(environment="production")
STATE = "acme-terraform-state"  # protected by the BRIEF policy: arn:aws:s3:::acme-terraform-state*
EXTRA_PROTECTED = (
    "gs://acme-archive",
    "azure:storage/account/prodacct",
    "azure:storage/prodacct/*",
    "ami-0prod0000000000001",
)
PUBLIC_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicRead",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{STATE}/*",
            }
        ],
    }
)
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
BLOCKED = {
    "bucket": STATE,
    "block_public_acls": True,
    "block_public_policy": True,
    "ignore_public_acls": True,
    "restrict_public_buckets": True,
}


policy = policy_protecting(*EXTRA_PROTECTED)


def _plan(*changes: dict[str, Any], target: Target = DEV) -> Action:
    plan = json.dumps({"format_version": "1.2", "resource_changes": list(changes)})
    return understand_terraform(plan, target=target)


def _rc(
    rtype: str, actions: list[str], before: Any, after: Any, *, unknown: Any = None
) -> dict[str, Any]:
    change = {"actions": actions, "before": before, "after": after}
    if unknown is not None:
        change["after_unknown"] = unknown
    return {
        "address": f"{rtype}.x",
        "mode": "managed",
        "type": rtype,
        "name": "x",
        "change": change,
    }


def _own(action: Action) -> Effect:
    return action.effects[0]


class Case(NamedTuple):
    id: str
    change: dict[str, Any]
    store: str  # a name of the store opened


def _update(rtype: str, before: dict[str, Any], **changed: Any) -> dict[str, Any]:
    return _rc(rtype, ["update"], before, before | changed)


def _created(rtype: str, after: dict[str, Any]) -> dict[str, Any]:
    return _rc(rtype, ["create"], None, after)


ACL_GRANT = {
    "bucket": STATE,
    "acl": None,
    "access_control_policy": [
        {
            "grant": [
                {"grantee": [{"type": "Group", "uri": ALL_USERS}], "permission": "READ"},
            ],
            "owner": [{"id": "abc"}],
        }
    ],
}
DB = {"identifier": "prod-main", "publicly_accessible": False, "deletion_protection": False}
ACCOUNT = {
    "name": "prodacct",
    "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/prodacct",
    "allow_nested_items_to_be_public": False,
    "public_network_access_enabled": False,
}
CONTAINER = {
    "name": "invoices",
    "storage_account_name": "prodacct",
    "container_access_type": "private",
}

OPENING = [
    Case(
        "s3-block-destroyed",
        _rc("aws_s3_bucket_public_access_block", ["delete"], BLOCKED, None),
        f"arn:aws:s3:::{STATE}",
    ),
    Case(
        "s3-block-replaced",
        _rc("aws_s3_bucket_public_access_block", ["create", "delete"], BLOCKED, BLOCKED),
        f"arn:aws:s3:::{STATE}",
    ),
    Case(
        "s3-block-policy-off",
        _update("aws_s3_bucket_public_access_block", BLOCKED, block_public_policy=False),
        f"s3://{STATE}",
    ),
    Case(
        "s3-block-created-off",
        _created("aws_s3_bucket_public_access_block", BLOCKED | {"restrict_public_buckets": False}),
        STATE,
    ),
    Case(
        "s3-account-block-off",
        _update(
            "aws_s3_account_public_access_block",
            BLOCKED | {"bucket": None, "account_id": "2222"},
            ignore_public_acls=False,
        ),
        "arn:aws:s3:::*",
    ),
    Case(
        "s3-acl-public-read",
        _created("aws_s3_bucket_acl", {"bucket": STATE, "acl": "public-read"}),
        STATE,
    ),
    Case("s3-acl-grant-all-users", _created("aws_s3_bucket_acl", ACL_GRANT), STATE),
    Case(
        "s3-acl-private-to-authenticated",
        _update("aws_s3_bucket_acl", {"bucket": STATE, "acl": "private"}, acl="authenticated-read"),
        STATE,
    ),
    Case(
        "s3-policy-principal-star",
        _created("aws_s3_bucket_policy", {"bucket": STATE, "policy": PUBLIC_POLICY}),
        f"arn:aws:s3:::{STATE}",
    ),
    Case(
        "s3-policy-aws-star-list",
        _created(
            "aws_s3_bucket_policy",
            {"bucket": STATE, "policy": PUBLIC_POLICY.replace('"*"', '{"AWS": ["*"]}')},
        ),
        STATE,
    ),
    Case(
        "s3-bucket-inline-acl",
        _update(
            "aws_s3_bucket",
            {"bucket": STATE, "id": STATE, "acl": "private"},
            acl="public-read-write",
        ),
        STATE,
    ),
    Case(
        "rds-publicly-accessible",
        _update("aws_db_instance", DB, publicly_accessible=True),
        "arn:aws:rds:*:*:db:prod-main",
    ),
    Case(
        "rds-cluster-instance-public",
        _update("aws_rds_cluster_instance", DB, publicly_accessible=True),
        "arn:aws:rds:*:*:db:prod-main",
    ),
    Case(
        "ami-launch-all",
        _created(
            "aws_ami_launch_permission", {"image_id": "ami-0prod0000000000001", "group": "all"}
        ),
        "ami-0prod0000000000001",
    ),
    Case(
        "gcs-pap-inherited",
        _update(
            "google_storage_bucket",
            {"name": "acme-archive", "id": "acme-archive", "public_access_prevention": "enforced"},
            public_access_prevention="inherited",
        ),
        "gs://acme-archive",
    ),
    Case(
        "gcs-iam-member-all-users",
        _created(
            "google_storage_bucket_iam_member",
            {
                "bucket": "b/acme-archive",
                "role": "roles/storage.objectViewer",
                "member": "allUsers",
            },
        ),
        "gs://acme-archive",
    ),
    Case(
        "gcs-iam-binding-all-authenticated",
        _created(
            "google_storage_bucket_iam_binding",
            {
                "bucket": "acme-archive",
                "role": "roles/storage.objectViewer",
                "members": ["user:a@example.com", "allAuthenticatedUsers"],
            },
        ),
        "acme-archive",
    ),
    Case(
        "gcs-iam-policy-all-users",
        _created(
            "google_storage_bucket_iam_policy",
            {
                "bucket": "b/acme-archive",
                "policy_data": json.dumps(
                    {"bindings": [{"role": "roles/storage.objectViewer", "members": ["allUsers"]}]}
                ),
            },
        ),
        "gs://acme-archive",
    ),
    Case(
        "gcs-acl-reader-all-users",
        _created(
            "google_storage_bucket_acl",
            {
                "bucket": "acme-archive",
                "role_entity": ["OWNER:user-a@example.com", "READER:allUsers"],
            },
        ),
        "gs://acme-archive",
    ),
    Case(
        "gcs-default-object-acl",
        _created(
            "google_storage_default_object_acl",
            {"bucket": "acme-archive", "role_entity": ["READER:allUsers"]},
        ),
        "gs://acme-archive",
    ),
    Case(
        "azure-nested-public",
        _update("azurerm_storage_account", ACCOUNT, allow_nested_items_to_be_public=True),
        "azure:storage/account/prodacct",
    ),
    Case(
        "azure-public-network",
        _update("azurerm_storage_account", ACCOUNT, public_network_access_enabled=True),
        "azure:storage/account/prodacct",
    ),
    Case(
        "azure-container-blob",
        _update("azurerm_storage_container", CONTAINER, container_access_type="blob"),
        "azure:storage/prodacct/invoices",
    ),
]


@each_case(OPENING)
def test_opening_a_protected_store_is_refused(case: Case, policy: Policy) -> None:
    """The change removes the protection of the store it opens: refused where the store is
    protected, even in ``dev``; the change keeps its own effect kind, marked too."""
    action = _plan(case.change)
    assert case.store in unprotected(action), [e.canonical() for e in action.effects]
    assert _own(action).removes_protection
    assert _own(action).effect is not EffectKind.UNKNOWN
    assert decision_of(action, policy, ACTOR) == "deny"


def _elsewhere(change: dict[str, Any]) -> dict[str, Any]:
    """The same change on stores no policy protects."""
    text = json.dumps(change)
    for old, new in (
        (STATE, "scratch"),
        ("acme-archive", "scratch"),
        ("prodacct", "devacct"),
        ("prod-main", "dev-main"),
        ("ami-0prod", "ami-0dev0"),
    ):
        text = text.replace(old, new)
    changed: dict[str, Any] = json.loads(text)
    return changed


# (An account's public access block reaches every bucket, the protected one too.)
ELSEWHERE = [c for c in OPENING if c.id != "s3-account-block-off"]


@each_case(ELSEWHERE)
def test_opening_a_store_elsewhere_is_the_change_it_is(case: Case, policy: Policy) -> None:
    """On a store no policy protects, the change is judged as the update (or create, delete)
    it is: allowed in ``dev`` (the verdict is a false-alarm guard; the marking is not)."""
    action = _plan(_elsewhere(case.change))
    assert unprotected(action)
    assert decision_of(action, policy, ACTOR) == "allow"


def test_exposure_is_as_strict_as_removing_a_protection(policy: Policy) -> None:
    """A database made publicly accessible is judged exactly as its deletion protection
    switched off: refused when protected, asked in production when not."""
    for identifier, expected in (("prod-main", "deny"), ("billing", "ask")):
        db = DB | {"identifier": identifier, "deletion_protection": True}
        opened = _plan(_update("aws_db_instance", db, publicly_accessible=True), target=PROD)
        unlocked = _plan(_update("aws_db_instance", db, deletion_protection=False), target=PROD)
        assert (
            decision_of(opened, policy, ACTOR) == decision_of(unlocked, policy, ACTOR) == expected
        )


def test_a_policy_protecting_the_opening_resource_by_address_refuses_it() -> None:
    """The opening resource's own effect is marked, so protecting it by address holds."""
    own = load_policy(
        BRIEF_POLICY.replace('  - "aws_db_instance.main"\n', '  - "aws_s3_bucket_policy.x"\n')
    )
    change = _created("aws_s3_bucket_policy", {"bucket": "scratch", "policy": PUBLIC_POLICY})
    assert decision_of(_plan(change), own, ACTOR) == "deny"


def test_an_opening_known_only_on_apply_is_unknown(policy: Policy) -> None:
    """A block flag, an ACL or a member decided on apply may open the store: ``unknown`` on it
    (held: refused on a protected store)."""
    flags = {k: v for k, v in BLOCKED.items() if k != "block_public_acls"}
    changes = [
        _rc(
            "aws_s3_bucket_public_access_block",
            ["update"],
            BLOCKED,
            flags,
            unknown={"block_public_acls": True},
        ),
        _rc(
            "aws_s3_bucket_acl",
            ["create"],
            None,
            {"bucket": STATE},
            unknown={"acl": True, "access_control_policy": True},
        ),
        _rc(
            "aws_s3_bucket_policy",
            ["update"],
            {"bucket": STATE, "policy": "{}"},
            {"bucket": STATE},
            unknown={"policy": True},
        ),
        _rc(
            "google_storage_bucket_iam_member",
            ["create"],
            None,
            {"bucket": "b/acme-archive", "role": "roles/storage.admin"},
            unknown={"member": True},
        ),
        _rc(
            "aws_db_instance",
            ["update"],
            DB,
            {k: v for k, v in DB.items() if k != "publicly_accessible"},
            unknown={"publicly_accessible": True},
        ),
    ]
    for change in changes:
        action = _plan(change)
        unknown = [e for e in action.effects if e.effect is EffectKind.UNKNOWN]
        assert unknown, change["type"]
        assert decision_of(action, policy, ACTOR) == "deny", change["type"]


@pytest.mark.parametrize(
    "change",
    [
        _created("aws_s3_bucket_public_access_block", BLOCKED),
        _update(
            "aws_s3_bucket_public_access_block",
            BLOCKED | {"block_public_acls": False},
            block_public_acls=True,
        ),
        _created("aws_s3_bucket_acl", {"bucket": STATE, "acl": "private"}),
        _update("aws_s3_bucket_acl", {"bucket": STATE, "acl": "public-read"}, id="kept"),
        _rc("aws_s3_bucket_acl", ["delete"], {"bucket": STATE, "acl": "public-read"}, None),
        _created(
            "aws_s3_bucket_policy",
            {
                "bucket": STATE,
                "policy": PUBLIC_POLICY.replace(
                    '"Resource"',
                    '"Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}, "Resource"',
                ),
            },
        ),
        _created(
            "aws_s3_bucket_policy",
            {"bucket": STATE, "policy": PUBLIC_POLICY.replace("Allow", "Deny")},
        ),
        _rc("aws_s3_bucket_public_access_block", ["forget"], BLOCKED, None),
        _update("aws_db_instance", DB, allocated_storage=50),
        _update(
            "google_storage_bucket",
            {"name": "acme-archive", "public_access_prevention": "enforced"},
            storage_class="NEARLINE",
        ),
        _created(
            "google_storage_bucket_iam_member",
            {
                "bucket": "b/acme-archive",
                "role": "roles/storage.objectViewer",
                "member": "group:eng@example.com",
            },
        ),
        _update("azurerm_storage_container", CONTAINER, metadata={"a": "b"}),
        _update("azurerm_storage_account", ACCOUNT, min_tls_version="TLS1_2"),
    ],
    ids=lambda c: f"{c['type']}-{'+'.join(c['change']['actions'])}",
)
def test_a_change_that_opens_nothing_new_removes_nothing(change: dict[str, Any]) -> None:
    """False-alarm guard: a closed setting, a public one kept as it was, a policy with a
    Condition or a Deny, a forgotten block, an ACL resource destroyed (the provider leaves the
    ACL as it is) remove no protection."""
    action = _plan(change)
    assert not unprotected(action), [e.canonical() for e in action.effects]
    assert all(e.effect is not EffectKind.UNKNOWN for e in action.effects)


def test_a_new_store_made_public_holds_nothing_yet(fixtures: Path) -> None:
    """False-alarm guard, on a real plan (terraform-compliance's issue 401): a database created
    publicly accessible is a create, its protection not removed; the real red plan's bucket
    replaced with a private ACL opens nothing."""
    for path in (
        "terraform/terraform-compliance+cli/tests__functional__test_issue_401__plan.out.json",
        "terraform/TheBearguy+tf-gatekeeper/test_plans__tfplan_red.json",
    ):
        action = understand_terraform((fixtures / path).read_bytes(), target=DEV)
        assert not any("opened to the world" in e.detail for e in action.effects), path


def test_a_synthetic_plan_without_the_attributes_opens_nothing() -> None:
    """False-alarm guard: a database or bucket update whose values lack the deciding attribute
    (and whose ``after_unknown`` does not mark it) is unset, not unknown: a plan of many such
    resources stays cheap and quiet."""
    changes = [
        _rc(
            "aws_db_instance",
            ["update"],
            {"identifier": "prod-x"},
            {"identifier": "prod-x"},
            unknown={"id": True},
        ),
        _rc(
            "aws_s3_bucket", ["update"], {"id": "b"}, {"id": "b", "tags": {}}, unknown={"id": True}
        ),
    ]
    action = _plan(*changes)
    assert not unprotected(action)
    assert all(e.effect is not EffectKind.UNKNOWN for e in action.effects)


def test_a_store_opened_two_ways_is_named_once() -> None:
    """Public blob access and public network access switched on together: one update of the
    account as ``az`` names it, giving both reasons."""
    change = _update(
        "azurerm_storage_account",
        ACCOUNT,
        allow_nested_items_to_be_public=True,
        public_network_access_enabled=True,
    )
    action = _plan(change)
    named = [e for e in action.effects if "azure:storage/account/prodacct" in e.resource.names]
    assert len(named) == 1
    assert "allow_nested_items_to_be_public" in named[0].detail
    assert "public_network_access_enabled" in named[0].detail


def test_an_image_opened_is_named_as_the_image_is() -> None:
    """An AMI's launch permission for ``all`` names the image as ``aws_ami`` and ``ec2
    ModifyImageAttribute`` do (``arn:aws:ec2:*::image/ID``), so a policy protecting images by
    ARN refuses it; it was named by its bare id only."""
    plan = _plan(_created("aws_ami_launch_permission", {"image_id": "ami-0abc", "group": "all"}))
    assert "arn:aws:ec2:*::image/ami-0abc" in unprotected(plan)
