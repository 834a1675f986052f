"""Variables the line changes behind the walk's back.

The walk knows a variable the line assigns one constant value. Other ways of assigning leave
that value wrong, and a path built from it named a harmless place while bash deleted another:
a reference (``declare -n r=x``: ``$r`` reads x, ``r=…`` writes it), names decided at run time
(``export $(…)``), code run in the line's own shell (``source``, ``.``, ``eval``), arithmetic
(``((x=5))``, ``let x++``) and the assigning expansions (``${x:=…}``). Each makes the variables
it may reach decided at run time: the command using them is not understood, never judged by
the stale value.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

FILES = {f"{CWD}/setx.sh": "x=/srv/prod\n"}

REBOUND = [
    "declare -n r=x; x=/srv/prod; rm -rf $r",
    "x=/tmp/a; declare -n r=x; r=/srv/prod; rm -rf $x",
    'typeset -gn r=x; x=/srv/prod; rm -rf "$r"',
    "declare -rn r=x; x=/srv/prod; rm -rf $r",
    "f() { local -n ref=$1; ref=/srv/prod; }; x=/tmp/a; f x; rm -rf $x",
    "x=/tmp/a; export $(echo x=/srv/prod); rm -rf $x",
    "x=/tmp/a; declare $(echo x=/srv/prod); rm -rf $x",
    "x=/tmp/a; . ./setx.sh; rm -rf $x",
    "x=/tmp/a; source setx.sh; rm -rf $x",
    "x=/tmp/a; eval x=/srv/prod; rm -rf $x",
    'x=/tmp/a; eval "$(echo x=/srv/prod)"; rm -rf $x',
    "x=; : ${x:=/srv/prod}; rm -rf $x",
    'x=; echo ${x:=/srv/prod}; rm -rf "$x"',
    "unset x; : ${x=/srv/prod}; rm -rf $x",
    "x=a; ((x=5)); rm -rf /srv/prod/$x",
    "x=a; ((x++)); rm -rf /srv/prod/$x",
    "x=a; let x=1; rm -rf /srv/prod/$x",
    "x=a; echo $((x<<=2)); rm -rf /srv/prod/$x",
]


def _action(command: str):  # type: ignore[no-untyped-def]
    return understand_shell(command, cwd=CWD, home=HOME, files=MemoryFiles(dict(FILES)))


@pytest.mark.parametrize("command", REBOUND)
def test_a_rebound_variable_is_decided_at_run_time(judge_shell: JudgeShell, command: str) -> None:
    removals = [e for e in _action(command).effects if e.effect is not EffectKind.READ]
    rm = [e for e in removals if "$" in " ".join(e.resource.names)]
    assert rm and all(e.effect is EffectKind.UNKNOWN for e in rm), (command, removals)
    assert judge_shell(command, files=FILES).decision is not Verdict.ALLOW, command


@pytest.mark.parametrize(
    ("command", "deleted"),
    [
        ("x=/srv/prod; rm -rf $x", "file:/srv/prod"),  # one constant value: known
        ("x=/srv/prod; declare r=x; rm -rf $r", f"file:{CWD}/x"),  # no -n: the text x
        ("export -n x; x=/srv/prod; rm -rf $x", "file:/srv/prod"),  # export -n: no reference
        ("x=/srv/prod; : ${x:-/tmp}; rm -rf $x", "file:/srv/prod"),  # :- does not assign
        ("x=/srv/prod; ((y == 1)); rm -rf $x", "file:/srv/prod"),  # a comparison
        ("x=/srv/prod; [[ $x = /srv/prod ]] && rm -rf $x", "file:/srv/prod"),
    ],
)
def test_a_variable_nothing_rebinds_stays_known(command: str, deleted: str) -> None:
    names = {
        n
        for e in _action(command).effects
        if e.effect is EffectKind.DELETE
        for n in e.resource.names
    }
    assert deleted in names, command


# -- a variable's text expanded as a prompt -----------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "x='$(rm -rf /srv/prod)'; echo ${x@P}",
        "x='$(rm -rf /srv/prod)'; echo \"${x@P}\"",
        "x='\\u $(rm -rf /srv/prod)'; PS1=${x@P}",
    ],
)
def test_a_prompt_expansion_runs_the_commands_its_text_holds(command: str) -> None:
    # bash: ``${x@P}`` expands x as a prompt string, command substitutions included.
    deleted = {
        n
        for e in _action(command).effects
        if e.effect is EffectKind.DELETE
        for n in e.resource.names
    }
    assert "file:/srv/prod" in deleted, command


@pytest.mark.parametrize(
    "command",
    ["echo ${x@P}", "x=$(cat f); echo ${x@P}", "x='`rm -rf /srv/prod`'; echo ${x@P}"],
)
def test_a_prompt_expansion_of_unknown_text_is_not_understood(
    judge_shell: JudgeShell, command: str
) -> None:
    assert EffectKind.UNKNOWN in {e.effect for e in _action(command).effects}, command
    assert judge_shell(command, files=FILES).decision is not Verdict.ALLOW, command


def test_other_transformations_do_not_run_the_text(judge_shell: JudgeShell) -> None:
    for command in ("x='$(rm -rf /srv/prod)'; echo ${x@Q}", "x='\\u@\\h'; echo ${x@P}"):
        assert judge_shell(command, files=FILES).decision is Verdict.ALLOW, command


def test_sourcing_a_file_keeps_home_and_the_working_directory() -> None:
    # ``source ~/.cargo/env`` is everyday: its path, and ``~`` after it, stay known.
    action = _action("source ~/.cargo/env && rm -rf ~/build")
    names = {n for e in action.effects for n in e.resource.names}
    assert f"file:{HOME}/.cargo/env" in names or any("cargo/env" in n for n in names)
    assert f"file:{HOME}/build" in names
