"""Google Cloud and Azure leftovers of "opening a store to the world removes its protection"
(see :mod:`tests.adversarial.test_cloud_public_access` for that decision): whole IAM policies
and ACLs set from a file, uniform bucket-level access switched off, Spanner's ``execute-sql``
and ``ddl describe``, and az's other spellings of its public switches and deployment stacks'
deny-settings exclusions. Judged for agent ``codex`` acting for ``bob`` under the BRIEF policy
with a few resources protected.

Decisions:

1. A policy or ACL file at hand (``gcloud … set-iam-policy RESOURCE FILE``, ``gsutil iam set
   FILE``, ``gsutil acl|defacl set FILE``, ``--acl-file``/``--default-object-acl-file``) is read
   (JSON, YAML; gsutil's XML ACLs as text): ``allUsers``/``allAuthenticatedUsers`` anywhere in
   it is an exposure -- the protection removed, as ``add-iam-policy-binding --member=allUsers``
   is. ``group:allusers@example.com`` is a group, not the world.
   A file NOT at hand (missing, rewritten on the line in a way not known, ``-``, its name
   decided at run time, or text neither JSON nor YAML reads that shows no public member) is a
   judgement not made: an ``unknown`` effect on what the call names, besides its update. So it
   is at least as strict as before and never looser: refused on a protected resource (was
   asked) and asked elsewhere even in dev (was allowed).
   ``gsutil acl set WORD`` reads a file named WORD when one exists and only else takes WORD as a
   predefined ACL (gsutil's ``command.py``: ``os.path.isfile(acl_arg)`` first), so ``private``
   with a file ``private`` at hand is that file; with none, the predefined ACL as before; a WORD
   that is no predefined ACL and no file at hand is a file not at hand.
   ``set-iam-policy``'s last positional is the policy file (gcloud 528: ``URLS… POLICY_FILE``,
   ``PROJECT_ID POLICY_FILE``), no longer named as a resource (``gcp:projects/pol.json``).
2. Uniform bucket-level access off (``gsutil ubla|bucketpolicyonly set off``, ``gcloud storage
   buckets update --no-uniform-bucket-level-access``) is judged as a protection removed, like
   ``versioning set off`` -- NOT as a plain update. Evidence: Google's page on it says it
   "prevents unintended data exposure from ACLs" and that enabling it revokes "all access
   granted by object ACLs", a decision reversible for 90 days; object ACLs stay on the objects
   while it is on (ignored, not removed), so switching it off makes them count again -- and
   whether any lets ``allUsers`` in is not told by the line. Creating a bucket without it
   changes no protection (a guard below). ``ubla get`` reads.
3. ``gcloud spanner databases execute-sql DB --instance=I --sql=SQL``: the SQL judged as SQL on
   the database, named as ``ddl update`` names it (gcloud 528 ``--help`` and
   ``execute_sql.py``: ``--sql`` is a required plain string, never a file). ``--query-mode=PLAN``
   is judged as the statement itself (that PLAN changes nothing was not run here: not relied
   on). Before: not understood -- an unknown, refused where the environment is not told and
   asked in dev, whatever the SQL and whichever instance; now a delete of a protected
   instance's table is refused in dev too, and a read or a change elsewhere in dev is allowed as
   the same SQL through ``ddl update`` is (the loosening rests on gcloud's own source).
4. ``gcloud spanner databases ddl describe DB`` reads the database (was a read of
   ``gcp:spanner/databases/ddl/DB``).
5. az (azure-cli 2.91 in a scratch venv; ``_params.py`` read, and the real ``az`` run without a
   login, which parses the line before asking for one): short options ``az cosmosdb … -p``
   (``--public-network-access``), ``az sql server … -e`` and ``az appconfig … -e``
   (``--enable-public-network``); long aliases ``--public-network`` (Event Hubs, Service Bus),
   ``--public`` (single servers), ``--public-access All`` (flexible servers: a firewall rule for
   every address); and az's parser takes any unambiguous prefix of a long option
   (``--public-netw Bogus`` is refused as a bad value of ``--public-network-access``;
   ``--allow-blob-pub`` parses), so prefixes are read as the option, the protection switches and
   deny settings too. A deployment stack with deny settings on but with
   ``--deny-settings-excluded-principals/--ep`` or ``--deny-settings-excluded-actions/--ea`` is
   judged as ``--deny-settings-mode none`` is: the principals left out (the agent's own
   identity, perhaps) may change and delete what the stack manages, an action left out is denied
   to no one; whether the stack had the same exclusions before is not told (read closed).
"""

from __future__ import annotations

import json
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
    "gs://acme-archive",
    "gs://acme-archive/*",
    "gcp:projects/acme-core",
    "gcp:run/services/payments",
    "gcp:spanner/instances/main/*",
    "azure:storage/account/prodacct",
    "azure:cosmosdb/prodcosmos",
    "azure:sql/server/prodsql",
    "azure:keyvault/prodkv",
    "azure:group/prod-rg",
    "azure:prod-rg/*",
)
_PUBLIC_POLICY = {
    "bindings": [
        {"role": "roles/storage.admin", "members": ["user:ann@example.com"]},
        {"role": "roles/storage.objectViewer", "members": ["allUsers"]},
    ],
    "etag": "CAE=",
}
_PRIVATE_POLICY = {
    "bindings": [
        {"role": "roles/storage.objectViewer", "members": ["group:allusers@example.com"]},
    ],
}
FILES = {
    f"{CWD}/public.json": json.dumps(_PUBLIC_POLICY),
    f"{CWD}/public.yaml": (
        "bindings:\n- role: roles/run.invoker\n  members:\n  - allAuthenticatedUsers\n"
    ),
    # JSON escapes hide the word from a plain text search: parsed, it is allUsers.
    f"{CWD}/escaped.json": '{"bindings": [{"role": "r", "members": ["\\u0061llUsers"]}]}',
    f"{CWD}/private.json": json.dumps(_PRIVATE_POLICY),
    f"{CWD}/public-acl.json": json.dumps([{"entity": "allUsers", "role": "READER"}]),
    f"{CWD}/acl.xml": (
        "<AccessControlList><Entries><Entry><Scope type='AllUsers'/>"
        "<Permission>READ</Permission></Entry></Entries></AccessControlList>"
    ),
    # gsutil reads a file named like a predefined ACL before the predefined ACL.
    f"{CWD}/private": json.dumps([{"entity": "allUsers", "role": "READER"}]),
}
_NOT_A_FILE_AT_HAND = {k: v for k, v in FILES.items() if not k.endswith("/private")}


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    env: str | None = None  # as ``keyturn check --env``


policy = policy_protecting(*PROTECTED)


def _understood(
    command: str, env: str | None = None, files: dict[str, str] | None = None
) -> Action:
    return understood_line(command, env, FILES if files is None else files)


def _judged(command: str, policy: Policy, env: str | None = None) -> str:
    return decision_of(_understood(command, env), policy)


def _shown(command: str, env: str | None = None) -> list[tuple[str, tuple[str, ...], bool]]:
    return shown(_understood(command, env))


# Each was judged looser before the fix (asked, or allowed in dev): refused or held now.
ESCAPES = [
    # 1. Policies and ACLs from a file that let the world in.
    Case("gsutil-iam-set-file", "gsutil iam set public.json gs://acme-archive", DENY),
    Case("gsutil-iam-set-etag", "gsutil -m iam set -e CAE= public.json gs://acme-archive", DENY),
    Case(
        "gcloud-bucket-set-iam-policy",
        "gcloud storage buckets set-iam-policy gs://acme-archive public.json",
        DENY,
    ),
    Case(
        "gcloud-run-set-iam-policy-yaml",
        "gcloud run services set-iam-policy payments public.yaml --region=europe-west1",
        DENY,
    ),
    Case(
        "gcloud-project-set-iam-policy",
        "gcloud projects set-iam-policy acme-core public.json",
        DENY,
    ),
    Case(
        "gcloud-set-iam-policy-escaped",
        "gcloud storage buckets set-iam-policy gs://acme-archive escaped.json",
        DENY,
    ),
    Case("gsutil-acl-set-json", "gsutil acl set public-acl.json gs://acme-archive", DENY),
    Case("gsutil-acl-set-xml", "gsutil acl set -r acl.xml gs://acme-archive", DENY),
    Case("gsutil-defacl-set-file", "gsutil defacl set public-acl.json gs://acme-archive", DENY),
    Case("gsutil-acl-set-file-named-private", "gsutil acl set private gs://acme-archive", DENY),
    Case(
        "gcloud-acl-file",
        "gcloud storage buckets update gs://acme-archive --acl-file=public-acl.json",
        DENY,
    ),
    Case(
        "gcloud-object-acl-file",
        "gcloud storage objects update gs://acme-archive/2024.tar --acl-file public-acl.json",
        DENY,
    ),
    Case(
        "gcloud-default-object-acl-file",
        "gcloud storage buckets update gs://acme-archive --default-object-acl-file=public-acl.json",
        DENY,
    ),
    Case(
        "gsutil-iam-set-written-on-the-line",
        'printf \'{"bindings":[{"role":"r","members":["allUsers"]}]}\' > new.json'
        " && gsutil iam set new.json gs://acme-archive",
        DENY,
    ),
    # ...and a file not at hand: held (refused on a protected store, asked even in dev).
    Case("gsutil-iam-set-missing", "gsutil iam set missing.json gs://acme-archive", DENY),
    Case("gsutil-iam-set-missing-dev", "gsutil iam set missing.json gs://scratch", ASK, "dev"),
    Case(
        "gcloud-set-iam-policy-missing-dev",
        "gcloud storage buckets set-iam-policy gs://scratch missing.json",
        ASK,
        "dev",
    ),
    Case(
        "gcloud-set-iam-policy-dynamic",
        'gcloud storage buckets set-iam-policy gs://acme-archive "$POLICY"',
        DENY,
    ),
    Case("gsutil-acl-set-missing", "gsutil acl set missing.json gs://acme-archive", DENY),
    Case(
        "gcloud-acl-file-missing-dev",
        "gcloud storage buckets update gs://scratch --acl-file=missing.json",
        ASK,
        "dev",
    ),
    # 2. Uniform bucket-level access off.
    Case("gsutil-ubla-off", "gsutil ubla set off gs://acme-archive", DENY),
    Case("gsutil-bucketpolicyonly-off", "gsutil bucketpolicyonly set off gs://acme-archive", DENY),
    Case(
        "gcloud-ubla-off",
        "gcloud storage buckets update gs://acme-archive --no-uniform-bucket-level-access",
        DENY,
    ),
    # 3. Spanner's execute-sql, judged as SQL: a delete on a protected instance refused in dev
    # too (before: unknown, asked in dev).
    Case(
        "spanner-execute-delete-dev",
        "gcloud spanner databases execute-sql db1 --instance=main --sql='DELETE FROM orders'",
        DENY,
        "dev",
    ),
    Case(
        "spanner-execute-plan-mode-dev",
        "gcloud spanner databases execute-sql db1 --instance=main --query-mode=PLAN"
        " --sql='DELETE FROM orders'",
        DENY,
        "dev",
    ),
    # 5. az: short options, aliases and prefixes of the public switches; stack exclusions.
    Case("az-cosmos-short-p", "az cosmosdb update -n prodcosmos -g rg1 -p ENABLED", DENY),
    Case("az-cosmos-short-attached", "az cosmosdb update -n prodcosmos -g rg1 -pEnabled", DENY),
    Case("az-sql-server-short-e", "az sql server update -n prodsql -g rg1 -e", DENY),
    Case("az-sql-server-short-e-true", "az sql server update -n prodsql -g rg1 -e true", DENY),
    Case(
        "az-public-network-prefix",
        "az storage account update -n prodacct -g rg1 --public-netw Enabled",
        DENY,
    ),
    Case(
        "az-blob-public-prefix-bare",
        "az storage account update -n prodacct -g rg1 --allow-blob-pub",
        DENY,
    ),
    Case(
        "az-flexible-server-all",
        "az postgres flexible-server update -n x -g prod-rg --public-access All",
        DENY,
    ),
    Case(
        "az-eventhubs-alias",
        "az eventhubs namespace update -n x -g prod-rg --public-network Enabled",
        DENY,
    ),
    Case("az-purge-protection-prefix", "az keyvault update -n prodkv --enable-purge false", DENY),
    Case(
        "az-stack-excluded-principals",
        "az stack group create -n st -g prod-rg --template-file t.json --dm denyDelete"
        " --aou detachAll --ep 00000000-0000-0000-0000-000000000001",
        DENY,
    ),
    Case(
        "az-stack-excluded-actions",
        "az stack group create -n st -g prod-rg --template-file t.json"
        " --deny-settings-mode denyWriteAndDelete --aou detachAll"
        " --deny-settings-excluded-actions Microsoft.Storage/storageAccounts/delete",
        DENY,
    ),
    Case(
        "az-stack-deny-mode-prefix",
        "az stack group create -n st -g prod-rg --template-file t.json --deny-settings-m none"
        " --aou detachAll",
        DENY,
    ),
]

# False-alarm guards: judged so before the fix too.
GUARDS = [
    # Spanner's execute-sql where the environment is not told: refused before (an unknown in
    # production) and now (a delete of a protected instance's table).
    Case(
        "spanner-execute-delete",
        "gcloud spanner databases execute-sql db1 --instance=main --sql='DELETE FROM orders'",
        DENY,
    ),
    Case(
        "spanner-execute-partitioned",
        "gcloud spanner databases execute-sql db1 --instance main --enable-partitioned-dml"
        " --sql 'DELETE FROM orders WHERE true'",
        DENY,
    ),
    Case(
        "spanner-execute-full-path",
        "gcloud spanner databases execute-sql projects/acme/instances/main/databases/db1"
        " --sql='DELETE FROM orders WHERE id > 0'",
        DENY,
    ),
    Case(
        "spanner-execute-plan-mode",
        "gcloud spanner databases execute-sql db1 --instance=main --query-mode=PLAN"
        " --sql='DELETE FROM orders'",
        DENY,
    ),
    Case(
        "spanner-execute-dynamic",
        'gcloud spanner databases execute-sql db1 --instance=main --sql="$Q"',
        DENY,
    ),
    Case("gsutil-iam-set-private", "gsutil iam set private.json gs://acme-archive", ASK),
    Case(
        "gcloud-set-iam-policy-private-dev",
        "gcloud storage buckets set-iam-policy gs://scratch private.json",
        ALLOW,
        "dev",
    ),
    Case(
        "gsutil-iam-set-public-elsewhere-dev",
        "gsutil iam set public.json gs://scratch",
        ALLOW,
        "dev",
    ),
    Case("gsutil-ubla-on", "gsutil ubla set on gs://acme-archive", ASK),
    Case(
        "gcloud-ubla-on",
        "gcloud storage buckets update gs://acme-archive --uniform-bucket-level-access",
        ASK,
    ),
    Case(
        "gcloud-create-without-ubla-dev",
        "gcloud storage buckets create gs://scratch --no-uniform-bucket-level-access",
        ALLOW,
        "dev",
    ),
    Case("gsutil-ubla-off-elsewhere-dev", "gsutil ubla set off gs://scratch", ALLOW, "dev"),
    Case("az-cosmos-short-p-disabled", "az cosmosdb update -n prodcosmos -g rg1 -p DISABLED", ASK),
    Case(
        "az-postgres-short-p-password",
        "az postgres server update -n prodsql -g rg1 -p Enabled",
        ASK,
    ),
    Case("az-sql-server-e-false", "az sql server update -n prodsql -g rg1 -e false", ASK),
    Case(
        "az-stack-no-exclusions",
        "az stack group create -n st -g prod-rg --template-file t.json --dm denyDelete"
        " --aou detachAll",
        ASK,
    ),
]

# Judged by what the SQL does now (gcloud's ``execute_sql.py``: ``--sql`` is the statement
# run): before, not understood -- asked in dev; now a delete of a table of an instance not
# protected, or a read, is allowed in dev as the same SQL through ``ddl update`` or ``psql`` is.
NOW_BETTER = [
    Case(
        "spanner-execute-other-instance-dev",
        "gcloud spanner databases execute-sql db1 --instance=scratch --sql='DELETE FROM orders'",
        ALLOW,
        "dev",
    ),
    Case(
        "spanner-execute-select-dev",
        "gcloud spanner databases execute-sql db1 --instance=main --sql='SELECT * FROM orders'",
        ALLOW,
        "dev",
    ),
]


@each_case(ESCAPES)
def test_exposure_or_unseen_change_is_held(case: Case, policy: Policy) -> None:
    """Each was judged looser before the fix: asked (a plain update, an unknown
    ``execute-sql``), or allowed in dev (a policy file not read)."""
    assert _judged(case.command, policy, case.env) == case.expected, (case.id, _shown(case.command))


@each_case(GUARDS)
def test_policy_file_guard(case: Case, policy: Policy) -> None:
    """False-alarm guards: judged so before the fix too."""
    assert _judged(case.command, policy, case.env) == case.expected, (case.id, _shown(case.command))


@each_case(NOW_BETTER)
def test_judged_as_sql(case: Case, policy: Policy) -> None:
    """Judged as its SQL in dev (before: not understood, asked)."""
    assert _judged(case.command, policy, case.env) == case.expected, (case.id, _shown(case.command))


def test_ids_are_unique() -> None:
    ids = [c.id for c in ESCAPES + GUARDS + NOW_BETTER]
    assert len(set(ids)) == len(ids)


def test_policy_file_is_not_named_as_a_resource() -> None:
    """``set-iam-policy``'s policy file is the file, not a project or a bucket: before the fix
    ``gcp:projects/public.json`` was named (and updated) besides the project."""
    for command, resource in (
        ("gcloud projects set-iam-policy acme-core private.json", "gcp:projects/acme-core"),
        ("gcloud storage buckets set-iam-policy gs://a gs://b private.json", "gs://b"),
    ):
        names = {n for e in _understood(command).effects for n in e.resource.names}
        assert resource in names, command
        assert not any("private.json" in n for n in names if not n.startswith("shell:")), names


def test_policy_file_not_at_hand_is_unknown_besides_the_update() -> None:
    """The decision for a file not at hand: the update stays, and an unknown on the same names
    says why (refused on a protected resource, never looser than the update was)."""
    effects = _understood("gsutil iam set missing.json gs://acme-archive").effects
    kinds = sorted(e.effect.value for e in effects)
    assert kinds == ["unknown", "update"]
    [unknown] = [e for e in effects if e.effect.value == "unknown"]
    assert "gs://acme-archive" in unknown.resource.names
    assert "not at hand" in unknown.detail


def test_acl_set_predefined_without_a_file_is_the_predefined_acl() -> None:
    """Without a file named ``private`` at hand, ``gsutil acl set private`` is the predefined ACL:
    one update, no unknown (false-alarm guard: as before the fix)."""
    effects = _understood(
        "gsutil acl set private gs://acme-archive", files=_NOT_A_FILE_AT_HAND
    ).effects
    assert [(e.effect.value, e.removes_protection) for e in effects] == [("update", False)]


def test_execute_sql_names_tables_under_the_database() -> None:
    """``execute-sql``'s tables are named under the database as ``ddl update`` names them."""
    command = (
        "gcloud spanner databases execute-sql projects/acme/instances/main/databases/db1"
        " --sql='DELETE FROM orders'"
    )
    [effect] = _understood(command).effects
    assert effect.effect.value == "delete"
    assert {
        "gcp:spanner/instances/main/databases/db1/orders",
        "gcp:acme/spanner/instances/main/databases/db1/orders",
        "gcp:spanner/databases/db1/orders",
        "db:spanner/db1/orders",
    } <= set(effect.resource.names)


def test_execute_sql_of_another_group_is_not_understood() -> None:
    """Only Spanner's ``execute-sql`` is read (false-alarm guard: unknown before too)."""
    [effect] = _understood("gcloud alloydb instances execute-sql x --sql='DELETE FROM t'").effects
    assert effect.effect.value == "unknown"


def test_ddl_describe_reads_the_database() -> None:
    """``ddl describe`` reads the database (before: ``gcp:spanner/databases/ddl/db1``)."""
    [effect] = _understood("gcloud spanner databases ddl describe db1 --instance=main").effects
    assert effect.effect.value == "read"
    assert {
        "gcp:spanner/databases/db1",
        "gcp:spanner/instances/main/databases/db1",
    } <= set(effect.resource.names)
    assert not any("/ddl/" in n for n in effect.resource.names)


def test_ubla_get_reads() -> None:
    """``gsutil ubla get`` reads the setting (before: an update of the bucket)."""
    [effect] = _understood("gsutil ubla get gs://acme-archive").effects
    assert (effect.effect.value, effect.removes_protection) == ("read", False)


def _spanner_names(sql: str) -> list[tuple[str, tuple[str, ...]]]:
    command = f'gcloud spanner databases execute-sql db1 --instance=i1 --sql="{sql}"'
    return [(e.effect.value, e.resource.names) for e in _understood(command, "dev").effects]


@pytest.mark.parametrize(
    "sql",
    ["INSERT OR UPDATE INTO Singers (id) VALUES (1)", "INSERT OR UPDATE Singers (id) VALUES (1)"],
)
def test_spanner_insert_or_update_is_an_upsert_of_the_table(sql: str) -> None:
    """Spanner's ``INSERT OR UPDATE [INTO] t`` named a table called ``update`` (a create of
    it), not the upsert of ``singers`` it is."""
    found = _spanner_names(sql)
    assert [kind for kind, _ in found] == ["update"], found
    assert "gcp:spanner/databases/db1/singers" in found[0][1]


@pytest.mark.parametrize(
    "sql", ["DELETE FROM \\`Singers\\` WHERE true", "DELETE FROM SINGERS WHERE true"]
)
def test_spanner_table_names_are_one_whatever_their_case(sql: str) -> None:
    """Spanner's table names match without regard to case, quoted or not: ``\\`Singers\\```
    and ``SINGERS`` are the ``singers`` a policy names (a quoted name kept its case, so a
    protection written ``…/singers`` missed it)."""
    found = _spanner_names(sql)
    assert found and "gcp:spanner/databases/db1/singers" in found[-1][1], found
