"""Nomad (``nomad``) -> effects on ``nomad:`` names, in the namespace and on the server told,
and decisions."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_FILES = MemoryFiles({"/w/web.nomad": 'job "web" {\n  group "api" {}\n}\n'})


def _meaning(command: str) -> list[tuple[EffectKind, tuple[str, ...]]]:
    action = understand_shell(command, cwd="/w", home="/home/u", files=_FILES)
    return [(e.effect, e.resource.names) for e in action.effects]


_WEB = ("nomad:job/web", "nomad:default/job/web")
_WEB_ALL = ("nomad:job/web", "nomad:job/web/*", "nomad:default/job/web", "nomad:default/job/web/*")


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("nomad job status", [(_E.READ, ("nomad:job/*", "nomad:default/job/*"))]),
        ("nomad job inspect web", [(_E.READ, _WEB)]),
        ("nomad job plan web.nomad", [(_E.READ, ("nomad:job/*", "nomad:default/job/*"))]),
        ("nomad job run web.nomad", [(_E.UPDATE, _WEB)]),
        ("nomad run missing.nomad", [(_E.UPDATE, ("nomad:job/*", "nomad:default/job/*"))]),
        (
            "nomad job run - <<'EOF'\njob \"api\" {}\nEOF",
            [(_E.UPDATE, ("nomad:job/api", "nomad:default/job/api"))],
        ),
        ("nomad job stop web", [(_E.DELETE, _WEB_ALL)]),
        ("nomad stop -purge web", [(_E.DELETE, _WEB_ALL)]),
        ("nomad job scale web api 0", [(_E.DELETE, _WEB)]),
        ("nomad job scale web api 3", [(_E.UPDATE, _WEB)]),
        ("nomad job restart web", [(_E.UPDATE, _WEB)]),
        (
            "nomad namespace delete shop",
            [(_E.DELETE, ("nomad:namespace/shop", "nomad:namespace/shop/*", "nomad:shop/*"))],
        ),
        ("nomad var purge app/db", [(_E.DELETE, ("nomad:var/app/db", "nomad:default/var/app/db"))]),
        ("nomad node drain -enable n1", [(_E.UPDATE, ("nomad:node/n1",))]),
        ("nomad operator snapshot restore s.snap", [(_E.REPLACE, ("nomad:*",))]),
    ],
)
def test_meanings(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert _meaning(command) == expected


def test_the_namespace_and_the_server_are_named() -> None:
    ((kind, names),) = _meaning(
        "NOMAD_ADDR=https://nomad.prod.internal:4646 nomad job stop -namespace=shop web"
    )
    assert kind is _E.DELETE
    assert {"nomad:shop/job/web", "nomad:nomad.prod.internal/shop/job/web"} <= set(names)


def test_alloc_exec_is_judged_as_the_command_it_runs() -> None:
    ((kind, names),) = _meaning("nomad alloc exec -task app -i a1b2 rm -rf /data")
    assert kind is _E.DELETE
    assert "nomad:alloc/a1b2/file:/data" in names


@pytest.mark.parametrize(
    "command", ["nomad acl bootstrap", "nomad job stop", "nomad alloc exec a1b2", "nomad ui"]
)
def test_forms_not_understood_are_unknown(command: str) -> None:
    assert [kind for kind, _ in _meaning(command)] == [_E.UNKNOWN]


def test_a_job_stop_on_the_production_server_needs_two_approvals(judge_brief: JudgeBrief) -> None:
    decision = judge_brief("nomad job stop -address=https://nomad.prod.internal web", env=None)
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2


def test_a_protected_job_is_never_stopped(judge_brief: JudgeBrief) -> None:
    decision = judge_brief(
        "nomad job stop -purge payments", env="dev", policy=protecting("nomad:*/job/payments")
    )
    assert decision.decision is Verdict.DENY, decision.describe()
