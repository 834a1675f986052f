"""More CloudFormation types that attach access to a store which already exists: a CloudTrail
event data store's policy (``AWS::CloudTrail::ResourcePolicy``), an OpenSearch Serverless data
access policy (``AWS::OpenSearchServerless::AccessPolicy``: rule sets whose ``Principal`` list
reaches the collections its ``Rules`` name), a VPC endpoint service's permissions
(``AWS::EC2::VPCEndpointServicePermissions``: ``AllowedPrincipals``) and a Bedrock guardrail's
policy (``AWS::Bedrock::ResourcePolicy``), the properties as cfn-lint 1.58's registry schemas
give them. Before, each was only the create of its own resource: a protected store opened to
anyone was allowed in ``dev``. Each is judged through a Cloud Control ``CreateResource``, a
stack template and an ``awscc_*`` Terraform resource, as the types already listed are
(``test_cloud_control_creates_more.py``, ``test_attached_policies_iac.py``).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest
from tests.adversarial._judging import (
    ALLOW,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
    unprotected,
)

from keyturn.model import Action, Target
from keyturn.policy import Policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.aws_names import awscc_type
from keyturn.understand.terraform import understand_terraform

ACCOUNT = "222222222222"
WHERE = Target(environment="dev", aws_region="eu-west-1", aws_account=ACCOUNT)
EDS = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:eventdatastore/audit-eds"
GUARDRAIL = f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:guardrail/gr1"
SERVICE = "vpce-svc-0123456789abcdef0"
PROTECTED = (
    "arn:aws:cloudtrail:*:*:eventdatastore/audit-eds",
    "arn:aws:aoss:*:*:collection/vectors",
    f"arn:aws:ec2:*:*:vpc-endpoint/{SERVICE}",
    "arn:aws:bedrock:*:*:guardrail/gr1",
)
policy = policy_protecting(*PROTECTED)


def _document(principal: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "*", "Resource": "*"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def _data_access(*principals: str) -> str:
    rules = [{"ResourceType": "collection", "Resource": ["collection/vectors"],
              "Permission": ["aoss:*"]},
             {"ResourceType": "index", "Resource": ["index/vectors/*"],
              "Permission": ["aoss:*"]}]  # fmt: skip
    return json.dumps([{"Rules": rules, "Principal": list(principals)}])


ONE_ACCOUNT = "arn:aws:iam::333333333333:root"


class Case(NamedTuple):
    id: str
    type_name: str
    open: dict[str, Any]
    closed: dict[str, Any]  # the same store let in only by one account
    store: str  # a name of the store opened


CASES = [
    Case("cloudtrail-event-data-store", "AWS::CloudTrail::ResourcePolicy",
         {"ResourceArn": EDS, "ResourcePolicy": _document("*")},
         {"ResourceArn": EDS, "ResourcePolicy": _document({"AWS": ONE_ACCOUNT})}, EDS),
    Case("opensearch-serverless-data-access", "AWS::OpenSearchServerless::AccessPolicy",
         {"Name": "open", "Type": "data", "Policy": _data_access("*")},
         {"Name": "team", "Type": "data", "Policy": _data_access(ONE_ACCOUNT)},
         f"arn:aws:aoss:eu-west-1:{ACCOUNT}:collection/vectors"),
    Case("vpc-endpoint-service-permissions", "AWS::EC2::VPCEndpointServicePermissions",
         {"ServiceId": SERVICE, "AllowedPrincipals": [ONE_ACCOUNT, "*"]},
         {"ServiceId": SERVICE, "AllowedPrincipals": [ONE_ACCOUNT]},
         f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc-endpoint/{SERVICE}"),
    Case("bedrock-guardrail", "AWS::Bedrock::ResourcePolicy",
         {"ResourceArn": GUARDRAIL, "PolicyDocument": _document({"AWS": "*"})},
         {"ResourceArn": GUARDRAIL, "PolicyDocument": _document({"AWS": ONE_ACCOUNT})},
         GUARDRAIL),
]  # fmt: skip


def _cloud_control(type_name: str, state: dict[str, Any]) -> Action:
    params = {"TypeName": type_name, "DesiredState": json.dumps(state)}
    return understand_aws("cloudcontrol", "CreateResource", params, target=WHERE)


def _stack(type_name: str, state: dict[str, Any]) -> Action:
    template = {"Resources": {"Opening": {"Type": type_name, "Properties": state}}}
    call = {"StackName": "web", "TemplateBody": json.dumps(template)}
    return understand_aws("cloudformation", "CreateStack", call, target=WHERE)


def _awscc(type_name: str, state: dict[str, Any]) -> Action:
    """The ``awscc_*`` resource of ``type_name`` created with ``state`` (snake_case values)."""
    after = {"".join(f"_{c.lower()}" if c.isupper() else c for c in k).lstrip("_"): v
             for k, v in state.items()}  # fmt: skip
    rtype = awscc_type(type_name)
    change = {"address": f"{rtype}.x", "mode": "managed", "type": rtype, "name": "x",
              "change": {"actions": ["create"], "before": None, "after": after}}  # fmt: skip
    plan = json.dumps({"format_version": "1.2", "resource_changes": [change]})
    return understand_terraform(plan, target=WHERE)


def _anywhere(name: str) -> str:
    """``name`` in any region and account (a template's names leave them out: ``*``)."""
    return name.replace(f"eu-west-1:{ACCOUNT}:", "*:*:")


ROADS = {"cloud-control": _cloud_control, "stack": _stack, "awscc": _awscc}


@pytest.mark.parametrize("road", list(ROADS))
@each_case(CASES)
def test_opening_a_protected_store_to_anyone_removes_its_protection(
    case: Case, road: str, policy: Policy
) -> None:
    """Before, only the policy's own create: allowed in ``dev``."""
    action = ROADS[road](case.type_name, case.open)
    assert _anywhere(case.store) in map(_anywhere, unprotected(action)), shown(action)
    assert decision_of(action, policy) == DENY


@pytest.mark.parametrize("road", list(ROADS))
@each_case(CASES)
def test_letting_one_account_in_opens_nothing(case: Case, road: str, policy: Policy) -> None:
    """False-alarm guard: one account named (a VPC endpoint service's one principal, a data
    access policy's one account) is the create it is."""
    action = ROADS[road](case.type_name, case.closed)
    assert not unprotected(action), shown(action)
    assert decision_of(action, policy) == ALLOW


def test_a_data_access_policy_opens_only_its_open_rule_sets_collections(policy: Policy) -> None:
    """A rule set for one account on ``vectors`` beside one for anyone on ``scratch``: only
    ``scratch`` opened, so the protected collection is not refused."""
    scratch = {"Rules": [{"ResourceType": "index", "Resource": ["index/scratch/*"],
                          "Permission": ["aoss:ReadDocument"]}], "Principal": ["*"]}  # fmt: skip
    rules = [*json.loads(_data_access(ONE_ACCOUNT)), scratch]
    state = {"Name": "mixed", "Type": "data", "Policy": json.dumps(rules)}
    action = _cloud_control("AWS::OpenSearchServerless::AccessPolicy", state)
    opened = unprotected(action)
    assert f"arn:aws:aoss:eu-west-1:{ACCOUNT}:collection/scratch" in opened, shown(action)
    assert not any("vectors" in n for n in opened), shown(action)


def test_a_data_access_policy_not_read_opens_every_collection(policy: Policy) -> None:
    """A policy that is not JSON may let anyone into any collection: refused."""
    state = {"Name": "odd", "Type": "data", "Policy": "not json"}
    action = _cloud_control("AWS::OpenSearchServerless::AccessPolicy", state)
    assert f"arn:aws:aoss:eu-west-1:{ACCOUNT}:collection/*" in unprotected(action), shown(action)
    assert decision_of(action, policy) != ALLOW


def test_an_endpoint_service_in_a_template_parameter_is_every_one(policy: Policy) -> None:
    """``AllowedPrincipals: ["*"]`` on a service from a parameter not given: ``*``, which the
    protected service's reach sees."""
    template = {"Parameters": {"Svc": {"Type": "String"}},
                "Resources": {"Perm": {"Type": "AWS::EC2::VPCEndpointServicePermissions",
                                       "Properties": {"ServiceId": {"Ref": "Svc"},
                                                      "AllowedPrincipals": ["*"]}}}}  # fmt: skip
    call = {"StackName": "web", "TemplateBody": json.dumps(template)}
    action = understand_aws("cloudformation", "CreateStack", call, target=WHERE)
    assert any("*" in n for n in unprotected(action)), shown(action)
    assert decision_of(action, policy) != ALLOW
