"""Third pass over cmd.exe and PowerShell: commands keyturn judged ``unknown`` (asked, even on a
protected resource the plain form of which is refused) or judged by the wrong value.

PowerShell cannot be installed here (no Debian package reaches Microsoft's repository; the npm
``pwsh`` package downloads its binary from GitHub at install time), nor can the AWS Tools, Az
modules or Windows' own programs run: each group rests on the vendor's documentation, cited per
group.

1. Cloud cmdlets. AWS Tools for PowerShell user guide ("Cmdlet discovery and aliases": "in most
   cases, a one-to-one correspondence between an AWS service API and an AWS PowerShell cmdlet",
   the noun prefix per service; "Credential and profile resolution": ``-ProfileName``, then
   ``Set-AWSCredential``, then ``AWS_PROFILE``), its cmdlet reference (``Remove-S3Bucket
   -DeleteBucketContent`` deletes the objects first); Az PowerShell reference
   (``Remove-AzResourceGroup -Name``, ``Remove-AzResourceLock -LockName -ResourceGroupName``,
   ``Set-AzContext -Subscription``). Each cmdlet is judged as the ``aws``/``az`` line making the
   same call, which keyturn refuses on a protected resource.
2. Aliases (about_Aliases, Set-Alias/New-Alias references, about_Command_Precedence: an alias
   is found before functions, cmdlets and programs): ``Set-Alias x Remove-Item; x -r ...``.
3. Text run as PowerShell (ScriptBlock.Create, CommandInvocationIntrinsics.InvokeScript,
   PowerShell.AddScript references; about_Script_Blocks for ``{ ... }.Invoke()``); a block runs
   in the scope of the text around it (about_Scopes), so its constants hold inside.
4. .NET file APIs (System.IO.File and System.IO.Directory references: ``Directory.Delete(path,
   recursive)``; the Scripting.FileSystemObject ``DeleteFolder`` method).
5. Windows programs (their command-line references on learn.microsoft.com: reg, vssadmin,
   wmic, wbadmin, bcdedit, cipher, takeown, icacls, forfiles, schtasks, sc; Stop-Computer).
6. cmd's variables (``set /?``): ``%X%`` is expanded when the line is read, before its ``set``
   runs; ``call`` expands again when the statement runs; ``!X!`` (delayed expansion) when it
   runs; a later line sees the new value. The environment the text sets reaches the programs it
   runs (``set AWS_PROFILE=prod`` / ``$env:AWS_PROFILE = 'prod'`` before ``aws ...``).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Actor, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'
POLICY_TEXT = BRIEF_POLICY.replace(
    _PROTECTED,
    _PROTECTED
    + '  - "file:C:/prod/data"\n  - "file:C:/prod/data/*"\n'
    + '  - "file:D:/backups"\n  - "file:D:/backups/*"\n'
    + '  - "azure:group/prod-rg"\n  - "azure:keyvault/prod-*"\n'
    + '  - "host:local/shadow-copies"\n  - "host:local/backups"\n',
)


class Case(NamedTuple):
    id: str
    command: str
    expected: str


def _ps(text: str) -> str:
    return "pwsh -c '" + text + "'"


CASES = [
    # 1. cloud cmdlets judged as the aws/az call they make
    Case(
        "aws-s3-bucket",
        _ps("Remove-S3Bucket -BucketName acme-terraform-state -DeleteBucketContent -Force"),
        DENY,
    ),
    Case(
        "aws-s3-object", _ps("Remove-S3Object -BucketName acme-terraform-state -Key x -Force"), DENY
    ),
    Case(
        "aws-rds",
        _ps("Remove-RDSDBInstance -DBInstanceIdentifier prod-db -SkipFinalSnapshot $true -Force"),
        DENY,
    ),
    Case("aws-rds-positional", _ps("Remove-RDSDBInstance prod-db -Force"), DENY),
    Case("aws-rds-lower-case", _ps("remove-rdsdbinstance -dbinstanceidentifier prod-db"), DENY),
    Case(
        "aws-rds-unprotect",
        _ps("Edit-RDSDBInstance -DBInstanceIdentifier prod-db -DeletionProtection $false"),
        DENY,
    ),
    Case("aws-iam-service", _ps("Remove-IAMRole -RoleName ops -Force"), DENY),
    Case("aws-iam-unknown-cmdlet", _ps("Remove-IAMWidget -Name ops"), DENY),
    Case("aws-typed", "Remove-RDSDBInstance -DBInstanceIdentifier prod-db -Force", DENY),
    Case("aws-dev-table", _ps("Remove-DDBTable -TableName scratch -Force"), ALLOW),
    Case("aws-dev-read", _ps("Get-EC2Instance"), ALLOW),
    Case("az-group", _ps("Remove-AzResourceGroup -Name prod-rg -Force"), DENY),
    Case(
        "az-lock", _ps("Remove-AzResourceLock -LockName l -ResourceGroupName prod-rg -Force"), DENY
    ),
    Case("az-keyvault", _ps("Remove-AzKeyVault -VaultName prod-kv -Force"), DENY),
    Case("az-azurerm", _ps("Remove-AzureRmResourceGroup -Name prod-rg -Force"), DENY),
    Case("az-typed", "Remove-AzResourceGroup -Name prod-rg -Force", DENY),
    Case("az-dev-vm", _ps("Remove-AzVM -ResourceGroupName rg -Name vm1 -Force"), ALLOW),
    # 2. aliases the text makes
    Case("alias-set", _ps("Set-Alias x Remove-Item; x -r C:\\prod\\data"), DENY),
    Case("alias-new-named", _ps("New-Alias -Name x -Value Remove-Item; x -r D:\\backups"), DENY),
    Case(
        "alias-shadows-cmdlet",
        _ps("Set-Alias Get-ChildItem Remove-Item; Get-ChildItem -Recurse C:\\prod\\data"),
        DENY,
    ),
    Case("alias-in-block", _ps("if (1) { sal x ri }; x -r C:\\prod\\data"), DENY),
    Case("alias-in-scope", _ps("sal x ri; if (1) { x -r D:\\backups }"), DENY),
    Case("alias-dev-read", _ps("Set-Alias ll Get-ChildItem; ll C:\\work"), ALLOW),
    # 3. text run as PowerShell; constants inside blocks
    Case("sb-create", _ps('[scriptblock]::Create("ri -r C:\\prod\\data").Invoke()'), DENY),
    Case(
        "sb-invoke-script",
        _ps('$ExecutionContext.InvokeCommand.InvokeScript("Remove-Item -Recurse D:\\backups")'),
        DENY,
    ),
    Case(
        "sb-add-script",
        _ps('[powershell]::Create().AddScript("ri -r C:\\prod\\data").Invoke()'),
        DENY,
    ),
    Case("sb-dev-literal-invoke", _ps("{ Get-ChildItem C:\\work }.Invoke()"), ALLOW),
    Case("sb-dev-create-read", _ps('[ScriptBlock]::Create("gci C:\\work")'), ALLOW),
    Case("block-constant", _ps('$d = "C:\\prod\\data"; if (1) { ri -r $d }'), DENY),
    # 4. .NET file APIs
    Case("net-directory-delete", _ps('[IO.Directory]::Delete("C:\\prod\\data", $true)'), DENY),
    Case("net-file-delete", _ps('[System.IO.File]::Delete("D:\\backups\\db.bak")'), DENY),
    Case("net-variable", _ps('$p = "C:\\prod\\data"; [IO.Directory]::Delete($p, $true)'), DENY),
    Case(
        "net-fso",
        _ps('(New-Object -ComObject Scripting.FileSystemObject).DeleteFolder("C:\\prod\\data")'),
        DENY,
    ),
    Case("net-move", _ps('[IO.File]::Move("D:\\backups\\db.bak", "C:\\work\\db.bak")'), DENY),
    Case("net-drive-root", _ps('[IO.Directory]::Delete("C:\\", $true)'), DENY),
    Case("net-dev-write", _ps('[IO.File]::WriteAllText("C:\\work\\a.txt", "x")'), ALLOW),
    # 5. Windows programs
    Case("vssadmin", 'cmd /c "vssadmin delete shadows /all /quiet"', DENY),
    Case("vssadmin-typed", "vssadmin delete shadows /all /quiet", DENY),
    Case("wmic-shadows", 'cmd /c "wmic shadowcopy delete"', DENY),
    Case("wbadmin", _ps("wbadmin delete catalog -quiet"), DENY),
    Case("reg-keyturn-variable", 'cmd /c "reg add HKCU\\Environment /v KEYTURN_POLICY /f"', DENY),
    Case("forfiles", _ps('forfiles /p D:\\backups /c "cmd /c rd /s /q @path"'), DENY),
    Case("dev-reg-query", 'cmd /c "reg query HKLM\\Software\\X"', ALLOW),
    Case("dev-bcdedit-enum", 'cmd /c "bcdedit /enum"', ALLOW),
    Case("dev-icacls-show", 'cmd /c "icacls C:\\work"', ALLOW),
    Case("dev-schtasks-query", 'cmd /c "schtasks /query"', ALLOW),
    Case("dev-sc-query", 'cmd /c "sc query"', ALLOW),
    # 6. cmd's variables
    Case("cmd-call-new-value", 'cmd /c "set X=C:\\prod\\data& call rd /s /q %X%"', DENY),
    Case("cmd-delayed-new-value", 'cmd /v:on /c "set X=D:\\backups& rd /s /q !X!"', DENY),
    Case("cmd-later-line", 'cmd /c "set X=C:\\prod\\data\nrd /s /q %X%"', DENY),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY_TEXT)


def _action(
    command: str, *, env: str | None = "dev", variables: dict[str, str] | None = None
) -> Action:
    return understand_shell(
        command,
        cwd="/home/kiro/project",
        home="/home/kiro",
        env=variables,
        target=Target(environment=env),
        files=MemoryFiles({}),
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_windows_third_pass(case: Case, policy: Policy) -> None:
    action = _action(case.command)
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    effects = [(e.effect.value, e.resource.names) for e in action.effects]
    assert decision.decision.value == case.expected, (case.command, effects)


def _named(command: str, kind: str, **given: object) -> set[str]:
    action = _action(command, **given)  # type: ignore[arg-type]
    return {n for e in action.effects if e.effect.value == kind for n in e.resource.names}


def test_aws_profile_and_region_follow_the_text() -> None:
    """``-ProfileName``/``-Region``, and ``Set-AWSCredential`` before, are the CLI's
    ``--profile``/``--region``: the call lands in the profile's account."""
    for command in (
        _ps("Remove-EC2Instance -InstanceId i-1 -ProfileName prod -Region eu-west-1 -Force"),
        _ps(
            "Set-AWSCredential -ProfileName prod; Set-DefaultAWSRegion eu-west-1; "
            "Remove-EC2Instance i-1 -Force"
        ),
    ):
        action = _action(command, env=None)
        [delete] = [e for e in action.effects if e.effect.value == "delete"]
        assert delete.resource.names == ("arn:aws:ec2:eu-west-1:*:instance/i-1",), command
        assert delete.target.aws_profile == "prod", command


def test_a_session_set_in_a_block_is_decided_at_run_time(policy: Policy) -> None:
    """A guard (asked before the fix too): the profile a block may set is not the caller's."""
    command = _ps("if ($x) { Set-AWSCredential -ProfileName prod }; Remove-EC2Instance i-1")
    action = _action(command, env=None, variables={"AWS_PROFILE": "dev"})
    assert all(e.target.aws_profile != "dev" for e in action.effects if e.service == "ec2")
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision.value == ASK


def test_az_subscription_follows_set_azcontext() -> None:
    named = _named(
        _ps("Set-AzContext -Subscription prod-sub; Remove-AzVM -ResourceGroupName rg -Name vm1"),
        "delete",
    )
    assert any("subscriptions/prod-sub" in n for n in named), named


def test_environment_set_in_the_text_reaches_the_programs_it_runs(policy: Policy) -> None:
    """With ``AWS_PROFILE=dev`` in the caller's environment, the text's ``prod`` is the one the
    ``aws`` it runs uses."""
    for command in (
        _ps('$env:AWS_PROFILE = "prod"; aws ec2 terminate-instances --instance-ids i-1'),
        'cmd /c "set AWS_PROFILE=prod& aws ec2 terminate-instances --instance-ids i-1"',
    ):
        action = _action(command, env=None, variables={"AWS_PROFILE": "dev"})
        profiles = {e.target.aws_profile for e in action.effects if e.service == "ec2"}
        assert profiles == {"prod"}, command
        decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
        assert decision.decision.value == ASK, command


def test_untranslated_parameters_stay_unknown() -> None:
    """A parameter that is no member of the call's request is not dropped silently."""
    action = _action(_ps("Remove-LMFunction -FunctionName f -Widget 3 -Force"))
    assert any(e.effect.value == "unknown" and "-widget" in e.detail for e in action.effects)


def test_a_file_delete_is_no_tree_and_a_folder_delete_is() -> None:
    assert _named(_ps('[IO.File]::Delete("C:\\work\\a.txt")'), "delete") == {"file:C:/work/a.txt"}
    assert _named(_ps('[IO.Directory]::Delete("C:\\work\\x")'), "delete") == {"file:C:/work/x"}
    assert _named(_ps('[IO.Directory]::Delete("C:\\work\\x", $true)'), "delete") == {
        "file:C:/work/x",
        "file:C:/work/x/*",
    }


def test_a_drive_root_deleted_through_dotnet_is_catastrophic() -> None:
    action = _action(_ps('[IO.Directory]::Delete("C:\\", $true)'))
    assert any(e.catastrophic for e in action.effects)


def test_registry_keys_are_named() -> None:
    assert _named('cmd /c "reg delete HKEY_LOCAL_MACHINE\\Software\\X /f"', "delete") == {
        "registry:HKLM/Software/X",
        "registry:HKLM/Software/X/*",
    }
    run_key = 'cmd /c "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v x /f"'
    assert {e.effect.value for e in _action(run_key).effects} == {"unknown"}


@pytest.mark.parametrize(
    ("command", "kind", "name"),
    [
        ('cmd /c "bcdedit /set {default} recoveryenabled No"', "update", "host:local/boot"),
        ('cmd /c "takeown /f C:\\prod\\data /r"', "update", "file:C:/prod/data/*"),
        ('cmd /c "icacls C:\\prod\\data /grant Everyone:F /t"', "update", "file:C:/prod/data/*"),
        ('cmd /c "cipher /w:C:"', "update", "host:local/free-space/C:"),
        ('cmd /c "sc delete web"', "delete", "service:web"),
        (_ps("sc.exe delete web"), "delete", "service:web"),
        ('cmd /c "schtasks /delete /tn nightly /f"', "delete", "task:nightly"),
        (_ps("Stop-Computer -Force"), "update", "host:local"),
        (_ps("Restart-Computer -ComputerName web1"), "update", "host:web1"),
    ],
)
def test_windows_programs_name_what_they_change(command: str, kind: str, name: str) -> None:
    assert name in _named(command, kind), command


@pytest.mark.parametrize(
    "command",
    [
        'cmd /c "schtasks /create /tn x /tr notepad.exe /sc daily"',
        'cmd /c "sc config web binPath= C:\\x.exe"',
        'cmd /c "reg import C:\\x.reg"',
    ],
)
def test_what_runs_later_is_unknown(command: str) -> None:
    """A guard (unknown before the fix too): what installs a command for later is not judged
    as the install's own meaning (a task, a service, keys of a file)."""
    assert {e.effect.value for e in _action(command).effects} == {"unknown"}, command


def test_plain_percent_takes_the_value_from_before_the_line() -> None:
    """``set TEMP=C:\\work& rd /s /q %TEMP%`` removes the user's temp folder, not C:\\work."""
    assert _named('cmd /c "set TEMP=C:\\work& rd /s /q %TEMP%"', "delete") == {
        "file:C:/Users/%USERNAME%/AppData/Local/Temp",
        "file:C:/Users/%USERNAME%/AppData/Local/Temp/*",
    }
