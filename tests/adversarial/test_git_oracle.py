"""git itself says which work-tree files a command line changes; keyturn must name each of
them, or hold the line as unknown.

Each case runs in a scratch repository (two branches, local changes, an untracked and an
ignored file) and every file it creates, changes or removes outside ``.git`` is looked for
among the names of keyturn's effects that are not reads. This found pathspec magic read as a
file name -- ``git restore --source=old -- ':!x'`` rewrites every file but ``x``, judged as a
change of a file named ``:!x``; ``:/`` and ``:(top)`` start at the work tree's top, ``:(glob)``
and ``:(exclude)`` -- a folder pathspec named without what is under it (``git restore -s main
src``), and ``git worktree add PATH`` named without PATH.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.adversarial._oracle import (
    assert_changes_named,
    changed_files,
    files_under,
    run_bash,
    understood_on_disk,
)

CASES = [
    "git checkout -- .",
    "git checkout -f feature",
    "git switch --discard-changes feature",
    "git restore .",
    "git restore --source=feature .",
    "git restore -s feature -- src",  # a folder: the files under it
    "git reset --hard feature",
    "git stash -u",
    "git clean -fdx",
    "git clean -fdx -- src",
    "git clean -fd :/",
    "git rm -r src",
    "git rm -rf :/src",
    "git mv a.txt z.txt",
    "git read-tree -u --reset feature",
    "git checkout-index -a -f",
    "git --work-tree=$O checkout feature -- .",
    "GIT_WORK_TREE=$O git reset --hard",
    "git checkout feature -- :/",
    "git checkout feature -- ':(top)'",
    "git checkout feature -- ':(glob)**'",
    "git checkout feature -- '*.txt'",
    "git restore --source=feature -- ':!other.txt'",
    "git restore --source=feature ':(exclude)a.txt'",
    "git restore --source=feature ':^a.txt'",
    "git restore --source=feature ':(icase)A.TXT'",
    "GIT_ICASE_PATHSPECS=1 git restore --source=feature A.TXT",
    "cd src && git restore --source=feature :/",
    # From a folder of the tree: the whole tree.
    "cd src && git reset --hard feature",
    "cd src && git checkout -f feature",
    "cd src && git stash",
    "git -C src reset --hard",
    "git worktree add $O/wt feature",
    # Pathspecs read from a file or stdin are not on the line: the whole tree.
    "printf ':!x\\n' | git checkout feature --pathspec-from-file=-",
    "printf 'a.txt\\n' | git rm -qf --pathspec-from-file=-",
    "git stash && git stash drop",
    "git add -A && git commit -qm y && git reset --hard HEAD~1",
]

_IDENTITY = {
    "GIT_AUTHOR_NAME": "a",
    "GIT_AUTHOR_EMAIL": "a@example.com",
    "GIT_COMMITTER_NAME": "a",
    "GIT_COMMITTER_EMAIL": "a@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
# Two commits on two branches; then local changes, an untracked and an ignored file.
_SETUP = (
    "git init -q -b main . && echo a > a.txt && echo b > src/b.txt && echo d > src/deep/d.txt"
    " && echo x > other.txt && git add -A && git commit -qm one"
    " && git checkout -q -b feature && echo changed > a.txt && rm src/b.txt && echo n > new.txt"
    " && git add -A && git commit -qm two && git checkout -q main"
    " && echo dirty > a.txt && echo u > untracked.txt && echo i > src/ignored.log"
    " && echo '*.log' > .gitignore"
)


def _scratch(root: Path) -> dict[str, str]:
    """A fresh repository under ``root`` (``repo/``, ``other/``, ``home/``); its environment."""
    shutil.rmtree(root, ignore_errors=True)
    for folder in ("repo/src/deep", "other", "home"):
        (root / folder).mkdir(parents=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(root / "home"), **_IDENTITY}
    subprocess.run(_SETUP, shell=True, cwd=root / "repo", env=env, check=True, capture_output=True)
    return {**env, "O": str(root / "other")}


@pytest.mark.parametrize("line", CASES)
def test_every_file_git_changes_is_named_or_the_line_is_unknown(tmp_path: Path, line: str) -> None:
    assert shutil.which("git") and shutil.which("bash"), "the oracle needs git and bash"
    env = _scratch(tmp_path)
    before = files_under(tmp_path, skip=".git")
    run_bash(line, cwd=tmp_path / "repo", env=env)
    after = files_under(tmp_path, skip=".git")
    changed = changed_files(before, after)
    assert changed, f"the case changes nothing in git: {line}"
    _scratch(tmp_path)  # judged on the tree as it was before the line ran
    variables = {"HOME": env["HOME"], "O": env["O"]}
    action = understood_on_disk(line, cwd=tmp_path / "repo", variables=variables)
    assert_changes_named(action, changed, line)
