"""gcloud, gsutil and az command lines."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind, Target
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands.cloud_cli import gcloud
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

D, R, C, U, UNK = (
    EffectKind.DELETE,
    EffectKind.READ,
    EffectKind.CREATE,
    EffectKind.UPDATE,
    EffectKind.UNKNOWN,
)

ARM_ID = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/a"


def effects(command: str) -> list[tuple[EffectKind, tuple[str, ...], str | None]]:
    action = understand_shell(command, cwd="/app")
    return [(e.effect, e.resource.names, e.service) for e in action.effects]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "gcloud compute instances delete web-1 --zone us-central1-a --project acme-prod -q",
            [
                (
                    D,
                    ("gcp:compute/instances/web-1", "gcp:acme-prod/compute/instances/web-1"),
                    "compute",
                )
            ],
        ),
        (
            "CLOUDSDK_CORE_PROJECT=acme-prod gcloud sql instances delete main",
            [(D, ("gcp:sql/instances/main", "gcp:acme-prod/sql/instances/main"), "sql")],
        ),
        ("gcloud projects delete acme-prod", [(D, ("gcp:projects/acme-prod",), "resourcemanager")]),
        (
            "gcloud container clusters delete gke-prod --region europe-west1",
            [(D, ("gcp:container/clusters/gke-prod",), "container")],
        ),
        (
            "gcloud storage rm -r gs://acme-backups/2024",
            [(D, ("gs://acme-backups/2024", "gs://acme-backups/2024/*"), "storage")],
        ),
        (
            "gcloud projects remove-iam-policy-binding acme --member user:a@x.io"
            " --role roles/owner",
            [(U, ("gcp:projects/acme",), "iam")],
        ),
        ("gcloud compute instances list", [(R, ("gcp:compute/instances/*",), "compute")]),
        ("gsutil -m rm -r gs://bkt/data", [(D, ("gs://bkt/data", "gs://bkt/data/*"), "storage")]),
        ("gsutil rb gs://bkt", [(D, ("gs://bkt",), "storage")]),
        ("gsutil rsync -d -r ./out gs://site", [(D, ("gs://site", "gs://site/*"), "storage")]),
        ("gsutil iam ch -d allUsers gs://bkt", [(U, ("gs://bkt",), "iam")]),
        (
            "az group delete --name rg-prod --yes --no-wait",
            [(D, ("azure:group/rg-prod",), "group")],
        ),
        ("az vm delete -g rg1 -n web", [(D, ("azure:vm/web", "azure:rg1/vm/web"), "vm")]),
        (
            "gcloud sql instances delete main --configuration prod",
            [(D, ("gcp:sql/instances/main", "gcp:configurations/prod/sql/instances/main"), "sql")],
        ),
        (
            "az vm delete -n web --subscription prod-sub",
            [(D, ("azure:vm/web", "azure:subscriptions/prod-sub/vm/web"), "vm")],
        ),
        ("az keyvault purge --name kv1", [(D, ("azure:keyvault/kv1",), "keyvault")]),
        (
            f"az vm delete --ids {ARM_ID}",
            [
                (
                    D,
                    (
                        f"azure:{ARM_ID}",
                        "azure:r/a",
                        "azure:vm/a",
                        "azure:r/vm/a",
                        "azure:subscriptions/s/vm/a",
                    ),
                    "vm",
                )
            ],
        ),
        ("az storage account show -n acct", [(R, ("azure:storage/account/acct",), "storage")]),
        # An option az knows and keyturn does not (-s): its value is not taken for the verb.
        (
            "az storage blob delete-batch -s cont --account-name acct",
            [(D, ("azure:storage/blob/*", "azure:storage/acct/cont/*"), "storage")],
        ),
    ],
)
def test_cloud_effects(
    command: str, expected: list[tuple[EffectKind, tuple[str, ...], str]]
) -> None:
    assert effects(command) == expected


def test_az_lock_delete_removes_protection() -> None:
    (effect,) = understand_shell("az lock delete --name keep -g rg-prod", cwd="/").effects
    assert effect.removes_protection
    assert effect.resource.names == ("azure:group/rg-prod",)


def test_az_complete_mode_deletes_the_rest_of_the_group() -> None:
    action = understand_shell(
        "az deployment group create -g rg-prod --template-file t.json --mode Complete", cwd="/"
    )
    deletes = [e for e in action.effects if e.effect is D]
    assert deletes and "azure:rg-prod/*" in deletes[0].resource.names
    incremental = understand_shell(
        "az deployment group create -g rg-prod --template-file t.json", cwd="/"
    )
    assert all(e.effect is not D for e in incremental.effects)


def test_quiet_is_noted_and_target_kept() -> None:
    target = Target(environment="staging")
    (effect,) = understand_shell(
        "gcloud compute instances delete w --quiet", cwd="/", target=target
    ).effects
    assert "--quiet" in effect.detail
    assert effect.target.environment == "staging"


def test_remote_command_is_judged() -> None:
    action = understand_shell("gcloud compute ssh vm1 --command 'rm -rf /'", cwd="/")
    assert any(e.catastrophic for e in action.effects)
    action = understand_shell(
        "az vm run-command invoke -g r -n v --command-id RunShellScript"
        " --scripts 'rm -rf /var/lib'",
        cwd="/",
    )
    assert any(e.effect is D and e.resource.name == "file:/var/lib" for e in action.effects)


def test_remote_command_without_nested_understanding_is_unknown() -> None:
    cmd = SimpleCommand(
        argv=("gcloud", "compute", "ssh", "vm", "--command", "ls"), program="gcloud"
    )
    found = gcloud(cmd, ShellContext())
    assert found is not None and found[0].effect is UNK


def test_unrecognised_form_is_unknown() -> None:
    assert {e for e, _, _ in effects("gcloud")} == {UNK}
