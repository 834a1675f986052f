"""MCP tool calls that open a store to the world: judged as removing its protection, as the
command lines and API calls that do the same are (docs/security.md, "Opening a store to the
world removes its protection"): refused on a protected store in every environment, judged as
the update (or create) it is elsewhere. Judged for agent ``codex`` acting for ``bob`` under the
BRIEF policy with a few stores protected.

Which of the mapped cloud servers' tools can open a store, and how that was confirmed:

- awslabs ``aws-api-mcp-server``'s ``call_aws`` and Google's ``gcloud-mcp``
  ``run_gcloud_command`` are the ``aws``/``gcloud`` line they carry, read by the shell's
  readers, which apply the exposure rules already: the ESCAPES through them pass before this
  change too and pin that the check reaches them (guards of the wiring, not of a fix).
- The Azure MCP server (npm ``@azure/mcp`` 2.0.5, started over stdio in a scratch directory and
  asked ``tools/list`` in ``--mode all``; its ``StorageService.cs`` read in ``microsoft/mcp``):
  ``storage_account_create`` takes ``account``, ``resource-group``, ``location``, ``sku``,
  ``access-tier``, ``enable-hierarchical-namespace`` and creates (an ARM PUT: over an existing
  account, an update) with ``AllowBlobPublicAccess = false``; ``storage_blob_container_create``
  always creates with ``PublicAccessType.None``. Neither takes a public access option today; one
  given all the same (a later version, another server of that name) is read as ``az`` would
  read it, so never judged more loosely than ``az storage account create`` with it. The tools
  that do take ``public-network-access`` (``fileshares_fileshare_create|update``,
  ``redis_create``, ``sql_server_create``) and the other openings it offers are mapped and
  tested in ``test_mcp_powershell_exposure.py``.
- awslabs ``ccapi-mcp-server`` (its last wheel on PyPI, 1.0.18 -- every release yanked since,
  "superseded by awslabs.aws-iac-mcp-server", still run where pinned -- unpacked and read:
  ``server.py``, ``impl/tools/resource_operations.py``, ``cloud_control_utils.validate_patch``):
  ``update_resource`` sends
  ``UpdateResource(TypeName=resource_type, Identifier=identifier,
  PatchDocument=json.dumps(patch_document))`` with the patch as given, so it is now understood
  as that Cloud Control call (before: ``unknown``, refused where the environment is not told,
  asked in dev; a patch that opens nothing is now the update it is -- the loosening rests on
  that source). ``create_resource`` sends the properties the server keeps under its
  ``explained_token``, not in the call: it stays ``unknown``.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest
from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    understood_call,
)

from keyturn.model import Action, EffectKind
from keyturn.policy import Policy
from keyturn.understand.mcp import probe_mcp

pytest.importorskip("keyturn.understand.shell")

PROTECTED = (
    "arn:aws:s3:::prod-data",
    "arn:aws:s3:::prod-data/*",
    "arn:aws:rds:*:*:db:prod-db",
    "arn:aws:rds:*:*:cluster:prod-cluster",
    "azure:storage/account/prodacct",
    "gs://acme-archive",
    "gs://acme-archive/*",
)
AWS_API = "aws-api"
GCLOUD = "gcloud"
AZURE = "azure"
CCAPI = "awslabs.ccapi-mcp-server"
OPEN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::prod-data/*",
        }
    ],
}


class Case(NamedTuple):
    id: str
    server: str
    tool: str
    arguments: dict[str, Any]
    expected: str
    env: str | None = None  # as ``keyturn check --env``


policy = policy_protecting(*PROTECTED)


def _understood(case: Case) -> Action:
    return understood_call(case.server, case.tool, case.arguments, case.env)


def _judged(case: Case, policy: Policy) -> str:
    return decision_of(_understood(case), policy)


def _seen(case: Case) -> list[tuple[str, bool, tuple[str, ...]]]:
    return [
        (e.effect.value, e.removes_protection, e.resource.names) for e in _understood(case).effects
    ]


def _aws(line: str | list[str]) -> dict[str, Any]:
    return {"cli_command": line}


def _gcloud(*args: str) -> dict[str, Any]:
    return {"args": list(args)}


def _patch(type_name: str, identifier: str, *ops: dict[str, Any]) -> dict[str, Any]:
    return {
        "resource_type": type_name,
        "identifier": identifier,
        "patch_document": list(ops),
        "region": "eu-west-1",
        "credentials_token": "c",
        "explained_token": "e",
        "security_scan_token": "s",
    }


BUCKET, DB = "AWS::S3::Bucket", "AWS::RDS::DBInstance"

# Through a command line the server runs: the shell's readers already judged them so.
THROUGH_LINES = [
    Case(
        "call-aws-delete-block",
        AWS_API,
        "call_aws",
        _aws("aws s3api delete-public-access-block --bucket prod-data"),
        DENY,
        "dev",
    ),
    Case(
        "call-aws-block-off",
        AWS_API,
        "call_aws",
        _aws(
            "aws s3api put-public-access-block --bucket prod-data --public-access-block-"
            "configuration BlockPublicAcls=false,IgnorePublicAcls=true,BlockPublicPolicy=true,"
            "RestrictPublicBuckets=true"
        ),
        DENY,
        "dev",
    ),
    Case(
        "call-aws-public-acl",
        AWS_API,
        "call_aws",
        _aws("aws s3api put-bucket-acl --bucket prod-data --acl public-read"),
        DENY,
        "dev",
    ),
    Case(
        "call-aws-open-policy",
        AWS_API,
        "call_aws",
        _aws(
            f"aws s3api put-bucket-policy --bucket prod-data --policy '{json.dumps(OPEN_POLICY)}'"
        ),
        DENY,
        "dev",
    ),
    Case(
        "call-aws-rds-public",
        AWS_API,
        "call_aws",
        _aws(["aws rds modify-db-instance --db-instance-identifier prod-db --publicly-accessible"]),
        DENY,
        "dev",
    ),
    Case(
        "call-aws-cp-public-read",
        AWS_API,
        "call_aws",
        _aws("aws s3 cp report.pdf s3://prod-data/report.pdf --acl public-read"),
        DENY,
        "dev",
    ),
    Case(
        "gcloud-pap-off",
        GCLOUD,
        "run_gcloud_command",
        _gcloud(
            "storage", "buckets", "update", "gs://acme-archive", "--no-public-access-prevention"
        ),
        DENY,
        "dev",
    ),
    Case(
        "gcloud-all-users",
        GCLOUD,
        "run_gcloud_command",
        _gcloud(
            "storage",
            "buckets",
            "add-iam-policy-binding",
            "gs://acme-archive",
            "--member=allUsers",
            "--role=roles/storage.objectViewer",
        ),
        DENY,
        "dev",
    ),
    Case(
        "gcloud-public-acl",
        GCLOUD,
        "run_gcloud_command",
        _gcloud("storage", "buckets", "update", "gs://acme-archive", "--predefined-acl=publicRead"),
        DENY,
        "dev",
    ),
]

# Mapped on their own: plain creates/updates (or unknown) before the change, refused now.
ESCAPES = [
    Case(
        "azure-account-blob-public",
        AZURE,
        "storage_account_create",
        {"account": "prodacct", "resource-group": "rg1", "allow-blob-public-access": True},
        DENY,
        "dev",
    ),
    Case(
        "azure-account-blob-public-old-name",
        AZURE,
        "azmcp_storage_account_create",
        {"account": "prodacct", "allow-blob-public-access": "true"},
        DENY,
        "dev",
    ),
    Case(
        "azure-account-network-enabled",
        AZURE,
        "storage_account_create",
        {"account": "prodacct", "public-network-access": "Enabled"},
        DENY,
        "dev",
    ),
    Case(
        "azure-namespace-camel-case",
        AZURE,
        "storage",
        {
            "command": "account_create",
            "parameters": {"account": "prodacct", "allowBlobPublicAccess": True},
        },
        DENY,
        "dev",
    ),
    Case(
        "azure-namespace-default-allow",
        AZURE,
        "storage",
        {
            "command": "storage account create",
            "parameters": {"account": "prodacct", "default_action": "Allow"},
        },
        DENY,
        "dev",
    ),
    Case(
        "ccapi-block-flag-off",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET,
            "prod-data",
            {
                "op": "replace",
                "path": "/PublicAccessBlockConfiguration/BlockPublicAcls",
                "value": False,
            },
        ),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-block-removed",
        CCAPI,
        "update_resource",
        _patch(BUCKET, "prod-data", {"op": "remove", "path": "/PublicAccessBlockConfiguration"}),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-block-moved-away",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET,
            "prod-data",
            {"op": "move", "from": "/PublicAccessBlockConfiguration", "path": "/Tags/0/Value"},
        ),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-whole-document-without-block",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET, "prod-data", {"op": "replace", "path": "", "value": {"BucketName": "prod-data"}}
        ),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-block-half",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET,
            "prod-data",
            {
                "op": "add",
                "path": "/PublicAccessBlockConfiguration",
                "value": {"BlockPublicAcls": True, "BlockPublicPolicy": True},
            },
        ),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-public-acl",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET, "prod-data", {"op": "replace", "path": "/AccessControl", "value": "PublicRead"}
        ),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-bucket-policy-star",
        CCAPI,
        "update_resource",
        _patch(
            "AWS::S3::BucketPolicy",
            "prod-data",
            {"op": "replace", "path": "/PolicyDocument", "value": OPEN_POLICY},
        ),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-db-public",
        CCAPI,
        "update_resource",
        _patch(DB, "prod-db", {"op": "replace", "path": "/PubliclyAccessible", "value": True}),
        DENY,
        "dev",
    ),
    Case(
        "ccapi-cluster-public-patch-as-text",
        "cloud-control",
        "update_resource",
        {
            "resource_type": "AWS::RDS::DBCluster",
            "identifier": "prod-cluster",
            "patch_document": json.dumps(
                [{"op": "replace", "path": "/PubliclyAccessible", "value": "true"}]
            ),
        },
        DENY,
        "dev",
    ),
    Case(
        "ccapi-whole-document",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET,
            "prod-data",
            {
                "op": "replace",
                "path": "",
                "value": {"BucketName": "prod-data", "AccessControl": "PublicReadWrite"},
            },
        ),
        DENY,
        "dev",
    ),
]

# False-alarm guards: what keeps the store closed, what is not protected, a read.
GUARDS = [
    Case(
        "call-aws-block-on",
        AWS_API,
        "call_aws",
        _aws(
            "aws s3api put-public-access-block --bucket prod-data --public-access-block-"
            "configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,"
            "RestrictPublicBuckets=true"
        ),
        ASK,
    ),
    Case(
        "gcloud-binding-user",
        GCLOUD,
        "run_gcloud_command",
        _gcloud(
            "storage",
            "buckets",
            "add-iam-policy-binding",
            "gs://acme-archive",
            "--member=user:ann@example.com",
            "--role=roles/storage.objectViewer",
        ),
        ASK,
    ),
    Case(
        "azure-account-private",
        AZURE,
        "storage_account_create",
        {"account": "prodacct", "allow-blob-public-access": False, "sku": "Standard_LRS"},
        ASK,
    ),
    Case(
        "azure-account-network-disabled",
        AZURE,
        "storage_account_create",
        {"account": "prodacct", "public-network-access": "Disabled"},
        ASK,
    ),
    Case(
        "azure-account-public-elsewhere-dev",
        AZURE,
        "storage_account_create",
        {"account": "scratchacct", "allow-blob-public-access": True},
        ALLOW,
        "dev",
    ),
    Case("azure-account-get", AZURE, "storage_account_get", {"account": "prodacct"}, ALLOW, "dev"),
    Case(
        "ccapi-block-all-on",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET,
            "prod-data",
            {
                "op": "replace",
                "path": "/PublicAccessBlockConfiguration",
                "value": dict.fromkeys(
                    (
                        "BlockPublicAcls",
                        "IgnorePublicAcls",
                        "BlockPublicPolicy",
                        "RestrictPublicBuckets",
                    ),
                    True,
                ),
            },
        ),
        ASK,
    ),
    Case(
        "ccapi-private-acl",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET, "prod-data", {"op": "replace", "path": "/AccessControl", "value": "Private"}
        ),
        ASK,
    ),
    Case(
        "ccapi-db-private",
        CCAPI,
        "update_resource",
        _patch(DB, "prod-db", {"op": "replace", "path": "/PubliclyAccessible", "value": False}),
        ASK,
    ),
    Case(
        "ccapi-policy-with-condition",
        CCAPI,
        "update_resource",
        _patch(
            "AWS::S3::BucketPolicy",
            "prod-data",
            {
                "op": "replace",
                "path": "/PolicyDocument",
                "value": {
                    "Statement": [
                        {
                            **OPEN_POLICY["Statement"][0],
                            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
                        }
                    ]
                },
            },
        ),
        ASK,
    ),
    Case(
        "ccapi-test-op-only",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET,
            "prod-data",
            {"op": "test", "path": "/AccessControl", "value": "PublicRead"},
            {"op": "add", "path": "/Tags/0", "value": {"Key": "team", "Value": "data"}},
        ),
        ASK,
    ),
]


@each_case(THROUGH_LINES)
def test_a_command_line_tool_that_opens_a_store_is_refused(case: Case, policy: Policy) -> None:
    """Guard of the wiring (judged so before this change too): the ``aws``/``gcloud`` line an
    MCP tool runs is read by the shell's readers, whose exposure rules hold through it: the
    effect on the store removes its protection, refused on a protected store even in dev."""
    assert any(opened for _, opened, _ in _seen(case)), _seen(case)
    assert _judged(case, policy) == case.expected, (case.id, _seen(case))


@each_case(ESCAPES)
def test_a_mapped_tool_that_opens_a_store_is_refused(case: Case, policy: Policy) -> None:
    """Each was judged looser before: the Azure account's create asked (a plain create in dev:
    asked by the protected pattern, never refused); Cloud Control's ``update_resource`` was
    ``unknown`` (asked in dev). Now the store's protection is removed: refused."""
    assert any(opened for _, opened, _ in _seen(case)), _seen(case)
    assert _judged(case, policy) == case.expected, (case.id, _seen(case))


@each_case(GUARDS)
def test_exposure_guard(case: Case, policy: Policy) -> None:
    """Nothing opened, or not a protected store: the update (or create, or read) it is, asked
    where the environment is not told. False-alarm guards, except the Cloud Control ones: they
    were ``unknown`` before (refused where the environment is not told) and are the update the
    server's source shows they make now."""
    protected_and_opened = case.expected != ALLOW and any(o for _, o, _ in _seen(case))
    assert not protected_and_opened, _seen(case)
    assert _judged(case, policy) == case.expected, (case.id, _seen(case))


def test_ids_are_unique() -> None:
    ids = [c.id for c in THROUGH_LINES + ESCAPES + GUARDS]
    assert len(set(ids)) == len(ids)


def test_the_bucket_a_policy_opens_is_named() -> None:
    """A Cloud Control bucket policy's identifier is its bucket: the bucket it opens is named
    as S3's own calls name it (before: ``unknown`` on the tool alone)."""
    case = next(c for c in ESCAPES if c.id == "ccapi-bucket-policy-star")
    opened = [names for kind, o, names in _seen(case) if o and kind == "update"]
    assert any({"arn:aws:s3:::prod-data", "s3://prod-data"} <= set(names) for names in opened)


def test_a_patch_keeps_the_aws_reading_of_its_other_changes() -> None:
    """Cloud Control's ``update_resource`` is the ``UpdateResource`` call: a lifecycle rule it
    sets still deletes the bucket's objects later, as ``aws cloudcontrol update-resource``
    does (before: ``unknown``)."""
    case = Case(
        "lifecycle",
        CCAPI,
        "update_resource",
        _patch(
            BUCKET,
            "prod-data",
            {
                "op": "add",
                "path": "/LifecycleConfiguration",
                "value": {"Rules": [{"Status": "Enabled", "ExpirationInDays": 1}]},
            },
        ),
        DENY,
    )
    assert any(k == "delete" and "arn:aws:s3:::prod-data/*" in n for k, _, n in _seen(case))


@pytest.mark.parametrize("env", ["dev", "staging", "production"])
def test_exposure_is_as_strict_as_removing_a_protection(env: str, policy: Policy) -> None:
    """The decision, pinned: a database made public through Cloud Control is judged exactly as
    its deletion protection switched off through it, protected or not, in every environment.
    Passes before the change too (neither was understood: both ``unknown``): a pin of the
    decision, not a test of the fix."""
    for db in ("prod-db", "scratch-db"):
        exposing = _patch(DB, db, {"op": "replace", "path": "/PubliclyAccessible", "value": True})
        unprotecting = _patch(
            DB, db, {"op": "replace", "path": "/DeletionProtection", "value": False}
        )
        exposed = _judged(Case("e", CCAPI, "update_resource", exposing, DENY, env), policy)
        removed = _judged(Case("r", CCAPI, "update_resource", unprotecting, DENY, env), policy)
        assert exposed == removed, (db, env)


# An unmapped or unreadable case stays unknown: never looser.
UNKNOWN = [
    Case(
        "ccapi-create-properties-held-by-server",
        CCAPI,
        "create_resource",
        {"resource_type": BUCKET, "explained_token": "e", "credentials_token": "c"},
        DENY,
    ),
    Case(
        "ccapi-patch-not-a-list",
        CCAPI,
        "update_resource",
        {"resource_type": BUCKET, "identifier": "prod-data", "patch_document": "{not json"},
        DENY,
    ),
    Case(
        "ccapi-patch-missing",
        CCAPI,
        "update_resource",
        {"resource_type": BUCKET, "identifier": "prod-data"},
        DENY,
    ),
    Case(
        "ccapi-no-type",
        CCAPI,
        "update_resource",
        {"identifier": "prod-data", "patch_document": [{"op": "remove", "path": "/AccessControl"}]},
        DENY,
    ),
    Case(
        "azure-container-create-unmapped",
        AZURE,
        "storage_blob_container_create",
        {"account": "prodacct", "container": "logs"},
        DENY,
    ),
    Case(
        "azure-namespace-unknown-update",
        AZURE,
        "storage",
        {"command": "account_update", "parameters": {"account": "prodacct"}},
        DENY,
    ),
    Case(
        "google-storage-server-iam",
        "storage-mcp",
        "set_bucket_iam_policy",
        {"bucket": "acme-archive", "member": "allUsers"},
        DENY,
    ),
]


@each_case(UNKNOWN)
def test_an_unmapped_or_unreadable_call_stays_unknown(case: Case, policy: Policy) -> None:
    """False-alarm guard (``unknown`` before the change too): what a call does that keyturn
    cannot read from it (Cloud Control's create, whose properties the server keeps under a
    token; a patch that is not a list of operations; a tool no mapping knows) is ``unknown``,
    refused where the environment is not told."""
    kinds = {kind for kind, _, _ in _seen(case)}
    assert kinds == {EffectKind.UNKNOWN.value}, _seen(case)
    assert _judged(case, policy) == case.expected


def test_a_probe_of_update_resource_is_its_nominal_update() -> None:
    """Without arguments (the proxy's probe) ``update_resource`` is an update of the tool,
    never a read; ``create_resource`` stays ``unknown`` (before: both ``unknown``)."""
    [update] = probe_mcp(CCAPI, "update_resource").effects
    assert update.effect is EffectKind.UPDATE
    [create] = probe_mcp(CCAPI, "create_resource").effects
    assert create.effect is EffectKind.UNKNOWN
