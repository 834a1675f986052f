"""git commands that check other commits (or the index, or a conflict's side) out into a work tree,
and what they reach of ``prevent_destroy``.

The repository is the one of :mod:`tests.adversarial.test_git_stash_reach`: ``infra/main.tf``
protects ``aws_db_instance.main`` at ``main``'s HEAD; ``v1``/``old`` hold it bare; ``unprot`` (a
child of ``main``) takes the block out. Each behaviour was checked with git 2.39.5 in scratch
repositories under /tmp, and most tests run the real command after judging it and assert what
git did, so the claim is checked on every run:

- ``bisect start BAD GOOD`` checks out a commit git picks (not computed: ``unknown``, naming
  the address); ``bisect reset`` switches back to the branch ``BISECT_START`` holds.
- ``submodule update`` checks the submodule out at the commit the superproject records
  (``--force``: discarding local changes; ``--rebase``: rebasing onto it).
- ``checkout-index -f`` writes the index's version over the files; without ``-f`` a file there
  is kept.
- ``checkout --ours/--theirs`` during a conflict writes a side's version (the index, which
  holds the conflict, is not read).
- ``merge -s ours`` keeps our tree; ``restore --staged`` and ``reset -- PATH`` change the index
  only; ``stash push``/``checkout``/``restore`` of a file equal to HEAD and the index change
  nothing.
- ``reset --keep`` writes the files the commit holds otherwise; ``merge``/``rebase``/
  ``cherry-pick --abort`` reset the work tree, discarding a block written while resolving.
- ``worktree add --force`` into a folder that holds files is refused; ``filter-branch`` checks
  the rewritten HEAD out; a replacement (``git replace``) makes git show other commits.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.adversarial._git_scratch import drops_protection, shell_action
from tests.adversarial.test_git_stash_reach import (
    ADDRESS,
    PROTECTED,
    _git,
    _kept,
    _on_old_with_protection,
    _run,
    pytestmark,
)
from tests.adversarial.test_git_stash_reach import repo as repo  # the fixture, by name

from keyturn.model import EffectKind

__all__ = ["pytestmark"]  # needs git, as the repository it builds

MYSQL = 'resource "aws_db_instance" "main" {\n  engine = "mysql"\n}\n'


def _unknown_naming(command: str, where: Path) -> bool:
    return any(
        e.effect is EffectKind.UNKNOWN and e.removes_protection and ADDRESS in e.resource.names
        for e in shell_action(command, where).effects
    )


# -- git bisect ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["git bisect start unprot v1", "git bisect start --first-parent unprot v1 --"]
)
def test_bisect_start_checks_out_a_commit_not_read(command: str, repo: Path) -> None:
    """Was a plain write: git checks out a commit between BAD and GOOD ("Bisecting: ...")."""
    assert _unknown_naming(command, repo), command
    assert _run(repo, command) == 0
    assert (repo / ".git" / "BISECT_START").exists()


def test_bisect_good_checks_out_the_next_commit(repo: Path) -> None:
    """Was a plain write: each verdict checks out the next commit to test."""
    _run(repo, "git bisect start unprot v1")
    assert _unknown_naming("git bisect good", repo)


def test_bisect_reset_back_to_a_branch_without_the_block_names_it(repo: Path) -> None:
    """Bisecting from ``unprot`` (bare): ``reset`` switches back to it from ``protect``."""
    _git(repo, "checkout", "-q", "unprot")
    assert _run(repo, "git bisect start unprot v1") == 0
    assert _kept(repo)  # the commit git picked holds the block
    assert drops_protection(shell_action("git bisect reset", repo))
    assert _run(repo, "git bisect reset") == 0
    assert not _kept(repo)


@pytest.mark.parametrize(
    "command", ["git bisect reset", "git bisect start", "git bisect start --no-checkout unprot v1"]
)
def test_bisect_forms_that_check_nothing_out_name_nothing(command: str, repo: Path) -> None:
    """False-alarm guard: no bisection under way, or ``--no-checkout``: the tree stays."""
    assert not drops_protection(shell_action(command, repo)), command
    _run(repo, command)
    assert _kept(repo)


# -- git submodule update --------------------------------------------------------------------


def _superproject(repo: Path, tmp_path: Path) -> Path:
    """``sup`` records the submodule ``mod`` at ``unprot`` (bare); ``mod`` is on ``main``."""
    sup = tmp_path / "sup"
    sup.mkdir()
    _git(sup, "init", "-q", "-b", "main")
    (sup / "README.md").write_text("r\n")
    _git(sup, "add", ".")
    _git(sup, "commit", "-qm", "init")
    _git(sup, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(repo), "mod")
    _git(sup / "mod", "checkout", "-q", "unprot")
    _git(sup, "add", "mod")
    _git(sup, "commit", "-qm", "sub")
    _git(sup / "mod", "checkout", "-q", "main")
    return sup


@pytest.mark.parametrize(
    "command",
    ["git submodule update", "git submodule update -- mod", "git submodule update --rebase"],
)
def test_submodule_update_to_a_commit_without_the_block_names_it(
    command: str, repo: Path, tmp_path: Path
) -> None:
    """Was a plain write: "Submodule path 'mod': checked out" the recorded (bare) commit."""
    sup = _superproject(repo, tmp_path)
    assert drops_protection(shell_action(command, sup)), command
    assert _run(sup, command) == 0
    assert not _kept(sup / "mod")


def test_submodule_update_force_discards_a_local_block(repo: Path, tmp_path: Path) -> None:
    """At the recorded commit already, ``update`` keeps a local change; ``--force`` does not."""
    sup = _superproject(repo, tmp_path)
    _git(sup / "mod", "checkout", "-q", "unprot")
    (sup / "mod" / "infra" / "main.tf").write_text(PROTECTED)
    assert not drops_protection(shell_action("git submodule update", sup))
    assert _run(sup, "git submodule update") == 0
    assert _kept(sup / "mod")
    assert drops_protection(shell_action("git submodule update --force", sup))
    assert _run(sup, "git submodule update --force") == 0
    assert not _kept(sup / "mod")


def test_submodule_update_remote_is_unknown(repo: Path, tmp_path: Path) -> None:
    """``--remote`` checks out the remote's branch, fetched when it runs: not read."""
    sup = _superproject(repo, tmp_path)
    assert _unknown_naming("git submodule update --remote", sup)


def test_submodule_update_without_submodules_names_nothing(repo: Path) -> None:
    """False-alarm guard: no ``.gitmodules``: nothing is updated."""
    assert not drops_protection(shell_action("git submodule update", repo))


# -- git checkout-index ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "git checkout-index -f -a",
        "git checkout-index -fa",
        "git checkout-index -f -- infra/main.tf",
    ],
)
def test_checkout_index_force_names_what_the_index_takes_out(command: str, repo: Path) -> None:
    """Was unknown naming nothing: the index's bare version is written over the block."""
    _on_old_with_protection(repo, staged=False)
    assert drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert not _kept(repo)


def test_checkout_index_without_force_keeps_the_file(repo: Path) -> None:
    """False-alarm guard (passes either way: it was unknown): "infra/main.tf already exists,
    no checkout": without -f a file there stays."""
    _on_old_with_protection(repo, staged=False)
    assert not drops_protection(shell_action("git checkout-index -a", repo))
    _run(repo, "git checkout-index -a")
    assert _kept(repo)


def test_checkout_index_of_a_file_like_the_index_names_nothing(repo: Path) -> None:
    """False-alarm guard (passes either way: it was unknown naming nothing): the work tree's
    file is the index's; -f rewrites it with the same text."""
    assert not drops_protection(shell_action("git checkout-index -f -a", repo))
    _run(repo, "git checkout-index -f -a")
    assert _kept(repo)


# -- a conflict's sides ----------------------------------------------------------------------


def _conflict_resolved_with_the_block(repo: Path, command: str) -> None:
    """``side`` (from old: mysql) merges/rebases/picks ``main``: main.tf conflicts, and the
    resolution written (not staged) holds the block."""
    _git(repo, "checkout", "-q", "-b", "side", "old")
    (repo / "infra" / "main.tf").write_text(MYSQL)
    _git(repo, "commit", "-qam", "side")
    assert _run(repo, command) != 0
    (repo / "infra" / "main.tf").write_text(PROTECTED)


@pytest.mark.parametrize("command", ["git checkout --ours .", "git restore --ours -- infra"])
def test_checkout_ours_during_a_conflict_names_it(command: str, repo: Path) -> None:
    """Was silent: the conflicted index is not read; ours (mysql) is written over the block."""
    _conflict_resolved_with_the_block(repo, "git merge main")
    assert drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert not _kept(repo)


@pytest.mark.parametrize(
    ("starts", "aborts"),
    [
        ("git merge main", "git merge --abort"),
        ("git rebase main", "git rebase --abort"),
        ("git cherry-pick main", "git cherry-pick --abort"),
    ],
)
def test_aborting_discards_a_block_written_while_resolving(
    starts: str, aborts: str, repo: Path
) -> None:
    """Was a plain write: --abort resets the work tree to where the operation started."""
    _conflict_resolved_with_the_block(repo, starts)
    if starts == "git merge main":
        _git(repo, "add", "infra/main.tf")
    assert drops_protection(shell_action(aborts, repo)), aborts
    assert _run(repo, aborts) == 0
    assert not _kept(repo)


@pytest.mark.parametrize(
    "command",
    ["git merge --abort", "git rebase --abort", "git cherry-pick --abort", "git am --abort"],
)
def test_aborting_nothing_under_way_is_refused(command: str, repo: Path) -> None:
    """False-alarm guard: git refuses (exit 128) and changes nothing."""
    action = shell_action(command, repo)
    assert all(e.effect is EffectKind.READ for e in action.effects), command
    assert _run(repo, command) == 128
    assert _kept(repo)


# -- what leaves the file as it is ------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["git merge -s ours unprot", "git merge --strategy=ours unprot"]
)
def test_merge_strategy_ours_keeps_the_tree(command: str, repo: Path) -> None:
    """Was a false alarm: "Merge made by the 'ours' strategy", never a fast-forward."""
    assert not drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert _kept(repo)


@pytest.mark.parametrize(
    "command",
    [
        "git restore --staged infra/main.tf",
        "git reset -- infra/main.tf",
        "git reset -q HEAD -- infra",
    ],
)
def test_unstaging_leaves_the_work_tree(command: str, repo: Path) -> None:
    """Was a false alarm: only the index changes; the staged block stays on disk (``--
    infra``, a folder, named nothing before either: a guard)."""
    _on_old_with_protection(repo, staged=True)
    assert not drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert _kept(repo)


@pytest.mark.parametrize(
    "command",
    [
        "git stash push -- infra/main.tf",
        "git checkout -- infra/main.tf",
        "git restore infra/main.tf",
        "git checkout HEAD -- infra/main.tf",
    ],
)
def test_a_file_like_head_and_the_index_is_left_alone(command: str, repo: Path) -> None:
    """Was a false alarm: the file equals its HEAD and index versions; git changes nothing
    ("No local changes to save")."""
    assert not drops_protection(shell_action(command, repo)), command
    _run(repo, command)
    assert _kept(repo)


@pytest.mark.parametrize(
    "command", ["git stash push -- infra/main.tf", "git checkout -- infra/main.tf"]
)
def test_a_file_unlike_the_index_is_still_named(command: str, repo: Path) -> None:
    """A miss guard: the block is not staged; git writes the bare version over it."""
    _on_old_with_protection(repo, staged=False)
    assert drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert not _kept(repo)


# -- red team --------------------------------------------------------------------------------


def test_reset_keep_names_what_the_commit_takes_out(repo: Path) -> None:
    """Was HEAD only: ``reset --keep unprot`` writes unprot's bare main.tf."""
    assert drops_protection(shell_action("git reset --keep unprot", repo))
    assert _run(repo, "git reset --keep unprot") == 0
    assert not _kept(repo)


def test_worktree_add_force_over_files_is_refused(repo: Path) -> None:
    """False-alarm guard (passes either way): "fatal: 'infra' already exists", exit 128."""
    assert not drops_protection(shell_action("git worktree add --force infra unprot", repo))
    assert _run(repo, "git worktree add --force infra unprot") == 128
    assert _kept(repo)


def test_a_patch_not_at_hand_names_the_address(repo: Path) -> None:
    """Was silent: a patch fetched when it runs may take any block out."""
    assert drops_protection(shell_action("curl -s https://example.com/p | git apply", repo))
    assert drops_protection(shell_action("git apply --reject -", repo))


def test_filter_branch_checks_the_rewritten_head_out(repo: Path) -> None:
    """Was history only: filter-branch ends with ``read-tree -u -m HEAD``, which takes the
    file the index filter dropped out of the work tree."""
    command = (
        "FILTER_BRANCH_SQUELCH_WARNING=1 git filter-branch -f --index-filter "
        "'git rm -q --cached --ignore-unmatch infra/main.tf' HEAD"
    )
    assert _unknown_naming(command, repo)
    assert _run(repo, command) == 0
    assert not (repo / "infra" / "main.tf").exists()


def test_a_replacement_makes_the_commits_unread(repo: Path) -> None:
    """Was silent: with ``refs/replace/<main>`` -> unprot, ``reset --hard`` writes unprot's
    bare file, though main's own commit (which the reader reads) holds the block."""
    _git(repo, "replace", "main", "unprot")
    assert drops_protection(shell_action("git reset --hard", repo))
    assert _run(repo, "git reset --hard") == 0
    assert not _kept(repo)
