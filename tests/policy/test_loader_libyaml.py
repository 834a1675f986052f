"""The policy loader parses with libyaml when available; it must load exactly what the pure
parser loads, and refuse with the same words."""

from __future__ import annotations

import pytest
import yaml

from keyturn.errors import PolicyError
from keyturn.policy import loader

pytestmark = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")

BAD = [
    "a: [1, 2\n",
    "a:\n\t- b\n",
    "a: \x07\n",
    "a: b: c\n",
    "- a\nb: 1\n",
    "a: *nope\n",
    "a: 1\n---\nb: 2\n",
    "key: 'unterminated\n",
    "[" * 80,
    "a: &a [1]\n" + "".join(f"b{i}: *a\n" for i in range(20)),
]


def _load(text: str, monkeypatch: pytest.MonkeyPatch, parser: object) -> object:
    monkeypatch.setattr(loader, "_LOADER", parser)
    try:
        located = loader.load_yaml(text, source="p.yaml")
    except PolicyError as exc:
        return ("refused", exc.message)
    return (located.value, located.lines)


def test_the_brief_policy_loads_the_same(
    brief_policy_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _load(brief_policy_text, monkeypatch, yaml.CSafeLoader)
    pure = _load(brief_policy_text, monkeypatch, yaml.SafeLoader)
    assert fast == pure
    assert isinstance(fast[0], dict) and "agents" in fast[0]


@pytest.mark.parametrize("text", BAD)
def test_refusals_are_worded_as_the_pure_parser_words_them(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _load(text, monkeypatch, yaml.CSafeLoader)
    pure = _load(text, monkeypatch, yaml.SafeLoader)
    assert fast[0] == "refused"
    assert fast == pure


def test_libyaml_is_the_parser_in_use() -> None:
    assert loader._LOADER is yaml.CSafeLoader
