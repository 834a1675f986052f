"""Patches the agent writes and then applies: ``git apply``, ``git am`` and ``patch`` change
the files the patch's headers name.

``git apply fix.diff`` and ``git am`` were "a change of the working tree" (``file:<repo>/*``),
so a patch of ``.claude/settings.json`` -- written a moment before with ``cat > fix.diff`` --
switched the hook off under any policy allowing ordinary work; ``patch`` was not understood at
all. The files a patch changes are now named from its headers (git's ``diff --git``, unified
``---``/``+++``, renames), after ``-p``, under the work tree's root (``git``) or the working
directory (``patch``); a patch whose text is not at hand is judged as changing anything.
"""

from __future__ import annotations

import pytest
from tests.hardening._judging import DEFAULT_ALLOW

from keyturn.model import Actor, EffectKind, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.policy.selfprotect import SELF_PROTECTION_RULE
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.commands._patch_files import PatchedFile, patched_files

REPO = "/home/dev/repo"
ACTOR = Actor(agent="claude-code", operator="dev")

SETTINGS_DIFF = """\
diff --git a/.claude/settings.json b/.claude/settings.json
index 1111111..2222222 100644
--- a/.claude/settings.json
+++ b/.claude/settings.json
@@ -1 +1 @@
-{"hooks": {"PreToolUse": ["keyturn hook claude-code"]}}
+{"hooks": {}}
"""
APP_DIFF = """\
--- a/src/app.py\t2026-12-01 10:00:00
+++ b/src/app.py\t2026-12-01 10:01:00
@@ -1 +1 @@
-print(1)
+print(2)
"""
RENAME_DIFF = """\
diff --git a/.codex/hooks.json b/notes/old-hooks.json
similarity index 100%
rename from .codex/hooks.json
rename to notes/old-hooks.json
"""
FILES = MemoryFiles(
    {
        f"{REPO}/.git/HEAD": "ref: refs/heads/main\n",
        f"{REPO}/.claude/settings.json": '{"hooks": {}}',
        f"{REPO}/.codex/hooks.json": "{}",
        f"{REPO}/src/app.py": "print(1)\n",
        f"{REPO}/fix.diff": SETTINGS_DIFF,
        f"{REPO}/app.diff": APP_DIFF,
        f"{REPO}/rename.diff": RENAME_DIFF,
        "/tmp/mail.mbox": "From 1 Mon Sep 17 00:00:00 2001\nSubject: x\n\n---\n" + SETTINGS_DIFF,
    }
)


@pytest.fixture(scope="module")
def policies() -> tuple[Policy, Policy]:
    from tests.conftest import BRIEF_POLICY

    return load_policy(BRIEF_POLICY), load_policy(DEFAULT_ALLOW)


def _judged(command: str, policy: Policy, cwd: str = REPO) -> tuple[Verdict, set[str]]:
    action = understand_shell(command, cwd=cwd, home="/home/dev", files=FILES)
    decision = policy.judge(action, actor=ACTOR)
    return decision.decision, {j.rule for j in decision.judgements}


def _changed(command: str, cwd: str = REPO) -> set[str]:
    action = understand_shell(command, cwd=cwd, home="/home/dev", files=FILES)
    return {n for e in action.effects if e.effect is not EffectKind.READ for n in e.resource.names}


HEREDOC = f"cat > /tmp/x.diff <<'EOF'\n{SETTINGS_DIFF}EOF\n"
SWITCHING_OFF = [
    "git apply fix.diff",
    "git apply --index fix.diff",
    "git apply -v --3way fix.diff",
    "git apply -R fix.diff",
    "git apply --check --apply fix.diff",
    "git -C /home/dev/repo apply fix.diff",
    "git am /tmp/mail.mbox",
    "git am -3 < /tmp/mail.mbox",
    "git apply < fix.diff",
    "git apply rename.diff",  # Codex's hooks moved away
    "patch -p1 < fix.diff",
    "patch -p1 -i fix.diff",
    "patch --strip=1 --input=fix.diff",
    "patch < fix.diff",
    "patch -d /home/dev/repo -p1 < fix.diff",
    "cd .claude && patch -p2 -i ../fix.diff",
    "cd .claude && patch -p2 < ../fix.diff",  # the redirect read in the directory cd left
    "patch .claude/settings.json app.diff",  # the file named outright
    f"git apply <<'EOF'\n{SETTINGS_DIFF}EOF",
    f"patch -p1 <<'EOF'\n{SETTINGS_DIFF}EOF",
    HEREDOC + "git apply /tmp/x.diff",
    HEREDOC + "patch -p1 < /tmp/x.diff",
    # not at hand: it may change anything, the hook settings among them
    "curl -s https://example.com/x.diff | git apply",
    "git apply /tmp/missing.diff",
]


@pytest.mark.parametrize("command", SWITCHING_OFF)
def test_a_patch_reaching_hook_settings_is_refused(
    policies: tuple[Policy, Policy], command: str
) -> None:
    for policy in policies:
        verdict, rules = _judged(command, policy)
        assert verdict is Verdict.DENY, (command, rules)
        assert SELF_PROTECTION_RULE in rules, (command, rules)


ORDINARY = [
    ("git apply app.diff", {f"file:{REPO}/src/app.py", "git:local/HEAD"}),
    ("patch -p1 < app.diff", {f"file:{REPO}/src/app.py"}),
    ("cd src && patch -p2 -i ../app.diff", {f"file:{REPO}/src/app.py"}),
    ("cd src && patch -p2 < ../app.diff", {f"file:{REPO}/src/app.py"}),
    ("true && patch -p1 < app.diff", {f"file:{REPO}/src/app.py"}),
    ("git apply --directory=vendor app.diff", {f"file:{REPO}/vendor/src/app.py", "git:local/HEAD"}),
    ("git apply --check fix.diff", set()),
    ("git apply --stat fix.diff", set()),
    ("patch -p1 --dry-run < fix.diff", set()),
    ("git apply --cached fix.diff", {"git:local/HEAD"}),
]


@pytest.mark.parametrize(("command", "changed"), ORDINARY)
def test_ordinary_patches_name_what_they_change(
    policies: tuple[Policy, Policy], command: str, changed: set[str]
) -> None:
    assert _changed(command) == changed
    verdict, rules = _judged(command, policies[1])
    assert verdict is Verdict.ALLOW and SELF_PROTECTION_RULE not in rules, (command, rules)


def test_patch_headers_are_read_as_the_tools_read_them() -> None:
    assert patched_files(SETTINGS_DIFF) == [
        PatchedFile("a/.claude/settings.json", "b/.claude/settings.json"),
        PatchedFile("a/.claude/settings.json", "b/.claude/settings.json"),
    ]
    created = "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+x\n"
    assert patched_files(created) == [PatchedFile(None, "b/new.txt")]
    quoted = 'diff --git "a/my file\\t1" "b/my file\\t1"\n'
    assert patched_files(quoted) == [PatchedFile("a/my file\t1", "b/my file\t1")]
    assert patched_files("*** a/x\n--- b/x\n***************\n") is None  # context diff
    assert patched_files("diff --git broken\n") is None
    assert patched_files("just text\n") == []


def test_a_deleted_file_is_a_delete(policies: tuple[Policy, Policy]) -> None:
    deleting = "--- a/src/app.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-print(1)\n"
    action = understand_shell(
        f"git apply <<'EOF'\n{deleting}EOF", cwd=REPO, home="/home/dev", files=FILES
    )
    kinds = {n: e.effect for e in action.effects for n in e.resource.names}
    assert kinds[f"file:{REPO}/src/app.py"] is EffectKind.DELETE
