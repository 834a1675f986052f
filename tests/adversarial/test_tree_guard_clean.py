"""Whole-tree git operations in a repository that tracks the agent's hook settings, read from the
repository's own objects.

Teams commit ``.claude/settings.json`` (with keyturn's hook in it). ``git stash``, ``reset
--hard``, ``checkout .`` named that file whenever it was tracked, so self-protection refused them
in every such repository, with no approval able to release them -- although git leaves a file
alone when it already holds what the command would write. They are now refused only when the
settings would change: the file differs from the index or the commit the command restores, a
branch switched to holds another version, a stash applied changes it, or an earlier command on
the same line changed the repository (what the disk shows is then not what git will find).

Every case runs against a real repository made with ``git`` and is judged under the BRIEF
policy and under one allowing everything (only the built-ins refuse there).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.hardening._judging import DEFAULT_ALLOW

from keyturn.localfiles import LocalFiles
from keyturn.localgit import git_entries
from keyturn.model import Actor, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand.shell import understand_shell

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

ACTOR = Actor(agent="claude-code", operator="dev")
SETTINGS = ".claude/settings.json"
KIRO_HOOK = ".kiro/hooks/keyturn.kiro.hook"


def _git(repo: Path, *args: str, stdin: str | None = None) -> str:
    env = {
        "HOME": str(repo.parent / "home"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "PATH": os.environ["PATH"],
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout.strip()


def _repository(tmp_path: Path) -> Path:
    """A project tracking Claude's and Kiro's hook settings, ignoring the local ones, with
    uncommitted work in ``app.py``; branch ``same`` differs in ``app.py`` only, branch
    ``other`` holds other hook settings."""
    repo = tmp_path / "repo"
    (repo / ".claude").mkdir(parents=True)
    (repo / ".kiro" / "hooks").mkdir(parents=True)
    (repo / SETTINGS).write_text('{"hooks": {"PreToolUse": ["keyturn hook claude-code"]}}\n')
    (repo / ".claude" / "settings.local.json").write_text("{}\n")
    (repo / KIRO_HOOK).write_text('{"then": "keyturn hook kiro"}\n')
    (repo / ".gitignore").write_text("/.claude/settings.local.json\n")
    (repo / "app.py").write_text("print(1)\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "init")
    _git(repo, "checkout", "-qb", "same")
    (repo / "app.py").write_text("print(2)\n")
    _git(repo, "commit", "-qam", "app only")
    _git(repo, "checkout", "-q", "main")
    _git(repo, "checkout", "-qb", "other")
    (repo / SETTINGS).write_text('{"hooks": {}}\n')
    _git(repo, "commit", "-qam", "hooks off")
    _git(repo, "checkout", "-q", "main")
    (repo / "app.py").write_text("print('work in progress')\n")
    return repo


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return _repository(tmp_path)


@pytest.fixture()
def policies(brief_policy: Policy) -> tuple[Policy, Policy]:
    return brief_policy, load_policy(DEFAULT_ALLOW)


def _refused(command: str, repo: Path, policies: tuple[Policy, Policy]) -> bool:
    """Whether self-protection refuses ``command`` run in ``repo``, under both policies alike."""
    action = understand_shell(
        command, cwd=str(repo), home=str(repo.parent / "home"), files=LocalFiles()
    )
    found = []
    for policy in policies:
        decision = policy.judge(action, actor=ACTOR)
        refused = SELF_PROTECTION_RULE in {j.rule for j in decision.judgements}
        assert not refused or decision.decision is Verdict.DENY, (command, decision.reasons)
        found.append(refused)
    assert found[0] == found[1], (command, found)
    return found[0]


# Git leaves the hook settings as they are: nothing of keyturn's is touched.
LEAVES_SETTINGS = [
    "git stash",
    "git stash push -m wip",
    "git stash -k",
    "git reset --hard",
    "git reset --hard HEAD",
    "git reset --hard @",
    "git reset --hard same",
    "git reset --merge",
    "git checkout .",
    "git checkout -- .",
    "git checkout HEAD -- .",
    "git checkout same -- .",
    "git restore .",
    "git restore -W .",
    "git restore --staged --worktree .",
    "git restore --source=same .",
    "git checkout -f",
    "git checkout same",
    "git checkout -f same",
    "git switch same",
    "git switch -f same",
    "git switch --discard-changes same",
    "git checkout -b topic same",
    "git switch -c topic same",
    "git switch -c topic",
    "git checkout -b topic",
]


@pytest.mark.parametrize("command", LEAVES_SETTINGS)
def test_commands_that_leave_clean_hook_settings_alone_are_not_refused(
    repo: Path, policies: tuple[Policy, Policy], command: str
) -> None:
    assert not _refused(command, repo, policies)


# Each changes a hook settings file: refused whatever the policy.
CHANGES_SETTINGS = [
    "git checkout other",
    "git switch other",
    "git checkout -f other",
    "git switch -f other",
    "git reset --hard other",
    "git checkout other -- .",
    "git checkout other -- .claude",
    "git restore --source=other .",
    "git checkout -b topic other",
    "git switch -c topic other",
    "git switch --orphan empty",
    "git stash -a",
    # what cannot be read counts as a change
    "git reset --hard no-such-branch",
    "git reset --hard 'HEAD@{2 days ago}'",
    "git checkout HEAD~5 -- .",
    # an earlier command on the line may change what git finds
    "git rm -q --cached app.py && git stash",
    "git branch -f same other && git checkout same",  # same now holds other's settings
    "git update-index --cacheinfo 100644,0000000000000000000000000000000000000000,x; "
    "git checkout .",
    "bash -c 'git branch -f same other; git switch same'",
    "python3 rewrite_index.py && git checkout .",
]


@pytest.mark.parametrize("command", CHANGES_SETTINGS)
def test_commands_that_change_hook_settings_are_refused(
    repo: Path, policies: tuple[Policy, Policy], command: str
) -> None:
    assert _refused(command, repo, policies)


def test_a_local_change_to_the_settings_makes_restoring_them_a_change(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    (repo / SETTINGS).write_text('{"hooks": {"PreToolUse": []}}\n')
    for command in ("git stash", "git checkout .", "git reset --hard", "git restore ."):
        assert _refused(command, repo, policies), command
    # A switch carries the local change over when both branches hold the same file.
    assert not _refused("git checkout same", repo, policies)


def test_a_changed_mode_or_a_link_in_place_of_the_file_is_a_change(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    (repo / KIRO_HOOK).chmod(0o755)
    assert _refused("git checkout .", repo, policies)
    (repo / KIRO_HOOK).chmod(0o644)
    assert not _refused("git checkout .", repo, policies)
    target = repo / SETTINGS
    text = target.read_text()
    target.unlink()
    (repo / "elsewhere.json").write_text(text)
    target.symlink_to(repo / "elsewhere.json")
    assert _refused("git reset --hard", repo, policies)


def test_an_index_entry_crafted_for_the_settings_is_seen(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    """The agent writes a blob with its hooks removed and points the index at it without touching
    the file: ``checkout .`` would then write it."""
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin='{"hooks": {}}\n')
    _git(repo, "update-index", "--cacheinfo", f"100644,{blob},{SETTINGS}")
    assert _refused("git checkout .", repo, policies)
    assert _refused("git restore .", repo, policies)
    # Committed: the work tree still shows the old file, HEAD and the index the new one.
    _git(repo, "commit", "-qm", "quietly")
    assert _refused("git reset --hard", repo, policies)
    assert _refused("git stash", repo, policies)


def test_a_stash_applied_is_judged_on_what_it_changes(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    _git(repo, "stash", "-q")  # the app.py work: no settings in it
    assert not _refused("git stash pop", repo, policies)
    assert not _refused("git stash apply stash@{0}", repo, policies)
    _git(repo, "stash", "pop", "-q")
    (repo / SETTINGS).write_text('{"hooks": {}}\n')  # (done by a person: a stash holding it)
    _git(repo, "stash", "-q")
    assert _refused("git stash pop", repo, policies)
    assert _refused("git stash apply", repo, policies)
    assert _refused("git stash apply 3", repo, policies)  # no such stash: cannot be told


def test_untracked_files_under_stash_u(repo: Path, policies: tuple[Policy, Policy]) -> None:
    # The tracked .kiro/hooks folder may hold untracked files stash -u takes: refused.
    assert _refused("git stash -u", repo, policies)
    shutil.rmtree(repo / ".kiro")
    _git(repo, "rm", "-rq", "--cached", ".kiro")
    _git(repo, "commit", "-qm", "no kiro")
    # Claude's tracked settings are clean and its local ones ignored: left alone.
    assert not _refused("git stash -u", repo, policies)
    (repo / ".gitignore").write_text("")
    assert _refused("git stash -u", repo, policies)  # settings.local.json would be stashed


def test_the_previous_branch_and_a_remote_branch_are_resolved(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    _git(repo, "stash", "-q")
    _git(repo, "checkout", "-q", "other")
    _git(repo, "checkout", "-q", "main")
    assert _refused("git checkout -", repo, policies)  # back to other
    _git(repo, "checkout", "-q", "same")
    _git(repo, "checkout", "-q", "main")
    assert not _refused("git checkout -", repo, policies)
    clone = repo.parent / "clone"
    _git(repo.parent, "clone", "-q", str(repo), str(clone))
    assert _refused("git checkout other", clone, policies)  # only origin/other exists
    assert not _refused("git checkout same", clone, policies)
    assert not _refused("git stash", clone, policies)


def test_packed_objects_and_linked_work_trees_are_read(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    _git(repo, "gc", "-q", "--aggressive")
    assert not list((repo / ".git" / "objects").glob("??/*"))  # every object is in a pack
    assert not _refused("git stash", repo, policies)
    assert _refused("git checkout other", repo, policies)
    linked = repo.parent / "linked"
    _git(repo, "worktree", "add", "-q", str(linked), "same")
    assert (linked / ".git").is_file()
    assert not _refused("git reset --hard", linked, policies)
    assert _refused("git switch -f other", linked, policies)
    (linked / SETTINGS).write_text("{}\n")
    assert _refused("git reset --hard", linked, policies)


def test_entries_name_each_file_with_its_mode_and_object(repo: Path) -> None:
    blob = _git(repo, "rev-parse", f"HEAD:{SETTINGS}")
    entries = git_entries(str(repo), ".claude", ["HEAD"])
    assert entries is not None
    assert entries.commit("HEAD") == {SETTINGS: f"100644 {blob}"}
    assert dict(entries.index) == dict(entries.worktree) == entries.commit("HEAD")
    changed = _git(repo, "rev-parse", f"other:{SETTINGS}")
    other = git_entries(str(repo), SETTINGS, ["other"])
    assert other is not None
    assert other.commit("other") == {SETTINGS: f"100644 {changed}"}
    first = _git(repo, "rev-parse", "other~1")
    assert _git(repo, "rev-parse", "main") == first
    stepped = git_entries(str(repo), SETTINGS, ["other^"])
    assert stepped is not None and stepped.commit("other^") == {SETTINGS: f"100644 {blob}"}
    # One reading serves every revision compared; one that cannot be read says so alone.
    both = git_entries(str(repo), SETTINGS, ["HEAD", "other", "other~9"])
    assert both is not None
    assert both.commit("HEAD") == {SETTINGS: f"100644 {blob}"}
    assert both.commit("other") == {SETTINGS: f"100644 {changed}"}
    assert both.commit("other~9") is None
    absent = git_entries(str(repo), "no/such/file", ["HEAD", "main"])
    assert absent is not None and absent.commit("HEAD") == absent.commit("main") == {}
    assert git_entries(str(repo.parent), SETTINGS, ["HEAD"]) is None  # no repository there


def test_a_repository_with_no_commit_yet(tmp_path: Path, policies: tuple[Policy, Policy]) -> None:
    repo = tmp_path / "fresh"
    (repo / ".claude").mkdir(parents=True)
    (repo / SETTINGS).write_text("{}\n")
    _git(tmp_path, "init", "-q", str(repo))
    entries = git_entries(str(repo), SETTINGS, ["HEAD"])
    assert entries is not None and entries.commit("HEAD") == {} and not entries.index
    assert not _refused("git stash", repo, policies)  # untracked, not in HEAD: left alone
    _git(repo, "add", SETTINGS)
    assert _refused("git reset --hard", repo, policies)  # staged: reset --hard removes it


@pytest.mark.parametrize(
    "command",
    [
        "git merge same",
        "git merge --no-ff -m 'merge same' same",
        "git rebase same",
        "git rebase --onto same main",
        "git cherry-pick same",
        "git cherry-pick -x same",
        "git revert --no-edit same",
        "git merge --abort",
        "git rebase --continue",
        "git cherry-pick --skip",
    ],
)
def test_bringing_in_commits_that_leave_the_settings_is_not_refused(
    repo: Path, policies: tuple[Policy, Policy], command: str
) -> None:
    assert not _refused(command, repo, policies)


@pytest.mark.parametrize(
    "command",
    [
        "git merge other",
        "git merge same other",
        "git merge -s recursive -X theirs other",
        "git rebase other",
        "git rebase -i other",
        "git rebase --onto=other main",
        "git rebase main other",  # switches to other first
        "git cherry-pick other",
        "git cherry-pick -n other",
        "git revert other",
        "git cherry-pick main..other",  # a range: not told here
        "git merge no-such-branch",
        "git merge",  # no upstream configured: not told
    ],
)
def test_bringing_in_other_hook_settings_is_refused(
    repo: Path, policies: tuple[Policy, Policy], command: str
) -> None:
    assert _refused(command, repo, policies)


def test_a_merge_keeps_our_settings_when_only_we_changed_them(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    (repo / SETTINGS).write_text('{"hooks": {"PreToolUse": ["keyturn hook claude-code", "x"]}}\n')
    _git(repo, "commit", "-qam", "a person adds a hook")
    assert not _refused("git merge same", repo, policies)  # same parted before: keeps ours
    assert not _refused("git rebase HEAD~1", repo, policies)
    assert _refused("git merge other", repo, policies)  # both changed them: conflict or theirs


def test_the_upstream_is_read_from_the_branch_settings(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    _git(repo, "stash", "-q")
    clone = repo.parent / "clone"
    _git(repo.parent, "clone", "-q", str(repo), str(clone))
    assert not _refused("git merge", clone, policies)  # origin/main: the same settings
    assert not _refused("git rebase", clone, policies)
    assert not _refused("git merge @{u}", clone, policies)
    _git(clone, "branch", "-q", "--set-upstream-to=origin/other")
    assert _refused("git merge", clone, policies)
    assert _refused("git rebase", clone, policies)


@pytest.mark.parametrize(
    "command",
    [
        "GIT_INDEX_FILE=.git/evil-index git checkout .",
        "export GIT_INDEX_FILE=.git/evil-index; git checkout .",
        "GIT_INDEX_FILE=.git/evil-index; export GIT_INDEX_FILE; git restore .",
        "env GIT_INDEX_FILE=.git/evil-index git checkout .",
        "GIT_DIR=.git GIT_WORK_TREE=. git reset --hard",
        "git --git-dir=.git checkout .",
        "git --work-tree=. checkout .",
        "git -c core.excludesFile=/dev/null stash -u",
        "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.worktree GIT_CONFIG_VALUE_0=/ git stash",
    ],
)
def test_a_repository_read_from_elsewhere_spares_nothing(
    repo: Path, policies: tuple[Policy, Policy], command: str
) -> None:
    """An index (or repository) other than the one keyturn reads may hold anything: an agent
    builds one pointing the settings at its own blob, then checks it out."""
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin='{"hooks": {}}\n')
    evil = {**os.environ, "GIT_INDEX_FILE": str(repo / ".git" / "evil-index")}
    subprocess.run(["git", "-C", str(repo), "read-tree", "HEAD"], env=evil, check=True)
    subprocess.run(
        ["git", "-C", str(repo), "update-index", "--cacheinfo", f"100644,{blob},{SETTINGS}"],
        env=evil,
        check=True,
    )
    assert not _refused("git checkout .", repo, policies)  # the work tree's own index
    assert _refused(command, repo, policies)


@pytest.mark.parametrize(
    "command",
    [
        "git add -A && git commit -qm wip && git checkout same",
        "git commit -am wip && git switch same",
        "git add app.py; git commit -m wip; git merge same",
        "git commit -am wip && git rebase same",
        "git add -A && git stash",
        "git add . && git commit -m x && git reset --hard",
        "bash -c 'git commit -qam wip; git reset --hard'",
    ],
)
def test_recording_work_first_keeps_clean_settings_spared(
    repo: Path, policies: tuple[Policy, Policy], command: str
) -> None:
    """``git add``/``git commit`` carry the work tree into the index and HEAD: settings the three
    hold alike stay so, and what follows is judged as it would be alone."""
    assert not _refused(command, repo, policies)


def test_recording_work_first_spares_nothing_once_the_settings_differ(
    repo: Path, policies: tuple[Policy, Policy]
) -> None:
    blob = _git(repo, "hash-object", "-w", "--stdin", stdin='{"hooks": {}}\n')
    _git(repo, "update-index", "--cacheinfo", f"100644,{blob},{SETTINGS}")  # staged, not on disk
    # Committed first, HEAD would hold the crafted settings: a switch to a branch holding the
    # old ones (as HEAD does now) would then rewrite them.
    assert _refused("git commit -m x && git checkout same", repo, policies)
    assert _refused("git commit --amend --no-edit && git checkout same", repo, policies)
    assert _refused("git add -A && git commit -m x && git merge same", repo, policies)
    assert _refused("git rm --cached -q app.py && git checkout same", repo, policies)
