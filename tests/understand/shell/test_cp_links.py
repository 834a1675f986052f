"""``cp -s``/``--symbolic-link`` and ``cp -l``/``--link`` make links, as ``ln`` does: what is
written through the link changes the source, so the source is named as updated too."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind
from keyturn.understand.shell import understand_shell


def _updated(command: str) -> set[str]:
    action = understand_shell(command, cwd="/w", home="/home/u")
    return {
        name
        for e in action.effects
        if e.effect in (EffectKind.UPDATE, EffectKind.UNKNOWN)
        for name in e.resource.names
    }


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("cp -s /etc/keyturn/policy.yaml x", {"file:/etc/keyturn/policy.yaml"}),
        ("cp --symbolic-link /etc/x y", {"file:/etc/x", "file:/etc/x/*"}),
        ("cp --symb /etc/x y", {"file:/etc/x", "file:/etc/x/*"}),
        ("cp -l /etc/x y", {"file:/etc/x"}),
        ("cp --link /etc/x y", {"file:/etc/x"}),
        ("cp --li /etc/x d/", {"file:/etc/x"}),
        ("cp -rl /etc/ssh d", {"file:/etc/ssh", "file:/etc/ssh/*"}),
        ("cp -s -t /tmp /etc/x /etc/y", {"file:/etc/x", "file:/etc/y"}),
        ("cp -s ../x y", {"file:/x"}),
    ],
)
def test_a_linking_copy_names_its_source_as_updated(command: str, names: set[str]) -> None:
    assert names <= _updated(command)


@pytest.mark.parametrize("command", ["cp /etc/x y", "cp -a /etc/x y", "install -m 755 /etc/x y"])
def test_a_plain_copy_does_not(command: str) -> None:
    assert "file:/etc/x" not in _updated(command)


def test_a_linking_copy_says_where_the_link_leads() -> None:
    action = understand_shell("cp -s /etc/x d/", cwd="/w")
    details = [e.detail for e in action.effects]
    assert "/w/d/x links to /etc/x: what is written through the link changes it" in details
