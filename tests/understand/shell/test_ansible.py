"""Ansible ad-hoc commands: the text the shell/command/raw modules run is understood."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind, Verdict
from keyturn.understand.shell import understand_shell

_E = EffectKind


def _effects(command: str):
    return understand_shell(command, cwd="/w", home="/home/u").effects


@pytest.mark.parametrize(
    ("command", "kind", "name"),
    [
        ("ansible all -m ping", _E.READ, "ansible:all"),
        ("ansible web --list-hosts", _E.READ, "ansible:web"),
        ("ansible web -m shell -a 'rm -rf /' --check", _E.READ, "ansible:web"),
        ("ansible web -m shell -a 'rm -rf /srv/app'", _E.DELETE, "file:/srv/app"),
        ("ansible web -a 'systemctl stop nginx'", _E.UPDATE, "service:nginx"),  # default module
        (
            "ansible db -b -m ansible.builtin.command -a 'dropdb orders'",
            _E.DELETE,
            "db:postgres/orders",
        ),
    ],
)
def test_meanings(command: str, kind: EffectKind, name: str) -> None:
    found = _effects(command)
    assert any(e.effect is kind and name in e.resource.names for e in found), found


def test_the_hosts_are_named_in_the_detail() -> None:
    (effect, *_) = _effects("ansible 'web:&prod' -m raw -a 'rm -rf /srv/app'")
    assert "web:&prod" in effect.detail


@pytest.mark.parametrize(
    "command",
    [
        "ansible all -m file -a 'path=/x state=absent'",  # its arguments decide what it does
        "ansible all -m shell",  # no text
        "ansible-playbook site.yml",  # what the playbook says is not read
        "ansible -m ping",  # no host pattern
    ],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    assert any(e.effect is _E.UNKNOWN for e in _effects(command)), command


def test_a_remote_root_wipe_is_denied_everywhere(judge_brief) -> None:
    assert judge_brief("ansible all -m shell -a 'rm -rf /'", env="dev").decision is Verdict.DENY
