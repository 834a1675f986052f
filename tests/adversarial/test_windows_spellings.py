"""Windows spellings of a delete or a write, judged as their plain form under a policy that
protects ``C:\\prod\\data`` and ``D:\\backups``.

Each case was judged looser before: allowed (a ``>`` in cmd or PowerShell text was not seen,
a provider-qualified path, a ``[a]`` wildcard set, an ``Env:*``), or asked where the plain form
is refused (PowerShell pipelines, script blocks, subexpressions, ``Invoke-Expression`` of a
constant, ``Start-Process``, backtick escapes, abbreviated ``powershell.exe`` parameters,
``cmd /d/c``, moves and renames, constant variables, ``setx``). ``env="dev"`` (deletes allowed)
unless a case says otherwise: only the protected paths, the built-in catastrophic set, keyturn's
own variables (deny) or an unknown effect (ask) hold them.
"""

from __future__ import annotations

import base64
from typing import NamedTuple

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'
POLICY_TEXT = BRIEF_POLICY.replace(
    _PROTECTED,
    _PROTECTED
    + '  - "file:C:/prod/data"\n  - "file:C:/prod/data/*"\n'
    + '  - "file:D:/backups"\n  - "file:D:/backups/*"\n',
)


def _encoded(text: str) -> str:
    return base64.b64encode(text.encode("utf-16-le")).decode()


WIPE_PROD = _encoded("ri -r C:\\prod\\data")
WIPE_BACKUPS = _encoded("ri -r D:\\backups")


class Case(NamedTuple):
    id: str
    command: str
    expected: str
    env: str | None = "dev"


CASES = [
    # 1. redirections inside cmd and PowerShell text write their file
    Case("cmd-redirect-prod", 'cmd /c "echo x > C:\\prod\\data\\a.txt"', ASK, env=None),
    Case("cmd-redirect-glued-prod", 'cmd /c "echo x>C:\\prod\\data\\a.txt"', ASK, env=None),
    Case("ps-redirect-prod", "powershell -c 'echo x > C:\\prod\\data\\a.txt'", ASK, env=None),
    Case("ps-out-file-prod", "powershell -c \"'' | Out-File C:\\prod\\data\\a.txt\"", ASK, None),
    Case("cmd-redirect-to-nul", 'cmd /c "dir C:\\work >nul 2>&1"', ALLOW),
    # 2. paths PowerShell reads as the same file
    Case("ps-provider-path", "powershell -c 'ri -r FileSystem::C:\\prod\\data'", DENY),
    Case(
        "ps-qualified-provider-path",
        "powershell -c 'Remove-Item -Recurse Microsoft.PowerShell.Core\\FileSystem::D:\\backups'",
        DENY,
    ),
    Case("ps-wildcard-set", "powershell -c 'Remove-Item -Recurse C:\\prod\\dat[a]'", DENY),
    Case("ps-path-colon-value", "powershell -c 'Remove-Item -Path:C:\\prod\\data -Recurse'", DENY),
    Case("cmd-short-name", 'cmd /c "rd /s /q C:\\PROGRA~1"', ASK),
    Case("ps-registry-drive", "powershell -c 'Remove-Item -Recurse HKLM:\\Software\\Acme'", ASK),
    # 3. pipelines, blocks, subexpressions and text that PowerShell runs
    Case("ps-gci-pipe-remove", "powershell -c 'Get-ChildItem C:\\prod\\data | Remove-Item'", DENY),
    Case(
        "ps-gci-where-ri", "powershell -c 'gci D:\\backups -Recurse | ? { $_.Length } | ri'", DENY
    ),
    Case("ps-foreach-rm", "powershell -c 'ls C:\\prod\\data | % { rm $_.FullName }'", DENY),
    Case("ps-string-pipe-remove", "powershell -c \"'D:\\backups' | Remove-Item -Recurse\"", DENY),
    Case("ps-call-block", "powershell -c '& { Remove-Item -Recurse C:\\prod\\data }'", DENY),
    Case("ps-if-block", "powershell -c 'if ($true) { ri -r D:\\backups }'", DENY),
    Case("ps-subexpression", "powershell -c 'echo (Remove-Item -Recurse C:\\prod\\data)'", DENY),
    Case("ps-string-subexpr", "powershell -c 'Write-Output \"$(ri -r D:\\backups)\"'", DENY),
    Case("ps-iex-constant", "powershell -c \"iex 'Remove-Item -Recurse C:\\prod\\data'\"", DENY),
    Case("ps-iex-piped", "powershell -c \"'ri -r D:\\backups' | Invoke-Expression\"", DENY),
    Case("ps-iex-run-time", "powershell -c 'iex (Get-Content C:\\work\\x.ps1 -Raw)'", ASK),
    Case(
        "ps-start-process-cmd",
        "powershell -c \"Start-Process cmd -ArgumentList '/c rd /s /q C:\\prod\\data'\"",
        DENY,
    ),
    Case("ps-method-delete", "powershell -c '(Get-Item C:\\work\\x).Delete()'", ASK),
    Case("ps-backtick-name", "powershell -c 'Re`move-Item -Re`curse C:\\prod\\data'", DENY),
    Case("ps-variable", "powershell -c '$p = \"C:\\prod\"; Remove-Item -Recurse $p\\data'", DENY),
    Case("ps-assigned-result", "powershell -c '$r = Remove-Item -Recurse D:\\backups'", DENY),
    Case("ps-quoted-separator", "powershell -c \"echo 'a;b'; ri -r C:\\prod\\data\"", DENY),
    # 4. how powershell.exe and cmd.exe take their own switches
    Case("ps-encoded-prefix", f"powershell -EncodedC {WIPE_PROD}", DENY),
    Case("ps-encoded-en", f"powershell -en {WIPE_BACKUPS}", DENY),
    Case("ps-encoded-slash", f"powershell /EncodedCommand {WIPE_BACKUPS}", DENY),
    Case(
        "ps-exec-bypass",
        'pwsh -NoP -NonI -W Hidden -Exec Bypass -Command "Remove-Item -Recurse C:\\prod\\data"',
        DENY,
    ),
    Case("ps-stdin", "echo 'Remove-Item -Recurse D:\\backups' | powershell -Command -", DENY),
    Case("cmd-stdin", "echo 'rd /s /q C:\\prod\\data' | cmd", DENY),
    Case("cmd-glued-switches", 'cmd /d/c "rd /s /q C:\\prod\\data"', DENY),
    Case("cmd-glued-text", "cmd /crd /s /q D:\\backups", DENY),
    # 5. moves and renames delete their source; a mirror or a move by robocopy too
    Case("ps-move-item", "powershell -c 'Move-Item C:\\prod\\data C:\\tmp\\x'", DENY),
    Case("ps-mv-alias", "powershell -c 'mv -Path D:\\backups -Destination E:\\old'", DENY),
    Case("ps-rename-item", "Rename-Item -Path C:\\prod\\data -NewName old", DENY),
    Case("cmd-move", 'cmd /c "move C:\\prod\\data C:\\tmp\\x"', DENY),
    Case("cmd-ren", 'cmd /c "ren D:\\backups old"', DENY),
    Case("robocopy-move", "robocopy D:\\backups E:\\old /MOVE", DENY),
    Case("robocopy-mirror", "robocopy C:\\empty D:\\backups /MIR", DENY),
    # 6. keyturn's own variables, the Windows ways
    Case("setx", 'setx KEYTURN_POLICY ""', DENY),
    Case("cmd-setx", 'cmd /c "setx KEYTURN_POLICY x"', DENY),
    Case(
        "dotnet-set-variable",
        "powershell -c \"[Environment]::SetEnvironmentVariable('KEYTURN_POLICY', $null)\"",
        DENY,
    ),
    Case("env-drive-wildcard", "powershell -c 'Remove-Item Env:*'", DENY),
    Case("env-drive-slash", "powershell -c 'Remove-Item Env:/KEYTURN_POLICY'", DENY),
    Case("encoded-env", f"powershell -enc {_encoded(chr(36) + 'env:KEYTURN_POLICY = 1')}", DENY),
    # the plain forms beside them, and ordinary work that stays allowed in dev
    Case("plain-remove-item", "Remove-Item -Recurse -Force C:\\prod\\data", DENY),
    Case("plain-rd", 'cmd /c rd /s /q "D:\\backups"', DENY),
    Case(
        "dev-remove", "powershell -c 'Get-ChildItem C:\\work\\build | Remove-Item -Recurse'", ALLOW
    ),
    Case(
        "dev-read-pipeline",
        "powershell -c 'gci C:\\work | Sort-Object Name | Select -First 1'",
        ALLOW,
    ),
    Case("dev-value-method", "powershell -c '(Get-Date).ToString(\"yyyy\")'", ALLOW),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY_TEXT)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_windows_spelling(case: Case, policy: Policy) -> None:
    action = understand_shell(
        case.command,
        cwd="/home/kiro/project",
        home="/home/kiro",
        target=Target(environment=case.env),
        files=MemoryFiles({}),
    )
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    effects = [(e.effect.value, e.resource.names) for e in action.effects]
    assert decision.decision.value == case.expected, (case.command, effects)


def test_pipeline_delete_names_what_the_listing_gives() -> None:
    action = understand_shell("powershell -c 'gci C:\\prod\\data | ri'")
    deleted = {n for e in action.effects if e.effect.value == "delete" for n in e.resource.names}
    assert deleted == {"file:C:/prod/data/*"}
