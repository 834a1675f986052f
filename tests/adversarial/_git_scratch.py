"""What the tests of git and ``prevent_destroy`` share: the Terraform texts with and without the
block, the address it protects, and ``git`` run in a scratch repository with a fixed identity."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PROTECTED = (
    'resource "aws_db_instance" "main" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n'
)
BARE = 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n}\n'
ADDRESS = "aws_db_instance.main"

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(repo: Path, *args: str, check: bool = True) -> int:
    """Run ``git -C repo ARGS`` as a committer ``t``; its exit status (raises when ``check``
    and it fails)."""
    done = subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=check,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    return done.returncode
