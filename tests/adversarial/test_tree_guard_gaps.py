"""Whole-tree operations that reach an agent's hook settings without naming them, and paths that
climb with ``..`` out of a part decided at run time.

1. ``git clean -fdx``, ``git stash -u``, ``git reset --hard``, ``git checkout .``, ``git mv .claude
   x``, ``find . -delete``... were a change of ``file:<repo>/*``, which self-protection does not
   guard: all were ``allow`` under a policy allowing everything although they remove or rewrite
   ``.claude/settings.local.json`` (the hook settings). The hook settings files the reader shows
   in the tree are now named, as far as the command changes them: git spares what it does not
   touch (``clean`` without ``-x`` keeps ignored files, ``stash`` without ``-u`` untracked ones,
   every subcommand here tracked ones but ``stash``, ``reset`` and ``checkout``/``restore``,
   which rewrite only a tracked file that differs from what they restore:
   ``test_tree_guard_clean.py``), what cannot be told counts as changed.
2. ``rm -rf "$(dirname "$(readlink -f "$(which keyturn)")")/../lib"`` was a plain delete of
   ``<cwd>/lib`` (``allow`` under an open policy): the ``..`` dropped the part decided at run
   time. Such a path now names a place decided at run time.

Each case is judged under the BRIEF policy and under one allowing everything (only the built-ins
refuse there).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.hardening._judging import DEFAULT_ALLOW

from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Actor, EffectKind, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand import FileReader, MemoryFiles
from keyturn.understand.shell import understand_shell

HOME = "/home/dev"
# .claude/settings.json committed (in the index), settings.local.json ignored by .gitignore.
REPO = f"{HOME}/repo"
# The same files, but the index holds neither: settings.json is untracked.
FRESH = f"{HOME}/fresh"
# Every agent's hook settings; no index, no ignore file: nothing about them can be told.
LOOSE = f"{HOME}/loose"
# No hook settings at all.
PLAIN = f"{HOME}/plain"
ACTOR = Actor(agent="claude-code", operator="dev")
_ORDER = {Verdict.ALLOW: 0, Verdict.ASK: 1, Verdict.DENY: 2}
_LABELS = ("brief", "allow-everything")


def _index(*paths: str) -> str:
    """A version-2 git index holding ``paths``, as the file reader gives it (text)."""
    entries = ""
    for path in sorted(paths):
        entry = "\x00" * 60 + "\x00" + chr(len(path)) + path  # stat data, SHA-1, flags, name
        entries += entry + "\x00" * (8 - len(entry) % 8)
    return "DIRC\x00\x00\x00\x02\x00\x00\x00" + chr(len(paths)) + entries + "\x00" * 20


def _project(root: str, index: str | None) -> dict[str, str]:
    files = {
        f"{root}/.git/HEAD": "ref: refs/heads/main\n",
        f"{root}/.gitignore": "__pycache__/\n.claude/settings.local.json\n",
        f"{root}/.claude/settings.json": '{"hooks": {}}',
        f"{root}/.claude/settings.local.json": '{"hooks": {}}',
        f"{root}/src/app.py": "print('hi')\n",
        f"{root}/a.txt": "a\n",
    }
    if index is not None:
        files[f"{root}/.git/index"] = index
    return files


FILES = MemoryFiles(
    {
        **_project(REPO, _index(".gitignore", ".claude/settings.json", "src/app.py")),
        **_project(FRESH, _index(".gitignore", "src/app.py")),
        f"{LOOSE}/.git/HEAD": "ref: refs/heads/main\n",
        f"{LOOSE}/.codex/config.toml": "[hooks]\n",
        f"{LOOSE}/.gemini/settings.json": "{}",
        f"{LOOSE}/.cursor/hooks.json": "{}",
        f"{LOOSE}/.kiro/hooks/keyturn.kiro.hook": "{}",
        f"{LOOSE}/src/app.py": "",
        f"{PLAIN}/.git/HEAD": "ref: refs/heads/main\n",
        f"{PLAIN}/.gitignore": "*.pyc\n",
        f"{PLAIN}/src/app.py": "",
        f"{PLAIN}/a.txt": "a\n",
    }
)


@pytest.fixture()
def policies(brief_policy: Policy) -> tuple[Policy, Policy]:
    return brief_policy, _open_policy()


def _open_policy() -> Policy:
    if "open" not in _LOADED:
        _LOADED["open"] = load_policy(DEFAULT_ALLOW)
    return _LOADED["open"]


_LOADED: dict[str, Policy] = {}


def _shell(command: str, cwd: str, files: FileReader = FILES, home: str = HOME) -> Action:
    return understand_shell(command, cwd=cwd, home=home, files=files)


def _judge(policy: Policy, action: Action) -> tuple[Verdict, set[str]]:
    decision = policy.judge(action, actor=ACTOR)
    return decision.decision, {j.rule for j in decision.judgements}


def _names(action: Action) -> set[str]:
    return {n for e in action.effects if e.effect is not EffectKind.READ for n in e.resource.names}


REACHING = [
    # -- git clean: -x removes the ignored settings.local.json, -X only ignored files (it)
    (REPO, "git clean -fdx"),
    (REPO, "git clean -xdf"),
    (REPO, "git clean -ffdx"),
    (REPO, "git clean -fdX"),
    (REPO, "git clean --force -d -x"),
    (f"{REPO}/src", "git -C .. clean -fdx"),
    # without -x: an untracked settings.json that is not ignored goes
    (FRESH, "git clean -fd"),
    (FRESH, "git clean -f"),
    # -- git stash: reverts the tracked settings.json; -u/-a take untracked/ignored ones too
    (REPO, "git stash"),
    (REPO, "git stash push -m wip"),
    (REPO, "git stash -a"),
    (REPO, "git stash --all"),
    (FRESH, "git stash -u"),
    (FRESH, "git stash --include-untracked"),
    (FRESH, "git stash push -u"),
    (FRESH, "git stash -ku"),
    # -- reset --hard, checkout/restore of the tree: rewrite the tracked settings.json
    (REPO, "git reset --hard"),
    (REPO, "git reset --hard HEAD"),
    (f"{REPO}/src", "git reset --hard"),  # the whole work tree, from a directory in it
    (REPO, "git checkout ."),
    (REPO, "git checkout -- ."),
    (REPO, "git restore ."),
    (REPO, "git restore -W ."),
    (REPO, "git checkout -f"),
    (REPO, "git switch -f main"),
    (REPO, "git rm -r ."),
    # switching branches: the reader here holds no git objects, so whether the branch holds
    # other settings cannot be told (tests/adversarial/test_tree_guard_clean.py reads them)
    (REPO, "git checkout main"),
    (REPO, "git switch main"),
    # from another commit, any file it holds is written: untracked ones too
    (FRESH, "git reset --hard HEAD~3"),
    (FRESH, "git checkout HEAD~3 -- ."),
    (FRESH, "git restore --source=HEAD~3 ."),
    # -- git mv of the settings or their directory
    (REPO, "git mv .claude x"),
    (REPO, "git mv .claude/settings.json /tmp/s.json"),
    (REPO, "git mv -f /tmp/s.json .claude/settings.json"),
    # -- find: -delete and -exec under a root holding them
    (REPO, "find . -delete"),
    (REPO, "find . -name settings.json -delete"),
    (REPO, "find . -name 'settings*.json' -delete"),
    (REPO, "find . -iname SETTINGS.LOCAL.JSON -delete"),
    (REPO, "find . -type f -name '*.json' -delete"),
    (REPO, "find . -path './.claude/*' -delete"),
    (REPO, "find . -name '*.pyc' -o -name '*.json' -delete"),  # -o: not told here
    (REPO, "find . -delete -name '*.pyc'"),  # -delete first: everything
    (REPO, "find . -name settings.local.json -exec rm {} +"),
    (REPO, "find . -name settings.json -exec sed -i s/keyturn/true/ {} \\;"),
    (f"{REPO}/src", "find .. -maxdepth 3 -name '*.json' -delete"),
    # -- every agent's settings, where nothing tracked or ignored can be told
    (LOOSE, "git clean -fd"),
    (LOOSE, "git reset --hard"),
    (LOOSE, "git stash"),
    (LOOSE, "find . -name '*.toml' -delete"),
    (LOOSE, "find . -name hooks.json -delete"),
    (LOOSE, "find . -name '*.hook' -delete"),
]


@pytest.mark.parametrize(("cwd", "command"), REACHING)
def test_tree_operations_reaching_hook_settings_are_denied(
    policies: tuple[Policy, Policy], cwd: str, command: str
) -> None:
    action = _shell(command, cwd)
    for label, policy in zip(_LABELS, policies, strict=True):
        verdict, rules = _judge(policy, action)
        assert verdict is Verdict.DENY, (command, label, rules)
        assert SELF_PROTECTION_RULE in rules, (command, label, rules)


def test_every_agents_settings_in_the_tree_are_named() -> None:
    names = _names(_shell("git clean -fd", LOOSE))
    for place in (".codex/config.toml", ".gemini/settings.json", ".cursor/hooks.json"):
        assert f"file:{LOOSE}/{place}" in names, names
    assert f"file:{LOOSE}/.kiro/hooks/*" in names, names


def test_git_names_only_the_settings_it_changes() -> None:
    tracked, ignored = (
        f"file:{REPO}/.claude/settings.json",
        f"file:{REPO}/.claude/settings.local.json",
    )
    assert {tracked, ignored} & _names(_shell("git clean -fd", REPO)) == set()
    assert ignored in _names(_shell("git clean -fdx", REPO))
    assert tracked not in _names(_shell("git clean -fdx", REPO))
    assert _names(_shell("git stash", REPO)) & {tracked, ignored} == {tracked}
    assert _names(_shell("git stash -u", REPO)) & {tracked, ignored} == {tracked}
    assert _names(_shell("git stash -a", REPO)) >= {tracked, ignored}
    assert _names(_shell("git reset --hard", REPO)) & {tracked, ignored} == {tracked}


# Exact decisions (BRIEF, allow-everything): what git or find is known not to touch stays as it
# was, and so does every command in a repository without hook settings.
ORDINARY = [
    # the tracked settings.json and the ignored settings.local.json both stay
    (REPO, "git clean -fd", Verdict.ASK, Verdict.ALLOW),
    (REPO, "git clean -f src", Verdict.ASK, Verdict.ALLOW),
    # -n only lists, whatever else is given
    (REPO, "git clean -n", Verdict.ALLOW, Verdict.ALLOW),
    (REPO, "git clean -fdxn", Verdict.ALLOW, Verdict.ALLOW),
    (REPO, "git clean --dry-run -fdx", Verdict.ALLOW, Verdict.ALLOW),
    (REPO, "git stash list", Verdict.ALLOW, Verdict.ALLOW),
    (REPO, "git status", Verdict.ALLOW, Verdict.ALLOW),
    (REPO, "git checkout -- src", Verdict.ASK, Verdict.ALLOW),
    (REPO, "git rm -r --cached .", Verdict.ASK, Verdict.ALLOW),
    (REPO, "git mv a.txt b.txt", Verdict.ASK, Verdict.ALLOW),
    (REPO, "find . -name '*.pyc' -delete", Verdict.ASK, Verdict.ALLOW),
    (REPO, "find . -maxdepth 1 -name '*.json' -delete", Verdict.ASK, Verdict.ALLOW),
    (REPO, "find . -type d -name __pycache__ -exec rm -rf {} +", Verdict.ASK, Verdict.ALLOW),
    (REPO, "find . -name settings.json -exec cat {} +", Verdict.ALLOW, Verdict.ALLOW),
    (REPO, "find src -delete", Verdict.ASK, Verdict.ALLOW),
    # untracked settings are left alone by what only touches tracked files
    (FRESH, "git stash", Verdict.ASK, Verdict.ALLOW),
    (FRESH, "git reset --hard", Verdict.ASK, Verdict.ALLOW),
    (FRESH, "git checkout .", Verdict.ASK, Verdict.ALLOW),
    (FRESH, "git restore .", Verdict.ASK, Verdict.ALLOW),
    # no hook settings in the tree
    (PLAIN, "git clean -fdx", Verdict.ASK, Verdict.ALLOW),
    (PLAIN, "git stash -u", Verdict.ASK, Verdict.ALLOW),
    (PLAIN, "git reset --hard", Verdict.ASK, Verdict.ALLOW),
    (PLAIN, "git checkout .", Verdict.ASK, Verdict.ALLOW),
    (PLAIN, "git restore .", Verdict.ASK, Verdict.ALLOW),
    (PLAIN, "find . -delete", Verdict.ASK, Verdict.ALLOW),
    (PLAIN, "git clean -n", Verdict.ALLOW, Verdict.ALLOW),
]


@pytest.mark.parametrize(("cwd", "command", "brief", "open_"), ORDINARY)
def test_ordinary_tree_operations_keep_their_decision(
    policies: tuple[Policy, Policy], cwd: str, command: str, brief: Verdict, open_: Verdict
) -> None:
    action = _shell(command, cwd)
    for label, policy, expected in zip(_LABELS, policies, (brief, open_), strict=True):
        verdict, rules = _judge(policy, action)
        assert SELF_PROTECTION_RULE not in rules, (command, label, rules)
        assert verdict is expected, (command, label, rules)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_real_repository_is_read_as_git_reads_it(
    tmp_path: Path, policies: tuple[Policy, Policy]
) -> None:
    repo = tmp_path / "repo"
    (repo / ".claude").mkdir(parents=True)
    (repo / ".claude" / "settings.json").write_text("{}")
    (repo / ".claude" / "settings.local.json").write_text("{}")
    (repo / ".gitignore").write_text("/.claude/settings.local.json\n")
    (repo / "app.py").write_text("")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "core.excludesFile="]
    subprocess.run([*git, "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "init"], check=True)
    home, files = str(tmp_path / "home"), LocalFiles()
    cases = {
        "git clean -fd": False,  # tracked and ignored: both stay
        "git clean -fdx": True,
        # the committed settings.json is already what HEAD and the index hold: left alone
        "git stash": False,
        "git checkout .": False,
        "find . -name '*.py' -delete": False,
        "find . -name '*.json' -delete": True,
    }
    for command, denied in cases.items():
        _assert_refused(command, denied, repo, policies, home, files)
    (repo / ".claude" / "settings.json").write_text('{"hooks": null}')
    for command in ("git stash", "git checkout ."):  # now they would revert it
        _assert_refused(command, True, repo, policies, home, files)


def _assert_refused(
    command: str,
    denied: bool,
    repo: Path,
    policies: tuple[Policy, Policy],
    home: str,
    files: FileReader,
) -> None:
    action = _shell(command, str(repo), files=files, home=home)
    for label, policy in zip(_LABELS, policies, strict=True):
        verdict, rules = _judge(policy, action)
        assert (SELF_PROTECTION_RULE in rules) is denied, (command, label, rules)
        if denied:
            assert verdict is Verdict.DENY, (command, label, rules)


CWD = f"{HOME}/work"
# A path climbing with .. out of a part decided at run time, and the known path a collapsed
# reading would name instead.
RUN_TIME_CLIMBS = [
    ('rm -rf "$(dirname "$(readlink -f "$(which keyturn)")")/../lib"', f"{CWD}/lib"),
    ('rm -rf "$X/../f"', f"{CWD}/f"),
    ('rm -rf "${X}/../../etc"', "/etc"),
    ("rm -rf /srv/$X/../etc", "/srv/etc"),
    ("rm -rf `dirname $X`/../lib", f"{CWD}/lib"),
    ("rm -rf ~-/../f", f"{CWD}/f"),  # no OLDPWD known
    ('cp a.txt "$X/../f"', f"{CWD}/f"),
    ('mv a.txt "$X/../f"', f"{CWD}/f"),
    ('mv "$X/../f" b.txt', f"{CWD}/f"),
    ('install a.txt "$X/../f"', f"{CWD}/f"),
    ('ln -sf /bin/true "$X/../f"', f"{CWD}/f"),
    ('echo hi > "$X/../f"', f"{CWD}/f"),
    ('find "$X/.." -delete', CWD),
    ('tar -C "$X/.." -xf a.tar', f"{CWD}/*"),
    ('chmod -R 777 "$X/.."', CWD),
    ('truncate -s0 "$X/../f"', f"{CWD}/f"),
]


@pytest.mark.parametrize(("command", "collapsed"), RUN_TIME_CLIMBS)
def test_a_climb_out_of_a_run_time_part_names_no_known_path(
    policies: tuple[Policy, Policy], command: str, collapsed: str
) -> None:
    action = _shell(command, CWD)
    assert f"file:{collapsed}" not in _names(action), (command, _names(action))
    changes = [e for e in action.effects if e.effect is not EffectKind.READ]
    assert any(e.effect is EffectKind.UNKNOWN for e in changes), (command, changes)
    baseline = _shell('rm -rf "$X"', CWD)
    for label, policy in zip(_LABELS, policies, strict=True):
        verdict, rules = _judge(policy, action)
        floor, _ = _judge(policy, baseline)
        assert _ORDER[verdict] >= _ORDER[floor], (command, label, rules)


def test_a_climb_out_of_a_known_part_is_still_resolved() -> None:
    action = understand_shell('X=/srv/app; rm -rf "$X/../f"', cwd=CWD, home=HOME)
    deletes = [e for e in action.effects if e.effect is EffectKind.DELETE]
    assert deletes and "file:/srv/f" in deletes[0].resource.names, action.effects
    plain = understand_shell("rm -rf lib/../build", cwd=CWD, home=HOME)
    assert [e.resource.names for e in plain.effects] == [
        (f"file:{CWD}/build", f"file:{CWD}/build/*")
    ]
