"""Azure and Google Cloud command lines that remove a protection, or destroy data, without the
verb ``delete`` saying so, or that name a protected resource in a form its pattern did not
catch; judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy with a few Azure and
Google Cloud resources protected.

How the behaviour relied on was confirmed:
- az: azure-cli installed from PyPI in a scratch venv, ``az … -h`` read for each flag
  (``backup protection disable --delete-backup-data``, ``-v/--vault-name``, ``-i/--item-name``;
  ``backup vault backup-properties set --soft-delete-feature-state {AlwaysOn,Disable,Enable}``;
  ``keyvault update --enable-purge-protection``; ``keyvault secret delete --id``/``--vault-name``;
  ``sql db delete -s/--server``; ``cosmosdb sql container delete -a/--account-name``;
  ``storage account blob-service-properties update --enable-delete-retention``/
  ``--container-retention``; ``storage container legal-hold clear``; ``stack group delete
  --action-on-unmanage {deleteAll,deleteResources,detachAll}``; ``group deployment create``
  still present (deprecated); ``deployment sub create`` has no ``--mode``).
- gcloud cannot be installed from the registries reached here: its reference pages (the search
  tool's docs corpus) were read: ``storage buckets update --clear-retention-period``,
  ``--clear-soft-delete``, ``--soft-delete-duration``, ``--[no-]versioning``; ``sql instances
  restore-backup INSTANCE`` ("Cloud SQL instance ID that will be restored"), ``sql backups
  restore ID --restore-instance``; ``deployment-manager deployments delete|update
  --delete-policy`` (default ``delete``: "deletes the resource"). Lock ids: the Az.Resources
  reference (a lock's id is its scope followed by ``/providers/Microsoft.Authorization/
  locks/NAME``).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import BRIEF_POLICY, brief_protecting

from keyturn.model import Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
PROTECTED = (
    "azure:keyvault/prod-*",
    "azure:group/prod-rg",
    "azure:vm/keep",
    "azure:backup/vault/prod-*",
    "azure:storage/account/prodacct",
    "azure:storage/prodacct/*",
    "azure:sql/server/prod-sql/*",
    "azure:cosmosdb/prod-cosmos/*",
    "gs://acme-archive",
    "gs://acme-archive/*",
    "gcp:sql/instances/main",
    "gcp:sql/instances/main/*",
    "gcp:container/clusters/prod",
    "gcp:projects/acme-prod",
    "gcp:deployment-manager/deployments/prod/*",
)
LOCKS = "/providers/Microsoft.Authorization/locks/nodelete"
VM_ID = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.Compute/virtualMachines/keep"


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    env: str | None = None  # as ``keyturn check --env``


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(brief_protecting(*PROTECTED))


# Each was judged looser before the fix: asked (an update or a delete of something not
# protected) where the protection rule refuses it.
ESCAPES = [
    # 1. Azure: backup data deleted, soft delete and purge protection switched off.
    Case(
        "az-backup-disable-deletes-data",
        "az backup protection disable --delete-backup-data true -g rg1 -v prod-vault"
        " -c c1 -i item1 --yes",
        DENY,
    ),
    Case(
        "az-backup-soft-delete-off",
        "az backup vault backup-properties set -n prod-vault -g rg1"
        " --soft-delete-feature-state Disable",
        DENY,
    ),
    Case(
        "az-backup-immutability-off",
        "az backup vault update -n prod-vault -g rg1 --immutability-state Disabled",
        DENY,
    ),
    Case(
        "az-keyvault-soft-delete-off",
        "az keyvault update -n prod-kv --enable-soft-delete false",
        DENY,
    ),
    Case(
        "az-keyvault-purge-protection-off",
        "az keyvault update -n prod-kv --enable-purge-protection false",
        DENY,
    ),
    Case(
        "az-keyvault-set-purge-protection",
        "az keyvault update -n prod-kv --set properties.enablePurgeProtection=false",
        DENY,
    ),
    Case(
        "az-blob-soft-delete-off",
        "az storage account blob-service-properties update -n prodacct"
        " --enable-delete-retention false",
        DENY,
    ),
    Case(
        "az-container-soft-delete-off-alias",
        "az storage account blob-service-properties update -n prodacct --container-retention false",
        DENY,
    ),
    Case(
        "az-legal-hold-cleared",
        "az storage container legal-hold clear --account-name prodacct -c logs --tags audit",
        DENY,
    ),
    # 2. Azure: what lives in a protected vault, server or account is named under it.
    Case("az-secret-delete-in-vault", "az keyvault secret delete --vault-name prod-kv -n s", DENY),
    Case("az-key-purge-in-vault", "az keyvault key purge --vault-name prod-kv --name k", DENY),
    Case(
        "az-certificate-delete-in-vault",
        "az keyvault certificate delete --vault-name=prod-kv --name c",
        DENY,
    ),
    Case(
        "az-secret-purge-by-id",
        "az keyvault secret purge --id https://prod-kv.vault.azure.net/deletedsecrets/s",
        DENY,
    ),
    Case(
        "az-secret-delete-by-id",
        "az keyvault secret delete --id https://prod-kv.vault.azure.net/secrets/s/0123",
        DENY,
    ),
    Case("az-sql-db-on-server", "az sql db delete -g rg1 -s prod-sql -n orders --yes", DENY),
    Case(
        "az-cosmos-container-in-account",
        "az cosmosdb sql container delete -a prod-cosmos -g rg1 -d db -n orders --yes",
        DENY,
    ),
    Case(
        "az-blob-delete-batch-in-account",
        "az storage blob delete-batch -s logs --account-name prodacct",
        DENY,
    ),
    # 3. A lock removed by its id removes the protection of its scope.
    Case(
        "az-lock-ids-group",
        f"az lock delete --ids /subscriptions/s1/resourceGroups/prod-rg{LOCKS}",
        DENY,
    ),
    Case("az-lock-ids-resource", f"az lock delete --ids {VM_ID}{LOCKS}", DENY),
    Case(
        "az-lock-ids-unreadable",
        "az lock delete --ids /not/a/lock/id",
        DENY,
    ),
    Case("az-resource-lock-ids", f"az resource lock delete --ids {VM_ID}{LOCKS}", DENY),
    # ...and a resource given by its id or type is named as az's group names it.
    Case("az-vm-delete-ids", f"az vm delete --ids {VM_ID} --yes", DENY),
    Case("az-resource-delete-ids", f"az resource delete --ids {VM_ID}", DENY),
    Case(
        "az-resource-delete-typed",
        "az resource delete -g rg1 -n keep --resource-type Microsoft.Compute/virtualMachines",
        DENY,
    ),
    Case(
        "az-resource-delete-namespace",
        "az resource delete -g rg1 -n keep --namespace Microsoft.Compute"
        " --resource-type virtualMachines",
        DENY,
    ),
    # Azure: other ways to delete a group's resources.
    Case(
        "az-group-deployment-complete",
        "az group deployment create -g prod-rg --mode Complete --template-file t.json",
        DENY,
    ),
    Case(
        "az-stack-delete-all",
        "az stack group delete -n st -g prod-rg --action-on-unmanage deleteAll --yes",
        DENY,
    ),
    # 4. Google Cloud: protection switches.
    Case(
        "gcloud-bucket-retention-cleared",
        "gcloud storage buckets update gs://acme-archive --clear-retention-period",
        DENY,
    ),
    Case(
        "gcloud-bucket-soft-delete-cleared",
        "gcloud storage buckets update gs://acme-archive --clear-soft-delete",
        DENY,
    ),
    Case(
        "gcloud-bucket-soft-delete-zero",
        "gcloud storage buckets update gs://acme-archive --soft-delete-duration=0",
        DENY,
    ),
    Case(
        "gcloud-bucket-versioning-off",
        "gcloud storage buckets update gs://acme-archive --no-versioning",
        DENY,
    ),
    Case(
        "gcloud-object-hold-released",
        "gcloud storage objects update gs://acme-archive/2024.tar --no-temporary-hold",
        DENY,
    ),
    Case("gsutil-retention-clear", "gsutil retention clear gs://acme-archive", DENY),
    Case("gsutil-versioning-off", "gsutil versioning set off gs://acme-archive", DENY),
    Case(
        "gcloud-gke-deletion-protection-off",
        "gcloud container clusters update prod --no-enable-deletion-protection",
        DENY,
    ),
    Case(
        "gcloud-lien-removed",
        "gcloud resource-manager liens delete p123-abc --project acme-prod",
        DENY,
    ),
    # Google Cloud: destructive verbs not named delete, and contents named in their parent.
    Case(
        "gcloud-sql-restore-backup-overwrites",
        "gcloud sql instances restore-backup main --backup-id 123 --quiet",
        DENY,
        "dev",
    ),
    Case(
        "gcloud-sql-backups-restore-overwrites",
        "gcloud sql backups restore 123 --restore-instance main --backup-instance dev-db",
        DENY,
        "dev",
    ),
    Case(
        "gcloud-sql-database-in-instance",
        "gcloud sql databases delete orders --instance main --quiet",
        DENY,
    ),
    Case(
        "gcloud-sql-user-in-instance",
        "gcloud sql users delete app --instance=main",
        DENY,
    ),
    Case(
        "gcloud-deployment-manager-delete",
        "gcloud deployment-manager deployments delete prod -q",
        DENY,
    ),
    Case(
        "gcloud-deployment-manager-update",
        "gcloud deployment-manager deployments update prod --config new.yaml",
        DENY,
    ),
]

# False-alarm guards (judged so before the fix too, or kept as they were): switches turned on,
# data kept, a restore not told, a harmless read.
GUARDS = [
    Case(
        "az-backup-disable-keeps-data",
        "az backup protection disable --delete-backup-data false -g rg1 -v prod-vault"
        " -c c1 -i item1 --yes",
        ASK,
    ),
    Case(
        "az-keyvault-purge-protection-on",
        "az keyvault update -n prod-kv --enable-purge-protection true",
        ASK,
    ),
    Case("az-secret-show", "az keyvault secret show --vault-name prod-kv -n s", ALLOW),
    Case("az-secret-delete-other-vault", "az keyvault secret delete --vault-name dev-kv -n s", ASK),
    Case(
        "az-stack-detach",
        "az stack group delete -n st -g prod-rg --action-on-unmanage detachAll --yes",
        ASK,
    ),
    Case(
        "gcloud-bucket-versioning-on",
        "gcloud storage buckets update gs://acme-archive --versioning",
        ASK,
    ),
    Case(
        "gcloud-deployment-manager-abandon",
        "gcloud deployment-manager deployments update prod --config c.yaml --delete-policy=ABANDON",
        ASK,
    ),
    Case(
        "gcloud-firestore-restore-stays-unknown",
        "gcloud firestore databases restore --source-backup=b --destination-database=d1",
        DENY,
    ),
]


def _judged(
    command: str, policy: Policy, env: str | None = None
) -> tuple[str, list[tuple[str, tuple[str, ...], bool]]]:
    action = understand_shell(
        command, cwd=CWD, home=HOME, env={}, target=Target(environment=env), files=MemoryFiles({})
    )
    decision = policy.judge(action, actor=ACTOR)
    seen = [(e.effect.value, e.resource.names, e.removes_protection) for e in action.effects]
    return decision.decision.value, seen


@pytest.mark.parametrize("case", ESCAPES, ids=[c.id for c in ESCAPES])
def test_protection_escape_is_refused(case: Case, policy: Policy) -> None:
    """Each judged looser before the fix (behaviour confirmed as the module docstring says).
    The Cloud SQL restores were unknown before (refused in production, asked in dev): judged
    in dev, where only the overwrite of a protected instance is refused."""
    decision, seen = _judged(case.command, policy, case.env)
    assert decision == case.expected, (case.id, seen)


@pytest.mark.parametrize("case", GUARDS, ids=[c.id for c in GUARDS])
def test_protection_guard(case: Case, policy: Policy) -> None:
    """False-alarm guards: judged so before the fix too (a switch turned on, data kept, a
    read); a restore whose meaning is not told stays unknown (refused in production)."""
    decision, seen = _judged(case.command, policy, case.env)
    assert decision == case.expected, (case.id, seen)


def test_gsutil_versioning_get_reads() -> None:
    """gsutil's reference (``gsutil versioning``): "The get sub-command gets the versioning
    configuration for a bucket"; it was an update before (asked), now a read as ``retention
    get`` and ``acl get`` are; ``set off`` is the protection removed."""
    [(kind, names, removes)] = _judged("gsutil versioning get gs://b", load_policy(BRIEF_POLICY))[1]
    assert (kind, names, removes) == ("read", ("gs://b",), False)
    [(kind, _, removes)] = _judged("gsutil versioning set off gs://b", load_policy(BRIEF_POLICY))[1]
    assert (kind, removes) == ("update", True)


def test_ids_are_unique() -> None:
    ids = [c.id for c in ESCAPES + GUARDS]
    assert len(set(ids)) == len(ids)


def test_vault_objects_keep_their_old_name() -> None:
    """The old name (``azure:keyvault/secret/NAME``) is kept beside the one in the vault."""
    _, seen = _judged(
        "az keyvault secret delete --vault-name prod-kv -n s", load_policy(BRIEF_POLICY)
    )
    [(kind, names, _)] = seen
    assert kind == "delete"
    assert names[:2] == ("azure:keyvault/secret/s", "azure:keyvault/prod-kv/secret/s")


def test_lock_ids_name_the_locked_scope() -> None:
    """A lock's id names its scope as az names it: the group, or the resource."""
    _, seen = _judged(
        f"az lock delete --ids /subscriptions/s1/resourceGroups/rg1{LOCKS}",
        load_policy(BRIEF_POLICY),
    )
    [(kind, names, removes)] = seen
    assert (kind, removes) == ("update", True)
    assert {"azure:group/rg1", "azure:/subscriptions/s1/resourceGroups/rg1"} <= set(names)
    _, seen = _judged(f"az lock delete --ids {VM_ID}{LOCKS}", load_policy(BRIEF_POLICY))
    [(_, names, _)] = seen
    assert {"azure:vm/keep", "azure:rg1/vm/keep", "azure:rg1/keep", f"azure:{VM_ID}"} <= set(names)
