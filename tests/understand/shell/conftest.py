"""Shared by the shell tests: a command line judged under the BRIEF policy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.conftest import BRIEF_POLICY, brief_protecting

from keyturn.model import Actor, Decision, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import FileReader, MemoryFiles
from keyturn.understand.shell import understand_shell

JudgeBrief = Callable[..., Decision]
_LOADED: dict[str, Policy] = {}
# The BRIEF policy with patterns added to its ``protected`` list.
protecting = brief_protecting


@pytest.fixture()
def judge_brief() -> JudgeBrief:
    """``judge_brief(command, *, env="production", cwd="/w", files=None, policy=BRIEF_POLICY)``:
    the decision for agent kiro acting for bob (``env=None``: told from the command)."""

    def judge(
        command: str,
        *,
        env: str | None = "production",
        cwd: str = "/w",
        files: FileReader | None = None,
        policy: str = BRIEF_POLICY,
    ) -> Decision:
        if policy not in _LOADED:
            _LOADED[policy] = load_policy(policy, source="brief.yaml")
        action = understand_shell(
            command,
            cwd=cwd,
            home="/home/u",
            target=Target(environment=env),
            files=files if files is not None else MemoryFiles({}),
        )
        return _LOADED[policy].judge(action, actor=Actor(agent="kiro", operator="bob"))

    return judge
