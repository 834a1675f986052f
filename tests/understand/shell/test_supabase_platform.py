"""Supabase's platform commands -> effects on the names Supabase's MCP tools use."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_FILES = MemoryFiles({"/w/supabase/.temp/project-ref": "prodref12345\n"})
_P = "supabase:project/prodref12345"


def _meaning(command: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd="/w", home="/home/u", files=_FILES)
    return [(e.effect, e.resource.names) for e in action.effects]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "supabase projects delete abcdefghijkl",
            [(_E.DELETE, ("supabase:project/abcdefghijkl", "supabase:project/abcdefghijkl/*"))],
        ),
        (
            "supabase branches delete b1",
            [(_E.DELETE, ("supabase:branch/b1", "supabase:branch/b1/*"))],
        ),
        ("supabase functions deploy", [(_E.UPDATE, (f"{_P}/function/*",))]),
        ("supabase functions deploy hello", [(_E.UPDATE, (f"{_P}/function/hello",))]),
        (
            "supabase functions delete hello --project-ref other12345",
            [(_E.DELETE, ("supabase:project/other12345/function/hello",))],
        ),
        ("supabase secrets set STRIPE=sk_live_x", [(_E.UPDATE, (f"{_P}/secret/STRIPE",))]),
        ("supabase secrets unset STRIPE", [(_E.DELETE, (f"{_P}/secret/STRIPE",))]),
        (
            "supabase storage rm -r ss:///avatars/users",
            [(_E.DELETE, (f"{_P}/storage/avatars/users", f"{_P}/storage/avatars/users/*"))],
        ),
        (
            "supabase storage cp ./a.png ss:///avatars/a.png",
            [(_E.UPDATE, (f"{_P}/storage/avatars/a.png",))],
        ),
        (
            "supabase stop --no-backup",
            [(_E.DELETE, ("db:supabase/local", "db:postgres/postgres@127.0.0.1"))],
        ),
        (
            "supabase link --project-ref abcdefghij",
            [(_E.UPDATE, ("file:/w/supabase/.temp/project-ref",))],
        ),
    ],
)
def test_meanings(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert _meaning(command) == expected


def test_secret_values_never_reach_a_name_or_a_detail() -> None:
    action = understand_shell(
        "supabase secrets set STRIPE=sk_live_hunter2", cwd="/w", home="/home/u", files=_FILES
    )
    for effect in action.effects:
        assert "hunter2" not in " ".join((*effect.resource.names, effect.detail or ""))


@pytest.mark.parametrize("command", ["supabase functions serve", "supabase frobnicate"])
def test_forms_not_understood_are_unknown(command: str) -> None:
    assert [kind for kind, _ in _meaning(command)] == [_E.UNKNOWN]


def test_a_protected_project_is_never_deleted(judge_brief: JudgeBrief) -> None:
    decision = judge_brief(
        "supabase projects delete prodref12345",
        env="dev",
        policy=protecting("supabase:project/prodref12345"),
    )
    assert decision.decision is Verdict.DENY, decision.describe()
