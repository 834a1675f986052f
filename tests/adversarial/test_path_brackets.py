"""A bracket set in a path is a glob the shell expands (``dat[a]`` is ``data``): a delete
spelled with one reaches what it may expand to, and a protected directory holds against it.
A bracket anywhere else is part of a name (``aws_instance.web[0]``) and keeps its meaning."""

from __future__ import annotations

import pytest
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, ActionKind, Actor, Effect, EffectKind, Resource, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell

_PROTECTED = '  - "arn:aws:s3:::acme-terraform-state*"\n'


@pytest.fixture(scope="module")
def policy() -> Policy:
    added = "".join(
        f'  - "{p}"\n'
        for p in ("file:/srv/prod/data", "file:/srv/prod/data/*", "aws_instance.web[0]")
    )
    return load_policy(BRIEF_POLICY.replace(_PROTECTED, _PROTECTED + added))


def _shell(policy: Policy, command: str) -> str:
    action = understand_shell(
        command, cwd="/srv", home="/root", env={}, target=Target(environment="dev")
    )
    return str(policy.judge(action, actor=Actor(agent="kiro", operator="bob")).decision.value)


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /srv/prod/dat[a]",
        "rm -rf /srv/prod/dat[!x]",
        "rm -rf /srv/prod/[d]ata/old",
        "rm -rf /srv/prod/d[a-z]ta",
        "find /srv/prod/dat[a] -delete",
        # A ``]`` first in a set is a member, and may be its only one: anything but ``]``.
        "rm -rf /srv/prod/dat[!]]",
        "rm -rf /srv/prod/dat[^]]",
        "rm -rf /srv/prod/dat[]a]",
        # Quoted it is a literal name in bash; judged as the glob all the same (stricter).
        'rm -rf "/srv/prod/dat[a]"',
    ],
)
def test_a_bracket_set_reaches_the_protected_directory(policy: Policy, command: str) -> None:
    assert _shell(policy, command) == "deny"


@pytest.mark.parametrize(
    "command",
    [
        "rm -rf /srv/prod/dat[a\\]]",  # a quoted ``]`` does not close the set: {a, ]}
        'rm -rf /srv/prod/dat[a"]"]',
        "rm -rf /srv/prod/dat[a-z\\]]",
        "rm -rf /srv/prod/dat[!\\]]",
        "rm -rf /srv/prod/dat[\\a]",  # the grammar splits the word at ``[\``
        "rm -rf /srv/prod/dat[\\]a]",
    ],
)
def test_a_set_holding_a_quoted_character_is_not_told(policy: Policy, command: str) -> None:
    """bash expands each of these to ``/srv/prod/data``; without its quotes the text no longer
    tells which ``]`` ends the set, so where it lands is held as not told."""
    assert _shell(policy, command) == "ask"


# A set is read as any one character (``dat[xyz]`` is held too: stricter than bash).
@pytest.mark.parametrize("command", ["rm -rf /srv/prod/other[1]", "ls /srv/prod/dat[a]"])
def test_what_it_cannot_reach_stays_with_the_policy(policy: Policy, command: str) -> None:
    assert _shell(policy, command) == "allow"  # dev deletes and reads are allowed


def test_a_bracket_in_another_name_is_part_of_it(policy: Policy) -> None:
    def judged(name: str) -> str:
        effect = Effect(
            EffectKind.DELETE, Resource((name,), "aws_instance"), Target(environment="dev")
        )
        action = Action(kind=ActionKind.TERRAFORM, summary=name, effects=(effect,))
        return str(policy.judge(action, actor=Actor(agent="kiro", operator="bob")).decision.value)

    assert judged("aws_instance.web[0]") == "deny"
    assert judged("aws_instance.web[1]") == "allow"
