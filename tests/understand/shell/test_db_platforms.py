"""Serverless database platforms (neonctl, pscale, turso) -> effects on neon:,
planetscale: and turso: names, SQL judged as SQL, and decisions."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_FILES = MemoryFiles({"/w/.neon": '{"projectId": "prod-shop"}'})


def _meaning(command: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd="/w", home="/home/u", files=_FILES)
    return [(e.effect, e.resource.names) for e in action.effects]


def _tree(name: str) -> tuple[str, str]:
    return (name, f"{name}/*")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        # Neon: the project from --project-id, else the context file.
        ("neonctl branches delete main", [(_E.DELETE, _tree("neon:prod-shop/branch/main"))]),
        (
            "neonctl branches reset main --parent --project-id p1",
            [(_E.REPLACE, _tree("neon:p1/branch/main"))],
        ),
        (
            "neon branch restore main ^parent@2026-01-01T00:00:00Z",
            [(_E.REPLACE, _tree("neon:prod-shop/branch/main"))],
        ),
        (
            "neonctl branches create --name preview --parent main",
            [(_E.CREATE, ("neon:prod-shop/branch/preview",))],
        ),
        ("neonctl projects delete p1", [(_E.DELETE, _tree("neon:p1"))]),
        (
            "neonctl databases delete shop --branch main",
            [(_E.DELETE, _tree("neon:prod-shop/branch/main/database/shop"))],
        ),
        ("neonctl roles delete app", [(_E.DELETE, ("neon:prod-shop/branch/*/role/app",))]),
        # PlanetScale.
        (
            "pscale database delete shop --force --org acme",
            [(_E.DELETE, _tree("planetscale:acme/shop"))],
        ),
        ("pscale branch delete shop main", [(_E.DELETE, _tree("planetscale:*/shop/main"))]),
        ("pscale deploy-request deploy shop 12", [(_E.UPDATE, ("planetscale:*/shop",))]),
        (
            "pscale backup delete shop main b1",
            [(_E.DELETE, ("planetscale:*/shop/main/backup/b1",))],
        ),
        ("pscale branch list shop", [(_E.READ, ("planetscale:*/shop",))]),
        ("pscale shell shop main <<< 'DROP TABLE users'", [(_E.DELETE, ("db:mysql/shop/users",))]),
        # Turso.
        ("turso db destroy shop --yes", [(_E.DELETE, _tree("turso:db/shop"))]),
        ("turso db shell shop 'DELETE FROM users'", [(_E.DELETE, ("db:sqlite/shop/users",))]),
        ("turso group destroy default", [(_E.DELETE, _tree("turso:group/default"))]),
        ("turso db list", [(_E.READ, ("turso:db/*",))]),
    ],
)
def test_meanings(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert _meaning(command) == expected


def test_switching_safe_migrations_off_removes_a_protection() -> None:
    action = understand_shell(
        "pscale branch safe-migrations disable shop main", cwd="/w", home="/home/u", files=_FILES
    )
    (effect,) = action.effects
    assert effect.removes_protection and effect.resource.names == ("planetscale:*/shop/main",)


@pytest.mark.parametrize(
    "command",
    ["pscale shell shop main", "turso db shell shop", "neonctl frobnicate", "pscale connect shop"],
)
def test_interactive_sessions_and_unknown_forms_are_unknown(command: str) -> None:
    assert [kind for kind, _ in _meaning(command)] == [_E.UNKNOWN]


def test_resetting_a_production_neon_branch_needs_two_approvals(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("neonctl branches reset main --parent", env=None, files=_FILES)
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2


def test_a_protected_planetscale_database_is_never_deleted(judge_brief: JudgeBrief) -> None:
    decision = judge_brief(
        "pscale database delete shop --force",
        env="dev",
        policy=protecting("planetscale:*/shop"),
    )
    assert decision.decision is Verdict.DENY, decision.describe()
