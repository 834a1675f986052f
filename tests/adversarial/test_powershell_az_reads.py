"""Az PowerShell's ``Get-`` cmdlets are reads.

Get is PowerShell's approved verb for retrieving a resource (about_Approved_Verbs: "Specifies an
action that retrieves a resource"); the Az modules follow it (Az.Compute ``Get-AzVM``, Az.KeyVault
``Get-AzKeyVaultSecret``, Az.Resources ``Get-AzResourceGroup``: each reference page describes a
read). An Az ``Get-`` cmdlet outside keyturn's table was the unknown ``az`` form: every read in
an Az script was held for review in development and refused in production, a false alarm on the
commonest cmdlets. It is now read as the ``az … show`` line of its noun, name and group.

Nothing else moves: other verbs keyturn has no entry for (``Set-``, ``Update-``, ``Invoke-``…)
stay unknown, and a read piped into a delete is still the delete (guards, labelled so).
"""

from __future__ import annotations

import pytest
from tests.adversarial.test_windows_fourth_pass import POLICY_TEXT

from keyturn.model import Actor, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY_TEXT)


def _ps(text: str) -> str:
    return "pwsh -c '" + text + "'"


def _effects(text: str, env: str = "dev") -> list[tuple[str, tuple[str, ...]]]:
    action = understand_shell(_ps(text), cwd="/tmp", target=Target(environment=env))
    return [(e.effect.value, e.resource.names) for e in action.effects]


def _decision(text: str, policy: Policy, env: str) -> str:
    action = understand_shell(_ps(text), cwd="/tmp", target=Target(environment=env))
    judged = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    return judged.decision.value


READS = [
    ("Get-AzVM -Name web -ResourceGroupName rg1", "azure:vm/web"),
    ("Get-AzVM -ResourceGroupName rg1", "azure:vm/*"),
    ("Get-AzKeyVaultSecret -VaultName prod-kv -Name s", "azure:keyvaultsecret/s"),
    ("Get-AzResourceGroup -Name prod-rg", "azure:resourcegroup/prod-rg"),
    ("Az.Compute\\Get-AzVM -Name web", "azure:vm/web"),
    ("Get-AzureRmVM -Name web", "azure:vm/web"),
]


@pytest.mark.parametrize(("text", "name"), READS, ids=[r[0] for r in READS])
@pytest.mark.parametrize("env", ["dev", "production"])
def test_an_az_get_cmdlet_is_a_read(text: str, name: str, env: str, policy: Policy) -> None:
    """Held (unknown) before: now one read naming what the cmdlet's noun and name say, and
    allowed wherever reads are."""
    effects = _effects(text, env)
    assert [kind for kind, _ in effects] == ["read"], effects
    assert name in effects[0][1], effects
    assert _decision(text, policy, env) == "allow"


GUARDS = [
    ("Set-AzVM -Name web -ResourceGroupName rg1", "dev", "ask"),
    ("Invoke-AzVMRunCommand -Name web -ResourceGroupName rg1", "dev", "ask"),
    ("Get-AzResourceGroup -Name prod-rg | Remove-AzResourceGroup -Force", "dev", "deny"),
    ("Get-AzVM; Remove-AzResourceGroup -Name prod-rg -Force", "production", "deny"),
]


@pytest.mark.parametrize(("text", "env", "expected"), GUARDS, ids=[g[0] for g in GUARDS])
def test_other_verbs_and_piped_deletes_are_unchanged(
    text: str, env: str, expected: str, policy: Policy
) -> None:
    """False-alarm guards (judged so before the change too): only ``Get-`` became a read."""
    assert _decision(text, policy, env) == expected, _effects(text, env)
