"""``git pull``, ``--recurse-submodules``, ``git apply --reject``/``-3`` and ``git replace``
against ``prevent_destroy``.

Each behaviour was checked with git 2.39.5 in scratch repositories, and most tests run the real
command after judging it and assert what git did, so the claim is checked on every run:

- ``git pull`` (merge, ``--ff-only``, ``--autostash``, ``-X theirs``, ``--rebase``) from an
  upstream whose last commit takes the block out wrote the bare ``main.tf``: what it fetches
  is not read, so the protected addresses are named, as for ``git merge`` of such a commit.
  ``-s ours`` merging kept our tree; rebasing (``--rebase -s ours``, ``pull.rebase = true``) onto
  diverged commits wrote the upstream's bare file. ``git pull . BRANCH`` merges a local branch.
- ``--recurse-submodules`` on checkout, switch and ``reset --hard`` checks each submodule out at
  the commit the superproject records: the submodule's bare ``main.tf`` was written. A
  ``submodule.<name>.update = !command`` setting did not run for them, nor for ``git pull
  --recurse-submodules`` (which runs ``git submodule update --recursive --checkout``).
- ``git apply`` run below the top reads a plain diff's names from there; ``--reject`` writes
  ``<file>.rej``; a ``Binary files ... differ`` patch with full ids (``-3`` too) writes the
  repository's blob, content not in the patch.
- ``git replace HEAD v1 && git reset --hard`` wrote v1's bare ``main.tf``; so did ``git reset
  --hard`` with ``GIT_REPLACE_REF_BASE=refs/x/`` and ``refs/x/<HEAD>`` pointing at v1.
"""

from __future__ import annotations

import os
import subprocess
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

from keyturn.model import Action, EffectKind

pytestmark = needs_git


def _run(repo: Path, command: str) -> int:
    """``command`` run by the shell in ``repo``, with no settings but the scratch ones."""
    home = repo.parent
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    done = subprocess.run(
        command, shell=True, cwd=repo, env=env, capture_output=True, stdin=subprocess.DEVNULL
    )
    return done.returncode


def _kept(path: Path) -> bool:
    return "prevent_destroy" in path.read_text()


def _unknown_reasons(action: Action) -> list[str]:
    return [e.detail for e in action.effects if e.effect is EffectKind.UNKNOWN]


# -- git pull ---------------------------------------------------------------------------------


@pytest.fixture()
def down(tmp_path: Path) -> Path:
    """A clone of a repository whose ``main`` (protected) then takes the block out upstream."""
    upstream = protected_repo(tmp_path, side="unprot")
    git(tmp_path, "clone", "-q", str(upstream), str(tmp_path / "down"))
    git(upstream, "merge", "-q", "unprot")  # upstream's main: the bare main.tf
    return tmp_path / "down"


@pytest.mark.parametrize(
    "command",
    [
        "git pull",
        "git pull --ff-only",
        "git pull --autostash",
        "git pull -X theirs --no-edit",
        "git pull --rebase",
        "git pull -r -X ours",
        "git pull origin main",
        "git pull --rebase=merges",
    ],
)
def test_pull_bringing_the_bare_file_names_the_address(command: str, down: Path) -> None:
    assert drops_protection(shell_action(command, down)), command
    assert _run(down, command) == 0
    assert not _kept(down / "infra" / "main.tf")


def _diverged(down: Path) -> None:
    (down / "README.md").write_text("local\n")
    git(down, "commit", "-qam", "local")


@pytest.mark.parametrize(
    ("setting", "command"),
    [(None, "git pull --rebase -s ours"), ("true", "git pull -s ours")],
)
def test_pull_rebasing_with_ours_takes_the_upstream(
    setting: str | None, command: str, down: Path
) -> None:
    """Rebasing, ``ours`` is the upstream: its bare file is written, our commit dropped."""
    _diverged(down)
    if setting:
        git(down, "config", "pull.rebase", setting)
    assert drops_protection(shell_action(command, down)), command
    assert _run(down, command) == 0
    assert not _kept(down / "infra" / "main.tf")


@pytest.mark.parametrize("command", ["git pull -s ours --no-edit", "git pull --no-rebase -s ours"])
def test_pull_merging_with_ours_keeps_the_tree(command: str, down: Path) -> None:
    """False-alarm guard: ``-s ours`` merging keeps our tree (real git checked below)."""
    assert not drops_protection(shell_action(command, down)), command
    assert _run(down, command + (" --no-edit" if "--no-edit" not in command else "")) == 0
    assert _kept(down / "infra" / "main.tf")


def test_pull_from_the_repository_itself_reads_the_branch(tmp_path: Path) -> None:
    """``git pull . unprot`` merges the local ``unprot``; ``. v1`` (already merged) is a
    false-alarm guard."""
    repo = protected_repo(tmp_path, side="unprot")
    assert not drops_protection(shell_action("git pull . v1", repo))
    assert drops_protection(shell_action("git pull . unprot", repo))
    assert _run(repo, "git pull . unprot") == 0
    assert not _kept(repo / "infra" / "main.tf")


def test_pull_dry_run_reads(down: Path) -> None:
    """False-alarm guard: ``--dry-run`` fetches nothing into the work tree."""
    assert not drops_protection(shell_action("git pull --dry-run", down))


# -- --recurse-submodules ---------------------------------------------------------------------


@pytest.fixture()
def superproject(tmp_path: Path) -> Path:
    """``s`` is a submodule whose ``main.tf`` is bare at c1, protected at c2 and c3 (README
    only); the superproject's HEAD~1 records c1, its HEAD c3."""
    module = tmp_path / "module"
    module.mkdir()
    git(module, "init", "-q", "-b", "main")
    (module / "main.tf").write_text(BARE)
    git(module, "add", ".")
    git(module, "commit", "-qm", "c1")
    (module / "main.tf").write_text(PROTECTED)
    git(module, "commit", "-qam", "c2")
    (module / "README").write_text("r\n")
    git(module, "add", "README")
    git(module, "commit", "-qm", "c3")
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    (top / "x").write_text("x\n")
    git(top, "add", "x")
    git(top, "commit", "-qm", "x")
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(module), "s")
    git(top / "s", "checkout", "-q", "HEAD~2")
    git(top, "commit", "-qam", "A")
    git(top / "s", "checkout", "-q", "main")
    git(top, "commit", "-qam", "B")
    return top


@pytest.mark.parametrize(
    "command",
    [
        "git checkout --recurse-submodules HEAD~1",
        "git switch --recurse-submodules --detach HEAD~1",
        "git reset --hard --recurse-submodules HEAD~1",
    ],
)
def test_recursing_into_a_submodule_names_its_protection(command: str, superproject: Path) -> None:
    """The submodule's own HEAD~1 holds main.tf as its HEAD does: only the commit the
    superproject records tells, and it is not read."""
    assert drops_protection(shell_action(command, superproject)), command
    assert _run(superproject, command) == 0
    assert not _kept(superproject / "s" / "main.tf")


def test_submodule_recurse_setting_recurses(superproject: Path) -> None:
    git(superproject, "config", "submodule.recurse", "true")
    assert drops_protection(shell_action("git checkout HEAD~1", superproject))
    assert _run(superproject, "git checkout -q HEAD~1") == 0
    assert not _kept(superproject / "s" / "main.tf")


@pytest.mark.parametrize(
    "command", ["git checkout HEAD~1", "git checkout --no-recurse-submodules HEAD~1"]
)
def test_without_recursion_the_submodule_stays(command: str, superproject: Path) -> None:
    """False-alarm guard: without recursion git leaves the submodule's files alone."""
    assert not drops_protection(shell_action(command, superproject)), command
    assert _run(superproject, command) == 0
    assert _kept(superproject / "s" / "main.tf")


@pytest.mark.parametrize(
    "command",
    [
        "git checkout --recurse-submodules HEAD~1",
        "git switch --recurse-submodules --detach HEAD~1",
        "git reset --hard --recurse-submodules HEAD~1",
    ],
)
def test_update_command_setting_does_not_run_on_recursion(command: str, superproject: Path) -> None:
    """False-alarm guard: ``submodule.s.update = !command`` runs only for ``git submodule
    update`` without a mode; checkout, switch and reset move the submodule themselves."""
    marker = superproject.parent / "ran"
    git(superproject, "config", "submodule.s.update", f"!touch {marker}")
    assert not any(
        "submodule.s.update" in r for r in _unknown_reasons(shell_action(command, superproject))
    )
    assert any(
        "submodule.s.update" in r
        for r in _unknown_reasons(shell_action("git submodule update", superproject))
    )
    assert _run(superproject, command) == 0
    assert not marker.exists()


# -- git apply --------------------------------------------------------------------------------

_PLAIN = "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n l1\n-l2\n+X2\n l3\n"
_REJECTED = _PLAIN + "@@ -1,3 +1,3 @@\n zz\n-nope\n+Y\n zz\n"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    repo = tmp_path / "ap"
    (repo / "sub").mkdir(parents=True)
    for path in (repo / "f", repo / "sub" / "f"):
        path.write_text("l1\nl2\nl3\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    return repo


def _names(action: Action) -> set[str]:
    return {n for e in action.effects if e.effect is not EffectKind.READ for n in e.resource.names}


def test_a_plain_diff_below_the_top_patches_the_file_there(tree: Path, tmp_path: Path) -> None:
    patch = tmp_path / "plain.diff"
    patch.write_text(_PLAIN)
    names = _names(shell_action(f"git apply {patch}", tree / "sub"))
    assert f"file:{tree}/sub/f" in names, names
    assert _run(tree / "sub", f"git apply {patch}") == 0
    assert (tree / "sub" / "f").read_text() == "l1\nX2\nl3\n"
    assert (tree / "f").read_text() == "l1\nl2\nl3\n"


def test_a_git_diff_below_the_top_patches_from_the_top(tree: Path, tmp_path: Path) -> None:
    """False-alarm guard: a ``diff --git`` patch names files from the top."""
    patch = tmp_path / "git.diff"
    hunks = _PLAIN.split("\n", 2)[2]
    patch.write_text(f"diff --git a/sub/f b/sub/f\n--- a/sub/f\n+++ b/sub/f\n{hunks}")
    names = _names(shell_action(f"git apply {patch}", tree / "sub"))
    assert f"file:{tree}/sub/f" in names and f"file:{tree}/sub/sub/f" not in names, names
    assert _run(tree / "sub", f"git apply {patch}") == 0
    assert (tree / "sub" / "f").read_text() == "l1\nX2\nl3\n"


def test_reject_names_the_rej_file(tree: Path, tmp_path: Path) -> None:
    patch = tmp_path / "rej.diff"
    patch.write_text(_REJECTED)
    names = _names(shell_action(f"git apply --reject {patch}", tree))
    assert f"file:{tree}/f.rej" in names, names
    assert _run(tree, f"git apply --reject {patch}") == 1
    assert (tree / "f.rej").exists()


@pytest.mark.parametrize("options", ["", "-3 "])
def test_a_binary_patch_writing_a_blob_of_the_repository_names_the_address(
    options: str, tmp_path: Path
) -> None:
    """False-alarm guard (named before too): the patch holds none of the text it writes --
    the file is judged as written, whatever the patch says."""
    repo = protected_repo(tmp_path, side="same")
    ids = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD:infra/main.tf", "v1:infra/main.tf"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    patch = tmp_path / "bin.diff"
    patch.write_text(
        f"diff --git a/infra/main.tf b/infra/main.tf\nindex {ids[0]}..{ids[1]} 100644\n"
        "Binary files a/infra/main.tf and b/infra/main.tf differ\n"
    )
    command = f"git apply {options}{patch}"
    assert drops_protection(shell_action(command, repo)), command
    assert _run(repo, command) == 0
    assert not _kept(repo / "infra" / "main.tf")


# -- git replace ------------------------------------------------------------------------------


def test_replace_is_a_replace_of_the_repository(tmp_path: Path) -> None:
    repo = protected_repo(tmp_path, side="same")
    effects = shell_action("git replace HEAD v1", repo).effects
    assert any(
        e.effect is EffectKind.REPLACE and "git:local/*" in e.resource.names for e in effects
    ), effects
    assert not any(e.effect is EffectKind.UNKNOWN for e in effects), effects
    assert _run(repo, "git replace HEAD v1 && git reset -q --hard") == 0
    assert not _kept(repo / "infra" / "main.tf")


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ("git replace -l", EffectKind.READ),
        ("git replace", EffectKind.READ),
        ("git replace -d HEAD", EffectKind.UPDATE),
        ("git replace --graft HEAD v1", EffectKind.REPLACE),
        ("git replace -f HEAD v1", EffectKind.REPLACE),
        ("git replace --edit HEAD", EffectKind.REPLACE),
    ],
)
def test_replace_forms(command: str, kind: EffectKind, tmp_path: Path) -> None:
    repo = protected_repo(tmp_path, side="same")
    kinds = {e.effect for e in shell_action(command, repo).effects}
    assert kind in kinds and EffectKind.UNKNOWN not in kinds, kinds


def test_a_line_resetting_after_a_replace_names_the_address(tmp_path: Path) -> None:
    """False-alarm guard (named before too, when ``git replace`` was not understood): the
    replacement is made first on the line, so what reset writes is not what is read."""
    repo = protected_repo(tmp_path, side="same")
    assert drops_protection(shell_action("git replace HEAD v1 && git reset --hard", repo))


def test_replace_ref_base_elsewhere_names_the_address(tmp_path: Path) -> None:
    repo = protected_repo(tmp_path, side="same")
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    git(repo, "update-ref", f"refs/x/{head}", "v1")
    command = "GIT_REPLACE_REF_BASE=refs/x/ git reset --hard"
    assert drops_protection(shell_action(command, repo))
    assert not drops_protection(shell_action("git reset --hard", repo))  # false-alarm guard
    assert _run(repo, command) == 0
    assert not _kept(repo / "infra" / "main.tf")


def test_reset_in_a_repository_holding_replacements_names_the_address(tmp_path: Path) -> None:
    """False-alarm guard (named before too): a later ``git reset --hard`` there."""
    repo = protected_repo(tmp_path, side="same")
    git(repo, "replace", "HEAD", "v1")
    assert drops_protection(shell_action("git reset --hard", repo))


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("git replace --conv", EffectKind.REPLACE),
        ("git replace --convert", EffectKind.REPLACE),
        ("git replace --del HEAD", EffectKind.UPDATE),
        ("git replace --li", EffectKind.READ),
    ],
)
def test_git_replace_options_are_read_abbreviated(
    tmp_path: Path, line: str, kind: EffectKind
) -> None:
    """git takes any unambiguous prefix of a long option: ``--conv`` is
    ``--convert-graft-file``, which makes replacements (it was read as a listing: a read)."""
    repo = protected_repo(tmp_path, side="same")
    assert [e.effect for e in shell_action(line, repo).effects] == [kind]
