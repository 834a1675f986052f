"""Fourth pass over PowerShell and cmd text: cloud cmdlets and spellings judged looser than their
plain form, under a policy protecting ``C:\\prod\\data``, ``D:\\backups``, the resource group
``prod-rg``, the key vaults ``prod-*`` and the buckets ``acme-terraform-state*``.

PowerShell cannot be installed here (no Debian package reaches Microsoft's repository; the npm
``pwsh`` package downloads its binary at install time), nor can the AWS Tools or Az modules run:
each group rests on the vendor's documentation or PowerShell's own source, cited per group.

1. Parameter values PowerShell computes from constants (about_Parsing, about_Arrays,
   about_Operators): ``-Name ("prod"+"-rg")`` is ``prod-rg``, ``-Name a,b`` is an array of two,
   ``[string]"x"`` a cast of a constant. Read as written they named no real resource (``(prod+
   -rg)``, ``prod-rg,other``, ``[string]prod-rg``), and the delete of a protected group or
   bucket was allowed.
2. Module-qualified cmdlet names (about_Command_Precedence: ``Module\\Cmdlet`` runs that
   module's cmdlet): ``Az.Resources\\Remove-AzResourceGroup`` was an unknown ``az`` form (asked,
   where the plain form is refused).
3. ``Remove-AzResourceLock`` by ``-LockId`` or ``-Scope`` (Az.Resources reference, parameter
   sets ByLockId and BySpecifiedScope): the lock of a protected group, removed by its id, was
   allowed. ``Remove-AzKeyVault -InRemovedState`` (Az.KeyVault reference, ByDeletedVault)
   purges: ``az keyvault purge``.
4. AWS Tools' S3 transfers (AWS Tools cmdlet reference: Read-S3Object's DownloadFile and
   DownloadFolder sets, Write-S3Object's, Copy-S3Object's ``-LocalFile``): the object read or
   written and the local file written or read, named.
5. Spellings PowerShell's tokenizer reads as plain ones (``CharTraits.cs``: ``IsDash`` takes
   U+2013/U+2014/U+2015, ``IsSingleQuote``/``IsDoubleQuote`` the curly quotes; about_Comments
   for ``<# #>``), a group after a cast (``[void](...)`` runs its pipeline: about_Operators),
   and ``Invoke-Expression`` of strings joined with ``+`` or of base64 decoded by
   ``[Text.Encoding]::Unicode.GetString([Convert]::FromBase64String(...))``.
6. Guards (passed before the fix too, labelled so): unknown Az and AWS Tools cmdlets stay
   ``unknown``; the aliases and the call and dot-sourcing operators, ``-EncodedCommand``,
   ``Start-Process -ArgumentList``, backtick escapes and ``cmd``/``powershell`` nesting were
   already refused on a protected path.
"""

from __future__ import annotations

import base64
from typing import NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Actor, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands._powershell_text import plain_text
from keyturn.understand.shell.commands._powershell_values import joined_strings, value_items

ALLOW, ASK, DENY = "allow", "ask", "deny"
_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'
POLICY_TEXT = BRIEF_POLICY.replace(
    _PROTECTED,
    _PROTECTED
    + '  - "file:C:/prod/data"\n  - "file:C:/prod/data/*"\n'
    + '  - "file:D:/backups"\n  - "file:D:/backups/*"\n'
    + '  - "azure:group/prod-rg"\n  - "azure:keyvault/prod-*"\n',
)


def _ps(text: str) -> str:
    return "pwsh -c '" + text + "'"


def _encoded(text: str) -> str:
    return base64.b64encode(text.encode("utf-16-le")).decode()


WIPE_BACKUPS = _encoded("Remove-Item -Recurse D:\\backups")


class Case(NamedTuple):
    id: str
    command: str
    expected: str


# Each was judged looser before the fix (allowed, or asked where the plain form is refused).
CASES = [
    # 1. values PowerShell computes from constants
    Case("az-name-concat", _ps('Remove-AzResourceGroup -Name ("prod"+"-rg") -Force'), DENY),
    Case("az-name-array", _ps("Remove-AzResourceGroup -Name dev-rg,prod-rg -Force"), DENY),
    Case("az-name-cast", _ps('Remove-AzResourceGroup -Name [string]"prod-rg" -Force'), DENY),
    Case("az-name-subexpression-array", _ps('Remove-AzResourceGroup -Name @("prod-rg")'), DENY),
    Case("az-vault-concat", _ps('Remove-AzKeyVault -VaultName ("prod"+"-kv") -Force'), DENY),
    Case(
        "aws-bucket-concat",
        _ps('Remove-S3Bucket -BucketName ("acme-"+"terraform-state") -DeleteBucketContent'),
        DENY,
    ),
    Case(
        "aws-bucket-array",
        _ps("Remove-S3Bucket -BucketName scratch,acme-terraform-state -DeleteBucketContent"),
        DENY,
    ),
    Case("az-name-format", _ps('Remove-AzResourceGroup -Name ("{0}-rg" -f "prod")'), ASK),
    # 2. module-qualified cmdlets
    Case("az-module-qualified", _ps("Az.Resources\\Remove-AzResourceGroup -Name prod-rg"), DENY),
    Case(
        "aws-module-qualified",
        _ps("AWS.Tools.S3\\Remove-S3Bucket -BucketName acme-terraform-state -DeleteBucketContent"),
        DENY,
    ),
    # 3. Az protection
    Case(
        "az-lock-by-id",
        _ps(
            "Remove-AzResourceLock -LockId /subscriptions/s/resourceGroups/prod-rg/providers/"
            "Microsoft.Authorization/locks/nodelete -Force"
        ),
        DENY,
    ),
    # 5. spellings PowerShell reads as the plain ones
    Case("en-dash-parameter", _ps("Remove-AzResourceGroup \u2013Name prod-rg \u2013Force"), DENY),
    Case("en-dash-cmdlet", _ps("Remove\u2013Item \u2013Recurse C:\\prod\\data"), DENY),
    Case("em-dash-cmdlet", _ps("Remove\u2014Item -Recurse D:\\backups"), DENY),
    Case("curly-double-quotes", _ps("Remove-Item \u201cC:\\prod\\data\u201d -Recurse"), DENY),
    Case("curly-single-quotes", _ps("Remove-Item \u2018D:\\backups\u2019 -Recurse"), DENY),
    Case("curly-quoted-name", _ps("Remove-AzResourceGroup -Name \u201cprod-rg\u201d"), DENY),
    Case("typed-curly-quotes", "Remove-Item \u201cC:\\prod\\data\u201d -Recurse", DENY),
    Case("typed-curly-name", "Remove-AzResourceGroup -Name \u201cprod-rg\u201d", DENY),
    Case("block-comment-value", _ps("Remove-AzResourceGroup -Name <# x #> prod-rg -Force"), DENY),
    Case("cast-void-group", _ps("[void](Remove-AzResourceGroup -Name prod-rg -Force)"), DENY),
    Case("cast-void-remove-item", _ps("[void](Remove-Item -Recurse C:\\prod\\data)"), DENY),
    Case("operator-group", _ps('$x = "a" -join(Remove-Item -Recurse C:\\prod\\data)'), DENY),
    Case("iex-concat-name", _ps('iex ("Remove-" + "Item -Recurse C:\\prod\\data")'), DENY),
    Case(
        "iex-concat-cloud",
        _ps('Invoke-Expression -Command ("Remove-AzResource" + "Group -Name prod-rg")'),
        DENY,
    ),
    Case(
        "iex-base64",
        _ps(
            "iex ([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String("
            f'"{WIPE_BACKUPS}")))'
        ),
        DENY,
    ),
]

# Guards: judged so before the fix too.
GUARDS = [
    Case(
        "guard-az-lock-by-scope",
        _ps("Remove-AzResourceLock -LockName l -Scope /subscriptions/s/resourceGroups/prod-rg"),
        DENY,
    ),
    Case(
        "guard-s3-read-onto-run-time-file",
        _ps("Read-S3Object -BucketName b -Key k -File $f"),
        ASK,
    ),
    Case("guard-block-comment-before", _ps("Remove-Item <# x #> -Recurse C:\\prod\\data"), DENY),
    Case("guard-unknown-az-verb", _ps("Remove-AzWidget -Name x"), ASK),
    Case(
        "guard-unknown-az-in-protected-group", _ps("Stop-AzWidget -ResourceGroupName prod-rg"), DENY
    ),
    Case(
        "guard-az-backup-purge",
        _ps("Disable-AzRecoveryServicesBackupProtection -Item $i -RemoveRecoveryPoints -Force"),
        ASK,
    ),
    Case(
        "guard-az-soft-delete-off",
        _ps("Set-AzRecoveryServicesVaultProperty -VaultId $v -SoftDeleteFeatureState Disable"),
        ASK,
    ),
    Case(
        "guard-az-purge-protection-on",
        _ps("Update-AzKeyVault -VaultName prod-kv -ResourceGroupName rg -EnablePurgeProtection"),
        ASK,
    ),
    Case(
        "guard-az-vault-purge-protected",
        _ps("Remove-AzKeyVault -VaultName prod-kv -InRemovedState -Location eastus -Force"),
        DENY,
    ),
    Case("guard-aws-unknown-remove", _ps("Remove-EC2Widget -WidgetId w-1"), ASK),
    Case("guard-aws-unknown-reset", _ps("Reset-RDSWidget -Name x"), ASK),
    Case("guard-aws-unknown-unregister", _ps("Unregister-ECSWidget -Name x"), ASK),
    Case("guard-aws-unknown-prefix", _ps("Remove-XYZThing -Name x"), ASK),
    Case("guard-aws-typed-unlisted", "Remove-EC2Volume -VolumeId vol-1", ASK),
    Case("guard-aws-terminate-switch", _ps("Stop-EC2Instance -InstanceId i-1 -Terminate"), ASK),
    Case("guard-aws-bucket-from-pipeline", _ps('"x" | Remove-S3Bucket -DeleteBucketContent'), ASK),
    Case("guard-method-blank-group", _ps("$x.Trim (Remove-Item -Recurse C:\\prod\\data)"), DENY),
    Case("guard-call-string", _ps('& "Remove-Item" -Recurse C:\\prod\\data'), DENY),
    Case("guard-dot-source-string", _ps('. "Remove-Item" -Recurse D:\\backups'), DENY),
    Case(
        "guard-call-concat",
        _ps('& ("Remove-S3" + "Bucket") -BucketName acme-terraform-state'),
        DENY,
    ),
    Case("guard-encoded", "pwsh -EncodedCommand " + _encoded("ri -r C:\\prod\\data"), DENY),
    Case(
        "guard-encoded-abbrev",
        "powershell.exe -ec " + _encoded("Remove-AzResourceGroup -Name prod-rg"),
        DENY,
    ),
    Case(
        "guard-start-process",
        _ps('Start-Process cmd -ArgumentList "/c rd /s /q D:\\backups"'),
        DENY,
    ),
    Case("guard-backtick-name", _ps("Re`move-Az`ResourceGroup -Name prod-rg"), DENY),
    Case("guard-cmd-in-powershell", _ps('cmd /c "rd /s /q C:\\prod\\data"'), DENY),
    Case(
        "guard-powershell-in-cmd",
        'cmd /c "powershell -c Remove-AzResourceGroup -Name prod-rg"',
        DENY,
    ),
    Case(
        "guard-pshome", _ps('& "$PSHOME\\pwsh.exe" -c "Remove-Item -Recurse C:\\prod\\data"'), DENY
    ),
    *[
        Case(f"guard-alias-{a}", _ps(f"{a} -r C:\\prod\\data"), DENY)
        for a in ("ri", "rm", "del", "erase", "rd", "rmdir")
    ],
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY_TEXT)


def _action(command: str) -> Action:
    return understand_shell(
        command,
        cwd="/home/kiro/project",
        home="/home/kiro",
        target=Target(environment="dev"),
        files=MemoryFiles({}),
    )


def _judged(command: str, policy: Policy) -> str:
    return policy.judge(_action(command), actor=Actor(agent="kiro", operator="bob")).decision.value


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_windows_fourth_pass(case: Case, policy: Policy) -> None:
    """Judged looser before the fix (see the module's docstring for the behaviour each group
    relies on and where it is documented)."""
    effects = [(e.effect.value, e.resource.names) for e in _action(case.command).effects]
    assert _judged(case.command, policy) == case.expected, (case.command, effects)


@pytest.mark.parametrize("case", GUARDS, ids=[c.id for c in GUARDS])
def test_windows_fourth_pass_guards(case: Case, policy: Policy) -> None:
    """False-alarm guards: judged so before the fix too (unknown cloud cmdlets stay unknown,
    the aliases, operators and nestings of PowerShell and cmd stay refused)."""
    effects = [(e.effect.value, e.resource.names) for e in _action(case.command).effects]
    assert _judged(case.command, policy) == case.expected, (case.command, effects)


def _effects(command: str) -> set[tuple[str, str]]:
    return {(e.effect.value, n) for e in _action(command).effects for n in e.resource.names}


def test_remove_azkeyvault_in_removed_state_is_az_keyvault_purge() -> None:
    """Az.KeyVault reference (parameter set ByDeletedVault): ``-InRemovedState`` purges the
    deleted vault, as ``az keyvault purge --name --location`` does: no longer an ``unknown``
    for parameters not carried over."""
    action = _action(_ps("Remove-AzKeyVault -VaultName kv1 -InRemovedState -Location eastus"))
    [purge] = action.effects
    assert purge.effect.value == "delete"
    assert purge.operation == "az keyvault purge"
    assert "azure:keyvault/kv1" in purge.resource.names


def test_a_lock_removed_by_id_unprotects_its_group() -> None:
    """Az.Resources reference: a lock's id is its scope followed by
    ``/providers/Microsoft.Authorization/locks/NAME``; removing it removes the protection of
    the scope (as ``az lock delete -g``)."""
    lock = "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Authorization/locks/l"
    [effect] = _action(_ps(f"Remove-AzResourceLock -LockId {lock} -Force")).effects
    assert effect.removes_protection
    assert effect.resource.names == ("azure:group/rg1",)
    scope = "/subscriptions/s/resourceGroups/rg1/providers/Microsoft.Web/sites/app1"
    [effect] = _action(_ps(f"Remove-AzResourceLock -LockName l -Scope {scope}")).effects
    assert effect.removes_protection
    assert effect.resource.names == ("azure:rg1/app1",)
    [effect] = _action(_ps("Remove-AzResourceLock -LockName l -Scope /subscriptions/s")).effects
    assert effect.resource.names == ("azure:*",)  # a subscription's lock covers everything
    # The reference's first example gives ``-ResourceName`` as the resource's ARM id.
    [effect] = _action(_ps(f"Remove-AzResourceLock -LockName l -ResourceName {scope}")).effects
    assert effect.resource.names == ("azure:rg1/app1",)


def test_s3_transfers_name_the_object_and_the_local_file() -> None:
    """AWS Tools cmdlet reference: ``Read-S3Object -File`` downloads one object to the file,
    ``-KeyPrefix -Folder`` every object under the prefix into the folder; ``Write-S3Object
    -File`` uploads the file (its name the key when ``-Key`` is not given); ``Copy-S3Object
    -LocalFile`` downloads."""
    read = _effects(_ps("Read-S3Object -BucketName b -Key k.txt -File C:\\work\\k.txt"))
    assert read == {
        ("read", "s3://b/k.txt"),
        ("read", "arn:aws:s3:::b/k.txt"),
        ("update", "file:C:/work/k.txt"),
    }
    folder = _effects(_ps("Read-S3Object -BucketName b -KeyPrefix logs/ -Folder C:\\work\\l"))
    assert {("read", "s3://b/logs/*"), ("update", "file:C:/work/l/*")} <= folder
    write = _effects(_ps("Write-S3Object -BucketName b -File C:\\work\\a.zip"))
    assert {("update", "s3://b/a.zip"), ("read", "file:C:/work/a.zip")} <= write
    copy = _effects(_ps("Copy-S3Object -BucketName b -Key k -LocalFile D:\\backups\\k"))
    assert {("read", "s3://b/k"), ("update", "file:D:/backups/k")} <= copy
    assert all(kind != "unknown" for kind, _ in read | folder | write | copy)


def test_a_transfer_parameter_not_carried_over_stays_unknown() -> None:
    action = _action(_ps("Read-S3Object -BucketName b -Key k -File C:\\w\\k -Widget 1"))
    assert any(e.effect.value == "unknown" and "-widget" in e.detail for e in action.effects)


def test_a_cmdlet_piped_a_bucket_is_understood() -> None:
    """``Get-S3Bucket -BucketName x | ...`` failed inside keyturn (a request member the
    operation does not have was looked up): the parameter is now not carried over."""
    action = _action(_ps("Get-S3Bucket -BucketName b | Remove-S3Bucket -Force"))
    assert not any("could not understand" in e.detail for e in action.effects)


@pytest.mark.parametrize(
    ("raw", "items"),
    [
        ("prod-rg", ["prod-rg"]),
        ("a,b", ["a", "b"]),
        ("@(a, b)", ["a", "b"]),
        ("(prod+-rg)", ["prod-rg"]),
        ("prod+rg", ["prod+rg", "prodrg"]),
        ("[string]prod-rg", ["prod-rg"]),
        ('{"Version":"2012-10-17","S":[1,2]}', ['{"Version":"2012-10-17","S":[1,2]}']),
        ("({0}-rg -f prod)", None),
        ("$x", None),
        ("(x.ToLower())", None),
    ],
)
def test_value_items(raw: str, items: list[str] | None) -> None:
    """Unit test of the reader of parameter values (new with this pass; the judgements it
    changes are the cases above)."""
    assert value_items(raw) == items


def test_joined_strings_and_plain_text() -> None:
    """Unit test of the readers of joined strings and of PowerShell's other characters (new
    with this pass): a quoted dash stays, a ``#`` inside a word is no comment."""
    assert joined_strings("\"Remove-\" + 'Item -r C:\\x'") == "Remove-Item -r C:\\x"
    assert joined_strings('"a" + $b') is None
    assert joined_strings('"a$b" + "c"') is None
    assert plain_text("Remove\u2013Item \u201cC:\\x\u201d") == 'Remove-Item "C:\\x"'
    assert plain_text("'a\u2013b' <# c #> x#y") == "'a\u2013b'   x#y"
