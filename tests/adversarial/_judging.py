"""What the suites on opening a store to the world share (``test_aws_public_exposure.py``,
``test_cloud_public_access.py``, ``test_mcp_public_exposure.py`` and the others that import
this): the BRIEF policy with a few more resources protected, the decision it gives an action,
a command line or an MCP call understood in an environment, an action's effects as a failed
assertion shows them and the names it takes the protection of, and cases parametrized by their
``id``.

Cases are judged for agent ``codex`` acting for ``bob`` (:data:`CODEX`), not ``kiro``, whose
BRIEF rule refuses every IAM change and so would hide what the IAM cases test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Protocol

import pytest
from tests.adversarial.conftest import CWD, HOME
from tests.conftest import brief_protecting

from keyturn.model import Action, Actor, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_powershell, understand_shell

ALLOW, ASK, DENY = "allow", "ask", "deny"
CODEX = Actor(agent="codex", operator="bob")


@cache
def protecting(*names: str) -> Policy:
    """The BRIEF policy with ``names`` added to its ``protected`` list (none: the BRIEF policy
    as it is), loaded once a run: judging does not change a policy."""
    return load_policy(brief_protecting(*names))


def policy_protecting(*names: str) -> Any:
    """A module-scoped fixture ``policy``, :func:`protecting` ``names``: a suite assigns it
    (``policy = policy_protecting(*PROTECTED)``) and its tests take ``policy``."""

    @pytest.fixture(scope="module", name="policy")
    def policy() -> Policy:
        return protecting(*names)

    return policy


def decision_of(action: Action, policy: Policy, actor: Actor = CODEX) -> str:
    """What ``policy`` decides for ``action`` done by ``actor``: ``allow``, ``ask`` or ``deny``."""
    return policy.judge(action, actor=actor).decision.value


def understood_line(
    line: str,
    env: str | None,
    files: Mapping[str, str] | None = None,
    *,
    powershell: bool = False,
) -> Action:
    """``line`` run by the agent's shell (its PowerShell tool with ``powershell``) from ``CWD``,
    with no variables set, over ``files`` held in memory, in ``env`` (as ``keyturn check
    --env``; ``None``: told from the line itself)."""
    understand = understand_powershell if powershell else understand_shell
    return understand(
        line,
        cwd=CWD,
        home=HOME,
        env={},
        target=Target(environment=env),
        files=MemoryFiles(dict(files or {})),
    )


def understood_call(
    server: str, tool: str, arguments: Mapping[str, Any], env: str | None
) -> Action:
    """The MCP call of ``tool`` on ``server`` with ``arguments``, made from ``CWD`` in ``env``."""
    return understand_mcp(
        server, tool, arguments, target=Target(environment=env), cwd=CWD, home=HOME
    )


def shown(action: Action) -> list[tuple[str, tuple[str, ...], bool]]:
    """Each effect of ``action`` as a failed assertion shows it: its kind, its resource's names
    and whether it removes their protection."""
    return [(e.effect.value, e.resource.names, e.removes_protection) for e in action.effects]


def unprotected(action: Action) -> set[str]:
    """The names of every effect of ``action`` that removes protection."""
    return {n for e in action.effects if e.removes_protection for n in e.resource.names}


class _Case(Protocol):
    @property
    def id(self) -> str: ...


def each_case(cases: Sequence[_Case]) -> pytest.MarkDecorator:
    """Parametrize the test's ``case`` over ``cases``, each test named by its case's ``id``."""
    return pytest.mark.parametrize("case", cases, ids=[c.id for c in cases])
