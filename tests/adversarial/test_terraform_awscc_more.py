"""More Cloud Control (``awscc_*``) stores opened to the world, judged as their ``aws_*``
counterparts are: a Lambda function URL that asks no signature (``auth_type = "NONE"``), a
Redshift cluster made ``publicly_accessible``, an OpenSearch domain with an open access policy
taken out of its VPC, a database made from a protected snapshot whose ``publicly_accessible``
is known only on apply, and a bucket policy that loses the perimeter ``Deny`` which kept the
world out. An ``awscc_ecr_public_repository`` is public by design: its create is a new, empty
repository (allowed), a change to its ``repository_policy_text`` is held as any access
attribute of a type not read is.

Each case is judged for agent ``codex`` acting for ``bob`` in ``dev`` (an unprotected change is
allowed there, so only the protection or an ``unknown`` stops it) under the BRIEF policy with
the resources below protected as well (the BRIEF policy protects ``acme-terraform-state``).
Attribute names as the provider's registry documentation gives them (``target_function_arn``,
``auth_type``, ``qualifier``; ``cluster_identifier``, ``publicly_accessible``,
``namespace_resource_policy``; ``domain_name``, ``access_policies``, ``vpc_options.subnet_ids``;
``db_snapshot_identifier``; ``bucket``, ``policy_document``).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
    unprotected,
)
from tests.adversarial.test_terraform_awscc import (
    ACCOUNT_ONLY,
    PUBLIC,
    STATE,
    _created,
    _plan,
    _rc,
    _update,
)

from keyturn.policy import Policy

PROTECTED = (
    "arn:aws:lambda:*:*:function:payments",
    "arn:aws:redshift:*:*:cluster:warehouse",
    "arn:aws:es:*:*:domain/search",
    "arn:aws:rds:*:*:snapshot:prod-snap",
)
policy = policy_protecting(*PROTECTED)

WAREHOUSE = {"id": "warehouse", "cluster_identifier": "warehouse", "publicly_accessible": False,
             "node_type": "ra3.xlplus"}  # fmt: skip
OTHER_CLUSTER = WAREHOUSE | {"id": "other", "cluster_identifier": "other"}
SEARCH = {"id": "search", "domain_name": "search", "access_policies": json.loads(PUBLIC),
          "vpc_options": {"subnet_ids": ["subnet-1"]}}  # fmt: skip
URL = {"id": "payments-url", "target_function_arn": "payments", "auth_type": "AWS_IAM"}
# Everyone outside the organisation's VPC endpoint refused any S3 action: a data perimeter.
PERIMETER = {"Sid": "OnlyThroughTheEndpoint", "Effect": "Deny", "Principal": "*",
             "Action": "s3:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}  # fmt: skip
GUARDED = json.dumps({"Version": "2012-10-17", "Statement": [PERIMETER]})
ALSO_ONE_ACCOUNT = json.dumps(
    {"Version": "2012-10-17",
     "Statement": [PERIMETER, *json.loads(ACCOUNT_ONLY)["Statement"]]}
)  # fmt: skip
POLICY = {"id": STATE, "bucket": STATE, "policy_document": GUARDED}
# The provider marks an optional value left unset as known only on apply.
UNSET_SOURCES = dict.fromkeys(
    ("db_snapshot_identifier", "db_cluster_snapshot_identifier", "source_db_instance_identifier",
     "source_db_cluster_identifier", "source_dbi_resource_id",
     "source_db_instance_automated_backups_arn"), True)  # fmt: skip


class Case(NamedTuple):
    id: str
    change: dict[str, Any]
    decision: str


CASES = [
    # A function URL that asks no signature opens the function, on create too.
    Case("function-url-created-auth-none",
         _created("awscc_lambda_url", URL | {"auth_type": "NONE"}), DENY),
    Case("function-url-made-auth-none", _update("awscc_lambda_url", URL, auth_type="NONE"), DENY),
    Case("function-url-auth-known-only-on-apply",
         _created("awscc_lambda_url", {"target_function_arn": "payments"}, auth_type=True), DENY),
    Case("function-url-by-arn-and-alias",
         _created("awscc_lambda_url",
                  {"target_function_arn": "arn:aws:lambda:us-east-1:222222222222:function:payments",
                   "qualifier": "live", "auth_type": "NONE"}), DENY),
    Case("aws-provider-function-url-auth-none",
         _rc("aws_lambda_function_url", ["create"], None,
             {"function_name": "payments", "authorization_type": "NONE"}), DENY),
    Case("function-url-naming-no-function",
         _created("awscc_lambda_url", {"auth_type": "NONE"}), ASK),
    Case("function-url-with-iam-auth", _created("awscc_lambda_url", URL), ALLOW),
    Case("function-url-of-an-unprotected-function",
         _created("awscc_lambda_url", URL | {"target_function_arn": "scratch",
                                             "auth_type": "NONE"}), ALLOW),
    # A Redshift cluster's own settings.
    Case("aws-provider-redshift-made-public",
         _rc("aws_redshift_cluster", ["update"], WAREHOUSE,
             WAREHOUSE | {"publicly_accessible": True}), DENY),
    Case("redshift-stays-private", _update("awscc_redshift_cluster", WAREHOUSE,
                                           node_type="ra3.4xlarge"), ALLOW),
    Case("redshift-namespace-policy-still-held",
         _update("awscc_redshift_cluster", OTHER_CLUSTER, namespace_resource_policy=PUBLIC), ASK),
    # An OpenSearch domain's network.
    Case("domain-taken-out-of-its-vpc", _update("awscc_opensearchservice_domain", SEARCH,
                                                vpc_options=None), DENY),
    Case("domain-in-its-vpc-tags-changed",
         _update("awscc_opensearchservice_domain", SEARCH, tags=[{"key": "a", "value": "b"}]),
         ALLOW),
    # A database from a protected snapshot, public or not known only on apply.
    Case("database-from-snapshot-public-known-only-on-apply",
         _created("awscc_rds_db_instance", {"db_instance_identifier": "copy",
                                            "db_snapshot_identifier": "prod-snap"},
                  publicly_accessible=True), DENY),
    Case("database-from-snapshot-kept-private",
         _created("awscc_rds_db_instance", {"db_instance_identifier": "copy",
                                            "db_snapshot_identifier": "prod-snap",
                                            "publicly_accessible": False}), ALLOW),
    Case("database-from-nothing-public-known-only-on-apply",
         _created("awscc_rds_db_instance", {"db_instance_identifier": "fresh"},
                  publicly_accessible=True, **UNSET_SOURCES), ALLOW),
    # A bucket policy's perimeter Deny taken away.
    Case("bucket-policy-perimeter-deny-dropped",
         _update("awscc_s3_bucket_policy", POLICY, policy_document=ACCOUNT_ONLY), DENY),
    Case("bucket-policy-with-perimeter-destroyed",
         _rc("awscc_s3_bucket_policy", ["delete"], POLICY, None), DENY),
    Case("bucket-policy-perimeter-deny-as-an-object-dropped",
         _update("awscc_s3_bucket_policy", POLICY | {"policy_document": json.loads(GUARDED)},
                 policy_document=json.loads(ACCOUNT_ONLY)), DENY),
    Case("bucket-policy-perimeter-deny-kept",
         _update("awscc_s3_bucket_policy", POLICY, policy_document=ALSO_ONE_ACCOUNT), ALLOW),
    # ECR Public: public by design.
    Case("public-repository-created",
         _created("awscc_ecr_public_repository", {"repository_name": "tools"}), ALLOW),
    Case("public-repository-policy-changed",
         _update("awscc_ecr_public_repository", {"id": "tools", "repository_name": "tools",
                                                 "repository_policy_text": ACCOUNT_ONLY},
                 repository_policy_text=PUBLIC), ASK),
]  # fmt: skip


@each_case(CASES)
def test_awscc_store_opened_is_judged_as_its_native_counterpart(case: Case, policy: Policy) -> None:
    action = _plan(case.change)
    assert decision_of(action, policy) == case.decision, shown(action)


def test_a_function_url_names_the_function_as_lambda_names_it() -> None:
    change = _created("awscc_lambda_url", URL | {"auth_type": "NONE"})
    assert "arn:aws:lambda:*:*:function:payments" in unprotected(_plan(change))


def test_a_redshift_cluster_made_public_removes_its_protection() -> None:
    change = _update("awscc_redshift_cluster", WAREHOUSE, publicly_accessible=True)
    assert "arn:aws:redshift:*:*:cluster:warehouse" in unprotected(_plan(change))
