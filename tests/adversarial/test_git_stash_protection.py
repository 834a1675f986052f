"""``git stash`` and ``git read-tree -u`` rewriting the work tree take ``prevent_destroy`` away.

``infra/main.tf`` protects ``aws_db_instance.main`` at ``main``'s HEAD; tag ``v1`` and branch
``old`` hold it without the ``lifecycle`` block; ``same`` differs from ``main`` only in
``README.md``. What git does (checked with git 2.39.5 in scratch repositories under /tmp):

- ``git stash`` / ``stash push`` / ``stash save MSG`` / ``-u`` / ``-a`` make tracked files what
  HEAD holds: a ``prevent_destroy`` added to the work tree and not committed (on ``old``) is
  gone from ``main.tf`` after it -- named. With the tree as HEAD holds it, nothing changes:
  nothing named.
- ``git stash pop`` / ``apply`` / ``apply stash@{0}`` / ``apply 0`` / ``pop --index`` write the
  changes the stash made since the commit it was made on: a stash that took the block out of
  ``main.tf`` writes the bare file over the protected one -- named. ``git stash branch topic``
  checks out that commit and applies the stash: the same. A stash that changed only
  ``README.md`` leaves ``main.tf`` alone: nothing named.
- ``git read-tree -u --reset v1``, ``read-tree -m -u v1``, the two-tree ``read-tree -m -u main
  v1`` and ``--reset -u --index-output=FILE v1`` write v1's ``main.tf`` (bare) into the work
  tree -- named; from ``main`` or ``same`` nothing changes in it. Without ``-u`` only the index
  changes (``main.tf`` keeps the block on disk): the index is updated, no file is; a later ``git
  checkout .`` writes the index out -- named. ``-n`` changes nothing. ``-u`` without ``-m``,
  ``--reset`` or ``--prefix`` is refused by git (exit 128).
- Where git's objects cannot be read (MemoryFiles), what the stash or the tree holds cannot be
  told: the protected addresses of the tree are named, as for ``reset --hard v1``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.adversarial._git_scratch import (
    BARE,
    PROTECTED,
    drops_protection,
    git,
    needs_git,
    protected_repo,
    shell_action,
)
from tests.adversarial.conftest import CWD, HOME

from keyturn.model import Action, EffectKind
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_git = git


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return protected_repo(tmp_path, side="same")


def _unknown(action: Action) -> bool:
    return any(e.effect is EffectKind.UNKNOWN for e in action.effects)


# -- git stash (push) -------------------------------------------------------------------------

_PUSHES = [
    "git stash",
    "git stash push",
    "git stash save wip",
    "git stash -u",
    "git stash push --include-untracked",
    "git stash -a",
]


@needs_git
@pytest.mark.parametrize("command", _PUSHES)
def test_stashing_reverts_a_protection_not_committed(command: str, repo: Path) -> None:
    _git(repo, "checkout", "-q", "old")  # HEAD holds main.tf bare
    (repo / "infra" / "main.tf").write_text(PROTECTED)
    assert drops_protection(shell_action(command, repo)), command


@needs_git
@pytest.mark.parametrize("command", ["git stash", "git stash push", "git stash -u"])
def test_stashing_a_tree_like_head_names_nothing(command: str, repo: Path) -> None:
    assert not drops_protection(shell_action(command, repo)), command


# -- git stash pop / apply / branch -----------------------------------------------------------


@needs_git
@pytest.mark.parametrize(
    "command",
    [
        "git stash pop",
        "git stash apply",
        "git stash apply stash@{0}",
        "git stash apply 0",
        "git stash pop --index",
        "git stash branch topic",
    ],
)
def test_applying_a_stash_without_the_block_names_the_address(command: str, repo: Path) -> None:
    (repo / "infra" / "main.tf").write_text(BARE)
    _git(repo, "stash", "-q")  # the stash takes the block out; the tree has it again
    assert (repo / "infra" / "main.tf").read_text() == PROTECTED
    assert drops_protection(shell_action(command, repo)), command


@needs_git
@pytest.mark.parametrize("command", ["git stash pop", "git stash apply", "git stash branch t"])
def test_applying_a_stash_that_leaves_the_file_names_nothing(command: str, repo: Path) -> None:
    (repo / "README.md").write_text("three\n")
    _git(repo, "stash", "-q")
    assert not drops_protection(shell_action(command, repo)), command


# -- git read-tree ----------------------------------------------------------------------------


@needs_git
@pytest.mark.parametrize(
    "command",
    [
        "git read-tree -u --reset v1",
        "git read-tree --reset -u old",
        "git read-tree -m -u v1",
        "git read-tree -mu v1",
        "git read-tree -m -u main v1",
        "git read-tree --reset -u --index-output=/tmp/idx v1",
        "git read-tree v1 && git checkout .",
    ],
)
def test_read_tree_into_the_work_tree_names_the_address(command: str, repo: Path) -> None:
    action = shell_action(command, repo)
    assert drops_protection(action), command
    assert not _unknown(action), command


@needs_git
@pytest.mark.parametrize(
    "command",
    ["git read-tree -u --reset main", "git read-tree -m -u same", "git read-tree -u --reset HEAD"],
)
def test_read_tree_of_a_tree_that_keeps_the_block_names_nothing(command: str, repo: Path) -> None:
    action = shell_action(command, repo)
    assert not drops_protection(action), command
    assert not _unknown(action), command


@needs_git
@pytest.mark.parametrize(
    "command", ["git read-tree v1", "git read-tree -m v1", "git read-tree --empty"]
)
def test_read_tree_without_u_updates_only_the_index(command: str, repo: Path) -> None:
    action = shell_action(command, repo)
    assert not _unknown(action), command
    assert not drops_protection(action), command
    assert any(
        e.effect is EffectKind.UPDATE and "git:local/HEAD" in e.resource.names
        for e in action.effects
    ), command
    assert not any(
        n.startswith("file:") and e.effect is not EffectKind.READ
        for e in action.effects
        for n in e.resource.names
    ), command


@needs_git
def test_read_tree_dry_run_changes_nothing(repo: Path) -> None:
    action = shell_action("git read-tree -n -u --reset v1", repo)
    assert all(e.effect is EffectKind.READ for e in action.effects)


@needs_git
def test_read_tree_index_output_names_the_file_written(repo: Path) -> None:
    action = shell_action("git read-tree --index-output=/tmp/idx v1", repo)
    assert any("file:/tmp/idx" in e.resource.names for e in action.effects)


@pytest.mark.parametrize(
    "command", ["git read-tree --frobnicate -u v1", "git read-tree -u --super-prefix=x v1"]
)
def test_read_tree_with_an_option_not_known_is_unknown(command: str) -> None:
    assert _unknown(understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles({})))


# -- no git objects at hand -------------------------------------------------------------------

_FILES = {f"{CWD}/.git/HEAD": "ref: refs/heads/main\n", f"{CWD}/infra/main.tf": PROTECTED}


@pytest.mark.parametrize(
    "command",
    [
        "git stash",
        "git stash pop",
        "git stash apply stash@{1}",
        "git read-tree -u --reset v1",
        "git read-tree -m -u v1",
    ],
)
def test_an_unreadable_stash_or_tree_names_the_protected_addresses(command: str) -> None:
    files = MemoryFiles(dict(_FILES))
    assert drops_protection(understand_shell(command, cwd=CWD, home=HOME, files=files)), command
