"""Windows drive paths compare without case, as Windows compares them: a protected
``C:\\prod\\data`` holds against ``c:\\PROD\\Data``, whichever case the policy wrote it in. POSIX
paths keep their case (``/srv/Data`` is another directory than ``/srv/data``)."""

from __future__ import annotations

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Target
from keyturn.policy import load_policy
from keyturn.understand.shell import understand_shell

_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'


def _policy(*patterns: str, deny: str = ""):  # type: ignore[no-untyped-def]
    added = "".join(f'  - "{p}"\n' for p in patterns)
    text = BRIEF_POLICY.replace(_PROTECTED, _PROTECTED + added)
    if deny:
        text = text.replace(
            '      - command: "git push --force*"\n',
            f'      - command: "git push --force*"\n      - resource: "{deny}"\n',
        )
    return load_policy(text)


def _decision(policy, command: str) -> str:  # type: ignore[no-untyped-def]
    action = understand_shell(
        command, cwd="C:/work", home="C:/Users/kiro", env={}, target=Target(environment="dev")
    )
    return str(policy.judge(action, actor=Actor(agent="kiro", operator="bob")).decision.value)


@pytest.mark.parametrize(
    "command",
    [
        "powershell -c 'Remove-Item -Recurse c:\\PROD\\Data'",
        "cmd /c rd /s /q C:\\Prod\\DATA",
        "powershell -c 'ri -r C:\\PROD\\DATA\\*'",
    ],
)
@pytest.mark.parametrize("written", ["file:C:/prod/data", "file:c:/PROD/data"])
def test_a_protected_windows_path_holds_in_any_case(written: str, command: str) -> None:
    policy = _policy(written, written + "/*")
    assert _decision(policy, command) == "deny"


def test_a_deny_rule_on_a_windows_path_holds_in_any_case() -> None:
    policy = _policy(deny="file:C:/prod/*")
    assert _decision(policy, "powershell -c 'Remove-Item c:\\PROD\\x.txt'") == "deny"


def test_protected_posix_paths_compare_without_case_too() -> None:
    policy = _policy("file:/srv/data", "file:/srv/data/*")
    action = understand_shell(
        "rm -rf /srv/Data", cwd="/srv", home="/root", env={}, target=Target(environment="dev")
    )
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob")).decision.value
    # Another directory on Linux, the protected one on macOS's default file system: protected
    # file names compare without case everywhere (stricter on Linux, on purpose).
    assert decision == "deny"
