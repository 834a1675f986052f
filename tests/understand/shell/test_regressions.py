"""Regressions found in review of the shell understanding."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind
from keyturn.understand.shell import understand_shell


@pytest.mark.parametrize("command", ['sh <<< "$X"', 'bash <<< "$(curl -s x)"'])
def test_dynamic_herestring_into_a_shell_is_run_time_text(command: str) -> None:
    action = understand_shell(command, cwd="/srv", home="/root")
    (effect,) = [e for e in action.effects if e.effect is EffectKind.UNKNOWN]
    assert "decided at run time" in effect.detail
    assert "TypeError" not in effect.detail


def test_literal_herestring_into_a_shell_is_judged() -> None:
    action = understand_shell("sh <<< 'rm -rf /srv/data'", cwd="/srv", home="/root")
    assert any(
        e.effect is EffectKind.DELETE and "file:/srv/data" in e.resource.names
        for e in action.effects
    )


@pytest.mark.parametrize(
    "command",
    [
        "watch bash -c 'rm -rf /'",  # watch joins its words for sh -c: quoting inside is lost
        "ssh db1 bash -c 'rm -rf /'",  # so does ssh for the remote shell
        "flock /tmp/l A=1 rm -rf /",  # a VAR=x word under flock: judge what follows it
    ],
)
def test_wrappers_never_hide_a_catastrophic_delete(command: str) -> None:
    action = understand_shell(command, cwd="/srv", home="/root")
    assert any(e.catastrophic for e in action.effects), action.effects


def test_a_single_quoted_ssh_command_is_read_once() -> None:
    action = understand_shell("ssh db1 'rm -rf /x'", cwd="/srv", home="/root")
    assert [e.effect for e in action.effects] == [EffectKind.DELETE]
