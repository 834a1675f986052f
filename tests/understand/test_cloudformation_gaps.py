"""CloudFormation gaps: where a change set runs, log retention cuts, nested stacks added.

- The account in a change set's own ARNs is where it runs: a given account that contradicts it
  must not judge a production change set as dev (each account is judged, the strictest wins).
- A log group's retention set or lowered deletes its older events, on every surface that can
  set it (a change set, ``logs PutRetentionPolicy`` through the API or the shell, Cloud
  Control): a delete that protection of the log group catches.
- A nested stack or stack set added holds what this change set does not show: unknown.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from keyturn.model import Actor, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.shell import understand_shell

E = EffectKind
ACTOR = Actor(agent="kiro", operator="bob")
PROD, DEV = "111111111111", "222222222222"
STAGING = Target(environment="staging")
AUDIT = "arn:aws:logs:*:*:log-group:audit-trail"

POLICY = """\
version: 1
default: ask
unknown_environment: production
environments:
  production:
    aws_accounts: ["111111111111"]
  staging:
    aws_profiles: ["staging*"]
  dev:
    aws_accounts: ["222222222222"]
reviewers:
  sre: [alice, bob]
protected:
  - "arn:aws:logs:*:*:log-group:audit-*"
agents:
  "*":
    allow:
      - effect: read
      - effect: [create, update, delete, replace]
        environment: dev
      - effect: [create, update]
        environment: staging
    ask:
      - effect: [create, update, delete, replace]
        environment: [staging, production]
        approvals: 1
        reviewers: [sre]
"""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY)


def _doc(*changes: dict[str, Any], account: str = PROD, **extra: Any) -> str:
    doc = {
        "StackId": f"arn:aws:cloudformation:us-east-1:{account}:stack/payments/abc",
        "StackName": "payments",
        "ChangeSetId": f"arn:aws:cloudformation:us-east-1:{account}:changeSet/cs1/def",
        "Status": "CREATE_COMPLETE",
        "Changes": [{"Type": "Resource", "ResourceChange": c} for c in changes],
        **extra,
    }
    return json.dumps(doc)


QUEUE_REMOVED = {
    "Action": "Remove",
    "LogicalResourceId": "Queue",
    "PhysicalResourceId": f"https://sqs.us-east-1.amazonaws.com/{PROD}/orders",
    "ResourceType": "AWS::SQS::Queue",
    "PolicyAction": "Delete",
}


# --- 4. The change set's own account ---------------------------------------------------------


def test_a_given_dev_account_does_not_judge_a_production_change_set_as_dev(
    policy: Policy,
) -> None:
    action = understand_change_set(_doc(QUEUE_REMOVED), target=Target(aws_account=DEV))
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.ASK
    assert "production" in {j.environment for j in decision.judgements}
    assert action.target.aws_account == PROD


def test_a_given_production_account_still_counts_for_a_dev_change_set(policy: Policy) -> None:
    # The caller's account is judged too: a copied dev change set is no way out of production.
    change = {**QUEUE_REMOVED, "PhysicalResourceId": "orders"}
    action = understand_change_set(_doc(change, account=DEV), target=Target(aws_account=PROD))
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.ASK
    assert {j.environment for j in decision.judgements} == {"production", "dev"}
    assert any("accounts disagree" in j.effect.detail for j in decision.judgements)


def test_an_agreeing_account_judges_each_change_once_named_with_its_account() -> None:
    action = understand_change_set(_doc(QUEUE_REMOVED), target=Target(aws_account=PROD))
    assert [e.effect for e in action.effects] == [E.DELETE]
    assert action.effects[0].target.aws_account == PROD
    # The queue's URL spells its account and region: the name carries them.
    assert f"arn:aws:sqs:us-east-1:{PROD}:orders" in action.effects[0].resource.names


def test_stack_and_change_set_ids_that_disagree_are_both_judged(policy: Policy) -> None:
    doc = json.loads(_doc(QUEUE_REMOVED, account=DEV))
    doc["ChangeSetId"] = f"arn:aws:cloudformation:us-east-1:{PROD}:changeSet/cs1/def"
    decision = policy.judge(understand_change_set(json.dumps(doc)), actor=ACTOR)
    assert decision.decision is Verdict.ASK
    assert {j.environment for j in decision.judgements} == {"production", "dev"}


# --- 5. A log group's retention cut deletes its events --------------------------------------


def _retention(before: Any, after: Any, *, group: str = "audit-trail") -> dict[str, Any]:
    target: dict[str, Any] = {
        "Attribute": "Properties",
        "Name": "RetentionInDays",
        "RequiresRecreation": "Never",
        "Path": "/Properties/RetentionInDays",
    }
    target |= {"BeforeValue": before} if before is not None else {}
    target |= {"AfterValue": after} if after is not None else {}
    return {
        "Action": "Modify",
        "LogicalResourceId": "AuditLogs",
        "PhysicalResourceId": group,
        "ResourceType": "AWS::Logs::LogGroup",
        "Replacement": "False",
        "Details": [{"Target": target, "Evaluation": "Static"}],
    }


@pytest.mark.parametrize(("before", "after"), [("3653", "1"), (None, "30"), ("x", "7")])
def test_a_change_set_cutting_a_protected_groups_retention_is_denied(
    policy: Policy, before: Any, after: Any
) -> None:
    action = understand_change_set(_doc(_retention(before, after)), target=STAGING)
    deletes = [e for e in action.effects if e.effect is E.DELETE]
    assert len(deletes) == 1
    assert AUDIT in deletes[0].resource.names
    assert f"{AUDIT}:*" in deletes[0].resource.names
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


def test_only_the_cut_retention_in_a_change_set_deletes(policy: Policy) -> None:
    # Raised, kept or taken away (kept for ever): nothing deleted; only app-cut's events go.
    changes = [
        {**_retention(before, after, group=group), "LogicalResourceId": group}
        for group, before, after in [
            ("audit-raised", "1", "3653"),
            ("audit-kept", "30", "30"),
            ("audit-unset", "30", None),
            ("app-cut", "30", "7"),
        ]
    ]
    action = understand_change_set(_doc(*changes), target=STAGING)
    deletes = [e for e in action.effects if e.effect is E.DELETE]
    assert [d.resource.names[0] for d in deletes] == ["cfn:payments/app-cut"]
    assert {e.effect for e in action.effects} == {E.UPDATE, E.DELETE}
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_a_retention_change_without_values_is_unknown(policy: Policy) -> None:
    action = understand_change_set(_doc(_retention(None, None)), target=STAGING)
    assert E.UNKNOWN in {e.effect for e in action.effects}
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


def test_put_retention_policy_deletes_the_groups_events(policy: Policy) -> None:
    params = {"logGroupName": "audit-trail", "retentionInDays": 1}
    action = understand_aws("logs", "PutRetentionPolicy", params, target=STAGING)
    deletes = [e for e in action.effects if e.effect is E.DELETE]
    assert [d.resource.names for d in deletes] == [(AUDIT, f"{AUDIT}:*")]
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


def test_put_retention_policy_on_an_unprotected_group_asks_outside_dev(policy: Policy) -> None:
    params = {"logGroupName": "app", "retentionInDays": 1}
    action = understand_aws("logs", "put-retention-policy", params, target=STAGING)
    assert E.DELETE in {e.effect for e in action.effects}
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK


def test_the_shell_put_retention_policy_is_denied_on_a_protected_group(policy: Policy) -> None:
    line = "aws logs put-retention-policy --log-group-name audit-trail --retention-in-days 1"
    action = understand_shell(line, target=STAGING)
    assert any(e.effect is E.DELETE and AUDIT in e.resource.names for e in action.effects)
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


@pytest.mark.parametrize(
    ("patch", "kind"),
    [
        ([{"op": "replace", "path": "/RetentionInDays", "value": 1}], E.DELETE),
        ([{"op": "add", "path": "/", "value": {"RetentionInDays": 1}}], E.DELETE),
        ([{"op": "copy", "from": "/X", "path": "/RetentionInDays"}], E.UNKNOWN),
    ],
)
def test_cloud_control_patching_a_retention_deletes_the_groups_events(
    policy: Policy, patch: list[dict[str, Any]], kind: EffectKind
) -> None:
    params = {
        "TypeName": "AWS::Logs::LogGroup",
        "Identifier": "audit-trail",
        "PatchDocument": json.dumps(patch),
    }
    action = understand_aws("cloudcontrol", "UpdateResource", params, target=STAGING)
    assert any(e.effect is kind and AUDIT in e.resource.names for e in action.effects)
    assert policy.judge(action, actor=ACTOR).decision is Verdict.DENY


def test_cloud_control_only_a_retention_set_deletes() -> None:
    def kinds(patch: list[dict[str, Any]]) -> set[EffectKind]:
        params = {
            "TypeName": "AWS::Logs::LogGroup",
            "Identifier": "audit-trail",
            "PatchDocument": json.dumps(patch),
        }
        action = understand_aws("cloudcontrol", "UpdateResource", params, target=STAGING)
        return {e.effect for e in action.effects}

    assert kinds([{"op": "remove", "path": "/RetentionInDays"}]) == {E.UPDATE}
    assert kinds([{"op": "add", "path": "/RetentionInDays", "value": None}]) == {E.UPDATE}
    assert kinds([{"op": "add", "path": "/RetentionInDays", "value": 3}]) == {E.UPDATE, E.DELETE}


# --- 6. A nested stack or stack set added --------------------------------------------------


@pytest.mark.parametrize("action_name", ["Add", "Import"])
@pytest.mark.parametrize("rtype", ["AWS::CloudFormation::Stack", "AWS::CloudFormation::StackSet"])
def test_a_nested_stack_added_or_imported_is_unknown(
    policy: Policy, rtype: str, action_name: str
) -> None:
    change = {"Action": action_name, "LogicalResourceId": "Maintenance", "ResourceType": rtype}
    action = understand_change_set(_doc(change), target=STAGING)
    unknown = [e for e in action.effects if e.effect is E.UNKNOWN]
    assert len(unknown) == 1 and "contents not seen" in unknown[0].detail
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ASK
