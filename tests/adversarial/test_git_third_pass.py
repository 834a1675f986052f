"""git on the shell, third red-team pass: what real git 2.39.5 did in scratch repositories
(/tmp/gitlab-h3), and keyturn must see.

- ``git pull`` hands its refspecs to fetch: ``git pull origin +side:main`` force-rewrote the
  local ``main`` (even though the merge then failed), ``git pull origin side:main``
  fast-forwarded it, ``git pull --rebase origin +side:main`` too; ``-s``/``--strategy`` and
  ``-X``/``--strategy-option`` take the next word, ``--rebase`` a value only after ``=``
  (``git pull -h``). A bare ``git pull`` with ``remote.origin.fetch =
  +refs/heads/*:refs/heads/*`` force-rewrote ``main``.
- ``git fetch origin main`` with that ``remote.origin.fetch`` force-updated the local
  ``main`` (the configured refspecs map the refs named on the command line), and so did
  ``git fetch --refmap='+refs/heads/*:refs/heads/*' origin main``; ``--refmap=`` (empty)
  turned that off. ``git remote update`` fetched with the configured refspecs and rewrote
  ``main`` too.
- ``git remote add --mirror=push NAME URL`` wrote ``remote.NAME.mirror = true`` (and
  ``--mirror`` alone also ``fetch = +refs/*:refs/*``); ``git remote add -f --mirror=fetch NAME
  URL`` force-rewrote the local ``main`` at once.
- ``git --work-tree=DIR`` (or ``GIT_WORK_TREE``) without ``--git-dir`` found its repository
  from the directory it ran in (``rev-parse --git-dir`` said ``.git``; ``config --get
  remote.origin.mirror`` did not see the work tree's own repository's setting).
- ``git branch -C side main`` overwrote ``main``; ``git branch -m main old`` left no ``main``.
- ``git update-ref`` (git-update-ref(1)): ``-d REF`` deletes the ref, ``REF NEWVALUE`` sets it
  to any commit, not only a fast-forward.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell
from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Effect, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'
_CONFIG = f"{CWD}/.git/config"
# A repository with ``main`` checked out.
_REPO = {
    f"{CWD}/.git/HEAD": "ref: refs/heads/main\n",
    _CONFIG: '[remote "origin"]\n\turl = /srv/remote.git\n'
    "\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
}
# ``remote.origin.fetch`` that writes local branches.
_INTO_BRANCHES = {
    _CONFIG: '[remote "origin"]\n\turl = /srv/remote.git\n\tfetch = +refs/heads/*:refs/heads/*\n'
}


def effects(
    command: str, files: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> list[Effect]:
    reader = MemoryFiles({**_REPO, **(files or {})})
    action = understand_shell(command, cwd=CWD, home=HOME, env=env, files=reader)
    return list(action.effects)


def pairs(
    command: str, files: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> set[tuple[str, str]]:
    return {(e.effect.value, n) for e in effects(command, files, env) for n in e.resource.names}


_FORCE_RULE = '    deny:\n      - command: "git push --force*"\n'


@pytest.fixture(scope="module")
def protected_git() -> Policy:
    """The BRIEF policy with every ``main`` branch protected, without its ``git push
    --force*`` rule: protection must hold on its own."""
    assert _FORCE_RULE in BRIEF_POLICY
    text = BRIEF_POLICY.replace(_FORCE_RULE, "")
    return load_policy(text.replace(_PROTECTED, _PROTECTED + '  - "git:*/main"\n'))


def decision(policy: Policy, command: str, files: dict[str, str] | None = None) -> Verdict:
    action = understand_shell(
        command, cwd=CWD, home=HOME, files=MemoryFiles({**_REPO, **(files or {})})
    )
    return policy.judge(action, actor=Actor(agent="kiro", operator="bob")).decision


# 1. git pull's refspecs write local branches.


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("git pull origin +main:main", ("replace", "git:local/main")),
        ("git pull origin side:main", ("update", "git:local/main")),
        ("git pull . +x:main", ("replace", "git:local/main")),
        ("git pull -f origin side:main", ("replace", "git:local/main")),
        ("git pull --force origin side:refs/heads/main", ("replace", "git:local/main")),
        ("git pull -s ours origin +side:main", ("replace", "git:local/main")),
        ("git pull --strategy ours origin +side:main", ("replace", "git:local/main")),
        ("git pull -X theirs origin +side:main", ("replace", "git:local/main")),
        ("git pull --strategy-option theirs origin +side:main", ("replace", "git:local/main")),
        ("git pull -rs ours origin +side:main", ("replace", "git:local/main")),
        ("git pull --rebase origin +side:main", ("replace", "git:local/main")),
        ("git pull -r origin +side:main", ("replace", "git:local/main")),
        ("git pull --rebase=merges origin +side:main", ("replace", "git:local/main")),
        ("git pull --ff-only origin side:main", ("update", "git:local/main")),
        ("git pull --forc origin side:main", ("replace", "git:local/main")),
    ],
)
def test_pull_refspecs_write_local_branches(command: str, expected: tuple[str, str]) -> None:
    found = pairs(command)
    assert expected in found, found
    assert ("update", "git:local/HEAD") in found  # it still merges into the branch checked out


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("git pull", ("replace", "git:local/*")),
        ("git pull --rebase", ("replace", "git:local/*")),
        ("git pull origin main", ("replace", "git:local/main")),
        # -s takes "ours": origin is the remote whose refspecs map main.
        ("git pull -s ours origin main", ("replace", "git:local/main")),
        ("git pull -X ours origin main", ("replace", "git:local/main")),
    ],
)
def test_pull_with_refspecs_into_local_branches_in_the_settings(
    command: str, expected: tuple[str, str]
) -> None:
    assert expected in pairs(command, _INTO_BRANCHES), pairs(command, _INTO_BRANCHES)


@pytest.mark.parametrize(
    ("ordinary", "writing"),
    [
        ("git pull", "git pull origin +main:main"),
        ("git pull origin main", "git pull origin side:main"),
        ("git pull --rebase origin main", "git pull --rebase origin +side:main"),
        ("git pull -s ours", "git pull -s ours . +x:main"),
    ],
)
def test_only_pulls_into_local_branches_name_them(ordinary: str, writing: str) -> None:
    names = {n for _, n in pairs(ordinary)}
    assert not {n for n in names if n.startswith("git:local/") and n != "git:local/HEAD"}, names
    assert "unknown" not in {kind for kind, _ in pairs(ordinary)}
    assert any(n.startswith("git:local/main") for _, n in pairs(writing)), pairs(writing)


@pytest.mark.parametrize(
    "command",
    ["git pull origin +main:main", "git pull . +x:main", "git pull -s ours origin +side:main"],
)
def test_pull_rewriting_the_protected_branch_is_denied(protected_git: Policy, command: str) -> None:
    assert decision(protected_git, command) is Verdict.DENY


# 2. fetch maps the refs it names through the refmap (--refmap, else the remote's refspecs).


@pytest.mark.parametrize(
    ("command", "files", "expected"),
    [
        ("git fetch origin main", _INTO_BRANCHES, ("replace", "git:local/main")),
        ("git fetch origin refs/heads/main", _INTO_BRANCHES, ("replace", "git:local/main")),
        ("git fetch origin main:tmp", _INTO_BRANCHES, ("replace", "git:local/main")),
        (
            "git fetch --refmap='+refs/heads/*:refs/heads/*' origin main",
            None,
            ("replace", "git:local/main"),
        ),
        (
            "git fetch --refmap='refs/heads/*:refs/heads/*' /srv/x main",
            None,
            ("update", "git:local/main"),
        ),
        ("git remote update", _INTO_BRANCHES, ("replace", "git:local/*")),
        ("git remote update origin", _INTO_BRANCHES, ("replace", "git:local/*")),
    ],
)
def test_fetch_refmap_writes_local_branches(
    command: str, files: dict[str, str] | None, expected: tuple[str, str]
) -> None:
    assert expected in pairs(command, files), pairs(command, files)


_REFMAP = "--refmap='+refs/heads/*:refs/heads/*'"


@pytest.mark.parametrize(
    ("reading", "reading_files", "writing", "writing_files"),
    [
        ("git fetch origin main", None, f"git fetch {_REFMAP} origin main", None),
        (
            "git fetch --refmap= origin main",
            _INTO_BRANCHES,
            "git fetch origin main",
            _INTO_BRANCHES,
        ),
        (
            "git fetch --refmap='+refs/heads/*:refs/remotes/o/*' origin main",
            _INTO_BRANCHES,
            f"git fetch {_REFMAP} origin main",
            None,
        ),
        ("git remote update", None, "git remote update", _INTO_BRANCHES),
    ],
)
def test_only_a_refmap_into_local_branches_writes_them(
    reading: str,
    reading_files: dict[str, str] | None,
    writing: str,
    writing_files: dict[str, str] | None,
) -> None:
    names = {n for _, n in pairs(reading, reading_files) if n.startswith("git:local/")}
    assert names <= {"git:local/HEAD", "git:local/remotes/?"}, names
    found = pairs(writing, writing_files)
    assert {("replace", "git:local/main"), ("replace", "git:local/*")} & found, found


# 3. A remote added as a mirror makes later pushes (and fetches) mirror ones.


@pytest.mark.parametrize(
    "command",
    [
        "git remote add --mirror=push o2 /srv/x.git && git push o2",
        "git remote add --mirror=push o2 /srv/x.git; git push o2 main",
        "git remote add --mirror o2 /srv/x.git && git push o2",
        "git remote add --mirr=push o2 /srv/x.git && git push o2",
        "git remote rename mirrored origin && git push",
    ],
)
def test_push_after_a_mirror_remote_is_added_replaces_every_branch(
    command: str, protected_git: Policy, judge_shell: JudgeShell
) -> None:
    found = pairs(command)
    remote = "git:origin/*" if "rename" in command else "git:o2/*"
    assert ("replace", remote) in found, found
    assert "unknown" in {kind for kind, _ in found}
    assert decision(protected_git, command) is Verdict.DENY
    assert judge_shell(command, files=_REPO).decision is Verdict.DENY


@pytest.mark.parametrize(
    "command",
    [
        "git remote add -f --mirror=fetch o5 /srv/x.git",
        "git remote add --mirror=fetch -f o5 /srv/x.git",
        "git remote add --fetch --mirror o5 /srv/x.git",
    ],
)
def test_remote_add_fetching_as_a_mirror_rewrites_local_branches(
    command: str, protected_git: Policy
) -> None:
    assert ("replace", "git:local/*") in pairs(command), pairs(command)
    assert decision(protected_git, command) is Verdict.DENY


@pytest.mark.parametrize(
    "command",
    [
        "git remote add {} o2 /srv/x.git && git push -u o2 main",
        "git remote add -f {} o2 /srv/x.git && git push o2 main",
    ],
)
def test_only_a_mirror_remote_makes_later_pushes_mirror_ones(command: str) -> None:
    found = pairs(command.format(""))
    assert ("update", "git:o2/main") in found, found
    assert "unknown" not in {kind for kind, _ in found}
    assert not any(n.startswith("git:local/") and n != "git:local/remotes/o2" for _, n in found)
    mirrored = pairs(command.format("--mirror=push"))
    assert ("replace", "git:o2/*") in mirrored, mirrored


# 4. --work-tree alone: the repository is the one git finds from where it runs.


@pytest.mark.parametrize(
    ("command", "env"),
    [
        ("git --work-tree=/tmp/x push origin main", None),
        ("git --work-tree /tmp/x push origin main", None),
        ("GIT_WORK_TREE=/tmp/x git push origin main", None),
        ("git push origin main", {"GIT_WORK_TREE": "/tmp/x"}),
    ],
)
def test_push_with_only_a_work_tree_is_a_push_from_the_cwd_repository(
    command: str, env: dict[str, str] | None
) -> None:
    found = pairs(command, env=env)
    assert ("update", "git:origin/main") in found, found
    assert "unknown" not in {kind for kind, _ in found}, found


def test_work_tree_push_reads_the_cwd_repositorys_settings() -> None:
    mirror = {_CONFIG: '[remote "origin"]\n\turl = /srv/remote.git\n\tmirror = true\n'}
    assert ("replace", "git:origin/*") in pairs("git --work-tree=/tmp/x push", mirror)
    # The work tree's own repository is not the one git uses.
    elsewhere = {
        "/srv/wt/.git/HEAD": "ref: refs/heads/main\n",
        "/srv/wt/.git/config": '[remote "origin"]\n\turl = /srv/r.git\n\tmirror = true\n',
    }
    found = pairs("git --work-tree=/srv/wt push origin main", elsewhere)
    assert ("replace", "git:origin/*") not in found, found
    assert ("update", "git:origin/main") in found, found


def test_work_tree_from_another_folder_finds_the_repository_there() -> None:
    mirror = {"/srv/r/.git/config": '[remote "origin"]\n\turl = /x.git\n\tmirror = true\n'}
    found = pairs("git -C /srv/r --work-tree=/tmp/x push origin main", mirror)
    assert ("replace", "git:origin/*") in found, found


# 5. branch copies and renames name the branch written and the one renamed away.


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("git branch -C side main", ("replace", "git:local/main")),
        ("git branch --copy --force side main", ("replace", "git:local/main")),
        ("git branch -cf side main", ("replace", "git:local/main")),
        ("git branch -c side main", ("create", "git:local/main")),
        ("git branch -m main old", ("delete", "git:local/main")),
        ("git branch -M main old", ("delete", "git:local/main")),
        ("git branch --move main old", ("delete", "git:local/main")),
        ("git branch -m old", ("delete", "git:local/main")),  # main is checked out
        ("git branch -M side main", ("delete", "git:local/side")),
    ],
)
def test_branch_copy_and_rename_name_the_branches(
    command: str, expected: tuple[str, str], protected_git: Policy
) -> None:
    assert expected in pairs(command), pairs(command)
    if expected[1] == "git:local/main" and expected[0] != "create":
        assert decision(protected_git, command) is Verdict.DENY


def test_branch_copy_of_a_new_name_is_not_a_rewrite() -> None:
    found = pairs("git branch -c main feature")
    assert ("create", "git:local/feature") in found, found
    assert not any(n == "git:local/main" for _, n in found), found


# 6. update-ref names the ref it deletes or sets.


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("git update-ref -d refs/heads/main", ("delete", "git:local/main")),
        ("git update-ref -m x -d refs/heads/main", ("delete", "git:local/main")),
        ("git update-ref refs/heads/main HEAD~3", ("replace", "git:local/main")),
        ("git update-ref --no-deref refs/heads/main 0123abcd", ("replace", "git:local/main")),
        ("git update-ref -d refs/tags/v1", ("delete", "git:local/tags/v1")),
    ],
)
def test_update_ref_names_the_ref(
    command: str, expected: tuple[str, str], protected_git: Policy
) -> None:
    assert expected in pairs(command), pairs(command)
    if expected[1] == "git:local/main":
        assert decision(protected_git, command) is Verdict.DENY


def test_update_ref_from_stdin_alone_is_unknown() -> None:
    assert "unknown" in {kind for kind, _ in pairs("git update-ref --stdin < refs.txt")}
    assert "unknown" not in {kind for kind, _ in pairs("git update-ref -d refs/heads/x")}
