"""What the tests of git and ``prevent_destroy`` share: the Terraform texts with and without the
block, the address it protects, and ``git`` run in a scratch repository with a fixed identity."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.adversarial.conftest import HOME

from keyturn.localfiles import LocalFiles
from keyturn.model import Action
from keyturn.understand.shell import understand_shell

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


def protected_repo(tmp_path: Path, *, side: str) -> Path:
    """A repository whose ``infra/main.tf`` protects :data:`ADDRESS` at ``main``'s HEAD
    (checked out); ``v1`` and ``old`` hold it bare; the branch ``side`` is a child of ``main``:
    ``same`` differs only in ``README.md``, ``unprot`` takes the block out."""
    repo = tmp_path / "repo"
    (repo / "infra").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "infra" / "main.tf").write_text(BARE)
    (repo / "README.md").write_text("one\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "bare")
    git(repo, "tag", "v1")
    git(repo, "branch", "old")
    (repo / "infra" / "main.tf").write_text(PROTECTED)
    git(repo, "commit", "-qam", "protect")
    git(repo, "checkout", "-qb", side)
    if side == "same":
        (repo / "README.md").write_text("two\n")
    elif side == "unprot":
        (repo / "infra" / "main.tf").write_text(BARE)
    else:
        raise ValueError(f"no such side branch: {side}")
    git(repo, "commit", "-qam", side)
    git(repo, "checkout", "-q", "main")
    return repo


def shell_action(command: str, repo: Path) -> Action:
    """``command`` understood in ``repo``, reading the disk (git's objects too)."""
    return understand_shell(command, cwd=str(repo), home=HOME, files=LocalFiles())


def drops_protection(action: Action) -> bool:
    """Whether ``action`` names :data:`ADDRESS` as losing its protection."""
    return any(e.removes_protection and ADDRESS in e.resource.names for e in action.effects)
