"""Cloud-controller objects (ACK, Config Connector, Crossplane) that open a store to the world.

Such an object stands for a cloud resource: its controller writes the object's spec to the
cloud. Before, an admission review or a ``kubectl apply|create|replace|patch`` making a bucket
public or a database publicly accessible was an ordinary create or update of a Kubernetes
object -- allowed from a dev cluster -- while the same opening through ``aws``, ``gcloud``,
``az``, a Terraform plan or a CloudFormation template is judged as removing the store's
protection (docs/security.md, "Opening a store to the world removes its protection"). Now the
write removes the protection of the object and of the store, named as the other surfaces name
it, and is refused on a protected store; a store picked by a selector (or not on the command
line) is ``unknown``.

Where each field comes from (the public code index, /work/.library search, read as published):

- ACK S3 Bucket: ``aws-controllers-k8s/s3-controller``
  ``helm/crds/s3.services.k8s.aws_buckets.yaml`` -- ``spec.acl`` ("The canned ACL to apply
  to the bucket", string), ``spec.policy`` ("The bucket policy as a JSON document", string),
  ``spec.publicAccessBlock`` with booleans
  ``blockPublicACLs``, ``blockPublicPolicy``, ``ignorePublicACLs``, ``restrictPublicBuckets``,
  ``spec.grantRead|grantWrite|grantReadACP|grantWriteACP|grantFullControl`` (strings),
  ``spec.name`` (the bucket's name).
- ACK RDS DBInstance: ``aws-controllers-k8s/rds-controller`` ``apis/v1alpha1/db_instance.go``
  -- ``PubliclyAccessible *bool `json:"publiclyAccessible"```.
- Crossplane AWS: ``crossplane-contrib/provider-upjet-aws`` ``examples/s3/v1beta1/
  bucketpublicaccessblock.yaml`` (``forProvider.blockPublicAcls: false``,
  ``blockPublicPolicy``, ``bucketSelector``), ``examples/s3/cluster/v1beta2/bucketacl-canned.yaml``
  (``forProvider.acl``), ``examples/s3/cluster/v1beta2/bucketacl.yaml``
  (``forProvider.accessControlPolicy.grant[].grantee``), ``examples/s3/cluster/v1beta1/
  bucketpolicy.yaml`` (``forProvider.policy`` a JSON string with ``"Principal": "*"``); RDS
  ``Instance`` ``forProvider.publiclyAccessible`` (public manifests of ``rds.aws.upbound.io/
  v1beta1`` Instance; upjet camel-cases ``aws_db_instance.publicly_accessible``).
- Config Connector: ``GoogleCloudPlatform/k8s-config-connector`` ``config/crds/resources/
  …storagebuckets.storage.cnrm.cloud.google.com.yaml`` (``spec.publicAccessPrevention``
  string, ``spec.resourceID`` defaulting to ``metadata.name``), ``…iampolicymembers.iam.cnrm.
  cloud.google.com.yaml`` (``spec.member``, ``spec.role``, ``spec.resourceRef`` with ``kind``,
  ``name``, ``external``).
- Crossplane GCP: ``crossplane-contrib/provider-upjet-gcp`` ``examples/storage/v1beta2/
  bucketiammember.yaml`` (``forProvider.member: allAuthenticatedUsers``, ``role``,
  ``bucketSelector``).
- Crossplane Azure: ``crossplane-contrib/provider-upjet-azure`` ``package/crds/
  storage.azure.upbound.io_containers.yaml`` (``forProvider.containerAccessType``: "blob,
  container or private. Defaults to private", ``storageAccountName``, ``storageAccountNameRef``,
  ``initProvider`` merged into ``forProvider`` on create); Account
  ``forProvider.allowNestedItemsToBePublic`` (public ``storage.azure.upbound.io/v1beta2``
  manifests) and ``publicNetworkAccessEnabled`` (``azurerm_storage_account``'s
  ``public_network_access_enabled``, camel-cased as upjet generates every field).

What opens is what the Terraform plan reader already judges (``tests/adversarial/
test_plan_public_exposure.py``): a flag of a public access block not true, a public canned
ACL, a policy allowing ``*`` with no ``Condition``, ``allUsers``/``allAuthenticatedUsers``,
public access prevention other than ``enforced``, ``publiclyAccessible: true``, public blob or
network access, a ``blob``/``container`` container.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.adversarial._judging import protecting, unprotected
from tests.adversarial.conftest import CWD, HOME

from keyturn.model import Action, Actor, Effect, EffectKind, Target, Verdict
from keyturn.policy import Policy
from keyturn.understand import MemoryFiles
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.shell import understand_shell

E = EffectKind
AGENT = "system:serviceaccount:agents:kiro"
PROTECTED = (
    "gs://acme-archive",
    "azure:storage/account/prodacct",
    "azure:storage/prodacct/*",
)


def policy() -> Policy:
    """The BRIEF policy (``arn:aws:s3:::acme-terraform-state*`` and ``arn:aws:rds:*:*:db:prod-*``
    protected) with a Google bucket and an Azure account protected too."""
    return protecting(*PROTECTED)


def review(
    operation: str, obj: dict[str, Any], old: dict[str, Any] | None = None, **extra: Any
) -> Action:
    group, _, version = obj["apiVersion"].rpartition("/")
    plural = obj["kind"].lower() + "s"
    request = {
        "uid": "u-1",
        "operation": operation,
        "name": obj["metadata"]["name"],
        "namespace": "data",
        "userInfo": {"username": AGENT},
        "kind": {"group": group, "version": version, "kind": obj["kind"]},
        "resource": {"group": group, "version": version, "resource": plural},
        "object": obj,
        **({"oldObject": old} if old is not None else {}),
        **extra,
    }
    text = json.dumps(
        {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": request}
    )
    return understand_admission(text, target=Target(kube_context="kind-dev"))


def verdict(action: Action) -> Verdict:
    return policy().judge(action, actor=Actor(agent=AGENT, operator=AGENT)).decision


def shell(command: str, files: dict[str, str] | None = None) -> Action:
    files = {f"{CWD}/{k}": v for k, v in (files or {}).items()}
    return understand_shell(
        command, cwd=CWD, home=HOME, files=MemoryFiles(files), target=Target(environment="dev")
    )


def own(action: Action) -> Effect:
    return action.effects[0]


def obj(api: str, kind: str, name: str, spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, **meta}, "spec": spec}


S3_ACK = "s3.services.k8s.aws/v1alpha1"
XP_S3 = "s3.aws.upbound.io/v1beta1"
CLOSED = {
    "blockPublicACLs": True,
    "blockPublicPolicy": True,
    "ignorePublicACLs": True,
    "restrictPublicBuckets": True,
}
PUBLIC_POLICY = json.dumps(
    {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
        ]
    }
)
STATE = "arn:aws:s3:::acme-terraform-state"


def ack_bucket(**spec: Any) -> dict[str, Any]:
    return obj(S3_ACK, "Bucket", "state", {"name": "acme-terraform-state", **spec})


# --- the admission webhook ------------------------------------------------------------------

ACK_OPENINGS = [
    pytest.param({"publicAccessBlock": {**CLOSED, "blockPublicPolicy": False}}, id="pab-flag"),
    pytest.param({"publicAccessBlock": {"blockPublicACLs": True}}, id="pab-flags-left-out"),
    pytest.param({"acl": "public-read"}, id="canned-acl"),
    pytest.param({"policy": PUBLIC_POLICY}, id="policy-principal-star"),
    pytest.param(
        {"grantRead": 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'}, id="grant-all"
    ),
]


@pytest.mark.parametrize("spec", ACK_OPENINGS)
@pytest.mark.parametrize("operation", ["CREATE", "UPDATE"])
def test_an_ack_bucket_opened_to_the_world_is_refused_on_its_protected_bucket(
    spec: dict[str, Any], operation: str
) -> None:
    old = ack_bucket(publicAccessBlock=CLOSED) if operation == "UPDATE" else None
    action = review(operation, ack_bucket(**spec), old)
    assert own(action).removes_protection and own(action).effect.value == operation.lower()
    assert STATE in unprotected(action)
    assert verdict(action) is Verdict.DENY


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param({"publicAccessBlock": CLOSED}, id="closed-block"),
        pytest.param({"acl": "private"}, id="private-acl"),
        pytest.param(
            {
                "policy": json.dumps(
                    {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "s3:GetObject",
                                "Resource": "*",
                                "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
                            }
                        ]
                    }
                )
            },
            id="policy-with-condition",
        ),
        pytest.param({}, id="no-settings"),
    ],
)
def test_a_bucket_that_stays_closed_is_an_ordinary_write(spec: dict[str, Any]) -> None:
    """False-alarm guard: what keeps the bucket closed removes nothing."""
    action = review("CREATE", ack_bucket(**spec))
    assert not unprotected(action)
    assert verdict(action) is Verdict.ALLOW


def test_an_update_that_keeps_an_opening_opens_nothing_new() -> None:
    """False-alarm guard: the old object was open already (tagging a public bucket)."""
    public = ack_bucket(acl="public-read")
    action = review("UPDATE", {**public, "spec": {**public["spec"], "tagging": {}}}, public)
    assert not unprotected(action)


def test_a_dry_run_opens_nothing() -> None:
    """False-alarm guard: a dry run is a read."""
    action = review("CREATE", ack_bucket(acl="public-read"), dryRun=True)
    assert own(action).effect is E.READ and not unprotected(action)


def test_an_ack_database_made_publicly_accessible_is_refused() -> None:
    def db(public: bool) -> dict[str, Any]:
        spec = {"dbInstanceIdentifier": "prod-main", "publiclyAccessible": public}
        return obj("rds.services.k8s.aws/v1alpha1", "DBInstance", "main", spec)

    action = review("UPDATE", db(True), db(False))
    assert "arn:aws:rds:*:*:db:prod-main" in unprotected(action)
    assert verdict(action) is Verdict.DENY
    assert not unprotected(review("UPDATE", db(False), db(False)))


def xp(
    kind: str, name: str, for_provider: dict[str, Any], api: str = XP_S3, **meta: Any
) -> dict[str, Any]:
    return obj(api, kind, name, {"forProvider": {"region": "us-east-1", **for_provider}}, **meta)


@pytest.mark.parametrize(
    "resource",
    [
        xp(
            "BucketPublicAccessBlock",
            "pab",
            {"bucket": "acme-terraform-state", "blockPublicAcls": False},
        ),
        xp(
            "BucketACL",
            "acl",
            {"bucketRef": {"name": "acme-terraform-state"}, "acl": "public-read-write"},
        ),
        xp(
            "BucketACL",
            "grants",
            {
                "bucket": "acme-terraform-state",
                "accessControlPolicy": {
                    "grant": [
                        {
                            "grantee": {
                                "type": "Group",
                                "uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                            },
                            "permission": "READ",
                        }
                    ]
                },
            },
        ),
        xp("BucketPolicy", "policy", {"bucket": "acme-terraform-state", "policy": PUBLIC_POLICY}),
    ],
    ids=["block", "canned-acl-by-ref", "grant", "policy"],
)
def test_a_crossplane_block_acl_or_policy_opens_the_bucket_it_applies_to(
    resource: dict[str, Any],
) -> None:
    action = review("CREATE", resource)
    assert own(action).removes_protection and own(action).effect is E.CREATE
    assert STATE in unprotected(action)
    assert verdict(action) is Verdict.DENY


def test_a_bucket_picked_by_a_selector_is_held() -> None:
    """Which bucket a selector picks is decided in the cluster: ``unknown``, never allowed."""
    policy_object = xp(
        "BucketPolicy",
        "p",
        {"bucketSelector": {"matchLabels": {"a": "b"}}, "policy": PUBLIC_POLICY},
    )
    action = review("CREATE", policy_object)
    held = [e for e in action.effects if e.effect is E.UNKNOWN]
    assert held and "arn:aws:s3:::*" in held[0].resource.names
    assert verdict(action) is not Verdict.ALLOW


def test_a_crossplane_database_made_public_is_refused_by_its_external_name() -> None:
    annotations = {"crossplane.io/external-name": "prod-orders"}
    new = xp(
        "Instance",
        "db",
        {"publiclyAccessible": True},
        api="rds.aws.upbound.io/v1beta1",
        annotations=annotations,
    )
    action = review("CREATE", new)
    assert "arn:aws:rds:*:*:db:prod-orders" in unprotected(action)
    assert verdict(action) is Verdict.DENY


def test_config_connector_public_access_prevention_inherited_is_refused() -> None:
    def bucket(pap: str) -> dict[str, Any]:
        return obj(
            "storage.cnrm.cloud.google.com/v1beta1",
            "StorageBucket",
            "archive",
            {"resourceID": "acme-archive", "publicAccessPrevention": pap},
        )

    action = review("UPDATE", bucket("inherited"), bucket("enforced"))
    assert "gs://acme-archive" in unprotected(action)
    assert verdict(action) is Verdict.DENY
    assert not unprotected(review("UPDATE", bucket("enforced"), bucket("enforced")))


@pytest.mark.parametrize("member", ["allUsers", "allAuthenticatedUsers"])
def test_config_connector_iam_member_for_everyone_on_a_bucket_is_refused(member: str) -> None:
    spec = {
        "member": member,
        "role": "roles/storage.objectViewer",
        "resourceRef": {"kind": "StorageBucket", "name": "acme-archive"},
    }
    action = review(
        "CREATE", obj("iam.cnrm.cloud.google.com/v1beta1", "IAMPolicyMember", "m", spec)
    )
    assert "gs://acme-archive" in unprotected(action)
    assert verdict(action) is Verdict.DENY


def test_a_named_iam_member_is_an_ordinary_write() -> None:
    """False-alarm guard: a user, not everyone."""
    spec = {
        "member": "user:ann@example.com",
        "role": "roles/storage.objectViewer",
        "resourceRef": {"kind": "StorageBucket", "external": "acme-archive"},
    }
    action = review(
        "CREATE", obj("iam.cnrm.cloud.google.com/v1beta1", "IAMPolicyMember", "m", spec)
    )
    assert not unprotected(action)


def test_crossplane_gcp_bucket_iam_member_for_everyone_is_refused() -> None:
    member = xp(
        "BucketIAMMember",
        "m",
        {"bucket": "acme-archive", "member": "allUsers", "role": "roles/storage.objectViewer"},
        api="storage.gcp.upbound.io/v1beta2",
    )
    action = review("CREATE", member)
    assert "gs://acme-archive" in unprotected(action)
    assert verdict(action) is Verdict.DENY


@pytest.mark.parametrize(
    "setting", [{"allowNestedItemsToBePublic": True}, {"publicNetworkAccessEnabled": True}]
)
def test_an_azure_account_opened_is_refused(setting: dict[str, Any]) -> None:
    api = "storage.azure.upbound.io/v1beta1"
    closed = xp("Account", "prodacct", {"allowNestedItemsToBePublic": False}, api=api)
    action = review("UPDATE", xp("Account", "prodacct", setting, api=api), closed)
    assert "azure:storage/account/prodacct" in unprotected(action)
    assert verdict(action) is Verdict.DENY


@pytest.mark.parametrize(
    ("access", "opens"), [("blob", True), ("container", True), ("private", False)]
)
def test_an_azure_container_made_public_is_refused(access: str, opens: bool) -> None:
    """``private`` is a false-alarm guard (the provider's default: its blobs need a key)."""
    container = xp(
        "Container",
        "data",
        {"storageAccountName": "prodacct", "containerAccessType": access},
        api="storage.azure.upbound.io/v1beta1",
    )
    action = review("CREATE", container)
    assert ("azure:storage/prodacct/data" in unprotected(action)) is opens
    assert (verdict(action) is Verdict.DENY) is opens


# --- kubectl on the shell ----------------------------------------------------------------------

ACK_PUBLIC = """apiVersion: s3.services.k8s.aws/v1alpha1
kind: Bucket
metadata:
  name: state
spec:
  name: acme-terraform-state
  acl: public-read
"""
XP_BLOCK = """apiVersion: s3.aws.upbound.io/v1beta1
kind: BucketPublicAccessBlock
metadata:
  name: pab
spec:
  forProvider:
    bucket: acme-terraform-state
    blockPublicAcls: false
    blockPublicPolicy: false
    ignorePublicAcls: true
    restrictPublicBuckets: true
"""
ACK_CLOSED = ACK_PUBLIC.replace("acl: public-read", "acl: private")


@pytest.mark.parametrize(
    "command",
    [
        "kubectl apply -f b.yaml",
        "kubectl create -f b.yaml",
        "kubectl replace -f b.yaml",
        "kubectl apply --force -f b.yaml",
    ],
)
@pytest.mark.parametrize("manifest", [ACK_PUBLIC, XP_BLOCK], ids=["ack-acl", "xp-block"])
def test_a_manifest_that_opens_a_protected_bucket_is_refused(command: str, manifest: str) -> None:
    action = shell(command, {"b.yaml": manifest})
    assert own(action).removes_protection
    assert STATE in unprotected(action)
    assert verdict(action) is Verdict.DENY


def test_a_manifest_that_keeps_the_bucket_closed_is_an_ordinary_apply() -> None:
    """False-alarm guard."""
    action = shell("kubectl apply -f b.yaml", {"b.yaml": ACK_CLOSED})
    assert not unprotected(action)
    assert verdict(action) is Verdict.ALLOW


def test_a_patch_making_a_crossplane_database_public_is_refused() -> None:
    patch = json.dumps({"spec": {"forProvider": {"publiclyAccessible": True}}})
    action = shell(f"kubectl patch instance.rds.aws.upbound.io prod-db --type merge -p '{patch}'")
    assert "arn:aws:rds:*:*:db:prod-db" in unprotected(action)
    assert verdict(action) is Verdict.DENY


@pytest.mark.parametrize(
    ("command", "opens"),
    [
        (
            "kubectl patch bucketpublicaccessblock.s3.aws.upbound.io pab --type json -p "
            '\'[{"op": "replace", "path": "/spec/forProvider/blockPublicPolicy", '
            '"value": false}]\'',
            True,
        ),
        (
            "kubectl patch bucketpublicaccessblock.s3.aws.upbound.io pab --type json -p "
            '\'[{"op": "remove", "path": "/spec/forProvider/blockPublicAcls"}]\'',
            True,
        ),
        (
            "kubectl patch bucket state --type merge -p "
            '\'{"spec": {"publicAccessBlock": {"blockPublicACLs": false}}}\'',
            True,
        ),
        (
            "kubectl patch bucket.s3.services.k8s.aws state --type merge -p "
            '\'{"spec": {"policy": ' + json.dumps(PUBLIC_POLICY) + "}}'",
            True,
        ),
        # False-alarm guards: closing, or another field.
        (
            "kubectl patch bucket state --type merge -p "
            '\'{"spec": {"publicAccessBlock": {"blockPublicACLs": true}}}\'',
            False,
        ),
        (
            "kubectl patch bucketpublicaccessblock.s3.aws.upbound.io pab --type merge -p "
            '\'{"spec": {"forProvider": {"region": "us-west-2"}}}\'',
            False,
        ),
    ],
)
def test_a_patch_that_opens_a_bucket_not_on_the_line_is_held(command: str, opens: bool) -> None:
    """The bucket is in the object, not on the line: the patch removes the object's protection
    and the store it opens is ``unknown`` (held, never allowed). The last two cases (closing a
    flag, another field) are false-alarm guards."""
    action = shell(command)
    assert own(action).removes_protection is opens
    held = {n for e in action.effects if e.effect is E.UNKNOWN for n in e.resource.names}
    assert ("arn:aws:s3:::*" in held) is opens
    assert (verdict(action) is not Verdict.ALLOW) is opens
