"""Terraform/OpenTofu plans: actions, names, protection, malformed input, real fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.errors import InputError
from keyturn.model import EffectKind, Target
from keyturn.understand.terraform import understand_terraform

E = EffectKind


def plan(*changes: dict[str, Any], **top: Any) -> str:
    return json.dumps({"format_version": "1.2", "resource_changes": list(changes), **top})


def rc(address: str, actions: list[str], before: Any = None, after: Any = None, **extra: Any):
    rtype = extra.pop("type", address.rsplit(".", 2)[-2] if "." in address else "x")
    return {
        "address": address,
        "mode": extra.pop("mode", "managed"),
        "type": rtype,
        "name": address.rsplit(".", 1)[-1],
        "change": {"actions": actions, "before": before, "after": after},
        **extra,
    }


@pytest.mark.parametrize(
    ("actions", "kind", "words"),
    [
        (["create"], E.CREATE, "create"),
        (["update"], E.UPDATE, "update"),
        (["delete"], E.DELETE, "destroy"),
        (["delete", "create"], E.REPLACE, "destroy first"),
        (["create", "delete"], E.REPLACE, "create first"),
        (["forget"], E.UPDATE, "forgotten: removed from state, not destroyed"),
        (["no-op"], E.READ, "no change"),
        (["read"], E.READ, "read"),
        (["delete", "update"], E.UNKNOWN, "unrecognised"),
    ],
)
def test_each_action_combination(actions: list[str], kind: EffectKind, words: str) -> None:
    action = understand_terraform(plan(rc("aws_instance.web", actions, {"id": "i-1"}, {})))
    (effect,) = action.effects
    assert effect.effect is kind
    assert words in effect.detail
    assert effect.resource.names[0] == "aws_instance.web"


@pytest.mark.parametrize("actions", [["create", "forget"], ["forget", "create"]])
def test_replace_with_forget_is_create_plus_forget(actions: list[str]) -> None:
    action = understand_terraform(plan(rc("test_instance.a", actions, {"id": "i-old"}, {})))
    assert [e.effect for e in action.effects] == [E.CREATE, E.UPDATE]
    assert "forgotten" in action.effects[1].detail
    assert not any(e.effect in (E.DELETE, E.REPLACE) for e in action.effects)


def test_action_reason_previous_address_and_deposed() -> None:
    change = rc(
        "aws_instance.b",
        ["delete"],
        {"id": "i-9"},
        None,
        action_reason="delete_because_no_resource_config",
        previous_address="aws_instance.a",
        deposed="00abc",
    )
    # The second: a removed block's provisioners the plan does not show (test_terraform_gaps).
    effect, removed = understand_terraform(plan(change)).effects
    assert removed.effect is E.UNKNOWN
    assert effect.resource.names[:3] == (
        "aws_instance.b (deposed 00abc)",
        "aws_instance.b",
        "aws_instance.a",
    )
    assert "i-9" in effect.resource.names
    assert "delete_because_no_resource_config" in effect.detail
    assert "deposed object 00abc" in effect.detail


def test_drift_is_not_an_action_and_data_reads_are_reads() -> None:
    text = plan(
        rc("data.aws_ami.x", ["read"], None, {}, mode="data", type="aws_ami"),
        resource_drift=[rc("aws_db_instance.main", ["delete"], {"identifier": "prod"})],
    )
    action = understand_terraform(text)
    assert [e.effect for e in action.effects] == [E.READ]
    assert "data source" in action.effects[0].detail


def test_names_and_services_for_common_types() -> None:
    db_arn = "arn:aws:rds:eu-west-1:1:db:prod-db"
    deployment = {"metadata": [{"name": "api", "namespace": "web"}]}
    text = plan(
        rc("aws_db_instance.main", ["delete"], {"identifier": "prod-db", "arn": db_arn}),
        rc("aws_s3_bucket.state", ["delete"], {"bucket": "acme-terraform-state"}),
        rc("aws_iam_role.ci", ["update"], {"name": "ci"}, {"name": "ci"}),
        rc("aws_rds_cluster.c", ["delete"], {"cluster_identifier": "aurora"}),
        rc("aws_lambda_function.f", ["create"], None, {"function_name": "fn"}),
        rc("kubernetes_namespace.p", ["delete"], {"metadata": [{"name": "payments"}]}),
        rc("kubernetes_deployment_v1.d", ["delete"], deployment),
        rc("helm_release.r", ["delete"], {"name": "redis", "namespace": "cache"}),
    )  # fmt: skip
    by_address = {e.resource.names[0]: e for e in understand_terraform(text).effects}
    db = by_address["aws_db_instance.main"]
    assert "arn:aws:rds:*:*:db:prod-db" in db.resource.names
    assert "arn:aws:rds:eu-west-1:1:db:prod-db" in db.resource.names
    assert db.service == "rds"
    bucket = by_address["aws_s3_bucket.state"].resource.names
    assert {"arn:aws:s3:::acme-terraform-state", "s3://acme-terraform-state"} <= set(bucket)
    assert by_address["aws_iam_role.ci"].service == "iam"
    assert "arn:aws:iam::*:role/ci" in by_address["aws_iam_role.ci"].resource.names
    assert "arn:aws:rds:*:*:cluster:aurora" in by_address["aws_rds_cluster.c"].resource.names
    assert "arn:aws:lambda:*:*:function:fn" in by_address["aws_lambda_function.f"].resource.names
    ns = by_address["kubernetes_namespace.p"]
    assert ns.service == "k8s"
    assert {"k8s:namespace/payments", "k8s:payments/*"} <= set(ns.resource.names)
    deploy = by_address["kubernetes_deployment_v1.d"].resource.names
    assert "k8s:web/deployment/api" in deploy
    assert "helm:cache/redis" in by_address["helm_release.r"].resource.names


def test_replace_names_both_old_and_new_objects() -> None:
    change = rc("aws_s3_bucket.lake", ["delete", "create"], {"bucket": "old"}, {"bucket": "new"})
    (effect,) = understand_terraform(plan(change)).effects
    assert {"arn:aws:s3:::old", "arn:aws:s3:::new"} <= set(effect.resource.names)


@pytest.mark.parametrize(
    ("attr", "before", "after", "removes"),
    [
        ("deletion_protection", True, False, True),
        ("deletion_protection", True, None, True),
        ("deletion_protection", True, True, False),
        ("deletion_protection", False, True, False),
        ("disable_api_termination", True, False, True),
        ("enable_deletion_protection", True, False, True),
        ("force_destroy", False, True, True),
        ("force_destroy", True, False, False),
    ],
)
def test_protection_removal_on_update(attr: str, before: Any, after: Any, removes: bool) -> None:
    change = rc("aws_db_instance.main", ["update"], {attr: before}, {attr: after})
    (effect,) = understand_terraform(plan(change)).effects
    assert effect.effect is E.UPDATE
    assert effect.removes_protection is removes
    assert ("protection removed" in effect.detail) is removes


def test_protection_removal_on_replace_and_object_lock() -> None:
    change = rc(
        "aws_s3_bucket.b",
        ["delete", "create"],
        {"bucket": "b", "object_lock_configuration": [{"object_lock_enabled": "Enabled"}]},
        {"bucket": "b", "object_lock_configuration": []},
    )
    (effect,) = understand_terraform(plan(change)).effects
    assert effect.effect is E.REPLACE and effect.removes_protection


def test_deleting_a_management_lock_unprotects_its_scope() -> None:
    scope = "/subscriptions/1/resourceGroups/prod"
    change = rc("azurerm_management_lock.rg", ["delete"], {"scope": scope, "id": "lock-1"})
    effects = understand_terraform(plan(change)).effects
    assert [e.effect for e in effects] == [E.DELETE, E.UPDATE]
    assert effects[1].removes_protection
    assert scope in effects[1].resource.names
    assert effects[0].service == "azure"


def test_importing_no_op_is_update() -> None:
    change = rc("aws_instance.x", ["no-op"], {"id": "i-1"}, {"id": "i-1"}, type="aws_instance")
    change["change"]["importing"] = {"id": "i-1"}
    (effect,) = understand_terraform(plan(change)).effects
    assert effect.effect is E.UPDATE and "import" in effect.detail


def test_empty_plan_yields_one_read_naming_the_plan() -> None:
    action = understand_terraform(plan(), source="p.json")
    (effect,) = action.effects
    assert effect.effect is E.READ
    assert effect.resource.names == ("terraform:plan/p.json",)


def test_action_invocations_are_unknown() -> None:
    text = plan(
        action_invocations=[{"address": "action.aws_lambda_invoke.x", "type": "aws_lambda_invoke"}]
    )
    (effect,) = understand_terraform(text).effects
    assert effect.effect is E.UNKNOWN
    assert effect.resource.names == ("action.aws_lambda_invoke.x",)


def test_target_is_kept_on_action_and_effects() -> None:
    target = Target(terraform_workspace="prod-eu")
    action = understand_terraform(plan(rc("aws_instance.a", ["create"], None, {})), target=target)
    assert action.target == target
    assert all(e.target == target for e in action.effects)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format_version": "2.0", "resource_changes": []}', "p.json: format_version: '2.0'"),
        ('{"resource_changes": []}', "p.json: format_version: missing"),
        ("[1, 2]", "p.json: (top level): expected an object"),
        ('{"format_version": "1.2", "resource_changes": [', "p.json: not valid JSON"),
        ("", "p.json: not valid JSON"),
        (
            '{"format_version":"1.2","resource_changes":[{"address":"a","change":{"actions":"delete"}}]}',
            "p.json: resource_changes[0].change.actions: expected a list of strings, got a string",
        ),
        (
            '{"format_version":"1.2","resource_changes":[{"address":"a","change":{"actions":[1]}}]}',
            "p.json: resource_changes[0].change.actions[0]: expected a string",
        ),
        ('{"format_version":"1.2","resource_changes":[{"change":{"actions":[]}}]}', "`address`"),
    ],
)
def test_malformed_plans_are_one_line_input_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        understand_terraform(text, source="p.json")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_digest_ignores_order_and_whitespace_but_not_values() -> None:
    a = rc("aws_instance.a", ["update"], {"id": "i-1", "ami": "x"}, {"id": "i-1", "ami": "y"})
    b = rc("aws_instance.b", ["delete"], {"id": "i-2"})
    one = understand_terraform(plan(a, b))
    two = understand_terraform(json.dumps(json.loads(plan(b, a)), indent=3, sort_keys=True))
    assert one.digest == two.digest
    a["change"]["after"]["ami"] = "z"
    assert understand_terraform(plan(a, b)).digest != one.digest


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [["create"], ["update"], ["delete"], ["delete", "create"], ["create", "delete"],
             ["forget"], ["no-op"], ["read"], ["create", "forget"], ["bogus"]]
        ),
        min_size=0,
        max_size=8,
    )
)  # fmt: skip
def test_never_empty_and_destructive_whenever_delete_is_planned(actions: list[list[str]]) -> None:
    changes = [rc(f"aws_instance.r{i}", a, {"id": f"i-{i}"}, {}) for i, a in enumerate(actions)]
    effects = understand_terraform(plan(*changes)).effects
    assert effects
    for change in changes:
        kinds = {e.effect for e in effects if e.resource.names[0] == change["address"]}
        assert kinds
        assert ("delete" in change["change"]["actions"]) == bool(kinds & {E.DELETE, E.REPLACE})


def _fixture_plans(root: Path) -> list[Path]:
    return sorted((root / "terraform").glob("*/*.json"))


def test_every_fixture_plan_is_understood(fixtures: Path) -> None:
    paths = _fixture_plans(fixtures)
    assert len(paths) >= 30
    for path in paths:
        doc = json.loads(path.read_text())
        action = understand_terraform(path.read_bytes(), source=path.name)
        assert action.effects, path.name
        changes = doc.get("resource_changes") or []
        destructive = sum(1 for c in changes if "delete" in c["change"]["actions"])
        assert sum(e.effect in (E.DELETE, E.REPLACE) for e in action.effects) == destructive
        addresses = {c["address"] for c in changes}
        assert addresses <= {n for e in action.effects for n in e.resource.names}, path.name


def test_fixture_red_plan_names_production_database(fixtures: Path) -> None:
    path = fixtures / "terraform/TheBearguy+tf-gatekeeper/test_plans__tfplan_red.json"
    effects = understand_terraform(path.read_bytes()).effects
    db = next(e for e in effects if e.resource.names[0] == "aws_db_instance.production_main")
    assert db.effect is E.DELETE
    assert "arn:aws:rds:*:*:db:production-db-main" in db.resource.names


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("create_before_destroy.json", [E.REPLACE]),
        ("create_then_forget.json", [E.CREATE, E.UPDATE]),
        ("deposed_delete.json", [E.DELETE]),
        ("forget.json", [E.UPDATE]),
    ],
)
def test_derived_fixtures(fixtures: Path, name: str, kinds: list[EffectKind]) -> None:
    effects = understand_terraform((fixtures / "terraform/derived" / name).read_bytes()).effects
    assert [e.effect for e in effects] == kinds


@pytest.mark.parametrize(
    ("address", "extra"),
    [
        ("aws_db_instance.main[0]", ["aws_db_instance.main"]),
        ('aws_db_instance.main["a"]', ["aws_db_instance.main"]),
        ('aws_db_instance.main["a]\\"[0]"]', ["aws_db_instance.main"]),
        (
            'module.db["eu"].aws_db_instance.main[2]',
            ['module.db["eu"].aws_db_instance.main', "module.db.aws_db_instance.main"],
        ),
        ("module.db[0].aws_db_instance.main", ["module.db.aws_db_instance.main"]),
        ("aws_db_instance.main", []),
    ],
)
def test_an_instance_is_also_named_by_its_resource(address: str, extra: list[str]) -> None:
    """A protected ``aws_db_instance.main`` protects each instance of it (count, for_each)."""
    change = rc(address, ["delete", "create"], {"identifier": "db1"}, {}, type="aws_db_instance")
    (effect,) = understand_terraform(plan(change)).effects
    names = effect.resource.names
    assert names[0] == address
    assert [n for n in names if n.startswith(("aws_db", "module"))] == [address, *extra]


def _versioning(status: str, mfa: str = "") -> dict[str, Any]:
    return {
        "bucket": "state-bucket",
        "versioning_configuration": [{"status": status, "mfa_delete": mfa}],
    }


@pytest.mark.parametrize(
    ("actions", "before", "after", "how"),
    [
        (["update"], _versioning("Enabled"), _versioning("Suspended"), "versioning suspended"),
        (["update"], _versioning("Enabled"), {"bucket": "state-bucket"}, "versioning suspended"),
        (["delete"], _versioning("Enabled"), None, "destroyed: versioning suspended"),
        (["delete", "create"], _versioning("Enabled"), _versioning("Enabled"), "destroyed"),
        (
            ["update"],
            _versioning("Enabled", "Enabled"),
            _versioning("Enabled", "Disabled"),
            "MFA delete turned off",
        ),
    ],
)
def test_suspending_a_buckets_versioning_unprotects_the_bucket(
    actions: list[str], before: Any, after: Any, how: str
) -> None:
    change = rc("aws_s3_bucket_versioning.state", actions, before, after)
    own, bucket = understand_terraform(plan(change)).effects
    assert own.resource.names[0] == "aws_s3_bucket_versioning.state"
    assert bucket.effect is E.UPDATE and bucket.removes_protection
    assert bucket.resource.names == ("arn:aws:s3:::state-bucket", "s3://state-bucket")
    assert how in bucket.detail


@pytest.mark.parametrize(
    ("actions", "before", "after"),
    [
        (["update"], _versioning("Suspended"), _versioning("Enabled")),
        (["update"], _versioning("Enabled"), _versioning("Enabled")),
        (["delete"], _versioning("Suspended"), None),
        (["create"], None, _versioning("Suspended")),
    ],
)
def test_versioning_kept_or_never_on_unprotects_nothing(
    actions: list[str], before: Any, after: Any
) -> None:
    change = rc("aws_s3_bucket_versioning.state", actions, before, after)
    (own,) = understand_terraform(plan(change)).effects
    assert not own.removes_protection


def test_an_inline_versioning_block_turned_off_unprotects_the_bucket() -> None:
    before = {"bucket": "b", "versioning": [{"enabled": True, "mfa_delete": False}]}
    after = {"bucket": "b", "versioning": [{"enabled": False, "mfa_delete": False}]}
    (effect,) = understand_terraform(plan(rc("aws_s3_bucket.b", ["update"], before, after))).effects
    assert effect.removes_protection and "versioning turned off" in effect.detail
    assert "arn:aws:s3:::b" in effect.resource.names


@pytest.mark.parametrize("rtype", ["aws_s3_object", "aws_s3_bucket_object"])
def test_an_object_is_named_as_the_aws_cli_names_it(rtype: str) -> None:
    before = {"bucket": "state-bucket", "key": "env/prod.tfstate"}
    (effect,) = understand_terraform(plan(rc(f"{rtype}.st", ["delete"], before))).effects
    assert "arn:aws:s3:::state-bucket/env/prod.tfstate" in effect.resource.names
    assert "s3://state-bucket/env/prod.tfstate" in effect.resource.names
