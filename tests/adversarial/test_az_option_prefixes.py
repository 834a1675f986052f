"""An ``az`` option or an Az PowerShell parameter given by an abbreviation names what its full
spelling names, and is never judged more loosely.

How the behaviour relied on was confirmed:
- azure-cli 2.91 from PyPI in a scratch venv, run without a login: ``az keyvault delete --na
  prod-kv -g rg``, ``az group delete --nam prod-rg``, ``az group delete --resource-g prod-rg``,
  ``az sql db delete --na d --ser s --resource-gr rg``, ``az keyvault secret delete --vault-n v
  --na s``, ``az group delete -nprod-rg`` and ``-yn prod-rg`` all parse (they stop at the login
  or the confirmation prompt); ``az keyvault delete --n x`` is refused ("ambiguous option: --n
  could match --name, --no-wait"). The option lists below are those parsers' own (all 6105
  commands' parsers built with az's loader; the ones here copied from it), and az takes an
  abbreviation exactly when it starts one option of the command (Python 3.11's argparse).
- PowerShell binds a unique prefix of a parameter name or alias (about_Parameters;
  PSScriptAnalyzer issue #294 on ``Get-Foo -R``); ``-SubscriptionId``/``-SubscriptionName``
  are aliases of Set-AzContext's ``-Subscription`` (Az.Accounts reference).

Before the change, ``--na prod-kv`` was read as an option keyturn did not know: the vault went
unnamed (``azure:keyvault/*``) and a ``--resource-g`` left the group to az's default, so a
protected group's resources were judged by another group's name.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME
from tests.conftest import brief_protecting

from keyturn.model import Action, Actor, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell

ACTOR = Actor(agent="codex", operator="bob")
PROTECTED = (
    "azure:group/prod-rg",
    "azure:prod-rg/*",
    "azure:keyvault/prod-kv",
    "azure:keyvault/prod-kv/*",
    "azure:sql/server/prod-sql/*",
    "azure:cosmosdb/prod-cosmos/*",
    "azure:postgres/flexible-server/prod-pg/*",
    "azure:vm/prod-vm",
)
_STRICTNESS = {"allow": 0, "ask": 1, "deny": 2}
_GLOBAL = ("--debug", "--help", "--only-show-errors", "--output", "--query", "--verbose")
_GLOBAL += ("--subscription", "--acquire-policy-token", "--change-reference")
# Long options of each command as azure-cli 2.91's parser holds them (global ones above).
OPTIONS: dict[str, tuple[str, ...]] = {
    "keyvault delete": ("--cmd", "--hsm-name", "--name", "--no-wait", "--resource-group"),
    "group delete": ("--force-deletion-types", "--name", "--no-wait", "--resource-group", "--yes"),
    "sql db delete": ("--ids", "--name", "--no-wait", "--resource-group", "--server", "--yes"),
    "keyvault secret delete": ("--id", "--name", "--vault-name"),
    "vm delete": ("--force-deletion", "--ids", "--name", "--no-wait", "--resource-group", "--yes"),
    "storage account delete": ("--ids", "--name", "--resource-group", "--yes"),
    "cosmosdb sql container delete": (
        *("--account-name", "--database-name", "--name", "--resource-group", "--yes"),
    ),
    "postgres flexible-server db delete": (
        *("--cmd", "--ids", "--name", "--resource-group", "--server-name", "--yes"),
    ),
    "lock delete": (
        *("--cmd", "--ids", "--name", "--namespace", "--parent", "--resource"),
        *("--resource-group", "--resource-name", "--resource-type"),
    ),
}
# (command, the line's options with ``{}`` where the naming option goes, the naming options).
CALLS = [
    ("keyvault delete", "{name} prod-kv {resource-group} prod-rg", ("--name", "--resource-group")),
    ("group delete", "{name} prod-rg --yes", ("--name",)),
    ("group delete", "{resource-group} prod-rg --yes", ("--resource-group",)),
    (
        "sql db delete",
        "{name} orders {server} prod-sql {resource-group} prod-rg --yes",
        ("--name", "--server", "--resource-group"),
    ),
    (
        "keyvault secret delete",
        "{vault-name} prod-kv {name} db-password",
        ("--vault-name", "--name"),
    ),
    ("vm delete", "{name} prod-vm {resource-group} rg1 --yes", ("--name", "--resource-group")),
    ("vm delete", "-n web {resource-group} prod-rg --yes", ("--resource-group",)),
    (
        "storage account delete",
        "{name} acct {resource-group} prod-rg --yes",
        ("--name", "--resource-group"),
    ),
    (
        "cosmosdb sql container delete",
        "{account-name} prod-cosmos -d db {name} orders -g rg1 --yes",
        ("--account-name", "--name"),
    ),
    (
        "postgres flexible-server db delete",
        "{server-name} prod-pg {name} orders -g rg1 --yes",
        ("--server-name", "--name"),
    ),
    (
        "lock delete",
        "{name} keep {resource-group} prod-rg",
        ("--name", "--resource-group"),
    ),
    (
        "lock delete",
        "-n keep -g rg1 {resource} prod-vm --resource-type virtualMachines",
        ("--resource",),
    ),
]


def accepted_prefixes(option: str, command: str) -> list[str]:
    """Every spelling az's parser takes as ``option`` in ``command``: the option itself, and
    each prefix (``--`` and at least one letter) no other long option of the command starts
    with (argparse: an exact match first, else a unique prefix)."""
    others = [o for o in (*OPTIONS[command], *_GLOBAL) if o != option]
    return [option] + [
        option[:n]
        for n in range(3, len(option))
        if option[:n] not in others and not any(o.startswith(option[:n]) for o in others)
    ]


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for command, line, naming in CALLS:
        for option in naming:
            for spelling in accepted_prefixes(option, command)[1:]:
                out.append((command, line, f"{option}={spelling}"))
    return out


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(brief_protecting(*PROTECTED))


def _action(command: str, env: str | None = None) -> Action:
    return understand_shell(
        command,
        cwd=CWD,
        home=HOME,
        env={},
        target=Target(environment=env) if env else None,
    )


def _line(command: str, line: str, spelt: dict[str, str]) -> str:
    filled = line
    for option in ("resource-group", "account-name", "server-name", "vault-name", "resource"):
        filled = filled.replace("{" + option + "}", spelt.get(f"--{option}", f"--{option}"))
    for option in ("name", "server"):
        filled = filled.replace("{" + option + "}", spelt.get(f"--{option}", f"--{option}"))
    return f"az {command} {filled}"


def _names(action: Action) -> set[str]:
    return {
        n.lower() for e in action.effects if e.effect.value != "unknown" for n in e.resource.names
    }


def test_the_prefix_table_matches_az() -> None:
    """False-alarm guard: the accepted spellings worked out here are those az 2.91 took (and
    refused) when run."""
    assert "--na" in accepted_prefixes("--name", "keyvault delete")
    assert "--n" not in accepted_prefixes("--name", "keyvault delete")  # --no-wait
    assert "--resource-g" in accepted_prefixes("--resource-group", "group delete")
    assert "--resource" not in accepted_prefixes("--resource-group", "lock delete")
    assert "--i" in accepted_prefixes("--id", "keyvault secret delete")


@pytest.mark.parametrize(("command", "line", "swap"), _cases())
@pytest.mark.parametrize("env", ["dev", "production"])
def test_every_accepted_abbreviation_is_judged_as_strictly(
    command: str, line: str, swap: str, env: str, policy: Policy
) -> None:
    """Each abbreviation az takes for a naming option names everything the full spelling
    names, and its decision is never looser (it may be held besides, when the same word is
    another option in some other az command)."""
    option, spelling = swap.split("=")
    full = _action(_line(command, line, {}), env)
    short = _action(_line(command, line, {option: spelling}), env)
    assert _names(full) <= _names(short), (short.effects, full.effects)
    full_decision = policy.judge(full, actor=ACTOR).decision.value
    short_decision = policy.judge(short, actor=ACTOR).decision.value
    assert _STRICTNESS[short_decision] >= _STRICTNESS[full_decision], (swap, short.effects)


PROTECTED_LINES = [
    "az vm delete -n web --resource-gr prod-rg --yes",
    "az vm delete --resource prod-rg -n web --yes",
    "az keyvault secret delete --vault-n prod-kv --na db-password",
    "az sql db delete --na orders --ser prod-sql -g rg1 --yes",
    "az cosmosdb sql container delete --account-n prod-cosmos -d db -n orders -g rg1 --yes",
    "az postgres flexible-server db delete --server-n prod-pg -n orders -g rg1 --yes",
    "az vm delete -n web -gprod-rg --yes",
]


# Refused before too, but only as a delete of every vault or group (the name went unread).
WIDE_BEFORE = [
    "az keyvault delete --na prod-kv -g rg1",
    "az group delete --nam prod-rg --yes",
    "az group delete --resource-g prod-rg --yes",
    "az group delete -nprod-rg --yes",
    "az group delete -n=prod-rg --yes",
    "az group delete -yn prod-rg",
]


@pytest.mark.parametrize("line", WIDE_BEFORE)
def test_an_abbreviated_delete_is_refused_by_its_name(line: str, policy: Policy) -> None:
    """False-alarm guard for the decision (refused before too, as a delete of ``*``); the
    names are new: the protected resource is named, not only covered by a wildcard."""
    action = _action(line, "dev")
    assert policy.judge(action, actor=ACTOR).decision.value == "deny"
    assert _names(action) & {"azure:keyvault/prod-kv", "azure:group/prod-rg"}, action.effects


@pytest.mark.parametrize("line", PROTECTED_LINES)
def test_an_abbreviated_delete_of_a_protected_resource_is_refused(
    line: str, policy: Policy
) -> None:
    """Was allowed or asked (the resource went unnamed, or named in the default group): now
    refused in development as the full spelling is."""
    assert policy.judge(_action(line, "dev"), actor=ACTOR).decision.value == "deny"


def test_an_uncertain_abbreviation_is_held() -> None:
    """``--na`` is ``--namespace-name`` in az commands without ``--name``: read as the name,
    and the call held besides (unknown)."""
    effects = _action("az keyvault delete --na dev-kv -g rg1", "dev").effects
    assert [e.effect.value for e in effects] == ["delete", "unknown"]
    assert "azure:keyvault/dev-kv" in effects[0].resource.names
    assert "--na" in effects[1].detail


def test_a_certain_abbreviation_is_not_held() -> None:
    """``--resource-g`` is the resource group (or its alias ``--resource-group-name``) in every
    az 2.91 command that takes it: no doubt added."""
    effects = _action("az vm delete -n web --resource-g rg1 --yes", "dev").effects
    assert [e.effect.value for e in effects] == ["delete"]
    assert "azure:rg1/vm/web" in effects[0].resource.names


def test_a_remote_script_option_abbreviated_still_runs_its_script() -> None:
    """``--scr`` (``--scripts`` of ``vm run-command invoke``) was dropped: the script it runs
    went unjudged."""
    line = "az vm run-command invoke -g rg1 -n web --command-id RunShellScript --scr 'rm -rf /'"
    effects = _action(line, "dev").effects
    assert any(e.effect.value == "delete" and "file:/" in e.resource.names for e in effects)


@pytest.mark.parametrize(
    "line",
    [
        "az keyvault delete --name dev-kv -g rg1",
        "az lock delete -n keep -g rg1 --resource web --resource-type virtualMachines",
        "az sql db delete -n orders --server s1 -g rg1 --yes",
    ],
)
def test_full_spellings_are_unchanged(line: str) -> None:
    """False-alarm guard: a full spelling is read as before, with no doubt added."""
    assert all(e.effect.value != "unknown" for e in _action(line, "dev").effects)


def _ps(text: str) -> str:
    return "pwsh -c '" + text + "'"


PS_LINES = [
    ("Remove-AzResourceGroup -Na prod-rg -Fo", "Remove-AzResourceGroup -Name prod-rg -Force"),
    ("Remove-AzResourceGroup -Na:prod-rg -Fo", "Remove-AzResourceGroup -Name prod-rg -Force"),
    ("Remove-AzResourceGroup -ResourceGroupN prod-rg -Fo", "Remove-AzResourceGroup -Name prod-rg"),
    (
        "Remove-AzVM -ResourceG prod-rg -Na web -Fo",
        "Remove-AzVM -ResourceGroupName prod-rg -Name web",
    ),
    ("Remove-AzKeyVault -VaultN prod-kv -Fo", "Remove-AzKeyVault -VaultName prod-kv -Force"),
    (
        "Remove-AzResourceLock -LockN keep -ResourceGroupN prod-rg -Fo",
        "Remove-AzResourceLock -LockName keep -ResourceGroupName prod-rg -Force",
    ),
]


@pytest.mark.parametrize(("short", "full"), PS_LINES, ids=[p[0] for p in PS_LINES])
def test_an_abbreviated_az_cmdlet_parameter_names_what_the_full_one_does(
    short: str, full: str, policy: Policy
) -> None:
    """Was ``-na not carried over`` (unknown, the group unnamed): now the cmdlet's az line with
    the name, refused on the protected group as the full spelling is."""
    action = _action(_ps(short), "dev")
    assert _names(_action(_ps(full), "dev")) <= _names(action), action.effects
    assert policy.judge(action, actor=ACTOR).decision.value == "deny"


def test_an_abbreviated_subscription_of_set_azcontext_places_later_cmdlets() -> None:
    """``-Sub`` is ``-Subscription`` (its aliases ``-SubscriptionId``/``-SubscriptionName`` are
    one parameter): the later cmdlet is placed in it, not left to run time."""
    text = "Set-AzContext -Sub prod-sub; Remove-AzResourceGroup -Name rg1 -Force"
    names = _names(_action(_ps(text), "dev"))
    assert "azure:subscriptions/prod-sub/group/rg1" in names


def test_an_ambiguous_cmdlet_parameter_stays_held() -> None:
    """False-alarm guard: ``-Res`` of Remove-AzVM may be ``-ResourceGroupName`` or
    ``-ResourceId`` (PowerShell refuses it): not carried over, held as before."""
    effects = _action(_ps("Remove-AzVM -Res rg1 -Name web -Force"), "dev").effects
    assert any(e.effect.value == "unknown" and "-res" in e.detail for e in effects)


_VAULT = (
    "https://management.azure.com/subscriptions/111/resourceGroups/prod-rg/providers/"
    "Microsoft.KeyVault/vaults/prod-kv?api-version=2022-07-01"
)


@pytest.mark.parametrize("line", [f"az rest -mdelete -u {_VAULT}", f"az rest -mDELETE -u{_VAULT}"])
def test_az_rest_reads_a_short_option_with_its_value_attached(line: str) -> None:
    """argparse takes ``-mdelete`` as ``--method delete``: the call deletes the vault (it was
    read as a GET of it, and allowed)."""
    assert {e.effect for e in _action(line, "dev").effects} == {EffectKind.DELETE}


def test_aks_credentials_written_to_an_attached_file() -> None:
    """``-f/etc/passwd`` is ``--file /etc/passwd``: that file is written, not the kubeconfig."""
    names = _names(_action("az aks get-credentials -n c -g rg -f/etc/passwd", "dev"))
    assert "file:/etc/passwd" in names
