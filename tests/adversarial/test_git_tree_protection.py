"""git rewriting a whole tree from another revision or the index takes ``prevent_destroy`` away.

``infra/main.tf`` protects ``aws_db_instance.main``; tag ``v1`` and branch ``old`` hold it
without the ``lifecycle`` block. What git does (checked with git 2.39 in scratch repositories):

- ``git checkout v1 -- .`` / ``-- infra/`` writes v1's version of each file it holds over the
  work tree's (overlay: a file v1 lacks stays); ``git restore -s v1 infra`` and ``restore
  --source=v1 --staged --worktree .`` do so too and remove what v1 lacks; ``git reset --hard
  v1``, ``checkout -f old`` make the tree v1's/old's; ``git switch old``/``checkout old``/
  ``switch -c topic v1`` write the files the two commits hold differently. Each leaves
  ``main.tf`` unprotected: the address is named and its protection switched off, as for
  ``cp old.tf infra/main.tf``.
- The same commands from a commit that holds the file as the work tree does (``checkout HEAD --
  .``, ``reset --hard``, ``switch same``) leave it alone: nothing is named.
- ``git checkout .``/``git restore .`` write the index's version over files that differ from
  it: with the work tree, index and HEAD alike, nothing is named. With a protection added to the
  work tree and not staged, the index's version drops it: named. ``git reset v1 && git checkout
  .`` (the index first made v1's, then written out) drops it: named.
- Decision where git's objects cannot be read (a reader with no repository, as MemoryFiles): a
  named or switched-to commit may hold anything, so the protected addresses in the rewritten
  tree are named (``checkout REV -- .``, ``restore -s REV``, ``reset --hard REV``); the plain
  index forms (``checkout .``, ``restore .``) name nothing, as the index holds what commands
  judged before put there -- unless an earlier command on the line may have changed it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.adversarial._git_scratch import (
    PROTECTED,
    drops_protection,
    git,
    needs_git,
    protected_repo,
    shell_action,
)
from tests.adversarial.conftest import CWD, HOME

from keyturn.model import Action
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_git = git


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """``infra/main.tf`` protected at ``main``'s HEAD; ``v1``/``old`` hold it bare; ``same``
    differs from ``main`` only in ``README.md``."""
    return protected_repo(tmp_path, side="same")


@needs_git
@pytest.mark.parametrize(
    "command",
    [
        "git checkout v1 -- .",
        "git checkout v1 -- infra/",
        "git checkout old -- infra",
        "git restore -s v1 infra",
        "git restore --source=v1 .",
        "git restore --source=v1 --staged --worktree .",
        "git reset --hard v1",
        "git reset --hard old",
        "git checkout -f old",
        "git switch -f old",
        "git switch old",
        "git checkout old",
        "git switch -c topic v1",
        "git checkout -b topic v1",
        "git checkout v1 -- '*.tf'",
        "git reset v1 && git checkout .",
        "git reset v1 && git restore .",
    ],
)
def test_rewriting_from_a_revision_without_the_block_names_the_address(
    command: str, repo: Path
) -> None:
    assert drops_protection(shell_action(command, repo)), command


@needs_git
@pytest.mark.parametrize(
    "command",
    [
        "git checkout .",
        "git checkout -- .",
        "git restore .",
        "git checkout HEAD -- .",
        "git checkout same -- infra",
        "git restore -s same .",
        "git reset --hard",
        "git reset --hard same",
        "git switch same",
        "git checkout same",
        "git checkout -f same",
    ],
)
def test_rewriting_from_a_revision_that_keeps_the_block_names_nothing(
    command: str, repo: Path
) -> None:
    assert not drops_protection(shell_action(command, repo)), command


@needs_git
@pytest.mark.parametrize("command", ["git checkout .", "git restore .", "git reset --hard"])
def test_protection_added_but_not_staged_is_named_when_the_index_lacks_it(
    command: str, repo: Path
) -> None:
    _git(repo, "checkout", "-q", "old")  # HEAD and the index hold main.tf bare
    (repo / "infra" / "main.tf").write_text(PROTECTED)
    assert drops_protection(shell_action(command, repo)), command


@needs_git
def test_protection_staged_is_kept_by_checkout_from_the_index(repo: Path) -> None:
    _git(repo, "checkout", "-q", "old")
    (repo / "infra" / "main.tf").write_text(PROTECTED)
    _git(repo, "add", "infra/main.tf")
    assert not drops_protection(shell_action("git checkout .", repo))
    assert drops_protection(shell_action("git reset --hard", repo))  # HEAD's version still lacks it


# -- no git objects at hand: the decision of the module docstring ---------------------------

_FILES = {f"{CWD}/.git/HEAD": "ref: refs/heads/main\n", f"{CWD}/infra/main.tf": PROTECTED}


def _memoryshell_action(command: str) -> Action:
    return understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(dict(_FILES)))


@pytest.mark.parametrize(
    "command",
    [
        "git checkout v1 -- .",
        "git checkout v1 -- infra/",
        "git restore -s v1 infra",
        "git reset --hard v1",
        "git switch old",
        "git reset v1 && git checkout .",
    ],
)
def test_an_unreadable_revision_names_the_protected_addresses(command: str) -> None:
    assert drops_protection(_memoryshell_action(command)), command


@pytest.mark.parametrize("command", ["git checkout .", "git restore .", "git checkout -- infra"])
def test_the_plain_index_forms_name_nothing_when_the_index_cannot_be_read(command: str) -> None:
    assert not drops_protection(_memoryshell_action(command)), command
