"""git: pushes, history rewrites and discarded work, named ``git:…`` or ``file:…``."""

from __future__ import annotations

import pytest

from keyturn.model import Effect
from keyturn.understand.shell import understand_shell


def effects(command: str) -> list[Effect]:
    return list(understand_shell(command, cwd="/repo").effects)


def pairs(command: str) -> set[tuple[str, str]]:
    return {(e.effect.value, n) for e in effects(command) for n in e.resource.names}


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("git push --force origin main", ("replace", "git:origin/main")),
        ("git push -f origin main", ("replace", "git:origin/main")),
        ("git push origin main --force", ("replace", "git:origin/main")),
        ("git push --force-with-lease origin main", ("replace", "git:origin/main")),
        ("git push --force-if-includes origin main", ("replace", "git:origin/main")),
        ("git push origin +main", ("replace", "git:origin/main")),
        ("git push origin +HEAD:refs/heads/main", ("replace", "git:origin/main")),
        ("git push --mirror origin", ("replace", "git:origin/*")),
        ("git push --prune origin", ("delete", "git:origin/*")),
        ("git remote -v", ("read", "git:local/remotes/*")),
        ("git remote show origin", ("read", "git:local/remotes/*")),
        ("git remote remove origin", ("delete", "git:local/remotes/origin")),
        ("git remote prune origin", ("delete", "git:local/remotes/origin/*")),
        (
            "git remote set-url origin https://x.example/r.git",
            ("update", "git:local/remotes/origin"),
        ),
        ("git bisect start", ("update", "git:local/HEAD")),
        ("git push origin main --prune", ("delete", "git:origin/*")),
        ("git push --delete origin feature", ("delete", "git:origin/feature")),
        ("git push origin :feature", ("delete", "git:origin/feature")),
        ("git push origin main", ("update", "git:origin/main")),
        ("git push", ("update", "git:origin/HEAD")),
        ("git push -n -f origin main", ("read", "git:local/HEAD")),
        ("git reset --hard", ("delete", "file:/repo/*")),
        ("git reset --hard HEAD~3", ("delete", "file:/repo/*")),
        ("git clean -fdx", ("delete", "file:/repo/*")),
        ("git clean -n", ("read", "file:/repo/*")),
        ("git checkout -- a.py", ("delete", "file:/repo/a.py")),
        ("git checkout .", ("delete", "file:/repo/*")),
        ("git checkout HEAD -- src/", ("delete", "file:/repo/src/*")),
        ("git restore a.py", ("delete", "file:/repo/a.py")),
        ("git restore --staged a.py", ("update", "file:/repo/a.py")),
        ("git branch -D feature", ("delete", "git:local/feature")),
        ("git branch -d feature", ("delete", "git:local/feature")),
        ("git stash clear", ("delete", "git:local/stash")),
        ("git stash drop", ("delete", "git:local/stash")),
        ("git filter-repo --path x --invert-paths", ("replace", "git:local/*")),
        ("git filter-branch --tree-filter x HEAD", ("replace", "git:local/*")),
        ("git reflog expire --expire=now --all", ("delete", "git:local/reflog")),
        ("git gc --prune=now", ("delete", "git:local/objects")),
        ("git tag -d v1", ("delete", "git:local/tags/v1")),
        ("git -C /other reset --hard", ("delete", "file:/other/*")),
        ("git -C sub clean -f", ("delete", "file:/repo/sub/*")),
        ("git status", ("read", "git:local/HEAD")),
        ("git log --oneline", ("read", "git:local/HEAD")),
        ("git diff", ("read", "git:local/HEAD")),
        ("git fetch origin", ("read", "git:local/HEAD")),
        ("git branch", ("read", "git:local/*")),
    ],
)
def test_git_meanings(command: str, expected: tuple[str, str]) -> None:
    assert expected in pairs(command), pairs(command)


@pytest.mark.parametrize(
    "command",
    [
        "git push -f origin main",
        "git push origin main -f",
        "git push origin +main",
        "git push --force-with-lease",
        "git -C /x push --force",
        "git push --mirror origin",  # force-updates every remote ref
    ],
)
def test_force_push_text_matches_the_policy_pattern(command: str) -> None:
    assert all(e.command and e.command.startswith("git push --force") for e in effects(command))


def test_force_spellings_share_a_digest() -> None:
    digest = understand_shell("git push --force origin main").digest
    assert understand_shell("git push origin main -f").digest == digest
    assert understand_shell("git push origin main").digest != digest


def test_service_is_git() -> None:
    assert {e.service for e in effects("git reset --hard && git push -f")} == {"git"}


def test_unknown_subcommand_is_unknown() -> None:
    assert [e.effect.value for e in effects("git frobnicate")] == ["unknown"]


@pytest.mark.parametrize(
    ("command", "expected", "absent"),
    [
        ("git rm a.txt", ("delete", "file:/repo/a.txt"), None),
        ("git rm -r src", ("delete", "file:/repo/src/*"), None),
        ("git rm -rf .", ("delete", "file:/repo"), None),
        ("git rm --cached a.txt", ("update", "git:local/HEAD"), ("delete", "file:/repo/a.txt")),
        ("git rm -n -r src", ("update", "git:local/HEAD"), ("delete", "file:/repo/src")),
        ("git worktree remove ../wt", ("delete", "file:/wt"), None),
        ("git worktree remove --force /srv/x", ("delete", "file:/srv/x/*"), None),
        ("git worktree prune", ("update", "git:local/HEAD"), ("delete", "file:/wt")),
    ],
)
def test_what_removes_files_from_the_work_tree(
    command: str, expected: tuple[str, str], absent: tuple[str, str] | None
) -> None:
    found = pairs(command)
    assert expected in found, found
    assert absent is None or absent not in found, found


@pytest.mark.parametrize(
    "command",
    ["git rm -r --pathspec-from-file=list", "git checkout main --pathspec-from-file=list"],
)
def test_pathspecs_from_a_file_are_a_delete_of_any_file_of_the_tree(command: str) -> None:
    """The files are not on the line: a delete of any file of the tree (``git rm`` was an
    update, which a ``protected`` pattern lets through; ``checkout`` a branch switch)."""
    found = understand_shell(command, cwd="/w", home="/h").effects
    deleted = {n for e in found if e.effect.value == "delete" for n in e.resource.names}
    assert "file:/w/*" in deleted, command
