"""Windows drives in a POSIX shell on Windows: Git Bash and MSYS2 (where Claude Code runs its
commands on Windows) spell ``C:\\prod\\data`` as ``/c/prod/data``, Cygwin as
``/cygdrive/c/prod/data``, and both take ``C:\\prod\\data`` or ``C:/prod/data`` typed as is.
Each was a path of its own (the typed ones even under the working directory), so a policy
protecting ``file:C:/prod/data`` did not hold against them and ``rm -rf /c`` was an ordinary
delete. In such a session (``MSYSTEM`` or ``OS=Windows_NT``) they all name the drive path too;
elsewhere they keep their one name."""

from __future__ import annotations

import pytest
from tests.adversarial._windows_drives import drive_decision, drive_policy

from keyturn.model import Actor, Target
from keyturn.policy import Policy
from keyturn.understand.shell import understand_shell

GIT_BASH = {"MSYSTEM": "MINGW64"}
WINDOWS = {"OS": "Windows_NT"}
WSL = {"WSL_DISTRO_NAME": "Ubuntu"}
HOME = "/c/Users/kiro"


@pytest.fixture(scope="module")
def policy() -> Policy:
    return drive_policy()


def _decision(policy: Policy, command: str, env: dict[str, str]) -> tuple[str, list[str]]:
    return drive_decision(policy, command, env, home=HOME, cwd=f"{HOME}/project")


SPELLINGS = [
    "rm -rf /c/prod/data",
    "rm -rf /C/prod/data",
    "rm -rf /c/PROD/Data",
    "rm -rf /cygdrive/c/prod/data",
    "rm -rf 'C:\\prod\\data'",
    'rm -rf "c:\\prod\\data"',
    "rm -rf C:\\\\prod\\\\data",
    "rm -rf C:/prod/data",
    "rm -rf 'C:\\prod\\old\\..\\data'",
    "rm -rf 'C:\\prod\\data\\2024'",
    "rm -rf /c/prod/data/2024",
    "mv /c/prod/data /tmp/gone",
    "find /c/prod/data -delete",
    "cd /c/prod && rm -rf data",
    "bash -c 'rm -rf /c/prod/data'",
]


@pytest.mark.parametrize("env", [GIT_BASH, WINDOWS], ids=["git-bash", "windows"])
@pytest.mark.parametrize("command", SPELLINGS)
def test_a_protected_windows_path_holds_in_every_spelling(
    policy: Policy, command: str, env: dict[str, str]
) -> None:
    verdict, rules = _decision(policy, command, env)
    assert verdict == "deny", (command, rules)
    assert any(r.startswith("protected[") for r in rules), (command, rules)


@pytest.mark.parametrize("command", ["rm -rf /c", "rm -rf /c/", "rm -rf 'D:\\'", "rm -rf C:/"])
def test_a_drive_root_is_catastrophic(policy: Policy, command: str) -> None:
    verdict, rules = _decision(policy, command, GIT_BASH)
    assert verdict == "deny" and "builtin:catastrophic" in rules, (command, rules)


def test_other_paths_keep_their_decision(policy: Policy) -> None:
    for command in ("rm -rf /c/prod/other", "rm -rf 'C:\\prod\\other'", "rm -rf build"):
        assert _decision(policy, command, GIT_BASH)[0] == "allow", command  # dev deletes


@pytest.mark.parametrize("env", [{}, WSL], ids=["linux", "wsl"])
def test_outside_windows_they_are_ordinary_paths(policy: Policy, env: dict[str, str]) -> None:
    for command in ("rm -rf /c/prod/data", "rm -rf /cygdrive/c/prod/data", "rm -rf C:/prod/data"):
        assert _decision(policy, command, env)[0] == "allow", (command, env)


WINDOWS_CWD = "C:\\prod"  # as Claude Code on Windows gives its working directory


@pytest.mark.parametrize(
    "command", ["rm -rf data", "rm -rf ./data/", "cd .. && rm -rf prod/data", "rm -rf ../prod/data"]
)
def test_a_windows_working_directory_is_read_as_the_shell_reads_it(
    policy: Policy, command: str
) -> None:
    action = understand_shell(
        command, cwd=WINDOWS_CWD, home="C:\\Users\\kiro", target=Target(environment="dev")
    )
    names = {n for e in action.effects for n in e.resource.names}
    assert "file:C:/prod/data" in names, names
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    assert decision.decision.value == "deny", (command, decision.reasons)


def test_a_climb_from_a_windows_working_directory_stays_on_its_drive() -> None:
    action = understand_shell("rm -rf ../x", cwd="C:\\Users\\me\\proj", home="C:\\Users\\me")
    names = {n for e in action.effects for n in e.resource.names}
    assert {"file:/c/Users/me/x", "file:C:/Users/me/x"} <= names, names
    assert not any(n.startswith("file:X:") or n == "file:/x" for n in names), names


def test_the_local_reader_opens_a_mounted_drive_path_where_windows_has_it() -> None:
    """On Windows the hook's file reader must find ``/c/prod/.claude/settings.json`` (the name
    the understanding gives) at ``C:/prod/...``: a probe that found nothing there would let a
    tree operation pass over the hook settings unnamed."""
    from keyturn.localfiles import native_path

    assert native_path("/c/prod/.claude/settings.json", windows=True) == (
        "C:/prod/.claude/settings.json"
    )
    assert native_path("/cygdrive/d/x", windows=True) == "D:/x"
    assert native_path("/c", windows=True) == "C:/"
    assert native_path("/cache/x", windows=True) == "/cache/x"  # not a drive letter
    assert native_path("/c/prod/x", windows=False) == "/c/prod/x"  # elsewhere: itself
