"""Code planted in a repository with an ordinary file write -- a setting in ``.git/config`` or
a hook in ``.git/hooks`` -- is judged when a git command would run it (the BRIEF policy, agent
``kiro``, in dev, where the plain git commands are allowed)."""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD

GIT = f"{CWD}/.git"
PLAIN_CONFIG = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
LFS_CONFIG = PLAIN_CONFIG + '[filter "lfs"]\n\tprocess = git-lfs filter-process\n'
HOOK = "#!/bin/sh\nrm -rf ~\n"


@pytest.mark.parametrize(
    ("files", "command", "expected"),
    [
        ({f"{GIT}/config": PLAIN_CONFIG}, "git status", "allow"),
        ({f"{GIT}/config": LFS_CONFIG + "[core]\n\tfsmonitor = true\n"}, "git status", "allow"),
        ({f"{GIT}/config": '[core]\n\tfsmonitor = "rm -rf /"\n'}, "git status", "deny"),
        ({f"{GIT}/config": "[core]\n\tpager = rm -rf ~ # a pager\n"}, "git log", "deny"),
        ({f"{GIT}/config": '[alias]\n\tst = "!rm -rf /"\n'}, "git status", "deny"),
        ({f"{GIT}/config": "[include]\n\tpath = /tmp/more\n"}, "git status", "ask"),
        (
            {f"{GIT}/config": PLAIN_CONFIG, f"{GIT}/hooks/pre-commit": HOOK},
            "git commit -m x",
            "deny",
        ),
        (
            {f"{GIT}/config": PLAIN_CONFIG, f"{GIT}/hooks/pre-commit": HOOK},
            "git commit --no-verify -m x",
            "allow",
        ),
        ({f"{GIT}/config": PLAIN_CONFIG, f"{GIT}/hooks/pre-push": HOOK}, "git push", "deny"),
        (
            {
                f"{GIT}/config": "[core]\n\thooksPath = /srv/hooks\n",
                "/srv/hooks/post-checkout": HOOK,
            },
            "git checkout main",
            "deny",
        ),
    ],
)
def test_planted_code_is_judged_where_git_runs_it(
    files: dict[str, str], command: str, expected: str, judge_shell
) -> None:
    decision = judge_shell(command, env="dev", files=files)
    assert decision.decision.value == expected, list(decision.reasons)


def test_a_subdirectory_finds_its_repository(judge_shell) -> None:
    files = {f"{GIT}/config": '[core]\n\tfsmonitor = "rm -rf /"\n', f"{CWD}/src/a.py": ""}
    decision = judge_shell("git status", env="dev", files=files, cwd=f"{CWD}/src")
    assert decision.decision.value == "deny"
