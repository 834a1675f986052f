"""Property tests of the action digest: key order and whitespace never change it; values do."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.understand.terraform import understand_terraform

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=6))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(min_size=1, max_size=5), inner, max_size=3),
    ),
    max_leaves=8,
)
attributes = st.dictionaries(
    st.sampled_from(["id", "ami", "tags", "name", "size"]), values, max_size=4
)
actions = st.sampled_from([["create"], ["update"], ["delete"], ["delete", "create"], ["no-op"]])


@st.composite
def plans(draw: st.DrawFn) -> dict[str, Any]:
    changes = []
    for n in range(draw(st.integers(1, 5))):
        act = draw(actions)
        changes.append(
            {
                "address": f"aws_instance.r{n}",
                "mode": "managed",
                "type": "aws_instance",
                "name": f"r{n}",
                "change": {
                    "actions": act,
                    "before": None if act == ["create"] else draw(attributes),
                    "after": None if act == ["delete"] else draw(attributes),
                },
            }
        )
    return {"format_version": "1.2", "resource_changes": changes}


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's keys in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


@settings(max_examples=150, deadline=None)
@given(plan=plans(), seed=st.integers(0, 2**32), indent=st.sampled_from([None, 1, 4]))
def test_digest_ignores_key_order_and_whitespace(
    plan: dict[str, Any], seed: int, indent: int | None
) -> None:
    first = understand_terraform(json.dumps(plan))
    again = understand_terraform(json.dumps(shuffled(plan, random.Random(seed)), indent=indent))
    assert first.digest == again.digest


@settings(max_examples=100, deadline=None)
@given(plan=plans())
def test_digest_changes_with_an_address(plan: dict[str, Any]) -> None:
    first = understand_terraform(json.dumps(plan))
    plan["resource_changes"][0]["address"] = "aws_instance.elsewhere"
    assert understand_terraform(json.dumps(plan)).digest != first.digest
