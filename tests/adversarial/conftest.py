"""The adversarial suite's shared judge: a command line judged under the BRIEF policy.

Cases are judged for agent ``kiro`` acting for operator ``bob``; ``env`` plays the part of
``keyturn check --env`` (unset: the environment is told from the command itself, else the
policy's ``unknown_environment``, production).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pytest

from keyturn.model import Actor, Decision, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import FileReader, MemoryFiles
from keyturn.understand.shell import understand_shell

ACTOR = Actor(agent="kiro", operator="bob")
CWD = "/home/kiro/project"
HOME = "/home/kiro"

JudgeShell = Callable[..., Decision]


_LOADED: dict[str, Policy] = {}


@pytest.fixture()
def brief_policy(brief_policy_text: str) -> Policy:
    """The BRIEF §4.1 policy, loaded once per run."""
    if brief_policy_text not in _LOADED:
        _LOADED[brief_policy_text] = load_policy(brief_policy_text)
    return _LOADED[brief_policy_text]


@pytest.fixture()
def judge_shell(brief_policy: Policy) -> JudgeShell:
    """``judge_shell(command, *, env=None, cwd=CWD, files=None, variables=None) -> Decision``."""

    def judge(
        command: str,
        *,
        env: str | None = None,
        cwd: str = CWD,
        files: FileReader | Mapping[str, str] | None = None,
        variables: Mapping[str, str] | None = None,
    ) -> Decision:
        reader = MemoryFiles(dict(files)) if isinstance(files, Mapping) else files
        action = understand_shell(
            command,
            cwd=cwd,
            home=HOME,
            env=variables,
            target=Target(environment=env),
            files=reader if reader is not None else MemoryFiles({}),
        )
        return brief_policy.judge(action, actor=ACTOR)

    return judge
