"""``keyturn.aws.guard``: AWS calls judged in-process before they are sent, against moto's
server on a loopback port (real HTTP, real botocore serialisation)."""

from __future__ import annotations

import time

import pytest
from tests.integrations._moto_rds import db_exists, keyed_session, make_db

from keyturn.aws import ActionRefused, guard, guard_client
from keyturn.policy import load_policy


@pytest.fixture()
def prod_db(moto_url: str) -> str:
    return make_db(moto_url, f"prod-db-{time.monotonic_ns()}")


def test_protected_delete_is_refused_before_the_server_sees_it(
    moto_url, prod_db, brief_policy_text
):
    guarded = guard(
        keyed_session(),
        policy=load_policy(brief_policy_text),
        agent="claude-code",
        operator="olivia",
    )
    rds = guarded.client("rds", endpoint_url=moto_url)
    with pytest.raises(ActionRefused) as refused:
        rds.delete_db_instance(DBInstanceIdentifier=prod_db, SkipFinalSnapshot=True)
    assert refused.value.decision is not None
    assert refused.value.decision.decision.value == "deny"
    names = refused.value.decision.judgements[0].effect.resource.names
    assert f"arn:aws:rds:eu-west-1:*:db:{prod_db}" in names  # the client's region is known
    assert "protected" in str(refused.value)
    assert db_exists(moto_url, prod_db)  # moto still has it: the call never left the process


def test_allowed_describe_passes(moto_url, prod_db, brief_policy_text):
    guarded = guard(
        keyed_session(),
        policy=load_policy(brief_policy_text),
        agent="claude-code",
        operator="olivia",
    )
    found = guarded.client("rds", endpoint_url=moto_url).describe_db_instances(
        DBInstanceIdentifier=prod_db
    )
    assert found["DBInstances"][0]["DBInstanceIdentifier"] == prod_db


def test_client_created_before_guarding_needs_the_client_guard(
    moto_url, prod_db, brief_policy_text
):
    plain = keyed_session()
    early = plain.client("rds", endpoint_url=moto_url)
    guard(plain, policy=load_policy(brief_policy_text), agent="claude-code", operator="olivia")
    guard_client(
        early, policy=load_policy(brief_policy_text), agent="claude-code", operator="olivia"
    )
    with pytest.raises(ActionRefused):
        early.delete_db_instance(DBInstanceIdentifier=prod_db, SkipFinalSnapshot=True)
    assert db_exists(moto_url, prod_db)


def test_a_broken_policy_refuses_to_guard(tmp_path, moto_url):
    from keyturn.errors import PolicyError

    bad = tmp_path / "keyturn.yaml"
    bad.write_text("version: 1\ndefault: sometimes\n")
    with pytest.raises(PolicyError):
        guard(keyed_session(), policy=bad)
