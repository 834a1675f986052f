"""What git's stash forms and other rewrites of the work tree reach of ``prevent_destroy``.

``infra/main.tf`` protects ``aws_db_instance.main`` at ``main``'s HEAD; tag ``v1`` and branch
``old`` hold it bare; ``unprot`` (a child of ``main``) takes the block out. Each behaviour was
checked with git 2.39.5 in scratch repositories under /tmp, and most tests run the real command
after judging it and assert what git did, so the claim is checked on every run:

- ``git stash -k`` makes the work tree what the index holds (a protection staged stays, one not
  staged goes); ``-k -u`` also removes untracked files; ``git stash push [--] PATHSPEC`` reverts
  only what the pathspec reaches (``-m MSG`` is a message); ``git stash --staged`` takes out the
  staged changes only.
- ``git stash apply stash@{N}`` applies the reflog's Nth entry from the newest
  (``logs/refs/stash``); a stash not readable (a date, an entry not there, a reflog the line
  changed first) is ``unknown``, naming the protected addresses. ``drop``/``clear`` leave the
  work tree alone.
- ``git read-tree --empty -u`` / ``-u`` without ``-m``/``--reset``/``--prefix`` / ``--reset -u
  --empty``: git refuses (exit 128), nothing changes.
- ``git clean -fd`` never removes the tracked ``infra/main.tf`` (a 13-character path, whose
  length byte in the index reads as a newline through the text reader).
- ``git cherry-pick``/``revert``/``merge [-X theirs]``/``rebase``/``rebase --onto`` write the
  bare ``main.tf``; ``git sparse-checkout set/init`` takes Terraform files out of the work tree
  (cone mode keeps the top's files, each folder listed and the files directly above it); ``git
  submodule deinit`` empties the submodule's folder.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.adversarial._git_scratch import (
    ADDRESS,
    BARE,
    PROTECTED,
    drops_protection,
    git,
    needs_git,
    protected_repo,
    shell_action,
)

from keyturn.model import EffectKind

pytestmark = needs_git


_git = git


def _run(repo: Path, command: str) -> int:
    done = subprocess.run(
        command,
        shell=True,
        cwd=repo,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(repo.parent),
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
            "GIT_EDITOR": "true",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_PARAMETERS": "'protocol.file.allow'='always'",
        },
    )
    return done.returncode


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return protected_repo(tmp_path, side="unprot")


def _kept(repo: Path, name: str = "infra/main.tf") -> bool:
    path = repo / name
    return path.exists() and "prevent_destroy" in path.read_text()


def _on_old_with_protection(repo: Path, *, staged: bool) -> None:
    """HEAD (``old``) holds ``main.tf`` bare; the work tree adds the block (staged or not)."""
    _git(repo, "checkout", "-q", "old")
    (repo / "infra" / "main.tf").write_text(PROTECTED)
    if staged:
        _git(repo, "add", "infra/main.tf")


# -- git stash -k / --staged / pathspecs ------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["git stash -k", "git stash push --keep-index", "git stash -kq"]
)
def test_keep_index_leaves_a_staged_protection(command: str, repo: Path) -> None:
    """Was a false alarm: -k writes the index's version, which holds the block."""
    _on_old_with_protection(repo, staged=True)
    assert not drops_protection(shell_action(command, repo)), command
    _run(repo, command)
    assert _kept(repo)


@pytest.mark.parametrize(
    "command",
    [
        "git stash push -- README.md",
        "git stash push -m infra README.md",
        "git stash push -minfra README.md",
        "git stash -k -- README.md",
    ],
)
def test_a_pathspec_elsewhere_leaves_the_protection(command: str, repo: Path) -> None:
    """Was a false alarm: only what the pathspec reaches is stashed (``-m`` takes a value)."""
    _on_old_with_protection(repo, staged=False)
    (repo / "README.md").write_text("two\n")
    assert not drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert _kept(repo)


@pytest.mark.parametrize(
    "command", ["git stash push infra", "git stash -- infra", "git stash push -- '*.tf'"]
)
def test_a_pathspec_reaching_the_file_names_it(command: str, repo: Path) -> None:
    """A miss guard: the pathspec reaches main.tf, reverted to HEAD's bare version."""
    _on_old_with_protection(repo, staged=False)
    assert drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert not _kept(repo)


def test_staged_leaves_a_protection_not_staged(repo: Path) -> None:
    """Was a false alarm: --staged takes out only the staged changes (README here)."""
    _on_old_with_protection(repo, staged=False)
    (repo / "README.md").write_text("two\n")
    _git(repo, "add", "README.md")
    assert not drops_protection(shell_action("git stash --staged", repo))
    _run(repo, "git stash --staged")
    assert _kept(repo)


def test_staged_takes_out_a_staged_protection(repo: Path) -> None:
    """A miss guard: the staged block is taken out of the work tree's file too."""
    _on_old_with_protection(repo, staged=True)
    assert drops_protection(shell_action("git stash -S", repo))
    _run(repo, "git stash -S")
    assert not _kept(repo)


def test_keep_index_with_untracked_removes_an_untracked_protection(repo: Path) -> None:
    """A miss guard: -k -u removes the untracked ``extra.tf`` (and what it protects)."""
    (repo / "infra" / "extra.tf").write_text(PROTECTED.replace('"main"', '"extra"'))
    action = shell_action("git stash -k -u", repo)
    assert any("aws_db_instance.extra" in e.resource.names for e in action.effects)
    _run(repo, "git stash -k -u")
    assert not (repo / "infra" / "extra.tf").exists()


# -- git stash apply stash@{N} ----------------------------------------------------------------


def _two_stashes(repo: Path, *, older_drops: bool) -> None:
    """stash@{1} and stash@{0}: one takes the block out of main.tf, the other changes README."""
    for drops in (older_drops, not older_drops):
        if drops:
            (repo / "infra" / "main.tf").write_text(BARE)
        else:
            (repo / "README.md").write_text("changed\n")
        _git(repo, "stash", "-q")


@pytest.mark.parametrize("command", ["git stash apply stash@{1}", "git stash pop 1"])
def test_an_older_stash_that_leaves_the_file_names_nothing(command: str, repo: Path) -> None:
    """Was a false alarm: stash@{1} (README only) is read from logs/refs/stash."""
    _two_stashes(repo, older_drops=False)
    assert not drops_protection(shell_action(command, repo)), command
    _run(repo, command)
    assert _kept(repo)


@pytest.mark.parametrize("command", ["git stash apply stash@{1}", "git stash branch t 1"])
def test_an_older_stash_that_drops_the_block_names_it(command: str, repo: Path) -> None:
    """A miss guard: stash@{1} takes the block out."""
    _two_stashes(repo, older_drops=True)
    assert drops_protection(shell_action(command, repo)), command
    _run(repo, command)
    assert not _kept(repo)


@pytest.mark.parametrize(
    "command",
    [
        "git stash apply stash@{yesterday}",
        "git stash apply stash@{5}",
        "git stash pop 7",
        "git stash && git stash apply stash@{1}",
    ],
)
def test_a_stash_not_read_is_unknown_naming_the_address(command: str, repo: Path) -> None:
    """A date, an entry the reflog lacks, a reflog changed earlier on the line: not read."""
    _two_stashes(repo, older_drops=False)
    action = shell_action(command, repo)
    assert any(
        e.effect is EffectKind.UNKNOWN and e.removes_protection and ADDRESS in e.resource.names
        for e in action.effects
    ), command


@pytest.mark.parametrize(
    "command", ["git stash drop", "git stash drop stash@{1}", "git stash clear"]
)
def test_dropping_stashes_leaves_the_work_tree(command: str, repo: Path) -> None:
    """False-alarm guard: the stash is lost, not the work tree's protection."""
    _two_stashes(repo, older_drops=True)
    action = shell_action(command, repo)
    assert not drops_protection(action)
    assert any("git:local/stash" in e.resource.names for e in action.effects)
    _run(repo, command)
    assert _kept(repo)


# -- read-tree --empty, clean ----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "git read-tree --empty -u",
        "git read-tree -u v1",
        "git read-tree --reset -u --empty",
        "git read-tree -m -u",
    ],
)
def test_read_tree_forms_git_refuses_change_nothing(command: str, repo: Path) -> None:
    """Was a false alarm: git refuses (exit 128) and leaves index and work tree alone."""
    action = shell_action(command, repo)
    assert all(e.effect is EffectKind.READ for e in action.effects), command
    assert _run(repo, command) == 128
    assert _kept(repo)


def test_clean_spares_a_tracked_file_whose_path_is_13_long(repo: Path) -> None:
    """Was a false alarm: ``infra/main.tf``'s length byte (13) reads as a newline."""
    assert not drops_protection(shell_action("git clean -fd", repo))
    _run(repo, "git clean -fd")
    assert _kept(repo)


# -- commits brought into the work tree -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "git cherry-pick unprot",
        "git revert --no-edit HEAD",
        "git merge unprot",
        "git merge -X theirs unprot",
        "git rebase unprot",
        "git rebase --onto HEAD~1 HEAD",
    ],
)
def test_commits_that_take_the_block_out_name_it(command: str, repo: Path) -> None:
    """Each writes the bare main.tf (``revert HEAD`` undoes the commit that added the block)."""
    assert drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert not _kept(repo)


def test_a_diverged_merge_with_theirs_names_it(repo: Path) -> None:
    """A real merge (not a fast-forward) where theirs took the block out."""
    _git(repo, "checkout", "-q", "-b", "side", "main")
    (repo / "README.md").write_text("side\n")
    _git(repo, "commit", "-qam", "side")
    assert drops_protection(shell_action("git merge -X theirs --no-edit unprot", repo))
    assert _run(repo, "git merge -X theirs --no-edit unprot") == 0
    assert not _kept(repo)


def test_merging_an_ancestor_names_nothing(repo: Path) -> None:
    """False-alarm guard: v1 is already merged; nothing changes."""
    assert not drops_protection(shell_action("git merge v1", repo))


# -- files taken out of the work tree ---------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "git sparse-checkout set docs",
        "git sparse-checkout init",
        "git sparse-checkout set --no-cone /README.md",
    ],
)
def test_sparse_checkout_taking_the_file_out_names_it(command: str, repo: Path) -> None:
    """``infra/`` is neither listed nor at the top: main.tf leaves the work tree."""
    (repo / "docs").mkdir()
    (repo / "docs" / "a.md").write_text("a\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "docs")
    assert drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert not (repo / "infra" / "main.tf").exists()


@pytest.mark.parametrize("command", ["git sparse-checkout set infra", "git sparse-checkout list"])
def test_sparse_checkout_keeping_the_file_names_nothing(command: str, repo: Path) -> None:
    """False-alarm guard: cone mode keeps every file under ``infra``; ``list`` reads."""
    assert not drops_protection(shell_action(command, repo)), command
    _run(repo, command)
    assert _kept(repo)


@pytest.mark.parametrize("command", ["git submodule deinit -f mod", "git submodule deinit --all"])
def test_submodule_deinit_names_what_its_folder_protects(
    command: str, repo: Path, tmp_path: Path
) -> None:
    """ "Cleared directory 'mod'": the submodule's main.tf leaves the work tree."""
    sup = tmp_path / "sup"
    sup.mkdir()
    _git(sup, "init", "-q", "-b", "main")
    (sup / "README.md").write_text("r\n")
    _git(sup, "add", ".")
    _git(sup, "commit", "-qm", "init")
    _git(sup, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(repo), "mod")
    _git(sup, "commit", "-qm", "sub")
    assert drops_protection(shell_action(command, sup)), command
    assert _run(sup, command) == 0
    assert not (sup / "mod" / "infra" / "main.tf").exists()
