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


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("echo / | xargs rm -rf", "removes the root filesystem"),  # xargs's input is known
        ("xargs rm -rf <<< /", "removes the root filesystem"),
        ("chmod -R 000 /", "chmod -R the root filesystem"),
        ("chown -R nobody ~", "chown -R a home directory"),
        ("rsync -a --delete /tmp/empty/ /", "rsync --delete onto /"),
        ("env -S 'rm -rf' /", "removes the root filesystem"),  # env -S words, then the rest
    ],
)
def test_more_catastrophic_spellings(command: str, why: str) -> None:
    action = understand_shell(command, cwd="/srv", home="/root")
    assert any(e.catastrophic and why in e.catastrophic for e in action.effects), action.effects


@pytest.mark.parametrize(
    "command",
    ['rm -rf "$X"', 'f() { rm -rf "$1"; }; f "$X"', "cat list | xargs rm", "echo x > $LOG"],
)
def test_writes_to_paths_decided_at_run_time_are_unknown(command: str) -> None:
    action = understand_shell(command, cwd="/srv", home="/root")
    writes = [e for e in action.effects if e.service == "file" and e.effect is not EffectKind.READ]
    assert writes and all(e.effect is EffectKind.UNKNOWN for e in writes), action.effects


@pytest.mark.parametrize("command", ["python3 tool.py --delete", "kubectl delete -f manifests/"])
def test_the_working_directory_is_part_of_what_is_approved(command: str) -> None:
    """A grant for a command approved in one directory is not one for the same words run in
    another: what they do depends on where they run."""
    here = understand_shell(command, cwd="/srv/a", home="/root")
    again = understand_shell(command, cwd="/srv/a", home="/root")
    there = understand_shell(command, cwd="/srv/b", home="/root")
    assert here.digest == again.digest != there.digest
    assert here.subject["cwd"] == "/srv/a"
