"""Second pass over cmd.exe and PowerShell: spellings of a delete of ``C:\\prod\\data`` (protected,
with ``D:\\backups``) that came out looser than the plain ``Remove-Item -Recurse C:\\prod\\data``
(deny) -- allowed, or asked where the plain form is refused.

PowerShell 7 could not be installed here (no Debian package reaches Microsoft's repository; the
npm ``pwsh`` package downloads the binary from GitHub at install time, which is not reachable),
so each group rests on Microsoft's documentation of the language, cited per group:

1. Variables (about_Variables, about_Assignment_Operators, about_Scopes, about_If,
   about_CommonParameters): ``$d += 'x'``, ``${d} = ...``, ``$script:d = ...``, an assignment
   inside an ``if``/``foreach`` block (which runs in the caller's scope), a multiple assignment
   ``$d, $e = ...``, ``-OutVariable d`` and ``Set-Variable d`` all change ``$d``: keyturn kept the
   first constant it saw and named the wrong folder. Now only a variable the text writes by
   plain top-level assignments is put in; the others are decided at run time.
2. Environment variables (about_Environment_Variables; cmd ``set /?``): ``$env:TEMP = 'C:\\x'``
   or ``set TEMP=C:\\x`` changes what ``$env:TEMP``/``%TEMP%`` hold after it, so the default
   location no longer holds; cmd's ``!NAME!`` (delayed expansion, ``cmd /v:on``) is read when
   the statement runs.
3. Splatting (about_Splatting): ``Remove-Item @p`` passes the parameters of the hashtable
   ``$p``; keyturn read ``@p`` as a relative path.
4. The call operator (about_Operators, "Call operator &"): ``& ('Remove'+'-Item') ...`` and
   ``& (Get-Command ri) ...`` run the command the expression gives; keyturn judged only the
   group (a read).
5. Invoke-Expression (its cmdlet reference): ``-Command`` takes its value after a colon too
   (``iex -Command:'...'``); keyturn dropped the whole word.
6. Paths (learn.microsoft.com "File path formats on Windows systems", "Path normalization":
   trailing periods of a segment, and the last segment's trailing periods and blanks, are
   removed; ``\\\\?\\UNC\\server\\share`` is ``\\\\server\\share``; loopback names any 127.x
   address and ``::1``; ``\\\\?\\GLOBALROOT\\Device\\...`` and ``\\\\?\\Volume{GUID}`` are
   volumes the path alone does not tell).
7. ``Start-Process`` (its cmdlet reference): ``-ArgumentList`` takes a quoted string that may
   start with ``-`` and an array ``@(...)``; the stop-parsing token ``--%`` (about_Parsing)
   passes the rest to a native program as written.
"""

from __future__ import annotations

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


class Case(NamedTuple):
    id: str
    command: str
    expected: str


def _ps(text: str) -> str:
    return "powershell -c '" + text + "'"


CASES = [
    # 1. variables changed other than by a plain top-level assignment
    Case("ps-var-append", _ps('$d = "C:\\work"; $d += "\\..\\prod\\data"; ri -r $d'), ASK),
    Case("ps-var-in-if", _ps('$d = "C:\\work"; if (1) { $d = "C:\\prod\\data" }; ri -r $d'), ASK),
    Case(
        "ps-var-in-foreach",
        _ps('$d = "C:\\work"; foreach ($x in 1) { $d = "C:\\prod\\data" }; ri -r $d'),
        ASK,
    ),
    Case("ps-var-braced", _ps('$d = "C:\\work"; ${d} = "C:\\prod\\data"; ri -r $d'), DENY),
    Case("ps-var-scoped", _ps('$d = "C:\\work"; $script:d = "C:\\prod\\data"; ri -r $d'), ASK),
    Case("ps-var-multiple", _ps('$d = "C:\\work"; $d, $e = "C:\\prod\\data", 1; ri -r $d'), ASK),
    Case("ps-var-outvariable", _ps('$d = "C:\\work"; gi C:\\prod\\data -ov d; ri -r $d'), ASK),
    Case("ps-var-ref", _ps('$d = "C:\\work"; [ref]$r = [ref]$d; ri -r $d'), ASK),
    # 2. environment variables the text sets; cmd's delayed expansion
    Case("ps-env-set", _ps('$env:TEMP = "C:\\prod\\data"; Remove-Item -r $env:TEMP'), DENY),
    Case("cmd-set-call", 'cmd /c "set TEMP=C:\\prod\\data&& call rd /s /q %TEMP%"', DENY),
    Case("cmd-delayed", 'cmd /v:on /c "set X=C:\\prod\\data& rd /s /q !X!"', DENY),
    # 3. splatting
    Case(
        "ps-splat-table", _ps('$p = @{Path="C:\\prod\\data"; Recurse=$true}; Remove-Item @p'), DENY
    ),
    Case("ps-splat-unknown", _ps("Remove-Item @p"), ASK),
    Case(
        "ps-splat-changed",
        _ps('$p = @{Path="C:\\work"}; $p.Path = "C:\\prod\\data"; Remove-Item -r @p'),
        ASK,
    ),
    Case("ps-splat-scalar", _ps('$a = "D:\\backups"; Remove-Item -r @a'), DENY),
    # 4. the call operator with a computed name
    Case("ps-call-concat", "powershell -c \"& ('Remove'+'-Item') -Recurse C:\\prod\\data\"", DENY),
    Case("ps-call-glued", "powershell -c \"&('Remove'+'-Item') -Recurse D:\\backups\"", DENY),
    Case("ps-call-gcm", _ps("& (gcm Remove-Item) -r C:\\prod\\data"), DENY),
    Case("ps-call-get-command", _ps("& (Get-Command ri) -r D:\\backups"), DENY),
    Case("ps-call-wildcard", _ps("& (gcm *ove-ite*) -r C:\\prod\\data"), ASK),
    # 5. Invoke-Expression's -Command with its value after a colon
    Case("ps-iex-colon", "powershell -c \"iex -Command:'ri -r C:\\prod\\data'\"", DENY),
    Case("ps-iex-prefix", "powershell -c \"iex -C 'ri -r D:\\backups'\"", DENY),
    # 6. paths Windows opens as the protected folder, or that name a volume at run time
    Case("cmd-trailing-dot", 'cmd /c "rd /s /q C:\\prod\\data."', DENY),
    Case("ps-segment-dot", _ps("Remove-Item -Recurse C:\\prod.\\data"), DENY),
    Case("ps-trailing-dots", _ps("Remove-Item -Recurse D:\\backups..."), DENY),
    Case(
        "ps-unc-device-share",
        _ps("Remove-Item -Recurse \\\\?\\UNC\\localhost\\C$\\prod\\data"),
        DENY,
    ),
    Case("ps-loopback-short", _ps("Remove-Item -Recurse \\\\127.1\\C$\\prod\\data"), DENY),
    Case("ps-loopback-v6", _ps("Remove-Item -Recurse \\\\::1\\D$\\backups"), DENY),
    Case("cmd-computername-share", 'cmd /c "rd /s /q \\\\%COMPUTERNAME%\\C$\\prod\\data"', DENY),
    Case(
        "ps-globalroot",
        _ps("Remove-Item -Recurse \\\\?\\GLOBALROOT\\Device\\HarddiskVolume3\\prod\\data"),
        ASK,
    ),
    Case("ps-volume-guid", _ps("Remove-Item -Recurse \\\\?\\Volume{1b3b1146-4076}\\prod"), ASK),
    # 7. Start-Process arguments, the stop-parsing token
    Case(
        "ps-saps-dash-value", "powershell -c \"Start-Process pwsh '-c ri -r C:\\prod\\data'\"", DENY
    ),
    Case(
        "ps-saps-array",
        "powershell -c \"Start-Process cmd -ArgumentList @('/c','rd','/s','/q','D:\\backups')\"",
        DENY,
    ),
    Case("ps-stop-parsing", _ps("cmd --% /c rd /s /q C:\\prod\\data"), DENY),
    Case("ps-splat-changed-dev", _ps('$p = @{Path="C:\\work"}; $p.Recurse = $true; ri @p'), ASK),
]

# Guards, judged the same before the fixes and after: what the fixes must not lose (a plain
# reassignment is still followed) nor make a false alarm of (ordinary work in dev).
GUARDS = [
    Case("ps-var-reassigned", _ps('$d = "C:\\work"; $d = "C:\\prod\\data"; ri -r $d'), DENY),
    Case("dev-splat", _ps('$p = @{ Path = "C:\\work\\x" }; Remove-Item @p'), ALLOW),
    Case("dev-counter", _ps("$x = 1; $x++; echo $x"), ALLOW),
    Case("dev-outvariable-read", _ps("gci C:\\work -ov files | Out-Null; echo done"), ALLOW),
    Case("dev-remote-share", 'cmd /c "rd /s /q \\\\buildbox\\scratch\\old"', ALLOW),
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(POLICY_TEXT)


def _action(command: str):  # type: ignore[no-untyped-def]
    return understand_shell(
        command,
        cwd="/home/kiro/project",
        home="/home/kiro",
        target=Target(environment="dev"),
        files=MemoryFiles({}),
    )


@pytest.mark.parametrize("case", CASES + GUARDS, ids=[c.id for c in CASES + GUARDS])
def test_windows_second_pass(case: Case, policy: Policy) -> None:
    action = _action(case.command)
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    effects = [(e.effect.value, e.resource.names) for e in action.effects]
    assert decision.decision.value == case.expected, (case.command, effects)


def _deleted(command: str) -> set[str]:
    action = _action(command)
    return {n for e in action.effects if e.effect.value == "delete" for n in e.resource.names}


def test_a_splatted_table_names_its_path_not_the_splat() -> None:
    deleted = _deleted(_ps('$p = @{Path="C:\\work\\x"; Recurse=$true}; Remove-Item @p'))
    assert deleted == {"file:C:/work/x", "file:C:/work/x/*"}


def test_common_parameter_values_are_no_paths() -> None:
    deleted = _deleted(_ps("Remove-Item C:\\work\\x -ErrorAction SilentlyContinue -ea 0"))
    assert deleted == {"file:C:/work/x"}


def test_the_admin_share_of_this_machine_is_the_windows_folder() -> None:
    deleted = _deleted(_ps("Remove-Item -Recurse \\\\localhost\\admin$\\Temp"))
    assert deleted == {"file:C:/Windows/Temp", "file:C:/Windows/Temp/*"}
