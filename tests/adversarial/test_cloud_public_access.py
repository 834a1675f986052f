"""Azure and Google Cloud command lines that open a protected store to the world, switch a
deployment stack's deny settings off, or change a Spanner database's schema: judged for agent
``codex`` acting for ``bob`` (not ``kiro``, whose BRIEF rule refuses every IAM change and so
would hide what the IAM cases test) under the BRIEF policy with a few resources protected.

The decision (exposure): opening a protected store's data to anyone on the internet -- public
access prevention switched off, a public ACL, ``allUsers``/``allAuthenticatedUsers`` given a
role, Azure's public blob access or public network access switched on -- is judged as removing
the resource's protection (``removes_protection``), exactly as switching its retention, soft
delete or deletion protection off is: refused on a protected resource in every environment,
judged as any update elsewhere. Data read from anywhere may be copied away, and switching the
access back does not bring it back, so it is held at least as strictly as a protection removed
(:func:`test_exposure_is_as_strict_as_removing_a_protection` pins the equality).

How the behaviour relied on was confirmed:
- gcloud 528 and gsutil (installed here): ``gcloud storage buckets update --help``
  (``--[no-]public-access-prevention``: False sets it to "inherited"; ``--clear-pap``;
  ``--predefined-acl``/``--canned-acl``/``-a``; ``--add-acl-grant=entity=...``); running
  ``--public-access-prevention=inherited`` is refused by gcloud 528 ("ignored explicit
  argument"), read closed all the same; ``gsutil help pap`` (``pap set (enforced|inherited)``;
  ``unspecified`` is the older name); ``gcloud spanner databases ddl update --help``
  (``--ddl``, ``--ddl-file`` -- "If --ddl_file is set, --ddl is ignored").
- azure-cli from PyPI in a scratch venv, ``az … -h`` and parsing run without a login:
  ``storage account update --allow-blob-public-access`` (true/false; given bare it parses as
  true), ``--public-network-access {Disabled,Enabled,SecuredByPerimeter}`` (``enabled``
  accepted without case), ``--default-action {Allow,Deny}``; ``storage container
  set-permission|create --public-access {blob,container,off}`` (``Blob`` accepted);
  ``stack group|sub|mg`` has ``create`` ("Create or update"), ``delete``, ``export``,
  ``list``, ``show``, ``validate`` (no ``set``); ``--deny-settings-mode/--dm {denyDelete,
  denyWriteAndDelete,none}`` and ``--action-on-unmanage/--aou`` are required.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import pytest
from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
    understood_line,
)
from tests.adversarial.conftest import CWD

from keyturn.model import Action
from keyturn.policy import Policy

PROTECTED = (
    "azure:storage/account/prodacct",
    "azure:storage/prodacct/*",
    "azure:group/prod-rg",
    "azure:prod-rg/*",
    "gs://acme-archive",
    "gs://acme-archive/*",
    "gcp:run/services/payments",
    "gcp:spanner/instances/main/*",
)
DDL_FILE = f"{CWD}/drop.sql"
FILES = {DDL_FILE: "-- clean up\nDROP TABLE orders;\n"}


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    env: str | None = None  # as ``keyturn check --env``


policy = policy_protecting(*PROTECTED)


def _understood(command: str, env: str | None = None, files: Mapping[str, str] = FILES) -> Action:
    return understood_line(command, env, files)


def _judged(command: str, policy: Policy, env: str | None = None) -> str:
    return decision_of(_understood(command, env), policy)


# Each was judged looser before the fix: asked (a plain update, or an update of the database
# itself for the Spanner DDL) where the protection rule refuses it now.
ESCAPES = [
    # 1. Google Cloud Storage: public access prevention off.
    Case(
        "gcloud-pap-off",
        "gcloud storage buckets update gs://acme-archive --no-public-access-prevention",
        DENY,
    ),
    Case(
        "gcloud-pap-inherited-value",
        "gcloud storage buckets update gs://acme-archive --public-access-prevention=inherited",
        DENY,
    ),
    Case("gcloud-pap-cleared", "gcloud storage buckets update gs://acme-archive --clear-pap", DENY),
    Case("gsutil-pap-unspecified", "gsutil pap set unspecified gs://acme-archive", DENY),
    Case("gsutil-pap-inherited", "gsutil pap set inherited gs://acme-archive", DENY),
    # ...the world given a role or a public ACL.
    Case("gsutil-iam-all-users", "gsutil iam ch allUsers:objectViewer gs://acme-archive", DENY),
    Case(
        "gsutil-iam-all-authenticated",
        "gsutil -m iam ch allAuthenticatedUsers:objectViewer gs://acme-archive",
        DENY,
    ),
    Case(
        "gcloud-binding-all-users",
        "gcloud storage buckets add-iam-policy-binding gs://acme-archive --member=allUsers"
        " --role=roles/storage.objectViewer",
        DENY,
    ),
    Case(
        "gcloud-run-binding-all-users",
        "gcloud run services add-iam-policy-binding payments --member allUsers"
        " --role=roles/run.invoker --region=europe-west1",
        DENY,
    ),
    Case(
        "gcloud-predefined-acl",
        "gcloud storage buckets update gs://acme-archive --predefined-acl=publicRead",
        DENY,
    ),
    Case(
        "gcloud-short-acl",
        "gcloud storage objects update gs://acme-archive/2024.tar -a publicRead",
        DENY,
    ),
    Case(
        "gcloud-acl-grant",
        "gcloud storage buckets update gs://acme-archive --add-acl-grant"
        " entity=allUsers,role=READER",
        DENY,
    ),
    Case("gsutil-acl-ch", "gsutil acl ch -u AllUsers:R gs://acme-archive", DENY),
    Case("gsutil-acl-set-public", "gsutil acl set public-read gs://acme-archive", DENY),
    Case(
        "gsutil-cp-public",
        "gsutil cp -a public-read report.pdf gs://acme-archive/report.pdf",
        DENY,
    ),
    # 2. Azure: public blob access, public network access, containers made public.
    Case(
        "az-blob-public-access",
        "az storage account update -n prodacct -g rg1 --allow-blob-public-access true",
        DENY,
    ),
    Case(
        "az-blob-public-access-bare",
        "az storage account update -n prodacct -g rg1 --allow-blob-public-access",
        DENY,
    ),
    Case(
        "az-public-network-access",
        "az storage account update -n prodacct -g rg1 --public-network-access Enabled",
        DENY,
    ),
    Case(
        "az-network-default-allow",
        "az storage account update -n prodacct -g rg1 --default-action Allow",
        DENY,
    ),
    Case(
        "az-container-public-blob",
        "az storage container set-permission --account-name prodacct -n logs --public-access blob",
        DENY,
    ),
    Case(
        "az-container-public-container",
        "az storage container set-permission --account-name prodacct --name logs"
        " --public-access=container",
        DENY,
    ),
    # 3. Azure deployment stacks: deny settings switched off.
    Case(
        "az-stack-group-deny-none",
        "az stack group create -n st -g prod-rg --template-file t.json"
        " --deny-settings-mode none --action-on-unmanage detachAll",
        DENY,
    ),
    Case(
        "az-stack-group-dm-none",
        "az stack group create -n st -g prod-rg --template-file t.json --dm None --aou detachAll",
        DENY,
    ),
    # 4. Spanner DDL, judged as SQL on the database.
    Case(
        "spanner-ddl-drop-table",
        "gcloud spanner databases ddl update db1 --instance=main --ddl='DROP TABLE orders'",
        DENY,
    ),
    Case(
        "spanner-ddl-file",
        "gcloud spanner databases ddl update db1 --instance main --ddl-file drop.sql",
        DENY,
    ),
    Case(
        "spanner-ddl-full-path",
        "gcloud spanner databases ddl update projects/acme/instances/main/databases/db1"
        " --ddl='ALTER TABLE orders DROP COLUMN total'",
        DENY,
    ),
    Case(
        "spanner-ddl-row-deletion-policy",
        "gcloud spanner databases ddl update db1 --instance=main --ddl='ALTER TABLE orders"
        " ADD ROW DELETION POLICY (OLDER_THAN(created, INTERVAL 1 DAY))'",
        DENY,
        "dev",
    ),
]

# False-alarm guards: judged so before the fix too -- protection kept or switched on, a read,
# what is not protected, a binding removed, deny settings kept; a DDL that keeps the data.
GUARDS = [
    Case(
        "gcloud-pap-on",
        "gcloud storage buckets update gs://acme-archive --public-access-prevention",
        ASK,
    ),
    Case("gsutil-pap-enforced", "gsutil pap set enforced gs://acme-archive", ASK),
    Case("gsutil-iam-remove-all-users", "gsutil iam ch -d allUsers gs://acme-archive", ASK),
    Case(
        "gcloud-binding-removed",
        "gcloud storage buckets remove-iam-policy-binding gs://acme-archive --member=allUsers"
        " --role=roles/storage.objectViewer",
        ASK,
    ),
    Case(
        "gcloud-binding-user",
        "gcloud storage buckets add-iam-policy-binding gs://acme-archive"
        " --member=user:ann@example.com --role=roles/storage.objectViewer",
        ASK,
    ),
    Case("gsutil-acl-private", "gsutil acl set private gs://acme-archive", ASK),
    Case(
        "gcloud-pap-off-elsewhere-dev",
        "gcloud storage buckets update gs://scratch --no-public-access-prevention",
        ALLOW,
        "dev",
    ),
    Case(
        "az-blob-public-access-off",
        "az storage account update -n prodacct -g rg1 --allow-blob-public-access false",
        ASK,
    ),
    Case(
        "az-public-network-disabled",
        "az storage account update -n prodacct -g rg1 --public-network-access Disabled",
        ASK,
    ),
    Case(
        "az-container-private",
        "az storage container set-permission --account-name prodacct -n logs --public-access off",
        ASK,
    ),
    Case(
        "az-stack-deny-delete",
        "az stack group create -n st -g prod-rg --template-file t.json"
        " --deny-settings-mode denyDelete --aou detachAll",
        ASK,
    ),
    Case(
        "az-stack-deny-none-elsewhere-dev",
        "az stack group create -n st -g dev-rg --template-file t.json --dm none --aou detachAll",
        ALLOW,
        "dev",
    ),
    Case(
        "spanner-ddl-other-instance-dev",
        "gcloud spanner databases ddl update db1 --instance=scratch --ddl='DROP TABLE orders'",
        ALLOW,
        "dev",
    ),
    Case(
        "spanner-ddl-create-dev",
        "gcloud spanner databases ddl update db1 --instance=main"
        " --ddl='CREATE TABLE audit (id INT64) PRIMARY KEY (id)'",
        ALLOW,
        "dev",
    ),
]


@each_case(ESCAPES)
def test_exposure_or_unseen_change_is_refused(case: Case, policy: Policy) -> None:
    """Each was asked before the fix (a plain update; the Spanner DDL an update of
    ``gcp:spanner/databases/ddl/db1``, and in dev allowed); refused now: the protection of a
    protected store removed, or its tables dropped."""
    effects = shown(_understood(case.command, case.env))
    assert _judged(case.command, policy, case.env) == case.expected, (case.id, effects)


@each_case(GUARDS)
def test_public_access_guard(case: Case, policy: Policy) -> None:
    """False-alarm guards: judged so before the fix too."""
    effects = shown(_understood(case.command, case.env))
    assert _judged(case.command, policy, case.env) == case.expected, (case.id, effects)


def test_ids_are_unique() -> None:
    ids = [c.id for c in ESCAPES + GUARDS]
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("env", ["dev", "staging", "production"])
@pytest.mark.parametrize(
    ("exposing", "unprotecting"),
    [
        (
            "gcloud storage buckets update gs://{b} --no-public-access-prevention",
            "gcloud storage buckets update gs://{b} --clear-retention-period",
        ),
        ("gsutil pap set inherited gs://{b}", "gsutil versioning set off gs://{b}"),
        (
            "az storage account update -n {a} --allow-blob-public-access true",
            "az storage account blob-service-properties update -n {a}"
            " --enable-delete-retention false",
        ),
    ],
)
def test_exposure_is_as_strict_as_removing_a_protection(
    exposing: str, unprotecting: str, env: str, policy: Policy
) -> None:
    """The decision, pinned: exposing a store is judged exactly as removing its protection, in
    every environment, protected or not (a protected one refused; another, as any update).
    Before the fix the exposure of a protected store was asked (allowed in dev)."""
    for bucket, account in (("acme-archive", "prodacct"), ("scratch", "scratchacct")):
        exposed = _judged(exposing.format(b=bucket, a=account), policy, env)
        removed = _judged(unprotecting.format(b=bucket, a=account), policy, env)
        assert exposed == removed, (exposing, bucket, env)
        understood = _understood(exposing.format(b=bucket, a=account), env)
        assert all(e.removes_protection for e in understood.effects)


def test_spanner_tables_are_named_under_the_database() -> None:
    """The SQL layer's ``db:spanner/DB/t`` is also named under the database's resource names
    (by the instance, and in the project the full path gives), so ``gcp:spanner/instances/
    main/*`` or ``gcp:acme/spanner/*`` holds; before the fix the one name was
    ``gcp:spanner/databases/ddl/db1`` (an update)."""
    command = (
        "gcloud spanner databases ddl update projects/acme/instances/main/databases/db1"
        " --ddl='DROP TABLE orders; CREATE INDEX i ON audit(id)'"
    )
    effects = _understood(command).effects
    kinds = {e.effect.value: set(e.resource.names) for e in effects}
    assert {
        "gcp:spanner/instances/main/databases/db1/orders",
        "gcp:acme/spanner/instances/main/databases/db1/orders",
        "gcp:spanner/databases/db1/orders",
        "db:spanner/db1/orders",
    } <= kinds["delete"]
    assert "create" in kinds


def test_spanner_ddl_not_known_is_unknown() -> None:
    """A DDL decided at run time, or a file not at hand, is not told: unknown on the database
    and what it holds (refused on a protected instance). Before the fix: an update, asked."""
    for command in (
        'gcloud spanner databases ddl update db1 --instance=main --ddl="$DDL"',
        "gcloud spanner databases ddl update db1 --instance=main --ddl-file=missing.sql",
    ):
        [effect] = _understood(command).effects
        assert effect.effect.value == "unknown", command
        assert "gcp:spanner/instances/main/databases/db1/*" in effect.resource.names


def test_row_deletion_policy_deletes_rows() -> None:
    """Spanner's ``ADD ROW DELETION POLICY`` (a TTL) deletes the table's rows as they age: a
    delete of the table besides the ALTER's update (the SQL layer alone calls it an update)."""
    command = (
        "gcloud spanner databases ddl update db1 --instance=main"
        " --ddl='ALTER TABLE orders ADD ROW DELETION POLICY (OLDER_THAN(ts, INTERVAL 7 DAY))'"
    )
    kinds = [e.effect.value for e in _understood(command).effects]
    assert "delete" in kinds


def test_deny_settings_off_removes_the_protection_of_the_stack_scope() -> None:
    """``--deny-settings-mode none`` is an update that removes the protection of what the stack
    may manage: its group's resources, else every resource (a subscription's stack)."""
    group = _understood(
        "az stack group create -n st -g prod-rg --template-file t.json --dm none --aou detachAll"
    ).effects
    [off] = [e for e in group if e.removes_protection]
    assert off.effect.value == "update"
    assert {"azure:prod-rg/*", "azure:group/prod-rg"} <= set(off.resource.names)
    sub = _understood(
        "az stack sub create -n st -l eastus --template-file t.json --dm none --aou detachAll"
        " --subscription s1"
    ).effects
    [off] = [e for e in sub if e.removes_protection]
    assert {"azure:subscriptions/s1/*", "azure:*"} <= set(off.resource.names)


def test_pap_get_reads() -> None:
    """``gsutil pap get`` reads the setting (it was an update before: asked); ``set`` updates."""
    [effect] = _understood("gsutil pap get gs://acme-archive").effects
    assert (effect.effect.value, effect.removes_protection) == ("read", False)
