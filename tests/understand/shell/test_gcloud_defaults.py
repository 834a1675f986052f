"""Where gcloud and az calls land when the line does not say: the project of gcloud's active
configuration, az's default subscription and resource group, read from their files the way
the tools read them, and not read when the line changed them first."""

from __future__ import annotations

import json

import pytest

from keyturn.model import Effect, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

HOME = "/home/u"
GCLOUD = f"{HOME}/.config/gcloud"
AZURE = f"{HOME}/.azure"
CONFIGS = {
    f"{GCLOUD}/configurations/config_default": "[core]\nproject = acme-prod\naccount = a@x.io\n",
    f"{GCLOUD}/configurations/config_dev": "[core]\nproject = acme-dev\n[compute]\nzone = z\n",
}
INSTANCE = "compute/instances/web-1"


def _effects(
    command: str, files: dict[str, str], env: dict[str, str] | None = None
) -> list[Effect]:
    action = understand_shell(command, cwd="/w", home=HOME, env=env, files=MemoryFiles(files))
    return list(action.effects)


def _deletes(command: str, files: dict[str, str], **env: str) -> tuple[str, ...]:
    (delete,) = [
        e
        for e in _effects(command, files, env)
        if e.effect is EffectKind.DELETE and e.resource.names[0].startswith(("gcp:", "azure:"))
    ]
    return delete.resource.names


@pytest.mark.parametrize(
    ("files", "env", "names"),
    [
        # No configuration on disk: the names as the line gives them, nothing more.
        ({}, {}, (f"gcp:{INSTANCE}",)),
        # The default configuration's project (no active_config: ``default``).
        (CONFIGS, {}, (f"gcp:{INSTANCE}", f"gcp:acme-prod/{INSTANCE}")),
        # active_config names another configuration, named too.
        (
            {**CONFIGS, f"{GCLOUD}/active_config": "dev\n"},
            {},
            (f"gcp:{INSTANCE}", f"gcp:acme-dev/{INSTANCE}", f"gcp:configurations/dev/{INSTANCE}"),
        ),
        # The variable names the configuration, over active_config.
        (
            {**CONFIGS, f"{GCLOUD}/active_config": "default"},
            {"CLOUDSDK_ACTIVE_CONFIG_NAME": "dev"},
            (f"gcp:{INSTANCE}", f"gcp:acme-dev/{INSTANCE}", f"gcp:configurations/dev/{INSTANCE}"),
        ),
        # The project variable wins over the configuration's.
        (
            CONFIGS,
            {"CLOUDSDK_CORE_PROJECT": "acme-stage"},
            (f"gcp:{INSTANCE}", f"gcp:acme-stage/{INSTANCE}"),
        ),
        # CLOUDSDK_CONFIG moves the directory: the default one is not read.
        (CONFIGS, {"CLOUDSDK_CONFIG": "/etc/gc"}, (f"gcp:{INSTANCE}",)),
        (
            {"/etc/gc/configurations/config_default": "[core]\nproject = p9\n"},
            {"CLOUDSDK_CONFIG": "/etc/gc"},
            (f"gcp:{INSTANCE}", f"gcp:p9/{INSTANCE}"),
        ),
        # A file gcloud cannot parse, or without a project, tells nothing.
        (
            {f"{GCLOUD}/configurations/config_default": "project = x\n[core"},
            {},
            (f"gcp:{INSTANCE}",),
        ),
        (
            {f"{GCLOUD}/configurations/config_default": "[core]\naccount = a\n"},
            {},
            (f"gcp:{INSTANCE}",),
        ),
    ],
)
def test_the_configured_project_names_the_resource(
    files: dict[str, str], env: dict[str, str], names: tuple[str, ...]
) -> None:
    assert _deletes("gcloud compute instances delete web-1", files, **env) == names


def test_the_flags_win_over_the_files() -> None:
    files = {**CONFIGS, f"{GCLOUD}/active_config": "dev"}
    assert _deletes("gcloud compute instances delete web-1 --project=acme-x", files) == (
        f"gcp:{INSTANCE}",
        f"gcp:acme-x/{INSTANCE}",
    )
    assert _deletes("gcloud compute instances delete web-1 --configuration default", files) == (
        f"gcp:{INSTANCE}",
        f"gcp:acme-prod/{INSTANCE}",
        f"gcp:configurations/default/{INSTANCE}",
    )


@pytest.mark.parametrize(
    "before",
    [
        "gcloud config set project acme-dev",
        "gcloud config configurations activate dev",
        "gcloud config unset project",
        "cp /tmp/c ~/.config/gcloud/configurations/config_default",
        "rsync -a /tmp/home/ ~/",
        "rm -rf ~/.config/gc*",
    ],
)
def test_a_configuration_disk_stale_on_the_line_is_not_read(before: str) -> None:
    assert _deletes(f"{before}; gcloud compute instances delete web-1", CONFIGS) == (
        f"gcp:{INSTANCE}",
    )


def test_a_configuration_changed_after_the_call_does_not_move_it() -> None:
    assert _deletes(
        "gcloud compute instances delete web-1; gcloud config set project x", CONFIGS
    ) == (
        f"gcp:{INSTANCE}",
        f"gcp:acme-prod/{INSTANCE}",
    )


def test_reading_the_configuration_writes_nothing() -> None:
    for command in ("gcloud config list", "gcloud config get-value project"):
        effects = _effects(command, CONFIGS)
        assert all(e.effect is EffectKind.READ for e in effects), effects


def test_projects_and_settings_are_not_named_in_the_configured_project() -> None:
    (delete,) = _effects("gcloud projects delete acme-dev", CONFIGS)
    assert delete.resource.names == ("gcp:projects/acme-dev",)
    sets = [e for e in _effects("gcloud config set project p", CONFIGS) if e.service == "config"]
    assert {n for e in sets for n in e.resource.names} == {"gcp:config/project", "gcp:config/p"}


def _profile(*subscriptions: dict[str, object]) -> str:
    # az writes azureProfile.json with a byte-order mark
    return "\ufeff" + json.dumps({"installationId": "i", "subscriptions": list(subscriptions)})


AZ_FILES = {
    f"{AZURE}/azureProfile.json": _profile(
        {"id": "0000-1111", "name": "acme-prod", "isDefault": True},
        {"id": "2222", "name": "acme-dev", "isDefault": False},
    ),
    f"{AZURE}/config": "[core]\noutput = json\n[defaults]\ngroup = rg-prod\n",
}


def test_az_names_the_default_subscription_and_group() -> None:
    assert _deletes("az vm delete -n web --yes", AZ_FILES) == (
        "azure:vm/web",
        "azure:rg-prod/vm/web",
        "azure:subscriptions/0000-1111/vm/web",
        "azure:subscriptions/acme-prod/vm/web",
    )


def test_az_flags_and_variables_win() -> None:
    assert _deletes(
        "az vm delete -n web -g rg1 --subscription s2", AZ_FILES, AZURE_DEFAULTS_GROUP="rg9"
    ) == ("azure:vm/web", "azure:rg1/vm/web", "azure:subscriptions/s2/vm/web")
    assert _deletes("az vm delete -n web", AZ_FILES, AZURE_DEFAULTS_GROUP="rg9")[1] == (
        "azure:rg9/vm/web"
    )


@pytest.mark.parametrize(
    "files",
    [
        {},
        {f"{AZURE}/azureProfile.json": "{not json"},
        # two defaults: which one az takes is not told
        {
            f"{AZURE}/azureProfile.json": _profile(
                {"id": "a", "name": "x", "isDefault": True},
                {"id": "b", "name": "y", "isDefault": True},
            )
        },
    ],
)
def test_az_without_a_readable_default_names_as_before(files: dict[str, str]) -> None:
    assert _deletes("az vm delete -n web", files) == ("azure:vm/web",)


def test_az_group_delete_never_takes_the_default_group_for_its_name() -> None:
    """``*`` stays: the group a bare ``az group delete`` removes is not told by the line."""
    names = _deletes("az group delete --yes", AZ_FILES)
    assert names[0] == "azure:group/*"


@pytest.mark.parametrize(
    "before",
    ["az account set -s acme-dev", "az login", "az configure --defaults group=rg-dev"],
)
def test_az_state_disk_stale_on_the_line_is_not_read(before: str) -> None:
    assert _deletes(f"{before} && az vm delete -n web", AZ_FILES) == ("azure:vm/web",)
    writes = [e for e in _effects(before, AZ_FILES) if e.resource.names[0].startswith("file:")]
    assert writes and writes[0].resource.names == (f"file:{AZURE}/*",)


def test_az_config_dir_variable_moves_the_files() -> None:
    assert _deletes("az vm delete -n web", AZ_FILES, AZURE_CONFIG_DIR="/x") == ("azure:vm/web",)


def test_a_default_never_stands_in_for_a_wildcard() -> None:
    """Where the line names nothing, ``*`` stays: a default is only ever a name besides."""
    lock = _effects("az lock delete --name keep", AZ_FILES)
    assert lock[0].removes_protection and lock[0].resource.names == ("azure:*",)
    complete = _effects(
        "az deployment group create --template-file t.json --mode Complete", AZ_FILES
    )
    deletes = [e for e in complete if e.effect is EffectKind.DELETE]
    assert deletes and "azure:*/*" in deletes[0].resource.names
    (describe,) = _effects("gcloud projects describe", CONFIGS)
    assert describe.resource.names == ("gcp:projects/*",)
