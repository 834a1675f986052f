"""Deeply nested and very large hostile input: refused in one line or understood as unknown,
in bounded time, never a crash."""

from __future__ import annotations

import json

import pytest

from keyturn.errors import InputError, PolicyError
from keyturn.model import EffectKind, Target
from keyturn.policy import load_policy
from keyturn.understand.aws import understand_aws
from keyturn.understand.cloudformation import understand_change_set
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.mcp import understand_mcp
from keyturn.understand.shell import understand_shell
from keyturn.understand.sql import sql_effects
from keyturn.understand.terraform import understand_terraform

from ._judging import assert_fails_closed

DEEP = 10_000
DEEP_ARRAYS = "[" * DEEP + "]" * DEEP
DEEP_OBJECTS = '{"a":' * DEEP + "1" + "}" * DEEP
JSON_UNDERSTANDERS = [
    pytest.param(understand_terraform, "plan.json", id="terraform"),
    pytest.param(understand_admission, "review.json", id="admission"),
    pytest.param(understand_change_set, "change-set.json", id="change-set"),
]


def _one_line_refusal(exc: pytest.ExceptionInfo[InputError], source: str) -> None:
    assert exc.value.exit_code == 2
    assert "\n" not in exc.value.message
    assert exc.value.message.startswith(source)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("understand", "source"), JSON_UNDERSTANDERS)
@pytest.mark.parametrize("text", [DEEP_ARRAYS, DEEP_OBJECTS], ids=["arrays", "objects"])
def test_deeply_nested_json_is_refused(understand, source, text) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as exc:
        understand(text)
    _one_line_refusal(exc, source)


@pytest.mark.timeout(30)
def test_deep_value_inside_a_plan_is_refused() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {"address": "a.b", "type": "a", "change": {"actions": ["update"], "after": "X"}}
        ],
    }
    text = json.dumps(plan).replace('"X"', DEEP_OBJECTS)
    with pytest.raises(InputError, match="nested too deeply"):
        understand_terraform(text)


@pytest.mark.timeout(60)
def test_twenty_megabyte_plan_line_is_understood() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_s3_object.big",
                "type": "aws_s3_object",
                "change": {"actions": ["delete"], "before": {"content": "x" * (20 << 20)}},
            }
        ],
    }
    text = json.dumps(plan)
    assert len(text) > 20 << 20 and "\n" not in text
    action = understand_terraform(text)
    assert [e.effect for e in action.effects] == [EffectKind.DELETE]
    assert len(action.canonical_bytes()) < 4096  # the subject binds a hash, not 20 MB


@pytest.mark.timeout(30)
def test_five_thousand_nested_command_substitutions() -> None:
    command = "echo " + "$(" * 5000 + "rm -rf /srv/data" + ")" * 5000
    action = understand_shell(command)
    assert any(e.effect is EffectKind.UNKNOWN for e in action.effects)
    assert_fails_closed(action)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "command",
    [
        "(" * 5000 + "ls" + ")" * 5000,
        "{ " * 3000 + "ls;" + " }" * 3000,
        "bash -c " + "'bash -c " * 40 + "rm -rf /srv" + "'" * 40,
        "echo `" + "\\`" * 2000 + "`",
        "a|" * 20000 + "rm x",
    ],
    ids=["subshells", "groups", "nested-bash-c", "backticks", "long-pipeline"],
)
def test_deep_shell_structures(command: str) -> None:
    assert_fails_closed(understand_shell(command))


@pytest.mark.timeout(30)
def test_one_megabyte_command_is_unknown_not_allowed() -> None:
    action = understand_shell("ls " + "a" * (1 << 20))
    assert [e.effect for e in action.effects] == [EffectKind.UNKNOWN]
    assert "longer than" in action.effects[0].detail
    assert_fails_closed(action)


@pytest.mark.timeout(60)
def test_one_megabyte_of_sql() -> None:
    effects = sql_effects(
        "DROP TABLE t; " * 75_000, engine="postgres", database="app", target=Target()
    )
    assert any(e.effect is EffectKind.DELETE for e in effects)


@pytest.mark.timeout(30)
def test_deep_sql_parentheses() -> None:
    effects = sql_effects("SELECT " + "(" * 5000 + "1" + ")" * 5000, engine="postgres",
                          database="app", target=Target())  # fmt: skip
    assert effects


@pytest.mark.timeout(30)
def test_deep_mcp_and_aws_arguments() -> None:
    deep = json.loads('{"a":' * 500 + "1" + "}" * 500)
    assert_fails_closed(understand_mcp("filesystem", "write_file", {"path": "/x", "c": deep}))
    assert_fails_closed(
        understand_aws("s3", "DeleteObject", {"Bucket": "b", "Key": "k", "X": deep})
    )


# -- policy YAML -----------------------------------------------------------------------------

BILLION_LAUGHS = """\
version: 1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
"""


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (BILLION_LAUGHS, "aliases"),
        ("version: 1\nx: " + "[" * DEEP + "]" * DEEP, "nested more than"),
        ("version: 1\nx: " + "{a: " * 3000 + "1" + "}" * 3000, "nested more than"),
        ("version: 1\n" + "x" * (2 << 20) + ": 1\n", "larger than 1 MiB"),
        ("version: 1\nagents: !!python/object/apply:os.system ['true']\n", "keyturn.yaml"),
        ("version: 1\n\x00", "keyturn.yaml"),
    ],
    ids=["billion-laughs", "deep-flow-lists", "deep-flow-maps", "oversized", "python-tag", "nul"],
)
def test_hostile_policy_files_are_refused(text: str, problem: str) -> None:
    with pytest.raises(PolicyError) as exc:
        load_policy(text)
    assert problem in exc.value.message
    assert "\n" not in exc.value.message
    assert exc.value.exit_code == 2


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "command",
    [
        "echo " + "${x:-" * 1000 + "a" + "}" * 1000,
        "echo " + '"$(' * 1000 + "ls" + ')"' * 1000,
        "[[ " + "( " * 1000 + "-f x" + " )" * 1000 + " ]]",
        "rm -rf /srv/data; echo " + "${x:-" * 1000 + "a" + "}" * 1000,
    ],
    ids=["expansions", "quoted-substitutions", "test-groups", "after-a-delete"],
)
def test_a_line_nested_past_pythons_stack_is_unknown(command: str) -> None:
    """Nested deeper than the interpreter's own stack: one ``unknown`` effect, held under
    every policy, never a crash of the hook that asked."""
    action = understand_shell(command, cwd="/srv", home="/root")
    kinds = {e.effect for e in action.effects}
    assert EffectKind.UNKNOWN in kinds, kinds
    assert any("nested too deeply" in (e.detail or "") for e in action.effects)
