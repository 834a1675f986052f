"""Windows drives under WSL: in a WSL session ``/mnt/c/prod/data`` is ``C:\\prod\\data``, so a
protected Windows path holds against the mount's spelling, and the drive's root is the drive
root. Outside WSL ``/mnt/c`` is an ordinary directory."""

from __future__ import annotations

import pytest
from tests.adversarial._windows_drives import drive_decision, drive_policy

from keyturn.policy import Policy

WSL = {"WSL_DISTRO_NAME": "Ubuntu"}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return drive_policy()


def _decision(policy: Policy, command: str, env: dict[str, str]) -> tuple[str, list[str]]:
    return drive_decision(policy, command, env, home="/home/kiro", cwd="/home/kiro")


@pytest.mark.parametrize(
    "command",
    ["rm -rf /mnt/c/prod/data", "rm -rf /mnt/c/Prod/Data/old", "mv /mnt/c/prod/data /tmp/x"],
)
def test_a_protected_windows_path_holds_through_the_mount(policy: Policy, command: str) -> None:
    assert _decision(policy, command, WSL)[0] == "deny"


def test_the_mounted_drive_root_is_the_drive_root(policy: Policy) -> None:
    verdict, rules = _decision(policy, "rm -rf /mnt/c", WSL)
    assert verdict == "deny" and "builtin:catastrophic" in rules


def test_outside_wsl_the_mount_is_an_ordinary_directory(policy: Policy) -> None:
    assert _decision(policy, "rm -rf /mnt/c/prod/data", {})[0] == "allow"  # dev deletes
    assert _decision(policy, "rm -rf /mnt/c/other", WSL)[0] == "allow"
