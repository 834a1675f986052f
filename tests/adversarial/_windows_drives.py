"""What the Windows-drive suites share: the BRIEF policy with ``C:\\prod\\data`` protected, and
a command line judged in dev from a home the suite gives (a WSL home, a Git Bash one)."""

from __future__ import annotations

from tests.conftest import BRIEF_POLICY

from keyturn.model import Actor, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell

_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'


def drive_policy() -> Policy:
    """The BRIEF policy with ``file:C:/prod/data`` and what is under it protected."""
    added = '  - "file:C:/prod/data"\n  - "file:C:/prod/data/*"\n'
    return load_policy(BRIEF_POLICY.replace(_PROTECTED, _PROTECTED + added))


def drive_decision(
    policy: Policy, command: str, env: dict[str, str], *, home: str, cwd: str
) -> tuple[str, list[str]]:
    """The verdict on ``command`` run in ``cwd`` in dev, and the rules that decided it."""
    action = understand_shell(
        command, cwd=cwd, home=home, env=env, target=Target(environment="dev")
    )
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    return str(decision.decision.value), [j.rule for j in decision.judgements]
